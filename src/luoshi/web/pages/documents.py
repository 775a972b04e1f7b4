"""文件: upload, list, read with the outline beside the text; build a plan from one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from sqlalchemy import select
from starlette.responses import Response

from luoshi.extract.profile import GENRE_LABELS
from luoshi.ledger import documents
from luoshi.ledger.models import Plan
from luoshi.web import actions, reads
from luoshi.web.context import ctx_of
from luoshi.web.highlight import marked_text
from luoshi.web.pages.common import back, form_caller, page_caller, render
from luoshi.web.schemas import PathId

router = APIRouter()
FormText = Annotated[str, Form(max_length=500)]


@router.get("/documents")
def document_list(request: Request) -> Response:
    page_caller(request)
    with ctx_of(request).read() as s:
        docs = list(documents.list_documents(s))
    return render(request, "documents.html", documents=docs, genres=GENRE_LABELS)


@router.post("/documents/upload")
def upload(
    request: Request, file: Annotated[UploadFile, File()], csrf_token: FormText = ""
) -> Response:
    caller = form_caller(request, csrf_token)
    result = actions.upload(ctx_of(request), caller, file.filename or "", file.file.read())
    return back(f"/documents/{result.document.id}")


@router.get("/documents/{document_id}")
def document_page(document_id: PathId, request: Request) -> Response:
    page_caller(request)
    with ctx_of(request).read() as s:
        doc = reads.document_detail(s, document_id)
        built = list(s.scalars(select(Plan).where(Plan.document_id == document_id)))
    headings = [sp for sp in doc["spans"] if sp["kind"] == "heading"]
    return render(
        request,
        "document.html",
        doc=doc,
        headings=list(enumerate(doc["spans"])),
        heading_count=len(headings),
        body=marked_text(doc["text"], doc["spans"]),
        plans=built,
        genres=GENRE_LABELS,
    )


@router.post("/plans/build")
def build_plan(
    request: Request,
    document_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    name: FormText,
    title: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    plan = actions.build_plan(ctx_of(request), caller, document_id, name, title)
    return back(f"/plans/{plan.id}/ledger")
