"""Builders for level-by-level tests: a city plan, two district plans, their organisations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from luoshi.ledger import documents, orgs, plans, users
from luoshi.ledger.db import Database
from luoshi.ledger.models import Plan, Task
from luoshi.text.document import Document as SourceText
from tests.builders import admin

CITY = """示范市2025年政府工作报告
一、2024年工作回顾
——经济运行稳中向好。全市生产总值增长5%。
二、2025年主要任务
（一）全力推动产业升级
加快发展先进制造业。培育链主企业，完善产业链配套，建设智能工厂50家。
大力发展会展经济。举办国际博览会，引进品牌展会，建设会展中心。
（二）全力办好民生实事
促进高质量充分就业。城镇新增就业35万人，开展职业技能培训。
推进教育优质发展。新建中小学校10所，增加学位2万个。
三、加强政府自身建设
坚持依法行政。严格规范公正文明执法，推进政务公开。
"""

DISTRICT = """东区2025年工作要点
（一）聚焦产业发展
壮大制造业集群。围绕链主企业招商，新建智能工厂5家。积极引进展会项目，办好区域博览会。
培育新兴产业。引进新材料企业，建设产业园区。
（二）聚焦民生保障
稳定就业岗位。全年城镇新增就业2万人，开展技能培训。深入开展群众性文明创建活动，组织志愿服务。
办好人民满意教育。新建小学2所，增加学位1000个。
"""


@dataclass(frozen=True)
class Levels:
    """示范市 (city) above 东区 and 西区 (districts), one plan each."""

    db: Database

    def plan(self, s: Session, name: str) -> Plan:
        return plans.get_plan(s, name)

    def task(self, s: Session, ref: str) -> Task:
        return plans.get_task(s, ref)[1]

    def plan_tasks(self, s: Session, plan: str) -> list[Task]:
        from sqlalchemy import select

        return list(s.scalars(select(Task).where(Task.plan_id == self.plan(s, plan).id)))

    def task_titled(self, s: Session, plan: str, title: str) -> Task:
        from sqlalchemy import select

        p = self.plan(s, plan)
        return s.scalars(select(Task).where(Task.plan_id == p.id, Task.title == title)).one()


def _plan(s: Session, text: str, name: str) -> Plan:
    a = admin(s)
    doc = documents.ingest(s, a, SourceText.from_text(f"{name}.txt", text)).document
    return plans.build_plan(s, a, doc, name)


def build_levels(db: Database) -> Levels:
    with db.transaction() as s:
        a = admin(s)
        city = orgs.add_org(s, a, "示范市", "市")
        east = orgs.add_org(s, a, "东区", "区", city)
        west = orgs.add_org(s, a, "西区", "区", city)
        for text, name, org in (
            (CITY, "city", city),
            (DISTRICT, "east", east),
            (DISTRICT.replace("东区", "西区"), "west", west),
        ):
            orgs.move_plan(s, a, _plan(s, text, name), org)
        for name, role in (("boss", "supervisor"), ("reader", "viewer")):
            if users.find_user(s, name) is None:
                users.add_user(s, a, name, role)
    return Levels(db)
