"""A task's progress on its page: the timeline of its counted reports against the
progress expected when each was made, and a note when the latest awaits review."""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup

from luoshi.ledger import health
from luoshi.ledger.models import NOT_COUNTED
from luoshi.web import charts
from luoshi.web.i18n import word


def awaiting_note(task: dict[str, Any], lang: str, accepted_only: bool) -> str | None:
    """Beside a leaf's progress, when its latest report awaits review: counted already
    (and may still be returned), or — when only accepted reports count — not yet."""
    standing = [r for r in task["reports"] if r["state"] not in NOT_COUNTED]
    latest = max(standing, key=lambda r: r["id"], default=None)
    if not task["leaf"] or latest is None or latest["state"] != "submitted":
        return None
    if accepted_only:
        return word("progress.awaiting", lang).format(percent=f"{latest['percent']:g}")
    return word("progress.unreviewed", lang)


def task_timeline(task: dict[str, Any], lang: str, accepted_only: bool = False) -> Markup:
    """Per round, the percent of its latest report counted as progress (accepted only,
    when the rules say so), beside the progress expected on the day it was made."""
    chosen: dict[str, dict[str, Any]] = {}
    for r in task["reports"]:
        if r["state"] == "accepted" or (not accepted_only and r["state"] not in NOT_COUNTED):
            chosen[r["period"]] = r
    if not chosen:
        # An empty chart reads as "0% all year"; say why there is no line instead.
        why = "timeline.from_children" if not task["leaf"] else "timeline.none"
        return Markup('<p class="muted" id="timeline-empty">{}</p>').format(word(why, lang))
    reports = list(chosen.values())
    series = [
        charts.Series(word("progress", lang), [float(r["percent"]) for r in reports], "#1565c0")
    ]
    deadline = _day(task["deadline"])
    if deadline is not None:
        start = _day(task["start_date"])
        expected = [
            health.expected_progress(start, deadline, _day(r["submitted_at"]) or deadline)
            for r in reports
        ]
        series.append(charts.Series(word("expected", lang), expected, charts.EXPECTED, True))
    return charts.line(list(chosen), series, word("timeline", lang), height=220)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None
