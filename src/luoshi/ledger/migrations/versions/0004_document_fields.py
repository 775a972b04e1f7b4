"""Plans a clerk can adopt: where a task's lead unit came from and why, the source
ledger's progress note, which units a document named, and a document's tables.

Revision ID: 0004
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_unit_origin", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("lead_unit_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("initial_progress_note", sa.Text(), nullable=True))
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(length=20), nullable=True))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tables", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("tables")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("origin")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("initial_progress_note")
        batch_op.drop_column("lead_unit_reason")
        batch_op.drop_column("lead_unit_origin")
