"""对接 links: proposals from alignment, their states, the audit trail, re-running."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from luoshi.errors import Conflict, InputError, PermissionDenied
from luoshi.ledger import audit, link_align, links, orgs, users
from luoshi.ledger.db import Database
from luoshi.ledger.models import TaskLink
from tests.builders import admin
from tests.link_support import build_levels


def _count(db: Database, **where: object) -> int:
    with db.transaction() as s:
        q = select(func.count()).select_from(TaskLink)
        for k, v in where.items():
            q = q.where(getattr(TaskLink, k) == v)
        return int(s.scalar(q) or 0)


def test_plan_align_proposes_links_with_score_reason_and_audit(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        r = link_align.align_plans(s, admin(s), lv.plan(s, "east"), lv.plan(s, "city"))
        assert r.created > 0 and r.updated == r.kept == r.withdrawn == 0
        rows = links.list_links(s, lv.plan(s, "east"))
        jobs = [x for x in rows if x.child_title.startswith("全年城镇新增就业")]
        assert jobs and jobs[0].parent_title == "促进高质量充分就业"
        assert jobs[0].state == "proposed" and jobs[0].origin == "align"
        assert jobs[0].score and any("就业" in w for w in jobs[0].reason["words"])  # type: ignore[index]
        events = audit.history(s, "task_links", jobs[0].id)
        assert [e.action for e in events] == ["propose"]
        assert events[0].actor == "local-admin" and events[0].after["state"] == "proposed"  # type: ignore[index]
        local = [x for x in rows if x.child_title.startswith("深入开展群众性文明创建")]
        assert local == []  # a local matter is left without a parent


def test_rerun_does_not_duplicate_and_keeps_decisions(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        east, city = lv.plan(s, "east"), lv.plan(s, "city")
        first = link_align.align_plans(s, admin(s), east, city)
        rows = links.list_links(s, east)
        accepted, rejected = rows[0], rows[1]
        links.decide(s, admin(s), links.get_link(s, accepted.id), "accepted")
        links.decide(s, admin(s), links.get_link(s, rejected.id), "rejected")
    total = _count(db)
    with db.transaction() as s:
        again = link_align.align_plans(s, admin(s), lv.plan(s, "east"), lv.plan(s, "city"))
    assert again.created == 0 and again.kept == 2
    assert _count(db) <= total and first.created == total
    with db.transaction() as s:
        assert links.get_link(s, accepted.id).state == "accepted"
        assert links.get_link(s, rejected.id).state == "rejected"
        # the child with an accepted link gets no other proposals into that plan
        others = [
            x
            for x in links.list_links(s, lv.plan(s, "east"))
            if x.child_code == accepted.child_code and x.id != accepted.id
        ]
        assert all(x.state != "proposed" for x in others)


def test_stale_proposals_are_withdrawn_with_an_audit_event(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        child = lv.task_titled(s, "east", "培育新兴产业")
        parent = lv.task_titled(s, "city", "推进教育优质发展")
        stale = links.create_link(s, admin(s), child, parent, "proposed", "align", 0.01)
        stale_id = stale.id
        r = link_align.align_plans(s, admin(s), lv.plan(s, "east"), lv.plan(s, "city"))
        assert r.withdrawn >= 1
        assert s.get(TaskLink, stale_id) is None
        assert [e.action for e in audit.history(s, "task_links", stale_id)] == [
            "create",
            "withdraw",
        ]


def test_accept_reject_record_who_and_when_and_check_the_version(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        link_align.align_plans(s, admin(s), lv.plan(s, "east"), lv.plan(s, "city"))
        link_id = links.list_links(s, lv.plan(s, "east"))[0].id
    with db.transaction() as s:
        boss = users.get_user(s, "boss")
        link = links.get_link(s, link_id)
        seen = link.version
        assert links.decide(s, boss, link, "accepted", seen)
        assert link.decided_by_id == boss.id and link.decided_at is not None
        assert not links.decide(s, boss, link, "accepted")  # already so: nothing written
    with db.transaction() as s, pytest.raises(Conflict):
        links.decide(s, admin(s), links.get_link(s, link_id), "rejected", seen)
    with db.transaction() as s:
        actions = [e.action for e in audit.history(s, "task_links", link_id)]
        assert actions == ["propose", "accept"]
        row = next(r for r in links.list_links(s, lv.plan(s, "city")) if r.id == link_id)
        assert row.state == "accepted" and row.decided_by == "boss"


def test_viewers_may_not_decide(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        link_align.align_plans(s, admin(s), lv.plan(s, "east"), lv.plan(s, "city"))
        link = links.get_link(s, links.list_links(s, lv.plan(s, "east"))[0].id)
        reader = users.get_user(s, "reader")
        with pytest.raises(PermissionDenied):
            links.decide(s, reader, link, "accepted")
        with pytest.raises(PermissionDenied):
            link_align.align_plans(s, reader, lv.plan(s, "west"), lv.plan(s, "city"))


def test_relink_moves_to_another_parent_accepted(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        child = lv.task_titled(s, "east", "培育新兴产业")
        wrong = lv.task_titled(s, "city", "推进教育优质发展")
        right = lv.task_titled(s, "city", "加快发展先进制造业")
        link = links.create_link(s, admin(s), child, wrong, "proposed", "align", 0.2)
        kept = links.relink(s, admin(s), link, right)
        assert kept.id == link.id and kept.parent_task_id == right.id
        assert kept.state == "accepted"
        assert audit.history(s, "task_links", link.id)[-1].action == "relink"
        # relinking to a parent it already has a link to accepts that one instead
        other = links.create_link(s, admin(s), child, wrong, "proposed", "align", 0.1)
        chosen = links.relink(s, admin(s), other, right)
        assert chosen.id == link.id and other.state == "rejected"


def test_bulk_accept_above_a_score(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        link_align.align_plans(s, admin(s), lv.plan(s, "east"), lv.plan(s, "city"))
        rows = links.list_links(s, lv.plan(s, "east"), "proposed")
        cut = sorted(r.score or 0 for r in rows)[len(rows) // 2]
        done = links.accept_above(s, admin(s), lv.plan(s, "east"), cut)
        assert done and all((x.score or 0) >= cut for x in done)
        left = links.list_links(s, lv.plan(s, "east"), "proposed")
        assert all((r.score or 0) < cut for r in left)
        assert len(done) + len(left) == len(rows)


def test_a_link_joins_plans_and_never_points_down(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        a = admin(s)
        east = lv.task_titled(s, "east", "培育新兴产业")
        east2 = lv.task_titled(s, "east", "稳定就业岗位")
        city = lv.task_titled(s, "city", "加快发展先进制造业")
        with pytest.raises(InputError, match="另一个计划"):
            links.create_link(s, a, east, east2)
        with pytest.raises(InputError, match="低于"):
            links.create_link(s, a, city, east)
        links.create_link(s, a, east, city)
        with pytest.raises(Conflict):
            links.create_link(s, a, east, city)


def test_deleting_a_plan_takes_its_links_and_keeps_them_in_the_audit(db: Database) -> None:
    from luoshi.ledger import plans, workflow

    lv = build_levels(db)
    with db.transaction() as s:
        r = link_align.align_plans(s, admin(s), lv.plan(s, "east"), lv.plan(s, "city"))
        assert r.created > 0
        ids = [x.id for x in links.list_links(s, lv.plan(s, "east"))]
        plans.delete_plan(s, admin(s), lv.plan(s, "east"))
    assert _count(db) == 0
    with db.transaction() as s:
        assert all(
            [e.action for e in audit.history(s, "task_links", i)][-1] == "delete" for i in ids
        )
        # A plan on which people recorded work is archived, never deleted.
        task = lv.plan_tasks(s, "west")[0]
        workflow.comment(s, admin(s), task, "请抓紧推进")
    with db.transaction() as s, pytest.raises(Conflict, match="1 条评论"):
        plans.delete_plan(s, admin(s), lv.plan(s, "west"))


def test_a_plan_never_aligns_upward_to_a_lower_or_answering_plan(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        a = admin(s)
        # a city plan proposing a district plan as its parent is refused before any proposal
        with pytest.raises(InputError, match="低于"):
            link_align.align_plans(s, a, lv.plan(s, "city"), lv.plan(s, "east"))
    assert _count(db) == 0
    with db.transaction() as s:
        a = admin(s)
        link_align.align_plans(s, a, lv.plan(s, "east"), lv.plan(s, "west"))  # peers may
        with pytest.raises(InputError, match="互为上级"):
            link_align.align_plans(s, a, lv.plan(s, "west"), lv.plan(s, "east"))
        west = lv.task_titled(s, "west", "培育新兴产业")
        east = lv.task_titled(s, "east", "培育新兴产业")
        with pytest.raises(InputError, match="互为上级"):
            links.create_link(s, a, west, east)


def test_accepting_a_proposal_checks_the_levels_again(db: Database) -> None:
    lv = build_levels(db)
    with db.transaction() as s:
        a = admin(s)
        link_align.align_plans(s, a, lv.plan(s, "east"), lv.plan(s, "city"))
        proposed = s.scalars(select(TaskLink).where(TaskLink.state == "proposed")).first()
        assert proposed is not None
        # the city plan is moved below the district after the proposal was made
        street = orgs.add_org(s, a, "某街道", "街道", orgs.get_org(s, "东区"))
        orgs.move_plan(s, a, lv.plan(s, "city"), street)
        with pytest.raises(InputError, match="低于"):
            links.decide(s, a, proposed, "accepted")
        assert links.decide(s, a, proposed, "rejected")  # rejecting stays possible
