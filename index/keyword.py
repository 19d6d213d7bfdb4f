"""Keyword retrieval: BM25 (bm25s) over jieba tokens, persisted under ``settings.bm25_path``.

Why not llama-index's BM25Retriever: its token pattern treats a run of Han characters as one
token, so Chinese is effectively unsearchable. Here:

* amounts and 科目编码 are cut out *before* jieba, which would split "6,059,264.63" at the
  commas and "2012901" nowhere useful; an amount with commas also gets a comma-free alias so
  "6059264.63" typed by a user matches "6,059,264.63" as printed;
* jieba gets a user dictionary of budget terms: every row name and column leaf of the ingested
  tables plus a fixed list, so "公务用车运行维护费" is one token as well as its parts
  (``cut_for_search`` emits both, so a query for "运行维护费" still matches);
* documents and queries go through the same normalisation (NFKC; queries also traditional →
  simplified via ``normalize_question``) and the same tokenizer.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import StateMissingError
from core.records import Chunk, Document
from core.text import QUESTION_PARTICLES, normalize_question

FORMAT_VERSION = 2  # one BM25 per document
_INDEX_DIR = "bm25s"
_CHUNKS_FILE = "chunks.json"

# Amounts as printed (6,059,264.63), plain numbers and codes (2012901, 16.1). Kept whole.
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_HAN = re.compile(r"[\u3400-\u9fff]")
_FUNCTION_CHARS = frozenset("是的了在和与及有多少几吗呢啊么什哪怎为对把被从到给也都就还")
_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u9fff]")
FIXED_TERMS = (
    "三公经费",
    "“三公”经费",
    "机关运行经费",
    "公务用车运行维护费",
    "公务用车购置费",
    "公务用车购置及运行费",
    "公务接待费",
    "因公出国（境）费",
    "因公出国(境)费",
    "一般公共预算",
    "政府性基金",
    "国有资本经营预算",
    "基本支出",
    "项目支出",
    "人员经费",
    "公用经费",
    "日常公用经费",
    "财政拨款",
    "财政拨款收入",
    "一般公共预算财政拨款",
    "政府性基金预算",
    "政府采购",
    "绩效目标",
    "绩效指标",
    "预算数",
    "科目编码",
    "科目名称",
    "功能分类",
    "经济分类",
    "上年结转",
    "结转下年",
    "收支预算总表",
    "事业收入",
    "其他收入",
    "专项资金",
    "项目概况",
    "立项依据",
    "部门预算",
    "部门决算",
    "增幅",
    "合计",
    "小计",
    "总计",
)
# Question words and particles (core.text), plus a few more that carry no signal for BM25.
STOPWORDS = QUESTION_PARTICLES | {
    "以及", "共", "其", "告诉", "您", "该", "还有",
}  # fmt: skip


_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")


def normalize_doc_text(text: str) -> str:
    """Fold full-width forms (NFKC), lower case, and drop quotation marks: '“三公”经费' is the
    term 三公经费, and the marks would split it for jieba."""
    return unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)


def normalize_query_text(text: str) -> str:
    return normalize_question(text).lower().translate(_QUOTES)


class TypoCorrector:
    """Fix a one-character slip against the disclosure's own vocabulary: '邮点费' → '邮电费'.

    A window of the question that is one substitution away from exactly one known term (row
    names, column leaves, budget terms; 3+ characters) and is itself neither a known term nor a
    jieba word is replaced by that term. Valid words are never "corrected" ('机构运行' stays,
    although '机关运行' is one character away).
    """

    def __init__(
        self, terms: Iterable[str], known: Callable[[str], bool], cut: Callable[[str], Iterable[str]]
    ) -> None:
        self.terms = {t for t in terms if len(t) >= 3 and not any(ch.isdigit() for ch in t)}
        self.known = known
        self.cut = cut
        self.lengths = sorted({len(t) for t in self.terms}, reverse=True)
        self.masked: dict[str, set[str]] = {}
        for term in self.terms:
            for i in range(len(term)):
                self.masked.setdefault(term[:i] + "?" + term[i + 1 :], set()).add(term)

    def correct(self, text: str) -> str:
        for length in self.lengths:
            # Only windows on word boundaries: '社会效指标' must not become '社绩效指标'.
            bounds = self._boundaries(text)
            for pos in sorted(bounds):
                window = text[pos : pos + length]
                if len(window) == length and pos + length in bounds and (fix := self._fix(window)):
                    text = text[:pos] + fix + text[pos + length :]
        return text

    def _boundaries(self, text: str) -> set[int]:
        bounds, pos = {0}, 0
        for word in self.cut(text):
            pos += len(word)
            bounds.add(pos)
        return bounds

    def _fix(self, window: str) -> str | None:
        if window in self.terms or not all(_HAN.match(ch) for ch in window) or self._segmentable(window):
            return None
        found = {
            t
            for i, ch in enumerate(window)
            if ch not in _FUNCTION_CHARS  # '预算是' is 预算 + 是, not a slip of 预算数
            and not (i in (0, len(window) - 1) and self.known(window[1:] if i == 0 else window[:-1]))
            for t in self.masked.get(window[:i] + "?" + window[i + 1 :], ())
        }
        return found.pop() if len(found) == 1 else None

    def _segmentable(self, window: str) -> bool:
        """True when the window is known words of 2+ characters end to end ('今年预算')."""
        ok = [True] + [False] * len(window)
        for end in range(2, len(window) + 1):
            ok[end] = any(ok[start] and self.known(window[start:end]) for start in range(0, end - 1))
        return ok[-1]


def _number_tokens(raw: str) -> list[str]:
    """'2,300,000.00' → ['2,300,000.00', '2300000']: as printed, plus the plain value."""
    plain = raw.replace(",", "")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return [raw] if plain == raw else [raw, plain]


@cache
def _base_jieba() -> Any:
    import jieba  # loading the dictionary takes ~0.6 s: only on first use

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict…" banner on every run
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _jieba_with(words: Iterable[str]) -> Any:
    """A private jieba tokenizer with our words: the global one is left alone for other code,
    and two corpora in one process never see each other's dictionary."""
    import jieba

    base = _base_jieba()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = dict(base.FREQ), base.total
    tokenizer.initialized = True
    for word in words:
        tokenizer.add_word(word)
    return tokenizer


class ChineseTokenizer:
    """jieba (search mode) with numbers protected and stopwords/punctuation dropped."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.words = sorted({normalize_doc_text(w).strip() for w in words if w and w.strip()})
        self._jieba = _jieba_with(self.words)
        self.corrector = TypoCorrector(
            self.words, lambda w: bool(self._jieba.FREQ.get(w)), lambda t: self._jieba.cut(t, HMM=False)
        )

    def tokenize(self, normalized: str) -> list[str]:
        """Tokens of already-normalised text, in order (duplicates kept: BM25 counts them)."""
        tokens: list[str] = []
        pos = 0
        for match in _NUMBER.finditer(normalized):
            tokens.extend(self._words(normalized[pos : match.start()]))
            tokens.extend(_number_tokens(match.group()))
            pos = match.end()
        tokens.extend(self._words(normalized[pos:]))
        return tokens

    def _words(self, text: str) -> list[str]:
        if not text.strip():
            return []
        return [
            t
            for t in (w.strip() for w in self._jieba.cut_for_search(text))
            if t and t not in STOPWORDS and _WORDLIKE.search(t)
        ]

    def document_tokens(self, text: str) -> list[str]:
        return self.tokenize(normalize_doc_text(text))

    def query_tokens(self, text: str) -> list[str]:
        return self.tokenize(normalize_query_text(text))


def budget_terms(docs: Sequence[Document]) -> list[str]:
    """User dictionary: the fixed budget terms plus every row name and column leaf in the tables."""
    terms: set[str] = set(FIXED_TERMS)
    for doc in docs:
        for table in doc.tables:
            terms.update(_title_terms(table.title))
            terms.update(s for s in (table.subtitle,) if s)
            terms.update(r.name for r in table.rows if 2 <= len(r.name) <= 30)
            terms.update(c.split("/")[-1] for c in table.columns if c)
            terms.update(part for c in table.columns for part in c.split("/") if 2 <= len(part) <= 20)
    return sorted(t for t in terms if t and not _NUMBER.fullmatch(t))


def _title_terms(title: str) -> list[str]:
    """'2024年渝北区部门支出预算总表' → ['部门支出预算总表', '支出预算总表']: what people call it."""
    from index.chunk import short_title

    tail = short_title(title).split(" ", 1)[-1]
    out = [tail]
    if "部门" in title:
        out.append("部门" + title.rsplit("部门", 1)[-1])
    return [t for t in out if 4 <= len(t) <= 30]


def matches(metadata: Mapping[str, Any], filters: Mapping[str, Any] | None) -> bool:
    """Same semantics as the Chroma ``where`` built from the same filters: equality or membership."""
    if not filters:
        return True
    for key, wanted in filters.items():
        value = metadata.get(key)
        if isinstance(wanted, str | int | float | bool):
            if value != wanted:
                return False
        elif value not in list(wanted):
            return False
    return True


class KeywordIndex:
    """BM25 over the chunks, one index per document, plus the chunk records themselves (the
    retriever reads them here).

    Why one per document: every search is filtered to the document asked about, and term
    statistics taken over the whole corpus let one department's disclosure change another's
    ranking (adding eight fixtures moved three seed questions out of the top 3). Per document,
    a disclosure ranks the same alone or among a hundred."""

    def __init__(self, chunks: Sequence[Chunk], tokenizer: ChineseTokenizer, bm25s_by_doc: Mapping[str, Any]) -> None:
        self.chunks = list(chunks)
        self.tokenizer = tokenizer
        self.by_id = {c.id: c for c in self.chunks}
        self.by_doc: dict[str, list[Chunk]] = {}
        for c in self.chunks:
            self.by_doc.setdefault(c.doc_id, []).append(c)
        self.bm25 = dict(bm25s_by_doc)
        self._vocab: dict[str, set[str]] = {d: set(b.vocab_dict) for d, b in self.bm25.items()}

    @classmethod
    def build(
        cls, chunks: Sequence[Chunk], words: Iterable[str] = (), k1: float = 0.6, b: float = 0.75
    ) -> KeywordIndex:
        """BM25 over each document's chunks. k1=0.6 (not the usual 1.5) because long 绩效 texts
        repeat 科普 a dozen times and out-ranked the one row that names 科普活动 (measured: hit@3
        +3 points)."""
        import bm25s

        tokenizer = ChineseTokenizer(words)
        by_doc: dict[str, list[Chunk]] = {}
        for c in chunks:
            by_doc.setdefault(c.doc_id, []).append(c)
        indexes = {}
        for doc_id, doc_chunks in by_doc.items():
            bm25 = bm25s.BM25(k1=k1, b=b)
            bm25.index([tokenizer.document_tokens(c.text) or [c.id] for c in doc_chunks], show_progress=False)
            indexes[doc_id] = bm25
        return cls(chunks, tokenizer, indexes)

    def search(self, query: str, k: int, filters: Mapping[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first, only chunks sharing at least one token; ties by id."""
        if k <= 0:
            return []
        query_tokens = self.tokenizer.query_tokens(query)
        wanted = (filters or {}).get("doc_id")
        docs = [wanted] if isinstance(wanted, str) else list(wanted) if wanted else list(self.bm25)
        hits = []
        for doc_id in docs:
            bm25 = self.bm25.get(doc_id)
            tokens = list(dict.fromkeys(t for t in query_tokens if t in self._vocab.get(doc_id, ())))
            if bm25 is None or not tokens:
                continue
            scores = np.asarray(bm25.get_scores(tokens))
            hits += [
                (c.id, float(s))
                for c, s in zip(self.by_doc[doc_id], scores, strict=True)
                if s > 0 and matches(c.metadata, filters)
            ]
        hits.sort(key=lambda h: (-round(h[1], 6), h[0]))
        return hits[:k]

    # --- persistence ---------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write to a sibling folder, then swap it in: a reader never sees half an index."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        folders = {}
        for n, (doc_id, bm25) in enumerate(sorted(self.bm25.items())):
            folders[doc_id] = f"{_INDEX_DIR}-{n}"
            bm25.save(str(tmp / folders[doc_id]), show_progress=False)
        payload = {
            "version": FORMAT_VERSION,
            "words": self.tokenizer.words,
            "indexes": folders,
            "chunks": [
                {"id": c.id, "doc_id": c.doc_id, "kind": c.kind, "text": c.text, "metadata": c.metadata}
                for c in self.chunks
            ],
        }
        (tmp / _CHUNKS_FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        old = path.with_name(path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            path.rename(old)
        tmp.rename(path)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, path: Path, state_dir: str | Path = "") -> KeywordIndex:
        """Read a saved index; anything missing or unreadable is a StateMissingError."""
        path = Path(path)
        where = str(state_dir or path.parent)
        try:
            payload = json.loads((path / _CHUNKS_FILE).read_text(encoding="utf-8"))
            if payload.get("version") != FORMAT_VERSION:
                raise ValueError(f"format {payload.get('version')} != {FORMAT_VERSION}")
            chunks = [
                Chunk(id=c["id"], doc_id=c["doc_id"], kind=c["kind"], text=c["text"], metadata=c["metadata"])
                for c in payload["chunks"]
            ]
            indexes = {doc_id: _load_bm25(path / folder) for doc_id, folder in payload["indexes"].items()}
        except FileNotFoundError as exc:
            raise StateMissingError(where, "没有关键词索引（bm25/）") from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StateMissingError(where, f"的关键词索引已损坏（{exc}）") from exc
        counts: dict[str, int] = {}
        for c in chunks:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        if any(int(b.scores["num_docs"]) != counts.get(d, 0) for d, b in indexes.items()):
            raise StateMissingError(where, "的关键词索引与分块清单不一致")
        return cls(chunks, ChineseTokenizer(payload["words"]), indexes)


def _load_bm25(path: Path) -> Any:
    import bm25s

    if not path.is_dir():
        raise FileNotFoundError(path)
    return bm25s.BM25.load(str(path), show_progress=False)
