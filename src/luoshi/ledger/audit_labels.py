"""审计记录的中文: the audit trail as a clerk reads it — 任务 12 修改：责任人 张三 → 李四.

The labels are data (``luoshi/data/audit_labels.toml``); this module only applies them.
Columns that change on every write (version) are not listed as changes; stored codes
(states, health) read as their labels, and ids of other rows (责任单位 3) as their names.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from luoshi.ledger.models import Base, User

QUIET = {"version", "id"}
SHOWN = 40  # characters of a long value quoted in a change
# The column that names a row of a table referred to by id, first found wins.
_NAMING = ("name", "display_name", "username", "period", "code", "title")
# (field, id) -> name of the row it refers to
Names = Mapping[tuple[str, int], str]


@cache
def labels() -> dict[str, dict[str, str]]:
    text = resources.files("luoshi.data").joinpath("audit_labels.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return {k: dict(data.get(k, {})) for k in ("entities", "actions", "fields")}


@cache
def _values() -> dict[str, dict[str, str]]:
    text = resources.files("luoshi.data").joinpath("audit_labels.toml").read_text("utf-8")
    return {k: dict(v) for k, v in tomllib.loads(text).get("values", {}).items()}


@cache
def not_audited() -> frozenset[str]:
    text = resources.files("luoshi.data").joinpath("audit_labels.toml").read_text("utf-8")
    return frozenset(tomllib.loads(text).get("not_audited", []))


def field_label(field: str) -> str:
    return labels()["fields"].get(field, field)


def value_label(entity: str, field: str, value: Any) -> str | None:
    """The label of a code stored in ``entity.field`` (accepted → 已通过), or None."""
    if not isinstance(value, str):
        return None
    own = _values().get(f"{entity}.{field}", {})
    return own.get(value) or _values().get(field, {}).get(value)


def entity_label(entity: str) -> str:
    return labels()["entities"].get(entity, entity)


def action_label(action: str) -> str:
    return labels()["actions"].get(action, action)


def changes(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    entity: str = "",
    names: Names | None = None,
) -> list[str]:
    """字段 原值 → 新值, for each field an update changed (none for a create or delete)."""
    if not before or not after:
        return []
    out = []
    for key in after:
        if key in QUIET or before.get(key) == after.get(key):
            continue
        label = field_label(key)
        if key == "password_hash":
            out.append(f"{label}已更改")
            continue
        was, now = (_read(entity, key, v, names or {}) for v in (before.get(key), after.get(key)))
        out.append(f"{label}：{was} → {now}")
    return out


def _read(entity: str, key: str, value: Any, names: Names) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and (key, value) in names:
        return names[key, value]
    return value_label(entity, key, value) or _shown(value)


def _shown(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def labelled(records: Iterable[dict[str, Any]], names: Names | None = None) -> list[dict[str, Any]]:
    """Audit records (records.audit_record) with ``entity_label``, ``action_label``
    and ``changes`` added; ``names`` (id_names) reads ids as names."""
    return [
        {
            **r,
            "entity_label": entity_label(r["entity"]),
            "action_label": action_label(r["action"]),
            "changes": changes(r.get("before"), r.get("after"), r["entity"], names),
        }
        for r in records
    ]


def actor_names(s: Session, usernames: Iterable[str]) -> dict[str, str]:
    """The actors' display names by username (local-admin → 本地管理员), for those that
    have one: the trail keeps the username, which a reader does not know people by."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    rows = s.execute(select(User.username, User.display_name).where(User.username.in_(wanted)))
    return {u: d for u, d in rows if d and d != u}


def id_names(s: Session, records: Iterable[dict[str, Any]]) -> dict[tuple[str, int], str]:
    """The names of the rows the records' id fields refer to (lead_unit_id 3 → 市教委),
    found through each column's foreign key, so a new model needs no entry here."""
    wanted: dict[tuple[str, str], set[int]] = {}  # (entity, field) -> ids
    for r in records:
        for snap in (r.get("before") or {}, r.get("after") or {}):
            for key, value in snap.items():
                if key.endswith("_id") and isinstance(value, int):
                    wanted.setdefault((r["entity"], key), set()).add(value)
    out: dict[tuple[str, int], str] = {}
    for (entity, key), ids in wanted.items():
        target = _referred(entity, key)
        if target is not None:
            model, attr = target
            rows = s.execute(select(model.id, getattr(model, attr)).where(model.id.in_(ids)))
            out.update({(key, i): str(n) for i, n in rows if n})
    return out


def _referred(entity: str, key: str) -> tuple[Any, str] | None:
    """The model a column refers to and its naming attribute, or None."""
    table = Base.metadata.tables.get(entity)
    column = table.columns.get(key) if table is not None else None
    if column is None or not column.foreign_keys:
        return None
    parent = next(iter(column.foreign_keys)).column.table
    for mapper in Base.registry.mappers:
        if mapper.local_table is parent:
            keys = {a.key for a in inspect(mapper.class_).column_attrs}
            attr = next((a for a in _NAMING if a in keys), None)
            return (mapper.class_, attr) if attr else None
    return None
