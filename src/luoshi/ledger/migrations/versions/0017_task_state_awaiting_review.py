"""Kept task rows say whether their latest counted report awaits review (待审核), so
the dashboard and the public page tell which progress the office has not reviewed
without reading every report of the plan.

Kept figures from before lack it: every plan's are marked stale, and recomputed as
stale plans are (``luoshi serve`` before it listens, or ``luoshi plan refresh``).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("awaiting_review", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_task_state_awaiting", ["plan_id", "awaiting_review", "leaf"])
    # No kept figure is fresh for any rules now: the next refresh fills the column.
    op.execute("UPDATE plan_state SET rules = ''")


def downgrade() -> None:
    with op.batch_alter_table("task_state", schema=None) as batch_op:
        batch_op.drop_index("ix_task_state_awaiting")
        batch_op.drop_column("awaiting_review")
