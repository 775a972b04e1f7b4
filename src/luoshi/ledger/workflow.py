"""督办的流程: the chain a supervision office runs around the reporting cycle.

交办 → 签收 (acknowledge) → 办理 (reports, in ``cycle``) → 办结申请 (ask to close, with a
final report and evidence) → 复核 (a supervisor accepts: 办结/销号, or returns it);
延期申请 (ask for a later deadline; approved or rejected); 领导批示 (a leader comments).

Every step checks the actor's role and unit, writes its audit events in the same
transaction, and refuses a decision taken on a stale version (optimistic locking).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from luoshi.errors import Conflict, InputError, NotFound
from luoshi.ledger import audit, cycle, locking
from luoshi.ledger.access import MANAGERS, require, require_unit_member
from luoshi.ledger.clock import now
from luoshi.ledger.files import Stored
from luoshi.ledger.models import (
    Attachment,
    CloseRequest,
    DelayRequest,
    Notification,
    ProgressReport,
    Review,
    Round,
    Task,
    TaskAck,
    TaskComment,
    TaskCoUnit,
    Unit,
    User,
)
from luoshi.ledger.remind import no_reader
from luoshi.ledger.scope import plan_of, require_in_scope, require_task_manager

COMMENTERS = ("admin", "supervisor", "viewer")
MAX_COMMENT = 2000


def task_unit_ids(s: Session, task: Task) -> set[int]:
    """The units a task belongs to: its lead unit and co-units."""
    co = s.scalars(select(TaskCoUnit.unit_id).where(TaskCoUnit.task_id == task.id))
    return {*co, *([task.lead_unit_id] if task.lead_unit_id else [])}


def _acting_unit(s: Session, actor: User, task: Task, what: str) -> int:
    """The unit ``actor`` acts for on ``task``: its own (a reporter), else the lead unit."""
    require_unit_member(actor, task_unit_ids(s, task), f"{what}任务 {task.code}")
    require_in_scope(s, actor, plan_of(s, task), f"{what}任务 {task.code}")
    unit_id = actor.unit_id if actor.role == "reporter" else task.lead_unit_id
    if unit_id is None:
        raise InputError(f"任务 {task.code} 尚未分派责任单位，无法{what}")
    return unit_id


def sign(s: Session, actor: User, task: Task) -> TaskAck:
    """签收: the actor's unit acknowledges ``task``; once per unit."""
    unit_id = _acting_unit(s, actor, task, "签收")
    taken = select(TaskAck.id).where(TaskAck.task_id == task.id, TaskAck.unit_id == unit_id)
    if s.scalars(taken).first() is not None:
        raise Conflict(f"任务 {task.code} 已经签收过")
    ack = TaskAck(task_id=task.id, unit_id=unit_id, actor_id=actor.id, at=now())
    s.add(ack)
    audit.created(s, actor, [ack], "sign")
    return ack


def request_delay(
    s: Session, actor: User, task: Task, until: date, reason: str, today: date | None = None
) -> DelayRequest:
    """延期申请: ask that ``task`` be due on ``until`` instead, saying why."""
    unit_id = _acting_unit(s, actor, task, "申请延期")
    reason = reason.strip()
    if not reason:
        raise InputError(f"申请任务 {task.code} 延期必须说明理由")
    if len(reason) > MAX_COMMENT:
        raise InputError(f"延期理由最多 {MAX_COMMENT} 字")
    if task.state == "done":
        raise Conflict(f"任务 {task.code} 已经验收完成，无需延期")
    day = today or date.today()
    if until <= day:
        raise InputError(f"申请的完成时限「{until.isoformat()}」应晚于今天（{day.isoformat()}）")
    if task.deadline is not None and until <= task.deadline:
        raise InputError(
            f"申请的完成时限「{until.isoformat()}」应晚于现在的完成时限"
            f"「{task.deadline.isoformat()}」"
        )
    if _pending(s, DelayRequest, task.id) is not None:
        raise Conflict(f"任务 {task.code} 已有一份待审批的延期申请")
    req = DelayRequest(
        task_id=task.id,
        unit_id=unit_id,
        requester_id=actor.id,
        deadline_before=task.deadline,
        requested=until,
        reason=reason,
        status="pending",
        created_at=now(),
    )
    s.add(req)
    audit.created(s, actor, [req])
    subject = f"延期申请待审批：任务 {task.code} 申请延至 {until.isoformat()}"
    notice(s, None, task, f"delay:{req.id}", subject, reason)
    return req


def _pending(
    s: Session, model: type[DelayRequest] | type[CloseRequest], task_id: int
) -> int | None:
    q = select(model.id).where(model.task_id == task_id, model.status == "pending")
    return s.scalars(q.limit(1)).first()


def get_delay(s: Session, delay_id: int) -> DelayRequest:
    req = s.get(DelayRequest, delay_id)
    if req is None:
        raise NotFound(f"延期申请 {delay_id} 不存在")
    return req


def decide_delay(
    s: Session,
    actor: User,
    req: DelayRequest,
    approve: bool,
    reason: str | None = None,
    seen: int | None = None,
) -> DelayRequest:
    """审批延期: approving moves the task's deadline and keeps the first one as its
    original deadline; rejecting needs a reason. Both are in the audit trail."""
    require_task_manager(s, actor, s.get_one(Task, req.task_id), f"审批延期申请 {req.id}")
    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise InputError(f"不同意延期申请 {req.id} 必须说明理由")
    if req.status != "pending":
        raise Conflict(f"延期申请 {req.id} 已经审批过（{req.status}）")
    task = s.get(Task, req.task_id)
    assert task is not None
    if approve and task.start_date is not None and req.requested < task.start_date:
        raise InputError(f"申请的完成时限早于任务 {task.code} 的开始日期")
    decision = "approved" if approve else "rejected"
    changes = {
        "status": decision,
        "decided_by": actor.id,
        "decision_reason": reason,
        "decided_at": now(),
    }
    locking.update(s, actor, req, f"延期申请 {req.id}", seen, changes, decision)
    if approve:
        moved: dict[str, object] = {"deadline": req.requested}
        if task.original_deadline is None:
            moved["original_deadline"] = task.deadline
        locking.update(s, actor, task, f"任务 {task.code}", None, moved, "delay")
    verdict = "同意" if approve else "不同意"
    notice(s, req.unit_id, task, f"delay:{req.id}", f"延期申请{verdict}：任务 {task.code}", reason)
    return req


def request_close(
    s: Session,
    actor: User,
    rnd: Round,
    task: Task,
    summary: str,
    evidence: Sequence[str] = (),
    files: Sequence[Stored] = (),
    value: float | None = None,
) -> CloseRequest:
    """办结申请: a final 100% report in the open round, with its evidence, and the
    request that a supervisor close the task on it."""
    unit_id = _acting_unit(s, actor, task, "申请办结")
    summary = summary.strip()
    if not summary and not evidence and not files:
        raise InputError(f"申请任务 {task.code} 办结须写明办理结果或附上佐证材料")
    if _pending(s, CloseRequest, task.id) is not None:
        raise Conflict(f"任务 {task.code} 已有一份待复核的办结申请")
    report = cycle.submit_report(s, actor, rnd, task, 100.0, value, summary, evidence)
    req = CloseRequest(
        task_id=task.id,
        unit_id=unit_id,
        requester_id=actor.id,
        report_id=report.id,
        summary=summary,
        status="pending",
        created_at=now(),
    )
    s.add(req)
    audit.created(s, actor, [req])
    attach(s, actor, task, files, report=report, close_request=req)
    notice(s, None, task, f"close:{req.id}", f"办结申请待复核：任务 {task.code}", summary)
    return req


def get_close(s: Session, close_id: int) -> CloseRequest:
    req = s.get(CloseRequest, close_id)
    if req is None:
        raise NotFound(f"办结申请 {close_id} 不存在")
    return req


def decide_close(
    s: Session,
    actor: User,
    req: CloseRequest,
    accept: bool,
    reason: str | None = None,
    seen: int | None = None,
) -> CloseRequest:
    """复核: accept (办结/销号 — the task is done) or return the request with a reason."""
    require_task_manager(s, actor, s.get_one(Task, req.task_id), f"复核办结申请 {req.id}")
    locking.check_version(f"办结申请 {req.id}", req.version, seen)
    if req.status == "superseded":
        raise Conflict(f"办结申请 {req.id} 所附的进度报告已被新报告取代，无需复核")
    if req.status != "pending":
        raise Conflict(f"办结申请 {req.id} 已经复核过（{req.status}）")
    report = cycle.get_report(s, req.report_id)
    review_report(s, actor, report, accept, reason)
    return req


def review_report(
    s: Session,
    actor: User,
    report: ProgressReport,
    accept: bool,
    reason: str | None = None,
    seen: int | None = None,
) -> Review:
    """督考 of a report (``cycle.review``); a closing request made with it follows the
    decision, and a returned report tells its unit why."""
    event = cycle.review(s, actor, report, accept, reason, seen)
    q = select(CloseRequest).where(
        CloseRequest.report_id == report.id, CloseRequest.status == "pending"
    )
    task = s.get(Task, report.task_id)
    assert task is not None
    state = "accepted" if accept else "returned"
    for req in s.scalars(q):
        changes = {
            "status": state,
            "decided_by": actor.id,
            "decision_reason": event.reason,
            "decided_at": event.at,
        }
        locking.update(s, actor, req, f"办结申请 {req.id}", None, changes, state)
    if not accept:
        title = f"进度报告被退回：任务 {task.code}"
        notice(s, report.unit_id, task, f"return:{report.id}", title, event.reason)
    return event


# The report that made a task done: its newest accepted claim of 100%.
_COMPLETING = (
    select(ProgressReport)
    .where(
        ProgressReport.task_id == bindparam("task_id"),
        ProgressReport.state == "accepted",
        ProgressReport.percent >= 100,
    )
    .order_by(ProgressReport.id.desc())
    .limit(1)
)


def reopen(
    s: Session, actor: User, task: Task, reason: str | None, seen: int | None = None
) -> Review | None:
    """撤销办结: a supervisor takes back a task's completion (a 100% report accepted in
    error, or work found unfinished). The task is open again, and the report that
    completed it is returned with the reason, so that it no longer counts and the unit
    reports again; the unit is told why. The review that returns the report is the
    answer (None for a task made done without a report, as an import can)."""
    require_task_manager(s, actor, task, f"重新打开任务 {task.code}")
    locking.hold(s, task)  # before the checks: a concurrent reopen or report ends first
    reason = (reason or "").strip()
    if not reason:
        raise InputError(f"重新打开任务 {task.code} 必须说明理由", ("reason",))
    if task.state != "done":
        raise Conflict(f"任务 {task.code} 现在不是办结状态（可能已被他人重新打开），无需重新打开")
    label = f"任务 {task.code}"
    locking.update(s, actor, task, label, seen, {"state": "open"}, "reopen")
    report = s.scalars(_COMPLETING, {"task_id": task.id}).first()
    if report is None:
        return None
    locking.update(
        s, actor, report, f"进度报告 {report.id}", None, {"state": "returned"}, "returned"
    )
    event = Review(
        report_id=report.id,
        reviewer_id=actor.id,
        decision="returned",
        reason=f"撤销办结：{reason}",
        at=now(),
    )
    s.add(event)
    audit.created(s, actor, [event])
    notice(s, report.unit_id, task, f"reopen:{report.id}", f"任务已重新打开：{task.code}", reason)
    return event


def comment(s: Session, actor: User, task: Task, text: str) -> TaskComment:
    """领导批示: leaders (查看者), supervisors and administrators comment on a task; its
    units see the comment on their to-do list and in the bell."""
    require(actor, COMMENTERS, "批示任务")
    require_in_scope(s, actor, plan_of(s, task), f"批示任务 {task.code}")
    text = text.strip()
    if not text:
        raise InputError("批示内容不能为空")
    if len(text) > MAX_COMMENT:
        raise InputError(f"批示内容最多 {MAX_COMMENT} 字")
    c = TaskComment(task_id=task.id, author_id=actor.id, text=text, at=now())
    s.add(c)
    audit.created(s, actor, [c])
    for unit_id in sorted(task_unit_ids(s, task)):
        notice(s, unit_id, task, f"comment:{c.id}", f"领导批示：任务 {task.code}", text)
    return c


def attach(
    s: Session,
    actor: User,
    task: Task,
    files: Sequence[Stored],
    report: ProgressReport | None = None,
    close_request: CloseRequest | None = None,
) -> list[Attachment]:
    """The rows of files already in the store, in the caller's transaction (so they
    exist exactly when the report does); each upload is an audit event."""
    rows = [
        Attachment(
            task_id=task.id,
            report_id=report.id if report else None,
            close_request_id=close_request.id if close_request else None,
            sha256=f.sha256,
            name=f.name,
            size=f.size,
            content_type=f.content_type,
            uploader_id=actor.id,
            created_at=now(),
        )
        for f in files
    ]
    if rows:
        s.add_all(rows)
        audit.created(s, actor, rows, "upload")
    return rows


def submit_report(
    s: Session,
    actor: User,
    rnd: Round,
    task: Task,
    percent: float,
    value: float | None = None,
    narrative: str = "",
    evidence: Sequence[str] = (),
    files: Sequence[Stored] = (),
    values: Mapping[int, float] | None = None,
) -> ProgressReport:
    """办理: a progress report (``cycle.submit_report``) with its evidence files."""
    report = cycle.submit_report(
        s, actor, rnd, task, percent, value, narrative, evidence, values=values
    )
    attach(s, actor, task, files, report=report)
    return report


def notice(
    s: Session, unit_id: int | None, task: Task, ref: str, subject: str, body: str | None
) -> None:
    """An in-app message (the bell) to a unit about something that happened to its task;
    to the supervision office when ``unit_id`` is None. Recorded as failed (无接收人)
    when no active account reads that inbox, as a 催办 is: the record of messages must
    not say 已送达 of a message nobody can read."""
    unit = s.get(Unit, unit_id) if unit_id is not None else None
    unread = no_reader(s, unit)
    s.add(
        Notification(
            day=now().date(),
            kind="notice",
            ref=ref,
            level=1,
            channel="inapp",
            recipient=f"unit:{unit_id}" if unit_id is not None else "office",
            unit_id=unit_id,
            target="",
            subject=subject,
            body=body or "",
            plan_id=task.plan_id,
            tasks=[task.id],
            status="failed" if unread else "delivered",
            error=unread,
            attempts=0,
            created_at=now(),
            sent_at=now(),
        )
    )


def is_manager(actor: User) -> bool:
    return actor.role in MANAGERS
