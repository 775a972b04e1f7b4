"""A tamper-evident audit trail: each event carries the hash of the one before it, a
head row keeps the newest, and PostgreSQL refuses TRUNCATE as it refuses DELETE.
Failed logins are counted per address and in total too, so they get indexes.

Events recorded before this revision are hashed here, in id order.

Revision ID: 0007
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

from luoshi.ledger.audit_chain import FIELDS, GENESIS, HEAD_ID, link

revision: str = "0007"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0001's guard on SQLite, lifted while existing events get their hashes.
_SQLITE_NO_UPDATE = """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"""
_SQLITE_NO_DELETE = """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"""
_SQLITE_GUARDS = [
    """CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
    BEGIN SELECT RAISE(ABORT, 'audit_chain holds the audit trail''s head'); END""",
]
_POSTGRES_GUARDS = [
    # A row trigger never fires for TRUNCATE: a statement trigger does.
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE FUNCTION audit_chain_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_chain holds the audit trail''s head'; END $$""",
    """CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION audit_chain_guard()""",
    """CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_guard()""",
]

_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime()),
    sa.column("actor_id", sa.Integer()),
    sa.column("actor", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("before", sa.JSON()),
    sa.column("after", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    last_id, last_hash, count = _hash_existing_events()
    head = sa.table(
        "audit_chain",
        sa.column("id", sa.Integer()),
        sa.column("last_id", sa.Integer()),
        sa.column("last_hash", sa.String()),
        sa.column("events", sa.Integer()),
    )
    op.bulk_insert(
        head, [{"id": HEAD_ID, "last_id": last_id, "last_hash": last_hash, "events": count}]
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_ip", ["ip", "at"], unique=False)
        batch_op.create_index("ix_login_failures_at", ["at"], unique=False)
    dialect = op.get_context().dialect.name
    for statement in {"sqlite": _SQLITE_GUARDS, "postgresql": _POSTGRES_GUARDS}.get(dialect, []):
        op.execute(statement)


def _hash_existing_events() -> tuple[int | None, str, int]:
    """Chain the events already recorded, oldest first: (last id, last hash, count)."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(_events).order_by(_events.c.id)).mappings().all()
    if not rows:
        return None, GENESIS, 0
    prev, links = GENESIS, []
    for row in rows:
        digest = link({name: row[name] for name in FIELDS}, prev)
        links.append({"b_id": row["id"], "b_prev": prev, "b_hash": digest})
        prev = digest
    statement = (
        _events.update()
        .where(_events.c.id == sa.bindparam("b_id"))
        .values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash"))
    )
    with _guard_lifted(bind.dialect.name):
        bind.execute(statement, links)
    return rows[-1]["id"], prev, len(rows)


@contextmanager
def _guard_lifted(dialect: str) -> Iterator[None]:
    """The append-only guard off for the migration's own UPDATE, and back on after."""
    if dialect == "sqlite":
        op.execute("DROP TRIGGER audit_events_no_update")
    elif dialect == "postgresql":
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    yield
    if dialect == "sqlite":
        op.execute(_SQLITE_NO_UPDATE)
    elif dialect == "postgresql":
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")


def downgrade() -> None:
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_at")
        batch_op.drop_index("ix_login_failures_ip")
    dialect = op.get_context().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TABLE audit_chain")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_guard()")
    else:
        op.drop_table("audit_chain")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    if dialect == "sqlite":
        # Recreating the table (batch mode) dropped its triggers.
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        op.execute(_SQLITE_NO_UPDATE)
        op.execute(_SQLITE_NO_DELETE)
