"""Quantity rules on short sentences of our own writing (figures are invented)."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.extract.pipeline import extract
from luoshi.text.document import Document


def quantities(text: str) -> list[Any]:
    return extract(Document.from_text("t.txt", text)).quantities


def one(text: str) -> Any:
    found = quantities(text)
    assert len(found) == 1, [q.text for q in found]
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "surface", "value", "unit"),
    [
        ("港口吞吐量突破5100万吨。", "5100万吨", 51_000_000, "吨"),
        ("集装箱吞吐量达到1800万标准箱。", "1800万标准箱", 18_000_000, "标准箱"),
        ("资产规模超1.5万亿元。", "1.5万亿元", 1.5e12, "元"),
        ("引进企业300余家。", "300余家", 300, "家"),
        ("累计引进项目2000多个。", "2000多个", 2000, "个"),
        ("增加值增速提高1.5个百分点。", "1.5个百分点", 1.5, "百分点"),
        ("全年实际使用外资２０亿美元。", "２０亿美元", 2e9, "美元"),
        ("新增绿地１２０公顷。", "１２０公顷", 120, "公顷"),
        ("新建改建道路1,250公里。", "1,250公里", 1250, "公里"),
        ("培育5大产业集群。", "5大", 5, "个"),
    ],
)
def test_value_and_unit(sentence: str, surface: str, value: float, unit: str) -> None:
    q = one(sentence)
    assert (q.text, q.unit) == (surface, unit)
    assert q.value == pytest.approx(value)
    assert sentence[q.start : q.end] == surface


@pytest.mark.parametrize(
    "sentence",
    [
        "2024年1月23日在市人民代表大会上。",
        "1—8月份经济运行平稳。",
        "7月份以来形势向好。",
        "10月底前主体完工。",
        "第二届博览会在津举办。",
        "加快5G网络建设，PM2.5浓度下降。",
        "建成地铁11号线一期。",
        "构建“1+3+4”产业体系和“871”生态工程。",
        "发布营商环境7.0版方案。",
        "举报电话:23456789，备案号:津ICP备2021000001号-1。",
        "今年是新中国成立75周年。",
        "政策印发实施已有3个月。",
        "打造15分钟便民生活圈。",
        "推动东港90万吨乙烯项目投产。",
        "2024-09-30 00:08",
        "1.坚持精准规划。",
    ],
)
def test_out_of_scope(sentence: str) -> None:
    assert quantities(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "comparator"),
    [
        ("技术合同成交额突破1500亿元。", ">"),
        ("研发投入超过80亿元。", ">"),
        ("注册企业900余家。", ">"),
        ("新建学校不少于8所。", ">="),
        ("完成造林2万亩以上。", ">="),
        ("失业率控制在5.5%以内。", "<="),
        ("地区生产总值增长5%左右。", "~"),
        ("转移群众近3万人。", "~"),
        ("全年粮食产量150万吨。", "="),
    ],
)
def test_comparator(sentence: str, comparator: str) -> None:
    assert one(sentence).comparator == comparator


def test_comparator_written_once_applies_to_a_tight_list() -> None:
    found = quantities("粮食、蔬菜分别稳定播种300万亩和60万亩以上。")
    assert [q.comparator for q in found] == [">=", ">="]


@pytest.mark.parametrize(
    ("sentence", "measure"),
    [
        ("规上工业增加值增长6.2%。", "growth"),
        ("居民消费价格涨幅2%左右。", "growth"),
        ("城镇调查失业率5.2%。", "level"),
        ("税收占比达到75%。", "level"),
        ("研发投入强度提高到3.2%。", "level"),
        ("新建口袋公园40个。", "change"),
        ("累计建成基站6万个。", "level"),
        ("集装箱航线达到150条。", "level"),
        ("增加值比上年提高2个百分点。", "change"),
        ("8家企业获评示范工厂。", "change"),
        ("共提出96项具体举措。", "level"),
    ],
)
def test_measure(sentence: str, measure: str) -> None:
    assert one(sentence).measure == measure


@pytest.mark.parametrize(
    ("sentence", "indicator"),
    [
        ("全市地区生产总值增长5.2%。", "地区生产总值"),
        ("新增单项冠军企业12家、“专精特新”企业300家。", "单项冠军企业"),
        ("新建80家智能工厂和数字化车间。", "智能工厂和数字化车间"),
        ("荣华钢铁等4家企业获评示范工厂。", "企业"),
        ("兜底帮扶就业困难人员就业2万人。", "就业困难人员就业"),
        ("设立30亿元科创母基金。", "科创母基金"),
        # 新 + a verb is one lead token: a listed 新招 must not cut 招聘 in two
        ("全年新招聘中小学教师3000名。", "中小学教师"),
        ("新招录公务员500人。", "公务员"),
    ],
)
def test_indicator(sentence: str, indicator: str) -> None:
    assert quantities(sentence)[0].indicator == indicator


def test_each_number_in_a_list_gets_its_own_noun() -> None:
    found = quantities("改造燃气管网500公里、供热管网120公里、供水管网40公里。")
    assert [q.indicator for q in found] == ["燃气管网", "供热管网", "供水管网"]


def test_respectively_pairs_subjects_with_numbers() -> None:
    found = quantities("用电量、货运量、快递业务量分别增长4%、9.5%、12%。")
    assert [q.indicator for q in found] == ["用电量", "货运量", "快递业务量"]
    assert all(q.measure == "growth" for q in found)


def test_growth_without_a_noun_borrows_the_previous_indicator() -> None:
    found = quantities("一般公共预算收入达到1800亿元，增长6.5%。")
    assert [q.indicator for q in found] == ["一般公共预算收入", "一般公共预算收入"]
    assert [q.measure for q in found] == ["level", "growth"]


def test_ranges_keep_both_ends_each_telling_the_other() -> None:
    low, high = quantities("地区生产总值增长5%—6%。")
    assert (low.text, low.value, low.value_max, low.unit) == ("5%", 5, 6, "%")
    assert (high.text, high.value, high.value_min, high.unit) == ("6%", 6, 5, "%")
    low, high = quantities("新增就业10万—12万人。")
    assert (low.value, low.value_max, low.unit) == (100_000, 120_000, "人")
    assert (high.value, high.value_min, high.unit) == (120_000, 100_000, "人")


DOC = """二〇二四年政府工作报告
——2024年1月20日在区人民代表大会上
一、2023年工作回顾
过去一年，全区地区生产总值增长5.1%，新建学校6所。
二、2024年主要目标任务
全区地区生产总值增长5.5%左右，新建学校8所。目前已建成养老驿站40个。
"""


def test_kind_follows_the_part_and_tense_cues() -> None:
    found = quantities(DOC)
    assert [(q.text, q.kind) for q in found] == [
        ("5.1%", "actual"),
        ("6所", "actual"),
        ("5.5%", "target"),
        ("8所", "target"),
        ("40个", "actual"),
    ]
    assert [q.period for q in found] == ["2023", "2023", "2024", "2024", "2024"]


def test_press_release_numbers_are_facts_unless_forecast() -> None:
    text = (
        "稿源:新区网 2024-05-06\n"
        "01\n下一步，如何推进项目建设?\n"
        "区发展改革委主任王明:\n"
        "我们提出46项具体举措，预计年底产能将达到300万吨。\n"
    )
    found = quantities(text)
    assert [(q.text, q.kind) for q in found] == [("46项", "actual"), ("300万吨", "target")]


def test_a_comparison_base_year_is_not_the_time_of_the_figure() -> None:
    text = "二、主要目标\n到2025年，地区生产总值比2020年增长40%，研发投入强度达到3%。\n"
    assert [(q.text, q.kind) for q in quantities(text)] == [("40%", "target"), ("3%", "target")]


def test_table_cells_are_separate_clauses() -> None:
    q = one("二、主要指标\n地区生产总值年均增长\t6%左右\t预期性\n")
    assert (q.indicator, q.comparator, q.measure) == ("地区生产总值", "~", "growth")
