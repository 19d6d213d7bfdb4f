"""Reading a question: abbreviated 绩效 project names."""

from __future__ import annotations

from qa.understand import expand_project_abbreviations

PROJECTS = ["科普经费", "老科技工作者服务团经费", "科普综合事务业务经费"]
SOURCE = "区老科技工作者服务团围绕“三进一建”目标开展活动；科普经费项目经费减少"


def test_dropped_characters_read_as_the_project() -> None:
    assert expand_project_abbreviations("老科技服务团项目的满意度", PROJECTS, SOURCE) == (
        "老科技工作者服务团经费项目的满意度"
    )
    assert (
        expand_project_abbreviations("科普综合经费是多少", PROJECTS, SOURCE) == "科普综合事务业务经费是多少"
    )


def test_names_already_whole_or_too_short_stay() -> None:
    for question in (
        "科普经费项目的当年预算",
        "老科技工作者服务团经费有多少",
        "科普活动经费",
        "老科技团有多少钱",
    ):
        assert expand_project_abbreviations(question, PROJECTS, SOURCE) == question


def test_a_phrase_of_the_disclosure_is_not_an_abbreviation() -> None:
    # '科普经费' is a subsequence of '科普综合事务业务经费' but a project (and a phrase) of its own
    assert expand_project_abbreviations("科普经费", ["科普综合事务业务经费"], SOURCE) == "科普经费"


def test_a_run_fitting_two_projects_is_left_alone() -> None:
    assert (
        expand_project_abbreviations("科普事务经费", ["科普综合事务经费", "科普宣传事务经费"])
        == "科普事务经费"
    )
