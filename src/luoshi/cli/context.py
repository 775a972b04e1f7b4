"""What every ledger command needs: settings, the database (opened on first use), the actor."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import click
from sqlalchemy.orm import Session

from luoshi.errors import InputError
from luoshi.ledger.db import Database
from luoshi.ledger.models import User
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.users import get_user, local_admin
from luoshi.ledger.values import parse_date
from luoshi.settings import Settings


@dataclass
class AppContext:
    """Built by the root command; the database is opened only by commands that need it."""

    settings: Settings
    username: str | None = None
    _db: Database | None = field(default=None, repr=False)

    def database(self) -> Database:
        if self._db is None:
            self._db = Database.open(self.settings.database_url)
        return self._db

    @contextmanager
    def work(self) -> Iterator[tuple[Session, User]]:
        """One transaction, and the user it acts as (--as, else the local admin)."""
        with self.database().transaction() as s:
            yield s, self.actor(s)

    def actor(self, s: Session) -> User:
        if self.username:
            return get_user(s, self.username)
        return local_admin(s, self.settings.local_admin)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


pass_app = click.make_pass_decorator(AppContext)


def emit_jsonl(records: Iterable[dict[str, Any]]) -> None:
    out = sys.stdout
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")


AS_OF_HELP = "按此日期计算进度与状态；过去的日期只计当日及以前的填报、审核与调度（默认今天）"


def as_of_option(value: str | None) -> AsOf:
    """The day --as-of names (default today) and, when it is past, the moment the
    ledger is read at: its end, so later reports, reviews and rounds are left out."""
    return AsOf.of(option_date(value, "--as-of"))


def option_date(value: str | None, name: str) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        raise InputError(f"{name}「{value}」不是有效日期") from None
