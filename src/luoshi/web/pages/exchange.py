"""导出台账, 导入台账, 生成通报, 公开数据 from the ledger page: each starts a background
job and goes to its progress page, which refreshes itself until the file (or the
import's preview) is ready. Applying an import is a second job on the same file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from luoshi.errors import InputError
from luoshi.ledger import jobs as job_records
from luoshi.ledger.access import require_exporter, require_manager
from luoshi.web import files, jobs, uploads
from luoshi.web.context import Caller, ctx_of
from luoshi.web.pages.common import back, check_csrf, form_caller, page_caller, render
from luoshi.web.schemas import PathId

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=200)]
Csrf = Annotated[str, Form(max_length=200)]
Token = Annotated[str, Form(max_length=64)]
BULLETIN_FIELDS = ("period", "as_of", "issuer", "masthead", "issue_no", "doc_no", "cc",
                   "printed_by", "plain")  # fmt: skip


def _exporter(request: Request, caller: Caller) -> None:
    with ctx_of(request).work(caller) as (_s, actor):
        require_exporter(actor)


@router.post("/plans/{plan_id}/export/ledger")
def export_ledger(
    plan_id: PathId, request: Request, as_of: Short = "", csrf_token: Csrf = ""
) -> Response:
    caller = form_caller(request, csrf_token)
    _exporter(request, caller)
    token = jobs.start(ctx_of(request), caller, "ledger_xlsx", plan_id, {"as_of": as_of})
    return back(f"/jobs/{token}")


@router.post("/plans/{plan_id}/export/open")
def export_open(
    plan_id: PathId,
    request: Request,
    file: Annotated[str, Form(max_length=20)] = "plan.json",
    as_of: Short = "",
    csrf_token: Csrf = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    _exporter(request, caller)
    if file not in files.OPEN_FILES:
        raise InputError(f"没有名为「{file}」的公开数据文件")
    params = {"file": file, "as_of": as_of}
    return back(f"/jobs/{jobs.start(ctx_of(request), caller, 'open_data', plan_id, params)}")


@router.post("/plans/{plan_id}/export/bulletin")
async def export_bulletin(plan_id: PathId, request: Request) -> Response:
    """A multipart form: the bulletin's fields and, optionally, the office's template
    (.docx). The caller is checked before the body is read, as for uploads."""
    ctx = ctx_of(request)
    caller = await run_in_threadpool(page_caller, request)
    await run_in_threadpool(_exporter, request, caller)
    got = await uploads.read_upload(request, ctx.settings.web, required=False)
    check_csrf(request, caller, got.fields.get("csrf_token"))
    params: dict[str, Any] = {k: got.fields.get(k, "")[:500] for k in BULLETIN_FIELDS}
    template = got.data or None
    if template is not None and not got.filename.lower().endswith(".docx"):
        raise InputError(f"通报模板「{got.filename}」应为 Word 文件（.docx）")
    params["has_template"] = template is not None
    token = await run_in_threadpool(
        jobs.start, ctx, caller, "bulletin_docx", plan_id, params, template
    )
    return back(f"/jobs/{token}")


@router.post("/plans/{plan_id}/import")
async def import_ledger(plan_id: PathId, request: Request) -> Response:
    """导入台账, step one: upload, then a preview of every change and every bad cell."""
    ctx = ctx_of(request)
    caller = await run_in_threadpool(page_caller, request)
    await run_in_threadpool(_importer, request, caller)
    got = await uploads.read_upload(request, ctx.settings.web)
    check_csrf(request, caller, got.fields.get("csrf_token"))
    if not got.filename.lower().endswith(".xlsx"):
        raise InputError(f"「{got.filename}」不是 Excel 台账（.xlsx），请上传导出的台账文件")
    params = {"filename": got.filename}
    token = await run_in_threadpool(
        jobs.start, ctx, caller, "import_preview", plan_id, params, got.data
    )
    return back(f"/jobs/{token}")


def _importer(request: Request, caller: Caller) -> None:
    with ctx_of(request).work(caller) as (_s, actor):
        require_manager(actor, "导入台账")


@router.post("/jobs/{token}/apply")
def apply_import(request: Request, token: str, csrf_token: Csrf = "") -> Response:
    """导入台账, step two: write the previewed file's changes (checked again, all or
    nothing: a row edited since the export is refused)."""
    caller = form_caller(request, csrf_token)
    ctx = ctx_of(request)
    with ctx.read() as s:
        job = job_records.get(s, token, caller.user_id)
        seen = job_records.view(job)
        data = job.payload
    if seen.kind != "import_preview" or data is None or seen.plan_id is None:
        raise InputError("这个后台任务不是导入预览，不能写入")
    again = jobs.start(ctx, caller, "import_apply", seen.plan_id, seen.params, data)
    return back(f"/jobs/{again}")


@router.get("/jobs/{token}")
def job_page(request: Request, token: str) -> Response:
    caller = page_caller(request)
    with ctx_of(request).read() as s:
        job = job_records.view(job_records.get(s, token, caller.user_id))
    return render(
        request,
        "job.html",
        job=job,
        label=jobs.LABELS.get(job.kind, job.kind),
        working=job.state in ("queued", "running"),
    )


@router.get("/jobs/{token}/file")
def job_file(request: Request, token: str) -> Response:
    caller = page_caller(request)
    with ctx_of(request).read() as s:
        name, data = job_records.result_of(s, token, caller.user_id)
    made = files.Made(name, data)
    return download(made)


def download(made: files.Made) -> Response:
    """The file as an attachment, its Chinese name encoded as RFC 5987 wants."""
    return Response(made.data, media_type=made.content_type, headers=_attachment(made.filename))


def stream_download(streamed: files.Streamed) -> StreamingResponse:
    """A file sent as it is made (``download`` for a file too large to hold)."""
    headers = _attachment(streamed.filename)
    return StreamingResponse(streamed.chunks, media_type=streamed.content_type, headers=headers)


def _attachment(filename: str) -> dict[str, str]:
    from urllib.parse import quote

    ascii_name = f"download{_suffix(filename)}"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return {"Content-Disposition": disposition}


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""
