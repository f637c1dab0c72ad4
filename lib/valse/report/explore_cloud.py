"""Interactive panel of the cloud-economics notebook (ipywidgets): the deal's NPV to Amazon.

Sliders over the investment, the AWS spending tied to the deal, the share of it the deal
causes, the price per accelerator-hour, the chance the tranche is paid, OpenAI's listing value
and the discount rate; every move recomputes the parts of the NPV with
:func:`valse.model.deal_npv.npv_parts` and redraws the value bridge of
:func:`valse.report.deal_report_charts.bridge_frame` as HTML bars
(:func:`valse.report.charts_html.html_bar_chart`; a
matplotlib figure redrawn on every move took over 100 ms). ipywidgets is imported inside
:func:`cloud_panel`, so unattended runs never need it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from valse.model import deal_npv
from valse.report.charts_cloud import WATERFALL_COLOURS
from valse.report.charts_html import html_bar_chart
from valse.report.explore import make_sliders

#: Slider settings: name -> (minimum, maximum, step, label).
CLOUD_SLIDERS: dict[str, tuple[float, float, float, str]] = {
    "amazon_investment_usd_bn": (0.0, 150.0, 1.0, "Investment [USD bn]"),
    "aws_services_usd_bn": (0.0, 300.0, 1.0, "AWS spending tied to the deal [USD bn]"),
    "deal_caused_share": (0.0, 1.0, 0.05, "Share caused by the deal [0-1]"),
    "accelerator_hour_price_usd": (0.5, 8.0, 0.05, "Price per accelerator-hour [USD]"),
    "contingent_tranche_probability": (0.0, 1.0, 0.05, "Chance the tranche is paid [0-1]"),
    "openai_listing_value_usd_bn": (300.0, 2000.0, 5.0, "OpenAI's value at listing [USD bn]"),
    "discount_rate": (0.0, 0.3, 0.005, "Discount rate [0-1]"),
}

#: Figures the panel shows: name -> (label, unit).
PANEL_FIGURES: dict[str, tuple[str, str]] = {
    "amazon_investment_pv_usd_bn": ("What Amazon pays (expected, PV)", "USD bn"),
    "aws_contract_npv_usd_bn": ("AWS contract NPV (after tax)", "USD bn"),
    "amazon_stake_value_pv_usd_bn": ("Stake value (expected, PV)", "USD bn"),
    "amazon_net_cost_pv_usd_bn": ("Net cost of the stake (PV)", "USD bn"),
    "amazon_deal_npv_usd_bn": ("NPV to Amazon (expected)", "USD bn"),
    "tranche_value_usd_bn": ("Value of the tranche", "USD bn"),
    "aws_contract_irr_pct": ("IRR of the AWS contract", "%"),
}

#: What the panel shows for a figure that is not defined (NaN), e.g. an IRR with no flows.
NOT_DEFINED = "not defined"
#: Title of the panel's bridge.
BRIDGE_TITLE = "The value bridge: investment → AWS contract NPV → stake value → NPV"


def panel_figures(params: Mapping[str, Any]) -> dict[str, float]:
    """The figures the panel shows, from :func:`valse.model.deal_npv.npv_parts`."""
    parts = deal_npv.npv_parts(params)
    return {name: float(parts[name]) for name in PANEL_FIGURES}


def bridge_html(parts: Mapping[str, float], title: str = BRIDGE_TITLE) -> str:
    """The value bridge as HTML bars [USD bn]: levels from zero, changes floating."""
    steps = deal_npv.bridge_steps(parts)
    rows, starts, colours = [(steps[0][0], steps[0][1])], [None], [WATERFALL_COLOURS["level"]]
    level = steps[0][1]
    for label, amount in steps[1:-1]:
        rows.append((label, amount))
        starts.append(level)
        colours.append(WATERFALL_COLOURS["up" if amount >= 0 else "down"])
        level += amount
    rows.append(steps[-1])
    starts.append(None)
    colours.append(WATERFALL_COLOURS["level"])
    return html_bar_chart(rows, "USD bn", title, starts=starts, colours=colours)


def format_figure(value: float) -> str:
    """A figure as the panel shows it: one decimal, thousands separated, or :data:`NOT_DEFINED`."""
    return f"{value:,.1f}" if math.isfinite(value) else NOT_DEFINED


def cloud_params(params: Mapping[str, Any], values: Mapping[str, float]) -> dict[str, Any]:
    """The parameters the panel's sliders describe: ``params`` with the slider ``values``, the
    part paid at signing capped at the investment and the round at least the tranche (as the
    panel caps them)."""
    new = {**params, **values}
    new["amazon_upfront_usd_bn"] = min(float(new["amazon_upfront_usd_bn"]),
                                       float(new["amazon_investment_usd_bn"]))
    new["round_size_usd_bn"] = max(float(new["round_size_usd_bn"]),
                                   new["amazon_investment_usd_bn"] - new["amazon_upfront_usd_bn"])
    return new


def _figures_html(figures: Mapping[str, float]) -> str:
    import html

    rows = "".join(
        f"<tr><td>{html.escape(PANEL_FIGURES[k][0])}</td>"
        f"<td style='text-align:right'>{format_figure(v)}</td>"
        f"<td>{html.escape(PANEL_FIGURES[k][1])}</td></tr>"
        for k, v in figures.items()
    )
    return f"<table class='valse-metrics'>{rows}</table>"


def cloud_panel(params: Mapping[str, Any], *, draw: bool = True):
    """Build the panel over a notebook's parameters.

    Parameters
    ----------
    params : mapping
        Every parameter of :func:`valse.model.deal_npv.npv_parts` (the notebook's parameters).
    draw : bool
        Redraw the bridge (HTML bars) after each change; off: the chart stays empty.

    Returns
    -------
    ipywidgets.VBox
        With ``.sliders`` (name -> slider), ``.figures`` (name -> value shown, updated on
        every change), ``.table``, ``.chart`` and ``.message`` (HTML widgets: why a
        combination was refused) and ``.current()`` (the parameters in use).
    """
    import ipywidgets as widgets

    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        params = dataclasses.asdict(params)
    state: dict[str, Any] = {"params": dict(params)}
    sliders = make_sliders(CLOUD_SLIDERS, {k: params[k] for k in CLOUD_SLIDERS})
    table, message, chart = widgets.HTML(), widgets.HTML(""), widgets.HTML()
    figures: dict[str, float] = {}

    def update(_change=None) -> None:
        new = cloud_params(state["params"], {name: s.value for name, s in sliders.items()})
        try:
            result = panel_figures(new)
        except (KeyError, TypeError, ValueError) as exc:
            message.value = f"<b>Not a valid combination:</b> {exc}"
            return
        message.value = ""
        state["params"] = new
        figures.clear()
        figures.update(result)
        table.value = _figures_html(result)
        if draw:
            chart.value = bridge_html(result)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    panel = widgets.VBox([*sliders.values(), message, table, chart])
    panel.sliders, panel.figures, panel.table = sliders, figures, table
    panel.chart, panel.message = chart, message
    panel.current = lambda: dict(state["params"])
    return panel


def bridge_table(parts: Mapping[str, float]) -> pd.DataFrame:
    """The bridge's steps as a table (label, USD bn), for a kernel-free page."""
    return pd.DataFrame(deal_npv.bridge_steps(parts), columns=["step", "USD bn"]).set_index("step")
