"""Server-side SVG charts: well-formed, drawn to scale, labels escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from luoshi.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bars_are_drawn_to_scale_with_the_expected_marker() -> None:
    svg = parse(charts.bars([charts.Bar("港口", 50, 80), charts.Bar("<b>", 150)], "t", 100, 400))
    fills = [r for r in svg.iter(f"{SVG}rect") if r.get("fill") != "#eee"]
    plot = 400 - 100 - 60
    assert [float(r.get("width", 0)) for r in fills] == [plot * 0.5, plot * 1.0]  # capped at 100
    marker = next(svg.iter(f"{SVG}line"))
    assert float(marker.get("x1", 0)) == 100 + plot * 0.8
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "港口" in texts and "<b>" in texts and "100%" in texts  # escaped, then parsed back


def test_a_donut_has_one_arc_per_nonzero_slice_adding_up_to_the_ring() -> None:
    slices = [charts.Slice("正常", 3, "#0f0"), charts.Slice("滞后", 0, "#ff0"),
              charts.Slice("严重滞后", 1, "#f00")]  # fmt: skip
    svg = parse(charts.donut(slices, "状态", "75%"))
    arcs = [c for c in svg.iter(f"{SVG}circle") if c.get("stroke-dasharray")]
    assert len(arcs) == 2
    lengths = [float(c.get("stroke-dasharray", "0 0").split()[0]) for c in arcs]
    assert lengths[0] == pytest.approx(3 * lengths[1], abs=0.02)
    assert any(t.text == "75%" for t in svg.iter(f"{SVG}text"))


def test_a_line_has_a_point_per_label() -> None:
    series = [
        charts.Series("进度", [10, 40, 70], "#00f"),
        charts.Series("应有", [20, 50, 80], "#888", True),
    ]
    svg = parse(charts.line(["2024-01", "2024-02", "2024-03"], series, "时间"))
    lines = list(svg.iter(f"{SVG}polyline"))
    assert len(lines) == 2 and len(lines[0].get("points", "").split()) == 3
    assert lines[1].get("stroke-dasharray") == "6 4"
    ys = [float(p.split(",")[1]) for p in lines[0].get("points", "").split()]
    assert ys[0] > ys[1] > ys[2]  # higher progress is drawn higher up
    empty = parse(charts.line([], [], "空"))
    assert empty.tag == f"{SVG}svg"


def test_a_linked_bar_is_a_link_across_its_whole_row() -> None:
    from luoshi.web import charts as web_charts

    svg = str(
        web_charts.bars([web_charts.Bar("（未分派）", 40.0, 60.0, "#c62828", "/x?unit=1")], "t")
    )
    link = svg[svg.index('<a href="/x?unit=1">') : svg.index("</a>")]
    assert "（未分派）" in link and link.count("<rect") == 2 and "40%" in link
    plain = str(charts.bars([charts.Bar("甲", 40.0, 60.0, "#c62828")], "t"))
    assert "<a " not in plain
