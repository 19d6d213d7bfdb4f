"""Amounts the asker states roughly: '两百多万', '十几万', '上百万', '三千块左右'.

People describe the figure they ask about ('一般公共服务支出两百多万都花在哪了', '科普活动的钱怎么
一下少了一百多万'): the words name no item and ask nothing, so they are accounted for, and the
range they give is evidence about which reading is meant — the answer should show an amount in
that range (``qa.readings.score`` weighs a reading that shows none lower, never refuses it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PLACES = {"十": 10, "百": 100, "千": 1000}
_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1_000)}

# number (Chinese or Arabic), then 万/亿 (or 千 before 块/元), with a word that makes it rough:
# 多/来/余 around the unit, 几 inside the number, 上/近/约 before it, 左右/上下/出头 after it
_APPROX = re.compile(
    r"(?P<pre>将近|接近|大约|大概|差不多|上|近|约)?"
    r"(?P<num>[0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十百千几]+)"
    r"(?P<more>多|来|余)?"
    r"(?P<unit>万|亿|千(?=多|来|余|块|元))"
    r"(?P<post>多|来|余)?(?:块钱|块|元)?(?P<about>左右|上下|出头)?"
)


@dataclass(frozen=True)
class Approx:
    start: int
    end: int
    low: Decimal  # in 元
    high: Decimal

    def holds(self, yuan: Decimal) -> bool:
        return self.low <= abs(yuan) <= self.high


def _chinese(num: str, few: int) -> tuple[int, int] | None:
    """'两百' → (200, 100): the number (几 read as ``few``) and the place of its last digit."""
    total, digit, place = 0, None, 1
    for ch in num:
        if ch in _DIGITS or ch == "几":
            digit = few if ch == "几" else _DIGITS[ch]
        elif ch in _PLACES:
            place = _PLACES[ch]
            total += (1 if digit is None else digit) * place
            digit = None
        else:
            return None
    if digit is not None:
        total += digit
        place = 1
    return (total, place) if total else None


def approximate_amounts(text: str) -> list[Approx]:
    """Every rough amount in ``text`` with the range of 元 it allows."""
    found: list[Approx] = []
    for m in _APPROX.finditer(text):
        num, unit = m.group("num"), _UNITS[m.group("unit")[0]]
        more = m.group("more") or m.group("post")
        rough = more or m.group("pre") or m.group("about") or "几" in num
        if not rough or num == "几":
            continue  # '30万' is an amount stated, not a rough one; '几万' asks for one (万元)
        if num.replace(".", "").isdigit():
            lo = hi = Decimal(num)
            whole, _, frac = num.partition(".")
            step = Decimal(1).scaleb(-len(frac)) if frac else Decimal(10) ** (len(whole) - len(whole.rstrip("0")))
        else:
            low, high = _chinese(num, 1), _chinese(num, 9)
            if low is None or high is None:
                continue
            lo, hi, step = Decimal(low[0]), Decimal(high[0]), Decimal(low[1])
        word = m.group("pre") or ""
        if more in ("多", "余"):
            hi += step  # '两百多万': 200万 up to 300万
        elif more == "来" or m.group("about") in ("左右", "上下") or word in ("大约", "大概", "差不多", "约"):
            lo, hi = lo * Decimal("0.8"), hi * Decimal("1.2")
        elif word in ("近", "将近", "接近"):
            lo = lo * Decimal("0.8")
        elif m.group("about") == "出头":
            hi = hi * Decimal("1.2")
        elif word == "上":
            hi = hi * 10  # '上百万': a million or more
        if "几" in num and not more:
            hi += step
        found.append(Approx(m.start(), m.end(), lo * unit, hi * unit))
    return found
