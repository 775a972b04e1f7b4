"""Annotations of running text that name who does a measure and by when.

Offices annotate measures in four ways:

- ``（牵头单位：市商务局；配合单位：市财政局、市税务局；完成时限：2024年9月底）``
- ``【责任单位】市发展改革委、市财政局`` (one or more bracketed labels)
- ``（市发展改革委牵头，市财政局等配合）`` or ``（市教育局负责）``
- a line ``责任单位：市交通运输局`` after the measure it belongs to

An annotation fills the fields of the measures before it; it is neither a
task nor part of a title. Labels are the column names of
``data/task_columns.toml``. Matching runs on the folded text (full-width
brackets and colons are ASCII there), offsets are the raw text's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from luoshi.extract.columns import Field, column_names
from luoshi.extract.unit_names import is_unit_name, lead_and_co, split_units
from luoshi.text.lazy import lazy


@dataclass(frozen=True)
class Annotation:
    """标注: the fields one annotation states, and where it stands."""

    start: int
    end: int
    lead: str | None = None
    co: list[str] = field(default_factory=list)
    person: str | None = None
    deadline: tuple[int, int] | None = None  # span of the deadline's words
    outcome: str | None = None
    own_line: bool = False  # the annotation is the whole line (it follows its measure)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    names = column_names()
    labels = "|".join(
        re.escape(n) for n in sorted(names.labels(names.annotation_fields), key=len, reverse=True)
    )
    label = re.compile(rf"(?P<label>{labels})\s?(?::|】)\s?")
    bracketed = re.compile(rf"\((?=\s?(?:{labels})\s?:)(?:[^()\n]|\([^()\n]*\))*\)")
    tagged = re.compile(rf"(?:【(?:{labels})】[^【\n。]*)+")
    line = re.compile(rf"^[ \t]*(?:{labels})\s?:[^\n]*$", re.MULTILINE)
    return label, bracketed, tagged, line


_ROLE_PHRASE = lazy(r"\(([^()\n]{2,80}?)(?:牵头|负责|主责)([^()\n]{0,80})\)")


def find_annotations(raw: str, folded: str) -> list[Annotation]:
    """Every annotation of the text, in order, none overlapping another."""
    label, bracketed, tagged, line = _patterns()
    found: list[Annotation] = []
    for m in line.finditer(folded):
        found.append(_labelled(label, raw, folded, m.start(), m.end(), own_line=True))
    for pattern in (bracketed, tagged):
        for m in pattern.finditer(folded):
            found.append(_labelled(label, raw, folded, m.start(), m.end()))
    for m in _ROLE_PHRASE.finditer(folded):
        ann = _role_phrase(raw, m)
        if ann is not None:
            found.append(ann)
    return _joined_lines(_without_overlaps(found, folded), folded)


def _joined_lines(found: list[Annotation], folded: str) -> list[Annotation]:
    """Annotation lines that follow each other (责任单位：… / 完成时限：…) are one."""
    out: list[Annotation] = []
    for ann in found:
        last = out[-1] if out else None
        if last and last.own_line and ann.own_line and not folded[last.end : ann.start].strip():
            out[-1] = Annotation(
                last.start,
                ann.end,
                last.lead or ann.lead,
                last.co if last.lead else ann.co,
                last.person or ann.person,
                last.deadline or ann.deadline,
                last.outcome or ann.outcome,
                True,
            )
        else:
            out.append(ann)
    return out


def _labelled(
    label: re.Pattern[str], raw: str, folded: str, start: int, end: int, own_line: bool = False
) -> Annotation:
    names = column_names()
    marks = list(label.finditer(folded, start, end))
    values: dict[Field, tuple[int, int]] = {}
    for i, m in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else end
        field_ = names.exact.get(m.group("label"))
        if field_ is not None and field_ not in values:
            values[field_] = _trimmed(folded, m.end(), stop)
    text = {f: raw[a:b] for f, (a, b) in values.items()}
    lead, co = lead_and_co(text.get("lead", ""))
    co = [*co, *(u for u in split_units(text.get("co", "")) if u not in co and u != lead)]
    return Annotation(
        start,
        end,
        lead,
        co,
        text.get("person") or None,
        values.get("deadline"),
        text.get("outcome") or None,
        own_line,
    )


def _trimmed(folded: str, start: int, end: int) -> tuple[int, int]:
    while start < end and folded[start] in " \t;,、。)【】":
        start += 1
    while end > start and folded[end - 1] in " \t;,、。)【】":
        end -= 1
    return start, end


def _role_phrase(raw: str, m: re.Match[str]) -> Annotation | None:
    """（X牵头，Y等配合）: only when what precedes 牵头 reads as unit names."""
    leads = split_units(raw[m.start(1) : m.end(1)])
    if not leads or not all(is_unit_name(u) for u in leads):
        return None
    lead, co = lead_and_co(raw[m.start(1) : m.end(0) - 1])
    return Annotation(m.start(), m.end(), lead, [u for u in co if is_unit_name(u)])


def _without_overlaps(found: list[Annotation], folded: str) -> list[Annotation]:
    out: list[Annotation] = []
    for ann in sorted(found, key=lambda a: (a.start, -a.end)):
        if out and ann.start < out[-1].end:
            continue
        if ann.lead or ann.co or ann.person or ann.deadline or ann.outcome:
            own = ann.own_line or _alone_on_line(folded, ann.start, ann.end)
            out.append(ann if own == ann.own_line else _replace_own(ann, own))
    return out


def _alone_on_line(folded: str, start: int, end: int) -> bool:
    line_start = folded.rfind("\n", 0, start) + 1
    line_end = folded.find("\n", end)
    line_end = len(folded) if line_end < 0 else line_end
    return not folded[line_start:start].strip(" \t。;,") and not folded[end:line_end].strip(
        " \t。;,"
    )


def _replace_own(ann: Annotation, own: bool) -> Annotation:
    return Annotation(
        ann.start, ann.end, ann.lead, ann.co, ann.person, ann.deadline, ann.outcome, own
    )
