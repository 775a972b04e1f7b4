"""``luoshi orgs status``: an organisation's (or a level's) dashboard as text or JSON.

Ledger modules are imported inside the command, so that ``luoshi`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from luoshi.cli.context import AppContext, emit_jsonl, pass_app
from luoshi.cli.link_cmds import orgs_group
from luoshi.cli.table import render
from luoshi.errors import InputError

if TYPE_CHECKING:
    from luoshi.ledger.read.org_dashboard import Group, OrgDashboard, PlanLine

LEVELS = ("国家", "省", "市", "区", "街道")


@click.command("status")
@click.argument("org", required=False)
@click.option("--level", type=click.Choice(LEVELS), help="改为查看某一层级的全部组织（如 区）")
@click.option("--jsonl", is_flag=True, help="输出一行 JSON（与 API 相同）。")
@pass_app
def status_cmd(app: AppContext, org: str | None, level: str | None, jsonl: bool) -> None:
    """组织总览：组织 ORG 及其下级的启用计划（今天的进度与状态），或 --level 某层级的全部组织。
    Organisation dashboard (today)."""
    from luoshi.ledger import orgs
    from luoshi.ledger.read import org_dashboard as dash
    from luoshi.ledger.read.records import org_dashboard_record
    from luoshi.ledger.read.visibility import viewer_of

    if (org is None) == (level is None):
        raise InputError("请给出组织（名称或编号）或 --level 层级，二者选一")
    rules = app.settings.health
    with app.work() as (s, actor):
        viewer = viewer_of(s, actor)
        if org is not None:
            d = dash.org_dashboard(s, orgs.get_org(s, org), rules, viewer)
        else:
            d = dash.level_dashboard(s, level or "", rules, viewer)
    if jsonl:
        emit_jsonl([org_dashboard_record(d)])
        return
    click.echo(_text(d))


def _text(d: OrgDashboard) -> str:
    t = d.total
    scope = f"{d.org.name}（{d.org.level}）及其下级" if d.org else f"{d.level}级全部组织"
    head = (
        f"{scope} 截至 {d.day}：启用计划 {t.plans} 个，末级任务 {t.tasks} 项，"
        f"完成度 {t.progress:.1f}%（应有 {t.expected:.1f}%）\n  {_counts(t)}\n"
        f"  对接上级 {t.answering} 项，未承接 {t.unanswered} 项"
    )
    first = "下级组织" if d.org else "组织"
    return "\n".join([head, _groups(first, d.rows), _plans(d.plans)])


def _counts(g: Group | PlanLine) -> str:
    from luoshi.ledger.health import HEALTH_LABELS

    parts = [f"{v} {g.counts[k]}" for k, v in HEALTH_LABELS.items()]
    return "  ".join([*parts, f"逾期 {g.overdue}"])


HEADER = ["任务", "已完成", "正常", "滞后", "严重滞后", "停滞", "逾期", "完成度"]
WIDTHS = [6, 6, 6, 6, 8, 6, 6, 8]


def _cells(g: Group | PlanLine) -> list[str]:
    c = g.counts
    return [str(g.tasks), str(c["done"]), str(c["green"]), str(c["amber"]), str(c["red"]),
            str(c["stalled"]), str(g.overdue), f"{g.progress:.1f}%"]  # fmt: skip


def _groups(first: str, rows: list[Group]) -> str:
    table = [[g.name, str(g.plans), *_cells(g), str(g.answering), str(g.unanswered)] for g in rows]
    return render([first, "计划", *HEADER, "对接上级", "未承接"], table, [24, 4, *WIDTHS, 8, 6])


def _plans(lines: list[PlanLine]) -> str:
    table = [
        [p.name, p.organisation, p.level, *_cells(p), str(p.answering),
         "" if p.unanswered is None else str(p.unanswered)]
        for p in lines
    ]  # fmt: skip
    return render(
        ["计划", "组织", "层级", *HEADER, "对接上级", "未承接"], table, [20, 20, 4, *WIDTHS, 8, 6]
    )


def register(group: click.Group) -> None:
    """Add ``status`` to ``orgs`` (``link_cmds`` puts that group on the root)."""
    orgs_group.add_command(status_cmd)
