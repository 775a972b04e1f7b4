"""The files offices exchange, made for the web: the Excel ledger (and reading an edited
one back), the Word bulletin, open data. Thin wrappers over ``luoshi.io``: the one
place the web calls it, so a change of the io functions' inputs touches only here.

Each checks the caller's role through the ledger first: a reporter, who sees only
its own unit's tasks, may not export the whole ledger.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Path as FastPath

from luoshi.errors import InputError, NotFound
from luoshi.io import opendata
from luoshi.io.bulletin import DEFAULT_ISSUER, write_bulletin
from luoshi.io.bulletin_linkage import linkage_heading, linkage_section
from luoshi.io.bulletin_scores import scores_section
from luoshi.io.bulletin_template import BulletinOptions, write_templated
from luoshi.io.ledger_xlsx import read_ledger, write_ledger
from luoshi.ledger import score_facts, scoring
from luoshi.ledger.access import require_exporter, require_manager
from luoshi.ledger.edits import Change, import_edits
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.bulletin import bulletin_figures, bulletin_linkage
from luoshi.ledger.read.catalog import unit_names
from luoshi.ledger.read.opendata import document_texts
from luoshi.ledger.read.opendata import open_data as read_open_data
from luoshi.ledger.read.views import plan_view
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
    at = as_of(params.get("as_of"))
    with ctx.work(caller) as (s, actor):
        require_exporter(actor, "导出台账")
        plan = visible_plan(s, caller.viewer, plan_id)
        view = plan_view(s, plan, ctx.rules, at)
        raw, units = document_texts(s, view), unit_names(s)
        name = plan.name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        write_ledger(view, raw, units, path)
        return Made(f"{name}-台账-{at.day.isoformat()}.xlsx", path.read_bytes())


def import_xlsx(
    ctx: WebContext, caller: Caller, plan_id: int, data: bytes, dry_run: bool
) -> list[Change]:
    """导入台账: every change an edited ledger makes (written unless ``dry_run``); an
    ImportErrors lists every bad cell and nothing is written."""
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
    """公开数据: plan.json, tasks.csv or targets.csv, as ``luoshi export json|csv``."""
    if name not in OPEN_FILES:
        raise InputError(f"没有名为「{name}」的公开数据文件，可选：{'、'.join(OPEN_FILES)}")
    at = as_of(params.get("as_of"))
    with ctx.work(caller) as (s, actor):
        require_exporter(actor, "导出公开数据")
        plan = visible_plan(s, caller.viewer, plan_id)
        data = read_open_data(s, plan, ctx.rules, at)
        plan_name = plan.name
    with tempfile.TemporaryDirectory() as tmp:
        if name == "plan.json":
            path = Path(tmp) / name
            opendata.export_json(data, path)
        else:
            tasks, targets = opendata.export_csv(data, Path(tmp))
            path = tasks if name == "tasks.csv" else targets
        return Made(f"{plan_name}-{name}", path.read_bytes())
