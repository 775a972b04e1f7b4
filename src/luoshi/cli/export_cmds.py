"""``luoshi export bulletin|json|csv``: results that leave the office.

The commands join the one ``export`` group defined with ``export xlsx``.
"""

from __future__ import annotations

from pathlib import Path

import click

from luoshi.cli.context import AS_OF_HELP, AppContext, as_of_option, pass_app
from luoshi.cli.xlsx_cmds import export_group
from luoshi.io import opendata
from luoshi.io.bulletin import DEFAULT_ISSUER, write_bulletin
from luoshi.io.bulletin_template import BulletinOptions, write_templated
from luoshi.io.wording import period_label
from luoshi.ledger import plans
from luoshi.ledger.access import require_exporter
from luoshi.ledger.read.bulletin import bulletin_figures
from luoshi.ledger.read.opendata import open_data

BULLETIN_AS_OF_HELP = (
    "按此日期计算进度与状态，也是落款日期；过去的日期只计当日及以前的填报、审核与调度（默认今天）"
)


@click.command("bulletin")
@click.argument("plan")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--period", help="调度期间，如 2024-Q2（默认最近一轮调度）")
@click.option("--as-of", "as_of", help=BULLETIN_AS_OF_HELP)
@click.option("--issuer", default=DEFAULT_ISSUER, show_default=True, help="落款单位")
@click.option(
    "--template",
    help="套用 Word 模板（红头、期号、文号、抄送/印发）：模板文件路径，或 default 用自带模板",
)
@click.option("--masthead", default="", help="红头文字（默认「落款单位督查通报」）")
@click.option("--issue-no", default="", help="期号，如「2025年 第3期」")
@click.option("--doc-no", default="", help="文号，如「临督〔2025〕3号」")
@click.option("--cc", default="", help="抄送单位")
@click.option("--printed-by", default="", help="印发单位（默认落款单位）")
@pass_app
def bulletin_cmd(
    app: AppContext,
    /,
    plan: str,
    out: str,
    period: str | None,
    as_of: str | None,
    issuer: str,
    template: str | None,
    **fields: str,
) -> None:
    """把落实情况写成 Word 督查通报（A4）。Write a supervision bulletin to OUT.docx."""
    from luoshi.errors import NotFound
    from luoshi.io.bulletin_linkage import linkage_heading, linkage_section
    from luoshi.io.bulletin_scores import scores_section
    from luoshi.ledger import score_facts, scoring
    from luoshi.ledger.read.bulletin import bulletin_linkage

    at = as_of_option(as_of)
    rules = scoring.load_rules(app.settings.workflow.scoring_file)
    with app.work() as (s, actor):
        require_exporter(actor, "生成通报")
        p = plans.get_plan(s, plan)
        try:
            rnd, scores = score_facts.plan_scores(s, p, app.settings.health, rules, period, at.day)
            extra = [scores_section(scores, rnd.period)]
        except NotFound:
            extra = []  # no round yet: nothing to assess
        linked = bulletin_linkage(s, p, app.settings.health, at)
        if linked is not None:  # 承接情况 only for a plan with links
            extra.append(linkage_section(linked, linkage_heading(len(extra))))
        fig = bulletin_figures(s, p, app.settings.health, at, period)
    if template is None:
        write_bulletin(fig, out, issuer, extra)
    else:
        chosen = None if template == "default" else template
        write_templated(fig, out, BulletinOptions.of({**fields, "template": chosen}, issuer), extra)
    when = period_label(fig.round.period) if fig.round else "尚无调度"
    click.echo(
        f"已生成通报 {out}（{when}）：末级任务 {fig.figures.total.tasks} 项，"
        f"严重滞后、逾期或停滞 {len(fig.figures.attention)} 项，未报齐单位 {len(fig.pending)} 个"
    )


@click.command("json")
@click.argument("plan")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--as-of", "as_of", help=AS_OF_HELP)
@pass_app
def json_cmd(app: AppContext, plan: str, out: Path, as_of: str | None) -> None:
    """导出公开数据：计划、来源文件、任务与目标，一个 JSON 文件。Open data as JSON."""
    at = as_of_option(as_of)
    with app.work() as (s, actor):
        require_exporter(actor, "导出公开数据")
        data = open_data(s, plans.get_plan(s, plan), app.settings.health, at)
        # Written inside the session: the tasks are read a chunk at a time as they go out.
        opendata.export_json(data, out)
    click.echo(f"已导出 {data.stream.tasks} 项任务到 {out}")


@click.command("csv")
@click.argument("plan")
@click.argument("out", type=click.Path(writable=True, path_type=Path))
@click.option("--as-of", "as_of", help=AS_OF_HELP)
@pass_app
def csv_cmd(app: AppContext, plan: str, out: Path, as_of: str | None) -> None:
    """导出公开数据为 CSV（UTF-8，Excel 可直接打开）。OUT 为目录时写入 tasks.csv 和
    targets.csv；为 X.csv 时写入 X.csv 和 X_targets.csv。Open data as CSV tables."""
    at = as_of_option(as_of)
    with app.work() as (s, actor):
        require_exporter(actor, "导出公开数据")
        data = open_data(s, plans.get_plan(s, plan), app.settings.health, at)
        tasks, targets = opendata.export_csv(data, out)
    n_tasks, n_targets = data.stream.tasks, data.stream.targets
    click.echo(f"已导出 {n_tasks} 项任务到 {tasks}，{n_targets} 个目标到 {targets}")


def register(group: click.Group) -> None:
    """Add these commands to ``export``; xlsx_cmds puts that group on the root ``group``."""
    for cmd in (bulletin_cmd, json_cmd, csv_cmd):
        export_group.add_command(cmd)
