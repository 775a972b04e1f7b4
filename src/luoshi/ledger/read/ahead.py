"""Reading ahead: a stream of rows produced by another thread while the caller writes
out the last ones, so that the database's time and the caller's overlap.

SQLite and psycopg let go of the interpreter while they fetch; streaming a plan spent
a third of its time there, with nothing else running. The producer alone uses the
session until the stream ends: a caller must not use it meanwhile.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar, cast

T = TypeVar("T")

BATCH = 1000  # rows handed over at once: one hand-over per row would cost more than it saves
DEPTH = 2  # batches held ready: memory stays bounded by the batch, not the stream
_DONE = object()


def read_ahead(rows: Iterator[T], batch: int = BATCH, depth: int = DEPTH) -> Iterator[T]:
    """``rows``, in order, read by a thread of their own up to ``depth`` batches ahead.

    An error raised reading them is raised here, where the caller iterates. Stopping
    early (the caller's own error, or closing the iterator) stops the reader before
    this returns, so the session is the caller's again."""
    ready: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand(item: object) -> bool:
        """Put ``item`` when there is room; False once the caller stopped."""
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        chunk: list[T] = []
        try:
            for row in rows:
                chunk.append(row)
                if len(chunk) >= batch:
                    if not hand(chunk):
                        return
                    chunk = []
            if chunk and not hand(chunk):
                return
            hand(_DONE)
        except BaseException as e:  # handed to the caller, raised there
            hand(e)

    reader = threading.Thread(target=produce, name="luoshi-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item = ready.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield from cast(list[T], item)
    finally:
        stop.set()
        reader.join()
        close = getattr(rows, "close", None)
        if close is not None:
            close()
