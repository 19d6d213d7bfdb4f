"""Optional phrasing by an LLM behind an OpenAI-compatible endpoint.

The LLM never supplies a figure: it gets the deterministic answer and its evidence and may
only re-word them. Its text goes through the same verifier; any unverified number, an error
or a timeout means the deterministic answer is shown instead. Off unless
``settings.llm_base_url`` is set; nothing touches the network otherwise.

An endpoint that is down, slow or answers garbage costs at most about twice
``settings.llm_timeout_s``: the reply is read as a stream against a deadline (a server that
trickles bytes cannot hold the answer), at most ``MAX_REPLY_BYTES``. A reply is used only when
it is a chat completion whose content is Chinese text of a sensible length that still states
every value of the answer — not a JSON error, an empty or English text, the prompt echoed, or
a text that dropped the figures. Failures are logged by kind, never with the key or the URL.
"""

from __future__ import annotations

import json
import logging
import re
import time

import httpx

from core.records import Answer
from core.settings import Settings
from qa.verify import numbers_in

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "你是部门预算公开文件的问答助手。下面给出已经核对过的答案和依据。"
    "请用简洁、礼貌的中文改写答案，便于普通市民理解。"
    "严格要求：只能使用给出的数字，不得新增、改动、估算或换算任何数字；不要编造来源；"
    "如果依据中没有答案，就说公开文件中没有。"
)
MAX_REPLY_BYTES = 256 * 1024
_HAN = re.compile(r"[\u4e00-\u9fff]")
_ODD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


class UnusableReply(ValueError):
    """The endpoint answered, but not with a chat completion we can use."""


class LLMPhraser:
    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        if not settings.llm_base_url:
            raise ValueError("LLMPhraser needs settings.llm_base_url")
        self.settings = settings
        # httpx logs each request's URL at INFO (it may carry user:password) and httpcore its
        # headers at DEBUG (the key): whatever the app's log level, they stay quiet here
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.WARNING)
        headers = {"Authorization": f"Bearer {settings.llm_key}"} if settings.llm_key else {}
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
            content = _content(self._post(payload))
            return usable(content, answer)
        except (httpx.HTTPError, UnusableReply) as exc:
            log.warning("LLM endpoint unusable (%s), keeping the deterministic answer", _kind(exc))
            return None

    def _post(self, payload: dict) -> bytes:
        """The reply's body, read against the deadline and the size limit."""
        deadline = time.monotonic() + self.settings.llm_timeout_s
        body = bytearray()
        with self.client.stream("POST", "/chat/completions", json=payload) as resp:
            resp.raise_for_status()
            for chunk in resp.iter_bytes():
                body += chunk
                if len(body) > MAX_REPLY_BYTES:
                    raise UnusableReply(f"reply longer than {MAX_REPLY_BYTES} bytes")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"reply not complete after {self.settings.llm_timeout_s:g}s")
        return bytes(body)


def _content(body: bytes) -> str:
    """The message content of an OpenAI-style chat completion."""
    try:
        data = json.loads(body.decode("utf-8"))
        content = data["choices"][0]["message"]["content"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
        raise UnusableReply(f"not a chat completion ({type(exc).__name__})") from exc
    if not isinstance(content, str):
        raise UnusableReply(f"content is {type(content).__name__}, not text")
    return content


def usable(content: str, answer: Answer) -> str:
    """The reply's text if it can stand in for ``answer.text``; ``UnusableReply`` otherwise.
    (The engine then checks every number in it against the disclosure.)"""
    text = content.strip()
    if not text:
        raise UnusableReply("empty")
    if len(text) > max(4 * len(answer.text), 400):
        raise UnusableReply("much longer than the answer")
    if _ODD.search(text) or len(_HAN.findall(text)) < 4:
        raise UnusableReply("not Chinese text")
    if SYSTEM_PROMPT[:20] in text or "严格要求" in text:
        raise UnusableReply("the prompt echoed")
    shown = set(numbers_in(text))
    for r in answer.results:
        options = {r.value, -r.value}
        if r.unit == "元":
            options |= {r.value / 10000, -r.value / 10000}
        if not options & shown:
            raise UnusableReply("a value of the answer left out")
    return text


def _kind(exc: BaseException) -> str:
    """What went wrong, without the URL (it may carry credentials) or any header."""
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return f"{type(exc).__name__}: {exc}" if isinstance(exc, UnusableReply) else type(exc).__name__
