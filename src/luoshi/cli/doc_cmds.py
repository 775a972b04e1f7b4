"""``luoshi ingest`` and ``luoshi documents``: storing source documents."""

from __future__ import annotations

import sys

import click

from luoshi.cli.context import AppContext, emit_jsonl, pass_app
from luoshi.cli.progress import progress
from luoshi.cli.table import render
from luoshi.errors import LuoshiError, ReadError
from luoshi.extract.profile import GENRE_LABELS
from luoshi.ledger import documents
from luoshi.ledger.documents import Ingested
from luoshi.ledger.read.records import document_record
from luoshi.text.sources import load_document


def describe(result: Ingested) -> str:
    doc = result.document
    if result.outcome == "exists":
        state = "已存在"
    elif result.outcome == "near_duplicate":
        state = f"近似重复（与文件 {doc.duplicate_of_id} 相同，相似度 {result.similarity:.2f}）"
    else:
        state = "新增"
    return f"{doc.id}\t{doc.name}\t{state}\t{doc.title}"


def ingest_file(app: AppContext, path: str) -> Ingested:
    """Read and store one file in its own transaction."""
    source = load_document(path)
    with app.work() as (s, actor):
        return documents.ingest(s, actor, source)


@click.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@pass_app
def ingest_cmd(app: AppContext, files: tuple[str, ...]) -> None:
    """把文件存入台账库（每个文件一行：编号、文件名、结果）。Store documents.

    The same text twice is one document; a near-duplicate is stored with
    duplicate_of pointing at the original.
    """
    failed = 0
    with progress(files, "存入文件") as paths:
        for path in paths:
            failed += _ingest_one(app, path)
    if failed:
        sys.exit(2)


def _ingest_one(app: AppContext, path: str) -> int:
    """Store one file and print its line; 1 when it failed (reported on stderr), else 0."""
    try:
        click.echo(describe(ingest_file(app, path)))
    except ReadError as e:
        click.echo(f"错误：{e.message}", err=True)
        return 1
    except LuoshiError as e:
        click.echo(f"错误：{path}：{e.message}", err=True)
        return 1
    return 0


@click.group("documents")
def documents_group() -> None:
    """已存入的文件。Stored documents."""


@documents_group.command("list")
@click.option("--jsonl", is_flag=True, help="每个文件输出一行 JSON。")
@pass_app
def list_cmd(app: AppContext, jsonl: bool) -> None:
    """列出文件。List documents."""
    with app.work() as (s, _actor):
        records = [document_record(d) for d in documents.list_documents(s)]
    if jsonl:
        emit_jsonl(records)
        return
    rows = [
        [
            str(r["id"]),
            r["title"],
            GENRE_LABELS.get(r["type"], r["type"]),
            r["level"] or "",
            r["date"] or "",
            str(r["size"]),
            str(r["duplicate_of"] or ""),
        ]
        for r in records
    ]
    header = ["编号", "标题", "类型", "层级", "日期", "字数", "重复于"]
    click.echo(render(header, rows, [6, 40, 12, 4, 10, 8, 6]))


@documents_group.command("edit")
@click.argument("document_id", type=int)
@click.option("--title", help="标题")
@click.option("--issuer", help="发文单位")
@click.option("--level", help="层级：国家、省、市、区、县")
@click.option("--type", "type_", help="类型：work_report、plan、policy、press、other")
@click.option("--date", "date_", help="日期，如 2024-01-23")
@click.option("--version", type=int, help="您看到的版本（防止覆盖他人的修改）")
@pass_app
def edit_cmd(
    app: AppContext,
    document_id: int,
    title: str | None,
    issuer: str | None,
    level: str | None,
    type_: str | None,
    date_: str | None,
    version: int | None,
) -> None:
    """修改文件的标题、发文单位、层级、类型、日期。Correct a document's facts."""
    given = {"title": title, "issuer": issuer, "level": level, "type": type_, "date": date_}
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise click.UsageError("请至少给出一个要修改的字段")
    with app.work() as (s, actor):
        doc = documents.edit_document(s, actor, document_id, version, changes)
        click.echo(f"文件 {doc.id} 已更新（版本 {doc.version}）")


def register(group: click.Group) -> None:
    group.add_command(ingest_cmd)
    group.add_command(documents_group)
