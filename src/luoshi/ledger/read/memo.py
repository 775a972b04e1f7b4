"""Answers from kept figures, remembered per process until the plan changes.

A kept read is a few indexed queries; under twenty clients that is still most of a
request. Every write that changes what a plan's reads answer bumps the plan's
``plan_state.version`` in its own transaction (``read.state``), so an answer keyed by
that version (and the day and rules it was measured with) is right for as long as the
version stands: no expiry by time, and a write to one plan leaves the others' answers
standing. Reading the version is one primary-key lookup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy.orm import Session

from luoshi.ledger.models import PlanState

T = TypeVar("T")

MAX_ENTRIES = 512


class Memo:
    """A bounded, thread-safe map from keys to answers, least recently used out first."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]  # type: ignore[return-value]
        value = compute()  # outside the lock: two threads may both compute once
        with self._lock:
            self.misses += 1
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


MEMO = Memo()


def stamp(s: Session, st: PlanState) -> tuple[str, int, int, str, str, str]:
    """What a kept answer of the plan depends on besides the question asked: which
    database (one process may open several: tests, tools), the plan's version, the day
    and rules it is measured with, and when it was last recomputed as a whole."""
    where = s.get_bind().engine.url.render_as_string(hide_password=True)
    refreshed = st.refreshed_at.isoformat()
    return (where, st.plan_id, st.version, st.day.isoformat(), st.rules, refreshed)
