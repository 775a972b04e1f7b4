"""Evidence files: kinds told by content, limits, content addressing, atomic writes, thumbnails."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from luoshi.errors import InputError, TooLarge
from luoshi.ledger import files
from luoshi.ledger.files import FileStore, Upload, check, files_root, kind_of
from luoshi.settings import Settings, WorkflowSettings
from tests.test_web_workflow import PDF, png_bytes


def docx_bytes() -> bytes:
    out = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("验收意见")
    d.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def test_kinds_are_told_from_content() -> None:
    assert kind_of(PDF) == "pdf"
    assert kind_of(png_bytes()) == "png"
    assert kind_of(docx_bytes()) == "docx"
    assert kind_of(xlsx_bytes()) == "xlsx"
    assert kind_of(b"\xff\xd8\xff\xe0rest") == "jpeg"
    assert kind_of(b"hello") is None
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("a.txt", "x")
    assert kind_of(plain_zip.getvalue()) is None  # a zip that is no Office file


def test_a_name_that_lies_about_the_content_is_refused() -> None:
    with pytest.raises(InputError, match=r"DOCX 文件.*改名为 \.docx"):
        check(Upload("报告.pdf", docx_bytes()), 10_000_000)
    with pytest.raises(InputError, match="不是可接受的文件"):
        check(Upload("x.pdf", b"not a pdf"), 10_000_000)
    with pytest.raises(InputError, match="空文件"):
        check(Upload("x.pdf", b""), 10_000_000)
    with pytest.raises(TooLarge, match="太大"):
        check(Upload("x.pdf", PDF), 10)
    ok = check(Upload("../../etc/验收.PDF", PDF), 10_000)
    assert (ok.name, ok.content_type, ok.sha256) == (
        "验收.PDF", "application/pdf", hashlib.sha256(PDF).hexdigest()
    )  # fmt: skip


def test_the_store_keeps_each_content_once_under_its_hash(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    a = store.put(PDF)
    assert store.put(PDF) == a
    assert store.read(a) == PDF
    assert store.path(a) == tmp_path / "files" / a[:2] / a
    assert [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()] == [a]


def test_nothing_is_stored_when_one_file_of_several_is_refused(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    with pytest.raises(InputError):
        store.store([Upload("a.pdf", PDF), Upload("b.pdf", b"junk")], 10_000)
    assert not (tmp_path / "files").exists()


def test_a_failed_write_leaves_no_file_under_a_real_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", boom)
    store = FileStore(tmp_path / "files")
    with pytest.raises(OSError, match="No space"):
        store.put(PDF)
    left = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert left == []  # neither the file nor its temporary part
    monkeypatch.undo()
    assert store.read(store.put(PDF)) == PDF


def test_images_get_thumbnails_once(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    sha = store.put(png_bytes())
    thumb = store.thumbnail(sha)
    assert thumb is not None and thumb.startswith(b"\x89PNG")
    assert (tmp_path / "thumbs" / f"{sha}.png").read_bytes() == thumb
    assert store.thumbnail(store.put(PDF)) is None


def test_the_default_folder_is_beside_the_sqlite_file(tmp_path: Path) -> None:
    s = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}")
    assert files_root(s) == tmp_path / "luoshi-files"
    given = Settings(workflow=WorkflowSettings(files_dir=str(tmp_path / "x")))
    assert files_root(given) == tmp_path / "x"
    assert Settings.from_env({"LUOSHI_FILES_DIR": "/srv/f"}).workflow.files_dir == "/srv/f"
