"""审计记录的中文: the audit trail as a clerk reads it — 任务 12 修改：责任人 张三 → 李四.

The labels are data (``luoshi/data/audit_labels.toml``); this module only applies them.
Columns that change on every write (version) are not listed as changes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

QUIET = {"version", "id"}
SHOWN = 40  # characters of a long value quoted in a change


@cache
def labels() -> dict[str, dict[str, str]]:
    text = resources.files("luoshi.data").joinpath("audit_labels.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return {k: dict(data.get(k, {})) for k in ("entities", "actions", "fields")}


def entity_label(entity: str) -> str:
    return labels()["entities"].get(entity, entity)


def action_label(action: str) -> str:
    return labels()["actions"].get(action, action)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """字段 原值 → 新值, for each field an update changed (none for a create or delete)."""
    if not before or not after:
        return []
    fields = labels()["fields"]
    out = []
    for key in after:
        if key in QUIET or before.get(key) == after.get(key):
            continue
        label = fields.get(key, key)
        if key == "password_hash":
            out.append(f"{label}已更改")
            continue
        out.append(f"{label}：{_shown(before.get(key))} → {_shown(after.get(key))}")
    return out


def _shown(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def labelled(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audit records (records.audit_record) with ``entity_label``, ``action_label``
    and ``changes`` added."""
    return [
        {
            **r,
            "entity_label": entity_label(r["entity"]),
            "action_label": action_label(r["action"]),
            "changes": changes(r.get("before"), r.get("after")),
        }
        for r in records
    ]
