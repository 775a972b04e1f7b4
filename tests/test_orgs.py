"""组织: levels, parents, and units and plans moved under them (audited, versioned)."""

from __future__ import annotations

import pytest

from luoshi.errors import Conflict, InputError, NotFound, PermissionDenied
from luoshi.ledger import audit, orgs, units, users
from luoshi.ledger.db import Database
from tests.builders import admin, build_world


def test_levels_nest_downwards_only(db: Database) -> None:
    with db.transaction() as s:
        a = admin(s)
        province = orgs.add_org(s, a, "示范省", "省")
        city = orgs.add_org(s, a, "示范市", "市", province)
        orgs.add_org(s, a, "东区", "区", city)
        with pytest.raises(InputError, match="层级须更高"):
            orgs.add_org(s, a, "北街道上的市", "市", city)
        with pytest.raises(InputError, match="层级「县」无效"):
            orgs.add_org(s, a, "某县", "县")
        with pytest.raises(Conflict):
            orgs.add_org(s, a, "东区", "区", city)
        rows = orgs.list_orgs(s)
        assert [(r.name, r.parent) for r in rows] == [
            ("示范省", None),
            ("示范市", "示范省"),
            ("东区", "示范市"),
        ]
        assert [o.name for o in orgs.descendants(s, province)] == ["示范市", "东区"]
        assert orgs.get_org(s, str(city.id)) is city
        with pytest.raises(NotFound):
            orgs.get_org(s, "无此组织")


def test_units_and_plans_move_under_an_organisation_with_audit(db: Database) -> None:
    w = build_world(db)
    with db.transaction() as s:
        a = admin(s)
        city = orgs.add_org(s, a, "示范市", "市")
        unit = units.get_unit(s, "市教委")
        assert orgs.move_unit(s, a, unit, city, unit.version)
        assert not orgs.move_unit(s, a, unit, city)  # already there
        plan = w.plan(s)
        seen = plan.version
        assert orgs.move_plan(s, a, plan, city, seen)
        with pytest.raises(Conflict):
            orgs.move_plan(s, a, plan, None, seen)
        row = next(r for r in orgs.list_orgs(s) if r.name == "示范市")
        assert (row.units, row.plans) == (1, 1)
        event = audit.history(s, "units", unit.id)[-1]
        assert event.action == "move" and event.after["organisation_id"] == city.id  # type: ignore[index]
        with pytest.raises(PermissionDenied):
            orgs.move_plan(s, users.get_user(s, "reader"), plan, None)
