"""``luoshi export xlsx`` and ``luoshi import xlsx``: the ledger as a spreadsheet."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from luoshi.cli.context import AS_OF_HELP, AppContext, as_of_option, pass_app
from luoshi.io.ledger_xlsx import read_ledger, write_ledger
from luoshi.ledger import plans
from luoshi.ledger.access import require_exporter
from luoshi.ledger.edits import Change, import_edits
from luoshi.ledger.read.catalog import unit_names
from luoshi.ledger.read.opendata import document_texts
from luoshi.ledger.read.stream import plan_stream


@click.group("export")
def export_group() -> None:
    """导出。Export."""


@export_group.command("xlsx")
@click.argument("plan")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--as-of", "as_of", help=AS_OF_HELP)
@pass_app
def export_xlsx(app: AppContext, plan: str, out: str, as_of: str | None) -> None:
    """把计划导出为 Excel 台账。Write a plan's ledger to OUT.xlsx."""
    at = as_of_option(as_of)
    with app.work() as (s, actor):
        require_exporter(actor, "导出台账")
        stream = plan_stream(s, plans.get_plan(s, plan), app.settings.health, at)
        raw, units = document_texts(s, stream.document_ids), unit_names(s)
        # Written inside the session: the rows are read a chunk at a time as they go out.
        n = write_ledger(stream.rows(), raw, units, out)
    click.echo(f"已导出 {n} 项任务到 {out}")


@click.group("import")
def import_group() -> None:
    """导入。Import."""


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "（空）"
    if isinstance(value, list):
        return "、".join(value)
    return value.isoformat() if isinstance(value, date) else str(value)


def _describe(c: Change) -> str:
    return f"{c.code}\t{c.label}：{_shown(c.before)} → {_shown(c.after)}"


@import_group.command("xlsx")
@click.argument("plan")
@click.argument("source", type=click.Path(dir_okay=False, exists=True))
@click.option("--dry-run", is_flag=True, help="只显示将要做的修改，不写入")
@pass_app
def import_xlsx(app: AppContext, plan: str, source: str, dry_run: bool) -> None:
    """读回各单位修改过的 Excel 台账：全部有效才写入。Apply an edited ledger."""
    edits, problems = read_ledger(source)
    with app.work() as (s, actor):
        changes = import_edits(s, actor, plans.get_plan(s, plan), edits, problems, dry_run)
    for c in changes:
        click.echo(_describe(c))
    tasks = len({c.code for c in changes})
    verb = "将修改" if dry_run else "已修改"
    click.echo(f"{verb} {tasks} 项任务的 {len(changes)} 处内容" + ("（未写入）" if dry_run else ""))


def register(group: click.Group) -> None:
    group.add_command(export_group)
    group.add_command(import_group)
