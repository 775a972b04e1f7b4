"""用户 and 单位: administrators add accounts (查看者 unless chosen otherwise), change
roles and units, reset passwords, deactivate and reactivate (after a confirmation);
supervisors and administrators add, rename and merge units and set where their
reminders go (电子邮箱, webhook)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from luoshi.errors import InputError, PermissionDenied
from luoshi.ledger import units, users
from luoshi.ledger.channels import mask
from luoshi.ledger.models import ROLES
from luoshi.ledger.read.visibility import require_user_admin
from luoshi.web import actions, workflow_actions
from luoshi.web.context import Caller, ctx_of
from luoshi.web.pages.common import (
    back,
    confirm_first,
    form_caller,
    page_caller,
    redisplay,
    render,
)
from luoshi.web.schemas import MAX_ID, PathId

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form(max_length=200)]
Confirmed = Annotated[str, Form(max_length=1)]
# Robot addresses carry long tokens; the ledger refuses what its column cannot hold.
FormLong = Annotated[str, Form(max_length=2000)]
# A new account may read, nothing more, until someone gives it a role on purpose.
DEFAULT_ROLE = "viewer"


def _admin(caller: Caller) -> None:
    require_user_admin(caller.viewer, caller.username)


@router.get("/users")
def users_page(request: Request) -> Response:
    caller = page_caller(request)
    _admin(caller)
    with ctx_of(request).read() as s:
        people = list(users.list_users(s))
        unit_names = [u.name for u in units.list_units(s) if u.active]
        org_names = users.org_names(s)
    # After 添加: the new account is named (only one that exists: the address is typed).
    added = request.query_params.get("added")
    added = added if added in {user.username for user, _org in people} else None
    # From 单位's 「无（去添加）」: the form starts with that unit chosen.
    for_unit = request.query_params.get("unit", "")
    return render(
        request, "users.html", people=people, units=unit_names, roles=ROLES,
        default_role=DEFAULT_ROLE, orgs=org_names, added=added,
        for_unit=for_unit if for_unit in unit_names else "",
    )  # fmt: skip


def users_again(request: Request, _kw: Any) -> Response:
    return users_page(request)


@router.post("/users")
@redisplay("add-user", users_again)
def add_user(
    request: Request,
    username: FormText,
    password: FormText,
    role: FormText = DEFAULT_ROLE,
    unit: FormText = "",
    display_name: FormText = "",
    organisation: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    actions.add_user(
        ctx_of(request), caller, username, role, password, unit or None, display_name or None,
        organisation or None,
    )  # fmt: skip
    return back(f"/users?{urlencode({'added': username.strip()})}")


@router.post("/users/{user_id}/organisation")
@redisplay("user-org", users_again)
def set_organisation(
    user_id: PathId, request: Request, organisation: FormText = "", csrf_token: FormText = ""
) -> Response:
    """所属组织: a supervisor or viewer then sees and runs only that organisation's plans
    and those below it; none: every plan."""
    caller = form_caller(request, csrf_token)
    _admin(caller)
    actions.set_organisation(ctx_of(request), caller, user_id, organisation or None, None)
    return back("/users")


@router.post("/users/{user_id}/active")
def set_active(
    user_id: PathId,
    request: Request,
    active: Annotated[bool, Form()],
    confirmed: Confirmed = "",
    csrf_token: FormText = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    if not active:
        question = (
            "停用后此账号不能再登录，已登录的会话立即失效（其填报和审核记录保留）。确定停用吗？"
        )
        asked = confirm_first(request, confirmed, question, {"active": "0"})
        if asked is not None:
            return asked
    actions.set_active(ctx_of(request), caller, user_id, active)
    return back("/users")


@router.post("/users/{user_id}/role")
@redisplay("user-role", users_again)
def set_role(
    user_id: PathId,
    request: Request,
    role: FormText,
    unit: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    _admin(caller)
    actions.set_role(ctx_of(request), caller, user_id, role, unit or None)
    return back("/users")


@router.post("/users/{user_id}/password")
@redisplay("user-password", users_again)
def reset_password(
    user_id: PathId, request: Request, password: FormText, csrf_token: FormText = ""
) -> Response:
    """重设密码: an administrator sets a new one; the user is signed out everywhere."""
    caller = form_caller(request, csrf_token)
    _admin(caller)
    actions.reset_password(ctx_of(request), caller, user_id, password)
    return back("/users?reset=1")


@router.get("/units")
def units_page(request: Request, saved: Annotated[str, Query(max_length=20)] = "") -> Response:
    caller = page_caller(request)
    if not caller.is_manager:
        raise PermissionDenied(f"用户 {caller.username} 无权管理单位")
    with ctx_of(request).read() as s:
        rows = units.list_units(s)
    # A webhook holds its robot's secret token: the page shows it masked, never whole.
    hooks = {u.id: mask(u.webhook) for u in rows if u.webhook}
    saved_unit = next((u.name for u in rows if str(u.id) == saved), None)
    return render(request, "units.html", rows=rows, hooks=hooks, saved_unit=saved_unit)


def units_again(request: Request, _kw: Any) -> Response:
    return units_page(request)


@router.post("/units")
@redisplay("add-unit", units_again)
def add_unit(request: Request, name: FormText, csrf_token: FormText = "") -> Response:
    caller = form_caller(request, csrf_token)
    actions.add_unit(ctx_of(request), caller, name)
    return back("/units")


@router.post("/units/rename")
@redisplay("rename-unit", units_again)
def rename_unit(
    request: Request, name: FormText, new_name: FormText, csrf_token: FormText = ""
) -> Response:
    caller = form_caller(request, csrf_token)
    actions.rename_unit(ctx_of(request), caller, name, new_name)
    return back("/units")


@router.post("/units/merge")
@redisplay("merge-unit", units_again)
def merge_unit(
    request: Request,
    name: FormText,
    into: FormText = "",
    confirmed: Confirmed = "",
    csrf_token: FormText = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    # Refused before it is asked: confirming a merge of a unit into itself, only to be
    # refused then, wasted the confirmation (a trial).
    if not into.strip():
        raise InputError("请选择要并入的单位")
    if into.strip() == name.strip():
        raise InputError(f"不能把单位「{name.strip()}」并入它自己：请选择另一个单位")
    question = (
        f"把单位「{name}」的任务、配合任务和用户全部并入「{into}」，并停用「{name}」。确定合并吗？"
    )
    asked = confirm_first(request, confirmed, question, {"name": name, "into": into})
    if asked is not None:
        return asked
    actions.merge_units(ctx_of(request), caller, name, into)
    return back("/units")


@router.post("/units/{unit_id}/contacts")
@redisplay("unit-contacts", units_again)
def unit_contacts(
    request: Request,
    unit_id: PathId,
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    email: FormText = "",
    webhook: FormLong = "",
    clear_webhook: Confirmed = "",
    csrf_token: FormText = "",
) -> Response:
    """提醒渠道: the mailbox as typed ("" clears it); a webhook typed replaces the one
    kept, left empty keeps it, unless 清除 is ticked."""
    caller = form_caller(request, csrf_token)
    hook = "" if clear_webhook else (webhook.strip() or None)
    ctx = ctx_of(request)
    workflow_actions.edit_unit(ctx, caller, unit_id, email.strip(), hook, version)
    # Back to that unit's card, saying so: among 40-odd units the page started at the
    # top with nothing said (a trial).
    return back(f"/units?saved={unit_id}#unit-{unit_id}")
