"""Every audited table, field, action and stored code reads in Chinese on the audit
trail; derived from the models and the ledger's code, so a new one cannot slip by."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import inspect

import luoshi.ledger
from luoshi.extract.verdict import VERDICT_LABELS
from luoshi.ledger import audit_labels, confirm, cycle, health, logins, models, outbox, tasks
from luoshi.ledger.access import ROLE_LABELS
from luoshi.ledger.models import Base
from tests.test_web_pages import browser
from tests.web_support import WebWorld

LEDGER = Path(luoshi.ledger.__file__).parent
SNAPSHOT_SKIPS = {"raw", "password_hash"}  # audit._NOT_SNAPSHOT: never in a snapshot


def audited() -> Iterator[tuple[str, list[str]]]:
    """Each audited table and the fields its snapshots hold."""
    for mapper in Base.registry.mappers:
        table = mapper.class_.__tablename__
        if table not in audit_labels.not_audited():
            keys = [a.key for a in inspect(mapper.class_).column_attrs]
            yield table, [k for k in keys if k not in audit_labels.QUIET | SNAPSHOT_SKIPS]


def test_every_audited_table_and_field_has_a_label() -> None:
    tables = {m.class_.__tablename__ for m in Base.registry.mappers}
    assert audit_labels.not_audited() <= tables  # the exceptions name real tables
    entities, fields = audit_labels.labels()["entities"], audit_labels.labels()["fields"]
    missing = [t for t, _ in audited() if t not in entities]
    missing += [f"{t}.{f}" for t, keys in audited() for f in keys if f not in fields]
    assert missing == []


def _literal_actions() -> Iterator[tuple[str, str]]:
    """Action names written as literals in audit.record/created and locking.update."""
    where = {("audit", "record"): 3, ("audit", "created"): 3, ("locking", "update"): 6}
    for path in LEDGER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            key = (owner.id if isinstance(owner, ast.Name) else "", node.func.attr)
            if key not in where:
                continue
            args = node.args[where[key] : where[key] + 1]
            args += [k.value for k in node.keywords if k.arg == "action"]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield path.name, arg.value


def test_sign_ins_and_their_failures_have_labels() -> None:
    """logins.py writes its events itself (``_event(s, name, user, action, …)``), and the
    audit trail page shows them beside every other change."""
    tree = ast.parse((LEDGER / "logins.py").read_text(encoding="utf-8"))
    found = {
        node.args[3].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id == "_event" and isinstance(node.args[3], ast.Constant)
    }  # fmt: skip
    assert {"sign_in", "sign_out", "login_failed", "lockout"} <= found
    assert [a for a in found if a not in audit_labels.labels()["actions"]] == []
    assert audit_labels.entity_label(logins.ENTITY) == "登录"


def test_every_action_the_ledger_records_has_a_label() -> None:
    found = list(_literal_actions())
    assert len({a for _, a in found}) > 10  # the scan finds the calls
    actions = audit_labels.labels()["actions"]
    # Actions named by a variable are the decision or state codes recorded.
    decided = [*models.REPORT_STATES[1:], *models.REQUEST_STATES[1:], *models.CLOSE_STATES[1:]]
    assert [a for _, a in found if a not in actions] == []
    assert [a for a in ["create", "update", *decided] if a not in actions] == []


CODES = [
    ("tasks", "state", models.TASK_STATES),
    ("progress_reports", "state", models.REPORT_STATES),
    ("plans", "state", models.PLAN_STATES),
    ("task_links", "state", models.LINK_STATES),
    ("task_links", "origin", models.LINK_ORIGINS),
    ("units", "origin", models.UNIT_SOURCES),
    ("delay_requests", "status", models.REQUEST_STATES),
    ("close_requests", "status", models.CLOSE_STATES),
    ("notifications", "status", tuple(outbox.STATUS_LABELS)),
    ("notifications", "channel", tuple(outbox.CHANNEL_LABELS)),
    ("tasks", "lead_unit_origin", tuple(confirm.ORIGIN_LABELS)),
    ("task_state", "health", tuple(health.HEALTH_LABELS)),
    ("users", "role", tuple(ROLE_LABELS)),
    ("target_check_results", "verdict", tuple(VERDICT_LABELS)),
]


@pytest.mark.parametrize(("entity", "field", "codes"), CODES)
def test_every_stored_code_reads_as_its_label(entity: str, field: str, codes: tuple[str]) -> None:
    assert {c: audit_labels.value_label(entity, field, c) for c in codes if
            not audit_labels.value_label(entity, field, c)} == {}  # fmt: skip
    assert audit_labels.value_label(entity, field, "no-such-code") is None


def test_the_labels_agree_with_the_pages() -> None:
    for code, label in health.HEALTH_LABELS.items():
        assert audit_labels.value_label("task_state", "health", code) == label
    for code, label in cycle.REPORT_STATE_LABELS.items():
        assert audit_labels.value_label("progress_reports", "state", code) == label
    assert audit_labels.value_label("task_links", "state", "accepted") == "已确认"


def test_the_task_pages_audit_names_states_and_units(web: WebWorld) -> None:
    with web.db.transaction() as s:
        w = web.world
        boss, task = w.user(s, "boss"), w.task(s, "1.1.1.1")
        rnd = cycle.open_round(s, boss, w.plan(s), "2024-Q1", None)
        report = cycle.submit_report(s, w.user(s, "port"), rnd, task, 30, None, "进展")
        cycle.review(s, boss, report, True)
        label = tasks.task_label(w.plan_name, task)
        tasks.edit_task(s, boss, task, label, None, {"lead_unit": "市商务局"})
    client, _ = browser(web, "boss")
    page = unescape(client.get(f"/tasks/{web.task_id('1.1.1.1')}").text)
    audit = page[page.index('id="audit"') :]
    assert "状态：待审核 → 已通过" in audit
    assert "责任单位：市交通运输委 → 市商务局" in audit
    assert "accepted" not in audit.replace('data-action="accepted"', "")
    assert "lead_unit_id" not in audit
