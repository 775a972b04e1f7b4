"""提醒: work out what is due today, record it once, send it, record how it went.

``run`` is what ``luoshi remind`` and the scheduler of ``luoshi serve`` call. The
messages are recorded in one transaction (the unique key of each is its lock),
then sent one by one outside it; a dead mail server or webhook is a failed row
with its error, never a lost one. ``enqueue_chases`` records the messages of a
催办 in the chase's own transaction; they are sent by the next delivery.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import InputError
from luoshi.ledger import channels, cycle, outbox
from luoshi.ledger.access import MANAGERS
from luoshi.ledger.db import Database
from luoshi.ledger.files import FileStore, files_root
from luoshi.ledger.models import Chase, Notification, Plan, Round, Task, Unit, User
from luoshi.ledger.remind_facts import all_facts
from luoshi.ledger.reminders import (
    LETTER_LEVEL,
    Due,
    Line,
    Schedule,
    body_of,
    due_messages,
    load_schedule,
    subject_of,
)
from luoshi.settings import Settings

# Makes the Word 督办函 of an overdue message: (unit, plan, due, day) -> .docx bytes.
LetterMaker = Callable[[str, str, Due, date], bytes]
MANAGER_ROLES = ("admin", "supervisor", "viewer")


@dataclass
class RemindResult:
    """What a run did: messages recorded now, already recorded before, sent, failed."""

    planned: list[outbox.Outgoing] = field(default_factory=list)
    recorded: int = 0
    already: int = 0
    delivered: int = 0
    failed: list[tuple[int, str, str]] = field(default_factory=list)  # id, channel, error
    notes: list[str] = field(default_factory=list)


def run(
    db: Database,
    settings: Settings,
    day: date,
    dry_run: bool = False,
    letter: LetterMaker | None = None,
    retry: bool = False,
) -> RemindResult:
    """Record the day's reminders (skipping those already recorded), then send every
    message waiting — this run's and any left by chases."""
    result = RemindResult()
    schedule = load_schedule(
        settings.workflow.reminders_file, settings.workflow.unsigned_after_days
    )
    with db.transaction() as s:
        dues = due_messages_of(s, settings, day, schedule)
        msgs = expand(s, settings, dues, day, None if dry_run else letter)
        result.planned = msgs
        if not settings.workflow.smtp_url:
            result.notes.append("未配置邮件服务器（LUOSHI_SMTP_URL），本次不发邮件")
        for m in msgs:
            if dry_run:
                result.already += outbox.taken(s, m)
            elif outbox.enqueue(s, m) is None:
                result.already += 1
            else:
                result.recorded += 1
    if not dry_run:
        deliver(db, settings, result, retry)
    return result


def due_messages_of(s: Session, settings: Settings, day: date, schedule: Schedule) -> list[Due]:
    return due_messages(all_facts(s, settings.health, day), schedule, day)


def expand(
    s: Session, settings: Settings, dues: Sequence[Due], day: date, letter: LetterMaker | None
) -> list[outbox.Outgoing]:
    """Each due message on each channel its recipient has: email (when a mail server is
    set and addresses are known), webhook (a unit's), and always in the app."""
    units = {u.id: u for u in s.scalars(select(Unit))}
    # Named by title, as a unit knows the document (its short code is the office's).
    plans = {
        i: title or name for i, title, name in s.execute(select(Plan.id, Plan.title, Plan.name))
    }
    out: list[outbox.Outgoing] = []
    for due in dues:
        unit = units.get(due.unit_id) if due.unit_id is not None else None
        unit_name = unit.name if unit else "督查室"
        plan = plans.get(due.plan_id, "")
        subject = subject_of(due, unit_name, plan)
        body = body_of(due, unit_name, plan, _link(settings))
        sha = _letter(settings, letter, unit_name, plan, due, day)
        recipient = f"unit:{due.unit_id}" if due.unit_id is not None else "office"
        targets = _targets(s, settings, unit)
        # In the app only, and no one reads the inbox: the message reaches nobody.
        alone = no_reader(s, unit) if len(targets) == 1 else None
        for channel, target in targets:
            error = alone if channel == "inapp" else None
            out.append(
                outbox.Outgoing(
                    day, due.kind, due.ref, due.level, channel, recipient, due.unit_id,
                    target, subject, body, due.plan_id, due.task_ids, sha, error,
                )
            )  # fmt: skip
    return out


NO_READER = "无接收人"


def report_unit_reads(s: Session, report_id: int) -> bool:
    """Whether an account reads the inbox of the unit that made report ``report_id``: a
    page that says "the unit is told why" says so only when someone will read it."""
    report = cycle.get_report(s, report_id)
    return no_reader(s, s.get(Unit, report.unit_id)) is None


def no_reader(s: Session, unit: Unit | None) -> str | None:
    """Why an in-app message to ``unit`` (None: the office) reaches no one, or None when
    an active account reads its inbox: a unit's reporters, the office's managers."""
    q = select(User.id).where(User.active)
    if unit is None:
        q = q.where(User.role.in_(MANAGERS))
    else:
        q = q.where(User.role == "reporter", User.unit_id == unit.id)
    if s.scalars(q.limit(1)).first() is not None:
        return None
    if unit is None:
        return f"{NO_READER}：督查室没有可登录的督查账号，站内消息无人查看"
    return (
        f"{NO_READER}：单位「{unit.name}」没有可登录的填报账号，站内消息无人查看；"
        "请为该单位添加用户，或填写单位邮箱、群机器人地址"
    )


def unreachable(s: Session, settings: Settings, unit_ids: Sequence[int]) -> set[int]:
    """The units a 催办 would reach no one in: no reader of their inbox, no mailbox (or
    no mail server) and no webhook."""
    found = set()
    for unit in s.scalars(select(Unit).where(Unit.id.in_(unit_ids))):
        if len(_targets(s, settings, unit)) == 1 and no_reader(s, unit):
            found.add(unit.id)
    return found


def _link(settings: Settings) -> str:
    return f"{settings.workflow.public_url}/" if settings.workflow.public_url else ""


def _letter(
    settings: Settings, letter: LetterMaker | None, unit: str, plan: str, due: Due, day: date
) -> str | None:
    if letter is None or due.kind != "overdue" or due.level < LETTER_LEVEL or due.unit_id is None:
        return None
    return FileStore(files_root(settings)).put(letter(unit, plan, due, day))


def _targets(s: Session, settings: Settings, unit: Unit | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    addresses = _emails(s, unit)
    if settings.workflow.smtp_url and addresses:
        found.append(("email", ", ".join(addresses)))
    if unit is not None and unit.webhook:
        found.append(("webhook", channels.mask(unit.webhook)))
    found.append(("inapp", ""))
    return found


def _emails(s: Session, unit: Unit | None) -> list[str]:
    """A unit's mailbox and its active users'; for the office, its managers' and leaders'."""
    q = select(User.email).where(User.active, User.email.is_not(None))
    if unit is None:
        q = q.where(User.role.in_(MANAGER_ROLES))
        own: list[str] = []
    else:
        q = q.where(User.unit_id == unit.id)
        own = [unit.email] if unit.email else []
    return list(dict.fromkeys([*own, *(e for e in s.scalars(q.order_by(User.id)) if e)]))


def deliver(db: Database, settings: Settings, result: RemindResult, retry: bool = False) -> None:
    """Send every message waiting; each claimed by this worker before it is sent."""
    with db.transaction() as s:
        ids = outbox.sendable(s, retry)
    for notification_id in ids:
        with db.transaction() as s:
            n = outbox.claim(s, notification_id, retry)
            if n is None:
                continue
            job = _job(s, settings, n)
        outcome = _send(settings, job)
        with db.transaction() as s:
            outbox.finish(s, notification_id, outcome.ok, outcome.error)
        if outcome.ok:
            result.delivered += 1
        else:
            result.failed.append((notification_id, job.channel, outcome.error or ""))


@dataclass(frozen=True)
class _Job:
    channel: str
    url: str | None
    subject: str
    body: str
    letter: str | None
    letter_name: str
    problem: str | None = None


def _job(s: Session, settings: Settings, n: Notification) -> _Job:
    """What sending ``n`` needs, read while the row is claimed (a webhook's real URL)."""
    unit = s.get(Unit, n.unit_id) if n.unit_id is not None else None
    name = f"督办函-{unit.name if unit else '督查室'}-{n.day.isoformat()}.docx"
    try:
        if n.channel == "email":
            if not settings.workflow.smtp_url:
                raise InputError("未配置邮件服务器（LUOSHI_SMTP_URL）")
            to = [a.strip() for a in n.target.split(",") if a.strip()]
            url = channels.smtp_apprise_url(settings.workflow.smtp_url, to)
        elif unit is not None and unit.webhook:
            url = channels.webhook_url(unit.webhook)
        else:
            raise InputError("单位已没有 webhook 地址")
    except InputError as e:
        return _Job(n.channel, None, n.subject, n.body, None, name, e.message)
    return _Job(n.channel, url, n.subject, n.body, n.letter_sha256, name)


def _send(settings: Settings, job: _Job) -> channels.Outcome:
    if job.url is None:
        return channels.Outcome(False, job.problem)
    if job.letter is None or job.channel != "email":
        return channels.send(job.url, job.subject, job.body)
    data = FileStore(files_root(settings)).read(job.letter)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / job.letter_name
        path.write_bytes(data)
        return channels.send(job.url, job.subject, job.body, [path])


def enqueue_chases(s: Session, settings: Settings, rnd: Round, events: Sequence[Chase]) -> int:
    """催办 reaches people: each chase's message to its unit, on every channel, recorded
    in the chase's transaction and sent by the next delivery."""
    owing = {p.unit_id: p for p in cycle.pending(s, rnd)}
    titles = dict(s.execute(select(Task.code, Task.title).where(Task.plan_id == rnd.plan_id)).all())
    codes_ids = dict(s.execute(select(Task.code, Task.id).where(Task.plan_id == rnd.plan_id)).all())
    count = 0
    for ev in events:
        p = owing.get(ev.unit_id)
        lines = [
            Line(codes_ids[c], c, titles.get(c, ""), f"{rnd.period} 未报")
            for c in (p.tasks if p else [])
        ]
        due = Due("chase", ev.unit_id, rnd.plan_id, f"chase:{ev.id}", 2, lines, ev.note or "")
        for m in expand(s, settings, [due], ev.at.date(), None):
            count += outbox.enqueue(s, m) is not None
    return count
