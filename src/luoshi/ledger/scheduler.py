"""定时提醒: the thread ``luoshi serve`` runs to send reminders, outside every request.

Every ``outbox_seconds`` it sends what is waiting (the messages of chases); once a day
at ``LUOSHI_REMIND_AT`` it runs the day's reminders. Several servers may run it at
once: the unique key of each message is the lock, so nothing is sent twice. Errors
are logged and the loop goes on; a dead mail server never stops the web app.
"""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime

from luoshi.ledger import remind
from luoshi.ledger.db import Database
from luoshi.settings import Settings

log = logging.getLogger("luoshi.remind")


def due_now(remind_at: str | None, now: datetime, last_day: date | None) -> bool:
    """Whether the daily run is due at ``now`` (local time) and has not run today."""
    if not remind_at:
        return False
    hh, _, mm = remind_at.partition(":")
    at = now.replace(hour=int(hh), minute=int(mm), second=0, microsecond=0)
    return now >= at and last_day != now.date()


class Scheduler:
    """A daemon thread; ``stop()`` ends it at its next wake-up."""

    def __init__(self, settings: Settings, letter: remind.LetterMaker | None = None) -> None:
        self.settings = settings
        self.letter = letter
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="luoshi-remind", daemon=True)
        self.last_day: date | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def tick(self, db: Database, now: datetime) -> None:
        """One wake-up: the day's reminders when due, then whatever is waiting."""
        if due_now(self.settings.workflow.remind_at, now, self.last_day):
            self.last_day = now.date()
            result = remind.run(db, self.settings, now.date(), letter=self.letter)
            log.warning(
                "提醒 %s：新记录 %d 条，送达 %d 条，失败 %d 条",
                now.date().isoformat(), result.recorded, result.delivered, len(result.failed),
            )  # fmt: skip
        else:
            remind.deliver(db, self.settings, remind.RemindResult())

    def _loop(self) -> None:
        db = Database.open(self.settings.database_url, upgrade=False)
        try:
            while not self._stop.is_set():
                try:
                    self.tick(db, datetime.now())
                except Exception:  # the loop must outlive any one failure
                    log.exception("提醒发送出错，稍后重试")
                self._stop.wait(self.settings.workflow.outbox_seconds)
        finally:
            db.dispose()
