"""Saved web pages: the article, one line per block, without the page's furniture."""

from __future__ import annotations

import html
import re

import pytest

from luoshi.errors import ReadError
from luoshi.text.formats.boilerplate import is_boilerplate_line
from luoshi.text.formats.html import decode_html, read_html
from tests.conftest import corpus_file
from tests.fixtures.documents import FIXTURES

PAGE = (FIXTURES / "article.html").read_text(encoding="utf-8")
FURNITURE = [
    "青禾新闻网版权所有",
    "ICP备",
    "公网安备",
    "举报电话",
    "服务邮箱",
    "登录后发表评论",
    "首页",
    "当前位置",
    "热点推荐",
    "春季招聘会",
    "分享到",
    "【打印】",
    "1738291048576123904",
    "(图片为资料图)",
    "pageId",
    "font-size",
]


def article_lines(page: str, encoding: str = "utf-8") -> list[str]:
    return read_html(page.encode(encoding), "page.html").splitlines()


def test_page_reduces_to_its_article() -> None:
    lines = article_lines(PAGE)
    assert lines[0] == "青禾区召开新闻发布会 介绍今年民生实事项目"
    assert lines[1].startswith("3月18日，青禾区政府新闻办召开新闻发布会")
    assert lines[-1] == "发布会上，有关部门负责人还回答了记者提问。"
    text = "\n".join(lines)
    for furniture in FURNITURE:
        assert furniture not in text, furniture


def test_one_line_per_block_rows_tab_joined_source_wrapping_undone() -> None:
    lines = article_lines(PAGE)
    assert "一、教育和养老" in lines and "二、城市更新" in lines
    # <br> ends a line; a table row is one line with its cells tab-joined.
    assert "改造老旧小区38个，加装电梯150部" in lines
    assert "新建学校\t8所\t2024年12月" in lines
    # Text wrapped in the HTML source between two Chinese characters is one run.
    assert any("新增幼儿园学位2400个，新增养老床位600张。" in line for line in lines)
    assert any("城镇新增就业12万人的目标" in line for line in lines)


def test_gbk_page_declared_in_meta() -> None:
    gbk = PAGE.replace('charset="utf-8"', 'charset="gb2312"')
    assert article_lines(gbk, "gbk") == article_lines(PAGE)


def test_utf8_bytes_win_over_a_stale_declaration() -> None:
    stale = PAGE.replace('charset="utf-8"', 'charset="gbk"')
    assert decode_html(stale.encode("utf-8")) == stale


def test_article_element_is_preferred_over_other_blocks() -> None:
    related = "".join(
        f"<p>相关阅读第{n}条：全区推进城市更新行动取得积极进展。</p>" for n in range(4)
    )
    page = (
        "<html><body><div>" + related + "</div>"
        "<article><h1>青禾区发布十项民生实事</h1>"
        "<p>今年全区计划新建学校8所，新增幼儿园学位2400个，新增养老床位600张。</p>"
        "<p>城镇新增就业12万人，完成燃气管道更新改造80公里。</p></article></body></html>"
    )
    lines = article_lines(page)
    assert lines[0] == "青禾区发布十项民生实事"
    assert not any("相关阅读" in line for line in lines)


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("<html><body><nav><a href='/'>首页</a></nav></body></html>", "没有找到正文"),
        ("<html><body><p>津ICP备2099000001号</p></body></html>", "没有找到正文"),
        ("   ", "网页为空"),
    ],
)
def test_pages_without_an_article(page: str, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        read_html(page.encode(), "page.html")


@pytest.mark.parametrize(
    "line",
    [
        "1727581181804066210",
        "(图片为资料图)",
        "（记者 林晓 摄）",
        "请先 登录后发表评论 ~",
        "某某网版权所有，未经书面授权禁止使用",
        "备案序号：青ICP备2099000001号-1",
        "违法和不良信息举报中心 举报入口",
        "【打印】【关闭】",
        "~",
        "X",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "新建学校8所。",
        "2024",
        "一、加强版权保护",
        "打印机采购项目完成招标。",
        "加强知识产权保护，" * 8
        + "严厉打击未经授权使用他人作品的行为，畅通举报电话和网上举报渠道。",
    ],
)
def test_article_lines_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate_line(line)


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_corpus_pages_keep_their_prose_and_lose_their_furniture(prefix: str) -> None:
    """A corpus text put back into a page: what the reader drops is furniture only."""
    lines = [x.strip() for x in corpus_file(prefix).read_text(encoding="utf-8").splitlines()]
    lines = [x for x in lines if x]
    body = "".join(f"<p>{html.escape(x)}</p>" for x in lines)
    page = f"<html><body><div class='nav'><a>首页</a></div><div>{body}</div></body></html>"
    kept = article_lines(page)
    dropped = [x for x in lines if x not in kept]
    assert set(kept) <= set(lines)
    assert all(is_boilerplate_line(x) for x in dropped)
    # Every line of prose survives; the digit-only image ids and licence lines do not.
    assert all(x in kept for x in lines if len(re.findall(r"[\u4e00-\u9fff]", x)) >= 40)
    assert not any(re.fullmatch(r"\d{10,}", x) or "版权所有" in x for x in kept)
    assert dropped, "the corpus page carries furniture to drop"
