"""``luoshi sign``, ``delay``, ``close``, ``comment``, ``attachment``: the chain of a
supervision office; ``remind`` and ``notifications``: reminders that reach people;
``scores``: the assessment (考核) of units."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from luoshi.cli.context import AppContext, as_of_option, emit_jsonl, option_date, pass_app
from luoshi.cli.table import render
from luoshi.errors import DeliveryFailed, InputError

if TYPE_CHECKING:
    from luoshi.ledger.files import Stored

DELAY_LABELS = {"pending": "待审批", "approved": "已同意", "rejected": "不同意"}
CLOSE_LABELS = {"pending": "待复核", "accepted": "已办结", "returned": "已退回"}


def store_files(app: AppContext, paths: Sequence[str]) -> list[Stored]:
    """Check and store the files given (before the transaction that names them)."""
    from luoshi.ledger.files import FileStore, Upload, files_root

    uploads = []
    for p in paths:
        try:
            uploads.append(Upload(Path(p).name, Path(p).read_bytes()))
        except OSError as e:
            raise InputError(f"佐证材料 {p} 无法读取：{e.strerror}") from None
    store = FileStore(files_root(app.settings))
    return store.store(uploads, app.settings.workflow.max_attachment_bytes)


def deliver_now(app: AppContext) -> None:
    """Send the messages waiting (a chase's); failures are recorded and said, not raised."""
    from luoshi.ledger import remind

    result = remind.RemindResult()
    remind.deliver(app.database(), app.settings, result)
    if result.failed:
        click.echo(
            f"提醒：{len(result.failed)} 条消息发送失败，已记录（用 luoshi notifications 查看）",
            err=True,
        )


@click.command("sign")
@click.argument("task")
@pass_app
def sign_cmd(app: AppContext, task: str) -> None:
    """签收任务：TASK 写作 计划:编号。Acknowledge a task for one's unit."""
    from luoshi.ledger import plans, workflow

    with app.work() as (s, actor):
        _plan, t = plans.get_task(s, task)
        ack = workflow.sign(s, actor, t)
        click.echo(f"任务 {t.code} 已签收（{ack.at.isoformat(timespec='minutes')}）")


@click.command("unsigned")
@click.argument("plan")
@click.option("--jsonl", is_flag=True, help="每项任务输出一行 JSON")
@pass_app
def unsigned_cmd(app: AppContext, plan: str, jsonl: bool) -> None:
    """超期未签收：交办 LUOSHI_UNSIGNED_AFTER_DAYS 天以上仍未签收的任务。Tasks not acknowledged."""
    from datetime import date

    from luoshi.ledger import plans, workflow_reads

    after = app.settings.workflow.unsigned_after_days
    with app.work() as (s, _actor):
        rows = workflow_reads.unsigned(s, plans.get_plan(s, plan).id, date.today(), after)
    if jsonl:
        emit_jsonl(rows)
        return
    click.echo(f"交办 {after} 天以上未签收：{len(rows)} 项")
    table = [[r["code"], r["unit"], str(r["days"]), r["title"]] for r in rows]
    click.echo(render(["编号", "责任单位", "交办天数", "任务"], table, [10, 20, 8, 50]))


@click.group("delay")
def delay_group() -> None:
    """延期申请：申请、同意、不同意、查看。Delay requests."""


@delay_group.command("request")
@click.argument("task")
@click.option("--until", required=True, help="申请延至的完成时限，如 2024-12-31")
@click.option("--reason", required=True, help="延期理由")
@pass_app
def delay_request_cmd(app: AppContext, task: str, until: str, reason: str) -> None:
    """申请延期：TASK 写作 计划:编号。Ask for a later deadline."""
    from luoshi.ledger import plans, workflow

    day = option_date(until, "--until")
    if day is None:
        raise InputError("请给出 --until 日期")
    with app.work() as (s, actor):
        _plan, t = plans.get_task(s, task)
        req = workflow.request_delay(s, actor, t, day, reason)
        click.echo(f"延期申请 {req.id}：任务 {t.code} 申请延至 {day.isoformat()}（待审批）")


def _decide_delay(app: AppContext, delay_id: int, approve: bool, reason: str | None) -> None:
    from luoshi.ledger import workflow

    with app.work() as (s, actor):
        req = workflow.decide_delay(s, actor, workflow.get_delay(s, delay_id), approve, reason)
        click.echo(f"延期申请 {delay_id} {DELAY_LABELS[req.status]}")


@delay_group.command("approve")
@click.argument("delay_id", type=int)
@click.option("--reason", help="审批意见")
@pass_app
def delay_approve_cmd(app: AppContext, delay_id: int, reason: str | None) -> None:
    """同意延期：任务的完成时限改为申请的日期，原定时限保留。Approve a delay."""
    _decide_delay(app, delay_id, True, reason)


@delay_group.command("reject")
@click.argument("delay_id", type=int)
@click.option("--reason", required=True, help="不同意的理由")
@pass_app
def delay_reject_cmd(app: AppContext, delay_id: int, reason: str) -> None:
    """不同意延期（须说明理由）。Reject a delay."""
    _decide_delay(app, delay_id, False, reason)


@delay_group.command("list")
@click.argument("plan")
@click.option("--status", type=click.Choice(list(DELAY_LABELS)), help="只列此状态")
@click.option("--jsonl", is_flag=True, help="每条申请输出一行 JSON")
@pass_app
def delay_list_cmd(app: AppContext, plan: str, status: str | None, jsonl: bool) -> None:
    """列出计划的延期申请。List a plan's delay requests."""
    from luoshi.ledger import plans, workflow_reads

    with app.work() as (s, _actor):
        rows = workflow_reads.delays(s, plan_id=plans.get_plan(s, plan).id, status=status)
    if jsonl:
        emit_jsonl(rows)
        return
    table = [
        [str(r["id"]), r["task_code"], r["unit"], r["deadline_before"] or "—", r["requested"],
         DELAY_LABELS[r["status"]], r["reason"]]
        for r in rows
    ]  # fmt: skip
    header = ["编号", "任务", "单位", "原时限", "申请延至", "状态", "理由"]
    click.echo(render(header, table, [6, 10, 16, 10, 10, 6, 40]))


@click.group("close")
def close_group() -> None:
    """办结申请：申请、办结（通过）、退回、查看，撤销办结。Requests to close tasks."""


@close_group.command("request")
@click.argument("task")
@click.option("--summary", default="", help="办理结果（最终进展情况）")
@click.option("--value", type=float, help="目标指标最终达到的数值")
@click.option("--evidence", multiple=True, help="佐证材料（文字或链接，可重复）")
@click.option(
    "--attach",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="佐证材料文件（pdf、docx、xlsx、图片；可重复）",
)
@click.option("--round", "round_id", type=int, help="调度编号（默认计划进行中的调度）")
@pass_app
def close_request_cmd(
    app: AppContext,
    task: str,
    summary: str,
    value: float | None,
    evidence: tuple[str, ...],
    attach: tuple[str, ...],
    round_id: int | None,
) -> None:
    """申请办结：提交 100% 的最终报告与佐证材料，待督查人员复核。Ask to close a task."""
    from luoshi.ledger import cycle, plans, workflow

    files = store_files(app, attach)
    with app.work() as (s, actor):
        _plan, t = plans.get_task(s, task)
        rnd = cycle.round_for_report(s, t.plan_id, round_id)
        req = workflow.request_close(s, actor, rnd, t, summary, evidence, files, value)
        click.echo(f"办结申请 {req.id}：任务 {t.code}（最终报告 {req.report_id}，待复核）")


def _decide_close(app: AppContext, close_id: int, accept: bool, reason: str | None) -> None:
    from luoshi.ledger import workflow

    with app.work() as (s, actor):
        req = workflow.decide_close(s, actor, workflow.get_close(s, close_id), accept, reason)
        click.echo(f"办结申请 {close_id} {CLOSE_LABELS[req.status]}")


@close_group.command("accept")
@click.argument("close_id", type=int)
@click.option("--reason", help="复核意见")
@pass_app
def close_accept_cmd(app: AppContext, close_id: int, reason: str | None) -> None:
    """复核通过：任务办结（销号）。Accept: the task is done."""
    _decide_close(app, close_id, True, reason)


@close_group.command("return")
@click.argument("close_id", type=int)
@click.option("--reason", required=True, help="退回理由")
@pass_app
def close_return_cmd(app: AppContext, close_id: int, reason: str) -> None:
    """退回办结申请（须说明理由）。Return a request to close."""
    _decide_close(app, close_id, False, reason)


@close_group.command("reopen")
@click.argument("task")
@click.option("--reason", required=True, help="重新打开的理由（告知填报单位）")
@pass_app
def close_reopen_cmd(app: AppContext, task: str, reason: str) -> None:
    """撤销办结：重新打开已办结的任务，完成它的 100% 报告被退回，单位可再次填报。
    Reopen a done task."""
    from luoshi.ledger import plans, workflow

    with app.work() as (s, actor):
        _plan, t = plans.get_task(s, task)
        event = workflow.reopen(s, actor, t, reason)
        returned = f"，进度报告 {event.report_id} 已退回" if event is not None else ""
        click.echo(f"任务 {t.code} 已重新打开{returned}")


@close_group.command("list")
@click.argument("plan")
@click.option("--status", type=click.Choice(list(CLOSE_LABELS)), help="只列此状态")
@click.option("--jsonl", is_flag=True, help="每条申请输出一行 JSON")
@pass_app
def close_list_cmd(app: AppContext, plan: str, status: str | None, jsonl: bool) -> None:
    """列出计划的办结申请。List a plan's requests to close."""
    from luoshi.ledger import plans, workflow_reads

    with app.work() as (s, _actor):
        rows = workflow_reads.closes(s, plan_id=plans.get_plan(s, plan).id, status=status)
    if jsonl:
        emit_jsonl(rows)
        return
    table = [
        [str(r["id"]), r["task_code"], r["unit"], CLOSE_LABELS[r["status"]],
         str(len(r["attachments"])), r["summary"]]
        for r in rows
    ]  # fmt: skip
    click.echo(
        render(["编号", "任务", "单位", "状态", "附件", "办理结果"], table, [6, 10, 16, 6, 4, 40])
    )


@click.command("comment")
@click.argument("task")
@click.option("--text", required=True, help="批示内容")
@pass_app
def comment_cmd(app: AppContext, task: str, text: str) -> None:
    """领导批示：对任务作出批示，责任单位在待办中看到。Comment on a task."""
    from luoshi.ledger import plans, workflow

    with app.work() as (s, actor):
        _plan, t = plans.get_task(s, task)
        c = workflow.comment(s, actor, t, text)
        click.echo(f"批示 {c.id}：任务 {t.code}")


@click.command("attachment")
@click.argument("attachment_id", type=int)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="保存到此文件")
@pass_app
def attachment_cmd(app: AppContext, attachment_id: int, output: str) -> None:
    """下载佐证材料（须能查看其任务）。Save an evidence file."""
    from luoshi.ledger import workflow_reads
    from luoshi.ledger.files import FileStore, files_root
    from luoshi.ledger.read.visibility import viewer_of

    with app.work() as (s, actor):
        a = workflow_reads.attachment_for(s, viewer_of(s, actor), attachment_id)
        sha, name = a.sha256, a.name
    Path(output).write_bytes(FileStore(files_root(app.settings)).read(sha))
    click.echo(f"{name} → {output}（sha256 {sha}）")


@click.command("remind")
@click.option("--as-of", "as_of", help="按此日期计算应发的提醒（默认今天）")
@click.option("--dry-run", is_flag=True, help="只列出应发的提醒，不记录、不发送")
@click.option("--retry", is_flag=True, help="同时重发以前失败的消息")
@click.option("--jsonl", is_flag=True, help="每条消息输出一行 JSON")
@pass_app
def remind_cmd(app: AppContext, as_of: str | None, dry_run: bool, retry: bool, jsonl: bool) -> None:
    """发送到期、逾期、未报、退回未重报、停滞、未签收的提醒（每天每类只发一次，可放进 cron）。

    Send the reminders due; idempotent per day and kind, safe with several workers."""
    from luoshi.io.letter import letter_docx
    from luoshi.ledger import remind
    from luoshi.ledger.access import require_manager

    day = as_of_option(as_of).day
    with app.work() as (_s, actor):
        require_manager(actor, "发送提醒")
    result = remind.run(app.database(), app.settings, day, dry_run, letter_docx, retry)
    for note in result.notes:
        click.echo(f"提示：{note}", err=True)
    if jsonl:
        emit_jsonl({**m.__dict__, "day": m.day.isoformat()} for m in result.planned)
    else:
        rows = [[m.kind, m.channel, m.recipient, m.target, m.subject] for m in result.planned]
        click.echo(render(["类别", "渠道", "对象", "地址", "标题"], rows, [8, 7, 10, 30, 60]))
    verb = "应发" if dry_run else "新记录"
    click.echo(
        f"{day.isoformat()}：{verb} {len(result.planned) - result.already} 条，此前已发 "
        f"{result.already} 条；送达 {result.delivered} 条，失败 {len(result.failed)} 条",
        err=jsonl,
    )
    if result.failed:
        first = result.failed[0]
        raise DeliveryFailed(
            f"{len(result.failed)} 条提醒发送失败（已记录，可用 luoshi remind --retry 重发）："
            f"#{first[0]} {first[1]} {first[2]}".replace("\n", " ")
        )


@click.command("notifications")
@click.option(
    "--status", type=click.Choice(["pending", "sending", "delivered", "failed"]), help="只列此状态"
)
@click.option("--channel", type=click.Choice(["email", "webhook", "inapp"]), help="只列此渠道")
@click.option(
    "--limit", default=100, show_default=True, type=click.IntRange(1, 100_000), help="最多列出条数"
)
@click.option("--jsonl", is_flag=True, help="每条消息输出一行 JSON")
@pass_app
def notifications_cmd(
    app: AppContext, status: str | None, channel: str | None, limit: int, jsonl: bool
) -> None:
    """提醒记录：每条消息的对象、渠道、类别、时间，送达或失败及原因。The message record."""
    from luoshi.ledger import outbox
    from luoshi.ledger.access import require_manager

    with app.work() as (s, actor):
        require_manager(actor, "查看提醒记录")
        rows, _total = outbox.list_notifications(s, limit, status, channel)
    if jsonl:
        emit_jsonl(rows)
        return
    table = [
        [str(r["id"]), r["day"], r["kind"], outbox.CHANNEL_LABELS[r["channel"]],
         r["unit"] or "督查室", outbox.STATUS_LABELS[r["status"]], r["error"] or r["subject"]]
        for r in rows
    ]  # fmt: skip
    click.echo(render(["编号", "日期", "类别", "渠道", "对象", "状态", "标题或错误"], table,
                      [6, 10, 8, 6, 16, 6, 60]))  # fmt: skip


@click.command("scores")
@click.argument("plan")
@click.option("--period", help="考核期间（调度的期间，如 2024-Q1；默认最近一轮）")
@click.option("--as-of", "as_of", help="按此日期计算（默认今天）")
@click.option("--jsonl", is_flag=True, help="每个单位输出一行 JSON（含计算过程）")
@pass_app
def scores_cmd(
    app: AppContext, plan: str, period: str | None, as_of: str | None, jsonl: bool
) -> None:
    """单位考核：每个责任单位的得分、等次与计算过程。Unit scores for a period."""
    from luoshi.ledger import plans, score_facts, scoring

    day = as_of_option(as_of).day
    rules = scoring.load_rules(app.settings.workflow.scoring_file)
    with app.work() as (s, _actor):
        rnd, scores = score_facts.plan_scores(
            s, plans.get_plan(s, plan), app.settings.health, rules, period, day
        )
    if jsonl:
        emit_jsonl(sc.record() for sc in scores)
        return
    click.echo(f"计划 {plan} {rnd.period} 单位考核（{len(scores)} 个单位）")
    rows = [[str(sc.rank), sc.unit, f"{sc.score:.1f}", sc.grade, sc.how] for sc in scores]
    click.echo(render(["名次", "单位", "得分", "等次", "计算"], rows, [4, 20, 6, 6, 90]))
    for sc in scores:
        click.echo(f"  {sc.unit}：" + "；".join(p.how for p in sc.parts))


def register(group: click.Group) -> None:
    for cmd in (sign_cmd, unsigned_cmd, delay_group, close_group, comment_cmd, attachment_cmd,
                remind_cmd, notifications_cmd, scores_cmd):  # fmt: skip
        group.add_command(cmd)
