"""What every request handler needs: the settings, the database, the caches, who is calling.

The app's WebContext lives on ``app.state.ctx``; the caller is resolved from a
bearer token or the session cookie, once per request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from luoshi.errors import PermissionDenied, Unauthenticated
from luoshi.ledger import scope, sessions
from luoshi.ledger.access import MANAGERS
from luoshi.ledger.db import Database, Session
from luoshi.ledger.models import User
from luoshi.ledger.read.visibility import Viewer
from luoshi.settings import HealthRules, Settings
from luoshi.web.security import csrf_token, same

SESSION_COOKIE = "luoshi_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Caller:
    """The signed-in user behind a request, and how the request proved it."""

    user_id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    unit: str | None
    token: str
    via: Literal["cookie", "bearer"]
    # 所属组织 and those below it, for a scoped supervisor or viewer (None: all plans).
    org_ids: frozenset[int] | None = None

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS

    @property
    def is_reporter(self) -> bool:
        return self.role == "reporter"

    @property
    def viewer(self) -> Viewer:
        """The caller as the ledger's read side sees it."""
        return Viewer(self.user_id, self.role, self.unit_id, self.unit, self.org_ids)


@dataclass
class WebContext:
    settings: Settings
    db: Database
    secret: str
    templates: Jinja2Templates
    # Bounded reads and the caller's lookup on the event loop (web/onloop.py).
    loop_reads: bool = False

    @property
    def rules(self) -> HealthRules:
        return self.settings.health

    @contextmanager
    def work(self, caller: Caller) -> Iterator[tuple[Session, User]]:
        """One transaction, and the caller as the ledger's actor."""
        with self.db.transaction() as s:
            user = s.get(User, caller.user_id)
            if user is None or not user.active:
                raise Unauthenticated("登录已失效，请重新登录")
            yield s, user

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: a session for the ledger's read functions."""
        with self.db.transaction() as s:
            yield s

    def csrf_for(self, token: str) -> str:
        """The CSRF token of the session ``token``."""
        return csrf_token(self.secret, token)

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.settings.web.session_idle_minutes)

    @property
    def max_age(self) -> timedelta:
        return timedelta(days=self.settings.web.session_max_days)


def ctx_of(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.ctx
    return ctx


def _scope(ctx: WebContext, found: sessions.Resumed) -> frozenset[int] | None:
    """The caller's organisation subtree; read only for a user that has an organisation."""
    if not scope.is_scoped(found.role, found.organisation_id):
        return None
    with ctx.read() as s:
        return scope.scope_for(s, found.role, found.organisation_id)


def _token(request: Request) -> tuple[str, Literal["cookie", "bearer"]] | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), "bearer"
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, "cookie") if cookie else None


def optional_caller(request: Request) -> Caller | None:
    """Who is calling, or None; resolved once per request."""
    if hasattr(request.state, "caller"):
        cached: Caller | None = request.state.caller
        return cached
    found = _token(request)
    caller = None
    if found is not None:
        ctx = ctx_of(request)
        resumed = sessions.resume(ctx.db, found[0], ctx.idle, ctx.max_age)
        if resumed is not None:
            caller = Caller(
                resumed.user_id,
                resumed.username,
                resumed.display_name,
                resumed.role,
                resumed.unit_id,
                resumed.unit,
                found[0],
                found[1],
                _scope(ctx, resumed),
            )
    request.state.caller = caller
    return caller


def signed_in(request: Request) -> Caller:
    """FastAPI dependency: the caller, else 401.

    Sync, and asked through ``_resolved``: resuming a session may write (last_seen,
    an expired session), so the event loop runs it only where that write never waits
    on the database's lock or its connection pool."""
    caller = optional_caller(request)
    if caller is None:
        raise Unauthenticated("请先登录（登录已过期或未登录）")
    return caller


def api_writer(request: Request) -> Caller:
    """FastAPI dependency for JSON writes: a cookie-signed-in caller must also send the
    session's CSRF token in X-CSRF-Token; bearer tokens are never sent by a browser on
    its own, so they need none."""
    caller = signed_in(request)
    if caller.via == "cookie" and request.method not in SAFE_METHODS:
        ctx = ctx_of(request)
        if not same(request.headers.get(CSRF_HEADER), ctx.csrf_for(caller.token)):
            raise PermissionDenied("缺少或错误的 CSRF 令牌（X-CSRF-Token），请刷新页面后重试")
    return caller


def manager(request: Request) -> Caller:
    """FastAPI dependency: reads only managers may see (pending lists, all users)."""
    caller = signed_in(request)
    if not caller.is_manager:
        raise PermissionDenied(f"用户 {caller.username} 无权查看此内容")
    return caller


async def _resolved(request: Request, check: Callable[[Request], Caller]) -> Caller:
    """``check(request)``: on the loop where reads may run there (web/onloop.py): the
    session's lookup is one indexed read, and its bookkeeping write never waits
    (``sessions._if_free``); else in a thread, as a sync dependency would be."""
    if ctx_of(request).loop_reads:
        return check(request)
    return await run_in_threadpool(check, request)


async def _signed_in(request: Request) -> Caller:
    return await _resolved(request, signed_in)


async def _api_writer(request: Request) -> Caller:
    return await _resolved(request, api_writer)


async def _manager(request: Request) -> Caller:
    return await _resolved(request, manager)


SignedIn = Annotated[Caller, Depends(_signed_in)]
Writer = Annotated[Caller, Depends(_api_writer)]
Manager = Annotated[Caller, Depends(_manager)]
