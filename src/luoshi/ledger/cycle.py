"""The reporting cycle: rounds (调度), progress reports, chasing (催办), review (督考)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from luoshi.errors import Conflict, InputError, NotFound
from luoshi.ledger import audit, clock, locking, report_values
from luoshi.ledger.access import require_unit_member
from luoshi.ledger.clock import now
from luoshi.ledger.models import (
    Chase,
    CloseRequest,
    Plan,
    ProgressReport,
    Review,
    Round,
    Task,
    TaskCoUnit,
    Unit,
    User,
)
from luoshi.ledger.read import asof
from luoshi.ledger.read.rows import code_key
from luoshi.ledger.read.timeline import closing_point
from luoshi.ledger.scope import (
    plan_of,
    require_in_scope,
    require_plan_manager,
    require_task_manager,
)
from luoshi.settings import HealthRules

REPORT_STATE_LABELS = {
    "submitted": "待审核",
    "accepted": "已通过",
    "returned": "已退回",
    "superseded": "已被新报告取代",
}
_PERIOD = re.compile(r"^\d{4}(?:-(?:Q[1-4]|H[12]|(?:0[1-9]|1[0-2])))?$")


@dataclass(frozen=True)
class Pending:
    """A unit that still owes reports in a round."""

    unit_id: int
    unit: str
    tasks: list[str]  # codes
    chases: int
    last_chased: datetime | None = None  # the latest 催办 of it in the round (UTC)

    def chased_within(self, moment: datetime, span: timedelta) -> bool:
        """Whether it was chased less than ``span`` before ``moment``."""
        return self.last_chased is not None and moment - self.last_chased < span


def open_round(
    s: Session,
    actor: User,
    plan: Plan,
    period: str,
    due: date | None,
    opened_on: date | None = None,
) -> Round:
    """调度: ask every unit to report on its tasks for ``period`` (2024-Q1, 2024-06, 2024).

    ``due`` (填报截止) may not lie before ``opened_on``, the day the round is opened
    (today by the ledger clock; the demo passes the historical day it replays)."""
    require_plan_manager(s, actor, plan, "发起调度")
    require_runnable(plan)
    if not _PERIOD.match(period):
        raise InputError(f"期间「{period}」无效，应写作 2024-Q1、2024-H1、2024-06 或 2024")
    _check_due(due, opened_on or clock.today())
    taken = select(Round.id).where(Round.plan_id == plan.id, Round.period == period)
    if s.scalars(taken).first() is not None:
        raise Conflict(f"计划 {plan.name} 已有 {period} 的调度")
    if plan.state == "draft":
        # The cycle has begun: a draft plan in which units report is in use.
        locking.update(s, actor, plan, f"计划 {plan.name}", None, {"state": "active"}, "activate")
    rnd = Round(plan_id=plan.id, period=period, due=due, opened_at=now())
    s.add(rnd)
    audit.created(s, actor, [rnd])
    return rnd


def _check_due(due: date | None, day: date) -> None:
    # A round due in the past is overdue the moment it opens: every unit would be late
    # before it could report, so it is almost certainly a typo in the year or month.
    if due is not None and due < day:
        raise InputError(
            f"填报截止日期 {due.isoformat()} 已经过去（今天是 {day.isoformat()}），"
            "请填写今天或以后的日期",
            ("due",),
        )


def require_runnable(plan: Plan) -> None:
    """Refuse rounds and reports on an archived plan."""
    if plan.state == "archived":
        raise Conflict(f"计划 {plan.name} 已归档，只能查看；如需继续，请先重新启用")


def get_round(s: Session, round_id: int) -> Round:
    rnd = s.get(Round, round_id)
    if rnd is None:
        raise NotFound(f"调度 {round_id} 不存在（用 luoshi rounds list 查看）")
    return rnd


def close_round(
    s: Session,
    actor: User,
    rnd: Round,
    seen: int | None = None,
    rules: HealthRules | None = None,
) -> None:
    """结束调度: no more reports in the round; its point of the timeline is stored now.
    Held first, so a report being stored ends before the round is closed, and one
    stored after it sees the close (``submit_report``)."""
    require_plan_manager(s, actor, s.get_one(Plan, rnd.plan_id), f"结束调度 {rnd.id}")
    locking.hold(s, rnd)
    if rnd.closed_at is not None:
        raise Conflict(f"调度 {rnd.id} 已经结束")
    at = now()
    locking.update(s, actor, rnd, f"调度 {rnd.id}", seen, {"closed_at": at}, "close")
    plan = s.get(Plan, rnd.plan_id)
    assert plan is not None
    s.add(closing_point(s, plan, rnd, at, rules))


def round_for_report(s: Session, plan_id: int, round_id: int | None) -> Round:
    """The round a report goes to: the one named, else the plan's open round."""
    if round_id is not None:
        return get_round(s, round_id)
    rnd = s.scalars(_OPEN_ROUND, {"plan_id": plan_id}).first()
    if rnd is None:
        raise InputError("该计划目前没有进行中的调度，无法填报（请督查人员先发起调度）")
    return rnd


def list_rounds(s: Session, plan: Plan) -> Sequence[Round]:
    return s.scalars(select(Round).where(Round.plan_id == plan.id).order_by(Round.id)).all()


# Built once: every report asks them.
_OPEN_ROUND = (
    select(Round)
    .where(Round.plan_id == bindparam("plan_id"), Round.closed_at.is_(None))
    .order_by(Round.id.desc())
    .limit(1)
)
_CO_UNITS = select(TaskCoUnit.unit_id).where(TaskCoUnit.task_id == bindparam("task_id"))


def _unit_ids_of(s: Session, task: Task) -> set[int]:
    co = s.scalars(_CO_UNITS, {"task_id": task.id})
    return {*co, *([task.lead_unit_id] if task.lead_unit_id else [])}


def submit_report(
    s: Session,
    actor: User,
    rnd: Round,
    task: Task,
    percent: float,
    value: float | None = None,
    narrative: str = "",
    evidence: Sequence[str] = (),
    values: Mapping[int, float] | None = None,
) -> ProgressReport:
    """A unit reports on one of its tasks: percent complete, the value reached for each
    target (``values`` by target id; ``value`` alone is the first target's), evidence.

    The round and the task are held while the report is checked and stored, so it
    cannot slip in after the round closed or after the task was accepted as done.
    (Held exclusively: reports to one round take turns. A shared hold would let a
    steady stream of reports keep a close waiting for ever.)"""
    units = _unit_ids_of(s, task)
    require_unit_member(actor, units, f"填报任务 {task.code}")
    require_in_scope(s, actor, plan_of(s, task), f"填报任务 {task.code}")
    locking.hold(s, rnd)
    locking.hold(s, task)
    _check_open(s, rnd, task)
    targets = report_values.targets_of(s, task.id)
    by_target = report_values.resolve(targets, values or {}, value)
    first = next((t.id for t in targets if t.id in by_target), None)
    if not 0 <= percent <= 100:
        raise InputError(f"完成百分比「{percent:g}」应在 0 到 100 之间")
    unit_id = actor.unit_id if actor.role == "reporter" else task.lead_unit_id
    if unit_id is None:
        raise InputError(f"任务 {task.code} 尚未分派责任单位，无法填报")
    report = ProgressReport(
        round_id=rnd.id,
        task_id=task.id,
        unit_id=unit_id,
        reporter_id=actor.id,
        target_id=first,
        percent=float(percent),
        value=by_target[first] if first is not None else value,
        narrative=narrative,
        evidence=list(evidence),
        state="submitted",
        submitted_at=now(),
    )
    s.add(report)
    audit.created(s, actor, [report])
    report_values.add_values(s, actor, report, by_target)
    _supersede(s, actor, report)
    return report


# The unit's reports on the task in the round still awaiting review (待审核).
_AWAITING = select(ProgressReport).where(
    ProgressReport.round_id == bindparam("round_id"),
    ProgressReport.task_id == bindparam("task_id"),
    ProgressReport.unit_id == bindparam("unit_id"),
    ProgressReport.state == "submitted",
    ProgressReport.id != bindparam("report_id"),
)
_CLOSING = select(CloseRequest).where(
    CloseRequest.report_id == bindparam("report_id"), CloseRequest.status == "pending"
)


def _supersede(s: Session, actor: User, report: ProgressReport) -> None:
    """A unit's new report replaces its earlier one in the round that nobody has
    reviewed yet: only the newest waits for review, so a reviewer never accepts
    figures the unit has already corrected. Same transaction as the new report
    (held under the task's lock), each with its audit event."""
    s.flush()
    params = {
        "round_id": report.round_id,
        "task_id": report.task_id,
        "unit_id": report.unit_id,
        "report_id": report.id,
    }
    for old in s.scalars(_AWAITING, params).all():
        changes = {"state": "superseded"}
        locking.update(s, actor, old, f"进度报告 {old.id}", None, changes, "superseded")
        # A closing request made with the replaced report goes with it: the unit's
        # newest word is the one a supervisor decides on.
        for req in s.scalars(_CLOSING, {"report_id": old.id}).all():
            changed = {"status": "superseded"}
            locking.update(s, actor, req, f"办结申请 {req.id}", None, changed, "superseded")


def _check_open(s: Session, rnd: Round, task: Task) -> None:
    plan = s.get(Plan, rnd.plan_id)
    if plan is not None:
        require_runnable(plan)
    if rnd.closed_at is not None:
        raise Conflict(f"调度 {rnd.id}（{rnd.period}）已经结束，不能再填报，请在进行中的调度里填报")
    if task.plan_id != rnd.plan_id:
        raise InputError(f"任务 {task.code} 不属于调度 {rnd.id} 的计划")
    if task.state == "done":
        raise Conflict(f"任务 {task.code} 已经验收完成")
    has_children = s.scalars(select(Task.id).where(Task.parent_id == task.id).limit(1)).first()
    if has_children is not None:
        raise InputError(f"任务 {task.code} 下有子任务，进度由子任务汇总，请填报子任务")


def pending(s: Session, rnd: Round, until: datetime | None = None) -> list[Pending]:
    """催办名单: units with leaf tasks that have no counted report in the round — at
    ``until`` when given (reports, acceptances and chases up to then), else now."""
    child = aliased(Task)
    reported = exists().where(
        ProgressReport.round_id == rnd.id,
        ProgressReport.task_id == Task.id,
        asof.report_counted(until),
    )
    open_ = Task.state != "done" if until is None else Task.id.not_in(asof.tasks_done(until))
    q = (
        select(Unit.id, Unit.name, Task.code)
        .join(Task, Task.lead_unit_id == Unit.id)
        .where(Task.plan_id == rnd.plan_id, open_, ~reported)
        .where(~exists().where(child.parent_id == Task.id))
        .order_by(Unit.id, Task.id)
    )
    per_unit = select(Chase.unit_id, func.count(), func.max(Chase.at)).where(
        Chase.round_id == rnd.id
    )
    if until is not None:
        per_unit = per_unit.where(Chase.at <= until)
    chases = {u: (n, last) for u, n, last in s.execute(per_unit.group_by(Chase.unit_id))}
    out: dict[int, Pending] = {}
    for unit_id, name, code in s.execute(q):
        owing = out.get(unit_id)
        if owing is None:
            n, last = chases.get(unit_id, (0, None))
            owing = out[unit_id] = Pending(unit_id, name, [], n, last)
        owing.tasks.append(code)
    for owing in out.values():
        owing.tasks.sort(key=code_key)
    return list(out.values())


def chase(
    s: Session, actor: User, rnd: Round, unit: str | None = None, note: str | None = None
) -> list[Chase]:
    """Record a 催办 to every pending unit of the round (or to one of them)."""
    require_plan_manager(s, actor, s.get_one(Plan, rnd.plan_id), f"催办（调度 {rnd.id}）")
    owing = [p for p in pending(s, rnd) if unit is None or p.unit == unit]
    if unit is not None and not owing:
        raise InputError(f"单位「{unit}」在调度 {rnd.id} 中没有待报任务，无需催办")
    events = [
        Chase(
            round_id=rnd.id,
            unit_id=p.unit_id,
            actor_id=actor.id,
            pending_tasks=len(p.tasks),
            note=note,
            at=now(),
        )
        for p in owing
    ]
    s.add_all(events)
    audit.created(s, actor, events)
    return events


def get_report(s: Session, report_id: int) -> ProgressReport:
    report = s.get(ProgressReport, report_id)
    if report is None:
        raise NotFound(f"进度报告 {report_id} 不存在")
    return report


def list_reports(s: Session, rnd: Round) -> Sequence[tuple[ProgressReport, str, str]]:
    """Reports of a round with their task code and unit name, newest last."""
    q = (
        select(ProgressReport, Task.code, Unit.name)
        .join(Task, Task.id == ProgressReport.task_id)
        .join(Unit, Unit.id == ProgressReport.unit_id)
        .where(ProgressReport.round_id == rnd.id)
        .order_by(ProgressReport.id)
    )
    return list(s.execute(q))


def review(
    s: Session,
    actor: User,
    report: ProgressReport,
    accept: bool,
    reason: str | None = None,
    seen: int | None = None,
) -> Review:
    """督考: accept a report or return it with a reason; accepting 100% completes the task."""
    task = s.get_one(Task, report.task_id)
    require_task_manager(s, actor, task, f"审核进度报告 {report.id}")
    completes = accept and report.percent >= 100
    if completes:
        # Held before anything is written or stamped: a report on the task being
        # stored ends first, and none can be stored after it is done.
        locking.hold(s, task)
    reason = (reason or "").strip() or None
    if not accept and reason is None:
        raise InputError(f"退回进度报告 {report.id} 必须说明理由", ("reason",))
    if report.state == "superseded":
        raise Conflict(
            f"进度报告 {report.id} 已被同一单位在本轮的新报告取代，无需审核；请审核最新的报告"
        )
    if report.state != "submitted":
        label = REPORT_STATE_LABELS.get(report.state, report.state)
        raise Conflict(f"进度报告 {report.id} 已经审核过（{label}）")
    decision = "accepted" if accept else "returned"
    label = f"进度报告 {report.id}"
    locking.update(s, actor, report, label, seen, {"state": decision}, decision)
    event = Review(
        report_id=report.id, reviewer_id=actor.id, decision=decision, reason=reason, at=now()
    )
    s.add(event)
    audit.created(s, actor, [event])
    if completes:
        locking.update(s, actor, task, f"任务 {task.code}", None, {"state": "done"}, "complete")
    return event
