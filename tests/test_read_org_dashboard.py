"""组织总览: an organisation's totals are its plans' own dashboards added up, its child
organisations' rows roll up their subtrees, a level lists its organisations' plans."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from luoshi.errors import InputError
from luoshi.ledger import orgs, plans
from luoshi.ledger.db import Database
from luoshi.ledger.health import HEALTH_ORDER
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.dashboard import dashboard
from luoshi.ledger.read.linkage import plan_linkage
from luoshi.ledger.read.org_dashboard import OWN, level_dashboard, org_dashboard
from luoshi.ledger.read.state import plan_state
from luoshi.settings import HealthRules
from tests.builders import admin
from tests.org_support import ORGS, build_province

RULES = HealthRules()


def _own(s: Session, name: str) -> dict[str, object]:
    """A plan's figures as its own dashboard shows them."""
    f = dashboard(s, plans.get_plan(s, name), RULES, None, AsOf.today()).figures
    return {"tasks": f.total.tasks, "counts": f.total.counts, "overdue": f.total.overdue,
            "progress": f.progress}  # fmt: skip


def _under(name: str) -> list[str]:
    """The plans of ``name`` and every organisation under it."""
    out = list(ORGS[name][2])
    for child, (parent, _, _) in ORGS.items():
        if parent == name:
            out += _under(child)
    return out


def test_the_totals_are_the_plans_own_dashboards_added_up(db: Database) -> None:
    build_province(db)
    with db.transaction() as s:
        d = org_dashboard(s, orgs.get_org(s, "示范省"), RULES, None)
        own = {p: _own(s, p) for p in _under("示范省")}
        assert all(plan_state(s, plans.get_plan(s, p).id) is not None for p in own)
    assert sorted(p.name for p in d.plans) == sorted(own)
    for line in d.plans:
        mine = own[line.name]
        assert (line.tasks, line.counts, line.overdue) == (
            mine["tasks"], mine["counts"], mine["overdue"],
        )  # fmt: skip
        assert line.progress == pytest.approx(mine["progress"])
    assert d.total.plans == 7
    assert d.total.tasks == sum(int(str(o["tasks"])) for o in own.values())
    for h in HEALTH_ORDER:
        assert d.total.counts[h] == sum(o["counts"][h] for o in own.values())  # type: ignore[index]
    assert d.total.counts["done"] > 0 and d.total.counts["red"] > 0
    weighted = sum(p.tasks * p.progress for p in d.plans) / d.total.tasks
    assert d.total.progress == pytest.approx(weighted)


def test_each_child_organisation_rolls_up_its_subtree(db: Database) -> None:
    build_province(db)
    with db.transaction() as s:
        d = org_dashboard(s, orgs.get_org(s, "示范省"), RULES, None)
        city = org_dashboard(s, orgs.get_org(s, "甲市"), RULES, None)
    rows = {g.name: g for g in d.rows}
    assert list(rows) == [OWN, "甲市", "乙市"]
    assert rows[OWN].plans == 1 and rows["甲市"].plans == 4 and rows["乙市"].plans == 2
    assert sum(g.tasks for g in d.rows) == d.total.tasks
    for h in HEALTH_ORDER:
        assert sum(g.counts[h] for g in d.rows) == d.total.counts[h]
    # The city's own dashboard has the same totals as its row in the province's.
    assert (city.total.tasks, city.total.counts) == (rows["甲市"].tasks, rows["甲市"].counts)
    assert [g.name for g in city.rows] == [OWN, "甲东区", "甲西区"]
    assert [o.name for o in city.path] == ["示范省"]


def test_linkage_counts_agree_with_each_plans_coverage(db: Database) -> None:
    build_province(db)
    with db.transaction() as s:
        d = org_dashboard(s, orgs.get_org(s, "乙市"), RULES, None)
        yi, yn = plans.get_plan(s, "yi"), plans.get_plan(s, "yn")
        lower = plan_linkage(s, yn, RULES, AsOf.today())
        upper = plan_linkage(s, yi, RULES, AsOf.today())
    lines = {p.name: p for p in d.plans}
    (to_city,) = lower.upward
    (to_province,) = upper.upward
    # Two leaves, and the leaves of a group, answer the city's plan.
    assert lines["yn"].answering == lines["yn"].tasks - len(to_city.orphans) > 2
    assert lines["yi"].answering == lines["yi"].tasks - len(to_province.orphans)
    # 乙南区's is the only plan below 乙市's: its coverage is the city plan's 未承接.
    assert lines["yi"].unanswered == len(to_city.unanswered) > 0
    assert lines["yn"].unanswered is None  # nothing below a district plan


def test_a_level_lists_its_organisations_own_plans(db: Database) -> None:
    build_province(db)
    with db.transaction() as s:
        d = level_dashboard(s, "市", RULES, None)
        with pytest.raises(InputError, match="层级「县」无效"):
            level_dashboard(s, "县", RULES, None)
    assert [g.name for g in d.rows] == ["甲市", "乙市"]
    assert sorted(p.name for p in d.plans) == ["jia", "jia2", "yi"]
    assert d.total.plans == 3 and d.level == "市"
    assert d.total.tasks == sum(g.tasks for g in d.rows)


def test_drafts_and_plans_of_no_organisation_are_left_out(db: Database) -> None:
    build_province(db)
    with db.transaction() as s:
        a = admin(s)
        plans.set_state(s, a, plans.get_plan(s, "jx"), "draft")
        orgs.move_plan(s, a, plans.get_plan(s, "jd"), None)
    with db.transaction() as s:
        d = org_dashboard(s, orgs.get_org(s, "甲市"), RULES, None)
    assert sorted(p.name for p in d.plans) == ["jia", "jia2"]
    assert [g.plans for g in d.rows] == [2, 0, 0]


def test_a_plan_kept_for_another_day_is_computed(db: Database) -> None:
    build_province(db)
    with db.transaction() as s:
        st = plan_state(s, plans.get_plan(s, "jd").id)
        assert st is not None
        st.day = st.day.replace(year=st.day.year - 1)
    with db.transaction() as s:
        d = org_dashboard(s, orgs.get_org(s, "甲东区"), RULES, None)
        own = _own(s, "jd")
    (line,) = d.plans
    assert line.day == AsOf.today().day
    assert (line.tasks, line.counts) == (own["tasks"], own["counts"])
