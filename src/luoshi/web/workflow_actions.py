"""The workflow's writes shared by the API and the pages (签收, 延期, 办结, 批示, 佐证材料,
已读): each through a ledger service, which checks the caller and writes the audit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from starlette.datastructures import UploadFile

from luoshi.errors import InputError, NotFound, TooLarge
from luoshi.ledger import cycle, outbox, units, users, workflow
from luoshi.ledger.access import require_unit_member
from luoshi.ledger.files import FileStore, Stored, Upload, files_root
from luoshi.ledger.models import (
    CloseRequest,
    DelayRequest,
    ProgressReport,
    Review,
    TaskAck,
    TaskComment,
    Unit,
    User,
)
from luoshi.ledger.plans import task_by_id
from luoshi.web.context import Caller, WebContext

MAX_FILES = 10


def store(ctx: WebContext) -> FileStore:
    return FileStore(files_root(ctx.settings))


async def read_files(ctx: WebContext, files: Sequence[UploadFile | str]) -> list[Upload]:
    """The uploaded evidence files (empty file inputs skipped), each read no further
    than the size limit."""
    limit = ctx.settings.workflow.max_attachment_bytes
    chosen = [f for f in files if isinstance(f, UploadFile) and (f.filename or f.size)]
    if len(chosen) > MAX_FILES:
        raise InputError(f"一次最多上传 {MAX_FILES} 个佐证材料")
    out = []
    for f in chosen:
        data = await f.read(limit + 1)
        if len(data) > limit:
            mb = ctx.settings.workflow.max_attachment_mb
            raise TooLarge(f"佐证材料「{f.filename}」太大（上限 {mb:g} MB），请压缩或拆分后再上传")
        out.append(Upload(f.filename or "file", data))
    return out


def read_form_files(ctx: WebContext, files: Sequence[UploadFile]) -> list[Upload]:
    """A page form's files, read in the handler's worker thread (pages are sync), each no
    further than the limit; an empty file input is skipped."""
    limit = ctx.settings.workflow.max_attachment_bytes
    chosen = [f for f in files if f.filename]
    if len(chosen) > MAX_FILES:
        raise InputError(f"一次最多上传 {MAX_FILES} 个佐证材料")
    return [Upload(f.filename or "file", f.file.read(limit + 1)) for f in chosen]


def stored(ctx: WebContext, uploads: Sequence[Upload]) -> list[Stored]:
    """Check and keep the files before the transaction that names them."""
    return store(ctx).store(list(uploads), ctx.settings.workflow.max_attachment_bytes)


def sign(ctx: WebContext, caller: Caller, task_id: int) -> TaskAck:
    with ctx.work(caller) as (s, actor):
        return workflow.sign(s, actor, task_by_id(s, task_id))


def request_delay(
    ctx: WebContext, caller: Caller, task_id: int, until: date, reason: str
) -> DelayRequest:
    with ctx.work(caller) as (s, actor):
        return workflow.request_delay(s, actor, task_by_id(s, task_id), until, reason)


def decide_delay(
    ctx: WebContext,
    caller: Caller,
    delay_id: int,
    approve: bool,
    reason: str | None,
    version: int | None = None,
) -> DelayRequest:
    with ctx.work(caller) as (s, actor):
        req = workflow.get_delay(s, delay_id)
        return workflow.decide_delay(s, actor, req, approve, reason, version)


def request_close(
    ctx: WebContext,
    caller: Caller,
    task_id: int,
    summary: str,
    uploads: Sequence[Upload] = (),
    evidence: Sequence[str] = (),
    value: float | None = None,
    round_id: int | None = None,
) -> CloseRequest:
    # Refused callers are refused before their files are kept.
    with ctx.work(caller) as (s, actor):
        task = task_by_id(s, task_id)
        require_unit_member(actor, workflow.task_unit_ids(s, task), f"申请办结任务 {task.code}")
    files = stored(ctx, uploads)
    with ctx.work(caller) as (s, actor):
        task = task_by_id(s, task_id)
        rnd = cycle.round_for_report(s, task.plan_id, round_id)
        clean = [e.strip() for e in evidence if e.strip()]
        return workflow.request_close(s, actor, rnd, task, summary, clean, files, value)


def decide_close(
    ctx: WebContext,
    caller: Caller,
    close_id: int,
    accept: bool,
    reason: str | None,
    version: int | None = None,
) -> CloseRequest:
    with ctx.work(caller) as (s, actor):
        req = workflow.get_close(s, close_id)
        return workflow.decide_close(s, actor, req, accept, reason, version)


def reopen(
    ctx: WebContext, caller: Caller, task_id: int, reason: str, version: int | None = None
) -> Review | None:
    with ctx.work(caller) as (s, actor):
        return workflow.reopen(s, actor, task_by_id(s, task_id), reason, version)


def comment(ctx: WebContext, caller: Caller, task_id: int, text: str) -> TaskComment:
    with ctx.work(caller) as (s, actor):
        return workflow.comment(s, actor, task_by_id(s, task_id), text)


def submit_report(
    ctx: WebContext,
    caller: Caller,
    task_id: int,
    percent: float,
    narrative: str,
    value: float | None = None,
    evidence: Sequence[str] = (),
    round_id: int | None = None,
    uploads: Sequence[Upload] = (),
    values: Mapping[int, float] | None = None,
) -> ProgressReport:
    """办理 with evidence files: the files are kept first, their rows are written in
    the report's transaction; ``values`` by target id as in ``actions.submit_report``."""
    with ctx.work(caller) as (s, actor):
        task = task_by_id(s, task_id)
        require_unit_member(actor, workflow.task_unit_ids(s, task), f"填报任务 {task.code}")
    files = stored(ctx, uploads)
    with ctx.work(caller) as (s, actor):
        task = task_by_id(s, task_id)
        rnd = cycle.round_for_report(s, task.plan_id, round_id)
        clean = [e.strip() for e in evidence if e.strip()]
        return workflow.submit_report(
            s, actor, rnd, task, percent, value, narrative.strip(), clean, files, values=values
        )


def mark_read(ctx: WebContext, caller: Caller) -> int:
    with ctx.work(caller) as (s, actor):
        return outbox.mark_read(s, actor)


def open_message(ctx: WebContext, caller: Caller, notification_id: int) -> tuple[int | None, int]:
    """Mark one message of the caller's inbox read: the task it is about (if any), and
    how many stay unread."""
    with ctx.work(caller) as (s, actor):
        n = outbox.open_message(s, actor, notification_id)
        left = outbox.unread(s, actor.id, actor.role, actor.unit_id)
        return (n.tasks[0] if n.tasks else None), left


def edit_unit(
    ctx: WebContext,
    caller: Caller,
    unit_id: int,
    email: str | None,
    webhook: str | None,
    version: int | None,
) -> Unit:
    with ctx.work(caller) as (s, actor):
        unit = s.get(Unit, unit_id)
        if unit is None:
            raise NotFound(f"单位 {unit_id} 不存在")
        return units.edit_contacts(s, actor, unit.name, email, webhook, version)


def set_email(ctx: WebContext, caller: Caller, user_id: int, email: str) -> None:
    with ctx.work(caller) as (s, actor):
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(f"用户 {user_id} 不存在")
        users.set_email(s, actor, user, email)
