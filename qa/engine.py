"""The answer engine: question in, ``Answer`` out. Figures come only from the lookup tool and
the calculator; passages only from the disclosure; every answer is verified before it leaves.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Protocol

from core.errors import BudgetQAError
from core.records import Answer, Citation, Document, Figure, Result, UsedFigure
from core.settings import Settings
from core.text import (
    DEPARTMENT_ABBREVIATIONS,
    department_aliases,
    format_amount,
    normalize_question,
    short_department,
)
from ingest.roles import Role
from ingest.store import FigureStore
from qa import calc as C
from qa.catalog import Catalog, build_catalog, fold
from qa.llm import LLMPhraser
from qa.lookup import (
    GENERIC,
    QUALIFIERS,
    Candidate,
    by_mention,
    candidates,
    distinct_values,
    is_generic,
    table_matches,
    total_entries,
    wanted_years,
)
from qa.passages import Passage, best_passages, doc_passages, unknown_terms
from qa.understand import Match, Query, normalise, understand
from qa.understand import _roles as understand_roles
from qa.verify import unverified_numbers

_CJK = r"(?:(?![和与的及在是年])[\u4e00-\u9fff])"
_ORG = re.compile(
    rf"((?:{_CJK}{{2,4}}?(?:省|市|区|县))+)(?:\([^)]*\))?({_CJK}{{0,10}}?(?:委员会|教委|科委|委|局|厅|科协|协会|中心|馆|院|办))"
)


class PassageRetriever(Protocol):
    def retrieve_chunks(
        self, query: str, filters: dict | None = None, mode: str = "hybrid", top_k: int | None = None
    ): ...


class BackgroundRetriever:
    """Opens the hybrid retriever in a thread. Loading the embedding model takes ~10 s, mostly
    imports; figure answers never need it, so they do not wait. Narrative answers wait for it,
    once; an error while loading is raised there, not swallowed."""

    def __init__(self, settings: Settings) -> None:
        self._retriever = None
        self._error: Exception | None = None
        self._thread = threading.Thread(
            target=self._load, args=(settings,), name="retriever-load", daemon=True
        )
        self._thread.start()

    def _load(self, settings: Settings) -> None:
        try:
            from index.build import open_retriever

            self._retriever = open_retriever(settings)
        except Exception as exc:
            self._error = exc

    def get(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._retriever

    def retrieve_chunks(self, *args, **kwargs):
        return self.get().retrieve_chunks(*args, **kwargs)

    def __getattr__(self, name: str):
        # Everything else of the loaded retriever (with_filters, ranked_ids …) waits the same way.
        return getattr(self.get(), name)


@dataclass
class _Draft:
    """What a handler produces; ``finish`` turns it into a verified ``Answer``."""

    status: str
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    calcs: list[C.Calc] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    options: list[str] = field(default_factory=list)


class AnswerEngine:
    def __init__(
        self,
        store: FigureStore,
        settings: Settings,
        retriever: PassageRetriever | None = None,
        phraser: LLMPhraser | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.retriever = retriever
        self.phraser = phraser
        self.catalog: Catalog = build_catalog(store.documents, store.figures)
        # Numbers an answer may show: the figures, and the 科目编码 it names items by.
        self._values = {
            d.id: {(f.value, f.unit) for f in store.figures_of(d.id)}
            | {(Decimal(r.code), "科目编码") for t in d.tables for r in t.rows if r.code}
            for d in store.documents
        }
        self._source_text = {d.id: _source_text(d) for d in store.documents}

    @classmethod
    def from_settings(cls, settings: Settings, *, with_retriever: bool = True) -> AnswerEngine:
        store = FigureStore(settings.store_path)
        retriever = BackgroundRetriever(settings) if with_retriever else None
        phraser = LLMPhraser(settings) if settings.llm_base_url else None
        return cls(store, settings, retriever, phraser)

    @property
    def documents(self) -> list[Document]:
        return self.store.documents

    # --- entry point ---------------------------------------------------------------------------

    def answer(self, question: str, history: Sequence[str] = (), doc_id: str | None = None) -> Answer:
        question = (question or "").strip()
        if not question:
            return Answer(question, "请输入一个问题，例如：“2024年三公经费是多少？”", "invalid")
        if len(question) > self.settings.max_question_chars:
            text = f"问题太长了（{len(question)}字），请精简到{self.settings.max_question_chars}字以内再问。"
            return Answer(question[:50], text, "invalid")
        doc, refusal = self._pick_document(question, doc_id)
        if refusal:
            return Answer(question, refusal, "not_found")
        resolved = self._resolve_follow_up(question, history, doc)
        q = understand(resolved, self.catalog, doc.id)
        draft = self._dispatch(q, doc)
        answer = self._finish(question, resolved, q, doc, draft)
        if self.phraser is not None and answer.status == "answered":
            answer = self._phrased(answer, resolved, doc, draft.calcs)
        return answer

    def _phrased(self, answer: Answer, resolved: str, doc: Document, calcs: list[C.Calc]) -> Answer:
        """The LLM's wording, only if every number in it is verified; otherwise ours."""
        text = self.phraser.phrase(answer)
        if not text:
            return answer
        bad = self.unverified(text, resolved, doc, calcs)
        if bad:
            self.last_rejected = (text, bad)
            return answer
        return replace(answer, text=text)

    def unverified(self, text: str, question: str, doc: Document, calcs: Sequence[C.Calc] = ()) -> list[str]:
        """Numbers in ``text`` that are not figures, shown calculations, question words or quotes."""
        return unverified_numbers(
            text,
            figures=self._values[doc.id],
            calcs=calcs,
            question=question,
            source_text=self._source_text[doc.id],
            years=(doc.year, doc.year - 1),
        )

    def _dispatch(self, q: Query, doc: Document) -> _Draft:
        if q.other_years:
            years = "、".join(str(y) for y in q.other_years)
            kind = doc.kind
            return _Draft(
                "not_found",
                f"本公开文件是{doc.department}{doc.year}年部门{kind}，只列示{doc.year}年数据及与{doc.year - 1}年的对比，"
                f"没有{years}年的数据。",
            )
        if doc.kind == "预算" and "决算" in q.text:
            return _Draft(
                "not_found",
                f"本公开文件是{doc.department}{doc.year}年部门预算，只有预算数，没有决算（实际支出）数据。",
            )
        missing = [t for t in doc.tables if t.status == "missing" and t.no in q.table_nos]
        if missing:
            t = missing[0]
            return _Draft(
                "not_found",
                f"目录列出了表{_cn(t.no)}“{t.title}”，但本公开文件正文没有提供这张表，无法回答其中的内容。",
            )
        handler = {
            "reason": self._text,
            "define": self._text,
            "text": self._text_or_value,
            "share": self._share,
            "growth": self._growth,
            "diff": self._diff,
            "sum": self._sum,
            "count": self._count,
        }.get(q.intent, self._value)
        return handler(q, doc)

    # --- documents and follow-ups ------------------------------------------------------------------

    def _pick_document(self, question: str, doc_id: str | None) -> tuple[Document, str | None]:
        docs = self.store.documents
        if not docs:
            raise BudgetQAError("数字库中没有任何公开文件。请先运行 `python -m ingest`。")
        if doc_id is not None:
            doc = self.store.document(doc_id)
            if doc is None:
                raise BudgetQAError(
                    f"没有编号为 {doc_id} 的公开文件；可用的有：{', '.join(d.id for d in docs)}"
                )
        else:
            doc = self._document_named(question) or docs[0]
        other = self._other_department(question, doc)
        if other:
            return (
                doc,
                f"本系统收录的是{doc.department}的{doc.year}年部门{doc.kind}公开文件，没有“{other}”的数据，无法回答。",
            )
        return doc, None

    def _document_named(self, question: str) -> Document | None:
        text = fold(question)
        for d in self.store.documents:
            if fold(d.department) in text or _short(d.department) in text:
                return d
        return None

    def _other_department(self, question: str, doc: Document) -> str | None:
        """'江北区科协', '渝北区教委', '重庆市科协（市级）': another department than the disclosure's."""
        text = re.sub(r"\d{4}年", "", fold(question))
        for m in _ORG.finditer(text):
            mention = m.group(1) + m.group(2)
            expanded = mention
            for short, full in DEPARTMENT_ABBREVIATIONS.items():
                if expanded.endswith(short) and not expanded.endswith(full):
                    expanded = expanded[: -len(short)] + full
            if expanded not in fold(doc.department) or "市级" in text:
                return m.group(0)
        return None

    def _resolve_follow_up(self, question: str, history: Sequence[str], doc: Document) -> str:
        """'那去年呢？' after '今年三公经费是多少？' → '去年三公经费是多少？'."""
        if not history:
            return question
        text = normalise(question)
        if len(text) > 14 or (q := understand(question, self.catalog, doc.id)).intent not in (
            "value",
            "text",
        ):
            return question
        if re.search(r"多少|几|是什么|为什么|哪些", text) and not re.search(r"呢[?？]?$|^那", text):
            return question  # a whole question of its own
        items = [m for m in q.matches if m.entry.kind != "narrative"]
        previous = history[-1]
        extra = re.sub(r"^(?:那么?|还有|再问|换成)|[的呢?？吗呀啊]+$|那个$", "", question).strip()
        specific = [
            m for m in items if fold(m.entry.name) not in QUALIFIERS and not is_generic(fold(m.entry.name))
        ]
        if specific:
            # '那机构运行呢？' after '科普活动比去年少了多少钱？': the same question about another item.
            prev = understand(previous, self.catalog, doc.id)
            old = [m for m in prev.matches if m.entry.kind != "narrative"]
            if old:
                first = min(old, key=lambda m: m.start)
                new = q.text[specific[0].start : specific[0].end]
                return (
                    prev.text[: first.start]
                    + new
                    + prev.text[max(m.end for m in old if m.start == first.start) :]
                )
            return question
        if items:
            # '基本支出的那个' after '办公费是多少？': a qualifier that picks one of the answers.
            return f"{previous}（{extra}）"
        if re.search(r"(?:19|20)\d{2}\s*年|今年|去年|本年|上年|当年|前年", extra):
            stripped = re.sub(r"(?:19|20)\d{2}\s*年|今年|去年|本年|上年|当年", "", previous)
            return f"{extra}{stripped}"
        return question if q.matches else f"{previous}（{extra}）" if extra else previous

    # --- handlers ------------------------------------------------------------------------------

    def _items(self, q: Query, doc: Document, years: set[int] | None = None) -> list[Match]:
        """Table items the question names; a bare '合计/支出合计' means the whole budget's totals.
        With no item but a table named ('政府性基金预算支出'), that table's total."""
        ms = table_matches(q)
        if not ms and q.roles:
            from ingest.roles import role_of

            titles = {t.full_title for t in doc.tables if role_of(t) in q.roles and t.status == "data"}
            return [
                Match(e, 0, 0)
                for e in self.catalog.entries_of(doc.id)
                if e.table_title in titles and e.kind == "row" and fold(e.name) in GENERIC
            ]
        if ms and all(is_generic(fold(m.entry.name)) for m in ms) and not q.table_nos and not q.roles:
            years = years or set(wanted_years(q))
            literal = [m for m in ms if years <= {f.year for f in m.entry.figures}]
            if literal and all(fold(m.entry.name) not in GENERIC for m in literal):
                return literal  # '本年支出合计' as printed
            totals = total_entries(self.catalog, doc.id, income="收入" in q.text)
            return [Match(e, ms[0].start, ms[0].end) for e in totals]
        return ms

    def _guard(self, q: Query, doc: Document) -> _Draft | None:
        """A table the department left empty, or words the disclosure never uses: say so."""
        return self._empty_table(q, doc) or self._out_of_scope(q, doc)

    def _value(self, q: Query, doc: Document) -> _Draft:
        if (early := self._guard(q, doc)) is not None:
            return early
        ms = self._items(q, doc)
        if not ms:
            ms = self._project_budget(q, doc)
        if not ms:
            narrative = self._narrative_value(q, doc)
            if narrative is not None:
                return narrative
            if _asks_total(q):
                ms = [Match(e, 0, 0) for e in total_entries(self.catalog, doc.id, income="收入" in q.text)]
        years = wanted_years(q)
        cands = [c for y in years for c in candidates(q, ms, y, doc.kind)]
        if not cands:
            if q.doc_year - 1 in years:
                derived = self._derive_from_stated(q)
                if derived is not None:
                    return derived
                if ms:
                    return self._no_previous(q, doc)
            return self._narrative_value(q, doc) or self._nothing(q, doc)
        mismatch = self._unit_mismatch(q, cands)
        if mismatch is not None:
            return mismatch
        groups = distinct_values(cands)
        mentions = by_mention(cands)
        if len(years) > 1:
            firsts = [
                next(iter(distinct_values([c for c in cands if c.figure.year == y]).values()), [None])[0]
                for y in years
            ]
            return self._list(q, [c for c in firsts if c is not None])
        if len(groups) > 1:
            per_mention = [distinct_values(cs) for cs in mentions.values()]
            if len(per_mention) > 1 and all(len(g) == 1 for g in per_mention):
                return self._list(q, [next(iter(g.values()))[0] for g in per_mention])
            return self._clarify(q, groups)
        return self._one(q, next(iter(groups.values())))

    def _empty_table(self, q: Query, doc: Document) -> _Draft | None:
        """A question about a table the department left empty gets that table's own note."""
        from ingest.roles import role_of

        for t in doc.tables:
            named = t.no in q.table_nos or (
                role_of(t) in q.roles
                and role_of(t)
                not in (
                    Role.BASIC_ECON_GOV,
                    Role.BASIC_ECON_DEPT,
                    Role.PROJECT_ECON_DEPT,
                    Role.PROJECT_ECON_GOV,
                )
            )
            if named and t.status == "empty":
                note = t.note or "本表无数据。"
                text = f"表{_cn(t.no)}“{t.full_title}”没有数据：「{note}」"
                return _Draft("answered", text, passages=[Passage(note, _prov_table(doc, t))])
        return None

    def _out_of_scope(self, q: Query, doc: Document) -> _Draft | None:
        """Words the disclosure never uses ('资产', '批次', '面积'): it does not say."""
        text = re.sub(r"表\s*[一二三四五六七八九十\d]+", lambda m: "，" * len(m.group()), q.text)
        spans = [(m.start, m.end) for m in q.matches if not m.fuzzy]
        fuzzy = [(m.start, m.end) for m in q.matches if m.fuzzy]
        unknown = unknown_terms(text, self._source_text[doc.id], spans, fuzzy)
        if unknown:
            return _Draft(
                "not_found",
                f"公开文件（{doc.department}{doc.year}年部门{doc.kind}）没有涉及“{'、'.join(unknown[:3])}”的数据或说明，无法回答。",
            )
        return None

    def _project_budget(self, q: Query, doc: Document) -> list[Match]:
        """'老科技工作者服务团经费有多少' names a project: its 当年预算."""
        out = []
        for e in self.catalog.entries_of(doc.id):
            if (
                e.project
                and fold(e.project) in q.text
                and e.kind == "form"
                and e.name in ("当年预算", "年度资金总额", "资金总额")
            ):
                out.append(
                    Match(e, q.text.find(fold(e.project)), q.text.find(fold(e.project)) + len(e.project))
                )
        return out

    def _unit_mismatch(self, q: Query, cands: list[Candidate]) -> _Draft | None:
        units = {c.figure.unit for c in cands}
        rest = _strip_spans(q)
        asked = re.search(r"多少(批次|人次|人|名|平方米|亩|户|卷|册|件|页)|几(批|人|名|户|卷|册|件)", rest)
        money = re.search(r"预算|多少钱|经费|金额|资金|花了|安排了多少", rest)
        if any(c.entry.kind == "indicator" for c in cands):
            money = None
        unit_word = asked and (asked.group(1) or asked.group(2))
        if unit_word and not any(unit_word in u for u in units):
            return _Draft("not_found", f"公开文件没有列出这方面的{unit_word}数，只有金额。")
        if money and units and units <= {"个", "辆", "台（套）", "项", "次", "场次"}:
            return _Draft("not_found", "公开文件对此只列出数量，没有单列预算金额，无法回答。")
        return None

    def _one(self, q: Query, same: list[Candidate]) -> _Draft:
        c = same[0]
        f = c.figure
        text = f"{_subject(c)}为{_shown(f)}。"
        calcs: list[C.Calc] = []
        results = [Result(f.value, f.unit, c.label)]
        if q.wants_wan and f.unit == "元":
            wan = C.to_wan(f.value, q.places or 2)
            calcs.append(wan)
            results.append(Result(wan.value, "万元", f"{c.label}（折合万元）"))
            text += f"折合{wan.shown}（{format_amount(f.value)} ÷ 10000）。"
        also = [x for x in same[1:] if x.entry.table_no != c.entry.table_no and x.entry.table_no]
        if also:
            text += (
                "另见" + "、".join(dict.fromkeys(f"表{_cn(x.entry.table_no)}" for x in also)) + "，数额相同。"
            )
        text += self._adversarial_note(q, f)
        return _Draft("answered", text, same[:3], results, calcs)

    def _adversarial_note(self, q: Query, f: Figure) -> str:
        """'是不是500万？' — say plainly when the number in the question is not the disclosure's."""
        m = re.search(r"(\d+(?:\.\d+)?)\s*(万|元)", normalise(q.raw))
        if not m or not re.search(r"是不是|是否|难道|吗|听说", q.raw):
            return ""
        asked = Decimal(m.group(1)) * (10000 if m.group(2) == "万" else 1)
        if (f.yuan or f.value) != asked:
            return "问题中的说法与公开文件不符，以上为公开文件列示的数。"
        return ""

    def _list(self, q: Query, cands: list[Candidate]) -> _Draft:
        lines = [f"{_subject(c)}{_year_of(c)}为{_shown(c.figure)}" for c in cands]
        results = [Result(c.figure.value, c.figure.unit, c.label) for c in cands]
        return _Draft("answered", "；".join(lines) + "。", cands, results)

    def _clarify(self, q: Query, groups: dict[Decimal, list[Candidate]]) -> _Draft:
        firsts = [cs[0] for cs in groups.values()]
        lines = [f"• {c.label}：{_shown(c.figure)}" for c in firsts]
        text = "这个名称在公开文件中对应不同口径的数额：\n" + "\n".join(lines) + "\n请问您想问的是哪一个？"
        results = [Result(c.figure.value, c.figure.unit, c.label) for c in firsts]
        return _Draft("clarify", text, firsts, results, options=[c.label for c in firsts])

    def _narrative_value(self, q: Query, doc: Document) -> _Draft | None:
        ms = [m for m in q.matches if m.entry.kind == "narrative"]
        figs = [(m, f) for m in ms for f in m.entry.figures]
        if q.intent != "count":
            figs = [
                (m, f)
                for m, f in figs
                if f.measure in ("金额", "比例") or f.unit == "%" or not _is_relation(f.measure)
            ] or figs
        if q.doc_year - 1 in q.years and q.doc_year not in q.years:
            figs = [(m, f) for m, f in figs if f.year == q.doc_year - 1] or []
        rest = q.text
        if re.search(r"预算|金额|多少钱|经费|资金|财政拨款|元", rest):
            figs = [(m, f) for m, f in figs if f.unit in ("元", "万元")] or figs
        elif re.search(r"几|多少(?:个|辆|台|项|次)", rest):
            figs = [(m, f) for m, f in figs if f.unit not in ("元", "万元", "%")] or figs
        if not figs:
            return None
        m, f = max(figs, key=lambda mf: (_overlap(q.text, mf[1].sentence or ""), -mf[1].source.line))
        mismatch = self._unit_mismatch(q, [Candidate(m.entry, f, m.start)])
        if mismatch is not None:
            return mismatch
        return self._one(q, [Candidate(m.entry, f, m.start)])

    def _nothing(self, q: Query, doc: Document) -> _Draft:
        return _Draft(
            "not_found",
            f"公开文件（{doc.department}{doc.year}年部门{doc.kind}）中没有找到与此问题对应的数据或说明，无法回答。"
            "可以换个说法，或询问表格中的具体科目（如“科普活动2024年预算是多少”）。",
        )

    # --- narrative -----------------------------------------------------------------------------

    def _passages(self, q: Query, doc: Document, **kw) -> list[Passage]:
        extra: list[Passage] = []
        if self.retriever is not None:
            extra = _retrieved(self.retriever, q.raw, doc)
        question = fold(normalize_question(q.raw))
        return best_passages(
            question,
            doc,
            extra,
            tables=tuple(q.table_nos),
            retrieval_weight=self.settings.passage_retrieval_weight,
            **kw,
        )

    def _text(self, q: Query, doc: Document) -> _Draft:
        if (early := self._guard(q, doc)) is not None:
            return early
        reason = q.intent == "reason"
        passages = self._passages(
            q,
            doc,
            prefer_paragraphs=q.intent in ("reason", "define") or "哪些" in q.text,
            definition=q.intent == "define",
        )
        if reason:
            passages = [p for p in passages if "原因" in p.text or "故此表无数据" in p.text] or passages
        if not passages:
            return self._nothing(q, doc)
        return self._quote(passages)

    def _text_or_value(self, q: Query, doc: Document) -> _Draft:
        if re.search(r"是不是|是否", q.text) and re.search(r"(?:比|较).{0,10}(?:增加|减少|多|少)", q.text):
            return self._diff(q, doc)
        if re.search(r"\d+(?:\.\d+)?\s*(?:万|元|亿)", q.text):
            return self._value(q, doc)  # '政府采购预算是100万吗？' checks a number
        if re.search(r"多少|几", q.text) and (table_matches(q) or q.matches):
            return self._value(q, doc)
        return self._text(q, doc)

    def _quote(self, passages: list[Passage]) -> _Draft:
        best = passages[0]
        prov = best.provenance
        where = prov.section or prov.table_title or "正文"
        if prov.row:
            where += f"（{prov.row}）"
        text = f"根据公开文件“{where}”：「{best.text}」"
        return _Draft("answered", text, passages=passages[:2])

    # --- calculations --------------------------------------------------------------------------

    def _pair(
        self, q: Query, doc: Document, ms: list[Match] | None = None
    ) -> tuple[Candidate, Candidate] | None:
        """The same item in the previous year and this year, from one table (blank = 0)."""
        ms = self._items(q, doc, {q.doc_year, q.doc_year - 1}) if ms is None else ms
        if not ms and _asks_total(q, loose=True):
            ms = [Match(e, 0, 0) for e in total_entries(self.catalog, doc.id)]
        cur = [c for c in candidates(q, ms, q.doc_year, doc.kind) if c.figure.unit != "%"]
        if doc.kind == "决算" and "预算" in q.text:
            return _budget_vs_final(cur)
        for c in sorted(cur, key=_rank):
            prev = [
                f
                for f in c.entry.figures
                if f.year == q.doc_year - 1 and f.unit == c.figure.unit and _same_leaf(f, c.figure)
            ]
            if prev:
                return Candidate(c.entry, prev[0], c.mention), c
            zero = _blank_previous(doc, c)
            if zero is not None:
                return Candidate(c.entry, zero, c.mention), c
        return None

    def _stated(
        self, q: Query, relation: tuple[str, ...], unit: str | None = None, before: int | None = None
    ) -> Figure | None:
        """A change or share the narrative states for the asked item (matched directly or by name)."""
        matches = [m for m in q.matches if before is None or m.start < before]
        narrative = [m.entry for m in matches if m.entry.kind == "narrative"]
        for m in matches:
            if m.entry.kind != "narrative":
                name = fold(m.entry.name)
                narrative += [
                    e
                    for e in self.catalog.entries_of(m.entry.doc_id)
                    if e.kind == "narrative" and fold(_short_item(e.name)) == name
                ]
                narrative += [
                    e
                    for e in self.catalog.entries_of(m.entry.doc_id)
                    if e.kind == "narrative"
                    and len(name) >= 3
                    and name in fold(e.name)
                    and "(项)" not in fold(e.name)
                ]
        found = [
            f
            for e in narrative
            for f in e.figures
            if f.measure.endswith(relation) and (unit is None or f.unit == unit)
        ]
        # '比2022年减少了多少' wants the change against 2022, not against the budget.
        asked = [f for f in found if any(str(y) in f.measure for y in q.years)]
        return (asked or found or [None])[0]

    def _diff(self, q: Query, doc: Document) -> _Draft:
        refusal = self._out_of_scope(q, doc)
        if refusal is not None:
            return refusal
        ms = self._items(q, doc)
        year = q.years[0] if len(set(q.years)) == 1 else q.doc_year
        mentions = list(by_mention(candidates(q, ms, year, doc.kind)).values())
        if len(mentions) >= 2 and len(set(q.years)) <= 1:
            a = next(iter(distinct_values(mentions[0]).values()))[0]
            b = next(iter(distinct_values(mentions[1]).values()))[0]
            return self._difference_of(q, a, b)
        other = self._narrative_other(q, doc, mentions)
        if other is not None:
            return other
        pair = self._pair(q, doc, ms)
        if pair is None:
            stated = self._stated(q, ("增加", "减少"))
            if (
                stated is not None
                and stated.unit in ("元", "万元")
                and (q.years or re.search(r"上年|去年", q.text))
            ):
                return self._stated_change(q, stated)
            return self._no_previous(q, doc)
        prev, cur = pair
        d = C.difference(cur.figure.value, prev.figure.value, cur.figure.unit, signed=q.signed)
        direction = "增加" if cur.figure.value >= prev.figure.value else "减少"
        before = _shown(prev.figure) if prev.figure.value else "未列数（按0计）"
        text = (
            f"{_subject(cur)}{q.doc_year}年为{_shown(cur.figure)}，{q.doc_year - 1}年为{before}，"
            f"{'变化' if q.signed else direction}{d.shown}。"
        )
        calcs = [d]
        if q.wants_wan and cur.figure.unit == "元":
            w = C.to_wan(d.value, q.places or 2)
            calcs.append(w)
            text += f"折合{w.shown}。"
        text += self._adversarial_change(q, cur.figure.value - prev.figure.value)
        last = calcs[-1]
        return _Draft("answered", text, [prev, cur], [Result(last.value, last.unit, "差额")], calcs)

    def _narrative_other(self, q: Query, doc: Document, mentions: list[list[Candidate]]) -> _Draft | None:
        """'项目支出总额比实行绩效目标管理的项目金额多出多少': the second amount is stated in the text."""
        at = q.text.find("比")
        if len(mentions) != 1 or at < 0 or q.years:
            return None
        later = [m for m in q.matches if m.entry.kind == "narrative" and m.start > at]
        figs = [
            (m, f)
            for m in later
            for f in m.entry.figures
            if f.unit in ("元", "万元") and not _is_relation(f.measure)
        ]
        if not figs:
            return None
        m, f = max(figs, key=lambda mf: _overlap(q.text, fold(mf[1].sentence or "")))
        a = next(iter(distinct_values(mentions[0]).values()))[0]
        return self._difference_of(q, a, Candidate(m.entry, f, m.start))

    def _adversarial_change(self, q: Query, diff: Decimal) -> str:
        says_up = re.search(r"增加|多了|涨", q.raw)
        says_down = re.search(r"减少|少了|降", q.raw)
        if re.search(r"是不是|是否|吗", q.raw) and ((says_up and diff < 0) or (says_down and diff > 0)):
            return "与问题中的说法相反。"
        return ""

    def _difference_of(self, q: Query, a: Candidate, b: Candidate) -> _Draft:
        signed = "减去" in q.text
        d = C.difference(a.figure.value, b.figure.value, a.figure.unit, signed=signed)
        text = f"{_subject(a)}为{_shown(a.figure)}，{_subject(b)}为{_shown(b.figure)}，相差{d.shown}。"
        return _Draft("answered", text, [a, b], [Result(d.value, d.unit, "差额")], [d])

    def _stated_change(self, q: Query, f: Figure) -> _Draft:
        text = f"根据说明，{_short_item(f.item)}{f.measure}{format_amount(f.value, f.unit)}。"
        text += self._adversarial_change(q, f.value if f.measure.endswith(("增加", "增长")) else -f.value)
        c = Candidate(_narr(self.catalog, f), f, 0)
        return _Draft("answered", text, [c], [Result(f.value, f.unit, f"{f.item}{f.measure}")])

    def _derive_from_stated(self, q: Query) -> _Draft | None:
        """Previous year = this year ∓ the stated change, when the tables do not list it."""
        change = self._stated(q, ("增加", "减少"))
        if change is None or change.unit not in ("元", "万元"):
            return None
        current = self._current_amount_of(change)
        if current is None:
            return None
        sign = -1 if change.measure.endswith(("增加", "增长")) else 1
        value = current.value + sign * change.value
        d = C.Calc(
            f"{current.value} {'-' if sign < 0 else '+'} {change.value}",
            value,
            current.unit,
            C._places_of(current.value, change.value),
        )
        item = _short_item(change.item)
        text = (
            f"公开表格没有直接列出{q.doc_year - 1}年的{item}。按说明推算："
            f"{q.doc_year}年{item}{_shown(current)}，{change.measure}{format_amount(change.value, change.unit)}，"
            f"故{q.doc_year - 1}年为{d.shown}。"
        )
        cands = [
            Candidate(_narr(self.catalog, current), current, 0),
            Candidate(_narr(self.catalog, change), change, 0),
        ]
        return _Draft(
            "answered", text, cands, [Result(d.value, d.unit, f"{q.doc_year - 1}年{item}（推算）")], [d]
        )

    def _current_amount_of(self, change: Figure) -> Figure | None:
        """This year's amount of the item a stated change is about (same sentence first)."""
        amounts = [
            f
            for e in self.catalog.entries_of(change.doc_id)
            if e.kind == "narrative" and e.name == change.item
            for f in e.figures
            if f.measure == "金额" and f.unit == change.unit
        ]
        same = [f for f in amounts if f.sentence == change.sentence]
        return (same or amounts or [None])[0]

    def _no_previous(self, q: Query, doc: Document) -> _Draft:
        if not table_matches(q) and not q.matches:
            return self._nothing(q, doc)
        return _Draft("not_found", f"公开文件没有列出该项目{doc.year - 1}年的数额，无法回答或计算变化。")

    def _growth(self, q: Query, doc: Document) -> _Draft:
        if "增幅" in q.text and (q.table_nos or "按表" in q.text or "增幅%" in q.text):
            return self._value(q, doc)
        refusal = self._out_of_scope(q, doc)
        if refusal is not None:
            return refusal
        stated = self._stated(q, ("增长", "下降"), "%")
        pair = self._pair(q, doc)
        if stated is not None and q.places is None and not q.signed:
            c = Candidate(_narr(self.catalog, stated), stated, 0)
            falling = stated.measure.endswith(("下降", "减少"))
            asks_fall = re.search(r"下降|减少|降了|少了", q.text)
            value = -stated.value if falling and not asks_fall else stated.value
            text = f"根据说明，{_short_item(stated.item)}{stated.measure}{_plain(stated.value)}%。"
            calcs: list[C.Calc] = []
            if pair is not None and pair[0].figure.value:
                g = C.growth(pair[1].figure.value, pair[0].figure.value)
                if abs(g.value) != stated.value:
                    calcs.append(g)
                    text += f"（按表列数字计算为{_plain(abs(g.value))}%，说明中的数字可能经过两次四舍五入。）"
            return _Draft("answered", text, [c], [Result(value, "%", "增幅（说明）")], calcs)
        if pair is None:
            return self._no_previous(q, doc)
        prev, cur = pair
        if prev.figure.value == 0:
            note = f"{_subject(cur)}{doc.year - 1}年未列示（为0），增长率无法计算。"
            name = fold(cur.entry.name)
            passages = [p for p in doc_passages(doc) if name in fold(p.text) and p.provenance.section]
            if passages:
                return _Draft(
                    "answered",
                    f"{note}说明中写道：「{passages[0].text}」",
                    [prev, cur],
                    passages=passages[:1],
                )
            return _Draft("not_found", note, [prev, cur])
        g = C.growth(cur.figure.value, prev.figure.value, q.places or 1)
        falling = g.value < 0 and re.search(r"下降|减少|降了", q.text) and not q.signed
        shown = C.Calc(f"abs({g.expr})", abs(g.value), "%", g.places) if falling else g
        verb = "下降" if g.value < 0 else "增长"
        text = (
            f"{_subject(cur)}{doc.year}年为{_shown(cur.figure)}，{doc.year - 1}年为{_shown(prev.figure)}，"
            f"{verb}{_plain(abs(g.value))}%。"
        )
        return _Draft("answered", text, [prev, cur], [Result(shown.value, "%", "增长率")], [shown, g])

    def _share(self, q: Query, doc: Document) -> _Draft:
        refusal = self._out_of_scope(q, doc)
        if refusal is not None:
            return refusal
        at = q.text.find("占")
        ms = self._items(q, doc) if table_matches(q) else self._items_left_of(q, doc, at)
        left = [m for m in ms if at < 0 or m.start < at]
        right = [m for m in ms if at >= 0 and m.start > at]
        year = (q.years or [q.doc_year])[0]
        stated = self._stated(q, ("占",), "%", before=at if at >= 0 else None)
        whole_is_total = not right or all(is_generic(fold(m.entry.name)) for m in right)
        if stated is not None and whole_is_total and q.places is None:
            c = Candidate(_narr(self.catalog, stated), stated, 0)
            text = f"根据说明，{_short_item(stated.item)}占比{_plain(stated.value)}%。"
            return _Draft("answered", text, [c], [Result(stated.value, "%", "占比（说明）")])
        part = candidates(q, left, year, doc.kind)
        whole = candidates(q, right, year, doc.kind) if right else self._grand_total(q, doc, year)
        if not part or not whole:
            return self._nothing(q, doc)
        a = next(iter(distinct_values(part).values()))[0]
        b = next(iter(distinct_values(whole).values()))[0] if right else whole[0]  # the all-funds total
        s = C.share(a.figure.value, b.figure.value, q.places or 1)
        text = (
            f"{_subject(a)}为{_shown(a.figure)}，{_subject(b)}为{_shown(b.figure)}，占比{_plain(s.value)}%。"
        )
        return _Draft("answered", text, [a, b], [Result(s.value, "%", "占比")], [s])

    def _items_left_of(self, q: Query, doc: Document, at: int) -> list[Match]:
        """'政府性基金预算支出占…': a table named before 占 stands for its total."""
        left = Query(q.raw, q.text[: at if at >= 0 else None], q.doc_year)
        left.roles = understand_roles(left.text)
        return [Match(m.entry, -1, -1) for m in self._items(left, doc)] if left.roles else []

    def _grand_total(self, q: Query, doc: Document, year: int) -> list[Candidate]:
        ms = [Match(e, 0, 0) for e in total_entries(self.catalog, doc.id)]
        return candidates(q, ms, year, doc.kind)

    def _sum(self, q: Query, doc: Document) -> _Draft:
        refusal = self._out_of_scope(q, doc)
        if refusal is not None:
            return refusal
        ms = self._items(q, doc) or self._project_budget(q, doc)
        if not ms and _asks_total(q, loose=True):
            ms = [Match(e, 0, 0) for e in total_entries(self.catalog, doc.id)]
        picked: list[Candidate] = []
        for y in wanted_years(q):
            for cs in by_mention(candidates(q, ms, y, doc.kind)).values():
                picked += [g[0] for g in distinct_values(cs).values()]
        if len(picked) < 2:
            return self._value(q, doc)
        unit = picked[0].figure.unit
        t = C.total([c.figure.value for c in picked], unit)
        parts = "、".join(f"{_subject(c)}{_year_of(c)}{_shown(c.figure)}" for c in picked)
        text = f"{parts}，合计{t.shown}。"
        calcs = [t]
        if q.wants_wan and unit == "元":
            w = C.to_wan(t.value, q.places or 2)
            calcs.append(w)
            text += f"折合{w.shown}。"
        last = calcs[-1]
        return _Draft("answered", text, picked, [Result(last.value, last.unit, "合计")], calcs)

    def _count(self, q: Query, doc: Document) -> _Draft:
        specific = [m for m in table_matches(q) if m.entry.kind in ("indicator", "row", "form")]
        if specific and not re.search(r"(几|多少)(个|项|条)(绩效)?指标|明细|科目", q.text):
            return self._value(q, doc)
        structural = _structural_count(q, doc, self.catalog)
        if structural is not None:
            return structural
        refusal = self._out_of_scope(q, doc)
        if refusal is not None:
            return refusal
        return self._counted(q, doc) or self._nothing(q, doc)

    def _counted(self, q: Query, doc: Document) -> _Draft | None:
        """A count the text states ('共有车辆 2 辆'): the sentence that best matches the question."""
        m = re.search(r"(?:几|多少)(?:个)?(人|名)|(?:几|多少)(辆|个|台|项|次|场|家)", q.text)
        unit = (m.group(1) or m.group(2)) if m else None
        figs = [
            f
            for f in self.store.figures_of(doc.id)
            if f.origin == "narrative" and unit and f.unit.startswith(unit) and f.measure != "下限"
        ]
        if q.years:
            figs = [f for f in figs if f.year in q.years] or figs
        if not figs:
            return None
        best = max(
            figs,
            key=lambda f: (
                _overlap(q.text, fold(f.sentence or "")),
                _overlap(q.text, fold(f.item)),
                -f.source.line,
            ),
        )
        entry = _narr(self.catalog, best)
        return self._one(q, [Candidate(entry, best, 0)])

    # --- the last step -------------------------------------------------------------------------

    def _finish(self, question: str, resolved: str, q: Query, doc: Document, d: _Draft) -> Answer:
        figures = tuple(UsedFigure(c.label, c.figure) for c in d.candidates)
        citations = tuple(
            [Citation(c.label, c.figure.source) for c in d.candidates]
            + [Citation(p.text, p.provenance) for p in d.passages]
        )
        formula = "；".join(_formula(c) for c in d.calcs) or None
        bad = self.unverified(d.text, resolved, doc, d.calcs)
        if bad:
            self.last_rejected = (d.text, bad)
            # A number we cannot trace is never shown: this is a bug, reported as one.
            text = "抱歉，生成的回答中有无法核对来源的数字，已拦截不显示。请换个问法，或直接查看表格。"
            return Answer(question, text, "not_found", doc_id=doc.id, resolved_question=resolved)
        return Answer(
            question=question,
            text=d.text,
            status=d.status,  # type: ignore[arg-type]
            figures=figures,
            results=tuple(d.results),
            citations=citations,
            formula=formula,
            options=tuple(d.options),
            doc_id=doc.id,
            resolved_question=resolved if resolved != question else None,
        )


# --- helpers ---------------------------------------------------------------------------------


def _cn(n: int | None) -> str:
    from core.records import cn_number

    return cn_number(n)


def _short(department: str) -> str:
    return short_department(fold(department))


def _source_text(doc: Document) -> str:
    parts = [p.text for s in doc.sections for p in s.paragraphs] + [s.heading for s in doc.sections]
    for t in doc.tables:
        parts += [t.title, t.note or "", *t.columns, *(c for h in t.header for c in h)]
        parts += [f"{r.name}：{c.raw}" for r in t.rows for c in r.cells]
    parts += [f"目录列出的{t.title}在本公开文件正文中没有提供。" for t in doc.tables if t.status == "missing"]
    parts += department_aliases(doc.department)
    return "\n".join(parts)


def _retrieved(retriever: PassageRetriever, question: str, doc: Document) -> list[Passage]:
    """The document's own passages on the lines the retriever ranks highest, scored 1/rank.

    Chunks restate their section path for retrieval; quoting them would quote words the
    disclosure does not have in that place, so we quote the verbatim passages instead."""
    ranks: dict[int, int] = {}
    chunks = retriever.retrieve_chunks(question, filters={"doc_id": doc.id}, top_k=5)
    for rank, (chunk, _) in enumerate(chunks, start=1):
        for line in str(chunk.metadata.get("lines") or chunk.metadata.get("line", "")).split("|"):
            if line.isdigit():
                ranks.setdefault(int(line), rank)
    return [
        Passage(p.text, p.provenance, 1 / ranks[p.provenance.line], p.context)
        for p in doc_passages(doc)
        if p.provenance.line in ranks
    ]


_TOTAL_ASK = re.compile(
    r"(?:预算|支出|收入|财政拨款|拨款)(?:的)?(?:总额|合计|总计|一共|总共|共计)|(?:总|一共|总共|全部).{0,4}(?:预算|支出|收入|钱)"
)


def _asks_total(q: Query, loose: bool = False) -> bool:
    """'去年预算总共多少钱', '2024年部门预算总支出' — the whole budget, not '资产总额'."""
    if loose and re.search(r"预算|收入|支出", q.text):
        return True
    return bool(_TOTAL_ASK.search(q.text))


def _strip_spans(q: Query, sep: str = " ") -> str:
    """The question without the words already matched to items (what is left must be known)."""
    text = q.text
    spans = sorted({(m.start, m.end) for m in q.matches if m.end > m.start}, reverse=True)
    for start, end in spans:
        if end <= len(text):
            text = text[:start] + sep + text[end:]
    return text


def _budget_vs_final(cands: list[Candidate]) -> tuple[Candidate, Candidate] | None:
    """In a 决算: the 年初预算数 and the 决算数 of the same row, as (base, actual)."""
    for c in sorted(cands, key=_rank):
        budget = [f for f in c.entry.figures if "预算" in (f.source.column or "") and f.unit == c.figure.unit]
        final = [f for f in c.entry.figures if "决算" in (f.source.column or "") and f.unit == c.figure.unit]
        if budget and final:
            return Candidate(c.entry, budget[0], c.mention), Candidate(c.entry, final[0], c.mention)
    return None


def _same_leaf(a: Figure, b: Figure) -> bool:
    """2023 and 2024 figures of the same column kind (小计 with 小计, 合计 with 合计)."""
    la = (a.source.column or "").split("/")
    lb = (b.source.column or "").split("/")
    return la[1:] == lb[1:] or len(la) == 1 or len(lb) == 1


def _blank_previous(doc: Document, c: Candidate) -> Figure | None:
    """A previous-year column that is blank for this row means no amount: 0 for a change."""
    table = next((t for t in doc.tables if t.no == c.entry.table_no and t.part == c.entry.part), None)
    if table is None:
        return None
    prev_cols = [col for col in table.columns if f"{doc.year - 1}年" in col and not col.endswith("%")]
    row = next((r for r in table.rows if r.line == c.figure.source.line), None)
    if not prev_cols or row is None:
        return None
    cell = row.cell(prev_cols[0])
    if cell is None or cell.kind != "blank":
        return None
    return replace(
        c.figure, value=Decimal(0), year=doc.year - 1, source=replace(c.figure.source, column=prev_cols[0])
    )


def _prov_table(doc: Document, t):
    from core.records import Provenance

    return Provenance(doc.id, t.line, t.no, t.full_title)


def _year_of(c: Candidate) -> str:
    col = c.figure.source.column or ""
    return "" if re.search(r"\d{4}年", col) or c.figure.year is None else f"（{c.figure.year}年）"


def _is_relation(measure: str) -> bool:
    return bool(re.match(r"^(较|比|占|增|减|下降|增长)", measure))


def _rank(c: Candidate) -> tuple:
    from qa.lookup import sort_key

    return sort_key(c)


def _plain(v: Decimal) -> str:
    return format(v, "f")


def _shown(f: Figure) -> str:
    if f.unit in ("元", "万元", "%"):
        return format_amount(f.value, f.unit)
    return f"{_plain(f.value)}{f.unit}"


def _subject(c: Candidate) -> str:
    e = c.entry
    if e.kind == "narrative":
        return _short_item(e.name)
    where = f"表{_cn(e.table_no)}" if e.table_no else ""
    col = c.figure.source.column or ""
    col = "" if col in ("值", "预算数") else f"（{col}）"
    project = f"{e.project}项目" if e.project else ""
    return f"{where}{project}“{e.label}”{col}"


def _short_item(item: str) -> str:
    named = re.findall(r"([^()（）]+)[(（]项[)）]", item)
    return named[-1] if named else item


def _overlap(a: str, b: str) -> int:
    grams = {a[i : i + 2] for i in range(len(a) - 1)}
    return sum(1 for i in range(len(b) - 1) if b[i : i + 2] in grams)


def _narr(catalog: Catalog, f: Figure):
    for e in catalog.entries_of(f.doc_id):
        if f in e.figures:
            return e
    from qa.catalog import Entry

    return Entry(f.doc_id, f.item, "narrative", (f,))


def _formula(calc: C.Calc) -> str:
    expr = calc.expr.replace("*", "×").replace("/", "÷")
    return f"{expr} = {_plain(calc.value)}{calc.unit}"


def _structural_count(q: Query, doc: Document, catalog: Catalog) -> _Draft | None:
    """Counts the disclosure shows by its structure: tables listed, items under a 科目, indicators."""
    items: list[str] = []
    what = ""
    if re.search(r"(多少|几)张表", q.text) and doc.toc:
        items, what = [t for _, t in doc.toc], "目录列出的表"
    elif re.search(r"(下面|下级|明细|包括|列了)", q.text) and q.codes:
        for t in doc.tables:
            kids = [r.label for r in t.rows if r.parent_code in q.codes]
            if kids and (True):
                items, what = kids, f"表{_cn(t.no)}中{q.codes[0]}下的明细科目"
                if "基本支出" in q.text and "基本" not in t.full_title:
                    continue
                break
    elif "指标" in q.text:
        ms = [m for m in q.matches if m.entry.project] if any(m.entry.project for m in q.matches) else []
        project = next(
            (m.entry.project for m in ms if m.entry.project and fold(m.entry.project) in q.text), None
        )
        role = Role.PERF_OVERALL if "整体" in q.text else None
        for e in catalog.entries_of(doc.id):
            if e.kind == "indicator" and ((project and e.project == project) or (role and e.role is role)):
                items.append(e.name)
        what = f"{project or '部门整体绩效目标'}的绩效指标"
    elif re.search(r"(几|多少)条", q.text):
        section = next(
            (
                s
                for s in doc.sections
                if s.heading
                and fold(re.sub(r"^[(（][一二三四五六七八九十]+[)）]\s*", "", s.heading)) in q.text
            ),
            None,
        )
        if section is not None:
            body = "".join(p.text for p in section.paragraphs)
            pieces = re.split(r"(?:^|(?<=[。；;]))\s*\d{1,2}[.．、]", body)
            items = [re.split(r"[。；;，,]", p)[0] for p in pieces if p.strip()]
            what = f"“{section.heading}”列出的条目"
    elif re.search(r"项级科目", q.text):
        items = _codes_of_length(doc, 7)
        what = "功能分类项级科目"
    elif re.search(r"类级|几类|多少类|“类”", q.text):
        items = _codes_of_length(doc, 3)
        what = "功能分类类级科目"
    if not items:
        return None
    n = len(items)
    unit = "张" if "张" in q.text else "条" if "条" in q.text else "个"
    calc = C.Calc(" + ".join(["1"] * n), Decimal(n), unit, 0)
    shown = "、".join(items[:25])
    text = f"{what}共{n}{unit}：{shown}。"
    return _Draft("answered", text, results=[Result(Decimal(n), unit, what)], calcs=[calc])


def _codes_of_length(doc: Document, n: int) -> list[str]:
    for t in doc.tables:
        from ingest.roles import role_of

        if role_of(t) is Role.GENERAL_EXPENSE:
            return [r.label for r in t.rows if r.code and len(r.code) == n]
    return []
