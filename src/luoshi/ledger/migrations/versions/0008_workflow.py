"""The workflow of a supervision office: 签收, 延期申请, 办结申请, 领导批示, evidence files,
notifications; unit and user email addresses, unit webhooks, a task's original deadline.

Revision ID: 0008
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, other: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{other}.id"], name=op.f(f"fk_{table}_{column}_{other}")
    )


def _decided(table: str) -> list[sa.Column[object] | sa.ForeignKeyConstraint]:
    return [
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk(table, "decided_by", "users"),
    ]


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("webhook", sa.String(length=1000), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=200), nullable=True))
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_deadline", sa.Date(), nullable=True))
    op.create_table(
        "task_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _fk("task_acks", "task_id", "tasks"),
        _fk("task_acks", "unit_id", "units"),
        _fk("task_acks", "actor_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_acks")),
        sa.UniqueConstraint("task_id", "unit_id", name=op.f("uq_task_acks_task_id")),
    )
    _index("task_acks", "task_id")
    op.create_table(
        "delay_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("deadline_before", sa.Date(), nullable=True),
        sa.Column("requested", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        *_decided("delay_requests"),
        _fk("delay_requests", "task_id", "tasks"),
        _fk("delay_requests", "unit_id", "units"),
        _fk("delay_requests", "requester_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delay_requests")),
    )
    _index("delay_requests", "task_id")
    op.create_table(
        "close_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        *_decided("close_requests"),
        _fk("close_requests", "task_id", "tasks"),
        _fk("close_requests", "unit_id", "units"),
        _fk("close_requests", "requester_id", "users"),
        _fk("close_requests", "report_id", "progress_reports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_close_requests")),
    )
    _index("close_requests", "task_id")
    _index("close_requests", "report_id")
    op.create_table(
        "task_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _fk("task_comments", "task_id", "tasks"),
        _fk("task_comments", "author_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_comments")),
    )
    _index("task_comments", "task_id")
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("close_request_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("attachments", "task_id", "tasks"),
        _fk("attachments", "report_id", "progress_reports"),
        _fk("attachments", "close_request_id", "close_requests"),
        _fk("attachments", "uploader_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    for column in ("task_id", "report_id", "sha256"):
        _index("attachments", column)
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=50), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=50), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("tasks", sa.JSON(), nullable=False),
        sa.Column("letter_sha256", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        _fk("notifications", "unit_id", "units"),
        _fk("notifications", "plan_id", "plans"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint(
            "day", "kind", "ref", "channel", "recipient", name="uq_notifications_key"
        ),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_inbox", ["channel", "recipient", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_status"), ["status"], unique=False)
    op.create_table(
        "notification_marks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _fk("notification_marks", "user_id", "users"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_marks")),
    )


def downgrade() -> None:
    op.drop_table("notification_marks")
    op.drop_table("notifications")
    op.drop_table("attachments")
    op.drop_table("task_comments")
    op.drop_table("close_requests")
    op.drop_table("delay_requests")
    op.drop_table("task_acks")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("original_deadline")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("webhook")
        batch_op.drop_column("email")
