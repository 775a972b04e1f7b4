"""The words of the workflow's pages (督办), merged into ``i18n.WORDS``."""

from __future__ import annotations

from luoshi.ledger.quality import FLAG_LABELS

WORDS: dict[str, tuple[str, str]] = {
    "nav.todo": ("待办", "To do"),
    "nav.scores": ("考核", "Scores"),
    "nav.notifications": ("提醒记录", "Messages"),
    "bell": ("消息", "Messages"),
    "inbox": ("我的消息", "My messages"),
    "mark_read": ("全部标为已读", "Mark all read"),
    "unread": ("未读", "Unread"),
    "todo": ("本单位待办", "My unit's to-do list"),
    "todo.to_sign": ("待签收的任务", "Tasks to acknowledge"),
    "todo.due_soon": ("临近完成时限的任务", "Tasks due soon"),
    "todo.returned": ("被退回、待重新填报的报告", "Returned reports to resubmit"),
    "todo.chases": ("催办", "Chases"),
    "todo.comments": ("领导批示", "Leaders' comments"),
    "todo.rounds": ("进行中的调度", "Open rounds"),
    "todo.delays": ("延期申请", "Delay requests"),
    "todo.owed": ("待报", "Still owed"),
    "todo.chase_owed": ("催办时 {n} 项待报", "{n} owed when chased"),
    "todo.sent": ("已报", "Sent"),
    "todo.empty": ("没有待办事项。", "Nothing to do."),
    "todo.all_sent": (
        "没有需要办理的事项：下列各期都已填报。",
        "Nothing to do: every round below is reported.",
    ),
    "days_left": ("剩余天数", "Days left"),
    "days_left.n": ("还剩 {n} 天", "{n} days left"),
    "days_over.n": ("逾期 {n} 天", "{n} days overdue"),
    "due_today": ("今天到期", "Due today"),
    "sign": ("签收", "Acknowledge"),
    "signed": ("已签收", "Acknowledged"),
    "not_signed": ("未签收", "Not acknowledged"),
    "unsigned_late": ("交办 {n} 天以上未签收的任务", "Not acknowledged {n} days after assignment"),
    "days_since_given": ("交办天数", "Days since assigned"),
    "workflow": ("督办流程", "Workflow"),
    "delay_request": ("申请延期", "Ask for more time"),
    "delay_pending": (
        "已申请延至 {}，正待督查室审批；审批后如需再延期，可再次申请。",
        "More time until {} has been asked for and awaits the office; once it is decided "
        "you may ask again.",
    ),
    "delay_until": ("延至", "Until"),
    "delay_reason": ("延期理由", "Why"),
    "original_deadline": ("原定完成时限", "Original deadline"),
    "approve": ("同意", "Approve"),
    "reject": ("不同意", "Reject"),
    "close_request": ("申请办结", "Ask to close"),
    "close_summary": ("办理结果", "Outcome"),
    "close_accept": ("办结（销号）", "Close (done)"),
    "close_return": ("退回", "Return"),
    "reopen": ("撤销办结，重新打开", "Reopen"),
    "reopen_reason": ("重新打开的理由", "Why"),
    "reopen_hint": (
        "办结有误或发现尚未完成时使用：完成它的 100% 报告将被退回，任务的进度回到此前计入的"
        "报告（总览、台账和公开页面随即更新），单位收到理由后可再次填报。",
        "When it was closed in error or is not finished: the 100% report that closed it "
        "is returned, the task's progress goes back to the report counted before it (the "
        "dashboard, the ledger and the public page at once), and the unit may report again.",
    ),
    "done_hint": (
        "任务已办结，不能再填报。如需更正，请联系督查人员撤销办结。",
        "The task is closed: no more reports. "
        "To correct it, ask the supervision office to reopen it.",
    ),
    "comment": ("批示", "Comment"),
    "comment_text": ("批示内容", "Comment"),
    "attachments": ("佐证材料文件", "Evidence files"),
    "files_hint": ("pdf、docx、xlsx 或图片，可多选", "pdf, docx, xlsx or images; several allowed"),
    "files_dropped": (
        "所选文件未上传，改正后请重新选择再提交",
        "The files chosen were not uploaded: choose them again before sending",
    ),
    "flags": ("质量提示", "Quality flags"),
    "pending_delays": ("待审批的延期申请", "Delay requests to decide"),
    "pending_closes": ("待复核的办结申请", "Requests to close to review"),
    "state.pending": ("待处理", "Pending"),
    "state.approved": ("已同意", "Approved"),
    "state.rejected": ("不同意", "Rejected"),
    "state.accepted": ("已办结", "Closed"),
    "state.returned": ("已退回", "Returned"),
    "state.superseded": ("随报告被取代", "Superseded with its report"),
    "report.done": ("已完成", "Done"),
    "scores": ("单位考核", "Unit assessment"),
    "score": ("得分", "Score"),
    "grade": ("等次", "Grade"),
    "rank": ("名次", "Rank"),
    "how": ("计算过程", "How it was computed"),
    "channel": ("渠道", "Channel"),
    "recipient": ("对象", "Recipient"),
    "kind": ("类别", "Kind"),
    "subject": ("标题", "Subject"),
    "error": ("错误", "Error"),
    "n.pending": ("待发送", "Pending"),
    "n.sending": ("发送中", "Sending"),
    "n.delivered": ("已送达", "Delivered"),
    "n.failed": ("失败", "Failed"),
}

# 质量提示: the ledger names each flag in Chinese (quality.FLAG_LABELS); English here.
_FLAGS_EN = {
    "near_copy": "Same as last time",
    "no_evidence": "100% without evidence",
    "contradicts": "Figures disagree",
    "backwards": "Progress went back",
    "beyond_target": "Beyond the target without evidence",
    "no_narrative": "No account of the work",
    "negative": "Negative value",
}
WORDS.update({f"flag.{code}": (zh, _FLAGS_EN.get(code, zh)) for code, zh in FLAG_LABELS.items()})
