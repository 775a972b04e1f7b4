"""Reading ahead (``ledger.read.ahead``): the stream as it was, read by another thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from luoshi.ledger.read.ahead import read_ahead


def test_every_row_comes_in_order_across_batches() -> None:
    rows = list(range(2_345))
    assert list(read_ahead(iter(rows), batch=100)) == rows
    assert list(read_ahead(iter([]), batch=100)) == []


def test_the_rows_are_read_by_another_thread_at_most_depth_batches_ahead() -> None:
    readers: set[str] = set()
    produced = 0

    def rows() -> Iterator[int]:
        nonlocal produced
        for i in range(1_000):
            readers.add(threading.current_thread().name)
            produced += 1
            yield i

    stream = read_ahead(rows(), batch=10, depth=2)
    assert next(stream) == 0
    # The caller holds the first batch; two more wait; the reader holds its fourth.
    for _ in range(100):
        if produced >= 40:
            break
        threading.Event().wait(0.01)
    assert produced <= 41
    assert threading.current_thread().name not in readers
    stream.close()


def test_an_error_reading_is_raised_where_the_caller_iterates() -> None:
    def rows() -> Iterator[int]:
        yield 1
        raise ValueError("坏行")

    got: list[int] = []
    with pytest.raises(ValueError, match="坏行"):
        for r in read_ahead(rows(), batch=1):
            got.append(r)
    assert got == [1]


def test_stopping_early_stops_the_reader_and_closes_the_rows() -> None:
    closed = threading.Event()

    def rows() -> Iterator[int]:
        try:
            yield from range(1_000_000)
        finally:
            closed.set()

    stream = read_ahead(rows(), batch=10)
    assert [next(stream) for _ in range(5)] == [0, 1, 2, 3, 4]
    stream.close()  # the caller is done: the reader stops before close returns
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name == "luoshi-read-ahead"]
