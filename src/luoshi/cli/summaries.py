"""What ``luoshi --help`` lists beside each command: the first paragraph of its help.

Kept here so that listing the commands imports none of them (their modules load the
database and web layers: two seconds). tests/test_cli_startup.py holds each entry to
the command itself."""

import click

SUMMARIES: dict[str, str] = {
    "align": (
        "对接：列出下级文件每项任务所落实的上级任务。Align CHILD_FILE's tasks with PARENT_FILE."
    ),
    "assign": "分派任务：TASK 写作 计划:编号（如 t2026:3.1.2）。Assign a task.",
    "attachment": "下载佐证材料（须能查看其任务）。Save an evidence file.",
    "audit": "查看审计记录（谁、何时、改了什么）；audit verify 校验审计链。Show the audit trail.",
    "close": "办结申请：申请、办结（通过）、退回、查看，撤销办结。Requests to close tasks.",
    "comment": "领导批示：对任务作出批示，责任单位在待办中看到。Comment on a task.",
    "db": "数据库结构（迁移）。Database schema migrations.",
    "delay": "延期申请：申请、同意、不同意、查看。Delay requests.",
    "demo": (
        "生成（或重建）演示数据库，打印演示账号，然后启动网页；除数据库文件（及其旁的 luoshi-fi"
        "les）外不写任何文件。Build the demo database and serve it; nothing else is written (no"
        " config file in the working directory)."
    ),
    "documents": "已存入的文件。Stored documents.",
    "export": "导出。Export.",
    "extract": "提取文件中的数量（目标与实绩）。Extract quantities from FILES.",
    "import": "导入。Import.",
    "ingest": "把文件存入台账库（每个文件一行：编号、文件名、结果）。Store documents.",
    "links": "对接：下级任务与上级任务的对应。Links between tasks of plans.",
    "notifications": (
        "提醒记录：每条消息的对象、渠道、类别、时间，送达或失败及原因。The message record."
    ),
    "orgs": "组织（国家/省/市/区/街道）及其上下级。Organisations by level.",
    "outline": "显示文件的标题结构。Print the outline (headings) of FILES.",
    "plan": "计划（台账）：从文件建立任务树，查看进度。Plans built from documents.",
    "promises": "核对上年目标完成情况：OLD 报告为本年设定的目标，对照 NEW 报告对该年的回顾。",
    "remind": (
        "发送到期、逾期、未报、退回未重报、停滞、未签收的提醒（每天每类只发一次，可放进 cron）。"
    ),
    "report": "填报任务进度：TASK 写作 计划:编号。Report progress on a task.",
    "reports": "列出一轮调度收到的进度报告。List the reports of a round.",
    "review": "审核进度报告：通过或退回。Accept or return a report.",
    "rounds": "调度轮次：发起、查看未报单位、催办、结束。Reporting rounds.",
    "scores": "单位考核：每个责任单位的得分、等次与计算过程。Unit scores for a period.",
    "serve": (
        "启动网页与 JSON 接口；并按 LUOSHI_REMIND_AT 定时发送提醒。Serve the web app and the API."
    ),
    "sign": "签收任务：TASK 写作 计划:编号。Acknowledge a task for one's unit.",
    "tasks": "单项任务的修改。Edit single tasks.",
    "text": "输出文件提取出的纯文本（所有偏移量都指向它）。Print the plain text offsets refer to.",
    "units": "单位（责任单位、配合单位）。Units.",
    "unsigned": (
        "超期未签收：交办 LUOSHI_UNSIGNED_AFTER_DAYS 天以上仍未签收的任务。Tasks not acknowledged."
    ),
    "users": "用户与角色。Users and roles.",
}


def summary(name: str, limit: int) -> str:
    """The entry of ``name`` shortened to ``limit`` as click shortens a command's help."""
    return click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit)
