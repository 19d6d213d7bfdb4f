"""Round trips: the seed's tables rendered as .xlsx, .html, .docx and (printed by Chromium)
.pdf give the same table figures as the seed's text."""

from __future__ import annotations

import shutil

import pytest

from ingest.pipeline import parse_one
from tests.ingest.render import seed_blocks, to_docx, to_html, to_pdf, to_xlsx


def _table_figures(parsed) -> set[tuple]:
    return {
        (f.source.table_no, f.item_code, f.item, f.measure, f.value, f.unit)
        for f in parsed.figures
        if f.origin == "table"
    }


@pytest.fixture(scope="module")
def blocks(seed_path, seed_doc):
    return seed_blocks(seed_path.read_text(encoding="utf-8"), seed_doc)


def _check(parsed, seed_parsed) -> None:
    want = _table_figures(seed_parsed)
    got = _table_figures(parsed)
    assert len(want) > 250
    assert sorted(want - got, key=str)[:10] == []
    assert sorted(got - want, key=str)[:10] == []
    assert parsed.audit.failed == 0, [c for c in parsed.audit.checks if not c.passed and not c.skipped]


@pytest.mark.parametrize(("suffix", "render"), [(".xlsx", to_xlsx), (".html", to_html), (".docx", to_docx)])
def test_round_trip(tmp_path, blocks, seed_parsed, suffix, render):
    path = tmp_path / f"seed{suffix}"
    render(blocks, path)
    parsed = parse_one(path)
    assert parsed.document.format == suffix.lstrip(".")
    _check(parsed, seed_parsed)


def test_round_trip_xlsx_cites_sheet_and_row(tmp_path, blocks, seed_parsed):
    path = tmp_path / "seed.xlsx"
    to_xlsx(blocks, path)
    parsed = parse_one(path)
    fig = next(f for f in parsed.figures if f.item_code == "2060702" and f.measure == "2024年预算数/小计")
    assert fig.source.sheet == "4 表五"  # the fourth table printed (表二 is not in the seed's body)
    # seed lines 204-222: title, 部门全称, 单位, two header rows, then 合计 … 2060702 (the 11th data row)
    assert fig.source.sheet_row == 16 and "工作表“4 表五”第16行" in fig.source.label()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (make system-deps)")
def test_round_trip_pdf_printed_by_chromium(tmp_path, blocks, seed_parsed):
    path = tmp_path / "seed.pdf"
    to_pdf(blocks, path, tmp_path)
    parsed = parse_one(path)
    assert parsed.document.format == "pdf"
    _check(parsed, seed_parsed)
    fig = next(f for f in parsed.figures if f.item_code == "2060702" and f.measure == "2024年预算数/小计")
    assert fig.source.page is not None and f"第{fig.source.page}页" in fig.source.label()
