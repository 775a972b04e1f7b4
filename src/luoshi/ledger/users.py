"""用户: the people who act on the ledger, and the built-in local administrator."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import Conflict, InputError, NotFound
from luoshi.ledger import audit
from luoshi.ledger.access import ROLE_LABELS, require
from luoshi.ledger.clock import now
from luoshi.ledger.models import ROLES, Unit, User
from luoshi.ledger.units import get_unit


def find_user(s: Session, username: str) -> User | None:
    return s.scalars(select(User).where(User.username == username)).one_or_none()


def get_user(s: Session, username: str) -> User:
    user = find_user(s, username)
    if user is None:
        raise NotFound(f"用户「{username}」不存在（用 luoshi users add 添加）")
    return user


def local_admin(s: Session, username: str) -> User:
    """The administrator a local command acts as; created (and audited) on first use."""
    user = find_user(s, username)
    if user is not None:
        return user
    user = User(
        username=username, display_name="本地管理员", role="admin", active=True, created_at=now()
    )
    s.add(user)
    audit.created(s, user, [user])
    return user


def add_user(
    s: Session,
    actor: User,
    username: str,
    role: str,
    display_name: str | None = None,
    unit: str | None = None,
) -> User:
    """A new user; a reporter must belong to a unit."""
    require(actor, ("admin",), "添加用户")
    if role not in ROLES:
        choices = "、".join(f"{r}（{ROLE_LABELS[r]}）" for r in ROLES)
        raise InputError(f"角色「{role}」无效，可选：{choices}")
    if role == "reporter" and not unit:
        raise InputError(f"填报人 {username} 必须属于一个单位（--unit）")
    if find_user(s, username) is not None:
        raise Conflict(f"用户「{username}」已存在")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        unit_id=get_unit(s, unit).id if unit else None,
        active=True,
        created_at=now(),
    )
    s.add(user)
    audit.created(s, actor, [user])
    return user


def list_users(s: Session) -> Sequence[tuple[User, str | None]]:
    """Users by name, each with the name of its unit."""
    q = select(User, Unit.name).outerjoin(Unit, Unit.id == User.unit_id).order_by(User.username)
    return [(u, unit) for u, unit in s.execute(q)]
