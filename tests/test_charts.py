"""Charts drawn with Pillow: real CJK glyphs, bars and slices in proportion."""

from __future__ import annotations

import io

from PIL import Image, ImageChops, ImageDraw

from luoshi.io import charts
from luoshi.ledger.health import HEALTH_COLOURS


def image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(png)).convert("RGB")


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def count(img: Image.Image, colour: str) -> int:
    colours = img.getcolors(maxcolors=img.width * img.height) or []
    return dict((c, n) for n, c in colours).get(hex_rgb(colour), 0)


def test_the_font_is_noto_sans_cjk_from_mplfonts() -> None:
    path = charts.font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf" and path.parent.name == "fonts"
    assert "mplfonts" in path.parts


def glyph(text: str) -> Image.Image:
    img = Image.new("L", (80, 80), 255)
    ImageDraw.Draw(img).text((4, 4), text, font=charts.font(64), fill=0)
    return img


def test_chinese_characters_have_glyphs_of_their_own() -> None:
    # A font without CJK glyphs would draw the same empty box for both.
    assert ImageChops.difference(glyph("进"), glyph("度")).getbbox() is not None
    assert glyph("进").getbbox() is not None


def test_bars_are_as_long_as_their_percent() -> None:
    png = charts.bar_chart("平均进度", [charts.Bar("甲", 25.0), charts.Bar("乙", 75.0, 50.0)])
    img = image(png)
    assert img.width == charts.WIDTH
    rows = [charts.TOP + i * charts.ROW + charts.ROW // 2 for i in range(2)]
    lengths = []
    for y in rows:
        xs = [x for x in range(img.width) if img.getpixel((x, y)) == hex_rgb(charts.BAR)]
        lengths.append(max(xs) - min(xs))
    assert lengths[0] > 200 and abs(lengths[1] - 3 * lengths[0]) <= 3
    assert count(img, charts.MARKER) > 0  # the expected-progress tick of 乙


def test_more_bars_make_a_taller_chart_and_zero_draws_no_bar() -> None:
    one = image(charts.bar_chart("t", [charts.Bar("甲", 0.0)]))
    three = image(charts.bar_chart("t", [charts.Bar(n, 0.0) for n in "甲乙丙"]))
    assert three.height - one.height == 2 * charts.ROW
    assert count(one, charts.BAR) == 0


def test_donut_slices_are_in_proportion_and_empty_ones_are_not_drawn() -> None:
    green, red, grey = (HEALTH_COLOURS[k] for k in ("green", "red", "stalled"))
    slices = [charts.Slice("正常", 3, green), charts.Slice("严重滞后", 1, red)]
    img = image(charts.donut_chart("状态", [*slices, charts.Slice("停滞", 0, grey)], "4项"))
    ring = img.crop(charts.DONUT_BOX)
    assert 2.8 < count(ring, green) / count(ring, red) < 3.2
    assert count(ring, grey) == 0
    assert count(img, grey) > 0  # its legend entry is still there


def test_long_labels_are_cut_to_fit() -> None:
    label = "（一）做强实体经济，加快建设现代化产业体系"
    cut = charts.fit(label, 36, 300)
    assert cut.endswith("…") and label.startswith(cut[:-1])
    assert charts.font(36).getlength(cut) <= 300
    assert charts.fit("短", 36, 300) == "短"
