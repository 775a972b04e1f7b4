"""登录会话: the storage of sign-in sessions and the generated secret key (failed logins
are counted in ledger/logins.py; the web keeps only the cookie and token plumbing).

A session is a random token given to the browser (cookie) or API client
(bearer); the database keeps its hash and when it was last used. It expires
after the configured idle time, and in any case after the maximum age.

Resuming a session is a read: refreshing ``last_seen`` and removing an expired
session are bookkeeping, done only when the database is free at that moment,
so a plain GET never waits for (or fails because of) another writer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Delete, Update, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from luoshi.errors import Busy
from luoshi.ledger import write_gate
from luoshi.ledger.clock import now
from luoshi.ledger.db import Database
from luoshi.ledger.models import AppSecret, Unit, User, WebSession
from luoshi.ledger.tokens import new_token, token_hash

log = logging.getLogger("luoshi.ledger")

SECRET_NAME = "session_key"
# Writing last_seen on every request would serialise readers behind a write lock;
# a minute of slack on an idle timeout of hours changes nothing.
TOUCH_EVERY = timedelta(seconds=60)


def secret_key(db: Database, configured: str | None) -> str:
    """The configured key, else the one generated on first run and kept in the database."""
    if configured:
        return configured
    with db.transaction() as s:
        stored = s.get(AppSecret, SECRET_NAME)
        if stored is not None:
            return stored.value
    try:
        with db.transaction() as s:
            value = new_token()
            s.add(AppSecret(name=SECRET_NAME, value=value, created_at=now()))
            return value
    except IntegrityError:
        # Another worker generated it at the same moment: use theirs.
        with db.transaction() as s:
            stored = s.get(AppSecret, SECRET_NAME)
            assert stored is not None
            return stored.value


def start(s: Session, user: User) -> str:
    """A new session for ``user``; returns the token (never stored)."""
    token = new_token()
    at = now()
    s.add(WebSession(token_hash=token_hash(token), user_id=user.id, created_at=at, last_seen=at))
    return token


@dataclass(frozen=True)
class Resumed:
    """The user behind a live session, as a request needs it (plain values: no ORM
    object outlives the lookup)."""

    user_id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    unit: str | None
    organisation_id: int | None


_S, _U = WebSession.__table__.c, User.__table__.c
# Built once, core only: every signed-in request asks it.
_RESUME = (
    select(
        _S.id.label("session_id"),
        _S.created_at,
        _S.last_seen,
        _U.id.label("user_id"),
        _U.username,
        _U.display_name,
        _U.role,
        _U.unit_id,
        _U.active,
        _U.organisation_id,
        Unit.__table__.c.name.label("unit"),
    )
    .select_from(WebSession.__table__)
    .join(User.__table__, _U.id == _S.user_id)
    .outerjoin(Unit.__table__, Unit.__table__.c.id == _U.unit_id)
    .where(_S.token_hash == bindparam("token_hash"))
)


def resume(db: Database, token: str, idle: timedelta, max_age: timedelta) -> Resumed | None:
    """The user of a live session, or None when the token is unknown, or has gone
    unused for ``idle``, or is older than ``max_age``."""
    with db.reading() as conn:
        row = conn.execute(_RESUME, {"token_hash": token_hash(token)}).one_or_none()
    if row is None:
        return None
    at = now()
    expired = at - row.last_seen > idle or at - row.created_at > max_age
    if expired or not row.active:
        _if_free(db, delete(WebSession).where(WebSession.id == row.session_id))
        return None
    if at - row.last_seen > TOUCH_EVERY:
        _if_free(db, update(WebSession).where(WebSession.id == row.session_id).values(last_seen=at))
    return Resumed(
        row.user_id, row.username, row.display_name, row.role, row.unit_id, row.unit,
        row.organisation_id,
    )  # fmt: skip


def _if_free(db: Database, statement: Update | Delete) -> None:
    """Run a bookkeeping write now, or skip it when another writer holds the database:
    the next request will try again, and an expired session is refused all the same."""
    try:
        with write_gate.not_waiting(), db.transaction() as s:
            s.execute(statement)
    except Busy:
        log.debug("session bookkeeping skipped: the database is busy")


def end(s: Session, token: str) -> None:
    s.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
