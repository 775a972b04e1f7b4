"""A background thread that keeps each plan's kept figures those of today: the health of
a task changes with the calendar, not only with writes, so after midnight (or a change
of rules) every plan is recomputed once, by whichever worker looks first."""

from __future__ import annotations

import logging
import threading
from datetime import date

from luoshi.ledger.db import Database
from luoshi.ledger.keeping import refresh_plans
from luoshi.ledger.scoring import Rules

log = logging.getLogger("luoshi.web")

CHECK_EVERY_S = 60.0


class Keeper:
    """Checks for stale plans every ``interval`` seconds until stopped."""

    def __init__(
        self, db: Database, scoring_rules: Rules | None = None, interval: float = CHECK_EVERY_S
    ) -> None:
        self.db = db
        self.scoring_rules = scoring_rules
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="luoshi-keeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval)

    def check(self) -> int:
        """Recompute the plans stale today; how many there were."""
        return len(refresh_plans(self.db, date.today(), scoring_rules=self.scoring_rules))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # a failed refresh must not end the thread; reads still compute
                log.exception("kept figures: refresh failed")
