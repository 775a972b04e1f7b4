"""What every request handler needs: the settings, the database, the caches, who is calling.

The app's WebContext lives on ``app.state.ctx``; the caller is resolved from a
bearer token or the session cookie, once per request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from luoshi.errors import PermissionDenied, Unauthenticated
from luoshi.ledger.access import MANAGERS
from luoshi.ledger.db import Database
from luoshi.ledger.models import Plan, User
from luoshi.ledger.plans import plan_by_id
from luoshi.settings import Settings
from luoshi.web import sessions
from luoshi.web.cache import StampedCache
from luoshi.web.figures import Figures, figures
from luoshi.web.planview import PlanView, build_view
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

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS

    @property
    def is_reporter(self) -> bool:
        return self.role == "reporter"


@dataclass
class WebContext:
    settings: Settings
    db: Database
    secret: str
    templates: Jinja2Templates
    views: StampedCache[PlanView]
    figures: StampedCache[Figures]

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
        with self.db.transaction() as s:
            yield s

    def plan_view(self, s: Session, plan: Plan, today: date | None = None) -> PlanView:
        day = today or date.today()
        key = (plan.id, day)
        return self.views.get(s, key, lambda: build_view(s, plan, self.settings.status, day))

    def plan_figures(self, s: Session, plan: Plan, today: date | None = None) -> Figures:
        day = today or date.today()
        view = self.plan_view(s, plan, day)
        return self.figures.get(s, (plan.id, day), lambda: figures(s, view, day))

    async def cached_view(
        self, plan_id: int, with_figures: bool = False
    ) -> tuple[Plan, PlanView, Figures | None]:
        """For the busiest reads: the plan and its cached view (and figures, when cached)
        read inline; building them on a miss goes to a worker thread, so the event loop
        is never held for the seconds a large board can take."""
        day = date.today()
        with self.db.transaction() as s:
            plan = self._plan(s, plan_id)
            view = self.views.peek(s, (plan.id, day))
            figs = self.figures.peek(s, (plan.id, day)) if with_figures else None
        if view is None:
            plan, built = await run_in_threadpool(self._build_view, plan_id, day)
            return plan, built, figs
        return plan, view, figs

    async def cached_figures(self, plan_id: int) -> tuple[Plan, Figures]:
        plan, _view, figs = await self.cached_view(plan_id, with_figures=True)
        if figs is None:
            figs = await run_in_threadpool(self._build_figures, plan_id)
        return plan, figs

    def _build_view(self, plan_id: int, day: date) -> tuple[Plan, PlanView]:
        with self.db.transaction() as s:
            plan = self._plan(s, plan_id)
            return plan, self.plan_view(s, plan, day)

    def _build_figures(self, plan_id: int) -> Figures:
        with self.db.transaction() as s:
            return self.plan_figures(s, self._plan(s, plan_id))

    @staticmethod
    def _plan(s: Session, plan_id: int) -> Plan:
        return plan_by_id(s, plan_id)

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
            user, unit = resumed
            caller = Caller(
                user.id,
                user.username,
                user.display_name,
                user.role,
                user.unit_id,
                unit,
                found[0],
                found[1],
            )
    request.state.caller = caller
    return caller


def signed_in(request: Request) -> Caller:
    """FastAPI dependency: the caller, else 401.

    Sync on purpose, so FastAPI runs it in a worker thread: resuming a session may
    write (last_seen, an expired session), and the event loop must never wait on the
    database's lock or its connection pool."""
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


SignedIn = Annotated[Caller, Depends(signed_in)]
Writer = Annotated[Caller, Depends(api_writer)]
Manager = Annotated[Caller, Depends(manager)]
