"""Candidate items for a question, from all the evidence: names and their variants, 科目编码,
the budget glossary (everyday words → standard names), a typing slip, part of a long name,
an abbreviated project name, and keyword search over one card per catalogue item.

Every candidate is a ``Hit``: an entry, the words of the question it explains, how it was
found and a quality in (0, 1]. Nothing here decides; readings weigh the hits.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from core.text import sounds_alike
from core.vocab import fold, vocabulary
from qa.catalog import Catalog, Entry
from qa.question import Question

_GENERIC_PREFIXES = ("开展", "建设", "完成", "实施", "推进", "组织", "进行", "提升", "加强", "其他", "其中")
_FUNCTION_CHARS = set("多少几是的了么吗呢啊吧和与及在有为要")
_HAN = re.compile(r"[\u3400-\u9fff]")
QUALITY = {"name": 1.0, "code": 1.0, "variant": 0.95, "project": 0.95, "glossary": 0.9, "fuzzy": 0.75}


@dataclass(frozen=True)
class Hit:
    entry: Entry
    start: int
    end: int
    how: str  # name | variant | code | glossary | fuzzy | partial | project | retrieved
    quality: float

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def length(self) -> int:
        return self.end - self.start


def find_hits(q: Question, catalog: Catalog) -> list[Hit]:
    """Every plausible entry for the question's words, longest evidence kept."""
    # A bare '合计' names a table's total only when the question names the table.
    tables = bool(q.table_nos or q.roles)
    entries = [e for e in catalog.entries_of(q.doc.id) if _usable(e) and (tables or not _generic(e))]
    text = _blank(q)
    hits: list[Hit] = []
    hits += _exact(text, entries)
    hits += _codes(q, entries)
    hits += _glossary(text, entries)
    hits += _glossary_slips(text, entries, catalog.texts.get(q.doc.id, ""), [h.span for h in hits])
    hits += _projects(text, entries, catalog.texts.get(q.doc.id, ""))
    covered = [h.span for h in hits if h.how in ("name", "variant", "code", "project")]
    hits += _approximate(text, _index(catalog, q.doc.id, entries), catalog.texts.get(q.doc.id, ""), covered)
    hits += _abbreviations(text, entries, catalog.texts.get(q.doc.id, ""), covered)
    hits += _project_prefixes(text, entries, covered)
    cue_positions = {i for s, e in q.cue_spans("op", "year", "base", "filler", "particle", "counter", "unit", "department") for i in range(s, e)}
    hits += _gapped(text, entries, cue_positions, [h.span for h in hits if h.how in ("name", "variant", "code")])
    # Words a table cue uses ('财政拨款收支总表') name the table, not an item in it.
    cues = q.cue_spans("table", "table_no")
    hits = [
        h
        for h in hits
        if not any(s <= h.start and h.end <= e and (h.length < e - s or h.quality < 0.9) for s, e in cues)
    ]
    # '退伍军人局': words a department's name is made of, not an abbreviated item
    hits = [h for h in hits if not (h.how in ("abbrev", "fuzzy") and text[h.end : h.end + 1] in ("局", "委", "厅"))]
    # An approximate hit made of the question's own cue words ('支出决算数') is no item.
    asked = {i for s, e in q.cue_spans("op", "measure", "year", "base", "unit", "counter") for i in range(s, e)}
    hits = [
        h
        for h in hits
        if h.how in ("name", "variant", "code", "project", "glossary", "total")
        or sum(1 for i in range(h.start, h.end) if i in asked) < 0.8 * h.length
    ]
    return _drop_shadowed(hits)


def _generic(e: Entry) -> bool:
    return fold(e.name) in ("合计", "总计", "小计")


def _usable(e: Entry) -> bool:
    return bool(e.name) and bool(e.figures)


def _blank(q: Question) -> str:
    """The question with the department's own name blanked out (same length, positions kept)."""
    text = list(q.text)
    for s, e in q.cue_spans("department"):
        for i in range(s, e):
            text[i] = "\u3000"
    return "".join(text)


def _find_all(text: str, word: str) -> Iterable[int]:
    start = text.find(word)
    while word and start >= 0:
        yield start
        start = text.find(word, start + 1)


def _exact(text: str, entries: list[Entry]) -> list[Hit]:
    out = []
    for e in entries:
        full = fold(e.name)
        for v in e.variants:
            if len(v) < 2:
                continue
            how = "name" if v == full else "variant"
            for start in _find_all(text, v):
                out.append(Hit(e, start, start + len(v), how, QUALITY[how]))
    return out


def _codes(q: Question, entries: list[Entry]) -> list[Hit]:
    out = []
    for e in entries:
        if e.code and e.code in q.codes:
            for start in _find_all(q.text, e.code):
                out.append(Hit(e, start, start + len(e.code), "code", QUALITY["code"]))
    return out


def _glossary(text: str, entries: list[Entry]) -> list[Hit]:
    """'开会的钱' → 会议费, '水电费' → 水费 and 电费: the glossary's everyday words. A word the
    disclosure itself uses as a name means that item, never another one."""
    by_name: dict[str, list[Entry]] = {}
    for e in entries:
        for v in {fold(e.name), *e.variants}:
            by_name.setdefault(v, []).append(e)
    own = set(by_name)
    out = []
    taken: list[tuple[int, int]] = []
    known = _known_terms(text)
    for word, names in sorted(vocabulary().everyday.items(), key=lambda kv: -len(kv[0])):
        if len(word) < 2 or word in own:
            continue
        for start in _find_all(text, word):
            span = (start, start + len(word))
            if any(s <= span[0] and span[1] <= e for s, e in taken):
                continue
            if any(s <= span[0] and span[1] <= e and e - s > len(word) and term not in names for s, e, term in known):
                continue  # '机关运行' inside '机关运行经费': the longer term the budget knows is meant
            found = [e for n in names for e in by_name.get(fold(n), [])]
            if found:
                taken.append(span)
                for e in dict.fromkeys(found):
                    # a name that shares the word's own characters is the nearer meaning
                    shared = len(set(word) & set(fold(e.name))) / len(set(word))
                    out.append(Hit(e, *span, "glossary", round(QUALITY["glossary"] - 0.06 * (1 - shared), 3)))
    return out


def _known_terms(text: str) -> list[tuple[int, int, str]]:
    """Where the text spells a glossary 科目 or concept name in full (three characters or more)."""
    out = []
    for g in vocabulary().glossary:
        name = fold(g.name)
        if len(name) >= 3:
            out += [(s, s + len(name), g.name) for s in _find_all(text, name)]
    return out


def _glossary_slips(text: str, entries: list[Entry], source: str, covered: list[tuple[int, int]]) -> list[Hit]:
    """An everyday word of three characters or more typed with one wrong character after its
    first that sounds like the right one ('农村低报金' → 低保金, '经济普察' → 经济普查, as a pinyin
    input method slips): as the word, a little less sure. Never a
    word the disclosure itself prints, nor one overlapping a name the question spells right."""
    out: list[Hit] = []
    masked, lengths = _everyday_masked()
    for n in lengths:
        for i in range(len(text) - n + 1):
            window = text[i : i + n]
            if window in source or any(s < i + n and i < e for s, e in covered):
                continue
            for k in range(1, n):
                ch = window[k]
                if ch in _FUNCTION_CHARS or not _HAN.match(ch):
                    continue
                for word in masked.get(window[:k] + "\0" + window[k + 1 :], ()):
                    # '养狗的钱' is no slip of 养人的钱: a slip sounds like the right character
                    if word[k] != ch and sounds_alike(ch, word[k]):
                        out += [Hit(h.entry, i, i + n, "fuzzy", round(h.quality - 0.12, 3)) for h in _glossary(word, entries)]
    return out


@cache
def _everyday_masked() -> tuple[dict[str, tuple[str, ...]], tuple[int, ...]]:
    """The everyday words of three characters or more, each with one character after the first
    masked: a window of the question is looked up, not compared with every word."""
    masked: dict[str, list[str]] = {}
    for word in (w for w in vocabulary().everyday if len(w) >= 3):
        for k in range(1, len(word)):
            masked.setdefault(word[:k] + "\0" + word[k + 1 :], []).append(word)
    return {k: tuple(v) for k, v in masked.items()}, tuple(sorted({len(w) for ws in masked.values() for w in ws}))


def _projects(text: str, entries: list[Entry], source: str) -> list[Hit]:
    """A 绩效 project named in full or abbreviated ('老科技服务团' → 老科技工作者服务团经费): its
    当年预算 entry stands for it. An in-order subsequence of exactly one project's name, at
    least 4 characters and half the name, that is not itself a phrase of the disclosure."""
    projects: dict[str, list[Entry]] = {}
    for e in entries:
        if e.project and e.kind == "form" and e.name in ("当年预算", "年度资金总额", "资金总额", "项目金额"):
            projects.setdefault(fold(e.project), []).append(e)
    out = []
    names = sorted(projects, key=len, reverse=True)
    for name in names:
        for variant in sorted({name, re.sub(r"(?:项目)?(?:经费|资金)$", "", name)}, key=lambda v: (-len(v), v)):
            if len(variant) >= 3 and variant in text:
                start = text.find(variant)
                end = start + len(variant)
                end += 2 if text.startswith("项目", end) else 0  # '科普经费项目' names the project too
                out += [Hit(e, start, end, "project", QUALITY["project"]) for e in projects[name]]
                break
        else:
            for i in range(len(text)):
                run = _subsequence_run(text, i, name)
                others = [n for n in names if n != name and _subsequence_run(run, 0, n) == run]
                if len(run) >= max(4, len(name) / 2) and run not in source and not others:
                    out += [Hit(e, i, i + len(run), "project", 0.85) for e in projects[name]]
                    break
    return out


def _subsequence_run(text: str, start: int, name: str) -> str:
    """The longest run text[start:j] whose characters occur in ``name`` in order, name[0] first."""
    if not text[start:] or not name or text[start] != name[0]:
        return ""
    pos, j = 1, start + 1
    while j < len(text) and (found := name.find(text[j], pos)) >= 0:
        pos, j = found + 1, j + 1
    return text[start:j]


@dataclass
class _Index:
    """Per document, built once: variants by masked form (one-character slips) and by their
    4-character pieces (long names named in part), so a question is compared with the few
    names it can be near, not with all of them."""

    masked: dict[str, list[tuple[Entry, str]]]
    grams: dict[str, list[tuple[Entry, str]]]
    lengths: tuple[int, ...]


def _index(catalog: Catalog, doc_id: str, entries: list[Entry]) -> _Index:
    key = ("match-index", doc_id, len(entries))
    cached = catalog.cache.get(key)
    if cached is not None:
        return cached
    masked: dict[str, list[tuple[Entry, str]]] = {}
    grams: dict[str, list[tuple[Entry, str]]] = {}
    # the keys interned: documents of one district print the same 科目 and project names, so
    # their indexes share one string per key instead of a copy each (100 documents: 90 MB)
    for e in entries:
        for v in e.variants:
            if len(v) >= 3:
                for k in range(1, len(v)):
                    masked.setdefault(sys.intern(v[:k] + "\0" + v[k + 1 :]), []).append((e, v))
            core = _core(v)
            if len(core) >= 4:
                for k in range(len(core) - 3):
                    grams.setdefault(sys.intern(core[k : k + 4]), []).append((e, v))
    lengths = tuple(sorted({len(v) for e in entries for v in e.variants if len(v) >= 3}))
    catalog.cache[key] = index = _Index(masked, grams, lengths)
    return index


def _approximate(text: str, index: _Index, source: str, covered: list[tuple[int, int]]) -> list[Hit]:
    """A slip of one character ('机关运型经费'), or a long name named by its distinctive part
    ('一老一小科技培训' for 开展“一老一小”科技培训). Only on words no exact hit explains."""
    out = []
    for n in index.lengths:
        for i in range(len(text) - n + 1):
            window = text[i : i + n]
            if window in source:
                continue
            # A name the question spells right stays as it is; a slip just past it extends it
            # ('医疗费捕助' is 医疗费补助, the exact 医疗费 kept whole): surer than a slip inside.
            inner = [(s, e) for s, e in covered if min(i + n, e) - max(i, s) >= 2]
            if any(s != i or e > i + n for s, e in inner):
                continue  # only a name continued past its right spelling, not one before it
            for k in range(1, n):
                ch = window[k]
                if ch in _FUNCTION_CHARS or not _HAN.match(ch) or any(s <= i + k < e for s, e in inner):
                    continue
                if inner and k == n - 1:
                    continue  # a right character must follow the slip: '公务接待费占' is no 公务接待费用
                for e, v in index.masked.get(window[:k] + "\0" + window[k + 1 :], ()):
                    if v[k] != ch:
                        out.append(Hit(e, i, i + n, "fuzzy", QUALITY["glossary" if inner else "fuzzy"]))
    near = {pair for k in range(len(text) - 3) for pair in index.grams.get(text[k : k + 4], ())}
    for e, v in sorted(near, key=lambda ev: (ev[1], id(ev[0]))):
        core = _core(v)
        common = _longest_common(text, core)
        if common is None:
            continue
        start, length = common
        ratio = length / len(core)
        if length >= 4 and ratio >= 0.6 and length < len(v) and not _overlaps((start, start + length), covered):
            out.append(Hit(e, start, start + length, "partial", round(0.45 + 0.4 * ratio, 3)))
    return out


def _gapped(text: str, entries: list[Entry], cues: set[int], covered: list[tuple[int, int]]) -> list[Hit]:
    """A name interrupted by question words: '公务用车平均每辆一年运行费' names 公务用车运行费.
    The name's characters in order; whatever lies between them is the question's own words
    (operations, years, fillers) or at most one other character."""
    out = []
    for e in entries:
        if e.kind == "narrative":
            continue
        # without its last '费' too: '公务用车一年运行维护要花多少钱' asks for 公务用车运行维护费
        stripped = {v[:-1] for v in e.variants if v.endswith("费") and len(v) >= 6} - set(e.variants)
        for v in sorted({*e.variants, *stripped}, key=len, reverse=True):
            if len(v) < 5 or v in text:
                continue
            for i in (k for k, ch in enumerate(text) if ch == v[0]):
                j, k, others = i, 0, 0
                gaps: list[int] = []  # how much of the name is matched where each gap starts
                while j < len(text) and k < len(v) and j - i <= len(v) + 10:
                    if text[j] == v[k]:
                        k += 1
                    elif j in cues:
                        gaps.append(k)
                    else:
                        gaps.append(k)
                        others += 1
                        if others > (2 if len(v) >= 8 else 1):  # '公车日常运行维护费': a long name takes a two-character modifier
                            break
                    j += 1
                # a name without its '费' must end where the question's words do ('运行维护要花')
                ends = v not in stripped or j == len(text) or j in cues or not "\u4e00" <= text[j] <= "\u9fff"
                # a shorter name of it inside the span ('运行维护费') is no rival: this hit extends it
                rivals = [c for c in covered if not (i <= c[0] and c[1] <= j)]
                if gaps and (min(gaps) < 2 or len(v) - max(gaps) < 2):
                    continue  # a name split off one character ('物业管理费[占公]用'): no name at all
                if k == len(v) and j - i > len(v) and ends and not _overlaps((i, j), rivals, by=len(v) // 2):
                    out.append(Hit(e, i, j, "gapped", 0.8))
                    break
    return out


def _abbreviations(text: str, entries: list[Entry], source: str, covered: list[tuple[int, int]]) -> list[Hit]:
    """'职工医保缴费' for 职工基本医疗保险缴费: a run of the question whose characters occur in
    the name in order, starting with its first, at least 4 characters and half the name, and
    not itself a phrase of the disclosure."""
    out = []
    by_first: dict[str, list[tuple[Entry, str]]] = {}
    for e in entries:
        if e.kind in ("narrative",):
            continue
        for v in e.variants:
            if len(v) >= 6:
                by_first.setdefault(v[0], []).append((e, v))
    # words that are literally part of another row's name mean that row ('养老支出' is the tail of
    # 行政事业单位养老支出), not an abbreviation of a third one (机关事业单位基本养老保险缴费支出)
    names = " ".join(fold(e.name) for e in entries if e.kind != "narrative")
    for i, ch in enumerate(text):
        for e, v in by_first.get(ch, ()):
            run = _subsequence_run(text, i, v)
            if run in names and run not in v:
                continue
            if len(run) >= max(4, len(v) / 2) and run != v and run not in source and not _overlaps((i, i + len(run)), covered):
                end, quality = i + len(run), round(0.7 + 0.2 * len(run) / len(v), 3)
                if text.startswith("项目", end) and _is_project(e):  # '食品抽检项目': a project, abbreviated
                    end, quality = end + 2, quality + 0.1
                out.append(Hit(e, i, end, "abbrev", quality))
    return out


def _project_prefixes(text: str, entries: list[Entry], covered: list[tuple[int, int]]) -> list[Hit]:
    """'春蕾计划' for 春蕾计划助学及困境儿童关爱经费: people name a project by the start of its
    name. A run of at least four characters that begins one project's name, and no other's, names
    that project — even when the disclosure uses the words elsewhere (they are about the project)."""
    names: dict[str, set[str]] = {}
    for e in entries:
        if _is_project(e) and e.kind in ("row", "form"):
            names.setdefault(fold(e.project or e.name), set())
    out = []
    for e in entries:
        if not _is_project(e) or e.kind not in ("row", "form"):
            continue
        name = fold(e.project or e.name)
        for i in (k for k, ch in enumerate(text) if ch == name[0]):
            n = 0
            while i + n < len(text) and n < len(name) and text[i + n] == name[n]:
                n += 1
            run = name[:n]
            if n < 4 or n == len(name) or _overlaps((i, i + n), covered):
                continue
            if any(other != name and other.startswith(run) for other in names):
                continue  # the start of two projects' names names neither
            end = i + n + (2 if text.startswith("项目", i + n) else 0)
            out.append(Hit(e, i, end, "abbrev", 0.8))
    return out


def _is_project(e: Entry) -> bool:
    """An entry of a project table (项目支出明细, 绩效目标) or a 绩效 project's field."""
    return bool(e.project) or (e.role is not None and e.role.value in ("项目支出明细表", "重点项目绩效目标表", "一般项目绩效目标表"))


def _core(name: str) -> str:
    """A name without the verbs that open list items ('开展', '建设') and without '其他'."""
    for prefix in _GENERIC_PREFIXES:
        if name.startswith(prefix) and len(name) - len(prefix) >= 3:
            return name[len(prefix) :]
    return name


def _longest_common(text: str, name: str) -> tuple[int, int] | None:
    """(start in text, length) of the longest common substring."""
    best = (0, 0)
    for i in range(len(text)):
        for j in range(len(name)):
            k = 0
            while i + k < len(text) and j + k < len(name) and text[i + k] == name[j + k]:
                k += 1
            if k > best[1]:
                best = (i, k)
    return best if best[1] else None


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]], by: int = 2) -> bool:
    return any(min(span[1], e) - max(span[0], s) >= by for s, e in spans)


def _drop_shadowed(hits: list[Hit]) -> list[Hit]:
    """A hit inside a longer, at least as good hit is the tokenizer's view of a part of it
    ('运行维护费' in '公务用车运行维护费'); equal spans all stay (one name, several tables)."""
    keep = []
    for h in hits:
        shadowed = any(
            o.start <= h.start
            and h.end <= o.end
            and o.length > h.length
            and o.quality >= h.quality - 0.05
            for o in hits
            if o is not h
        )
        if not shadowed:
            keep.append(h)
    return list(dict.fromkeys(keep))


@dataclass(frozen=True)
class Mention:
    """One place in the question that names an item, with every entry it may mean. ``extra``:
    other words that say the same or qualify it ('30101基本工资', '科普经费项目的科普基地')."""

    start: int
    end: int
    hits: tuple[Hit, ...]
    extra: tuple[tuple[int, int], ...] = ()

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def quality(self) -> float:
        return max(h.quality for h in self.hits)

    @property
    def entries(self) -> list[Entry]:
        return list(dict.fromkeys(h.entry for h in self.hits))

    @property
    def text_len(self) -> int:
        return self.end - self.start


def mentions(hits: list[Hit]) -> list[Mention]:
    """Group hits by the words they explain; overlapping groups keep the longer words."""
    groups: dict[tuple[int, int], list[Hit]] = {}
    for h in hits:
        groups.setdefault(h.span, []).append(h)
    # The most evidence first: words explained × how well (a long partial name beats two
    # short glossary words inside it; an exact name beats a slip that spans one more character).
    spans = sorted(
        groups,
        key=lambda s: (-(s[1] - s[0]) * max(h.quality for h in groups[s]), -max(h.quality for h in groups[s]), s[0]),
    )
    chosen: list[tuple[int, int]] = []
    for s in spans:
        if any(s[0] < c[1] and c[0] < s[1] for c in chosen):
            continue
        chosen.append(s)
    return _merge_same([Mention(s[0], s[1], tuple(groups[s])) for s in sorted(chosen)])


def _merge_same(ms: list[Mention]) -> list[Mention]:
    """Two nearby mentions of the same entry ('30101' and '基本工资', '科普经费' and its
    '当年预算') are one mention: the entries both name."""
    out: list[Mention] = []
    for m in ms:
        prev = out[-1] if out else None
        if prev is not None and m.start - prev.end <= 6:
            strong = {"name", "variant", "code", "project"}
            shared = {h.entry for h in prev.hits if h.how in strong} & {h.entry for h in m.hits if h.how in strong}
            if shared:
                hits = tuple(h for h in m.hits if h.entry in shared) + tuple(
                    h for h in prev.hits if h.entry in shared and h.entry not in {x.entry for x in m.hits}
                )
                out[-1] = Mention(prev.start, m.end, hits, (*prev.extra, prev.span, *m.extra))
                continue
        out.append(m)
    return out


_CONNECTOR = re.compile(r"^(?:的|中|中的|里|里的|里面|里面的|当中|之中|内|下|下的|项目|项目的|项目中|项目里|项目中的|在)?$")
_COMPARED = re.compile(r"比|较|相比|对比|减去?|相差|高于|低于|多于|少于|超过|占")
_QUALIFIER_NAMES = ("基本支出", "项目支出", "人员经费", "日常公用经费", "公用经费", "一般公共预算", "财政拨款",
                    "政府性基金预算", "政府性基金", "国有资本经营预算", "一般公共预算财政拨款", "政府性基金预算财政拨款")  # fmt: skip


_PUNCT = set("()（）[]【】:：\"'“”")  # not '、' and '，': those separate items


def _coded_siblings(a: Mention, b: Mention) -> bool:
    """Rows of one table at one level of the classification (30205 水费, 30206 电费): side by
    side they are a list, one never qualifies the other."""
    return any(
        x.entry.table_no == y.entry.table_no and x.entry.code and y.entry.code
        and len(x.entry.code) == len(y.entry.code) and x.entry.code != y.entry.code
        for x in a.hits for y in b.hits
    )  # fmt: skip


def _between(q: Question, a: Mention, b: Mention) -> str:
    """The words between two mentions, without brackets and the question's cue words
    ('基本支出（政府预算经济分类）里的办公经费' → '里的')."""
    skip = {i for s, e in q.cue_spans("table", "year", "filler", "measure") for i in range(s, e)}
    return "".join(ch for i, ch in enumerate(q.text[a.end : b.start], a.end) if i not in skip and ch not in _PUNCT)


def _context_clauses(q: Question, ms: list[Mention]) -> list[Mention]:
    """'刚才说了今年的三公经费，那2023年的公务接待费是多少': a clause that only sets the
    scene is background when the asking clause names its own item."""
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^，,。;；!！?？]+", q.text)]
    asking = [c for c in clauses if any(s >= c[0] and e <= c[1] for s, e in q.cue_spans("op"))]
    if len(clauses) < 2 or not asking:
        return ms
    last = asking[-1]
    own = [m for m in ms if last[0] <= m.start < last[1]]
    if not own:
        return ms
    background = [c for c in clauses if c != last and re.match(r"^(?:刚才|刚刚|前面|上面|之前|我是|我家|听说)", q.text[c[0] : c[1]])]
    return [m for m in ms if not any(c[0] <= m.start < c[1] for c in background)]


def heads(q: Question, ms: list[Mention], catalog: Catalog | None = None) -> list[Mention]:
    """The items a question asks about, each with the mentions that only qualify it: 'X中Y',
    'X里的Y', 'X项目的Y' — the head of a Chinese noun phrase is its last noun. A qualifier that
    is a project keeps the head's entries of that project; one that is an item keeps those of
    its table (the 三公 table's own 公务用车运行费)."""
    ms = _columns_as_measures(q, _context_clauses(q, ms))
    # 'X项目': the word 项目 after a name names the same thing (not '项目支出')
    ms = [
        Mention(m.start, m.end, m.hits, (*m.extra, (m.end, m.end + 2)))
        if q.text.startswith("项目", m.end) and not q.text.startswith("项目支出", m.end)
        else m
        for m in ms
    ]
    out: list[Mention] = []
    split: list[Mention] = []  # listed projects, each with the field asked ('A、B、C项目的当年预算')
    used: set[int] = set()
    for j, b in enumerate(ms):
        extra = list(b.extra)
        hits = list(b.hits)
        if all(h.how == "total" for h in hits):
            out.append(b)
            continue
        absorbed = False
        for i in range(j - 1, -1, -1):
            a = ms[i]
            if i in used:
                continue
            between = _between(q, a, b)
            projects = {h.entry.project for h in a.hits if h.how == "project" and h.entry.project}
            same_project = [h for h in hits if h.entry.project in projects] if projects else []
            if projects and not same_project and catalog is not None:
                same_project = _project_fields(q, b, projects, catalog)
            if re.fullmatch(r"的?", between) and not same_project and _says_which_figure(a, b):
                k = next((k for k, m in enumerate(out) if m.span == a.span), None)
                if k is not None:
                    out[k] = Mention(out[k].start, out[k].end, out[k].hits, (*out[k].extra, b.span, *b.extra))
                    absorbed = True
                break
            listed = re.fullmatch(r"\s*[和与及跟、,，]\s*", q.text[a.end : ms[i + 1].start]) is not None
            if same_project and listed and any(h.entry.project for h in hits):
                # one of several projects listed before a field: its own reading of the field
                split.append(Mention(a.start, a.end, tuple(same_project), tuple(a.extra)))
                used.add(i)
                continue
            if same_project:
                hits, used = same_project, used | {i}
                extra += [a.span, *a.extra]
                continue
            siblings = re.fullmatch(r"[和与及跟、,，]", between) and q.text[b.start : b.end] in _QUALIFIER_NAMES
            # 'A比B多多少', 'A减去B': two items compared, neither qualifies the other
            compared = _COMPARED.search(between) is not None
            if siblings or compared or (not between and _coded_siblings(a, b)):
                break  # '基本支出和项目支出', '水费电费': two items listed, neither qualifies the other
            if _CONNECTOR.match(between) or (len(between) <= 4 and q.text[a.start : a.end] in _QUALIFIER_NAMES):
                tables = _qualifier_tables(q, a, catalog)
                used.add(i)
                extra += [a.span, *a.extra]
                # 'A和B里的C': a column joined to the qualifier qualifies C too, with its tables
                k = i - 1
                while k >= 0 and k not in used and re.fullmatch(r"[和与及、]", _between(q, ms[k], ms[k + 1])) and (
                    q.text[ms[k].start : ms[k].end] in _QUALIFIER_NAMES
                ):
                    used.add(k)
                    extra += [ms[k].span, *ms[k].extra]
                    tables |= _qualifier_tables(q, ms[k], catalog)
                    k -= 1
                hits = [h for h in hits if h.entry.table_no in tables] or hits
            break
        if not absorbed:
            out.append(Mention(b.start, b.end, tuple(hits), tuple(extra)))
    return sorted([m for k, m in enumerate(out) if k not in used] + split, key=lambda m: m.start)


def _says_which_figure(a: Mention, b: Mention) -> bool:
    """'院士专家工作站运行经费项目绩效自评得了几分': a loose match glued after a sentence's exact
    subject says which of the subject's figures is asked (its 自评得分), not another item."""
    narrative = lambda m: all(e.kind == "narrative" for e in m.entries)  # noqa: E731 - a one-line test
    return a.quality >= 0.95 and b.quality < 0.9 and narrative(a) and narrative(b)


def _qualifier_tables(q: Question, a: Mention, catalog: Catalog | None) -> set[int]:
    """The tables a qualifier names: those it is a column or row of, and those whose title names
    it ('基本支出里的办公费': 基本支出表（部门经济分类） has no 基本支出 column)."""
    tables = {e.table_no for e in a.entries if e.table_no}
    words = fold(q.text[a.start : a.end])
    if catalog is not None and len(words) >= 4:
        tables |= {e.table_no for e in catalog.entries_of(q.doc.id) if e.table_no and words in fold(e.table_title or "")}
    return tables


def _project_fields(q: Question, b: Mention, projects: set[str], catalog: Catalog) -> list[Hit]:
    """The named project's own 绩效 entry for the head's words ('科普经费项目的服务对象满意度'
    is that project's 科普宣传服务对象满意, not the department's overall 服务对象满意度)."""
    words = q.text[b.start : b.end]
    out = []
    for e in catalog.entries_of(q.doc.id):
        if e.project in projects and e.kind in ("indicator", "form"):
            common = _longest_common(words, fold(e.name))
            if common is not None and common[1] >= min(4, len(words)):
                out.append(Hit(e, b.start, b.end, "partial", 0.9))
    return out


def _columns_as_measures(q: Question, ms: list[Mention]) -> list[Mention]:
    """'行政运行的基本支出', '住房保障支出的一般公共预算': a column named after an item is the
    item's column, not an item of its own (the lookup reads the column from the question)."""
    measures = {i for s, e in q.cue_spans("measure") for i in range(s, e)}
    out: list[Mention] = []
    for m in ms:
        prev = out[-1] if out else None
        words = q.text[m.start : m.end]
        # a column name, a fund ('财政拨款'), or nothing but a column word ('年初预算', '决算数')
        column = words in _QUALIFIER_NAMES or all(i in measures for i in range(m.start, m.end))
        prev_is_item = prev is not None and q.text[prev.start : prev.end] not in _QUALIFIER_NAMES
        between = _between(q, prev, m) if prev is not None else ""
        chained = prev is not None and prev.extra and re.fullmatch(r"[和与及、]", between)  # 'X基本支出和项目支出'
        if prev_is_item and column and (re.fullmatch(r"(?:的|中的|里的)?", between) or chained):
            out[-1] = Mention(prev.start, prev.end, prev.hits, (*prev.extra, m.span, *m.extra))
            continue
        out.append(m)
    return out


_JOINERS = re.compile(r"^[、和及与跟,，\s]*$")


@cache
def _descriptions() -> dict[str, str]:
    """The glossary's description of each 科目, by name (built once, not per question)."""
    return {fold(g.name): fold(g.description) for g in vocabulary().glossary if g.description}


def merge_parts(q: Question, ms: list[Mention]) -> list[Mention]:
    """'油费维修费啥的', '油钱修车钱保险': beside an everyday word for a 科目 (油费 → 公务用车运行
    维护费), the words the glossary lists as what that 科目 pays for (燃料、维修、保险 …) are its
    parts, not items of their own: one mention of the 科目 over the whole run."""
    descriptions = _descriptions()
    out: list[Mention] = []
    for m in sorted(ms, key=lambda m: m.start):
        prev = out[-1] if out else None
        if prev is not None and _JOINERS.match(q.text[prev.end : m.start]):
            same = {h.entry for h in prev.hits if h.how == "glossary"} & {h.entry for h in m.hits if h.how == "glossary"}
            if same:  # '油钱修车钱': two everyday words for the one 科目
                hits = tuple(Hit(h.entry, prev.start, m.end, h.how, h.quality) for h in prev.hits if h.entry in same)
                out[-1] = Mention(prev.start, m.end, hits, (*prev.extra, *m.extra))
                continue
            for a, b in ((prev, m), (m, prev)):
                glossed = [h for h in a.hits if h.how == "glossary" and fold(h.entry.name) in descriptions]
                words = re.sub(r"(?:费用|费|钱)$", "", q.text[b.start : b.end])
                if glossed and len(words) >= 2 and words in descriptions[fold(glossed[0].entry.name)]:
                    hits = tuple(Hit(h.entry, prev.start, m.end, h.how, h.quality) for h in glossed)
                    out[-1] = Mention(prev.start, m.end, hits, (*prev.extra, *m.extra))
                    break
            else:
                out.append(m)
            continue
        out.append(m)
    return [_with_its_thing(q, m) for m in out]


def _with_its_thing(q: Question, m: Mention) -> Mention:
    """'那辆车一年的油费': a word of the 科目's own name before its everyday word (车 of 公务用车
    运行维护费) says what it is for, within the clause."""
    glossed = [h for h in m.hits if h.how == "glossary"]
    if not glossed:
        return m
    name = fold(glossed[0].entry.name)
    extra = list(m.extra)
    # the nearest word before it, across only fillers and particles ('车' of '那辆车一年的油费')
    free = {i for s, e in q.cue_spans("filler", "particle") for i in range(s, e)}
    k = m.start - 1
    while k >= 0 and k in free:
        k -= 1
    end = k + 1
    while k >= 0 and q.text[k] in name:
        k -= 1
    if k + 1 < end and not any(a < end and k + 1 < b for a, b in extra):
        extra.append((k + 1, end))
    # '油钱修车钱保险': what it pays for, listed after it (the glossary's description names it)
    described = _descriptions().get(name, "")
    end = m.end
    while described and (j := re.match(r"[、和及与跟,，\s]*", q.text[end:])) is not None:
        start = end + j.end()
        word = next((q.text[start : start + n] for n in (4, 3, 2)
                     if re.sub(r"(?:费用|费|钱)$", "", q.text[start : start + n]) in described
                     and len(re.sub(r"(?:费用|费|钱)$", "", q.text[start : start + n])) >= 2), "")  # fmt: skip
        if not word:
            break
        extra.append((start, start + len(word)))
        end = start + len(word)
    return Mention(m.start, m.end, m.hits, tuple(extra)) if len(extra) > len(m.extra) else m


def total_mentions(q: Question, catalog: Catalog, ms: list[Mention]) -> list[Mention]:
    """'总支出', '预算总额', '收入合计': the department's grand total, as a mention of its own."""
    from qa.lookup import total_entries

    out = []
    ms = list(ms)
    for c in q.cues:
        if c.kind != "total" or any(m.start < c.end and c.start < m.end for m in out):
            continue
        overlap = [i for i, m in enumerate(ms) if m.start < c.end and c.start < m.end]
        named = [i for i, m in enumerate(ms) if m.end <= c.start and re.fullmatch(r"的?", q.text[m.end : c.start])]
        if overlap and named and all(ms[i].quality < 0.9 for i in overlap):
            # '三公经费预算总额': the total of the item just named; a loose match of the cue words
            # themselves ('预算总额' ≈ 政府采购预算总额) goes
            m = ms[named[-1]]
            ms[named[-1]] = Mention(m.start, m.end, m.hits, (*m.extra, (c.start, c.end)))
            ms = [x for i, x in enumerate(ms) if i not in overlap]
            continue
        if overlap:
            # '财政拨款支出一共': a phrase of the narrative and the grand total; both readings
            i = overlap[0]
            m = ms[i]
            totals_only = all(e.kind == "row" and fold(e.name).endswith(("合计", "总计")) for e in m.entries)
            loose = all(e.kind == "narrative" or e.role is None for e in m.entries)
            # '预算总支出': a narrative phrase whose head is the total's word reads as the total too
            # (its other words only cue words: not '政府采购预算总额', a total of its own)
            cued = {i for s, e in q.cue_spans("measure", "filler", "year", "total") + q.op_spans("value") for i in range(s, e)}
            headed = c.end == m.end and all(i in cued for i in range(m.start, c.start))
            if (loose and (c.end - c.start >= m.end - m.start or headed)) or totals_only:
                entries = total_entries(catalog, q.doc.id, income=c.value == "income")
                start, end = min(m.start, c.start), max(m.end, c.end)
                hits = tuple(Hit(e, start, end, "total", 0.85) for e in entries) + m.hits
                ms[i] = Mention(start, end, hits, m.extra)
            continue
        # '三公经费预算合计': the total of the item just named, not the grand total
        before = [i for i, m in enumerate(ms) if m.end <= c.start and re.fullmatch(r"的?", q.text[m.end : c.start])]
        if before:
            m = ms[before[-1]]
            ms[before[-1]] = Mention(m.start, m.end, m.hits, (*m.extra, (c.start, c.end)))
            continue
        entries = total_entries(catalog, q.doc.id, income=c.value == "income")
        if entries:
            # the department's all-funds total first; another table's total is another reading
            hits = tuple(Hit(e, c.start, c.end, "total", round(0.85 - 0.04 * min(k, 3), 3)) for k, e in enumerate(entries))
            out.append(Mention(c.start, c.end, hits))
    if not out and all(h.how == "retrieved" for m in ms for h in m.hits):  # nothing named
        # '2024年收入较2023年减少了多少', '区妇联今年预算多少': the bare word is the grand total of
        # that side (words the question leaves unexplained still lower the reading)
        # ('钱主要花在哪': a breakdown of the whole budget, which the overview reads without one)
        bare = r"收入|支出" if q.ops() & {"breakdown", "composition", "rank"} else r"收入|支出|预算|决算|经费|资金|花|钱"
        for m in re.finditer(bare, q.text):
            entries = total_entries(catalog, q.doc.id, income=m.group() == "收入")
            if entries:
                # '妇联今年的钱', '科协的预算': the department's own money, said in so many words
                top = 0.85 if _owned_by_department(q, m.start()) else 0.75
                hits = tuple(Hit(e, m.start(), m.end(), "total", round(top - 0.04 * min(k, 3), 3)) for k, e in enumerate(entries))
                out.append(Mention(m.start(), m.end(), hits))
                break
    return sorted(ms + out, key=lambda m: m.start)


def _owned_by_department(q: Question, at: int) -> bool:
    """The word at ``at`` follows the department's name with nothing between but years and
    particles ('妇联今年的钱', '统计局2024年的预算')."""
    for dep in (c for c in q.cues if c.kind == "department" and c.end <= at):
        between = set(range(dep.end, at))
        covered = {i for c in q.cues if c.kind in ("year", "base", "particle") for i in range(c.start, c.end)}
        if between <= covered:
            return True
    return False


_FREE_FORM = ("indicator", "narrative", "form")


def alternatives(q: Question, ms: list[Mention], catalog: Catalog) -> list[Mention]:
    """The same words in several 绩效 targets or narrative statements ('科普基地': 5 in one
    project's indicators, 1 in the overall target): each is a reading of equal standing, so
    different values are asked back rather than one chosen."""
    out = []
    entries = [e for e in catalog.entries_of(q.doc.id) if e.kind in _FREE_FORM and e.figures]
    for m in ms:
        words = q.text[m.start : m.end]
        best = [h for h in m.hits if h.quality >= m.quality - 1e-9]
        measure_noun = len(words) == 3 and words[-1] in "度率"  # '满意度', '知晓率': the head of many targets
        if (len(words) < 4 and not measure_noun) or not best or not all(h.entry.kind in _FREE_FORM for h in best):
            out.append(m)
            continue
        if measure_noun:
            # every target named by it is a reading of equal standing, found by its name, not guessed
            named = [e for e in entries if fold(e.name).endswith((words, words[:-1]))]
            if len(named) >= 2:
                hits = tuple(Hit(e, m.start, m.end, "alternative", 0.7) for e in named)
                out.append(Mention(m.start, m.end, hits, m.extra))
                continue
            out.append(m)
            continue
        have = set(m.entries)
        core = re.sub(r"(?:度|率|数)$", "", words)  # '服务对象满意度' ~ '科普宣传服务对象满意'
        # '政府采购预算总额…，其中：政府采购货物…': the words name the whole its sentence states; the
        # parts listed after 其中 are named by their own longer words, not read again as this one
        from qa.ops import part_of_total  # ops reads mentions: imported here, not at the top

        wholes = {f.sentence for h in best for f in h.entry.figures if f.sentence and not part_of_total(f)}
        extra = [
            Hit(e, m.start, m.end, "alternative", round(m.quality - 0.01, 3))
            for e in entries
            if e not in have and len(core) >= 4 and core in fold(e.name)
            and not any(f.sentence in wholes and part_of_total(f) for f in e.figures)
        ]
        out.append(Mention(m.start, m.end, m.hits + tuple(extra), m.extra))
    return out


def fold_names(m: Mention) -> set[str]:
    return {fold(e.name) for e in m.entries}


_GLOSS = re.compile(r"\(([^()]{2,16})\)")
_CLAUSE_STOP = "，,。；;！!？?：:"


def glossed(q: Question, ms: list[Mention]) -> list[Mention]:
    """'日常运转那些杂七杂八的开销（公用经费）': an item in brackets right after a phrase names, in
    the disclosure's terms, what the phrase says in everyday words. The bracketed item stands for
    the whole phrase, and the phrase's own looser matches (日常运转 ≈ 行政运行) go."""
    out = list(ms)
    for g in _GLOSS.finditer(q.text):
        inner = [m for m in ms if g.start(1) <= m.start and m.end <= g.end(1)]
        if len(inner) != 1 or inner[0].quality < 0.9:
            continue
        item = inner[0]
        start = g.start()
        while start > 0 and q.text[start - 1] not in _CLAUSE_STOP and start > g.start() - 16:
            start -= 1
        # the department or year the phrase follows is not part of it ('科协日常运转的开销')
        start = max([start] + [e for s, e in q.cue_spans("department", "year") if start < e <= g.start()])
        if start >= g.start():
            continue
        loose = [m for m in out if m is not item and start <= m.start and m.end <= g.start() and m.quality <= item.quality]
        glossed_item = Mention(item.start, item.end, item.hits, (*item.extra, (start, g.start()), (g.start(), g.start() + 1), (g.end() - 1, g.end())))
        out = [glossed_item if m is item else m for m in out if m not in loose]
    return out
