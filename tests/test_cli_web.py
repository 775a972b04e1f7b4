"""``luoshi users add --password-stdin``, ``passwd``, ``deactivate`` and ``luoshi demo``:
read the database back."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from luoshi.cli import cli
from luoshi.ledger import users
from luoshi.ledger.clock import now
from luoshi.ledger.db import Database
from luoshi.ledger.models import Chase, ProgressReport, Review, Round, User, WebSession
from luoshi.ledger.tokens import new_token


def test_users_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    run = CliRunner()
    assert run.invoke(cli, ["--database-url", url, "units", "add", "市教委"]).exit_code == 0
    r = run.invoke(
        cli,
        ["--database-url", url, "users", "add", "school", "--role", "reporter", "--unit", "市教委",
         "--password-stdin"],
        input="s3cret-password\n",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    db = Database.open(url)
    with db.transaction() as s:
        user = users.get_user(s, "school")
        assert user.password_hash and "s3cret" not in user.password_hash
        assert users.verify_password(user, "s3cret-password")
        assert not users.verify_password(user, "s3cret-password\n")
    db.dispose()
    short = run.invoke(
        cli, ["--database-url", url, "users", "add", "x", "--role", "viewer", "--password-stdin"],
        input="short\n",
    )  # fmt: skip
    assert short.exit_code == 2 and "密码至少 8 个字符" in short.stderr
    passwd = run.invoke(
        cli, ["--database-url", url, "users", "passwd", "school", "--password-stdin"],
        input="another-password\n",
    )  # fmt: skip
    assert passwd.exit_code == 0
    empty = run.invoke(
        cli, ["--database-url", url, "users", "passwd", "school", "--password-stdin"], input=""
    )
    assert empty.exit_code == 2 and "没有密码" in empty.stderr


def test_passwd_and_deactivate_end_the_users_sessions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    run = CliRunner()
    args = ["--database-url", url, "users"]
    added = run.invoke(
        cli, [*args, "add", "lin", "--role", "viewer", "--password-stdin"], input="first-password\n"
    )
    assert added.exit_code == 0, added.output
    db = Database.open(url)

    def sign_in() -> None:
        with db.transaction() as s:
            user = users.get_user(s, "lin")
            s.add(
                WebSession(
                    token_hash=new_token(), user_id=user.id, created_at=now(), last_seen=now()
                )
            )

    def sessions() -> int:
        with db.transaction() as s:
            return s.scalar(select(func.count()).select_from(WebSession)) or 0

    sign_in()
    passwd = run.invoke(
        cli, [*args, "passwd", "lin", "--password-stdin"], input="second-password\n"
    )
    assert passwd.exit_code == 0 and sessions() == 0
    sign_in()
    off = run.invoke(cli, [*args, "deactivate", "lin"])
    assert off.exit_code == 0 and "用户 lin 已停用" in off.output and sessions() == 0
    assert "已停用" in run.invoke(cli, [*args, "list"]).output
    with db.transaction() as s:
        assert not users.verify_password(users.get_user(s, "lin"), "second-password")
    on = run.invoke(cli, [*args, "activate", "lin"])
    assert on.exit_code == 0 and "用户 lin 已启用" in on.output
    with db.transaction() as s:
        assert users.verify_password(users.get_user(s, "lin"), "second-password")
    refused = run.invoke(cli, [*args, "deactivate", "local-admin"])
    assert refused.exit_code == 2 and "不能停用自己的账号" in refused.stderr
    db.dispose()


def test_demo_builds_a_lively_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "luoshi-demo.db").write_text("stale")  # refreshed, not reused
    r = CliRunner().invoke(cli, ["demo", "--no-serve"])
    assert r.exit_code == 0, r.output
    lines = {ln.split()[0]: ln.split() for ln in r.stdout.splitlines() if ln.startswith("  ")}
    assert set(lines) == {"admin", "duban", "jiaotong", "jiaowei", "lingdao"}
    db = Database.open(f"sqlite:///{tmp_path / 'luoshi-demo.db'}")
    with db.transaction() as s:
        roles = {u.username: u.role for u in s.scalars(select(User))}
        assert {"admin", "supervisor", "reporter", "viewer"} <= set(roles.values())
        assert users.verify_password(users.get_user(s, "jiaotong"), lines["jiaotong"][1])
        rounds = s.scalars(select(Round).order_by(Round.id)).all()
        assert [r.closed_at is None for r in rounds] == [False, False, True]
        assert s.scalar(select(func.count()).select_from(ProgressReport)) > 10
        decisions = set(s.scalars(select(Review.decision)))
        assert decisions == {"accepted", "returned"}
        assert s.scalar(select(func.count()).select_from(Chase)) > 0
    db.dispose()
