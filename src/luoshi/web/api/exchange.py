"""The files offices exchange, by API: the Excel ledger (download, and upload with a dry
run that changes nothing), the Word bulletin, open data. Each handler runs in a worker
thread (sync), so making a file does not hold up other requests."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from luoshi.errors import InputError
from luoshi.ledger.access import require_manager
from luoshi.web import files, uploads
from luoshi.web.api import PREFIX
from luoshi.web.api.documents import UPLOAD_BODY
from luoshi.web.context import SignedIn, Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.pages.exchange import download, stream_download
from luoshi.web.schemas import PathId

router = APIRouter(prefix=PREFIX, tags=["files"])
Text = Annotated[str, Query(max_length=500)]
Day = Annotated[str, Query(max_length=20, description="截至日期，如 2024-06-30（默认今天）")]
XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {files.XLSX: {}}, "description": "台账 .xlsx"}
}
DOCX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {files.DOCX: {}}, "description": "督查通报 .docx"}
}


@router.get(
    "/plans/{plan_id}/ledger.xlsx",
    summary="导出台账 Download the ledger (.xlsx)",
    response_class=Response,
    responses=XLSX_RESPONSE,
)
def ledger_xlsx(plan_id: PathId, request: Request, caller: SignedIn, as_of: Day = "") -> Response:
    """Administrators, supervisors and viewers; a reporter gets 403."""
    return download(files.ledger_xlsx(ctx_of(request), caller, plan_id, {"as_of": as_of}))


@router.post(
    "/plans/{plan_id}/ledger.xlsx",
    summary="导入台账 Upload an edited ledger",
    openapi_extra=UPLOAD_BODY,
)
async def import_xlsx(
    plan_id: PathId, request: Request, caller: Writer, dry_run: bool = True
) -> JSONResponse:
    """Multipart field ``file``. ``dry_run=true`` (the default) lists every change and
    writes nothing; ``false`` writes them, all or nothing. Every bad cell: 422 with the
    list in ``details``."""
    ctx = ctx_of(request)
    await run_in_threadpool(_importer, request, caller)
    got = await uploads.read_upload(request, ctx.settings.web)
    if not got.filename.lower().endswith(".xlsx"):
        raise InputError(f"「{got.filename}」不是 Excel 台账（.xlsx）")
    changes = await run_in_threadpool(files.import_xlsx, ctx, caller, plan_id, got.data, dry_run)
    return JSONResponse(
        {
            "dry_run": dry_run,
            "tasks": len({c.code for c in changes}),
            "changes": [files.change_record(c) for c in changes],
        }
    )


def _importer(request: Request, caller: Any) -> None:
    with ctx_of(request).work(caller) as (_s, actor):
        require_manager(actor, "导入台账")


@router.get(
    "/plans/{plan_id}/bulletin.docx",
    summary="生成督查通报 Download the bulletin (.docx)",
    response_class=Response,
    responses=DOCX_RESPONSE,
)
def bulletin_docx(
    plan_id: PathId,
    request: Request,
    caller: SignedIn,
    period: Annotated[str, Query(max_length=20)] = "",
    as_of: Day = "",
    issuer: Text = "",
    masthead: Text = "",
    issue_no: Text = "",
    doc_no: Text = "",
    cc: Text = "",
    printed_by: Text = "",
    plain: bool = False,
) -> Response:
    """The round of ``period`` (default: the latest opened by ``as_of``), in the shipped
    template (红头, 期号, 文号, 抄送/印发) unless ``plain``."""
    params = {"period": period, "as_of": as_of, "issuer": issuer, "masthead": masthead,
              "issue_no": issue_no, "doc_no": doc_no, "cc": cc, "printed_by": printed_by,
              "plain": plain}  # fmt: skip
    return download(files.bulletin_docx(ctx_of(request), caller, plan_id, params))


@router.get(
    "/plans/{plan_id}/open/{name}",
    summary="公开数据 Open data: plan.json, tasks.csv, targets.csv",
    response_class=Response,
)
def open_data(
    plan_id: PathId,
    name: Annotated[str, files.OpenName],
    request: Request,
    caller: SignedIn,
    as_of: Day = "",
) -> Response:
    """Sent as it is read, a chunk of tasks at a time: a province's plan is never held in
    memory. A reporter gets 403 before the first byte."""
    streamed = files.open_data_stream(ctx_of(request), caller, plan_id, name, {"as_of": as_of})
    return stream_download(streamed)
