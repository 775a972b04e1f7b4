"""The files offices exchange, made for the web: the Excel ledger (and reading an edited
one back), the Word bulletin, open data. Thin wrappers over ``luoshi.io``: the one
place the web calls it, so a change of the io functions' inputs touches only here.

Each checks the caller's role through the ledger first: a reporter, who sees only
its own unit's tasks, may not export the whole ledger.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Path as FastPath

from luoshi.errors import InputError, NotFound
from luoshi.io import opendata
from luoshi.ledger import score_facts, scoring
from luoshi.ledger.access import require_exporter, require_manager
from luoshi.ledger.edits import Change, import_edits
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.bulletin import bulletin_figures, bulletin_linkage
from luoshi.ledger.read.catalog import unit_names
from luoshi.ledger.read.opendata import document_texts
from luoshi.ledger.read.opendata import open_data as read_open_data
from luoshi.ledger.read.stream import plan_stream
from luoshi.ledger.read.visibility import visible_plan
from luoshi.ledger.values import parse_date
from luoshi.web.context import Caller, WebContext

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {".xlsx": XLSX, ".docx": DOCX, ".json": "application/json", ".csv": "text/csv"}
OPEN_FILES = ("plan.json", "tasks.csv", "targets.csv")
# As a path parameter: only these names.
OpenName = FastPath(pattern="^(plan\\.json|tasks\\.csv|targets\\.csv)$")


@dataclass(frozen=True)
class Made:
    """A file made for download."""

    filename: str
    data: bytes

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(Path(self.filename).suffix, "application/octet-stream")


def as_of(text: str | None) -> AsOf:
    """The day a form or query names (default today); a past day reads the ledger as it
    stood at that day's end, as the CLI's --as-of."""
    try:
        day = parse_date(text)
    except ValueError:
        raise InputError(f"截至日期「{text}」不是有效日期，如 2024-06-30") from None
    return AsOf.of(day)


def ledger_xlsx(ctx: WebContext, caller: Caller, plan_id: int, params: dict[str, Any]) -> Made:
    """导出台账 as .xlsx."""
    # The spreadsheet and Word libraries are imported by the requests that use them:
    # every server worker would otherwise load them (and numpy) before it could answer.
    from luoshi.io.ledger_xlsx import write_ledger

    at = as_of(params.get("as_of"))
    with ctx.work(caller) as (s, actor):
        require_exporter(actor, "导出台账")
        plan = visible_plan(s, caller.viewer, plan_id)
        stream = plan_stream(s, plan, ctx.rules, at)
        raw, units = document_texts(s, stream.document_ids), unit_names(s)
        name = plan.name
        with tempfile.TemporaryDirectory() as tmp:
            # Written a row at a time while the rows are read, a chunk at a time.
            path = Path(tmp) / "ledger.xlsx"
            write_ledger(stream.rows(), raw, units, path)
            data = path.read_bytes()
    return Made(f"{name}-台账-{at.day.isoformat()}.xlsx", data)


def import_xlsx(
    ctx: WebContext, caller: Caller, plan_id: int, data: bytes, dry_run: bool
) -> list[Change]:
    """导入台账: every change an edited ledger makes (written unless ``dry_run``); an
    ImportErrors lists every bad cell and nothing is written."""
    from luoshi.io.ledger_xlsx import read_ledger

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        path.write_bytes(data)
        edits, problems = read_ledger(path)
    with ctx.work(caller) as (s, actor):
        require_manager(actor, "导入台账")
        plan = visible_plan(s, caller.viewer, plan_id)
        return import_edits(s, actor, plan, edits, problems, dry_run)


def change_record(c: Change) -> dict[str, Any]:
    return {"code": c.code, "field": c.field, "label": c.label,
            "before": _shown(c.before), "after": _shown(c.after)}  # fmt: skip


def _shown(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value


def bulletin_docx(ctx: WebContext, caller: Caller, plan_id: int, params: dict[str, Any]) -> Made:
    """生成通报 as .docx: the period's round, as of a day, in the office's template
    (the shipped one unless the office has its own)."""
    from luoshi.io.bulletin import DEFAULT_ISSUER, write_bulletin
    from luoshi.io.bulletin_linkage import linkage_heading, linkage_section
    from luoshi.io.bulletin_scores import scores_section
    from luoshi.io.bulletin_template import BulletinOptions, write_templated

    at = as_of(params.get("as_of"))
    period = (params.get("period") or "").strip() or None
    issuer = (params.get("issuer") or "").strip() or DEFAULT_ISSUER
    rules = scoring.load_rules(ctx.settings.workflow.scoring_file)
    with ctx.work(caller) as (s, actor):
        require_exporter(actor, "生成通报")
        plan = visible_plan(s, caller.viewer, plan_id)
        try:
            rnd, scores = score_facts.plan_scores(s, plan, ctx.rules, rules, period, at.day)
            extra = [scores_section(scores, rnd.period)]
        except NotFound:
            extra = []  # no round yet: nothing to assess (as ``luoshi export bulletin``)
        linked = bulletin_linkage(s, plan, ctx.rules, at)
        if linked is not None:  # 承接情况 only for a plan with links
            extra.append(linkage_section(linked, linkage_heading(len(extra))))
        fig = bulletin_figures(s, plan, ctx.rules, at, period)
        name = plan.name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bulletin.docx"
        if params.get("plain"):
            write_bulletin(fig, path, issuer, extra)
        else:
            write_templated(fig, path, BulletinOptions.of(params, issuer), extra)
        return Made(f"{name}-督查通报-{at.day.isoformat()}.docx", path.read_bytes())


def open_data(
    ctx: WebContext, caller: Caller, plan_id: int, name: str, params: dict[str, Any]
) -> Made:
    """公开数据 as one file (for a job): written a task at a time to a temporary file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "open"
        streamed = open_data_stream(ctx, caller, plan_id, name, params)
        with path.open("wb") as f:
            f.writelines(streamed.chunks)
        return Made(streamed.filename, path.read_bytes())


@dataclass(frozen=True)
class Streamed:
    """A file sent as it is made: ``chunks`` read the ledger as they go (iterate them
    once; the transaction they read in ends with them)."""

    filename: str
    chunks: Iterator[bytes]

    @property
    def content_type(self) -> str:
        return Made(self.filename, b"").content_type


def open_data_stream(
    ctx: WebContext, caller: Caller, plan_id: int, name: str, params: dict[str, Any]
) -> Streamed:
    """公开数据: plan.json, tasks.csv or targets.csv, as ``luoshi export json|csv``. The
    role is checked before the first byte; the file's transaction stays open while it is
    sent (one chunk of tasks at a time) and closes when it ends or the client leaves."""
    if name not in OPEN_FILES:
        raise InputError(f"没有名为「{name}」的公开数据文件，可选：{'、'.join(OPEN_FILES)}")
    at = as_of(params.get("as_of"))
    stack = ExitStack()
    try:
        s, actor = stack.enter_context(ctx.work(caller))
        require_exporter(actor, "导出公开数据")
        plan = visible_plan(s, caller.viewer, plan_id)
        data = read_open_data(s, plan, ctx.rules, at)
        filename = f"{plan.name}-{name}"
    except BaseException:
        stack.__exit__(*sys.exc_info())
        raise
    if name == "plan.json":
        text = opendata.json_chunks(data)
    elif name == "tasks.csv":
        text = opendata.csv_chunks(opendata.TASK_COLUMNS, opendata.task_rows(data))
    else:
        text = opendata.csv_chunks(opendata.TARGET_COLUMNS, opendata.target_rows(data))
    return Streamed(filename, _encoded(stack, text))


def _encoded(stack: ExitStack, text: Iterator[str]) -> Iterator[bytes]:
    """UTF-8 in pieces of about 64 KB (a task's record is small; one write per task would
    cost more than the record), inside the transaction held by ``stack``."""
    with stack:
        pending: list[str] = []
        size = 0
        for piece in text:
            pending.append(piece)
            size += len(piece)
            if size >= 65536:
                yield "".join(pending).encode()
                pending, size = [], 0
        if pending:
            yield "".join(pending).encode()
