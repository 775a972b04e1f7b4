"""组织: the organisations' tree, forms (managers) to add one and to move a unit or a plan
under one; an organisation's dashboard (its plans and its children's, today) and a
level's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from markupsafe import Markup
from starlette.responses import Response

from luoshi.errors import InputError
from luoshi.ledger import orgs, plans, units
from luoshi.ledger.db import Session
from luoshi.ledger.health import HEALTH_COLOURS, HEALTH_ORDER
from luoshi.ledger.models import ORG_LEVELS, Organisation, Unit
from luoshi.ledger.read import org_dashboard as dash
from luoshi.web import charts
from luoshi.web.context import ctx_of
from luoshi.web.i18n import word
from luoshi.web.pages.common import back, form_caller, lang_of, page_caller, redisplay, render
from luoshi.web.schemas import PathId

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form(max_length=200)]


@router.get("/orgs")
def orgs_page(request: Request) -> Response:
    caller = page_caller(request)
    with ctx_of(request).read() as s:
        rows = orgs.list_orgs(s)
        unit_rows = [u for u in units.list_units(s) if u.active] if caller.is_manager else []
        plan_rows = plans.list_plans(s) if caller.is_manager else []
    return render(
        request, "orgs.html", rows=rows, units=unit_rows, plan_rows=plan_rows, levels=ORG_LEVELS
    )


def orgs_again(request: Request, _kw: Any) -> Response:
    return orgs_page(request)


def _id(text: str, field: str, required: bool = True) -> int | None:
    """A chosen id from a form's select ("" for none, when allowed)."""
    text = text.strip()
    if not text and not required:
        return None
    if not text.isdigit():
        raise InputError(f"请选择{field}")
    return int(text)


def _org(s: Session, text: str, field: str) -> Organisation | None:
    key = _id(text, field, required=False)
    if key is None:
        return None
    org = s.get(Organisation, key)
    if org is None:
        raise InputError(f"{field}：组织 {key} 不存在，请刷新页面后重新选择")
    return org


@router.post("/orgs")
@redisplay("add-org", orgs_again)
def add_org(
    request: Request,
    name: FormText,
    level: FormText,
    parent_id: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    with ctx_of(request).work(caller) as (s, actor):
        orgs.add_org(s, actor, name, level, _org(s, parent_id, "上级组织"))
    return back("/orgs")


@router.post("/orgs/move-unit")
@redisplay("move-unit", orgs_again)
def move_unit(
    request: Request, unit_id: FormText, organisation_id: FormText = "", csrf_token: FormText = ""
) -> Response:
    caller = form_caller(request, csrf_token)
    with ctx_of(request).work(caller) as (s, actor):
        unit = s.get(Unit, _id(unit_id, "单位") or 0)
        if unit is None:
            raise InputError("单位：所选单位不存在，请刷新页面后重新选择")
        orgs.move_unit(s, actor, unit, _org(s, organisation_id, "所属组织"))
    return back("/orgs")


@router.post("/orgs/move-plan")
@redisplay("move-plan", orgs_again)
def move_plan(
    request: Request, plan_id: FormText, organisation_id: FormText = "", csrf_token: FormText = ""
) -> Response:
    caller = form_caller(request, csrf_token)
    with ctx_of(request).work(caller) as (s, actor):
        plan = plans.plan_by_id(s, _id(plan_id, "计划") or 0)
        orgs.move_plan(s, actor, plan, _org(s, organisation_id, "所属组织"))
    return back("/orgs")


# -- dashboards ---------------------------------------------------------------------------


def group_bars(d: dash.OrgDashboard, lang: str) -> Markup:
    """One bar per row (child organisation, or organisation of the level), linked to its
    own dashboard; red when any of its tasks is behind."""
    bars = [
        charts.Bar(
            g.name,
            g.progress,
            g.expected,
            HEALTH_COLOURS["red" if g.behind else "green"],
            f"/orgs/{g.organisation_id}" if g.organisation_id and g.name != dash.OWN else None,
        )
        for g in d.rows
        if g.plans
    ]
    return charts.bars(bars, word("org.completion", lang))


def _show(request: Request, d: dash.OrgDashboard) -> Response:
    return render(
        request, "org_dashboard.html", d=d, chart=group_bars(d, lang_of(request)),
        health=HEALTH_ORDER, levels=ORG_LEVELS, own=dash.OWN,
    )  # fmt: skip


@router.get("/orgs/levels/{level}")
def level_page(request: Request, level: str) -> Response:
    caller = page_caller(request)
    ctx = ctx_of(request)
    with ctx.read() as s:
        d = dash.level_dashboard(s, level, ctx.rules, caller.viewer)
    return _show(request, d)


@router.get("/orgs/{org_id}")
def org_page(request: Request, org_id: PathId) -> Response:
    caller = page_caller(request)
    ctx = ctx_of(request)
    with ctx.read() as s:
        d = dash.org_dashboard(s, orgs.get_org(s, str(org_id)), ctx.rules, caller.viewer)
    return _show(request, d)
