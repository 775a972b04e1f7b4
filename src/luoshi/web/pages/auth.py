"""Sign-in and sign-out pages, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from luoshi.errors import LuoshiError
from luoshi.ledger.tokens import new_token
from luoshi.web import actions
from luoshi.web.api.auth import client_ip, set_session_cookie
from luoshi.web.context import SESSION_COOKIE, ctx_of
from luoshi.web.gate import password_gate
from luoshi.web.headers import delete_cookie, set_cookie
from luoshi.web.i18n import LANG_COOKIE, LANGS
from luoshi.web.pages.common import ANON_COOKIE, back, form_caller, render, safe_next
from luoshi.web.security import same

router = APIRouter(include_in_schema=False)


def _anon_csrf(request: Request, nonce: str) -> str:
    return ctx_of(request).csrf_for("anon:" + nonce)


def _login_page(request: Request, next_: str, message: str | None, status: int) -> Response:
    nonce = request.cookies.get(ANON_COOKIE) or new_token()
    response = render(
        request,
        "login.html",
        status,
        next=safe_next(next_),
        message=message,
        login_csrf=_anon_csrf(request, nonce),
    )
    set_cookie(request, response, ANON_COOKIE, nonce, httponly=True)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, next, None, 200)


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    nonce = request.cookies.get(ANON_COOKIE, "")
    if not nonce or not same(csrf_token, _anon_csrf(request, nonce)):
        return _login_page(request, next, "表单已过期，请重新登录", 403)
    try:
        check = password_gate(request).check
        token, _user = await run_in_threadpool(
            actions.login, ctx_of(request), username, password, client_ip(request), check
        )
    except LuoshiError as e:
        return _login_page(request, next, e.message, e.status)
    response = back(safe_next(next))
    set_session_cookie(request, response, token)
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    caller = form_caller(request, csrf_token)
    actions.logout(ctx_of(request), caller, client_ip(request))
    response = back("/login")
    delete_cookie(request, response, SESSION_COOKIE)
    return response


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGS:
        set_cookie(request, response, LANG_COOKIE, lang, max_age=365 * 86400)
    return response
