"""Reading an uploaded file without trusting its sender.

Whoever may not upload is refused before a byte of the body is read (the
routes check the caller first); a Content-Length past the limit is refused
unread; the body is read no further than the limit; a .docx that would unzip
past its limit is refused before it is parsed. The file is read and extracted
in a child process with a time and memory budget (budget.py), stopped when the
client goes away, and before any transaction: storing it is a short one.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message, Receive

from luoshi.errors import Busy, InputError, ReadError, TooLarge
from luoshi.ledger.documents import Prepared, prepare
from luoshi.settings import WebSettings
from luoshi.text.formats.signatures import ZIP
from luoshi.text.sources import load_document
from luoshi.web import budget

# Room for the multipart boundaries, part headers and the form's few short fields.
FORM_SLACK = 64 * 1024
FILE_FIELD = "file"


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    fields: dict[str, str]


def too_large(web: WebSettings) -> TooLarge:
    return TooLarge(f"文件太大（上限 {web.max_upload_mb:g} MB），请压缩或拆分后再上传")


async def read_upload(request: Request, web: WebSettings, required: bool = True) -> Upload:
    """The one file of a multipart form (field ``file``) and its text fields."""
    limit = web.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_SLACK:
        raise too_large(web)
    capped = Request(request.scope, _capped(request.receive, limit + FORM_SLACK, web))
    form = await capped.form(max_files=1, max_fields=20)
    try:
        file = form.get(FILE_FIELD)
        if not isinstance(file, UploadFile):
            if not required:
                return Upload("", b"", {k: v for k, v in form.multi_items() if isinstance(v, str)})
            raise InputError("请选择要上传的文件（表单字段 file）")
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise too_large(web)
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        return Upload(file.filename or "", data, fields)
    finally:
        await form.close()


def _capped(receive: Receive, limit: int, web: WebSettings) -> Receive:
    """``receive`` that refuses to take in more than ``limit`` bytes of body: a sender
    without a Content-Length (or with a false one) is stopped at the limit."""
    seen = 0

    async def capped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise too_large(web)
        return message

    return capped


def check_unpacked(data: bytes, web: WebSettings) -> None:
    """Refuse a zip (.docx) that would unpack past the limit. The sizes its directory
    declares are what Python's zipfile yields at most, so they can be trusted."""
    if not data.startswith(ZIP):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            size = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError):
        return  # damaged: the Word reader says so
    if size > web.max_unpacked_bytes:
        raise InputError(
            f"文件解压后太大（{size / 1024 / 1024:.0f} MB，上限 {web.max_unpacked_mb:g} MB），"
            "请删去图片或拆分后再上传"
        )


async def read_in_child(request: Request, web: WebSettings, name: str, data: bytes) -> Prepared:
    """Read and extract an upload within its budget: 422 past its time, 413 past its
    memory, 503 when this server already reads as many uploads as it may."""
    slots: budget.Slots = request.app.state.upload_slots
    if not slots.take():
        raise Busy(f"服务器正在处理其他上传，文件「{name}」未保存，请稍后再试")
    limits = budget.Budget(web.upload_seconds, int(web.upload_memory_mb * 1024 * 1024))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # Our own name on disk: 120 Chinese characters are 360 bytes, more than file
            # systems allow in a name; errors and the ledger still say the uploaded name.
            path = Path(tmp) / f"upload{Path(name).suffix}"
            path.write_bytes(data)
            args = (str(path), name, web)
            prepared: Prepared = await budget.run(read, args, limits, request.is_disconnected)
            return prepared
    except budget.OverTime:
        raise InputError(
            f"文件「{name}」处理超时（超过 {web.upload_seconds:g} 秒），未保存；请拆分后再上传"
        ) from None
    except budget.OverMemory:
        raise TooLarge(
            f"文件「{name}」处理所需内存超过上限（{web.upload_memory_mb:g} MB），未保存；"
            "请拆分后再上传"
        ) from None
    except budget.ClientGone:
        raise InputError(f"上传「{name}」的连接已断开，处理已停止，文件未保存") from None
    finally:
        slots.give_back()


def read(path: str, name: str, web: WebSettings) -> Prepared:
    """In the child: the file's text (too much of it refused), extracted."""
    try:
        # The text's length is checked below, in the upload's own words.
        limits = replace(web.read_limits, max_text_chars=None)
        source = replace(load_document(Path(path), limits), name=name)
    except ReadError as e:
        raise ReadError(name, e.reason) from None
    check_text(len(source.raw), web)
    return prepare(source)


def check_text(chars: int, web: WebSettings) -> None:
    """Refuse a document with more text than any policy document has."""
    if chars > web.max_text_chars:
        raise InputError(
            f"文件文字太多（{chars} 字，上限 {web.max_text_chars} 字），请拆分后再上传"
        )
