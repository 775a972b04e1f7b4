"""公开: published plans, readable without signing in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from luoshi.errors import NotFound
from luoshi.ledger.health import HEALTH_COLOURS, HEALTH_ORDER
from luoshi.ledger.read import records
from luoshi.ledger.read.catalog import public_plans
from luoshi.ledger.read.public import public_plan
from luoshi.web import charts
from luoshi.web.context import ctx_of
from luoshi.web.i18n import word
from luoshi.web.pages.common import lang_of, render
from luoshi.web.schemas import PathId

router = APIRouter(include_in_schema=False)


@router.get("/public")
def public_index(request: Request) -> Response:
    with ctx_of(request).read() as s:
        plans = public_plans(s)
    return render(request, "public_index.html", plans=plans)


@router.get("/public/plans/{plan_id}")
def public_page(plan_id: PathId, request: Request) -> Response:
    ctx = ctx_of(request)
    with ctx.read() as s:
        plan = public_plan(s, plan_id, ctx.rules)
    if plan is None:
        raise NotFound(f"计划 {plan_id} 不存在或未公开")
    found = records.public_record(plan)
    lang = lang_of(request)
    slices = [
        charts.Slice(word(f"health.{h}", lang), found["counts"][h], HEALTH_COLOURS[h])
        for h in HEALTH_ORDER
    ]
    donut = charts.donut(slices, word("by_status", lang), f"{found['progress']:.0f}%")
    return render(request, "public.html", plan=found, donut=donut, health=HEALTH_ORDER)
