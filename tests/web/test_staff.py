"""The staff view's parts without a browser: the fact-check and audit rendering, the feedback
log and its CSV, and that the view is off unless credentials are set."""

from __future__ import annotations

import json

from core.settings import Settings
from qa.check import check
from web.staff import audit_report_html, check_html, feedback_csv, feedback_rows


def test_staff_view_is_off_without_credentials(tmp_path, monkeypatch):
    monkeypatch.delenv("BUDGETQA_STAFF_USER", raising=False)
    monkeypatch.delenv("BUDGETQA_STAFF_PASSWORD", raising=False)
    assert Settings(state_dir=tmp_path).staff_credentials is None
    assert Settings(state_dir=tmp_path, staff_user="a").staff_credentials is None
    assert Settings(state_dir=tmp_path, staff_user="a", staff_password="b").staff_credentials == ("a", "b")


def test_check_html_shows_verdicts_readings_and_sources(real_engine):
    # seed: 三公经费 2024年 101,000元 (表十)
    html = check_html(check("2024年三公经费预算10.1万元，比上年增加1万元。<b>x</b>", real_engine))
    assert "data-verdict='mixed'" in html and "data-verdict='supported'" in html and "data-verdict='contradicted'" in html
    assert "表十" in html and "理解为" in html and "<b>x</b>" not in html


def test_check_html_without_claims_says_what_to_paste(real_engine):
    assert "没有找到带数字的说法" in check_html(check("科协负责科普工作", real_engine))


def test_audit_lists_checks_with_their_cells(real_engine):
    report = real_engine.store.audits[real_engine.documents[0].id]
    html = audit_report_html(report)
    assert f"通过 {report.passed}" in html and "涉及：" in html
    assert "没有审核记录" in audit_report_html(None)


def test_feedback_rows_and_csv(tmp_path):
    log = tmp_path / "feedback.jsonl"
    records = [
        {"timestamp": "2026-12-01T10:00:00", "question": "办公费是多少？", "answer": "…", "status": "clarify", "liked": False, "reading": "办公费"},
        {"timestamp": "2026-12-01T10:01:00", "question": "三公经费", "answer": "101,000.00元", "status": "answered", "liked": True},
    ]  # fmt: skip
    log.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n{torn", encoding="utf-8")
    rows = feedback_rows(log)
    assert [r[2] for r in rows] == ["三公经费", "办公费是多少？"]  # newest first, the torn line skipped
    assert rows[0][1] == "👍" and rows[1][1] == "👎" and rows[1][3] == "办公费"
    out = feedback_csv(log, tmp_path / "exports")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufefftimestamp,liked,question,reading") and "办公费是多少？" in text
    assert feedback_rows(tmp_path / "missing.jsonl") == []
