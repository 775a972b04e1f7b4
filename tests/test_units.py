"""Units and users: unique names, roles, who may manage them."""

from __future__ import annotations

import pytest

from luoshi.errors import Conflict, InputError, NotFound, PermissionDenied
from luoshi.ledger import units, users
from luoshi.ledger.db import Database
from tests.builders import admin, build_world


def test_units_are_unique_and_counted(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        with pytest.raises(Conflict, match="单位「市教委」已存在"):
            units.add_unit(s, admin(s), "市教委")
        with pytest.raises(InputError, match="不能为空"):
            units.add_unit(s, admin(s), "  ")
        with pytest.raises(PermissionDenied):
            units.add_unit(s, world.user(s, "reader"), "新单位")
        # 、 separates units in the ledger's 配合单位 column and on the command line.
        with pytest.raises(InputError, match="单位名称「市商务局、市水务局」不能含顿号"):
            units.add_unit(s, admin(s), "市商务局、市水务局")
        with pytest.raises(InputError, match="不能含顿号"):
            units.rename_unit(s, admin(s), "市教委", "市教委、市体育局", None)
        with pytest.raises(InputError, match="不能含顿号"):
            units.ensure_units(s, admin(s), ["甲、乙"])
        with pytest.raises(InputError, match=r"单位名称「局局局.*」过长（201 个字符），最多 200"):
            units.add_unit(s, admin(s), "局" * 201)
        rows = {u.name: u for u in units.list_units(s)}
        assert rows["市交通运输委"].lead_tasks == 5
        assert rows["市水务局"].co_tasks == 2
        with pytest.raises(NotFound, match="单位「无」不存在"):
            units.get_unit(s, "无")
        made = units.ensure_units(s, admin(s), ["市教委", "新单位"])
        assert set(made) == {"市教委", "新单位"}


def test_users_have_valid_roles_and_reporters_a_unit(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        a = admin(s)
        with pytest.raises(InputError, match="角色「boss」无效"):
            users.add_user(s, a, "x", "boss")
        with pytest.raises(InputError, match="必须属于一个单位"):
            users.add_user(s, a, "x", "reporter")
        with pytest.raises(Conflict, match="已存在"):
            users.add_user(s, a, "port", "viewer")
        with pytest.raises(PermissionDenied, match="无权添加用户"):
            users.add_user(s, world.user(s, "boss"), "x", "viewer")
        listed = {u.username: unit for u, unit in users.list_users(s)}
        assert listed["port"] == "市交通运输委" and listed["boss"] is None
        assert users.local_admin(s, "local-admin").role == "admin"


def test_an_inactive_user_can_do_nothing(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        boss = world.user(s, "boss")
        boss.active = False
        with pytest.raises(PermissionDenied, match="已停用"):
            units.add_unit(s, boss, "新单位")


def test_passwords_are_hashed_set_by_admins_or_oneself_and_audited(db: Database) -> None:
    from luoshi.ledger import audit

    world = build_world(db)
    with db.transaction() as s:
        port, reader = world.user(s, "port"), world.user(s, "reader")
        users.set_password(s, admin(s), port, "first-password")
        assert port.password_hash and port.password_hash.startswith("$argon2")
        assert users.verify_password(port, "first-password")
        assert not users.verify_password(port, "wrong-password")
        users.set_password(s, port, port, "second-password")  # its own
        assert users.verify_password(port, "second-password")
        with pytest.raises(PermissionDenied):
            users.set_password(s, reader, port, "third-password")
        with pytest.raises(InputError, match="至少 12 个字符"):
            users.set_password(s, port, port, "short")
        assert not users.verify_password(None, "anything-at-all")
        assert not users.verify_password(reader, "no-password-set")
        port.active = False
        assert not users.verify_password(port, "second-password")
        events = audit.history(s, "users", port.id)
    assert [e.action for e in events][-2:] == ["set_password", "set_password"]
    assert all("password_hash" not in (e.after or {}) for e in events)


def test_a_unit_lists_its_active_reporters_by_name(db: Database) -> None:
    build_world(db)
    with db.transaction() as s:
        a = admin(s)
        users.add_user(s, a, "gang2", "reporter", display_name="李四", unit="市交通运输委")
        users.add_user(s, a, "viewer2", "viewer", display_name="王五")
        rows = {u.name: u for u in units.list_units(s)}
    port = rows["市交通运输委"]
    assert (port.reporters, port.reporter_names) == (2, ("port", "李四（gang2）"))
    assert (rows["市水务局"].reporters, rows["市水务局"].reporter_names) == (0, ())
