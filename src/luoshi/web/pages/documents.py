"""文件: upload, list, read with the outline beside the text; build a plan from one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from luoshi.errors import InputError, ReadError
from luoshi.extract.profile import GENRE_LABELS
from luoshi.ledger import documents
from luoshi.ledger.read import records
from luoshi.ledger.read.catalog import document_detail, plans_of_document
from luoshi.ledger.read.visibility import tasks_seen_by
from luoshi.web import actions, uploads
from luoshi.web.context import ctx_of
from luoshi.web.highlight import marked_text
from luoshi.web.pages.common import (
    back,
    check_csrf,
    confirm_first,
    form_caller,
    page_caller,
    redisplay,
    render,
)
from luoshi.web.schemas import PathId

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form(max_length=500)]


@router.get("/documents")
def document_list(request: Request, archived: str = "") -> Response:
    page_caller(request)
    with ctx_of(request).read() as s:
        docs = list(documents.list_documents(s, None if archived == "1" else False))
    return render(
        request, "documents.html", documents=docs, genres=GENRE_LABELS,
        show_archived=archived == "1",
    )  # fmt: skip


def documents_again(request: Request, _kw: Any) -> Response:
    return document_list(request)


@router.post("/documents/{document_id}/archive")
@redisplay("documents", documents_again)
def archive(
    document_id: PathId,
    request: Request,
    archived: Annotated[str, Form(max_length=1)] = "1",
    csrf_token: FormText = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    actions.archive_document(ctx_of(request), caller, document_id, archived == "1")
    return back("/documents")


@router.post("/documents/{document_id}/delete")
@redisplay("documents", documents_again)
def delete(
    document_id: PathId,
    request: Request,
    confirmed: Annotated[str, Form(max_length=1)] = "",
    csrf_token: FormText = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    question = (
        "删除文件及其提取结果（审计记录保留）。已建立计划的文件不能删除，可以归档。确定删除吗？"
    )
    asked = confirm_first(request, confirmed, question, {})
    if asked is not None:
        return asked
    actions.delete_document(ctx_of(request), caller, document_id)
    return back("/documents")


@router.post("/documents/upload")
async def upload(request: Request) -> Response:
    """As the API's upload: the caller is checked before the body is read. The form's
    CSRF token comes with the body, so it is checked once the (capped) body is in."""
    ctx = ctx_of(request)
    caller = await run_in_threadpool(page_caller, request)
    await run_in_threadpool(actions.may_upload, ctx, caller)
    got = await uploads.read_upload(request, ctx.settings.web)
    check_csrf(request, caller, got.fields.get("csrf_token"))
    try:
        name = actions.check_upload(ctx, got.filename, got.data)
        prepared = await uploads.read_in_child(request, ctx.settings.web, name, got.data)
        result = await run_in_threadpool(actions.store_upload, ctx, caller, prepared)
    except (InputError, ReadError) as e:
        # An empty or unreadable file: the list again, the reason beside the upload form.
        request.state.problem, request.state.problem_form = e.message, "upload"
        page = await run_in_threadpool(document_list, request)
        page.status_code = e.status
        return page
    return back(f"/documents/{result.document.id}")


@router.get("/documents/{document_id}")
def document_page(document_id: PathId, request: Request) -> Response:
    caller = page_caller(request)
    with ctx_of(request).read() as s:
        doc = records.document_detail_record(document_detail(s, document_id))
        built = plans_of_document(s, document_id, caller.viewer)
        # A quantity links to its task only for those who may open it (a reporter's
        # own unit's tasks): other units' links led a reporter to a 403.
        linked = [sp["task_id"] for sp in doc["spans"] if sp.get("task_id")]
        seen = tasks_seen_by(s, caller.viewer, linked)
    spans = [
        {**sp, "task_id": None} if sp.get("task_id") and sp["task_id"] not in seen else sp
        for sp in doc["spans"]
    ]
    headings = [sp for sp in doc["spans"] if sp["kind"] == "heading"]
    return render(
        request,
        "document.html",
        doc=doc,
        headings=list(enumerate(doc["spans"])),
        heading_count=len(headings),
        body=marked_text(doc["text"], spans),
        plans=built,
        genres=GENRE_LABELS,
    )


def document_again(request: Request, kw: Any) -> Response:
    return document_page(kw["document_id"], request)


@router.post("/plans/build")
@redisplay("build-form", document_again)
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
