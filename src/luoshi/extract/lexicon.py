"""Word lists shared by the extraction rules, and regexes built from them.

Kept in one place so that the verb that makes a quantity a *change*
(新增 500家) is the same verb the indicator rule strips (新增单项冠军企业 →
单项冠军企业). Lists are plain words; longer words are tried first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Verbs after which a count is an amount added or done in the period (增量).
CHANGE_VERBS = """
新增 新建 新设 新创建 新开工 新开 新培育 新招引 新招 新改建 新筹集 新认定 新签约 新登记 新注册
新引进 新落地 新建改扩建 新建改建 改扩建 增建 增投 增设 增开 增配 增加 增长 引进 引入 引育 招引
改造 完成 建成 开工 实施 培育 创建 举办 开展 推出 出台 取消 发放 帮扶 转移 安置 转移安置 打造
盘活 投入 捐赠 落实 改建 扩建 启动 组织 开通 共绘 绘制 获得 整顿 退出 纳入 优选 推广 惠及 培训
提升改造 改造提升 优化调整 减少 压减 淘汰 整治 修复 种植 造林 建设 吸引 签约 引导 认定 评选
提供 解决 办理 上线 发布 落户 审议 提请 新增就业 打通 新开通 开辟 加装 铺设 栽植 清理 拆除 安装
配备 筹集 新筹集 回收 处置 化解 消纳 招募 招聘 招录 招收 吸纳 培养 选派 慰问 走访 排查 救助
资助 补贴 消除 减免 让利 减负 扩招 新纳入 提高 提升 延长 降低 下降 改善 疏解 关闭 关停
搬迁 腾退 查处 办结 攻克 突破 新建成 新改造
""".split()

# Words after which an amount is a total reached (总量), not an addition.
STOCK_VERBS = """
累计 共有 拥有 增加到 增加至 提高到 提高至 提升到 提升至 增至 降至 达到 达 突破 超过 稳定在 保持在
控制在 压缩至 压缩到 缩短至 缩短到 降低到 降低至 下降到 下降至 减少到 减少至 减至
""".split()
# Nouns that name a stock: an amount right after them is a level.
STOCK_NOUNS = "总量 总额 总数 保有量 存量 余额 规模 总投资 总面积 总长 总规模".split()

# Verbs that state how many things there are: 提出16项, 形成4个, 明确6个方面.
NEUTRAL_VERBS = """
提出 明确 梳理 制定 形成 集聚 涉及 包括 细化为 聚焦 围绕 注册 设立 研究制定 给予 按照 遴选 面向 实现
""".split()

# Verbs of doing (besides CHANGE_VERBS) that make a sentence a commitment (举措).
ACTION_VERBS = """
推动 推进 加快 完善 深化 强化 提升 提高 支持 鼓励 优化 健全 开展 发展 促进 坚持 加强 扩大 做好 做优
做强 保障 确保 建立 构建 统筹 力争 争取 用好 发挥 落实 打造 实行 探索 严格 防范 守牢 巩固 增强 营造
弘扬 抓好 办好 保持 维护 聚焦 围绕 服务 承接 引导 规范 筹备 谋划 攻坚 治理 整治 保护
""".split()

# Words that may open a clause before the noun: scope, time, manner, modality.
SCOPE_WORDS = """
其中 全市 全区 全县 全省 我市 我区 我们 各区 全年 今年 年内 当年 同期 此外 另外 同时 目前 预计 计划
以及 今年以来 年初以来 按照 对于 下一步 下步
""".split()
ADVERBS = """
累计 共计 合计 总计 力争 争取 确保 持续 进一步 积极 大力 加快 着力 努力 全力 分别 已经 兜底
推动 推进 扎实 深入 稳步 有序 精心 高质量 提质 紧急 成功 有效 全面 稳定 做优做强 做强 做优
""".split()

# Verbs and adverbs that can end the noun phrase that follows a number.
AFTER_NOUN_STOPS = """
在 持续 全部 全面 实现 纳入 进行 取得 获批 获评 落户 布局 入选 完成 发放 融资 投产 开工 落地
签约 整顿 复制 得到 获得 取得 正式 成功 已 将 均 共同 被 由 作为 成为 参与 开展 加快 顺利
陆续 相继 同比
建立 用于 投入 支持
达到 突破 超过 增长 提供 服务 覆盖 惠及 带动 吸引 累计 提出 明确 形成 制定 包括 涉及
""".split()


# Words that are also the first half of a noun: 增加值 (value added), 增长点.
_GUARDS = {"增加": "(?!值)", "增长": "(?!点|极)", "达": "(?!标)", "建设": "(?!任务)"}


# Five-year plan periods by their short names (“十四五” = 2021–2025).
FIVE_YEAR_PERIODS: dict[str, tuple[int, int]] = {
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
}
FIVE_YEAR_NAMES = "|".join(FIVE_YEAR_PERIODS)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, escaped and guarded; the longest word wins."""
    return trie_alternation({w: _GUARDS.get(w, "") for w in words})


def trie_alternation(words: dict[str, str]) -> str:
    """A regex matching any of ``words`` (each followed by its guard, a lookaround).

    Built as a trie (共同前缀合并) rather than a flat list: Python's regex engine
    tries a flat alternation word by word at every position, which made reading
    units the slowest step on number-dense text. Longer words are tried before
    the shorter words they extend, so the longest word wins, as in a list sorted
    longest first.
    """
    trie: dict[str, Any] = {}
    for word, guard in words.items():
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = guard
    return _trie_node(trie)


def _trie_node(node: dict[str, Any]) -> str:
    branches = [re.escape(ch) + _trie_node(node[ch]) for ch in sorted(k for k in node if k)]
    if "" in node:
        branches.append(node[""])
    if len(branches) == 1 and "" not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(alternation(words))
