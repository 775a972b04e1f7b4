"""督办: 签收, 延期申请, 办结申请, 领导批示, 佐证材料, 提醒 (the bell and the record), 考核."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from luoshi.errors import InputError, NotFound, PermissionDenied
from luoshi.ledger import cycle, outbox, quality, score_facts, scoring, workflow_reads
from luoshi.ledger.plans import task_by_id
from luoshi.ledger.read import records
from luoshi.ledger.read.listing import Page
from luoshi.ledger.read.reports import report_row
from luoshi.ledger.read.visibility import visible_plan
from luoshi.ledger.todo import unit_todo
from luoshi.web import workflow_actions
from luoshi.web.api import PREFIX, page_body
from luoshi.web.context import Caller, Manager, SignedIn, Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import MAX_ID, Body, Id, IsoDate, Long, PageNo, PathId, PerPage, Short

router = APIRouter(prefix=PREFIX, tags=["workflow"])
Version = Annotated[int, Query(ge=1, le=MAX_ID)] | None
FormText = Annotated[str, Form(max_length=10_000)]


class DelayIn(Body):
    """延期申请: the deadline asked for, and why."""

    until: IsoDate
    reason: Long


class DecisionIn(Body):
    """A supervisor's decision: approve/reject a delay, accept/return a closing request."""

    decision: Literal["approve", "reject", "accept", "return"]
    reason: Long | None = None
    version: Id | None = None


class CommentIn(Body):
    text: Long


class UnitContactsIn(Body):
    """Where reminders reach a unit ("" clears a field; a field left out stays)."""

    email: Short | None = None
    webhook: Long | None = None
    version: Id | None = None


class EmailIn(Body):
    email: Short


def _visible_task(request: Request, caller: Caller, task_id: int) -> dict[str, Any]:
    with ctx_of(request).read() as s:
        task = task_by_id(s, task_id)
        workflow_reads.require_task_visible(s, caller.viewer, task)
        return workflow_reads.task_workflow(s, task)


@router.get("/tasks/{task_id}/workflow", summary="任务的督办流程 The chain of a task")
def task_workflow(task_id: PathId, request: Request, caller: SignedIn) -> dict[str, Any]:
    return _visible_task(request, caller, task_id)


@router.post("/tasks/{task_id}/sign", summary="签收任务 Acknowledge a task")
def sign(task_id: PathId, request: Request, caller: Writer) -> dict[str, Any]:
    workflow_actions.sign(ctx_of(request), caller, task_id)
    return _visible_task(request, caller, task_id)


@router.post(
    "/tasks/{task_id}/delays", status_code=201, summary="申请延期 Ask for a later deadline"
)
def request_delay(task_id: PathId, body: DelayIn, request: Request, caller: Writer) -> JSONResponse:
    req = workflow_actions.request_delay(ctx_of(request), caller, task_id, body.until, body.reason)
    with ctx_of(request).read() as s:
        rec = next(d for d in workflow_reads.delays(s, task_id=task_id) if d["id"] == req.id)
    return JSONResponse(rec, status_code=201)


@router.post("/delays/{delay_id}/decision", summary="审批延期 Approve or reject a delay")
def decide_delay(
    delay_id: PathId, body: DecisionIn, request: Request, caller: Writer
) -> dict[str, Any]:
    if body.decision not in ("approve", "reject"):
        raise InputError("延期申请的审批结论应为 approve（同意）或 reject（不同意）")
    req = workflow_actions.decide_delay(
        ctx_of(request), caller, delay_id, body.decision == "approve", body.reason, body.version
    )
    with ctx_of(request).read() as s:
        return next(d for d in workflow_reads.delays(s, task_id=req.task_id) if d["id"] == req.id)


@router.get("/plans/{plan_id}/delays", summary="计划的延期申请 Delay requests of a plan")
def plan_delays(
    plan_id: PathId,
    request: Request,
    caller: SignedIn,
    status: Annotated[str | None, Query(pattern="^(pending|approved|rejected)$")] = None,
) -> JSONResponse:
    with ctx_of(request).read() as s:
        items = workflow_reads.delays(
            s, plan_id=visible_plan(s, caller.viewer, plan_id).id, status=status
        )
    items = _own_unit(caller, items)
    return JSONResponse({"items": items, "total": len(items)})


def _own_unit(caller: Caller, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not caller.is_reporter:
        return items
    return [i for i in items if i["unit"] == caller.unit]


@router.post(
    "/tasks/{task_id}/close-requests", status_code=201, summary="申请办结 Ask to close a task"
)
async def request_close(
    task_id: PathId,
    request: Request,
    caller: Writer,
    # Before the fields with plain defaults: repeated fields default to empty lists.
    evidence: Annotated[list[str], Form(max_length=20, default_factory=list)],
    files: Annotated[list[UploadFile], File(default_factory=list)],
    summary: FormText = "",
    value: Annotated[float | None, Form(allow_inf_nan=False, ge=-1e15, le=1e15)] = None,
    round_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> JSONResponse:
    """Multipart: ``summary`` (办理结果), ``value``, ``evidence`` (links, repeatable),
    ``files`` (pdf, docx, xlsx, images; repeatable); a 100% final report is made."""
    ctx = ctx_of(request)
    uploads = await workflow_actions.read_files(ctx, files)
    req = await _threaded(
        workflow_actions.request_close, ctx, caller, task_id, summary, uploads, evidence, value,
        round_id,
    )  # fmt: skip
    with ctx.read() as s:
        rec = next(c for c in workflow_reads.closes(s, task_id=task_id) if c["id"] == req.id)
    return JSONResponse(rec, status_code=201)


async def _threaded(fn: Any, *args: Any) -> Any:
    # The ledger's writes wait on the database: never on the event loop.
    return await run_in_threadpool(fn, *args)


@router.post("/close-requests/{close_id}/decision", summary="复核办结申请 Accept or return")
def decide_close(
    close_id: PathId, body: DecisionIn, request: Request, caller: Writer
) -> dict[str, Any]:
    if body.decision not in ("accept", "return"):
        raise InputError("办结申请的复核结论应为 accept（办结）或 return（退回）")
    req = workflow_actions.decide_close(
        ctx_of(request), caller, close_id, body.decision == "accept", body.reason, body.version
    )
    with ctx_of(request).read() as s:
        return next(c for c in workflow_reads.closes(s, task_id=req.task_id) if c["id"] == req.id)


@router.get("/plans/{plan_id}/close-requests", summary="计划的办结申请 Requests to close")
def plan_closes(
    plan_id: PathId,
    request: Request,
    caller: SignedIn,
    status: Annotated[str | None, Query(pattern="^(pending|accepted|returned)$")] = None,
) -> JSONResponse:
    with ctx_of(request).read() as s:
        items = workflow_reads.closes(
            s, plan_id=visible_plan(s, caller.viewer, plan_id).id, status=status
        )
    items = _own_unit(caller, items)
    return JSONResponse({"items": items, "total": len(items)})


@router.get("/plans/{plan_id}/unsigned", summary="超期未签收的任务 Tasks not acknowledged in time")
def plan_unsigned(plan_id: PathId, request: Request, caller: Manager) -> JSONResponse:
    ctx = ctx_of(request)
    with ctx.read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        after = ctx.settings.workflow.unsigned_after_days
        items = workflow_reads.unsigned(s, plan.id, date.today(), after)
    return JSONResponse({"items": items, "total": len(items), "after_days": after})


@router.post("/tasks/{task_id}/comments", status_code=201, summary="领导批示 Comment on a task")
def comment(task_id: PathId, body: CommentIn, request: Request, caller: Writer) -> JSONResponse:
    c = workflow_actions.comment(ctx_of(request), caller, task_id, body.text)
    with ctx_of(request).read() as s:
        rec = next(x for x in workflow_reads.comments(s, [task_id]) if x["id"] == c.id)
    return JSONResponse(rec, status_code=201)


@router.post(
    "/tasks/{task_id}/reports/files",
    status_code=201,
    summary="填报进度并上传佐证材料 Report progress with evidence files",
)
async def report_with_files(
    task_id: PathId,
    request: Request,
    caller: Writer,
    percent: Annotated[float, Form(allow_inf_nan=False, ge=0, le=100)],
    evidence: Annotated[list[str], Form(max_length=20, default_factory=list)],
    files: Annotated[list[UploadFile], File(default_factory=list)],
    narrative: FormText = "",
    value: Annotated[float | None, Form(allow_inf_nan=False, ge=-1e15, le=1e15)] = None,
    round_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> JSONResponse:
    """Multipart: the fields of ``POST /tasks/{id}/reports`` and ``files`` (repeatable).
    The answer lists the report's ``attachments`` (id, name, size, sha256)."""
    ctx = ctx_of(request)
    uploads = await workflow_actions.read_files(ctx, files)
    r = await _threaded(
        workflow_actions.submit_report, ctx, caller, task_id, percent, narrative, value,
        evidence, round_id, uploads,
    )  # fmt: skip
    with ctx.read() as s:
        row = report_row(s, r.id)
    assert row is not None
    return JSONResponse(records.report_record(row), status_code=201)


def _file(request: Request, caller: Caller, attachment_id: int) -> tuple[str, str, str]:
    with ctx_of(request).read() as s:
        a = workflow_reads.attachment_for(s, caller.viewer, attachment_id)
        return a.sha256, a.name, a.content_type


@router.get("/attachments/{attachment_id}", summary="下载佐证材料 Download an evidence file")
def attachment(attachment_id: PathId, request: Request, caller: SignedIn) -> Response:
    sha, name, media = _file(request, caller, attachment_id)
    data = workflow_actions.store(ctx_of(request)).read(sha)
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{sha}"',
        },
    )


@router.get("/attachments/{attachment_id}/thumbnail", summary="佐证图片的缩略图 A thumbnail")
def thumbnail(attachment_id: PathId, request: Request, caller: SignedIn) -> Response:
    sha, _name, _media = _file(request, caller, attachment_id)
    png = workflow_actions.store(ctx_of(request)).thumbnail(sha)
    if png is None:
        raise NotFound(f"佐证材料 {attachment_id} 不是图片，没有缩略图")
    return Response(png, media_type="image/png", headers={"ETag": f'"t{sha}"'})


@router.get("/me/notifications", summary="我的消息（铃铛）My in-app messages")
def my_notifications(request: Request, caller: SignedIn) -> JSONResponse:
    with ctx_of(request).work(caller) as (s, actor):
        items, unread = outbox.inbox(s, actor)
    return JSONResponse({"items": items, "total": len(items), "unread": unread})


@router.post("/me/notifications/read", summary="全部标为已读 Mark all read")
def read_all(request: Request, caller: Writer) -> dict[str, Any]:
    return {"seen_id": workflow_actions.mark_read(ctx_of(request), caller), "unread": 0}


@router.post("/me/notifications/{notification_id}/read", summary="标为已读 Mark one read")
def read_one(notification_id: PathId, request: Request, caller: Writer) -> dict[str, Any]:
    """One message of the caller's inbox is read; how many stay unread."""
    _, left = workflow_actions.open_message(ctx_of(request), caller, notification_id)
    return {"id": notification_id, "unread": left}


@router.get("/me/todo", summary="本单位待办 My unit's to-do list")
def my_todo(request: Request, caller: SignedIn) -> dict[str, Any]:
    if caller.unit_id is None:
        raise PermissionDenied(f"用户 {caller.username} 不属于任何单位，没有待办")
    with ctx_of(request).read() as s:
        todo = unit_todo(s, caller.unit_id)
    return {**asdict(todo), "count": todo.count}


@router.get("/notifications", summary="提醒记录（督查人员）The record of messages")
def notifications(
    request: Request,
    _: Manager,
    status: Annotated[str | None, Query(pattern="^(pending|sending|delivered|failed)$")] = None,
    channel: Annotated[str | None, Query(pattern="^(email|webhook|inapp)$")] = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> JSONResponse:
    with ctx_of(request).read() as s:
        items, total = outbox.list_notifications(
            s, per_page, status, channel, offset=(page - 1) * per_page
        )
    return JSONResponse(page_body(Page(items, total, page, per_page)))


@router.get("/plans/{plan_id}/scores", summary="单位考核 Unit scores for a period")
def scores(
    plan_id: PathId,
    request: Request,
    caller: SignedIn,
    period: Annotated[str | None, Query(max_length=20)] = None,
) -> JSONResponse:
    ctx = ctx_of(request)
    rules = scoring.load_rules(ctx.settings.workflow.scoring_file)
    with ctx.read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        rnd, ranked = score_facts.plan_scores(s, plan, ctx.rules, rules, period)
    items = [sc.record() for sc in ranked]
    body = {"plan_id": plan_id, "period": rnd.period, "items": items, "total": len(items)}
    return JSONResponse(body)


@router.get("/reports/{report_id}/flags", summary="报送质量提示 Quality flags of a report")
def report_flags(report_id: PathId, request: Request, caller: Manager) -> JSONResponse:
    with ctx_of(request).read() as s:
        task = task_by_id(s, cycle.get_report(s, report_id).task_id)
        workflow_reads.require_task_visible(s, caller.viewer, task)
        items = [f.record() for f in quality.report_flags(s, [report_id]).get(report_id, [])]
    return JSONResponse({"items": items, "total": len(items)})


@router.patch("/units/{unit_id}", summary="单位的提醒渠道 A unit's email and webhook")
def edit_unit(
    unit_id: PathId, body: UnitContactsIn, request: Request, caller: Writer
) -> dict[str, Any]:
    unit = workflow_actions.edit_unit(
        ctx_of(request), caller, unit_id, body.email, body.webhook, body.version
    )
    return {"id": unit.id, "name": unit.name, "email": unit.email,
            "webhook": bool(unit.webhook), "version": unit.version}  # fmt: skip


@router.put("/users/{user_id}/email", summary="用户的电子邮箱 A user's email address")
def set_email(user_id: PathId, body: EmailIn, request: Request, caller: Writer) -> dict[str, Any]:
    workflow_actions.set_email(ctx_of(request), caller, user_id, body.email)
    return {"id": user_id, "email": body.email.strip() or None}
