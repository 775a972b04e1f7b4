"""目标完成情况: each target of a plan with its baseline, stated actual and verdict.

The read behind the page 目标完成情况, the bulletin's table and open data: per
target its baseline (基数), the target itself, the actual that the latest check
found (with the sentence it stands in, in the checked report), the verdict,
and the value units last reported in the rounds. Filterable by verdict;
targets never checked have the verdict ``unchecked``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.errors import InputError
from luoshi.extract.clauses import Boundaries
from luoshi.extract.records import number
from luoshi.extract.verdict import VERDICT_LABELS, VERDICTS
from luoshi.ledger.models import Document, Plan, Target, TargetCheck, TargetCheckResult, Task
from luoshi.ledger.promises import plan_targets
from luoshi.ledger.read.values import ReportedValue, latest_values
from luoshi.text.normalize import fold

UNCHECKED = "unchecked"
FILTERS = (*VERDICTS, UNCHECKED)
FILTER_LABELS = {**VERDICT_LABELS, UNCHECKED: "未核对"}


@dataclass(frozen=True)
class Stated:
    """实绩: the figure a checked report states for a target, with its evidence."""

    text: str
    value: float
    compared_value: float | None
    unit: str
    start: int
    end: int
    sentence: str
    document_id: int
    document_title: str
    year: int
    check_id: int
    checked_at: datetime
    checked_by: str


@dataclass(frozen=True)
class TargetVerdict:
    """One row of 目标完成情况."""

    target_id: int
    task_id: int
    task_code: str
    task_title: str
    indicator: str
    comparator: str
    value: float
    value_max: float | None
    unit: str
    text: str
    period: str | None
    target_sentence: str
    baseline_text: str | None
    baseline_value: float | None
    baseline_period: str | None
    verdict: str  # met missed not_reported unclear unchecked
    note: str | None
    stated: Stated | None
    reported_value: float | None
    reported_period: str | None
    check_id: int | None

    @property
    def verdict_label(self) -> str:
        return FILTER_LABELS[self.verdict]


def target_verdicts(s: Session, plan: Plan, verdict: str | None = None) -> list[TargetVerdict]:
    """The plan's targets with their latest verdicts; only ``verdict`` ones when given."""
    if verdict is not None and verdict not in FILTERS:
        allowed = "、".join(f"{v}（{FILTER_LABELS[v]}）" for v in FILTERS)
        raise InputError(f"结论「{verdict}」无效，可选：{allowed}")
    latest = _latest_results(s, plan.id)
    checks = {c.id: c for c in s.scalars(select(TargetCheck).where(TargetCheck.plan_id == plan.id))}
    docs = _documents(s, plan, checks.values())
    tasks = {t.id: t for t in s.scalars(select(Task).where(Task.plan_id == plan.id))}
    reported = latest_values(s, plan.id)
    plan_doc = docs.get(plan.document_id) if plan.document_id is not None else None
    sentences = _Sentences(plan_doc.raw if plan_doc else "")
    rows: list[TargetVerdict] = []
    for t in plan_targets(s, plan.id):
        r = latest.get(t.id)
        check = checks[r.check_id] if r else None
        stated = _stated(r, check, docs) if r and check else None
        row = _row(t, tasks[t.task_id], r, stated, reported.get(t.id), sentences.around(t.start))
        if verdict is None or row.verdict == verdict:
            rows.append(row)
    return rows


def _row(
    t: Target,
    task: Task,
    r: TargetCheckResult | None,
    stated: Stated | None,
    rep: ReportedValue | None,
    sentence: str,
) -> TargetVerdict:
    return TargetVerdict(
        target_id=t.id,
        task_id=t.task_id,
        task_code=task.code,
        task_title=task.title,
        indicator=t.indicator,
        comparator=t.comparator,
        value=t.value,
        value_max=t.value_max,
        unit=t.unit,
        text=t.text,
        period=t.period,
        target_sentence=sentence,
        baseline_text=t.baseline_text,
        baseline_value=t.baseline_value,
        baseline_period=t.baseline_period,
        verdict=r.verdict if r else UNCHECKED,
        note=r.note if r else None,
        stated=stated,
        reported_value=rep.value if rep else None,
        reported_period=rep.period if rep else None,
        check_id=r.check_id if r else None,
    )


def _latest_results(s: Session, plan_id: int) -> dict[int, TargetCheckResult]:
    """Per target, its result in the newest check that covered it."""
    newest = (
        select(TargetCheckResult.target_id, func.max(TargetCheckResult.check_id).label("c"))
        .join(TargetCheck, TargetCheck.id == TargetCheckResult.check_id)
        .where(TargetCheck.plan_id == plan_id)
        .group_by(TargetCheckResult.target_id)
        .subquery()
    )
    q = select(TargetCheckResult).join(
        newest,
        (TargetCheckResult.target_id == newest.c.target_id)
        & (TargetCheckResult.check_id == newest.c.c),
    )
    return {r.target_id: r for r in s.scalars(q)}


def _documents(s: Session, plan: Plan, checks: Iterable[TargetCheck]) -> dict[int, Document]:
    """The plan's document and every checked document, by id."""
    ids = {c.document_id for c in checks}
    if plan.document_id is not None:
        ids.add(plan.document_id)
    if not ids:
        return {}
    return {d.id: d for d in s.scalars(select(Document).where(Document.id.in_(ids)))}


def _stated(r: TargetCheckResult, check: TargetCheck, docs: dict[int, Document]) -> Stated | None:
    if r.actual_start is None or r.actual_end is None or r.actual_value is None:
        return None
    doc = docs[check.document_id]
    sentence = ""
    if r.sentence_start is not None and r.sentence_end is not None:
        sentence = doc.raw[r.sentence_start : r.sentence_end]
    return Stated(
        text=r.actual_text or doc.raw[r.actual_start : r.actual_end],
        value=r.actual_value,
        compared_value=r.compared_value,
        unit=r.actual_unit or "",
        start=r.actual_start,
        end=r.actual_end,
        sentence=sentence,
        document_id=doc.id,
        document_title=doc.title,
        year=check.year,
        check_id=check.id,
        checked_at=check.at,
        checked_by=check.actor,
    )


class _Sentences:
    """Sentences of one raw text, looked up by offset."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.bounds = Boundaries.of(fold(raw))

    def around(self, offset: int | None) -> str:
        if offset is None or not self.raw or offset > len(self.raw):
            return ""
        start, end = self.bounds.sentence(offset)
        return self.raw[start:end].strip()


def verdict_counts(rows: list[TargetVerdict]) -> dict[str, int]:
    """How many targets have each verdict (unchecked included), in FILTERS order."""
    return {v: sum(r.verdict == v for r in rows) for v in FILTERS}


def verdict_record(plan: str, r: TargetVerdict) -> dict[str, Any]:
    """One target of 目标完成情况 as JSON (the CLI's --jsonl, the API, open data)."""
    stated = r.stated
    return {
        "plan": plan,
        "task": r.task_code,
        "target_id": r.target_id,
        "indicator": r.indicator,
        "target": {
            "text": r.text,
            "value": number(r.value),
            "value_max": number(r.value_max) if r.value_max is not None else None,
            "unit": r.unit,
            "comparator": r.comparator,
            "period": r.period,
            "sentence": r.target_sentence,
        },
        "baseline": {"text": r.baseline_text, "period": r.baseline_period}
        if r.baseline_text
        else None,
        "actual": {
            "text": stated.text,
            "value": number(stated.value),
            "unit": stated.unit,
            "document_id": stated.document_id,
            "start": stated.start,
            "end": stated.end,
            "sentence": stated.sentence,
            "year": stated.year,
        }
        if stated
        else None,
        "reported": {"value": number(r.reported_value), "period": r.reported_period}
        if r.reported_value is not None
        else None,
        "verdict": r.verdict,
        "note": r.note,
        "check_id": r.check_id,
        "checked_at": stated.checked_at.isoformat(timespec="seconds") if stated else None,
        "checked_by": stated.checked_by if stated else None,
    }
