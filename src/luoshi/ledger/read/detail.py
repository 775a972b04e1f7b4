"""任务详情 (a task's page): its row, its source in context, reports, history, the open round."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from luoshi.errors import NotFound, PermissionDenied
from luoshi.ledger.links import LinkRow, list_links
from luoshi.ledger.models import (
    Attachment,
    AuditEvent,
    CloseRequest,
    DelayRequest,
    Document,
    Plan,
    ProgressReport,
    Review,
    Round,
    Target,
    Task,
    TaskAck,
    TaskComment,
)
from luoshi.ledger.plans import plan_by_id, task_by_id
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import plan_ref
from luoshi.ledger.read.linkage import downstream_of, links_below
from luoshi.ledger.read.reports import ReportRow, task_reports
from luoshi.ledger.read.rows import PlanRef, TaskRow
from luoshi.ledger.read.views import plan_view, task_row
from luoshi.ledger.read.visibility import (
    Viewer,
    may_report,
    may_see,
    require_task_readable,
    visible_links,
)
from luoshi.ledger.rollup import Downstream
from luoshi.settings import HealthRules

CONTEXT_CHARS = 160


@dataclass(frozen=True)
class SourceContext:
    """The task's source sentence with some text either side; offsets into the document."""

    document_id: int
    document_title: str
    start: int
    end: int
    text: str
    before: str
    after: str


@dataclass(frozen=True)
class RoundRow:
    """调度: a reporting round."""

    id: int
    plan_id: int
    period: str
    due: date | None
    opened_at: datetime
    closed_at: datetime | None
    version: int

    @property
    def open(self) -> bool:
        return self.closed_at is None


def round_row(r: Round) -> RoundRow:
    return RoundRow(r.id, r.plan_id, r.period, r.due, r.opened_at, r.closed_at, r.version)


@dataclass(frozen=True)
class TaskDetail:
    plan: PlanRef
    row: TaskRow
    source: SourceContext | None
    reports: list[ReportRow]
    open_round: RoundRow | None
    can_report: bool
    # 对接: links to the tasks it answers and those answering it (not the rejected).
    links: list[LinkRow] = field(default_factory=list)
    downstream: Downstream | None = None  # 下级进度, from accepted links below

    @property
    def latest_value(self) -> float | None:
        """The value of the latest counted report that states one."""
        return next(
            (r.value for r in reversed(self.reports) if r.value is not None and r.counted), None
        )


def visible_row(row: TaskRow | None, viewer: Viewer | None, task_id: int) -> TaskRow:
    if row is None:
        raise NotFound(f"任务 {task_id} 不存在")
    if not may_see(viewer, row):
        raise PermissionDenied(f"任务 {row.code} 不属于本单位，无权查看")
    return row


def task_detail(
    s: Session, viewer: Viewer, task_id: int, rules: HealthRules, at: AsOf | None = None
) -> TaskDetail:
    """Everything the task page shows, as ``viewer`` may see it."""
    task = task_by_id(s, task_id)
    # Held here: the session keeps only the objects someone refers to, and the check
    # below would otherwise read the plan a second time.
    plan = plan_by_id(s, task.plan_id)
    upstream = require_task_readable(s, viewer, task)
    at = at or AsOf.today()
    row = visible_row(task_row(s, plan, task_id, rules, at), viewer, task_id)
    rnd = open_round_of(s, task.plan_id)
    links = [r for r in list_links(s, plan, task=task) if r.state != "rejected"]
    return TaskDetail(
        plan=plan_ref(plan),
        row=row,
        source=source_context(s, task),
        reports=task_reports(s, task.id),
        open_round=round_row(rnd) if rnd else None,
        # An upstream task (one the viewer's plans answer) is read, never reported on.
        can_report=not upstream and may_report(viewer, row, rnd is not None),
        links=visible_links(s, viewer, links),
        downstream=_downstream(s, plan, task.id, rules, at),
    )


def _downstream(
    s: Session, plan: Plan, task_id: int, rules: HealthRules, at: AsOf
) -> Downstream | None:
    """下级进度 of one task; the plan is read only when lower plans answer the task."""
    links, _plans = links_below(s, [task_id])
    if not links:
        return None
    return downstream_of(s, plan_view(s, plan, rules, at), rules, [task_id]).get(task_id)


def source_context(s: Session, task: Task) -> SourceContext | None:
    if task.document_id is None or task.start is None or task.end is None:
        return None
    doc = s.get(Document, task.document_id)
    if doc is None:
        return None
    a, b = task.start, task.end
    lo, hi = max(0, a - CONTEXT_CHARS), min(len(doc.raw), b + CONTEXT_CHARS)
    return SourceContext(doc.id, doc.title, a, b, doc.raw[a:b], doc.raw[lo:a], doc.raw[b:hi])


def task_history(s: Session, viewer: Viewer, task_id: int, rules: HealthRules) -> list[AuditEvent]:
    """The task's own history with that of its targets, reports and their reviews,
    for those who may see the task."""
    task = task_by_id(s, task_id)
    require_task_readable(s, viewer, task)
    plan = plan_by_id(s, task.plan_id)
    visible_row(task_row(s, plan, task_id, rules, AsOf.today()), viewer, task_id)
    return audit_of_task(s, task_id)


# The workflow's rows of a task (签收, 延期, 办结, 批示, 佐证材料): each has a task_id.
_WORKFLOW = (TaskAck, DelayRequest, CloseRequest, TaskComment, Attachment)


def audit_of_task(s: Session, task_id: int) -> list[AuditEvent]:
    """The events of the task, its targets, reports, reviews and workflow steps."""
    report_ids = select(ProgressReport.id).where(ProgressReport.task_id == task_id)
    review_ids = select(Review.id).where(Review.report_id.in_(report_ids))
    target_ids = select(Target.id).where(Target.task_id == task_id)
    flow = [
        (AuditEvent.entity == m.__tablename__)
        & AuditEvent.entity_id.in_(select(m.id).where(m.task_id == task_id))
        for m in _WORKFLOW
    ]
    q = select(AuditEvent).where(
        or_(
            (AuditEvent.entity == "tasks") & (AuditEvent.entity_id == task_id),
            (AuditEvent.entity == "targets") & AuditEvent.entity_id.in_(target_ids),
            (AuditEvent.entity == "progress_reports") & AuditEvent.entity_id.in_(report_ids),
            (AuditEvent.entity == "reviews") & AuditEvent.entity_id.in_(review_ids),
            *flow,
        )
    )
    return list(s.scalars(q.order_by(AuditEvent.id)))


def open_round_of(s: Session, plan_id: int) -> Round | None:
    """The plan's reporting round in progress (the newest, should there be several)."""
    q = select(Round).where(Round.plan_id == plan_id, Round.closed_at.is_(None))
    return s.scalars(q.order_by(Round.id.desc()).limit(1)).first()
