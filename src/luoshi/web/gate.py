"""How many password checks run at once. argon2 takes 64 MB and a good part of a
second for each; a flood of logins past the limit is answered 429 at once, before
it takes a worker thread, the database or memory."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from starlette.requests import Request

from luoshi.errors import TooManyRequests


class CheckGate:
    """At most ``size`` password checks at once in this process; more are refused."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = threading.BoundedSemaphore(size)

    @contextmanager
    def held(self) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            raise TooManyRequests("登录请求过多，服务器正忙于核对其他密码，请稍后再试")
        try:
            yield
        finally:
            self._free.release()


def password_gate(request: Request) -> CheckGate:
    gate: CheckGate = request.app.state.password_gate
    return gate
