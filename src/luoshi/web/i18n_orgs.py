"""界面文字 of the organisation pages (组织, 组织总览); merged into ``i18n.WORDS``."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "nav.orgs": ("组织", "Organisations"),
    "org": ("组织", "Organisation"),
    "org.name": ("组织名称", "Name"),
    "org.level": ("层级", "Level"),
    "org.parent": ("上级组织", "Parent"),
    "org.no_parent": ("（无上级）", "(none)"),
    "org.belongs": ("所属组织", "Belongs to"),
    "org.no_org": ("（不属于任何组织）", "(no organisation)"),
    "org.none": ("还没有组织。", "No organisations yet."),
    "org.add": ("添加组织", "Add an organisation"),
    "org.move": ("单位、计划归入组织", "Move a unit or a plan"),
    "org.move_do": ("归入", "Move"),
    "org.by_level": ("按层级查看", "By level"),
    "org.level_view": ("%s级总览", "All organisations at level %s"),
    "org.as_of_today": (
        "截至 %s（今天）；各计划数字与其总览一致。",
        "As of %s (today); each plan's figures are those of its own dashboard.",
    ),
    "org.active_plans": ("启用计划", "Active plans"),
    "org.completion": ("完成度", "Completion"),
    "org.answering": ("对接上级", "Answering upward"),
    "org.unanswered": ("未承接", "Unanswered"),
    "org.children": ("下级组织", "Child organisations"),
    "org.orgs_of_level": ("本层级各组织", "Organisations of the level"),
    "org.no_plans": ("此范围内没有启用的计划。", "No active plans here."),
}
