"""Bad documents (issue #14), case by case: truncated copies, other encodings (GBK, GB18030,
UTF-16 without a byte-order mark), mis-encoded text, empty and binary files of every format,
a workbook with formulas and error values, damaged Office parts, a DOCTYPE in an Office part.
What can be read is ingested and the rest reported with file and line, sheet or page; the
rest is refused with a message naming the file and what to do. The fuzz tests beside this one
throw random damage at the same readers."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import NotADisclosureError
from core.settings import Settings
from ingest.parse import parse_file
from ingest.pipeline import ingest, parse_one
from tests.conftest import FIXTURES, SEED

SEED_TEXT = SEED.read_text(encoding="utf-8").replace("\xa0", " ")  # GBK has no no-break space
WORKBOOK = FIXTURES / "workbook-budget-2024.xlsx"
DOCX = FIXTURES / "document-final-2023.docx"


def _figures(path: Path) -> list[tuple[str, Decimal, str, int]]:
    return sorted((f.item, f.value, f.unit, f.source.line) for f in parse_one(path).figures)


@pytest.fixture(scope="module")
def seed_figures(tmp_path_factory) -> list:
    path = tmp_path_factory.mktemp("utf8") / SEED.name
    path.write_text(SEED_TEXT, encoding="utf-8")
    return _figures(path)


def test_a_copy_cut_inside_its_last_character_is_read_up_to_it(tmp_path, seed_figures):
    data = SEED_TEXT.encode("utf-8")
    last = max(i for i, b in enumerate(data) if b >= 0xC0)  # the lead byte of the last CJK character
    path = tmp_path / SEED.name
    path.write_bytes(data[: last + 1])  # cut inside it, as a download that stopped
    parsed = parse_one(path)
    notes = [w for w in parsed.document.warnings if "最后一个字符" in w.message]
    assert len(notes) == 1 and notes[0].line >= 400 and notes[0].path == str(path)
    assert len(parsed.figures) >= len(seed_figures) - 2  # everything before the cut


def test_a_copy_cut_in_half_keeps_its_first_tables_and_names_the_missing_ones(tmp_path):
    text = SEED_TEXT[: len(SEED_TEXT) // 2]
    path = tmp_path / SEED.name
    path.write_text(text, encoding="utf-8")
    doc = parse_file(path)
    assert [t.no for t in doc.tables if t.status == "data"][:1] == [1]
    missing = [w for w in doc.warnings if "正文中没有这张表" in w.message]
    assert missing and all(w.line in doc.toc_lines[1:] for w in missing)  # the 目录 line that lists it
    reported = {int(re.match(r"目录列出表(\d+)“", w.message).group(1)) for w in missing}
    assert reported == {t.no for t in doc.tables if t.status == "missing"}  # each one, once


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_the_seed_in_another_encoding_gives_the_same_figures(tmp_path, seed_figures, encoding):
    path = tmp_path / SEED.name
    path.write_bytes(SEED_TEXT.encode(encoding))
    assert _figures(path) == seed_figures


def test_gb18030_characters_outside_gbk(tmp_path, seed_figures):
    text = SEED_TEXT.replace("科学技术协会", "科学技术协会𠀾", 1)  # a CJK Ext-B character: 4 bytes in GB18030
    path = tmp_path / SEED.name
    path.write_bytes(text.encode("gb18030"))
    doc = parse_file(path)
    assert doc.encoding == "gb18030" and _figures(path) == seed_figures


@pytest.mark.parametrize(
    "make",
    [
        lambda t: t.encode("utf-8").decode("gbk", errors="replace").encode("utf-8"),  # mojibake saved again
        lambda t: t.encode("big5", errors="replace"),
        lambda t: t.encode("shift_jis", errors="replace"),
    ],
    ids=["mojibake", "big5", "shift-jis"],
)
def test_mis_encoded_text_is_refused_or_read_never_a_crash(tmp_path, make):
    path = tmp_path / "misread.txt"
    path.write_bytes(make(SEED_TEXT))
    try:
        doc = parse_file(path)
    except NotADisclosureError as exc:
        assert str(exc).startswith(str(path)) and "支持 .txt" in str(exc)  # what it can read instead
    else:
        assert doc.tables  # read as something: then it has tables


@pytest.mark.parametrize("name", ["empty.txt", "empty.xlsx", "empty.xls", "empty.pdf", "empty.html", "empty.docx"])
def test_empty_files_of_every_format(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(NotADisclosureError, match="空"):
        parse_file(path)


@pytest.mark.parametrize("name", ["blob.txt", "blob.xlsx", "blob.xls", "blob.pdf", "blob.html", "blob.docx", "blob"])
def test_binary_files_of_every_format(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(NotADisclosureError) as err:
        parse_file(path)
    assert str(err.value).startswith(str(path))


def test_a_workbook_with_formulas_and_error_values(tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(WORKBOOK)
    sheet = book["表二 收入总表"]
    sheet["C5"] = "=SUM(C6:C30)"  # saved by a program: a formula with no computed result
    sheet["D9"] = "#DIV/0!"
    sheet["C7"] = "#REF!"
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    parsed = parse_one(path)
    doc = parsed.document
    notes = [w for w in doc.warnings if "公式" in w.message]
    assert len(notes) == 1 and notes[0].sheet == "表二 收入总表" and notes[0].sheet_row == 5, notes
    assert "C5" in notes[0].message and "SUM(C6:C30)" in notes[0].message
    table = next(t for t in doc.tables if t.no == 2)
    row = next(r for r in table.rows if r.name == "社会组织管理")
    assert row.cells[1].kind == "error" and row.cells[1].raw == "#DIV/0!"
    total = next(r for r in table.rows if r.name == "合计")
    assert total.cells[0].kind == "blank"  # the formula: blank, not 0 and not a guess
    assert len(parsed.figures) > 300  # the rest of the workbook is read
    failed = {c.name.split("：")[0] for c in parsed.audit.checks if not c.passed and not c.skipped}
    assert failed  # the blank total and the error cell break sums the audit reports


def _rezip(path: Path, member: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = src.read(name)
            dst.writestr(name, change(body) if name == member else body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("source", "member"), [(WORKBOOK, "xl/worksheets/sheet2.xml"), (DOCX, "word/document.xml")]
)
def test_a_damaged_part_of_an_office_file_is_named(tmp_path, source, member):
    path = tmp_path / source.name
    path.write_bytes(_rezip(source, member, lambda body: body[: len(body) // 2]))
    with pytest.raises(NotADisclosureError) as err:
        parse_file(path)
    assert member in str(err.value) and "损坏" in str(err.value)


@pytest.mark.parametrize(("source", "member"), [(WORKBOOK, "xl/workbook.xml"), (DOCX, "word/document.xml")])
def test_an_office_part_with_a_doctype_is_not_read(tmp_path, source, member):
    entity = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    path = tmp_path / source.name
    def with_doctype(body: bytes) -> bytes:
        return body.replace(b"?>", b"?>" + entity, 1) if body.startswith(b"<?xml") else entity + body

    path.write_bytes(_rezip(source, member, with_doctype))
    with pytest.raises(NotADisclosureError, match="DOCTYPE"):
        parse_file(path)


def test_a_zip_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("ingest.readers.MAX_UNPACKED", 10_000)  # stands for 200 MB
    with pytest.raises(NotADisclosureError, match="解压后超过"):
        parse_file(WORKBOOK)


def test_a_damaged_xls_prints_nothing_and_is_refused(tmp_path, capfd):
    data = bytearray((FIXTURES / "legacy-final-2023.xls").read_bytes())
    data[2000:2400] = b"\xff" * 400
    path = tmp_path / "legacy.xls"
    path.write_bytes(bytes(data))
    try:
        parse_file(path)
    except NotADisclosureError as exc:
        assert str(exc).startswith(str(path))
    assert capfd.readouterr().out == ""  # xlrd's own log does not reach stdout (it would break --json)


def test_ingest_lands_the_good_files_and_names_each_bad_one(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    (folder / "gbk-copy.txt").write_bytes(SEED_TEXT.replace("渝北区", "渝南区").encode("gbk"))
    (folder / "cut.xlsx").write_bytes(WORKBOOK.read_bytes()[:9000])
    (folder / "blank.pdf").write_bytes(b"")
    (folder / "noise.html").write_bytes(bytes(range(256)) * 10)
    (folder / "halfpart.docx").write_bytes(_rezip(DOCX, "word/document.xml", lambda b: b[:5000]))
    result = ingest([folder], Settings(state_dir=tmp_path / "state"), build_index=False, progress=False)
    assert sorted(p.document.id for p in result.parsed) == sorted([SEED.stem, "gbk-copy"])
    failed = {Path(f.path).name: f.message for f in result.failed}
    assert set(failed) == {"cut.xlsx", "blank.pdf", "noise.html", "halfpart.docx"}
    for name, message in failed.items():
        assert name in message and "读取时出错" not in message, message  # no reader bug fell through


def test_comments_inside_a_web_page_body(tmp_path):
    """Found by fuzzing: a comment in the article's body made the HTML reader fail."""
    page = (FIXTURES / "webpage-budget-2024.html").read_text(encoding="utf-8")
    body = page.index("<body")
    page = page[:body] + page[body:].replace("<table", "<!-- 表格开始 --><table", 1).replace("</td>", "<!-- c --></td>", 3)
    path = tmp_path / "commented.html"
    path.write_text(page, encoding="utf-8")
    expected = [(item, value, unit) for item, value, unit, _ in _figures(FIXTURES / "webpage-budget-2024.html")]
    assert [(item, value, unit) for item, value, unit, _ in _figures(path)] == expected
