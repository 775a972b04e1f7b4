"""``luoshi orgs``, ``links`` and the level-by-level ``plan`` commands (对接、分解下发).

Ledger modules are imported inside the commands, so that ``luoshi`` starts fast
for the stateless commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from luoshi.cli.context import AppContext, emit_jsonl, pass_app
from luoshi.cli.people_cmds import units_group
from luoshi.cli.plan_cmds import plan_group
from luoshi.cli.table import render
from luoshi.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from luoshi.ledger.models import Task, User

VERSION_HELP = "您看到的版本（防止覆盖他人的修改）"


@click.group("orgs")
def orgs_group() -> None:
    """组织（国家/省/市/区/街道）及其上下级。Organisations by level."""


@orgs_group.command("add")
@click.argument("name")
@click.option("--level", required=True, help="层级：国家、省、市、区 或 街道")
@click.option("--parent", help="上级组织（名称或编号）")
@pass_app
def orgs_add_cmd(app: AppContext, name: str, level: str, parent: str | None) -> None:
    """添加组织。Add an organisation."""
    from luoshi.ledger import orgs

    with app.work() as (s, actor):
        up = orgs.get_org(s, parent) if parent else None
        org = orgs.add_org(s, actor, name, level, up)
        click.echo(f"{org.id}\t{org.name}\t{org.level}" + (f"\t隶属 {up.name}" if up else ""))


@orgs_group.command("list")
@click.option("--jsonl", is_flag=True, help="每个组织输出一行 JSON。")
@pass_app
def orgs_list_cmd(app: AppContext, jsonl: bool) -> None:
    """列出组织及其单位、计划数。List organisations."""
    from luoshi.ledger import orgs

    with app.work() as (s, _actor):
        rows = orgs.list_orgs(s)
    if jsonl:
        emit_jsonl(
            {"id": o.id, "name": o.name, "level": o.level, "parent": o.parent, "units": o.units,
             "plans": o.plans, "version": o.version}
            for o in rows
        )  # fmt: skip
        return
    table = [[str(o.id), o.name, o.level, o.parent or "", str(o.units), str(o.plans)] for o in rows]
    click.echo(
        render(["编号", "组织", "层级", "上级", "单位", "计划"], table, [6, 24, 4, 24, 6, 6])
    )


ORG_OPTION = "所属组织（名称或编号；写 - 表示不属于任何组织）"


@click.command("move")
@click.argument("unit")
@click.option("--org", required=True, help=ORG_OPTION)
@click.option("--version", type=int, help=VERSION_HELP)
@pass_app
def units_move_cmd(app: AppContext, unit: str, org: str, version: int | None) -> None:
    """把单位归入组织。Put a unit under an organisation."""
    from luoshi.ledger import orgs, units

    _move(app, "单位", lambda s: units.get_unit(s, unit), orgs.move_unit, org, version)


@click.command("move")
@click.argument("plan")
@click.option("--org", required=True, help=ORG_OPTION)
@click.option("--version", type=int, help=VERSION_HELP)
@pass_app
def plan_move_cmd(app: AppContext, plan: str, org: str, version: int | None) -> None:
    """把计划归入组织。Put a plan under an organisation."""
    from luoshi.ledger import orgs, plans

    _move(app, "计划", lambda s: plans.get_plan(s, plan), orgs.move_plan, org, version)


def _move(
    app: AppContext,
    what: str,
    find: Callable[[Session], Any],
    move: Callable[..., bool],
    org: str,
    version: int | None,
) -> None:
    from luoshi.ledger import orgs

    with app.work() as (s, actor):
        row = find(s)
        target = None if org == "-" else orgs.get_org(s, org)
        changed = move(s, actor, row, target, version)
    where = target.name if target else "（无组织）"
    click.echo(f"{what} {row.name} → {where}" if changed else f"{what} {row.name} 已在 {where}")


@click.command("align")
@click.argument("child_plan")
@click.argument("parent_plan")
@click.option(
    "--lexicon",
    type=click.Path(dir_okay=False),
    envvar="LUOSHI_ALIGN_LEXICON",
    help="对接词表（TOML，默认内置）",
)
@pass_app
def plan_align_cmd(app: AppContext, child_plan: str, parent_plan: str, lexicon: str | None) -> None:
    """对接：为下级计划的每项任务提出所落实的上级计划任务（待确认）。

    Propose links from CHILD_PLAN's tasks to the PARENT_PLAN tasks they answer.
    再次运行不会重复：已确认或已否决的对接保持不变，已确认的任务不再提出新建议，
    不再提出的待确认建议被撤回。
    """
    from luoshi.extract.align_lexicon import load_lexicon
    from luoshi.ledger import link_align, plans

    words = load_lexicon(lexicon)
    with app.work() as (s, actor):
        child, parent = plans.get_plan(s, child_plan), plans.get_plan(s, parent_plan)
        r = link_align.align_plans(s, actor, child, parent, words)
    click.echo(
        f"计划 {child.name} → {parent.name}：新建议 {r.created} 条，更新 {r.updated} 条，"
        f"撤回 {r.withdrawn} 条，已确认或否决的 {r.kept} 条保持不变"
    )
    click.echo(f"用 luoshi links list {child.name} 查看，luoshi links accept 编号 确认")


@click.command("breakdown")
@click.argument("task")
@click.option("--to", "to", multiple=True, required=True, help="下发到的计划（可重复）")
@click.option("--under", multiple=True, help="放在下级计划的哪项任务之下：计划:编号（可重复）")
@click.option("--share", multiple=True, help="目标份额：计划=数值，如 jinnan=20000（可重复）")
@click.option("--target", "position", type=int, default=1, help="分解任务的第几个目标（默认 1）")
@pass_app
def breakdown_cmd(
    app: AppContext,
    task: str,
    to: tuple[str, ...],
    under: tuple[str, ...],
    share: tuple[str, ...],
    position: int,
) -> None:
    """分解下发：把任务 TASK（计划:编号）下发到下级计划，已对接；可同时分解目标。

    Hand TASK down to lower-level plans, as linked tasks; --share splits its target.
    """
    from luoshi.ledger import breakdown, plans

    with app.work() as (s, actor):
        plan, t = plans.get_task(s, task)
        targets = [plans.get_plan(s, ref) for ref in to]
        places = {}
        for ref in under:
            p, parent = plans.get_task(s, ref)
            places[p.id] = parent
        made = breakdown.hand_down(s, actor, t, targets, places)
        names = {x.id: x.name for x in targets}
        for child in made:
            click.echo(f"已下发：{plan.name}:{t.code} → {names[child.plan_id]}:{child.code}")
        if share:
            _split(s, actor, t, position, share)


@click.command("split")
@click.argument("task")
@click.option("--share", multiple=True, required=True, help="目标份额：计划=数值（可重复）")
@click.option("--target", "position", type=int, default=1, help="任务的第几个目标（默认 1）")
@pass_app
def split_cmd(app: AppContext, task: str, share: tuple[str, ...], position: int) -> None:
    """分解目标：把已下发任务的目标分成各下级计划的份额，并核对合计。

    Split the target of TASK into the lower plans' shares and check that they add up.
    """
    from luoshi.ledger import plans

    with app.work() as (s, actor):
        _plan, t = plans.get_task(s, task)
        _split(s, actor, t, position, share)


def _split(s: Session, actor: User, task: Task, position: int, share: tuple[str, ...]) -> None:
    from sqlalchemy import select

    from luoshi.ledger import breakdown
    from luoshi.ledger.models import Target

    targets = list(
        s.scalars(select(Target).where(Target.task_id == task.id).order_by(Target.position))
    )
    if not 1 <= position <= len(targets):
        raise InputError(f"任务 {task.code} 没有第 {position} 个目标（共 {len(targets)} 个）")
    result = breakdown.split_target(s, actor, targets[position - 1], dict(map(_share, share)))
    for name, value in result.shares.items():
        click.echo(f"  {name}\t{value:g}{result.target.unit}")
    click.echo(f"合计 {result.check.shares:g}，目标 {result.check.total:g}{result.target.unit}")
    if result.warning:
        click.echo(f"警告：{result.warning}", err=True)


def _share(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise InputError(f"份额「{text}」应写作 计划=数值，例如 jinnan=20000")
    return name.strip(), _number(value.strip(), text)


def _number(value: str, text: str) -> float:
    """20000, 2万 or 1.5亿: a share as a clerk writes it."""
    from luoshi.extract.measures import MAGNITUDES

    for word, factor in sorted(MAGNITUDES.items(), key=lambda kv: -len(kv[0])):
        if value.endswith(word) and len(value) > len(word):
            return _number(value[: -len(word)], text) * factor
    try:
        return float(value)
    except ValueError:
        raise InputError(f"份额「{text}」中的「{value}」不是数值") from None


@click.group("links")
def links_group() -> None:
    """对接：下级任务与上级任务的对应。Links between tasks of plans."""


@links_group.command("list")
@click.argument("plan")
@click.option("--state", type=click.Choice(["proposed", "accepted", "rejected"]), help="只列此状态")
@click.option("--jsonl", is_flag=True, help="每条对接输出一行 JSON。")
@pass_app
def links_list_cmd(app: AppContext, plan: str, state: str | None, jsonl: bool) -> None:
    """列出计划的对接（本计划任务对接的上级任务，及对接本计划任务的下级任务）。"""
    from luoshi.ledger import links, plans
    from luoshi.ledger.read.visibility import viewer_of, visible_links, visible_plan

    with app.work() as (s, actor):
        viewer = viewer_of(s, actor)
        found = visible_plan(s, viewer, plans.get_plan(s, plan).id)
        rows = visible_links(s, viewer, links.list_links(s, found, state))
    if jsonl:
        emit_jsonl(links.link_record(r) for r in rows)
        return
    table = [
        [
            str(r.id),
            links.STATE_LABELS[r.state],
            f"{r.score:.2f}" if r.score is not None else "",
            f"{r.child_plan}:{r.child_code} {r.child_title}",
            f"{r.parent_plan}:{r.parent_code} {r.parent_title}",
            "、".join((r.reason or {}).get("words", [])[:3]),
        ]
        for r in rows
    ]
    header = ["编号", "状态", "得分", "下级任务", "上级任务", "理由"]
    click.echo(render(header, table, [6, 6, 5, 40, 40, 20]))


def _decide(app: AppContext, link_id: int, state: str, version: int | None) -> None:
    from luoshi.ledger import links

    with app.work() as (s, actor):
        link = links.get_link(s, link_id)
        changed = links.decide(s, actor, link, state, version)
    label = links.STATE_LABELS[state]
    click.echo(
        f"对接 {link_id} {label}（版本 {link.version}）"
        if changed
        else f"对接 {link_id} 已是{label}"
    )


@links_group.command("accept")
@click.argument("link_id", type=int)
@click.option("--version", type=int, help=VERSION_HELP)
@pass_app
def links_accept_cmd(app: AppContext, link_id: int, version: int | None) -> None:
    """确认对接。Accept a link."""
    _decide(app, link_id, "accepted", version)


@links_group.command("reject")
@click.argument("link_id", type=int)
@click.option("--version", type=int, help=VERSION_HELP)
@pass_app
def links_reject_cmd(app: AppContext, link_id: int, version: int | None) -> None:
    """否决对接。Reject a link."""
    _decide(app, link_id, "rejected", version)


@links_group.command("relink")
@click.argument("link_id", type=int)
@click.argument("parent_task")
@click.option("--version", type=int, help=VERSION_HELP)
@pass_app
def links_relink_cmd(app: AppContext, link_id: int, parent_task: str, version: int | None) -> None:
    """改对接到另一项上级任务（计划:编号），并确认。Relink to another parent task."""
    from luoshi.ledger import links, plans

    with app.work() as (s, actor):
        link = links.get_link(s, link_id)
        _plan, parent = plans.get_task(s, parent_task)
        kept = links.relink(s, actor, link, parent, version)
    click.echo(f"对接 {kept.id} 已确认：上级任务 {parent_task}")


@links_group.command("accept-above")
@click.argument("plan")
@click.argument("min_score", type=float)
@click.option("--parent-plan", help="只确认对接到此上级计划的建议")
@pass_app
def links_accept_above_cmd(
    app: AppContext, plan: str, min_score: float, parent_plan: str | None
) -> None:
    """批量确认：计划 PLAN 中得分不低于 MIN_SCORE 的待确认对接全部确认。"""
    from luoshi.ledger import links, plans

    with app.work() as (s, actor):
        p = plans.get_plan(s, plan)
        up = plans.get_plan(s, parent_plan) if parent_plan else None
        done = links.accept_above(s, actor, p, min_score, up)
    click.echo(f"已确认 {len(done)} 条对接（得分 ≥ {min_score:g}）")


def register(group: click.Group) -> None:
    group.add_command(orgs_group)
    group.add_command(links_group)
    units_group.add_command(units_move_cmd)
    for cmd in (plan_move_cmd, plan_align_cmd, breakdown_cmd, split_cmd):
        plan_group.add_command(cmd)
