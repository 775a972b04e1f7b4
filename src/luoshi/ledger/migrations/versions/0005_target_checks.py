"""Target checks: a later report read against a plan's targets, with the evidence.

Revision ID: 0005
Revises: 0003

Both tables are written once (running a check again adds a new check), and the
database refuses to change or remove their rows, as it does for audit events.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("target_checks", "target_check_results")


def _sqlite_guards(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
        for verb in ("update", "delete")
    ]


_POSTGRES_FUNCTION = """CREATE FUNCTION target_checks_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"""


def _protect() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for table in _TABLES:
            for statement in _sqlite_guards(table):
                op.execute(statement)
    elif dialect == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
        for table in _TABLES:
            op.execute(
                f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION target_checks_append_only()"""
            )


def upgrade() -> None:
    op.create_table(
        "target_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_target_checks_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_target_checks_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_target_checks_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_checks")),
    )
    with op.batch_alter_table("target_checks", schema=None) as batch_op:
        batch_op.create_index("ix_target_checks_plan_id_id", ["plan_id", "id"], unique=False)
    op.create_table(
        "target_check_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actual_start", sa.Integer(), nullable=True),
        sa.Column("actual_end", sa.Integer(), nullable=True),
        sa.Column("actual_text", sa.String(length=500), nullable=True),
        sa.Column("actual_value", sa.Float(), nullable=True),
        sa.Column("compared_value", sa.Float(), nullable=True),
        sa.Column("actual_unit", sa.String(length=50), nullable=True),
        sa.Column("actual_indicator", sa.String(length=500), nullable=True),
        sa.Column("sentence_start", sa.Integer(), nullable=True),
        sa.Column("sentence_end", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["target_checks.id"],
            name=op.f("fk_target_check_results_check_id_target_checks"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["targets.id"], name=op.f("fk_target_check_results_target_id_targets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_check_results")),
        sa.UniqueConstraint("check_id", "target_id", name=op.f("uq_target_check_results_check_id")),
    )
    with op.batch_alter_table("target_check_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_target_check_results_target_id_check_id", ["target_id", "check_id"], unique=False
        )
    _protect()


def downgrade() -> None:
    for table in _TABLES:
        if op.get_context().dialect.name == "sqlite":
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    with op.batch_alter_table("target_check_results", schema=None) as batch_op:
        batch_op.drop_index("ix_target_check_results_target_id_check_id")
    op.drop_table("target_check_results")
    with op.batch_alter_table("target_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_target_checks_plan_id_id")
    op.drop_table("target_checks")
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS target_checks_append_only() CASCADE")
