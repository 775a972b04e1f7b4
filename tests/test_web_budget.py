"""Uploads are read in a child process with a time and memory budget (web/budget.py):
the child is stopped when the budget is spent or the client has gone, and the
database is not touched until the file has been read."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import pytest

from luoshi.errors import ReadError
from luoshi.extract import pipeline
from luoshi.ledger import documents
from luoshi.text.document import Document as SourceText
from luoshi.web import budget
from tests import budget_targets as targets
from tests.builders import admin, build_world
from tests.web_support import API, assert_error, web_world

MB = 1024 * 1024


async def _never() -> bool:
    return False


# Long enough to be stored (fewer than 20 characters are refused as no document).
LONG_ENOUGH = "新建学校5所，改扩建幼儿园12所，新增学位3000个。"


def run(target: Any, args: tuple[Any, ...], seconds: float = 10, memory_mb: int = 200) -> Any:
    limits = budget.Budget(seconds, memory_mb * MB)
    return asyncio.run(budget.run(target, args, limits, _never))


def gone_for_good(pid_file: Path) -> bool:
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_result_comes_back() -> None:
    assert run(targets.add, (2, 3)) == 5


def test_an_error_of_ours_comes_back_as_itself() -> None:
    with pytest.raises(ReadError) as e:
        run(targets.refuse, ("报告.pdf",))
    assert (e.value.path, e.value.reason) == ("报告.pdf", "不是文本文件")


def test_a_child_past_its_time_is_killed(tmp_path: Path) -> None:
    pid = tmp_path / "pid"
    started = time.monotonic()
    with pytest.raises(budget.OverTime):
        run(targets.sleep_forever, (str(pid),), seconds=3)
    assert time.monotonic() - started < 10
    assert gone_for_good(pid)


def test_a_child_past_its_memory_is_stopped(tmp_path: Path) -> None:
    pid = tmp_path / "pid"
    with pytest.raises(budget.OverMemory):
        run(targets.allocate, (str(pid), 2000), memory_mb=100)
    assert gone_for_good(pid)
    assert run(targets.allocate, (str(pid), 20), memory_mb=100) == 20 * MB  # within it: fine


def test_a_child_is_stopped_when_the_client_goes_away(tmp_path: Path) -> None:
    pid = tmp_path / "pid"
    asked: list[float] = []

    async def gone() -> bool:
        asked.append(time.monotonic())
        return pid.exists()  # the client leaves once the child is at work

    started = time.monotonic()
    with pytest.raises(budget.ClientGone):
        asyncio.run(
            budget.run(targets.sleep_forever, (str(pid),), budget.Budget(60, 200 * MB), gone)
        )
    assert time.monotonic() - started < 5
    assert gone_for_good(pid)


def test_an_upload_past_its_time_is_422_naming_the_file(tmp_path: Path) -> None:
    web = web_world(tmp_path, upload_seconds=0.001)
    # Long enough that reading it takes far past the budget on a fast machine too (a
    # line of six characters was read within the millisecond, and refused as too short).
    text = "新建学校5所，改造道路12公里。\n" * 20_000
    r = web.as_user("boss").post(f"{API}/documents", files={"file": ("规划.txt", text.encode())})
    message = assert_error(r, 422, "invalid_input")["message"]
    assert message.startswith("文件「规划.txt」处理超时（超过 0.001 秒）") and "未保存" in message
    web.db.dispose()


def test_an_upload_past_its_memory_is_413_naming_the_file(tmp_path: Path) -> None:
    web = web_world(tmp_path, upload_memory_mb=1)
    text = "新建学校5所。\n" * 200_000  # decoding it alone takes more than 1 MB
    r = web.as_user("boss").post(f"{API}/documents", files={"file": ("规划.txt", text.encode())})
    message = assert_error(r, 413, "too_large")["message"]
    assert message.startswith("文件「规划.txt」处理所需内存超过上限（1 MB）")
    web.db.dispose()


def test_uploads_past_the_servers_slots_are_503(tmp_path: Path) -> None:
    web = web_world(tmp_path, upload_workers=1)
    slots = web.app.state.upload_slots
    assert slots.take()  # another upload is being read
    r = web.as_user("boss").post(
        f"{API}/documents", files={"file": ("a.txt", LONG_ENOUGH.encode())}
    )
    assert "正在处理其他上传" in assert_error(r, 503, "busy")["message"]
    slots.give_back()
    ok = web.as_user("boss").post(
        f"{API}/documents", files={"file": ("a.txt", LONG_ENOUGH.encode())}
    )
    assert ok.status_code == 201, ok.text
    web.db.dispose()


def test_storing_a_prepared_document_extracts_nothing(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_world(db)
    prepared = documents.prepare(
        SourceText.from_text(
            "新.txt", "二、重点任务\n新建学校9所，改扩建幼儿园12所，新增学位3000个。\n"
        )
    )

    def no_extraction(*_: Any) -> None:
        raise AssertionError("extracted inside the transaction")

    # Every extraction goes through the pipeline (imported where it is called).
    monkeypatch.setattr(pipeline, "extract", no_extraction)
    with db.transaction() as s:
        stored = documents.ingest(s, admin(s), prepared)
    assert stored.outcome == "new"
    with db.transaction() as s:
        spans = documents.spans_of(s, stored.document.id)
        assert [sp.text for sp in spans if sp.kind == "quantity"] == ["9所", "12所", "3000个"]
        assert all(prepared.raw[sp.start : sp.end] == sp.text for sp in spans)


def test_the_same_file_uploaded_at_once_is_stored_once(db: Any) -> None:
    import threading

    build_world(db)
    prepared = documents.prepare(
        SourceText.from_text(
            "同.txt", "二、重点任务\n新建学校7所，改扩建幼儿园12所，新增学位3000个。\n"
        )
    )
    start, outcomes = threading.Barrier(6), []

    def store() -> None:
        start.wait()
        with db.transaction() as s:
            outcomes.append(documents.ingest(s, admin(s), prepared).outcome)

    threads = [threading.Thread(target=store) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["exists"] * 5 + ["new"]
