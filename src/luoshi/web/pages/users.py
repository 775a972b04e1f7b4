"""用户: administrators list accounts, add them (with a first password), deactivate
and reactivate them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from luoshi.ledger import units, users
from luoshi.ledger.models import ROLES
from luoshi.ledger.read.visibility import require_user_admin
from luoshi.web import actions
from luoshi.web.context import ctx_of
from luoshi.web.pages.common import back, form_caller, page_caller, render
from luoshi.web.schemas import PathId

router = APIRouter()
FormText = Annotated[str, Form(max_length=200)]


@router.get("/users")
def users_page(request: Request) -> Response:
    caller = page_caller(request)
    require_user_admin(caller.viewer, caller.username)
    with ctx_of(request).read() as s:
        people = list(users.list_users(s))
        unit_names = [u.name for u in units.list_units(s)]
    return render(request, "users.html", people=people, units=unit_names, roles=ROLES)


@router.post("/users")
def add_user(
    request: Request,
    username: FormText,
    role: FormText,
    password: FormText,
    unit: FormText = "",
    display_name: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    actions.add_user(
        ctx_of(request), caller, username, role, password, unit or None, display_name or None
    )
    return back("/users")


@router.post("/users/{user_id}/active")
def set_active(
    user_id: PathId,
    request: Request,
    active: Annotated[bool, Form()],
    csrf_token: FormText = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    actions.set_active(ctx_of(request), caller, user_id, active)
    return back("/users")
