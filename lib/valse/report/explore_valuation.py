"""Interactive panel (ipywidgets) for the valuation notebook.

Sliders for Amazon's investment, OpenAI's pre-money valuation, the AWS services tied to the
deal and the IPO valuation; the cap table and the stake values are recomputed with the
functions of :mod:`valse.model.valuation` and :mod:`valse.model.cloud` at each move. ipywidgets is
imported inside :func:`valuation_panel` only, so unattended runs never load it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

from valse.model import cloud, ipo, valuation
from valse.report.explore import make_sliders

#: Slider settings: (minimum, maximum, step, label).
SLIDERS: dict[str, tuple[float, float, float, str]] = {
    "amazon_investment_usd_bn": (0.0, 100.0, 1.0, "Amazon's investment [USD bn]"),
    "pre_money_valuation_usd_bn": (100.0, 2000.0, 10.0, "Pre-money valuation [USD bn]"),
    "aws_services_usd_bn": (0.0, 200.0, 1.0, "AWS services tied [USD bn]"),
    "ipo_valuation_usd_bn": (100.0, 3000.0, 10.0, "IPO valuation [USD bn]"),
}

#: Reader-facing labels and units of the figures the panel shows.
FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "round_size_usd_bn": ("Round size (other investors unchanged)", "USD bn"),
    "post_money_valuation_usd_bn": ("OpenAI post-money valuation", "USD bn"),
    "amazon_stake_pct": ("Amazon's stake, whole commitment paid", "%"),
    "amazon_stake_if_milestones_missed_pct": ("Amazon's stake, upfront part only", "%"),
    "amazon_expected_stake_pct": ("Amazon's expected stake", "%"),
    "amazon_economic_cost_usd_bn": ("Amazon's economic cost", "USD bn"),
    "amazon_effective_stake_price_discount_pct": ("Discount of the effective price", "%"),
    "amazon_stake_value_at_ipo_usd_bn": ("Value of Amazon's expected stake at the IPO", "USD bn"),
}

AMAZON = "Amazon"
#: What the panel shows for a figure that is not defined (NaN): the effective price's discount.
NOT_DEFINED = "not defined when Amazon invests nothing"
OTHERS_LABEL = "Other 2026 investors"
REMAINDER_LABEL = "Employees and other investors"


def format_figure(value: float) -> str:
    """A figure as the panel shows it: two decimals, thousands separated; a figure that is not
    defined (NaN) as :data:`NOT_DEFINED`."""
    return f"{value:,.2f}" if math.isfinite(value) else NOT_DEFINED


def panel_values(params: Mapping[str, Any], sliders: Mapping[str, float]) -> dict[str, Any]:
    """The parameters the panel computes with for slider values ``sliders``: ``params`` with
    the sliders' values, the round's size moved by as much as Amazon's investment (the other
    investors' amounts stay as they are in ``params``)."""
    others_usd_bn = float(params["round_size_usd_bn"]) - float(params["amazon_investment_usd_bn"])
    values = {**params, **sliders}
    values["round_size_usd_bn"] = others_usd_bn + float(values["amazon_investment_usd_bn"])
    return values


def panel_figures(
    params: Mapping[str, Any],
    holders_before_pct: Mapping[str, float],
    co_investors_usd_bn: Mapping[str, float],
) -> tuple[dict[str, float], dict[str, float]]:
    """Figures and cap table for one set of slider values.

    Parameters
    ----------
    params : mapping
        ``amazon_investment_usd_bn``, ``amazon_upfront_usd_bn``,
        ``contingent_tranche_probability``, ``aws_services_usd_bn``,
        ``aws_ai_operating_margin``, ``round_size_usd_bn``, ``pre_money_valuation_usd_bn``,
        ``ipo_valuation_usd_bn``, ``ipo_dilution``.
    holders_before_pct : mapping name -> stake [%]
        Cap table before the round (summing to 100).
    co_investors_usd_bn : mapping name -> amount [USD bn]
        Reported amounts of the other named investors of the round.

    Returns
    -------
    (figures, cap_table)
        ``figures`` maps the names of :data:`FIGURE_LABELS` to values; ``cap_table`` maps
        holders to their stake after the round [%].
    """
    investment = float(params["amazon_investment_usd_bn"])
    upfront = min(float(params["amazon_upfront_usd_bn"]), investment)
    p = float(params["contingent_tranche_probability"])
    round_size = float(params["round_size_usd_bn"])
    pre = float(params["pre_money_valuation_usd_bn"])
    post = valuation.post_money_valuation_usd_bn(pre, round_size)
    allocation = valuation.round_allocation_usd_bn(
        round_size, investment, AMAZON, co_investors_usd_bn, OTHERS_LABEL
    )
    cap_table = valuation.cap_table_after_round_pct(holders_before_pct, allocation, pre)
    expected = valuation.expected_stake_pct(investment, upfront, p, round_size, pre)
    cost = cloud.economic_cost_usd_bn(
        investment, float(params["aws_services_usd_bn"]), float(params["aws_ai_operating_margin"])
    )
    figures = {
        "round_size_usd_bn": round_size,
        "post_money_valuation_usd_bn": post,
        "amazon_stake_pct": valuation.stake_pct(investment, post),
        "amazon_stake_if_milestones_missed_pct": valuation.stake_if_milestones_missed_pct(
            investment, upfront, round_size, pre
        ),
        "amazon_expected_stake_pct": expected,
        "amazon_economic_cost_usd_bn": cost,
        "amazon_effective_stake_price_discount_pct": (
            valuation.effective_stake_price_discount_pct(investment, cost)
            if investment > 0
            else float("nan")
        ),
        "amazon_stake_value_at_ipo_usd_bn": ipo.stake_value_at_ipo_usd_bn(
            expected, float(params["ipo_valuation_usd_bn"]), float(params["ipo_dilution"])
        ),
    }
    return figures, cap_table


def figures_html(figures: Mapping[str, float], cap_table: Mapping[str, float]) -> str:
    """Render the figures and the cap table as two small HTML tables (values escaped)."""
    rows = "".join(
        f"<tr><td>{html.escape(FIGURE_LABELS.get(k, (k, ''))[0])}</td>"
        f"<td style='text-align:right'>{format_figure(v)}</td>"
        f"<td>{html.escape(FIGURE_LABELS.get(k, ('', ''))[1])}</td></tr>"
        for k, v in figures.items()
    )
    cap = "".join(
        f"<tr><td>{html.escape(name)}</td><td style='text-align:right'>{stake:,.2f}</td>"
        "<td>%</td></tr>"
        for name, stake in cap_table.items()
    )
    return (
        f"<table class='valse-metrics'>{rows}</table>"
        "<p><b>Cap table after the round (whole commitments paid)</b></p>"
        f"<table class='valse-captable'>{cap}</table>"
    )


def valuation_panel(
    params: Mapping[str, Any],
    holders_before_pct: Mapping[str, float],
    co_investors_usd_bn: Mapping[str, float],
):
    """Build the ipywidgets panel of the valuation notebook.

    Moving the investment slider changes Amazon's part of the round and the round's size
    by the same amount (the other investors' amounts stay as they are); the upfront part
    is capped at the investment.

    Parameters
    ----------
    params : mapping
        Starting values (the notebook's parameters); see :func:`panel_figures`.
    holders_before_pct, co_investors_usd_bn : mapping
        See :func:`panel_figures`.

    Returns
    -------
    ipywidgets.VBox
        With ``panel.sliders`` (name -> slider), ``panel.figures`` (name -> value shown,
        updated in place), ``panel.cap_table`` (holder -> stake shown [%]) and
        ``panel.table`` (the HTML widget).
    """
    import ipywidgets as widgets

    base = dict(params)
    sliders = make_sliders(SLIDERS, base)
    figures: dict[str, float] = {}
    cap_table: dict[str, float] = {}
    table = widgets.HTML()
    message = widgets.HTML("")

    def update(_change=None) -> None:
        values = panel_values(base, {name: s.value for name, s in sliders.items()})
        try:
            new_figures, new_cap = panel_figures(values, holders_before_pct, co_investors_usd_bn)
        except ValueError as exc:
            message.value = f"<b>Not a valid combination:</b> {html.escape(str(exc))}"
            return
        message.value = ""
        figures.clear()
        figures.update(new_figures)
        cap_table.clear()
        cap_table.update(new_cap)
        table.value = figures_html(figures, cap_table)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    panel = widgets.VBox([*sliders.values(), message, table])
    panel.sliders = sliders
    panel.figures = figures
    panel.cap_table = cap_table
    panel.table = table
    return panel
