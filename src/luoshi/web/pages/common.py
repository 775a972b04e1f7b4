"""What every page shares: rendering with the layout's context, the signed-in caller,
CSRF checks on forms, choosing a plan, and redirects after a successful form."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from luoshi.errors import InputError, PermissionDenied, Unauthenticated
from luoshi.ledger import outbox
from luoshi.ledger.read.catalog import all_plans as all_plans
from luoshi.ledger.read.catalog import choose_plan as choose_plan
from luoshi.ledger.values import parse_date
from luoshi.web.context import Caller, ctx_of, optional_caller
from luoshi.web.i18n import LANG_COOKIE, LANGS
from luoshi.web.security import same

ANON_COOKIE = "luoshi_anon"


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "zh")
    return lang if lang in LANGS else "zh"


def page_caller(request: Request) -> Caller:
    caller = optional_caller(request)
    if caller is None:
        raise Unauthenticated("请先登录")
    return caller


def render(request: Request, template: str, status: int = 200, **data: Any) -> Response:
    """A page in the layout: the caller, its CSRF token and the language come along."""
    ctx = ctx_of(request)
    caller = optional_caller(request)
    base = {
        "caller": caller,
        "csrf": ctx.csrf_for(caller.token) if caller else "",
        "lang": lang_of(request),
        "path": request.url.path,
        "bell": _bell(request) if caller else 0,
    }
    response: Response = ctx.templates.TemplateResponse(
        request, template, {**base, **data}, status_code=status
    )
    return response


def _bell(request: Request) -> int:
    """The header's unread count (one indexed count query)."""
    caller = optional_caller(request)
    if caller is None:
        return 0
    with ctx_of(request).read() as s:
        return outbox.unread(s, caller.user_id, caller.role, caller.unit_id)


def form_caller(request: Request, token: str | None) -> Caller:
    """The caller of a form post, which must carry the session's CSRF token."""
    caller = page_caller(request)
    check_csrf(request, caller, token)
    return caller


def check_csrf(request: Request, caller: Caller, token: str | None) -> None:
    if not same(token, ctx_of(request).csrf_for(caller.token)):
        raise PermissionDenied("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def back(url: str) -> RedirectResponse:
    """After a successful form post: see the result (post/redirect/get)."""
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only redirect within this site (browsers read "/\\host" as "//host")."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def form_date(text: str | None, label: str) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        raise InputError(f"{label}「{text}」不是有效日期") from None


def query_with(request: Request, **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination links)."""
    params = dict(request.query_params)
    params.update({k: str(v) for k, v in changes.items()})
    return "?" + urlencode(params)


def plan_id_param(text: str | None) -> int | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise InputError(f"计划编号「{text}」无效")
    return int(text)
