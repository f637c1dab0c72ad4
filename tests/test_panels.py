"""The interactive panel of :mod:`valse.report.explore` driven as a user drives it: move a slider,
read the figures the panel shows, compare them with the library's answer for the new deal.

Only ``deal_panel`` (the overview's panel) is tested here; the panels of the analysis
notebooks are tested with their own modules.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valse.model.deal import create_deal, headline_metrics
from valse.report.explore import METRIC_LABELS, SLIDERS, deal_panel

ROOT = Path(__file__).resolve().parents[1]
BASE = yaml.safe_load((ROOT / "data" / "scenarios" / "base.yaml").read_text())
RUMOUR = yaml.safe_load((ROOT / "data" / "scenarios" / "rumour.yaml").read_text())


def shown_figures(panel) -> dict[str, tuple[float, float]]:
    """The figures the panel's table shows: metric name -> (value, half of the last digit)."""
    by_label = {label: name for name, (label, _) in METRIC_LABELS.items()}
    soup = BeautifulSoup(panel.table.value, "html.parser")
    figures = {}
    for tr in soup.find_all("tr"):
        cells = [td.get_text() for td in tr.find_all("td")]
        assert cells[0] in by_label, f"unknown row {cells[0]!r} in the panel"
        figures[by_label[cells[0]]] = parse_number(cells[1])
    return figures


def parse_number(text: str) -> tuple[float, float]:
    text = text.strip().replace(",", "").replace("\u2212", "-").lower()
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return float(text), 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def assert_shows(panel, metrics: dict[str, float], context: str = "") -> None:
    shown = shown_figures(panel)
    assert set(shown) == set(metrics), f"{context}: rows {sorted(shown)} vs {sorted(metrics)}"
    for name, expected in metrics.items():
        value, half_digit = shown[name]
        assert value == expected or abs(value - expected) <= half_digit * (1 + 1e-9), (
            f"{context}: {name} shown as {value}, the library gives {expected}"
        )


def moved_value(name: str, current: float) -> float:
    """A value of slider ``name`` different from ``current``, on its step, in its range."""
    lo, hi, step, _ = SLIDERS[name]
    target = current * 0.8 if current * 0.8 >= lo else (lo + hi) / 2
    value = round(round(target / step) * step, 10)
    assert value != current and lo <= value <= max(hi, current), (name, current, value)
    return value


@pytest.mark.parametrize("scenario", [BASE, RUMOUR], ids=["base", "rumour"])
def test_the_panel_starts_on_the_scenario(scenario: dict) -> None:
    panel = deal_panel(create_deal(scenario))
    assert_shows(panel, headline_metrics(create_deal(scenario)), "initial")
    for name, slider in panel.sliders.items():
        assert slider.value == pytest.approx(float(scenario[name])), name


@pytest.mark.parametrize("name", list(SLIDERS))
def test_each_slider_moves_the_figures_to_the_librarys_answer(name: str) -> None:
    seen = []
    panel = deal_panel(create_deal(BASE), on_change=seen.append)
    before = shown_figures(panel)
    new = moved_value(name, float(BASE[name]))
    panel.sliders[name].value = new
    expected_deal = create_deal(BASE, **{name: new})
    assert panel.current() == expected_deal
    assert seen == [expected_deal], "on_change not called once with the new deal"
    expected = headline_metrics(expected_deal)
    assert_shows(panel, expected, f"{name}={new}")
    assert shown_figures(panel) != before, f"moving {name} changed no figure"


def test_figures_by_hand_after_moving_pre_money_and_round() -> None:
    """Hand-computed: post-money = pre + round; stake = investment / post-money."""
    panel = deal_panel(create_deal(BASE))
    panel.sliders["pre_money_valuation_usd_bn"].value = 500.0
    panel.sliders["round_size_usd_bn"].value = 100.0
    shown = shown_figures(panel)
    post, half = shown["post_money_valuation_usd_bn"]
    assert abs(post - 600.0) <= half
    stake, half = shown["amazon_stake_pct"]
    assert abs(stake - 100.0 * BASE["amazon_investment_usd_bn"] / 600.0) <= half


def test_investment_below_the_upfront_part_caps_the_upfront_part() -> None:
    panel = deal_panel(create_deal(BASE))
    panel.sliders["amazon_investment_usd_bn"].value = 10.0  # below the 15 paid at signing
    deal = panel.current()
    assert deal.amazon_investment_usd_bn == 10.0
    assert deal.amazon_upfront_usd_bn == 10.0
    assert_shows(panel, headline_metrics(deal), "investment 10")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_slider_positions_show_the_librarys_answer(data: st.DataObject) -> None:
    panel = deal_panel(create_deal(BASE))
    for name, (lo, hi, step, _) in SLIDERS.items():
        steps = int(round((hi - lo) / step))
        value = round(lo + step * data.draw(st.integers(0, steps), label=name), 10)
        panel.sliders[name].value = value
    values = {name: s.value for name, s in panel.sliders.items()}
    values["amazon_upfront_usd_bn"] = min(
        values["amazon_upfront_usd_bn"], values["amazon_investment_usd_bn"]
    )
    expected = create_deal(BASE, **values)
    assert panel.current() == expected
    assert_shows(panel, headline_metrics(expected), str(values))


def test_importing_the_panels_does_not_import_ipywidgets() -> None:
    """Unattended runs never build widgets: importing valse.report.explore leaves ipywidgets out."""
    code = "import sys, valse.report.explore; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)  # fmt: skip
    assert out.stdout.strip() == "False"


def test_a_slider_move_updates_the_figures_within_100_ms() -> None:
    """Issue 7's target, on the Python side (the browser's redraw is not measured here):
    from a slider's new value to the new table, median over 20 moves."""
    import statistics
    import time

    panel = deal_panel(create_deal(BASE))
    slider = panel.sliders["pre_money_valuation_usd_bn"]
    times = []
    for i in range(20):
        start = time.perf_counter()
        slider.value = 500.0 + 10.0 * i
        times.append(time.perf_counter() - start)
        assert shown_figures(panel)["post_money_valuation_usd_bn"][0] == pytest.approx(
            500.0 + 10.0 * i + BASE["round_size_usd_bn"], rel=5e-4
        )
    assert statistics.median(times) < 0.1, f"median update {statistics.median(times):.3f} s"
