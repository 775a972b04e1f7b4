"""Keeping the kept figures current (保持台账数字为当日): a plan's kept health is that of
one day under one set of rules, so each morning, and after the rules change, whole plans
are recomputed here. Writes in between keep them current by themselves
(``read.touch.maintain``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text

from luoshi.ledger.db import Database
from luoshi.ledger.models import Plan
from luoshi.ledger.read import state
from luoshi.ledger.read.scores import keep_missing_scores
from luoshi.ledger.scoring import Rules


@dataclass(frozen=True)
class Refreshed:
    """One plan recomputed: its id, name, how many tasks and how long it took."""

    plan_id: int
    plan_name: str
    tasks: int
    seconds: float


# Past this many kept rows rewritten, PostgreSQL's statistics of them are gathered at
# once: until autovacuum does, a minute or two later, the planner plans for the rows as
# they were before (issue 15's benchmark: a dashboard took 150-170 ms, not 25 ms, in
# the first minute after the start-up refresh of a 100,000-task plan).
ANALYZE_AFTER_ROWS = 10_000


def stale(db: Database, day: date) -> list[int]:
    """Ids of plans whose kept figures are not those of ``day`` under the current rules."""
    with db.transaction() as s:
        return state.stale_plans(s, db.rules, day)


def refresh_plans(
    db: Database,
    day: date,
    plan_ids: list[int] | None = None,
    on_done: Callable[[Refreshed], None] | None = None,
    scoring_rules: Rules | None = None,
) -> list[Refreshed]:
    """Recompute ``plan_ids`` (default: the stale ones), each in its own transaction so
    that no writer waits for more than one plan; with ``scoring_rules``, also store the
    latest closed round's ranking where it is missing."""
    ids = stale(db, day) if plan_ids is None else plan_ids
    done: list[Refreshed] = []
    for plan_id in ids:
        t0 = time.perf_counter()
        with db.transaction() as s:
            plan = s.get(Plan, plan_id)
            if plan is None:
                continue
            state.refresh(s, plan, db.rules, day)
            if scoring_rules is not None:
                keep_missing_scores(s, plan, db.rules, scoring_rules)
            tasks = state.kept_count(s, plan_id)
            name = plan.name
        r = Refreshed(plan_id, name, tasks, time.perf_counter() - t0)
        done.append(r)
        if on_done is not None:
            on_done(r)
    if sum(r.tasks for r in done) >= ANALYZE_AFTER_ROWS:
        analyze_kept(db)
    return done


def analyze_kept(db: Database) -> None:
    """Fresh planner statistics of the kept figures (PostgreSQL; SQLite plans without)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect() as c:
        c.execute(text("ANALYZE task_state, plan_tallies"))
        c.commit()
