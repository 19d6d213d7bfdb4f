"""Hybrid retrieval: dense (Chroma) and keyword (BM25) legs fused by reciprocal rank fusion.

Dense retrieval finds paraphrases ("科普方面花了多少钱"); BM25 finds exact names, codes and
amounts ("2060702", "公务接待费") that a small embedding model blurs. A third ranked list holds
the chunks whose own row/project/table name the question spells out (``NameMatcher``). RRF
combines ranks, not raw scores, so the lists' incomparable score scales do not matter; weights
and k come from settings (chosen by measurement on eval/questions.jsonl).

Before either leg runs, ``prepare_query`` normalises the question (full-width, traditional),
fixes one-character slips against the disclosure vocabulary, turns 去年/今年 into years of the
document being asked about, drops formatting requests (保留两位小数) and appends the
disclosure's own terms for colloquial phrasings (``THESAURUS``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from llama_index.core.callbacks import CallbackManager
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from core.errors import ConfigError, ServiceUnavailableError, StateMissingError
from core.records import Chunk
from core.settings import Settings
from core.text import department_aliases, short_department
from index.chunk import short_title
from index.embed import Embedder, get_embedder
from index.keyword import KeywordIndex, matches, normalize_doc_text, normalize_query_text
from index.vector import FilterValue, VectorStore

# Relative years, resolved against the disclosure year. "上年结转"/"结转下年" are row names and
# "本年"/"当年" head rows and form fields ("本年收入", "当年预算"), so those stay untouched.
_RELATIVE_YEARS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"今年度?"), 0),
    (re.compile(r"去年度?|上一?年度|上一年|上年(?!结转)"), -1),
    (re.compile(r"前年"), -2),
    (re.compile(r"明年|(?<!结转)下一?年度?"), 1),
)
# How people ask vs. how disclosures say it. Matched phrases stay in the query; the official
# term is appended, so both the colloquial and the formal wording can match. Domain-wide terms
# only (the standard disclosure template), nothing tied to one department or question.
THESAURUS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"什么意思|啥意思|定义|含义|指什么|是指|什么是|怎么理解|包括哪些|包括什么"), "名词解释 指"),
    (re.compile(r"为什么|为啥|原因|怎么回事"), "主要原因"),
    (re.compile(r"增长率|增长了?百分之|增幅|涨幅|变化了?百分之|下降了?百分之|下降率"), "增幅 增长 较"),
    (re.compile(r"占比|比重|比例|百分之几|占多少"), "占"),
    (re.compile(r"一共|总共|总额|总数|加起来|合起来"), "合计"),
    (re.compile(r"[多少]了|[增减]加了|减少了|降了|涨了|下降了|上升了"), "较 增加 减少"),
    (re.compile(r"几辆|多少辆|车辆数"), "车辆"),
    (re.compile(r"总支出"), "本年支出合计 支出合计"),
    (re.compile(r"总收入"), "本年收入合计 收入合计"),
    (re.compile(r"公车"), "公务用车"),
    (re.compile(r"请客|招待|吃饭"), "公务接待费"),
    (re.compile(r"出国|出境"), "因公出国(境)费"),
    (re.compile(r"养人|人头费|发工资"), "人员经费 工资福利"),
    (re.compile(r"买车|新车|购车|买几辆"), "购置车辆"),
    (re.compile(r"收入来源|钱从哪|资金来源"), "收入预算 财政拨款收入"),
    (re.compile(r"几张表|多少张表|哪些表"), "目录"),
)
# How the answer should be formatted, not what it is about: noise for both legs.
_FORMATTING = re.compile(r"[（(]?(?:保留|精确到)[^）)?？，。]*[）)]?|折合成?|换算成?为?")
_NARRATIVE_INTENT = re.compile(r"占比|比重|比例|百分之几|占多少|为什么|为啥|原因|什么意思|定义|含义|包括哪些")
Mode = Literal["hybrid", "dense", "keyword"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "keyword")
Filters = Mapping[str, FilterValue]
# Names that say where a row sits, not what it is about.
_GENERIC_NAMES = frozenset({"合计", "总计", "小计"})
_NODE_HIDDEN_KEYS = ["lines", "hash", "rows", "table_part", "status", "project", "unit"]
log = logging.getLogger(__name__)


class NameMatcher:
    """Chunks whose own names occur verbatim in the question, longest evidence first.

    A question that says "行政单位医疗" or "科普经费项目的当年预算" names a row, a 绩效 project,
    a field or a table ("支出预算总表") in the disclosure's own words. Neither leg rewards that
    exactly: BM25 also scores a narrative that mentions the words in passing, and the embedding
    blurs names. Score = total length of the names found (row + project + table title), so the
    most specific match leads; ties keep the keyword leg's order, then id.
    """

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        # by document: a search filtered to one disclosure reads only its chunks, so it costs
        # the same among a hundred disclosures as alone
        self._entries: dict[str, list[tuple[Chunk, tuple[str, ...]]]] = {}
        for chunk in chunks:
            meta = chunk.metadata
            title = short_title(str(meta.get("table_title", ""))).split(" ", 1)[-1]
            names = (str(meta.get("row_name", "")), str(meta.get("project", "")), title)
            names = tuple(normalize_doc_text(n) for n in names if len(n) >= 2)
            if names:
                self._entries.setdefault(chunk.doc_id, []).append((chunk, names))

    def _candidates(self, filters: Filters) -> list[tuple[Chunk, tuple[str, ...]]]:
        wanted = filters.get("doc_id")
        docs = [wanted] if isinstance(wanted, str) else list(wanted) if wanted else list(self._entries)
        return [e for d in docs for e in self._entries.get(str(d), ())]

    @staticmethod
    def _found(name: str, query: str, own_words: str) -> bool:
        # 合计 names a row only when the asker said it; appended for 一共/总额 it would pull
        # every table's total row to the top.
        return name in (own_words if name in _GENERIC_NAMES else query)

    def search(
        self, normalized_query: str, filters: Filters, keyword: Sequence[tuple[str, float]], k: int
    ) -> list[tuple[str, float]]:
        order = {chunk_id: rank for rank, (chunk_id, _) in enumerate(keyword)}
        own = strip_expansion(normalized_query)
        scored = [
            (chunk.id, float(sum(len(n) for n in names if self._found(n, normalized_query, own))))
            for chunk, names in self._candidates(filters)
            if any(self._found(n, normalized_query, own) for n in names) and matches(chunk.metadata, filters)
        ]
        scored.sort(key=lambda p: (-p[1], order.get(p[0], len(order)), p[0]))
        return scored[:k]


def reciprocal_rank_fusion(
    legs: Sequence[tuple[Sequence[tuple[str, float]], float]], k: int
) -> list[tuple[str, float]]:
    """Σ weight / (k + rank) over the legs that returned an id; best first, ties by id."""
    fused: dict[str, float] = {}
    for ranked, weight in legs:
        for rank, (chunk_id, _) in enumerate(ranked, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda p: (-p[1], p[0]))


class HybridRetriever(BaseRetriever):
    """A llama-index retriever over our chunks; ``retrieve_chunks`` is the same without llama-index."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: VectorStore,
        keyword: KeywordIndex,
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        top_k: int | None = None,
        callback_manager: CallbackManager | None = None,
    ) -> None:
        super().__init__(callback_manager=callback_manager)
        _check_mode(mode)
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.keyword = keyword
        self.filters: dict[str, FilterValue] = dict(filters or {})
        self.mode: Mode = mode
        self.top_k = top_k
        self._context: dict[tuple[str, tuple[tuple[str, str], ...]], object] = {}
        self.names = NameMatcher(keyword.chunks)

    @classmethod
    def open(cls, settings: Settings, **kwargs: Any) -> HybridRetriever:
        """Load BM25, Chroma and the model; a missing or inconsistent state is StateMissingError."""
        keyword = KeywordIndex.load(settings.bm25_path, settings.state_dir)
        try:
            store = VectorStore.for_query(settings)
            stored = store.count()
        except ServiceUnavailableError as exc:  # server mode: keyword search until it is back
            log.warning("%s", exc)
            store = VectorStore.offline(settings)
        else:
            if stored != len(keyword.chunks):
                raise StateMissingError(
                    str(settings.state_dir),
                    f"的向量库（{stored} 块）与关键词索引（{len(keyword.chunks)} 块）不一致",
                )
        return cls(settings, get_embedder(settings.embedding_model), store, keyword, **kwargs)

    def with_filters(self, filters: Filters | None) -> HybridRetriever:
        """A retriever sharing this one's loaded state, with other construction filters."""
        return HybridRetriever(
            self.settings,
            self.embedder,
            self.store,
            self.keyword,
            filters,
            self.mode,
            self.top_k,
            self.callback_manager,
        )

    def prepare_query(self, query: str, filters: Filters) -> str:
        """Normalise, fix one-character slips, resolve 去年/今年, drop formatting requests, and
        append the disclosure's terms for colloquial phrasings. Both legs see the result."""
        query = normalize_query_text(query[: self.settings.max_query_chars])
        query = self.keyword.tokenizer.corrector.correct(query)
        query = resolve_relative_years(query, self.context_year(filters))
        query = drop_department(query, self.context_department(filters))
        return expand_query(_FORMATTING.sub(" ", query))

    def context_year(self, filters: Filters) -> int | None:
        """The disclosure year the query is about: the one year among the chunks the filters
        allow (one document, or a one-year corpus); None when that is not a single year."""
        year = self._only_value("year", filters)
        return year if isinstance(year, int) else None

    def context_department(self, filters: Filters) -> str | None:
        """The one department the filters allow (None for several, e.g. an unfiltered corpus)."""
        department = self._only_value("department", filters)
        return department if isinstance(department, str) and department else None

    def _only_value(self, field: str, filters: Filters) -> object:
        """The one value of a metadata field among the chunks the filters allow (None if not one)."""
        key = (field, tuple(sorted((k, repr(v)) for k, v in filters.items())))
        if key not in self._context:
            wanted = filters.get("doc_id")  # one document's chunks, not the corpus's, when it is named
            chunks = self.keyword.by_doc.get(wanted, []) if isinstance(wanted, str) else self.keyword.chunks
            found = {c.metadata.get(field) for c in chunks if matches(c.metadata, filters)}
            self._context[key] = found.pop() if len(found) == 1 else None
        return self._context[key]

    # --- llama-index -----------------------------------------------------------------------

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        pairs = self.retrieve_chunks(query_bundle.query_str, mode=self.mode, top_k=self.top_k)
        return [NodeWithScore(node=to_node(chunk), score=score) for chunk, score in pairs]

    # --- our engine ------------------------------------------------------------------------

    def retrieve_chunks(
        self,
        query: str,
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        top_k: int | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Best chunks for a query, (chunk, score) best first. Empty query → []."""
        _check_mode(mode)
        query = (query or "")[: self.settings.max_query_chars]
        if not query.strip():
            return []
        merged = {**self.filters, **(filters or {})}
        k = top_k or self.settings.top_k
        ranked = self.ranked_ids(query, merged, mode, max(k, self.settings.candidate_k))
        return [(self.keyword.by_id[i], s) for i, s in ranked[:k] if i in self.keyword.by_id]

    def ranked_ids(
        self, query: str, filters: Filters, mode: Mode, candidates: int
    ) -> list[tuple[str, float]]:
        """The ranking itself, by id (metrics read every leg through this)."""
        query = self.prepare_query(query, filters)
        if mode == "keyword":
            return self.keyword.search(query, candidates, filters)
        dense = self.dense(query, candidates, filters)
        if mode == "dense":
            return dense
        keyword = self.keyword.search(query, candidates, filters)
        return self.fuse(query, filters, dense, keyword, candidates)

    def dense(self, query: str, candidates: int, filters: Filters) -> list[tuple[str, float]]:
        """The dense leg; empty while a Chroma server is down or too slow (the store pauses it
        for ``chroma_retry_s``): the keyword and name legs answer meanwhile, within the timeout."""
        if not self.store.available():
            return []
        vector = self.embedder.embed_query(query)
        try:
            return self.store.query(vector, candidates, filters)
        except ServiceUnavailableError as exc:
            log.warning("dense retrieval paused for %gs: %s", self.settings.chroma_retry_s, exc)
            return []

    def fuse(
        self,
        query: str,
        filters: Filters,
        dense: Sequence[tuple[str, float]],
        keyword: Sequence[tuple[str, float]],
        candidates: int,
    ) -> list[tuple[str, float]]:
        """RRF of the dense and keyword lists, plus the exact-name list (see NameMatcher)."""
        names = self.names.search(normalize_query_text(query), filters, keyword, candidates)
        # Shares, reasons and definitions are written in the 情况说明, never in a table row:
        # there a row named in the question is no evidence for the answer.
        narrative = bool(_NARRATIVE_INTENT.search(query))
        legs = [
            (dense, self.settings.dense_weight),
            (keyword, self.settings.keyword_weight),
            (names, self.settings.name_weight * (0.0 if narrative else 1.0)),
        ]
        return reciprocal_rank_fusion(legs, self.settings.rrf_k)


def resolve_relative_years(query: str, year: int | None) -> str:
    """'去年科普活动预算' → '2023年科普活动预算' for a 2024 disclosure: the tables only say years."""
    if year is None:
        return query
    for pattern, offset in _RELATIVE_YEARS:
        query = pattern.sub(f"{year + offset}年", query)
    return query


def drop_department(query: str, department: str | None) -> str:
    """'科协今年的三公经费' → ' 今年的三公经费' within the 科协's own disclosure: every chunk is
    about that department, so its name only matches the chunks that happen to repeat it (老科协
    projects, the 职能职责). A name inside a longer word ('老科协') stays."""
    if not department:
        return query
    names = {department, short_department(department), *department_aliases(department)}
    for name in sorted((normalize_query_text(n) for n in names), key=len, reverse=True):
        query = re.sub(
            rf"(?:(?<![\u4e00-\u9fff])|(?<=[的在问和与及是年了吗呢啊请])){re.escape(name)}", " ", query
        )
    return query


def expand_query(query: str) -> str:
    """Append the disclosure's own term for colloquial phrasings (see THESAURUS)."""
    extra = [term for pattern, term in THESAURUS if pattern.search(query) and term not in query]
    return " ".join([query, *extra]) if extra else query


def strip_expansion(query: str) -> str:
    """The question without the terms ``expand_query`` appended."""
    for _, term in THESAURUS:
        query = query.replace(f" {term}", "")
    return query


def to_node(chunk: Chunk) -> TextNode:
    """A llama-index node with the chunk id, so citations point back at the chunk."""
    return TextNode(
        id_=chunk.id,
        text=chunk.text,
        metadata=dict(chunk.metadata),
        excluded_embed_metadata_keys=list(chunk.metadata),  # text already restates the context
        excluded_llm_metadata_keys=[k for k in _NODE_HIDDEN_KEYS if k in chunk.metadata],
    )


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ConfigError(f"未知的检索模式 {mode!r}，可选：{', '.join(MODES)}")
