"""Organisations (组织) and their levels; links between tasks of plans (对接); target shares.

Units and plans get a nullable organisation; links join a child task to a parent
task of another plan; a target share says a child target is part of a parent's.

Revision ID: 0006
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organisations.id"],
            name=op.f("fk_organisations_parent_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_organisations_name")),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisations_parent_id"), ["parent_id"], unique=False)
    for table in ("units", "plans"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
            batch_op.create_index(
                batch_op.f(f"ix_{table}_organisation_id"), ["organisation_id"], unique=False
            )
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_organisation_id_organisations"),
                "organisations",
                ["organisation_id"],
                ["id"],
            )
    _links()
    _shares()


def _links() -> None:
    op.create_table(
        "task_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_task_id", sa.Integer(), nullable=False),
        sa.Column("parent_task_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reason", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_task_id"], ["tasks.id"], name=op.f("fk_task_links_child_task_id_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["parent_task_id"], ["tasks.id"], name=op.f("fk_task_links_parent_task_id_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_task_links_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_task_links_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_links")),
        sa.UniqueConstraint(
            "child_task_id", "parent_task_id", name=op.f("uq_task_links_child_task_id")
        ),
    )
    with op.batch_alter_table("task_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_links_child_task_id"), ["child_task_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_task_links_parent_task_id"), ["parent_task_id"], unique=False
        )


def _shares() -> None:
    op.create_table(
        "target_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_target_id", sa.Integer(), nullable=False),
        sa.Column("child_target_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_target_id"],
            ["targets.id"],
            name=op.f("fk_target_shares_parent_target_id_targets"),
        ),
        sa.ForeignKeyConstraint(
            ["child_target_id"],
            ["targets.id"],
            name=op.f("fk_target_shares_child_target_id_targets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_shares")),
        sa.UniqueConstraint("child_target_id", name=op.f("uq_target_shares_child_target_id")),
    )
    with op.batch_alter_table("target_shares", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_target_shares_parent_target_id"), ["parent_target_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("target_shares")
    op.drop_table("task_links")
    for table in ("plans", "units"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_organisation_id_organisations"), type_="foreignkey"
            )
            batch_op.drop_index(batch_op.f(f"ix_{table}_organisation_id"))
            batch_op.drop_column("organisation_id")
    op.drop_table("organisations")
