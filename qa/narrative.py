"""Answers in the disclosure's own words: the passage that covers the question (reasons,
definitions, functions, contacts, 绩效 text), quoted verbatim with its section; a table's own
note when the department left it empty; what a 科目编码 stands for."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from core.records import Result
from core.vocab import fold, vocabulary
from qa import compose as W
from qa.lookup import Candidate
from qa.match import Mention
from qa.ops import Env, shared_words
from qa.passages import Passage, best_passages, doc_passages
from qa.question import Question, content_positions
from qa.readings import Draft, Reading


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def passages(q: Question, ms: list[Mention], env: Env, op: str) -> list[Reading]:
    """The best passage for a text question, as a reading that explains the words it contains."""
    finder = env.passages
    extra = finder(q.raw, env.doc) if finder is not None else []
    found = best_passages(
        q.text,
        env.doc,
        extra,
        k=3,
        prefer_paragraphs=op in ("reason", "define") or "哪些" in q.text,
        definition=op == "define",
        tables=tuple(q.table_nos),
        retrieval_weight=env.settings.passage_retrieval_weight,
    )
    gives_reason = True
    if op == "reason":
        why = [p for p in found if W.says_why(p.text) or "故此表无数据" in p.text]
        gives_reason = bool(why)
        found = why or found
    if not found:
        return []
    best = found[0]
    spans = _spans_in(q, best)
    # asked why, a passage that states no reason answers only what it says: weighed as text
    quality = 0.8 if op != "text" and gives_reason else 0.75 if op == "text" else 0.6
    draft = _numbers(q, _quote(found), env, named=any(m.quality >= 0.9 for m in ms))
    return [Reading(op, draft, spans=spans, quality=quality, strict=True)]


_REASON = re.compile(r"原因|主要是|由于|因为|用于")
_DEFINES = re.compile(r"^(?:[(（][一二三四五六七八九十\d]+[)）])?([^:：,，。]{1,20}?)(?:[:：]指|是指|[:：]反映|反映|[:：]包括|主要包括)")


def anchored(q: Question, ms: list[Mention], env: Env, op: str) -> list[Reading]:
    """Passages about an item the question names: why it changed (its 原因 sentence), what it
    is (the passage that defines it), or what the disclosure says of it."""
    out = []
    for m in ms:
        names = {fold(W.short_item(e.name)) for e in m.entries if e.kind != "narrative" or len(e.name) <= 12}
        # a 绩效 project is named by its project name, not by the field that stands for it
        names |= {fold(h.entry.project) for h in m.hits if h.how == "project" and h.entry.project}
        names = {n for n in names if len(n) >= 2}
        if not names:
            continue
        best: list[tuple[float, Passage]] = []
        for p in doc_passages(env.doc):
            body = fold(p.text)
            hit = sorted((n for n in names if n in body), key=lambda n: (-len(n), n))
            if not hit:
                continue
            name = hit[0]
            at = body.find(name)
            if op == "reason" and not _REASON.search(body):
                continue
            if op == "define":
                d = _DEFINES.match(body)
                defined = d is not None and name in d.group(1)
                said = re.search(re.escape(name) + r"(?:项目)?(?:费用|费)?[:：，,]?(?:反映|是指|指|包括|主要用于|主要包括|用于)", body)
                if not defined and not said:
                    continue
            rank = 1.0 - min(at, 100) / 200 - min(len(body), 400) / 2000
            if op == "reason" and "原因" in body[at:]:
                rank += 0.5
            best.append((rank, p))
        if not best:
            continue
        best.sort(key=lambda rp: -rp[0])
        # why the named item changed: the sentence's own figures (its amounts, the change) are stated
        # (only for an item named as it is: a loose match may be another item's sentence)
        draft = _numbers(q, _quote([p for _, p in best]), env, named=True, stated=op == "reason" and m.quality >= 0.9)
        entry = m.entries[0]
        out.append(Reading(op, draft, items=[entry], spans=[m.span], hows=[m.hits[0].how],
                           extra=list(m.extra), quality=m.quality * (0.97 if op != "text" else 0.85)))  # fmt: skip
    return out


def form_fields(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'科普经费项目的立项依据' — a 绩效 project's own field, quoted."""
    out = []
    for m in ms:
        for project in sorted({h.entry.project for h in m.hits if h.how == "project" and h.entry.project}):
            for p in doc_passages(env.doc):
                field = fold(p.provenance.row or "")
                if field and field in q.text and fold(project) in fold(p.context):
                    start = q.text.find(field)
                    draft = _numbers(q, _quote([p]), env, named=True)
                    out.append(Reading("text", draft, spans=[m.span, (start, start + len(field))], extra=list(m.extra),
                                       quality=m.quality * 0.97))  # fmt: skip
                    break
    return out


def _spans_in(q: Question, p: Passage) -> list[tuple[int, int]]:
    """The question's words the passage contains (positions in the question)."""
    haystack = fold(p.text + " " + p.context)
    out, pos = [], 0
    for tok in _jieba().lcut(q.text):
        start, end = pos, pos + len(tok)
        pos = end
        if len(tok) >= 2 and tok in haystack:
            out.append((start, end))
        elif len(tok) >= 3:
            # a compound the tokenizer kept whole: its 2-character parts
            for i in range(len(tok) - 1):
                if tok[i : i + 2] in haystack:
                    out.append((start + i, start + i + 2))
    return out


_DUTIES = re.compile(
    r"(?:负责|做|干|管)(?:什么|哪些|啥)(?:工作|事情|事|业务)?|工作职责|职能职责|职能|职责|主要工作|干什么的|干啥的|做什么的|"
    r"干嘛的|是干什么|是做什么|业务范围|主要任务"
)
_DUTY_HEADINGS = re.compile(r"职能|职责|主要任务|基本情况|部门概况")


def functions(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'这个单位是干什么的' — the disclosure's own 职能职责 section."""
    m = _DUTIES.search(q.text)
    if not m or any(h.how in ("name", "code") for x in ms for h in x.hits if h.entry.kind != "narrative"):
        return []
    for section in env.doc.sections:
        if section.paragraphs and re.search(r"职能|职责", section.heading):
            p = section.paragraphs[0]
            prov = env.doc.cite(p.line, section=" > ".join(section.path))
            draft = _quote([Passage(p.text, prov, context=section.heading)])
            return [Reading("text", draft, spans=[m.span()], quality=0.92)]
    return []


def _numbers(q: Question, draft: Draft, env: Env, named: bool = False, stated: bool = False) -> Draft:
    """Attach the passage's figures when the question asks for numbers or targets (``stated``:
    the passage is the named item's own sentence, and its figures are the answer's)."""
    if stated or re.search(r"数字|数据|指标|目标|任务", q.text):
        return with_figures(draft, env)
    # '钱从哪来，又是怎么花的': an overview of the whole budget answered by a paragraph states the
    # paragraph's figures (of an item the question names, a paragraph found by words may be another's)
    if q.has_op("breakdown", "composition", "change") and not q.has_op("value", "count") and not named:
        return with_figures(draft, env)
    return draft


_CONTACT = re.compile(r"联系人|联系电话|联系方式|电话|找谁|咨询电话|打哪个|热线|邮箱|地址")


def contacts(q: Question, env: Env) -> list[Reading]:
    """'有疑问找谁，电话多少' — the disclosure's own contact line (every disclosure ends with one)."""
    cue = list(_CONTACT.finditer(q.text))
    if not cue:
        return []
    for p in doc_passages(env.doc):
        if re.search(r"联系人|联系电话|电话[:：]", p.text) and len(p.text) <= 200:
            draft = _quote([p])
            spans = [m.span() for m in cue] + [m.span() for m in re.finditer(r"预算|公开|咨询|问题|疑问|事情|事", q.text)]
            return [Reading("text", draft, spans=spans, quality=0.95)]
    return []


def with_figures(draft: Draft, env: Env) -> Draft:
    """A quoted 绩效 target or plan with numbers: its figures as results, each cited."""
    if not draft.passages:
        return draft
    p = draft.passages[0]
    # a paragraph wraps over several lines (PDF text): its figures are those of its own sentences
    at = p.provenance.line
    figs = [f for f in env.figures if f.origin == "narrative" and at <= f.source.line <= at + 20 and f.sentence and f.sentence in p.text]
    if not figs:
        return draft
    cands = [Candidate(W.narrative_entry(env.catalog, f), f, 0) for f in figs]
    return Draft(draft.status, draft.text, cands, [Result(f.value, f.unit, f.item) for f in figs], passages=draft.passages)


def _quote(found: list[Passage]) -> Draft:
    best = found[0]
    prov = best.provenance
    where = prov.section or prov.table_title or "正文"
    if prov.row:
        where += f"（{prov.row}）"
    return Draft("answered", f"根据公开文件“{where}”：「{best.text}」", passages=found[:2])


def empty_tables(q: Question, env: Env) -> list[Reading]:
    """A table the department left empty, named by its kind or number: its own note."""
    from ingest.roles import Role, role_of

    econ = {Role.BASIC_ECON_GOV, Role.BASIC_ECON_DEPT, Role.PROJECT_ECON_DEPT, Role.PROJECT_ECON_GOV}
    out = []
    spans = q.cue_spans("table", "table_no")
    for t in env.doc.tables:
        named = t.no in q.table_nos or (role_of(t) in q.roles and role_of(t) not in econ)
        if named and t.status == "empty":
            note = t.note or "本表无数据。"
            text = f"表{W.cn(t.no)}“{t.full_title}”没有数据：「{note}」"
            draft = Draft("answered", text, passages=[Passage(note, W.table_provenance(env.doc.id, t))])
            words = [(i, i + 2) for i in range(len(q.text) - 1) if q.text[i : i + 2] in fold(t.full_title + (t.note or ""))]
            out.append(Reading("text", draft, spans=spans + words, quality=0.9))
    return out


def code_names(q: Question, ms: list[Mention]) -> list[Reading]:
    """'2012903对应什么科目' — the name a 科目编码 stands for."""
    out = []
    for m in ms:
        coded = [h for h in m.hits if h.how == "code"]
        if coded:
            e = coded[0].entry
            text = f"科目编码{e.code}是“{e.name}”（表{W.cn(e.table_no)}）。"
            out.append(Reading("text", Draft("answered", text), items=[e], spans=[m.span], hows=["code"], quality=0.9))
    return out



_HEAD_NUMBER = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])\s*")
_HEAD_TAIL = re.compile(r"(?:的)?(?:情况说明|情况|说明|概况)$")
_SECTION_OPS = ("text", "breakdown", "composition", "change")


def sections(q: Question, env: Env) -> list[Reading]:
    """'收支总体是个什么情况': the section whose heading holds the question's topic words
    ('一、收入支出决算总体情况说明'), character by character, as people shorten it (收支 for
    收入支出): its first paragraph, with the figures it states."""
    if not q.has_op(*_SECTION_OPS):
        return []
    cued = {i for c in q.cues if c.kind != "measure" for i in range(c.start, c.end)}
    own = {i for s, e in q.cue_spans("measure") if q.text[s:e] == env.doc.kind for i in range(s, e)}
    topic = sorted(i for i in content_positions(q) if i not in cued | own)
    if len(topic) < 3:
        return []
    best: tuple[float, list[int], object] | None = None
    for s in env.doc.sections:
        core = fold(_HEAD_TAIL.sub("", _HEAD_NUMBER.sub("", s.heading.strip())))
        if not s.paragraphs or len(core) < 3:
            continue
        plain = core.replace(env.doc.kind, "")  # '决算' of a 决算's heading is no topic word
        matched = [i for i in topic if q.text[i] in plain]  # the topic's characters within the heading
        fit = min(len(matched) / len(topic), len(matched) / max(len(plain), 1))
        if len(matched) >= 3 and fit >= 0.6 and (best is None or fit > best[0]):
            best = (fit, matched, s)
    if best is None:
        return []
    _, matched, section = best
    para = section.paragraphs[0]
    lines = set(para.lines or (para.line,))
    passage = Passage(para.text, env.doc.cite(para.line, section=" > ".join(section.path)), context=section.heading)
    figs = [f for f in env.figures if f.origin == "narrative" and f.source.line in lines and f.sentence and f.sentence in para.text]
    cands = [Candidate(W.narrative_entry(env.catalog, f), f, 0) for f in figs]
    text = f"根据公开文件“{section.heading.strip()}”：「{para.text}」"
    draft = Draft("answered", text, cands, [Result(f.value, f.unit, f.item) for f in figs], passages=[passage])
    spans = [(i, i + 1) for i in matched] + q.cue_spans("op")
    return [Reading("text", draft, spans=spans, quality=0.85, strict=True)]


def sentence_columns(q: Question, env: Env) -> list[Reading]:
    """'做了绩效自评的那几个项目，预算和执行各是多少': a sentence listing several subjects by the
    same columns, asked for those columns of each: every subject with the columns asked."""
    if not q.has_op("breakdown"):
        return []
    out = []
    columns = vocabulary().sentence_columns
    by_sentence: dict[str, list] = {}
    for f in env.figures:
        if f.origin == "narrative" and f.measure in columns and f.sentence:
            by_sentence.setdefault(f.sentence, []).append(f)
    for figs in by_sentence.values():
        subjects = list(dict.fromkeys(f.item for f in figs))
        asked = {m: [w for w in columns[m] if w in q.text] for m in dict.fromkeys(f.measure for f in figs)}
        asked = {m: ws for m, ws in asked.items() if ws}
        if len(subjects) < 2 or not asked:
            continue
        lines, cands, results = [], [], []
        for s in subjects:
            parts = [f for f in figs if f.item == s and f.measure in asked]
            if parts:
                lines.append(f"{W.short_item(s)}：" + "，".join(f"{f.measure}{W.shown(f)}" for f in parts))
                cands += [Candidate(W.narrative_entry(env.catalog, f), f, 0) for f in parts]
                results += [Result(f.value, f.unit, f"{s}{f.measure}") for f in parts]
        if len(lines) < 2:
            continue
        words = {w for ws in asked.values() for w in ws} | {w for s in subjects for w in ("项目",) if w in s}
        spans = [(m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), q.text)]
        # the paragraph around says what the subjects are ('对3个项目开展了绩效自评'); a listing
        # of them answers '哪几个项目'
        para = next((p.text for sec in env.doc.sections for p in sec.paragraphs if figs[0].sentence in p.text), "")
        extra = shared_words(q.text, fold(para)) + [(c.start, c.end) for c in q.cues if c.kind == "op" and c.value == "list"]
        text = f"说明中列出{len(lines)}项：\n" + "\n".join(f"• {ln}" for ln in lines)
        draft = Draft("answered", text, cands, results)
        items = list({c.entry.name: c.entry for c in cands}.values())
        out.append(Reading("breakdown", draft, items=items, spans=spans, extra=extra, quality=0.85))
    return out
