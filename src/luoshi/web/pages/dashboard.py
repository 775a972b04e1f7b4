"""总览: where the plan stands, what is late, which unit is behind — charts drawn as SVG."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from luoshi.ledger import scoring
from luoshi.ledger.health import HEALTH_COLOURS, HEALTH_ORDER
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.dashboard import Dashboard, awaiting_review, dashboard
from luoshi.ledger.read.figures import Tally
from luoshi.ledger.read.records import ATTENTION_SHOWN
from luoshi.ledger.read.risks import RISKS_SHOWN
from luoshi.ledger.read.scores import kept_ranking, ranking
from luoshi.ledger.todo import unit_todo
from luoshi.web import charts, onloop
from luoshi.web.context import Caller, ctx_of
from luoshi.web.i18n import word
from luoshi.web.pages.common import (
    all_plans,
    choose_plan,
    lang_of,
    page_caller,
    plan_id_param,
    render,
)

router = APIRouter(include_in_schema=False)


def group_bars(groups: list[Tally], plan_id: int, by: str) -> list[charts.Bar]:
    """One bar per group, linked to the ledger filtered to it: 「（未分派）」 and
    「（未分类）」 to the leaves without a lead unit or category. Real names may hold "&"
    and "#", hence the encoded query."""
    out = []
    for g in groups:
        colour = HEALTH_COLOURS["red" if g.behind else "green"]
        href = f"/plans/{plan_id}/ledger?{urlencode({by: g.name})}"
        out.append(charts.Bar(g.name, g.progress, g.expected, colour, href))
    return out


def dashboard_charts(d: Dashboard, plan_id: int, lang: str) -> dict[str, Markup]:
    f = d.figures
    slices = [
        charts.Slice(word(f"health.{h}", lang), f.total.counts[h], HEALTH_COLOURS[h])
        for h in HEALTH_ORDER
    ]
    labels = [p.period for p in d.timeline]
    series = [
        charts.Series(word("progress", lang), [p.progress for p in d.timeline], "#1565c0"),
        charts.Series(
            word("expected", lang), [p.expected for p in d.timeline], charts.EXPECTED, True
        ),
    ]
    return {
        "donut": charts.donut(slices, word("by_status", lang), f"{f.progress:.0f}%"),
        "categories": charts.bars(
            group_bars(f.by_category, plan_id, "category"), word("by_category", lang)
        ),
        "units": charts.bars(group_bars(f.by_unit, plan_id, "unit"), word("by_unit", lang)),
        "timeline": charts.line(labels, series, word("timeline", lang)),
    }


def _read(request: Request, caller: Caller, plan: str | None) -> dict[str, Any]:
    ctx = ctx_of(request)
    scoring_rules = scoring.load_rules(ctx.settings.workflow.scoring_file)
    with ctx.read() as s:
        chosen = choose_plan(s, plan_id_param(plan), caller)
        plans = all_plans(s, chosen, caller)
        if chosen is None:
            return {"plan": None, "plans": plans}
        d = dashboard(s, chosen, ctx.rules, caller.viewer, AsOf.today())
        waiting = awaiting_review(s, chosen, ctx.rules, caller.viewer, AsOf.today())
        # 考核: the ranking stored when the latest round closed; before any round has
        # closed, the open round's, worked out now.
        kept = kept_ranking(s, chosen)
        scored = kept or ranking(s, chosen, ctx.rules, scoring_rules)
    return {
        "plan": chosen,
        "plans": plans,
        "f": d.figures,
        # A large plan's figures are the last day's until the keeper has recomputed it.
        "behind": d.figures.day < AsOf.today().day,
        "charts": dashboard_charts(d, chosen.id, lang_of(request)),
        "awaiting": waiting,
        "accepted_only": ctx.rules.accepted_only,
        "health": HEALTH_ORDER,
        "shown": ATTENTION_SHOWN,
        "ranking": scored.scores,
        "ranking_period": scored.period,
        "linkage": d.linkage,
        "answered": d.answered,
        "at_risk": d.at_risk,
        "risks_shown": RISKS_SHOWN,
    }


@router.get("/")
async def dashboard_page(request: Request, plan: str | None = None) -> Response:
    # Where the loop may read (web/onloop.py), there; else, and whenever the plan
    # would be computed whole, in a worker thread.
    ctx = ctx_of(request)
    caller = await onloop.answer(ctx, page_caller, request)
    if caller.is_reporter and plan is None:
        # A reporter lands on its unit's to-do list (待办); ?plan= shows the dashboard.
        return await run_in_threadpool(todo_page, request, caller.unit_id)
    data = await onloop.answer(ctx, _read, request, caller, plan)
    return render(request, "dashboard.html", **data)


def todo_page(request: Request, unit_id: int | None) -> Response:
    """待办: the reporter's home page."""
    with ctx_of(request).read() as s:
        todo = unit_todo(s, unit_id) if unit_id is not None else None
        plans = all_plans(s)
    return render(request, "todo.html", todo=todo, plans=plans)
