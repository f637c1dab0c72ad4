"""HTML bar charts of the interactive panels (:func:`valse.report.charts_html.html_bar_chart`):
geometry checked by hand, escaping, accessibility, and clear errors."""

from __future__ import annotations

import math
import re

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.report.charts import PALETTE
from valse.report.charts_html import html_bar_chart


def bars(chart: str) -> list[dict[str, float] | None]:
    """Each row's bar as {"left": %, "width": %} (None for a row without a bar), and the zero
    line's position, read back from the HTML."""
    soup = BeautifulSoup(chart, "html.parser")
    out = []
    for value in soup.select(".valse-value"):
        row = value.parent
        bar = row.select_one(".valse-bar")
        if bar is None:
            out.append(None)
            continue
        style = dict(part.split(":", 1) for part in bar["style"].split(";") if ":" in part)
        out.append(
            {
                "left": float(style["left"].rstrip("%")),
                "width": float(style["width"].rstrip("%")),
                "colour": style["background"],
            }
        )
    return out


def zero_line_pct(chart: str) -> float:
    found = set(re.findall(r"left:([0-9.]+)%;border-left", chart))
    assert len(found) == 1, f"expected one zero line position, found {found}"
    return float(found.pop())


def printed(chart: str) -> list[str]:
    return [v.get_text() for v in BeautifulSoup(chart, "html.parser").select(".valse-value")]


def test_widths_are_proportional_to_the_values():
    chart = html_bar_chart([("a", 10.0), ("b", 20.0), ("c", 40.0)], "USD bn", "Three bars")
    got = bars(chart)
    # scale 0..40: widths 10/40, 20/40, 40/40 of the plotting area, every bar from zero
    assert_allclose([b["width"] for b in got], [25.0, 50.0, 100.0], rtol=1e-6)
    assert_allclose([b["left"] for b in got], [0.0, 0.0, 0.0], atol=1e-6)
    assert zero_line_pct(chart) == pytest.approx(0.0, abs=1e-6)
    assert printed(chart) == ["10.0", "20.0", "40.0"]


def test_negative_bars_extend_left_of_the_zero_line():
    chart = html_bar_chart([("gain", 30.0), ("loss", -10.0)], "USD bn", "Both signs")
    gain, loss = bars(chart)
    # scale -10..30 (span 40): zero at 10/40 = 25 %
    assert zero_line_pct(chart) == pytest.approx(25.0, abs=1e-6)
    assert gain["left"] == pytest.approx(25.0, abs=1e-6)
    assert gain["width"] == pytest.approx(75.0, abs=1e-6)
    assert loss["left"] == pytest.approx(0.0, abs=1e-6)
    assert loss["width"] == pytest.approx(25.0, abs=1e-6)
    assert loss["left"] + loss["width"] == pytest.approx(25.0, abs=1e-6)  # ends at zero
    assert (gain["colour"], loss["colour"]) == (PALETTE[0], PALETTE[1])
    assert printed(chart) == ["30.0", "−10.0"]


def test_floating_bars_of_a_waterfall():
    # headline 50, minus 38 of AWS spend = 12, plus 26.6 of cost = 38.6
    chart = html_bar_chart(
        [("headline", 50.0), ("spend", -38.0), ("cost", 26.6), ("= level", 38.6)],
        "USD bn",
        "Waterfall",
        starts=[None, 50.0, 12.0, None],
        digits=1,
    )
    got = bars(chart)
    assert_allclose([b["left"] for b in got], [0.0, 24.0, 24.0, 0.0], atol=1e-6)
    assert_allclose([b["width"] for b in got], [100.0, 76.0, 53.2, 77.2], atol=1e-6)
    assert printed(chart) == ["50.0", "−38.0", "+26.6", "38.6"]


def test_text_is_escaped_and_described_for_screen_readers():
    chart = html_bar_chart(
        [('<script>alert("x")</script>', 1.5), ("R&D", -2.25)],
        'USD "bn"',
        "Title with <b> & 'quotes'",
        digits=2,
    )
    assert "<script>" not in chart and "<b>" not in chart
    assert "&lt;script&gt;" in chart and "R&amp;D" in chart
    soup = BeautifulSoup(chart, "html.parser")
    root = soup.select_one('[role="img"]')
    assert root is not None
    label = root["aria-label"]  # parsed back: the escaped text reads as written
    assert label.startswith("Title with <b> & 'quotes' [USD \"bn\"].")
    assert '<script>alert("x")</script>: 1.50 USD "bn"' in label
    assert 'R&D: −2.25 USD "bn"' in label


def test_a_value_that_is_not_defined_draws_no_bar():
    chart = html_bar_chart([("a", 4.0), ("b", math.nan)], "%", "With a gap")
    assert bars(chart)[1] is None
    assert bars(chart)[0]["width"] == pytest.approx(100.0)
    assert printed(chart)[1] == "not defined" and "nan" not in chart


def test_all_zero_values_do_not_divide_by_zero():
    chart = html_bar_chart([("a", 0.0), ("b", 0.0)], "USD bn", "Nothing")
    assert [b["width"] for b in bars(chart)] == [0.0, 0.0]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"starts": [None]}, "starts: expected one entry per row (2), found 1"),
        ({"colours": ["#000"] * 3}, "colours: expected one entry per row (2), found 3"),
        ({"colours": ["#000", "red;background:url(x)"]}, "colours: expected '#rrggbb'"),
    ],
)
def test_bad_arguments_are_named(kwargs, needle):
    with pytest.raises(ValueError) as info:
        html_bar_chart([("a", 1.0), ("b", 2.0)], "USD bn", "t", **kwargs)
    assert needle in str(info.value)


values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(st.lists(st.tuples(values, st.one_of(st.none(), values)), min_size=1, max_size=12))
def test_bars_stay_inside_the_plotting_area(rows):
    chart = html_bar_chart(
        [(f"r{i}", v) for i, (v, _) in enumerate(rows)], "USD bn", "t", starts=[s for _, s in rows]
    )
    got = bars(chart)
    biggest = max(b["width"] for b in got)
    for b, (value, _) in zip(got, rows, strict=True):
        assert -1e-3 <= b["left"] and b["left"] + b["width"] <= 100.0 + 1e-3
        assert b["width"] >= 0.0
        # one scale for all bars: widths proportional to |value|
        top = max(abs(v) for v, _ in rows)
        if top > 0:
            assert b["width"] == pytest.approx(biggest * abs(value) / top, abs=1e-3)


# ------------------------------------------------------------------ published chart images
# Each figure is rendered once (valse.report.chart_render.figure_png): the layout is computed in
# the draw, the "Sources:" caption sits inside the figure, in a band add_sources adds under the
# plot.

import struct  # noqa: E402
import warnings  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from valse.report import chart_render, charts  # noqa: E402

LINE_IN = charts.CAPTION_FONTSIZE * charts.CAPTION_LINESPACING / 72  # one caption line [in]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])


def count_draws(fig, monkeypatch) -> list[int]:
    calls = [0]
    draw = Figure.draw

    def counted(self, renderer):
        calls[0] += 1
        return draw(self, renderer)

    monkeypatch.setattr(Figure, "draw", counted)
    return calls


def simple_figure(width=8.0, height=4.0, title="A short title"):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.plot([0, 1, 2], [1, 3, 2])
    ax.set_xlabel("year")
    ax.set_ylabel("USD bn")
    ax.set_title(title)
    return fig


def test_the_caption_band_grows_the_figure_by_its_lines():
    # width 1 in: wrapped at 16 characters, "Sources: aaa… bbb…." is three lines (hand-wrapped:
    # "Sources:" / 15 a's / 15 b's and the full stop)
    fig = simple_figure(width=1.0, height=2.0)
    charts.add_sources(fig, {}, [], extra=["a" * 15 + " " + "b" * 15])
    band = 3 * LINE_IN + 2 * charts.CAPTION_PAD_IN
    assert_allclose(fig.get_size_inches(), [1.0, 2.0 + band], rtol=1e-12)
    caption = [t for t in fig.texts if t.get_gid() == "valse-sources"]
    assert len(caption) == 1
    assert caption[0].get_text().splitlines() == ["Sources:", "a" * 15, "b" * 15 + "."]
    assert not caption[0].get_wrap(), "matplotlib's wrap measures the text at every draw"
    # its top sits one pad under the top of the band, in figure fractions
    assert caption[0].get_position()[1] == pytest.approx(
        (band - charts.CAPTION_PAD_IN) / (2.0 + band), rel=1e-12)
    plt.close(fig)


def test_a_figure_is_drawn_once_at_its_size_with_the_caption_inside(monkeypatch):
    fig = simple_figure()
    charts.add_sources(fig, {}, [], extra=["one short line"])
    draws = count_draws(fig, monkeypatch)
    png = chart_render.figure_png(fig)
    assert draws[0] == 1, f"drawn {draws[0]} times"
    band = LINE_IN + 2 * charts.CAPTION_PAD_IN
    # no tight bounding box: the image is the figure, width × height × dpi
    assert png_size(png) == (800, int((4.0 + band) * chart_render.PAGE_DPI))  # Agg truncates
    renderer = fig.canvas.get_renderer()
    caption = next(t for t in fig.texts if t.get_gid() == "valse-sources")
    box = caption.get_window_extent(renderer)
    assert 0 <= box.x0 and box.x1 <= fig.bbox.width and 0 <= box.y0
    # the plot (axes with their labels) stays above the caption
    assert fig.axes[0].get_tightbbox(renderer).y0 >= box.y1 - 1.0
    plt.close(fig)


def test_a_title_wider_than_the_figure_widens_it_and_fits(monkeypatch):
    fig = simple_figure(width=3.0, title="A title far longer than a three-inch figure is wide")
    draws = count_draws(fig, monkeypatch)
    png = chart_render.figure_png(fig)
    assert draws[0] == 1, "the title is measured from its font and fitted before the draw"
    width, _ = png_size(png)
    assert width > 3.0 * chart_render.PAGE_DPI
    assert chart_render.title_overflow_in(fig) == 0.0
    box = fig.axes[0].title.get_window_extent(fig.canvas.get_renderer())
    assert 0 <= box.x0 and box.x1 <= fig.bbox.width
    plt.close(fig)


def test_subplots_adjust_and_tight_layout_in_a_notebook_raise_no_warning():
    fig = simple_figure()
    fig.subplots_adjust(bottom=0.3)
    fig.tight_layout()
    charts.add_sources(fig, {}, [], extra=["x"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart_render.figure_png(fig)
        fig.subplots_adjust(bottom=0.2)  # after the layout was set
    assert isinstance(fig.get_layout_engine(), chart_render.HouseLayout)
    plt.close(fig)


def test_a_colour_bar_made_without_the_layout_keeps_the_caption_band_free():
    fig, ax = plt.subplots(figsize=(6, 4))
    image = ax.imshow([[1, 2], [3, 4]])
    fig.colorbar(image, ax=ax)
    charts.add_sources(fig, {}, [], extra=["x"])
    png = chart_render.figure_png(fig)  # must not raise (matplotlib refuses to switch engines here)
    band = (LINE_IN + 2 * charts.CAPTION_PAD_IN) / fig.get_figheight()
    assert fig.subplotpars.bottom >= band
    assert png_size(png)[0] == 600
    plt.close(fig)


def test_a_title_the_font_measure_misses_still_gets_a_second_draw(monkeypatch):
    # the pre-draw measure said it fits (forced here): the drawn overflow still widens it
    fig = simple_figure(width=3.0, title="A title far longer than a three-inch figure is wide")
    monkeypatch.setattr(chart_render, "fit_titles", lambda fig: 0.0)
    draws = count_draws(fig, monkeypatch)
    chart_render.figure_png(fig)
    assert draws[0] == 2
    assert chart_render.title_overflow_in(fig) == 0.0
    plt.close(fig)


def test_fit_titles_widens_by_the_measured_width_and_leaves_a_fitting_title_alone():
    fig = simple_figure(width=3.0, title="A title far longer than a three-inch figure is wide")
    (width_in,) = chart_render._title_widths_in(fig)
    # 51 characters of 12 pt bold DejaVu Sans: about 0.6 em each, so 4 to 6 inches
    assert 4.0 < width_in < 6.0
    added = chart_render.fit_titles(fig)
    expected = width_in + 2 * (chart_render.TITLE_PAD_IN + 0.25) - 3.0
    assert added == pytest.approx(expected, rel=1e-12)
    assert fig.get_figwidth() == pytest.approx(3.0 + added, rel=1e-12)
    plt.close(fig)
    fig = simple_figure(width=8.0, title="Short")
    assert chart_render.fit_titles(fig) == 0.0 and fig.get_figwidth() == 8.0
    plt.close(fig)


def svg_figure():
    fig = simple_figure(title="Cost of the deal")
    charts.add_sources(fig, {}, [], extra=["one short line"])
    return fig


def test_the_published_svg_is_drawn_once_with_its_text_as_text(monkeypatch):
    from xml.etree import ElementTree

    fig = svg_figure()
    draws = count_draws(fig, monkeypatch)
    svg = chart_render.figure_svg(fig)
    assert draws[0] == 1, f"drawn {draws[0]} times"
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    band = LINE_IN + 2 * charts.CAPTION_PAD_IN
    # the figure's size in points, as a page shows it: 8 in wide, its height with the band
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(8.0 * 72, abs=0.01)
    assert float(root.get("height").removesuffix("pt")) == pytest.approx((4.0 + band) * 72,
                                                                          abs=0.01)
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Cost of the deal" in texts and "USD bn" in texts
    assert any(t.startswith("Sources: one short line") for t in texts)
    assert "<dc:date>" not in svg
    plt.close(fig)


def test_the_same_figure_gives_the_same_svg_bytes():
    first, second = svg_figure(), svg_figure()
    assert chart_render.figure_svg(first) == chart_render.figure_svg(second)
    plt.close("all")


def test_published_images_carry_their_alt_text():
    fig = simple_figure(title="Cost of the deal")
    data, metadata = chart_render.published_figure(fig)
    assert data.lstrip().startswith("<?xml") and "<svg" in data
    assert chart_render.PUBLISHED_FORMAT == "image/svg+xml"
    assert metadata == {"alt": "Chart: Cost of the deal; horizontal axis: year; "
                               "vertical axis: USD bn."}
    plt.close(fig)
