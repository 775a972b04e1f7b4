"""台账: the plan's tasks as a filterable, searchable table; publishing the plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from luoshi.errors import InputError
from luoshi.ledger import confirm
from luoshi.web import actions, reads
from luoshi.web.context import ctx_of
from luoshi.web.figures import HEALTH_ORDER
from luoshi.web.pages.common import (
    back,
    choose_plan,
    form_caller,
    form_date,
    page_caller,
    query_with,
    render,
    safe_next,
)
from luoshi.web.schemas import PathId

router = APIRouter()
PER_PAGE = 50
Q = Annotated[str, Query(max_length=500)]


@router.get("/plans/{plan_id}/ledger")
def ledger(
    plan_id: PathId,
    request: Request,
    unit: Q = "",
    category: Q = "",
    status: Q = "",
    deadline_from: Q = "",
    deadline_to: Q = "",
    q: Q = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    caller = page_caller(request)
    f = reads.parse_filter(
        unit,
        category,
        status if status in HEALTH_ORDER else None,
        form_date(deadline_from, "完成时限（从）"),
        form_date(deadline_to, "完成时限（至）"),
        q,
    )
    ctx = ctx_of(request)
    with ctx.read() as s:
        plan = reads.get_plan(s, plan_id)
        view = ctx.plan_view(s, plan)
        pending = confirm.pending_count(s, plan.id) if caller.is_manager else 0
    result = reads.list_tasks(view, caller, f, page, PER_PAGE)
    units = sorted({r.lead_unit for r in view.rows if r.lead_unit})
    categories = sorted({r.category for r in view.rows if r.category})
    pages = max(1, -(-result.total // PER_PAGE))
    return render(
        request,
        "ledger.html",
        plan=plan,
        result=result,
        units=units,
        categories=categories,
        health=HEALTH_ORDER,
        args={
            "unit": unit,
            "category": category,
            "status": status,
            "deadline_from": deadline_from,
            "deadline_to": deadline_to,
            "q": q,
        },
        page=page,
        pages=pages,
        pending=pending,
        prev_url=query_with(request, page=page - 1) if page > 1 else None,
        next_url=query_with(request, page=page + 1) if page < pages else None,
    )


@router.post("/plans/{plan_id}/public")
def publish(
    plan_id: PathId,
    request: Request,
    public: Annotated[str, Form(max_length=5)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    actions.set_public(ctx_of(request), caller, plan_id, public == "1")
    return back(f"/plans/{plan_id}/ledger")


@router.post("/plans/{plan_id}/confirm")
def confirm_units(
    plan_id: PathId,
    request: Request,
    codes: Annotated[str, Form(max_length=20_000)] = "",
    all: Annotated[str, Form(max_length=5)] = "",
    next: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """确认: every pending suggestion (``all``) or the codes typed, then back to the page."""
    caller = form_caller(request, csrf_token)
    chosen = None if all == "1" else codes.replace("，", " ").replace(",", " ").split()
    if chosen == []:
        raise InputError("请填写要确认的任务编号（以空格或逗号分隔），或点击「全部确认」")
    actions.confirm_lead_units(ctx_of(request), caller, plan_id, chosen)
    return back(safe_next(next, f"/plans/{plan_id}/ledger"))


@router.get("/ledger")
def newest_ledger(request: Request) -> Response:
    """The nav's 台账 link: the newest plan's ledger."""
    page_caller(request)
    with ctx_of(request).read() as s:
        plan = choose_plan(s, None)
    if plan is None:
        return back("/documents")
    return back(f"/plans/{plan.id}/ledger")
