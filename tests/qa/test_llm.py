"""Optional LLM phrasing against a real OpenAI-compatible HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from ingest.store import FigureStore
from qa.engine import AnswerEngine
from qa.llm import LLMPhraser
from tests.qa.conftest import SEED_ID


class _Handler(BaseHTTPRequestHandler):
    reply = ""
    requests: ClassVar[list[dict]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        payload = {"choices": [{"index": 0, "message": {"role": "assistant", "content": type(self).reply}}]}
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def llm_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.requests = []
    try:
        yield server, _Handler
    finally:
        server.shutdown()
        server.server_close()


def _engine(qa_settings, url):
    settings = qa_settings.model_copy(
        update={"llm_base_url": url, "llm_api_key": "k-test", "llm_timeout_s": 5}
    )
    return AnswerEngine(FigureStore(settings.store_path), settings, phraser=LLMPhraser(settings))


def test_faithful_phrasing_is_used(qa_settings, llm_server):
    server, handler = llm_server
    handler.reply = "根据公开文件，2024年“三公”经费预算为101,000.00元。"
    engine = _engine(qa_settings, f"http://127.0.0.1:{server.server_port}/v1")
    a = engine.answer("2024年三公经费是多少？", doc_id=SEED_ID)
    assert a.text == handler.reply
    sent = handler.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k-test"
    assert "101,000.00" in sent["body"]["messages"][1]["content"]  # it gets the verified evidence


def test_an_invented_number_falls_back_to_the_deterministic_answer(qa_settings, llm_server):
    server, handler = llm_server
    handler.reply = "2024年“三公”经费预算为101,000.00元，约为12万元，比去年多。"  # the figure, and one invented
    engine = _engine(qa_settings, f"http://127.0.0.1:{server.server_port}/v1")
    a = engine.answer("2024年三公经费是多少？", doc_id=SEED_ID)
    assert "12万" not in a.text and "101,000.00" in a.text
    assert engine.last_rejected[1]  # the verifier named what it rejected


def test_an_unreachable_endpoint_falls_back_quickly(qa_settings):
    engine = _engine(qa_settings, "http://127.0.0.1:9/v1")  # discard port: nothing listens
    a = engine.answer("2024年三公经费是多少？", doc_id=SEED_ID)
    assert a.status == "answered" and "101,000.00" in a.text


def test_no_llm_configured_means_no_phraser(qa_settings):
    engine = AnswerEngine.from_settings(qa_settings, with_retriever=False)
    assert engine.phraser is None
