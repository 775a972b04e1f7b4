"""Kept figures (ledger/read/state.py, kept.py) answer exactly what computing from the
records answers, after every kind of write, and reads use them only when they are for
the day and rules asked."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from luoshi.ledger import cycle, tasks, workflow
from luoshi.ledger.db import Database
from luoshi.ledger.health import UNASSIGNED, UNCATEGORISED
from luoshi.ledger.keeping import refresh_plans
from luoshi.ledger.models import PlanState, ProgressReport, TaskState
from luoshi.ledger.read import kept, listing, state, views
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import computed_view
from luoshi.ledger.read.figures import plan_figures
from luoshi.ledger.read.listing import Sort, TaskFilter
from luoshi.ledger.read.visibility import Viewer
from luoshi.settings import HealthRules
from tests.builders import Cycle, build_cycle, build_world

RULES = HealthRules()


def today() -> AsOf:
    return AsOf(date.today())


def same_rows(c: Cycle, rules: HealthRules = RULES) -> None:
    """The kept view equals the computed one, row for row (floats to 1e-9)."""
    with c.world.db.transaction() as s:
        plan = c.world.plan(s)
        st = state.plan_state(s, plan.id)
        assert state.is_fresh(st, rules, today()), "the writes kept the figures"
        assert st is not None
        got = kept.kept_view(s, plan, st, today())
        want = computed_view(s, plan, rules, today())
    assert [r.code for r in got.rows] == [r.code for r in want.rows]
    for a, b in zip(got.rows, want.rows, strict=True):
        assert _close(asdict(a), asdict(b)), a.code
    assert got.total.progress == pytest.approx(want.total.progress, abs=1e-9)
    assert got.total.expected == pytest.approx(want.total.expected, abs=1e-9)


def _close(a: dict[str, Any], b: dict[str, Any]) -> bool:
    for key, value in a.items():
        other = b[key]
        if isinstance(value, float) and isinstance(other, float):
            if abs(value - other) > 1e-9:
                return False
        elif value != other:
            return False
    return True


def same_figures(c: Cycle, viewer: Viewer | None = None, rules: HealthRules = RULES) -> None:
    with c.world.db.transaction() as s:
        plan = c.world.plan(s)
        st = state.plan_state(s, plan.id)
        assert st is not None
        got = kept.kept_figures(s, plan, st, viewer, None)
        want = plan_figures(computed_view(s, plan, rules, today()), viewer)
    assert got.total.counts == want.total.counts and got.total.overdue == want.total.overdue
    for mine, theirs in ((got.by_category, want.by_category), (got.by_unit, want.by_unit)):
        assert [(t.name, t.tasks, t.counts) for t in mine] == [
            (t.name, t.tasks, t.counts) for t in theirs
        ]
        for t, u in zip(mine, theirs, strict=True):
            assert t.progress == pytest.approx(u.progress) and t.expected == pytest.approx(
                u.expected
            )
    assert [r.code for r in got.attention] == [r.code for r in want.attention]
    assert got.attention_total == len(want.attention)


FILTERS = [
    TaskFilter(),
    TaskFilter(leaves_only=True),
    TaskFilter(health="red"),
    TaskFilter(unit="市交通运输委"),
    TaskFilter(unit="市民政局", leaves_only=True),
    TaskFilter(category="（二）提升港口能级"),
    TaskFilter(text="码头"),
    TaskFilter(text="1.1"),  # a code: the task and those under it
    TaskFilter(text="1.2.1", leaves_only=True),
    TaskFilter(deadline_from=date(2024, 6, 1), deadline_to=date(2024, 12, 31)),
    TaskFilter(overdue_only=True),
    TaskFilter(overdue_only=True, unit="市交通运输委"),
    TaskFilter(unit=UNASSIGNED),
    TaskFilter(category=UNCATEGORISED),
    TaskFilter(unit=UNASSIGNED, health="red"),
    TaskFilter(unit=UNASSIGNED, text="码头"),
]
SORTS = [
    "",
    "-code",
    "deadline",
    "-deadline",
    "progress",
    "-progress",
    "health",
    "lead_unit",
    "title",
]


def same_lists(c: Cycle, viewer: Viewer | None = None, rules: HealthRules = RULES) -> None:
    with c.world.db.transaction() as s:
        plan = c.world.plan(s)
        view = computed_view(s, plan, rules, today())
        for f in FILTERS:
            for text in SORTS:
                sort = Sort.parse(text)
                got = kept.kept_list(s, plan.id, viewer, f, sort, 1, 4)
                want = listing.list_computed(s, view, viewer, f, sort, 1, 4)
                assert got.total == want.total, (f, text)
                assert [r.code for r in got.items] == [r.code for r in want.items], (f, text)


def same_choices(c: Cycle) -> None:
    with c.world.db.transaction() as s:
        plan = c.world.plan(s)
        want = listing.distinct_computed(computed_view(s, plan, RULES, today()))
        assert kept.kept_distinct(s, plan.id) == want


def check_all(c: Cycle, rules: HealthRules = RULES) -> None:
    same_rows(c, rules)
    same_choices(c)
    same_figures(c, None, rules)
    same_lists(c, None, rules)
    reporter = Viewer(9, "reporter", None, "市交通运输委")
    same_figures(c, reporter, rules)
    same_lists(c, reporter, rules)


def test_after_a_whole_cycle_the_kept_figures_are_the_computed_ones(db: Database) -> None:
    check_all(build_cycle(db))


def test_the_filter_choices_list_categories_in_the_plans_order(db: Database) -> None:
    c = build_cycle(db)
    with db.transaction() as s:
        units, categories = kept.kept_distinct(s, c.world.plan_id)
    # By name 三 (U+4E09) would come before 二 (U+4E8C).
    assert [k[:3] for k in categories] == ["（一）", "（二）", "（三）"]
    assert units == sorted(units) != []


def refreshed(c: Cycle) -> tuple[Any, int]:
    with c.world.db.transaction() as s:
        st = s.get_one(PlanState, c.world.plan_id)
        return st.refreshed_at, st.version


def test_every_kind_of_write_keeps_them_so(db: Database) -> None:
    c = build_cycle(db)
    before = refreshed(c)
    with db.transaction() as s:
        boss = c.world.user(s, "boss")
        q2 = cycle.get_round(s, c.rounds["2024-Q2"])
        report = cycle.submit_report(s, boss, q2, c.world.task(s, "1.2.2"), 100)
    check_all(c)  # a report
    after = refreshed(c)
    assert after[0] == before[0] and after[1] == before[1] + 1  # kept, not recomputed
    with db.transaction() as s:
        cycle.review(s, c.world.user(s, "boss"), cycle.get_report(s, report.id), True)
    check_all(c)  # accepted: done
    with db.transaction() as s:
        workflow.reopen(s, c.world.user(s, "boss"), c.world.task(s, "1.2.2"), "尚未完成")
    check_all(c)  # reopened (撤销办结): open, the 100% report no longer counting
    with db.transaction() as s:
        boss = c.world.user(s, "boss")
        late = c.world.task(s, "1.1.1.1")
        tasks.edit_task(
            s, boss, late, "x", late.version,
            {"deadline": date.today() + timedelta(days=30), "weight": 3.0},
        )  # fmt: skip
        moved = c.world.task(s, "1.3.1")
        tasks.edit_task(s, boss, moved, "x", moved.version, {"lead_unit": "市教委"})
    check_all(c)  # a deadline, a weight and a lead unit changed
    with db.transaction() as s:
        cycle.close_round(s, c.world.user(s, "boss"), cycle.get_round(s, c.rounds["2024-Q2"]))
    check_all(c)  # a round closed: missed rounds move
    assert refreshed(c)[0] > after[0]  # recomputed as a whole


def test_reads_keep_to_their_day_and_rules(db: Database) -> None:
    c = build_cycle(db)
    with db.transaction() as s:
        plan = c.world.plan(s)
        st = state.plan_state(s, plan.id)
        assert st is not None and st.day == date.today()
        assert not state.is_fresh(st, RULES, AsOf(date(2024, 7, 1)))  # another day: computed
        assert not state.is_fresh(st, HealthRules(5, 15, 3), today())  # other rules
        other = views.plan_view(s, plan, HealthRules(5, 15, 3), today())
        assert other.rows == computed_view(s, plan, HealthRules(5, 15, 3), today()).rows
        count = s.scalar(select(func.count()).select_from(TaskState))
        assert count == len(other.rows)


def test_a_stale_day_is_refreshed_by_the_next_write(db: Database) -> None:
    c = build_cycle(db)
    with db.transaction() as s:
        st = s.get_one(PlanState, c.world.plan_id)
        st.day = date(2024, 1, 1)
    with db.transaction() as s:
        t = c.world.task(s, "1.1.1.1")
        tasks.edit_task(s, c.world.user(s, "boss"), t, "x", t.version, {"person": "张三"})
    check_all(c)


def listed_units(db: Database, c: Cycle) -> list[str | None]:
    with db.transaction() as s:
        page = views.list_tasks(s, c.world.plan(s), RULES, today(), None, TaskFilter())
        return [r.lead_unit for r in page.items]


def test_remembered_answers_follow_every_write(db: Database) -> None:
    from luoshi.ledger import units
    from luoshi.ledger.read.memo import MEMO

    c = build_cycle(db)
    first = listed_units(db, c)
    hits = MEMO.hits
    assert listed_units(db, c) == first and MEMO.hits == hits + 1  # asked again: remembered
    with db.transaction() as s:
        # A unit renamed changes what every plan's list shows, though no figure moves.
        units.rename_unit(s, c.world.user(s, "local-admin"), "市教委", "市教育委员会", None)
    renamed = listed_units(db, c)
    assert "市教育委员会" in renamed and "市教委" not in renamed
    with db.transaction() as s:
        boss = c.world.user(s, "boss")
        t = c.world.task(s, "1.3.1")
        tasks.edit_task(s, boss, t, "x", t.version, {"lead_unit": "市商务局"})
    assert listed_units(db, c) != renamed  # a task's write: its plan's answers renewed
    check_all(c)


def report_on_1_3_1(db: Database, c: Cycle) -> None:
    with db.transaction() as s:
        boss, rnd = c.world.user(s, "boss"), cycle.get_round(s, c.rounds["2024-Q2"])
        cycle.submit_report(s, boss, rnd, c.world.task(s, "1.3.1"), 77, None)


def open_a_past_round(db: Database, c: Cycle) -> None:
    """A round already due: every unit that has not reported in it owes one more."""
    with db.transaction() as s:
        boss, plan = c.world.user(s, "boss"), c.world.plan(s)
        cycle.open_round(s, boss, plan, "2024-Q3", date(2024, 10, 10), opened_on=date(2024, 9, 1))


def wait_until_someone_waits_for_a_lock(db: Database) -> None:
    """Until another PostgreSQL backend is blocked on a lock (at most 10 s): the writer
    then holds every row it took before it asked for the plan's."""
    import time

    from sqlalchemy import text

    deadline = time.monotonic() + 10
    with db.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                text("SELECT count(*) FROM pg_locks WHERE NOT granted")
            ).scalar_one()
            conn.rollback()
            if waiting:
                return
            time.sleep(0.02)


@pytest.mark.parametrize("write", [report_on_1_3_1, open_a_past_round])
def test_a_write_committed_while_the_plan_is_recomputed_is_kept(
    db: Database, monkeypatch: pytest.MonkeyPatch, write: Any
) -> None:
    """Recomputing reads the whole plan before it writes; a write that commits in
    between must not be overwritten by figures computed before it (SQLite takes its
    write lock only at the first write, so the reads are not under it). A report's
    task is touched again; a new round makes the plan be read again."""
    c = build_cycle(db)
    real, writers = state.computed_view, []

    def with_a_write_in_between(*args: Any) -> Any:
        view = real(*args)
        if not writers:
            writers.append(threading.Thread(target=write, args=(db, c)))
            writers[0].start()
            if db.engine.dialect.name == "sqlite":
                writers[0].join(10)
            else:  # PostgreSQL: it waits for our lock; go on once it does
                wait_until_someone_waits_for_a_lock(db)
        return view

    monkeypatch.setattr(state, "computed_view", with_a_write_in_between)
    before = refreshed(c)[1]
    with db.transaction() as s:
        state.refresh(s, c.world.plan(s), RULES, date.today())
    writers[0].join(10)
    monkeypatch.undo()
    check_all(c)
    # Both counted: answers remembered by the version before either are not reused.
    assert refreshed(c)[1] >= before + 2


def kept_is_computed_of(c: Cycle, day: date) -> None:
    """The kept figures are those computed for ``day`` from the records as they are."""
    with c.world.db.transaction() as s:
        plan = c.world.plan(s)
        st = state.plan_state(s, plan.id)
        assert st is not None and st.day == day
        got = kept.kept_view(s, plan, st, AsOf(day))
        want = computed_view(s, plan, RULES, AsOf(day))
    for a, b in zip(got.rows, want.rows, strict=True):
        assert _close(asdict(a), asdict(b)), a.code


def test_a_large_plan_a_day_behind_answers_from_its_kept_figures_until_refreshed(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = build_cycle(db)
    yesterday = date.today() - timedelta(days=1)
    with db.transaction() as s:
        state.refresh(s, c.world.plan(s), RULES, yesterday)
    monkeypatch.setattr(state, "LARGE_PLAN", 1)  # this plan counts as large

    def not_on_a_request(*_args: Any) -> Any:
        raise AssertionError("a large plan was computed on a request's path")

    monkeypatch.setattr(views, "computed_view", not_on_a_request)
    with db.transaction() as s:
        plan = c.world.plan(s)
        figures = views.figures_of(s, plan, RULES, today())
        page = views.list_tasks(s, plan, RULES, today(), None, TaskFilter(unit="市民政局"))
        assert views.plan_view(s, plan, RULES, today()).at == AsOf(yesterday)
    assert figures.day == yesterday  # dated the day they are of
    assert page.total > 0
    # A report while behind is measured on that day too: one day's figures throughout.
    with db.transaction() as s:
        boss, rnd = c.world.user(s, "boss"), cycle.get_round(s, c.rounds["2024-Q2"])
        cycle.submit_report(s, boss, rnd, c.world.task(s, "1.3.1"), 77, None)
    kept_is_computed_of(c, yesterday)
    # The keeper's refresh brings it to today; an older day is computed, not shown.
    monkeypatch.undo()
    assert [r.plan_id for r in refresh_plans(db, date.today())] == [c.world.plan_id]
    kept_is_computed_of(c, date.today())
    with db.transaction() as s:
        st = s.get_one(PlanState, c.world.plan_id)
        st.day = date.today() - timedelta(days=2)
    monkeypatch.setattr(state, "LARGE_PLAN", 1)
    with db.transaction() as s:
        assert views.figures_of(s, c.world.plan(s), RULES, today()).day == date.today()


def test_a_small_plan_a_day_behind_is_computed_for_today(db: Database) -> None:
    c = build_cycle(db)
    yesterday = date.today() - timedelta(days=1)
    with db.transaction() as s:
        state.refresh(s, c.world.plan(s), RULES, yesterday)
        assert not state.answers(s, state.plan_state(s, c.world.plan_id), RULES, today())
    with db.transaction() as s:
        assert views.figures_of(s, c.world.plan(s), RULES, today()).day == date.today()


def test_a_second_report_in_the_round_replaces_the_first_and_the_figures_follow(
    db: Database,
) -> None:
    from luoshi.ledger.read.reports import review_queue

    c = build_cycle(db)
    with db.transaction() as s:
        boss = c.world.user(s, "boss")
        q2 = cycle.get_round(s, c.rounds["2024-Q2"])
        first = cycle.submit_report(s, boss, q2, c.world.task(s, "1.2.2"), 30).id
    with db.transaction() as s:
        boss = c.world.user(s, "boss")
        q2 = cycle.get_round(s, c.rounds["2024-Q2"])
        second = cycle.submit_report(s, boss, q2, c.world.task(s, "1.2.2"), 60).id
    check_all(c)
    with db.transaction() as s:
        waiting = review_queue(s, Viewer(1, "admin"), c.world.plan_id, "submitted")
        q2_id = c.rounds["2024-Q2"]
        assert [r.id for r in waiting if (r.task_code, r.round_id) == ("1.2.2", q2_id)] == [second]
        assert first not in {r.id for r in waiting}
        row = s.get_one(TaskState, c.world.task(s, "1.2.2").id)
        assert row.progress == pytest.approx(60)  # the newest report counts
        before = row.progress
        replaced_at = s.get_one(ProgressReport, second).submitted_at
    with db.transaction() as s:
        boss = c.world.user(s, "boss")
        cycle.review(s, boss, cycle.get_report(s, second), False, "数据有误")
    check_all(c)  # the replaced report does not count again when its successor is returned
    with db.transaction() as s:
        q2 = cycle.get_round(s, c.rounds["2024-Q2"])
        owing = {code for p in cycle.pending(s, q2) for code in p.tasks}
        assert "1.2.2" in owing  # owed again: neither report stands
        was = {code for p in cycle.pending(s, q2, replaced_at) for code in p.tasks}
        assert "1.2.2" not in was  # when the second came in, it counted
        just_before = s.get_one(ProgressReport, first).submitted_at
        assert "1.2.2" not in {c for p in cycle.pending(s, q2, just_before) for c in p.tasks}
        row = s.get_one(TaskState, c.world.task(s, "1.2.2").id)
        # The earlier round's 80% (builders), not the replaced 30% of this round.
        assert row.progress == pytest.approx(80) and before == pytest.approx(60)


def test_the_health_sort_puts_the_worst_first(db: Database) -> None:
    c = build_cycle(db)
    order = ["stalled", "red", "amber", "green", "done"]
    with db.transaction() as s:
        plan = c.world.plan(s)
        view = computed_view(s, plan, RULES, today())
        for text, worst_first in (("health", True), ("-health", False)):
            got = kept.kept_list(s, plan.id, None, TaskFilter(), Sort.parse(text), 1, 50)
            want = listing.list_computed(s, view, None, TaskFilter(), Sort.parse(text), 1, 50)
            healths = [r.health for r in got.items]
            assert healths == [r.health for r in want.items]
            ranks = [order.index(h) for h in healths]
            assert ranks == sorted(ranks, reverse=not worst_first)
            assert len(set(healths)) >= 3  # the cycle has several, to order
    assert {"stalled", "done"} <= set(healths)


PLACEHOLDER_TEXT = """天津市2024年政府工作报告
二、2024年重点任务
持续改善营商环境，新增经营主体10万户。
（一）提升港口能级
拓展航线，集装箱吞吐量突破1600万标准箱。年内建成智慧码头。
"""


def test_the_dashboards_unassigned_and_uncategorised_groups_filter_the_list(db: Database) -> None:
    world = build_world(db, PLACEHOLDER_TEXT)
    with db.transaction() as s:
        boss = world.user(s, "boss")
        task = world.task(s, "1.1.2")
        tasks.edit_task(s, boss, task, "x", task.version, {"lead_unit": None})
    with db.transaction() as s:
        plan = world.plan(s)
        view = computed_view(s, plan, RULES, today())
        units, categories = kept.kept_distinct(s, plan.id)
        assert (units[-1], categories[-1]) == (UNASSIGNED, UNCATEGORISED)
        assert listing.distinct_computed(view) == (units, categories)
        for f, codes in (
            (TaskFilter(unit=UNASSIGNED), ["1.1.2"]),  # leaves only: not its parents
            (TaskFilter(category=UNCATEGORISED), ["1.2"]),
            (TaskFilter(unit=UNASSIGNED, category=UNCATEGORISED), []),
        ):
            got = kept.kept_list(s, plan.id, None, f, Sort(), 1, 50)
            want = listing.list_computed(s, view, None, f, Sort(), 1, 50)
            assert [r.code for r in got.items] == [r.code for r in want.items] == codes, f
            assert got.total == want.total == len(codes)
        by_unit = {t.name: t.tasks for t in plan_figures(view).by_unit}
        assert by_unit[UNASSIGNED] == 1  # the dashboard's group is the list's count


def test_a_large_refresh_gathers_postgresqls_statistics_at_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from luoshi.ledger import keeping

    c = build_cycle(db)
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps no planner statistics to refresh")
    count = text(
        "SELECT analyze_count FROM pg_stat_user_tables"
        " WHERE relname = 'task_state' AND schemaname = current_schema()"
    )

    def analyzed_after_refresh() -> int:
        keeping.refresh_plans(db, date.today(), [c.world.plan_id])
        # A backend reports its counts when idle, at most once a second: read for 3 s.
        seen, until = 0, time.monotonic() + 3
        while time.monotonic() < until and not seen:
            time.sleep(0.2)
            with db.engine.connect() as conn:
                seen = int(conn.execute(count).scalar() or 0)
        return seen

    monkeypatch.setattr(keeping, "ANALYZE_AFTER_ROWS", 10**9)
    assert analyzed_after_refresh() == 0  # a small plan: left to autovacuum
    monkeypatch.setattr(keeping, "ANALYZE_AFTER_ROWS", 1)  # as if the plan were large
    assert analyzed_after_refresh() == 1


ACCEPTED_ONLY = HealthRules(progress_from="accepted")


def kept_row(db: Database, c: Cycle, code: str) -> Any:
    with db.transaction() as s:
        plan = c.world.plan(s)
        st = state.plan_state(s, plan.id)
        assert st is not None and st.rules == ACCEPTED_ONLY.key
        return next(r for r in kept.kept_view(s, plan, st, today()).rows if r.code == code)


def test_when_only_accepted_reports_count_a_report_moves_progress_once_accepted(
    tmp_path: Any,
) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'accepted.db'}", rules=ACCEPTED_ONLY)
    try:
        c = build_cycle(db)
        refresh_plans(db, date.today())
        check_all(c, ACCEPTED_ONLY)
        # 20, 30 and 45% reported in three rounds, none accepted: no progress counts,
        # yet the unit reported in every round (not a missed round).
        row = kept_row(db, c, "1.1.1.1")
        assert row.reported is None and row.progress == 0 and row.missed_rounds == 0
        assert row.awaiting_review  # its 45% waits to count
        with db.transaction() as s:
            task = c.world.task(s, "1.1.1.1")
            latest = s.scalars(
                select(ProgressReport)
                .where(ProgressReport.task_id == task.id)
                .order_by(ProgressReport.id.desc())
            ).first()
            assert latest is not None and latest.percent == 45
            cycle.review(s, c.world.user(s, "boss"), latest, True)
        check_all(c, ACCEPTED_ONLY)  # kept by the review's own transaction
        accepted = kept_row(db, c, "1.1.1.1")
        assert accepted.reported == 45 and not accepted.awaiting_review
        with db.transaction() as s:  # the same records, counted on submission
            submitted = computed_view(s, c.world.plan(s), RULES, today())
        assert {r.code: r.reported for r in submitted.rows}["1.1.2.1"] == 30
        assert kept_row(db, c, "1.1.2.1").reported is None
        with db.transaction() as s:  # a past day: what had been accepted by then
            then = computed_view(s, c.world.plan(s), ACCEPTED_ONLY, AsOf.of(date(2024, 7, 1)))
        reported = {r.code: r.reported for r in then.rows}
        assert reported["1.3.2"] == 100 and reported["1.1.1.1"] is None
        waiting = {r.code for r in then.rows if r.awaiting_review}
        assert "1.1.1.1" in waiting and "1.3.2" not in waiting  # accepted by then
    finally:
        db.dispose()
