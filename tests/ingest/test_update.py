"""`python -m ingest add / remove / list` on the figure store (without the index; the index is
in test_update_index.py): the corpus changed one document at a time. Everything is written
under tmp_path."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import StateBusyError, StateMissingError, UnknownDocumentError
from core.settings import Settings
from ingest.pipeline import ingest
from ingest.state import exclusive
from ingest.store import FigureStore
from ingest.update import add, list_documents, remove
from tests.conftest import FIXTURES
from tests.ingest.updating import GBK, SEED_ID, WORKBOOK, edited_seed, run_ingest, snapshot


def _ids(settings: Settings) -> set[str]:
    return {d.id for d in FigureStore(settings.store_path).documents}


def _records(settings: Settings, doc_id: str) -> tuple:
    store = FigureStore(settings.store_path)
    return store.document(doc_id), store.figures_of(doc_id), store.audits.get(doc_id)


# --- the store -------------------------------------------------------------------------------


def test_add_to_an_empty_state_creates_it(settings: Settings, seed_path: Path) -> None:
    result = add([seed_path], settings, build_index=False, progress=False)
    assert [p.document.id for p in result.added] == [SEED_ID] and not result.failed
    assert _ids(settings) == {SEED_ID} and result.documents == (SEED_ID,)
    assert not list(settings.state_dir.glob(".next-*"))  # the folder built aside is gone


def test_a_second_document_keeps_the_first(settings: Settings, seed_path: Path) -> None:
    add([seed_path], settings, build_index=False, progress=False)
    before = _records(settings, SEED_ID)
    result = add([GBK], settings, build_index=False, progress=False)
    assert [p.document.id for p in result.added] == ["gbk-budget-2024"] and not result.replaced
    assert _ids(settings) == {SEED_ID, "gbk-budget-2024"}
    assert _records(settings, SEED_ID) == before  # the first document's records, untouched


def test_add_a_folder(settings: Settings, seed_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in (seed_path, GBK, WORKBOOK):
        shutil.copy(path, folder)
    result = add([folder], settings, build_index=False, progress=False)
    assert sorted(p.document.id for p in result.added) == [SEED_ID, "gbk-budget-2024", "workbook-budget-2024"]
    assert _ids(settings) == {SEED_ID, "gbk-budget-2024", "workbook-budget-2024"}


def test_adds_give_the_store_a_full_ingest_of_the_same_files_gives(
    tmp_path: Path, settings: Settings, seed_path: Path
) -> None:
    add([seed_path], settings, build_index=False, progress=False)
    add([WORKBOOK], settings, build_index=False, progress=False)
    whole = Settings(state_dir=tmp_path / "whole")
    ingest([seed_path, WORKBOOK], whole, build_index=False, progress=False)
    for doc_id in (SEED_ID, "workbook-budget-2024"):
        assert _records(settings, doc_id) == _records(whole, doc_id)


def test_adding_the_same_file_again_changes_nothing(settings: Settings, seed_path: Path) -> None:
    add([seed_path], settings, build_index=False, progress=False)
    before = snapshot(settings)
    copy = settings.state_dir.parent / "elsewhere" / "renamed.txt"
    copy.parent.mkdir()
    shutil.copy(seed_path, copy)  # same bytes under another name: the content is already held
    result = add([seed_path, copy], settings, build_index=False, progress=False)
    assert not result.changed and not result.failed
    assert [(u.path, u.doc_id) for u in result.unchanged] == [(str(seed_path), SEED_ID), (str(copy), SEED_ID)]
    assert snapshot(settings) == before


def test_a_changed_copy_replaces_the_document(settings: Settings, seed_path: Path, tmp_path: Path) -> None:
    add([seed_path, GBK], settings, build_index=False, progress=False)
    gbk_before = _records(settings, "gbk-budget-2024")
    edited = edited_seed(seed_path, tmp_path / "edited")
    result = add([edited], settings, build_index=False, progress=False)
    assert [p.document.id for p in result.replaced] == [SEED_ID] and not result.added
    store = FigureStore(settings.store_path)
    assert [d.id for d in store.documents] == [SEED_ID, "gbk-budget-2024"]  # replaced, not doubled
    doc = store.document(SEED_ID)
    assert doc is not None and doc.source_path == str(edited)
    values = {f.value for f in store.figures_of(SEED_ID) if f.origin == "narrative" and "公务接待" in f.item}
    assert Decimal(25000) in values and Decimal(21000) not in values
    # the audit ran on the new content: the narrative no longer agrees with 表十
    audit = store.audits[SEED_ID]
    assert any(not c.passed and not c.skipped and "公务接待费" in c.name for c in audit.checks)
    assert _records(settings, "gbk-budget-2024") == gbk_before


def test_a_failing_file_among_good_ones(settings: Settings, seed_path: Path, tmp_path: Path) -> None:
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("会议纪要：今天讨论了工作安排。\n", encoding="utf-8")
    misread = tmp_path / "misread.txt"
    text = (FIXTURES / "notoc-budget-2024.txt").read_text(encoding="utf-8")
    misread.write_text(text.replace("单位：万元", "单位：元"), encoding="utf-8")
    missing = tmp_path / "gone.txt"
    result = add([seed_path, minutes, misread, missing, GBK], settings, build_index=False, progress=False)
    assert {p.document.id for p in result.added} == {SEED_ID, "gbk-budget-2024"}
    failed = {Path(f.path).name: f.message for f in result.failed}
    assert set(failed) == {"minutes.txt", "misread.txt", "gone.txt"}
    assert "无法作为部门预算/决算公开文件读取" in failed["minutes.txt"] and "一万倍" in failed["misread.txt"]
    assert "不存在" in failed["gone.txt"]
    assert _ids(settings) == {SEED_ID, "gbk-budget-2024"}


def test_when_no_file_lands_nothing_is_written(settings: Settings, tmp_path: Path) -> None:
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("会议纪要。\n", encoding="utf-8")
    result = add([minutes], settings, build_index=False, progress=False)
    assert not result.changed and len(result.failed) == 1
    assert not settings.store_path.exists()


def test_remove(settings: Settings, seed_path: Path) -> None:
    add([seed_path, GBK], settings, build_index=False, progress=False)
    result = remove("gbk-budget-2024", settings, progress=False)
    assert [d.id for d in result.removed] == ["gbk-budget-2024"] and result.documents == (SEED_ID,)
    store = FigureStore(settings.store_path)
    assert [d.id for d in store.documents] == [SEED_ID]
    assert {f.doc_id for f in store.figures} == {SEED_ID} and set(store.audits) == {SEED_ID}
    assert result.index_stats is None  # the state had no index: none is made


def test_remove_of_an_unknown_id_lists_the_ids_present(settings: Settings, seed_path: Path) -> None:
    add([seed_path, GBK], settings, build_index=False, progress=False)
    before = snapshot(settings)
    with pytest.raises(UnknownDocumentError) as err:
        remove("cq-yubei-kexie-2024-budget.txt", settings, progress=False)
    message = str(err.value)
    assert "'cq-yubei-kexie-2024-budget.txt'" in message
    assert f"{SEED_ID}、gbk-budget-2024" in message and "python -m ingest list" in message
    assert snapshot(settings) == before


def test_remove_without_a_state(settings: Settings) -> None:
    with pytest.raises(StateMissingError, match="python -m ingest"):
        remove(SEED_ID, settings, progress=False)
    assert not settings.state_dir.exists()  # a failed remove creates nothing


def test_one_update_at_a_time(settings: Settings, seed_path: Path) -> None:
    with exclusive(settings), pytest.raises(StateBusyError, match="另一个"):
        add([seed_path], settings, build_index=False, progress=False)


def test_list_documents(settings: Settings, seed_path: Path, tmp_path: Path) -> None:
    add([seed_path, WORKBOOK], settings, build_index=False, progress=False)
    add([edited_seed(seed_path, tmp_path / "edited")], settings, build_index=False, progress=False)
    docs = {d.id: d for d in list_documents(settings)}
    seed, book = docs[SEED_ID], docs["workbook-budget-2024"]
    assert (seed.department, seed.year, seed.kind, seed.format) == ("重庆市渝北区科学技术协会", 2024, "预算", "text")
    assert seed.tables == 11 and seed.figures == len(FigureStore(settings.store_path).figures_of(SEED_ID))
    assert seed.audit_failed >= 1  # the edited narrative
    assert book.format == "xlsx" and book.audit_failed == 0 and book.audit_passed > 0


# --- the command line ------------------------------------------------------------------------


def test_cli_add_list_remove(tmp_path: Path, seed_path: Path) -> None:
    state = tmp_path / "state"
    out = run_ingest(["add", "--no-index", "--quiet", str(seed_path)], state)
    assert out.returncode == 0, out.stderr
    assert f"新增 {SEED_ID}：" in out.stdout and "有数据 11" in out.stdout and "未通过 0" in out.stdout
    out = run_ingest(["add", "--no-index", "--quiet", str(seed_path), str(GBK)], state)
    assert out.returncode == 0, out.stderr
    assert f"未改变 {seed_path}：内容与已收录的 {SEED_ID} 相同" in out.stdout
    assert "新增 gbk-budget-2024：" in out.stdout and "（文本，GBK/GB18030 编码）" in out.stdout
    assert "新增 1 份，替换 0 份，未改变 1 份，未收录 0 份；现有 2 份" in out.stdout

    out = run_ingest(["add", "--no-index", "--quiet", str(GBK)], state)
    assert out.returncode == 0 and "没有变化" in out.stdout

    out = run_ingest(["list"], state)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{SEED_ID}\t重庆市渝北区科学技术协会\t2024年\t预算\t文本")
    assert "表格 11 张" in lines[0] and "审核通过" in lines[0]

    out = run_ingest(["list", "--json"], state)
    listed = json.loads(out.stdout)
    assert [d["id"] for d in listed] == [SEED_ID, "gbk-budget-2024"]
    assert {"id", "department", "year", "kind", "format", "tables", "figures", "audit"} <= set(listed[0])
    assert listed[0]["kind"] == "预算" and listed[0]["audit"] == "passed" and listed[0]["tables"] == 11

    out = run_ingest(["remove", "nope"], state)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "没有编号为 'nope' 的文档" in out.stderr and f"{SEED_ID}、gbk-budget-2024" in out.stderr

    out = run_ingest(["remove", "gbk-budget-2024"], state)
    assert out.returncode == 0, out.stderr
    assert "已删除 gbk-budget-2024" in out.stdout and "现有 1 份" in out.stdout
    assert json.loads(run_ingest(["list", "--json"], state).stdout)[0]["id"] == SEED_ID


def test_cli_exit_codes(tmp_path: Path, seed_path: Path) -> None:
    state = tmp_path / "state"
    bad = tmp_path / "minutes.txt"
    bad.write_text("会议纪要：今天讨论了工作安排。\n", encoding="utf-8")
    out = run_ingest(["add", "--no-index", "--quiet", str(seed_path), str(bad)], state)
    assert out.returncode == 2 and "未收录：" in out.stderr and "minutes.txt" in out.stderr
    assert f"新增 {SEED_ID}：" in out.stdout
    # a document that lands with a failed audit check: served, and the exit code says so
    out = run_ingest(["add", "--no-index", "--quiet", str(edited_seed(seed_path, tmp_path / "e"))], state)
    assert out.returncode == 1 and f"替换 {SEED_ID}：" in out.stdout and "✗" in out.stdout
    out = run_ingest(["list"], tmp_path / "never")
    assert out.returncode == 2 and "python -m ingest" in out.stderr and "Traceback" not in out.stderr
