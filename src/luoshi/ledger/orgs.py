"""组织: governments by level (国家/省/市/区/街道), and the units and plans that belong to them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.errors import Conflict, InputError, NotFound
from luoshi.ledger import audit, limits, locking
from luoshi.ledger.access import require_manager
from luoshi.ledger.clock import now
from luoshi.ledger.models import ORG_LEVELS, Organisation, Plan, Unit, User
from luoshi.ledger.scope import require_org_in_scope, require_plan_manager


@dataclass(frozen=True)
class OrgRow:
    id: int
    name: str
    level: str
    parent: str | None
    units: int
    plans: int
    version: int


def rank(level: str) -> int:
    """0 for 国家 … 4 for 街道: a smaller rank is a higher level."""
    try:
        return ORG_LEVELS.index(level)
    except ValueError:
        raise InputError(f"层级「{level}」无效，应为 {'/'.join(ORG_LEVELS)} 之一") from None


def find_org(s: Session, name: str) -> Organisation | None:
    return s.scalars(select(Organisation).where(Organisation.name == name)).one_or_none()


def get_org(s: Session, ref: str) -> Organisation:
    """An organisation by id (digits) or name."""
    org = s.get(Organisation, int(ref)) if ref.isdigit() else None
    org = org or find_org(s, ref)
    if org is None:
        raise NotFound(f"组织「{ref}」不存在（用 luoshi orgs add 添加）")
    return org


def add_org(
    s: Session, actor: User, name: str, level: str, parent: Organisation | None = None
) -> Organisation:
    """A new organisation; its parent, when given, must be at a higher level."""
    require_manager(actor, "添加组织")
    require_org_in_scope(s, actor, parent.id if parent else None, "添加下级组织")
    name = name.strip()
    if not name:
        raise InputError("组织名称不能为空")
    rank(level)
    limits.check(Organisation.name, name, "组织名称")
    if parent is not None and rank(parent.level) >= rank(level):
        raise InputError(
            f"组织「{name}」（{level}）不能隶属于「{parent.name}」（{parent.level}）："
            "上级组织的层级须更高"
        )
    if find_org(s, name) is not None:
        raise Conflict(f"组织「{name}」已存在")
    org = Organisation(
        name=name, level=level, parent_id=parent.id if parent else None, created_at=now()
    )
    s.add(org)
    audit.created(s, actor, [org])
    return org


def move_unit(
    s: Session, actor: User, unit: Unit, org: Organisation | None, seen: int | None = None
) -> bool:
    """Put a unit under an organisation (None: under none). False when already there."""
    require_manager(actor, "调整单位所属组织")
    require_org_in_scope(s, actor, unit.organisation_id, f"调整单位 {unit.name}")
    require_org_in_scope(s, actor, org.id if org else None, f"移入单位 {unit.name}")
    changes = {"organisation_id": org.id if org else None}
    return locking.update(s, actor, unit, f"单位 {unit.name}", seen, changes, "move")


def move_plan(
    s: Session, actor: User, plan: Plan, org: Organisation | None, seen: int | None = None
) -> bool:
    """Put a plan under an organisation (None: under none). False when already there."""
    require_plan_manager(s, actor, plan, "调整所属组织")
    require_org_in_scope(s, actor, org.id if org else None, f"移入计划 {plan.name}")
    changes = {"organisation_id": org.id if org else None}
    return locking.update(s, actor, plan, f"计划 {plan.name}", seen, changes, "move")


def list_orgs(s: Session) -> list[OrgRow]:
    """Every organisation, each after its parent (a tree read top-down)."""
    orgs = list(s.scalars(select(Organisation).order_by(Organisation.id)))
    units = _counts(s, Unit.organisation_id)
    plans = _counts(s, Plan.organisation_id)
    names = {o.id: o.name for o in orgs}
    return [
        OrgRow(
            o.id,
            o.name,
            o.level,
            names.get(o.parent_id) if o.parent_id else None,
            units.get(o.id, 0),
            plans.get(o.id, 0),
            o.version,
        )
        for o in tree_order(orgs)
    ]


def _counts(s: Session, column: object) -> dict[int, int]:
    rows = s.execute(select(column, func.count()).group_by(column)).all()  # type: ignore[call-overload]
    return {k: n for k, n in rows if k is not None}


def tree_order(orgs: list[Organisation]) -> list[Organisation]:
    """Depth first from the roots, siblings by id."""
    children: dict[int | None, list[Organisation]] = {}
    ids = {o.id for o in orgs}
    for o in orgs:
        key = o.parent_id if o.parent_id in ids else None
        children.setdefault(key, []).append(o)
    out: list[Organisation] = []

    def walk(key: int | None) -> None:
        for o in children.get(key, []):
            out.append(o)
            walk(o.id)

    walk(None)
    return out


def descendants(s: Session, org: Organisation) -> list[Organisation]:
    """The organisations under ``org`` at any depth (its districts, their streets)."""
    out: list[Organisation] = []
    frontier = [org.id]
    while frontier:
        found = list(s.scalars(select(Organisation).where(Organisation.parent_id.in_(frontier))))
        out.extend(found)
        frontier = [o.id for o in found]
    return out
