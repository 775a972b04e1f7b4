"""What every ledger command needs: settings, the database (opened on first use), the actor."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from luoshi.errors import InputError
from luoshi.settings import Settings

if TYPE_CHECKING:
    # Imported where used: stateless commands (text, outline, extract…) share this
    # module and must start without loading the database layer.
    from sqlalchemy.orm import Session

    from luoshi.ledger.db import Database
    from luoshi.ledger.models import User
    from luoshi.ledger.read.asof import AsOf


@dataclass
class AppContext:
    """Built by the root command; the database is opened only by commands that need it."""

    settings: Settings
    username: str | None = None
    _db: Database | None = field(default=None, repr=False)

    def database(self) -> Database:
        from luoshi.ledger.db import Database

        if self._db is None:
            s = self.settings
            self._db = Database.open(
                s.database_url, rules=s.health, synchronous=s.sqlite_synchronous
            )
        return self._db

    @contextmanager
    def work(self) -> Iterator[tuple[Session, User]]:
        """One transaction, and the user it acts as (--as, else the local admin)."""
        with self.database().transaction() as s:
            yield s, self.actor(s)

    def actor(self, s: Session) -> User:
        from luoshi.ledger.users import get_user, local_admin

        if self.username:
            return get_user(s, self.username)
        return local_admin(s, self.settings.local_admin)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


pass_app = click.make_pass_decorator(AppContext)


def emit_jsonl(records: Iterable[dict[str, Any]]) -> None:
    """One JSON object per line, UTF-8, written as they come (a million-task plan is
    streamed): orjson, as the standard library's encoder took a third of ``plan show``."""
    import orjson

    # Keys as the standard encoder writes them (ints as strings); a newline after each.
    option = orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
    sys.stdout.flush()  # what was echoed before comes first
    out, batch = sys.stdout.buffer, []
    for rec in records:
        batch.append(orjson.dumps(rec, option=option))
        if len(batch) >= _BATCH:
            out.write(b"".join(batch))
            batch.clear()
    out.write(b"".join(batch))
    out.flush()


_BATCH = 500  # lines per write


AS_OF_HELP = "按此日期计算进度与状态；过去的日期只计当日及以前的填报、审核与调度（默认今天）"


def as_of_option(value: str | None) -> AsOf:
    """The day --as-of names (default today) and, when it is past, the moment the
    ledger is read at: its end, so later reports, reviews and rounds are left out."""
    from luoshi.ledger.read.asof import AsOf

    return AsOf.of(option_date(value, "--as-of"))


def option_date(value: str | None, name: str) -> date | None:
    from luoshi.ledger.values import parse_date

    try:
        return parse_date(value)
    except ValueError:
        raise InputError(f"{name}「{value}」不是有效日期") from None
