"""Optional phrasing by an LLM behind an OpenAI-compatible endpoint.

The LLM never supplies a figure: it gets the deterministic answer and its evidence and may
only re-word them. Its text goes through the same verifier; any unverified number, an error
or a timeout means the deterministic answer is shown instead. Off unless
``settings.llm_base_url`` is set; nothing touches the network otherwise.
"""

from __future__ import annotations

import logging

import httpx

from core.records import Answer
from core.settings import Settings

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "你是部门预算公开文件的问答助手。下面给出已经核对过的答案和依据。"
    "请用简洁、礼貌的中文改写答案，便于普通市民理解。"
    "严格要求：只能使用给出的数字，不得新增、改动、估算或换算任何数字；不要编造来源；"
    "如果依据中没有答案，就说公开文件中没有。"
)


class LLMPhraser:
    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        if not settings.llm_base_url:
            raise ValueError("LLMPhraser needs settings.llm_base_url")
        self.settings = settings
        headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
        self.client = client or httpx.Client(
            base_url=settings.llm_base_url.rstrip("/"), headers=headers, timeout=settings.llm_timeout_s
        )

    def phrase(self, answer: Answer) -> str | None:
        """Re-worded text, or None when the endpoint fails (the caller keeps its own text)."""
        evidence = "\n".join(f"- {c.text}（{c.provenance.label()}）" for c in answer.citations[:6])
        user = f"问题：{answer.question}\n已核对的答案：{answer.text}\n"
        if answer.formula:
            user += f"计算过程：{answer.formula}\n"
        user += f"依据：\n{evidence}"
        payload = {
            "model": self.settings.llm_model,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}],
            "temperature": 0,
        }
        try:
            resp = self.client.post("/chat/completions", json=payload)
            resp.raise_for_status()
            return resp.json()["choices"][0]["message"]["content"].strip() or None
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
            log.warning("LLM endpoint unusable, keeping the deterministic answer: %s", exc)
            return None
