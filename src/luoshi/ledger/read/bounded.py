"""Reads that promise to stay small: a caller may ask that a read answer only from the
kept figures, and be told when it would have to compute a whole plan instead.

A web server answers its busiest reads (a ledger page, a dashboard, a task) on its
event loop rather than handing each to a thread: on two cores under twenty clients the
hand-offs cost more than the reads (issue 15). That is safe only for a read that
cannot run long. Answered from kept figures a read is a few indexed statements; a read
that would compute its plan from the records (kept figures of another day or rules, a
past ``as_of``, a closed round's point not stored yet) raises ``Unbounded`` instead,
before doing the work, and the caller runs it again where a long read may run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_BOUNDED: ContextVar[bool] = ContextVar("luoshi_bounded_read", default=False)


class Unbounded(Exception):
    """A read asked to stay bounded would have computed a whole plan."""


@contextmanager
def bounded() -> Iterator[None]:
    """Within: a read that would compute a whole plan raises ``Unbounded``."""
    token = _BOUNDED.set(True)
    try:
        yield
    finally:
        _BOUNDED.reset(token)


def whole_plan_ahead() -> None:
    """Said by a read about to compute a whole plan: refused within ``bounded``."""
    if _BOUNDED.get():
        raise Unbounded
