"""The write side shared by the API and the pages. Every change goes through a ledger
service, which checks the caller's role and unit and writes the audit trail."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from luoshi.errors import InputError, NotFound, PermissionDenied, Unauthenticated
from luoshi.ledger import (
    confirm,
    cycle,
    documents,
    logins,
    plans,
    remind,
    scoring,
    sessions,
    tasks,
    units,
    users,
    workflow,
)
from luoshi.ledger.documents import Ingested
from luoshi.ledger.models import Chase, Plan, ProgressReport, Review, Round, Unit, User
from luoshi.ledger.plans import plan_by_id as get_plan
from luoshi.ledger.plans import task_by_id as get_task
from luoshi.ledger.read.scores import keep_round_scores
from luoshi.ledger.tokens import token_hash
from luoshi.text.sources import SUFFIXES
from luoshi.web import uploads
from luoshi.web.context import Caller, WebContext

_UNSAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff（）()]+")
MAX_NAME = 120
# Accounts added on the web: a one-letter name is a slip of the keyboard, not a person.
MIN_USERNAME = 2
PasswordCheck = Callable[[User | None, str], bool]


def login(
    ctx: WebContext, username: str, password: str, ip: str, check: PasswordCheck | None = None
) -> tuple[str, User]:
    """Check a password (with ``check``, default users.verify_password); a session
    token on success. Checks are counted per username, address and in all before they
    are made, and refused outright past a limit (HTTP 429). Sign-ins, failures and
    the lock-outs they begin are audited."""
    limits = throttle(ctx)
    logins.begin_attempt(ctx.db, username, ip, limits)
    # Checked outside any transaction: argon2 takes a while and holds no lock.
    with ctx.db.transaction() as s:
        user = users.find_user(s, username)
    # Verified even for an unknown name, so it answers no faster (verify_password).
    if not (check or users.verify_password)(user, password) or user is None:
        with ctx.db.transaction() as s:
            logins.failed(s, username, user, ip, limits)
        raise Unauthenticated("用户名或密码错误")
    with ctx.db.transaction() as s:
        logins.clear_failures(s, username, ip)
        logins.signed_in(s, user, ip)
        return sessions.start(s, user), user


def throttle(ctx: WebContext) -> logins.Throttle:
    web = ctx.settings.web
    return logins.Throttle(
        web.login_attempts,
        timedelta(minutes=web.login_window_minutes),
        per_address=web.login_attempts_per_address,
        total=web.login_attempts_total,
    )


def logout(ctx: WebContext, caller: Caller, ip: str = "") -> None:
    with ctx.db.transaction() as s:
        sessions.end(s, caller.token)
        logins.signed_out(s, s.get(User, caller.user_id), caller.username, ip)


def safe_filename(name: str) -> str:
    """A file name from an upload, without directories or odd characters."""
    base = Path(name.replace("\\", "/")).name.strip()
    cleaned = _UNSAFE_NAME.sub("_", base).strip("._") or "upload"
    if len(cleaned) <= MAX_NAME:
        return cleaned
    # Shorten the stem, not the suffix: the suffix says how the file is read.
    suffix = Path(cleaned).suffix
    suffix = suffix if len(suffix) <= 10 else ""
    return cleaned[: MAX_NAME - len(suffix)] + suffix


def may_upload(ctx: WebContext, caller: Caller) -> None:
    """Refuse a caller the ledger would refuse, before its file is read."""
    with ctx.work(caller) as (_s, actor):
        documents.require_ingester(actor)


def check_upload(ctx: WebContext, filename: str, data: bytes) -> str:
    """The upload's safe name, once its size, type and unzipped size are acceptable."""
    web = ctx.settings.web
    if len(data) > web.max_upload_bytes:
        raise uploads.too_large(web)
    name = safe_filename(filename)
    if not name.lower().endswith(SUFFIXES):
        raise InputError(f"不支持的文件类型「{name}」，可上传：{'、'.join(SUFFIXES)}")
    uploads.check_unpacked(data, web)
    return name


def store_upload(ctx: WebContext, caller: Caller, prepared: documents.Prepared) -> Ingested:
    """Store an upload read and extracted beforehand (uploads.read_in_child): the
    transaction only checks for duplicates and inserts."""
    with ctx.work(caller) as (s, actor):
        return documents.ingest(s, actor, prepared)


def build_plan(
    ctx: WebContext, caller: Caller, document_id: int, name: str, title: str | None
) -> Plan:
    with ctx.work(caller) as (s, actor):
        doc = documents.get_document(s, document_id)
        return plans.build_plan(s, actor, doc, name.strip(), title=(title or "").strip() or None)


def confirm_lead_units(
    ctx: WebContext, caller: Caller, plan_id: int, codes: Sequence[str] | None
) -> tuple[list[str], int]:
    """确认: the suggested lead units of ``codes`` (all pending when None); the codes
    confirmed and how many stay 待确认."""
    with ctx.work(caller) as (s, actor):
        plan = get_plan(s, plan_id)
        done = confirm.confirm_lead_units(s, actor, plan, codes)
        return done, confirm.pending_count(s, plan.id)


def set_public(ctx: WebContext, caller: Caller, plan_id: int, public: bool) -> Plan:
    with ctx.work(caller) as (s, actor):
        plan = get_plan(s, plan_id)
        plans.set_public(s, actor, plan, public)
        return plan


def edit_task(
    ctx: WebContext, caller: Caller, task_id: int, version: int, values: dict[str, Any]
) -> bool:
    """修改/分派: the ledger checks the caller's role, every value and the version seen;
    False when every value was already current (nothing written)."""
    with ctx.work(caller) as (s, actor):
        task = get_task(s, task_id)
        label = tasks.task_label(get_plan(s, task.plan_id).name, task)
        return tasks.edit_task(s, actor, task, label, version, values)


def submit_report(
    ctx: WebContext,
    caller: Caller,
    task_id: int,
    percent: float,
    narrative: str,
    value: float | None = None,
    evidence: Sequence[str] = (),
    round_id: int | None = None,
    values: Mapping[int, float] | None = None,
) -> ProgressReport:
    """填报: percent, narrative, evidence, and ``values`` by target id (``value`` alone
    is the first target's)."""
    with ctx.work(caller) as (s, actor):
        task = get_task(s, task_id)
        # Held for the transaction: the session keeps only referenced objects, and the
        # checks and the upkeep under the write lock would each read the plan again.
        plan = get_plan(s, task.plan_id)
        rnd = cycle.round_for_report(s, plan.id, round_id)
        clean = [e.strip() for e in evidence if e.strip()]
        return cycle.submit_report(
            s, actor, rnd, task, percent, value, narrative.strip(), clean, values=values
        )


def review(
    ctx: WebContext,
    caller: Caller,
    report_id: int,
    accept: bool,
    reason: str | None,
    version: int | None = None,
) -> Review:
    with ctx.work(caller) as (s, actor):
        report = cycle.get_report(s, report_id)
        # Through the workflow: a closing request made with the report follows it.
        return workflow.review_report(s, actor, report, accept, reason, version)


def told(ctx: WebContext, review: Review | None, notice: str) -> str:
    """``notice`` ("returned", "reopened"), or its ``_unread`` form when no account of
    the report's unit reads its inbox, so the page does not promise it is told why."""
    if review is None:
        return notice
    with ctx.read() as s:
        return notice if remind.report_unit_reads(s, review.report_id) else f"{notice}_unread"


def open_round(
    ctx: WebContext, caller: Caller, plan_id: int, period: str, due: date | None
) -> Round:
    with ctx.work(caller) as (s, actor):
        return cycle.open_round(s, actor, get_plan(s, plan_id), period.strip(), due)


def close_round(ctx: WebContext, caller: Caller, round_id: int) -> Round:
    with ctx.work(caller) as (s, actor):
        rnd = cycle.get_round(s, round_id)
        cycle.close_round(s, actor, rnd, rules=ctx.rules)
        # The round's ranking is final now: stored with the close, read by the dashboard.
        rules = scoring.load_rules(ctx.settings.workflow.scoring_file)
        keep_round_scores(s, get_plan(s, rnd.plan_id), rnd, ctx.rules, rules)
        return rnd


def chase(
    ctx: WebContext, caller: Caller, round_id: int, unit: str | None, note: str | None
) -> tuple[list[Chase], set[int]]:
    """催办: the chases recorded, and the units of them no message reaches (无接收人)."""
    with ctx.work(caller) as (s, actor):
        rnd = cycle.get_round(s, round_id)
        events = cycle.chase(s, actor, rnd, unit or None, (note or "").strip() or None)
        # Recorded with the chase; sent by the scheduler of ``luoshi serve``, never here.
        remind.enqueue_chases(s, ctx.settings, rnd, events)
        return events, remind.unreachable(s, ctx.settings, [e.unit_id for e in events])


def add_unit(ctx: WebContext, caller: Caller, name: str) -> Unit:
    with ctx.work(caller) as (s, actor):
        return units.add_unit(s, actor, name)


def add_user(
    ctx: WebContext,
    caller: Caller,
    username: str,
    role: str,
    password: str,
    unit: str | None = None,
    display_name: str | None = None,
    organisation: str | None = None,
) -> User:
    username = username.strip()
    if len(username) < MIN_USERNAME:
        raise InputError(f"用户名至少 {MIN_USERNAME} 个字符")
    with ctx.work(caller) as (s, actor):
        return users.add_user(
            s, actor, username, role, display_name, unit or None, password,
            organisation=organisation or None,
        )  # fmt: skip


def set_organisation(
    ctx: WebContext, caller: Caller, user_id: int, organisation: str | None, seen: int | None
) -> User:
    """所属组织 of a user (administrators); None or "": no longer scoped."""
    with ctx.work(caller) as (s, actor):
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(f"用户 {user_id} 不存在")
        users.set_organisation(s, actor, user, organisation or None, seen)
        return user


def change_own_password(
    ctx: WebContext,
    caller: Caller,
    current: str,
    password: str,
    ip: str,
    check: PasswordCheck | None = None,
) -> None:
    """修改本人密码: only with the current password, so a stolen session cannot take the
    account over; its checks count against the same limit as logins. The caller's
    other sessions end, this one goes on."""
    limits = throttle(ctx)
    logins.begin_attempt(ctx.db, caller.username, ip, limits)
    with ctx.db.transaction() as s:
        user = s.get(User, caller.user_id)
    if user is None or not (check or users.verify_password)(user, current):
        with ctx.db.transaction() as s:
            logins.failed(s, caller.username, user, ip, limits)
        raise PermissionDenied("当前密码不正确，密码未修改")
    with ctx.work(caller) as (s, actor):
        logins.clear_failures(s, caller.username, ip)
        users.set_password(s, actor, actor, password, keep_session=token_hash(caller.token))


def set_active(ctx: WebContext, caller: Caller, user_id: int, active: bool) -> User:
    """停用/启用 an account (administrators); a deactivated one is signed out everywhere."""
    with ctx.work(caller) as (s, actor):
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(f"用户 {user_id} 不存在")
        users.set_active(s, actor, user, active)
        return user


def bulk_assign(
    ctx: WebContext,
    caller: Caller,
    plan_id: int,
    task_ids: Sequence[int],
    lead_unit: str,
    person: str,
) -> int:
    """批量分派: every selected task of the plan to ``lead_unit`` and/or ``person`` (empty:
    unchanged), all or nothing; the number of tasks changed."""
    values: dict[str, Any] = {}
    if lead_unit.strip():
        values["lead_unit"] = lead_unit.strip()
    if person.strip():
        values["person"] = person.strip()
    if not task_ids:
        raise InputError("请先勾选要分派的任务")
    if not values:
        raise InputError("请选择责任单位或填写责任人", ("lead_unit", "person"))
    changed = 0
    with ctx.work(caller) as (s, actor):
        plan = get_plan(s, plan_id)
        for task_id in dict.fromkeys(task_ids):
            task = get_task(s, task_id)
            if task.plan_id != plan.id:
                raise InputError(f"任务 {task_id} 不属于计划 {plan.name}")
            label = tasks.task_label(plan.name, task)
            changed += tasks.edit_task(s, actor, task, label, None, values)
    return changed


def bulk_review(
    ctx: WebContext, caller: Caller, report_ids: Sequence[int], versions: dict[int, int]
) -> int:
    """批量通过: accept every selected report, all or nothing (a report reviewed or
    changed since the queue was shown refuses the whole batch)."""
    if not report_ids:
        raise InputError("请先勾选要通过的进度报告")
    with ctx.work(caller) as (s, actor):
        for report_id in dict.fromkeys(report_ids):
            report = cycle.get_report(s, report_id)
            cycle.review(s, actor, report, True, None, versions.get(report_id))
    return len(set(report_ids))


def set_plan_state(ctx: WebContext, caller: Caller, plan_id: int, state: str) -> Plan:
    with ctx.work(caller) as (s, actor):
        plan = get_plan(s, plan_id)
        plans.set_state(s, actor, plan, state)
        return plan


def delete_plan(ctx: WebContext, caller: Caller, plan_id: int) -> str:
    with ctx.work(caller) as (s, actor):
        plan = get_plan(s, plan_id)
        name = plan.name
        plans.delete_plan(s, actor, plan)
        return name


def set_default_plan(ctx: WebContext, caller: Caller, plan_id: int | None, mine: bool) -> None:
    """默认计划: the office's (managers), or the caller's own (anyone)."""
    with ctx.work(caller) as (s, actor):
        plan = get_plan(s, plan_id) if plan_id is not None else None
        if mine:
            plans.set_user_default(s, actor, actor, plan)
        else:
            plans.set_office_default(s, actor, plan)


def archive_document(ctx: WebContext, caller: Caller, document_id: int, archived: bool) -> None:
    with ctx.work(caller) as (s, actor):
        documents.set_archived(s, actor, documents.get_document(s, document_id), archived)


def delete_document(ctx: WebContext, caller: Caller, document_id: int) -> None:
    with ctx.work(caller) as (s, actor):
        documents.delete_document(s, actor, documents.get_document(s, document_id))


def rename_unit(ctx: WebContext, caller: Caller, name: str, new_name: str) -> Unit:
    with ctx.work(caller) as (s, actor):
        return units.rename_unit(s, actor, name, new_name, None)


def merge_units(ctx: WebContext, caller: Caller, name: str, into: str) -> Unit:
    with ctx.work(caller) as (s, actor):
        return units.merge_units(s, actor, name, into)


def reset_password(ctx: WebContext, caller: Caller, user_id: int, password: str) -> None:
    """重设密码 by an administrator: the user's every session ends. Not one's own: that
    needs the current password (change_own_password), so a stolen session cannot."""
    if user_id == caller.user_id:
        raise PermissionDenied("修改本人密码请使用「修改密码」，并输入当前密码")
    with ctx.work(caller) as (s, actor):
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(f"用户 {user_id} 不存在")
        users.set_password(s, actor, user, password)


def set_role(ctx: WebContext, caller: Caller, user_id: int, role: str, unit: str | None) -> User:
    with ctx.work(caller) as (s, actor):
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(f"用户 {user_id} 不存在")
        users.set_role(s, actor, user, role, unit or None)
        return user
