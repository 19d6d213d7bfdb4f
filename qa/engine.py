"""The answer engine: question in, ``Answer`` out, in one pass —
normalise once → readings (items × operation) → decide → compose → verify.

Figures come only from the lookup tool and the calculator; passages only from the disclosure;
every answer is verified before it leaves. Each stage is its own module; this one only wires
them together.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Protocol

from core.errors import BudgetQAError
from core.records import Answer, Document
from core.settings import Settings
from core.text import DEPARTMENT_ABBREVIATIONS, department_aliases, department_core, normalize_question
from core.vocab import fold, vocabulary
from ingest.store import FigureStore
from qa import (
    across,
    cards,
    compose,
    compound,
    context,
    corpus,
    decide,
    difference,
    guard,
    narrative,
    ops,
    overview,
    ranking,
    shares,
    structure,
)
from qa import calc as C
from qa.catalog import Catalog, build_catalog
from qa.documents import DocumentNames
from qa.llm import LLMPhraser
from qa.match import Mention, alternatives, find_hits, glossed, heads, mentions, merge_parts, total_mentions
from qa.passages import Passage, doc_passages
from qa.question import (
    Question,
    content_positions,
    department_typos,
    mark_aside,
    normalise,
    read,
    short_names,
)
from qa.readings import Draft, Reading, score
from qa.scope import Scoper
from qa.verify import unverified_numbers

_CJK = r"(?:(?![和与的及在是年])[\u4e00-\u9fff])"
# the 联合会 departments go by a short name that is the whole name ('区妇联'): the abbreviations' own list
_FEDERATIONS = "|".join(sorted((k for k in DEPARTMENT_ABBREVIATIONS if k.endswith("联")), key=len, reverse=True))
_ORG = re.compile(
    rf"((?:{_CJK}{{2,4}}?(?:省|市|区|县))+)(?:\([^)]*\))?({_CJK}{{0,10}}?(?:委员会|教委|科委|委|局|厅|科协|协会|中心|馆|院|办|{_FEDERATIONS}))"
)

# a unit named by its level, at the start of a phrase ('区疾控中心'; not '社区服务中心')
_UNIT = re.compile(rf"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[的在是和问下个了想请]))([区市县])({_CJK}{{1,8}}?(?:委员会|联合会|协会|中心|局|委|馆|院|办|站|所)|科协|{_FEDERATIONS})")


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
        self._thread = threading.Thread(target=self._load, args=(settings,), name="retriever-load", daemon=True)
        self._thread.start()

    def _load(self, settings: Settings) -> None:
        try:
            from index.build import open_retriever

            self._retriever = open_retriever(settings)
        except Exception as exc:  # re-raised in get(), where the caller can report it
            self._error = exc

    def get(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._retriever

    def ready(self) -> bool:
        """Loaded (without waiting): the figure path uses the dense leg only once it is."""
        return not self._thread.is_alive() and self._error is None

    def retrieve_chunks(self, *args, **kwargs):
        return self.get().retrieve_chunks(*args, **kwargs)

    def __getattr__(self, name: str):
        # Everything else of the loaded retriever (with_filters, ranked_ids …) waits the same way.
        return getattr(self.get(), name)


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
        # every word the corpus uses, once: a department-shaped word none of it uses is another's
        self._corpus_words = "\n".join([*self._source_text.values(), *(fold(d.department) for d in store.documents)])
        self._figures = {d.id: store.figures_of(d.id) for d in store.documents}
        self._years = {d.id: _covered_years(d, self._figures[d.id]) for d in store.documents}
        self.last_rejected: tuple[str, list[str]] | None = None
        self._names = DocumentNames(store.documents)
        self.scoper = Scoper(store.documents, self._years, self._analyse, self.answer)

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
        question = guard.clean(question)
        refused = guard.screen(question, self.settings.max_question_chars)
        if refused is not None:  # nothing to read, too long, garbled, an instruction to the system
            return refused
        history = [h for h in map(guard.clean, history) if h]
        if doc_id is None and len(self.store.documents) > 1:
            asked, scope = self.scoper.scope(question, history)
            if scope.ask:
                refusal = self._refused_anywhere(question, scope.ask)
                return refusal or self.scoper.ask_document(question, scope)
            if len(scope.docs) > 1:
                return across.answer(
                    question, normalise(asked), scope,
                    lambda sub, d: self._answer_one(sub, [], d), self._unverified_across,
                )  # fmt: skip
            doc_id = scope.docs[0].id
            # 今年/去年 were read against the department's newest disclosure: so must the one picked
            own = corpus.absolute_years(question, scope.docs[0], self.store.documents)
            answer = self._labelled(self._answer_in(own, history, doc_id))
            if answer.status == "not_found" and (each := self.scoper.year_by_year(scope)) is not None:
                # '档案馆政府采购今年比去年降了多少': the newer document prints last year's columns,
                # not this item — each year from its own document
                again = across.answer(
                    question, normalise(asked), each,
                    lambda sub, d: self._answer_one(sub, [], d), self._unverified_across,
                )  # fmt: skip
                if again.status == "answered":
                    return again
            return answer
        return self._answer_in(question, history, doc_id)

    def _answer_in(self, question: str, history: Sequence[str], doc_id: str | None) -> Answer:
        doc, refusal = self._pick_document(normalize_question(question), doc_id)
        if refusal:
            return Answer(question, refusal, "not_found", doc_id=doc.id)
        parts = compound.split(question)
        if len(parts) > 1:
            answers: list[Answer] = []
            earlier: list[str] = []  # the clauses before, as context (an item one of them found included)
            # each clause read once, for the checks below (the answer reads it in its context)
            qs = [read(part, doc, self._years[doc.id]) for part in parts]
            asked: list[str] = []  # the clause each answer answers
            for i, part in enumerate(parts):
                if answers and _only_why(qs[i]):
                    if compound.gave_reason(answers[-1]):
                        continue  # '…少了多少？为啥' — the answer before already quotes why
                    # '多了多少？为什么': why that changed — the clause before asked again with it
                    whole = f"{asked[-1]}，{part}"
                    again = self._answer_one(whole, [*history, *earlier[:-1]], doc)
                    if compound.gave_reason(again) and compound.keeps(answers[-1], again):
                        answers[-1], asked[-1] = again, whole
                        earlier[-1] = compound.as_context(whole, again)
                        continue
                if answers and _only_amounts(qs[i], earlier[-1]) and compound.listed(answers[-1]):
                    continue  # '有哪几个项目，各给了多少钱' — the listing before gives each amount
                if answers and qs[i - 1].out_of_range and not qs[i].years:
                    continue  # '2025年的预算出来了吗，多少钱' — the clause before names a year the document cannot have, this one none: the refusal before says so
                answers.append(self._answer_one(part, [*history, *earlier], doc))
                asked.append(part)
                earlier.append(compound.as_context(part, answers[-1]))
            return compound.join(question, answers)
        return self._answer_one(question, history, doc)

    def _labelled(self, answer: Answer) -> Answer:
        """In a corpus of several departments the reading says which disclosure it read."""
        doc = self.store.document(answer.doc_id) if answer.doc_id else None
        if doc is None or len({d.department for d in self.store.documents}) < 2:
            return answer
        name = across.label(doc)
        if "（理解为：" in answer.text:
            text = answer.text.replace("（理解为：", f"（理解为：{name} · ", 1)
        else:
            text = f"【{name}】{answer.text}"
        return replace(answer, text=text)

    def _answer_one(self, question: str, history: Sequence[str], doc: Document) -> Answer:
        resolved = context.resolve(question, history, lambda t: self._analyse(t, doc))
        if resolved != question and len(self.store.documents) > 1:
            resolved = self.scoper.own_department(resolved, doc)
        q, ms = self._analyse(resolved, doc)
        reading, draft = self._decide(q, ms, doc)
        answer = self._finish(question, resolved, q, reading, draft, doc)
        if self.phraser is not None and answer.status == "answered":
            answer = self._phrased(answer, resolved, doc, draft.calcs)
        return answer

    def _analyse(self, text: str, doc: Document) -> tuple[Question, list[Mention]]:
        q = read(text, doc, self._years[doc.id])
        hits = find_hits(q, self.catalog)
        # nothing named at all: the catalogue cards that share the question's words are candidate
        # items (BM25; dense once loaded), weighed below any name the question spells out
        found = [] if hits else cards.retrieved_hits(q, self.catalog, [], self.retriever)
        ms = glossed(q, merge_parts(q, alternatives(q, mentions(hits + found), self.catalog)))
        mark_aside(q, [(m.start, m.end) for m in ms if m.quality >= 0.75])
        # '我是科普志愿者，科普经费比去年少了多少': who asks is background, not a second item
        background = [(c.start, c.end) for c in q.cues if c.kind == "context" and c.value == "clause"]
        ms = [m for m in ms if not any(s <= m.start and m.end <= e for s, e in background)] or ms
        # words an item stands for are content even when they look like filler ('咨询费')
        q.item_positions = {i for m in ms for i in range(m.start, m.end) if m.quality >= 0.9}
        return q, ms

    def readings(self, q: Question, ms: list[Mention], doc: Document) -> list[Reading]:
        """Every reading the question's words support, scored."""
        env = self._env(doc)
        ms = total_mentions(q, self.catalog, ms)
        # a narrative label made of the question's operation words ('完成年初预算的') is no item
        # beside one the question names: it would become the head of '基本公共卫生服务完成年初预算的'
        ms = [m for m in ms if not context.only_cue_words(q, m, asking=False)] or ms
        raw, ms = ms, heads(q, ms, self.catalog)  # shares need both the part and the whole: the raw mentions
        cued = q.ops()
        guards = self._guards(q, doc)
        if guards:  # a year the document does not cover, 决算 in a budget: nothing else applies
            return [score(r, q) for r in guards]
        found: list[Reading] = []
        found += ops.value(q, ms, env)
        steps = (
            ("count", lambda: ops.count(q, ms, env) + structure.structural_counts(q, ms, env)),
            ("diff", lambda: difference.diff(q, ms, env)),
            ("growth", lambda: difference.growth(q, ms, env)),
            ("share", lambda: shares.share(q, raw, env)),
            ("sum", lambda: ops.total_of(q, ms, env)),
            ("change", lambda: overview.change(q, ms, env)),
            ("breakdown", lambda: overview.breakdown(q, ms, env)),
            ("composition", lambda: overview.breakdown(q, ms, env)),
            ("rank", lambda: ranking.rank(q, ms, env) + ranking.by_derived(q, ms, env) + ranking.projects(q, env)),
            ("list", lambda: overview.projects(q, ms, env) + ranking.changed(q, ms, env)),
            ("per_unit", lambda: overview.per_unit(q, ms, env)),
            ("completion", lambda: overview.completion(q, ms, env)),
        )
        for op, run in steps:
            percent_change = op == "growth" and q.unit_asked == "%" and bool(cued & {"diff", "change"})
            # '多了多少，为什么': a change asked with its reason (the change reading quotes it)
            why_changed = op == "change" and "reason" in cued and bool(cued & {"diff", "growth"})
            if op in cued or (op == "count" and _counter_asked(q)) or percent_change or why_changed:
                if op == "composition" and "breakdown" in cued:
                    continue  # the same readings
                found += run()
        found += narrative.empty_tables(q, env) + narrative.code_names(q, ms) + narrative.functions(q, ms, env)
        found += narrative.form_fields(q, ms, env) + narrative.contacts(q, env) + narrative.sections(q, env)
        found += narrative.sentence_columns(q, env)
        for op in ("reason", "define", "text"):
            if op in cued:
                found += narrative.passages(q, ms, env, op) + narrative.anchored(q, ms, env, op)
        for r in found:  # '公车保养加油': words naming the reading's own item again are accounted for
            r.repeats = [m.span for m in ms if m.span not in r.spans and set(m.entries) & set(r.items)]
        scored = [score(r, q) for r in found]
        asks_number = q.has_op("value", "count") or q.unit_asked is not None
        if not asks_number and not any(r.answered and r.score >= decide.ANSWER_AT for r in scored) and not any(
            r.op in ("reason", "define", "text") for r in scored
        ):
            scored += [score(r, q) for r in narrative.passages(q, ms, env, "text")]
        return scored

    def _decide(self, q: Question, ms: list[Mention], doc: Document) -> tuple[Reading | None, Draft]:
        decision = decide.decide(q, self.readings(q, ms, doc), self._nothing(doc))
        return decision.reading, decision.draft

    def _env(self, doc: Document) -> ops.Env:
        finder = (lambda question, d: _retrieved(self.retriever, question, d)) if self.retriever else None
        return ops.Env(self.catalog, doc, self._figures[doc.id], self.settings, finder)

    def _guards(self, q: Question, doc: Document) -> list[Reading]:
        """What the document cannot answer, said plainly: years it does not cover, 决算 figures
        in a budget, a table the 目录 lists but the document leaves out."""
        out = []
        if q.out_of_range:
            years = "、".join(str(y) for y in dict.fromkeys(q.out_of_range))
            have = "、".join(str(y) for y in sorted(self._years[doc.id], reverse=True))
            text = f"本公开文件是{doc.department}{doc.year}年部门{doc.kind}，只有{have}年的数据，没有{years}年的数据。"
            out.append(Reading("refusal", Draft("not_found", text), spans=q.cue_spans("year"), quality=0.97,
                               years=sorted(set(q.out_of_range) | self._years[doc.id])))  # fmt: skip
        if any(w in q.text for w in vocabulary().opinions):
            text = (
                "公开文件只公布预算、决算的数字和说明，不对花得值不值、合不合理作评价，我也不替您下结论。"
                "您可以问具体的数字或原因，例如“三公经费是多少”“比上年为什么减少”。"
            )
            out.append(Reading("refusal", Draft("not_found", text), spans=[(0, len(q.text))], quality=0.97))
        if _personal(q):
            text = "部门预算公开文件不公开个人的工资、收入等信息，无法回答。"
            out.append(Reading("refusal", Draft("not_found", text), spans=[(0, len(q.text))], quality=0.97))
        if doc.kind == "预算" and "决算" in q.measures:
            text = f"本公开文件是{doc.department}{doc.year}年部门预算，只有预算数，没有决算（实际支出）数据。"
            out.append(Reading("refusal", Draft("not_found", text), spans=q.cue_spans("measure"), quality=0.97))
        for t in doc.tables:
            if t.status == "missing" and t.no in q.table_nos:
                text = f"目录列出了表{compose.cn(t.no)}“{t.title}”，但本公开文件正文没有提供这张表，无法回答其中的内容。"
                out.append(Reading("refusal", Draft("not_found", text), spans=q.cue_spans("table_no"), quality=0.97))
        return out

    def _nothing(self, doc: Document) -> Draft:
        return Draft(
            "not_found",
            f"公开文件（{doc.department}{doc.year}年部门{doc.kind}）中没有找到与此问题对应的数据或说明，无法回答。",
        )

    # --- documents ---------------------------------------------------------------------------------

    def _pick_document(
        self, question: str, doc_id: str | None, history: Sequence[str] = ()
    ) -> tuple[Document, str | None]:
        docs = self.store.documents
        if not docs:
            raise BudgetQAError("数字库中没有任何公开文件。请先运行 `python -m ingest`。")
        if doc_id is not None:
            doc = self.store.document(doc_id)
            if doc is None:
                raise BudgetQAError(f"没有编号为 {doc_id} 的公开文件；可用的有：{', '.join(d.id for d in docs)}")
        else:
            # a follow-up ('那去年呢？') is about the document the conversation last named
            named = (self._document_named(normalize_question(t)) for t in [question, *reversed(history)] if t)
            doc = next((d for d in named if d is not None), docs[0])
        other = self._other_department(question, doc)
        if other:
            return doc, f"本系统收录的是{doc.department}的{doc.year}年部门{doc.kind}公开文件，没有“{other}”的数据，无法回答。"
        return doc, None

    def _refused_anywhere(self, question: str, docs: Sequence[Document]) -> Answer | None:
        """What no disclosure answers, whichever is meant: a judgement, personal pay, or a
        department the corpus does not hold ('区教委') — refused, not asked back."""
        doc = docs[0]
        q = read(question, doc, self._years[doc.id])
        if any(w in q.text for w in vocabulary().opinions) or _personal(q):
            return self._answer_in(question, [], doc.id)
        others = [self._other_department(normalize_question(question), d) for d in docs]
        if all(others):
            departments = list(dict.fromkeys(d.department for d in docs))  # a department's 预算 and 决算 once
            names = "、".join(departments[:8]) + ("等部门" if len(departments) > 8 else "")
            text = f"本系统收录的是{names}的部门预决算公开文件，没有“{others[0]}”的数据，无法回答。"
            return Answer(question, text, "not_found")
        return None

    def _unverified_across(self, text: str, docs: Sequence[Document], calcs: Sequence[C.Calc]) -> list[str]:
        """Numbers of a cross-document answer that none of its documents (nor a shown
        calculation on their figures) accounts for."""
        values = set().union(*(self._values[d.id] for d in docs))
        years = {y for d in docs for y in (d.year, d.year - 1, *self._years[d.id])}
        return unverified_numbers(
            text, figures=values, calcs=calcs, question="",
            source_text="\n".join(self._source_text[d.id] for d in docs), years=years,
        )  # fmt: skip

    def document_named(self, text: str) -> Document | None:
        """The document whose department the text names (full or short name), if any."""
        return self._document_named(normalize_question(text))

    def _document_named(self, question: str) -> Document | None:
        return self._names.named(question)

    def _other_department(self, question: str, doc: Document) -> str | None:
        """'江北区科协', '渝北区教委', '重庆市科协（市级）': another department than the disclosure's."""
        text = re.sub(r"\d{4}年", "", fold(question))
        dep = fold(doc.department)
        core = department_core(dep)
        fillers = vocabulary().fillers
        for m in _ORG.finditer(text):
            region, name = m.group(1), m.group(2)
            for f in sorted(fillers, key=len, reverse=True):  # '请问渝北区科协': the question's own words are no place name
                if region.startswith(f):
                    region = region[len(f) :]
                    break
            if len(region) <= 1:
                continue  # '想问下区科协': a level and a kind, no place — the unit check below
            if region in dep and "市级" not in text and (name in dep or any(b - a == len(name) for a, b in short_names(name, core, vocabulary().institutions))):
                continue  # this department, by its short name ('梧桐区卫健委')
            # '黄台市场监管局': the 市 is 市场's, and the place is the department's own (黄台区) without its level
            whole, places = region[-1] + name, re.findall(r"(.+?)(?:省|市|区|县)", dep[: len(dep) - len(core)])
            if len(region) > 2 and places and region[:-1].endswith(places[-1]) and "市级" not in text and (whole in dep or any(
                b - a == len(whole) for a, b in short_names(whole, core, vocabulary().institutions)
            )):
                continue
            mention = region + name
            expanded = mention
            for short, full in DEPARTMENT_ABBREVIATIONS.items():
                if expanded.endswith(short) and not expanded.endswith(full):
                    expanded = expanded[: -len(short)] + full
            if expanded not in dep or "市级" in text:
                return mention
        # '区疾控中心', '市科协': a unit named by its level and kind, which is not this department
        own_level = next((ch for ch in reversed(dep[: len(dep) - len(core)]) if ch in "省市区县"), None)
        for m in _UNIT.finditer(text):
            name = m.group(2)
            if core.startswith(m.group(1)) and any(
                b - a == len(m.group(0)) for a, b in short_names(m.group(0), core, vocabulary().institutions)
            ):
                continue  # '市监局': this 市场监督管理局 by its short name, no level
            if own_level and m.group(1) != own_level and "财政" not in name:
                return m.group(0)  # '市科协' beside a 区 department: another level's unit
            if "财政" in name or name in dep or short_names(name, core, vocabulary().institutions):
                continue  # the funder ('区财政局'), or this department under a short name
            return m.group(0)
        return self._bare_department(text, doc)

    def _bare_department(self, text: str, doc: Document) -> str | None:
        """'档案馆去年的接待费' over 科协's disclosure: a word shaped like a department's name (a
        jieba word ending on a body's kind: 档案馆, 教育局, 卫健委) that no disclosure of the corpus
        uses, and that is not this department's short name, is another department."""
        core = department_core(fold(doc.department))
        institutions = vocabulary().institutions
        end = 0
        words = _jieba_words(text)
        for k, word in enumerate(words):
            end += len(word)
            if len(word) == 2 and k and len(words[k - 1]) == 1 and words[k - 1] not in _PARTICLES:
                word = words[k - 1] + word  # jieba cuts '人社局' into 人 + 社局
            federation = word in DEPARTMENT_ABBREVIATIONS and word.endswith("联")  # '妇联', '残联'
            if not federation and (len(word) < 3 or not word.endswith(_BODIES) or "财政" in word):
                continue
            # jieba cuts '市场监管局' into 市场 + 监管局: the name is judged with the words before it
            names = [text[s:end] for s in range(max(0, end - 12), end - len(word) + 1)]
            if any(n in self._corpus_words for n in names) or any(short_names(n, core, institutions) for n in names):
                continue
            window = text[max(0, end - 12) : end]  # '档按馆', '卫建委': a corpus department, one character off
            if any(b == len(window) for d in self.store.documents for _, b in department_typos(window, d.department)):
                continue
            if any(name in self._source_text[doc.id] for name in vocabulary().everyday.get(word, ())):
                continue  # the everyday word of a 科目 this disclosure lists ('敬老院' for 养老机构)
            return word
        return None

    # --- the last step -------------------------------------------------------------------------

    def _finish(
        self, question: str, resolved: str, q: Question, reading: Reading | None, draft: Draft, doc: Document
    ) -> Answer:
        answer = compose.answer(question, resolved, q, reading, draft, doc.id)
        bad = self.unverified(answer.text, resolved, doc, draft.calcs, reading)
        if bad:
            self.last_rejected = (answer.text, bad)
            # A number we cannot trace is never shown: this is a bug, reported as one.
            text = "抱歉，生成的回答中有无法核对来源的数字，已拦截不显示。请换个问法，或直接查看表格。"
            return Answer(question, text, "not_found", doc_id=doc.id, resolved_question=answer.resolved_question)
        return answer

    def unverified(
        self, text: str, question: str, doc: Document, calcs: Sequence[C.Calc] = (), reading: Reading | None = None
    ) -> list[str]:
        """Numbers in ``text`` that are not figures, shown calculations, question words or quotes."""
        years = {doc.year, doc.year - 1, *self._years[doc.id], *((reading.years if reading else []) or [])}
        return unverified_numbers(
            text,
            figures=self._values[doc.id],
            calcs=calcs,
            question=question,
            source_text=self._source_text[doc.id],
            years=years,
        )

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


# --- helpers ---------------------------------------------------------------------------------


_PERSON = re.compile(
    r"(?:主席|主任|局长|书记|馆长|部长|科长|处长|领导|联系人(?:[\u4e00-\u9fff]{2,3}?)?"
    r"|(?<!其)他|她)(?:们)?的?(?:一年|每年|每月|一个月|月|年)?"  # '联系人姚玲一个月工资': a named person
    r"(?:的)?(?:工资|收入|薪水|薪资|奖金|待遇|补贴|津贴)"
    # the staff as a whole ('员工奖金预算', '职工的工资福利') is the table's total; per head is a person's
    r"|(?:干部|工作人员|员工|职工)(?:们)?的?(?:(?:每人|人均|每个人|一个人|一人)(?:一年|每年|每月|一个月)?|一年|每年|每月|一个月)(?:的)?"
    r"(?:工资|收入|薪水|薪资|奖金|待遇|补贴|津贴)"
)


def _personal(q: Question) -> bool:
    """Pay of a person ('主任一年工资', '他一年收入'): no disclosure lists it."""
    if re.search(r"(?:一个月|每个月|每月|月)(?:的)?(?:工资|收入|薪水|薪资|工钱)|月薪|月工资", q.text):
        return True  # a disclosure has yearly totals: a monthly pay is one person's
    return bool(_PERSON.search(q.text)) or bool(re.search(r"[\u4e00-\u9fff]{2,3}(?:一个月|一年|每月)(?:的)?(?:工资|收入)", q.text) and not q.item_positions)


def _counter_asked(q: Question) -> bool:
    return q.unit_asked not in (None, "元", "万元", "%")


def _covered_years(doc: Document, figures) -> set[int]:
    """The years the document has figures for: its tables' columns, and the years the
    narrative compares with ('比2022年决算数…')."""
    years = {doc.year}
    years |= {f.year for f in figures if f.origin == "table" and f.year}
    years |= {int(m.group(1)) for f in figures if f.origin == "narrative" for m in [re.match(r"^(\d{4})年", f.measure)] if m}
    if doc.kind == "预算":
        years.add(doc.year - 1)
    return {y for y in years if doc.year - 3 <= y <= doc.year}


# single characters jieba leaves before a cut name that are not part of it ('问下' + '妇联')
_PARTICLES = set("的在是和与跟问下了想请个那这区市县省")
# the kinds of body a department's name ends on (a strict subset of vocabulary.institutions: no
# 会/部/处/室, which end ordinary words too)
_BODIES = ("局", "委", "委员会", "馆", "院", "厅", "中心", "协会", "联合会", "办公室", "站", "队")


def _jieba_words(text: str) -> list[str]:
    from qa.cards import _jieba

    return _jieba().lcut(text)


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


def _only_why(q: Question) -> bool:
    """A clause that asks nothing but why ('为啥', '原因是什么'): every word it has is a reason cue."""
    words = {i for c in q.cues if c.kind == "op" and c.value in ("reason", "text") for i in range(c.start, c.end)}
    return q.has_op("reason") and content_positions(q) <= words


def _only_amounts(q: Question, before: str) -> bool:
    """A clause that asks only how much of each ('各给了多少钱', '每个项目多少钱'): no word of
    its own beyond asking words and the words of the clause before."""
    if not q.ops() <= {"value", "per_unit", "breakdown"}:
        return False
    asking = {i for c in q.cues if c.kind in ("op", "particle", "unit") for i in range(c.start, c.end)}
    return all(q.text[i] in before for i in content_positions(q) - asking)
