"""Render the seed's tables into other formats, for the round-trip tests.

The blocks come from the seed's own text (title line, unit/meta/note lines, tab-separated
rows), not from the parser's output, so a round trip compares two independent readings of
the same printed tables. Each title is printed with its number ('表五 …'), as departments
print them when the tables stand without a 目录.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from core.records import cn_number

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Block:
    title: str
    lines: tuple[str, ...]  # unit, meta, subtitle and note lines
    rows: tuple[tuple[str, ...], ...]


def seed_blocks(seed_text: str, doc) -> list[Block]:
    """One block per table of the seed that is printed in its body (data or '本部门无…')."""
    lines = seed_text.splitlines()
    tables = [t for t in doc.tables if t.status != "missing"]
    blocks = []
    for k, table in enumerate(tables):
        end = tables[k + 1].line - 1 if k + 1 < len(tables) else len(lines)
        texts, rows = [], []
        for raw in lines[table.line : end]:
            clean = _TAG.sub("", raw)
            if "\t" in raw:
                rows.append(tuple(c.strip() for c in clean.split("\t")))
            elif clean.strip() and not clean.strip().startswith(("#", "-")):
                texts.append(clean.strip())
        width = max((len(r) for r in rows), default=0)
        rows = [r + ("",) * (width - len(r)) for r in rows]
        blocks.append(Block(f"表{cn_number(table.no)} {table.title}", tuple(texts), tuple(rows)))
    return blocks


def to_xlsx(blocks: list[Block], path: Path) -> None:
    """One sheet per table; amounts as numbers with a '#,##0.00' format, like an export."""
    from decimal import Decimal

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for k, block in enumerate(blocks, 1):
        ws = book.create_sheet(f"{k} {block.title.split()[0]}")
        ws.append([block.title])
        for text in block.lines:
            ws.append([text])
        for row in block.rows:
            cells = []
            for c in row:
                plain = c.replace(",", "")
                if re.fullmatch(r"-?\d+\.\d{2}", plain) and "," in c:
                    cells.append(float(Decimal(plain)))  # the float a workbook stores
                else:
                    cells.append(c or None)
            ws.append(cells)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
    book.save(path)


def to_html(blocks: list[Block], path: Path, *, page_breaks: bool = False) -> None:
    """A published page: site navigation and a script around the article, ruled tables."""
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>部门预算公开_某区政府网</title>",
        "<style>body{font-family:'Noto Sans CJK SC',sans-serif;font-size:10px}"
        "table{border-collapse:collapse;width:100%;margin-bottom:8px}td{border:1px solid #000;padding:2px}"
        f"{'h3{page-break-before:always}' if page_breaks else ''}</style>",
        "<script>var visits = 12345; document.title += visits;</script></head><body>",
        "<div class='nav'><a href='/'>首页</a> <a href='/zwgk'>政务公开</a></div><div class='article'>",
        "<h1>重庆市渝北区科学技术协会2024年部门预算公开</h1>",
    ]
    for block in blocks:
        parts.append(f"<h3>{html.escape(block.title)}</h3>")
        parts += [f"<p>{html.escape(t)}</p>" for t in block.lines]
        parts.append("<table>")
        for row in block.rows:
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
        parts.append("</table>")
    parts.append("</div><div class='footer'>主办单位：某区人民政府办公室</div></body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def to_docx(blocks: list[Block], path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("重庆市渝北区科学技术协会2024年部门预算公开")
    for block in blocks:
        document.add_paragraph(block.title)
        for text in block.lines:
            document.add_paragraph(text)
        if not block.rows:
            continue
        table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(block.rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    document.save(path)


def to_pdf(blocks: list[Block], path: Path, work: Path) -> None:
    """Print the HTML rendering with headless Chromium: a realistic text layer."""
    page = work / "print.html"
    to_html(blocks, page, page_breaks=True)
    subprocess.run(
        [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-pdf-header-footer", f"--print-to-pdf={path}", page.as_uri(),
        ],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
