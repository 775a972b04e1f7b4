"""可见范围 (visibility): who may see which tasks and reports, and who may report.

A reporter (填报人) sees its own unit's tasks — those it leads or supports — in the
ledger, task and round views, and only its own unit's reports; managers and
viewers see everything. The web and the CLI ask here; they hold no rule of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from luoshi.errors import PermissionDenied
from luoshi.ledger.access import MANAGERS
from luoshi.ledger.read.rows import TaskRow


@dataclass(frozen=True)
class Viewer:
    """The person a read is for: role and, for a reporter, its unit."""

    user_id: int | None
    role: str
    unit_id: int | None = None
    unit: str | None = None

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS

    @property
    def is_reporter(self) -> bool:
        return self.role == "reporter"

    @property
    def unit_scope(self) -> str | None:
        """The unit a reporter's views are limited to ("" — none — without a unit);
        None for everyone else (no limit)."""
        if not self.is_reporter:
            return None
        return self.unit or ""

    @property
    def report_unit_scope(self) -> int | None:
        """The unit id whose reports a reporter may read (-1: none); None: all."""
        if not self.is_reporter:
            return None
        return self.unit_id if self.unit_id is not None else -1


EVERYONE = Viewer(None, "viewer")


def require_user_admin(viewer: Viewer, username: str) -> None:
    """Only administrators read the list of accounts."""
    if viewer.role != "admin":
        raise PermissionDenied(f"用户 {username} 无权管理用户")


def may_see(viewer: Viewer | None, row: TaskRow) -> bool:
    scope = viewer.unit_scope if viewer is not None else None
    return scope is None or (scope != "" and row.belongs_to(scope))


def may_see_report(viewer: Viewer, unit_id: int) -> bool:
    scope = viewer.report_unit_scope
    return scope is None or scope == unit_id


def may_report(viewer: Viewer, row: TaskRow, round_open: bool) -> bool:
    """Whether the report form is offered: a leaf not done, a round open, and the
    viewer a manager or a reporter of one of the task's units."""
    if not row.leaf or row.health == "done" or not round_open:
        return False
    if viewer.is_manager:
        return True
    return viewer.is_reporter and bool(viewer.unit) and row.belongs_to(viewer.unit or "")
