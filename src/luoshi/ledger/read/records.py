"""JSON records: the one shape of each thing the ledger hands out, used alike by the API,
``--jsonl``, open data and the pages' data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from luoshi.extract.records import number
from luoshi.ledger.audit_chain import Verdict
from luoshi.ledger.health import HEALTH_LABELS
from luoshi.ledger.links import link_record
from luoshi.ledger.models import AuditEvent, Document, User
from luoshi.ledger.plans import PlanRow
from luoshi.ledger.read.catalog import DocumentDetail, SpanRow
from luoshi.ledger.read.detail import RoundRow, SourceContext, TaskDetail
from luoshi.ledger.read.figures import PlanFigures, Tally
from luoshi.ledger.read.linkage import ParentCoverage, PlanLinkage
from luoshi.ledger.read.listing import Page
from luoshi.ledger.read.org_dashboard import Group, OrgDashboard, PlanLine
from luoshi.ledger.read.public import PublicPlan
from luoshi.ledger.read.reports import AttachmentRow, ReportRow, ReviewRow
from luoshi.ledger.read.risks import TargetRisk
from luoshi.ledger.read.rows import ReportedValue, TargetRow, TaskRow
from luoshi.ledger.read.timeline import TimelinePoint
from luoshi.ledger.rollup import Downstream
from luoshi.ledger.units import UnitRow

ATTENTION_SHOWN = 50  # the dashboard lists this many tasks needing attention


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def page_record(page: Page[dict[str, Any]]) -> dict[str, Any]:
    return {"items": page.items, "total": page.total, "page": page.page, "per_page": page.per_page}


def document_record(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "sha256": d.sha256,
        "duplicate_of": d.duplicate_of_id,
        "name": d.name,
        "type": d.type,
        "level": d.level,
        "issuer": d.issuer,
        "date": iso(d.date),
        "size": d.size,
        "version": d.version,
    }


def span_record(sp: SpanRow) -> dict[str, Any]:
    return {
        "id": sp.id,
        "kind": sp.kind,
        "start": sp.start,
        "end": sp.end,
        "text": sp.text,
        "attrs": sp.attrs,
        "task_id": sp.task_id,
        "task_code": sp.task_code,
    }


def document_detail_record(d: DocumentDetail) -> dict[str, Any]:
    return {
        **document_record(d.document),
        "text": d.text,
        "spans": [span_record(sp) for sp in d.spans],
    }


def target_record(t: TargetRow) -> dict[str, Any]:
    baseline = None
    if t.baseline is not None:
        baseline = {**t.baseline, "value": number(t.baseline["value"])}
    return {
        "id": t.id,
        "indicator": t.indicator,
        "comparator": t.comparator,
        "value": number(t.value),
        "value_max": number(t.value_max) if t.value_max is not None else None,
        "unit": t.unit,
        "period": t.period,
        "start": t.start,
        "end": t.end,
        "text": t.text,
        "baseline": baseline,
        "latest": latest_record(t.latest),
    }


def latest_record(v: ReportedValue | None) -> dict[str, Any] | None:
    """A target's latest reported value and the round period it was reported in."""
    return None if v is None else {"value": number(v.value), "period": v.period}


def task_record(r: TaskRow) -> dict[str, Any]:
    """A task as every list, export and API gives it."""
    return {
        "id": r.id,
        "code": r.code,
        "parent": r.parent,
        "level": r.level,
        "kind": r.kind,
        "leaf": r.leaf,
        "title": r.title,
        "doc": r.doc,
        "start": r.start,
        "end": r.end,
        "category": r.category,
        "lead_unit": r.lead_unit,
        "co_units": r.co_units,
        "person": r.person,
        "start_date": iso(r.start_date),
        "deadline": iso(r.deadline),
        "expected_outcome": r.expected_outcome,
        "weight": number(r.weight),
        "state": r.state,
        "health": r.health,
        "health_label": HEALTH_LABELS[r.health],
        "overdue": r.overdue,
        "progress": round(r.progress, 1),
        "expected": round(r.expected, 1),
        "reported": r.reported,
        "missed_rounds": r.missed_rounds,
        "version": r.version,
        "targets": [target_record(t) for t in r.targets],
    }


def review_record(rv: ReviewRow) -> dict[str, Any]:
    return {
        "id": rv.id,
        "decision": rv.decision,
        "reason": rv.reason,
        "reviewer": rv.reviewer,
        "at": iso(rv.at),
    }


def attachment_record(a: AttachmentRow) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "size": a.size,
        "sha256": a.sha256,
        "content_type": a.content_type,
        "image": a.image,
        "report_id": a.report_id,
        "close_request_id": a.close_request_id,
        "url": f"/api/v1/attachments/{a.id}",
    }


def report_record(r: ReportRow) -> dict[str, Any]:
    """A report; ``flags`` only where they were read for a reviewer."""
    out = {
        "id": r.id,
        "round_id": r.round_id,
        "period": r.period,
        "task_id": r.task_id,
        "task_code": r.task_code,
        "task_title": r.task_title,
        "unit": r.unit,
        "reporter": r.reporter,
        "percent": number(r.percent),
        "value": number(r.value) if r.value is not None else None,
        "narrative": r.narrative,
        "evidence": r.evidence,
        "state": r.state,
        "submitted_at": iso(r.submitted_at),
        "reviews": [review_record(rv) for rv in r.reviews],
        "attachments": [attachment_record(a) for a in r.attachments],
        "version": r.version,
    }
    if r.flags is not None:
        out["flags"] = [f.record() for f in r.flags]
    return out


def round_record(r: RoundRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "plan_id": r.plan_id,
        "period": r.period,
        "due": iso(r.due),
        "opened_at": iso(r.opened_at),
        "closed_at": iso(r.closed_at),
        "open": r.open,
        "version": r.version,
    }


def source_record(c: SourceContext | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "document_id": c.document_id,
        "document_title": c.document_title,
        "start": c.start,
        "end": c.end,
        "text": c.text,
        "before": c.before,
        "after": c.after,
    }


def task_detail_record(d: TaskDetail) -> dict[str, Any]:
    return {
        **task_record(d.row),
        "plan": {"id": d.plan.id, "name": d.plan.name, "title": d.plan.title},
        "document_id": d.row.doc,
        "source": source_record(d.source),
        "latest_value": number(d.latest_value) if d.latest_value is not None else None,
        "reports": [report_record(r) for r in d.reports],
        "open_round": round_record(d.open_round) if d.open_round else None,
        "can_report": d.can_report,
        "links": [link_record(r) for r in d.links],
        "downstream": downstream_record(d.downstream),
    }


def tally_record(t: Tally) -> dict[str, Any]:
    return {
        "name": t.name,
        "tasks": t.tasks,
        "progress": round(t.progress, 1),
        "expected": round(t.expected, 1),
        "counts": t.counts,
        "overdue": t.overdue,
        "behind": t.behind,
    }


def attention_record(r: TaskRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "code": r.code,
        "title": r.title,
        "lead_unit": r.lead_unit,
        "health": r.health,
        "overdue": r.overdue,
        "progress": round(r.progress, 1),
        "expected": round(r.expected, 1),
        "deadline": iso(r.deadline),
    }


def point_record(p: TimelinePoint) -> dict[str, Any]:
    return {
        "round_id": p.round_id,
        "period": p.period,
        "progress": round(p.progress, 1),
        "expected": round(p.expected, 1),
        "closed": p.closed,
    }


def figures_record(f: PlanFigures, timeline: list[TimelinePoint] | None = None) -> dict[str, Any]:
    """The dashboard's figures: the first ``ATTENTION_SHOWN`` tasks needing attention,
    and how many there are."""
    return {
        "plan_id": f.plan_id,
        "as_of": iso(f.day),
        "progress": round(f.progress, 1),
        "expected": round(f.expected, 1),
        "leaf_tasks": f.leaves,
        "counts": f.total.counts,
        "overdue": f.total.overdue,
        "by_category": [tally_record(t) for t in f.by_category],
        "by_unit": [tally_record(t) for t in f.by_unit],
        "attention_total": f.attention_total,
        "attention": [attention_record(r) for r in f.attention[:ATTENTION_SHOWN]],
        "timeline": [point_record(p) for p in timeline or []],
    }


def org_group_record(g: Group) -> dict[str, Any]:
    return {
        "name": g.name, "organisation_id": g.organisation_id, "level": g.level,
        "plans": g.plans, "tasks": g.tasks, "counts": g.counts, "overdue": g.overdue,
        "behind": g.behind, "progress": round(g.progress, 1), "expected": round(g.expected, 1),
        "answering": g.answering, "unanswered": g.unanswered,
    }  # fmt: skip


def org_plan_record(p: PlanLine) -> dict[str, Any]:
    return {
        "id": p.plan_id, "name": p.name, "title": p.title,
        "organisation_id": p.organisation_id, "organisation": p.organisation,
        "level": p.level, "as_of": iso(p.day), "tasks": p.tasks, "counts": p.counts,
        "overdue": p.overdue, "behind": p.behind, "progress": round(p.progress, 1),
        "expected": round(p.expected, 1), "answering": p.answering,
        "unanswered": p.unanswered,
    }  # fmt: skip


def org_dashboard_record(d: OrgDashboard) -> dict[str, Any]:
    """组织总览: the scope's totals, a row per child organisation (or per organisation
    of the level), and each plan, as of today."""
    org = d.org
    return {
        "organisation": None if org is None else {
            "id": org.id, "name": org.name, "level": org.level, "parent_id": org.parent_id,
            "path": [o.name for o in d.path],
        },
        "level": d.level,
        "as_of": iso(d.day),
        "total": org_group_record(d.total),
        "rows": [org_group_record(g) for g in d.rows],
        "plans": [org_plan_record(p) for p in d.plans],
    }  # fmt: skip


def plan_record(p: PlanRow) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "title": p.title,
        "document_id": p.document_id,
        "tasks": p.tasks,
        "created_at": p.created_at,
        "public": p.public,
        "version": p.version,
    }


def user_record(u: User, unit: str | None, organisation: str | None = None) -> dict[str, Any]:
    return {
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role,
        "unit": unit,
        "organisation": organisation,
        "active": u.active,
        "can_sign_in": u.password_hash is not None,
        "version": u.version,
    }


def unit_record(u: UnitRow) -> dict[str, Any]:
    return {
        "id": u.id,
        "name": u.name,
        "active": u.active,
        "lead_tasks": u.lead_tasks,
        "co_tasks": u.co_tasks,
    }


def audit_record(e: AuditEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": iso(e.at),
        "actor": e.actor,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "action": e.action,
        "before": e.before,
        "after": e.after,
    }


def verdict_record(v: Verdict) -> dict[str, Any]:
    """What the check of the audit chain found (audit_chain.Verdict)."""
    return {
        "ok": v.ok,
        "checked": v.checked,
        "last_hash": v.last_hash,
        "broken_id": v.broken_id,
        "reason": v.reason,
    }


def public_task_record(r: TaskRow, awaiting_review: bool = False) -> dict[str, Any]:
    """What the public sees of a task: what was promised, how far along, and whether
    that counts a report the office has not reviewed yet."""
    return {
        "code": r.code,
        "title": r.title,
        "category": r.category,
        "lead_unit": r.lead_unit,
        "deadline": iso(r.deadline),
        "promised": [
            {"indicator": t.indicator, "text": t.text, "value": number(t.value), "unit": t.unit}
            for t in r.targets
        ],
        "progress": round(r.progress, 1),
        "health": r.health,
        "overdue": r.overdue,
        "awaiting_review": awaiting_review,
    }


def public_record(p: PublicPlan) -> dict[str, Any]:
    return {
        "id": p.plan.id,
        "name": p.plan.name,
        "title": p.plan.title,
        "progress": round(p.figures.progress, 1),
        "expected": round(p.figures.expected, 1),
        "counts": p.figures.total.counts,
        "as_of": iso(p.figures.day),
        "awaiting_review": p.awaiting_review,
        # What awaiting means: counted already (submitted), or not yet (accepted).
        "progress_from": "accepted" if p.accepted_only else "submitted",
        "tasks": [public_task_record(r, r.id in p.awaiting) for r in p.tasks],
    }


def downstream_record(d: Downstream | None) -> dict[str, Any] | None:
    """下级进度: progress from the tasks answering a task (None: nothing answers it)."""
    if d is None:
        return None
    return {
        "progress": number(round(d.progress, 1)),
        "children": d.children,
        "reported": d.reported,
    }


def coverage_record(c: ParentCoverage) -> dict[str, Any]:
    """承接情况 of one parent plan: each of its tasks, what answers it, the leaves left."""
    return {
        "plan": {"id": c.plan.id, "name": c.plan.name, "title": c.plan.title},
        "leaves": c.leaves,
        "share_answered": round(c.share_answered, 3),
        "unanswered": c.unanswered,
        "orphans": c.orphans,
        "tasks": [
            {
                "id": t.id,
                "code": t.code,
                "title": t.title,
                "leaf": t.leaf,
                "progress": number(round(t.progress, 1)),
                "answered_by": t.answered_by,
                "covered": t.covered,
                "downstream": downstream_record(t.downstream),
            }
            for t in c.tasks
        ],
    }


def linkage_record(lk: PlanLinkage) -> dict[str, Any]:
    """A plan's links read: coverage of each parent plan, its tasks' downstream progress."""
    return {
        "parents": [coverage_record(c) for c in lk.upward],
        "downstream": {str(k): downstream_record(v) for k, v in sorted(lk.downstream.items())},
    }


def risk_record(r: TargetRisk) -> dict[str, Any]:
    """A target at risk: the target, its task, and the value projected at its deadline."""
    return {
        "target_id": r.target_id,
        "task_id": r.task_id,
        "code": r.code,
        "title": r.title,
        "lead_unit": r.lead_unit,
        "target": r.target,
        "indicator": r.indicator,
        "value": number(r.value),
        "unit": r.unit,
        "projected": number(round(r.projected, 2)),
        "deadline": iso(r.deadline),
        "points": r.points,
    }
