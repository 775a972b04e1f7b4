"""Users (ledger/users.py): names, passwords, sessions ended, deactivation."""

from __future__ import annotations

import pytest

from luoshi.errors import InputError
from luoshi.ledger import users
from luoshi.ledger.db import Database
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
