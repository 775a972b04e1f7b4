"""公开数据 (open data): a plan's ledger for researchers, as JSON or as CSV tables.

JSON is one document, ``{"schema": "luoshi.plan", "version": 2, ...}``, with
the plan, its source documents (their full text, so every ``start``/``end`` can
be checked against it) and its tasks with their targets. CSV is two tables in
UTF-8 with a BOM (so Excel detects the encoding): ``tasks.csv``, one row per
task, and ``targets.csv``, one row per target, joined to tasks by ``plan`` and
``code``. Both carry the same figures as ``plan show --jsonl``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from luoshi.errors import InputError
from luoshi.extract.records import number
from luoshi.ledger.health import HEALTH_LABELS
from luoshi.ledger.models import Document
from luoshi.ledger.read.opendata import OpenData
from luoshi.ledger.read.records import (
    coverage_record,
    downstream_record,
    figures_record,
    target_record,
    task_record,
)

SCHEMA = "luoshi.plan"
VERSION = 2
TASK_COLUMNS = (
    "plan", "code", "parent", "level", "kind", "leaf", "title", "category", "lead_unit",
    "co_units", "person", "start_date", "deadline", "weight", "state", "health",
    "health_label", "overdue", "progress", "expected", "reported", "missed_rounds",
    "document_id", "document", "start", "end",
)  # fmt: skip
TARGET_COLUMNS = (
    "plan", "code", "position", "indicator", "comparator", "value", "value_max", "unit",
    "period", "text", "start", "end", "baseline_value", "baseline_unit",
    "baseline_period", "baseline_text", "latest_value", "latest_period",
)  # fmt: skip


# -- JSON --------------------------------------------------------------------------


def plan_head(data: OpenData) -> dict[str, Any]:
    """Everything of the JSON document but its tasks."""
    st = data.stream
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "as_of": st.at.day.isoformat(),
        "health_labels": HEALTH_LABELS,
        "plan": {
            "id": st.plan.id,
            "name": st.plan.name,
            "title": st.plan.title,
            "document": st.plan.document_id,
            "progress": round(st.progress, 1),
            "expected": round(st.expected, 1),
        },
        "figures": figures_record(data.figures),
        "coverage": [coverage_record(c) for c in data.linkage.upward],
        "documents": [_document(d) for d in data.documents],
    }


def plan_json(data: OpenData) -> dict[str, Any]:
    """The whole plan as one JSON-ready document, in memory (for small plans and tests;
    ``export_json`` streams the same document)."""
    return {**plan_head(data), "tasks": list(task_records(data))}


def _document(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "name": d.name,
        "issuer": d.issuer,
        "level": d.level,
        "type": d.type,
        "date": d.date.isoformat() if d.date else None,
        "sha256": d.sha256,
        "text": d.raw,
    }


def task_records(data: OpenData) -> Iterator[dict[str, Any]]:
    """Each task's record (its targets carry their latest values) with its 下级进度."""
    downstream = data.linkage.downstream
    for r in data.stream.rows():
        rec = task_record(r)
        rec["downstream"] = downstream_record(downstream.get(r.id))
        yield rec


def json_chunks(data: OpenData) -> Iterator[str]:
    """The JSON document piece by piece: the head, then one task at a time. The text is
    exactly ``json.dumps(plan_json(data), ensure_ascii=False, indent=2) + "\n"``."""
    head = _dumps(plan_head(data))
    yield head[:-2] + ',\n  "tasks": ['  # the head without its closing "\n}"
    first = True
    for rec in task_records(data):
        # A record at depth 2: each of its lines indented by four spaces. JSON strings
        # hold no raw newline, so splitting on lines is safe.
        yield ("\n" if first else ",\n") + _INDENT + _dumps(rec).replace("\n", "\n" + _INDENT)
        first = False
    yield "]\n}\n" if first else "\n  ]\n}\n"


_INDENT = "    "


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def export_json(data: OpenData, path: Path) -> None:
    """Write ``data`` as one JSON document to ``path``, a task at a time."""
    _write(path, lambda f: f.writelines(json_chunks(data)), "utf-8")


# -- CSV ---------------------------------------------------------------------------


def task_rows(data: OpenData) -> Iterator[list[Any]]:
    titles = {d.id: d.title for d in data.documents}
    plan = data.stream.plan.name
    for r in data.stream.rows():
        rec = task_record(r)
        rec.update(plan=plan, co_units="、".join(r.co_units), document_id=r.doc)
        rec["document"] = titles.get(r.doc) if r.doc is not None else None
        yield [rec[c] for c in TASK_COLUMNS]


def target_rows(data: OpenData) -> Iterator[list[Any]]:
    plan = data.stream.plan.name
    for r in data.stream.rows():
        for i, t in enumerate(r.targets, 1):
            rec = target_record(t)
            base = rec.pop("baseline") or {}
            latest = t.latest
            rec.update(plan=plan, code=r.code, position=i)
            rec.update({f"baseline_{k}": base.get(k) for k in ("value", "unit", "period", "text")})
            rec["latest_value"] = number(latest.value) if latest else None
            rec["latest_period"] = latest.period if latest else None
            yield [rec[c] for c in TARGET_COLUMNS]


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A CSV table as text, a row at a time, with the BOM that makes Excel read UTF-8."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    yield "\ufeff" + buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        w.writerow([_cell(v) for v in row])
        yield buf.getvalue()


def csv_paths(out: Path) -> tuple[Path, Path]:
    """OUT.csv → (OUT.csv, OUT_targets.csv); a directory → (tasks.csv, targets.csv) in it."""
    if out.suffix.lower() == ".csv":
        return out, out.with_name(f"{out.stem}_targets.csv")
    return out / "tasks.csv", out / "targets.csv"


def export_csv(data: OpenData, out: Path) -> tuple[Path, Path]:
    """Write ``data`` as tasks and targets tables; returns the two paths written."""
    tasks_path, targets_path = csv_paths(out)
    if out.suffix.lower() != ".csv":
        _mkdir(out)
    write_csv(tasks_path, TASK_COLUMNS, task_rows(data))
    write_csv(targets_path, TARGET_COLUMNS, target_rows(data))
    return tasks_path, targets_path


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a table a row at a time (``csv_chunks`` carries the BOM)."""
    _write(path, lambda f: f.writelines(csv_chunks(header, rows)), "utf-8")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in _FORMULA_START:
        # A spreadsheet would run "=…" as a formula: quote it as text.
        return "'" + value
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _mkdir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"无法创建目录 {path}：{e.strerror or e}") from None


def _write(path: Path, emit: Callable[[TextIO], object], encoding: str) -> None:
    try:
        with path.open("w", encoding=encoding, newline="") as f:
            emit(f)
    except OSError as e:
        raise InputError(f"无法写入 {path}：{e.strerror or e}") from None
