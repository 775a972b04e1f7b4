"""考核: the scoring rules (pure), the shipped rules file, and facts read from a cycle."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from luoshi.errors import InputError, NotFound
from luoshi.ledger import cycle, score_facts, workflow
from luoshi.ledger.db import Database
from luoshi.ledger.scoring import Component, Grade, Rules, UnitFacts, load_rules, rank, score_unit
from luoshi.settings import HealthRules
from tests.builders import build_world

EVEN = Rules(
    tuple(Component(k, k, 1.0) for k in ("on_time", "returned", "overdue", "progress", "delays")),
    (Grade("优秀", 90), Grade("合格", 60), Grade("待改进", 0)),
)


def facts(unit: str = "甲", **kw: float) -> UnitFacts:
    base = dict(unit_id=1, unit=unit, tasks=4, open_tasks=4, owed=4, on_time=4, reports=4,
                returned=0, overdue=0, progress=50.0, expected=50.0, delays=0)  # fmt: skip
    base.update(kw)
    return UnitFacts(**base)  # type: ignore[arg-type]


def test_a_unit_that_does_everything_scores_100() -> None:
    sc = score_unit(facts(), EVEN, "2024-Q1")
    assert sc.score == pytest.approx(100) and sc.grade == "优秀"
    assert all(p.value == 100 for p in sc.parts)


def test_each_component_follows_its_rule() -> None:
    sc = score_unit(facts(on_time=3, returned=1, overdue=2, progress=25, delays=1), EVEN, "P")
    values = {p.key: p.value for p in sc.parts}
    assert values == pytest.approx(
        {"on_time": 75.0, "returned": 75.0, "overdue": 50.0, "progress": 50.0, "delays": 75.0}
    )
    assert sc.score == pytest.approx(65.0) and sc.grade == "合格"
    on_time = next(p for p in sc.parts if p.key == "on_time")
    assert on_time.how == "按时报送数/应报数：100 × 3/4 = 75.0"
    assert sc.how.endswith("= 65.0")


def test_nothing_to_measure_counts_full_and_progress_is_capped() -> None:
    sc = score_unit(facts(owed=0, on_time=0, reports=0, progress=80, expected=40), EVEN, "P")
    assert {p.key: p.value for p in sc.parts}["on_time"] == 100
    assert {p.key: p.value for p in sc.parts}["progress"] == 100


def test_weights_weigh_and_ties_share_a_rank() -> None:
    rules = Rules((Component("on_time", "按时", 3.0), Component("returned", "质量", 1.0)), ())
    sc = score_unit(facts(on_time=0, returned=0), rules, "P")
    assert sc.score == pytest.approx(25.0)
    ranked = rank([facts("乙", on_time=2), facts("甲"), facts("丙")], EVEN, "P")
    assert [(s.unit, s.rank) for s in ranked] == [("丙", 1), ("甲", 1), ("乙", 3)]


def test_the_shipped_rules_and_bad_ones(tmp_path: Path) -> None:
    rules = load_rules()
    assert [c.key for c in rules.components] == [
        "on_time",
        "returned",
        "overdue",
        "progress",
        "delays",
    ]
    assert sum(c.weight for c in rules.components) == 100
    bad = tmp_path / "s.toml"
    bad.write_text('[[components]]\nkey = "speed"\nweight = 1\n', encoding="utf-8")
    with pytest.raises(InputError, match="未知的考核项「speed」"):
        load_rules(bad)


def test_facts_are_read_from_the_round(db: Database) -> None:
    world = build_world(db)
    today = date.today()
    with db.transaction() as s:
        boss = world.user(s, "boss")
        with pytest.raises(NotFound, match="还没有调度"):
            score_facts.period_round(s, world.plan(s), None)
        rnd = cycle.open_round(s, boss, world.plan(s), "2024-Q1", today + timedelta(days=5))
        a = cycle.submit_report(s, world.user(s, "port"), rnd, world.task(s, "1.1.1.1"), 50)
        workflow.review_report(s, boss, a, False, "不实")
        cycle.submit_report(s, world.user(s, "port"), rnd, world.task(s, "1.1.1.1"), 60)
        req = workflow.request_delay(
            s, world.user(s, "school"), world.task(s, "1.2.1"), date(2099, 1, 1), "汛期"
        )
        workflow.decide_delay(s, boss, req, True)
        got = {
            f.unit: f for f in score_facts.unit_facts(s, world.plan(s), rnd, HealthRules(), today)
        }
    port, school, trade = got["市交通运输委"], got["市教委"], got["市商务局"]
    assert (port.tasks, port.owed, port.on_time, port.reports, port.returned) == (2, 2, 1, 2, 1)
    assert (school.delays, school.on_time, school.overdue) == (1, 0, 0)
    assert (trade.reports, trade.overdue) == (0, 1)  # its 2024 deadline has passed
    with db.transaction() as s:
        _rnd, ranked = score_facts.plan_scores(s, world.plan(s), HealthRules(), load_rules())
        assert {sc.unit for sc in ranked} == {"市交通运输委", "市教委", "市商务局"}


def test_a_closed_rounds_ranking_is_stored_and_stays_what_it_was(db: Database) -> None:
    from luoshi.ledger.read.scores import keep_missing_scores, keep_round_scores, kept_ranking
    from luoshi.ledger.read.scores import ranking as live_ranking

    world = build_world(db)
    today = date.today()
    with db.transaction() as s:
        boss, plan = world.user(s, "boss"), world.plan(s)
        rnd = cycle.open_round(s, boss, plan, "2024-Q1", today)
        cycle.submit_report(s, world.user(s, "port"), rnd, world.task(s, "1.1.1.1"), 50)
        assert kept_ranking(s, plan) is None  # nothing closed yet
        cycle.close_round(s, boss, rnd)
        assert keep_missing_scores(s, plan, HealthRules(), EVEN)  # stored once…
        assert not keep_missing_scores(s, plan, HealthRules(), EVEN)  # …not twice
        live = live_ranking(s, plan, HealthRules(), EVEN, "2024-Q1")
        kept = kept_ranking(s, plan)
        assert kept is not None and kept.period == "2024-Q1"
        assert [(r["unit"], r["score"], r["rank"]) for r in kept.scores] == [
            (sc.unit, round(sc.score, 1), sc.rank) for sc in live.scores
        ]
        before = kept.scores
    with db.transaction() as s:
        # A later round changes the live figures, not the closed round's ranking.
        boss, plan = world.user(s, "boss"), world.plan(s)
        later = cycle.open_round(s, boss, plan, "2024-Q2", today + timedelta(days=30))
        cycle.submit_report(s, world.user(s, "port"), later, world.task(s, "1.1.1.2"), 90)
        kept = kept_ranking(s, plan)
        assert kept is not None and kept.period == "2024-Q1" and kept.scores == before
        keep_round_scores(s, plan, rnd, HealthRules(), EVEN)  # storing again replaces it
        again = kept_ranking(s, plan)
        assert again is not None and again.period == "2024-Q1"


def test_a_unit_that_owed_reports_and_sent_none_gets_no_quality_marks() -> None:
    silent = score_unit(facts(on_time=0, reports=0, returned=0), EVEN, "P")
    quality = next(p for p in silent.parts if p.key == "returned")
    assert quality.value == 0 and "未报送" in quality.how
    diligent = score_unit(facts(on_time=2, reports=4, returned=2), EVEN, "P")
    assert diligent.score > silent.score  # reporting, even with returns, ranks above silence
