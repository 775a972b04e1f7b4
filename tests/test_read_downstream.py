"""下级进度 for a stream (read/downstream.py) equals the whole-view reading
(``linkage.downstream_of``), from kept rows and from computed views alike."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.ledger import breakdown, orgs
from luoshi.ledger.db import Database
from luoshi.ledger.read.asof import AsOf, end_of_day
from luoshi.ledger.read.downstream import answered_tasks, plan_downstream
from luoshi.ledger.read.linkage import downstream_of
from luoshi.ledger.read.views import plan_view
from luoshi.settings import HealthRules
from tests.builders import admin
from tests.link_support import DISTRICT, _plan, build_levels
from tests.test_read_linkage import _jobs_handed_down, _measure, _report

RULES = HealthRules()


def test_downstream_without_the_plans_rows_is_the_whole_views(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        a = admin(s)
        jobs, (east_jobs, west_jobs) = _jobs_handed_down(s, lv)
        east_measure = _measure(s, lv, "east", east_jobs)
        street_org = orgs.add_org(s, a, "东街道", "街道", orgs.get_org(s, "东区"))
        street = _plan(s, DISTRICT.replace("东区", "东街道"), "street")
        orgs.move_plan(s, a, street, street_org)
        (street_task,) = breakdown.hand_down(s, a, east_measure, [street])
        _report(s, lv.plan(s, "west"), _measure(s, lv, "west", west_jobs), 80)
        _report(s, street, street_task, 20)
        city_measure = _measure(s, lv, "city", jobs)
    today = date.today()
    # Today from the kept rows; the same day read "as it stood" from computed views.
    for at in (AsOf(today), AsOf(today, end_of_day(today))):
        with db.transaction() as s:
            for name in ("city", "east", "west", "street"):
                plan = lv.plan(s, name)
                want = downstream_of(s, plan_view(s, plan, RULES, at), RULES)
                assert plan_downstream(s, plan, RULES, at) == want, name
            city = plan_downstream(s, lv.plan(s, "city"), RULES, at)
            assert set(answered_tasks(s, lv.plan(s, "city").id)) >= set(city)
    with db.transaction() as s:
        got = plan_downstream(s, lv.plan(s, "city"), RULES, AsOf(today))
    assert got[city_measure.id].progress == pytest.approx((20 + 80) / 2)
    assert got[city_measure.id].reported == 2  # the street's and the west's measures
