"""``luoshi rounds``, ``report``, ``reports`` and ``review``: the reporting cycle."""

from __future__ import annotations

import click

from luoshi.cli.context import AppContext, option_date, pass_app
from luoshi.cli.table import render
from luoshi.errors import InputError
from luoshi.extract.records import number
from luoshi.ledger import cycle, plans, quality, report_values, workflow
from luoshi.ledger.cycle import REPORT_STATE_LABELS as REPORT_LABELS
from luoshi.ledger.values import parse_amount, parse_percent


@click.group("rounds")
def rounds_group() -> None:
    """调度轮次：发起、查看未报单位、催办、结束。Reporting rounds."""


@rounds_group.command("open")
@click.argument("plan")
@click.option("--period", required=True, help="期间，如 2024-Q1、2024-H1、2024-06")
@click.option("--due", help="填报截止日期，如 2024-04-10")
@pass_app
def open_cmd(app: AppContext, plan: str, period: str, due: str | None) -> None:
    """发起一轮调度。Open a reporting round."""
    with app.work() as (s, actor):
        p = plans.get_plan(s, plan)
        rnd = cycle.open_round(s, actor, p, period, option_date(due, "截止日期"))
        click.echo(
            f"调度 {rnd.id}：计划 {p.name} {rnd.period}" + (f"，{rnd.due} 截止" if due else "")
        )


@rounds_group.command("list")
@click.argument("plan")
@pass_app
def list_cmd(app: AppContext, plan: str) -> None:
    """列出计划的调度轮次。List rounds of a plan."""
    with app.work() as (s, _actor):
        rows = [
            [
                str(r.id),
                r.period,
                r.due.isoformat() if r.due else "",
                "已结束" if r.closed_at else "进行中",
            ]
            for r in cycle.list_rounds(s, plans.get_plan(s, plan))
        ]
    click.echo(render(["编号", "期间", "截止", "状态"], rows, [6, 10, 10, 6]))


@rounds_group.command("close")
@click.argument("round_id", type=int)
@pass_app
def close_cmd(app: AppContext, round_id: int) -> None:
    """结束调度（之后未报的任务计为漏报）。Close a round."""
    from luoshi.ledger import plans, scoring
    from luoshi.ledger.read.scores import keep_round_scores

    rules = scoring.load_rules(app.settings.workflow.scoring_file)
    with app.work() as (s, actor):
        rnd = cycle.get_round(s, round_id)
        cycle.close_round(s, actor, rnd, rules=app.settings.health)
        keep_round_scores(s, plans.plan_by_id(s, rnd.plan_id), rnd, app.settings.health, rules)
        click.echo(f"调度 {round_id} 已结束")


@rounds_group.command("pending")
@click.argument("round_id", type=int)
@pass_app
def pending_cmd(app: AppContext, round_id: int) -> None:
    """未报单位及其待报任务（催办名单）。Units that have not reported."""
    with app.work() as (s, _actor):
        owing = cycle.pending(s, cycle.get_round(s, round_id))
    rows = [[p.unit, str(len(p.tasks)), str(p.chases), "、".join(p.tasks)] for p in owing]
    click.echo(f"调度 {round_id}：{len(owing)} 个单位未报齐")
    click.echo(render(["单位", "待报", "已催办", "任务"], rows, [20, 4, 6, 50]))


@rounds_group.command("chase")
@click.argument("round_id", type=int)
@click.option("--unit", help="只催办这个单位")
@click.option("--note", help="催办说明")
@pass_app
def chase_cmd(app: AppContext, round_id: int, unit: str | None, note: str | None) -> None:
    """记录催办（默认所有未报单位）。Record a chase."""
    from luoshi.cli.workflow_cmds import deliver_now
    from luoshi.ledger import remind

    with app.work() as (s, actor):
        rnd = cycle.get_round(s, round_id)
        events = cycle.chase(s, actor, rnd, unit, note)
        remind.enqueue_chases(s, app.settings, rnd, events)
        click.echo(f"已催办 {len(events)} 个单位")
        nobody = remind.unreachable(s, app.settings, [ev.unit_id for ev in events])
        if nobody:
            names = "、".join(p.unit for p in cycle.pending(s, rnd) if p.unit_id in nobody)
            click.echo(
                f"其中 {len(nobody)} 个单位{remind.NO_READER}，催办未送达：{names}"
                "（请为这些单位添加用户，或填写单位邮箱、群机器人地址）"
            )
    deliver_now(app)


@click.command("report")
@click.argument("task")
@click.option("--round", "round_id", type=int, required=True, help="调度编号")
@click.option("--percent", required=True, help="完成百分比 0–100")
@click.option(
    "--value",
    "value_texts",
    multiple=True,
    help="已达到的数值：300万、1.2亿；有多个目标时写 序号=数值，如 2=300万（可重复）",
)
@click.option("--narrative", default="", help="进展情况")
@click.option("--evidence", multiple=True, help="佐证材料（文字或链接，可重复）")
@click.option(
    "--attach",
    "attach",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="佐证材料文件（pdf、docx、xlsx、图片；可重复）",
)
@pass_app
def report_cmd(
    app: AppContext,
    task: str,
    round_id: int,
    percent: str,
    value_texts: tuple[str, ...],
    narrative: str,
    evidence: tuple[str, ...],
    attach: tuple[str, ...],
) -> None:
    """填报任务进度：TASK 写作 计划:编号。Report progress on a task."""
    from luoshi.cli.workflow_cmds import store_files

    try:
        pct = parse_percent(percent)
    except ValueError:
        raise InputError(f"完成百分比「{percent}」应为 0 到 100 之间的数") from None
    files = store_files(app, attach)
    with app.work() as (s, actor):
        _plan, t = plans.get_task(s, task)
        rnd = cycle.get_round(s, round_id)
        targets = report_values.targets_of(s, t.id)
        values = report_values.parse_positional(targets, [_positional(v) for v in value_texts])
        first = None
        if value_texts and not targets:
            first = _untargeted(value_texts)
        report = workflow.submit_report(
            s, actor, rnd, t, pct, first, narrative, evidence, files, values=values
        )
        extra = f"，佐证材料 {len(files)} 个" if files else ""
        click.echo(f"进度报告 {report.id}：任务 {t.code} {pct:g}%（待审核）{extra}")


def _positional(text: str) -> tuple[int, str]:
    """2=300万 → (2, "300万"); a bare value is the first target's."""
    head, sep, tail = text.partition("=")
    if sep and head.strip().isdigit():
        return int(head.strip()), tail
    return 1, text


def _untargeted(texts: tuple[str, ...]) -> float:
    """A value for a task without targets (kept on the report, as before)."""
    if len(texts) > 1:
        raise InputError("此任务没有目标，只能给出一个数值（--value）")
    try:
        return parse_amount(texts[0])
    except ValueError as e:
        raise InputError(f"数值「{texts[0]}」{e}") from None


@click.command("reports")
@click.argument("round_id", type=int)
@pass_app
def reports_cmd(app: AppContext, round_id: int) -> None:
    """列出一轮调度收到的进度报告。List the reports of a round."""
    with app.work() as (s, _actor):
        listed = cycle.list_reports(s, cycle.get_round(s, round_id))
        flags = quality.report_flags(s, [r.id for r, _c, _u in listed])
        rows = [
            [
                str(r.id),
                code,
                unit,
                f"{r.percent:g}%",
                "" if r.value is None else str(number(r.value)),
                REPORT_LABELS.get(r.state, r.state),
                r.narrative,
                "；".join(f.label for f in flags.get(r.id, [])),
            ]
            for r, code, unit in listed
        ]
    header = ["编号", "任务", "单位", "进度", "数值", "审核", "进展", "提示"]
    click.echo(render(header, rows, [6, 10, 16, 5, 10, 14, 40, 30]))


@click.command("review")
@click.argument("report_id", type=int)
@click.option("--accept", "decision", flag_value="accept", help="通过")
@click.option("--return", "decision", flag_value="return", help="退回（须说明理由）")
@click.option("--reason", help="理由")
@pass_app
def review_cmd(app: AppContext, report_id: int, decision: str | None, reason: str | None) -> None:
    """审核进度报告：通过或退回。Accept or return a report."""
    if decision is None:
        raise click.UsageError("请指定 --accept 或 --return")
    with app.work() as (s, actor):
        report = cycle.get_report(s, report_id)
        workflow.review_report(s, actor, report, decision == "accept", reason)
        click.echo(f"进度报告 {report_id} {REPORT_LABELS[report.state]}")


def register(group: click.Group) -> None:
    for cmd in (rounds_group, report_cmd, reports_cmd, review_cmd):
        group.add_command(cmd)
