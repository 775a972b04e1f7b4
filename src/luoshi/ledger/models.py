"""The tables of the ledger, as typed SQLAlchemy models.

Every row people may change carries a ``version`` (optimistic locking: an UPDATE
only succeeds ``WHERE version = <the version read>``). Rows that record what
happened — spans, reviews, chases, audit events — are written once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

# Stable constraint names, so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("admin", "supervisor", "reporter", "viewer")
TASK_KINDS = ("group", "task", "measure")
# Where a task's lead unit came from (tasks.lead_unit_origin): named by the document,
# suggested from the departments' mandates (待确认), a suggestion a person confirmed,
# or set by a person.
UNIT_ORIGINS = ("document", "suggested", "confirmed", "assigned")
PENDING_ORIGIN = "suggested"
# Where a unit row came from (units.origin): a document named it, a unit map lists it,
# or a person added it.
UNIT_SOURCES = ("document", "map", "manual")
TASK_STATES = ("open", "done")
REPORT_STATES = ("submitted", "accepted", "returned", "superseded")
# A report that does not count towards its task's progress: returned by a reviewer, or
# replaced by its unit's newer report in the round before anyone reviewed it.
NOT_COUNTED = ("returned", "superseded")
# 层级: government levels, highest first (a parent organisation is at a higher level).
ORG_LEVELS = ("国家", "省", "市", "区", "街道")
LINK_STATES = ("proposed", "accepted", "rejected")
# How a link came about: proposed by alignment, created by breakdown (下发), or by hand.
LINK_ORIGINS = ("align", "breakdown", "manual")
# 草稿 → 启用 → 归档: only active plans are shown on dashboards and run rounds.
PLAN_STATES = ("draft", "active", "archived")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """A row that people edit: the version seen must still be current to write."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # SQLAlchemy adds "AND version = :seen" to every UPDATE and bumps it.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Unit(Versioned, Base):
    """单位: a department that leads or supports tasks (市交通运输委)."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # 来源: "document" (named by a document, created when a plan was built from it),
    # "map" (from a unit map), "manual" (added by a person); NULL before revision 0004.
    origin: Mapped[str | None] = mapped_column(String(20))
    # Where reminders reach the unit: a mailbox, and a chat robot (钉钉, 企业微信, 飞书
    # or any JSON webhook), as an address or an apprise URL.
    email: Mapped[str | None] = mapped_column(String(200))
    webhook: Mapped[str | None] = mapped_column(String(1000))


class User(Versioned, Base):
    """用户: someone who acts on the ledger; a reporter belongs to one unit, a scoped
    supervisor or viewer to one organisation."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    email: Mapped[str | None] = mapped_column(String(200))
    # 默认计划: the plan this user's dashboard opens on, when it is active.
    default_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    # 所属组织: a supervisor or viewer with one sees and runs only that organisation's
    # plans and those below it (ledger/scope.py); None: every plan, as before.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))


class Document(Versioned, Base):
    """文件: a source document, its raw text kept verbatim."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(20))
    date: Mapped[date | None] = mapped_column(Date)
    raw: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash and length of the text without punctuation or whitespace: near-duplicates.
    text_key: Mapped[str] = mapped_column(String(64), index=True)
    text_length: Mapped[int] = mapped_column(Integer, index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # The tables its reader found (Word, spreadsheet): cells as spans of ``raw`` with
    # their grid column and merge, so a plan is drafted from them as from the file.
    tables: Mapped[list[Any] | None] = mapped_column(JSON, deferred=True)
    # 归档: kept, but off the documents list unless asked for.
    archived: Mapped[bool] = mapped_column(default=False, server_default=false())


class DocumentSpan(Base):
    """片段: a heading or quantity of a document, ``raw[start:end] == text``."""

    __tablename__ = "document_spans"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[int] = mapped_column("span_start", Integer)
    end: Mapped[int] = mapped_column("span_end", Integer)
    text: Mapped[str] = mapped_column(Text)
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON)


class Plan(Versioned, Base):
    """计划: a ledger built from one or more documents."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # 公开: readable without login on the public page (what was promised, what was done).
    public: Mapped[bool] = mapped_column(default=False, server_default=false())
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Plans made before states existed were in use: they start active.
    state: Mapped[str] = mapped_column(String(10), default="draft", server_default="active")
    # 本单位默认计划: the office-wide default (at most one plan has it).
    office_default: Mapped[bool] = mapped_column(default=False, server_default=false())


class Task(Versioned, Base):
    """任务: a node of a plan's tree (group, task or measure)."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    plan: Mapped[Plan] = relationship(lazy="raise")
    code: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    start: Mapped[int | None] = mapped_column("span_start", Integer)
    end: Mapped[int | None] = mapped_column("span_end", Integer)
    category: Mapped[str] = mapped_column(String(500), default="")
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    person: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    deadline_text: Mapped[str | None] = mapped_column(String(100))
    expected_outcome: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    # 状态: open or done (not the health colour, which is derived; see ledger.health).
    state: Mapped[str] = mapped_column("status", String(10), default="open")
    # 责任单位来源: one of UNIT_ORIGINS; "suggested" is shown as 待确认.
    lead_unit_origin: Mapped[str | None] = mapped_column(String(20))
    # Why the lead unit: 文件写明（表格）, or 职能匹配：港口、集装箱 (the terms that matched).
    lead_unit_reason: Mapped[str | None] = mapped_column(Text)
    # 进展情况 as the office's own ledger stated it when the plan was built from it.
    initial_progress_note: Mapped[str | None] = mapped_column(Text)
    # 原定完成时限: the deadline before the first approved delay (延期); None when never delayed.
    original_deadline: Mapped[date | None] = mapped_column(Date)
    # Set when building a tree in one flush; never loaded implicitly (no N+1 queries).
    parent: Mapped[Task | None] = relationship(remote_side=[id], lazy="raise")


class TaskCoUnit(Base):
    """配合单位: a unit that supports a task, in the order given."""

    __tablename__ = "task_co_units"
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    task: Mapped[Task] = relationship(lazy="raise")


class Target(Versioned, Base):
    """目标: a quantified goal of a task, with its baseline (基数) when stated."""

    __tablename__ = "targets"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(500))
    comparator: Mapped[str] = mapped_column(String(10))
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(50))
    period: Mapped[str | None] = mapped_column(String(100))
    measure: Mapped[str] = mapped_column(String(20))
    start: Mapped[int | None] = mapped_column("span_start", Integer)
    end: Mapped[int | None] = mapped_column("span_end", Integer)
    text: Mapped[str] = mapped_column(String(500))
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_unit: Mapped[str | None] = mapped_column(String(50))
    baseline_period: Mapped[str | None] = mapped_column(String(100))
    baseline_start: Mapped[int | None] = mapped_column(Integer)
    baseline_end: Mapped[int | None] = mapped_column(Integer)
    baseline_text: Mapped[str | None] = mapped_column(String(500))
    task: Mapped[Task] = relationship(lazy="raise")


class Round(Versioned, Base):
    """调度: a reporting round of a plan for one period (2024-Q1)."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("plan_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    due: Mapped[date | None] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class ProgressReport(Versioned, Base):
    """进度报告: what a unit reports on a task in a round."""

    __tablename__ = "progress_reports"
    __table_args__ = (Index("ix_progress_reports_task_id_id", "task_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id"))
    percent: Mapped[float] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[str]] = mapped_column(JSON)
    # 审核状态: submitted, accepted, returned, or superseded (已被新报告取代: the unit
    # sent a newer report in the round before this one was reviewed).
    state: Mapped[str] = mapped_column("status", String(10), default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(DateTime)


class ReportValue(Base):
    """填报数值: the value a report gives for one target of its task."""

    __tablename__ = "report_values"
    __table_args__ = (UniqueConstraint("report_id", "target_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), index=True)
    value: Mapped[float] = mapped_column(Float)


class Review(Base):
    """督考: a supervisor's decision on a report; returning needs a reason."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)


class RoundPoint(Base):
    """进度曲线上的点: the plan's progress when a round closed, written once at the close."""

    __tablename__ = "round_points"
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    progress: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)


class Chase(Base):
    """催办: a reminder sent to a unit that has not reported in a round."""

    __tablename__ = "chases"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    pending_tasks: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)


class AuditEvent(Base):
    """审计记录: who changed what and when, before and after. Append-only."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity", "entity_id"),
        # The trail's page (read/audit_trail.py) filtered by table or by actor, newest
        # first: an index range in id order, not every such event sorted.
        Index("ix_audit_events_entity_order", "entity", "id"),
        Index("ix_audit_events_actor", "actor", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(50))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The chain (audit_chain.py): the previous event's hash, and this one's over it.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class WebSession(Base):
    """登录会话: a signed-in browser or API client. Only a hash of its token is stored,
    so a copy of the database does not let anyone in."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)


class LoginFailure(Base):
    """登录失败: one failed sign-in, counted per username and address to slow guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_who", "username", "ip", "at"),
        # Counted per address and in total too (ledger/logins.py).
        Index("ix_login_failures_ip", "ip", "at"),
        Index("ix_login_failures_at", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)


class AppSecret(Base):
    """密钥: a secret generated on first run (the session signing key) when none is configured."""

    __tablename__ = "app_secrets"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


# -- figures kept current by the writes (ledger/read/state.py); never edited by people --


class TaskState(Base):
    """任务现状: a task's figures on the plan's state day, kept current by every write
    that changes them, so reads need no rebuild. Fields copied from the task (unit,
    category, deadline, weight) are those the list filters and sorts on."""

    __tablename__ = "task_state"
    __table_args__ = (
        UniqueConstraint("plan_id", "sort_key"),
        Index("ix_task_state_health", "plan_id", "health", "sort_key"),
        Index("ix_task_state_unit", "plan_id", "lead_unit_id", "sort_key"),
        # A unit's tasks of one health, counted from the index (the list's usual filter).
        Index("ix_task_state_unit_health", "plan_id", "lead_unit_id", "health", "sort_key"),
        Index("ix_task_state_category", "plan_id", "category", "sort_key"),
        Index("ix_task_state_overdue", "plan_id", "overdue", "sort_key"),
        Index("ix_task_state_deadline", "plan_id", "deadline", "sort_key"),
        # Needing attention: per health, furthest behind first, then code order.
        Index("ix_task_state_attention", "plan_id", "leaf", "health", "gap", "sort_key"),
        # A plan's top-level tasks (its total, after every write) and the list's sorts:
        # without them SQLite walks the whole plan in code order.
        Index("ix_task_state_children", "plan_id", "parent_id", "sort_key"),
        Index("ix_task_state_progress", "plan_id", "progress", "sort_key"),
        # The dashboard's 待审核 count, counted from the index alone.
        Index("ix_task_state_awaiting", "plan_id", "awaiting_review", "leaf"),
    )
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    sort_key: Mapped[str] = mapped_column(String(200))  # code order: 1.2 before 1.10
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True)
    leaf: Mapped[bool] = mapped_column()
    lead_unit_id: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(500))
    deadline: Mapped[date | None] = mapped_column(Date)
    weight: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)  # the source sentence, for text search
    done: Mapped[bool] = mapped_column()
    reported: Mapped[float | None] = mapped_column(Float)
    last_round_id: Mapped[int | None] = mapped_column(Integer)
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime)
    progress: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    gap: Mapped[float] = mapped_column(Float)
    health: Mapped[str] = mapped_column(String(10))
    overdue: Mapped[bool] = mapped_column()
    missed_rounds: Mapped[int] = mapped_column(Integer)
    # 待审核: the latest counted report awaits review (a leaf's only).
    awaiting_review: Mapped[bool] = mapped_column(default=False, server_default=false())


class PlanState(Base):
    """计划现状: the day (and health rules) a plan's kept figures are measured at, and
    its weighted total. A write to the plan locks this row first, so writers of one plan
    take turns while writers of different plans do not wait for each other."""

    __tablename__ = "plan_state"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    rules: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    progress: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime)


class PlanTally(Base):
    """汇总: a plan's leaf tasks in one group (all, a lead unit, a category) on the state
    day: how many of each health, and the sums the weighted means are made of."""

    __tablename__ = "plan_tallies"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    dim: Mapped[str] = mapped_column(String(10), primary_key=True)  # all, unit, category
    key: Mapped[str] = mapped_column(String(500), primary_key=True)
    first_key: Mapped[str] = mapped_column(String(200))  # the group's first task, in code order
    tasks: Mapped[int] = mapped_column(Integer)
    green: Mapped[int] = mapped_column(Integer)
    amber: Mapped[int] = mapped_column(Integer)
    red: Mapped[int] = mapped_column(Integer)
    stalled: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer)
    overdue: Mapped[int] = mapped_column(Integer)
    weight: Mapped[float] = mapped_column(Float)
    weighted_progress: Mapped[float] = mapped_column(Float)
    weighted_expected: Mapped[float] = mapped_column(Float)
    progress_sum: Mapped[float] = mapped_column(Float)  # plain sums, for weights adding to 0
    expected_sum: Mapped[float] = mapped_column(Float)


class AuditChainHead(Base):
    """审计链头: the newest audit event of the chain and its hash, in one row. Appends
    lock it, so concurrent writers never fork the chain."""

    __tablename__ = "audit_chain"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int | None] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    events: Mapped[int] = mapped_column(Integer)


class Organisation(Versioned, Base):
    """组织: a government at one level (国家/省/市/区/街道) with its parent (a city's province).

    Units and plans belong to one; plans of different organisations are linked.
    """

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class TaskLink(Versioned, Base):
    """对接: a child task answers a parent task of another plan.

    Proposed by alignment (with its score and reason) or created by breakdown;
    accepted or rejected by a person, who and when kept with it and in the audit trail.
    """

    __tablename__ = "task_links"
    __table_args__ = (UniqueConstraint("child_task_id", "parent_task_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    parent_task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    state: Mapped[str] = mapped_column(String(10))
    origin: Mapped[str] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class TargetShare(Base):
    """分解份额: a child task's target is a share of a parent task's target (城镇新增就业
    35万人 → a district's 2万人). The share's value is the child target's own value."""

    __tablename__ = "target_shares"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), index=True)
    child_target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Job(Base):
    """后台任务: a file made or read for someone (an export, an import preview) in a
    worker thread, so the page shows progress and other requests go on. Any process
    may answer the progress page, hence a row and not memory."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    # The progress page's address: unguessable, so one user cannot read another's file.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10))  # queued running done failed
    progress: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(200), default="")
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)  # an uploaded file
    result: Mapped[bytes | None] = mapped_column(LargeBinary)  # the file made
    filename: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # preview, error
    created_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class TargetCheck(Base):
    """目标核对: one reading of a later report against a plan's targets — which
    document, which year it reviews, who ran it and when. Written once: running
    the check again adds a new one, so the history of checks is kept."""

    __tablename__ = "target_checks"
    __table_args__ = (Index("ix_target_checks_plan_id_id", "plan_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    year: Mapped[int] = mapped_column(Integer)  # the year whose review was read
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)  # verdict → number of targets


class TargetCheckResult(Base):
    """核对结果: a target's stated actual in one check — the evidence (the span of the
    checked document and the value it states) and the verdict. Written once."""

    __tablename__ = "target_check_results"
    __table_args__ = (
        UniqueConstraint("check_id", "target_id"),
        Index("ix_target_check_results_target_id_check_id", "target_id", "check_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("target_checks.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"))
    verdict: Mapped[str] = mapped_column(String(20))  # met missed not_reported unclear
    direction: Mapped[str | None] = mapped_column(String(10))  # higher / lower
    note: Mapped[str | None] = mapped_column(Text)  # why unclear
    # The evidence: offsets into the checked document's raw text.
    actual_start: Mapped[int | None] = mapped_column(Integer)
    actual_end: Mapped[int | None] = mapped_column(Integer)
    actual_text: Mapped[str | None] = mapped_column(String(500))
    actual_value: Mapped[float | None] = mapped_column(Float)  # as written
    compared_value: Mapped[float | None] = mapped_column(Float)  # signed as the target reads
    actual_unit: Mapped[str | None] = mapped_column(String(50))
    actual_indicator: Mapped[str | None] = mapped_column(String(500))
    sentence_start: Mapped[int | None] = mapped_column(Integer)
    sentence_end: Mapped[int | None] = mapped_column(Integer)


# -- the workflow of a supervision office (督办): 签收, 延期, 办结, 批示, 佐证材料, 提醒 --

REQUEST_STATES = ("pending", "approved", "rejected")
CLOSE_STATES = ("pending", "accepted", "returned", "superseded")


class TaskAck(Base):
    """签收: a unit acknowledges a task it was given. Written once."""

    __tablename__ = "task_acks"
    __table_args__ = (UniqueConstraint("task_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime)


class DelayRequest(Versioned, Base):
    """延期申请: a unit asks for a later deadline, with a reason; a supervisor decides."""

    __tablename__ = "delay_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    deadline_before: Mapped[date | None] = mapped_column(Date)
    requested: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CloseRequest(Versioned, Base):
    """办结申请: a unit asks to close a task with a final (100%) report and evidence;
    a supervisor accepts it (办结/销号) or returns it with a reason."""

    __tablename__ = "close_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class TaskComment(Base):
    """领导批示: a leader's (or supervisor's) comment on a task, shown to its units."""

    __tablename__ = "task_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)


class Attachment(Base):
    """佐证材料: an evidence file of a report or a closing request. The bytes live in the
    file store under their sha256; the row says whose they are and what they are called."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    close_request_id: Mapped[int | None] = mapped_column(ForeignKey("close_requests.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Notification(Base):
    """提醒记录: one message to one recipient over one channel. The unique key on
    (day, kind, ref, channel, recipient) is the lock that lets only one worker send it."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("day", "kind", "ref", "channel", "recipient", name="uq_notifications_key"),
        Index("ix_notifications_inbox", "channel", "recipient", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    # What the message is about beyond its kind and day: a chase's id; "" for digests.
    ref: Mapped[str] = mapped_column(String(50), default="")
    level: Mapped[int] = mapped_column(Integer, default=1)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(50))  # unit:3, office
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    target: Mapped[str] = mapped_column(Text, default="")  # addresses, masked webhook
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    tasks: Mapped[list[int]] = mapped_column(JSON)
    # 督办函: the sha256 of the Word letter sent with the message, in the file store.
    letter_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class NotificationMark(Base):
    """已读: the newest in-app message a user has seen (the bell counts those after it)."""

    __tablename__ = "notification_marks"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    seen_id: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(DateTime)


class NotificationRead(Base):
    """已读 one by one: a message after the user's mark that the user has opened."""

    __tablename__ = "notification_reads"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)


class RoundScores(Base):
    """考核结果: the units' ranking in a round, stored when the round closes (its period
    is over, so the scores are final) and read by the dashboard without recomputing."""

    __tablename__ = "round_scores"
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(20))
    scores: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(DateTime)
