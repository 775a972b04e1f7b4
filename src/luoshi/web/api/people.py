"""单位 and 用户: units for everyone to read; accounts for administrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from luoshi.errors import PermissionDenied
from luoshi.ledger import units, users
from luoshi.ledger.models import Unit, User
from luoshi.web import actions
from luoshi.web.context import Caller, SignedIn, Writer, ctx_of
from luoshi.web.schemas import PathId, UnitIn, UserIn, UserPatch

router = APIRouter(tags=["people"])


@router.get("/units", summary="单位 Units")
def list_units(request: Request, _: SignedIn) -> JSONResponse:
    with ctx_of(request).read() as s:
        items = [
            {"id": u.id, "name": u.name, "active": u.active, "lead_tasks": u.lead_tasks,
             "co_tasks": u.co_tasks}
            for u in units.list_units(s)
        ]  # fmt: skip
    return JSONResponse({"items": items, "total": len(items)})


@router.post("/units", status_code=201, summary="添加单位 Add a unit")
def add_unit(body: UnitIn, request: Request, caller: Writer) -> JSONResponse:
    unit = actions.add_unit(ctx_of(request), caller, body.name)
    return JSONResponse({"id": unit.id, "name": unit.name}, status_code=201)


def _admin(caller: Caller) -> None:
    if caller.role != "admin":
        raise PermissionDenied(f"用户 {caller.username} 无权管理用户")


def user_record(u: User, unit: str | None) -> dict[str, Any]:
    return {
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role,
        "unit": unit,
        "active": u.active,
        "can_sign_in": u.password_hash is not None,
    }


@router.get("/users", summary="用户（管理员）Users, for administrators")
def list_users(request: Request, caller: SignedIn) -> JSONResponse:
    _admin(caller)
    with ctx_of(request).read() as s:
        items = [user_record(u, unit) for u, unit in users.list_users(s)]
    return JSONResponse({"items": items, "total": len(items)})


@router.patch("/users/{user_id}", summary="停用或启用用户（管理员）Deactivate or reactivate a user")
def patch_user(user_id: PathId, body: UserPatch, request: Request, caller: Writer) -> JSONResponse:
    _admin(caller)
    ctx = ctx_of(request)
    user = actions.set_active(ctx, caller, user_id, body.active)
    with ctx.read() as s:
        unit = s.get(Unit, user.unit_id) if user.unit_id else None
    return JSONResponse(user_record(user, unit.name if unit else None))


@router.post("/users", status_code=201, summary="添加用户（管理员）Add a user")
def add_user(body: UserIn, request: Request, caller: Writer) -> JSONResponse:
    user = actions.add_user(
        ctx_of(request), caller, body.username, body.role, body.password, body.unit,
        body.display_name,
    )  # fmt: skip
    return JSONResponse(user_record(user, body.unit), status_code=201)
