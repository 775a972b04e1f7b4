"""Indexes on kept task rows: a plan's top-level tasks, and the list sorted by progress.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task_state", schema=None) as batch_op:
        batch_op.create_index("ix_task_state_children", ["plan_id", "parent_id", "sort_key"])
        batch_op.create_index("ix_task_state_progress", ["plan_id", "progress", "sort_key"])


def downgrade() -> None:
    with op.batch_alter_table("task_state", schema=None) as batch_op:
        batch_op.drop_index("ix_task_state_progress")
        batch_op.drop_index("ix_task_state_children")
