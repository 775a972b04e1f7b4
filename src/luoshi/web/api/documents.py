"""文件: upload, list and read documents with their spans."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from starlette.responses import JSONResponse

from luoshi.ledger import documents
from luoshi.ledger.records import document_record
from luoshi.web import actions, reads
from luoshi.web.context import SignedIn, Writer, ctx_of
from luoshi.web.schemas import PageNo, PathId, PerPage

router = APIRouter(tags=["documents"])
OUTCOMES = {"new": "新增", "exists": "已存在", "near_duplicate": "近似重复"}


@router.get("/documents", summary="文件列表 List documents")
def list_documents(
    request: Request, _: SignedIn, page: PageNo = 1, per_page: PerPage = 50
) -> JSONResponse:
    with ctx_of(request).read() as s:
        docs = documents.list_documents(s)
        chosen, total = reads.paginate(docs, page, per_page)
        items = [document_record(d) for d in chosen]
    return JSONResponse(reads.Page(items, total, page, per_page).record())


@router.post("/documents", status_code=201, summary="上传文件 Upload a document")
def upload(request: Request, caller: Writer, file: Annotated[UploadFile, File()]) -> JSONResponse:
    data = file.file.read()
    result = actions.upload(ctx_of(request), caller, file.filename or "upload.txt", data)
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
        return reads.document_detail(s, document_id)
