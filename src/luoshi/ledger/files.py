"""佐证材料的存放: evidence files kept by their sha256, checked by content, with thumbnails.

A file is written to a temporary name, flushed to disk and renamed into place, so a
crash or a full disk halfway leaves no half file under a real name. The database
row that names a file is written after the file is in place, in the transaction of
the report it belongs to: a row never points at a missing file (a file whose
transaction failed stays unnamed, and is harmless: the same bytes reuse it).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from luoshi.errors import InputError, NotFound, TooLarge
from luoshi.settings import Settings
from luoshi.text.formats.signatures import PDF, ZIP

DEFAULT_FOLDER = "luoshi-files"
THUMB_PX = 240
# Decoding a larger image for a thumbnail could take gigabytes: it gets none.
MAX_THUMB_SOURCE_PIXELS = 40_000_000
MAX_UNPACKED = 200 * 1024 * 1024

# What each accepted kind is called, which suffixes it may have, its media type.
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "application/pdf"),
    "docx": (
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "png": ((".png",), "image/png"),
    "jpeg": ((".jpg", ".jpeg"), "image/jpeg"),
    "gif": ((".gif",), "image/gif"),
    "webp": ((".webp",), "image/webp"),
}
ALLOWED = "、".join(s for suffixes, _ in KINDS.values() for s in suffixes)
IMAGES = ("png", "jpeg", "gif", "webp")


@dataclass(frozen=True)
class Upload:
    """An uploaded evidence file, as its sender named it."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Stored:
    """A file now in the store: what the attachment row records."""

    sha256: str
    name: str
    size: int
    content_type: str


def files_root(settings: Settings) -> Path:
    """LUOSHI_FILES_DIR, else ``luoshi-files`` beside the SQLite file, else in the cwd."""
    if settings.workflow.files_dir:
        return Path(settings.workflow.files_dir)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).resolve().parent / DEFAULT_FOLDER
    return Path(DEFAULT_FOLDER).resolve()


def kind_of(data: bytes) -> str | None:
    """The kind of file ``data`` is, from its first bytes (and a zip's parts)."""
    if PDF in data[:1024]:
        return "pdf"
    if data.startswith(ZIP):
        return _office_kind(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _office_kind(data: bytes) -> str | None:
    """A .docx holds word/document.xml, a .xlsx xl/workbook.xml; other zips are refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if unpacked > MAX_UNPACKED or "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def check(upload: Upload, max_bytes: int) -> Stored:
    """Refuse a file past the size limit, of a kind not accepted, or whose content is
    not what its name says; else what it will be stored as."""
    name = safe_name(upload.name)
    if len(upload.data) > max_bytes:
        limit = max_bytes / 1024 / 1024
        raise TooLarge(f"佐证材料「{name}」太大（上限 {limit:g} MB），请压缩或拆分后再上传")
    if not upload.data:
        raise InputError(f"佐证材料「{name}」是空文件")
    kind = kind_of(upload.data)
    suffix = Path(name).suffix.lower()
    if kind is None:
        raise InputError(f"佐证材料「{name}」不是可接受的文件（可上传 {ALLOWED}）")
    suffixes, media = KINDS[kind]
    if suffix not in suffixes:
        raise InputError(
            f"佐证材料「{name}」的内容是 {kind.upper()} 文件，与文件名后缀「{suffix or '无'}」"
            f"不符，请改名为 {suffixes[0]} 后再上传"
        )
    digest = hashlib.sha256(upload.data).hexdigest()
    return Stored(digest, name, len(upload.data), media)


def safe_name(name: str) -> str:
    """The file's own name, without folders, at most 200 characters (suffix kept)."""
    base = Path(name.replace("\\", "/")).name.strip().replace("\x00", "") or "file"
    if len(base) <= 200:
        return base
    suffix = Path(base).suffix[:10]
    return base[: 200 - len(suffix)] + suffix


class FileStore:
    """Files by sha256 under ``root``: ``ab/abcdef…``; thumbnails under ``thumbs/``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` (once: the same bytes are kept once) and return its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if not target.is_file() or target.stat().st_size != len(data):
            _write_atomic(target, data)
        return digest

    def store(self, uploads: list[Upload], max_bytes: int) -> list[Stored]:
        """Check every file first (nothing is written when one is refused), then store."""
        checked = [check(u, max_bytes) for u in uploads]
        for u in uploads:
            self.put(u.data)
        return checked

    def read(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"佐证材料文件 {sha256[:12]}… 不在文件库中（{self.root}）") from None

    def thumbnail(self, sha256: str) -> bytes | None:
        """A PNG at most THUMB_PX on a side, made once; None for what is not an image."""
        thumb = self.root / "thumbs" / f"{sha256}.png"
        if thumb.is_file():
            return thumb.read_bytes()
        png = make_thumbnail(self.read(sha256))
        if png is not None:
            _write_atomic(thumb, png)
        return png


def make_thumbnail(data: bytes) -> bytes | None:
    from PIL import Image, UnidentifiedImageError

    if kind_of(data) not in IMAGES:
        return None
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_THUMB_SOURCE_PIXELS:
                return None
            img.thumbnail((THUMB_PX, THUMB_PX))
            out = io.BytesIO()
            img.convert("RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB").save(out, "PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def _write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename itself must reach the disk, or a crash may forget it.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
