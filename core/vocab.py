"""The project's vocabulary (core/vocabulary.toml) and budget glossary (core/glossary.toml),
loaded once on first use and shared by qa/ and index/. Nothing is read at import."""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
VOCABULARY = _HERE / "vocabulary.toml"
GLOSSARY = _HERE / "glossary.toml"


def fold(text: str) -> str:
    """The form words are compared in: NFKC (full-width → ASCII, （）→ ()), no spaces or quotes."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "“”\"'‘’「」『』")


@dataclass(frozen=True)
class GlossaryItem:
    code: str
    name: str
    scheme: str  # 功能分类 | 经济分类 | 政府经济分类 | 概念
    parent: str
    description: str
    everyday: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    particles: frozenset[str]
    fillers: tuple[str, ...]  # longest first
    context: tuple[str, ...]
    institutions: tuple[str, ...]  # department-name suffixes, longest first
    opinions: tuple[str, ...]  # words that ask for a judgement
    dimensions: dict[str, str]  # a size asked ('面积') → the unit it is printed in
    years: dict[str, tuple[str, ...]]
    operations: dict[str, tuple[str, ...]]
    units: dict[str, tuple[str, ...]]
    measures: dict[str, str]
    tables: dict[str, str]
    levels: dict[str, int]
    synonyms: dict[str, str]
    totals: dict[str, tuple[str, ...]]
    opposites: tuple[tuple[str, str], ...] = ()  # pairs that name different items (城市/农村)
    glossary: tuple[GlossaryItem, ...] = ()
    everyday: dict[str, tuple[str, ...]] = field(default_factory=dict)  # everyday word → 科目 names
    corpus: dict[str, tuple[str, ...]] = field(default_factory=dict)  # which documents a question is about
    classes: dict[str, str] = field(default_factory=dict)  # '功能分类' → the first digits of its codes
    sentence_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column → words asking it

    def cues(self) -> list[tuple[str, str]]:
        """(cue, operation) for every operation cue, longest cue first."""
        pairs = [(fold(c), op) for op, cs in self.operations.items() for c in cs]
        return sorted(set(pairs), key=lambda p: (-len(p[0]), p[0], p[1]))

    @property
    def stopwords(self) -> frozenset[str]:
        """Words with no subject at all: particles, fillers and year words (keyword search)."""
        words = set(self.particles) | set(self.fillers) | {w for ws in self.years.values() for w in ws}
        return frozenset(words)

    def terms(self) -> tuple[str, ...]:
        """Multi-character budget terms for tokenizers: glossary names, synonyms' targets."""
        out = {g.name for g in self.glossary if len(g.name) >= 2}
        out |= {t for t in self.synonyms.values() if len(t) >= 2}
        out |= {m for m in self.measures if len(m) >= 2}
        return tuple(sorted(out))


def _tuple(values: list[str]) -> tuple[str, ...]:
    return tuple(sorted({fold(v) for v in values if v}, key=lambda w: (-len(w), w)))


def _with_synonyms(word: str, synonyms: list[tuple[str, str]]) -> str:
    for short, long in synonyms:
        if short in word and long not in word:
            word = word.replace(short, long)
    return word


@cache
def vocabulary() -> Vocabulary:
    with open(VOCABULARY, "rb") as f:
        raw = tomllib.load(f)
    glossary = _glossary()
    everyday: dict[str, list[str]] = {}
    synonyms = sorted(((fold(k), fold(v)) for k, v in raw["synonyms"].items()), key=lambda kv: -len(kv[0]))
    for g in glossary:
        for word in g.everyday:
            everyday.setdefault(fold(word), []).append(g.name)
            # a question is matched after its synonyms are applied ('公车' reads '公务用车'): the
            # everyday word must be found in that form too
            said = _with_synonyms(fold(word), synonyms)
            if said != fold(word):
                everyday.setdefault(said, []).append(g.name)
    return Vocabulary(
        particles=frozenset(fold(p) for p in raw["particles"]),
        fillers=_tuple(raw["fillers"]),
        context=_tuple(raw["context"]),
        institutions=tuple(sorted(raw["institutions"], key=len, reverse=True)),
        opinions=_tuple(raw["opinions"]),
        dimensions={fold(k): v for k, v in raw["dimensions"].items()},
        years={k: _tuple(v) for k, v in raw["years"].items()},
        operations={k: _tuple(v) for k, v in raw["operations"].items()},
        units={k: _tuple(v) for k, v in raw["units"].items()},
        measures={fold(k): v for k, v in raw["measures"].items()},
        tables={fold(k): v for k, v in raw["tables"].items()},
        levels={fold(k): int(v) for k, v in raw["levels"].items()},
        synonyms={fold(k): fold(v) for k, v in raw["synonyms"].items()},
        totals={k: _tuple(v) for k, v in raw["totals"].items()},
        opposites=tuple((fold(a), fold(b)) for a, b in raw.get("opposites", {}).get("pairs", [])),
        glossary=glossary,
        everyday={k: tuple(dict.fromkeys(v)) for k, v in everyday.items()},
        corpus={k: _tuple(v) for k, v in raw.get("corpus", {}).items()},
        classes={fold(k): str(v) for k, v in raw.get("classes", {}).items()},
        sentence_columns={k: tuple(v) for k, v in raw.get("sentence_columns", {}).items()},
    )


def _glossary() -> tuple[GlossaryItem, ...]:
    if not GLOSSARY.exists():
        return ()
    with open(GLOSSARY, "rb") as f:
        items = tomllib.load(f).get("item", [])
    return tuple(
        GlossaryItem(
            code=str(i.get("code", "")),
            name=fold(i["name"]),
            scheme=i.get("scheme", ""),
            parent=str(i.get("parent", "")),
            description=i.get("description", ""),
            everyday=tuple(fold(w) for w in i.get("everyday", []) if w),
        )
        for i in items
    )
