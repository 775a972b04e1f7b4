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
