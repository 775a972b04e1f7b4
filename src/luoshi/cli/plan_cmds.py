"""``luoshi plan``, ``assign`` and ``tasks``: the task tree and who is accountable."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import click

from luoshi.cli.context import (
    AS_OF_HELP,
    AppContext,
    as_of_option,
    emit_jsonl,
    option_date,
    pass_app,
)
from luoshi.cli.doc_cmds import describe, ingest_file
from luoshi.cli.table import render
from luoshi.errors import InputError
from luoshi.extract.lead_units import load_unit_map
from luoshi.extract.nontask import LeftOut
from luoshi.ledger import confirm, documents, plans, tasks
from luoshi.ledger.health import HEALTH_LABELS
from luoshi.ledger.read import figures
from luoshi.ledger.read.compute import task_rows
from luoshi.ledger.read.downstream import plan_downstream
from luoshi.ledger.read.linkage import ParentCoverage, has_links, plan_linkage
from luoshi.ledger.read.records import downstream_record, task_record
from luoshi.ledger.read.rows import PlanView, TaskRow
from luoshi.ledger.read.views import figures_of, iter_plan_rows, plan_view
from luoshi.ledger.rollup import Downstream


@click.group("plan")
def plan_group() -> None:
    """计划（台账）：从文件建立任务树，查看进度。Plans built from documents."""


@plan_group.command("build")
@click.argument("document")
@click.option("--name", required=True, help="计划名称（用于引用，如 t2026）")
@click.option("--title", help="计划标题（默认为文件标题）")
@click.option(
    "--unit-map",
    type=click.Path(dir_okay=False),
    help="责任单位对照表（TOML）；默认按文件层级（国家/省/市/区/县）选用内置对照表",
)
@click.option("--explain", is_flag=True, help="列出未列为任务的每段文字及原因。")
@pass_app
def build_cmd(
    app: AppContext,
    document: str,
    name: str,
    title: str | None,
    unit_map: str | None,
    explain: bool,
) -> None:
    """从文件建立计划。DOCUMENT 是 ingest 给出的编号，或文件路径（顺便存入；
    可以是 .txt、.docx、.pdf、.html，或办公室自己的台账 .xlsx/.xls）。"""
    units = load_unit_map(unit_map) if unit_map else None
    document_id = _document_id(app, document)
    with app.work() as (s, actor):
        doc = documents.get_document(s, document_id)
        built = plans.build_plan_explained(s, actor, doc, name, units, title)
        plan = built.plan
        rows = task_rows(s, plan.id)
        kinds = Counter(r.kind for r in rows)
        pending = confirm.pending_count(s, plan.id)
        raw = doc.raw
        click.echo(
            f"计划 {plan.id} {plan.name}：{len(rows)} 项（分组 {kinds['group']}、"
            f"任务 {kinds['task']}、举措 {kinds['measure']}），来自文件 {doc.id}《{doc.title}》"
        )
    if pending:
        click.echo(
            f"其中 {pending} 项的责任单位是按职能建议的（待确认）："
            f"luoshi tasks confirm {plan.name} --all 确认全部，或用 luoshi assign 改派"
        )
    if explain:
        _explain(raw, built.left_out)


def _explain(raw: str, left_out: list[LeftOut]) -> None:
    """One line per passage left out: where it is, why, and how it begins."""
    click.echo(f"未列为任务的文字 {len(left_out)} 段：")
    for o in left_out:
        text = " ".join(raw[o.start : o.end].split())
        snippet = text if len(text) <= 40 else text[:39] + "…"
        click.echo(f"  [{o.start}-{o.end}] {o.reason}：{snippet}")


def _document_id(app: AppContext, ref: str) -> int:
    if ref.isdigit() and not Path(ref).is_file():
        return int(ref)
    result = ingest_file(app, ref)
    click.echo(describe(result), err=True)
    return result.document.id


@plan_group.command("list")
@pass_app
def list_cmd(app: AppContext) -> None:
    """列出计划（有所属组织的用户只列本组织及下级组织的计划）。List plans."""
    from luoshi.ledger.scope import scope_of

    with app.work() as (s, actor):
        rows = [
            [str(p.id), p.name, p.title, str(p.document_id or ""), str(p.tasks), p.created_at]
            for p in plans.list_plans(s, scope_of(s, actor))
        ]
    click.echo(
        render(["编号", "名称", "标题", "文件", "任务数", "建立时间"], rows, [6, 16, 40, 6, 6, 19])
    )


@plan_group.command("show")
@click.argument("plan")
@click.option("--jsonl", is_flag=True, help="每项任务输出一行 JSON。")
@click.option("--as-of", "as_of", help=AS_OF_HELP)
@pass_app
def show_cmd(app: AppContext, plan: str, jsonl: bool, as_of: str | None) -> None:
    """显示计划的任务、责任单位、时限、进度与状态。Show a plan's tasks."""
    at = as_of_option(as_of)
    with app.work() as (s, _actor):
        p = plans.get_plan(s, plan)
        # Downstream progress holds only the tasks answered from below.
        below = plan_downstream(s, p, app.settings.health, at) if has_links(s, p.id) else {}
        if jsonl:
            # Streamed inside the transaction: rows are written as they are read.
            stream = iter_plan_rows(s, p, app.settings.health, at)
            emit_jsonl(_with_downstream(task_record(r), below.get(r.id)) for r in stream)
            return
        view = plan_view(s, p, app.settings.health, at)
    rows = [
        [
            r.code,
            "  " * (r.level - 1) + r.title,
            r.lead_unit or "",
            r.deadline.isoformat() if r.deadline else "",
            f"{r.progress:.0f}%",
            HEALTH_LABELS[r.health],
            "；".join(f"{t.indicator}{t.text}" for t in r.targets),
        ]
        for r in view.rows
    ]
    header = ["编号", "任务", "责任单位", "完成时限", "进度", "状态", "目标"]
    widths = [10, 50, 16, 10, 5, 8, 30]
    if below:  # tasks lower plans answer: their progress from below beside their own
        for r, row in zip(view.rows, rows, strict=True):
            row.insert(5, f"{below[r.id].progress:.0f}%" if r.id in below else "")
        header.insert(5, "下级进度")
        widths.insert(5, 8)
    click.echo(f"计划 {view.plan.name}《{view.plan.title}》 截至 {at.day}：{len(rows)} 项")
    click.echo(render(header, rows, widths))


def _with_downstream(record: dict[str, Any], below: Downstream | None) -> dict[str, Any]:
    record["downstream"] = downstream_record(below)
    return record


@plan_group.command("refresh")
@click.argument("plan", required=False)
@pass_app
def refresh_cmd(app: AppContext, plan: str | None) -> None:
    """重新计算计划的留存数字（默认：所有过期的计划）。Recompute kept figures.

    留存数字随每次修改自动更新；日期变化或状态规则改变后需要整体重算，
    ``luoshi serve`` 启动时与每天零点后会自动执行。"""
    from luoshi.ledger.keeping import Refreshed, refresh_plans

    day = date.today()
    ids = None
    if plan is not None:
        with app.work() as (s, _actor):
            ids = [plans.get_plan(s, plan).id]

    def said(r: Refreshed) -> None:
        click.echo(f"  {r.plan_name}：{r.tasks} 项，{r.seconds:.1f} 秒")

    from luoshi.ledger.scoring import load_rules

    rules = load_rules(app.settings.workflow.scoring_file)
    done = refresh_plans(app.database(), day, ids, on_done=said, scoring_rules=rules)
    click.echo(
        f"已重新计算 {len(done)} 个计划（截至 {day}）" if done else "所有计划的留存数字均为当日"
    )


@plan_group.command("status")
@click.argument("plan")
@click.option("--as-of", "as_of", help=AS_OF_HELP)
@pass_app
def status_cmd(app: AppContext, plan: str, as_of: str | None) -> None:
    """计划总体进度（按权重汇总）与各状态的任务数。Roll-up of a plan."""
    at = as_of_option(as_of)
    with app.work() as (s, _actor):
        p = plans.get_plan(s, plan)
        f = figures_of(s, p, app.settings.health, at)
        lk = plan_linkage(s, p, app.settings.health, at)
        view = plan_view(s, p, app.settings.health, at) if lk.downstream else None
    total = f.total
    click.echo(
        f"计划 {p.name} 截至 {at.day}：总体进度 {f.progress:.1f}%，"
        f"应有进度 {f.expected:.1f}%；末级任务 {total.tasks} 项"
    )
    click.echo("  " + "  ".join(f"{v} {total.counts[k]}" for k, v in HEALTH_LABELS.items()))
    click.echo(_units_behind(f.by_unit))
    click.echo(_categories(f.by_category))
    if f.attention:
        click.echo(f"需关注（严重滞后、逾期或停滞）{len(f.attention)} 项：")
        click.echo(_attention(f.attention))
    for c in lk.upward:
        click.echo(_coverage(c))
    if lk.downstream and view is not None:
        click.echo(f"下级承接 {len(lk.downstream)} 项任务：")
        click.echo(_downstream(view, lk.downstream))


def _units_behind(units: list[figures.Tally]) -> str:
    """Which unit is behind: per lead unit (most behind first), tasks red or stalled."""
    rows = [[t.name, str(t.tasks), f"{t.progress:.1f}%", str(t.behind)] for t in units]
    return render(["责任单位", "任务", "平均进度", "滞后/停滞"], rows, [20, 6, 8, 9])


def _categories(groups: list[figures.Tally]) -> str:
    """Per category (the document's parts), in the document's order: tasks and progress."""
    rows = [[t.name, str(t.tasks), f"{t.progress:.1f}%"] for t in groups]
    return render(["类别", "任务", "平均进度"], rows, [60, 6, 8])


def _coverage(c: ParentCoverage) -> str:
    """承接情况: the parent plan's tasks this plan answers, and what is left on both sides."""
    head = (
        f"承接上级计划 {c.plan.name}《{c.plan.title}》：末级任务 {c.leaves} 项，"
        f"已承接 {c.share_answered:.0%}，未承接 {len(c.unanswered)} 项；"
        f"本计划无上级的末级任务 {len(c.orphans)} 项"
    )
    rows = [
        [
            t.code,
            t.title,
            "、".join(t.answered_by),
            f"{t.progress:.0f}%",
            f"{t.downstream.progress:.1f}%" if t.downstream else "",
        ]
        for t in c.tasks
        if t.answered_by
    ]
    table = render(
        ["上级编号", "上级任务", "承接任务", "上级进度", "下级进度"], rows, [10, 36, 16, 8, 8]
    )
    tail = f"\n未承接：{'、'.join(c.unanswered)}" if c.unanswered else ""
    return f"{head}\n{table}{tail}"


def _downstream(view: PlanView, below: dict[int, Downstream]) -> str:
    rows = [
        [
            r.code,
            r.title,
            f"{r.progress:.0f}%",
            f"{below[r.id].progress:.1f}%",
            str(below[r.id].children),
        ]
        for r in view.rows
        if r.id in below
    ]
    return render(["编号", "任务", "本级进度", "下级进度", "承接任务"], rows, [10, 40, 8, 8, 8])


def _attention(rows: list[TaskRow]) -> str:
    table = [
        [
            r.code,
            r.title,
            r.lead_unit or "",
            f"{r.progress:.0f}%/{r.expected:.0f}%",
            HEALTH_LABELS[r.health] + ("（逾期）" if r.overdue else ""),
        ]
        for r in rows
    ]
    return render(["编号", "任务", "责任单位", "进度/应有", "状态"], table, [10, 40, 16, 9, 12])


@click.command("assign")
@click.argument("task")
@click.option("--unit", help="责任单位")
@click.option("--person", help="责任人")
@click.option("--co-unit", "co_units", multiple=True, help="配合单位（可重复）")
@click.option("--version", type=int, help="您看到的任务版本（防止覆盖他人的修改）")
@pass_app
def assign_cmd(
    app: AppContext,
    task: str,
    unit: str | None,
    person: str | None,
    co_units: tuple[str, ...],
    version: int | None,
) -> None:
    """分派任务：TASK 写作 计划:编号（如 t2026:3.1.2）。Assign a task."""
    with app.work() as (s, actor):
        plan, t = plans.get_task(s, task)
        label = tasks.task_label(plan.name, t)
        changed = tasks.assign(
            s, actor, t, label, version, unit, person, list(co_units) if co_units else None
        )
        click.echo(f"{label} 已分派（版本 {t.version}）" if changed else f"{label} 无变化")


@click.group("tasks")
def tasks_group() -> None:
    """单项任务的修改。Edit single tasks."""


@tasks_group.command("edit")
@click.argument("task")
@click.option("--title", help="任务名称")
@click.option("--deadline", help="完成时限，如 2024-06-30")
@click.option("--start-date", help="开始日期")
@click.option("--outcome", help="预期成效")
@click.option("--weight", help="权重（默认 1）")
@click.option("--version", type=int, help="您看到的任务版本（防止覆盖他人的修改）")
@pass_app
def edit_cmd(
    app: AppContext,
    task: str,
    title: str | None,
    deadline: str | None,
    start_date: str | None,
    outcome: str | None,
    weight: str | None,
    version: int | None,
) -> None:
    """修改任务名称、时限、预期成效、权重。Edit a task's fields."""
    values: dict[str, object] = {}
    if title is not None:
        values["title"] = title
    if deadline is not None:
        values["deadline"] = option_date(deadline, "完成时限")
    if start_date is not None:
        values["start_date"] = option_date(start_date, "开始日期")
    if outcome is not None:
        values["expected_outcome"] = outcome or None
    if weight is not None:
        values["weight"] = _weight(weight)
    with app.work() as (s, actor):
        plan, t = plans.get_task(s, task)
        label = tasks.task_label(plan.name, t)
        changed = tasks.edit_task(s, actor, t, label, version, values)
        click.echo(f"{label} 已修改（版本 {t.version}）" if changed else f"{label} 无变化")


@tasks_group.command("confirm")
@click.argument("plan")
@click.argument("codes", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="确认该计划全部待确认的责任单位。")
@pass_app
def confirm_cmd(app: AppContext, plan: str, codes: tuple[str, ...], everything: bool) -> None:
    """确认按职能建议的责任单位（待确认）：PLAN 后列出任务编号，或用 --all。
    Confirm suggested lead units."""
    if bool(codes) == everything:
        raise InputError("请列出要确认的任务编号（如 1.2 1.3），或只用 --all 确认全部")
    with app.work() as (s, actor):
        p = plans.get_plan(s, plan)
        done = confirm.confirm_lead_units(s, actor, p, None if everything else list(codes))
        left = confirm.pending_count(s, p.id)
    if not done:
        which = "没有" if everything else "所列任务没有"
        click.echo(f"计划 {p.name}：{which}待确认的责任单位")
        return
    shown = "、".join(done[:10]) + ("…" if len(done) > 10 else "")
    click.echo(f"计划 {p.name}：已确认 {len(done)} 项任务的责任单位（{shown}）；仍待确认 {left} 项")


def _weight(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"权重「{text}」应为不小于 0 的数") from None
    return value


def register(group: click.Group) -> None:
    for cmd in (plan_group, assign_cmd, tasks_group):
        group.add_command(cmd)
