"""任务: one task with its source, targets, reports and history; editing and assigning it;
reporting progress on it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from luoshi.errors import InputError
from luoshi.web import actions, reads
from luoshi.web.context import SignedIn, Writer, ctx_of
from luoshi.web.schemas import PathId, ReportIn, ReviewIn, TaskPatch

router = APIRouter(tags=["tasks"])


@router.get("/tasks/{task_id}", summary="任务详情 A task")
def get_task(task_id: PathId, request: Request, caller: SignedIn) -> dict[str, Any]:
    ctx = ctx_of(request)
    with ctx.read() as s:
        return reads.task_detail(ctx, s, caller, task_id)


@router.patch("/tasks/{task_id}", summary="修改或分派任务 Edit or assign a task")
def edit_task(task_id: PathId, body: TaskPatch, request: Request, caller: Writer) -> dict[str, Any]:
    """Supervisors and administrators only; the task as GET returns it, with its new version."""
    ctx = ctx_of(request)
    actions.edit_task(ctx, caller, task_id, body.version, body.changes())
    with ctx.read() as s:
        return reads.task_detail(ctx, s, caller, task_id)


@router.get("/tasks/{task_id}/audit", summary="任务的审计记录 A task's history")
def task_audit(task_id: PathId, request: Request, caller: SignedIn) -> JSONResponse:
    ctx = ctx_of(request)
    with ctx.read() as s:
        task = reads.get_task(s, task_id)
        # The same visibility as the task itself.
        reads.visible_row(ctx.plan_view(s, reads.get_plan(s, task.plan_id)), caller, task_id)
        items = reads.task_audit(s, task_id)
    return JSONResponse({"items": items, "total": len(items)})


@router.post("/tasks/{task_id}/reports", status_code=201, summary="填报进度 Report progress")
def report(task_id: PathId, body: ReportIn, request: Request, caller: Writer) -> JSONResponse:
    ctx = ctx_of(request)
    values = {v.target_id: v.value for v in body.values}
    if len(values) != len(body.values):
        raise InputError("同一个目标只能给出一个数值（values 中的 target_id 重复）")
    r = actions.submit_report(
        ctx, caller, task_id, body.percent, body.narrative, body.value, body.evidence,
        body.round_id, values,
    )  # fmt: skip
    with ctx.read() as s:
        rec = next(x for x in reads.task_reports(s, task_id) if x["id"] == r.id)
    return JSONResponse(rec, status_code=201)


@router.post("/reports/{report_id}/review", summary="督考：通过或退回 Accept or return a report")
def review(report_id: PathId, body: ReviewIn, request: Request, caller: Writer) -> dict[str, Any]:
    rv = actions.review(
        ctx_of(request), caller, report_id, body.decision == "accept", body.reason, body.version
    )
    return reads.review_record(rv, caller.username)
