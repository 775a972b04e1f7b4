"""计划: list, build from a document, publish; the ledger (台账) table and the dashboard."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse

from luoshi.ledger import cycle, plans, quality, workflow_reads
from luoshi.web import actions, reads
from luoshi.web.context import SignedIn, Writer, ctx_of
from luoshi.web.figures import Figures
from luoshi.web.schemas import Health, PageNo, PathId, PerPage, PlanIn, PlanPatch, RoundIn

router = APIRouter(tags=["plans"])
QText = Annotated[str | None, Query(max_length=200)]


@router.get("/plans", summary="计划列表 List plans")
def list_plans(
    request: Request, _: SignedIn, page: PageNo = 1, per_page: PerPage = 50
) -> JSONResponse:
    with ctx_of(request).read() as s:
        rows = plans.list_plans(s)
    chosen, total = reads.paginate(rows, page, per_page)
    items = [reads.plan_record(p) for p in chosen]
    return JSONResponse(reads.Page(items, total, page, per_page).record())


@router.post("/plans", status_code=201, summary="从文件建立计划 Build a plan from a document")
def build_plan(body: PlanIn, request: Request, caller: Writer) -> JSONResponse:
    plan = actions.build_plan(ctx_of(request), caller, body.document_id, body.name, body.title)
    return JSONResponse(_plan(request, plan.id), status_code=201)


def _plan(request: Request, plan_id: int) -> dict[str, Any]:
    with ctx_of(request).read() as s:
        plan = reads.get_plan(s, plan_id)
        row = next(p for p in plans.list_plans(s) if p.id == plan.id)
        return {**reads.plan_record(row), "open_round": reads.open_round_record(s, plan.id)}


@router.get("/plans/{plan_id}", summary="计划 A plan")
def get_plan(plan_id: PathId, request: Request, _: SignedIn) -> dict[str, Any]:
    return _plan(request, plan_id)


@router.patch("/plans/{plan_id}", summary="设置公开 Publish or unpublish a plan")
def patch_plan(
    plan_id: PathId, body: PlanPatch, request: Request, caller: Writer
) -> dict[str, Any]:
    actions.set_public(ctx_of(request), caller, plan_id, body.public)
    return _plan(request, plan_id)


@router.get("/plans/{plan_id}/tasks", summary="台账：筛选任务 The ledger, filtered")
async def list_tasks(
    plan_id: PathId,
    request: Request,
    caller: SignedIn,
    unit: QText = None,
    category: Annotated[str | None, Query(max_length=500)] = None,
    status: Health | None = None,
    deadline_from: date | None = None,
    deadline_to: date | None = None,
    q: QText = None,
    leaves_only: bool = False,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> JSONResponse:
    # Async: the busiest read, answered from the cached board on the event loop (the
    # caller alone is resolved in a worker thread, by the SignedIn dependency).
    f = reads.parse_filter(unit, category, status, deadline_from, deadline_to, q, leaves_only)
    _plan, view, _figs = await ctx_of(request).cached_view(plan_id)
    return JSONResponse(reads.list_tasks(view, caller, f, page, per_page).record())


def figures_record(f: Figures) -> dict[str, Any]:
    def group(g: Any) -> dict[str, Any]:
        return {
            "name": g.name,
            "tasks": g.tasks,
            "progress": round(g.progress, 1),
            "expected": round(g.expected, 1),
            "behind": g.behind,
        }

    return {
        "progress": round(f.progress, 1),
        "expected": round(f.expected, 1),
        "leaf_tasks": f.leaves,
        "counts": f.counts,
        "overdue": f.overdue,
        "by_category": [group(g) for g in f.by_category],
        "by_unit": [group(g) for g in f.by_unit],
        "attention": [
            {
                "id": r.id,
                "code": r.code,
                "title": r.title,
                "lead_unit": r.lead_unit,
                "status": r.status,
                "progress": round(r.progress, 1),
                "expected": round(r.expected, 1),
                "deadline": r.deadline.isoformat() if r.deadline else None,
            }
            for r in f.attention
        ],
        "timeline": [
            {
                "round_id": p.round_id,
                "period": p.period,
                "progress": round(p.progress, 1),
                "expected": round(p.expected, 1),
            }
            for p in f.timeline
        ],
    }


@router.get("/plans/{plan_id}/dashboard", summary="总览数据 Dashboard figures")
async def dashboard(plan_id: PathId, request: Request, _: SignedIn) -> JSONResponse:
    _plan, f = await ctx_of(request).cached_figures(plan_id)
    return JSONResponse({"plan_id": plan_id, **figures_record(f)})


@router.get("/plans/{plan_id}/rounds", summary="调度轮次 Rounds of a plan")
def list_rounds(plan_id: PathId, request: Request, _: SignedIn) -> JSONResponse:
    with ctx_of(request).read() as s:
        plan = reads.get_plan(s, plan_id)
        items = [reads.round_record(r) for r in cycle.list_rounds(s, plan)]
    return JSONResponse({"items": items, "total": len(items)})


@router.post("/plans/{plan_id}/rounds", status_code=201, summary="发起调度 Open a round")
def open_round(plan_id: PathId, body: RoundIn, request: Request, caller: Writer) -> JSONResponse:
    rnd = actions.open_round(ctx_of(request), caller, plan_id, body.period, body.due)
    return JSONResponse(reads.round_record(rnd), status_code=201)


@router.get("/plans/{plan_id}/reports", summary="进度报告（可按审核状态筛选）Reports of a plan")
def plan_reports(
    plan_id: PathId,
    request: Request,
    caller: SignedIn,
    status: Annotated[str | None, Query(pattern="^(submitted|accepted|returned)$")] = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> JSONResponse:
    with ctx_of(request).read() as s:
        plan = reads.get_plan(s, plan_id)
        # A reporter sees its own unit's reports only (-1: none, when it has no unit).
        unit = (caller.unit_id or -1) if caller.is_reporter else None
        rows = reads.report_queue(s, plan.id, status, unit)
        chosen, total = reads.paginate(rows, page, per_page)
        # Each report with its evidence files and, for reviewers, its quality flags.
        items = workflow_reads.with_attachments(s, list(chosen))
        if caller.is_manager:
            items = quality.with_flags(s, items)
    return JSONResponse(reads.Page(items, total, page, per_page).record())
