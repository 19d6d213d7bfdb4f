"""Word documents (``.docx``, python-docx): paragraphs and tables in document order.

A horizontally merged cell (``gridSpan``) keeps its text in its first column and a vertically
merged one (``vMerge``) in its first row, the rest empty — as a merged workbook cell.
"""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO

from core.errors import NotADisclosureError
from core.records import Source, SourceLine
from core.text import normalize_radicals

# What python-docx raises on parts that are well-formed XML but not what Word writes (a
# relationship without its target, say; found by fuzzing: tests/ingest/test_fuzz_readers.py).
# ``ingest.readers.check_members`` has already refused damaged zips and malformed XML; only the
# library's own opening of the package runs under these.
_DAMAGE = (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, IndexError)


def read(data: bytes, path: str) -> Source:
    import docx  # only when a Word file comes
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(BytesIO(data))
    except (PackageNotFoundError, *_DAMAGE) as exc:
        raise NotADisclosureError(
            path, f"无法打开 Word 文档，文件可能已损坏（{type(exc).__name__}）；请在 Word 中另存为 .docx 后再导入"
        ) from exc
    body = document.element.body
    if body is None:
        raise NotADisclosureError(path, "Word 文档没有正文（word/document.xml 中没有 body）；请在 Word 中另存为 .docx 后再导入")
    qn = docx.oxml.ns.qn
    out: list[SourceLine] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            for text in _paragraph_text(child, qn).split("\n"):
                out.append(SourceLine(len(out) + 1, normalize_radicals(text.rstrip()), whole=True))
        elif child.tag == qn("w:tbl"):
            for cells in _table_rows(child, qn):
                cells = tuple(normalize_radicals(c) for c in cells)
                out.append(SourceLine(len(out) + 1, "\t".join(cells).rstrip(), cells))
    return Source(path, "docx", hashlib.sha256(data).hexdigest(), tuple(out))


def _paragraph_text(p, qn) -> str:
    parts = []
    for el in p.iter():
        if el.tag == qn("w:t"):
            parts.append(el.text or "")
        elif el.tag == qn("w:tab"):
            parts.append("\t")
        elif el.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
    return "".join(parts)


def _table_rows(tbl, qn) -> list[tuple[str, ...]]:
    rows = []
    for tr in tbl.iterchildren(qn("w:tr")):
        row: list[str] = []
        for tc in tr.iterchildren(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span, continued = 1, False
            if props is not None:
                grid = props.find(qn("w:gridSpan"))
                span = _span(grid.get(qn("w:val"))) if grid is not None else 1
                merge = props.find(qn("w:vMerge"))
                continued = merge is not None and merge.get(qn("w:val"), "continue") == "continue"
            text = "" if continued else " ".join(
                _paragraph_text(p, qn).replace("\n", " ").strip() for p in tc.iterchildren(qn("w:p"))
            ).strip()
            row += [text] + [""] * (span - 1)
        rows.append(tuple(row))
    width = max((len(r) for r in rows), default=0)
    return [r + ("",) * (width - len(r)) for r in rows]


_MAX_SPAN = 64  # more columns than any disclosure table has: a damaged gridSpan


def _span(value: str | None) -> int:
    """A gridSpan as a column count: at least 1, and not the billions a damaged file may say."""
    try:
        return min(_MAX_SPAN, max(1, int(value or 1)))
    except ValueError:
        return 1
