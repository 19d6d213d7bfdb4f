"""Chinese numerals as questions write them (table numbers, counts)."""

from __future__ import annotations

import pytest

from core.text import cn_to_int


@pytest.mark.parametrize(
    ("token", "value"),
    [("五", 5), ("十", 10), ("十七", 17), ("二十", 20), ("两", 2), ("12", 12), ("二十三", 23)],
)
def test_numerals(token: str, value: int) -> None:
    assert cn_to_int(token) == value


@pytest.mark.parametrize("token", ["八三", "零", "", "亿", "十亿"])
def test_a_numeral_it_cannot_read_never_raises(token: str) -> None:
    # '表八“三公”' with the quotes folded away reads '八三'; the question must still be answered
    assert isinstance(cn_to_int(token), int)
