"""登录会话: the storage of sign-in sessions, the generated secret key, and counting failed
logins (the web keeps only the cookie and token plumbing).

A session is a random token given to the browser (cookie) or API client
(bearer); the database keeps its hash and when it was last used. It expires
after the configured idle time, and in any case after the maximum age.

Resuming a session is a read: refreshing ``last_seen`` and removing an expired
session are bookkeeping, done only when the database is free at that moment,
so a plain GET never waits for (or fails because of) another writer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Delete, Update, delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from luoshi.errors import Busy, TooManyRequests
from luoshi.ledger.clock import now
from luoshi.ledger.db import Database
from luoshi.ledger.models import AppSecret, LoginFailure, Unit, User, WebSession
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


def resume(
    db: Database, token: str, idle: timedelta, max_age: timedelta
) -> tuple[User, str | None] | None:
    """The user of a live session and the name of its unit, or None when the token is
    unknown, or has gone unused for ``idle``, or is older than ``max_age``."""
    with db.transaction() as s:
        row = s.execute(
            select(WebSession, User, Unit.name)
            .join(User, User.id == WebSession.user_id)
            .outerjoin(Unit, Unit.id == User.unit_id)
            .where(WebSession.token_hash == token_hash(token))
        ).one_or_none()
    if row is None:
        return None
    session, user, unit = row
    at = now()
    expired = at - session.last_seen > idle or at - session.created_at > max_age
    if expired or not user.active:
        _if_free(db, delete(WebSession).where(WebSession.id == session.id))
        return None
    if at - session.last_seen > TOUCH_EVERY:
        _if_free(db, update(WebSession).where(WebSession.id == session.id).values(last_seen=at))
    return user, unit


def _if_free(db: Database, statement: Update | Delete) -> None:
    """Run a bookkeeping write now, or skip it when another writer holds the database:
    the next request will try again, and an expired session is refused all the same."""
    try:
        with db.transaction() as s, _no_wait(s):
            s.execute(statement)
    except Busy:
        log.debug("session bookkeeping skipped: the database is busy")


@contextmanager
def _no_wait(s: Session) -> Iterator[None]:
    """SQLite waits busy_timeout (5 s) for a lock; for this write, not at all."""
    if s.get_bind().dialect.name != "sqlite":
        yield
        return
    waited = s.execute(text("PRAGMA busy_timeout")).scalar()
    s.execute(text("PRAGMA busy_timeout=0"))
    try:
        yield
    finally:
        s.execute(text(f"PRAGMA busy_timeout={int(waited or 0)}"))


def end(s: Session, token: str) -> None:
    s.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


@dataclass(frozen=True)
class Throttle:
    """At most ``limit`` password checks per username and address within ``window``."""

    limit: int
    window: timedelta

    def refusal(self) -> TooManyRequests:
        minutes = round(self.window.total_seconds() / 60)
        return TooManyRequests(f"登录失败次数过多，请 {minutes} 分钟后再试")


def begin_attempt(db: Database, username: str, ip: str, throttle: Throttle) -> None:
    """Count a password check before it is made; 429 past the limit.

    The attempt is written (and committed) first, then the attempts of the window are
    counted, this one and those in flight included: however many arrive at once, each
    sees at least every attempt committed before it, so no more than ``limit`` get
    through. The attempt stays as a failure unless ``clear_failures`` follows a right
    password; a refused one is taken back, so refusals do not prolong the lock-out."""
    who, addr = _key(username, ip)
    since = now() - throttle.window
    with db.transaction() as s:
        if _attempts(s, who, addr, since) >= throttle.limit:
            raise throttle.refusal()  # nothing written while locked out
        attempt = LoginFailure(username=who, ip=addr, at=now())
        s.add(attempt)
    with db.transaction() as s:
        counted = _attempts(s, who, addr, since)
    if counted > throttle.limit:
        with db.transaction() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.id == attempt.id))
        raise throttle.refusal()


def _key(username: str, ip: str) -> tuple[str, str]:
    return username[:100], ip[:64]


def _attempts(s: Session, username: str, ip: str, since: datetime) -> int:
    count = s.scalar(
        select(func.count()).where(
            LoginFailure.username == username, LoginFailure.ip == ip, LoginFailure.at > since
        )
    )
    return count or 0


def clear_failures(s: Session, username: str, ip: str) -> None:
    """Forget the failures of a username and address once the right password is given."""
    who, addr = _key(username, ip)
    s.execute(delete(LoginFailure).where(LoginFailure.username == who, LoginFailure.ip == addr))
