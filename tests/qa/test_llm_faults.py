"""An LLM endpoint that is down, slow or answers garbage (issue #14): the deterministic answer,
within a bounded time, and nothing secret in the log. A tiny OpenAI-compatible HTTP server on
127.0.0.1, started here, plays each fault."""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from ingest.store import FigureStore
from qa.engine import AnswerEngine
from qa.llm import SYSTEM_PROMPT, LLMPhraser
from tests.conftest import free_port
from tests.qa.conftest import SEED_ID

QUESTION = "2024年三公经费是多少？"
TIMEOUT = 1.0  # llm_timeout_s here
BOUND = 2 * TIMEOUT + 3.0  # a reply read against the deadline, plus one slow read, plus slack
KEY = "sk-test-secret-0123456789"


def completion(content) -> bytes:
    return json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}, ensure_ascii=False).encode()


class Fault(BaseHTTPRequestHandler):
    """Answers /chat/completions as ``mode`` says."""

    mode: ClassVar[str] = "ok"
    body: ClassVar[bytes] = b""
    status: ClassVar[int] = 200
    stop: ClassVar[threading.Event] = threading.Event()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        cls = type(self)
        if cls.mode == "slow":  # answers, but only after the timeout
            cls.stop.wait(3 * TIMEOUT)
        if cls.mode == "silent":  # accepts and never answers
            cls.stop.wait(30)
            return
        self.send_response(cls.status)
        self.send_header("Content-Type", "application/json")
        if cls.mode == "trickle":  # headers at once, then a byte now and then, forever
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(200):
                if cls.stop.wait(0.2):
                    return
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
            return
        self.send_header("Content-Length", str(len(cls.body)))
        self.end_headers()
        self.wfile.write(cls.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Fault)
    srv.daemon_threads = True
    Fault.stop = threading.Event()
    Fault.mode, Fault.status, Fault.body = "ok", 200, b""
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        Fault.stop.set()
        srv.shutdown()
        srv.server_close()


@pytest.fixture(scope="module")
def base(qa_settings) -> AnswerEngine:
    """One engine for this module; each test gives it the phraser it needs."""
    return AnswerEngine(FigureStore(qa_settings.store_path), qa_settings)


@pytest.fixture(scope="module")
def plain(base):
    """The deterministic answer, without any LLM."""
    return base.answer(QUESTION, doc_id=SEED_ID)


@pytest.fixture
def phrased(base, qa_settings):
    """``phrased(url)``: the module's engine with a phraser for that endpoint (removed after)."""

    def make(url: str) -> AnswerEngine:
        settings = qa_settings.model_copy(update={"llm_base_url": url, "llm_api_key": KEY, "llm_timeout_s": TIMEOUT})
        base.phraser = LLMPhraser(settings)
        return base

    yield make
    base.phraser = None


def _ask(engine: AnswerEngine):
    start = time.monotonic()
    answer = engine.answer(QUESTION, doc_id=SEED_ID)
    return answer, time.monotonic() - start


GARBAGE = {
    "html": b"<html><body>502 Bad Gateway</body></html>",
    "empty-body": b"",
    "not-utf8": b"\xff\xfe\x00garbage",
    "no-choices": json.dumps({"error": {"message": "model not loaded"}}).encode(),
    "empty-choices": json.dumps({"choices": []}).encode(),
    "content-null": completion(None),
    "content-number": completion(101000),
    "content-list": completion([{"type": "text", "text": "三公经费101,000.00元"}]),
    "content-empty": completion("   "),
    "english": completion("The budget is 101,000.00 yuan."),
    "figure-dropped": completion("根据公开文件，三公经费的情况已经说明，请查看表格。"),
    "prompt-echoed": completion(SYSTEM_PROMPT + "101,000.00元"),
    "invented-number": completion("三公经费预算为101,000.00元，其中会议费23,456元。"),
    "rambling": completion("三公经费101,000.00元。" + "很好" * 2000),
    "control-chars": completion("三公经费\x00预算\x1b[31m101,000.00元"),
    "huge": completion("三公经费101,000.00元" * 60000),
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_from_the_llm_falls_back_to_the_deterministic_answer(phrased, server, plain, name):
    Fault.body = GARBAGE[name]
    answer, took = _ask(phrased(f"http://127.0.0.1:{server.server_port}/v1"))
    assert answer.status == "answered" and answer.text == plain.text, (name, answer.text)
    assert took < BOUND


@pytest.mark.parametrize("status", [401, 429, 500, 503])
def test_an_http_error_falls_back_and_logs_no_secret(phrased, server, plain, status, caplog):
    Fault.status, Fault.body = status, json.dumps({"error": f"status {status}"}).encode()
    with caplog.at_level(logging.DEBUG):
        answer, took = _ask(phrased(f"http://user:pw-in-url@127.0.0.1:{server.server_port}/v1"))
    assert answer.text == plain.text and took < BOUND
    assert f"HTTP {status}" in caplog.text
    assert KEY not in caplog.text and "pw-in-url" not in caplog.text


@pytest.mark.parametrize("mode", ["slow", "silent", "trickle"])
def test_a_slow_llm_falls_back_within_the_bound(phrased, server, plain, mode):
    Fault.mode, Fault.body = mode, completion("根据公开文件，2024年三公经费预算为101,000.00元。")
    answer, took = _ask(phrased(f"http://127.0.0.1:{server.server_port}/v1"))
    assert answer.status == "answered" and answer.text == plain.text, answer.text
    assert took < BOUND, took


def test_a_down_llm_falls_back_at_once(phrased, plain):
    answer, took = _ask(phrased(f"http://127.0.0.1:{free_port()}/v1"))
    assert answer.text == plain.text and took < 1.0 + 1.0


def test_a_good_reply_is_still_used(phrased, server, plain):
    """The checks above do not refuse everything: a faithful re-wording is shown."""
    reply = "根据公开文件，渝北区科协2024年“三公”经费预算为101,000.00元。"
    Fault.body = completion(reply)
    answer, _ = _ask(phrased(f"http://127.0.0.1:{server.server_port}/v1"))
    assert answer.text == reply != plain.text


def test_the_key_is_not_in_the_settings_repr(qa_settings):
    settings = qa_settings.model_copy(update={"llm_base_url": "http://127.0.0.1:1/v1"})
    settings = type(settings)(**{**settings.model_dump(), "llm_api_key": KEY, "staff_password": "pw-staff"})
    assert KEY not in repr(settings) and KEY not in str(settings.model_dump())
    assert "pw-staff" not in repr(settings)
    assert settings.llm_key == KEY
