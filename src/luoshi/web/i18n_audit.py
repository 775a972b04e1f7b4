"""界面文字 of the audit trail page (审计记录, 校验审计链); merged into ``i18n.WORDS``."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "nav.audit": ("审计记录", "Audit trail"),
    "audit.total": ("审计链共 {n} 条记录", "{n} events on the chain"),
    "audit.entity": ("记录类别", "Table"),
    "audit.entity_id": ("记录编号", "Row id"),
    "audit.actor": ("操作人（用户名）", "Actor (username)"),
    "audit.what": ("记录", "Row"),
    "audit.action": ("操作", "Action"),
    "audit.newest": ("最新", "Newest"),
    "audit.newer": ("较新", "Newer"),
    "audit.older": ("较早", "Older"),
    "audit.clear": ("清除筛选", "Clear filters"),
    "audit.verify": ("校验审计链", "Verify the chain"),
    "audit.verify_hint": (
        "逐条核对每条记录的哈希，找出第一条被改动、删除或插入的记录。"
        "记录多时较慢（每十万条约需十几秒，百万条需数分钟）：在后台进行，进度页显示校验进度。",
        "Checks every event's hash and names the first one changed, removed or slipped in "
        "(as luoshi audit verify). Slow on a big trail (some seconds per 100,000 events): "
        "it runs in the background, and a progress page counts the events checked.",
    ),
    "audit.ok": (
        "审计链完好：共 {n} 条记录，链尾哈希 {hash}",
        "The chain holds: {n} events, last hash {hash}",
    ),
    "audit.broken": ("审计链已断开", "The chain is broken"),
    "audit.broken_at": ("第一条断开的记录", "First broken event"),
    "audit.held": ("之前完好的记录", "Events that hold before it"),
    "audit.took": ("用时 {s} 秒", "took {s} s"),
    "audit.show_row": ("只看这条记录", "Only this row"),
    "audit.show_actor": ("只看此人", "Only this actor"),
}
