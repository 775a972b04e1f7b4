"""Managing plans, documents, accounts and units by API: the same ledger services as
the pages and the CLI (roles, checks, audit)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import StrictBool
from starlette.responses import Response

from luoshi.web import actions
from luoshi.web.api import PREFIX
from luoshi.web.context import Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import Body, NewPassword, PathId, Short, UnitName

router = APIRouter(prefix=PREFIX, tags=["manage"])


class PlanStateIn(Body):
    """草稿 draft, 启用 active, 已归档 archived."""

    state: Literal["draft", "active", "archived"]


class DefaultIn(Body):
    """The office's default plan (managers), or with ``mine`` the caller's own."""

    mine: StrictBool = False


class ArchivedIn(Body):
    archived: StrictBool


class RoleIn(Body):
    role: Literal["admin", "supervisor", "reporter", "viewer"]
    unit: Short | None = None


class PasswordResetIn(Body):
    password: NewPassword


class RenameIn(Body):
    name: UnitName
    new_name: UnitName


class MergeIn(Body):
    name: UnitName
    into: UnitName


@router.post("/plans/{plan_id}/state", summary="启用、归档计划 Set a plan's state")
def plan_state(plan_id: PathId, body: PlanStateIn, request: Request, caller: Writer) -> Any:
    plan = actions.set_plan_state(ctx_of(request), caller, plan_id, body.state)
    return {"id": plan.id, "name": plan.name, "state": plan.state, "version": plan.version}


@router.delete("/plans/{plan_id}", status_code=204, summary="删除计划 Delete an unused plan")
def delete_plan(plan_id: PathId, request: Request, caller: Writer) -> Response:
    actions.delete_plan(ctx_of(request), caller, plan_id)
    return Response(status_code=204)


@router.post("/plans/{plan_id}/default", summary="设为默认计划 Make the default plan")
def default_plan(plan_id: PathId, body: DefaultIn, request: Request, caller: Writer) -> Any:
    actions.set_default_plan(ctx_of(request), caller, plan_id, body.mine)
    return {"plan_id": plan_id, "mine": body.mine}


@router.post("/documents/{document_id}/archive", summary="归档文件 Archive a document")
def archive_document(
    document_id: PathId, body: ArchivedIn, request: Request, caller: Writer
) -> Any:
    actions.archive_document(ctx_of(request), caller, document_id, body.archived)
    return {"id": document_id, "archived": body.archived}


@router.delete(
    "/documents/{document_id}", status_code=204, summary="删除文件 Delete an unused document"
)
def delete_document(document_id: PathId, request: Request, caller: Writer) -> Response:
    actions.delete_document(ctx_of(request), caller, document_id)
    return Response(status_code=204)


@router.post("/users/{user_id}/role", summary="修改角色与单位（管理员）Set role and unit")
def set_role(user_id: PathId, body: RoleIn, request: Request, caller: Writer) -> Any:
    user = actions.set_role(ctx_of(request), caller, user_id, body.role, body.unit)
    return {"id": user.id, "username": user.username, "role": user.role}


@router.post(
    "/users/{user_id}/password", status_code=204, summary="重设密码（管理员）Reset a password"
)
def reset_password(
    user_id: PathId, body: PasswordResetIn, request: Request, caller: Writer
) -> Response:
    actions.reset_password(ctx_of(request), caller, user_id, body.password)
    return Response(status_code=204)


@router.post("/units/rename", summary="单位改名 Rename a unit")
def rename_unit(body: RenameIn, request: Request, caller: Writer) -> JSONResponse:
    unit = actions.rename_unit(ctx_of(request), caller, body.name, body.new_name)
    return JSONResponse({"id": unit.id, "name": unit.name})


@router.post("/units/merge", summary="合并单位 Merge a unit into another")
def merge_unit(body: MergeIn, request: Request, caller: Writer) -> JSONResponse:
    unit = actions.merge_units(ctx_of(request), caller, body.name, body.into)
    return JSONResponse({"id": unit.id, "name": unit.name})
