"""Suggested lead unit (责任单位) for a task, from the departments' mandates.

The shipped maps (``luoshi/data/lead_units/*.toml``) hold, for each level of
government — the State Council's ministries, a province's departments, a
city's and a district's — every department with its mandate (三定 functions,
in our own words) and the terms of those functions. The document's level
picks the map, so a State Council report is given 国家发展改革委 or 教育部, never
a city bureau. A unit scores the length of the terms found in the text,
divided among the units sharing a term; the best unit leads, the runner-up
(when it scores at least half as much) is suggested as a co-unit (配合单位).
Every suggestion keeps the terms that matched: the clerk sees why.

A custom map (``--unit-map FILE``) has the same form; ``mandate`` is optional.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from luoshi.errors import InputError

# The shipped map of each level of government (县 uses the district's, renamed).
LEVEL_MAPS = {
    "国家": "national",
    "省": "province",
    "市": "city",
    "区": "district",
    "县": "district",
}
DEFAULT_LEVEL = "市"
_MAX_REPEATS = 2


@dataclass(frozen=True)
class Suggestion:
    """建议: a lead unit, co-units, and the terms of the lead's mandate that matched."""

    lead: str | None
    co: list[str]
    words: tuple[str, ...] = ()

    @property
    def reason(self) -> str | None:
        """Why, in words a clerk reads: 职能匹配：港口、集装箱."""
        return f"职能匹配：{'、'.join(self.words)}" if self.lead and self.words else None


@dataclass(frozen=True)
class UnitMap:
    """A term → unit table, compiled into one regex for speed."""

    units: dict[str, tuple[str, ...]]
    pattern: re.Pattern[str]
    owner: dict[str, list[str]]
    mandates: dict[str, str] = field(default_factory=dict)
    level: str | None = None

    @classmethod
    def from_table(
        cls,
        units: dict[str, tuple[str, ...]],
        mandates: dict[str, str] | None = None,
        level: str | None = None,
    ) -> UnitMap:
        owner: dict[str, list[str]] = {}
        for unit, words in units.items():
            for w in words:
                owner.setdefault(w, []).append(unit)
        words_by_length = sorted(owner, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(w) for w in words_by_length) or "(?!)")
        return cls(units, pattern, owner, mandates or {}, level)

    def suggest(self, text: str) -> tuple[str | None, list[str]]:
        """(lead unit, co-units) for ``text``; (None, []) when no term is present."""
        s = self.explain(text)
        return s.lead, s.co

    def explain(self, text: str) -> Suggestion:
        """The suggestion for ``text`` with the terms that decided it."""
        scores: dict[str, float] = {}
        words: dict[str, list[str]] = {}
        seen: dict[str, int] = {}
        for m in self.pattern.finditer(text):
            w = m.group()
            seen[w] = seen.get(w, 0) + 1
            if seen[w] > _MAX_REPEATS:
                continue
            owners = self.owner[w]
            for unit in owners:
                scores[unit] = scores.get(unit, 0.0) + len(w) / len(owners)
                if w not in words.setdefault(unit, []):
                    words[unit].append(w)
        if not scores:
            return Suggestion(None, [])
        order = {u: i for i, u in enumerate(self.units)}
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
        lead, top = ranked[0]
        co = [u for u, s in ranked[1:3] if s * 2 >= top]
        return Suggestion(lead, co, tuple(words[lead]))


def load_unit_map(path: str | Path | None = None, level: str | None = None) -> UnitMap:
    """Read a unit map file, or the shipped map of ``level`` (国家/省/市/区/县)."""
    label = str(path) if path is not None else "(内置)"
    try:
        if path is None:
            name = LEVEL_MAPS.get(level or DEFAULT_LEVEL, LEVEL_MAPS[DEFAULT_LEVEL])
            folder = resources.files("luoshi.data").joinpath("lead_units")
            data = tomllib.loads(folder.joinpath(f"{name}.toml").read_text("utf-8"))
        else:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"责任单位对照表 {label} 无法读取：{e}") from None
    unit_map = parse_unit_map(data, label)
    if path is None and level == "县":
        return _renamed(unit_map, "区", "县")
    return unit_map


def parse_unit_map(data: dict[str, object], label: str = "(内置)") -> UnitMap:
    units = data.get("units")
    if not isinstance(units, dict) or not units:
        raise InputError(f"责任单位对照表 {label} 中没有 [units.单位名] 条目")
    table: dict[str, tuple[str, ...]] = {}
    mandates: dict[str, str] = {}
    for unit, entry in units.items():
        words = entry.get("keywords") if isinstance(entry, dict) else None
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise InputError(f"责任单位对照表中「{unit}」的 keywords 必须是非空字符串列表")
        table[unit] = tuple(words)
        mandate = entry.get("mandate") if isinstance(entry, dict) else None
        if isinstance(mandate, str):
            mandates[unit] = mandate
    level = data.get("level")
    return UnitMap.from_table(table, mandates, level if isinstance(level, str) else None)


def _renamed(m: UnitMap, old: str, new: str) -> UnitMap:
    """The district map as a county's: 区教育局 → 县教育局."""

    def rename(name: str) -> str:
        return new + name[len(old) :] if name.startswith(old) else name

    units = {rename(u): words for u, words in m.units.items()}
    mandates = {rename(u): text for u, text in m.mandates.items()}
    return UnitMap.from_table(units, mandates, new)
