"""文件: upload, list and read documents with their spans."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from luoshi.ledger import documents
from luoshi.ledger.read import listing, records
from luoshi.ledger.read.catalog import document_detail
from luoshi.ledger.read.records import document_record
from luoshi.web import actions, uploads
from luoshi.web.api import PREFIX, page_body
from luoshi.web.context import SignedIn, Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import PageNo, PathId, PerPage

router = APIRouter(prefix=PREFIX, tags=["documents"])
OUTCOMES = {"new": "新增", "exists": "已存在", "near_duplicate": "近似重复"}


@router.get("/documents", summary="文件列表 List documents")
def list_documents(
    request: Request, _: SignedIn, page: PageNo = 1, per_page: PerPage = 50
) -> JSONResponse:
    with ctx_of(request).read() as s:
        docs = [document_record(d) for d in documents.list_documents(s)]
    return JSONResponse(page_body(listing.paginate(docs, page, per_page)))


# The body is read by the handler, after the caller is checked, so it is described here.
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.post(
    "/documents", status_code=201, summary="上传文件 Upload a document", openapi_extra=UPLOAD_BODY
)
async def upload(request: Request, caller: Writer) -> JSONResponse:
    """Who may upload is settled before the body is read; the body is read no further
    than the size limit (413 past it); the file is read and extracted in a child
    process within a time and memory budget (422 past the time, 413 past the memory,
    503 when the server is reading as many uploads as it may)."""
    ctx = ctx_of(request)
    await run_in_threadpool(actions.may_upload, ctx, caller)
    got = await uploads.read_upload(request, ctx.settings.web)
    name = actions.check_upload(ctx, got.filename or "upload.txt", got.data)
    prepared = await uploads.read_in_child(request, ctx.settings.web, name, got.data)
    result = await run_in_threadpool(actions.store_upload, ctx, caller, prepared)
    body = {
        **document_record(result.document),
        "outcome": result.outcome,
        "outcome_label": OUTCOMES[result.outcome],
        "similarity": result.similarity,
    }
    return JSONResponse(body, status_code=201 if result.outcome != "exists" else 200)


@router.get("/documents/{document_id}", summary="文件全文与片段 A document with text and spans")
def get_document(document_id: PathId, request: Request, _: SignedIn) -> dict[str, Any]:
    with ctx_of(request).read() as s:
        return records.document_detail_record(document_detail(s, document_id))
