"""The narrative (情况说明, 名词解释 …) as sections of paragraphs, by heading numbering.

Headings are found by their numbering (一、 （一） 1. （1）), not by the count of '#'. A
paragraph that stops mid-sentence continues on the next text line (a page break); a region
boundary (a table between two stretches of text) always ends a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from core.records import Paragraph, Section, SourceLine
from core.text import clean_cell, join_cjk_spaces
from ingest.lines import HEADING_PATTERNS, TERMINAL, heading_text

Warn = Callable[[int, str], None]


def heading_level(text: str, marked: bool) -> int | None:
    """Level from the numbering, not from the count of '#'. None: not a heading."""
    short = len(text) <= 40 and not text.endswith(TERMINAL[:2])
    for level, pattern in HEADING_PATTERNS:
        if pattern.match(text):
            # '1.坚持党的领导。…' and '（一）收入预算：…。' are paragraphs that start with a number.
            colon_inside = re.search(r"[:：].", text) is not None
            # '（一）贯彻执行…工作方针，拟订全区…规划' wrapped at the line's end: a clause, not a title
            clause = "，" in text and len(text) >= 25
            if marked or (short and not colon_inside and not clause and not any(p in text for p in "。；")):
                return level
            return None
    if marked:
        return 0
    return None


def parse_sections(regions: Sequence[Sequence[SourceLine]], warn: Warn) -> list[Section]:
    """Sections of the narrative; ``regions`` are its stretches between tables, in order."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    current: tuple[str, tuple[str, ...], int] = ("", (), 1)
    paragraphs: list[Paragraph] = []
    pending: tuple[list[str], list[int]] | None = None

    def flush_paragraph() -> None:
        nonlocal pending
        if pending:
            texts, nos = pending
            offsets = tuple(sum(len(t) for t in texts[:i]) for i in range(len(texts)))
            paragraphs.append(Paragraph("".join(texts), nos[0], tuple(nos), offsets))
        pending = None

    def flush_section() -> None:
        nonlocal paragraphs
        flush_paragraph()
        heading, path, line = current
        if heading or paragraphs:
            sections.append(Section(heading, path, line, tuple(paragraphs)))
        paragraphs = []

    for region in regions:
        for line in region:
            raw = line.text.strip()
            if not raw:
                continue
            text, marked = heading_text(raw)
            # a line that runs on (a page break mid-sentence) is no heading; a pending line that is
            # itself no sentence (the title '…2024年部门预算' above '一、主要职能') does not run on
            runs_on = pending and not marked and _sentence(pending[0])
            level = heading_level(text, marked) if not runs_on else None
            if level is not None:
                flush_section()
                if level == 0:
                    stack = []
                else:
                    stack = [(lv, h) for lv, h in stack if lv < level]
                    stack.append((level, text))
                current = (text, tuple(h for _, h in stack) or (text,), line.no)
                continue
            if line.cells is not None and not line.aligned:
                text = " ".join(c for c in line.cells if c.strip())
            else:
                text = join_cjk_spaces(clean_cell(raw))
            if pending:
                pending[0].append(text)
                pending[1].append(line.no)
            else:
                pending = ([text], [line.no])
            if line.whole or text.endswith(TERMINAL) or text.endswith(("”", "）", ")")) or _ends_like_contact(text):
                flush_paragraph()
        if pending and len(pending[1]) > 1 and region is regions[-1]:
            warn(pending[1][0], "段落在文末未结束（缺少句号），已按原样保留")
        flush_paragraph()
    flush_section()
    return sections


def _sentence(texts: list[str]) -> bool:
    """Text with sentence punctuation: the start of a paragraph, not a title line."""
    return any(re.search(r"[，,。；;：:、]", t) for t in texts)


def _ends_like_contact(text: str) -> bool:
    return bool(re.search(r"(电话|联系人|传真|邮箱|地址)\s*[:：]\s*\S+$", text))
