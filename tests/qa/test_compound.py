"""Several questions in one message."""

from __future__ import annotations

from qa.compound import split


def test_one_question_stays_whole():
    assert split("会议费和培训费各是多少？") == ["会议费和培训费各是多少"]
    assert split("我住在附近，想知道科协的邮电费是多少") == ["我住在附近，想知道科协的邮电费是多少"]


def test_two_questions_are_two():
    assert split("印刷费多少？比去年怎么样？") == ["印刷费多少", "比去年怎么样"]
    assert split("车有几辆，还打算买新车吗") == ["车有几辆", "还打算买新车吗"]


def test_context_joins_the_question_after_it():
    assert split("我是学生。水费多少？") == ["我是学生，水费多少"]


def test_a_space_between_two_questions_typed_without_punctuation_splits_them():
    assert split("基本支出跟项目支出各多少 占比多少") == ["基本支出跟项目支出各多少", "占比多少"]
    # a space between words of one question does not: only one side asks something
    assert split("科协 三公经费 多少") == ["科协 三公经费 多少"]
    assert split("2024年 科普经费是多少") == ["2024年 科普经费是多少"]
    # a space before the question is finished is no question mark
    assert split("哪个项目 花了多少") == ["哪个项目 花了多少"]
