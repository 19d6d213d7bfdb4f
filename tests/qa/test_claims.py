"""Finding figure claims in a text, and the question each one is read as (no engine needed)."""

from decimal import Decimal

import pytest

from qa.claims import claims_of, cn_value, find_mentions


@pytest.mark.parametrize(
    ("token", "value"),
    [("六百", 600), ("一百五十", 150), ("十五", 15), ("两", 2), ("三点五", Decimal("3.5")), ("1,234.5", Decimal("1234.5"))],
)
def test_chinese_and_arabic_numerals(token, value):
    assert cn_value(token) == Decimal(value)


def test_units_precision_and_bounds_as_written():
    ms = find_mentions("预算约605.93万元，六百多万，不到1亿，占比50.3%，满意度95%以上，修复2.1万页，共3辆")
    got = [(m.value, m.unit, m.decimals, m.bound) for m in ms]
    assert got == [
        (Decimal("605.93"), "万元", 2, "~"),
        (Decimal(600), "万元", 0, "+"),
        (Decimal(1), "亿元", 0, "<"),
        (Decimal("50.3"), "%", 1, "="),
        (Decimal(95), "%", 0, ">="),
        (Decimal(21000), "页", 0, "="),  # a count written in 万 is a count, not 万元
        (Decimal(3), "辆", 0, "="),
    ]


def test_years_and_codes_are_not_figures():
    assert find_mentions("2024年30231公务用车运行维护费") == []


def test_direction_of_a_change():
    ups = [m.direction for m in find_mentions("比上年增加1万元，比上年减少2万元，降幅9%，增长了5%")]
    assert ups == ["+", "-", "-", "+"]


def test_a_later_segment_keeps_the_sentence_subject():
    spans = claims_of("2024年三公经费预算10.1万元，比上年减少1万元。")
    assert [s.question for s in spans] == ["2024年三公经费预算多少万元？", "2024年三公经费预算，比上年减少多少万元？"]


def test_two_items_in_one_sentence_are_two_claims():
    spans = claims_of("基本支出305万元、项目支出约300万元；其中公务接待费2.1万元。")
    assert [s.question for s in spans] == ["基本支出多少万元？", "项目支出多少万元？", "公务接待费多少万元？"]
    assert spans[1].mention.bound == "~"


def test_words_after_a_count_stay_in_the_question():
    (span,) = claims_of("今年要开展150次一老一小科技培训")
    assert span.question == "今年要开展多少次一老一小科技培训？"


def test_no_change_is_a_claim_of_zero():
    (span,) = claims_of("公务接待费与上年持平")
    assert span.mention.direction == "0" and span.mention.value == 0
    assert span.question == "公务接待费比上年增加多少？"


def test_a_text_without_figures_has_no_claims():
    assert claims_of("科协负责全区科普工作。") == []


def test_no_change_without_an_item_is_about_the_item_before_it():
    spans = claims_of("公车日常运行维护费安排8万元，比上年减少1万元；招待费2.1万元，和上年一样。")
    assert spans[-1].mention.direction == "0" and spans[-1].question == "招待费，比上年增加多少？"
