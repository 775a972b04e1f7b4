"""组织: organisations by level, and moving units and plans under them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import Field

from luoshi.errors import NotFound
from luoshi.ledger import orgs
from luoshi.ledger.models import Organisation, Plan, Unit
from luoshi.ledger.read import org_dashboard as dash
from luoshi.ledger.read.records import org_dashboard_record
from luoshi.web.api import PREFIX
from luoshi.web.context import Caller, SignedIn, Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import MAX_ID, Body, Id, Name, PathId

router = APIRouter(prefix=PREFIX, tags=["organisations"])

Level = Literal["国家", "省", "市", "区", "街道"]
Version = Annotated[int, Field(ge=1, le=MAX_ID)]


class OrgIn(Body):
    """组织: name, level and (optionally) the organisation above it."""

    name: Name
    level: Level
    parent_id: Id | None = None


class MoveIn(Body):
    """The organisation to belong to (null: none), and the version seen."""

    organisation_id: Id | None
    version: Version | None = None


def _org_record(o: orgs.OrgRow) -> dict[str, object]:
    return {"id": o.id, "name": o.name, "level": o.level, "parent": o.parent, "units": o.units,
            "plans": o.plans, "version": o.version}  # fmt: skip


@router.get("/organisations", summary="组织 Organisations")
def list_orgs(request: Request, _: SignedIn) -> JSONResponse:
    with ctx_of(request).read() as s:
        items = [_org_record(o) for o in orgs.list_orgs(s)]
    return JSONResponse({"items": items, "total": len(items)})


@router.post("/organisations", status_code=201, summary="添加组织 Add an organisation")
def add_org(body: OrgIn, request: Request, caller: Writer) -> JSONResponse:
    with ctx_of(request).work(caller) as (s, actor):
        parent = _org(s.get(Organisation, body.parent_id)) if body.parent_id else None
        org = orgs.add_org(s, actor, body.name, body.level, parent)
        rec = {"id": org.id, "name": org.name, "level": org.level, "parent_id": org.parent_id}
    return JSONResponse(rec, status_code=201)


@router.get("/organisations/{org_id}/dashboard", summary="组织总览 Organisation dashboard")
def org_dashboard(org_id: PathId, request: Request, caller: SignedIn) -> JSONResponse:
    """Today's figures of the active plans of the organisation and all below it."""
    ctx = ctx_of(request)
    with ctx.read() as s:
        org = orgs.get_org(s, str(org_id))
        body = org_dashboard_record(dash.org_dashboard(s, org, ctx.rules, caller.viewer))
    return JSONResponse(body)


@router.get("/levels/{level}/dashboard", summary="层级总览 Dashboard of a level")
def level_dashboard(level: Level, request: Request, caller: SignedIn) -> JSONResponse:
    """Today's figures of the active plans of every organisation at ``level``."""
    ctx = ctx_of(request)
    with ctx.read() as s:
        body = org_dashboard_record(dash.level_dashboard(s, level, ctx.rules, caller.viewer))
    return JSONResponse(body)


def _org(org: Organisation | None) -> Organisation:
    if org is None:
        raise NotFound("组织不存在")
    return org


@router.post("/units/{unit_id}/organisation", summary="单位归入组织 Move a unit")
def move_unit(unit_id: PathId, body: MoveIn, request: Request, caller: Writer) -> JSONResponse:
    return _move(request, caller, Unit, unit_id, body, orgs.move_unit, "单位")


@router.post("/plans/{plan_id}/organisation", summary="计划归入组织 Move a plan")
def move_plan(plan_id: PathId, body: MoveIn, request: Request, caller: Writer) -> JSONResponse:
    return _move(request, caller, Plan, plan_id, body, orgs.move_plan, "计划")


def _move(
    request: Request,
    caller: Caller,
    model: type[Unit] | type[Plan],
    key: int,
    body: MoveIn,
    move: Callable[..., bool],
    label: str,
) -> JSONResponse:
    with ctx_of(request).work(caller) as (s, actor):
        row = s.get(Unit, key) if model is Unit else s.get(Plan, key)
        if row is None:
            raise NotFound(f"{label} {key} 不存在")
        org = _org(s.get(Organisation, body.organisation_id)) if body.organisation_id else None
        move(s, actor, row, org, body.version)
        rec = {"id": row.id, "organisation_id": row.organisation_id, "version": row.version}
    return JSONResponse(rec)
