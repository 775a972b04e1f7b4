"""The promise check: a report's targets for its year against the next report's review."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from luoshi.cli import cli
from luoshi.extract.pipeline import extract
from luoshi.extract.promises import Promise, check_promises
from luoshi.extract.review import load_promise_cues, review_cues_from, review_quantities
from luoshi.text.document import Document
from tests.conftest import GOLD, SHARED, corpus_file

FIXTURES = Path(__file__).parent / "fixtures" / "promises"
OLD, NEW = FIXTURES / "report_2026.txt", FIXTURES / "report_2027.txt"


@pytest.fixture(scope="module")
def checked() -> dict[str, Promise]:
    check = check_promises(Document.from_path(OLD), Document.from_path(NEW))
    assert check.year == 2026
    return {p.target.indicator: p for p in check.promises}


def actual_of(p: Promise) -> str | None:
    return p.actual.text if p.actual is not None else None


def test_only_targets_for_the_year_itself(checked: dict[str, Promise]) -> None:
    # Five-year and 2035 goals, the baseline of 从8万元提高到12万元, the threshold
    # 不超过200万元的部分 and the duration 延长3年 are not year targets.
    texts = [p.target.text for p in checked.values()]
    for text in ("2万亿元", "250万人", "13%", "8万元", "200万元", "3年"):
        assert text not in texts
    assert "12万元" in texts and len(texts) == len(checked) == 15


def test_every_target_spans_its_old_text(checked: dict[str, Promise]) -> None:
    old, new = OLD.read_text("utf-8"), NEW.read_text("utf-8")
    for p in checked.values():
        assert old[p.target.start : p.target.end] == p.target.text
        if p.actual is not None:
            assert new[p.actual.start : p.actual.end] == p.actual.text


@pytest.mark.parametrize(
    ("indicator", "target", "actual", "verdict"),
    [
        ("生产总值", "5.5%", "6.2%", "met"),  # 左右, more is better, above
        ("城镇新增就业", "50万人", "55万人", "met"),  # ≈ 新增就业 (paraphrase)
        ("居民消费价格", "3%", "3.6%", "missed"),  # a ceiling above its target
        ("单位生产总值能耗", "2.5%", "2.8%", "met"),  # a larger cut than promised
        ("粮食产量", "700万吨", "680万吨", "missed"),
        ("地区生产总值增速", "5%", "6.2%", "met"),  # a range 5%—6% (its low end), beaten
        ("财政赤字率按", "2.9%", "2.9%", "met"),  # at its ceiling
        ("城镇老旧小区", "1200个", "1150个", "missed"),
        ("保障性租赁住房", "3万套", "3.2万套", "met"),
        ("养老床位", "5000张", "5100张", "met"),
    ],
)
def test_verdicts(
    checked: dict[str, Promise], indicator: str, target: str, actual: str, verdict: str
) -> None:
    p = checked[indicator]
    assert (p.target.text, actual_of(p), p.verdict) == (target, actual, verdict)


def test_a_year_end_figure_against_a_whole_year_target_is_unclear(
    checked: dict[str, Promise],
) -> None:
    jobless = checked["城镇调查失业率"]
    assert (actual_of(jobless), jobless.verdict) == ("5.0%", "unclear")
    assert jobless.scope_note == "目标为全年数，实绩为年末数"


def test_a_different_scope_is_not_the_same_indicator(checked: dict[str, Promise]) -> None:
    # Large banks promised, only all banks reported: no actual.
    p = checked["大型商业银行普惠小微企业贷款"]
    assert (p.actual, p.verdict) == (None, "not_reported")


def test_figures_of_the_multi_year_review_and_of_this_year_are_left_out(
    checked: dict[str, Promise],
) -> None:
    # 农村生活污水治理率 and 资费 appear only in the five-year review.
    assert checked["农村生活污水治理率"].verdict == "not_reported"
    assert checked["中小企业宽带平均资费再降"].verdict == "not_reported"
    x = extract(Document.from_path(NEW))
    review = {q.text for q in review_quantities(x, 2026, review_cues_from(load_promise_cues()))}
    assert {"6.2%", "5.0%", "2.9%", "5100张"} <= review
    # five-year review, 今年以来, and the new targets of 2027
    assert not review & {"5.6%", "260万人", "62%", "30%", "5.2%", "5%", "15%"}


def test_a_fall_against_a_rise_target_counts_as_negative() -> None:
    old = Document.from_text(
        "o.txt",
        "某市2026年政府工作报告\n一、2025年工作回顾\n全市生产总值增长5%。\n"
        "二、2026年主要目标\n今年居民消费价格涨幅2%左右；工业品出厂价格涨幅1%左右。\n",
    )
    new = Document.from_text(
        "n.txt",
        "某市2027年政府工作报告\n一、2026年工作回顾\n过去一年，居民消费价格下降0.4%。"
        "工业品出厂价格下降1.2%。\n二、2027年主要目标\n今年居民消费价格涨幅2%左右。\n",
    )
    promises = check_promises(old, new).promises
    cpi, ppi = promises
    assert cpi.actual_value == -0.4 and cpi.verdict == "met"
    # unknown direction, 左右: -1.2 is 2.2 points from +1
    assert ppi.actual_value == -1.2 and ppi.verdict == "missed"


def test_cli_jsonl_and_table() -> None:
    result = CliRunner().invoke(cli, ["promises", str(OLD), str(NEW), "--jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    first = records[0]
    assert (first["old"], first["new"], first["year"]) == (
        "report_2026.txt",
        "report_2027.txt",
        2026,
    )
    assert first["target"]["text"] == "5.5%" and first["actual"]["text"] == "6.2%"
    assert first["verdict"] == "met" and first["direction"] == "higher"
    new = NEW.read_text("utf-8")
    a = first["actual"]
    assert new[a["sentence_start"] : a["sentence_end"]] == a["sentence"]
    table = CliRunner().invoke(cli, ["promises", str(OLD), str(NEW)])
    assert table.exit_code == 0
    assert "完成" in table.output and "口径不一" in table.output and "未报告" in table.output
    assert "目标原文：" in table.output and "实绩原文：" in table.output


def test_cli_names_a_report_without_a_year(tmp_path: Path) -> None:
    nameless = tmp_path / "x.txt"
    nameless.write_text("主要目标\n城镇新增就业50万人以上。\n", "utf-8")
    result = CliRunner().invoke(cli, ["promises", str(nameless), str(NEW)])
    assert result.exit_code == 2
    assert "x.txt" in result.stderr and "--year" in result.stderr
    ok = CliRunner().invoke(cli, ["promises", str(nameless), str(NEW), "--year", "2026"])
    assert ok.exit_code == 0


@pytest.mark.corpus
def test_national_pair_meets_the_bars(tmp_path: Path) -> None:
    old, new = corpus_file("2021_guowuyuan_gzbg"), corpus_file("2022_guowuyuan_gzbg")
    gold = GOLD / "promises" / "2021-2022.jsonl"
    if not gold.is_file():
        pytest.skip("promise gold is not available")
    result = CliRunner().invoke(cli, ["promises", str(old), str(new), "--jsonl"])
    pred = tmp_path / "pred.jsonl"
    pred.write_text(result.stdout, "utf-8")
    scorer = SHARED / "eval" / "score_promises.py"
    bars = ["--min-recall", "0.9", "--min-actual", "0.9", "--min-verdict", "0.9"]
    score = subprocess.run(
        [sys.executable, str(scorer), str(pred), str(gold), *bars],
        capture_output=True,
        text=True,
        check=False,
    )
    assert score.returncode == 0, score.stdout


def test_a_sentence_naming_the_year_counts_inside_a_multi_year_review() -> None:
    old = Document.from_text(
        "o.txt",
        "某市2026年政府工作报告\n一、2025年工作回顾\n全市生产总值增长5%。\n"
        "二、2026年主要目标\n今年全市生产总值增长5%左右，城镇新增就业10万人。\n",
    )
    new = Document.from_text(
        "n.txt",
        "某市2027年政府工作报告\n一、过去五年工作回顾\n五年来，全市生产总值年均增长5.8%，"
        "城镇新增就业累计52万人。\n2026年，全市生产总值增长6.1%。\n二、2027年主要目标\n"
        "今年全市生产总值增长5%左右。\n",
    )
    gdp, jobs = check_promises(old, new).promises
    assert (actual_of(gdp), gdp.verdict) == ("6.1%", "met")
    assert (jobs.actual, jobs.verdict) == (None, "not_reported")  # 52万 is five years'


def test_a_total_so_far_is_not_the_outcome_of_an_amount_added() -> None:
    old = Document.from_text(
        "o.txt",
        "某市2026年政府工作报告\n一、2025年工作回顾\n全市生产总值增长5%。\n"
        "二、2026年主要目标\n今年新增5G基站1万个，拟安排专项债券300亿元。\n",
    )
    new = Document.from_text(
        "n.txt",
        "某市2027年政府工作报告\n一、2026年工作回顾\n过去一年，累计建成5G基站7.2万个，"
        "新增专项债券310亿元。\n二、2027年主要目标\n今年新增5G基站1万个。\n",
    )
    base, bonds = check_promises(old, new).promises
    assert (base.actual, base.verdict) == (None, "not_reported")
    # An allocation (安排) against the amount issued (新增) is the same year's figure.
    assert (actual_of(bonds), bonds.verdict) == ("310亿元", "met")


def test_a_summary_without_headings_offers_its_facts_not_its_goals() -> None:
    old = Document.from_text(
        "o.txt",
        "某市2026年政府工作报告\n一、2025年工作回顾\n全市生产总值增长5%。\n"
        "二、2026年主要目标\n今年全市生产总值增长5%左右，城镇新增就业10万人。\n",
    )
    new = Document.from_text(
        "n.txt", "某市2026年工作总结\n全市生产总值增长5.3%。明年城镇新增就业力争12万人。\n"
    )
    gdp, jobs = check_promises(old, new, year=2026).promises
    assert (actual_of(gdp), gdp.verdict) == ("5.3%", "met")
    assert (jobs.actual, jobs.verdict) == (None, "not_reported")


def test_a_figure_stated_twice_is_taken_where_first_stated() -> None:
    old = Document.from_text(
        "o.txt",
        "某市2026年政府工作报告\n一、2025年工作回顾\n全市生产总值增长5%。\n"
        "二、2026年主要目标\n今年城镇新增就业10万人以上。\n",
    )
    new = Document.from_text(
        "n.txt",
        "某市2027年政府工作报告\n一、2026年工作回顾\n过去一年，新增就业10.5万人。\n"
        "民生保障有力。城镇新增就业10.5万人，零就业家庭动态清零。\n二、2027年主要目标\n"
        "今年城镇新增就业10万人以上。\n",
    )
    (jobs,) = check_promises(old, new).promises
    assert jobs.actual is not None and new.raw.index("10.5万人") == jobs.actual.start
