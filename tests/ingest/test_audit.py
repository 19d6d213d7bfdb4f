"""The audit passes on the seed and catches a planted error with the right check."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.audit import matches_rounded
from ingest.pipeline import parse_one


def test_every_applicable_check_passes_on_the_seed(seed_parsed):
    report = seed_parsed.audit
    assert report.failed == 0, [c for c in report.checks if not c.passed]
    names = " ".join(c.name for c in report.checks if not c.skipped)
    for expected in (
        "上级科目等于下级之和：表5 20607",
        "合计等于各类之和：表6",
        "基本支出+项目支出=合计：表3",
        "人员经费+公用经费=基本支出：表6",
        "收入合计等于支出合计：表1",
        "“三公”经费合计=各项之和：表10 2024年预算数",
        "支出总额在各表一致",
        "基本支出在各表一致",
        "项目支出在各表一致",
        "正文数字与表格一致：第73行 三公经费",
        "增减额/增幅可复算：第51行",
        "占比可复算：第25行 一般公共服务支出",
    ):
        assert expected in names
    assert report.passed >= 100


def test_growth_from_zero_base_is_skipped_not_passed(seed_parsed):
    check = next(
        c
        for c in seed_parsed.audit.checks
        if c.name.startswith("增减额/增幅可复算：第45行") and "%" in c.name
    )
    assert check.skipped and "0" in check.detail


def _plant(tmp_path, seed_path, old, new):
    text = seed_path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "planted.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return parse_one(path).audit


@pytest.mark.parametrize(
    ("old", "new", "expected_failures"),
    [
        # a 项 amount in 表五: its 款 no longer sums, and 小计 ≠ 基本 + 项目 on that row
        (
            "2060702\t科普活动\t3,660,000.00\t2,300,000.00",
            "2060702\t科普活动\t3,660,000.00\t2,300,001.00",
            ["上级科目等于下级之和：表5 20607", "基本支出+项目支出=合计：表5"],
        ),
        # the row after the page break in 表六
        (
            "30307\t医疗费补助\t20,000.00\t20,000.00",
            "30307\t医疗费补助\t21,000.00\t21,000.00",
            ["上级科目等于下级之和：表6 303"],
        ),
        # a narrative figure that no longer matches its table
        (
            "2024 年“三公”经费预算 101,000 元",
            "2024 年“三公”经费预算 102,000 元",
            ["正文数字与表格一致：第73行 三公经费"],
        ),
        # a stated growth rate that does not recompute
        (
            "较2023年增加137,184.67元,增长7.8%",
            "较2023年增加137,184.67元,增长7.9%",
            ["增减额/增幅可复算：第43行"],
        ),
        # a stated share that does not recompute
        (
            "科学技术支出3,050,000元占50.3%",
            "科学技术支出3,050,000元占50.8%",
            ["占比可复算：第25行 科学技术支出"],
        ),
        # a 三公 part that breaks the 三公 total
        (
            "101,000.00\t\t80,000.00\t\t80,000.00\t21,000.00",
            "101,000.00\t\t80,000.00\t\t80,000.00\t22,000.00",
            ["“三公”经费合计=各项之和：表10 2024年预算数"],
        ),
        # a total that disagrees across tables
        (
            "合计\t\t2,759,264.63\n501",
            "合计\t\t2,759,265.63\n501",
            ["基本支出在各表一致", "合计等于各类之和：表7"],
        ),
    ],
)
def test_a_planted_error_fails_the_right_check(tmp_path, seed_path, old, new, expected_failures):
    report = _plant(tmp_path, seed_path, old, new)
    failed = [c.name for c in report.checks if not c.passed and not c.skipped]
    for name in expected_failures:
        assert any(f.startswith(name) for f in failed), (name, failed)
    bad = next(c for c in report.checks if not c.passed and c.name.startswith(expected_failures[0]))
    assert bad.cells, "a failing check names the cells involved"


@pytest.mark.parametrize(
    ("stated", "exact", "ok"),
    [
        ("7.8", "7.8278", True),
        ("13.7", "13.6469", True),  # 13.65 displayed, then 13.7 (double rounding)
        ("11.5", "11.44998", True),
        ("11.4", "11.44998", True),
        ("7.9", "7.8278", False),
        ("37.2", "37.1585", True),
        ("-2", "-1.998", True),
    ],
)
def test_rounding_rule(stated, exact, ok):
    assert matches_rounded(Decimal(stated), Decimal(exact)) is ok
