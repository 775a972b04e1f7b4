"""Index on kept task rows by lead unit and health: a unit's tasks of one health are
counted from the index, not by reading every task of that health.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task_state", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_state_unit_health", ["plan_id", "lead_unit_id", "health", "sort_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("task_state", schema=None) as batch_op:
        batch_op.drop_index("ix_task_state_unit_health")
