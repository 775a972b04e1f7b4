"""报送质量检查: each check on reports of our own writing, and the flags read from a round."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from luoshi.ledger import cycle, quality
from luoshi.ledger.db import Database
from luoshi.ledger.quality import QualityRules, ReportFact, TargetFact, check
from tests.builders import build_world

RULES = quality.load_rules()
BOXES = TargetFact(16_000_000, "标准箱", ">", "level")


def fact(id_: int = 2, percent: float = 50, value: float | None = None,
         narrative: str = "按计划推进", evidence: int = 1,
         target: TargetFact | None = BOXES) -> ReportFact:  # fmt: skip
    return ReportFact(id_, percent, value, narrative, evidence, target)


def codes(report: ReportFact, previous: ReportFact | None = None) -> list[str]:
    return [f.code for f in check(report, previous, RULES)]


def test_a_clean_report_has_no_flags() -> None:
    prev = fact(1, 40, 9_000_000, "新开航线两条，码头改造完成设计招标。")
    now = fact(2, 55, 12_000_000, "集装箱吞吐量达到1200万标准箱，智慧码头主体完工。")
    assert codes(now, prev) == []


def test_a_near_copy_of_the_previous_narrative() -> None:
    text = "本季度按计划推进航线拓展工作，新开通国际航线，码头改造工程进展顺利。"
    prev = fact(1, 40, narrative=text)
    assert codes(fact(2, 50, narrative=text.replace("顺利", "良好")), prev) == ["near_copy"]
    # Short stock phrases are not compared.
    assert codes(fact(2, 50, narrative="按计划推进"), fact(1, 40, narrative="按计划推进")) == []
    reason = check(fact(2, 50, narrative=text), prev, RULES)[0].reason
    assert "#1" in reason and "100%" in reason


def test_full_completion_without_evidence() -> None:
    assert codes(fact(percent=100, evidence=0)) == ["no_evidence"]
    assert codes(fact(percent=100, evidence=1)) == []


def test_numbers_in_the_narrative_that_contradict_the_report() -> None:
    wrong = fact(value=13_000_000, narrative="集装箱吞吐量达到1200万标准箱。")
    flags = check(wrong, None, RULES)
    assert [f.code for f in flags] == ["contradicts"] and "1200万标准箱" in flags[0].reason
    near = fact(value=12_300_000, narrative="集装箱吞吐量达到1200万标准箱。")
    assert codes(near) == []  # within 5%
    pct = fact(percent=40, narrative="工程已完成80%。", target=None)
    assert codes(pct) == ["contradicts"]
    growth = fact(percent=40, narrative="吞吐量同比增长8%。", target=None)
    assert codes(growth) == []  # a growth rate is not the completion percentage


def test_progress_that_goes_backwards() -> None:
    assert codes(fact(2, 30), fact(1, 45)) == ["backwards"]
    assert codes(fact(2, 50, value=8e6), fact(1, 50, value=9e6)) == ["backwards"]
    change = TargetFact(20, "家", ">=", "change")
    assert codes(fact(2, 50, value=3, target=change), fact(1, 50, value=5, target=change)) == []


def test_the_previous_report_is_cited_by_its_day_and_number() -> None:
    """The reporter sees these reasons too: the day it reported says more to it than
    the report's number, which the reviewer uses."""
    prev = replace(fact(7, 90), submitted=date(2026, 11, 5))
    reason = check(fact(8, 50), prev, RULES)[0].reason
    assert reason == "完成进度 50% 低于上次报告（2026-11-05，#7）的 90%"
    assert "（#7）" in check(fact(8, 50), fact(7, 90), RULES)[0].reason  # no day known


def test_beyond_the_target_without_evidence() -> None:
    assert codes(fact(percent=80, value=17_000_000, evidence=0)) == ["beyond_target"]
    assert codes(fact(percent=80, value=17_000_000, evidence=2)) == []
    cap = TargetFact(5, "%", "<=", "level")
    assert codes(fact(percent=80, value=7, evidence=0, target=cap)) == []


def test_a_report_of_numbers_only_is_flagged() -> None:
    assert codes(fact(narrative="  ")) == ["no_narrative"]
    assert "没有写进展情况" in check(fact(narrative=""), None, RULES)[0].reason


def test_a_count_below_zero_is_flagged_and_a_fall_in_a_rate_is_not() -> None:
    schools = TargetFact(5, "所", ">=", "level")
    flags = check(fact(value=-1, target=schools), None, RULES)
    assert [f.code for f in flags] == ["negative"] and "-1所" in flags[0].reason
    assert codes(fact(value=0, target=schools)) == []
    growth = TargetFact(5, "%", ">=", "level")
    assert codes(fact(value=-1.5, target=growth)) == []


def test_flags_are_read_for_a_rounds_reports(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        rnd = cycle.open_round(s, world.user(s, "boss"), world.plan(s), "2024-Q1", None)
        port, task = world.user(s, "port"), world.task(s, "1.1.1.1")
        a = cycle.submit_report(s, port, rnd, task, 60, 12e6, "吞吐量达到1200万标准箱", ["链接"])
        cycle.review(s, world.user(s, "boss"), a, True)
        b = cycle.submit_report(s, port, rnd, task, 50, 14e6, "吞吐量达到1200万标准箱", ["链接"])
        found = quality.report_flags(s, [a.id, b.id])
    assert a.id not in found
    assert sorted(f.code for f in found[b.id]) == ["backwards", "contradicts", "near_copy"]


def test_a_correction_is_not_a_copy_of_the_report_it_replaces(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        rnd = cycle.open_round(s, world.user(s, "boss"), world.plan(s), "2024-Q1", None)
        port, task = world.user(s, "port"), world.task(s, "1.1.1.1")
        text = "码头改造完成主体工程，正在安装装卸设备，预计下月试运行"
        first = cycle.submit_report(s, port, rnd, task, 60, None, text, ["链接"])
        fixed = cycle.submit_report(s, port, rnd, task, 55, None, text + "。", ["链接"])
        assert first.state == "superseded"
        found = quality.report_flags(s, [fixed.id])
    assert found.get(fixed.id, []) == []  # neither 与上次雷同 nor 进度倒退


def test_the_shipped_rules_are_the_defaults() -> None:
    assert quality.load_rules() == QualityRules()
