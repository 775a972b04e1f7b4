"""``luoshi db`` (migrations) and ``luoshi audit`` (the audit trail)."""

from __future__ import annotations

import click

from luoshi.cli.context import AppContext, emit_jsonl, pass_app
from luoshi.cli.table import render
from luoshi.ledger import audit
from luoshi.ledger.db import Database
from luoshi.ledger.migrate import head_revision
from luoshi.ledger.read.records import audit_record


@click.group("db")
def db_group() -> None:
    """数据库结构（迁移）。Database schema migrations."""


@db_group.command("upgrade")
@pass_app
def upgrade_cmd(app: AppContext) -> None:
    """把数据库升级到最新结构。Migrate the database to the newest schema."""
    db = Database.open(app.settings.database_url, upgrade=False)
    try:
        changed = db.upgrade()
        click.echo(f"数据库已升级到 {head_revision()}" if changed else "数据库已是最新结构")
    finally:
        db.dispose()


@db_group.command("current")
@pass_app
def current_cmd(app: AppContext) -> None:
    """显示数据库当前的结构版本。Print the schema revision of the database."""
    db = Database.open(app.settings.database_url, upgrade=False)
    try:
        rev = db.revision()
    finally:
        db.dispose()
    click.echo(f"当前 {rev or '（空库）'}，最新 {head_revision()}")


@click.command("audit")
@click.option("--entity", help="只看某类记录，如 tasks、documents、progress_reports。")
@click.option("--id", "entity_id", type=int, help="只看这条记录（与 --entity 同用）。")
@click.option("--jsonl", is_flag=True, help="每条审计记录输出一行 JSON。")
@pass_app
def audit_cmd(app: AppContext, entity: str | None, entity_id: int | None, jsonl: bool) -> None:
    """查看审计记录（谁、何时、改了什么）。Show the audit trail."""
    with app.work() as (s, _actor):
        events = [audit_record(e) for e in audit.history(s, entity, entity_id)]
    if jsonl:
        emit_jsonl(events)
        return
    rows = [
        [str(e["id"]), e["at"], e["actor"], e["entity"], str(e["entity_id"]), e["action"]]
        for e in events
    ]
    header = ["序号", "时间", "用户", "对象", "编号", "操作"]
    click.echo(render(header, rows, [8, 19, 16, 18, 8, 10]))


def register(group: click.Group) -> None:
    group.add_command(db_group)
    group.add_command(audit_cmd)
