"""Property-based tests against the OpenAPI document: whatever a client sends — bad JSON,
wrong types, huge numbers, missing fields, unknown ids, odd query parameters — the
API answers 4xx in the one error shape, never 5xx."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from tests.web_support import API, WebWorld, web_world

EXAMPLES = 30


@pytest.fixture
def fuzz_world(tmp_path: Path) -> Any:
    w = web_world(tmp_path)
    # An open round, so report bodies reach the ledger's own checks.
    w.as_user("boss").post(f"{API}/plans/{w.world.plan_id}/rounds", json={"period": "2024-Q1"})
    yield w
    w.db.dispose()


def check_shape(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text)
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_generated_input_makes_any_operation_fail(fuzz_world: WebWorld, mode: str) -> None:
    """Positive: inputs the schema allows (they reach the ledger's own checks); negative:
    inputs it forbids (wrong types, missing fields, out-of-range numbers)."""
    schema = schemathesis.openapi.from_asgi(f"{API}/openapi.json", fuzz_world.app)
    # As an administrator, so requests get past sign-in to validation and the ledger.
    headers = {"Authorization": f"Bearer {fuzz_world.token('local-admin')}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 26
    assert ("PATCH", f"{API}/tasks/{{task_id}}") in {(o.method.upper(), o.path) for o in operations}
    statuses: Counter[int] = Counter()
    for operation in operations:
        if operation.path.endswith("/auth/logout"):
            continue  # would sign the fuzzer out

        @given(case=operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode)))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            check_shape(response)

        try:
            run()
        except Unsatisfiable:
            # No parameters to break (GET /me): nothing negative to send.
            assert mode == "negative" and not operation.path_parameters
    assert statuses and max(statuses) < 500
    if mode == "positive":
        assert sum(n for code, n in statuses.items() if code < 300) > 50, statuses


def test_generated_task_edits_that_reach_the_ledger_never_fail(fuzz_world: WebWorld) -> None:
    """PATCH /tasks/{id} with the task's current version and real unit names, so generated
    titles, dates and weights are written; the ledger, its board and the dashboard still
    answer after each of them."""
    schema = schemathesis.openapi.from_asgi(f"{API}/openapi.json", fuzz_world.app)
    (operation,) = [
        r.ok()
        for r in schema.get_all_operations()
        if r.ok().method.upper() == "PATCH" and r.ok().path == f"{API}/tasks/{{task_id}}"
    ]
    boss = fuzz_world.as_user("boss")
    units = [u["name"] for u in boss.get(f"{API}/units").json()["items"]]
    task_id = fuzz_world.task_id("1.1.1.2")
    plan = f"{API}/plans/{fuzz_world.world.plan_id}"
    headers = {"Authorization": f"Bearer {fuzz_world.token('boss')}"}
    statuses: Counter[int] = Counter()

    @given(case=operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: Any) -> None:
        body = case.body
        body["version"] = boss.get(f"{API}/tasks/{task_id}").json()["version"]
        if body.get("lead_unit"):
            body["lead_unit"] = units[len(body["lead_unit"]) % len(units)]
        if body.get("co_units"):
            body["co_units"] = list(
                dict.fromkeys(units[len(n) % len(units)] for n in body["co_units"])
            )
        case.path_parameters = {"task_id": task_id}
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        check_shape(response)
        if response.status_code == 200:
            assert response.json() == boss.get(f"{API}/tasks/{task_id}").json()
        for url in (f"{plan}/tasks", f"{plan}/dashboard", f"/tasks/{task_id}"):
            check_shape(boss.get(url))

    run()
    assert statuses[200] > EXAMPLES // 2, statuses


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b"null", b'{"percent": "lots"}', b'{"percent": 1e999}', b'{"percent": -1}',
     b'{"percent": 50, "value": 1e309}', b'{"percent": 50, "evidence": "x"}',
     b'{"percent": 50, "round_id": 99999999999999999999}', b'{"percent": 50, "extra": 1}',
     b"{\"percent\": 50, \"narrative\": \"\\u0000\"}",
     b'{"percent": 50, "narrative": "\\ud800"}'],
)  # fmt: skip
def test_malformed_report_bodies_are_422(web: WebWorld, body: bytes) -> None:
    web.as_user("boss").post(f"{API}/plans/{web.world.plan_id}/rounds", json={"period": "2024-Q1"})
    r = web.as_user("port").post(
        f"{API}/tasks/{web.task_id('1.1.1.1')}/reports",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    check_shape(r)
    assert r.status_code == 422, r.text


@pytest.mark.parametrize(
    "url",
    ["/tasks/0", "/tasks/-1", "/tasks/abc", "/tasks/99999", "/tasks/1e3", "/plans/1/tasks?page=0",
     "/plans/1/tasks?per_page=0", "/plans/1/tasks?deadline_from=2024-13-01",
     "/plans/1/tasks?page=99999999999999999999", "/documents/99", "/rounds/7/pending",
     "/plans/1/tasks?leaves_only=maybe"],
)  # fmt: skip
def test_bad_ids_and_parameters_are_4xx(web: WebWorld, url: str) -> None:
    r = web.as_user("boss").get(API + url)
    check_shape(r)
    assert 400 <= r.status_code < 500
