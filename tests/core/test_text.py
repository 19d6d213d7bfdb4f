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


@pytest.mark.parametrize(
    ("text", "folded"),
    [("24年科协和档案馆", "2024年科协和档案馆"), ("23年度决算", "2023年度决算"), ("25年和24年", "2025年和2024年"),
     ("近30年来", "近30年来"), ("干了10年", "干了10年"), ("1.5年", "1.5年"), ("24年前", "24年前")],
)  # fmt: skip
def test_a_two_digit_year_is_written_out_and_nothing_else(text, folded):
    from core.text import normalize_question

    assert normalize_question(text) == folded


def test_sounds_alike_is_the_pinyin_slip_test():
    from core.text import sounds_alike

    assert sounds_alike("报", "保") and sounds_alike("察", "查") and sounds_alike("行", "型")  # 行 reads xing too
    assert not sounds_alike("狗", "人") and not sounds_alike("全", "金")


def test_place_names_end_where_a_place_ends_not_inside_a_word():
    from core.text import department_core, place_ends

    assert place_ends("山东省鲁东市黄台区市场监督管理局") == [3, 6, 9]  # not the 市 of 市场
    assert department_core("重庆市渝北区城市管理局") == "城市管理局"
    assert department_core("重庆市渝北区科学技术协会") == "科学技术协会"
