"""考核: a score per unit and period, from rules in data/scoring.toml — one definition.

Pure functions over ``UnitFacts`` (read in ``score_facts``): each component is a
number from 0 to 100 with the arithmetic that gave it; the score is the weighted
mean of the components, and a grade names its band. Ranked best first.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from luoshi.errors import InputError

FULL = 100.0


@dataclass(frozen=True)
class UnitFacts:
    """What a unit did in a period (a reporting round)."""

    unit_id: int
    unit: str
    tasks: int  # leaf tasks the unit leads
    open_tasks: int  # of them, not done at the period's end
    owed: int  # tasks that owed a report in the round
    on_time: int  # of them, reported by the due date
    reports: int  # reports submitted in the round
    returned: int  # of them, returned
    overdue: int  # open tasks past their deadline at the period's end
    progress: float  # mean reported progress of the unit's leaf tasks
    expected: float  # mean expected progress
    delays: int  # delays granted in the period


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    weight: float


@dataclass(frozen=True)
class Grade:
    name: str
    min: float


@dataclass(frozen=True)
class Rules:
    components: tuple[Component, ...]
    grades: tuple[Grade, ...]


@dataclass(frozen=True)
class Part:
    """One component of a score: its value, weight, and how it was computed."""

    key: str
    label: str
    value: float
    weight: float
    points: float  # value × weight / total weight: its share of the score
    how: str


@dataclass(frozen=True)
class Score:
    unit_id: int
    unit: str
    period: str
    score: float
    grade: str
    rank: int
    parts: tuple[Part, ...]
    facts: UnitFacts

    @property
    def how(self) -> str:
        """The whole computation in one line."""
        terms = " + ".join(f"{p.label} {p.value:.1f}×{p.weight:g}" for p in self.parts)
        total = sum(p.weight for p in self.parts)
        return f"({terms}) ÷ {total:g} = {self.score:.1f}"

    def record(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "unit": self.unit,
            "period": self.period,
            "score": round(self.score, 1),
            "grade": self.grade,
            "rank": self.rank,
            "how": self.how,
            "parts": [
                {
                    "key": p.key,
                    "label": p.label,
                    "value": round(p.value, 1),
                    "weight": p.weight,
                    "points": round(p.points, 2),
                    "how": p.how,
                }
                for p in self.parts
            ],
            "facts": self.facts.__dict__,
        }


def _quality(f: UnitFacts) -> tuple[float, str]:
    """报送质量: reports not returned. A unit that owed reports and sent none has no
    quality to show: 0, not the full marks of "nothing to count"."""
    if f.reports == 0 and f.owed > 0:
        return 0.0, f"应报 {f.owed} 项而未报送：记 0"
    return _ratio(f.returned, f.reports, "退回数/报送数", invert=True)


def _ratio(num: float, den: float, label: str, invert: bool = False) -> tuple[float, str]:
    if den <= 0:
        return FULL, f"{label}：无可计项，记 100"
    share = min(max(num / den, 0.0), 1.0)
    value = FULL * (1 - share if invert else share)
    formula = f"100 × (1 − {num:g}/{den:g})" if invert else f"100 × {num:g}/{den:g}"
    return value, f"{label}：{formula} = {value:.1f}"


_MEASURES: dict[str, Callable[[UnitFacts], tuple[float, str]]] = {
    "on_time": lambda f: _ratio(f.on_time, f.owed, "按时报送数/应报数"),
    "returned": lambda f: _quality(f),
    "overdue": lambda f: _ratio(f.overdue, f.open_tasks, "逾期数/未完成数", invert=True),
    "progress": lambda f: _ratio(round(f.progress, 1), round(f.expected, 1), "平均进度/应有进度"),
    "delays": lambda f: _ratio(f.delays, f.tasks, "获准延期数/任务数", invert=True),
}
KEYS = tuple(_MEASURES)


def score_unit(facts: UnitFacts, rules: Rules, period: str) -> Score:
    """The unit's score (rank 0: not ranked yet)."""
    total = sum(c.weight for c in rules.components) or 1.0
    parts = []
    for c in rules.components:
        value, how = _MEASURES[c.key](facts)
        parts.append(Part(c.key, c.label, value, c.weight, value * c.weight / total, how))
    score = sum(p.points for p in parts)
    return Score(
        facts.unit_id, facts.unit, period, score, grade_of(score, rules), 0, tuple(parts), facts
    )


def grade_of(score: float, rules: Rules) -> str:
    for g in sorted(rules.grades, key=lambda g: -g.min):
        if score >= g.min - 1e-9:
            return g.name
    return ""


def rank(facts: Sequence[UnitFacts], rules: Rules, period: str) -> list[Score]:
    """Scores best first; equal scores share a rank (1, 2, 2, 4), then by unit name."""
    scored = sorted(
        (score_unit(f, rules, period) for f in facts), key=lambda x: (-round(x.score, 6), x.unit)
    )
    out: list[Score] = []
    for i, sc in enumerate(scored):
        same = out and round(out[-1].score, 6) == round(sc.score, 6)
        place = out[-1].rank if same else i + 1
        out.append(
            Score(sc.unit_id, sc.unit, sc.period, sc.score, sc.grade, place, sc.parts, sc.facts)
        )
    return out


def load_rules(path: str | Path | None = None) -> Rules:
    """The rules of ``path`` (the shipped data/scoring.toml when None)."""
    where = path or "(内置)"
    try:
        if path is None:
            text = resources.files("luoshi.data").joinpath("scoring.toml").read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"考核规则文件 {where} 无法读取：{e}") from None
    return _rules(data, str(where))


def _rules(data: dict[str, Any], where: str) -> Rules:
    comps = []
    for c in data.get("components", []):
        key, weight = c.get("key"), c.get("weight")
        if key not in _MEASURES:
            raise InputError(f"考核规则文件 {where}：未知的考核项「{key}」，可选 {'、'.join(KEYS)}")
        if not isinstance(weight, int | float) or weight < 0:
            raise InputError(f"考核规则文件 {where}：考核项「{key}」的 weight 应为不小于 0 的数")
        comps.append(Component(key, str(c.get("label", key)), float(weight)))
    if not comps:
        raise InputError(f"考核规则文件 {where} 中没有 [[components]] 考核项")
    grades = tuple(Grade(str(g["name"]), float(g["min"])) for g in data.get("grades", []))
    return Rules(tuple(comps), grades)
