"""The 目录: which tables a disclosure lists, by number, and where the listing ends."""

from __future__ import annotations

import re

from core.records import SourceLine
from core.text import clean_cell, join_cjk_spaces, squash
from ingest.lines import CN_NUM, flat, is_blank, is_separator, names_a_table, split_title_number

# Entries: '1  表一  2024年…总表', '表1 …', '附表1 …', '一、…决算表', with dot leaders and a page.
_LEADERS = re.compile(r"[\s.…·．_-]{2,}\d*$|\s+\d+$")
_TOC_HEADER_WORDS = ("编号", "序号", "工作表名", "表名", "报表名称", "页码")


def find_toc(lines: list[SourceLine]) -> tuple[int | None, list[tuple[int, str]], tuple[int, ...]]:
    """Index of the 目录 heading, its (number, title) entries, and the lines of both.

    A 目录 that lists no table (only the parts of the text) is not one for tables: the
    tables then carry their numbers in their titles.
    """
    for i, line in enumerate(lines):
        heading = flat(line).replace(" ", "")
        if (line.cells is None or line.aligned) and "目录" in heading and len(heading) <= 40 and not heading.endswith("。"):
            entries, entry_lines = _toc_entries(lines[i + 1 :])
            if entries:
                return i, entries, (line.no, *entry_lines)
            parts = _part_lines(lines[i + 1 :])
            if len(parts) >= 2:  # a 目录 of the text's parts only: skipped, it numbers no table
                return i, [], (line.no, *parts)
    return None, [], ()


def _toc_entries(lines: list[SourceLine]) -> tuple[list[tuple[int, str]], list[int]]:
    entries: list[tuple[int, str]] = []
    entry_lines: list[int] = []
    ordinal = 0
    for line in lines:
        if is_blank(line):
            continue
        if is_separator(line):
            continue
        if line.text.strip().startswith("#"):
            break  # a marked heading: the body has begun
        cells = [clean_cell(c) for c in (line.cells or line.text.split()) if clean_cell(c)]
        leaders = _LEADERS.search(" ".join(cells)) is not None
        joined = join_cjk_spaces(_LEADERS.sub("", " ".join(cells)).strip())
        if cells and cells[0].isdigit() and len(cells) > 1:
            joined = join_cjk_spaces(_LEADERS.sub("", " ".join(cells[1:])).strip())
        no, title = split_title_number(joined)
        if names_a_table(joined) and (no is not None or leaders or line.cells is not None):
            if no is not None and any(no == n for n, _ in entries):
                break  # the same number again: the tables themselves have begun
            ordinal += 1
            entries.append((no if no is not None else ordinal, title))
            entry_lines.append(line.no)
        elif any(c in _TOC_HEADER_WORDS for c in cells) or _is_toc_heading(joined):
            continue  # '第二部分 …', '一、主要职能': the 目录 lists the text's parts too
        else:
            break
    return entries, entry_lines


def _part_lines(lines: list[SourceLine]) -> list[int]:
    """The lines of a 目录 that lists only the parts of the text ('第一部分 部门概况', '一、职能职责'),
    up to the first line that is not such an entry — or the first entry listed again, where the
    body begins with the same heading."""
    found: list[int] = []
    seen: set[str] = set()
    for line in lines:
        if is_blank(line) or is_separator(line):
            continue
        text = join_cjk_spaces(_LEADERS.sub("", flat(line)).strip()).replace(" ", "")
        if not _is_toc_heading(text) or text in seen:
            break
        seen.add(text)
        found.append(line.no)
    return found


def _is_toc_heading(text: str) -> bool:
    numbered = re.match(rf"^(?:第[{CN_NUM}]+部分|[{CN_NUM}]+、|[（(][{CN_NUM}]+[）)])", text)
    return bool(numbered) and len(text) <= 40 and not text.endswith(("。", "；"))


def skip_toc(lines: list[SourceLine], toc_at: int, toc_lines: tuple[int, ...]) -> int:
    """Index of the first line after the 目录 listing."""
    last = max(toc_lines)
    i = toc_at + 1
    while i < len(lines) and lines[i].no <= last:
        i += 1
    return i


def norm_title(title: str) -> str:
    return squash(title).replace("“", "").replace("”", "").replace('"', "")
