"""Questions beyond one cell, answered from the figure store: composition and breakdown
(what an item — or the whole budget — is made of), ranking, lists (projects, items that grew
or shrank), change against the previous year, per-unit figures and 决算 completion rates.
Every figure is a stored cell; every computed number has its formula."""

from __future__ import annotations

import re
from decimal import Decimal

from core.records import Figure, Result
from core.text import cn_to_int
from core.vocab import fold, vocabulary
from ingest.roles import Role, role_of
from qa import calc as C
from qa import compose as W
from qa.catalog import PROJECT_AMOUNTS, Entry
from qa.context import only_cue_words
from qa.drivers import asks_drivers, drivers
from qa.lookup import Candidate, figures_for, is_generic, total_entries
from qa.match import Mention
from qa.members import Members, members, row_figures
from qa.ops import (
    MONEY,
    Env,
    acquiring,
    acquisition,
    best_of,
    default_years,
    groups,
    part_of_total,
    reading_for,
    stated,
    stated_as_total,
    year_pair,
)
from qa.question import Question
from qa.readings import Draft, Reading, count_texts, names_counted

# --- readings ------------------------------------------------------------------------------------


def breakdown(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    year = default_years(q)[0]
    out = []
    perf = bool(q.roles & {Role.PERF_OVERALL, Role.PERF_GENERAL, Role.PERF_KEY})
    subjects: list[Mention | None] = [m for m in ms if m.entries] or ([None] if _whole(q) or perf else [])
    for m in subjects:
        for mem in members(q, m, env, year):
            out.append(_listing(q, mem, year, op="breakdown", shares=True, quality=_q(q, m, mem), env=env))
    if not out and subjects != [None] and q.roles:
        # '政府性基金那部分钱都花在哪': the fund's own row has no parts; the table it names does
        out += [_listing(q, mem, year, op="breakdown", shares=True, quality=0.85, env=env) for mem in members(q, None, env, year)]
    return out


def _whole(q: Question) -> bool:
    """No item named: the whole budget, when the question asks how it is made up."""
    return q.has_op("composition") or any(c.kind == "total" for c in q.cues) or (bool(
        re.search(r"钱|经费|预算|支出|收入", q.text)
    ) and q.has_op("rank", "breakdown"))  # '钱是怎么分的', '预算主要花在哪几块': the whole budget


def _q(q: Question, m: Mention | None, mem: Members) -> float:
    from qa.ops import hit_quality

    if m is None:
        return 0.85
    return hit_quality(m, mem.entry, q) if mem.entry is not None else m.quality


def asks_lowest(q: Question) -> bool:
    return bool(re.search(r"最少|最小|最低|最便宜", q.text))


def _line(c: Candidate, whole: Candidate | None, shares: bool, calcs: list, results: list) -> str:
    e = c.entry
    name = f"{e.name}" if e.kind in ("indicator", "three_public", "narrative") else e.label
    text = f"{name} {W.shown(c.figure)}"
    results.append(Result(c.figure.value, c.figure.unit, c.label))
    if shares and whole is not None and whole.figure.value and c.figure.unit == whole.figure.unit:
        s = C.share(c.figure.value, whole.figure.value, 1)
        calcs.append(s)
        results.append(Result(s.value, "%", f"{e.name}占比"))
        text += f"（占{W.plain(s.value)}%）"
    return text


def _listing(
    q: Question, mem: Members, year: int, op: str, shares: bool, quality: float, parts=None, env: Env | None = None
) -> Reading:
    ranked = parts is not None
    parts = parts if ranked else sorted(mem.parts, key=lambda c: -c.yuan if c.figure.unit in MONEY else 0)
    calcs: list = []
    results: list[Result] = []
    whole = mem.whole
    lines = []
    cands = ([whole] if whole is not None else []) + list(parts)
    for c in parts:
        line = _line(c, whole, shares, calcs, results)
        kids = mem.children.get(c.figure.source.line, []) if not ranked else []
        if kids:
            line += "，其中：" + "、".join(_line(k, None, False, calcs, results) for k in kids)
            cands += kids
        lines.append(line)
    head = f"{mem.title}为{W.shown(whole.figure)}，" if whole is not None else f"{mem.title}："
    if whole is not None:
        # the whole first for a breakdown; after the ranked items for a ranking
        at = len(results) if op == "rank" else 0
        results.insert(at, Result(whole.figure.value, whole.figure.unit, whole.label))
    order = "按金额从大到小：" if len(parts) > 1 and all(c.figure.unit in MONEY for c in parts) else ""
    if op == "rank" and len(parts) == 1:  # '哪项最多': say which one the ranking picked
        order = f"其中{'最少' if asks_lowest(q) else '最多'}的是"
    text = head + order + "；".join(lines) + "。"
    said = _said_of(env, whole, parts) if env is not None and op == "breakdown" else None
    if said is not None:  # the narrative's own account of the same amounts (what '其他收入' is)
        text += f"说明中写道：「{said.text}」"
        extra = [c for c in _sentence_figures(env, said, cands) if c.yuan not in {x.yuan for x in cands}]
        cands += extra
        results += [Result(c.figure.value, c.figure.unit, c.figure.item) for c in extra]
    draft = Draft("answered", text, cands, results, calcs, passages=[said] if said is not None else [])
    r = reading_for(op, q, cands, [], draft, [year], quality=quality)
    r.spans = list(mem.spans)
    r.extra += mem.extra
    if mem.words:
        r.extra += [m.span() for m in re.finditer(mem.words, q.text)]
    r.items = [mem.entry] if mem.entry is not None else []
    r.hows = ["name"] * len(r.spans) if r.spans else ["total"]
    r.uses_total = mem.whole_budget
    return r


def _said_of(env: Env, whole: Candidate | None, parts: list[Candidate]) -> object | None:
    """The narrative passage stating the whole and at least two of its parts, with the same
    amounts (the 说明's sentence on the income, '其中：…其他收入85,000元，为…收入'); short ones only."""
    from qa.passages import doc_passages

    if whole is None or len(parts) < 2:
        return None
    amounts = {c.yuan for c in [whole, *parts] if c.figure.unit in MONEY}
    figs = [f for f in env.figures if f.origin == "narrative" and f.sentence and f.yuan in amounts]
    for p in doc_passages(env.doc):
        if len(p.text) > 300:
            continue
        said = {f.yuan for f in figs if f.sentence in p.text}
        if whole.yuan in said and len(said & (amounts - {whole.yuan})) >= 2:
            return p
    return None


def project_amounts(q: Question, env: Env, year: int) -> tuple[list[Candidate], str, list[tuple[int, int]]]:
    """The department's projects with their amounts: the 绩效 forms' amounts, else the rows of the
    项目支出 table (of the fund the question names); with what lists them and the fund's words."""
    found = [
        Candidate(e, e.figures[0], 0)
        for e in env.entries()
        if e.kind == "form" and e.figures and (
            (e.project and e.name in PROJECT_AMOUNTS)  # a form per project: its amount row
            # a row per project (named by it: the project of its indicators below)
            or (e.project in (None, e.name) and e.figures[0].source.column.split("/")[-1] in PROJECT_AMOUNTS)
        )
    ]
    title = "绩效目标表列出的项目"
    fund_span: list[tuple[int, int]] = []
    if not found:
        table = next((t for t in env.doc.tables if role_of(t) is Role.PROJECT_DETAIL and t.status == "data"), None)
        if table is not None:
            rows = [r for r in table.rows if not is_generic(fold(r.name))]
            found = row_figures(env, table, rows, None, q, year)
            title = f"表{W.cn(table.no)}{table.title}列出的项目"
            # '政府性基金的钱用在哪些项目': the projects its own funding column pays for
            column, fund_span = _fund_column(q, found)
            if column is not None:
                found = [
                    Candidate(c.entry, f, 0)
                    for c in found
                    for f in c.entry.figures
                    if f.source.column == column and f.value and f.source.line == c.figure.source.line
                ]
                title = f"表{W.cn(table.no)}{table.title}中由{column.split('/')[-1]}安排的项目"
    return found, title, fund_span


def projects(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'有哪些项目' — the 绩效 projects with their 当年预算, else the 项目支出明细 rows."""
    if "项目" not in q.text:
        return []
    year = default_years(q)[0]
    found, title, fund_span = project_amounts(q, env, year)
    if not found:
        return []
    lines = [f"{c.entry.project or c.entry.name} {W.shown(c.figure)}" for c in found]
    results = [Result(c.figure.value, c.figure.unit, c.label) for c in found]
    text = f"{title}共{len(found)}个：" + "；".join(lines) + "。"
    calc = C.tally(len(found))
    draft = Draft("answered", text, found, [Result(Decimal(len(found)), "个", "项目数"), *results], [calc])
    r = reading_for("list", q, found, [], draft, [year], quality=0.92)
    r.spans = [m.span() for m in re.finditer("项目", q.text)] + fund_span
    return [r]


def _fund_column(q: Question, found: list[Candidate]) -> tuple[str | None, list[tuple[int, int]]]:
    """The funding column of the project table a question names ('政府性基金'), with its words."""
    for fund in vocabulary().units["funds"]:
        at = q.text.find(fund)
        if at < 0:
            continue
        columns = {f.source.column for c in found for f in c.entry.figures if f.source.column and fund in f.source.column}
        if len(columns) == 1:
            return columns.pop(), [(at, at + len(fund))]
    return None, []


def pair_of(q: Question, env: Env, e: Entry) -> list[tuple[Candidate, Candidate]]:
    from qa.match import Hit

    m = Mention(0, 0, (Hit(e, 0, 0, "name", 1.0),))
    return year_pair(q, m)


def change(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'多了还是少了', '有什么变化': both years, the difference, the rate, and the reason given.
    When the tables do not list the previous year, the change the narrative states."""
    out = []
    subjects: list[Mention | None] = [m for m in ms if m.entries] or [None]
    for m in subjects:
        entries = m.entries if m is not None else total_entries(env.catalog, env.doc.id)
        totals = m is None or all(h.how == "total" for h in m.hits)
        pairs = year_pair(q, m) if m is not None and not totals else []
        if m is not None and not totals and not pairs:
            pairs = _stated_pair(q, env, m)
        stated_change = _stated_change(q, env, m, entries)
        if totals and stated_change is not None:
            out.append(_stated_reading(q, env, m, entries, stated_change))
            continue
        if not pairs and totals:
            for e in entries:
                pairs = pair_of(q, env, e)
                if pairs:
                    break
        if pairs:
            out += [_pair_reading(q, env, m, prev, cur) for prev, cur in pairs[:1]]
        elif stated_change is not None:
            out.append(_stated_reading(q, env, m, entries, stated_change))
    return out


def _stated_pair(q: Question, env: Env, m: Mention) -> list[tuple[Candidate, Candidate]]:
    """The table lists only this year; a sentence that states the same amount states last
    year's beside it ('“三公”经费…82,500.00元…比2022年度87,570.00元减少…'): that pair."""
    prev_year = q.base_year or q.doc.year - 1
    for g in groups(q, m, q.doc.year):
        cur = best_of(g)
        for n in env.catalog.entries_of(env.doc.id):
            if n.kind != "narrative":
                continue
            said = [f for f in n.figures if (f.value, f.unit, f.year) == (cur.figure.value, cur.figure.unit, cur.figure.year)]
            prev = [
                f for f in n.figures
                if f.year == prev_year and f.unit == cur.figure.unit and any(f.sentence == s.sentence for s in said)
            ]  # fmt: skip
            if prev:
                return [(Candidate(W.narrative_entry(env.catalog, prev[0]), prev[0], cur.mention), cur)]
    return []


def _stated_change(q: Question, env: Env, m: Mention | None, entries: list[Entry]) -> Figure | None:
    base = q.base_year or q.doc.year - 1
    found = []
    for e in entries:
        found += [f for f in stated(env, e, ("增加", "减少")) if f.unit in MONEY]
        found += [f for f in stated(env, e, ("持平",))]
    # against the previous year ('较2023年', '比上年'), not against the budget
    found = [f for f in found if str(base) in f.measure or "上年" in f.measure or not re.search(r"预算|\d{4}", f.measure)]
    return found[0] if found else None


def _stated_reading(q: Question, env: Env, m: Mention | None, entries: list[Entry], f: Figure) -> Reading:
    """This year's amount, the change the narrative states, and last year's by calculation."""
    cur = None
    for e in entries:
        figs = figures_for(e, q, q.doc.year, q.doc.kind, amounts=True, named=False)
        if figs:
            cur = Candidate(e, figs[0], 0)
            break
    change_c = Candidate(W.narrative_entry(env.catalog, f), f, 0)
    up = f.measure.endswith(("增加", "增长"))
    results = [Result(f.value, f.unit, "变化额（说明）")]
    calcs = []
    text = ""
    cands = [change_c]
    if cur is not None and cur.figure.unit == f.unit:
        prev = C.Calc(f"{W.plain(cur.figure.value)} {'-' if up else '+'} {W.plain(f.value)}",
                      cur.figure.value - f.value if up else cur.figure.value + f.value, f.unit,
                      C._places_of(cur.figure.value, f.value))  # fmt: skip
        calcs.append(prev)
        results = [Result(cur.figure.value, cur.figure.unit, cur.label), Result(prev.value, prev.unit, f"{q.doc.year - 1}年（推算）"), *results]
        text = f"{W.subject(cur)}{q.doc.year}年为{W.shown(cur.figure)}，"
        cands.insert(0, cur)
        text += f"据说明{W.short_item(f.item)}{f.measure}{W.shown(f)}，即{q.doc.year - 1}年约为{prev.shown}。"
    else:
        text = f"根据说明，{W.short_item(f.item)}{f.measure}{W.shown(f)}。"
    passages = _reason(q, env, (cur or change_c).entry, abs(f.yuan) if f.yuan is not None else None)
    if passages:
        text += f"说明中写道：「{passages[0].text}」"
        extra = _sentence_figures(env, passages[0], cands)
        cands += extra
        results += [Result(c.figure.value, c.figure.unit, c.figure.item) for c in extra]
    draft = Draft("answered", text, cands, results, calcs, passages=passages[:1])
    return reading_for("change", q, cands, [m] if m is not None else [], draft, [q.doc.year - 1, q.doc.year],
                       uses_total=m is None, quality=(m.quality if m is not None else 0.85) * 0.97 * _unsaid_why(q, passages))  # fmt: skip


def _sentence_figures(env: Env, p, have: list[Candidate]) -> list[Candidate]:
    """The amounts the quoted reason states ('主要是基本支出增加236,498.19元'), and the rates of
    change it states ('增长3.5%'), as figures."""
    seen = {c.figure for c in have}
    figs = [
        f
        for f in env.figures
        if f.origin == "narrative" and f.sentence and f.sentence in p.text and f not in seen
        and (f.unit in MONEY or (f.unit == "%" and re.search(r"增长|下降|增幅|降幅", f.measure)))
    ]
    return [Candidate(W.narrative_entry(env.catalog, f), f, 0) for f in figs]


def _pair_reading(q: Question, env: Env, m: Mention | None, prev: Candidate, cur: Candidate) -> Reading:
    d = C.difference(cur.figure.value, prev.figure.value, cur.figure.unit)
    calcs = [d]
    word = "增加" if d.value > 0 else "减少" if d.value < 0 else "持平"
    text = f"{W.subject(cur)}{cur.figure.year}年为{W.shown(cur.figure)}，{prev.figure.year}年为{W.shown(prev.figure)}，"
    results = [
        Result(cur.figure.value, cur.figure.unit, cur.label),
        Result(prev.figure.value, prev.figure.unit, prev.label),
        Result(abs(d.value), d.unit, "变化额"),
    ]
    if d.value == 0:
        text += "与上年持平。"
    else:
        text += f"{word}{W.amount(abs(d.value), d.unit)}"
        if prev.figure.value:
            g = C.growth(cur.figure.value, prev.figure.value, q.places or 1)
            calcs.append(g)
            results.append(Result(g.value, "%", "增长率"))
            text += f"（{'增长' if g.value > 0 else '下降'}{W.plain(abs(g.value))}%）"
        text += "。"
    passages = _reason(q, env, cur.entry, _yuan(abs(d.value), d.unit))
    cands = [cur, prev]
    if passages:
        text += f"说明中写道：「{passages[0].text}」"
        extra = _sentence_figures(env, passages[0], cands)
        cands += extra
        results += [Result(c.figure.value, c.figure.unit, c.figure.item) for c in extra]
    if asks_drivers(q):  # '为什么涨了', '主要涨在哪': the rows that moved it
        said, moved, more, steps = drivers(env, prev, cur)
        text, cands, results, calcs = text + said, cands + moved, results + more, calcs + steps
    draft = Draft("answered", text, cands, results, calcs, passages=passages[:1])
    return reading_for("change", q, [cur], [m] if m is not None else [], draft, [prev.figure.year, cur.figure.year],
                       uses_total=m is None, quality=(0.85 if m is None else m.quality) * _unsaid_why(q, passages))  # fmt: skip


def _unsaid_why(q: Question, passages: list) -> float:
    """Asked why, a change the disclosure gives no reason for answers only half the question."""
    return 0.75 if q.has_op("reason") and not passages else 1.0


_LEAD = re.compile(r"^[\s(（\[]*[一二三四五六七八九十\d]+[)）\]、.．]\s*")


def _reason(q: Question, env: Env, e: Entry, change: Decimal | None = None) -> list:
    """The narrative sentence that explains the item's change ('主要原因是…'). One that states
    the change itself (its amount, in either unit) comes first: a paragraph on all spending also
    says why 住房公积金 rose, and only the sentence with the total's own change explains the total."""
    from qa.passages import doc_passages

    name = fold(W.short_item(e.name))
    stem = re.sub(r"(?:合计|总计)$", "", name)
    if is_generic(name) and (len(stem) < 3 or is_generic(stem) or stem.endswith(("支出", "收入"))):
        name = "支出"  # the grand total: the sentence on all spending
    elif is_generic(name):
        name = stem  # '“三公”经费合计' is explained where 三公经费 is
    best = []
    for p in doc_passages(env.doc):
        body = fold(p.text)
        explains = W.says_why(body) and re.search(r"增加|减少|持平|增长|下降", body)
        if name in body and explains and len(p.text) <= 400:
            best.append(p)
    stating = _stating(env, best, change) if change else set()
    # '科学技术支出(类)科学技术普及(款)机构运行(项)…较2023年增加…': a sentence on a row under
    # the item explains that row, not the item (unless it states the item's own change)
    under = re.compile(re.escape(name) + r"[(（]类[)）].*?[(（](?:款|项)[)）]")
    best = [p for p in best if id(p) in stating or not under.search(fold(p.text))]
    # a passage that does not state the change explains it only when the item is its subject
    # (near its start), not an amount listed in a sentence on the total ('其中：…科学技术支出3,050,000元')
    best = [p for p in best if id(p) in stating or _LEAD.sub("", fold(p.text)).find(name) in range(0, 12)]
    # then the sentence the item is the subject of ('（1）基本支出…较2023年增加…主要原因是'), not
    # one that gives it as the reason of another change ('支出较2023年减少…主要是基本支出增加')
    best.sort(key=lambda p: (id(p) not in stating, min(fold(p.text).find(name), 40) // 8, len(p.text)))
    return best


def _yuan(value: Decimal, unit: str) -> Decimal | None:
    return value * 10_000 if unit == "万元" else value if unit == "元" else None


def _stating(env: Env, passages: list, change: Decimal) -> set[int]:
    """The passages (by id) one of whose narrative figures is the change amount, in 元."""
    amounts = [f for f in env.figures if f.origin == "narrative" and f.sentence and f.yuan is not None and abs(f.yuan) == change]
    return {id(p) for p in passages if any(f.sentence in p.text for f in amounts)}


def per_unit(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """'每辆车的运行费' — an amount divided by the count the disclosure states (formula shown).
    The count must count what the question divides by: '每个村' is never divided by 9个 绩效自评."""
    v = vocabulary()
    counters = sorted(v.units["counters"], key=len, reverse=True)
    m_per = re.search(r"(?:每|平均一|人均|一)(?:一)?(" + "|".join(map(re.escape, counters)) + ")", q.text)
    counter = m_per.group(1) if m_per else None
    # the noun ends where an item begins ('每辆车运行维护费' counts 车, not 车运行维护费)
    stop = min([m.start for m in ms if m_per and m.start >= m_per.end()], default=len(q.text))
    noun = _noun_after(q.text[m_per.end() : stop]) if m_per else ""
    if m_per and not noun and m_per.group(1) == "个":  # '每个村的补助': 个 counts anything, the noun says what
        noun = _noun_after(q.text[m_per.end() :])
    if counter in ("个", "位", "名") and noun and any(noun.endswith(p) for p in v.units.get("people", ())):
        counter = "人"  # '每个老人', '每位老人': a number of people
    # '一个人', '每个人': people, and nothing says which — only people counted about the item itself
    # (培训妇女600人 for a training's money), never the department's staff by default
    anyone = counter in ("个", "位", "名") and noun.startswith("人")
    if anyone:
        counter, noun = "人", ""  # what follows 人 is what they get ("每个人摊多少")
    if counter is None and re.search(r"单车|车均", q.text):
        counter, noun = "辆", "车"
    if counter is None and re.search(r"每个(?:老人|人|对象|学生|孩子|家庭)|人均", q.text):
        counter = "人"
    if counter is None:
        return []
    # a 绩效 target counts what it names too ('享受高龄津贴老人人数4100人' for '每个老人'), when named
    measures = ("数量", "指标值") if noun else ("数量",)
    # in the counting word itself: 台 takes 台（套）, 人 never takes 人次 (visits are not people)
    counts = [f for f in env.figures if _counts_by(f.unit, counter) and f.measure in measures and f.value > 0]
    # counts that answer only when stated about the item itself: a 绩效 target of its own project
    # ('12315投诉…受理投诉举报6000件' for '平均处理一件'), and the visits of a reception ('接待…146
    # 人次' for '接待来客平均一个人') — never a stand-in for the department's own count
    own_only = [
        f for f in env.figures
        if f.value > 0 and f.measure in ("数量", "指标值") and f not in counts
        and (_counts_by(f.unit, counter) or (counter == "人" and f.unit == "人次"))
    ]  # fmt: skip
    strict = False
    named: list[Figure] = []
    if noun:
        named = [f for f in counts if names_counted(noun, f.unit, count_texts(f))]
        # an occasion counted ('一批客人', '一场会议'): the noun is who or what takes part; the count
        # is of the occasions, and must be stated about the item itself ('公务接待42批次')
        strict = not named and counter in _OCCASIONS
        counts = named or (counts if strict else [])
    if not counts and not own_only:
        return []
    # '会议费平均每次多少': occasions counted must be stated about the item itself (150次 of 科技培训
    # is no count of meetings); only things held (车, 人) fall back to the department's own count
    strict = strict or (not noun and counter in _OCCASIONS) or anyone
    out = []
    year = default_years(q)[0]
    for m in ms:
        for g in groups(q, m, year):
            c = best_of(g)
            if c.figure.unit not in MONEY:
                continue
            n = _count_for(c, counts, related_only=strict, named=bool(named)) if counts else None
            if n is None and own_only:
                n = _count_for(c, own_only, related_only=True)
            if n is None:
                continue
            # a 万元 amount is divided in 元 when the share is under a 万 (12万元 over 600 people is
            # 200.00元, not 0.02万元), unless 万元 is asked; 6.40万元 over 3 cars stays 2.13万元
            amount, unit = c.figure.value, c.figure.unit
            if unit == "万元" and q.unit_asked != "万元" and (q.unit_asked == "元" or amount < n.value):
                amount, unit = amount * 10000, "元"
            calc = C.Calc(f"{W.plain(amount)} / {W.plain(n.value)}", C.q(amount / n.value, 2), unit, 2)
            cn = Candidate(W.narrative_entry(env.catalog, n), n, 0)
            text = (f"{W.subject(c)}为{W.shown(c.figure)}，{W.short_item(n.item)}{W.shown(n)}，"
                    f"平均每{counter}{calc.shown}。")  # fmt: skip
            results = [Result(calc.value, calc.unit, f"平均每{counter}"), Result(c.figure.value, c.figure.unit, c.label),
                       Result(n.value, n.unit, n.item)]  # fmt: skip
            draft = Draft("answered", text, [c, cn], results, [calc])
            # who takes part in an occasion ('一批客人') is accounted for by the occasions' count
            extra = [(m_per.end(), m_per.end() + len(noun))] if strict and m_per else []
            extra += [m_per.span()] if m_per else []  # '一人', '每辆': the unit divided by
            # '平均处理一件', '平均培训一个人': the act counted, between 平均 and its counter
            if m_per and (avg := q.text.rfind("平均", max(0, m_per.start() - 4), m_per.start())) >= 0:
                extra.append((avg, m_per.start()))
            # the count the asker states, when it is the disclosure's ('退休的3个人', '两辆车')
            extra += [x.span() for x in _STATED_COUNT.finditer(q.text) if cn_to_int(x.group(1)) == n.value]
            out.append(reading_for("per_unit", q, [c], [m], draft, [year], extra=extra))
    return out


# Words that end the noun after '每个' (particles, verbs, question words, a time span): '每批次花了
# 多少' names no noun; '每个村的补助' names 村.
def _noun_after(text: str) -> str:
    """The noun right after '每个' ('每个村的补助' → 村, '每辆公车一年' → 公车); '' when none."""
    ends = re.escape("".join(vocabulary().units["noun_end"]))
    m = re.match(rf"[^{ends}\W\d]+", text)
    return m.group() if m else ""


_OCCASIONS = ("次", "批", "场", "批次", "场次")
_STATED_COUNT = re.compile(r"([\d一二两三四五六七八九十百]+)(?:个|名|位|辆|台|人)(?:人|车)?")


def _counts_by(unit: str, counter: str) -> bool:
    """A count in ``unit`` answers '每{counter}': the same word ('台（套）' for 台), or one of its
    group ('批次' for 批) — never 人次 for 人 (visits are not people)."""
    base = re.split(r"[(（]", unit)[0]
    if base == counter:
        return True
    if "人次" in (base, counter):
        return False  # visits are not people
    groups = [set(g.split("/")) for g in vocabulary().units.get("count_groups", ())]
    return any(base in g and counter in g for g in groups)


def _count_for(c: Candidate, counts: list[Figure], related_only: bool = False, named: bool = False) -> Figure | None:
    """The count an amount is divided by: the one stated about the same thing ('公务接待13批次'
    beside 公务接待费) unless it is a part of a stated whole, else the stated whole ('共有车辆3辆，
    其中：执法执勤用车2辆' — each car, not each 执法 car), else the largest."""
    # a 绩效 form's row ('项目资金') is about its project: the project's name says what it pays for
    name = fold(c.entry.project if c.entry.kind == "form" and c.entry.project else c.entry.name).removesuffix("费")
    if not acquiring(name):  # running costs are per car held, not per car bought
        counts = [f for f in counts if not (acquisition(f) or acquiring(f.item))] or counts

    def shared(f: Figure) -> int:
        return max(
            (
                k
                for k in range(2, len(name) + 1)
                if any(name[i : i + k] in fold(f.item) for i in range(len(name) - k + 1))
            ),
            default=0,
        )

    # a part of a stated whole is skipped for things held (each car, not each 执法 car), not for
    # occasions: '其中…全年接待国内公务来访21批次' is the count of the 接待 themselves
    related = [f for f in counts if shared(f) >= 2 and (related_only or not part_of_total(f))]
    if related:
        return max(related, key=lambda f: (shared(f), f.value, -f.source.line))
    if related_only:
        return None
    wholes = [f for f in counts if stated_as_total(f)]
    if not wholes and not named and any(_counts_by(f.unit, "人") for f in counts):
        return None  # people of another kind (资助学生50人) are no divisor of 退休费: no guess
    return max(wholes or counts, key=lambda f: (f.value, -f.source.line))


def completion(q: Question, ms: list[Mention], env: Env) -> list[Reading]:
    """决算 vs 年初预算: the completion rate the disclosure states, else computed."""
    if q.doc.kind != "决算":
        return []
    out = []
    # '完成年初预算的' is a label the narrative uses, made of the operation's own words: no subject
    named = [m for m in ms if not only_cue_words(q, m)]
    subjects: list[Mention | None] = named or [None]
    for m in subjects:
        entries = m.entries if m is not None else total_entries(env.catalog, env.doc.id)
        if m is not None and all(e.kind == "narrative" for e in entries):
            # '一般公共预算财政拨款支出决算数': a phrase of the narrative that states the total's own
            # amount is the total; one that states other amounts (科普经费项目) is not
            said = {(f.value, f.unit) for e in entries for f in e.figures}
            totals = total_entries(env.catalog, env.doc.id)
            entries = entries + [t for t in totals if any((f.value, f.unit) in said for f in t.figures)]
        for e in entries:
            budget = [f for f in e.figures if "预算" in (f.source.column or "") and f.unit in MONEY]
            final = [f for f in e.figures if "决算" in (f.source.column or "") and f.unit in MONEY]
            if not budget or not final or not budget[0].value:
                continue
            b, a = Candidate(e, budget[0], 0), Candidate(e, final[0], 0)
            s = C.share(a.figure.value, b.figure.value, q.places or 1)
            text = f"{W.subject(a)}为{W.shown(a.figure)}，{W.subject(b)}为{W.shown(b.figure)}，完成年初预算的{W.plain(s.value)}%。"
            results = [Result(s.value, "%", "完成率"), Result(a.figure.value, a.figure.unit, a.label),
                       Result(b.figure.value, b.figure.unit, b.label)]  # fmt: skip
            draft = Draft("answered", text, [a, b], results, [s])
            out.append(reading_for("completion", q, [a], [m] if m else [], draft, [q.doc.year],
                                   uses_total=m is None, quality=1.0 if m else 0.85))  # fmt: skip
            break
        if m is not None:
            for e in m.entries:
                for f in stated(env, e, ("完成预算", "执行率", "完成率"), "%"):
                    c = Candidate(W.narrative_entry(env.catalog, f), f, m.start)
                    said = "完成年初预算的" if f.measure.endswith("完成预算") else f"{f.measure}为"  # '预算执行率为92.9%'
                    draft = Draft("answered", f"根据说明，{W.short_item(f.item)}{said}{W.plain(f.value)}%。", [c],
                                  [Result(f.value, "%", "完成率（说明）")])  # fmt: skip
                    out.append(reading_for("completion", q, [c], [m], draft, [q.doc.year]))
    return out

