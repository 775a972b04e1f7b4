"""Which task field a table column holds, from the names in ``data/task_columns.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from luoshi.text.lazy import lazy

Field = Literal[
    "code",
    "category",
    "title",
    "measure",
    "lead",
    "co",
    "person",
    "deadline",
    "outcome",
    "progress",
    "note",
]
FIELDS: tuple[Field, ...] = (
    "code",
    "category",
    "title",
    "measure",
    "lead",
    "co",
    "person",
    "deadline",
    "outcome",
    "progress",
    "note",
)
# A header cell is short; a longer cell naming a column is data (任务名称为…).
_SLACK = 6
_NOISE = lazy(r"（[^）]*）|\([^)]*\)|[\s*＊:：()（）\[\]【】/、]")


@dataclass(frozen=True)
class ColumnNames:
    """Column name → field, longest names first for containment."""

    exact: dict[str, Field]
    by_length: tuple[tuple[str, Field], ...]
    annotation_fields: tuple[Field, ...]

    def field_of(self, header: str) -> Field | None:
        """The field a header cell names (责任单位 → lead), or None."""
        cell = _NOISE.sub("", header)
        if not cell:
            return None
        if cell in self.exact:
            return self.exact[cell]
        for name, field in self.by_length:
            if name in cell and len(cell) <= len(name) + _SLACK:
                return field
        return None

    def labels(self, fields: tuple[Field, ...]) -> dict[str, Field]:
        """The names that label ``fields`` (for annotations in running text)."""
        return {n: f for n, f in self.exact.items() if f in fields}


@cache
def column_names() -> ColumnNames:
    """The shipped column names."""
    text = resources.files("luoshi.data").joinpath("task_columns.toml").read_text("utf-8")
    return parse_column_names(tomllib.loads(text))


def parse_column_names(data: dict[str, object]) -> ColumnNames:
    fields = data.get("fields")
    if not isinstance(fields, dict):
        raise ValueError("task_columns.toml needs a [fields] table")
    exact: dict[str, Field] = {}
    for field, names in fields.items():
        if field not in FIELDS or not isinstance(names, list):
            raise ValueError(f"task_columns.toml: unknown field {field!r} or names not a list")
        for name in names:
            exact.setdefault(str(name), field)
    by_length = tuple(sorted(exact.items(), key=lambda kv: -len(kv[0])))
    ann = data.get("annotations", {})
    chosen = ann.get("fields", []) if isinstance(ann, dict) else []
    return ColumnNames(exact, by_length, tuple(f for f in FIELDS if f in chosen))
