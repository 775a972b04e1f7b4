"""Stateless commands over files: ``extract``, ``outline``, ``text``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import click

from luoshi.cli.progress import progress
from luoshi.cli.table import render
from luoshi.errors import ReadError
from luoshi.extract.pipeline import Extraction, extract
from luoshi.extract.records import excluded_record, heading_record, quantity_record
from luoshi.settings import Settings
from luoshi.text.document import Document
from luoshi.text.sources import load_document

KIND_LABELS = {"target": "目标", "actual": "实绩"}
MEASURE_LABELS = {"growth": "增速", "change": "增量", "level": "总量"}
STANCE_LABELS = {"retrospective": "回顾", "forward": "部署", None: ""}


class Batch:
    """Reads files one by one; a bad file is reported and skipped, never fatal."""

    def __init__(self, paths: tuple[str, ...]) -> None:
        self.paths = paths
        self.failed = 0
        self.limits = Settings.from_env().web.read_limits

    def documents(self) -> Iterator[Document]:
        with progress(self.paths, "读取文件") as paths:
            for path in paths:
                try:
                    yield load_document(path, self.limits)
                except ReadError as e:
                    self.failed += 1
                    click.echo(f"错误：{e.message}", err=True)

    def finish(self) -> None:
        if self.failed:
            sys.exit(2)


def warn_structure(x: Extraction) -> None:
    """The outline's one-line warnings (structure not found, line breaks lost), on stderr."""
    if x.outline is not None:
        for warning in x.outline.warnings:
            click.echo(f"提示：{warning}", err=True)


def _emit_jsonl(records: list[dict[str, Any]]) -> None:
    out = sys.stdout
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")


@click.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--jsonl", is_flag=True, help="每行输出一条 JSON 记录（见 eval/SPEC.md）。")
@click.option("--explain", is_flag=True, help="同时列出被排除的数字（日期、序号、名称）及原因。")
def extract_cmd(files: tuple[str, ...], jsonl: bool, explain: bool) -> None:
    """提取文件中的数量（目标与实绩）。Extract quantities from FILES.

    FILES 可以是纯文本（.txt）、Word（.docx）、PDF（须有文字层）或保存的网页（.html）。

    Every record points into the file's text as `luoshi text` prints it:
    raw[start:end] == text.
    """
    batch = Batch(files)
    for doc in batch.documents():
        x = extract(doc)
        warn_structure(x)
        if jsonl:
            _emit_jsonl([quantity_record(x, q) for q in x.quantities])
            if explain:
                _emit_jsonl([{**excluded_record(x, e), "excluded": True} for e in x.excluded])
        else:
            click.echo(_quantity_table(x, explain))
    batch.finish()


def _quantity_table(x: Extraction, explain: bool) -> str:
    rows = [
        [
            str(q.start),
            q.text,
            KIND_LABELS[q.kind],
            q.indicator,
            q.comparator,
            MEASURE_LABELS[q.measure],
            q.period or "",
        ]
        for q in x.quantities
    ]
    header = ["位置", "原文", "类型", "指标", "比较", "度量", "期间"]
    title = f"{x.doc.name}：{len(rows)} 个数量"
    parts = [title, render(header, rows, [7, 16, 4, 30, 4, 4, 16])]
    if explain and x.excluded:
        ex = [[str(e.start), e.text, e.reason] for e in x.excluded]
        parts += ["", f"排除 {len(ex)} 处：", render(["位置", "原文", "原因"], ex, [7, 16, 40])]
    return "\n".join(parts) + "\n"


@click.command("outline")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--jsonl", is_flag=True, help="每个标题输出一条 JSON 记录。")
def outline_cmd(files: tuple[str, ...], jsonl: bool) -> None:
    """显示文件的标题结构。Print the outline (headings) of FILES.

    FILES 可以是 .txt、.docx、.pdf（须有文字层）或 .html。
    """
    batch = Batch(files)
    for doc in batch.documents():
        x = extract(doc)
        assert x.outline is not None
        warn_structure(x)
        if jsonl:
            _emit_jsonl([heading_record(x, n) for n in x.outline.nodes])
            continue
        click.echo(f"{doc.name}：{len(x.outline.nodes)} 个标题")
        for n in x.outline.nodes:
            stance = STANCE_LABELS[n.stance]
            tag = f"［{stance}］" if stance and n.parent is None else ""
            click.echo(f"{'  ' * (n.heading.level - 1)}{n.heading.text}{tag}")
        click.echo("")
    batch.finish()


@click.command("text")
@click.argument("file", type=click.Path(dir_okay=False))
def text_cmd(file: str) -> None:
    """输出文件提取出的纯文本（所有偏移量都指向它）。Print the plain text offsets refer to.

    Word、PDF 和网页输出提取后的正文：每段一行，去掉页眉页脚、页码和网页导航等内容。
    """
    doc = load_document(file)
    sys.stdout.write(doc.raw)


def register(group: click.Group) -> None:
    for cmd in (extract_cmd, outline_cmd, text_cmd):
        group.add_command(cmd)
