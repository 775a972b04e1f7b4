"""``luoshi plan check``, ``plan targets`` and ``plan checks``: were a plan's targets met?"""

from __future__ import annotations

from pathlib import Path

import click

from luoshi.cli.context import AppContext, emit_jsonl, pass_app
from luoshi.cli.doc_cmds import describe, ingest_file
from luoshi.cli.table import render
from luoshi.extract.promises import Knowledge
from luoshi.extract.verdict import VERDICT_LABELS, VERDICTS
from luoshi.ledger import documents, plans
from luoshi.ledger.promises import check_plan, checks_of
from luoshi.ledger.target_verdicts import (
    FILTER_LABELS,
    FILTERS,
    TargetVerdict,
    target_verdicts,
    verdict_record,
)


@click.command("check")
@click.argument("plan")
@click.argument("document")
@click.option("--year", type=int, help="核对哪一年的实绩（默认为文件所属年份的上一年）。")
@click.option(
    "--indicators",
    type=click.Path(dir_okay=False, exists=True),
    help="指标词表 TOML 文件（默认用内置 indicators.toml）。",
)
@pass_app
def check_cmd(
    app: AppContext, plan: str, document: str, year: int | None, indicators: str | None
) -> None:
    """用新报告核对计划目标完成情况。Check PLAN's targets against DOCUMENT's review.

    DOCUMENT 是 ingest 给出的编号，或文件路径（顺便存入）。每个目标记下报告所述实绩
    （原文位置、数值）、结论，以及核对人和时间；再次核对会新增一次核对记录，历史保留。
    """
    knowledge = Knowledge.load(indicators)
    document_id = _document_id(app, document)
    with app.work() as (s, actor):
        p = plans.get_plan(s, plan)
        doc = documents.get_document(s, document_id)
        check = check_plan(s, actor, p, doc, year, knowledge)
        counts = "，".join(f"{VERDICT_LABELS[v]} {check.counts[v]}" for v in VERDICTS)
        click.echo(
            f"核对 {check.id}：计划 {p.name} 的 {sum(check.counts.values())} 项目标，"
            f"对照文件 {doc.id}《{doc.title}》中 {check.year} 年的实绩：{counts}"
        )
        rows = target_verdicts(s, p)
    click.echo(_table([r for r in rows if r.check_id == check.id]))


@click.command("targets")
@click.argument("plan")
@click.option(
    "--verdict",
    type=click.Choice(FILTERS),
    help="只列出这种结论的目标：met 完成、missed 未完成、not_reported 未报告、"
    "unclear 口径不一、unchecked 未核对。",
)
@click.option("--jsonl", is_flag=True, help="每个目标输出一行 JSON。")
@pass_app
def targets_cmd(app: AppContext, plan: str, verdict: str | None, jsonl: bool) -> None:
    """目标完成情况：基数、目标、实绩（最近一次核对）与结论。A plan's targets and verdicts."""
    with app.work() as (s, _actor):
        p = plans.get_plan(s, plan)
        rows = target_verdicts(s, p, verdict)
    if jsonl:
        emit_jsonl(verdict_record(p.name, r) for r in rows)
        return
    click.echo(f"计划 {p.name} 目标完成情况：{len(rows)} 项")
    click.echo(_table(rows))


@click.command("checks")
@click.argument("plan")
@pass_app
def checks_cmd(app: AppContext, plan: str) -> None:
    """列出计划的历次目标核对（最新在前）。List a plan's checks, newest first."""
    with app.work() as (s, _actor):
        p = plans.get_plan(s, plan)
        rows = [
            [
                str(c.id),
                str(c.document_id),
                str(c.year),
                c.actor,
                c.at.isoformat(timespec="seconds"),
                "，".join(f"{VERDICT_LABELS[v]} {c.counts.get(v, 0)}" for v in VERDICTS),
            ]
            for c in checks_of(s, p.id)
        ]
    header = ["核对", "文件", "年份", "核对人", "时间", "结论"]
    click.echo(render(header, rows, [6, 6, 6, 16, 19, 50]))


def _table(rows: list[TargetVerdict]) -> str:
    cells = [
        [
            r.task_code,
            r.indicator,
            r.baseline_text or "",
            r.text,
            r.stated.text if r.stated else "—",
            FILTER_LABELS[r.verdict],
        ]
        for r in rows
    ]
    header = ["任务", "指标", "基数", "目标", "实绩", "结论"]
    return render(header, cells, [10, 30, 14, 14, 14, 10])


def _document_id(app: AppContext, ref: str) -> int:
    """A document id, or a file path ingested on the way (as ``plan build`` does)."""
    if ref.isdigit() and not Path(ref).is_file():
        return int(ref)
    result = ingest_file(app, ref)
    click.echo(describe(result), err=True)
    return result.document.id


def register(group: click.Group) -> None:
    plan = group.commands["plan"]
    assert isinstance(plan, click.Group)
    for cmd in (check_cmd, targets_cmd, checks_cmd):
        plan.add_command(cmd)
