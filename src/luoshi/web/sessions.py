"""登录会话: sign-in sessions, the generated secret key, and counting failed logins.

A session is a random token given to the browser (cookie) or API client
(bearer); the database keeps its hash and when it was last used. It expires
after the configured idle time.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from luoshi.errors import TooManyRequests
from luoshi.ledger.clock import now
from luoshi.ledger.db import Database
from luoshi.ledger.models import AppSecret, LoginFailure, User, WebSession
from luoshi.web.security import new_token, token_hash

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


def resume(s: Session, token: str, idle: timedelta) -> User | None:
    """The user of a live session, or None when the token is unknown or has expired."""
    row = s.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == token_hash(token))
    ).one_or_none()
    if row is None:
        return None
    session, user = row
    at = now()
    if at - session.last_seen > idle or not user.active:
        s.delete(session)
        return None
    if at - session.last_seen > TOUCH_EVERY:
        session.last_seen = at
    return user


def end(s: Session, token: str) -> None:
    s.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def check_attempts(s: Session, username: str, ip: str, limit: int, window: timedelta) -> None:
    """Refuse to even check a password after ``limit`` failures within ``window``."""
    since = now() - window
    count = s.scalar(
        select(func.count()).where(
            LoginFailure.username == username, LoginFailure.ip == ip, LoginFailure.at > since
        )
    )
    if (count or 0) >= limit:
        minutes = round(window.total_seconds() / 60)
        raise TooManyRequests(f"登录失败次数过多，请 {minutes} 分钟后再试")


def record_failure(s: Session, username: str, ip: str) -> None:
    s.add(LoginFailure(username=username[:100], ip=ip[:64], at=now()))


def clear_failures(s: Session, username: str, ip: str) -> None:
    """Forget the failures of a username and address once the right password is given."""
    s.execute(delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.ip == ip))
