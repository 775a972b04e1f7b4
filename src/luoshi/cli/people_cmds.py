"""``luoshi units`` and ``luoshi users``: departments and the people acting for them."""

from __future__ import annotations

import sys

import click

from luoshi.cli.context import AppContext, emit_jsonl, pass_app
from luoshi.cli.table import render
from luoshi.errors import InputError
from luoshi.ledger import units, users
from luoshi.ledger.access import ROLE_LABELS
from luoshi.ledger.models import ROLES


@click.group("units")
def units_group() -> None:
    """单位（责任单位、配合单位）。Units."""


@units_group.command("add")
@click.argument("names", nargs=-1, required=True)
@pass_app
def add_unit_cmd(app: AppContext, names: tuple[str, ...]) -> None:
    """添加单位（可一次添加多个）。Add units."""
    with app.work() as (s, actor):
        for name in names:
            unit = units.add_unit(s, actor, name)
            click.echo(f"{unit.id}\t{unit.name}")


@units_group.command("list")
@click.option("--jsonl", is_flag=True, help="每个单位输出一行 JSON。")
@pass_app
def list_units_cmd(app: AppContext, jsonl: bool) -> None:
    """列出单位及其牵头、配合的任务数。List units."""
    with app.work() as (s, _actor):
        rows = units.list_units(s)
    if jsonl:
        emit_jsonl(
            {"id": u.id, "name": u.name, "lead_tasks": u.lead_tasks, "co_tasks": u.co_tasks,
             "email": u.email, "webhook": bool(u.webhook)}
            for u in rows
        )  # fmt: skip
        return
    table = [[str(u.id), u.name, str(u.lead_tasks), str(u.co_tasks)] for u in rows]
    click.echo(render(["编号", "单位", "牵头任务", "配合任务"], table, [6, 30, 8, 8]))


@units_group.command("edit")
@click.argument("name")
@click.option("--email", help="单位电子邮箱（接收提醒；空字符串清除）")
@click.option(
    "--webhook",
    help="群机器人地址：钉钉、企业微信、飞书机器人地址，或 http(s) 地址（收 JSON）；空字符串清除",
)
@click.option("--version", type=int, help="您看到的版本")
@pass_app
def edit_unit_cmd(
    app: AppContext, name: str, email: str | None, webhook: str | None, version: int | None
) -> None:
    """设置单位接收提醒的邮箱和群机器人。Set a unit's email and chat webhook."""
    with app.work() as (s, actor):
        unit = units.edit_contacts(s, actor, name, email, webhook, version)
        click.echo(
            f"{unit.id}\t{unit.name}\t邮箱 {unit.email or '—'}\t"
            f"webhook {'已设置' if unit.webhook else '—'}（版本 {unit.version}）"
        )


@units_group.command("rename")
@click.argument("name")
@click.argument("new_name")
@click.option("--version", type=int, help="您看到的版本")
@pass_app
def rename_unit_cmd(app: AppContext, name: str, new_name: str, version: int | None) -> None:
    """单位改名。Rename a unit."""
    with app.work() as (s, actor):
        unit = units.rename_unit(s, actor, name, new_name, version)
        click.echo(f"{unit.id}\t{unit.name}（版本 {unit.version}）")


@click.group("users")
def users_group() -> None:
    """用户与角色。Users and roles."""


@users_group.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="角色")
@click.option("--unit", help="所属单位（填报人必填）")
@click.option("--name", "display_name", help="显示名称")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取登录密码（不要写在命令行上）")
@click.option("--email", help="电子邮箱（接收提醒）")
@click.option(
    "--org", help="所属组织（名称或编号）：督查人员、查看者只管理、查看该组织及其下级组织的计划"
)
@pass_app
def add_user_cmd(
    app: AppContext,
    username: str,
    role: str,
    unit: str | None,
    display_name: str | None,
    password_stdin: bool,
    email: str | None,
    org: str | None,
) -> None:
    """添加用户。Add a user (admin only); without a password it cannot sign in to the web."""
    password = read_password() if password_stdin else None
    with app.work() as (s, actor):
        user = users.add_user(
            s, actor, username, role, display_name, unit, password, email, organisation=org
        )
        click.echo(f"{user.id}\t{user.username}\t{ROLE_LABELS[user.role]}")


@users_group.command("org")
@click.argument("username")
@click.argument("org", required=False)
@click.option("--clear", is_flag=True, help="取消所属组织（恢复查看全部计划）")
@click.option("--version", type=int, help="您看到的版本")
@pass_app
def org_cmd(
    app: AppContext, username: str, org: str | None, clear: bool, version: int | None
) -> None:
    """设置用户的所属组织：督查人员、查看者只管理、查看该组织及其下级组织的计划，
    并可查看本组织任务对接的上级任务。Scope a user to an organisation (admin only)."""
    if bool(org) == clear:
        raise InputError("请给出组织名称，或只用 --clear 取消所属组织")
    with app.work() as (s, actor):
        user = users.get_user(s, username)
        changed = users.set_organisation(s, actor, user, None if clear else org, version)
        shown = org if org else "（无）"
        note = "" if changed else "（未改变）"
        click.echo(f"用户 {username} 的所属组织：{shown}{note}（版本 {user.version}）")


@users_group.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, required=True, help="从标准输入读取新密码")
@pass_app
def passwd_cmd(app: AppContext, username: str, password_stdin: bool) -> None:
    """设置用户的登录密码（其已登录的会话全部失效）。Set a user's password, read from
    standard input; the user's sessions end."""
    password = read_password()
    with app.work() as (s, actor):
        users.set_password(s, actor, users.get_user(s, username), password)
        click.echo(f"用户 {username} 的密码已设置")


@users_group.command("email")
@click.argument("username")
@click.argument("email")
@pass_app
def email_cmd(app: AppContext, username: str, email: str) -> None:
    """设置用户接收提醒的电子邮箱（空字符串清除）。Set a user's email address."""
    with app.work() as (s, actor):
        users.set_email(s, actor, users.get_user(s, username), email)
        click.echo(f"用户 {username} 的电子邮箱已设置为 {email or '（无）'}")


@users_group.command("deactivate")
@click.argument("username")
@pass_app
def deactivate_cmd(app: AppContext, username: str) -> None:
    """停用用户：不能再登录，已登录的会话立即失效。Deactivate a user; its sessions end."""
    with app.work() as (s, actor):
        users.set_active(s, actor, users.get_user(s, username), False)
        click.echo(f"用户 {username} 已停用")


@users_group.command("activate")
@click.argument("username")
@pass_app
def activate_cmd(app: AppContext, username: str) -> None:
    """重新启用已停用的用户。Reactivate a user."""
    with app.work() as (s, actor):
        users.set_active(s, actor, users.get_user(s, username), True)
        click.echo(f"用户 {username} 已启用")


def read_password() -> str:
    """The first line of standard input: a password never appears in argv or history."""
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise InputError("标准输入中没有密码")
    return password


@users_group.command("list")
@pass_app
def list_users_cmd(app: AppContext) -> None:
    """列出用户。List users."""
    with app.work() as (s, _actor):
        orgs = users.org_names(s)
        rows = [
            [
                u.username,
                u.display_name,
                ROLE_LABELS.get(u.role, u.role),
                unit or "",
                orgs.get(u.organisation_id, "") if u.organisation_id else "",
                "" if u.active else "已停用",
            ]
            for u, unit in users.list_users(s)
        ]
    heads = ["用户名", "名称", "角色", "单位", "所属组织", "状态"]
    click.echo(render(heads, rows, [20, 20, 8, 20, 16, 6]))


def register(group: click.Group) -> None:
    group.add_command(units_group)
    group.add_command(users_group)
