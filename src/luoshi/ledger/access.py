"""Who may do what (权限). Checked in the service layer, so the CLI and the web agree.

admin       everything, including users
supervisor  documents, plans, units, assignment, rounds, chasing, review, import
reporter    reports progress on the tasks of its own unit
viewer      reads only
"""

from __future__ import annotations

from collections.abc import Iterable

from luoshi.errors import PermissionDenied
from luoshi.ledger.models import User

ROLE_LABELS = {
    "admin": "管理员",
    "supervisor": "督查人员",
    "reporter": "填报人",
    "viewer": "查看者",
}
MANAGERS = ("admin", "supervisor")


def require(actor: User, roles: Iterable[str], action: str) -> None:
    """Refuse ``action`` (e.g. "建立计划") unless ``actor`` is active and has one of ``roles``."""
    if not actor.active:
        raise PermissionDenied(f"用户 {actor.username} 已停用，不能{action}")
    if actor.role not in tuple(roles):
        role = ROLE_LABELS.get(actor.role, actor.role)
        raise PermissionDenied(f"用户 {actor.username}（{role}）无权{action}")


def require_manager(actor: User, action: str) -> None:
    require(actor, MANAGERS, action)


def require_unit_member(actor: User, unit_ids: Iterable[int], what: str) -> None:
    """A reporter acts only for its own unit; managers act for any."""
    if actor.role in MANAGERS and actor.active:
        return
    require(actor, ("reporter",), what)
    if actor.unit_id is None or actor.unit_id not in set(unit_ids):
        raise PermissionDenied(f"用户 {actor.username} 只能填报本单位的任务，不能{what}")


# Exports hold every unit's tasks: a reporter sees only its own unit's.
EXPORTERS = ("admin", "supervisor", "viewer")


def require_exporter(actor: User, what: str = "导出台账") -> None:
    require(actor, EXPORTERS, what)
