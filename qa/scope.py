"""Which disclosures a question is about, in a corpus of many (issue #13): a follow-up keeps or
changes the departments of the question before it, 'it' after a ranking is the department
ranked first, a department's years come from each year's own document, and a question that
fits several disclosures is asked back with each one as a choice."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from core.records import Answer, Document, Scope
from core.vocab import vocabulary
from qa import across, context, corpus, ops
from qa.match import Mention
from qa.question import Question, department_spans, normalise


class Scoper:
    """The corpus's documents and what the engine lends: how it reads a question of one
    document (``analyse``) and how it answers one (``answer``)."""

    def __init__(
        self,
        documents: Sequence[Document],
        years: Mapping[str, set[int]],
        analyse: Callable[[str, Document], tuple[Question, list[Mention]]],
        answer: Callable[[str], Answer],
    ) -> None:
        self.documents = list(documents)
        self.years = years
        self.analyse = analyse
        self.answer = answer

    def scope(self, question: str, history: Sequence[str]) -> tuple[str, Scope]:
        """The documents the question is about. A follow-up that names no department is about
        the documents of the question before it ('那办公费呢？' after '科协和妇联哪个三公经费多？'
        compares 办公费 of the same two; '那去年呢？' after a 科协 question stays with 科协)."""
        docs, years = self.documents, self.years
        text = normalise(question)
        scope = corpus.resolve(text, docs, years)
        if not history:
            return question, scope
        earlier = corpus.resolve(normalise(history[-1]), docs, years)
        compares = any(w in text for op in ("diff", "growth") for w in vocabulary().operations[op]) or any(
            w in text for w in vocabulary().corpus.get("compare", ())
        )
        # '那它一辆车一年的运行费是多少' after '哪家单位的公车最多': the department ranked first
        pointed = scope.ask and not scope.spans and earlier.across and any(w in text for w in vocabulary().corpus["referring"])
        if pointed and (first := self._ranked_first(history[-1], earlier)):
            return question, Scope((first,))
        if scope.across and not across.cut(text, scope)[1] and earlier.docs:
            # '那最少的是哪家？' after a ranking: the same item, the new operation
            _, sub, _ = across.cut(normalise(history[-1]), earlier)
            asked = across.item_words(sub) + text
            return asked, corpus.resolve(asked, docs, years)
        if (len(scope.docs) == 1 and scope.spans and compares and len(earlier.docs) == 1
                and earlier.docs[0].department != scope.docs[0].department
                and not across.item_words(across.cut(text, scope)[1])):  # fmt: skip
            # '那比黄台区市场监管局的高多少？': the earlier department and item against this one
            _, sub, _ = across.cut(normalise(history[-1]), earlier)
            asked = across.short_name(earlier.docs[0].department) + across.item_words(sub) + re.sub(r"^那么?", "", text)
            again = corpus.resolve(asked, docs, years)
            return (asked, again) if len(again.docs) > 1 else (question, scope)
        if scope.ask and scope.spans and len(earlier.docs) == 1:
            # '那档案馆呢？' after a 2024 question: the department named, the year of the answer before
            same = [d for d in scope.ask if (d.year, d.kind) == (earlier.docs[0].year, earlier.docs[0].kind)]
            if len(same) == 1:
                return question, Scope((same[0],), spans=scope.spans)
        if not (scope.ask and not scope.spans):
            return question, scope
        if not earlier.docs:
            return question, scope
        if len(earlier.docs) == 1:
            # the same department; the year and kind the follow-up names ('那今年的预算呢')
            mine = [d for d in docs if d.department == earlier.docs[0].department]
            again = corpus.resolve(normalise(question), mine, years)
            now = again.docs[0] if len(again.docs) == 1 else earlier.docs[0]
            if now == earlier.docs[0]:
                return question, Scope(earlier.docs)
            if not any(w in normalise(question) for op in ("diff", "growth") for w in vocabulary().operations[op]):
                return question, Scope((now,))
            # '那今年的预算比这个多多少？': the earlier item, across the two documents
            _, sub, _ = across.cut(normalise(history[-1]), replace(earlier, across="years"))
            asked = across.item_words(sub) + normalise(question)
            return asked, Scope((earlier.docs[0], now), across="years")
        # across documents: the follow-up completes what each document was asked ('三公经费是多少？'
        # → '办公费是多少？'), and the earlier question is asked again with that item
        before = normalise(history[-1])
        _, sub, _ = across.cut(before, earlier)
        new = context.resolve(question, [sub], lambda t: self.analyse(t, earlier.docs[0]))
        old_item, new_item = across.item_words(sub), across.item_words(normalise(new))
        if old_item and old_item not in before:
            # '科协和妇联今年谁的三公经费多' cut to '今年的三公经费多': the item is what the earlier
            # question names ('三公经费'), found where it stands in that question
            named = [m for m in self.analyse(before, earlier.docs[0])[1] if m.quality >= 0.9]
            longest = max(named, key=lambda m: m.end - m.start, default=None)
            old_item = before[longest.start : longest.end] if longest else ""
        if not old_item or old_item not in before or not new_item:
            return question, scope
        asked = before.replace(old_item, new_item, 1)
        again = corpus.resolve(asked, docs, years)
        return asked, again if again.docs else scope

    def year_by_year(self, scope: Scope) -> Scope | None:
        """The department's own document of each year the question asks (two or more), when
        the one document picked covers them only by its previous-year columns."""
        dep = scope.docs[0].department
        own = sorted((d for d in self.documents if d.department == dep), key=lambda d: (-d.year, d.kind != "预算"))
        docs = [next((d for d in own if d.year == y), None) for y in sorted(set(scope.years), reverse=True)]
        docs = list(dict.fromkeys(d for d in docs if d is not None))
        return Scope(tuple(docs), across="years", spans=scope.spans, years=scope.years) if len(docs) >= 2 else None

    def _ranked_first(self, question: str, scope: Scope) -> Document | None:
        """The document a ranking across departments puts first (the largest, or the smallest
        when it asks for that), from that question's own answer."""
        op, _, lowest = across.cut(normalise(question), scope)
        if op not in ("rank", "compare"):
            return None
        answer = self.answer(question)
        shown = [r for r in answer.results if r.unit in ops.MONEY or r.unit == answer.results[0].unit]
        if answer.status != "answered" or not shown:
            return None
        yuan = {r: r.value * (10000 if r.unit == "万元" else 1) for r in shown}
        best = (min if lowest else max)(shown, key=yuan.__getitem__)
        return next((d for d in scope.docs if across.label(d) == best.label), None)

    def own_department(self, text: str, doc: Document) -> str:
        """A follow-up completed from a question about another department ('那妇联呢？' after
        '科协三公经费是多少') is about this document's department: the other name is replaced."""
        norm = normalise(text)
        others = [d for d in self.documents if d.department != doc.department]
        scope = corpus.resolve(norm, others, self.years)
        if not scope.spans or department_spans(norm, doc):
            return text  # names no other department, or names this one too
        for a, b in sorted(scope.spans, reverse=True):
            norm = norm[:a] + across.short_name(doc.department) + norm[b:]
        return norm

    def ask_document(self, question: str, scope: Scope) -> Answer:
        """Several disclosures fit and the question does not say which: ask, with the choices as
        questions that name each one."""
        text = normalise(question)
        for a, b in sorted(scope.spans, reverse=True):
            text = text[:a] + text[b:]
        text = text.lstrip("的，,")
        # each choice is the question again, naming the document: asking it answers from that one
        choices = [f"{across.short_name(d.department)}{d.year}年{d.kind}的{text}" for d in scope.ask]
        names = "；".join(f"{d.department} {d.year}年{d.kind}" for d in scope.ask[:8])
        more = "等" if len(scope.ask) > 8 else ""  # no count: a number in an answer must be a figure
        body = (
            f"收录的公开文件有：{names}{more}。这个问题可能指其中任何一份，请说明是哪个部门"
            "（以及哪一年、预算还是决算），或在“公开文件”中选定一份。"
        )
        return Answer(question, body, "clarify", options=tuple(choices), suggestions=tuple(choices[:8]))
