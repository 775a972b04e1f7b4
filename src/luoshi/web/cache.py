"""Read models kept between requests until the ledger changes.

Every write to the ledger appends an audit event in the same transaction, so
the newest audit event id is a version stamp of all ledger data: a cached
board is reused while the stamp is unchanged. A short time-to-live bounds what
PostgreSQL's out-of-order commits could otherwise leave stale (an event with a
lower id committed after one with a higher id).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.ledger.models import AuditEvent

T = TypeVar("T")


def ledger_stamp(s: Session) -> int:
    """The newest audit event id: changes whenever anything in the ledger does."""
    return s.scalar(select(func.max(AuditEvent.id))) or 0


@dataclass
class _Entry(Generic[T]):
    stamp: int
    at: float
    value: T


class StampedCache(Generic[T]):
    """A small LRU of values built from the database, valid for one ledger stamp."""

    def __init__(self, size: int = 16, ttl: float = 10.0) -> None:
        self.size = size
        self.ttl = ttl
        self._entries: OrderedDict[Hashable, _Entry[T]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}

    def peek(self, s: Session, key: Hashable) -> T | None:
        """The cached value if it is still current, without building anything."""
        hit = self._fresh(key, ledger_stamp(s))
        return hit.value if hit is not None else None

    def get(self, s: Session, key: Hashable, build: Callable[[], T]) -> T:
        stamp = ledger_stamp(s)
        hit = self._fresh(key, stamp)
        if hit is not None:
            return hit.value
        # One builder per key: twenty clients asking at once wait for one build.
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            hit = self._fresh(key, stamp)
            if hit is not None:
                return hit.value
            value = build()
            with self._lock:
                self._entries[key] = _Entry(stamp, time.monotonic(), value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            return value

    def _fresh(self, key: Hashable, stamp: int) -> _Entry[T] | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry.stamp != stamp or time.monotonic() - entry.at > self.ttl:
            return None
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
