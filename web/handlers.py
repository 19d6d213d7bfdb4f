"""Chat handlers: plain Python over an engine, so they are tested without a browser or Gradio.

The chat keeps two things per browser session: the messages Gradio shows (``chat``, alternating
user / assistant, already rendered and escaped) and ``turns`` — what was asked and answered, as
plain data, for follow-up questions, retry and feedback. Turn *i* is shown by messages 2i and 2i+1.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from core.errors import BudgetQAError, StateMissingError
from core.privacy import redact
from core.records import Answer
from core.settings import Settings
from web import feedback as feedback_log
from web import render

log = logging.getLogger("budgetqa.web")

Chat = list[dict[str, Any]]
Turns = list[dict[str, Any]]

STREAM_STEPS = 12  # an answer appears in about this many pieces
SUGGESTIONS = 3  # suggestion buttons under the chat
INDEX_DOWN = (
    "抱歉，检索索引暂时不可用，这个问题现在无法回答；预算数字类的问题仍可回答。"
    "（管理员：请运行 `python -m ingest` 重建索引，然后重启服务。）"
)


class Engine(Protocol):
    def answer(self, question: str, history: Sequence[str] = (), doc_id: str | None = None) -> Answer: ...


def engine_history(turns: Turns) -> list[str]:
    """Previous questions for the engine, oldest first, as the engine understood them
    ('那去年呢？' is passed on as '去年三公经费是多少？', so a second follow-up still resolves).
    Refused input (empty, too long) is not a question and is left out."""
    return [t.get("resolved") or t["question"] for t in turns if t.get("status") != "invalid"]


def stream_pieces(text: str, steps: int = STREAM_STEPS) -> list[str]:
    """Progressively longer prefixes of ``text``, the last one the whole text."""
    if not text:
        return [""]
    size = max(2, -(-len(text) // steps))
    return [text[:end] for end in range(size, len(text), size)] + [text]


class ChatHandlers:
    def __init__(
        self, engine: Engine, settings: Settings, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.sleep = sleep
        # One engine per process, shared by every browser: answer one question at a time (an
        # answer takes milliseconds; the streaming pauses happen outside the lock).
        self._engine_lock = threading.Lock()

    # --- answering -------------------------------------------------------------------------------

    def ask(self, question: str, history: Sequence[str] = (), doc_id: str | None = None) -> Answer:
        """The engine's answer (from ``doc_id`` when the user picked a disclosure, else from the
        documents the question names); a failure becomes a polite answer, never a stack trace."""
        question = question if isinstance(question, str) else ""
        doc_id = doc_id if isinstance(doc_id, str) and doc_id else None
        try:
            with self._engine_lock:
                return self.engine.answer(question, history=list(history), doc_id=doc_id)
        except StateMissingError as exc:  # the index broke under the app: no server path to the public
            log.warning("state unusable for %r: %s", redact(question[:80]), exc)
            return render.error_answer(question, INDEX_DOWN)
        except BudgetQAError as exc:
            log.warning("engine refused %r: %s", redact(question[:80]), exc)
            return render.error_answer(question, f"抱歉，暂时无法回答：{exc}")
        except Exception:
            log.exception("engine failed on %r", redact(question[:80]))
            return render.error_answer(
                question, "抱歉，系统出了点问题，没能回答这个问题。请稍后再试，或换个问法。"
            )

    def respond(
        self, message: str, chat: Chat | None, turns: Turns | None, doc_id: str | None = None
    ) -> Iterator[tuple[Chat, Turns, str]]:
        """Ask, then stream the answer: yields (chat messages, turns, new textbox value)."""
        message = message if isinstance(message, str) else ""
        chat = list(chat or [])
        turns = list(turns or [])
        chat.append({"role": "user", "content": render.user_message(message)})
        yield chat, turns, ""
        answer = self.ask(message, engine_history(turns), doc_id)
        turns = [*turns, turn_record(message, answer)]
        pieces = stream_pieces(answer.text)
        for i, piece in enumerate(pieces):
            final = i == len(pieces) - 1
            shown = {"role": "assistant", "content": render.answer_message(answer, piece, final=final)}
            yield [*chat, shown], turns, ""
            if not final and self.settings.stream_delay_s > 0:
                self.sleep(self.settings.stream_delay_s)

    def retry(
        self, chat: Chat | None, turns: Turns | None, doc_id: str | None = None
    ) -> Iterator[tuple[Chat, Turns, str]]:
        """Answer the last question again (after an error, or to see it once more)."""
        chat = list(chat or [])
        turns = list(turns or [])
        if not turns:
            yield chat, turns, ""
            return
        last = turns[-1]
        yield from self.respond(last["question"], chat[: 2 * (len(turns) - 1)], turns[:-1], doc_id)

    @staticmethod
    def clear() -> tuple[Chat, Turns, str]:
        return [], [], ""

    # --- API -------------------------------------------------------------------------------------

    def api_chat(self, question: str, history: list[str] | None = None, doc_id: str | None = None) -> str:
        """One question (optionally with the previous questions, oldest first, and the id of
        one disclosure to answer from) → the answer as plain text with its sources: exactly
        what ``python -m qa "问题"`` prints."""
        return render.plain_text(self.ask(question, [h for h in (history or []) if isinstance(h, str)], doc_id))

    # --- feedback ----------------------------------------------------------------------------------

    def feedback(self, turns: Turns | None, index: Any, liked: Any) -> dict[str, Any] | None:
        """Append one like/dislike to ``settings.feedback_path`` (JSON lines) for staff to review.

        ``index`` is the position of the rated message in the chat (Gradio's LikeData.index)."""
        turns = list(turns or [])
        position = index[0] if isinstance(index, (list, tuple)) else index
        if not isinstance(position, int) or position < 0:
            return None
        n = position // 2
        if n >= len(turns):
            return None
        t = turns[n]
        record = {
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "question": t["question"],
            "resolved_question": t.get("resolved"),
            "answer": t["answer"],
            "status": t["status"],
            "reading": t.get("reading"),
            "liked": liked if isinstance(liked, (bool, str)) or liked is None else bool(liked),
            "doc_id": t.get("doc_id"),
        }
        feedback_log.append(self.settings.feedback_path, record)  # append-only, crash-safe, redacted
        return record


def turn_record(question: str, answer: Answer) -> dict[str, Any]:
    return {
        "question": question,
        "resolved": answer.resolved_question or question,
        "answer": answer.text,
        "status": answer.status,
        "doc_id": answer.doc_id,
        "reading": answer.interpretation.describe() if answer.interpretation else None,
        # what the engine offers to ask instead (an ask-back's readings, the nearest readings of
        # a question it could not answer): the chat shows them as buttons
        "suggestions": list(answer.suggestions),
    }


def suggestions_of(turns: Turns | None, k: int = SUGGESTIONS) -> list[str]:
    """The last answer's suggested questions, at most ``k`` (for the suggestion buttons)."""
    turns = list(turns or [])
    return list(turns[-1].get("suggestions") or [])[:k] if turns else []
