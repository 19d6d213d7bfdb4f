"""What one line of the linear form is: heading, table title, unit, meta, note, separator.

Shared by the 目录, section, table and grid stages. Structure only (numbering, the words that
name a table kind, 单位/部门 labels), never one department's wording.
"""

from __future__ import annotations

import re

from core.records import SourceLine
from core.text import clean_cell, cn_to_int, join_cjk_spaces

CN_NUM = "一二三四五六七八九十"
HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^第[{CN_NUM}]+部分")),
    (1, re.compile(rf"^[{CN_NUM}]+、")),
    (2, re.compile(rf"^[（(][{CN_NUM}]+[）)]")),
    (3, re.compile(r"^\d+[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\d+[）)]")),
)
TERMINAL = tuple("。！？；;：:")
# The words that end the name of a disclosure table (预算 and 决算 families alike).
TABLE_WORDS = re.compile(r"(预算表|决算表|总表|明细表|目标表|情况表|分类表|表$|表[（(][^）)]*[）)]$)")
# A table's own number in front of its title: 表1, 表一, 附表1, 附件1, 表1-2, （一）, 一、
_TITLE_NO = re.compile(
    rf"^(?:(?:附\s*表|附\s*件|表)\s*([{CN_NUM}]+|\d+)(?:\s*[-—－.．]\s*\d+)?\s*[:：.、．]?"
    rf"|[（(]([{CN_NUM}]+|\d+)[）)]|([{CN_NUM}]+)[、.．]|(\d+)[、.．](?!\d))\s*"
)
_CN_NUMERAL = re.compile(r"^(?:十[一二三四五六七八九]?|[一二三四五六七八九](?:十[一二三四五六七八九]?)?)$")
UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)")
_UNIT_IN_BRACKETS = re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?(万元|元)\s*[)）]")
META_KEYS = ("部门全称", "编制单位", "部门名称", "单位名称", "填报单位", "部门")
_META = re.compile(rf"({'|'.join(META_KEYS)})\s*[:：]\s*")
NOTE = re.compile(r"^(备注|注\s*\d*|说明)\s*[:：]")
_SEPARATOR = re.compile(r"^[\s|:：\-—=_+]*$")
# The template's form code printed beside a title: 公开01表, 财决02表, 部门公开表03
FORM_CODE = re.compile(r"^(?:[\u4e00-\u9fff]{0,4}\d{1,2}-?\d{0,2}表|[\u4e00-\u9fff]{0,4}表\d{1,2}(?:-\d{1,2})?)$")
SUBTITLE = re.compile(r"^[（(]([^()（）]{2,30})[）)]$")


def heading_text(text: str) -> tuple[str, bool]:
    """('七、预算公开联系方式', True) for '## **七、预算公开联系方式**'; marked=True when '#'-prefixed."""
    stripped = text.strip()
    marked = stripped.startswith("#")
    stripped = stripped.strip("#").strip().replace("**", "").strip()
    return join_cjk_spaces(clean_cell(stripped)), marked


def flat(line: SourceLine) -> str:
    """The line as one string: a grid line's non-empty cells joined by a space."""
    if line.cells is not None:
        return clean_cell(" ".join(c.strip() for c in line.cells if c.strip()))
    return heading_text(line.text)[0]


def is_blank(line: SourceLine) -> bool:
    return not line.text.strip() and not any(c.strip() for c in line.cells or ())


_PAGE_MARK = re.compile(r"^\s*(?:[-—－]\s*\d+\s*[-—－]|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")
_BARE_NO = re.compile(rf"^\s*(?:附\s*表|附\s*件|表)\s*(?:[{CN_NUM}]+|\d+)\s*$")


def is_page_mark(line: SourceLine) -> bool:
    """A page number printed as a line of its own ('- 8 -', '第 3 页 共 9 页'): not content."""
    return (line.cells is None or line.aligned) and bool(_PAGE_MARK.match(flat(line)))


def bare_table_number(line: SourceLine) -> int | None:
    """'表一' alone on a line, the title following on the next line."""
    text = flat(line)
    if not _BARE_NO.match(text):
        return None
    no, _ = split_title_number(text + " 表")
    return no


def is_separator(line: SourceLine) -> bool:
    text = line.text
    return bool(text.strip()) and bool(_SEPARATOR.match(text)) and "-" in text


def split_title_number(title: str) -> tuple[int | None, str]:
    """'附表3 一般公共预算财政拨款支出决算表' → (3, '一般公共预算财政拨款支出决算表')."""
    m = _TITLE_NO.match(title)
    if not m:
        return None, title
    token = next(g for g in m.groups() if g)
    rest = title[m.end() :].strip()
    if not token.isdigit():
        # '表五一般公共预算…' (no space): the numeral is the longest valid prefix, not '五一'
        valid = next(k for k in range(len(token), 0, -1) if _CN_NUMERAL.match(token[:k]))
        rest = (token[valid:] + title[m.end() :]).strip() if valid < len(token) else rest
        token = token[:valid]
    return (cn_to_int(token) if rest else None), (rest or title)


def names_a_table(text: str) -> bool:
    """A short line, not a sentence, that names a table kind ('…决算表', '…总表（…）')."""
    _, rest = split_title_number(text)
    rest = strip_unit(rest)
    if FORM_CODE.match(rest.replace(" ", "")) or "目录" in rest or rest.endswith("公开表"):
        return False  # a form code, the 目录, or the heading over the whole set of tables
    if re.match(rf"^第[{CN_NUM}]+部分", rest):
        return False
    return (
        bool(TABLE_WORDS.search(rest))
        and 4 <= len(rest) <= 80
        and not rest.endswith(("。", "；", "，"))
        and not re.search(r"[。；]|详见|见附|如下", rest)
    )


def unit_of(text: str) -> str | None:
    """'单位：万元' anywhere, or '（万元）' in brackets: the unit the text states."""
    if m := UNIT.search(text.replace(" ", "")):
        return m.group(1)
    if m := _UNIT_IN_BRACKETS.search(text):
        return m.group(1)
    return None


def strip_unit(text: str) -> str:
    """A title or header cell without its stated unit: '决算数（万元）' → '决算数'."""
    text = _UNIT_IN_BRACKETS.sub("", text)
    return re.sub(r"[，,\s]*(?:金额)?单位\s*[:：]\s*(?:万元|元)\s*$", "", text).strip()


def meta_fields(text: str) -> dict[str, str] | None:
    """'部门全称：X  单位：万元' → {'部门全称': 'X', '单位': '万元'}; None unless the whole line is meta.

    Several fields may share a line (tabs, runs of spaces, or nothing between them).
    """
    marks = [(m.start(), m.end(), m.group(1)) for m in _META.finditer(text)]
    marks += [(m.start(), m.end(), "单位") for m in re.finditer(r"(?:金额)?单位\s*[:：]\s*", text)]
    marks = sorted(m for m in marks if not any(o[0] < m[0] < o[1] for o in marks))
    if not marks or text[: marks[0][0]].strip(" \t|"):
        return None
    out: dict[str, str] = {}
    for i, (_, end, key) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        value = text[end:stop].strip(" \t|")
        if key == "单位":
            unit = re.match(r"(万元|元)", value)
            if not unit:
                return None
            value = unit.group(1)
        out[key] = value
    return out


def is_note(text: str) -> bool:
    return bool(NOTE.match(text))
