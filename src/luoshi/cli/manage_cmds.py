"""``luoshi plan activate|archive|draft|delete|default`` and ``luoshi documents
archive|unarchive|delete``: the life of plans and documents.

The commands join the ``plan`` and ``documents`` groups of plan_cmds and doc_cmds.
"""

from __future__ import annotations

import click

from luoshi.cli.context import AppContext, pass_app
from luoshi.cli.doc_cmds import documents_group
from luoshi.cli.plan_cmds import plan_group
from luoshi.ledger import documents, plans, users
from luoshi.ledger.plans import STATE_LABELS


def _state_cmd(state: str, name: str, help_text: str) -> click.Command:
    @click.command(name, help=help_text)
    @click.argument("plan")
    @click.option("--version", type=int, help="您看到的计划版本（有人修改过则拒绝）")
    @pass_app
    def cmd(app: AppContext, plan: str, version: int | None) -> None:
        with app.work() as (s, actor):
            p = plans.get_plan(s, plan)
            changed = plans.set_state(s, actor, p, state, version)
            label = STATE_LABELS[state]
            click.echo(f"计划 {p.name}：{label}" if changed else f"计划 {p.name} 已是{label}")

    return cmd


activate_cmd = _state_cmd(
    "active", "activate", "启用计划：出现在总览上，可以发起调度。Activate a plan."
)
archive_cmd = _state_cmd(
    "archived", "archive", "归档计划：保留、只读，不再出现在总览上。Archive a plan."
)
draft_cmd = _state_cmd("draft", "draft", "把计划退回草稿（不出现在总览上）。Back to draft.")


@click.command("delete")
@click.argument("plan")
@pass_app
def delete_plan_cmd(app: AppContext, plan: str) -> None:
    """删除计划（尚未发起调度的才可删除；审计记录保留）。Delete a plan no round used."""
    with app.work() as (s, actor):
        p = plans.get_plan(s, plan)
        name = p.name
        plans.delete_plan(s, actor, p)
    click.echo(f"计划 {name} 已删除（审计记录保留）")


@click.command("default")
@click.argument("plan", required=False)
@click.option("--mine", is_flag=True, help="只设置本人（--as 指定的用户）的默认计划")
@click.option("--clear", is_flag=True, help="取消默认计划（改为最新启用的计划）")
@pass_app
def default_cmd(app: AppContext, plan: str | None, mine: bool, clear: bool) -> None:
    """设置本单位（或本人）的默认计划；不给 PLAN 则显示当前默认。Set the default plan."""
    with app.work() as (s, actor):
        if plan is None and not clear:
            shown = plans.default_plan(s, actor.id)
            click.echo(f"默认计划：{shown.name}" if shown else "没有启用的计划")
            return
        p = None if clear else plans.get_plan(s, plan or "")
        if mine:
            plans.set_user_default(s, actor, users.get_user(s, actor.username), p)
        else:
            plans.set_office_default(s, actor, p)
        whose = "本人" if mine else "本单位"
        click.echo(f"{whose}默认计划：{p.name if p else '（无，使用最新启用的计划）'}")


@click.command("archive")
@click.argument("document_id", type=int)
@click.option("--undo", is_flag=True, help="取消归档")
@pass_app
def archive_document_cmd(app: AppContext, document_id: int, undo: bool) -> None:
    """归档文件：保留，但不再列在文件清单中。Archive a document."""
    with app.work() as (s, actor):
        doc = documents.get_document(s, document_id)
        documents.set_archived(s, actor, doc, not undo)
    click.echo(f"文件 {document_id} {'已取消归档' if undo else '已归档'}")


@click.command("delete")
@click.argument("document_id", type=int)
@pass_app
def delete_document_cmd(app: AppContext, document_id: int) -> None:
    """删除文件（没有计划引用的才可删除；审计记录保留）。Delete an unused document."""
    with app.work() as (s, actor):
        documents.delete_document(s, actor, documents.get_document(s, document_id))
    click.echo(f"文件 {document_id} 已删除（审计记录保留）")


def register(group: click.Group) -> None:
    """Add these commands to ``plan`` and ``documents`` (their modules put those on
    the root ``group``)."""
    for cmd in (activate_cmd, archive_cmd, draft_cmd, delete_plan_cmd, default_cmd):
        plan_group.add_command(cmd)
    for cmd in (archive_document_cmd, delete_document_cmd):
        documents_group.add_command(cmd)
