"""A plan's rows for an export, read as they are written: from the kept figures a chunk
at a time (keyset pages in code order), so exporting a province's plan holds one chunk
in memory, not the plan.

A day the kept figures do not answer (a past ``as_of``, other health rules, a plan not
kept yet) is computed whole from the records, as every other read computes it; the
stream then says so (``streamed`` is False) and holds that one view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan, Target, Task
from luoshi.ledger.read import kept
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import computed_view, plan_ref
from luoshi.ledger.read.rows import PlanRef, PlanView, TaskRow
from luoshi.ledger.read.state import answers, plan_state
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class PlanStream:
    """计划任务流: a plan's task rows on one day, each read anew by ``rows()``."""

    plan: PlanRef
    at: AsOf
    progress: float  # the plan's weighted roll-up
    expected: float
    tasks: int
    targets: int
    document_ids: list[int]  # the documents its tasks come from, and the plan's own
    streamed: bool  # False: computed whole in memory (a day the kept figures do not answer)
    view: PlanView | None  # the computed view when not streamed
    read: Callable[[], Iterator[TaskRow]]

    def rows(self) -> Iterator[TaskRow]:
        """Every task row in code order; call again for another pass."""
        return self.read()


def plan_stream(s: Session, plan: Plan, rules: HealthRules, at: AsOf) -> PlanStream:
    """The plan's rows as of ``at``: streamed from the kept figures when they answer for
    ``at``, else computed (see the module's docstring). Iterate within the session."""
    st = plan_state(s, plan.id)
    if answers(s, st, rules, at):
        assert st is not None
        tasks, targets = _counts(s, plan.id)
        return PlanStream(
            plan_ref(plan), at, st.progress, st.expected, tasks, targets,
            _document_ids(s, plan), True, None, lambda: kept.iter_rows(s, plan.id, kept.CHUNK),
        )  # fmt: skip
    view = computed_view(s, plan, rules, at)
    ids = {r.doc for r in view.rows if r.doc is not None}
    if plan.document_id is not None:
        ids.add(plan.document_id)
    return PlanStream(
        view.plan, at, view.total.progress, view.total.expected, len(view.rows),
        sum(len(r.targets) for r in view.rows), sorted(ids), False, view,
        lambda: iter(view.rows),
    )  # fmt: skip


def _counts(s: Session, plan_id: int) -> tuple[int, int]:
    tasks = s.scalar(select(func.count()).select_from(Task).where(Task.plan_id == plan_id))
    targets = s.scalar(
        select(func.count())
        .select_from(Target)
        .join(Task, Task.id == Target.task_id)
        .where(Task.plan_id == plan_id)
    )
    return tasks or 0, targets or 0


def _document_ids(s: Session, plan: Plan) -> list[int]:
    q = select(Task.document_id).where(Task.plan_id == plan.id, Task.document_id.is_not(None))
    ids = set(s.scalars(q.distinct()))
    if plan.document_id is not None:
        ids.add(plan.document_id)
    return sorted(i for i in ids if i is not None)
