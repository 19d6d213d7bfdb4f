"""`python -m ingest` as a user runs it (store only; the index is covered in tests/index)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.conftest import FIXTURES, REPO


def _run(args, state_dir, **kw):
    env = {**os.environ, "BUDGETQA_STATE_DIR": str(state_dir)}
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args], cwd=REPO, env=env, capture_output=True, text=True, **kw
    )


def test_ingest_reports_all_17_tables_and_a_clean_audit(tmp_path, seed_path):
    out = _run(["--no-index", "--quiet", str(seed_path)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "目录 17 张；有数据 11，无数据（本部门无…）4，目录列出但正文缺失 2" in out.stdout
    for label in ("表一 ", "表十一 ", "表十三 ", "表十七（之3）"):
        assert label in out.stdout
    assert "未通过 0" in out.stdout
    assert (tmp_path / "figures.sqlite3").exists()


def test_audit_json_contract(tmp_path, seed_path):
    out = _run(["audit", str(seed_path), "--json"], tmp_path)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["document"] == "cq-yubei-kexie-2024-budget"
    assert report["failed"] == 0 and report["passed"] == sum(
        c["passed"] and not c["skipped"] for c in report["checks"]
    )
    assert {"name", "passed", "detail", "cells"} <= set(report["checks"][0])


def test_each_file_lands_or_fails_on_its_own(tmp_path, seed_path):
    """A folder with a good text file, a workbook fixture, a scanned PDF, a non-disclosure and a
    document whose tables were misread by ×10,000: the two good ones land, the others are named."""
    from PIL import Image

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_path, folder / seed_path.name)
    shutil.copy(FIXTURES / "workbook-budget-2024.xlsx", folder)
    Image.new("RGB", (200, 100), "white").save(folder / "scan.pdf", "PDF")
    (folder / "minutes.txt").write_text("会议纪要：今天讨论了工作安排。\n", encoding="utf-8")
    text = (FIXTURES / "notoc-budget-2024.txt").read_text(encoding="utf-8")
    (folder / "misread.txt").write_text(text.replace("单位：万元", "单位：元"), encoding="utf-8")
    out = _run(["--no-index", "--quiet", str(folder)], tmp_path / "state")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "收录 2 份，未收录 3 份" in out.stdout
    assert "（Excel 工作簿）" in out.stdout and "（文本，UTF-8 编码）" in out.stdout
    assert "scan.pdf" in out.stderr and "扫描件" in out.stderr
    assert "minutes.txt" in out.stderr
    assert "misread.txt" in out.stderr and "一万倍" in out.stderr and "正文数字与表格一致" in out.stderr
    from ingest.store import FigureStore

    store = FigureStore(tmp_path / "state" / "figures.sqlite3")
    assert {d.id for d in store.documents} == {"cq-yubei-kexie-2024-budget", "workbook-budget-2024"}


def test_when_no_file_lands_the_previous_store_keeps_serving(tmp_path, seed_path):
    state = tmp_path / "state"
    assert _run(["--no-index", "--quiet", str(seed_path)], state).returncode == 0
    before = (state / "figures.sqlite3").read_bytes()
    bad = tmp_path / "minutes.txt"
    bad.write_text("会议纪要：今天讨论了工作安排。\n", encoding="utf-8")
    out = _run(["--no-index", "--quiet", str(bad)], state)
    assert out.returncode == 2
    assert "minutes.txt" in out.stderr and "原有数据保持不变" in out.stderr and "Traceback" not in out.stderr
    assert (state / "figures.sqlite3").read_bytes() == before


def test_gbk_file_summary_names_its_encoding(tmp_path):
    out = _run(["--no-index", "--quiet", str(FIXTURES / "gbk-budget-2024.txt")], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "（文本，GBK/GB18030 编码）" in out.stdout and "未通过 0" in out.stdout


def test_audit_of_a_planted_error_exits_non_zero(tmp_path, seed_path):
    text = seed_path.read_text(encoding="utf-8").replace("公务接待费 21,000 元", "公务接待费 25,000 元")
    planted = tmp_path / "planted.txt"
    planted.write_text(text, encoding="utf-8")
    out = _run(["audit", str(planted), "--json"], tmp_path)
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["failed"] >= 1
    assert any(not c["passed"] and "公务接待费" in c["name"] for c in report["checks"])
