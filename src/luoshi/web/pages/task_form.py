"""修改与分派: the task page's edit form — the fields as a supervisor typed them, and the
values the ledger's edit takes. Kept as typed, so a refused form can be shown again."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from luoshi.errors import InputError
from luoshi.ledger.tasks import EDITABLE, FIELD_LABELS
from luoshi.web.pages.common import form_date


@dataclass(frozen=True)
class EditForm:
    """The edit form's fields as text, and the task version the form was filled in from."""

    version: int
    title: str = ""
    lead_unit: str = ""
    co_units: list[str] = field(default_factory=list)
    person: str = ""
    start_date: str = ""
    deadline: str = ""
    expected_outcome: str = ""
    weight: str = ""

    @classmethod
    def of_task(cls, task: dict[str, Any]) -> EditForm:
        """The form filled in with a task's current values (a task_detail record)."""
        return cls(
            version=task["version"],
            title=task["title"],
            lead_unit=task["lead_unit"] or "",
            co_units=list(task["co_units"]),
            person=task["person"] or "",
            start_date=task["start_date"] or "",
            deadline=task["deadline"] or "",
            expected_outcome=task["expected_outcome"] or "",
            weight=str(task["weight"]),
        )

    def values(self) -> dict[str, Any]:
        """The ledger's values; an empty field clears it (the title and weight are checked
        by the ledger, which refuses them empty)."""
        return {
            "title": self.title.strip(),
            "lead_unit": self.lead_unit.strip() or None,
            "co_units": [u.strip() for u in self.co_units if u.strip()],
            "person": self.person.strip() or None,
            "start_date": form_date(self.start_date, FIELD_LABELS["start_date"]),
            "deadline": form_date(self.deadline, FIELD_LABELS["deadline"]),
            # Browsers send a textarea's line breaks as CRLF; the ledger keeps LF.
            "expected_outcome": self.expected_outcome.replace("\r\n", "\n").strip() or None,
            "weight": form_weight(self.weight),
        }

    def differences(self, current: EditForm) -> list[tuple[str, str]]:
        """(label, what was typed) for each field that differs from ``current``: what a
        supervisor who lost a race had entered, so it can be entered again."""
        mine, theirs = asdict(self), asdict(current)
        out = []
        for key in EDITABLE:
            if mine[key] != theirs[key]:
                typed = "、".join(mine[key]) if key == "co_units" else mine[key]
                out.append((FIELD_LABELS[key], typed or "—"))
        return out


def form_weight(text: str) -> float:
    """A weight as typed; refused in the ledger's words, quoting what was typed."""
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        value = -1.0
    if not (value >= 0 and math.isfinite(value)):
        raise InputError(f"{FIELD_LABELS['weight']}「{text}」应为不小于 0 的数")
    return value
