"""PDFs with a text layer (pdfplumber): ruled tables as grid lines, the rest as text lines.

Each page is cut into horizontal bands around its ruled tables; a band's text is extracted
with its layout (runs of spaces keep the columns of an unruled table, which
``ingest.columns`` then cuts by position) and a table's cells come from pdfplumber's ruling
lines (a merged cell keeps its text in its first cell, as a workbook does). Page numbers
('- 3 -', '第3页') and a running header or footer repeated on most pages are dropped, so a
table continues across a page break; each page is a ``Place`` so citations give the page.
Both radical blocks of such text layers ('部⻔', '⽀出') are mapped to ordinary characters.
A PDF with no text at all is a scan: refused with a clear message (OCR is out of scope).
"""

from __future__ import annotations

import hashlib
import logging
import re
import struct
import zlib
from collections import Counter
from io import BytesIO

from core.errors import NotADisclosureError
from core.records import Place, Source, SourceLine
from core.text import join_cjk_spaces, normalize_radicals

_DIGITS = re.compile(r"\d+")


# What pdfminer/pdfplumber raise on a damaged file besides their own errors (found by fuzzing:
# tests/ingest/test_fuzz_readers.py): a page object missing its box, a broken stream, a cyclic
# reference. Only ``_load`` (the library calls) runs under them; our own code runs outside.
_DAMAGE = (
    TypeError, AttributeError, IndexError, KeyError, ValueError, AssertionError, OverflowError,
    RecursionError, EOFError, struct.error, zlib.error,
)  # fmt: skip

Raw = list[str | list[str | None]]  # a page top to bottom: layout text of a band, or a table row


def read(data: bytes, path: str) -> Source:
    # pdfminer logs 'Could not get FontBBox…' by the hundred on Chromium's CJK fonts
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSEOF, PSSyntaxError
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    try:
        raw = _load(data)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise NotADisclosureError(path, "PDF 设置了密码（已加密）；请提供未加密的文件") from exc
    except (PdfminerException, MalformedPDFException, PDFSyntaxError, PSEOF, PSSyntaxError, *_DAMAGE) as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise NotADisclosureError(path, "PDF 设置了密码（已加密）；请提供未加密的文件") from exc
        raise NotADisclosureError(path, f"PDF 已损坏或不完整，无法解析（{type(exc).__name__}）；请重新下载原文件") from exc
    pages = [_page_items(items) for items in raw]
    if not any(items for items in pages):
        raise NotADisclosureError(
            path, "PDF 没有文字层（可能是扫描件），无法读取其中的数字；请提供带文字的 PDF，或 Excel/Word 原件（不支持 OCR）"
        )
    running = _running_lines(pages)
    lines: list[SourceLine] = []
    places: list[Place] = []
    for page_no, items in enumerate(pages, 1):
        places.append(Place(len(lines) + 1, page=page_no))
        for item in items:
            no = len(lines) + 1
            if isinstance(item, tuple):
                lines.append(SourceLine(no, "\t".join(item).rstrip(), item))
            elif _key(item) in running:
                lines.append(SourceLine(no, ""))  # a running header or footer
            else:
                from ingest.readers.text import split_line

                lines.append(split_line(no, item))
    return Source(path, "pdf", hashlib.sha256(data).hexdigest(), tuple(lines), tuple(places))


def _load(data: bytes) -> list[Raw]:
    """Every page as pdfplumber gives it: the layout text of the bands between ruled tables,
    and the tables' rows, top to bottom."""
    import pdfplumber

    with pdfplumber.open(BytesIO(data)) as pdf:
        return [_raw_page(page) for page in pdf.pages]


def _raw_page(page) -> Raw:
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    out: Raw = []
    top = 0.0
    for table in tables:
        out.append(_band(page, top, table.bbox[1]))
        out.extend(list(row) for row in table.extract())
        top = table.bbox[3]
    out.append(_band(page, top, page.height))
    return out


def _band(page, top: float, bottom: float) -> str:
    if bottom - top < 1:
        return ""
    band = page.crop((0, max(0.0, top), page.width, min(page.height, bottom)), strict=False)
    return band.extract_text(layout=True) or ""


def _page_items(raw: Raw) -> list[str | tuple[str, ...]]:
    """The page top to bottom: text lines (str) and table rows (tuple of cells)."""
    items: list[str | tuple[str, ...]] = []
    for part in raw:
        if isinstance(part, str):
            items += _band_lines(part)
        else:
            cells = tuple(_cell(c) for c in part)
            if any(cells):
                items.append(cells)
    return items


def _band_lines(text: str) -> list[str]:
    out = [normalize_radicals(line.rstrip()) for line in text.splitlines()]
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    # layout mode renders vertical space as blank lines: keep at most one in a row
    squeezed: list[str] = []
    for line in out:
        if line.strip() or (squeezed and squeezed[-1].strip()):
            squeezed.append(line)
    return squeezed


def _cell(text: str | None) -> str:
    """A cell's text on one line: a name wrapped inside its cell is one name."""
    if not text:
        return ""
    return join_cjk_spaces(normalize_radicals(" ".join(part.strip() for part in text.splitlines())))


def _key(line: str) -> str:
    return _DIGITS.sub("#", line.strip())


def _running_lines(pages: list[list[str | tuple[str, ...]]]) -> set[str]:
    """Text printed at the top or bottom of most pages (a running header/footer)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for items in pages:
        texts = [i for i in items if isinstance(i, str) and i.strip()]
        for line in {*texts[:1], *texts[-1:]}:
            counts[_key(line)] += 1
    return {k for k, n in counts.items() if n >= max(3, len(pages) // 2) and len(k) <= 60}
