"""Drafts of a plan's tasks (任务) and targets (目标), before anyone edits them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from luoshi.extract.nontask import LeftOut  # a type only: its rules load with it

TaskKind = Literal["group", "task", "measure"]
# Where a task's lead unit came from: named by the document, or suggested from
# the departments' mandates (待确认 until a person confirms or changes it).
UnitOrigin = Literal["document", "suggested"]
_COMPARATOR_WORDS = {
    ">": ("超过", ""),
    ">=": ("", "以上"),
    "<=": ("", "以内"),
    "~": ("", "左右"),
}


@dataclass(frozen=True, slots=True)
class Baseline:
    """基数: the last actual of the same indicator stated in the document."""

    value: float
    unit: str
    period: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class TargetDraft:
    """目标: a quantified goal of a task."""

    indicator: str
    comparator: str
    value: float
    value_max: float | None
    unit: str
    period: str | None
    measure: str
    start: int
    end: int
    text: str
    baseline: Baseline | None

    @property
    def statement(self) -> str:
        """The goal in words: 地区生产总值增长5.5%左右, 新建学校8所, 外资50亿美元以上."""
        prefix, suffix = _COMPARATOR_WORDS.get(self.comparator, ("", ""))
        verb = "增长" if self.measure == "growth" else ""
        return f"{self.indicator}{verb}{prefix}{self.text}{suffix}"


@dataclass
class TaskDraft:
    """任务 as drafted from the text, before anyone edits it."""

    code: str
    parent: str | None
    level: int
    kind: TaskKind
    title: str
    start: int
    end: int
    category: str
    deadline: date | None = None
    deadline_text: str | None = None
    lead_unit: str | None = None
    co_units: list[str] = field(default_factory=list)
    targets: list[TargetDraft] = field(default_factory=list)
    # 责任人, 预期成效 and 进展情况 as the document states them (tables, annotations).
    person: str | None = None
    outcome: str | None = None
    progress_note: str | None = None
    unit_origin: UnitOrigin | None = None
    unit_reason: str | None = None  # why: 文件写明 …, or 职能匹配：港口、集装箱

    @property
    def expected_outcome(self) -> str | None:
        """预期成效: the document's own words, else as the targets state it
        (集装箱吞吐量突破2300万标准箱；…)."""
        if self.outcome:
            return self.outcome
        return "；".join(t.statement for t in self.targets) or None


@dataclass
class Drafting:
    """A drafted plan: its tasks in code order, and every passage left out, with why."""

    drafts: list[TaskDraft]
    left_out: list[LeftOut]
