"""公开数据 (open data): a plan's ledger for researchers, as JSON or as CSV tables.

JSON is one document, ``{"schema": "luoshi.plan", "version": 1, ...}``, with
the plan, its source documents (their full text, so every ``start``/``end`` can
be checked against it) and its tasks with their targets. CSV is two tables in
UTF-8 with a BOM (so Excel detects the encoding): ``tasks.csv``, one row per
task, and ``targets.csv``, one row per target, joined to tasks by ``plan`` and
``code``. Both carry the same figures as ``plan show --jsonl``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import InputError
from luoshi.extract.records import number
from luoshi.ledger import summary
from luoshi.ledger.board import Board, TaskRow, plan_board
from luoshi.ledger.models import Document, Plan
from luoshi.ledger.records import target_record, task_record
from luoshi.ledger.reported import ReportedValue, latest_values
from luoshi.ledger.status import HEALTH_LABELS
from luoshi.settings import StatusRules

SCHEMA = "luoshi.plan"
VERSION = 1
TASK_COLUMNS = (
    "plan", "code", "parent", "level", "kind", "title", "category", "lead_unit",
    "co_units", "person", "start_date", "deadline", "weight", "status", "status_label",
    "overdue", "progress", "expected", "reported", "missed_rounds", "document_id",
    "document", "start", "end",
)  # fmt: skip
TARGET_COLUMNS = (
    "plan", "code", "position", "indicator", "comparator", "value", "value_max", "unit",
    "period", "text", "start", "end", "baseline_value", "baseline_unit",
    "baseline_period", "baseline_text", "latest_value", "latest_period",
)  # fmt: skip


@dataclass(frozen=True)
class OpenData:
    """What both formats are written from: the board and what it does not carry."""

    board: Board
    documents: list[Document]
    latest: dict[int, ReportedValue]  # by target id


def load(
    s: Session, plan: Plan, rules: StatusRules, today: date, until: datetime | None = None
) -> OpenData:
    """The plan as of ``today``; ``until``: the ledger as it stood then (a past --as-of)."""
    board = plan_board(s, plan, rules, today, until)
    ids = {r.doc for r in board.rows} | {plan.document_id}
    ids.discard(None)
    docs = s.scalars(select(Document).where(Document.id.in_(ids)).order_by(Document.id))
    return OpenData(board, list(docs), latest_values(s, plan.id, until))


# -- JSON --------------------------------------------------------------------------


def plan_json(data: OpenData) -> dict[str, Any]:
    """The whole plan as one JSON-ready document."""
    b = data.board
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "as_of": b.today.isoformat(),
        "status_labels": HEALTH_LABELS,
        "plan": {
            "id": b.plan.id,
            "name": b.plan.name,
            "title": b.plan.title,
            "document": b.plan.document_id,
            "progress": round(b.total.progress, 1),
            "expected": round(b.total.expected, 1),
        },
        "documents": [_document(d) for d in data.documents],
        "tasks": [_task(r, data) for r in b.rows],
    }


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


def _task(r: TaskRow, data: OpenData) -> dict[str, Any]:
    rec = task_record(r)
    rec["status_label"] = HEALTH_LABELS[r.status]
    rec["overdue"] = summary.is_overdue(r, data.board.today)
    for t, out in zip(r.targets, rec["targets"], strict=True):
        latest = data.latest.get(t.id)
        out["latest"] = (
            None if latest is None else {"value": number(latest.value), "period": latest.period}
        )
    return rec


def export_json(
    s: Session,
    plan: Plan,
    rules: StatusRules,
    today: date,
    path: Path,
    until: datetime | None = None,
) -> OpenData:
    data = load(s, plan, rules, today, until)
    text = json.dumps(plan_json(data), ensure_ascii=False, indent=2)
    _write(path, lambda f: f.write(text + "\n"), "utf-8")
    return data


# -- CSV ---------------------------------------------------------------------------


def task_rows(data: OpenData) -> list[list[Any]]:
    titles = {d.id: d.title for d in data.documents}
    plan = data.board.plan.name
    rows = []
    for r in data.board.rows:
        rec = _task(r, data)
        rec.update(plan=plan, co_units="、".join(r.co_units), document_id=r.doc)
        rec["document"] = titles.get(r.doc) if r.doc is not None else None
        rows.append([rec[c] for c in TASK_COLUMNS])
    return rows


def target_rows(data: OpenData) -> list[list[Any]]:
    plan = data.board.plan.name
    rows = []
    for r in data.board.rows:
        for i, t in enumerate(r.targets, 1):
            rec = target_record(t)
            base = rec.pop("baseline") or {}
            latest = data.latest.get(t.id)
            rec.update(plan=plan, code=r.code, position=i)
            rec.update({f"baseline_{k}": base.get(k) for k in ("value", "unit", "period", "text")})
            rec["latest_value"] = number(latest.value) if latest else None
            rec["latest_period"] = latest.period if latest else None
            rows.append([rec[c] for c in TARGET_COLUMNS])
    return rows


def csv_paths(out: Path) -> tuple[Path, Path]:
    """OUT.csv → (OUT.csv, OUT_targets.csv); a directory → (tasks.csv, targets.csv) in it."""
    if out.suffix.lower() == ".csv":
        return out, out.with_name(f"{out.stem}_targets.csv")
    return out / "tasks.csv", out / "targets.csv"


def export_csv(
    s: Session,
    plan: Plan,
    rules: StatusRules,
    today: date,
    out: Path,
    until: datetime | None = None,
) -> tuple[OpenData, tuple[Path, Path]]:
    data = load(s, plan, rules, today, until)
    tasks_path, targets_path = csv_paths(out)
    if out.suffix.lower() != ".csv":
        _mkdir(out)
    write_csv(tasks_path, TASK_COLUMNS, task_rows(data))
    write_csv(targets_path, TARGET_COLUMNS, target_rows(data))
    return data, (tasks_path, targets_path)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    def emit(f: TextIO) -> None:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows([_cell(v) for v in row] for row in rows)

    # utf-8-sig writes the BOM that makes Excel read the file as UTF-8.
    _write(path, emit, "utf-8-sig")


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
