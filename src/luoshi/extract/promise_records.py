"""JSON records of a promise check, in the format of eval/SPEC.md ("Promise check")."""

from __future__ import annotations

from typing import Any

from luoshi.extract.pipeline import Extraction
from luoshi.extract.promises import Promise, PromiseCheck
from luoshi.extract.quantities import Quantity
from luoshi.extract.records import number


def promise_record(check: PromiseCheck, p: Promise) -> dict[str, Any]:
    """One record per target: target and actual spans point into OLD and NEW."""
    rec: dict[str, Any] = {
        "old": check.old.doc.name,
        "new": check.new.doc.name,
        "year": check.year,
        "indicator": p.target.indicator,
        "target": _figure(check.old, p.target, with_comparator=True),
        "actual": _figure(check.new, p.actual) if p.actual is not None else None,
        "verdict": p.verdict,
        "direction": p.direction,
    }
    if p.scope_note:
        rec["scope_note"] = p.scope_note
    return rec


def _figure(x: Extraction, q: Quantity, with_comparator: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": q.start,
        "end": q.end,
        "text": q.text,
        "value": number(q.value),
        "unit": q.unit,
    }
    if with_comparator:
        out["comparator"] = q.comparator
    if q.value_max is not None:
        out["value_max"] = number(q.value_max)
    out |= {
        "indicator": q.indicator,
        "measure": q.measure,
        "sentence_start": q.sentence[0],
        "sentence_end": q.sentence[1],
        "sentence": x.doc.raw[q.sentence[0] : q.sentence[1]],
    }
    return out
