"""用户: the people who act on the ledger, and the built-in local administrator."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from luoshi.errors import Conflict, InputError, NotFound
from luoshi.ledger import audit, locking, passwords
from luoshi.ledger.access import ROLE_LABELS, require
from luoshi.ledger.clock import now
from luoshi.ledger.models import ROLES, Organisation, Unit, User, WebSession
from luoshi.ledger.orgs import get_org
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
    password: str | None = None,
    email: str | None = None,
    organisation: str | None = None,
) -> User:
    """A new user; a reporter must belong to a unit. Without a password it cannot sign in.
    With an ``organisation`` (name or id) a supervisor or viewer is scoped to it."""
    require(actor, ("admin",), "添加用户")
    username = username.strip()
    if not username:
        raise InputError("用户名不能为空")
    if role not in ROLES:
        choices = "、".join(f"{r}（{ROLE_LABELS[r]}）" for r in ROLES)
        raise InputError(f"角色「{role}」无效，可选：{choices}")
    if role == "reporter" and not unit:
        raise InputError(f"填报人 {username} 必须属于一个单位", ("unit",))
    if find_user(s, username) is not None:
        raise Conflict(f"用户「{username}」已存在")
    org = _org(s, organisation, username, role)
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        unit_id=get_unit(s, unit).id if unit else None,
        password_hash=hash_password(password, username) if password is not None else None,
        email=_email(email),
        active=True,
        created_at=now(),
        organisation_id=org.id if org else None,
    )
    s.add(user)
    audit.created(s, actor, [user])
    return user


def _org(s: Session, ref: str | None, username: str, role: str) -> Organisation | None:
    """The organisation ``ref`` names (None: none); an administrator is never scoped."""
    if not ref or not ref.strip():
        return None
    if role == "admin":
        raise InputError(f"管理员 {username} 不按组织限定范围，不能设置所属组织", ("organisation",))
    return get_org(s, ref.strip())


def set_organisation(
    s: Session, actor: User, user: User, organisation: str | None, seen: int | None = None
) -> bool:
    """所属组织: an administrator scopes a supervisor or viewer to an organisation and
    those below it (None or "": no longer scoped). False when it already was."""
    require(actor, ("admin",), f"修改用户 {user.username} 的所属组织")
    org = _org(s, organisation, user.username, user.role)
    changes = {"organisation_id": org.id if org else None}
    label = f"用户 {user.username}"
    return locking.update(s, actor, user, label, seen, changes, "set_organisation")


def org_names(s: Session) -> dict[int, str]:
    """Every organisation's name by id (for listing users)."""
    q = select(Organisation.id, Organisation.name).order_by(Organisation.id)
    return {i: name for i, name in s.execute(q)}


def _email(email: str | None) -> str | None:
    from luoshi.ledger.channels import check_email

    return check_email(email) if email and email.strip() else None


def set_email(s: Session, actor: User, user: User, email: str) -> None:
    """A user's own address for reminders (administrators set anyone's; "" clears)."""
    if actor.id != user.id:
        require(actor, ("admin",), f"修改用户 {user.username} 的电子邮箱")
    changes = {"email": _email(email)}
    locking.update(s, actor, user, f"用户 {user.username}", None, changes, "set_email")


def list_users(s: Session) -> Sequence[tuple[User, str | None]]:
    """Users by name, each with the name of its unit."""
    q = select(User, Unit.name).outerjoin(Unit, Unit.id == User.unit_id).order_by(User.username)
    return [(u, unit) for u, unit in s.execute(q)]


def unit_name(s: Session, user: User) -> str | None:
    """The name of the unit ``user`` belongs to, if any."""
    unit = s.get(Unit, user.unit_id) if user.unit_id else None
    return unit.name if unit else None


MIN_PASSWORD = passwords.MIN_LENGTH


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_memory_mb() -> float:
    """What one password check takes (argon2's memory_cost, in MB)."""
    return _hasher().memory_cost / 1024


def hash_password(password: str, username: str | None = None) -> str:
    """An argon2id hash of ``password`` (only the hash is ever stored); a short or
    common password is refused (passwords.py)."""
    passwords.check(password, username)
    return _hasher().hash(password)


def set_password(
    s: Session, actor: User, user: User, password: str, keep_session: str | None = None
) -> None:
    """设置密码: an administrator sets anyone's password, a user its own. Every session
    of ``user`` ends (whoever held an old token is out), except ``keep_session`` (the
    token hash of the session making the change)."""
    if actor.id != user.id:
        require(actor, ("admin",), f"设置用户 {user.username} 的密码")
    # The audit event records that the password changed, never the hash itself.
    changes = {"password_hash": hash_password(password, user.username)}
    locking.update(s, actor, user, f"用户 {user.username}", None, changes, "set_password")
    end_sessions(s, user, keep_session)


def set_active(s: Session, actor: User, user: User, active: bool) -> bool:
    """停用/启用: a deactivated user cannot sign in and its sessions end at once; its
    name stays on everything it did. False when it already was as asked."""
    action = "启用" if active else "停用"
    require(actor, ("admin",), f"{action}用户")
    if actor.id == user.id and not active:
        raise InputError(f"不能停用自己的账号（{user.username}），请由另一位管理员操作")
    label = f"用户 {user.username}"
    changed = locking.update(
        s, actor, user, label, None, {"active": active}, "activate" if active else "deactivate"
    )
    if not active:
        end_sessions(s, user)
    return changed


def end_sessions(s: Session, user: User, keep: str | None = None) -> int:
    """End every web session of ``user`` but the one whose token hash is ``keep``."""
    q = delete(WebSession).where(WebSession.user_id == user.id)
    if keep is not None:
        q = q.where(WebSession.token_hash != keep)
    ended: int = s.execute(q).rowcount  # type: ignore[attr-defined]
    return ended


def verify_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s; as slow for an unknown user as for a known one."""
    stored = user.password_hash if user is not None else None
    try:
        _hasher().verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None and user is not None and user.active


@cache
def _dummy_hash() -> str:
    # Verifying against a throwaway hash keeps unknown usernames from answering faster.
    return _hasher().hash("luoshi-no-such-user")


def set_role(
    s: Session, actor: User, user: User, role: str, unit: str | None, seen: int | None = None
) -> bool:
    """角色与单位: an administrator changes a user's role and unit (a reporter needs a
    unit). An administrator cannot take its own administrator role away."""
    require(actor, ("admin",), f"修改用户 {user.username} 的角色")
    if role not in ROLES:
        choices = "、".join(f"{r}（{ROLE_LABELS[r]}）" for r in ROLES)
        raise InputError(f"角色「{role}」无效，可选：{choices}", ("role",))
    if role == "reporter" and not unit:
        raise InputError(f"填报人 {user.username} 必须属于一个单位", ("unit",))
    if actor.id == user.id and role != "admin":
        raise InputError("不能取消自己的管理员角色，请由另一位管理员操作")
    unit_id = get_unit(s, unit).id if unit else None
    label = f"用户 {user.username}"
    changes: dict[str, object] = {"role": role, "unit_id": unit_id}
    if role == "admin":
        changes["organisation_id"] = None  # an administrator is never scoped
    return locking.update(s, actor, user, label, seen, changes)
