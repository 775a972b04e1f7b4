"""管辖范围: organisation-scoped supervisors and viewers, in the ledger (SQLite and
PostgreSQL), and setting a user's organisation from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from luoshi.cli import cli
from luoshi.errors import InputError, PermissionDenied
from luoshi.ledger import cycle, links, orgs, plans, tasks, users
from luoshi.ledger.db import Database
from luoshi.ledger.models import AuditEvent, Plan, Task
from luoshi.ledger.read.visibility import (
    require_task_readable,
    viewer_of,
    visible_links,
    visible_plan,
)
from luoshi.ledger.scope import require_plan_manager, scope_of, subtree
from tests.builders import admin
from tests.scope_support import ScopeWorld, build_scope_world


@pytest.fixture
def world(db: Database) -> ScopeWorld:
    return build_scope_world(db)


def _org_ids(db: Database, *names: str) -> frozenset[int]:
    with db.transaction() as s:
        return frozenset(orgs.get_org(s, n).id for n in names)


def test_a_scope_is_the_organisation_and_everything_below_it(
    db: Database, world: ScopeWorld
) -> None:
    east_and_street = _org_ids(db, "东区", "东区某街道")
    every_city_org = _org_ids(db, "示范市", "东区", "西区", "东区某街道")
    with db.transaction() as s:
        assert subtree(s, orgs.get_org(s, "东区").id) == east_and_street
        assert scope_of(s, users.get_user(s, "east_boss")) == east_and_street
        assert scope_of(s, users.get_user(s, "east_reader")) == east_and_street
        assert scope_of(s, users.get_user(s, "city_boss")) == every_city_org
        # Users without an organisation, and administrators, are not scoped.
        assert scope_of(s, users.get_user(s, "boss")) is None
        assert scope_of(s, admin(s)) is None


def test_the_scope_helper_refuses_plans_out_of_scope_naming_them(
    db: Database, world: ScopeWorld
) -> None:
    with db.transaction() as s:
        east_boss = users.get_user(s, "east_boss")
        for name in ("east", "street"):
            require_plan_manager(s, east_boss, plans.get_plan(s, name), "发起调度")
        for name in ("city", "west", "nation"):
            with pytest.raises(PermissionDenied, match=f"东区.*计划「{name}」发起调度"):
                require_plan_manager(s, east_boss, plans.get_plan(s, name), "发起调度")
        city = plans.get_plan(s, "city")
        require_plan_manager(s, users.get_user(s, "city_boss"), city, "发起调度")
        require_plan_manager(s, users.get_user(s, "boss"), city, "发起调度")
        with pytest.raises(PermissionDenied, match="查看者"):
            require_plan_manager(s, users.get_user(s, "east_reader"), city, "发起调度")


def test_writes_on_an_upper_plan_are_refused_in_the_service_layer(
    db: Database, world: ScopeWorld
) -> None:
    with db.transaction() as s:
        east_boss = users.get_user(s, "east_boss")
        city, east = plans.get_plan(s, "city"), plans.get_plan(s, "east")
        with pytest.raises(PermissionDenied, match="city"):
            cycle.open_round(s, east_boss, city, "2025-Q1", None)
        with pytest.raises(PermissionDenied, match="city"):
            links.decide(s, east_boss, links.get_link(s, world.city_link), "rejected")
        task = s.get_one(Task, world.linked)
        with pytest.raises(PermissionDenied, match="city"):
            tasks.edit_task(s, east_boss, task, "city:1.1.1", None, {"person": "张三"})
        leaf = s.get_one(Task, world.east_leaf)
        with pytest.raises(PermissionDenied, match="city"):
            links.create_link(s, east_boss, s.get_one(Task, world.unlinked), leaf)
        # Its own plan: a round opens, and a link of its task to a city task is its to decide.
        assert cycle.open_round(s, east_boss, east, "2025-Q1", None).plan_id == east.id
        assert links.decide(s, east_boss, links.get_link(s, world.east_link), "rejected")
        made = links.create_link(s, east_boss, leaf, s.get_one(Task, world.unlinked))
        assert made.created_by_id == east_boss.id


def test_a_district_reads_the_city_tasks_it_answers_and_nothing_else(
    db: Database, world: ScopeWorld
) -> None:
    with db.transaction() as s:
        viewer = viewer_of(s, users.get_user(s, "east_reader"))
        assert require_task_readable(s, viewer, s.get_one(Task, world.east_leaf)) is False
        for upstream in (world.linked, world.proposed):
            assert require_task_readable(s, viewer, s.get_one(Task, upstream)) is True
        for hidden in (world.rejected, world.unlinked, world.city_leaf):
            with pytest.raises(PermissionDenied, match="不属于本组织"):
                require_task_readable(s, viewer, s.get_one(Task, hidden))
        with pytest.raises(PermissionDenied, match="city"):
            visible_plan(s, viewer, world.plans["city"])
        city = plans.get_plan(s, "city")
        shown = visible_links(s, viewer, links.list_links(s, city, task=s.get(Task, world.linked)))
        assert [r.id for r in shown] == [world.east_link]  # not the west's
        scoped = {p.name for p in plans.list_plans(s, viewer.org_ids)}
        assert scoped == {"east", "street"}
        everyone = viewer_of(s, users.get_user(s, "reader"))
        require_task_readable(s, everyone, s.get_one(Task, world.unlinked))
        assert {p.name for p in plans.list_plans(s, everyone.org_ids)} >= {"city", "nation"}


def test_a_scoped_supervisor_builds_plans_for_its_own_organisation(
    db: Database, world: ScopeWorld
) -> None:
    with db.transaction() as s:
        east_boss = users.get_user(s, "east_boss")
        doc_id = s.get_one(Plan, world.plans["east"]).document_id
        assert doc_id is not None
        from luoshi.ledger.documents import get_document

        made = plans.build_plan(s, east_boss, get_document(s, doc_id), "east2")
        assert made.organisation_id == east_boss.organisation_id


def test_setting_an_organisation_is_audited_and_refused_to_administrators(
    db: Database, world: ScopeWorld
) -> None:
    with db.transaction() as s:
        a = admin(s)
        reader = users.get_user(s, "reader")
        assert users.set_organisation(s, a, reader, "西区")
        assert not users.set_organisation(s, a, reader, "西区")
        assert users.set_organisation(s, a, reader, None)
    with db.transaction() as s:
        a, reader = admin(s), users.get_user(s, "reader")
        events = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "users",
                AuditEvent.entity_id == reader.id,
                AuditEvent.action == "set_organisation",
            )
        ).all()
        assert [(e.before or {}).get("organisation_id") for e in events] == [
            None,
            orgs.get_org(s, "西区").id,
        ]
        with pytest.raises(InputError, match="管理员"):
            users.set_organisation(s, a, a, "东区")
        with pytest.raises(PermissionDenied):
            users.set_organisation(s, users.get_user(s, "boss"), reader, "东区")


def test_users_add_and_org_on_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*args: str) -> str:
        r = CliRunner().invoke(cli, ["--database-url", url, *args])
        assert r.exit_code == 0, r.output + r.stderr
        return r.stdout

    run("orgs", "add", "示范市", "--level", "市")
    run("orgs", "add", "东区", "--level", "区", "--parent", "示范市")
    run("users", "add", "wang", "--role", "supervisor", "--org", "东区")
    run("users", "add", "li", "--role", "viewer")
    assert "东区" in next(x for x in run("users", "list").splitlines() if "wang" in x)
    assert "所属组织：示范市" in run("users", "org", "li", "示范市")
    assert "（未改变）" in run("users", "org", "li", "示范市")
    assert "所属组织：（无）" in run("users", "org", "wang", "--clear")
    db = Database.open(url)
    with db.transaction() as s:
        assert users.get_user(s, "wang").organisation_id is None
        assert users.get_user(s, "li").organisation_id == orgs.get_org(s, "示范市").id
    db.dispose()
    bad = CliRunner().invoke(cli, ["--database-url", url, "users", "org", "li", "南区"])
    assert bad.exit_code != 0 and "组织「南区」不存在" in bad.stderr
    bad = CliRunner().invoke(
        cli, ["--database-url", url, "users", "add", "root", "--role", "admin", "--org", "东区"]
    )
    assert bad.exit_code != 0 and "管理员" in bad.stderr
