"""Error classes measured on unseen documents, each on sentences of our own writing."""

from __future__ import annotations

from luoshi.extract.pipeline import extract
from luoshi.extract.quantities import Quantity
from luoshi.extract.records import quantity_record
from luoshi.text.document import Document


def quantities(body: str) -> list[Quantity]:
    return extract(Document.from_text("t.txt", "二、今年目标\n" + body + "\n")).quantities


def one(body: str) -> Quantity:
    found = quantities(body)
    assert len(found) == 1, [q.text for q in found]
    return found[0]


def test_units_of_weight_age_years_and_voyages() -> None:
    q = one("粮食产量稳定在1.3万亿斤以上。")
    assert (q.text, q.value, q.unit, q.indicator) == ("1.3万亿斤", 1.3e12, "斤", "粮食产量")
    q = one("人均预期寿命再提高1岁。")
    assert (q.unit, q.measure, q.indicator) == ("岁", "change", "人均预期寿命")
    q = one("劳动年龄人口平均受教育年限达到11.7年。")
    assert (q.text, q.unit, q.indicator) == ("11.7年", "年", "劳动年龄人口平均受教育年限")
    assert one("全年进出港船舶4200艘次。").unit == "艘次"


def test_compound_units() -> None:
    q = one("农村居民人均可支配收入达到3.2万元/人。")
    assert (q.text, q.value, q.unit) == ("3.2万元/人", 32000, "元/人")
    assert one("生猪收购价格稳定在1.6万元/吨左右。").unit == "元/吨"


def test_an_age_threshold_is_not_a_quantity() -> None:
    assert quantities("为60岁以上老人提供助餐服务。") == []


def test_how_long_something_lasts_is_not_a_quantity() -> None:
    assert quantities("这项工程历时12年终于建成。") == []
    assert quantities("粮食产量连续3年保持稳定。") == []
    assert [q.text for q in quantities("土地承包期再延长30年。")] == ["30年"]


def test_change_when_the_verb_is_not_next_to_the_number() -> None:
    assert one("消除城区易积水点位13处。").measure == "change"
    q = one("全年有210项关键核心技术获得突破。")
    assert (q.measure, q.indicator) == ("change", "关键核心技术")


def test_indicator_after_the_number_and_its_approximation() -> None:
    q = one("新建5个以上现代农业产业园区。")
    assert (q.indicator, q.comparator, q.measure) == ("现代农业产业园区", ">=", "change")


def test_indicator_before_a_comparison_phrase() -> None:
    assert one("全市粮食产量比2020年增长2%。").indicator == "粮食产量"
    assert one("居民收入增速高于全国1个百分点。").indicator == "居民收入增速"


def test_from_baseline_to_target() -> None:
    low, high = quantities("常住人口城镇化率从77%提高到80%。")
    assert (low.text, low.kind, low.measure, low.indicator) == (
        "77%",
        "actual",
        "level",
        "常住人口城镇化率",
    )
    assert (high.text, high.kind, high.measure, high.indicator) == (
        "80%",
        "target",
        "level",
        "常住人口城镇化率",
    )
    low, high = quantities("小规模纳税人增值税起征点由月销售额10万元提高到15万元。")
    assert (low.kind, high.kind) == ("actual", "target")


def test_both_ends_of_a_range_are_kept() -> None:
    low, high = quantities("地区生产总值增长4.5%-5%。")
    assert (low.text, low.value, low.value_max, low.kind) == ("4.5%", 4.5, 5, "target")
    assert (high.text, high.value, high.value_min, high.kind) == ("5%", 5, 4.5, "target")
    assert low.indicator == high.indicator == "地区生产总值"
    assert not low.range_end and high.range_end
    low, high = quantities("城镇新增就业10万—15万人。")
    assert (low.text, low.value, low.unit) == ("10万", 1e5, "人")
    assert (high.text, high.value, high.unit) == ("15万人", 1.5e5, "人")


def test_range_records_carry_their_other_end() -> None:
    x = extract(Document.from_text("t.txt", "二、目标\n经济增长5—6%。\n"))
    low, high = (quantity_record(x, q) for q in x.quantities)
    assert (low["text"], low["value"], low["value_max"]) == ("5", 5, 6)
    assert (high["text"], high["value"], high["value_min"]) == ("6%", 6, 5)
