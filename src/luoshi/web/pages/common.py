"""What every page shares: rendering with the layout's context, the signed-in caller,
CSRF checks on forms, choosing a plan, and redirects after a successful form."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from luoshi.errors import Conflict, InputError, PermissionDenied, Unauthenticated
from luoshi.ledger import outbox
from luoshi.ledger.db import Session
from luoshi.ledger.models import Plan
from luoshi.ledger.read import catalog
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
        # Where a form on the page comes back to: the same page, its plan and filters kept.
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "bell": _bell(request) if caller else 0,
        # After a refused form (see redisplay): the reason, which form, what was typed.
        "problem": getattr(request.state, "problem", None),
        "problem_form": getattr(request.state, "problem_form", None),
        "entered": getattr(request.state, "entered", {}),
        "files_dropped": getattr(request.state, "files_dropped", []),
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


def with_notice(url: str, notice: str) -> str:
    """``url`` with ``notice=…``: the page it leads to says what was just done. A notice
    already there (the page the form was on had one) is replaced, not added to."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "notice"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("notice", notice)])))


def safe_next(target: str | None, default: str = "/") -> str:
    """Only redirect within this site (browsers read "/\\host" as "//host")."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def choose_plan(s: Session, plan_id: int | None, caller: Caller | None = None) -> Plan | None:
    """The plan asked for, else the caller's default (the ledger's rule: its own, the
    office's, the newest active plan)."""
    viewer = caller.viewer if caller else None
    return catalog.choose_plan(s, plan_id, caller.user_id if caller else None, viewer)


def all_plans(s: Session, chosen: Plan | None = None, caller: Caller | None = None) -> list[Plan]:
    """What the plan picker offers: the active plans (of the caller's organisations),
    and the one shown if it is not."""
    return catalog.all_plans(s, chosen, caller.viewer if caller else None)


# -- a refused form is shown again: its page, the reason beside it, what was typed ------

Page = Callable[[Request, Mapping[str, Any]], Response]


def redisplay(
    form_id: str, page: Page
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Decorate a form's POST handler: when the ledger refuses the input (InputError,
    Conflict), answer with ``page`` — the page that holds the form, with its menu — the
    message shown at form ``form_id`` and the fields as typed (never a password)."""

    def wrap(handler: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(handler)
        def run(**kw: Any) -> Response:
            try:
                return handler(**kw)
            except (InputError, Conflict) as e:
                request: Request = kw["request"]
                request.state.problem = e.message
                request.state.problem_details = getattr(e, "problems", None)
                request.state.problem_form = form_id
                request.state.entered = entered_fields(kw)
                # A browser cannot be given a file back: the page says to choose again.
                request.state.files_dropped = [
                    f.filename for f in kw.get("files") or () if getattr(f, "filename", "")
                ]
                response = page(request, kw)
                response.status_code = e.status
                return response

        return run

    return wrap


def entered_fields(kw: Mapping[str, Any]) -> dict[str, Any]:
    skip = ("request", "csrf_token", "files")
    return {
        k: v
        for k, v in kw.items()
        if k not in skip and "password" not in k and isinstance(v, str | int | list)
    }


def form_date(text: str | None, label: str) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        raise InputError(f"{label}「{text}」不是有效日期") from None


T = TypeVar("T")


def say_problem(request: Request, message: str) -> None:
    """A problem said above the page (after any said already)."""
    said = getattr(request.state, "problem", None)
    request.state.problem = f"{said}；{message}" if said else message


def lenient(request: Request, read: Callable[[], T], fallback: T) -> T:
    """A filter read from the address; when it is not valid the page is shown without
    it and says why above, instead of an error page in its place (a hand-edited or
    old bookmarked address should not cost a clerk the list)."""
    try:
        return read()
    except InputError as e:
        say_problem(request, e.message)
        return fallback


MAX_PAGE = 100_000


def whole_number(text: str, label: str, most: int) -> int | None:
    """A page number or size from the address ('' is the default)."""
    text = text.strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= most:
        raise InputError(f"{label}「{text}」应为 1 到 {most} 之间的整数")
    return int(text)


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


def confirm_first(
    request: Request, confirmed: str, question: str, fields: Mapping[str, str]
) -> Response | None:
    """A confirmation step that works without JavaScript: the first post of a form
    answers with a page asking ``question``, whose button posts the same fields again
    with ``confirmed=1``. None once confirmed: go ahead."""
    if confirmed == "1":
        return None
    cancel = safe_next(request.headers.get("referer", "").partition(request.url.netloc)[2], "/")
    return render(
        request, "confirm.html", question=question, action=request.url.path,
        fields=dict(fields), cancel=cancel,
    )  # fmt: skip
