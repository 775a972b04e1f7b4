"""后台任务: the record of a long piece of work (an export, an import preview) done in a
worker thread — its progress, and the file or preview it produced.

A job belongs to the user who started it; only that user reads it. Jobs are not
ledger changes, so they are not audited; what an import job applies is, by the
ledger's own services.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger.clock import now
from luoshi.ledger.models import Job, User

STATES = ("queued", "running", "done", "failed")
# A job older than this is removed with its file when the next one starts.
KEEP = timedelta(days=1)
# A job running longer than this was lost with its process (a restart).
LOST_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class JobView:
    """What the progress page shows."""

    token: str
    kind: str
    plan_id: int | None
    state: str
    progress: int
    step: str
    filename: str | None
    outcome: dict[str, Any] | None
    params: dict[str, Any]
    has_payload: bool


def create(
    s: Session,
    user: User,
    kind: str,
    plan_id: int | None,
    params: dict[str, Any],
    payload: bytes | None = None,
) -> Job:
    """A queued job of ``user``; old jobs are cleared out first."""
    s.execute(delete(Job).where(Job.created_at < now() - KEEP))
    job = Job(
        token=secrets.token_urlsafe(24),
        kind=kind,
        plan_id=plan_id,
        user_id=user.id,
        params=params,
        state="queued",
        progress=0,
        step="排队中",
        payload=payload,
        created_at=now(),
    )
    s.add(job)
    s.flush()
    return job


def get(s: Session, token: str, user_id: int) -> Job:
    """The job behind ``token`` when it is ``user_id``'s; NotFound otherwise, so
    another user learns nothing of it."""
    job = s.scalars(select(Job).where(Job.token == token)).one_or_none()
    if job is None or job.user_id != user_id:
        raise NotFound("没有找到这个后台任务（可能已过期，请重新发起）")
    return job


def view(job: Job) -> JobView:
    state = job.state
    if state in ("queued", "running") and now() - job.created_at > LOST_AFTER:
        state = "failed"
    outcome = job.outcome
    if state == "failed" and job.state != "failed":
        outcome = {"error": "后台任务已中断（服务可能重启过），请重新发起"}
    return JobView(
        job.token,
        job.kind,
        job.plan_id,
        state,
        job.progress,
        job.step,
        job.filename,
        outcome,
        dict(job.params),
        job.payload is not None,
    )


def advance(s: Session, job_id: int, progress: int, step: str) -> None:
    job = s.get(Job, job_id)
    if job is not None:
        job.state, job.progress, job.step = "running", progress, step


def finish(
    s: Session,
    job_id: int,
    result: bytes | None,
    filename: str | None,
    outcome: dict[str, Any] | None = None,
) -> None:
    job = s.get(Job, job_id)
    if job is not None:
        job.state, job.progress, job.step = "done", 100, "完成"
        job.result, job.filename, job.outcome = result, filename, outcome
        job.finished_at = now()


def fail(s: Session, job_id: int, message: str, details: Any = None) -> None:
    job = s.get(Job, job_id)
    if job is not None:
        job.state, job.step = "failed", "失败"
        job.outcome = {"error": message, "details": details}
        job.finished_at = now()


def result_of(s: Session, token: str, user_id: int) -> tuple[str, bytes]:
    """The file a finished job made."""
    job = get(s, token, user_id)
    if job.state != "done" or job.result is None or job.filename is None:
        raise NotFound("文件还没有生成好，请稍候")
    return job.filename, job.result


def payload(s: Session, job_id: int) -> bytes:
    job = s.get(Job, job_id)
    if job is None or job.payload is None:
        raise NotFound(f"后台任务 {job_id} 没有上传的文件")
    return job.payload
