"""Personal data out of what is kept. Questions (and what is recorded with them) written to the
logs and to the feedback file lose e-mail addresses, ID-card, bank-card and phone numbers: the
public asks about a budget, and what they typed about themselves is not ours to keep.
Budget figures never look like these (amounts carry separators or decimals; codes have 3–7
digits), so a question keeps everything that matters for reviewing the answer."""

from __future__ import annotations

import re

# Order matters: an 18-digit ID number would also pass for a card number.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "［邮箱］"),
    (re.compile(r"(?<![\dXx])\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![\dXx])"), "［身份证号］"),
    (re.compile(r"(?<!\d)\d{15,19}(?!\d)"), "［卡号］"),
    (re.compile(r"(?<![\d.])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![\d.])"), "［手机号］"),
    (re.compile(r"(?<![\d.])0\d{2,3}[- ]\d{7,8}(?![\d.])"), "［电话］"),
)


_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF38: "X", 0xFF58: "x", 0xFF20: "@"}


def redact(text: object) -> str:
    """``text`` with personal numbers and addresses replaced by what they were ('［手机号］')."""
    if not isinstance(text, str):
        return "" if text is None else str(text)
    text = text.translate(_DIGITS)  # '１３８…' typed full-width is the same number
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text
