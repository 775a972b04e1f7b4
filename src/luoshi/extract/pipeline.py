"""The extraction pipeline: a document in, its outline and quantities out.

Extraction is a pure function of the document's text: the same text always
gives the same spans. The steps run in the order listed in ``STEPS``; each
takes the partial result and returns it with one more thing filled in.
"""

from __future__ import annotations

from collections.abc import Callable
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
    for step in STEPS:
        result = step(result)
    return result
