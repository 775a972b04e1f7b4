"""What a saved web page carries besides its article, recognised by markup or by line.

Markup: elements that are never article text (scripts, forms, navigation) and
elements whose class, id or ARIA role names page furniture (``nav``,
``footer``, ``share``, ``comment``…). Lines: what is left when furniture is
plain text inside the article block — image ids, copyright and licence lines,
report hotlines and mailboxes, comment prompts, photo captions, print and
close links.
"""

from __future__ import annotations

import re

# Tags whose whole subtree is dropped before the article is looked for.
NEVER_TEXT = frozenset(
    """script style noscript template iframe object embed svg canvas form button input
    select textarea nav menu aside""".split()
)
# header/footer elements are page furniture unless they sit inside an <article>.
PAGE_FURNITURE = frozenset({"header", "footer"})
FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})

_ROLE_NAME = re.compile(
    r"""(?:^|[-_\s])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|share|sharing|
    comments?|copyright|sidebar|side|related|recommend|login|toolbar|advert|ads?|banner|
    qrcode)(?:$|[-_\s])""",
    re.IGNORECASE | re.VERBOSE,
)

# Only short lines without a full stop: prose may mention 版权 or 举报 too.
MAX_FURNITURE = 120
_FURNITURE = re.compile(
    r"""版权所有|未经.{0,8}授权|[Cc]opyright|©
    |ICP\s*[备证]|公网安备|信息服务许可证|网站标识码|视听节目许可证
    |举报电话|举报邮箱|服务邮箱|举报入口|举报中心|违法和不良信息
    |登录后发表评论|发表评论|我要评论|请先\s*登录|网友评论
    |^分享到|^扫一扫|^【?字[号体][:：]""",
    re.VERBOSE,
)
_TOOLS = re.compile(
    r"(?:[【\[\s]*(?:打印本页|打印|关闭窗口|关闭|返回顶部|收藏|大|中|小)[】\]\s]*)+"
)
_IMAGE_ID = re.compile(r"\d{10,}")
_CAPTION = re.compile(r"[(（][^()（）]{0,16}(?:资料图|图片|摄影|摄)[^()（）]{0,16}[)）]")
_NO_WORDS = re.compile(r"[\W_]*|[A-Za-z]")


def is_furniture_element(classes: str, element_id: str, role: str) -> bool:
    """Does an element's class, id or role say it is navigation, a footer, comments…?"""
    if role.strip().lower() in FURNITURE_ROLES:
        return True
    return bool(_ROLE_NAME.search(classes) or _ROLE_NAME.search(element_id))


def is_boilerplate_line(line: str) -> bool:
    """Is this line page furniture rather than article text?"""
    text = line.strip()
    for whole in (_IMAGE_ID, _CAPTION, _TOOLS, _NO_WORDS):
        if whole.fullmatch(text):
            return True
    if len(text) > MAX_FURNITURE or "。" in text:
        return False
    return _FURNITURE.search(text) is not None
