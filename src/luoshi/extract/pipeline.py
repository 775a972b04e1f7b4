"""The extraction pipeline: a document in, its outline and quantities out.

Extraction is a pure function of the document's text: the same text always
gives the same spans. The steps run in the order listed in ``STEPS``; each
takes the partial result and returns it with one more thing filled in.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from luoshi.extract.profile import Profile, profile_of
from luoshi.extract.quantities import Excluded, Quantity, extract_quantities
from luoshi.text.document import Document
from luoshi.text.outline import Outline, build_outline


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    doc: Document
    profile: Profile | None = None
    outline: Outline | None = None
    quantities: list[Quantity] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)


def _profile(x: Extraction) -> Extraction:
    return replace(x, profile=profile_of(x.doc.folded))


def _outline(x: Extraction) -> Extraction:
    return replace(x, outline=build_outline(x.doc))


def _quantities(x: Extraction) -> Extraction:
    assert x.outline is not None and x.profile is not None
    found, excluded = extract_quantities(x.doc, x.outline, x.profile)
    return replace(x, quantities=found, excluded=excluded)


STEPS: tuple[Callable[[Extraction], Extraction], ...] = (_profile, _outline, _quantities)


def extract(doc: Document) -> Extraction:
    result = Extraction(doc)
    with _fewer_collections():
        for step in STEPS:
            result = step(result)
    return result


# Extraction allocates millions of small objects that form no cycles (spans,
# headings, quantities). With the default thresholds the cyclic collector
# rescans them over and over: half the time of a 600,000-heading file. While
# any extraction runs, the youngest generation is collected less often;
# reference counting still frees everything as usual.
_GEN0_WHILE_EXTRACTING = 50_000
_collections_lock = threading.Lock()
_running = 0
_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    global _running, _saved
    with _collections_lock:
        if _running == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(_saved[0], _GEN0_WHILE_EXTRACTING), *_saved[1:])
        _running += 1
    try:
        yield
    finally:
        with _collections_lock:
            _running -= 1
            if _running == 0:
                gc.set_threshold(*_saved)
