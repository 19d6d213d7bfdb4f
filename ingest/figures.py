"""Every amount, count and percentage of a ``Document`` as a ``Figure`` with provenance.

Table cells give figures directly (item = row, measure = column). Narrative sentences (and
long text cells such as 项目概况) are scanned for numbers with a unit; each gets the subject it
is about and the relation it states (金额, 占比, 较2023年增加 …), taken from its clause.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from decimal import Decimal

from core.records import Document, Figure, Provenance, Row, Table
from core.text import halfwidth
from core.vocab import vocabulary

_NUMBER_UNIT = re.compile(
    r"(?:(?P<lo>\d+(?:\.\d+)?)\s*[-~～至])?"  # a range such as "1-2次" states both ends
    r"(?<![\d.])(?P<num>[-−]?\d(?:[\d,，]*\d)?(?:\.\d+)?)\s*"
    # a count may be written in 万 ('1.2万页', '180万画幅'): any counting word may carry it
    r"(?P<unit>万元|亿元|元|%|万?(?:个|辆|台（套）|台\(套\)|台|批次|人次|次|项|人|场次|场|家|期|篇|名|"
    r"卷|册|件|页|画幅|亩|户|所|公里|平方米|小时|分(?![钟之])))"  # 分: a 绩效自评 score ('自评得分95分')
)
_YEAR = re.compile(r"(\d{4})\s*年")
_RELATION_END = re.compile(
    r"(?P<rel>[较比]\d{4}年(?:预算|决算数?)?(?:增加|减少|增长|下降)|增加|减少|增长|下降|占)$"
)
_RELATION = re.compile(
    r"^(?:主要是)?(?P<pre>收入|支出)?(?P<rel>占|[较比]\s*\d{4}\s*年(?:预算|决算数?)?(?:增加|减少|增长|下降)|"
    r"增长|下降|增幅|减少|增加|与上年持平|涉及当年财政拨款|金额)"
)
# '本部门政府采购预算': the department speaking of itself names no item
_FILLER = re.compile(r"^(?:其中|主要是|主要原因是|主要用于|合计|共计|共有|共|为|是|达到?|约|本部门|本单位|我部门|我单位)+")
_TRAILING_ONE = re.compile(r"(?:预算数为|预算为|预算|财政拨款|为|是|达到?|约|共有|共|合计|金额|投入|\s)$")
_LIST_MARK = re.compile(r"^(?:[（(]?\d+[）).、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")


def extract_figures(doc: Document) -> list[Figure]:
    figures = [f for t in doc.tables for f in _table_figures(doc, t)]
    for section in doc.sections:
        for para in section.paragraphs:
            figures.extend(
                _text_figures(
                    doc,
                    para.text,
                    para.lines or (para.line,),
                    offsets=para.offsets or (0,),
                    section=" > ".join(section.path),
                )
            )
    return figures


# --- tables ----------------------------------------------------------------------------------


def _table_figures(doc: Document, table: Table) -> Iterator[Figure]:
    for row in table.rows:
        unit_cell = row.cell("计量单位")
        for cell in row.cells:
            if cell.column.split("/")[-1] in ("行次", "栏次", "序号", "编号"):
                continue  # row numbers, not amounts
            if cell.value is None:
                if cell.kind == "text" and len(cell.raw) > 20:
                    yield from _text_figures(
                        doc, cell.raw, (row.line,), table=table, row=row, column=cell.column
                    )
                continue
            source = Provenance(
                doc.id, row.line, table.no, table.full_title, row.label or None, cell.column, None,
                *doc.place(row.line),
            )  # fmt: skip
            item, measure = _item_measure(row, cell.column)
            yield Figure(
                doc_id=doc.id,
                item=item,
                measure=measure,
                value=cell.value,
                unit=_cell_unit(table, cell, unit_cell.raw if unit_cell else None, row),
                source=source,
                item_code=row.code,
                year=_year_of(cell.column) or doc.year,
            )


def _item_measure(row: Row, column: str) -> tuple[str, str]:
    parts = column.split("/")
    if row.group and parts and parts[0] == row.group:
        parts = parts[1:]
    if row.name:
        return row.name, "/".join(parts) or column
    # A row without a name (the 三公 table): the columns are the items, the top level the measure.
    if len(parts) > 1:
        return "/".join(parts[1:]), parts[0]
    return column, column


_TARGET_UNIT = re.compile(r"^[≥≤>＜<＞=＝约]*\s*[\d.,]+\s*([\u4e00-\u9fff]{1,3}(?:/[\u4e00-\u9fff]{1,2})?|%)$")


def _cell_unit(table: Table, cell, row_unit: str | None, row: Row) -> str:
    column, kind = cell.column, cell.kind
    if kind == "percent" or column.endswith("%"):
        return "%"
    if column == "指标值" and row_unit:
        return row_unit.strip()
    if column == "指标值" and (m := _TARGET_UNIT.match(cell.raw.strip())):
        return m.group(1)  # a target printed with its unit: '≥6期', '≥3200家'
    if column == "指标值" and row.name.endswith("%"):
        return "%"
    if column == "指标权重":
        return "分"
    if "(元)" in row.name or "（元）" in row.name:
        return "元"
    return table.unit


def _year_of(text: str, around: int | None = None) -> int | None:
    """The first year the text names; with ``around`` (the document's year), only a budget year
    near it: '对1950年至1990年馆藏纸质档案进行数字化' dates the archive, not the figure."""
    for m in _YEAR.finditer(text):
        y = int(m.group(1))
        if around is None or around - 5 <= y <= around + 1:
            return y
    return None


# --- narrative -------------------------------------------------------------------------------


def _text_figures(
    doc: Document,
    text: str,
    lines: tuple[int, ...],
    *,
    offsets: tuple[int, ...] = (0,),
    section: str | None = None,
    table: Table | None = None,
    row: Row | None = None,
    column: str | None = None,
) -> Iterator[Figure]:
    flat = halfwidth(text)  # same length as text: offsets stay valid
    for s_start, sentence in _spans(flat, _SENTENCE):
        subject = ""
        lead = ""  # the last clause without a number: '1.行政运行（2010501）：2024年预算数…'
        # '预算总额697,000元（货物45,000元、服务652,000元），比2024年减少…': the parts inside the
        # parenthesis are its own items; after it closes, the sentence is about the total again
        outer: str | None = None
        for c_start, clause in _spans(sentence, _CLAUSE):
            # a clause saying nothing was planned ('2024年未安排预算') names no item: the lead stays
            if not _NUMBER_UNIT.search(clause) and not _NOTHING_PLANNED.search(clause):
                lead = _clean_subject(re.sub(r"\s+", "", _LIST_MARK.sub("", clause.strip())))
            for m in _NUMBER_UNIT.finditer(clause):
                if _is_not_a_figure(clause, m):
                    continue
                if outer is None and _unclosed(clause[: m.start()]):
                    outer = subject
                before = _NUMBER_UNIT.sub("", clause[: m.start()]).replace(doc.department, "").replace("收、支", "收支")
                label, relation = _label(before)
                after = _counted_noun(clause[m.end() :], m.group("unit"))
                if after and not relation:
                    label = after
                if _BARE_MEASURE.match(label) and lead and not relation:
                    # the clause names only the measure; the item is the clause before it
                    year = _year_of(before)
                    bare = re.sub(r"[为是]$", "", label)
                    label, relation = lead, f"{year}年{bare}" if year else bare
                    subject = lead
                elif subject and not relation and _column_word(bare := re.sub(r"[为是]$", "", label)):
                    # '“三公”经费…决算为94,836.40元，年初预算为111,000.00元': the sentence's subject,
                    # in another column
                    # (the document's own kind, '决算为' in a 决算, is the figure itself)
                    label, relation = subject, "" if bare.rstrip("数") == doc.kind else bare
                if _NOT_AN_ITEM.match(label):
                    label = ""  # '比上年增加', '预算为', '提高至': no item named, the sentence's subject is
                if label:
                    subject = label  # a subject named with a change ('收支总计各增加…') stays the subject
                position = s_start + c_start + m.start()
                if m.group("lo"):
                    yield from _range_low(
                        doc,
                        m,
                        subject or label,
                        sentence,
                        lines,
                        offsets,
                        position,
                        section,
                        table,
                        row,
                        column,
                    )
                yield Figure(
                    doc_id=doc.id,
                    item=label or subject or lead or sentence.strip()[:20],
                    measure=relation or _default_measure(m.group("unit")),
                    value=Decimal(re.sub(r"[,，]", "", m.group("num")).replace("−", "-")),
                    unit=m.group("unit").replace("(", "（").replace(")", "）"),
                    source=_provenance(doc, lines, offsets, position, section, table, row, column),
                    year=doc.year - 1
                    if relation == "上年数"
                    # '比2022年度87,570.00元减少…': that year's own amount, not a change
                    else int(relation[:4])
                    if re.fullmatch(r"\d{4}年(?:度|数|预算数?|决算数?)?", relation)
                    else doc.year
                    if "较" in sentence or "比" in sentence
                    else (_year_of(sentence, doc.year) or doc.year),
                    origin="narrative",
                    sentence=sentence.strip(),
                )
            if outer is not None and re.search(r"[）)]", clause) and not _unclosed(clause):
                subject, outer = outer, None


def _unclosed(text: str) -> bool:
    """Does ``text`` open a parenthesis it does not close?"""
    opened = max(text.rfind("（"), text.rfind("("))
    return opened >= 0 and not re.search(r"[）)]", text[opened:])


def _range_low(doc, m, item, sentence, lines, offsets, position, section, table, row, column):
    yield Figure(
        doc_id=doc.id,
        item=item or sentence.strip()[:20],
        measure="下限",
        value=Decimal(m.group("lo")),
        unit=m.group("unit"),
        source=_provenance(doc, lines, offsets, position, section, table, row, column),
        year=doc.year,
        origin="narrative",
        sentence=sentence.strip(),
    )


def _provenance(doc, lines, offsets, position, section, table, row, column) -> Provenance:
    """Where a number in a passage is: the line it is on (a paragraph may span several)."""
    line = lines[bisect_right(offsets, position) - 1] if len(lines) == len(offsets) else lines[0]
    return Provenance(
        doc.id,
        line,
        table.no if table else None,
        table.full_title if table else None,
        row.label if row else None,
        column,
        section,
        *doc.place(line),
    )


# Words before a number that name no item: a comparison, a verb, a particle.
_NOT_AN_ITEM = re.compile(
    r"^(?:[比较与同](?:上年度?|去年|年初预算数?|预算数?|\d{4}年度?(?:决算数?|预算数?)?)?(?:相比|相较)?[,，]?|"
    r"(?:预算|决算)?(?:为|达|达到|增至|提高至|降至|减至|增加到|提高到|降到)|各|总|共|其中)$"
)
_BARE_MEASURE = re.compile(r"^(?:年初|调整)?(?:预算|决算)数?[为是]?$")
_NOTHING_PLANNED = re.compile(r"未安排|未列|没有安排|无(?:预算|安排)")


def _column_word(label: str) -> bool:
    """A column of the sentence's subject, named alone after it (vocabulary sentence_columns;
    '预算' / '决算数' too)."""
    return bool(_BARE_MEASURE.match(label)) or label in vocabulary().sentence_columns
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")
# Commas between digits are thousands separators, not clause breaks.
# … and '收、支总计' (the 决算 template's 收入和支出 总计) is one term, not a list
_CLAUSE = re.compile(r"(?:[^，,；;。：:、]|(?<=\d)[,，](?=\d{3})|(?<=收)、(?=支))+")


def _spans(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    for m in pattern.finditer(text):
        if m.group().strip():
            yield m.start(), m.group()


def _is_not_a_figure(clause: str, m: re.Match[str]) -> bool:
    end = m.end()
    # "2023 年 12 月" and document numbers like "〔2019〕54号" never match a unit; a bare
    # "1-2次" range keeps both ends as figures, which is what the text says.
    return clause[end : end + 1] == "年"


def _label(before: str) -> tuple[str, str]:
    """(subject, relation) of the words before a number: '基本支出预算增加' → ('基本支出', '增加')."""
    text = re.sub(r"\s+", "", _LIST_MARK.sub("", before.strip()))
    opened = max(text.rfind("（"), text.rfind("("))
    if opened >= 0 and not re.search(r"[）)]", text[opened:]) and len(text) - opened > 2:
        # '预算总额829,500元（政府采购货物预算98,000元': the figure inside the parenthesis is
        # about the words inside it, not the total before it
        text = text[opened + 1 :]
    if re.match(r"^(?:完成|占|为)?(?:年初)?预算的?$|^完成.{0,4}预算数?的?$", text):
        # '完成预算的84.3%', '完成调整预算的' — but '完成农业技术培训126场次', '完成数字化加工
        # 180万画幅' are what was done, each its own item
        return "", "完成预算"
    if cmp := re.match(r"^([较比])(年初预算数?|上年度?|去年)[^，,。]*?(增加|减少|增长|下降)$", text):
        return "", f"{cmp.group(1)}{cmp.group(2)}{cmp.group(3)}"
    # '抽检批次由2400批次提高至2600批次': the first is the old value, the second the item's own
    if ch := re.match(r"^(.+?)由(?:.*?)(提高至|提高到|增加至|增加到|增至|降至|降到|减至|减少到|调整为|变为)$", text):
        return _clean_subject(ch.group(1)), ""
    if ch := re.match(r"^(.+?)由$", text):
        return _clean_subject(ch.group(1)), "调整前"
    if split := re.match(r"^(.{2,}?)((?:年初|调整)(?:预算|决算)数?)为?$", text):
        # '科普经费项目年初预算2,760,000.00元': the project, in its 年初预算 column
        return _clean_subject(split.group(1)), split.group(2)
    if re.match(r"^[较比](?:上年度?|去年)(?:同期)?(?:预算数?|决算数?)?$", text):
        return "", "上年数"  # '比上年516,380.00元增加…': last year's own amount
    if cmp := re.match(r"^([较比])(\d{4})年.*?(增加|减少|增长|下降)$", text):
        # '比2022年决算数100,735.40元减少7,992.14元': the change, relative to that year
        return "", f"{cmp.group(1)}{cmp.group(2)}年{cmp.group(3)}"
    if cmp := re.match(r"^([较比])(\d{4})年(.*)$", text):
        return "", f"{cmp.group(2)}年{cmp.group(3) or '数'}"  # the base year's own amount
    if rel := _RELATION.match(text):
        return rel.group("pre") or "", rel.group("rel")
    if rel := _RELATION_END.search(text):
        return _clean_subject(text[: rel.start()]), rel.group("rel")
    return _clean_subject(text), ""


def _counted_noun(after: str, unit: str) -> str:
    """'3个内设机构' counts 内设机构: for a classifier, the noun after it names the item."""
    if unit in ("元", "万元", "亿元", "%"):
        return ""
    noun = re.match(r"^[\u4e00-\u9fff]{2,12}", after.strip())
    verbs = ("以上", "以下", "左右", "提高", "增加", "增至", "降", "减", "达", "由", "为", "至", "比", "较", "同比")
    return noun.group() if noun and not noun.group().startswith(verbs) else ""


def _clean_subject(text: str) -> str:
    text = re.sub(r"^\d{4}年度?(?:年初)?|\d{4}年度?(?:年初)?$", "", text)
    text = _FILLER.sub("", text).lstrip("的")
    while (m := _TRAILING_ONE.search(text)) and len(text) - len(m.group()) >= 4:
        text = text[: m.start()]
    # '收支预算总计各增加…', '收、支总计均为…': 各/均/分别 say each, the subject ends before them
    text = re.sub(r"(?<=[计额出入])(?:各|均|分别)$", "", text)
    return re.sub(r"[“”\"']", "", text).strip()


def _default_measure(unit: str) -> str:
    if unit == "%":
        return "比例"
    if unit in ("元", "万元", "亿元"):
        return "金额"
    return "数量"
