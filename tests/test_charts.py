"""HTML bar charts of the interactive panels (:func:`valse.charts.html_bar_chart`): geometry
checked by hand, escaping, accessibility, and clear errors."""

from __future__ import annotations

import math
import re

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.charts import PALETTE, html_bar_chart


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
