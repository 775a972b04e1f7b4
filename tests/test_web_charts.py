"""Server-side SVG charts: well-formed, drawn to scale, labels escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from luoshi.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bars_are_drawn_to_scale_with_the_expected_marker() -> None:
    html = parse(charts.bars([charts.Bar("港口", 50, 80), charts.Bar("<b>", 150)], "t"))
    rows = html.findall("div")
    assert [r.get("class") for r in rows] == ["bar-row", "bar-row"]
    fills = [r for r in html.iter(f"{SVG}rect") if r.get("fill") != "#eee"]
    assert [float(r.get("width", 0)) for r in fills] == [50.0, 100.0]  # capped at 100
    marker = next(html.iter(f"{SVG}line"))
    assert float(marker.get("x1", 0)) == 80.0
    assert len(list(html.iter(f"{SVG}line"))) == 1  # no marker, no tick
    texts = ["".join(s.itertext()) for s in html.iter("span")]
    assert texts == ["港口", "50%", "<b>", "100%"]  # escaped, then parsed back


def test_bar_labels_are_html_text_so_a_phone_does_not_shrink_them() -> None:
    # One SVG per row holds only shapes; every word is HTML, sized by the page's font.
    markup = str(charts.bars([charts.Bar("港口", 50, 80)], "t"))
    assert "<text" not in markup and "style=" not in markup  # CSP allows no style attribute
    assert 'preserveAspectRatio="none"' in markup


def test_a_donut_has_one_arc_per_nonzero_slice_adding_up_to_the_ring() -> None:
    slices = [charts.Slice("正常", 3, "#0f0"), charts.Slice("滞后", 0, "#ff0"),
              charts.Slice("严重滞后", 1, "#f00")]  # fmt: skip
    svg = parse(charts.donut(slices, "状态", "75%"))
    arcs = [c for c in svg.iter(f"{SVG}circle") if c.get("stroke-dasharray")]
    assert len(arcs) == 2
    lengths = [float(c.get("stroke-dasharray", "0 0").split()[0]) for c in arcs]
    assert lengths[0] == pytest.approx(3 * lengths[1], abs=0.02)
    assert any(t.text == "75%" for t in svg.iter(f"{SVG}text"))


def drawings(markup: str) -> dict[str, ET.Element]:
    """The line chart's wide and narrow SVGs, by their class."""
    root = parse(markup)
    assert root.get("class") == "line-chart"
    return {str(svg.get("class")).split()[1]: svg for svg in root}


def test_a_line_has_a_point_per_label() -> None:
    series = [
        charts.Series("进度", [10, 40, 70], "#00f"),
        charts.Series("应有", [20, 50, 80], "#888", True),
    ]
    both = drawings(charts.line(["2024-01", "2024-02", "2024-03"], series, "时间"))
    assert sorted(both) == ["chart-narrow", "chart-wide"]
    for svg in both.values():
        lines = list(svg.iter(f"{SVG}polyline"))
        assert len(lines) == 2 and len(lines[0].get("points", "").split()) == 3
        assert lines[1].get("stroke-dasharray") == "6 4"
        ys = [float(p.split(",")[1]) for p in lines[0].get("points", "").split()]
        assert ys[0] > ys[1] > ys[2]  # higher progress is drawn higher up
    empty = drawings(charts.line([], [], "空"))
    assert all(svg.tag == f"{SVG}svg" for svg in empty.values())


def test_the_narrow_line_drawing_keeps_its_text_legible_by_labelling_fewer_rounds() -> None:
    rounds = [f"2026-{m:02d}" for m in range(1, 13)]
    both = drawings(charts.line(rounds, [charts.Series("进度", [50] * 12, "#00f")], "时间"))
    wide, narrow = both["chart-wide"], both["chart-narrow"]
    assert narrow.get("viewBox") == f"0 0 {charts.NARROW_WIDTH} 260"

    def shown(svg: ET.Element) -> list[str]:
        return [str(t.text) for t in svg.iter(f"{SVG}text") if str(t.text).startswith("2026-")]

    assert shown(wide) == rounds
    narrow_labels = shown(narrow)
    assert 2 < len(narrow_labels) < 12 and narrow_labels[-1] == "2026-12"
    assert len(list(narrow.iter(f"{SVG}circle"))) == 12  # every round is still a point


def test_a_linked_bar_is_a_link_across_its_whole_row() -> None:
    html = str(charts.bars([charts.Bar("（未分派）", 40.0, 60.0, "#c62828", "/x?unit=1")], "t"))
    start = html.index('<a class="bar-row" role="listitem" href="/x?unit=1">')
    link = html[start : html.index("</a>")]
    assert "（未分派）" in link and link.count("<rect") == 2 and "40%" in link
    plain = str(charts.bars([charts.Bar("甲", 40.0, 60.0, "#c62828")], "t"))
    assert "<a " not in plain
