"""Suggested lead unit (责任单位) for a task, from a keyword → unit map.

The map is an editable TOML file (``luoshi/data/lead_units.toml`` ships one for
a typical municipal government). A unit scores the summed length of its
keywords found in the text, so 高标准农田 outweighs 农田-like short words; the
best unit leads, the runner-up (when it scores at least half as much) is
suggested as a co-unit (配合单位).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from luoshi.errors import InputError


@dataclass(frozen=True)
class UnitMap:
    """A keyword → unit table, compiled into one regex for speed."""

    units: dict[str, tuple[str, ...]]
    pattern: re.Pattern[str]
    owner: dict[str, list[str]]

    @classmethod
    def from_table(cls, units: dict[str, tuple[str, ...]]) -> UnitMap:
        owner: dict[str, list[str]] = {}
        for unit, words in units.items():
            for w in words:
                owner.setdefault(w, []).append(unit)
        words_by_length = sorted(owner, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(w) for w in words_by_length) or "(?!)")
        return cls(units, pattern, owner)

    def suggest(self, text: str) -> tuple[str | None, list[str]]:
        """(lead unit, co-units) for ``text``; (None, []) when no keyword is present."""
        scores: dict[str, int] = {}
        for m in self.pattern.finditer(text):
            for unit in self.owner[m.group()]:
                scores[unit] = scores.get(unit, 0) + len(m.group())
        if not scores:
            return None, []
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], list(self.units).index(kv[0])))
        lead, top = ranked[0]
        co = [u for u, s in ranked[1:3] if s * 2 >= top]
        return lead, co


def load_unit_map(path: str | Path | None = None) -> UnitMap:
    """Read a unit map file (the shipped default when ``path`` is None)."""
    try:
        if path is None:
            data = tomllib.loads(
                resources.files("luoshi.data").joinpath("lead_units.toml").read_text("utf-8")
            )
        else:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"责任单位对照表 {path} 无法读取：{e}") from None
    units = data.get("units")
    if not isinstance(units, dict) or not units:
        raise InputError(f"责任单位对照表 {path or '(内置)'} 中没有 [units.单位名] 条目")
    table: dict[str, tuple[str, ...]] = {}
    for unit, entry in units.items():
        words = entry.get("keywords") if isinstance(entry, dict) else None
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise InputError(f"责任单位对照表中「{unit}」的 keywords 必须是非空字符串列表")
        table[unit] = tuple(words)
    return UnitMap.from_table(table)
