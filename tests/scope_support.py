"""A three-level world for organisation scope: 示范市 → 东区 → 东区某街道 (and 西区),
one plan each, with district tasks linked up to some city tasks in every link state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from luoshi.ledger import documents, links, orgs, plans, users
from luoshi.ledger.db import Database
from luoshi.ledger.models import Organisation, Task
from luoshi.text.document import Document as SourceText
from tests.builders import admin
from tests.link_support import CITY, DISTRICT, Levels, build_levels

STREET = DISTRICT.replace("东区2025年工作要点", "东区某街道2025年工作要点")
NATION = CITY.replace("示范市", "全国")


@dataclass(frozen=True)
class ScopeWorld:
    """Task ids by role in the fixture; users: east_boss / east_reader (东区),
    city_boss (示范市), and the unscoped boss and reader of link_support."""

    levels: Levels
    plans: dict[str, int]
    linked: int  # city 加快发展先进制造业 ← east and west (accepted)
    proposed: int  # city 促进高质量充分就业 ← east (proposed)
    rejected: int  # city 推进教育优质发展 ← east (rejected)
    unlinked: int  # city 坚持依法行政: nothing answers it
    east_leaf: int  # east 围绕链主企业招商… (a leaf)
    city_leaf: int  # city 培育链主企业… (a leaf)
    east_link: int  # east 壮大制造业集群 → city 加快发展先进制造业
    west_link: int
    city_link: int  # city 坚持依法行政 → nation (a link of the city plan)


def _plan(s: Session, text: str, name: str, org: Organisation | None) -> None:
    a = admin(s)
    doc = documents.ingest(s, a, SourceText.from_text(f"{name}.txt", text)).document
    plan = plans.build_plan(s, a, doc, name)
    if org is not None:
        orgs.move_plan(s, a, plan, org)


def _task(lv: Levels, s: Session, plan: str, title: str) -> Task:
    return lv.task_titled(s, plan, title)


def build_scope_world(db: Database) -> ScopeWorld:
    lv = build_levels(db)
    with db.transaction() as s:
        a = admin(s)
        east = orgs.get_org(s, "东区")
        street = orgs.add_org(s, a, "东区某街道", "街道", east)
        _plan(s, STREET, "street", street)
        _plan(s, NATION, "nation", None)
        users.add_user(s, a, "east_boss", "supervisor", organisation="东区")
        users.add_user(s, a, "east_reader", "viewer", organisation="东区")
        users.add_user(s, a, "city_boss", "supervisor", organisation="示范市")
        t = lambda plan, title: _task(lv, s, plan, title)  # noqa: E731
        made = links.create_link(s, a, t("east", "壮大制造业集群"), t("city", "加快发展先进制造业"))
        west = links.create_link(s, a, t("west", "壮大制造业集群"), t("city", "加快发展先进制造业"))
        links.create_link(
            s, a, t("east", "稳定就业岗位"), t("city", "促进高质量充分就业"), "proposed", "align"
        )
        no = links.create_link(
            s, a, t("east", "办好人民满意教育"), t("city", "推进教育优质发展"), "proposed"
        )
        links.decide(s, a, no, "rejected")
        up = links.create_link(s, a, t("city", "坚持依法行政"), t("nation", "坚持依法行政"))
        s.flush()
        return ScopeWorld(
            lv,
            {n: lv.plan(s, n).id for n in ("city", "east", "west", "street", "nation")},
            t("city", "加快发展先进制造业").id,
            t("city", "促进高质量充分就业").id,
            t("city", "推进教育优质发展").id,
            t("city", "坚持依法行政").id,
            t("east", "围绕链主企业招商，新建智能工厂5家").id,
            t("city", "培育链主企业，完善产业链配套，建设智能工厂50家").id,
            made.id,
            west.id,
            up.id,
        )
