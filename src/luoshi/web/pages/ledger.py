"""台账: the plan's tasks as a filterable, searchable table; publishing the plan."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from luoshi.web import actions, reads
from luoshi.web.context import ctx_of
from luoshi.web.figures import HEALTH_ORDER
from luoshi.web.pages.common import (
    all_plans,
    back,
    choose_plan,
    confirm_first,
    form_caller,
    form_date,
    page_caller,
    plan_id_param,
    query_with,
    redisplay,
    render,
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
    assigned: Annotated[int | None, Query(ge=0, le=100_000)] = None,
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
        plans = all_plans(s, plan)
        unit_choices = reads.unit_names(s) if caller.is_manager else []
    result = reads.list_tasks(view, caller, f, page, PER_PAGE)
    units = sorted({r.lead_unit for r in view.rows if r.lead_unit})
    categories = sorted({r.category for r in view.rows if r.category})
    pages = max(1, -(-result.total // PER_PAGE))
    return render(
        request,
        "ledger.html",
        plan=plan,
        plans=plans,
        unit_choices=unit_choices,
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
        assigned=assigned,
        prev_url=query_with(request, page=page - 1) if page > 1 else None,
        next_url=query_with(request, page=page + 1) if page < pages else None,
    )


def ledger_again(request: Request, kw: Any) -> Response:
    """The ledger page again (its first page, unfiltered), after a refused form."""
    return ledger(kw["plan_id"], request, "", "", "", "", "", "", 1, None)


Csrf = Annotated[str, Form(max_length=200)]
Confirmed = Annotated[str, Form(max_length=1)]


@router.post("/plans/{plan_id}/public")
def publish(
    plan_id: PathId,
    request: Request,
    public: Annotated[str, Form(max_length=5)] = "",
    confirmed: Confirmed = "",
    csrf_token: Csrf = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    if public == "1":
        question = "设为公开后，任何人无需登录即可查看此计划的任务、目标和进度。确定公开吗？"
        asked = confirm_first(request, confirmed, question, {"public": public})
        if asked is not None:
            return asked
    actions.set_public(ctx_of(request), caller, plan_id, public == "1")
    return back(f"/plans/{plan_id}/ledger")


@router.post("/plans/{plan_id}/bulk-assign")
@redisplay("bulk-assign", ledger_again)
def bulk_assign(
    plan_id: PathId,
    request: Request,
    task_ids: Annotated[list[int], Form(max_length=500, default_factory=list)],
    lead_unit: Annotated[str, Form(max_length=200)] = "",
    person: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Csrf = "",
) -> Response:
    """批量分派: the selected tasks get the lead unit and/or person chosen (empty: as
    they are), in one transaction through the ledger's edit, each audited."""
    caller = form_caller(request, csrf_token)
    changed = actions.bulk_assign(ctx_of(request), caller, plan_id, task_ids, lead_unit, person)
    return back(f"/plans/{plan_id}/ledger?assigned={changed}")


@router.get("/ledger")
def newest_ledger(request: Request, plan: str | None = None) -> Response:
    """The nav's 台账 link (the caller's default plan) and the plan picker's target."""
    caller = page_caller(request)
    with ctx_of(request).read() as s:
        chosen = choose_plan(s, plan_id_param(plan), caller)
    return _to_ledger(caller, chosen)


def _to_ledger(caller: Any, plan: Any) -> Response:
    if plan is None:
        return back("/plans" if caller.is_manager else "/documents")
    return back(f"/plans/{plan.id}/ledger")
