"""Saved web pages (.html/.htm): the article, one line per block, without page furniture.

The article is the ``<article>`` element when the page has a substantial one,
otherwise the block holding the most Chinese text in paragraphs (scored the
way readability tools do: a paragraph's text counts for its block and, less,
for the blocks around it, and link-heavy blocks such as menus are discounted).
"""

from __future__ import annotations

import codecs
import re
from collections import defaultdict

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from luoshi.errors import ReadError
from luoshi.text.formats.blocks import BLOCK, block_lines, clean
from luoshi.text.formats.boilerplate import (
    NEVER_TEXT,
    PAGE_FURNITURE,
    is_boilerplate_line,
    is_furniture_element,
)
from luoshi.text.formats.limits import DEFAULT_LIMITS, ReadLimits

EMPTY = "网页为空"
TOO_DEEP = "网页的标签嵌套超过 256 层，不像正常网页，无法读取"
MAX_TAG = 8192  # characters of one tag, attributes included
_TAG_OPEN = re.compile(r"<([a-zA-Z][\w:-]*)")
# A tag's attributes up to its closing ">", quoted values skipped whole; possessive,
# so that a tag without an end is scanned once.
_TAG_BODY = re.compile(r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
_KEPT_ATTRIBUTE = re.compile(
    r"""(?<![\w-])(?:class|id|role|style|hidden|itemprop|charset|content|http-equiv|name)"""
    r"""(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?""",
    re.IGNORECASE,
)
_KEPT_MAX = 16
NO_ARTICLE = "网页中没有找到正文"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# GB2312 and GBK pages routinely use characters only their superset has.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_KEEP = frozenset({"html", "body", "article", "main"})


def read_html(data: bytes, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    """The page's article as plain text, one block per line.

    ``limits`` is taken for the readers' common signature: a page is not compressed.
    """
    root = _parse(decode_html(data), name)
    body = root.find("body")
    if body is None:
        body = root
    drop_furniture(body)
    article = find_article(body)
    lines = block_lines(article)
    title = _title_before(root, article)
    if title and (not lines or lines[0] != title):
        lines.insert(0, title)
    lines = [line for line in lines if not is_boilerplate_line(line)]
    if not lines:
        raise ReadError(name, NO_ARTICLE)
    return "\n".join(lines) + "\n"


def decode_html(data: bytes) -> str:
    """Decode by byte-order mark, then as UTF-8, then the declared charset, then GB18030.

    Valid UTF-8 wins over the declaration: pages re-saved by a browser are often
    UTF-8 while still declaring GBK, and GBK text is practically never valid UTF-8.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff")
    m = _META_CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else "utf-8"
    for encoding in ("utf-8", _SUPERSETS.get(declared, declared)):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


def _parse(text: str, name: str) -> HtmlElement:
    # lxml refuses str input that declares an encoding, and XML-illegal characters.
    text = tame_tags(_NOT_XML.sub("", _XML_DECLARATION.sub("", text, count=1)))
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except etree.ParserError:
        raise ReadError(name, EMPTY) from None
    # libxml2 stops at 256 levels and drops the rest of the page: say so, never
    # return a silently truncated article.
    if any("Excessive depth" in e.message for e in parser.error_log):
        raise ReadError(name, TOO_DEEP)
    return root


def tame_tags(text: str) -> str:
    """Tags longer than ``MAX_TAG`` keep only the attributes the reader uses.

    libxml2 compares each attribute with all earlier ones of its tag: a tag with
    200,000 attributes takes hours. No real page needs such a tag's other
    attributes (the longest are inline images, which carry no text).
    """
    if len(text) <= MAX_TAG:
        return text
    out: list[str] = []
    pos = 0
    for m in _TAG_OPEN.finditer(text):
        if m.start() < pos:
            continue
        body = _TAG_BODY.match(text, m.end())
        end = body.end() if body else len(text)
        if end - m.start() <= MAX_TAG:
            continue
        kept = [a.group() for a in _KEPT_ATTRIBUTE.finditer(text, m.end(), end)][:_KEPT_MAX]
        out += [text[pos : m.start()], "<", m.group(1), *(" " + a for a in kept), ">"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def drop_furniture(body: HtmlElement) -> None:
    """Remove scripts, forms, navigation, page headers and footers, hidden and role-named blocks."""
    doomed = [el for el in body.iter() if isinstance(el.tag, str) and _is_furniture(el)]
    for el in doomed:
        el.drop_tree()


def _is_furniture(el: HtmlElement) -> bool:
    tag = el.tag
    if tag in _KEEP:
        return False
    if tag in NEVER_TEXT or el.get("hidden") is not None or _HIDDEN.search(el.get("style", "")):
        return True
    if tag in PAGE_FURNITURE and next(el.iterancestors("article"), None) is None:
        return True
    return is_furniture_element(el.get("class", ""), el.get("id", ""), el.get("role", ""))


def find_article(body: HtmlElement) -> HtmlElement:
    """The largest <article>, unless the best-scored block lies outside it and is twice as big."""
    best = _best_block(body)
    marked = body.xpath('.//*[@itemprop="articleBody"]')
    articles = [*body.iter("article"), *(el for el in marked if isinstance(el, HtmlElement))]
    if not articles:
        return best
    top = max(articles, key=_cjk_count)
    # best may be a wrapper around the article (and its "related" links), or inside it.
    nested = top in best.iterancestors() or best in top.iterancestors() or top is best
    if nested or _cjk_count(top) >= 0.5 * _cjk_count(best):
        return top
    return best


def _best_block(body: HtmlElement) -> HtmlElement:
    scores: dict[HtmlElement, float] = defaultdict(float)
    for holder, count in _text_holders(body):
        scores[holder] += count
        parent = holder.getparent()
        if parent is not None:
            scores[parent] += 0.75 * count
            grandparent = parent.getparent()
            if grandparent is not None:
                scores[grandparent] += 0.5 * count
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:5]
    if not ranked:
        return body
    return max(ranked, key=lambda el: scores[el] * (1 - _link_share(el)))


def _text_holders(body: HtmlElement) -> list[tuple[HtmlElement, int]]:
    """Each run of Chinese text with the nearest block element that holds it."""
    out: list[tuple[HtmlElement, int]] = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        for text, owner in ((el.text, el), (el.tail, el.getparent())):
            count = len(_CJK.findall(text or ""))
            if count and owner is not None:
                out.append((_block_of(owner), count))
    return out


def _block_of(el: HtmlElement) -> HtmlElement:
    node: HtmlElement | None = el
    while node is not None and node.tag not in BLOCK and node.tag not in ("td", "th"):
        node = node.getparent()
    return node if node is not None else el


def _link_share(el: HtmlElement) -> float:
    total = _cjk_count(el)
    linked = sum(_cjk_count(a) for a in el.iter("a"))
    return linked / total if total else 1.0


def _cjk_count(el: HtmlElement) -> int:
    return len(_CJK.findall(el.text_content()))


def _title_before(root: HtmlElement, article: HtmlElement) -> str | None:
    """The article's headline when the page puts it above the article block.

    Among the <h1>/<h2> before the article, the longest one the page's <title>
    contains (a site logo in an <h1> is shorter); without a <title>, the last.
    """
    if next(article.iter("h1"), None) is not None:
        return None
    order = {el: i for i, el in enumerate(root.iter())}
    heads = [h for h in root.iter("h1", "h2") if order[h] < order[article]]
    texts = [t for t in (clean(h.text_content()) for h in heads) if t]
    page_title = root.findtext(".//title") or ""
    if page_title:
        texts = sorted((t for t in texts if t in page_title), key=len)
    return texts[-1] if texts else None
