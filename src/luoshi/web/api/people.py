"""单位 and 用户: units for everyone to read; accounts for administrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from luoshi.ledger import units, users
from luoshi.ledger.db import Session
from luoshi.ledger.models import User
from luoshi.ledger.read.records import unit_record, user_record
from luoshi.ledger.read.visibility import require_user_admin
from luoshi.web import actions
from luoshi.web.api import PREFIX
from luoshi.web.context import Caller, SignedIn, Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import PathId, UnitIn, UserIn, UserOrgIn, UserPatch

router = APIRouter(prefix=PREFIX, tags=["people"])


@router.get("/units", summary="单位 Units")
def list_units(request: Request, _: SignedIn) -> JSONResponse:
    with ctx_of(request).read() as s:
        items = [unit_record(u) for u in units.list_units(s)]
    return JSONResponse({"items": items, "total": len(items)})


@router.post("/units", status_code=201, summary="添加单位 Add a unit")
def add_unit(body: UnitIn, request: Request, caller: Writer) -> JSONResponse:
    unit = actions.add_unit(ctx_of(request), caller, body.name)
    return JSONResponse({"id": unit.id, "name": unit.name}, status_code=201)


def _admin(caller: Caller) -> None:
    require_user_admin(caller.viewer, caller.username)


def _record(s: Session, user: User, unit: str | None) -> dict[str, Any]:
    orgs = users.org_names(s) if user.organisation_id else {}
    return user_record(user, unit, orgs.get(user.organisation_id or 0))


@router.get("/users", summary="用户（管理员）Users, for administrators")
def list_users(request: Request, caller: SignedIn) -> JSONResponse:
    _admin(caller)
    with ctx_of(request).read() as s:
        orgs = users.org_names(s)
        items = [
            user_record(u, unit, orgs.get(u.organisation_id or 0))
            for u, unit in users.list_users(s)
        ]
    return JSONResponse({"items": items, "total": len(items)})


@router.patch("/users/{user_id}", summary="停用或启用用户（管理员）Deactivate or reactivate a user")
def patch_user(user_id: PathId, body: UserPatch, request: Request, caller: Writer) -> JSONResponse:
    _admin(caller)
    ctx = ctx_of(request)
    user = actions.set_active(ctx, caller, user_id, body.active)
    with ctx.read() as s:
        return JSONResponse(_record(s, user, users.unit_name(s, user)))


@router.post("/users", status_code=201, summary="添加用户（管理员）Add a user")
def add_user(body: UserIn, request: Request, caller: Writer) -> JSONResponse:
    """``organisation`` (a name or id): a supervisor or viewer sees and runs only that
    organisation's plans and those below it."""
    ctx = ctx_of(request)
    user = actions.add_user(
        ctx, caller, body.username, body.role, body.password, body.unit,
        body.display_name, body.organisation,
    )  # fmt: skip
    with ctx.read() as s:
        return JSONResponse(_record(s, user, body.unit), status_code=201)


@router.put(
    "/users/{user_id}/organisation",
    summary="设置所属组织（管理员）Scope a user to an organisation",
)
def set_organisation(
    user_id: PathId, body: UserOrgIn, request: Request, caller: Writer
) -> JSONResponse:
    """``organisation`` null or "": the user is no longer scoped (sees every plan)."""
    _admin(caller)
    ctx = ctx_of(request)
    user = actions.set_organisation(ctx, caller, user_id, body.organisation, body.version)
    with ctx.read() as s:
        return JSONResponse(_record(s, user, users.unit_name(s, user)))
