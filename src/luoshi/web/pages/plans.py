"""计划管理: every plan with its state (草稿 / 启用 / 已归档); activate, archive, delete
(after a confirmation), the office's default plan and one's own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from luoshi.ledger import plans
from luoshi.web import actions
from luoshi.web.context import ctx_of
from luoshi.web.pages.common import (
    back,
    confirm_first,
    form_caller,
    page_caller,
    redisplay,
    render,
    safe_next,
)
from luoshi.web.schemas import PathId

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
Confirmed = Annotated[str, Form(max_length=1)]
Next = Annotated[str, Form(max_length=500)]


@router.get("/plans")
def plans_page(request: Request) -> Response:
    caller = page_caller(request)
    with ctx_of(request).read() as s:
        scope = caller.viewer.org_ids
        rows = list(reversed(plans.list_plans(s, scope)))
        mine = plans.default_plan(s, caller.user_id, scope)
    return render(request, "plans.html", rows=rows, default_id=mine.id if mine else None)


def plans_again(request: Request, _kw: object) -> Response:
    return plans_page(request)


@router.post("/plans/{plan_id}/state")
@redisplay("plans", plans_again)
def set_state(
    plan_id: PathId,
    request: Request,
    state: Annotated[str, Form(pattern="^(draft|active|archived)$")],
    confirmed: Confirmed = "",
    next: Next = "/plans",
    csrf_token: Csrf = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    if state == "archived":
        question = "归档后计划只能查看，不再出现在总览上，也不能发起调度或填报。确定归档吗？"
        asked = confirm_first(request, confirmed, question, {"state": state, "next": next})
        if asked is not None:
            return asked
    actions.set_plan_state(ctx_of(request), caller, plan_id, state)
    return back(safe_next(next, "/plans"))


@router.post("/plans/{plan_id}/delete")
@redisplay("plans", plans_again)
def delete(
    plan_id: PathId, request: Request, confirmed: Confirmed = "", csrf_token: Csrf = ""
) -> Response:
    caller = form_caller(request, csrf_token)
    question = (
        "删除计划及其全部任务和目标（审计记录保留）。已发起过调度的计划不能删除。确定删除吗？"
    )
    asked = confirm_first(request, confirmed, question, {})
    if asked is not None:
        return asked
    actions.delete_plan(ctx_of(request), caller, plan_id)
    return back("/plans")


@router.post("/plans/{plan_id}/default")
@redisplay("plans", plans_again)
def set_default(
    plan_id: PathId,
    request: Request,
    mine: Annotated[str, Form(max_length=1)] = "",
    csrf_token: Csrf = "",
) -> Response:
    """设为默认: the office's (managers) or the caller's own dashboard plan."""
    caller = form_caller(request, csrf_token)
    actions.set_default_plan(ctx_of(request), caller, plan_id, mine == "1")
    return back("/plans")
