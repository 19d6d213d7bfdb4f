"""Text normalisation shared by ingest, index and qa: HTML, full-width forms, amounts."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from core.records import CellKind

_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_SPACES_BETWEEN_CJK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
_AMOUNT = re.compile(r"^[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PERCENT = re.compile(r"^([-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*%$")
_SPREADSHEET_ERROR = re.compile(r"^#(?:DIV/0!|REF!|VALUE!|N/A|NAME\?|NUM!|NULL!)$", re.IGNORECASE)
# Full-width digits, Latin letters and the ASCII punctuation that appears inside numbers.
_FULLWIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
    | {"．": ".", "％": "%", "－": "-", "＋": "+", "／": "/", "＃": "#", "！": "!", "\u3000": " "}
)


def strip_html(text: str) -> str:
    return _TAG.sub("", text)


def halfwidth(text: str) -> str:
    """Full-width digits, letters, %, -, . → ASCII; Chinese punctuation (，：（）) is kept."""
    return text.translate(_FULLWIDTH)


def clean_cell(text: str) -> str:
    """A table cell as a person reads it: no HTML, no stray spaces, half-width digits."""
    return halfwidth(strip_html(text)).replace("**", "").strip()  # markdown bold in pipe tables


def squash(text: str) -> str:
    """Header/title key: no spaces at all ("公务接待 费" → "公务接待费"), ASCII parentheses."""
    text = clean_cell(text).replace("（", "(").replace("）", ")").replace("*", "")
    return re.sub(r"\s+", "", text)


def join_cjk_spaces(text: str) -> str:
    return _SPACES_BETWEEN_CJK.sub("", text)


def parse_number(raw: str) -> tuple[CellKind, Decimal | None]:
    """Classify a cell and read its exact value. Blank stays blank (not 0)."""
    text = clean_cell(raw).replace("，", ",").replace("−", "-").replace(" ", "")
    if not text:
        return "blank", None
    if _SPREADSHEET_ERROR.match(text):
        return "error", None
    if m := _PERCENT.match(text):
        return "percent", _to_decimal(m.group(1))
    if _AMOUNT.match(text):
        return "amount", _to_decimal(text)
    return "text", None


def _to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("+", ""))
    except InvalidOperation:
        return None


def format_amount(value: Decimal, unit: str = "元") -> str:
    """6059264.63 → '6,059,264.63元'; keeps the cents exactly as stored."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{sign}{value:,.{places}f}{unit}"


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC  # imported lazily: no work at import time

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


# '24年', '23年度': a year as people shorten it (never an amount or a span: '1.5年', '10年间').
_SHORT_YEAR = re.compile(r"(?<![\d.近每满第约])(1[5-9]|2\d|3[0-5])(?=年(?!间|内|来|以来|多|左右|代|前|后))")


def normalize_question(text: str) -> str:
    """NFKC folds full-width digits/letters; OpenCC folds traditional characters; a two-digit
    year is written out ('24年' → '2024年')."""
    text = unicodedata.normalize("NFKC", text)
    return _SHORT_YEAR.sub(r"20\1", to_simplified(text).strip())


_CN_DIGITS = "一二三四五六七八九"


def cn_to_int(token: str) -> int:
    """'十七' → 17, '五' → 5, '两' → 2, '12' → 12 (table numbers: 表一 … 表二十; '前三')."""
    token = token.replace("两", "二").replace("〇", "零")
    if token.isdigit():
        return int(token)
    if not token or any(ch not in _CN_DIGITS + "十" for ch in token):
        digits = "".join(ch for ch in token if ch.isdigit())
        return int(digits) if digits else 1  # a numeral we do not read: the smallest count
    if "十" not in token:
        return _CN_DIGITS.index(token[0]) + 1  # '八三' (表八三公经费 with its quotes folded away): 八
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + _CN_DIGITS.index(token[1]) + 1
    if "十" in token:
        tens, _, ones = token.partition("十")
        return (_CN_DIGITS.index(tens) + 1) * 10 + (_CN_DIGITS.index(ones) + 1 if ones else 0)
    return _CN_DIGITS.index(token) + 1


# --- department names ----------------------------------------------------------------------------

# How people shorten a department's name. Generic (the standard names of Chinese departments), so
# any disclosure of such a department is recognised by its short name.
DEPARTMENT_ABBREVIATIONS = {"科协": "科学技术协会", "教委": "教育委员会", "科技局": "科学技术局", "文旅委": "文化和旅游发展委员会",
                            "住建委": "住房和城乡建设委员会", "农业农村委": "农业农村委员会", "农委": "农业农村委员会",
                            "妇联": "妇女联合会", "残联": "残疾人联合会", "侨联": "归国华侨联合会", "工商联": "工商业联合会",
                            "文联": "文学艺术界联合会"}  # fmt: skip


_PLACE = re.compile(r"[^省市区县]{1,8}?[省市区县]")
# Words in which 市/区/县 ends no place name: '市场监督管理局', '城市管理局', '社区服务中心'.
_NOT_PLACE = ("城市", "都市", "市场", "市政", "市容", "社区", "小区", "园区", "景区", "街区", "区域", "县域")


def place_ends(department: str) -> list[int]:
    """Where each place name the department's name starts with ends: '重庆市渝北区科学技术协会' →
    [3, 6]; '山东省鲁东市黄台区市场监督管理局' → [3, 6, 9] (the 市 of 市场 ends no place)."""
    ends: list[int] = []
    at = 0
    while (m := _PLACE.match(department, at)) is not None:
        end = m.end()
        if department[end - 2 : end] in _NOT_PLACE or department[end - 1 : end + 1] in _NOT_PLACE:
            break
        ends.append(end)
        at = end
    return ends


def department_core(department: str) -> str:
    """The department's own name after its places: '渝北区科学技术协会' → '科学技术协会'."""
    return department[max(place_ends(department), default=0) :]


def short_department(department: str) -> str:
    """'重庆市渝北区科学技术协会' → '重庆市渝北区科协'; '…委员会' → '…委'."""
    return department.replace("科学技术协会", "科协").replace("委员会", "委")


def department_aliases(department: str) -> list[str]:
    """'云岭示范区文化和旅游发展委员会' is also '文旅委', '云岭示范区文旅委'."""
    out = []
    for short, full in DEPARTMENT_ABBREVIATIONS.items():
        if full in department:
            out += [short, department.replace(full, short)]
    return out


# Question words and particles: frequent in questions, absent from what a disclosure says about an
# item, so no signal for keyword search nor for picking a passage. Each use adds its own words.
QUESTION_PARTICLES = frozenset({
    "一下", "一共", "与", "为", "么", "了", "什么", "你", "具体", "分别", "及", "可以", "吗", "吗？", "吧", "呀", "呢",
    "和", "哪", "哪个", "哪些", "啊", "在", "多少", "如何", "对", "怎么", "怎样", "情况", "我", "我们", "或", "是", "是否",
    "有", "的", "能", "请", "请问", "这", "那",
})  # fmt: skip


# --- PDF text layers -----------------------------------------------------------------------------

# CJK Radicals Supplement (U+2E80–U+2EFF) that PDF text layers print in place of the ordinary
# character (Chromium, Word): '部⻔' is '部门'. NFKC does not map this block; Kangxi radicals
# (U+2F00–U+2FD5: '⽀出') it does.
_RADICALS_SUPPLEMENT = str.maketrans({
    "⺌": "小", "⺗": "心", "⺝": "月", "⺠": "民", "⺩": "王", "⺮": "竹", "⺼": "月", "⻀": "艹", "⻃": "覀",
    "⻄": "西", "⻅": "见", "⻆": "角", "⻈": "讠", "⻉": "贝", "⻋": "车", "⻊": "足", "⻏": "阝", "⻐": "钅",
    "⻓": "长", "⻔": "门", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞",
    "⻝": "食", "⻟": "飠", "⻠": "饣", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤",
    "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻬": "齐", "⻮": "齿", "⻰": "龙", "⻳": "龟",
})  # fmt: skip
_KANGXI = re.compile("[\u2f00-\u2fd5]")


def normalize_radicals(text: str) -> str:
    """'部⻔预算⽀出' → '部门预算支出': both radical blocks to the ordinary characters."""
    text = _KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.translate(_RADICALS_SUPPLEMENT)


# --- homophones -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _readings() -> dict[int, frozenset[str]]:
    """Each character's readings without tones, from pypinyin's character table. Only that
    table is loaded (the package itself loads phrase tables of ~50 MB): typing slips through a
    pinyin input method are what it is for."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent / "pinyin_dict.py"
    loader = importlib.util.spec_from_file_location("_pinyin_dict", path)
    if loader is None or loader.loader is None:
        return {}
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)

    def toneless(p: str) -> str:
        return "".join(ch for ch in unicodedata.normalize("NFD", p) if not unicodedata.combining(ch))

    return {cp: frozenset(toneless(p) for p in ps.split(",")) for cp, ps in module.pinyin_dict.items()}


def sounds_alike(a: str, b: str) -> bool:
    """'报' and '保' (bao), '察' and '查' (cha): characters a pinyin input method confuses."""
    readings = _readings()
    return bool(readings.get(ord(a), frozenset()) & readings.get(ord(b), frozenset()))

