"""计划: list, build from a document, publish; the ledger (台账) table and the dashboard."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from luoshi.errors import InputError
from luoshi.ledger import cycle, plans
from luoshi.ledger.read import listing, records, views
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.dashboard import dashboard as plan_dashboard
from luoshi.ledger.read.detail import open_round_of, round_row
from luoshi.ledger.read.reports import review_page
from luoshi.ledger.read.visibility import visible_plan
from luoshi.web import actions, onloop
from luoshi.web.api import PREFIX, page_body
from luoshi.web.context import Caller, SignedIn, Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import (
    ConfirmIn,
    Health,
    PageNo,
    PathId,
    PerPage,
    PlanIn,
    PlanPatch,
    ReportState,
    RoundIn,
)

router = APIRouter(prefix=PREFIX, tags=["plans"])
QText = Annotated[str | None, Query(max_length=200)]
AsOfDay = Annotated[date | None, Query(alias="as_of")]


@router.get("/plans", summary="计划列表 List plans")
def list_plans(
    request: Request, caller: SignedIn, page: PageNo = 1, per_page: PerPage = 50
) -> JSONResponse:
    """The plans the caller may see: those of its organisations when it has one."""
    with ctx_of(request).read() as s:
        rows = plans.list_plans(s, caller.viewer.org_ids)
    chosen = listing.paginate([records.plan_record(p) for p in rows], page, per_page)
    return JSONResponse(page_body(chosen))


@router.post("/plans", status_code=201, summary="从文件建立计划 Build a plan from a document")
def build_plan(body: PlanIn, request: Request, caller: Writer) -> JSONResponse:
    plan = actions.build_plan(ctx_of(request), caller, body.document_id, body.name, body.title)
    return JSONResponse(_plan(request, caller, plan.id), status_code=201)


def _plan(request: Request, caller: Caller, plan_id: int) -> dict[str, Any]:
    with ctx_of(request).read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        row = next(p for p in plans.list_plans(s) if p.id == plan.id)
        rnd = open_round_of(s, plan.id)
        return {
            **records.plan_record(row),
            "open_round": records.round_record(round_row(rnd)) if rnd else None,
        }


@router.get("/plans/{plan_id}", summary="计划 A plan")
def get_plan(plan_id: PathId, request: Request, caller: SignedIn) -> dict[str, Any]:
    return _plan(request, caller, plan_id)


@router.post(
    "/plans/{plan_id}/lead-units/confirm",
    summary="确认建议的责任单位 Confirm suggested lead units",
)
def confirm_lead_units(
    plan_id: PathId, body: ConfirmIn, request: Request, caller: Writer
) -> dict[str, Any]:
    """Supervisors and administrators: ``codes`` to confirm, or ``all``; answers the codes
    confirmed and how many stay 待确认 (pending)."""
    if bool(body.codes) == body.all:
        raise InputError("请给出要确认的任务编号 codes，或只给 all: true")
    done, pending = actions.confirm_lead_units(
        ctx_of(request), caller, plan_id, None if body.all else body.codes
    )
    return {"confirmed": done, "pending": pending}


@router.patch("/plans/{plan_id}", summary="设置公开 Publish or unpublish a plan")
def patch_plan(
    plan_id: PathId, body: PlanPatch, request: Request, caller: Writer
) -> dict[str, Any]:
    actions.set_public(ctx_of(request), caller, plan_id, body.public)
    return _plan(request, caller, plan_id)


def _list(
    request: Request, caller: Caller, plan_id: int, f: listing.TaskFilter, sort: str | None,
    page: int, per_page: int, day: date | None, after: str | None,
) -> dict[str, Any]:  # fmt: skip
    ctx = ctx_of(request)
    with ctx.read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        order = listing.Sort.parse(sort)
        found = views.list_tasks(
            s, plan, ctx.rules, AsOf.of(day), caller.viewer, f, order, page, per_page, after
        )
    items = [records.task_record(r) for r in found.items]
    page_of = listing.Page(items, found.total, found.page, found.per_page, found.after)
    return page_body(page_of, keyset=after is not None)


@router.get("/plans/{plan_id}/tasks", summary="台账：筛选任务 The ledger, filtered")
async def list_tasks(
    plan_id: PathId,
    request: Request,
    caller: SignedIn,
    unit: QText = None,
    category: Annotated[str | None, Query(max_length=500)] = None,
    health: Health | None = None,
    deadline_from: date | None = None,
    deadline_to: date | None = None,
    q: QText = None,
    leaves_only: bool = False,
    overdue: bool = False,
    sort: Annotated[str | None, Query(max_length=20)] = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
    as_of: AsOfDay = None,
    after: Annotated[str | None, Query(max_length=200)] = None,
) -> JSONResponse:
    """Sorted by ``sort`` (code, deadline, progress, health, lead_unit, title; a leading
    ``-`` for descending); ``overdue=true``: only tasks past their deadline and not
    done (逾期); ``as_of`` measures health on that day (a past day also reads
    the ledger as it stood then). ``after``: the ``after`` of the previous page, to page
    on in code order without counting from the start (keyset paging)."""
    f = listing.TaskFilter(
        unit=unit or None,
        category=category or None,
        health=health,
        deadline_from=deadline_from,
        deadline_to=deadline_to,
        text=(q or "").strip() or None,
        leaves_only=leaves_only,
        overdue_only=overdue,
    )
    args = (request, caller, plan_id, f, sort, page, per_page, as_of, after)
    body = await onloop.answer(ctx_of(request), _list, *args)
    return JSONResponse(body)


def _dashboard(request: Request, caller: Caller, plan_id: int, day: date | None) -> dict[str, Any]:
    ctx = ctx_of(request)
    with ctx.read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        d = plan_dashboard(s, plan, ctx.rules, caller.viewer, AsOf.of(day))
    body = records.figures_record(d.figures, d.timeline)
    body["at_risk"] = [records.risk_record(r) for r in d.at_risk]
    if d.linkage is not None:
        body["linkage"] = records.linkage_record(d.linkage)
    return body


@router.get("/plans/{plan_id}/dashboard", summary="总览数据 Dashboard figures")
async def dashboard(
    plan_id: PathId, request: Request, caller: SignedIn, as_of: AsOfDay = None
) -> JSONResponse:
    body = await onloop.answer(ctx_of(request), _dashboard, request, caller, plan_id, as_of)
    return JSONResponse(body)


@router.get("/plans/{plan_id}/rounds", summary="调度轮次 Rounds of a plan")
def list_rounds(plan_id: PathId, request: Request, caller: SignedIn) -> JSONResponse:
    with ctx_of(request).read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        items = [records.round_record(round_row(r)) for r in cycle.list_rounds(s, plan)]
    return JSONResponse({"items": items, "total": len(items)})


@router.post("/plans/{plan_id}/rounds", status_code=201, summary="发起调度 Open a round")
def open_round(plan_id: PathId, body: RoundIn, request: Request, caller: Writer) -> JSONResponse:
    rnd = actions.open_round(ctx_of(request), caller, plan_id, body.period, body.due)
    return JSONResponse(records.round_record(round_row(rnd)), status_code=201)


@router.get("/plans/{plan_id}/reports", summary="进度报告（可按审核状态筛选）Reports of a plan")
def plan_reports(
    plan_id: PathId,
    request: Request,
    caller: SignedIn,
    state: ReportState | None = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> JSONResponse:
    with ctx_of(request).read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        chosen = review_page(s, caller.viewer, plan.id, state, page, per_page)
    items = [records.report_record(r) for r in chosen.items]
    return JSONResponse(page_body(listing.Page(items, chosen.total, chosen.page, chosen.per_page)))
