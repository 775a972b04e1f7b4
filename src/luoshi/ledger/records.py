"""JSON records of ledger things, shared by the CLI's --jsonl and the coming JSON API."""

from __future__ import annotations

from typing import Any

from luoshi.extract.records import number
from luoshi.ledger.board import TargetRow, TaskRow
from luoshi.ledger.models import AuditEvent, Document


def document_record(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "sha256": d.sha256,
        "duplicate_of": d.duplicate_of_id,
        "name": d.name,
        "type": d.type,
        "level": d.level,
        "issuer": d.issuer,
        "date": d.date.isoformat() if d.date else None,
        "size": d.size,
        "version": d.version,
    }


def target_record(t: TargetRow) -> dict[str, Any]:
    baseline = None
    if t.baseline is not None:
        baseline = {**t.baseline, "value": number(t.baseline["value"])}
    return {
        "indicator": t.indicator,
        "comparator": t.comparator,
        "value": number(t.value),
        "value_max": number(t.value_max) if t.value_max is not None else None,
        "unit": t.unit,
        "period": t.period,
        "start": t.start,
        "end": t.end,
        "text": t.text,
        "baseline": baseline,
    }


def task_record(r: TaskRow) -> dict[str, Any]:
    return {
        "code": r.code,
        "parent": r.parent,
        "level": r.level,
        "kind": r.kind,
        "title": r.title,
        "doc": r.doc,
        "start": r.start,
        "end": r.end,
        "category": r.category,
        "lead_unit": r.lead_unit,
        "co_units": r.co_units,
        "person": r.person,
        "start_date": r.start_date.isoformat() if r.start_date else None,
        "deadline": r.deadline.isoformat() if r.deadline else None,
        "expected_outcome": r.expected_outcome,
        "weight": number(r.weight),
        "status": r.status,
        "progress": round(r.progress, 1),
        "expected": round(r.expected, 1),
        "reported": r.reported,
        "missed_rounds": r.missed_rounds,
        "version": r.version,
        "targets": [target_record(t) for t in r.targets],
    }


def audit_record(e: AuditEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at.isoformat(timespec="seconds"),
        "actor": e.actor,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "action": e.action,
        "before": e.before,
        "after": e.after,
    }
