"""How many password checks run at once, and at what priority. argon2 takes 64 MB
and a good part of a second of CPU (on four threads) for each. The requests that
check a password pass a gate before anything else is done with them (GateMiddleware:
no routing, no body read, no thread, no database): past the limit they are answered
429 at once, so a flood costs next to nothing. The checks let in run on threads of
their own at a lower CPU priority (nice 10), so they do not slow signed-in requests.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from luoshi.errors import TooManyRequests
from luoshi.ledger import users
from luoshi.ledger.models import User
from luoshi.web.errors import error_body, error_response

NICE = 10
BUSY = "登录请求过多，服务器正忙于核对其他密码，请稍后再试"


def gated(api: str) -> set[tuple[str, str]]:
    """The requests that check a password, ``api`` being the API's path prefix."""
    return {("POST", f"{api}/auth/login"), ("POST", "/login"), ("POST", f"{api}/me/password")}


class CheckGate:
    """At most ``size`` password checks at once in this process; more are refused."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = threading.BoundedSemaphore(size)
        self._checks = ThreadPoolExecutor(size, "password-check", initializer=_lower_priority)

    def check(self, user: User | None, password: str) -> bool:
        """users.verify_password on a low-priority thread (argon2's own threads inherit
        the priority); the caller waits for it."""
        return self._checks.submit(users.verify_password, user, password).result()

    def take(self) -> bool:
        return self._free.acquire(blocking=False)

    def give_back(self) -> None:
        self._free.release()

    @contextmanager
    def held(self) -> Iterator[None]:
        """A place through the gate for the duration, else TooManyRequests."""
        if not self.take():
            raise TooManyRequests(BUSY)
        try:
            yield
        finally:
            self.give_back()


class GateMiddleware:
    """Lets a request that checks a password in only with a place through the gate."""

    def __init__(self, app: ASGIApp, gate: CheckGate, api: str) -> None:
        self.app = app
        self.gate = gate
        self.paths = gated(api)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope.get("method"), scope.get("path")) not in self.paths:
            await self.app(scope, receive, send)
            return
        if not self.gate.take():
            await self._refuse(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.gate.give_back()

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """429 in the one error shape; for the API without even building a Response,
        as this is the answer a flood gets thousands of times a second."""
        if scope["path"].startswith("/api/"):
            await send({"type": "http.response.start", "status": 429, "headers": _REFUSAL_HEADERS})
            await send({"type": "http.response.body", "body": _REFUSAL})
            return
        response = error_response(Request(scope), 429, "too_many_requests", BUSY)
        await response(scope, receive, send)


_REFUSAL = json.dumps(error_body("too_many_requests", BUSY), ensure_ascii=False).encode()
_REFUSAL_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(_REFUSAL)).encode()),
]


def password_gate(request: Request) -> CheckGate:
    gate: CheckGate = request.app.state.password_gate
    return gate


def _lower_priority() -> None:
    # Linux gives each thread its own nice value; elsewhere this may lower the process.
    if hasattr(os, "setpriority"):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
