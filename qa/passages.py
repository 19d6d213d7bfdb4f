"""Narrative answers: find the passage that says it, and quote it with its section.

Passages are the disclosure's sentences and paragraphs (narrative, 绩效 text fields, table
notes). Candidates come from the hybrid retriever when an index exists, plus the document's
own passages; they are ranked by how many of the question's focus terms they contain. A
question about something the disclosure never mentions (a focus term that occurs nowhere in
it) gets no passage: the engine then says the disclosure does not say.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from core.records import Document, Provenance
from core.text import QUESTION_PARTICLES, department_aliases, short_department
from qa.catalog import fold

# Words that say what kind of question it is, or are colloquial filler — not what it is about:
# the question particles (core.text) and the words of asking about a budget.
_STOP = QUESTION_PARTICLES | {
    "一些", "一年", "一般", "万元", "上", "上年", "下", "下面", "中", "为什么", "为何", "为啥", "主要", "之中", "什么样", "今年",
    "从", "从无到有", "他", "会", "作用", "保留", "元", "公开", "关于", "关系", "其中", "内容", "几", "几个", "几条", "几次",
    "几辆", "几项", "列了", "刚才", "到底", "加起来", "单位", "原因", "去年", "叫", "合起来", "向", "听说", "哪里", "多大",
    "多少个", "多少次", "多少钱", "大概", "大约", "她", "它", "定义", "小数", "左右", "干", "干什么", "年", "应该", "弄", "当中",
    "当年", "怎么样", "总共", "意思", "打", "找", "把", "折合", "指", "指的是", "按", "换算", "接着", "搞", "文件", "方面",
    "是不是", "有关", "有无", "有没有", "本年", "根据", "现在", "用", "用途", "疑问", "目前", "相关", "看", "真的", "类型", "精确",
    "给", "给了", "花", "花了", "表", "被", "要", "要求", "计划", "让", "讲", "设置", "说", "说明", "谁", "达到", "这个",
    "这些", "这份", "这块", "这次", "那个", "部分", "部门", "里", "里面", "钱", "问", "问题", "顺便",
}  # fmt: skip
_SENT = re.compile(r"[^。！？]+[。！？]?")


@dataclass(frozen=True)
class Passage:
    text: str  # quoted verbatim
    provenance: Provenance
    score: float = 0.0
    context: str = ""  # what it is about (section, project, field), used for matching only


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def focus_terms(question: str, department: str = "") -> list[str]:
    text = fold(question)
    if department:
        text = text.replace(fold(department), "")
        # '科协' alone is the department; '老科协' is something else.
        for alias in sorted({short_name(department), *department_aliases(department)}, key=len, reverse=True):
            text = re.sub(rf"(?<![\u4e00-\u9fff]){re.escape(fold(alias))}", "", text)
    terms = []
    for tok in _jieba().lcut(text):
        tok = tok.strip()
        if len(tok) < 2 or tok in _STOP or re.search(r"[\d.,%()（）？?！!，。、：:；;“”\"'\-]", tok):
            continue
        terms.append(tok)
    return list(dict.fromkeys(terms))


def short_name(department: str) -> str:
    return short_department(fold(department))


_NOUN_FLAGS = ("n", "nr", "ns", "nt", "nz", "ng", "vn", "an")
# Nouns that ask about the question itself, or are everyday words for what the tables hold.
_QUESTION_NOUNS = set(
    [
        "问题",
        "情况",
        "内容",
        "方面",
        "部分",
        "原因",
        "意思",
        "定义",
        "关系",
        "类型",
        "来源",
        "用途",
        "作用",
        "数额",
        "数字",
        "金额",
        "数据",
        "钱",
        "费用",
        "东西",
        "事情",
        "今年",
        "去年",
        "明年",
        "年底",
        "年初",
        "全年",
        "一年",
        "表里",
        "表中",
        "里面",
        "多少钱",
        "预算数",
        "百分比",
        "比例",
        "比重",
        "占比",
        "增幅",
        "增长率",
        "负数",
        "正数",
        "小数",
        "两位",
        "一位",
        "整数",
        "单位",
        "万元",
        "元",
        "新车",
        "车子",
        "公车",
        "人头",
        "工资",
        "发工资",
        "规模",
        "总数",
        "总额",
        "合计",
        "总计",
        "小计",
        "经费",
        "款",
        "项",
        "正负号",
        "总支出",
        "总收入",
        "总预算",
        "部门总支出",
        "负号",
        "正号",
        "符号",
        "说明",
        "推算",
        "表格",
        "文件",
    ]
)


def unknown_terms(
    question: str, source_text: str, spans: list[tuple[int, int]] = (), fuzzy: list[tuple[int, int]] = ()
) -> list[str]:
    """Nouns of the question that occur nowhere in the disclosure: it cannot be about them.

    ``spans`` are the question's words already matched to items: a token inside or straddling
    one is the tokenizer cutting across a name ('费占'), not a word of its own. A typo match
    (``fuzzy``) only covers the tokens wholly inside it, so '办公地址' still asks about 地址.
    """
    from jieba import posseg

    _jieba()
    folded = fold(source_text)
    out = []
    question = re.sub(
        r"(?:几|多少)(?:辆|个|台|项|次|张|条|类|人|名|批)", lambda m: " " * len(m.group()), question
    )
    pos = 0
    for word, flag in posseg.lcut(question):
        start, end = pos, pos + len(word)
        pos = end
        if len(word) < 2 or not flag.startswith(_NOUN_FLAGS) or word in _QUESTION_NOUNS or word in _STOP:
            continue
        if any(s < end and start < e for s, e in spans) or any(s <= start and end <= e for s, e in fuzzy):
            continue
        if word not in folded:
            out.append(word)
    return out


def doc_passages(doc: Document, with_missing: bool = False) -> Iterator[Passage]:
    for section in doc.sections:
        path = " > ".join(section.path)
        for para in section.paragraphs:
            prov = doc.cite(para.line, section=path)
            yield Passage(para.text, prov, context=path)
            sentences = list(_SENT.finditer(para.text))
            if len(sentences) > 1:
                for m in sentences:
                    if m.group().strip():
                        prov = doc.cite(_line_at(para, m.start()), section=path)
                        yield Passage(m.group().strip(), prov, context=path)
    for table in doc.tables:
        if table.note:
            yield Passage(
                table.note, doc.cite(table.line, table_no=table.no, table_title=table.full_title), context=table.title
            )
        if table.status == "missing" and with_missing:
            text = f"目录列出的{table.title}在本公开文件正文中没有提供。"
            yield Passage(text, Provenance(doc.id, 0, table.no, table.title), context=table.title)
        if not table.form:
            continue
        project = next((r.cells[0].raw for r in table.rows if r.name == "专项资金名称" and r.cells), "")
        for row in table.rows:
            if row.name in ("专项资金名称", "项目名称"):
                continue  # a name says nothing of its own; it is the context of the fields below
            for cell in row.cells:
                if cell.kind == "text" and len(cell.raw) >= 4:
                    prov = doc.cite(row.line, table_no=table.no, table_title=table.full_title, row=row.name, column=cell.column)
                    yield Passage(cell.raw, prov, context=f"{table.title} {project} {row.name}")


def _line_at(para, offset: int) -> int:
    line = para.line
    for ln, start in zip(para.lines or (para.line,), para.offsets or (0,), strict=False):
        if start <= offset:
            line = ln
    return line


def best_passages(
    question: str,
    doc: Document,
    extra: list[Passage] = (),
    *,
    k: int = 3,
    prefer_paragraphs: bool = False,
    tables: tuple[int, ...] = (),
    definition: bool = False,
    retrieval_weight: float = 0.5,
) -> list[Passage]:
    """Passages covering the question's focus terms, best first; [] when none covers enough.

    ``extra`` are the passages the retriever ranked (score = 1/rank): among passages that cover
    the terms about equally, the one the retriever put first wins ("公务用车运行维护费包括哪些"
    is the 名词解释, not the 基本支出 sentence listing it). The bonus never admits a passage
    that does not cover the question's terms."""
    terms = focus_terms(question, doc.department)
    numbers = [m.group(1) + m.group(2) for m in re.finditer(r"(\d+(?:\.\d+)?)\s*([个辆次项人场台名批])", fold(question))]
    if not terms:
        return []
    scored: dict[str, Passage] = {}
    retrieved = {p.text: p.score for p in extra}  # 1/rank of the retriever's chunk holding it
    candidates = [*extra, *doc_passages(doc, with_missing=bool(tables))]
    for p in candidates:
        haystack = fold(p.text + " " + p.context)
        hits = [t for t in terms if t in haystack]
        coverage = len(hits) / len(terms)
        weight = sum(len(t) for t in hits) / sum(len(t) for t in terms)
        if coverage < 0.5 or weight < 0.5:
            continue
        score = coverage + weight
        body = fold(p.text)
        defined = re.match(
            r"^(?:\([一二三四五六七八九十]+\))?([^:：,，。]{1,15}?)(?:[:：]指|是指|反映)", body
        )
        if definition and defined:
            # '（三）基本支出：指…' defines the term before '：指'.
            score += sum(len(t) for t in terms if t in defined.group(1)) / sum(len(t) for t in terms)
        # The subject of a passage comes first: prefer passages that name the terms early.
        score += 0.3 * sum(1 - body.find(t) / max(len(body), 1) for t in hits if t in body) / len(terms)
        if tables and p.provenance.table_no in tables:
            score += 1.0
        score += retrieval_weight * retrieved.get(p.text, 0.0)
        # a number the question repeats ('那2辆车') is the surest sign of the passage it means
        score += 0.6 * sum(1 for n in numbers if n in body)
        if prefer_paragraphs and not p.provenance.row:
            score += 0.01 * min(len(p.text), 200) / 200
        if p.text not in scored or scored[p.text].score < score:
            scored[p.text] = Passage(p.text, p.provenance, score, p.context)
    ranked = sorted(
        scored.values(), key=lambda p: (-p.score, len(p.text) if not prefer_paragraphs else -len(p.text))
    )
    return ranked[:k]
