"""分解/下发: handing a task down to district plans, and splitting its target into shares."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import Conflict, InputError
from luoshi.ledger import audit, breakdown, links
from luoshi.ledger.db import Database
from luoshi.ledger.models import Target, Task
from tests.builders import admin
from tests.link_support import Levels, build_levels


def _jobs(s: Session, lv: Levels) -> Task:
    return lv.task_titled(s, "city", "促进高质量充分就业")


def _target(s: Session, task: Task) -> Target:
    """The target of the measure under ``task``."""
    q = select(Target).join(Task, Task.id == Target.task_id).where(Task.parent_id == task.id)
    return s.scalars(q).one()


def test_hand_down_creates_linked_tasks_with_the_targets(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        jobs = _jobs(s, lv)
        made = breakdown.hand_down(s, admin(s), jobs, [lv.plan(s, "east"), lv.plan(s, "west")])
        assert [t.title for t in made] == [jobs.title, jobs.title]
        assert {t.plan_id for t in made} == {lv.plan(s, "east").id, lv.plan(s, "west").id}
        assert made[0].code == "3"  # after the district plan's own top-level tasks
        target = _target(s, made[0])
        assert target.indicator == "城镇新增就业" and target.value == 350000
        rows = links.list_links(s, lv.plan(s, "city"), "accepted")
        measure = f"{jobs.code}.1"
        assert {(r.child_plan, r.child_code, r.parent_code) for r in rows} == {
            ("east", "3", jobs.code),
            ("east", "3.1", measure),
            ("west", "3", jobs.code),
            ("west", "3.1", measure),
        }
        assert all(r.origin == "breakdown" and r.decided_by == "local-admin" for r in rows)
        assert [e.action for e in audit.history(s, "tasks", made[0].id)] == ["hand_down"]
        with pytest.raises(Conflict, match="已下发"):
            breakdown.hand_down(s, admin(s), jobs, [lv.plan(s, "east")])


def test_hand_down_under_a_task_of_the_lower_plan(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        home = lv.task_titled(s, "east", "（二）聚焦民生保障")
        east = lv.plan(s, "east")
        made = breakdown.hand_down(s, admin(s), _jobs(s, lv), [east], {east.id: home})
        assert made[0].parent_id == home.id and made[0].code.startswith(home.code + ".")
        assert made[0].level == home.level + 1
        with pytest.raises(InputError, match="下级计划"):
            breakdown.hand_down(s, admin(s), _jobs(s, lv), [lv.plan(s, "city")])


def test_shares_that_add_up_pass_and_others_warn(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        jobs = _jobs(s, lv)
        breakdown.hand_down(s, admin(s), jobs, [lv.plan(s, "east"), lv.plan(s, "west")])
        target = _target(s, jobs)
        ok = breakdown.split_target(s, admin(s), target, {"east": 150000, "west": 200000})
        assert ok.check.adds_up and ok.warning is None
        assert ok.shares == {"east": 150000, "west": 200000}
        short = breakdown.split_target(s, admin(s), target, {"west": 180000})
        assert not short.check.adds_up and short.check.difference == -20000
        assert short.warning is not None and "少于" in short.warning and "20000" in short.warning
        copies = breakdown.shares_of(s, target)
        assert copies["west"].value == 180000 and copies["west"].text == "180000人"
        assert audit.history(s, "targets", copies["west"].id)[-1].action == "share"


def test_a_share_needs_a_handed_down_task_and_a_growth_target_cannot_be_split(
    db: Database,
) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        jobs = _jobs(s, lv)
        target = _target(s, jobs)
        with pytest.raises(InputError, match="请先下发"):
            breakdown.split_target(s, admin(s), target, {"east": 1})
        target.measure = "growth"
        with pytest.raises(InputError, match="增速"):
            breakdown.split_target(s, admin(s), target, {"east": 1})
