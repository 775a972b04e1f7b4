"""Index on kept task rows by overdue: the ledger's 只看逾期 filter is counted and paged
from the index, not by reading every task of the plan.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task_state", schema=None) as batch_op:
        batch_op.create_index("ix_task_state_overdue", ["plan_id", "overdue", "sort_key"])


def downgrade() -> None:
    with op.batch_alter_table("task_state", schema=None) as batch_op:
        batch_op.drop_index("ix_task_state_overdue")
