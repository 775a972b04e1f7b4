"""What the API accepts: request bodies and parameters, validated before any handler runs.

Strings refuse NUL characters and lone surrogates (neither can be stored as
text on every backend); numbers must be finite and in range; unknown fields
are refused, so a typo in a field name is an error, not silently ignored.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from luoshi.ledger.health import Health as Health  # the list's filter choices
from luoshi.ledger.passwords import MIN_LENGTH
from luoshi.ledger.tasks import FIELD_LABELS as TASK_FIELD_LABELS

MAX_ID = 2**31 - 1
MAX_PER_PAGE = 200

# The fields' names in Chinese, for validation messages: 完成时限（deadline）「2024-13-01」…
FIELD_LABELS = {
    **TASK_FIELD_LABELS,
    "title": "标题",  # of a task or of a plan
    "version": "版本",
    "username": "用户名",
    "password": "密码",
    "current_password": "当前密码",
    "active": "是否启用",
    "display_name": "显示名称",
    "role": "角色",
    "percent": "完成百分比",
    "value": "已达到数值",
    "values": "各目标已达到数值",
    "target_id": "目标编号",
    "narrative": "进展情况",
    "evidence": "佐证材料",
    "round_id": "调度轮次",
    "decision": "审核结论",
    "reason": "理由",
    "period": "期间",
    "due": "填报截止",
    "unit": "单位",
    "note": "说明",
    "document_id": "文件编号",
    "task_id": "任务编号",
    "plan_id": "计划编号",
    "report_id": "报告编号",
    "name": "名称",
    "public": "是否公开",
    "page": "页码",
    "per_page": "每页条数",
    "health": "状态",
    "sort": "排序",
    "category": "类别",
    "deadline_from": "完成时限起",
    "deadline_to": "完成时限止",
    "q": "关键词",
    "until": "申请延至",
    "text": "批示内容",
    "summary": "办理结果",
    "email": "电子邮箱",
    "webhook": "webhook 地址",
    "files": "佐证材料文件",
    "state": "状态",
    "status": "状态",
    "channel": "渠道",
    "verdict": "研判结论",
    "as_of": "截至日期",
    "leaves_only": "只看末级任务",
    "after": "续页位置",
    "level": "层级",
    "code": "任务编号",
    "codes": "任务编号",
    "min": "最低分",
    "min_score": "最低分",
    "dir": "方向",
    "other": "对方计划",
    "parent": "上级任务",
    "parent_plan": "上级计划",
    "parent_plan_id": "上级计划",
    "parent_task_id": "上级任务",
    "parent_id": "上级组织",
    "organisation": "所属组织",
    "organisation_id": "所属组织",
    "org_id": "组织编号",
    "unit_id": "单位编号",
    "user_id": "用户编号",
    "link_id": "对接编号",
    "delay_id": "延期申请编号",
    "close_id": "办结申请编号",
    "attachment_id": "附件编号",
    "task_ids": "所选任务",
    "report_ids": "所选报告",
    "target_ids": "目标",
    "versions": "版本",
    "new_name": "新名称",
    "into": "并入单位",
    "year": "年度",
    "archived": "是否归档",
    "confirmed": "确认",
    "mine": "仅本人",
    "shares": "分解份额",
}


def _storable(text: str) -> str:
    if "\x00" in text:
        raise ValueError("不能包含 NUL 字符")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("包含无效的字符") from None
    return text


Name = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_storable)]
Short = Annotated[str, Field(max_length=500), AfterValidator(_storable)]
Long = Annotated[str, Field(max_length=10_000), AfterValidator(_storable)]
Password = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
Percent = Annotated[float, Field(allow_inf_nan=False, ge=0, le=100)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]
# 审核状态 a report list may be filtered by (ledger.models.REPORT_STATES).
ReportState = Literal["submitted", "accepted", "returned", "superseded"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(Body):
    username: Name
    password: Password


class TargetValueIn(Body):
    """The value reached for one target of the task."""

    target_id: Id
    value: Finite


class ReportIn(Body):
    """进度报告: percent complete, what was done, the value reached for each target
    (``values``; ``value`` alone is the first target's, as before) and evidence."""

    percent: Percent
    narrative: Long = ""
    value: Finite | None = None
    values: list[TargetValueIn] = Field(default_factory=list, max_length=50)
    evidence: list[Short] = Field(default_factory=list, max_length=20)
    round_id: Id | None = None


class ReviewIn(Body):
    """督考: accept, or return with a reason."""

    decision: Literal["accept", "return"]
    reason: Long | None = None
    version: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None


class ReopenIn(Body):
    """撤销办结: why the done task is opened again (the unit is told), and the task's
    version seen."""

    reason: Long
    version: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None


class RoundIn(Body):
    period: Annotated[str, Field(min_length=1, max_length=20), AfterValidator(_storable)]
    due: date | None = None


class ChaseIn(Body):
    unit: Short | None = None
    note: Long | None = None


class PlanIn(Body):
    document_id: Id
    name: Name
    title: Short | None = None


class PlanPatch(Body):
    public: StrictBool


class ConfirmIn(Body):
    """确认责任单位: the task codes to confirm, or ``all`` for every pending one."""

    codes: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=50)]], Field(max_length=10_000)
    ] = []
    all: StrictBool = False


class UnitIn(Body):
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)]


class UserIn(Body):
    username: Name
    role: Literal["admin", "supervisor", "reporter", "viewer"]
    password: Annotated[
        str, Field(min_length=MIN_LENGTH, max_length=200), AfterValidator(_storable)
    ]
    unit: Short | None = None
    display_name: Short | None = None
    organisation: Short | None = None


class UserOrgIn(Body):
    """所属组织 (name or id); null or "": not scoped."""

    organisation: Short | None = None
    version: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None


NewPassword = Annotated[str, Field(min_length=8, max_length=200), AfterValidator(_storable)]


class PasswordIn(Body):
    """修改本人密码: the current password, and the new one."""

    current_password: Password
    password: Annotated[
        str, Field(min_length=MIN_LENGTH, max_length=200), AfterValidator(_storable)
    ]


class UserPatch(Body):
    """停用或启用用户 (administrators): a deactivated user is signed out and cannot sign in."""

    active: StrictBool


def _iso_date(value: object) -> object:
    # Pydantic would also take a number of seconds since 1970 as a date.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise ValueError("应为日期，如 2024-06-30")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
UnitName = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)]
TaskTitle = Annotated[str, Field(max_length=2000), AfterValidator(_storable)]
Person = Annotated[str, Field(max_length=200), AfterValidator(_storable)]
Weight = Annotated[float, Field(allow_inf_nan=False, ge=0, le=1e6)]


class TaskPatch(Body):
    """修改与分派任务: only the fields sent change; ``version`` is the task's version the
    client saw (a newer one means someone else has saved since: 409, nothing written).
    null clears ``lead_unit``, ``person``, ``start_date``, ``deadline`` and
    ``expected_outcome``; ``co_units: []`` removes every co-unit."""

    # A field left out stays as it is, hence the None defaults; title, co_units and weight
    # cannot be null, which their types say (and the OpenAPI document shows).
    title: TaskTitle = None  # type: ignore[assignment]
    lead_unit: UnitName | None = None
    co_units: Annotated[list[UnitName], Field(max_length=50)] = None  # type: ignore[assignment]
    person: Person | None = None
    start_date: IsoDate | None = None
    deadline: IsoDate | None = None
    expected_outcome: Long | None = None
    weight: Weight = None  # type: ignore[assignment]
    version: Annotated[int, Field(ge=1, le=MAX_ID)]

    def changes(self) -> dict[str, Any]:
        """The fields sent, as the ledger's edit takes them (an empty person or
        expected outcome clears it, as on the command line)."""
        values = self.model_dump(exclude_unset=True, exclude={"version"})
        for key in ("person", "expected_outcome"):
            if key in values:
                values[key] = values[key] or None
        return values
