"""Web pages as published on government sites (lxml's HTML parser).

Scripts, styles, navigation, headers, footers and forms are dropped; the article's block
elements become text lines in document order; each ``<table>`` row becomes a grid line, a
``colspan`` cell keeping its text in its first column and a ``rowspan`` cell in its first
row (the rest empty, as a merged workbook cell), so headers span as in every other format.
"""

from __future__ import annotations

import hashlib
import re

from core.errors import NotADisclosureError
from core.records import Source, SourceLine
from core.text import normalize_radicals
from ingest.readers.text import decode

_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "select", "iframe", "template")
_CHROME = re.compile(r"(^|[\s_-])(nav|menu|breadcrumb|footer|header|sidebar|share|toolbar|crumb|banner|top|topbar|foot|noprint)([\s_-]|$)", re.I)
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "main", "body", "blockquote", "pre", "center", "td", "th", "caption", "dt", "dd", "ul", "ol", "dl", "font", "span", "strong", "b"}
_SPACES = re.compile(r"[ \t\r\n\u00a0]+")


def read(data: bytes, path: str) -> Source:
    from lxml import html as lxml_html  # only when a web page comes

    text, encoding = _decode_page(data, path)
    try:
        root = lxml_html.document_fromstring(text)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise NotADisclosureError(path, f"网页无法解析（{exc}）") from exc
    for el in list(root.iter(*_DROP)):
        el.drop_tree()
    for el in list(root.iter()):
        if isinstance(el.tag, str) and _is_chrome(el):
            el.drop_tree()
    lines: list[str | tuple[str, ...]] = []
    body = root.find("body")
    _walk(body if body is not None else root, lines)
    out = []
    for item in lines:
        no = len(out) + 1
        if isinstance(item, tuple):
            out.append(SourceLine(no, "\t".join(item).rstrip(), item))
        else:
            out.append(SourceLine(no, item, whole=True))
    return Source(path, "html", hashlib.sha256(data).hexdigest(), tuple(out), encoding=encoding)


def _decode_page(data: bytes, path: str) -> tuple[str, str]:
    head = data[:4096].decode("ascii", errors="ignore").lower()
    declared = re.search(r"charset=[\"']?([\w-]+)", head)
    if declared and declared.group(1) in ("gbk", "gb2312", "gb18030"):
        return normalize_radicals(data.decode("gb18030", errors="replace")), "gb18030"
    text, encoding = decode(data, path)
    return normalize_radicals(text), encoding


def _is_chrome(el) -> bool:
    """Site navigation around the article (by its class or id), unless it holds a table."""
    marks = f"{el.get('class', '')} {el.get('id', '')}"
    return bool(_CHROME.search(marks)) and el.find(".//table") is None


def _text(el) -> str:
    parts = []
    for piece in el.itertext():
        parts.append(piece)
    return _SPACES.sub(" ", "".join(parts)).strip()


def _walk(el, lines: list) -> None:
    if not isinstance(el.tag, str):
        return  # a comment or processing instruction: no text of the page (its tail is the parent's)
    tag = el.tag
    if tag == "table":
        lines.extend(_table_rows(el))
        return
    if tag == "br":
        lines.append("")
        return
    has_blocks = any(isinstance(c.tag, str) and (c.tag in _BLOCK or c.tag in ("table", "br")) for c in el)
    if not has_blocks:
        text = _text(el)
        if text:
            lines.append(text)
        return
    if el.text and el.text.strip():
        lines.append(_SPACES.sub(" ", el.text).strip())
    for child in el:
        _walk(child, lines)
        if child.tail and child.tail.strip():
            lines.append(_SPACES.sub(" ", child.tail).strip())


def _table_rows(table) -> list[tuple[str, ...]]:
    """Rows with spans laid out on one grid: spanned positions are empty."""
    rows = [tr for tr in table.iter("tr") if _own(tr, table)]
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # positions a rowspan covers
    for r, tr in enumerate(rows):
        row: list[str] = []
        c = 0
        for cell in (x for x in tr if isinstance(x.tag, str) and x.tag in ("td", "th")):
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            span = _int(cell.get("colspan"))
            down = _int(cell.get("rowspan"))
            row.append(_text(cell))
            row.extend([""] * (span - 1))
            for k in range(1, down):
                for j in range(span):
                    pending[(r + k, c + j)] = ""
            c += span
        while (r, c) in pending:
            row.append(pending.pop((r, c)))
            c += 1
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    return [tuple(r + [""] * (width - len(r))) for r in grid if any(r)]


def _own(tr, table) -> bool:
    """A row of this table, not of a table nested in one of its cells."""
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent is table


def _int(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1
