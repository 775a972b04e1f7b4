"""填报数值: a report gives one value per target of its task, in the target's unit.

The values live in ``report_values``; the report's own ``target_id``/``value``
keep the value of the first target given, so reads of the old columns still work.
The latest value of each target is read in ``luoshi.ledger.read.values``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from luoshi.errors import InputError
from luoshi.ledger import audit
from luoshi.ledger.models import ProgressReport, ReportValue, Target, User
from luoshi.ledger.values import parse_amount


@dataclass(frozen=True)
class TargetValue:
    """One value of a report, with what its target measures."""

    target_id: int
    position: int
    indicator: str
    unit: str
    value: float


_TARGETS = select(Target).where(Target.task_id == bindparam("task_id")).order_by(Target.position)


def targets_of(s: Session, task_id: int) -> list[Target]:
    return list(s.scalars(_TARGETS, {"task_id": task_id}))


def resolve(
    targets: Sequence[Target], values: Mapping[int, float], first: float | None
) -> dict[int, float]:
    """Values by target id, checked to belong to the task; ``first`` (the old single
    value) goes to the first target unless that one is given its own."""
    ids = {t.id for t in targets}
    stray = [str(k) for k in values if k not in ids]
    if stray:
        raise InputError(f"目标 {'、'.join(stray)} 不属于此任务", ("values",))
    out = dict(values)
    if first is not None and targets:
        out.setdefault(targets[0].id, first)
    return out


def parse_positional(
    targets: Sequence[Target], given: Sequence[tuple[int, str]]
) -> dict[int, float]:
    """(position counted from 1, text) pairs as typed — 2=300万 — as values by target id;
    every problem in one message, naming the target and its unit."""
    out: dict[int, float] = {}
    problems = []
    for position, text in given:
        if not 1 <= position <= len(targets):
            problems.append(f"第 {position} 个目标不存在（此任务有 {len(targets)} 个目标）")
            continue
        target = targets[position - 1]
        try:
            out[target.id] = parse_amount(text, target.unit)
        except ValueError as e:
            problems.append(f"目标「{target.indicator}」的数值「{text}」{e}")
    if problems:
        raise InputError("；".join(problems), ("values",))
    return out


def add_values(
    s: Session, actor: User, report: ProgressReport, values: Mapping[int, float]
) -> None:
    rows = [ReportValue(report_id=report.id, target_id=k, value=v) for k, v in values.items()]
    s.add_all(rows)
    audit.created(s, actor, rows)


def values_of_reports(s: Session, report_ids: Sequence[int]) -> dict[int, list[TargetValue]]:
    """Per report id: its values in target order (for the task page and review queue)."""
    q = (
        select(ReportValue.report_id, ReportValue.value, Target)
        .join(Target, Target.id == ReportValue.target_id)
        .where(ReportValue.report_id.in_(list(report_ids)))
        .order_by(ReportValue.report_id, Target.position)
    )
    out: dict[int, list[TargetValue]] = {}
    for report_id, value, t in s.execute(q):
        out.setdefault(report_id, []).append(
            TargetValue(t.id, t.position, t.indicator, t.unit, value)
        )
    return out
