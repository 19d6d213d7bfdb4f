"""Synthetic disclosures for the benchmark: the seed, N times, each a different department.

``synthesize(n, out_dir)`` writes n text disclosures made from the seed
(``data/cq-yubei-kexie-2024-budget.txt``). Each one is the 科协 of an invented district: the
seed's district (渝北) is replaced wherever the seed prints it — the full name 重庆市渝北区科学技术
协会, the table titles (2024年渝北区部门…), the document numbers (渝北委办发) and the narrative
(来渝北创新创业) — so the full name and every short form (X区科协) name one document only.

Every amount is multiplied by the document's whole-number factor. A whole number keeps every
sum exact to the cent (a total is still the sum of its parts), every difference the scaled
difference, and every ratio — the stated shares, growth rates and the 增幅% column — the same
ratio, so each generated document passes the audit the seed passes. What is not an amount is
left alone: years, 科目编码, counts (辆, 个, 次), percentages, weights, the phone number, and the
100万元 that is a size threshold for equipment, not money spent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from core.settings import REPO_ROOT

SEED = REPO_ROOT / "data" / "cq-yubei-kexie-2024-budget.txt"
SEED_DISTRICT = "渝北"
# Two-character district names: first × second character. None of the fixtures' districts
# (云峰, 青溪, 梧桐, 南岭, 云岭, 樊东) and none of 省市区县 or the characters the engine's
# department pattern stops at (和与的及在是年), so each name reads as a place and nothing else.
_FIRST = "澄碧丹枫翠岑屏雁鹤栖澜桐松柏杉棠榆苇荻蓼"
_SECOND = "川湾坪浦洲屿岗塘原垭"
MAX_DOCS = len(_FIRST) * len(_SECOND)

# An amount in the narrative: a number followed by 元 or 万元 — but not the equipment size
# threshold '单位价值 100 万元（含）以上', which is no money of the department.
_NARRATIVE_AMOUNT = re.compile(r"(?<![\d,.])(\d[\d,]*(?:\.\d+)?)(\s*万?元)(?!（含）以上)")
# An amount in a table cell: printed with thousands separators or two decimals ('250,000.00'),
# maybe in bold markup ('<b>6,059,264.63</b>').
_CELL_AMOUNT = re.compile(r"^(<b>)?(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d{2})(</b>)?$")
_MONEY_UNITS = frozenset({"元", "万元"})


@dataclass(frozen=True)
class SynthDoc:
    """One generated disclosure: where it was written and what it was made with."""

    path: Path
    doc_id: str  # the file stem, as ingest names documents
    district: str  # '澄川' → 重庆市澄川区科学技术协会
    department: str
    factor: int  # every amount of the seed × factor

    @property
    def short_name(self) -> str:
        """How people name it: '澄川区科协'."""
        return f"{self.district}区科协"


def district_name(i: int) -> str:
    """The i-th invented district (0-based): distinct for i < MAX_DOCS."""
    if not 0 <= i < MAX_DOCS:
        raise ValueError(f"i must be in 0..{MAX_DOCS - 1}. Currently, i is {i}.")
    return _FIRST[i % len(_FIRST)] + _SECOND[i // len(_FIRST)]


def factor_for(i: int) -> int:
    """Every document its own factor: no two departments print the same amounts, so no two
    documents share a table chunk (as real ones do not), and the benchmark's index does the
    work a real corpus's does. Whole numbers only: see the module docstring."""
    return i + 1


def scale_amount(raw: str, factor: int) -> str:
    """'6,059,264.63' × 3 → '18,177,793.89': the same decimals and separators as printed."""
    decimals = len(raw.partition(".")[2])
    value = Decimal(raw.replace(",", "")) * factor
    return f"{value:,.{decimals}f}" if "," in raw else f"{value:.{decimals}f}"


def transform(text: str, district: str, factor: int) -> str:
    """The seed's text for another district, every amount × factor."""
    if any(ch in district for ch in "省市区县"):
        raise ValueError(f"district must be a bare name without 省/市/区/县. Currently, district is {district!r}.")
    if factor < 1:
        raise ValueError(f"factor must be a whole number ≥ 1. Currently, factor is {factor}.")
    return "\n".join(_line(line, factor) for line in text.replace(SEED_DISTRICT, district).split("\n"))


def _line(line: str, factor: int) -> str:
    if "\t" not in line:
        return _NARRATIVE_AMOUNT.sub(lambda m: scale_amount(m.group(1), factor) + m.group(2), line)
    cells = line.split("\t")
    out = [_cell(c, factor) for c in cells]
    # a 绩效 indicator row: name, weight, unit, sign, value — the value is money when the unit is
    for i, cell in enumerate(cells[:-2]):
        if cell in _MONEY_UNITS and re.fullmatch(r"\d+(?:\.\d+)?", cells[i + 2]):
            out[i + 2] = scale_amount(cells[i + 2], factor)
    return "\t".join(out)


def _cell(cell: str, factor: int) -> str:
    if m := _CELL_AMOUNT.match(cell):
        return (m.group(1) or "") + scale_amount(m.group(2), factor) + (m.group(3) or "")
    return _text_cell(cell, factor)


def _text_cell(cell: str, factor: int) -> str:
    """A text cell of a table (项目概况: '年度科普经费投入230万元') scales like the narrative;
    a number alone in a cell (a weight, an indicator, a 目录 number) is no amount."""
    if re.fullmatch(r"[\d.%≥≤=<>-]*", cell):
        return cell
    return _NARRATIVE_AMOUNT.sub(lambda m: scale_amount(m.group(1), factor) + m.group(2), cell)


def synthesize(n: int, out_dir: Path, seed: Path = SEED) -> list[SynthDoc]:
    """Write ``n`` disclosures into ``out_dir`` (created) and describe them, in order."""
    if not 1 <= n <= MAX_DOCS:
        raise ValueError(f"n must be in 1..{MAX_DOCS}. Currently, n is {n}.")
    text = seed.read_text(encoding="utf-8")
    department = _seed_department(text)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = []
    for i in range(n):
        district, factor = district_name(i), factor_for(i)
        path = out_dir / f"synth-{i:03d}-2024-budget.txt"
        path.write_text(transform(text, district, factor), encoding="utf-8")
        docs.append(SynthDoc(path, path.stem, district, department.replace(SEED_DISTRICT, district), factor))
    return docs


def _seed_department(text: str) -> str:
    m = re.search(rf"\S*{SEED_DISTRICT}区\S*?(?:协会|委员会|局)", text)
    if m is None:
        raise ValueError(f"the seed names no department of district {SEED_DISTRICT}")
    return m.group().lstrip("# ")
