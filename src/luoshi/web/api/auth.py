"""Sign in and out: a session cookie for browsers and the same token as a bearer token
for API clients; ``me`` says who is signed in and the CSRF token cookie writes need."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from luoshi.web import actions
from luoshi.web.api import PREFIX
from luoshi.web.context import SESSION_COOKIE, Caller, SignedIn, Writer, ctx_of
from luoshi.web.gate import password_gate
from luoshi.web.headers import delete_cookie, set_cookie
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import LoginIn, PasswordIn

router = APIRouter(prefix=PREFIX, tags=["auth"])


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    set_cookie(request, response, SESSION_COOKIE, token, httponly=True)


def me_record(request: Request, caller: Caller) -> dict[str, Any]:
    return {
        "username": caller.username,
        "display_name": caller.display_name,
        "role": caller.role,
        "unit": caller.unit,
        "csrf_token": ctx_of(request).csrf_for(caller.token),
    }


@router.post("/auth/login", summary="登录 Sign in")
async def login(body: LoginIn, request: Request) -> Response:
    """Past the password checks one server may run at once, 429 at once (gate.py)."""
    ctx = ctx_of(request)
    check = password_gate(request).check
    token, user = await run_in_threadpool(
        actions.login, ctx, body.username, body.password, client_ip(request), check
    )
    payload = {
        "token": token,
        "token_type": "bearer",
        "csrf_token": ctx.csrf_for(token),
        "expires_after_idle_minutes": ctx.settings.web.session_idle_minutes,
        "user": {"username": user.username, "display_name": user.display_name, "role": user.role},
    }
    response = JSONResponse(payload)
    set_session_cookie(request, response, token)
    return response


@router.post("/auth/logout", summary="退出 Sign out")
def logout(request: Request, caller: Writer) -> Response:
    actions.logout(ctx_of(request), caller, client_ip(request))
    response = JSONResponse({"ok": True})
    delete_cookie(request, response, SESSION_COOKIE)
    return response


@router.get("/me", summary="当前用户 Who is signed in")
def me(request: Request, caller: SignedIn) -> dict[str, Any]:
    return me_record(request, caller)


@router.post("/me/password", summary="修改本人密码 Change own password")
async def change_password(body: PasswordIn, request: Request, caller: Writer) -> dict[str, Any]:
    """Needs the current password; every other session of the caller ends."""
    ctx = ctx_of(request)
    await run_in_threadpool(
        actions.change_own_password,
        ctx,
        caller,
        body.current_password,
        body.password,
        client_ip(request),
        password_gate(request).check,
    )
    return {"ok": True}
