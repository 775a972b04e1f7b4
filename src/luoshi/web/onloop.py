"""The busiest reads answered on the event loop, without a hand-off to a thread.

On deadline day two cores serve twenty readers and five reporting units. Each sync
handler or dependency costs a hand-off to a worker thread and back, and forty threads
then take turns on one interpreter lock: the hand-offs cost more than the reads
(issue 15; README, "Reads while units report", has the figures before and after).
Two things make this safe:

- only on a SQLite file, where a reader never waits on a lock (WAL) and the pool
  holds more connections than the server has threads, so the loop never waits for
  one (PostgreSQL's pool is smaller than the thread pool: there, reads stay in
  threads);
- only for a bounded read (``ledger.read.bounded``): one that would compute a whole
  plan is stopped before it starts, and run again in a thread.

A progress report is written here too, the same way, and only when the database is
free at once (``write_gate.not_waiting``). In a thread, a report holding SQLite's one
write lock took turns on the interpreter with the loop's reads, so the lock was held
far longer than the write's own CPU time, and every other report waited behind it. A
report that finds the database taken, or would recompute its plan, is undone (it is
one transaction: nothing was written) and written again from a thread, waiting its
turn as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from luoshi.errors import Busy
from luoshi.ledger.read.bounded import Unbounded, bounded
from luoshi.ledger.write_gate import not_waiting
from luoshi.web.context import WebContext

T = TypeVar("T")


async def answer(ctx: WebContext, read: Callable[..., T], *args: object) -> T:
    """``read(*args)``: here on the loop when it stays bounded, else in a thread."""
    if ctx.loop_reads:
        try:
            with bounded():
                return read(*args)
        except Unbounded:
            pass  # nothing was written: a read; it is asked again where it may run long
    return await run_in_threadpool(read, *args)


async def write(ctx: WebContext, change: Callable[..., T], *args: object) -> T:
    """``change(*args)``, one transaction: here on the loop when the database is free
    and it stays bounded, else (undone, and again) in a thread."""
    if ctx.loop_reads:
        try:
            with bounded(), not_waiting():
                return change(*args)
        except (Unbounded, Busy):
            pass  # rolled back: nothing was written
    return await run_in_threadpool(change, *args)
