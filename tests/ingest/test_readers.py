"""Each reader on small samples written here, and bad files refused with a clear message.

Expected values are the ones written into the samples; nothing is copied from the parser.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from core.errors import NotADisclosureError
from core.text import normalize_radicals
from ingest.parse import parse_bytes, parse_file


def _w(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _line(cells: list[tuple[str, int, str]], wide: bool) -> str:
    """Cells as (text, column width, 'l'|'r'), padded with spaces as a PDF copy is."""
    out = ""
    for text, width, align in cells:
        pad = width - (_w(text) if wide else len(text))
        out += text + " " * pad if align == "l" else " " * pad + text
        out += "  "
    return out.rstrip()


def _aligned_final(wide: bool) -> str:
    rows = [
        ("", "合计", "100.00", "98.50", "60.00", "38.50"),
        ("201", "一般公共服务支出", "100.00", "98.50", "60.00", "38.50"),
        ("20126", "档案事务", "100.00", "98.50", "60.00", "38.50"),
        ("2012601", "行政运行", "60.00", "60.00", "60.00", ""),
        ("2012699", "其他档案事务支出（含", "40.00", "38.50", "", "38.50"),
        ("", "数字化）", "", "", "", ""),
    ]
    widths = [9, 22, 10, 10, 10, 10]

    def row(values):
        return _line([(v, w, "l" if k < 2 else "r") for k, (v, w) in enumerate(zip(values, widths, strict=True))], wide)

    return "\n".join(
        [
            "某某县档案局2023年度部门决算",
            "",
            "              表3  一般公共预算财政拨款支出决算表",
            "编制单位：某某县档案局                                  金额单位：万元",
            _line([("项目", 33, "l"), ("年初预算数", 10, "r"), ("决算数", 22, "r")], wide),
            row(["科目编码", "科目名称", "", "小计", "基本支出", "项目支出"]),
            *(row(r) for r in rows),
            "",
            "- 3 -",
        ]
    )


@pytest.mark.parametrize("wide", [False, True], ids=["aligned-by-characters", "aligned-by-display-width"])
def test_space_aligned_pdf_text(wide):
    doc = parse_bytes(_aligned_final(wide).encode(), "final.txt")
    (table,) = doc.tables
    assert (table.no, table.title, table.unit, doc.kind, doc.year) == (3, "一般公共预算财政拨款支出决算表", "万元", "决算", 2023)
    assert doc.department == "某某县档案局"
    row = next(r for r in table.rows if r.code == "2012699")
    assert row.name == "其他档案事务支出（含数字化）"  # the wrapped name rejoined
    values = {c.column.split("/")[-1]: c for c in row.cells}
    assert values["年初预算数"].value == Decimal("40.00")
    assert values["小计"].value == Decimal("38.50") and "决算数/小计" in [c.column for c in row.cells]
    assert values["基本支出"].kind == "blank"  # a blank position is no amount, not 0
    assert values["项目支出"].value == Decimal("38.50")
    assert next(r for r in table.rows if r.code == "2012601").parent_code == "20126"


def test_meta_fields_sharing_a_line_set_the_unit():
    text = (
        "2024年某局部门预算\n\n表1 部门收支预算总表\n部门全称：某局\t单位：万元\n"
        "收入\t\t支出\t\n项目\t预算数\t项目\t预算数\n一、一般公共预算拨款收入\t12.30\t一、一般公共服务支出\t12.30\n"
    )
    doc = parse_bytes(text.encode(), "meta.txt")
    assert (doc.department, doc.tables[0].unit, doc.tables[0].no) == ("某局", "万元", 1)
    assert not doc.warnings


@pytest.mark.parametrize(
    ("encoding", "named"), [("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-16", "utf-16")]
)
def test_text_encodings_are_detected(encoding, named):
    text = "2024年某局部门预算\n\n表1 部门收支预算总表\n单位：元\n项目\t预算数\n合计\t1,000.00\n"
    doc = parse_bytes(text.encode(encoding), "enc.txt")
    assert doc.encoding == named and doc.tables[0].rows[0].cell("预算数").value == Decimal("1000.00")


def test_both_radical_blocks_are_normalised():
    assert normalize_radicals("部⻔预算⽀出，⻓期⾏政") == "部门预算支出，长期行政"


def test_workbook_floats_become_decimals_at_displayed_precision(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "表一 收支总表"
    ws.append(["2024年某局部门收支预算总表"])
    ws.merge_cells("A1:D1")
    ws.append(["部门全称：某局", None, None, "单位：元"])
    ws.append(["收入", None, "支出", None])
    ws.merge_cells("A3:B3")
    ws.merge_cells("C3:D3")
    ws.append(["项目", "预算数", "项目", "预算数"])
    ws.append(["一般公共预算拨款收入", 6059264.63, "科学技术支出", 0.1 + 0.2])
    ws["B5"].number_format = "#,##0.00"
    ws["D5"].number_format = "0.00"
    path = tmp_path / "book.xlsx"
    book.save(path)
    doc = parse_file(path)
    table = doc.tables[0]
    income = next(r for r in table.rows if r.group == "收入")
    expense = next(r for r in table.rows if r.group == "支出")
    assert income.cell("收入/预算数").value == Decimal("6059264.63") and income.cell("收入/预算数").raw == "6,059,264.63"
    assert expense.cell("支出/预算数").value == Decimal("0.30")  # not 0.30000000000000004
    assert (table.no, doc.format, doc.department) == (1, "xlsx", "某局")
    assert doc.place(income.line) == ("表一 收支总表", None, 5)


def test_html_spans_and_chrome(tmp_path):
    page = """<html><head><meta charset="utf-8"><script>var x = "表9 假表";</script></head><body>
    <div class="nav">首页 政务公开</div>
    <h1>某局2024年部门预算公开</h1>
    <p class="tt">表5 一般公共预算支出预算表</p><p>单位：元</p>
    <table><tr><td colspan="2">功能分类科目</td><td rowspan="2">2023年预算数</td><td colspan="3">2024年预算数</td></tr>
    <tr><td>科目编码</td><td>科目名称</td><td>小计</td><td>基本支出</td><td>项目支出</td></tr>
    <tr><td>201</td><td>一般公共服务支出</td><td>90.00</td><td>100.00</td><td>60.00</td><td>40.00</td></tr></table>
    <div class="footer">主办单位：某区政府</div></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    doc = parse_file(path)
    (table,) = doc.tables
    row = table.rows[0]
    assert table.no == 5 and row.code == "201"
    assert row.cell("2023年预算数").value == Decimal("90.00")
    assert row.cell("2024年预算数/基本支出").value == Decimal("60.00")
    text = " ".join(p.text for s in doc.sections for p in s.paragraphs) + " ".join(s.heading for s in doc.sections)
    assert "假表" not in text and "首页" not in text and "主办单位" not in text


def test_docx_merged_header_cells(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("某局2023年度部门决算")
    document.add_paragraph("表5 一般公共预算财政拨款支出决算表")
    document.add_paragraph("单位：元")
    table = document.add_table(rows=3, cols=5)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "项目"
    table.cell(0, 2).merge(table.cell(1, 2)).text = "年初预算数"
    table.cell(0, 3).merge(table.cell(0, 4)).text = "决算数"
    for c, text in enumerate(["科目编码", "科目名称", None, "基本支出", "项目支出"]):
        if text:
            table.cell(1, c).text = text
    for c, text in enumerate(["2010101", "行政运行", "50.00", "48.00", ""]):
        table.cell(2, c).text = text
    path = tmp_path / "final.docx"
    document.save(path)
    row = parse_file(path).tables[0].rows[0]
    assert (row.code, row.name) == ("2010101", "行政运行")
    assert row.cell("年初预算数").value == Decimal("50.00")
    assert row.cell("决算数/基本支出").value == Decimal("48.00") and row.cell("决算数/项目支出").kind == "blank"


# --- bad files --------------------------------------------------------------------------------


def _scanned_pdf(path) -> None:
    from PIL import Image

    Image.new("RGB", (200, 100), "white").save(path, "PDF")


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("empty.txt", lambda p: p.write_bytes(b""), "空"),
        ("blob.txt", lambda p: p.write_bytes(b"\x00\x01\x02binary\x00" * 50), "二进制"),
        ("minutes.txt", lambda p: p.write_text("会议纪要：今天讨论了工作安排。\n", encoding="utf-8"), "表格"),
        # an Office file with an open password is an OLE container holding an EncryptedPackage stream
        ("locked.xlsx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le")), "密码"),
        ("scan.pdf", _scanned_pdf, "扫描件"),
        ("old.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "WordDocument".encode("utf-16-le")), ".docx"),
        ("broken.xlsx", lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "损坏"),
    ],
)
def test_bad_files_get_a_clear_message_naming_the_file(tmp_path, name, make, reason):
    path = tmp_path / name
    make(path)
    with pytest.raises(NotADisclosureError) as err:
        parse_file(path)
    assert name in str(err.value) and reason in str(err.value), str(err.value)


def test_a_workbook_that_is_not_a_disclosure(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "电话"])
    book.active.append(["张三", "12345"])
    book.save(tmp_path / "contacts.xlsx")
    with pytest.raises(NotADisclosureError) as err:
        parse_file(tmp_path / "contacts.xlsx")
    assert "contacts.xlsx" in str(err.value) and "表格" in str(err.value)
