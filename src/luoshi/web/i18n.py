"""界面文字: the pages' words in Chinese (the default) and English.

Templates call ``t("key")``; the language comes from the ``luoshi_lang`` cookie
(set by the 中文 / English switch). A key missing from English falls back to Chinese.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from jinja2 import Environment, pass_context

from luoshi.web.words import MORE_WORDS

LANGS = ("zh", "en")
LANG_COOKIE = "luoshi_lang"

WORDS: dict[str, tuple[str, str]] = {
    "app": ("落实", "Luoshi"),
    "tagline": ("政策落实台账", "Policy implementation ledger"),
    "nav.dashboard": ("总览", "Dashboard"),
    "nav.documents": ("文件", "Documents"),
    "nav.ledger": ("台账", "Ledger"),
    "nav.rounds": ("调度", "Rounds"),
    "nav.review": ("督考", "Review"),
    "nav.users": ("用户", "Users"),
    "nav.units": ("单位", "Units"),
    "nav.public": ("公开", "Public"),
    "nav.menu": ("菜单", "Menu"),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "plan": ("计划", "Plan"),
    "plans": ("计划", "Plans"),
    "no_plans": (
        "还没有计划。请先在「文件」中上传文件并建立计划。",
        "No plans yet. Upload a document and build a plan under Documents.",
    ),
    "progress": ("进度", "Progress"),
    "overall": ("总体进度", "Overall progress"),
    "public.as_of": ("数据截至", "Figures as of"),
    "public.awaiting": (
        "其中 {n} 项任务的最新进度为责任单位填报、尚待督查室审核",
        "the latest progress of {n} tasks is as their units reported it, not yet reviewed",
    ),
    "public.awaiting_one": ("单位填报，待审核", "as reported, not yet reviewed"),
    "public.awaiting_accepted": (
        "另有 {n} 项任务的新填报尚待督查室审核，审核通过后计入",
        "{n} tasks have a new report awaiting review; it counts once accepted",
    ),
    "public.awaiting_one_accepted": ("有新填报待审核", "a new report awaits review"),
    "dashboard.awaiting": (
        "其中 {n} 项末级任务的最新进度来自待审核的填报，退回后不再计入。",
        "The latest progress of {n} leaf tasks comes from reports awaiting review; "
        "a returned report stops counting.",
    ),
    "dashboard.awaiting_accepted": (
        "另有 {n} 项末级任务的新填报待审核，审核通过后才计入进度。",
        "{n} leaf tasks have a new report awaiting review; it counts once accepted.",
    ),
    "dashboard.to_review": ("去审核", "Review them"),
    "expected": ("应有进度", "Expected"),
    "leaf_tasks": ("末级任务", "Leaf tasks"),
    "overdue": ("逾期", "Overdue"),
    "overdue_only": ("只看逾期", "Overdue only"),
    "by_status": ("按状态", "By status"),
    "by_category": ("按类别", "By category"),
    "by_unit": ("按责任单位", "By lead unit"),
    "links": ("对接", "Links"),
    "answers": ("承接上级任务", "Answers"),
    "answered_by": ("下级承接任务", "Answered by"),
    "downstream": ("下级进度", "Progress below"),
    "own_progress": ("本级进度", "Own progress"),
    "coverage": ("承接情况", "Coverage"),
    "unanswered": ("未承接", "Not taken up"),
    "orphans": ("无上级", "No parent"),
    "link_state": ("对接状态", "Link state"),
    "timeline": ("进度变化（按调度轮次）", "Progress over rounds"),
    "progress.unreviewed": (
        "含待审核的填报，退回后不再计入",
        "includes a report awaiting review; it stops counting if returned",
    ),
    "progress.awaiting": (
        "另有 {percent}% 的填报待审核，通过后计入",
        "a report of {percent}% awaits review and counts once accepted",
    ),
    "timeline.none": ("还没有计入进度的填报。", "No report counts towards progress yet."),
    "timeline.from_children": (
        "本项的进度由下级任务汇总而来，各轮进度见下级任务。",
        "This task's progress is rolled up from its subtasks; see them for each round.",
    ),
    "attention": ("需要关注（严重滞后、停滞或逾期）", "Needs attention (red, stalled or overdue)"),
    "nothing": ("暂无", "None"),
    "attention_more": (
        "共 %d 项，此处列出最需关注的 %d 项",
        "%d in all; the %d most urgent are listed",
    ),
    "code": ("编号", "Code"),
    "task": ("任务", "Task"),
    "category": ("类别", "Category"),
    "lead_unit": ("责任单位", "Lead unit"),
    "lead_unit_basis": ("责任单位依据", "Why this lead unit"),
    "pending_confirm": ("待确认", "To confirm"),
    "pending_units": (
        "项任务的责任单位是按职能建议的，待确认",
        "tasks have a suggested lead unit to confirm",
    ),
    "confirm_all": ("全部确认", "Confirm all"),
    "confirm_codes": ("确认所列编号", "Confirm these codes"),
    "confirm_suggestion": ("确认此建议", "Confirm this suggestion"),
    "initial_progress": ("原台账进展情况", "Progress noted in the source ledger"),
    "co_units": ("配合单位", "Co-units"),
    "person": ("责任人", "Responsible"),
    "deadline": ("完成时限", "Deadline"),
    "status": ("状态", "Status"),
    "targets": ("目标", "Targets"),
    "baseline": ("基数", "Baseline"),
    "latest_value": ("最新数值", "Latest value"),
    "search": ("搜索", "Search"),
    "filter": ("筛选", "Filter"),
    "any": ("全部", "Any"),
    "from": ("从", "From"),
    "to": ("至", "To"),
    "text": ("关键词", "Text"),
    "results": ("条结果", "results"),
    "prev": ("上一页", "Previous"),
    "per_page": ("每页", "Per page"),
    "next": ("下一页", "Next"),
    "documents": ("文件", "Documents"),
    "upload": ("上传文件", "Upload a document"),
    "upload_hint": (
        "支持 .txt、.docx、.pdf、.html，以及台账 .xlsx、.xls",
        "Accepts .txt, .docx, .pdf, .html and ledgers in .xlsx, .xls",
    ),
    "title": ("标题", "Title"),
    "type": ("类型", "Type"),
    "level": ("层级", "Level"),
    "date": ("日期", "Date"),
    "size": ("字数", "Characters"),
    "outline": ("目录", "Outline"),
    "build_plan": ("建立计划", "Build a plan"),
    "plan_name": ("计划名称（如 t2025）", "Plan name (e.g. t2025)"),
    "plan_title": ("计划标题（可空）", "Plan title (optional)"),
    "build": ("建立", "Build"),
    "source": ("原文", "Source"),
    "reports": ("进度报告", "Progress reports"),
    "report": ("填报进度", "Report progress"),
    "percent": ("完成百分比", "Percent complete"),
    "value": ("已达到数值", "Value reached"),
    "narrative": ("进展情况", "What was done"),
    "evidence": ("佐证材料（每行一项）", "Evidence (one per line)"),
    "submit": ("提交", "Submit"),
    "reviews": ("审核", "Reviews"),
    "accept": ("通过", "Accept"),
    "return": ("退回", "Return"),
    "reason": ("理由", "Reason"),
    "audit": ("审计记录", "Audit trail"),
    "at": ("时间", "When"),
    "actor": ("用户", "Who"),
    "action": ("操作", "Action"),
    "rounds": ("调度轮次", "Reporting rounds"),
    "open_round": ("发起调度", "Open a round"),
    "period": ("期间（如 2025-Q3）", "Period (e.g. 2025-Q3)"),
    "period_col": ("期间", "Period"),
    "due": ("填报截止", "Due"),
    "open": ("进行中", "Open"),
    "closed": ("已结束", "Closed"),
    "close_round": ("结束调度", "Close round"),
    "pending": ("未报单位", "Units yet to report"),
    "chase": ("催办", "Chase"),
    "chase_all": ("全部催办", "Chase all"),
    "chases": ("已催办次数", "Chased"),
    "last_chased": ("最近催办", "Last chased"),
    "report_waiting": (
        "{unit}本轮已报 {percent}%，等待审核；再次提交将取代那份报告。",
        "{unit} reported {percent}% this round, awaiting review; a new report replaces it.",
    ),
    "add_recipient": ("去填写接收人", "Add a recipient"),
    "no_reader": (
        "无接收人：没有填报账号、邮箱或群机器人，催办送不到",
        "No recipient: no account, mailbox or webhook",
    ),
    "note": ("说明", "Note"),
    "my_tasks": ("本单位待报任务", "My unit's tasks"),
    "no_open_round": ("目前没有进行中的调度。", "No reporting round is open."),
    "review_queue": ("待审核的进度报告", "Reports awaiting review"),
    "unit": ("单位", "Unit"),
    "reporter": ("填报人", "Reporter"),
    "public_flag": (
        "公开此计划（无需登录即可查看）",
        "Publish this plan (readable without sign-in)",
    ),
    "make_public": ("设为公开", "Publish"),
    "make_private": ("取消公开", "Unpublish"),
    "public_view": ("公开页面", "Public page"),
    "promised": ("承诺", "Promised"),
    "done_so_far": ("完成情况", "Done so far"),
    "users": ("用户", "Users"),
    "role": ("角色", "Role"),
    "add_user": ("添加用户", "Add a user"),
    "display_name": ("显示名称", "Display name"),
    "add": ("添加", "Add"),
    "account": ("账号", "Account"),
    "user_org": ("所属组织", "Organisation"),
    "user_org.none": ("（全部计划）", "(every plan)"),
    "account.active": ("启用", "Active"),
    "account.inactive": ("已停用", "Deactivated"),
    "deactivate": ("停用", "Deactivate"),
    "reactivate": ("重新启用", "Reactivate"),
    "error": ("出错了", "Something went wrong"),
    "back": ("返回", "Back"),
    "health.green": ("正常", "On track"),
    "health.amber": ("滞后", "Behind"),
    "health.red": ("严重滞后", "Far behind"),
    "health.stalled": ("停滞", "Stalled"),
    "health.done": ("已完成", "Done"),
    "report.submitted": ("待审核", "Awaiting review"),
    "report.correct": ("更正", "Correct"),
    "report.correct_hint": (
        "审核前可以重新填报，新报告将取代待审核的那份",
        "Until it is reviewed, a new report replaces the one awaiting review",
    ),
    "report.accepted": ("已通过", "Accepted"),
    "report.returned": ("已退回", "Returned"),
    "report.superseded": ("已被新报告取代", "Superseded by a newer report"),
    "role.admin": ("管理员", "Administrator"),
    "role.supervisor": ("督查人员", "Supervisor"),
    "role.reporter": ("填报人", "Unit reporter"),
    "role.viewer": ("查看者", "Viewer"),
    "saved": ("已保存", "Saved"),
    "edit_task": ("修改与分派", "Edit and assign"),
    "task_title": ("任务名称", "Task title"),
    "start_date": ("开始日期", "Start date"),
    "expected_outcome": ("预期成效", "Expected outcome"),
    "weight": ("权重", "Weight"),
    "version": ("版本", "Version"),
    "unassigned": ("（未分派）", "(unassigned)"),
    "co_units_hint": ("勾选配合单位，可输入名称筛选", "tick co-units; type to filter"),
    "save": ("保存", "Save"),
    "notice.saved": ("修改已保存。", "Changes saved."),
    "notice.unchanged": ("没有修改：各项与原来相同。", "Nothing changed: every field as before."),
    "notice.reported": ("进度已提交，等待审核。", "Progress submitted, awaiting review."),
    "report_warnings": (
        "请核对，审核人将看到这份报告的以下提示：",
        "Please check: the reviewer will see these notes on this report:",
    ),
    "report_warnings_fix": (
        "如有误，可在审核前再次填报，新的报告将取代这一份。",
        "If it is wrong, report again before it is reviewed: the new report replaces this one.",
    ),
    "notice.accepted": ("已通过。", "Accepted."),
    "notice.returned": ("已退回，填报单位会收到退回理由。", "Returned; the unit gets the reason."),
    "notice.returned_unread": (
        "已退回。该单位还没有可登录的填报账号，站内收不到退回理由：请为其添加填报用户，"
        "或另行告知。",
        "Returned. The unit has no account to sign in with, so nobody reads the reason in "
        "the app: add a reporter for it, or tell it another way.",
    ),
    "notice.reopened_unread": (
        "已重新打开：完成它的 100% 报告已退回。该单位还没有可登录的填报账号，站内收不到理由："
        "请为其添加填报用户，或另行告知。",
        "Reopened: the 100% report that closed it is returned. The unit has no account to "
        "sign in with, so nobody reads the reason in the app: add a reporter for it, or "
        "tell it another way.",
    ),
    "notice.reopened": (
        "已重新打开：完成它的 100% 报告已退回，填报单位会收到理由并可再次填报。",
        "Reopened: the 100% report that closed it is returned; "
        "the unit is told and may report again.",
    ),
    "edit.conflict": (
        "表单已按当前内容刷新。您填写的以下内容未保存，请核对后重新填写：",
        "The form now shows the current values. What you entered below was not saved; "
        "check it and enter it again:",
    ),
}


WORDS.update(MORE_WORDS)


def word(key: str, lang: str = "zh") -> str:
    pair = WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" and pair[1] else pair[0]


@pass_context
def _t(context: Any, key: str) -> str:
    return word(key, context.get("lang", "zh"))


@pass_context
def amount(context: Any, value: Any) -> str:
    """A reported value as people read it beside its target: 2300万 and 1.25, not
    23000000.0 (the targets are written in 万 and 亿, so the value is too, in Chinese)."""
    if value is None or value == "":
        return ""
    return plain_amount(float(value), context.get("lang", "zh"))


# 亿 before 万: the larger magnitude that still says the value exactly.
MAGNITUDES = ((100_000_000, "亿"), (10_000, "万"))
MAGNITUDE_DECIMALS = 4


def plain_amount(number: float, lang: str = "zh") -> str:
    """``number`` in 万 or 亿 when one says it exactly in at most four decimals (Chinese
    only), else with thousands separators: 23,000,000 → 2300万, 12,345 → 1.2345万,
    123,456.7 → 123,456.7."""
    if lang == "zh":
        exact = Decimal(repr(number))  # the number as written, not its binary float
        for size, name in MAGNITUDES:
            scaled = exact / size
            if abs(exact) >= size and scaled == round(scaled, MAGNITUDE_DECIMALS):
                return _decimals(float(scaled)).replace(",", "") + name
    return _decimals(number)


def _decimals(number: float) -> str:
    if float(number).is_integer():
        return f"{number:,.0f}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def when(value: object) -> str:
    """A moment as a clerk reads it: ``2026-12-02 10:30`` on the office's clock.

    The ledger stores moments in UTC without a zone (ledger/clock.py); shown as stored,
    an office in Beijing saw them eight hours early. The office's clock is the
    server's, as for 今天 (``clock.today``)."""
    if value is None or value == "":
        return ""
    moment = value if isinstance(value, datetime) else _parsed(str(value))
    if moment is None:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _parsed(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def install(env: Environment) -> None:
    env.globals["t"] = _t
    env.filters["amount"] = amount
    env.filters["when"] = when


def _merge_workflow_words() -> None:
    from luoshi.web.i18n_audit import WORDS as audit_words
    from luoshi.web.i18n_orgs import WORDS as org_words
    from luoshi.web.i18n_workflow import WORDS as workflow_words

    WORDS.update(workflow_words)
    WORDS.update(org_words)
    WORDS.update(audit_words)


_merge_workflow_words()
