"""The read side shared by the API and the pages: JSON-ready records of plans, tasks,
documents and rounds, limited to what the caller may see.

A reporter (填报人) sees its own unit's tasks — those it leads or supports — in
the ledger and task views; managers and viewers see every task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from luoshi.errors import InputError, NotFound, PermissionDenied
from luoshi.extract.records import number
from luoshi.ledger import cycle, documents, plans
from luoshi.ledger.board import TaskRow
from luoshi.ledger.listing import TaskFilter, positions
from luoshi.ledger.models import (
    AuditEvent,
    Document,
    ProgressReport,
    Review,
    Round,
    Target,
    Task,
    Unit,
    User,
)
from luoshi.ledger.records import audit_record, document_record, target_record
from luoshi.web.context import Caller, WebContext
from luoshi.web.planview import PlanView

CONTEXT_CHARS = 160


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    def record(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
        }


def paginate(items: Sequence[Any], page: int, per_page: int) -> tuple[Sequence[Any], int]:
    start = (page - 1) * per_page
    return items[start : start + per_page], len(items)


# By numeric id, as the web's URLs name them; one lookup shared with the ledger.
get_plan = plans.plan_by_id
get_task = plans.task_by_id


def may_see(caller: Caller | None, row: TaskRow) -> bool:
    if caller is None or not caller.is_reporter:
        return True
    return caller.unit is not None and (row.lead_unit == caller.unit or caller.unit in row.co_units)


def unit_names(s: Session) -> list[str]:
    """The active units' names, in the order they were added."""
    return list(s.scalars(select(Unit.name).where(Unit.active).order_by(Unit.id)))


def plan_record(p: plans.PlanRow) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "title": p.title,
        "document_id": p.document_id,
        "tasks": p.tasks,
        "created_at": p.created_at,
        "public": p.public,
        "version": p.version,
    }


def task_item(r: TaskRow, leaf: bool) -> dict[str, Any]:
    """A task as a ledger row: enough to list, filter and link."""
    return {
        "id": r.id,
        "code": r.code,
        "parent": r.parent,
        "level": r.level,
        "kind": r.kind,
        "leaf": leaf,
        "title": r.title,
        "category": r.category,
        "lead_unit": r.lead_unit,
        "co_units": r.co_units,
        "person": r.person,
        "deadline": r.deadline.isoformat() if r.deadline else None,
        "weight": number(r.weight),
        "status": r.status,
        "progress": round(r.progress, 1),
        "expected": round(r.expected, 1),
        "reported": r.reported,
        "missed_rounds": r.missed_rounds,
        "targets": [target_record(t) for t in r.targets],
        "version": r.version,
    }


def list_tasks(
    view: PlanView, caller: Caller | None, f: TaskFilter, page: int, per_page: int
) -> Page:
    scope = None
    if caller is not None and caller.is_reporter:
        # A reporter's list is its own unit's tasks; "" matches none when it has no unit.
        scope = caller.unit or ""
    found = positions(view.index, f, scope)
    chosen, total = paginate(found, page, per_page)
    rows = [view.index.rows[i] for i in chosen]
    return Page([task_item(r, r.code in view.leaves) for r in rows], total, page, per_page)


def visible_row(view: PlanView, caller: Caller | None, task_id: int) -> TaskRow:
    row = view.by_id.get(task_id)
    if row is None:
        raise NotFound(f"任务 {task_id} 不存在")
    if not may_see(caller, row):
        raise PermissionDenied(f"任务 {row.code} 不属于本单位，无权查看")
    return row


def task_detail(ctx: WebContext, s: Session, caller: Caller | None, task_id: int) -> dict[str, Any]:
    """Everything the task page shows: source in context, targets, reports, reviews, audit."""
    task = get_task(s, task_id)
    plan = get_plan(s, task.plan_id)
    view = ctx.plan_view(s, plan)
    row = visible_row(view, caller, task_id)
    reports = task_reports(s, task.id)
    return {
        **task_item(row, row.code in view.leaves),
        "plan": {"id": plan.id, "name": plan.name, "title": plan.title},
        "start_date": row.start_date.isoformat() if row.start_date else None,
        "expected_outcome": row.expected_outcome,
        "document_id": task.document_id,
        "source": source_context(s, task),
        "latest_value": next(
            (
                r["value"]
                for r in reversed(reports)
                if r["value"] is not None and r["status"] != "returned"
            ),
            None,
        ),
        "reports": reports,
        "open_round": open_round_record(s, plan.id),
    }


def source_context(s: Session, task: Task) -> dict[str, Any] | None:
    """The task's source sentence with some text either side, offsets into the document."""
    if task.document_id is None or task.start is None or task.end is None:
        return None
    doc = s.get(Document, task.document_id)
    if doc is None:
        return None
    a, b = task.start, task.end
    lo, hi = max(0, a - CONTEXT_CHARS), min(len(doc.raw), b + CONTEXT_CHARS)
    return {
        "document_id": doc.id,
        "document_title": doc.title,
        "start": a,
        "end": b,
        "text": doc.raw[a:b],
        "before": doc.raw[lo:a],
        "after": doc.raw[b:hi],
    }


def task_reports(s: Session, task_id: int) -> list[dict[str, Any]]:
    q = (
        select(ProgressReport, Round.period, Unit.name, User.username)
        .join(Round, Round.id == ProgressReport.round_id)
        .join(Unit, Unit.id == ProgressReport.unit_id)
        .join(User, User.id == ProgressReport.reporter_id)
        .where(ProgressReport.task_id == task_id)
        .order_by(ProgressReport.id)
    )
    rows = list(s.execute(q))
    ids = [r[0].id for r in rows]
    reviews: dict[int, list[dict[str, Any]]] = {}
    q2 = (
        select(Review, User.username)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.report_id.in_(ids))
        .order_by(Review.id)
    )
    for rv, who in s.execute(q2):
        reviews.setdefault(rv.report_id, []).append(review_record(rv, who))
    return [
        report_record(r, period, unit, who, reviews.get(r.id, [])) for r, period, unit, who in rows
    ]


def report_record(
    r: ProgressReport, period: str, unit: str, reporter: str, reviews: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": r.id,
        "round_id": r.round_id,
        "period": period,
        "task_id": r.task_id,
        "unit": unit,
        "reporter": reporter,
        "percent": number(r.percent),
        "value": number(r.value) if r.value is not None else None,
        "narrative": r.narrative,
        "evidence": r.evidence,
        "status": r.status,
        "submitted_at": r.submitted_at.isoformat(timespec="seconds"),
        "reviews": reviews,
        "version": r.version,
    }


def review_record(rv: Review, reviewer: str) -> dict[str, Any]:
    return {
        "id": rv.id,
        "decision": rv.decision,
        "reason": rv.reason,
        "reviewer": reviewer,
        "at": rv.at.isoformat(timespec="seconds"),
    }


def task_audit(s: Session, task_id: int) -> list[dict[str, Any]]:
    """The task's own history with that of its targets, reports and their reviews."""
    report_ids = list(s.scalars(select(ProgressReport.id).where(ProgressReport.task_id == task_id)))
    review_ids = list(s.scalars(select(Review.id).where(Review.report_id.in_(report_ids))))
    target_ids = list(s.scalars(select(Target.id).where(Target.task_id == task_id)))
    q = select(AuditEvent).where(
        or_(
            (AuditEvent.entity == "tasks") & (AuditEvent.entity_id == task_id),
            (AuditEvent.entity == "targets") & AuditEvent.entity_id.in_(target_ids),
            (AuditEvent.entity == "progress_reports") & AuditEvent.entity_id.in_(report_ids),
            (AuditEvent.entity == "reviews") & AuditEvent.entity_id.in_(review_ids),
        )
    )
    return [audit_record(e) for e in s.scalars(q.order_by(AuditEvent.id))]


def round_record(r: Round) -> dict[str, Any]:
    return {
        "id": r.id,
        "plan_id": r.plan_id,
        "period": r.period,
        "due": r.due.isoformat() if r.due else None,
        "opened_at": r.opened_at.isoformat(timespec="seconds"),
        "closed_at": r.closed_at.isoformat(timespec="seconds") if r.closed_at else None,
        "open": r.closed_at is None,
        "version": r.version,
    }


def open_round_of(s: Session, plan_id: int) -> Round | None:
    """The plan's reporting round in progress (the newest, should there be several)."""
    q = select(Round).where(Round.plan_id == plan_id, Round.closed_at.is_(None))
    return s.scalars(q.order_by(Round.id.desc()).limit(1)).first()


def open_round_record(s: Session, plan_id: int) -> dict[str, Any] | None:
    rnd = open_round_of(s, plan_id)
    return round_record(rnd) if rnd else None


def round_reports(s: Session, caller: Caller, rnd: Round) -> list[dict[str, Any]]:
    """Reports of a round; a reporter sees its own unit's only."""
    out = []
    for r, code, unit in cycle.list_reports(s, rnd):
        if caller.is_reporter and r.unit_id != caller.unit_id:
            continue
        rec = report_record(r, rnd.period, unit, "", [])
        rec["task_code"] = code
        out.append(rec)
    return out


def document_detail(s: Session, document_id: int) -> dict[str, Any]:
    """A document with its text and spans; each quantity names the task whose target it is."""
    doc = documents.get_document(s, document_id)
    linked = {
        (a, b): (task_id, code)
        for a, b, task_id, code in s.execute(
            select(Target.start, Target.end, Task.id, Task.code)
            .join(Task, Task.id == Target.task_id)
            .where(Task.document_id == doc.id)
        )
    }
    spans = []
    for sp in documents.spans_of(s, doc.id):
        link = linked.get((sp.start, sp.end)) if sp.kind == "quantity" else None
        spans.append(
            {
                "kind": sp.kind,
                "start": sp.start,
                "end": sp.end,
                "text": sp.text,
                "attrs": sp.attrs,
                "task_id": link[0] if link else None,
                "task_code": link[1] if link else None,
            }
        )
    return {**document_record(doc), "text": doc.raw, "spans": spans}


def parse_filter(
    unit: str | None,
    category: str | None,
    status: str | None,
    deadline_from: Any,
    deadline_to: Any,
    q: str | None,
    leaves_only: bool = False,
) -> TaskFilter:
    if deadline_from and deadline_to and deadline_from > deadline_to:
        raise InputError("完成时限的起始日期晚于截止日期")
    return TaskFilter(
        unit=unit or None,
        category=category or None,
        status=status or None,
        deadline_from=deadline_from,
        deadline_to=deadline_to,
        text=(q or "").strip() or None,
        leaves_only=leaves_only,
    )


def report_queue(
    s: Session, plan_id: int, status: str | None, unit_id: int | None = None
) -> list[dict[str, Any]]:
    """A plan's reports with their task, oldest first: by review state, by unit."""
    q = (
        select(ProgressReport, Round.period, Unit.name, Task.code, Task.title)
        .join(Round, Round.id == ProgressReport.round_id)
        .join(Unit, Unit.id == ProgressReport.unit_id)
        .join(Task, Task.id == ProgressReport.task_id)
        .where(Round.plan_id == plan_id)
        .order_by(ProgressReport.id)
    )
    if status:
        q = q.where(ProgressReport.status == status)
    if unit_id is not None:
        q = q.where(ProgressReport.unit_id == unit_id)
    return [
        {**report_record(r, period, unit, "", []), "task_code": code, "task_title": title}
        for r, period, unit, code, title in s.execute(q)
    ]
