"""The independently written fixtures (one per layout and format) against their ground truth.

Every truth cell (tests/fixtures/truth/<file>.json, written with the fixture, not from our
output) must be found with exactly its value, and every document must audit clean.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.pipeline import parse_one
from tests.conftest import FIXTURES, REPO
from tests.ingest.truth import compare, load_truth

TRUTH = REPO / "tests" / "fixtures" / "truth"
# file → (format, encoding, truth cells: the count in the truth file, checked so none is lost)
FILES = {
    "notoc-budget-2024.txt": ("text", "utf-8", 271),
    "pdftext-final-2023.txt": ("text", "utf-8", 291),
    "gbk-budget-2024.txt": ("text", "gb18030", 224),
    "workbook-budget-2024.xlsx": ("xlsx", None, 373),
    "legacy-final-2023.xls": ("xls", None, 162),
    "printed-budget-2024.pdf": ("pdf", None, 349),
    "webpage-budget-2024.html": ("html", "utf-8", 252),
    "document-final-2023.docx": ("docx", None, 301),
}


@pytest.fixture(scope="module", params=sorted(FILES))
def fixture(request):
    return request.param, parse_one(FIXTURES / request.param), load_truth(TRUTH / f"{request.param}.json")


def test_every_truth_cell_is_found_with_its_exact_value(fixture):
    name, parsed, truth = fixture
    result = compare(parsed.document, truth)
    assert result.cells == FILES[name][2]
    assert result.missing == [], f"{result}: {result.missing[:10]}"


def test_metadata_format_and_encoding(fixture):
    name, parsed, truth = fixture
    d = parsed.document
    assert (d.year, d.kind) == (truth["year"], truth["kind"])
    # The web page never prints the province (江苏省) that its truth adds: the name it prints is kept.
    assert truth["department"].endswith(d.department) and len(d.department) >= 5
    assert (d.format, d.encoding) == FILES[name][:2]
    assert len({t.no for t in d.tables if t.status != "missing"}) == len({t["no"] for t in truth["tables"]})


def test_audits_clean(fixture):
    _, parsed, _ = fixture
    failed = [c for c in parsed.audit.checks if not c.passed and not c.skipped]
    assert failed == [] and parsed.audit.passed >= 25


def test_workbook_citations_name_the_sheet_and_its_row():
    # 表五 一般公共预算支出表: 2081902 农村最低生活保障金支出 is printed on that sheet (truth: sheet name)
    parsed = parse_one(FIXTURES / "workbook-budget-2024.xlsx")
    fig = next(f for f in parsed.figures if f.item_code == "2081902" and f.source.table_no == 5 and "小计" in f.measure)
    assert fig.value == Decimal("8460000.00") and fig.source.sheet == "表五 一般公共预算支出表"
    assert fig.source.sheet_row and f"工作表“表五 一般公共预算支出表”第{fig.source.sheet_row}行" in fig.source.label()


def test_pdf_citations_name_the_page_and_tables_run_across_pages():
    parsed = parse_one(FIXTURES / "printed-budget-2024.pdf")
    table = next(t for t in parsed.document.tables if t.no == 6)
    pages = {parsed.document.place(r.line)[1] for r in table.rows}
    assert pages == {13, 14}  # the fixture's README: 表六 runs across pages 13–14
    assert not any("页" in r.name or "部门预算" in r.name for r in table.rows)  # no header/footer rows


def test_pdf_text_continues_paragraphs_over_page_numbers():
    # '…压' / '- 4 -' / '减公务用车运行和公务接待支出。' is one sentence
    doc = parse_one(FIXTURES / "pdftext-final-2023.txt").document
    text = "".join(p.text for s in doc.sections for p in s.paragraphs)
    assert "压减公务用车运行和公务接待支出" in text and "- 4 -" not in text
