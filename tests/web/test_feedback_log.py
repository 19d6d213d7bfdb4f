"""The feedback log (issue #14): append-only, survives a crash in the middle of a write, keeps
no personal data. A real writer process is killed (SIGKILL) while it appends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core.privacy import redact
from tests.conftest import REPO
from web import feedback


def test_each_append_keeps_what_was_there_as_a_prefix(tmp_path):
    path = tmp_path / "state" / "feedback.jsonl"
    before = b""
    for n in range(5):
        feedback.append(path, {"n": n, "question": f"问题{n}"})
        now = path.read_bytes()
        assert now.startswith(before) and now.endswith(b"\n") and len(now) > len(before)
        before = now
    assert [r["n"] for r in feedback.records(path)] == list(range(5))
    assert (path.stat().st_mode & 0o777) == 0o600  # questions are the public's: not world-readable


def test_a_torn_last_line_stays_apart_and_the_next_record_is_whole(tmp_path):
    path = tmp_path / "feedback.jsonl"
    feedback.append(path, {"n": 1})
    with path.open("ab") as fh:
        fh.write(b'{"n": 2, "question": "\xe4\xb8')  # a crash in the middle of a record (and of a character)
    feedback.append(path, {"n": 3})
    lines = path.read_bytes().splitlines()
    assert len(lines) == 3 and json.loads(lines[2]) == {"n": 3}
    assert [r["n"] for r in feedback.records(path)] == [1, 3]


def test_a_writer_killed_mid_write_loses_at_most_the_record_it_was_writing(tmp_path):
    path = tmp_path / "feedback.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, str(REPO / "tests" / "web" / "feedback_writer.py"), str(path)], cwd=REPO, env=env)
    try:
        deadline = time.monotonic() + 60
        while not path.exists() or path.stat().st_size < 200_000:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines = path.read_bytes().splitlines()
    whole = feedback.records(path)
    assert len(whole) >= len(lines) - 1 > 50  # every line is a whole record, but perhaps the last
    assert [r["n"] for r in whole] == list(range(1, len(whole) + 1))  # none lost, none out of order
    size = path.stat().st_size
    feedback.append(path, {"n": "after"})
    assert path.read_bytes()[:size] == b"\n".join(lines) + (b"\n" if len(whole) == len(lines) else b"")
    assert feedback.records(path)[-1] == {"n": "after"}


def test_appends_from_many_threads_are_all_whole(tmp_path):
    path = tmp_path / "feedback.jsonl"
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: feedback.append(path, {"n": n, "answer": "元" * 3000}), range(400)))
    assert sorted(r["n"] for r in feedback.records(path)) == list(range(400))


def test_personal_data_is_not_recorded(tmp_path):
    path = tmp_path / "feedback.jsonl"
    question = (
        "我是张三，电话13812345678，身份证110101199003071234，邮箱zhang.san@example.com，"
        "银行卡6222021234567890123，座机023-67812345，2024年三公经费是多少？2060702是什么？"
    )
    feedback.append(path, {"question": question, "resolved_question": question, "answer": "101,000.00元", "liked": True})
    record = feedback.records(path)[0]
    for secret in ("13812345678", "110101199003071234", "zhang.san@example.com", "6222021234567890123", "67812345"):
        assert secret not in path.read_text(encoding="utf-8")
    assert "［手机号］" in record["question"] and "［身份证号］" in record["question"] and "［邮箱］" in record["question"]
    assert "2024年三公经费是多少？2060702是什么？" in record["question"]  # the question itself is kept
    assert record["answer"] == "101,000.00元" and record["liked"] is True


def test_budget_figures_are_not_mistaken_for_personal_data():
    for text in ("6,059,264.63元", "6059264.63", "科目2060702", "2024年", "13,800,000,000.00元", "比2023年增长37.2%"):
        assert redact(text) == text
    assert redact("１３８１２３４５６７８") == "［手机号］"  # full-width digits too


def test_the_chat_records_feedback_through_the_log(tmp_path):
    from core.settings import Settings
    from tests.web.conftest import FakeEngine
    from web.handlers import ChatHandlers

    settings = Settings(state_dir=tmp_path / "state", stream_delay_s=0)
    h = ChatHandlers(FakeEngine(), settings)
    turns = list(h.respond("我的手机13812345678，三公经费多少", [], []))[-1][1]
    h.feedback(turns, 1, True)
    text = settings.feedback_path.read_text(encoding="utf-8")
    assert "13812345678" not in text and "三公经费多少" in text
    assert Path(settings.feedback_path).stat().st_mode & 0o777 == 0o600
