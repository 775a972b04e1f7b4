"""Long work off the request: an export or an import preview runs in a worker thread;
the page that started it goes to a progress page that refreshes itself (no JavaScript)
until the file or the preview is ready. The job's record is in the database, so any
worker process can answer the progress page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from luoshi.errors import LuoshiError
from luoshi.ledger import jobs
from luoshi.web import files
from luoshi.web.context import Caller, WebContext

log = logging.getLogger("luoshi.web")

# At most this many jobs at once per process: the others wait, queued, and the
# requests of other people are not starved of the two cores.
RUNNING = threading.BoundedSemaphore(2)

KINDS = (
    "ledger_xlsx", "bulletin_docx", "open_data", "import_preview", "import_apply",
    "audit_verify",
)  # fmt: skip
LABELS = {
    "ledger_xlsx": "导出台账",
    "bulletin_docx": "生成通报",
    "open_data": "导出公开数据",
    "import_preview": "导入台账：检查修改",
    "import_apply": "导入台账：写入修改",
    "audit_verify": "校验审计链",
}


def start(
    ctx: WebContext,
    caller: Caller,
    kind: str,
    plan_id: int | None,
    params: dict[str, Any],
    payload: bytes | None = None,
) -> str:
    """Record a job and start it in a thread; its token names the progress page."""
    with ctx.work(caller) as (s, actor):
        job = jobs.create(s, actor, kind, plan_id, params, payload)
        job_id, token = job.id, job.token
    thread = threading.Thread(
        target=_run, args=(ctx, caller, job_id, kind, plan_id, params), daemon=True
    )
    thread.start()
    return token


def _run(
    ctx: WebContext,
    caller: Caller,
    job_id: int,
    kind: str,
    plan_id: int | None,
    params: dict[str, Any],
) -> None:
    with RUNNING:
        step = _step(ctx, job_id)
        try:
            step(20, "逐条核对哈希" if kind == "audit_verify" else "读取台账")
            made, outcome = WORK[kind](ctx, caller, job_id, plan_id, params, step)
            with ctx.db.transaction() as s:
                jobs.finish(s, job_id, made.data if made else None,
                            made.filename if made else None, outcome)  # fmt: skip
        except LuoshiError as e:
            with ctx.db.transaction() as s:
                jobs.fail(s, job_id, e.message, getattr(e, "problems", None))
        except Exception:
            log.exception("job %s (%s) failed", job_id, kind)
            with ctx.db.transaction() as s:
                jobs.fail(s, job_id, "生成时出现内部错误，请稍后再试；如持续出现请联系管理员")


Step = Callable[[int, str], None]


def _step(ctx: WebContext, job_id: int) -> Step:
    def step(progress: int, text: str) -> None:
        with ctx.db.transaction() as s:
            jobs.advance(s, job_id, progress, text)

    return step


Outcome = tuple[files.Made | None, dict[str, Any] | None]


def _ledger(
    ctx: WebContext, caller: Caller, _job: int, plan_id: int, params: dict[str, Any], step: Step
) -> Outcome:
    made = files.ledger_xlsx(ctx, caller, plan_id, params)
    step(90, "保存文件")
    return made, None


def _bulletin(
    ctx: WebContext, caller: Caller, job: int, plan_id: int, params: dict[str, Any], step: Step
) -> Outcome:
    if params.get("has_template"):
        import tempfile
        from pathlib import Path

        with ctx.db.transaction() as s:
            data = jobs.payload(s, job)
        with tempfile.TemporaryDirectory() as tmp:
            template = Path(tmp) / "template.docx"
            template.write_bytes(data)
            step(40, "套用模板，绘制图表")
            made = files.bulletin_docx(ctx, caller, plan_id, {**params, "template": template})
    else:
        step(40, "绘制图表")
        made = files.bulletin_docx(ctx, caller, plan_id, params)
    step(90, "保存文件")
    return made, None


def _open_data(
    ctx: WebContext, caller: Caller, _job: int, plan_id: int, params: dict[str, Any], step: Step
) -> Outcome:
    made = files.open_data(ctx, caller, plan_id, str(params.get("file")), params)
    step(90, "保存文件")
    return made, None


def _import(dry_run: bool) -> Callable[..., Outcome]:
    def work(
        ctx: WebContext, caller: Caller, job: int, plan_id: int, _p: dict[str, Any], step: Step
    ) -> Outcome:
        with ctx.db.transaction() as s:
            data = jobs.payload(s, job)
        step(40, "逐行核对" if dry_run else "写入修改")
        try:
            changes = files.import_xlsx(ctx, caller, plan_id, data, dry_run)
        except LuoshiError as e:
            problems = getattr(e, "problems", None)
            if problems is None:
                raise
            return None, {"changes": [], "problems": problems, "dry_run": dry_run}
        records = [files.change_record(c) for c in changes]
        tasks = len({c.code for c in changes})
        return None, {"changes": records, "problems": [], "dry_run": dry_run, "tasks": tasks}

    return work


def _audit_verify(
    ctx: WebContext, caller: Caller, _job: int, _plan: None, _p: dict[str, Any], step: Step
) -> Outcome:
    """The whole chain walked, its progress said at most once a second: on a trail of
    millions of events it takes minutes, longer than a request should wait."""
    import time

    from luoshi.ledger.read import audit_trail

    started = said = time.monotonic()

    def checked(n: int, total: int) -> None:
        nonlocal said
        if time.monotonic() - said >= 1:
            said = time.monotonic()
            step(20 + 75 * n // max(total, 1), f"已校验 {n} / {total} 条记录")

    with ctx.read() as s:
        v = audit_trail.verify_trail(s, caller.viewer, checked)
    verdict = {"ok": v.ok, "checked": v.checked, "last_hash": v.last_hash,
               "broken_id": v.broken_id, "reason": v.reason}  # fmt: skip
    return None, {"verdict": verdict, "seconds": round(time.monotonic() - started, 1)}


WORK: dict[str, Callable[..., Outcome]] = {
    "ledger_xlsx": _ledger,
    "bulletin_docx": _bulletin,
    "open_data": _open_data,
    "import_preview": _import(True),
    "import_apply": _import(False),
    "audit_verify": _audit_verify,
}
