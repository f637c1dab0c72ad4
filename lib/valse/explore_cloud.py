"""Interactive panel of the cloud-economics notebook (ipywidgets).

Sliders over the investment, the AWS services part, the AWS margin, the contract length,
the discount rate and the counterfactual share; every move recomputes the figures with
:func:`valse.cloud.cloud_economics` and redraws the waterfall of
:func:`valse.charts_cloud.waterfall_steps` as HTML bars (:func:`valse.charts.html_bar_chart`:
a matplotlib figure drawn and encoded as PNG on every move took over 100 ms; the notebook's
published waterfall stays a matplotlib chart). ipywidgets is imported inside
:func:`cloud_panel`, so unattended runs never need it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from valse import cloud
from valse.charts import html_bar_chart
from valse.charts_cloud import WATERFALL_COLOURS, waterfall_steps
from valse.explore import make_sliders

#: Slider settings: name -> (minimum, maximum, step, label).
CLOUD_SLIDERS: dict[str, tuple[float, float, float, str]] = {
    "amazon_investment_usd_bn": (0.0, 150.0, 1.0, "Investment [USD bn]"),
    "aws_services_usd_bn": (0.0, 300.0, 1.0, "AWS services part [USD bn]"),
    "aws_ai_operating_margin": (0.0, 1.0, 0.01, "AWS AI margin [0-1]"),
    "contract_years": (1.0, 15.0, 1.0, "Contract years"),
    "discount_rate": (0.0, 0.3, 0.005, "Discount rate [0-1]"),
    "counterfactual_share": (0.0, 1.0, 0.05, "Share caused by the deal [0-1]"),
}

#: What the panel shows for a figure that is not defined (NaN), e.g. circularity without investment.
NOT_DEFINED = "not defined when Amazon invests nothing"

#: Figures the panel shows: name -> (label, unit).
PANEL_FIGURES: dict[str, tuple[str, str]] = {
    "equity_cash_usd_bn": ("Cash OpenAI receives from Amazon", "USD bn"),
    "amazon_net_cash_outlay_usd_bn": ("Amazon's net cash outlay", "USD bn"),
    "amazon_economic_cost_usd_bn": ("Amazon's economic cost (undiscounted)", "USD bn"),
    "circularity_pct": ("Circularity (AWS spend / investment)", "%"),
    "amazon_net_cash_outlay_pv_usd_bn": ("Net cash outlay, present value", "USD bn"),
    "amazon_economic_cost_pv_circular_usd_bn": ("Economic cost, PV, circular", "USD bn"),
    "amazon_economic_cost_pv_usd_bn": ("Economic cost, PV, incremental", "USD bn"),
    "openai_net_new_cash_usd_bn": ("OpenAI's net new cash", "USD bn"),
}


def panel_figures(
    params: Mapping[str, Any],
    *,
    counterfactual_share: float,
    spend_profile: str = "even",
    contingent_tranche_year: float = 0.0,
    reading: str = "auto",
) -> dict[str, float]:
    """The figures the panel shows, computed by :mod:`valse.cloud` (see :data:`PANEL_FIGURES`)."""
    economics = cloud.cloud_economics(
        params,
        counterfactual_share=counterfactual_share,
        spend_profile=spend_profile,
        contingent_tranche_year=contingent_tranche_year,
    )
    anatomy = cloud.deal_anatomy_usd_bn(
        float(params["amazon_investment_usd_bn"]),
        float(params["amazon_upfront_usd_bn"]),
        float(params["aws_services_usd_bn"]),
        reading,
    )
    merged = {**economics, "equity_cash_usd_bn": anatomy["equity_cash_usd_bn"]}
    if float(params["amazon_investment_usd_bn"]) <= 0:
        merged["circularity_pct"] = math.nan  # a share of no investment is not defined
    return {name: float(merged[name]) for name in PANEL_FIGURES}


#: Title of the panel's waterfall.
WATERFALL_TITLE = "From the headline to Amazon's economic cost"


def waterfall_html(steps: pd.DataFrame, title: str = WATERFALL_TITLE) -> str:
    """The waterfall of :func:`valse.charts_cloud.waterfall_steps` as HTML bars [USD bn].

    Levels are bars from zero (grey); each change floats from the previous level to the new
    one (blue down, orange up) and is printed with its sign, as in
    :func:`valse.charts_cloud.waterfall_chart`.
    """
    rows, starts, colours = [], [], []
    previous = 0.0
    for label, row in steps.iterrows():
        level = float(row["level (USD bn)"])
        if row["kind"] == "level":
            rows.append((str(label), level))
            starts.append(None)
            colours.append(WATERFALL_COLOURS["level"])
        else:
            change = float(row["change (USD bn)"])
            rows.append((str(label), change))
            starts.append(previous)
            colours.append(WATERFALL_COLOURS["up" if change >= 0 else "down"])
        previous = level
    return html_bar_chart(rows, "USD bn", title, starts=starts, colours=colours)


def _figures_html(figures: Mapping[str, float]) -> str:
    import html

    rows = "".join(
        f"<tr><td>{html.escape(PANEL_FIGURES[k][0])}</td>"
        f"<td style='text-align:right'>{f'{v:,.1f}' if math.isfinite(v) else NOT_DEFINED}</td>"
        f"<td>{html.escape(PANEL_FIGURES[k][1])}</td></tr>"
        for k, v in figures.items()
    )
    return f"<table class='valse-metrics'>{rows}</table>"


def cloud_panel(
    params: Mapping[str, Any],
    *,
    counterfactual_share: float,
    spend_profile: str = "even",
    contingent_tranche_year: float = 0.0,
    reading: str = "auto",
    draw: bool = True,
):
    """Build the panel over a scenario's parameters.

    Parameters
    ----------
    params : mapping
        Core parameters (a scenario, the notebook's ``globals()`` or a
        :class:`~valse.deal.Deal`).
    counterfactual_share, spend_profile, contingent_tranche_year, reading
        Starting values, as in :func:`valse.charts_cloud.waterfall_steps`.
    draw : bool
        Redraw the waterfall (HTML bars) after each change; off: the chart stays empty.

    Returns
    -------
    ipywidgets.VBox
        With ``.sliders`` (name -> slider), ``.figures`` (name -> value shown, updated on
        every change), ``.table`` (HTML widget), ``.chart`` (HTML widget with the
        waterfall, :func:`waterfall_html`), ``.message`` (HTML: why a combination was refused) and
        ``.current()`` (the parameters in use).
    """
    import ipywidgets as widgets

    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        params = dataclasses.asdict(params)
    state: dict[str, Any] = {
        "params": {k: params[k] for k in cloud.CLOUD_PARAMS},
        "counterfactual_share": float(counterfactual_share),
    }
    start = {**state["params"], "counterfactual_share": float(counterfactual_share)}
    sliders = make_sliders(CLOUD_SLIDERS, start)
    table = widgets.HTML()
    message = widgets.HTML("")
    chart = widgets.HTML()
    figures: dict[str, float] = {}

    def compute(values: Mapping[str, float]) -> tuple[dict[str, Any], float]:
        new = {**state["params"], **{k: v for k, v in values.items() if k in state["params"]}}
        new["amazon_upfront_usd_bn"] = min(
            float(new["amazon_upfront_usd_bn"]), float(new["amazon_investment_usd_bn"])
        )
        return new, float(values["counterfactual_share"])

    def redraw(new: Mapping[str, Any], share: float) -> None:
        if not draw:
            return
        steps = waterfall_steps(
            new,
            counterfactual_share=share,
            spend_profile=spend_profile,
            contingent_tranche_year=contingent_tranche_year,
            reading=reading,
        )
        chart.value = waterfall_html(steps)

    def update(_change=None) -> None:
        values = {name: s.value for name, s in sliders.items()}
        new, share = compute(values)
        try:
            result = panel_figures(
                new,
                counterfactual_share=share,
                spend_profile=spend_profile,
                contingent_tranche_year=contingent_tranche_year,
                reading=reading,
            )
        except (KeyError, TypeError, ValueError) as exc:
            message.value = f"<b>Not a valid combination:</b> {exc}"
            return
        message.value = ""
        state["params"], state["counterfactual_share"] = new, share
        figures.clear()
        figures.update(result)
        table.value = _figures_html(result)
        redraw(new, share)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    panel = widgets.VBox([*sliders.values(), message, table, chart])
    panel.sliders = sliders
    panel.figures = figures
    panel.table = table
    panel.chart = chart
    panel.message = message
    panel.current = lambda: {
        **state["params"],
        "counterfactual_share": state["counterfactual_share"],
    }
    return panel
