"""承接情况 as read: coverage of a parent plan and progress rolled up from lower plans."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from luoshi.ledger import breakdown, cycle, links, orgs, units
from luoshi.ledger.db import Database
from luoshi.ledger.models import Plan, Task
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.linkage import ParentCoverage, downstream_of, plan_linkage
from luoshi.ledger.read.views import plan_view
from luoshi.settings import HealthRules
from tests.builders import admin
from tests.link_support import DISTRICT, Levels, _plan, build_levels

RULES = HealthRules()
AT = AsOf.today()


def _report(s: Session, plan: Plan, task: Task, percent: float) -> None:
    """A report of ``percent`` on ``task`` in a new round of its plan."""
    a = admin(s)
    task.lead_unit_id = (units.find_unit(s, "填报单位") or units.add_unit(s, a, "填报单位")).id
    s.flush()
    due = date(2025, 4, 10)
    rnd = cycle.open_round(s, a, plan, "2025-Q1", due, opened_on=due)  # history
    cycle.submit_report(s, a, rnd, task, percent)


def _jobs_handed_down(s: Session, lv: Levels) -> tuple[Task, list[Task]]:
    jobs = lv.task_titled(s, "city", "促进高质量充分就业")
    made = breakdown.hand_down(s, admin(s), jobs, [lv.plan(s, "east"), lv.plan(s, "west")])
    return jobs, made


def _measure(s: Session, lv: Levels, plan: str, parent: Task) -> Task:
    """The one task under ``parent`` in ``plan``."""
    return next(t for t in _tasks(s, lv, plan) if t.parent_id == parent.id)


def _tasks(s: Session, lv: Levels, plan: str) -> list[Task]:
    from sqlalchemy import select

    return list(s.scalars(select(Task).where(Task.plan_id == lv.plan(s, plan).id)))


def _city_of(lk_upward: list[ParentCoverage]) -> ParentCoverage:
    (only,) = lk_upward
    assert only.plan.name == "city"
    return only


def test_coverage_counts_the_answering_tasks_and_the_leaves_left(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        _jobs_handed_down(s, lv)
        east = lv.plan(s, "east")
        maker = lv.task_titled(s, "east", "壮大制造业集群")
        links.create_link(s, admin(s), maker, lv.task_titled(s, "city", "加快发展先进制造业"))
        cov = _city_of(plan_linkage(s, east, RULES, AT).upward)
        by_title = {t.title: t for t in cov.tasks}
        assert by_title["加快发展先进制造业"].answered_by == [maker.code]
        assert by_title["促进高质量充分就业"].answered_by == ["3"]
        assert by_title["推进教育优质发展"].answered_by == []
        city = plan_view(s, lv.plan(s, "city"), RULES, AT)
        codes = {r.title: r.code for r in city.rows}

        # Coverage is over leaves: a leaf is answered when it or a task holding it is.
        def leaves_of(title: str) -> set[str]:
            code = codes[title]
            return {r.code for r in city.leaves() if (r.code + ".").startswith(code + ".")}

        assert leaves_of("大力发展会展经济") | leaves_of("推进教育优质发展") <= set(cov.unanswered)
        assert not (leaves_of("加快发展先进制造业") | leaves_of("促进高质量充分就业")) & set(
            cov.unanswered
        )
        assert cov.leaves == len(city.leaves())
        assert cov.share_answered == pytest.approx(1 - len(cov.unanswered) / cov.leaves)
        # The district's leaves answering nothing above: all but the maker's and jobs'.
        own = plan_view(s, east, RULES, AT)
        answering = {r.code for r in own.leaves() if r.code.startswith((maker.code + ".", "3."))}
        assert answering and set(cov.orphans) == {r.code for r in own.leaves()} - answering


def test_proposed_and_rejected_links_do_not_count(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        east = lv.plan(s, "east")
        maker = lv.task_titled(s, "east", "壮大制造业集群")
        city_task = lv.task_titled(s, "city", "加快发展先进制造业")
        link = links.create_link(s, admin(s), maker, city_task, "proposed", "align", 0.5)
        assert plan_linkage(s, east, RULES, AT).empty
        links.decide(s, admin(s), link, "rejected")
        assert plan_linkage(s, east, RULES, AT).empty
        links.decide(s, admin(s), link, "accepted")
        assert not plan_linkage(s, east, RULES, AT).empty


def test_roll_up_across_three_levels_by_the_documented_rule(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        a = admin(s)
        jobs, (east_jobs, west_jobs) = _jobs_handed_down(s, lv)
        city_measure = _measure(s, lv, "city", jobs)
        east_measure = _measure(s, lv, "east", east_jobs)
        west_measure = _measure(s, lv, "west", west_jobs)
        street_org = orgs.add_org(s, a, "东街道", "街道", orgs.get_org(s, "东区"))
        street = _plan(s, DISTRICT.replace("东区", "东街道"), "street")
        orgs.move_plan(s, a, street, street_org)
        (street_task,) = breakdown.hand_down(s, a, east_measure, [street])
        _report(s, lv.plan(s, "west"), west_measure, 80)
        _report(s, lv.plan(s, "east"), east_measure, 40)  # superseded by the street's 20
        _report(s, street, street_task, 20)
        city = plan_view(s, lv.plan(s, "city"), RULES, AT)
        below = downstream_of(s, city, RULES)
        # East's measure is done below it: it counts the street's 20, not its own 40.
        assert below[city_measure.id].progress == pytest.approx((20 + 80) / 2)
        assert below[city_measure.id].children == 2
        assert below[city_measure.id].reported == 3  # street, east and west measures
        east_view = plan_view(s, lv.plan(s, "east"), RULES, AT)
        assert downstream_of(s, east_view, RULES)[east_measure.id].progress == pytest.approx(20)
        cov = _city_of(plan_linkage(s, lv.plan(s, "east"), RULES, AT).upward)
        (measure_row,) = [t for t in cov.tasks if t.id == city_measure.id]
        # From the east district alone: its measure, through the street.
        assert measure_row.downstream is not None
        assert measure_row.downstream.progress == pytest.approx(20)
        assert measure_row.progress == city.by_id[city_measure.id].progress


def test_weights_of_the_answering_tasks_count(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        jobs, (east_jobs, west_jobs) = _jobs_handed_down(s, lv)
        east_measure = _measure(s, lv, "east", east_jobs)
        west_measure = _measure(s, lv, "west", west_jobs)
        east_measure.weight = 3.0
        _report(s, lv.plan(s, "east"), east_measure, 40)
        _report(s, lv.plan(s, "west"), west_measure, 80)
        city = plan_view(s, lv.plan(s, "city"), RULES, AT)
        measure = _measure(s, lv, "city", jobs)
        got = downstream_of(s, city, RULES, [measure.id])
        assert got[measure.id].progress == pytest.approx((40 * 3 + 80) / 4)


def test_open_data_and_dashboard_carry_coverage_and_downstream(db: Database) -> None:
    from luoshi.io.opendata import plan_json
    from luoshi.ledger.read.dashboard import dashboard
    from luoshi.ledger.read.opendata import open_data
    from luoshi.ledger.read.records import linkage_record
    from luoshi.ledger.read.visibility import Viewer

    lv = build_levels(db)
    with db.transaction() as s:
        jobs, (east_jobs, _) = _jobs_handed_down(s, lv)
        _report(s, lv.plan(s, "east"), _measure(s, lv, "east", east_jobs), 50)
        east = plan_json(open_data(s, lv.plan(s, "east"), RULES, AT))
        (parent,) = east["coverage"]
        assert parent["plan"]["name"] == "city"
        row = next(t for t in parent["tasks"] if t["id"] == jobs.id)
        # From the east district alone: its 50; the city sees both districts, (50 + 0) / 2.
        assert row["answered_by"] == ["3"] and row["downstream"]["progress"] == 50
        city = plan_json(open_data(s, lv.plan(s, "city"), RULES, AT))
        assert city["coverage"] == []
        task = next(t for t in city["tasks"] if t["id"] == jobs.id)
        assert task["downstream"] == {"progress": 25, "children": 2, "reported": 2}
        d = dashboard(s, lv.plan(s, "city"), RULES, Viewer(1, "supervisor"), AT)
        assert d.linkage is not None
        assert linkage_record(d.linkage)["downstream"][str(jobs.id)]["progress"] == 25
        reporter = Viewer(2, "reporter", 1, "填报单位")
        assert dashboard(s, lv.plan(s, "city"), RULES, reporter, AT).linkage is None
