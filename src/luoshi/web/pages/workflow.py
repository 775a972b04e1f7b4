"""督办 pages: the forms of the chain (签收, 延期, 办结, 批示), the bell (我的消息), the
record of messages for supervisors, and the ranking of units (考核)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from luoshi.errors import InputError, NotFound, PermissionDenied
from luoshi.ledger import outbox, score_facts, scoring
from luoshi.ledger.cycle import list_rounds
from luoshi.ledger.reminders import KIND_LABELS
from luoshi.ledger.scoring import Score
from luoshi.web import actions, workflow_actions
from luoshi.web.context import ctx_of
from luoshi.web.pages.common import (
    all_plans,
    back,
    choose_plan,
    form_caller,
    form_date,
    page_caller,
    plan_id_param,
    redisplay,
    render,
    safe_next,
)
from luoshi.web.pages.tasks import task_again
from luoshi.web.schemas import MAX_ID, PathId

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form(max_length=10_000)]
Csrf = Annotated[str, Form(max_length=200)]
Next = Annotated[str, Form(max_length=500)]
Files = Annotated[list[UploadFile], File(default_factory=list)]


def decided_again(request: Request, kw: Any) -> Response:
    """The page the decision was made on (a task's, else the review queue), again."""
    from luoshi.web.pages.rounds import review_page

    task = re.match(r"^/tasks/(\d+)(?:[#?]|$)", safe_next(kw.get("next"), "/review"))
    if task is not None:
        return task_again(request, {"task_id": int(task[1])})
    return review_page(request)


@router.post("/tasks/{task_id}/sign")
@redisplay("sign", task_again)
def sign(task_id: PathId, request: Request, csrf_token: Csrf = "", next: Next = "") -> Response:
    caller = form_caller(request, csrf_token)
    workflow_actions.sign(ctx_of(request), caller, task_id)
    return back(safe_next(next, f"/tasks/{task_id}"))


@router.post("/tasks/{task_id}/delay")
@redisplay("delay-form", task_again)
def request_delay(
    task_id: PathId,
    request: Request,
    until: Annotated[str, Form(max_length=40)],
    reason: FormText = "",
    csrf_token: Csrf = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    day = form_date(until, "申请延至")
    if day is None:
        raise InputError("请填写申请延至的日期")
    workflow_actions.request_delay(ctx_of(request), caller, task_id, day, reason)
    return back(f"/tasks/{task_id}#workflow")


@router.post("/delays/{delay_id}/decide")
@redisplay("", decided_again)
def decide_delay(
    delay_id: PathId,
    request: Request,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
    reason: FormText = "",
    version: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    csrf_token: Csrf = "",
    next: Next = "/review",
) -> Response:
    caller = form_caller(request, csrf_token)
    workflow_actions.decide_delay(
        ctx_of(request), caller, delay_id, decision == "approve", reason or None, version
    )
    return back(safe_next(next, "/review"))


@router.post("/tasks/{task_id}/close")
@redisplay("close-form", task_again)
def request_close(
    task_id: PathId,
    request: Request,
    files: Files,
    summary: FormText = "",
    evidence: FormText = "",
    csrf_token: Csrf = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    ctx = ctx_of(request)
    uploads = workflow_actions.read_form_files(ctx, files)
    workflow_actions.request_close(ctx, caller, task_id, summary, uploads, evidence.splitlines())
    return back(f"/tasks/{task_id}#workflow")


@router.post("/close-requests/{close_id}/decide")
@redisplay("", decided_again)
def decide_close(
    close_id: PathId,
    request: Request,
    decision: Annotated[str, Form(pattern="^(accept|return)$")],
    reason: FormText = "",
    version: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    csrf_token: Csrf = "",
    next: Next = "/review",
) -> Response:
    caller = form_caller(request, csrf_token)
    workflow_actions.decide_close(
        ctx_of(request), caller, close_id, decision == "accept", reason or None, version
    )
    return back(safe_next(next, "/review"))


@router.post("/tasks/{task_id}/reopen")
@redisplay("reopen-form", task_again)
def reopen(
    task_id: PathId,
    request: Request,
    reason: FormText = "",
    version: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    csrf_token: Csrf = "",
) -> Response:
    """撤销办结 from the task page: through the ledger, as the API and the CLI."""
    caller = form_caller(request, csrf_token)
    ctx = ctx_of(request)
    made = workflow_actions.reopen(ctx, caller, task_id, reason, version)
    return back(f"/tasks/{task_id}?notice={actions.told(ctx, made, 'reopened')}")


@router.post("/tasks/{task_id}/comment")
@redisplay("comment-form", task_again)
def comment(
    task_id: PathId, request: Request, text: FormText = "", csrf_token: Csrf = ""
) -> Response:
    caller = form_caller(request, csrf_token)
    workflow_actions.comment(ctx_of(request), caller, task_id, text)
    return back(f"/tasks/{task_id}#workflow")


@router.get("/inbox")
def inbox_page(request: Request) -> Response:
    caller = page_caller(request)
    with ctx_of(request).work(caller) as (s, actor):
        items, unread = outbox.inbox(s, actor, limit=200)
    return render(request, "inbox.html", items=items, unread=unread, kinds=KIND_LABELS)


@router.get("/inbox/{notification_id}")
def open_message(notification_id: PathId, request: Request) -> Response:
    """Opening a message reads it: on to its task, or back to the inbox at it."""
    caller = page_caller(request)
    task_id, _ = workflow_actions.open_message(ctx_of(request), caller, notification_id)
    where = f"/tasks/{task_id}" if task_id else f"/inbox#n-{notification_id}"
    return RedirectResponse(where, status_code=303)


@router.post("/inbox/read")
def read_all(request: Request, csrf_token: Csrf = "") -> Response:
    caller = form_caller(request, csrf_token)
    workflow_actions.mark_read(ctx_of(request), caller)
    return back("/inbox")


@router.get("/notifications")
def notifications_page(request: Request, status: str | None = None) -> Response:
    caller = page_caller(request)
    if not caller.is_manager:
        raise PermissionDenied(f"用户 {caller.username} 无权查看提醒记录")
    wanted = status if status in outbox.STATUS_LABELS else None
    with ctx_of(request).read() as s:
        items, total = outbox.list_notifications(s, 200, wanted)
    return render(
        request, "notifications.html", items=items, total=total, state=wanted,
        channels=outbox.CHANNEL_LABELS, kinds=KIND_LABELS,
    )  # fmt: skip


@router.get("/scores")
def scores_page(request: Request, plan: str | None = None, period: str | None = None) -> Response:
    caller = page_caller(request)
    ctx = ctx_of(request)
    rules = scoring.load_rules(ctx.settings.workflow.scoring_file)
    with ctx.read() as s:
        chosen = choose_plan(s, plan_id_param(plan), caller)
        plans = all_plans(s, chosen, caller)
        rnd = None
        ranked: list[Score] = []
        periods: list[str] = []
        if chosen is not None:
            periods = [r.period for r in list_rounds(s, chosen)]
            asked = period if period in periods else None
            try:
                rnd, ranked = score_facts.plan_scores(s, chosen, ctx.rules, rules, asked)
            except NotFound:
                rnd = None
    return render(
        request, "scores.html", plan=chosen, plans=plans, rnd=rnd, scores=ranked, periods=periods
    )
