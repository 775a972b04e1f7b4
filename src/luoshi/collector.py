"""The cyclic garbage collector, tuned for a process that has finished importing.

A command allocates and drops millions of short-lived objects (a streamed plan's
rows and records) that reference counting frees. CPython's collector still ran every
700 allocations and, in its full passes, walked every object the imports made
(SQLAlchemy's, pydantic's, the models'): about a tenth of streaming a plan. In a
server worker it made no difference we could measure under ``bench_scale``'s load,
so the workers keep CPython's defaults.
"""

from __future__ import annotations

import gc

# Allocations between young collections (CPython's default is 700).
YOUNG = 50_000


def collect_less() -> None:
    """Leave what exists now out of every later pass, and collect the young less often.
    Call it once the process has imported what it works with."""
    gc.freeze()
    gc.set_threshold(YOUNG, *gc.get_threshold()[1:])
