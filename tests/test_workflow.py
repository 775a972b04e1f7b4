"""The chain of a supervision office: 签收, 延期申请, 办结申请 → 复核, 领导批示 — on SQLite
and PostgreSQL (``db`` runs both), each step with its roles, audit and locking."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from luoshi.errors import Conflict, InputError, NotFound, PermissionDenied
from luoshi.ledger import audit, clock, cycle, outbox, remind, units, workflow, workflow_reads
from luoshi.ledger.db import Database
from luoshi.ledger.files import Stored
from luoshi.ledger.models import (
    Attachment,
    Notification,
    NotificationRead,
    Round,
    Task,
    TaskAck,
    User,
)
from luoshi.ledger.read import asof, records
from luoshi.ledger.read.detail import task_history
from luoshi.ledger.read.reports import report_row, review_queue
from luoshi.ledger.read.visibility import viewer_of
from luoshi.settings import HealthRules
from tests.builders import World, build_world

FUTURE = date(2099, 6, 30)


def open_round(world: World) -> int:
    with world.db.transaction() as s:
        return cycle.open_round(s, world.user(s, "boss"), world.plan(s), "2024-Q1", None).id


def test_a_unit_signs_its_task_once_and_only_its_own(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        ack = workflow.sign(s, world.user(s, "port"), world.task(s, "1.1.1.1"))
        assert ack.unit_id == world.user(s, "port").unit_id
    with pytest.raises(Conflict, match="已经签收过"), db.transaction() as s:
        workflow.sign(s, world.user(s, "port"), world.task(s, "1.1.1.1"))
    with pytest.raises(PermissionDenied, match="只能填报本单位的任务"), db.transaction() as s:
        workflow.sign(s, world.user(s, "port"), world.task(s, "1.2.1"))
    with pytest.raises(PermissionDenied, match="查看者"), db.transaction() as s:
        workflow.sign(s, world.user(s, "reader"), world.task(s, "1.1.1.1"))
    with db.transaction() as s:
        events = audit.history(s, "task_acks")
        assert [e.action for e in events] == ["sign"]
        assert s.scalars(select(TaskAck)).all()[0].task_id == world.task(s, "1.1.1.1").id


def test_an_approved_delay_moves_the_deadline_and_keeps_the_original(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        task = world.task(s, "1.2.1")
        original = task.deadline
        req = workflow.request_delay(s, world.user(s, "school"), task, FUTURE, "汛期提前，工期顺延")
        delay_id = req.id
        assert (req.status, req.deadline_before) == ("pending", original)
    with pytest.raises(Conflict, match="待审批的延期申请"), db.transaction() as s:
        workflow.request_delay(s, world.user(s, "school"), world.task(s, "1.2.1"), FUTURE, "再申请")
    with pytest.raises(PermissionDenied, match="无权审批延期申请"), db.transaction() as s:
        workflow.decide_delay(s, world.user(s, "school"), workflow.get_delay(s, delay_id), True)
    with pytest.raises(Conflict, match="已被他人修改"), db.transaction() as s:
        workflow.decide_delay(
            s, world.user(s, "boss"), workflow.get_delay(s, delay_id), True, None, 7
        )
    with db.transaction() as s:
        workflow.decide_delay(s, world.user(s, "boss"), workflow.get_delay(s, delay_id), True)
    with db.transaction() as s:
        task = world.task(s, "1.2.1")
        assert (task.deadline, task.original_deadline) == (FUTURE, original)
        moved = [e for e in audit.history(s, "tasks", task.id) if e.action == "delay"]
        assert len(moved) == 1
        assert moved[0].before is not None and moved[0].after is not None
        assert moved[0].before["deadline"] == original.isoformat()  # type: ignore[union-attr]
        assert moved[0].after["deadline"] == FUTURE.isoformat()
        assert [d["status"] for d in workflow_reads.delays(s, task_id=task.id)] == ["approved"]
        # The unit is told in the app.
        notices = outbox.inbox(s, world.user(s, "school"))[0]
        assert any("延期申请同意" in n["subject"] for n in notices)
    with pytest.raises(Conflict, match="已经审批过"), db.transaction() as s:
        workflow.decide_delay(
            s, world.user(s, "boss"), workflow.get_delay(s, delay_id), False, "迟"
        )


def test_the_offices_messages_go_to_supervisors_not_to_leaders(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        workflow.request_delay(s, world.user(s, "school"), world.task(s, "1.2.1"), FUTURE, "汛期")
        boss, leader = world.user(s, "boss"), world.user(s, "reader")
        asked = [n["subject"] for n in outbox.inbox(s, boss)[0]]
        assert any("延期申请待审批" in x for x in asked)
        # A viewer may not decide a delay: the request is not put to it.
        assert outbox.inbox(s, leader) == ([], 0)
        assert outbox.unread(s, leader.id, leader.role, leader.unit_id) == 0
        boss.active = False  # the office's only supervisor; local-admin still reads it
        s.flush()
        assert remind.no_reader(s, None) is None
        for u in s.scalars(select(User).where(User.role.in_(("admin", "supervisor")))):
            u.active = False
        s.flush()
        assert remind.no_reader(s, None) is not None  # a viewer alone does not count


def test_a_second_delay_keeps_the_first_original_deadline(db: Database) -> None:
    world = build_world(db)
    first, second = date(2098, 1, 31), date(2099, 1, 31)
    with db.transaction() as s:
        original = world.task(s, "1.2.1").deadline
        for until in (first, second):
            req = workflow.request_delay(
                s, world.user(s, "school"), world.task(s, "1.2.1"), until, "顺延"
            )
            workflow.decide_delay(s, world.user(s, "boss"), req, True)
        task = world.task(s, "1.2.1")
        assert (task.deadline, task.original_deadline) == (second, original)


def test_delay_requests_are_checked(db: Database) -> None:
    world = build_world(db)
    with pytest.raises(InputError, match="必须说明理由"), db.transaction() as s:
        workflow.request_delay(s, world.user(s, "school"), world.task(s, "1.2.1"), FUTURE, "  ")
    with pytest.raises(InputError, match="应晚于今天"), db.transaction() as s:
        workflow.request_delay(
            s, world.user(s, "school"), world.task(s, "1.2.1"), date(2020, 1, 1), "理由"
        )
    with db.transaction() as s:
        req = workflow.request_delay(
            s, world.user(s, "school"), world.task(s, "1.2.1"), FUTURE, "理由"
        )
    with pytest.raises(InputError, match="必须说明理由"), db.transaction() as s:
        workflow.decide_delay(s, world.user(s, "boss"), workflow.get_delay(s, req.id), False)
    with db.transaction() as s:
        workflow.decide_delay(
            s, world.user(s, "boss"), workflow.get_delay(s, req.id), False, "依据不足"
        )
        assert world.task(s, "1.2.1").original_deadline is None


def _stored() -> Stored:
    return Stored("ab" * 32, "验收报告.pdf", 1234, "application/pdf")


def test_a_close_request_accepted_closes_the_task(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    with db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        req = workflow.request_close(
            s,
            world.user(s, "port"),
            rnd,
            world.task(s, "1.1.1.2"),
            "智慧码头已建成投用",
            (),
            [_stored()],
        )
        close_id, report_id = req.id, req.report_id
        assert cycle.get_report(s, report_id).percent == 100
        files = s.scalars(select(Attachment)).all()
        assert [(a.report_id, a.close_request_id) for a in files] == [(report_id, close_id)]
        assert [e.action for e in audit.history(s, "attachments")] == ["upload"]
    with pytest.raises(Conflict, match="待复核的办结申请"), db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        workflow.request_close(s, world.user(s, "port"), rnd, world.task(s, "1.1.1.2"), "再来")
    with pytest.raises(PermissionDenied), db.transaction() as s:
        workflow.decide_close(s, world.user(s, "port"), workflow.get_close(s, close_id), True)
    with db.transaction() as s:
        workflow.decide_close(s, world.user(s, "boss"), workflow.get_close(s, close_id), True)
    with db.transaction() as s:
        assert world.task(s, "1.1.1.2").state == "done"
        assert workflow.get_close(s, close_id).status == "accepted"
        assert cycle.get_report(s, report_id).state == "accepted"


def test_a_close_request_returned_says_why_and_leaves_the_task_open(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    with db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        req = workflow.request_close(
            s, world.user(s, "port"), rnd, world.task(s, "1.1.1.2"), "已建成"
        )
    with pytest.raises(InputError, match="必须说明理由"), db.transaction() as s:
        workflow.decide_close(s, world.user(s, "boss"), workflow.get_close(s, req.id), False)
    with db.transaction() as s:
        workflow.decide_close(
            s, world.user(s, "boss"), workflow.get_close(s, req.id), False, "缺验收材料"
        )
    with db.transaction() as s:
        c = workflow.get_close(s, req.id)
        assert (c.status, c.decision_reason) == ("returned", "缺验收材料")
        assert world.task(s, "1.1.1.2").state == "open"
        subjects = [n["subject"] for n in outbox.inbox(s, world.user(s, "port"))[0]]
        assert any("被退回" in x for x in subjects)


def test_reviewing_the_final_report_in_the_queue_decides_the_close_request(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    with db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        req = workflow.request_close(
            s, world.user(s, "port"), rnd, world.task(s, "1.1.1.2"), "已建成"
        )
        workflow.review_report(s, world.user(s, "boss"), cycle.get_report(s, req.report_id), True)
        assert workflow.get_close(s, req.id).status == "accepted"


def test_a_newer_report_withdraws_the_close_request_made_with_the_one_it_replaces(
    db: Database,
) -> None:
    world = build_world(db)
    rid = open_round(world)
    with db.transaction() as s:
        rnd = s.get_one(Round, rid)
        port, task = world.user(s, "port"), world.task(s, "1.1.1.2")
        req = workflow.request_close(s, port, rnd, task, "已建成")
        cycle.submit_report(s, port, rnd, task, 90, narrative="尚缺验收")
    with db.transaction() as s:
        assert workflow.get_close(s, req.id).status == "superseded"
        assert [e.action for e in audit.history(s, "close_requests", req.id)][-1] == "superseded"
        assert workflow_reads.closes(s, task_id=world.task(s, "1.1.1.2").id, status="pending") == []
    with pytest.raises(Conflict, match="已被新报告取代"), db.transaction() as s:
        workflow.decide_close(s, world.user(s, "boss"), workflow.get_close(s, req.id), True)
    with db.transaction() as s:
        assert world.task(s, "1.1.1.2").state == "open"


def test_leaders_comment_and_the_units_see_it(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        task = world.task(s, "1.2.1")  # 市教委 leads, 市水务局 supports
        workflow.comment(s, world.user(s, "reader"), task, "请加快进度，汛前必须完成")
        with pytest.raises(PermissionDenied, match="无权批示任务"):
            workflow.comment(s, world.user(s, "school"), task, "自己批示")
        with pytest.raises(InputError, match="不能为空"):
            workflow.comment(s, world.user(s, "boss"), task, " ")
    with db.transaction() as s:
        task = world.task(s, "1.2.1")
        shown = workflow_reads.task_workflow(s, task)["comments"]
        assert [c["text"] for c in shown] == ["请加快进度，汛前必须完成"]
        inbox = s.scalars(select(Notification.recipient).where(Notification.kind == "notice")).all()
        assert len(inbox) == 2  # lead unit and co-unit
        school = world.user(s, "school")
        assert outbox.unread(s, school.id, school.role, school.unit_id) == 1
        outbox.mark_read(s, school)
        assert outbox.unread(s, school.id, school.role, school.unit_id) == 0


def test_a_message_opened_is_read_alone_and_the_mark_reads_the_rest(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        task, leader = world.task(s, "1.2.1"), world.user(s, "reader")
        for said in ("第一条批示", "第二条批示", "第三条批示"):
            workflow.comment(s, leader, task, said)
    with db.transaction() as s:
        school = world.user(s, "school")
        items, unread = outbox.inbox(s, school)
        assert unread == 3 and all(i["unread"] for i in items)
        outbox.open_message(s, school, items[1]["id"])
        outbox.open_message(s, school, items[1]["id"])  # twice: read once
        items, unread = outbox.inbox(s, school)
        assert unread == 2 and [i["unread"] for i in items] == [True, False, True]
        with pytest.raises(NotFound):  # another unit's inbox
            outbox.open_message(s, world.user(s, "port"), items[0]["id"])
        outbox.mark_read(s, school)
        assert outbox.unread(s, school.id, school.role, school.unit_id) == 0
        assert s.scalar(select(func.count()).select_from(NotificationRead)) == 0  # folded


def test_attachments_are_visible_to_whoever_sees_the_task(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    with db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        r = workflow.submit_report(
            s, world.user(s, "port"), rnd, world.task(s, "1.1.1.1"), 40, files=[_stored()]
        )
        aid = s.scalars(select(Attachment.id).where(Attachment.report_id == r.id)).one()
    with db.transaction() as s:
        for name in ("port", "boss", "reader"):
            viewer = viewer_of(s, world.user(s, name))
            assert workflow_reads.attachment_for(s, viewer, aid).name == "验收报告.pdf"
        other = viewer_of(s, world.user(s, "school"))
        with pytest.raises(PermissionDenied, match="无权下载"):
            workflow_reads.attachment_for(s, other, aid)
        # A report's record carries its evidence files (read.reports, read.records).
        row = report_row(s, r.id)
        assert row is not None
        recs = [records.report_record(row)]
        assert {k: recs[0]["attachments"][0][k] for k in ("id", "name", "size", "sha256")} == {
            "id": aid, "name": "验收报告.pdf", "size": 1234, "sha256": "ab" * 32,
        }  # fmt: skip


def test_report_states_name_accepted_reports(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    with db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        a = cycle.submit_report(s, world.user(s, "port"), rnd, world.task(s, "1.1.1.1"), 40)
        b = cycle.submit_report(s, world.user(s, "port"), rnd, world.task(s, "1.1.1.2"), 100)
        cycle.review(s, world.user(s, "boss"), b, True)
        ids = [t.id for t in s.scalars(select(Task).where(Task.plan_id == world.plan_id))]
        states = workflow_reads.report_states(s, rid, ids)
        assert states[a.task_id] == "submitted" and states[b.task_id] == "accepted"


def test_a_tasks_history_lists_its_workflow_steps_and_no_other_tasks(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        task = world.task(s, "1.1.1.1")
        workflow.sign(s, world.user(s, "port"), task)
        workflow.request_delay(s, world.user(s, "port"), task, FUTURE, "征地未完成")
        workflow.comment(s, world.user(s, "boss"), task, "请加快进度")
        workflow.sign(s, world.user(s, "school"), world.task(s, "1.2.1"))
        task_id = task.id
    with db.transaction() as s:
        viewer = viewer_of(s, world.user(s, "port"))
        events = task_history(s, viewer, task_id, HealthRules())
        flow = {"task_acks", "delay_requests", "close_requests", "task_comments", "attachments"}
        steps = [(e.entity, e.action) for e in events if e.entity in flow]
        assert steps == [
            ("task_acks", "sign"), ("delay_requests", "create"), ("task_comments", "create"),
        ]  # fmt: skip
        with pytest.raises(PermissionDenied):
            task_history(s, viewer_of(s, world.user(s, "school")), task_id, HealthRules())


def test_the_review_queue_flags_reports_for_supervisors_only(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    with db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        workflow.submit_report(s, world.user(s, "port"), rnd, world.task(s, "1.1.1.2"), 100)
    with db.transaction() as s:
        boss = review_queue(s, viewer_of(s, world.user(s, "boss")), world.plan_id, "submitted")
        assert boss[0].flags is not None and "no_evidence" in {f.code for f in boss[0].flags}
        assert "flags" in records.report_record(boss[0])
        port = review_queue(s, viewer_of(s, world.user(s, "port")), world.plan_id, "submitted")
        assert port[0].flags is None and "flags" not in records.report_record(port[0])


def _done_by_report(world: World, code: str) -> tuple[int, int]:
    """A task made done by an accepted 100% report: (round id, report id)."""
    rid = open_round(world)
    with world.db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        report = cycle.submit_report(s, world.user(s, "port"), rnd, world.task(s, code), 100)
    with world.db.transaction() as s:
        cycle.review(s, world.user(s, "boss"), cycle.get_report(s, report.id), True)
        assert world.task(s, code).state == "done"
    return rid, report.id


def test_a_supervisor_reopens_a_done_task_and_its_unit_reports_again(db: Database) -> None:
    world = build_world(db)
    rid, report_id = _done_by_report(world, "1.1.1.2")
    with db.transaction() as s:
        task = world.task(s, "1.1.1.2")
        event = workflow.reopen(s, world.user(s, "boss"), task, " 码头尚未验收 ", task.version)
        assert event is not None and event.decision == "returned"
    with db.transaction() as s:
        task = world.task(s, "1.1.1.2")
        assert task.state == "open"
        report = cycle.get_report(s, report_id)
        assert report.state == "returned"  # the 100% claim no longer counts
        row = report_row(s, report_id)
        assert row is not None and [r.reason for r in row.reviews][-1] == "撤销办结：码头尚未验收"
        assert "reopen" in [e.action for e in task_history(s, None, task.id, HealthRules())]
        port_unit = world.user(s, "port").unit_id
        told = s.scalars(select(Notification).where(Notification.unit_id == port_unit)).all()
        assert [(n.subject, n.body) for n in told][-1] == (
            "任务已重新打开：1.1.1.2",
            "码头尚未验收",
        )
        rnd = s.get(Round, rid)
        assert rnd is not None
        again = cycle.submit_report(s, world.user(s, "port"), rnd, task, 70)  # accepted now
        assert again.state == "submitted"


def test_reopening_is_refused_without_a_reason_role_or_done_task(db: Database) -> None:
    world = build_world(db)
    _done_by_report(world, "1.1.1.2")
    with pytest.raises(InputError, match="必须说明理由"), db.transaction() as s:
        workflow.reopen(s, world.user(s, "boss"), world.task(s, "1.1.1.2"), "  ")
    with pytest.raises(PermissionDenied), db.transaction() as s:
        workflow.reopen(s, world.user(s, "port"), world.task(s, "1.1.1.2"), "我想改")
    with pytest.raises(Conflict, match="已被他人修改"), db.transaction() as s:
        task = world.task(s, "1.1.1.2")
        workflow.reopen(s, world.user(s, "boss"), task, "理由", task.version - 1)
    with pytest.raises(Conflict, match="不是办结状态"), db.transaction() as s:
        workflow.reopen(s, world.user(s, "boss"), world.task(s, "1.2.1"), "理由")
    with db.transaction() as s:  # nothing was written by the refusals
        assert world.task(s, "1.1.1.2").state == "done"
        assert [e.action for e in audit.history(s, "tasks")].count("reopen") == 0


def test_a_reopened_task_was_done_as_of_a_moment_before_it_was_reopened(db: Database) -> None:
    world = build_world(db)
    _done_by_report(world, "1.1.1.2")
    between = clock.now()
    with db.transaction() as s:
        workflow.reopen(s, world.user(s, "boss"), world.task(s, "1.1.1.2"), "未完成")
    with db.transaction() as s:
        task_id = world.task(s, "1.1.1.2").id
        assert task_id in set(s.scalars(asof.tasks_done(between)))
        assert task_id not in set(s.scalars(asof.tasks_done(clock.now())))


def test_a_message_to_a_unit_no_account_reads_is_recorded_as_not_reaching_anyone(
    db: Database,
) -> None:
    """The record of messages said 已送达 of a reopened task's notice to a unit with no
    account; a 催办 to it says 无接收人, and so do these now."""
    world = build_world(db)
    with db.transaction() as s:
        task = world.task(s, "1.2.1")
        workflow.notice(s, world.user(s, "school").unit_id, task, "x:1", "主题", "")
        workflow.notice(s, units.get_unit(s, "市水务局").id, task, "x:2", "主题", "")
    with db.transaction() as s:
        found = {n.ref: (n.status, n.error) for n in s.scalars(select(Notification))}
    assert found["x:1"] == ("delivered", None)
    status, error = found["x:2"]
    assert status == "failed" and error is not None and "市水务局" in error
