"""登录记录: counting password checks to slow guessing, and the audit events of signing
in and out.

Checks are counted per username (wherever they come from: a locked account stays
locked from a new address), per address (one address trying many usernames) and
in total (a ceiling on the password checks of the whole site), all within one
window. Sign-ins, sign-outs, failed checks and lock-outs are audit events of the
entity ``logins``, whose id is the user's (0 for a username nobody has).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from luoshi.errors import TooManyRequests
from luoshi.ledger import audit_chain
from luoshi.ledger.clock import now
from luoshi.ledger.db import Database
from luoshi.ledger.models import AuditEvent, LoginFailure, User

ENTITY = "logins"


@dataclass(frozen=True)
class Throttle:
    """At most ``per_user`` password checks per username, ``per_address`` per address
    and ``total`` in all within ``window``."""

    per_user: int
    window: timedelta
    per_address: int = 20
    total: int = 300

    def refusal(self, scope: str) -> TooManyRequests:
        minutes = round(self.window.total_seconds() / 60)
        whose = {"address": "此地址", "total": "全站"}.get(scope, "此账号")
        return TooManyRequests(f"{whose}登录失败次数过多，请 {minutes} 分钟后再试")


def _key(username: str, ip: str) -> tuple[str, str]:
    return username[:100], ip[:64]


def _scopes(username: str, ip: str) -> dict[str, ColumnElement[bool]]:
    return {
        "user": LoginFailure.username == username,
        "address": LoginFailure.ip == ip,
        "total": LoginFailure.id.is_not(None),
    }


def _limits(throttle: Throttle) -> dict[str, int]:
    return {"user": throttle.per_user, "address": throttle.per_address, "total": throttle.total}


def _count(s: Session, where: ColumnElement[bool], since: datetime) -> int:
    return s.scalar(select(func.count()).where(where, LoginFailure.at > since)) or 0


def _over(s: Session, username: str, ip: str, throttle: Throttle, more_than: bool) -> str | None:
    """The first scope at its limit (or past it, with ``more_than``), else None."""
    since = now() - throttle.window
    limits = _limits(throttle)
    for scope, where in _scopes(username, ip).items():
        counted = _count(s, where, since)
        if counted > limits[scope] or (not more_than and counted == limits[scope]):
            return scope
    return None


def begin_attempt(db: Database, username: str, ip: str, throttle: Throttle) -> None:
    """Count a password check before it is made; 429 past any limit.

    The attempt is written (and committed) first, then the attempts of the window are
    counted, this one and those in flight included: however many arrive at once, each
    sees at least every attempt committed before it, so no more than the limit get
    through. The attempt stays as a failure unless ``clear_failures`` follows a right
    password; a refused one is taken back, so refusals do not prolong the lock-out."""
    who, addr = _key(username, ip)
    with db.transaction() as s:
        scope = _over(s, who, addr, throttle, more_than=False)
        if scope is not None:
            raise throttle.refusal(scope)  # nothing written while locked out
        attempt = LoginFailure(username=who, ip=addr, at=now())
        s.add(attempt)
    with db.transaction() as s:
        scope = _over(s, who, addr, throttle, more_than=True)
    if scope is not None:
        with db.transaction() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.id == attempt.id))
        raise throttle.refusal(scope)


def clear_failures(s: Session, username: str, ip: str) -> None:
    """Forget the failures of a username from an address once the right password is
    given there (failures from elsewhere still count against the username)."""
    who, addr = _key(username, ip)
    s.execute(delete(LoginFailure).where(LoginFailure.username == who, LoginFailure.ip == addr))


def failed(s: Session, username: str, user: User | None, ip: str, throttle: Throttle) -> None:
    """Audit a wrong password (or unknown username), and the lock-out it begins."""
    who, addr = _key(username, ip)
    reason = "unknown_user" if user is None else ("inactive" if not user.active else "password")
    _event(s, who, user, "login_failed", {"ip": addr, "reason": reason})
    scope = _over(s, who, addr, throttle, more_than=False)
    if scope is not None:
        minutes = round(throttle.window.total_seconds() / 60)
        _event(s, who, user, "lockout", {"ip": addr, "scope": scope, "minutes": minutes})


def signed_in(s: Session, user: User, ip: str, via: str = "password") -> None:
    _event(s, user.username, user, "sign_in", {"ip": ip[:64], "via": via})


def signed_out(s: Session, user: User | None, username: str, ip: str) -> None:
    _event(s, username, user, "sign_out", {"ip": ip[:64]})


def _event(s: Session, name: str, user: User | None, action: str, after: dict[str, Any]) -> None:
    audit_chain.append(
        s,
        AuditEvent(
            at=now(),
            actor_id=user.id if user is not None else None,
            actor=name[:100],
            entity=ENTITY,
            entity_id=user.id if user is not None else 0,
            action=action,
            before=None,
            after=after,
        ),
    )
