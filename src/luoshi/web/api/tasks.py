"""任务: one task with its source, targets, reports and history; editing and assigning it;
reporting progress on it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from luoshi.errors import InputError
from luoshi.ledger import workflow_reads
from luoshi.ledger.plans import task_by_id
from luoshi.ledger.read import records
from luoshi.ledger.read.detail import task_detail, task_history
from luoshi.ledger.read.reports import report_row
from luoshi.web import actions, onloop, workflow_actions
from luoshi.web.api import PREFIX
from luoshi.web.context import Caller, SignedIn, WebContext, Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import PathId, ReopenIn, ReportIn, ReviewIn, TaskPatch

router = APIRouter(prefix=PREFIX, tags=["tasks"])


def detail(request: Request, caller: Caller, task_id: int) -> dict[str, Any]:
    ctx = ctx_of(request)
    with ctx.read() as s:
        task = task_by_id(s, task_id)  # held: read once for both (the session keeps it)
        found = records.task_detail_record(task_detail(s, caller.viewer, task_id, ctx.rules))
        # The chain (签收, 延期, 办结, 批示) beside the task; reports carry their files.
        return {**found, "workflow": workflow_reads.task_workflow(s, task)}


@router.get("/tasks/{task_id}", summary="任务详情 A task")
async def get_task(task_id: PathId, request: Request, caller: SignedIn) -> dict[str, Any]:
    return await onloop.answer(ctx_of(request), detail, request, caller, task_id)


@router.patch("/tasks/{task_id}", summary="修改或分派任务 Edit or assign a task")
def edit_task(task_id: PathId, body: TaskPatch, request: Request, caller: Writer) -> dict[str, Any]:
    """Supervisors and administrators only; the task as GET returns it, with its new version."""
    actions.edit_task(ctx_of(request), caller, task_id, body.version, body.changes())
    return detail(request, caller, task_id)


@router.post("/tasks/{task_id}/reopen", summary="撤销办结，重新打开任务 Reopen a done task")
def reopen(task_id: PathId, body: ReopenIn, request: Request, caller: Writer) -> dict[str, Any]:
    """Supervisors and administrators only: the task is open again, the 100% report that
    completed it returned with the reason; the task as GET returns it."""
    workflow_actions.reopen(ctx_of(request), caller, task_id, body.reason, body.version)
    return detail(request, caller, task_id)


@router.get("/tasks/{task_id}/audit", summary="任务的审计记录 A task's history")
def task_audit(task_id: PathId, request: Request, caller: SignedIn) -> JSONResponse:
    ctx = ctx_of(request)
    with ctx.read() as s:
        items = [
            records.audit_record(e) for e in task_history(s, caller.viewer, task_id, ctx.rules)
        ]
    return JSONResponse({"items": items, "total": len(items)})


@router.post("/tasks/{task_id}/reports", status_code=201, summary="填报进度 Report progress")
async def report(task_id: PathId, body: ReportIn, request: Request, caller: Writer) -> JSONResponse:
    ctx = ctx_of(request)
    values = {v.target_id: v.value for v in body.values}
    if len(values) != len(body.values):
        raise InputError("同一个目标只能给出一个数值（values 中的 target_id 重复）")
    r = await onloop.write(
        ctx, actions.submit_report, ctx, caller, task_id, body.percent, body.narrative,
        body.value, body.evidence, body.round_id, values,
    )  # fmt: skip
    return JSONResponse(await onloop.answer(ctx, _report_body, ctx, r.id), status_code=201)


def _report_body(ctx: WebContext, report_id: int) -> dict[str, Any]:
    with ctx.read() as s:
        row = report_row(s, report_id)
    assert row is not None
    return records.report_record(row)


@router.post("/reports/{report_id}/review", summary="督考：通过或退回 Accept or return a report")
def review(report_id: PathId, body: ReviewIn, request: Request, caller: Writer) -> dict[str, Any]:
    rv = actions.review(
        ctx_of(request), caller, report_id, body.decision == "accept", body.reason, body.version
    )
    return {
        "id": rv.id,
        "decision": rv.decision,
        "reason": rv.reason,
        "reviewer": caller.username,
        "at": records.iso(rv.at),
    }
