"""目标核对: reading a later report against a plan's targets.

``check_plan`` gives every target of a plan the actual a newly ingested report
states for it (the evidence: span, value) and a verdict, and records who ran
the check and when. Checks are written once: running one again (another
report, or the same one after the word lists changed) adds a new check, and
the latest check of a plan is its current answer; earlier ones stay as history.
The pairing and the verdict rules are the stateless promise check's
(``luoshi.extract.promises``), so ``luoshi promises`` and ``plan check`` agree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import InputError
from luoshi.extract.clauses import Boundaries
from luoshi.extract.promises import Knowledge, Promise, Review, clause_left
from luoshi.extract.verdict import VERDICTS
from luoshi.ledger import audit
from luoshi.ledger.clock import now
from luoshi.ledger.limits import fit
from luoshi.ledger.models import (
    Document,
    Plan,
    Target,
    TargetCheck,
    TargetCheckResult,
    Task,
    User,
)
from luoshi.ledger.scope import require_plan_manager
from luoshi.text.document import Document as SourceText
from luoshi.text.normalize import fold

if TYPE_CHECKING:
    from luoshi.extract.quantities import Quantity

_YEAR = re.compile(r"(?:19|20)\d\d")


def check_plan(
    s: Session,
    actor: User,
    plan: Plan,
    document: Document,
    year: int | None = None,
    knowledge: Knowledge | None = None,
) -> TargetCheck:
    """Check every target of ``plan`` against ``document``'s review of ``year``
    (default: the year before the one the document speaks from)."""
    require_plan_manager(s, actor, plan, "核对目标完成情况")
    reviewed, results = assess_targets(s, plan, document, year, knowledge)
    counts = Counter(r.verdict for r in results)
    check = TargetCheck(
        plan_id=plan.id,
        document_id=document.id,
        year=reviewed,
        actor_id=actor.id,
        actor=actor.username,
        at=now(),
        counts={v: counts.get(v, 0) for v in VERDICTS},
    )
    s.add(check)
    audit.created(s, actor, [check])
    for r in results:
        r.check_id = check.id
    s.add_all(results)
    audit.created(s, actor, results)
    return check


def assess_targets(
    s: Session,
    plan: Plan,
    document: Document,
    year: int | None = None,
    knowledge: Knowledge | None = None,
) -> tuple[int, list[TargetCheckResult]]:
    """The year reviewed and, unsaved, every target's result against ``document``."""
    targets = plan_targets(s, plan.id)
    if not targets:
        raise InputError(f"计划 {plan.name} 没有量化目标，无需核对")
    from luoshi.extract.pipeline import extract  # the rules load on first use

    new = extract(SourceText(name=document.name, raw=document.raw))
    reviewed = (
        year if year is not None else _reviewed_year(new.profile.year if new.profile else None)
    )
    if reviewed is None:
        raise InputError(
            f"文件 {document.id}《{document.title}》无法确定回顾的是哪一年，请指明年份"
        )
    review = Review.of(new, reviewed, knowledge or Knowledge.load())
    lefts = _target_lefts(s, plan, targets)
    results = [
        _result(t, review.assess(target_quantity(t), lefts.get(t.id, "")), reviewed)
        for t in targets
    ]
    return reviewed, results


def plan_targets(s: Session, plan_id: int) -> list[Target]:
    """The plan's targets in task order (by task id, then position)."""
    q = (
        select(Target)
        .join(Task, Task.id == Target.task_id)
        .where(Task.plan_id == plan_id)
        .order_by(Task.id, Target.position)
    )
    return list(s.scalars(q))


def checks_of(s: Session, plan_id: int) -> Sequence[TargetCheck]:
    """The plan's checks, newest first (the first is the current answer)."""
    q = select(TargetCheck).where(TargetCheck.plan_id == plan_id).order_by(TargetCheck.id.desc())
    return s.scalars(q).all()


def target_quantity(t: Target) -> Quantity:
    """A stored target as the extractor's Quantity, for the promise check."""
    from luoshi.extract.quantities import Quantity  # the rules load on first use

    start = t.start if t.start is not None else 0
    end = t.end if t.end is not None else start
    return Quantity(
        start=start,
        end=end,
        text=t.text,
        value=t.value,
        unit=t.unit,
        kind="target",
        indicator=t.indicator,
        comparator=t.comparator,
        measure=t.measure,  # type: ignore[arg-type]
        period=t.period,
        section=None,
        sentence=(start, end),
        value_max=t.value_max,
    )


def target_year(t: Target) -> int | None:
    """The year a target is due: the last year its period names (2021-2025 → 2025)."""
    years = _YEAR.findall(t.period or "")
    return int(years[-1]) if years else None


def _reviewed_year(doc_year: int | None) -> int | None:
    # A report speaks early in its year about the year before (2022年报告 → 2021).
    return doc_year - 1 if doc_year is not None else None


def _target_lefts(s: Session, plan: Plan, targets: list[Target]) -> dict[int, str]:
    """Per target, the words before it in its clause of the plan's document
    (where 降低/下降 tells a reduction); empty when the document is unknown."""
    source = s.get(Document, plan.document_id) if plan.document_id is not None else None
    if source is None:
        return {}
    folded = fold(source.raw)
    bounds = Boundaries.of(folded)
    return {
        t.id: clause_left(folded, bounds, t.start)
        for t in targets
        if t.start is not None and t.start <= len(folded)
    }


def _result(t: Target, p: Promise, reviewed: int) -> TargetCheckResult:
    a = p.actual
    verdict, note = p.verdict, p.scope_note
    due = target_year(t)
    if a is not None and due is not None and due != reviewed and verdict != "not_reported":
        verdict, note = "unclear", f"目标期限为{due}年，核对的是{reviewed}年的实绩"
    return TargetCheckResult(
        target_id=t.id,
        verdict=verdict,
        direction=p.direction,
        note=note,
        actual_start=a.start if a else None,
        actual_end=a.end if a else None,
        actual_text=fit(TargetCheckResult.actual_text, a.text) if a else None,
        actual_value=a.value if a else None,
        compared_value=p.actual_value,
        actual_unit=fit(TargetCheckResult.actual_unit, a.unit) if a else None,
        actual_indicator=fit(TargetCheckResult.actual_indicator, a.indicator) if a else None,
        sentence_start=a.sentence[0] if a else None,
        sentence_end=a.sentence[1] if a else None,
    )
