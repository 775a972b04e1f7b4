"""Which way a read is answered: from the kept figures when they are for the day and rules
asked (today's reading), else computed from the records (a past or future day, other
rules, or a plan whose figures are not kept yet). Both give the same answer for the
state day; every presentation reads through here."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan
from luoshi.ledger.read import kept, listing
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import computed_view
from luoshi.ledger.read.figures import PlanFigures, plan_figures
from luoshi.ledger.read.listing import Page, Sort, TaskFilter
from luoshi.ledger.read.memo import MEMO, stamp
from luoshi.ledger.read.rows import PlanView, TaskRow
from luoshi.ledger.read.state import answers, plan_state
from luoshi.ledger.read.visibility import Viewer
from luoshi.settings import HealthRules


def plan_view(s: Session, plan: Plan, rules: HealthRules, at: AsOf) -> PlanView:
    """Every task of ``plan`` in code order, with its figures as of ``at``."""
    st = plan_state(s, plan.id)
    if answers(s, st, rules, at):
        assert st is not None
        return kept.kept_view(s, plan, st, at)
    return computed_view(s, plan, rules, at)


def iter_plan_rows(s: Session, plan: Plan, rules: HealthRules, at: AsOf) -> Iterator[TaskRow]:
    """Every task row of ``plan`` in code order; from kept figures a chunk at a time, so
    that a million-task plan streams in bounded memory."""
    st = plan_state(s, plan.id)
    if answers(s, st, rules, at):
        yield from kept.iter_rows(s, plan.id)
        return
    yield from computed_view(s, plan, rules, at).rows


def figures_of(
    s: Session,
    plan: Plan,
    rules: HealthRules,
    at: AsOf,
    viewer: Viewer | None = None,
    attention: int | None = None,
) -> PlanFigures:
    """The plan's figures as ``viewer`` may see them; ``attention`` limits how many tasks
    needing attention are listed (all when None; ``attention_total`` counts them all)."""
    st = plan_state(s, plan.id)
    if answers(s, st, rules, at):
        assert st is not None
        key = ("figures", stamp(s, st), viewer, attention)
        return MEMO.get_or(key, lambda: kept.kept_figures(s, plan, st, viewer, attention))
    f = plan_figures(computed_view(s, plan, rules, at), viewer)
    if attention is not None:
        return PlanFigures(
            f.plan_id, f.day, f.progress, f.expected, f.total, f.by_category, f.by_unit,
            f.attention[:attention], f.attention_total,
        )  # fmt: skip
    return f


def list_tasks(
    s: Session,
    plan: Plan,
    rules: HealthRules,
    at: AsOf,
    viewer: Viewer | None,
    f: TaskFilter,
    sort: Sort | None = None,
    page: int = 1,
    per_page: int = 50,
    after: str | None = None,
) -> Page[TaskRow]:
    """The ledger list: the tasks ``viewer`` may see that ``f`` selects, one page of them."""
    order = sort or Sort()
    st = plan_state(s, plan.id)
    if answers(s, st, rules, at):
        assert st is not None
        key = ("list", stamp(s, st), viewer, f, order, page, per_page, after)
        return MEMO.get_or(
            key, lambda: kept.kept_list(s, plan.id, viewer, f, order, page, per_page, after)
        )
    view = computed_view(s, plan, rules, at)
    return listing.list_computed(s, view, viewer, f, order, page, per_page)


def filter_choices(
    s: Session, plan: Plan, rules: HealthRules, at: AsOf
) -> tuple[list[str], list[str]]:
    """The lead units and categories the list can be filtered to."""
    st = plan_state(s, plan.id)
    if answers(s, st, rules, at):
        assert st is not None
        return MEMO.get_or(("choices", stamp(s, st)), lambda: kept.kept_distinct(s, plan.id))
    return listing.distinct_computed(computed_view(s, plan, rules, at))


def task_row(s: Session, plan: Plan, task_id: int, rules: HealthRules, at: AsOf) -> TaskRow | None:
    """One task's row as of ``at``."""
    st = plan_state(s, plan.id)
    if answers(s, st, rules, at):
        return kept.rows_by_id(s, [task_id]).get(task_id)
    return computed_view(s, plan, rules, at).by_id.get(task_id)
