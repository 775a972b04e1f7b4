"""Indicator words of the promise check: the shipped file and the rules on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.errors import InputError
from luoshi.extract.indicator_book import key_similarity, load_indicator_book

BOOK = load_indicator_book()


@pytest.mark.parametrize(
    ("phrase", "direction"),
    [
        ("城镇调查失业率", "lower"),
        ("居民消费价格", "lower"),
        ("赤字率", "lower"),
        ("单位国内生产总值能耗", "lower"),  # the head (能耗) decides, not 生产总值
        ("不良贷款率", "lower"),
        ("国内生产总值", "higher"),
        ("城镇新增就业", "higher"),
        ("大型商业银行普惠小微企业贷款", "higher"),
        ("粮食产量", "higher"),
        ("ＣＰＩ", "lower"),  # full-width letters are folded
        ("某某工程", None),
    ],
)
def test_direction_of_shipped_words(phrase: str, direction: str | None) -> None:
    assert BOOK.direction(phrase) == direction


@pytest.mark.parametrize(
    ("left", "polarity"),
    [
        ("单位国内生产总值能耗降低", "decrease"),
        ("中小企业宽带和专线平均资费再降", "decrease"),
        ("农村贫困人口减少", "decrease"),
        ("大型商业银行普惠小微企业贷款增幅超过", "increase"),
        ("居民消费价格涨幅", "increase"),
        ("退税减税约", None),  # 减 inside a noun, not the verb before the figure
        ("城镇调查失业率", None),
    ],
)
def test_polarity_is_the_verb_right_before_the_figure(left: str, polarity: str | None) -> None:
    assert BOOK.polarity(left) == polarity


def test_key_drops_verbs_neutral_scope_and_time_words() -> None:
    assert BOOK.key("年末全国城镇调查失业率降") == BOOK.key("城镇调查失业率") == "调查失业率"
    assert BOOK.key("赤字率拟按") == "赤字率"
    assert BOOK.key("居民消费价格上涨") == BOOK.key("居民消费价格涨幅")
    assert BOOK.key("能耗强度") == "单位国内生产总值能耗"  # a synonym


def test_averaged_and_time_scope() -> None:
    assert BOOK.is_averaged("城镇调查失业率") and not BOOK.is_averaged("粮食产量")
    assert BOOK.time_scope("年末全国城镇调查失业率降到") == "year_end"
    assert BOOK.time_scope("城镇调查失业率平均为") == "whole_year"
    assert BOOK.time_scope("粮食产量") is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("城镇新增就业", "新增就业", True),  # a close paraphrase
        ("城镇调查失业率", "调查失业率", True),
        ("居民消费价格涨幅", "居民消费价格上涨", True),
        ("北方地区清洁取暖率", "清洁取暖率", True),  # a qualifier left out
        ("大型商业银行普惠小微企业贷款", "银行业金融机构普惠小微企业贷款", False),
        ("城镇调查失业率", "城镇登记失业率", False),
        ("单位国内生产总值能耗", "国内生产总值", False),  # different head
        ("居民消费价格", "居民人均可支配收入", False),
    ],
)
def test_same_indicator(a: str, b: str, same: bool) -> None:
    assert (BOOK.similarity(a, b) >= 0.6) is same


def test_an_exact_key_outranks_a_paraphrase() -> None:
    assert key_similarity("新增就业", "新增就业") > key_similarity("城镇新增就业", "新增就业")
    assert key_similarity("城镇新增就业", "新增就业") > key_similarity(
        "北方地区清洁取暖率", "清洁取暖率"
    )


def test_an_edited_copy_is_read(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "src/luoshi/data/indicators.toml").read_text("utf-8")
    path = tmp_path / "mine.toml"
    path.write_text(text.replace("lower = [\n", 'lower = [\n  "某某工程",\n', 1), "utf-8")
    assert load_indicator_book(path).direction("某某工程") == "lower"


def test_a_broken_file_names_itself_and_the_list(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[direction]\nlower = "失业率"\n', "utf-8")
    with pytest.raises(InputError, match=r"bad\.toml.*\[direction\] 的 lower"):
        load_indicator_book(path)
    path.write_text("not = [toml", "utf-8")
    with pytest.raises(InputError, match="无法读取"):
        load_indicator_book(path)
