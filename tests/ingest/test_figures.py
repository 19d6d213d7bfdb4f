"""Every amount in the seed reaches the figure store, exactly, with where it came from."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from ingest.store import FigureStore, write_store

# Written independently of ingest.figures: a number followed by a unit in prose, or a numeric
# table cell. A year ("2024年"), a date, a phone number or a document number has no unit.
_PROSE = re.compile(r"(?<![\d.])(\d[\d,]*(?:\.\d+)?)\s*(万元|元|%|个|辆|台|次|项|场次)")
_CELL = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")


def _amounts_in_seed(path):
    text = path.read_text(encoding="utf-8")
    for no, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", re.sub(r"<[^>]+>", "", raw))
        cells = line.split("\t") if "\t" in line else [line]
        for i, cell in enumerate(cells):
            cell = cell.strip()
            if i == 0 and re.fullmatch(r"\d{3}(?:\d{2}){0,2}", cell):
                continue  # a 科目编码, not an amount
            if "\t" in line and _CELL.match(cell):
                yield no, Decimal(cell.rstrip("%").replace(",", "")), cell
            elif "\t" not in line or len(cell) > 20:
                for m in _PROSE.finditer(cell):
                    yield no, Decimal(m.group(1).replace(",", "")), m.group(0)


def test_every_amount_in_the_seed_is_a_figure_with_provenance(seed_path, seed_parsed, tmp_path):
    store_path = tmp_path / "figures.sqlite3"
    p = seed_parsed
    write_store(store_path, [p.document], p.figures, [p.audit])
    store = FigureStore(store_path)
    index = {(f.source.line, f.value) for f in store.figures}
    walked = list(_amounts_in_seed(seed_path))
    # Lines 1-480 hold hundreds of amounts; the table-of-contents numbers are not amounts.
    walked = [w for w in walked if not 111 <= w[0] <= 128]
    assert len(walked) > 400
    missing = [(no, text) for no, value, text in walked if (no, value) not in index]
    assert missing == [], missing[:20]


def test_figures_are_exact_decimals_with_units_and_provenance(seed_parsed):
    figs = seed_parsed.figures
    hit = next(
        f
        for f in figs
        if f.item_code == "2060702" and f.source.table_no == 5 and f.measure == "2024年预算数/小计"
    )
    assert hit.value == Decimal("2300000.00") and str(hit.value) == "2300000.00"
    assert (hit.unit, hit.source.line, hit.source.row, hit.year) == ("元", 222, "2060702 科普活动", 2024)
    prev = next(
        f for f in figs if f.item_code == "2060702" and f.source.table_no == 5 and f.measure == "2023年预算数"
    )
    assert prev.year == 2023 and prev.value == Decimal("3660000.00")
    assert all(isinstance(f.value, Decimal) for f in figs)


def test_narrative_figures_say_what_they_measure(seed_parsed):
    narrative = [f for f in seed_parsed.figures if f.origin == "narrative"]

    def find(line, value, unit="元"):
        return next(
            f for f in narrative if f.source.line == line and f.value == Decimal(value) and f.unit == unit
        )

    three = find(73, "101000")
    assert "三公" in three.item and three.measure == "金额" and "四、" in three.source.section
    change = next(f for f in narrative if f.source.line == 73 and f.measure.startswith("较2023年减少"))
    assert change.value == Decimal("10000") and "三公" in change.item
    share = find(25, "35.3", "%")
    assert share.item == "一般公共服务支出" and share.measure == "占"
    assert find(17, "3", "个").item == "内设机构"
    assert find(85, "2", "辆").unit == "辆"


def test_figure_on_the_second_line_of_a_broken_paragraph_has_that_line(seed_parsed):
    # Line 81 "…均实行了绩效" continues on line 83 "目标管理，涉及项目 3 个…".
    f = next(f for f in seed_parsed.figures if f.item == "涉及项目" and f.unit == "个")
    assert f.source.line == 83


def test_store_round_trip_keeps_documents_and_exact_values(seed_parsed, tmp_path):
    path = tmp_path / "figures.sqlite3"
    p = seed_parsed
    write_store(path, [p.document], p.figures, [p.audit])
    store = FigureStore(path)
    assert store.document(p.document.id) == p.document
    assert store.figures == list(p.figures)
    assert store.audits[p.document.id].failed == 0


def test_a_figure_in_parentheses_is_about_the_words_inside_them():
    # '政府采购预算总额829,500元（政府采购货物预算98,000元、…）': 98,000 is the 货物 figure,
    # not one of the 预算总额
    from ingest.figures import _label

    assert _label("政府采购预算总额元（政府采购货物预算")[0] == "政府采购货物"
    assert _label("科普活动（项）预算")[0].startswith("科普活动")


def test_after_a_parenthesis_closes_the_sentence_is_about_the_total_again(seed_parsed):
    # archive-budget-2025 line 69: '政府采购预算总额697,000.00元（…服务预算652,000.00元），比2024年
    # 829,500.00元减少132,500.00元，下降16.0%' — the fall is the 预算总额's, not the 服务's
    from dataclasses import replace

    from ingest.figures import _text_figures

    doc = replace(seed_parsed.document, id="t", department="重庆市石溪区档案馆")
    text = ("政府采购预算总额697,000.00元（政府采购货物预算45,000.00元、政府采购服务预算652,000.00元），"
            "比2024年829,500.00元减少132,500.00元，下降16.0%。")  # fmt: skip
    figs = {(f.value, f.unit): f.item for f in _text_figures(doc, text, (1,))}
    assert figs[(Decimal("652000.00"), "元")] == "政府采购服务"
    assert figs[(Decimal("16.0"), "%")] == figs[(Decimal("132500.00"), "元")] == "政府采购预算总额"


def test_what_was_completed_is_its_own_item_not_a_completion_rate() -> None:
    from ingest.figures import _label

    # '完成预算的84.3%' is the rate of the budget spent; '完成农业技术培训126场次' (fixture
    # final-accounts-2023) and '完成数字化加工180万画幅' count what was done
    assert _label("完成预算的") == ("", "完成预算")
    assert _label("完成年初预算的") == ("", "完成预算")
    assert _label("完成农业技术培训") == ("完成农业技术培训", "")
    assert _label("完成数字化加工")[1] == ""


def test_a_bare_measure_after_the_subject_is_that_subject_in_another_column(seed_parsed):
    # kexie-final-2023 line 37: '2023年度“三公”经费财政拨款支出决算为94,836.40元，年初预算为
    # 111,000.00元，完成预算的85.4%，…比2022年决算数101,284.50元减少6,448.10元' — every figure is
    # the 三公经费's; '年初预算为' names a column, not an item
    from dataclasses import replace

    from ingest.figures import _text_figures

    doc = replace(seed_parsed.document, id="t", kind="决算", year=2023)
    text = ("2023年度“三公”经费财政拨款支出决算为94,836.40元，年初预算为111,000.00元，完成预算的85.4%，"
            "比2022年决算数101,284.50元减少6,448.10元，下降6.4%。")  # fmt: skip
    figs = {f.value: f for f in _text_figures(doc, text, (1,))}
    assert {f.item for f in figs.values()} == {"三公经费财政拨款支出决算"}
    assert figs[Decimal("111000.00")].measure == "年初预算"
    assert figs[Decimal("94836.40")].measure == "金额"  # the 决算's own kind is the figure itself
    assert figs[Decimal("6448.10")].measure == "比2022年减少"


def test_a_sentence_giving_each_subject_its_columns_keeps_the_subject(seed_parsed):
    # kexie-final-2023 line 47: '其中：科普经费项目年初预算2,760,000.00元，执行数2,563,460.00元，
    # 预算执行率92.9%，自评得分95分；院士专家工作站运行经费项目年初预算600,000.00元，…'
    from dataclasses import replace

    from ingest.figures import _text_figures

    doc = replace(seed_parsed.document, id="t", kind="决算", year=2023)
    text = ("其中：科普经费项目年初预算2,760,000.00元，执行数2,563,460.00元，预算执行率92.9%，自评得分95分；"
            "院士专家工作站运行经费项目年初预算600,000.00元，执行数558,400.00元，预算执行率93.1%，自评得分92分。")  # fmt: skip
    got = {(f.item, f.measure): f.value for f in _text_figures(doc, text, (1,))}
    assert got[("科普经费项目", "年初预算")] == Decimal("2760000.00")
    assert got[("科普经费项目", "执行数")] == Decimal("2563460.00")
    assert got[("科普经费项目", "自评得分")] == Decimal("95")
    assert got[("院士专家工作站运行经费项目", "执行数")] == Decimal("558400.00")


def test_the_department_speaking_of_itself_names_no_item():
    # '2024年本部门政府采购预算3,892,000.00元' is the 政府采购 figure, not one of '本部门政府采购'
    from ingest.figures import _label

    assert _label("2024年本部门政府采购预算")[0] == "政府采购"
    assert _label("本单位“三公”经费预算")[0] == "三公经费"


def test_a_clause_saying_nothing_was_planned_leaves_the_item_named_before():
    # gbk-budget-2024: '6.其他统计信息事务支出（2010599）：2024年未安排预算，2023年预算数为86000.00元。'
    # — the 86,000 is that 科目's 2023 预算, not an item called '预算数为' of 2024
    from ingest.figures import extract_figures
    from ingest.parse import parse_file
    from tests.conftest import FIXTURES

    doc = parse_file(FIXTURES / "gbk-budget-2024.txt")
    figs = [f for f in extract_figures(doc) if f.origin == "narrative" and f.value == Decimal("86000.00")]
    assert [(f.item, f.measure, f.year) for f in figs] == [("其他统计信息事务支出（2010599）", "2023年预算数", 2023)]


def test_a_historical_year_in_the_sentence_is_not_the_figures_year():
    # quirks-budget-2024: '对1950年至1990年馆藏纸质档案进行数字化扫描…全年完成数字化加工180万画幅' —
    # the 180万画幅 is the 2024 plan; 1950 dates the archive
    from ingest.figures import extract_figures
    from ingest.parse import parse_file
    from tests.conftest import FIXTURES

    doc = parse_file(FIXTURES / "quirks-budget-2024.txt")
    figs = [f for f in extract_figures(doc) if f.unit == "万画幅"]
    assert figs and {f.year for f in figs} == {2024}


def test_shou_zhi_zongji_is_one_term():
    # pdftext-final-2023: '2023年度收、支总计均为24,249,185.25元' — the 决算 template's 收入和支出总计,
    # not a list whose last part is '支总计'
    from ingest.figures import extract_figures
    from ingest.parse import parse_file
    from tests.conftest import FIXTURES

    doc = parse_file(FIXTURES / "pdftext-final-2023.txt")
    items = {f.item for f in extract_figures(doc) if f.value == Decimal("24249185.25") and f.origin == "narrative"}
    assert "收支总计" in items and "支总计" not in items
