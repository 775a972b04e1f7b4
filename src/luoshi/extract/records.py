"""JSON records of extraction results, in the interchange format of eval/SPEC.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Types only: ``number`` is used across the ledger, which must not load every
    # extraction rule to format a figure.
    from luoshi.extract.pipeline import Extraction
    from luoshi.extract.quantities import Excluded, Quantity
    from luoshi.text.outline import OutlineNode


def number(value: float) -> int | float:
    """23000000.0 → 23000000: integers print as integers."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def quantity_record(x: Extraction, q: Quantity) -> dict[str, Any]:
    assert x.outline is not None
    node = x.outline.nodes[q.section] if q.section is not None else None
    rec: dict[str, Any] = {
        "doc": x.doc.name,
        "start": q.start,
        "end": q.end,
        "text": q.text,
        "value": number(q.value),
        "unit": q.unit,
        "kind": q.kind,
        "indicator": q.indicator,
        "comparator": q.comparator,
        "measure": q.measure,
        "period": q.period,
        "section": node.heading.text if node else None,
        "section_start": node.heading.start if node else None,
        "sentence_start": q.sentence[0],
        "sentence_end": q.sentence[1],
    }
    if q.value_max is not None:
        rec["value_max"] = number(q.value_max)
    if q.value_min is not None:
        rec["value_min"] = number(q.value_min)
    return rec


def heading_record(x: Extraction, node: OutlineNode) -> dict[str, Any]:
    h = node.heading
    return {
        "doc": x.doc.name,
        "id": node.index,
        "start": h.start,
        "end": h.end,
        "level": h.level,
        "text": h.text,
        "marker": h.kind,
        "stance": node.stance,
        "parent": node.parent,
        "part_end": node.end,
    }


def excluded_record(x: Extraction, e: Excluded) -> dict[str, Any]:
    return {"doc": x.doc.name, "start": e.start, "end": e.end, "text": e.text, "reason": e.reason}
