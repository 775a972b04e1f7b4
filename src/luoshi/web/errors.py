"""Every error the web app answers with, rendered by one function into one shape:

    {"error": {"code": "not_found", "message": "任务 12 不存在", "details": null}}

API paths get that JSON; pages get the same fields in an HTML page (or, when
nobody is signed in, a redirect to the sign-in page). Unexpected exceptions
become a 500 with a generic message and one log line with the traceback.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from luoshi.errors import LuoshiError
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import FIELD_LABELS

log = logging.getLogger("luoshi.web")

HTTP_CODES = {
    400: ("bad_request", "请求无效"),
    401: ("unauthenticated", "请先登录"),
    403: ("forbidden", "无权进行此操作"),
    404: ("not_found", "没有找到这个地址"),
    405: ("method_not_allowed", "此地址不支持该请求方法"),
    413: ("too_large", "上传的内容太大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("invalid_input", "请求内容无效"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
}
_TYPES = {
    "missing": "缺少此项",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数",
    "string_type": "应为文字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表",
    "date_from_datetime_parsing": "应为日期，如 2024-06-30",
    "date_parsing": "应为日期，如 2024-06-30",
    "date_type": "应为日期，如 2024-06-30",
    "greater_than_equal": "太小",
    "less_than_equal": "太大",
    "string_too_long": "太长",
    "string_too_short": "太短",
    "too_long": "项数太多",
    "literal_error": "不是可选的值",
    "enum": "不是可选的值",
    "extra_forbidden": "不认识此字段",
    "value_error": "无效",
    "string_pattern_mismatch": "格式不对",
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def wants_html(request: Request) -> bool:
    """A page is answered with a page: when the client accepts HTML, and for any form
    posted to a page (only a browser's form sends one, whatever its Accept says)."""
    if is_api(request):
        return False
    if "text/html" in request.headers.get("accept", ""):
        return True
    kind = request.headers.get("content-type", "")
    posted = kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
    return request.method == "POST" and posted


def _back_to(request: Request) -> str:
    """Where to return after signing in: this page, or for a form sent (a POST, whose
    address no GET answers) the page it was sent from, when that is on this site."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method in ("GET", "HEAD"):
        return here
    came = urlsplit(request.headers.get("referer", ""))
    if came.netloc == request.url.netloc and came.path.startswith("/"):
        return came.path + (f"?{came.query}" if came.query else "")
    return _page_above(request) or "/"


def _page_above(request: Request) -> str | None:
    """The path one segment up (/tasks/5 for /tasks/5/report) when a page answers it."""
    parent = request.url.path.rstrip("/").rpartition("/")[0]
    if not parent:
        return None
    scope = {**request.scope, "path": parent, "method": "GET"}
    for route in request.app.routes:
        if isinstance(route, Route) and route.matches(scope)[0] == Match.FULL:
            return parent
    return None


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(
    request: Request, status: int, code: str, message: str, details: Any = None
) -> Response:
    """The one place an error becomes a response."""
    body = error_body(code, message, details)
    if not wants_html(request):
        return JSONResponse(body, status_code=status)
    if status == 401:
        return RedirectResponse(f"/login?next={quote(_back_to(request))}", status_code=303)
    page_above = _page_above(request) if status == 405 and request.method == "GET" else None
    if page_above is not None:
        # A form's address (/tasks/5/report) shown after its answer, then reloaded or
        # bookmarked: the page the form is on, not 此地址不支持该请求方法.
        return RedirectResponse(page_above, status_code=303)
    templates = request.app.state.ctx.templates
    page: Response = templates.TemplateResponse(
        request, "error.html", {**_layout(request), "error": body["error"], "status": status},
        status_code=status,
    )  # fmt: skip
    return page


def _layout(request: Request) -> dict[str, Any]:
    """What the layout needs to show the menu: the caller when this request has already
    resolved it, or where the event loop may resolve it (web/onloop.py: a SQLite file;
    elsewhere resolving here could wait on the database inside the event loop)."""
    from luoshi.web.i18n import LANG_COOKIE, LANGS

    caller = getattr(request.state, "caller", None)
    if caller is None and not hasattr(request.state, "caller"):
        caller = _caller_if_cheap(request)
    lang = request.cookies.get(LANG_COOKIE, "zh")
    csrf = request.app.state.ctx.csrf_for(caller.token) if caller is not None else ""
    return {
        "caller": caller,
        "csrf": csrf,
        "lang": lang if lang in LANGS else "zh",
        "path": request.url.path,
        "problem": None,
        "problem_form": None,
        "entered": {},
    }


def _caller_if_cheap(request: Request) -> Any:
    """The caller of a request no route resolved (a 404), for the menu; None when that
    would mean waiting, or fails (an error page must not fail in turn)."""
    from luoshi.web.context import optional_caller

    if not request.app.state.ctx.loop_reads:
        return None
    try:
        return optional_caller(request)
    except Exception:
        log.exception("the caller of an error page could not be read")
        return None


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors()[:20]:
        loc = [str(p) for p in e.get("loc", ())]
        field = loc[1] if len(loc) > 1 else ""
        out.append(
            {
                "loc": loc,
                "type": e.get("type"),
                "message": _phrase(e),
                "label": FIELD_LABELS.get(field),
                "given": _shown(e) if "password" not in field else None,
            }
        )
    return out


def _phrase(e: Any) -> str:
    """What is wrong, in Chinese; range errors say the bound."""
    kind, ctx = e.get("type", ""), e.get("ctx") or {}
    if kind == "greater_than_equal" and "ge" in ctx:
        return f"应不小于 {_bound(ctx['ge'])}"
    if kind == "less_than_equal" and "le" in ctx:
        return f"应不大于 {_bound(ctx['le'])}"
    if kind == "string_too_long" and "max_length" in ctx:
        return f"太长（最多 {ctx['max_length']} 字）"
    if kind == "too_long" and "max_length" in ctx:
        return f"项数太多（最多 {ctx['max_length']} 项）"
    choices = _choices(kind, ctx)
    if choices:
        return f"不是可选的值，可选：{'、'.join(choices)}"
    if kind == "value_error" and ctx.get("error"):
        # Raised by our own validators (schemas.py), whose messages are Chinese.
        return str(ctx["error"])
    return _TYPES.get(kind, "无效")


def _choices(kind: str, ctx: dict[str, Any]) -> list[str]:
    """The values a choice accepts: a Literal's ("'a', 'b' or 'c'") or an
    alternation pattern's (^(a|b|c)$), so the message can list them."""
    if kind in ("literal_error", "enum"):
        return re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
    if kind == "string_pattern_mismatch":
        found = re.fullmatch(r"\^\(([\w|]+)\)\$", str(ctx.get("pattern", "")))
        return found[1].split("|") if found else []
    return []


def _bound(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(e: Any) -> str | None:
    """The value the client sent, to quote back when it is a short printable scalar."""
    value = e.get("input")
    if e.get("type") == "extra_forbidden" or isinstance(value, bool):
        return None
    if not isinstance(value, str | int | float):
        return None
    text = str(value)
    return text if len(text) <= 50 and text.isprintable() else None


def _validation_message(details: list[dict[str, Any]], page: bool = False) -> str:
    return "请求内容无效：" + "；".join(_problem(d, page) for d in details[:5])


def _problem(d: dict[str, Any], page: bool = False) -> str:
    """One problem: 权重（weight）「-1」应不小于 0, or 版本（version）：缺少此项; on a
    page, where a clerk knows the field by its label only: 权重「-1」应不小于 0."""
    loc = d["loc"]
    name = ".".join(loc[1:]) or loc[0] if loc else "请求"
    if d["label"]:
        name = d["label"] if page else f"{d['label']}（{name}）"
    if d["given"] is not None:
        return f"{name}「{d['given']}」{d['message']}"
    return f"{name}：{d['message']}"


# The ledger's messages serve the command line too: "（用 luoshi rounds list 查看）"
# tells a clerk at a terminal where to look, and nobody in a browser.
_CLI_HINT = re.compile(r"（用 luoshi [^）]*）")


async def _luoshi_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LuoshiError)
    details = getattr(exc, "problems", None)
    message = _CLI_HINT.sub("", exc.message)
    return error_response(request, exc.status, exc.code, message, details)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = _validation_details(exc)
    message = _validation_message(details, page=wants_html(request))
    return error_response(request, 422, "invalid_input", message, details)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message = HTTP_CODES.get(exc.status_code, ("error", "请求无法完成"))
    response = error_response(request, exc.status_code, code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(LuoshiError, _luoshi_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)


class CatchAll:
    """Outermost middleware: an unexpected exception is logged and answered with a 500
    in the common shape, unless the response had already started."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            message = "服务器内部错误，请稍后再试；如持续出现请联系管理员"
            response = error_response(Request(scope), 500, "internal_error", message)
            await response(scope, receive, send)
