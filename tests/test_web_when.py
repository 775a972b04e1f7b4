"""Moments on pages (``when``): stored in UTC, shown on the office's clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from luoshi.web.i18n import when


@pytest.fixture
def in_beijing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_stored_moment_is_shown_on_the_offices_clock(in_beijing: None) -> None:
    assert when("2026-12-02T02:30:10") == "2026-12-02 10:30"  # as records give it
    assert when("2026-12-02T02:27:51.139965") == "2026-12-02 10:27"  # no microseconds
    assert when(datetime(2026, 12, 1, 20, 5)) == "2026-12-02 04:05"  # the next day there
    assert when(datetime(2026, 12, 2, 2, 30, tzinfo=UTC)) == "2026-12-02 10:30"


def test_nothing_or_not_a_moment_is_shown_as_it_is() -> None:
    assert when(None) == "" and when("") == ""
    assert when("尚未") == "尚未"
