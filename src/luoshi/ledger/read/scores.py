"""考核排名 (the ranking of units) as a read figure: the units of a plan scored in a round."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger.models import Plan
from luoshi.ledger.score_facts import plan_scores
from luoshi.ledger.scoring import Rules, Score
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class Ranking:
    """The scores of a plan's units in one round (``period``); none before any round."""

    period: str | None = None
    scores: list[Score] = field(default_factory=list)


def ranking(
    s: Session,
    plan: Plan,
    health_rules: HealthRules,
    rules: Rules,
    period: str | None = None,
    today: date | None = None,
) -> Ranking:
    """The ranking in the round of ``period`` (default: the latest), worked out per read."""
    try:
        rnd, ranked = plan_scores(s, plan, health_rules, rules, period, today)
    except NotFound:
        return Ranking()
    return Ranking(rnd.period, ranked)
