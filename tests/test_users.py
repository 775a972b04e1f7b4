"""Users (ledger/users.py): names, passwords, sessions ended, deactivation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from luoshi.errors import InputError, PermissionDenied
from luoshi.ledger import audit, users
from luoshi.ledger.clock import now
from luoshi.ledger.db import Database
from luoshi.ledger.models import WebSession
from tests.builders import admin, build_world


@pytest.mark.parametrize("blank", ["", "   ", "\t\u3000"])
def test_a_blank_username_is_refused(db: Database, blank: str) -> None:
    build_world(db)
    with db.transaction() as s, pytest.raises(InputError, match="用户名不能为空"):
        users.add_user(s, admin(s), blank, "viewer")
    with db.transaction() as s:
        assert "" not in {u.username.strip() for u, _unit in users.list_users(s)}


def test_a_username_is_stored_without_surrounding_spaces(db: Database) -> None:
    build_world(db)
    with db.transaction() as s:
        assert users.add_user(s, admin(s), "  zhang ", "viewer").username == "zhang"


def sessions_of(db: Database, username: str) -> list[str]:
    with db.transaction() as s:
        user = users.get_user(s, username)
        q = select(WebSession.token_hash).where(WebSession.user_id == user.id)
        return sorted(s.scalars(q))


def open_sessions(db: Database, username: str, *hashes: str) -> None:
    with db.transaction() as s:
        user = users.get_user(s, username)
        for h in hashes:
            s.add(WebSession(token_hash=h, user_id=user.id, created_at=now(), last_seen=now()))


def test_a_new_password_ends_the_users_sessions_but_the_one_kept(db: Database) -> None:
    build_world(db)
    open_sessions(db, "port", "a" * 64, "b" * 64)
    open_sessions(db, "school", "c" * 64)
    with db.transaction() as s:
        port = users.get_user(s, "port")
        users.set_password(s, port, port, "changed-by-its-user", keep_session="a" * 64)
    assert sessions_of(db, "port") == ["a" * 64]
    with db.transaction() as s:
        users.set_password(s, admin(s), users.get_user(s, "port"), "reset-by-admin")
    assert sessions_of(db, "port") == []
    assert sessions_of(db, "school") == ["c" * 64]


def test_deactivating_ends_sessions_refuses_sign_in_and_is_audited(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        port = users.get_user(s, "port")
        users.set_password(s, admin(s), port, "harbour-keys-7")
    open_sessions(db, "port", "d" * 64)  # signed in again with the new password
    with db.transaction() as s, pytest.raises(PermissionDenied, match="无权停用用户"):
        users.set_active(s, world.user(s, "boss"), users.get_user(s, "port"), False)
    with db.transaction() as s:
        a = admin(s)
        with pytest.raises(InputError, match="不能停用自己的账号"):
            users.set_active(s, a, a, False)
        port = users.get_user(s, "port")
        assert users.set_active(s, a, port, False) is True
        assert users.set_active(s, a, port, False) is False  # already so: nothing written
        assert not users.verify_password(port, "harbour-keys-7")
    assert sessions_of(db, "port") == []
    with db.transaction() as s:
        port = users.get_user(s, "port")
        users.set_active(s, admin(s), port, True)
        assert users.verify_password(port, "harbour-keys-7")
        actions = [e.action for e in audit.history(s, "users", port.id)]
    assert actions[-2:] == ["deactivate", "activate"]
