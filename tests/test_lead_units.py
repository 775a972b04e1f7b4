from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.errors import InputError
from luoshi.extract.lead_units import load_unit_map


def test_default_map_suggests_a_typical_unit() -> None:
    units = load_unit_map()
    assert units.suggest("集装箱吞吐量突破2000万标准箱，拓展航线")[0] == "市交通运输委"
    assert units.suggest("新建改扩建义务教育学校10所，增加学位")[0] == "市教委"
    assert units.suggest("新建高标准农田5万亩")[0] == "市农业农村委"
    assert units.suggest("各位代表，大家好") == (None, [])


def test_runner_up_becomes_co_unit_when_close() -> None:
    lead, co = load_unit_map().suggest("支持科技型企业上市融资")
    assert lead is not None and co


def test_custom_map(tmp_path: Path) -> None:
    f = tmp_path / "units.toml"
    f.write_text('[units."区水务局"]\nkeywords = ["河道", "供水"]\n', encoding="utf-8")
    assert load_unit_map(f).suggest("整治河道3条") == ("区水务局", [])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("units = 3", "没有"),
        ('[units."区水务局"]\nkeywords = "河道"\n', "keywords"),
        ("[units", "无法读取"),
    ],
)
def test_bad_map_is_explained(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "units.toml"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_unit_map(f)


@pytest.mark.parametrize(
    ("level", "prefixes"),
    [
        ("国家", ()),
        ("省", ("省", "团省委")),
        ("市", ("市", "团市委")),
        ("区", ("区", "团区委", "各街道")),
        ("县", ("县", "团区委", "各街道")),
    ],
)
def test_each_level_has_its_own_departments_with_mandates(
    level: str, prefixes: tuple[str, ...]
) -> None:
    m = load_unit_map(level=level)
    assert m.level == level and len(m.units) >= 40
    national = level == "国家"
    for unit, words in m.units.items():
        assert national or unit.startswith(prefixes), unit
        assert not national or not unit.startswith(("市", "区", "县", "省")), unit
        assert m.mandates.get(unit), f"{unit} has no mandate"
        assert len(words) >= 3, unit


def test_the_level_picks_the_unit_names() -> None:
    text = "新建改扩建义务教育学校，增加学位"
    assert load_unit_map(level="国家").suggest(text)[0] == "教育部"
    assert load_unit_map(level="省").suggest(text)[0] == "省教育厅"
    assert load_unit_map(level="区").suggest(text)[0] == "区教育局"
    assert load_unit_map(level="县").suggest(text)[0] == "县教育局"


def test_a_suggestion_says_which_terms_matched() -> None:
    s = load_unit_map(level="国家").explain("拓展航线，提升集装箱吞吐量")
    assert s.lead == "交通运输部"
    assert s.words == ("航线", "集装箱", "吞吐量")
    assert s.reason == "职能匹配：航线、集装箱、吞吐量"
    assert load_unit_map().explain("各位代表").reason is None


PROVINCE = """江岭省2025年政府工作报告
——2025年1月20日在江岭省第十四届人民代表大会第三次会议上
二、2025年重点工作
（一）扩大有效投资
加快重大项目建设，完成固定资产投资增长5%。
（二）办好民生实事
新建普惠性幼儿园50所，改造农村公路3000公里。
"""


def test_national_and_provincial_plans_name_no_city_or_district_unit() -> None:
    from luoshi.extract.pipeline import extract
    from luoshi.extract.tasks import draft_plan
    from luoshi.text.document import Document
    from tests.conftest import corpus_file

    drafts = draft_plan(extract(Document.from_text("p.txt", PROVINCE)))
    leads = {d.lead_unit for d in drafts if d.lead_unit}
    assert leads and all(u.startswith("省") for u in leads), leads
    for prefix in ("2021", "2026_guowuyuan"):
        doc = Document.from_path(corpus_file(prefix))
        units = {u for d in draft_plan(extract(doc)) for u in (d.lead_unit, *d.co_units) if u}
        assert units and not any(u.startswith(("市", "区", "县", "省")) for u in units)
