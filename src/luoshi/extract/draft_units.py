"""The document's own units, persons and deadlines on drafted tasks.

An annotation fills the drafts before it on its line (an annotation alone on
its line, the drafts of the line above). A task all of whose measures name
the same lead unit takes it too; a measure that names none takes its task's.
Mandate-based suggestions stay only where the document names no unit.
"""

from __future__ import annotations

from datetime import date

from luoshi.extract.annotations import Annotation
from luoshi.extract.deadlines import deadline_of
from luoshi.extract.drafts import TaskDraft

DOCUMENT_REASON = "文件写明（标注）"
INHERITED_REASON = "文件写明（上级任务）"


def apply_annotations(
    drafts: list[TaskDraft],
    annotations: list[Annotation],
    raw: str,
    folded: str,
    year: int | None,
) -> None:
    """Fill the drafts each annotation belongs to, then share units along the tree."""
    previous_end = 0
    for ann in annotations:
        lo, hi = _range(folded, ann, previous_end)
        previous_end = ann.end
        for d in drafts:
            if lo <= d.start < hi:
                _fill(d, ann, raw, folded, year)
    _lift(drafts)
    _push_down(drafts)
    lift_deadlines(drafts)


def _range(folded: str, ann: Annotation, previous_end: int) -> tuple[int, int]:
    """Where the drafts an annotation names start: its own line up to it (after the
    previous annotation), or for an annotation alone on its line the line above."""
    line_start = folded.rfind("\n", 0, ann.start) + 1
    if not ann.own_line:
        return max(line_start, previous_end), ann.start
    above_end = max(line_start - 1, 0)
    while above_end > 0 and folded[above_end - 1] == "\n":
        above_end -= 1
    above_start = folded.rfind("\n", 0, above_end) + 1
    return max(above_start, previous_end), above_end


def _fill(d: TaskDraft, ann: Annotation, raw: str, folded: str, year: int | None) -> None:
    if ann.lead is not None:
        d.lead_unit, d.co_units = ann.lead, list(ann.co)
        d.unit_origin, d.unit_reason = "document", DOCUMENT_REASON
    elif ann.co and d.unit_origin == "document":
        d.co_units = [*d.co_units, *(u for u in ann.co if u not in d.co_units)]
    if ann.person:
        d.person = ann.person
    if ann.outcome:
        d.outcome = ann.outcome
    if ann.deadline is not None:
        a, b = ann.deadline
        found = deadline_of(raw, folded, a, b, year)
        d.deadline_text = raw[a:b]
        if found is not None:
            d.deadline = found.due


def _children(drafts: list[TaskDraft]) -> dict[str | None, list[TaskDraft]]:
    out: dict[str | None, list[TaskDraft]] = {}
    for d in drafts:
        out.setdefault(d.parent, []).append(d)
    return out


def _lift(drafts: list[TaskDraft]) -> None:
    """A task (not a group) whose children all name one lead unit takes it, and
    their latest deadline."""
    kids = _children(drafts)
    for d in reversed(drafts):
        mine = kids.get(d.code, [])
        if d.kind != "task" or not mine or d.unit_origin == "document":
            continue
        leads = {(k.lead_unit, tuple(k.co_units)) for k in mine}
        if len(leads) == 1 and all(k.unit_origin == "document" for k in mine):
            lead, co = next(iter(leads))
            d.lead_unit, d.co_units = lead, list(co)
            d.unit_origin, d.unit_reason = "document", INHERITED_REASON
            dues = [k.deadline for k in mine if k.deadline is not None]
            d.deadline = max(dues, default=d.deadline)


def lift_deadlines(drafts: list[TaskDraft]) -> None:
    """A part that states no deadline of its own is due no earlier than its last
    task; an item the document annotates, or a table's category, exactly then."""
    kids = _children(drafts)
    for d in reversed(drafts):
        dues = [k.deadline for k in kids.get(d.code, []) if k.deadline is not None]
        if not dues or d.deadline_text:
            continue
        last = max(dues)
        if d.deadline is None or last > d.deadline or d.unit_origin == "document":
            d.deadline = last


def _push_down(drafts: list[TaskDraft]) -> None:
    """A draft naming no unit of the document's takes its parent's."""
    by_code = {d.code: d for d in drafts}
    for d in drafts:
        parent = by_code.get(d.parent) if d.parent else None
        if parent is None or d.unit_origin == "document" or parent.unit_origin != "document":
            continue
        d.lead_unit, d.co_units = parent.lead_unit, list(parent.co_units)
        d.unit_origin, d.unit_reason = "document", INHERITED_REASON
        d.person = d.person or parent.person
        if parent.deadline_text and not d.deadline_text:
            d.deadline, d.deadline_text = parent.deadline, parent.deadline_text


def not_before(due: date | None, first_day: date | None) -> bool:
    """Whether a deadline can be a task's: not before the document's own year."""
    return due is not None and (first_day is None or due >= first_day)
