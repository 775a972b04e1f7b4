"""Work on someone else's file in a child process, with a time and a memory budget.

A document can be built to make extraction slow or greedy. So the server never
reads one in its own process: a child, forked from a small server process that has
the readers loaded (multiprocessing's "forkserver", so no thread or database
connection of the web server is copied), does the work under an address-space
limit and a CPU-time limit, and sends the result back. The parent waits without
holding a worker thread, and kills the child when the budget is spent or the
client has gone away.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import resource
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

from starlette.concurrency import run_in_threadpool

from luoshi import errors

POLL = 0.05  # seconds between looks at the child and at the client
PRELOAD = ["luoshi.web.uploads", "luoshi.extract.warm"]


class OverTime(Exception):
    """The child did not finish within its time."""


class OverMemory(Exception):
    """The child ran out of its memory, or was killed for it."""


class ClientGone(Exception):
    """The client disconnected; the child was stopped."""


@dataclass(frozen=True)
class Budget:
    seconds: float
    memory_bytes: int


class Slots:
    """At most ``size`` children at once in this process; a request past that waits
    for nobody (503: better to try again than to queue work nobody may want)."""

    def __init__(self, size: int) -> None:
        self._free = threading.BoundedSemaphore(max(1, size))

    def take(self) -> bool:
        return self._free.acquire(blocking=False)

    def give_back(self) -> None:
        self._free.release()


_context: BaseContext | None = None


def _mp() -> BaseContext:
    global _context  # one forkserver per web process, started on first use
    if _context is None:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            ctx.set_forkserver_preload(PRELOAD)
        _context = ctx
    return _context


def _child(
    conn: Connection, budget: Budget, target: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    """In the child: set the limits, run ``target``, send what came of it."""
    _limit_memory(budget.memory_bytes)
    cpu = math.ceil(budget.seconds) + 1  # a backstop should the parent be gone
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        answer: tuple[Any, ...] = ("ok", target(*args))
    except MemoryError:
        answer = ("memory",)
    except errors.LuoshiError as e:
        answer = (
            "error",
            type(e).__name__,
            e.message,
            getattr(e, "path", ""),
            getattr(e, "reason", ""),
        )
    try:
        conn.send(answer)
    except MemoryError:
        conn.send(("memory",))
    conn.close()


def _limit_memory(extra: int) -> None:
    """Allow this process ``extra`` bytes of address space beyond what it has now."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
    except OSError:  # no /proc (not Linux): count from nothing, a tighter limit
        pages = 0
    limit = pages * resource.getpagesize() + extra
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


async def run(
    target: Callable[..., Any],
    args: tuple[Any, ...],
    budget: Budget,
    gone: Callable[[], Awaitable[bool]],
) -> Any:
    """``target(*args)`` in a child; its result, or the LuoshiError it raised, or
    OverTime, OverMemory or ClientGone (the child killed in each case)."""
    receiver, sender = _mp().Pipe(duplex=False)
    child = _mp().Process(target=_child, args=(sender, budget, target, args), daemon=True)  # type: ignore[attr-defined]
    # In a thread: the first start launches the fork server, which takes a while.
    await run_in_threadpool(child.start)
    sender.close()
    deadline = time.monotonic() + budget.seconds
    try:
        while not receiver.poll():
            if not child.is_alive() and not receiver.poll():
                raise OverMemory  # died without a word: killed for memory, or crashed
            if time.monotonic() > deadline:
                raise OverTime
            if await gone():
                raise ClientGone
            await asyncio.sleep(POLL)
        answer = await run_in_threadpool(receiver.recv)
    except EOFError:
        raise OverMemory from None
    finally:
        receiver.close()
        _stop(child)
    return _result(answer)


def _stop(child: Any) -> None:
    if child.is_alive():
        child.kill()
    child.join(5)
    child.close()


def _result(answer: tuple[Any, ...]) -> Any:
    kind = answer[0]
    if kind == "ok":
        return answer[1]
    if kind == "memory":
        raise OverMemory
    name, message, path, reason = answer[1:]
    if name == "ReadError":
        raise errors.ReadError(path, reason)
    cls = getattr(errors, name, errors.LuoshiError)
    raise cls(message)
