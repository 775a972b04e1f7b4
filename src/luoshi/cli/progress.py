"""A progress bar on stderr for commands that work through several files."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import click

T = TypeVar("T")


@contextmanager
def progress(items: Sequence[T], label: str) -> Iterator[Iterator[T]]:
    """Iterate ``items`` with a bar on a terminal's stderr (hidden for one item or a pipe,
    so scripts reading stdout or stderr see only their lines)."""
    show = len(items) > 1 and sys.stderr.isatty()
    with click.progressbar(items, label=label, file=sys.stderr, hidden=not show) as bar:
        yield iter(bar)
