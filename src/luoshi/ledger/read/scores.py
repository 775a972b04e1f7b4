"""考核排名 (the ranking of units) as a read figure: the units of a plan scored in a round."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger.clock import now
from luoshi.ledger.models import Plan, Round, RoundScores
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


@dataclass(frozen=True)
class KeptRanking:
    """The ranking of a closed round as stored at its close: ``Score.record()`` rows."""

    period: str
    scores: list[dict[str, Any]]


def keep_round_scores(
    s: Session, plan: Plan, rnd: Round, health_rules: HealthRules, rules: Rules
) -> None:
    """Store the ranking of ``rnd`` (called when it closes, in the same transaction)."""
    _rnd, ranked = plan_scores(s, plan, health_rules, rules, rnd.period)
    kept = s.get(RoundScores, rnd.id) or RoundScores(round_id=rnd.id)
    kept.period, kept.scores, kept.computed_at = rnd.period, [r.record() for r in ranked], now()
    s.add(kept)
    s.flush()


def latest_closed(s: Session, plan_id: int) -> Round | None:
    q = select(Round).where(Round.plan_id == plan_id, Round.closed_at.is_not(None))
    return s.scalars(q.order_by(Round.closed_at.desc(), Round.id.desc()).limit(1)).first()


def kept_ranking(s: Session, plan: Plan) -> KeptRanking | None:
    """The stored ranking of the plan's latest closed round, if it was stored."""
    rnd = latest_closed(s, plan.id)
    kept = s.get(RoundScores, rnd.id) if rnd is not None else None
    return KeptRanking(kept.period, kept.scores) if kept is not None else None


def keep_missing_scores(s: Session, plan: Plan, health_rules: HealthRules, rules: Rules) -> bool:
    """Store the latest closed round's ranking if it has none (rounds closed before
    rankings were stored, or loaded in bulk); whether one was stored."""
    rnd = latest_closed(s, plan.id)
    if rnd is None or s.get(RoundScores, rnd.id) is not None:
        return False
    keep_round_scores(s, plan, rnd, health_rules, rules)
    return True
