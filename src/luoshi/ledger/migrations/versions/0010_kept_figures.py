"""Figures kept current by the writes: task_state, plan_state, plan_tallies; the
ranking of a closed round (round_scores).

They start empty: a plan's figures are computed from its records until its first
write (or ``luoshi plan refresh``) keeps them.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_state",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("sort_key", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("leaf", sa.Boolean(), nullable=False),
        sa.Column("lead_unit_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=500), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("reported", sa.Float(), nullable=True),
        sa.Column("last_round_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("gap", sa.Float(), nullable=False),
        sa.Column("health", sa.String(length=10), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("missed_rounds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_task_state_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_state_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_task_state")),
        sa.UniqueConstraint("plan_id", "sort_key", name=op.f("uq_task_state_plan_id")),
    )
    with op.batch_alter_table("task_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_state_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_task_state_health", ["plan_id", "health", "sort_key"])
        batch_op.create_index("ix_task_state_unit", ["plan_id", "lead_unit_id", "sort_key"])
        batch_op.create_index("ix_task_state_category", ["plan_id", "category", "sort_key"])
        batch_op.create_index("ix_task_state_deadline", ["plan_id", "deadline", "sort_key"])
        batch_op.create_index(
            "ix_task_state_attention",
            ["plan_id", "leaf", "health", "gap", "sort_key"],
        )
    op.create_table(
        "plan_state",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rules", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_state_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_plan_state")),
    )
    op.create_table(
        "plan_tallies",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("dim", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("first_key", sa.String(length=200), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ("tasks", "green", "amber", "red", "stalled", "done", "overdue")),
        *(sa.Column(name, sa.Float(), nullable=False)
          for name in ("weight", "weighted_progress", "weighted_expected", "progress_sum",
                       "expected_sum")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_tallies_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("plan_id", "dim", "key", name=op.f("pk_plan_tallies")),
    )  # fmt: skip
    op.create_table(
        "round_scores",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"]),
        sa.PrimaryKeyConstraint("round_id"),
    )


def downgrade() -> None:
    op.drop_table("round_scores")
    op.drop_table("plan_tallies")
    op.drop_table("plan_state")
    with op.batch_alter_table("task_state", schema=None) as batch_op:
        for name in ("attention", "deadline", "category", "unit", "health"):
            batch_op.drop_index(f"ix_task_state_{name}")
        batch_op.drop_index(batch_op.f("ix_task_state_parent_id"))
    op.drop_table("task_state")
