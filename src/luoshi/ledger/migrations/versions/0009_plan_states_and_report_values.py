"""Plan states and defaults, archived documents, a value per target of a report.

Existing plans were in use, so they start active; the value each existing
report gave (for its task's first target) is copied into report_values.

Revision ID: 0009
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=10), server_default="active", nullable=False)
        )
        batch_op.add_column(
            sa.Column("office_default", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("default_plan_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_users_default_plan_id_plans"), "plans", ["default_plan_id"], ["id"]
        )
    op.create_table(
        "report_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_reports.id"],
            name=op.f("fk_report_values_report_id_progress_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["targets.id"], name=op.f("fk_report_values_target_id_targets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_values")),
        sa.UniqueConstraint("report_id", "target_id", name=op.f("uq_report_values_report_id")),
    )
    with op.batch_alter_table("report_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_values_report_id"), ["report_id"])
        batch_op.create_index(batch_op.f("ix_report_values_target_id"), ["target_id"])
    _jobs()
    op.execute(
        "INSERT INTO report_values (report_id, target_id, value) "
        "SELECT id, target_id, value FROM progress_reports "
        "WHERE target_id IS NOT NULL AND value IS NOT NULL"
    )


def _jobs() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_jobs_plan_id_plans"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_jobs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("token", name=op.f("uq_jobs_token")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_user_id"), ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_user_id"))
    op.drop_table("jobs")
    with op.batch_alter_table("report_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_values_target_id"))
        batch_op.drop_index(batch_op.f("ix_report_values_report_id"))
    op.drop_table("report_values")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_default_plan_id_plans"), type_="foreignkey")
        batch_op.drop_column("default_plan_id")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("archived")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("office_default")
        batch_op.drop_column("state")
