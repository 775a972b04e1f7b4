"""The 对接 page with a district plan of 600 tasks, 3,000 proposals to a city plan of
300 tasks, both built on documents of ~60,000 characters: each request's time
in-process (no network), p50 and p95.

usage: python benchmarks/bench_link_page.py [--requests N]

Informational: the page is paged in SQL and slices only its rows' sentences, so
its time should not grow with the number of links or the documents' length.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert

from luoshi.ledger import users
from luoshi.ledger.db import Database
from luoshi.ledger.models import Document, Plan, Task, TaskLink
from luoshi.settings import Settings
from luoshi.web.app import create_app

SEED = 7
PASSWORD = "bench-password-1"
NOW = datetime(2026, 1, 1)
SENTENCE = "推进重点项目建设，完善产业链配套，新增就业岗位{n}个，提升公共服务水平。\n"


def _document(id_: int, n: int) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """A document of ``n`` sentences, and each sentence's span."""
    parts, spans, at = [], [], 0
    for i in range(n):
        text = SENTENCE.format(n=i)
        parts.append(text)
        spans.append((at, at + len(text) - 1))
        at += len(text)
    raw = "".join(parts)
    row = {"id": id_, "name": f"d{id_}.txt", "title": f"文件{id_}", "type": "work_report",
           "raw": raw, "size": len(raw.encode()), "sha256": f"{id_:064d}",
           "text_key": f"{id_:064d}", "text_length": len(raw), "created_at": NOW,
           "version": 1}  # fmt: skip
    return row, spans


def _tasks(plan_id: int, doc_id: int, spans: list[tuple[int, int]], first: int) -> list[Any]:
    return [
        {
            "id": first + i,
            "plan_id": plan_id,
            "code": f"1.{i + 1}",
            "parent_id": None,
            "level": 1,
            "kind": "task",
            "title": f"任务 1.{i + 1}：推进重点项目建设",
            "document_id": doc_id,
            "start": a,
            "end": b,
            "category": "",
            "weight": 1.0,
            "state": "open",
            "version": 1,
        }
        for i, (a, b) in enumerate(spans)
    ]


def populate(db: Database, children: int = 600, parents: int = 300, per: int = 5) -> int:
    """The two plans and their links; the child plan's id."""
    rng = random.Random(SEED)
    docs = [_document(1, children), _document(2, parents)]
    plans = [
        {
            "id": i,
            "name": n,
            "title": f"{n}计划",
            "document_id": i,
            "created_at": NOW,
            "public": False,
            "version": 1,
            "state": "active",
        }
        for i, n in ((1, "district"), (2, "city"))
    ]
    kids = _tasks(1, 1, docs[0][1], 1)
    ups = _tasks(2, 2, docs[1][1], 1 + children)
    links = [
        {
            "child_task_id": k["id"],
            "parent_task_id": p["id"],
            "state": "proposed",
            "origin": "align",
            "score": round(rng.random(), 4),
            "created_at": NOW,
            "reason": {"indicators": [], "words": ["重点项目", "产业链"]},
            "version": 1,
        }
        for k in kids
        for p in rng.sample(ups, per)
    ]
    with db.transaction() as s:
        for model, rows in ((Document, [d for d, _ in docs]), (Plan, plans), (Task, kids + ups),
                            (TaskLink, links)):  # fmt: skip
            s.execute(insert(model), rows)
        root = users.local_admin(s, "local-admin")
        users.add_user(s, root, "boss", "supervisor", "督查", None, PASSWORD)
    return 1


def timed(client: TestClient, url: str, n: int) -> tuple[float, float]:
    client.get(url)  # warm
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.text[:300]
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'links.db'}")
        db = Database.open(settings.database_url)
        plan = populate(db)
        client = TestClient(create_app(settings, db), headers={"Accept": "text/html"})
        r = client.post("/api/v1/auth/login", json={"username": "boss", "password": PASSWORD})
        client.headers["Authorization"] = f"Bearer {r.json()['token']}"
        print("对接 page, 3,000 links of a 600-task plan, in-process:")
        for label, query in (
            ("first page, all", ""),
            ("待确认, score >= 0.5", "?state=proposed&min=0.5"),
            ("page 40 of 60", "?page=40"),
            ("one task's links", "?code=1.300"),
        ):
            p50, p95 = timed(client, f"/plans/{plan}/links{query}", args.requests)
            print(f"  {label:<24} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
        db.dispose()


if __name__ == "__main__":
    sys.exit(main())
