"""``luoshi serve`` (the web app) and ``luoshi demo`` (a demo database, then serve it)."""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from luoshi.cli.context import AppContext, pass_app
from luoshi.errors import InputError

if TYPE_CHECKING:
    from luoshi.ledger.db import Database
    from luoshi.ledger.reminders import Due

DEMO_DB = "luoshi-demo.db"


def run_server(app: AppContext, host: str, port: int, workers: int, reminders: bool = True) -> None:
    """Serve ``create_app`` with uvicorn; worker processes read the settings from the
    environment, so the database URL is passed that way. Reminders are sent by a thread
    of this (the supervising) process, never by a request handler."""
    import uvicorn

    check_port(host, port)
    os.environ["LUOSHI_DATABASE_URL"] = app.settings.database_url
    # Migrate once here, before any worker opens the database (they would race).
    if migrate(app):
        # Stale kept figures (a new day, new rules) are brought to today before the
        # workers listen: until then every read of a large plan would compute it whole,
        # each in its own request, at once.
        from luoshi.ledger.db import Database

        db = Database.open(app.settings.database_url, upgrade=False, rules=app.settings.health)
        try:
            refresh_stale(db, app)
        finally:
            db.dispose()
    click.echo(f"落实 Luoshi：http://{host}:{port}/  （数据库 {app.settings.database_url}）")
    # Starting reminders loads the whole ledger layer (a second of CPU): done once, here,
    # when the workers answer, so as not to slow their start on a small machine.
    stopped = threading.Event()
    starting = threading.Thread(
        target=after_start,
        args=(app, reminders, (host, port), stopped),
        name="luoshi-serve-start",
        daemon=True,
    )
    starting.start()
    try:
        uvicorn.run(
            "luoshi.web.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
            # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise: the
            # app does it, and only for LUOSHI_TRUSTED_PROXIES (web/app.py).
            proxy_headers=False,
            # uvicorn restarts a worker that does not answer its health check within 5 s;
            # on a loaded machine a worker still starting up would be killed again and again.
            timeout_worker_healthcheck=60,
        )
    finally:
        stopped.set()
        starting.join(timeout=JOIN_START_S)


# How long a stopping server waits for the start-up refresh; past it, the refresh's
# open transaction is rolled back with the process and the next start does it again.
JOIN_START_S = 30.0


def migrate(app: AppContext) -> bool:
    """Bring the schema to the newest; whether a plan's kept figures are stale. An
    up-to-date schema with fresh figures is seen with SQLAlchemy's core alone, without
    loading the ORM and the models (a third of a second)."""
    from luoshi.ledger.engine import has_stale_plans, make_engine
    from luoshi.ledger.schema_head import is_current

    engine = make_engine(app.settings.database_url)
    try:
        if is_current(engine):
            return has_stale_plans(engine, date.today(), app.settings.health.key)
    finally:
        engine.dispose()
    from luoshi.ledger.db import Database

    Database.open(app.settings.database_url, rules=app.settings.health).dispose()
    return True


def after_start(
    app: AppContext, reminders: bool, address: tuple[str, int], stopped: threading.Event
) -> None:
    """Once a worker answers: kept figures brought to today, then the reminder thread
    (neither if the server stopped first). A failure is said and serving goes on."""
    from luoshi.ledger.db import Database

    if not wait_answering(*address, stopped):
        return
    try:
        db = Database.open(app.settings.database_url, upgrade=False, rules=app.settings.health)
        try:
            refresh_stale(db, app)
        finally:
            db.dispose()
        if reminders:
            start_reminders(app)
    except Exception as e:  # serving goes on; reads compute stale figures themselves
        click.echo(f"错误：启动时更新台账数字或开启提醒失败：{e}", err=True)


def refresh_stale(db: Database, app: AppContext) -> None:
    """Recompute plans whose kept figures are not today's, saying so (it takes a while on
    a large ledger the first morning)."""
    from luoshi.ledger.keeping import Refreshed, refresh_plans, stale

    day = date.today()
    if not stale(db, day):
        return
    click.echo(f"正在更新台账数字至 {day}…")

    def said(r: Refreshed) -> None:
        click.echo(f"  {r.plan_name}：{r.tasks} 项，{r.seconds:.1f} 秒")

    from luoshi.ledger.scoring import load_rules

    refresh_plans(
        db, day, on_done=said, scoring_rules=load_rules(app.settings.workflow.scoring_file)
    )


def start_reminders(app: AppContext) -> None:
    from luoshi.ledger.scheduler import Scheduler

    at = app.settings.workflow.remind_at
    Scheduler(app.settings, letter).start()
    daily = f"每天 {at} 发送到期、逾期、未报等提醒" if at else "每日提醒未开启（LUOSHI_REMIND_AT）"
    click.echo(f"提醒：催办消息随时发送；{daily}")


def letter(unit: str, plan: str, due: Due, day: date) -> bytes:
    """The 督办函 .docx; python-docx is imported by the first letter, not at start-up."""
    from luoshi.io.letter import letter_docx

    return letter_docx(unit, plan, due, day)


def wait_answering(host: str, port: int, stopped: threading.Event, timeout: float = 60.0) -> bool:
    """Wait until a worker answers at ``host:port`` (the socket itself listens before
    any worker has started), or ``timeout`` passes; False if ``stopped`` first."""
    import http.client

    target = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection(target, port, timeout=timeout)
        try:
            conn.request("HEAD", "/login")
            conn.getresponse()
            return True
        except (OSError, http.client.HTTPException):
            if stopped.wait(0.1):
                return False
        finally:
            conn.close()
    return not stopped.is_set()


def check_port(host: str, port: int) -> None:
    """Refuse a port another program holds, naming it, before migrating or starting
    workers (uvicorn would only log a bare errno)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise InputError(
                    f"端口 {port} 已被占用（{host}:{port}），请换一个端口，"
                    f"如 luoshi serve --port {port + 1} 或 make run PORT={port + 1}"
                ) from None
            raise InputError(f"无法监听 {host}:{port}：{e.strerror or e}") from None


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
# Two workers by default: with one, a single process serves every client in
# turn and the filtered ledger list misses its p95 goal under 20 clients.
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="进程数")
@click.option(
    "--no-reminders", is_flag=True, help="不在本进程发送提醒（由 cron 运行 luoshi remind 时用）"
)
@pass_app
def serve_cmd(app: AppContext, host: str, port: int, workers: int, no_reminders: bool) -> None:
    """启动网页与 JSON 接口；并按 LUOSHI_REMIND_AT 定时发送提醒。Serve the web app and the API."""
    run_server(app, host, port, workers, not no_reminders)


@click.command("demo")
@click.option("--database", "path", default=DEMO_DB, show_default=True, help="演示数据库文件")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option("--no-serve", is_flag=True, help="只生成演示数据，不启动服务")
@click.option("--force", is_flag=True, help="数据库文件已有数据时也覆盖重建（原有数据将丢失）")
@pass_app
def demo_cmd(app: AppContext, path: str, host: str, port: int, no_serve: bool, force: bool) -> None:
    """生成（或重建）演示数据库，打印演示账号，然后启动网页；除数据库文件（及其旁的
    luoshi-files）外不写任何文件。Build the demo database and serve it; nothing else is
    written (no config file in the working directory).

    已有数据的数据库文件不会被覆盖，除非加 --force。"""
    from luoshi.demo import build_demo
    from luoshi.ledger.access import ROLE_LABELS
    from luoshi.ledger.db import Database, holds_data

    if not no_serve:
        check_port(host, port)
    db_file = Path(path).resolve()
    if (
        not force
        and db_file.is_file()
        and db_file.stat().st_size
        and holds_data(f"sqlite:///{db_file}")
    ):
        raise InputError(
            f"{db_file} 已有数据（或不是台账数据库），演示不会覆盖它；"
            "请用 --database 指定另一个文件，或确认不再需要其中的数据后加 --force 重建"
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db_file}"
    db = Database.open(url, rules=app.settings.health)
    try:
        demo = build_demo(db, app.settings.local_admin)
    finally:
        db.dispose()
    click.echo(f"演示数据已生成：{db_file}（计划 {demo.plan_name}）")
    # Said, not written: a config file left in the working directory would silently
    # point every later command run there at the demo instead of the real ledger.
    click.echo(
        f"其他 luoshi 命令要使用演示数据库，请加 --database-url {url}"
        f"，或先设置 LUOSHI_DATABASE_URL={url}"
    )
    click.echo(f"地址 Address：http://{host}:{port}/   公开页 Public：/public/plans/{demo.plan_id}")
    click.echo("演示账号 Demo accounts（每次重新生成密码）：")
    for a in demo.accounts:
        unit = f" · {a.unit}" if a.unit else ""
        click.echo(f"  {a.username:10s} {a.password:18s} {ROLE_LABELS[a.role]}{unit}")
    if no_serve:
        return
    app.settings = replace(app.settings, database_url=url)
    run_server(app, host, port, 1)


def register(group: click.Group) -> None:
    group.add_command(serve_cmd)
    group.add_command(demo_cmd)
