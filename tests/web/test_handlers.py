"""Chat handlers without a browser: streaming, history, retry, clear, feedback, errors, API."""

from __future__ import annotations

import json
from itertools import pairwise

from core.errors import StateMissingError
from core.records import Answer, Citation, Provenance
from qa.serialize import render_text
from tests.web.conftest import FakeEngine
from tests.web.test_render import shown
from web.handlers import ChatHandlers, engine_history, stream_pieces, suggestions_of


def run(gen):
    return list(gen)


def test_stream_pieces_grow_to_the_whole_text():
    text = "表十“三公经费”（2024年预算数/合计）为101,000.00元。"
    pieces = stream_pieces(text)
    assert len(pieces) >= 5
    assert all(len(a) < len(b) for a, b in pairwise(pieces))
    assert all(text.startswith(p) for p in pieces) and pieces[-1] == text
    assert stream_pieces("") == [""]


def test_respond_streams_progressively_longer_answers(fake_engine, tmp_settings):
    long = Answer(
        "问",
        "这是一个比较长的回答，" * 6,
        "answered",
        citations=(Citation("x", Provenance("d", 3, 1, "表")),),
    )
    fake_engine.answers["问"] = long
    sleeps: list[float] = []
    h = ChatHandlers(
        fake_engine, tmp_settings.model_copy(update={"stream_delay_s": 0.01}), sleep=sleeps.append
    )
    steps = run(h.respond("问", [], []))
    # first the question alone (the box is cleared), then the answer growing piece by piece
    chat0, turns0, box0 = steps[0]
    assert [m["role"] for m in chat0] == ["user"] and turns0 == [] and box0 == ""
    texts = [shown(chat[-1]["content"]) for chat, _, _ in steps[1:]]
    lengths = [len(t) for t in texts]
    assert len(texts) >= 5 and lengths == sorted(lengths) and len(set(lengths)) == len(lengths)
    assert "来源与依据" in texts[-1] and all("来源与依据" not in t for t in texts[:-1])
    assert sleeps and all(s == 0.01 for s in sleeps)
    chat, turns, _ = steps[-1]
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert turns == [
        {"question": "问", "resolved": "问", "answer": long.text, "status": "answered", "doc_id": None, "reading": None, "suggestions": []}
    ]


def test_previous_questions_go_to_the_engine_as_history(fake_engine, tmp_settings):
    fake_engine.answers["那去年呢？"] = Answer(
        "那去年呢？", "111,000.00元", "answered", resolved_question="去年三公经费是多少？"
    )
    h = ChatHandlers(fake_engine, tmp_settings)
    chat, turns, _ = run(h.respond("2024年三公经费是多少？", [], []))[-1]
    chat, turns, _ = run(h.respond("", chat, turns))[-1]  # an empty question: a hint, not history
    chat, turns, _ = run(h.respond("那去年呢？", chat, turns))[-1]
    chat, turns, _ = run(h.respond("那办公费呢？", chat, turns))[-1]
    assert fake_engine.calls == [
        ("2024年三公经费是多少？", []),
        ("", ["2024年三公经费是多少？"]),
        ("那去年呢？", ["2024年三公经费是多少？"]),
        ("那办公费呢？", ["2024年三公经费是多少？", "去年三公经费是多少？"]),
    ]
    assert len(chat) == 8 and [t["status"] for t in turns] == ["answered", "invalid", "answered", "answered"]


def test_engine_history_skips_refused_input():
    turns = [
        {"question": "a", "resolved": "a", "status": "answered"},
        {"question": "x" * 600, "resolved": "x" * 600, "status": "invalid"},
        {"question": "那去年呢？", "resolved": "去年a", "status": "not_found"},
    ]
    assert engine_history(turns) == ["a", "去年a"]


def test_retry_answers_the_last_question_again(fake_engine, tmp_settings):
    h = ChatHandlers(fake_engine, tmp_settings)
    chat, turns, _ = run(h.respond("一", [], []))[-1]
    chat, turns, _ = run(h.respond("二", chat, turns))[-1]
    chat2, turns2, _ = run(h.retry(chat, turns))[-1]
    assert len(chat2) == 4 and [t["question"] for t in turns2] == ["一", "二"]
    assert fake_engine.calls[-1] == ("二", ["一"])
    assert run(h.retry([], []))[-1][:2] == ([], [])  # nothing to retry


def test_clear_empties_everything(fake_engine, tmp_settings):
    assert ChatHandlers(fake_engine, tmp_settings).clear() == ([], [], "")


def test_feedback_is_appended_as_json_lines(fake_engine, tmp_settings):
    h = ChatHandlers(fake_engine, tmp_settings)
    chat, turns, _ = run(h.respond("一", [], []))[-1]
    chat, turns, _ = run(h.respond("二", chat, turns))[-1]
    h.feedback(turns, 3, True)  # message 3 = the answer to the second question
    h.feedback(turns, 1, False)
    assert h.feedback(turns, 9, True) is None and h.feedback(turns, "x", True) is None
    lines = tmp_settings.feedback_path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["question"], r["liked"]) for r in records] == [("二", True), ("一", False)]
    for r in records:
        assert set(r) >= {"question", "answer", "status", "liked", "timestamp"}
        assert r["answer"].startswith("回答：") and r["status"] == "answered"
        assert r["timestamp"].endswith("+00:00")


def test_engine_failure_is_a_polite_answer(tmp_settings):
    h = ChatHandlers(FakeEngine(error=RuntimeError("boom /secret/path")), tmp_settings)
    chat, turns, _ = run(h.respond("问", [], []))[-1]
    text = shown(chat[-1]["content"])
    assert "抱歉" in text and "boom" not in text and "Traceback" not in text
    assert turns[-1]["status"] == "not_found"
    h = ChatHandlers(FakeEngine(error=StateMissingError("storage", "没有找到数字库")), tmp_settings)
    assert "python -m ingest" in shown(run(h.respond("问", [], []))[-1][0][-1]["content"])


def test_api_chat_returns_the_cli_text(fake_engine, tmp_settings):
    a = Answer(
        "q", "为101,000.00元。", "answered", citations=(Citation("c", Provenance("d", 353, 10, "三公表")),)
    )
    fake_engine.answers["q"] = a
    h = ChatHandlers(fake_engine, tmp_settings)
    assert h.api_chat("q") == render_text(a)
    h.api_chat("那去年呢？", ["q"])
    assert fake_engine.calls[-1] == ("那去年呢？", ["q"])


# --- with the real engine (figures only, no model) ------------------------------------------------


def test_real_engine_three_public_and_follow_up(real_engine, tmp_settings):
    h = ChatHandlers(real_engine, tmp_settings)
    chat, turns, _ = run(h.respond("2024年三公经费是多少？", [], []))[-1]
    first = shown(chat[-1]["content"])
    assert "101,000.00元" in first and "表十" in first and "原文第353行" in first
    chat, turns, _ = run(h.respond("那去年呢？", chat, turns))[-1]
    second = shown(chat[-1]["content"])
    assert "111,000.00元" in second and "问题补全为：去年三公经费是多少" in second and "理解为：三公经费 · 2023年" in second


def test_real_engine_computed_answer_has_formula(real_engine, tmp_settings):
    h = ChatHandlers(real_engine, tmp_settings)
    chat, turns, _ = run(h.respond("科普活动比去年少了多少钱？", [], []))[-1]
    text = shown(chat[-1]["content"])
    assert "1,360,000.00元" in text and "计算：" in text and "2060702 科普活动" in text
    assert turns[0]["status"] == "answered"


def test_real_engine_input_limits(real_engine, tmp_settings):
    h = ChatHandlers(real_engine, tmp_settings)
    empty = shown(run(h.respond("", [], []))[-1][0][-1]["content"])
    assert "请输入" in empty
    too_long = shown(run(h.respond("三" * 501, [], []))[-1][0][-1]["content"])
    assert "问题太长" in too_long and "500字以内" in too_long
    script = run(h.respond("<script>alert(1)</script>", [], []))[-1][0]
    assert all("<script" not in m["content"] for m in script)
    assert shown(script[0]["content"]) == "<script>alert(1)</script>"


def test_suggestions_of_the_last_answer_are_offered(real_engine, tmp_settings):
    handlers = ChatHandlers(real_engine, tmp_settings, sleep=lambda s: None)
    *_, (_chat, turns, _) = list(handlers.respond("办公费预算多少", [], []))
    offered = suggestions_of(turns)
    assert turns[-1]["status"] == "clarify" and len(offered) >= 2
    # each suggestion, asked, is answered with one figure: clicking it settles the ask-back
    answers = [handlers.ask(s) for s in offered]
    assert all(a.status == "answered" for a in answers)
    assert len({a.figures[0].figure.value for a in answers}) == len(answers)
    assert suggestions_of([]) == []


def test_the_picked_disclosure_goes_to_the_engine_and_none_means_the_question_decides(fake_engine, tmp_settings):
    handlers = ChatHandlers(fake_engine, tmp_settings, sleep=lambda _: None)
    list(handlers.respond("办公费多少", [], [], "notoc-budget-2024"))
    list(handlers.respond("办公费多少", [], [], ""))  # the picker's "all disclosures" entry
    list(handlers.retry([{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}],
                        [{"question": "办公费多少", "status": "answered"}], "gbk-budget-2024"))
    assert fake_engine.doc_ids == ["notoc-budget-2024", None, "gbk-budget-2024"]
