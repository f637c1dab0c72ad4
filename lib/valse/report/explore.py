"""Interactive panels (ipywidgets) over the same library functions the notebooks call.

A panel is built from a :class:`~valse.model.deal.Deal` and shows the headline metrics of
DESIGN.md; moving a slider rebuilds the deal with :func:`~valse.model.deal.create_deal` and
redraws the table. Panels are only built when a notebook's ``interactive`` parameter is
true, so unattended runs never import ipywidgets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from valse.data.parameters import exploration_problem
from valse.model.deal import DEAL_FIELDS, Deal, create_deal, headline_metrics

#: Slider settings per deal field: (minimum, maximum, step, label).
SLIDERS: dict[str, tuple[float, float, float, str]] = {
    "amazon_investment_usd_bn": (0.0, 100.0, 1.0, "Investment [USD bn]"),
    "amazon_upfront_usd_bn": (0.0, 100.0, 1.0, "At signing [USD bn]"),
    "aws_services_usd_bn": (0.0, 200.0, 1.0, "AWS spend tied [USD bn]"),
    "pre_money_valuation_usd_bn": (100.0, 1500.0, 10.0, "Pre-money [USD bn]"),
    "round_size_usd_bn": (0.0, 300.0, 1.0, "Round size [USD bn]"),
}

#: Labels and units of the headline metrics shown by the panels.
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "post_money_valuation_usd_bn": ("OpenAI post-money valuation", "USD bn"),
    "amazon_stake_pct": ("Amazon's stake", "%"),
    "amazon_expected_investment_usd_bn": ("Amazon's expected investment", "USD bn"),
    "circularity_pct": ("Circularity (AWS spend / investment, a size ratio)", "%"),
    "layoff_savings_usd_bn_per_year": ("Payroll saved by the cuts", "USD bn per year"),
    "years_of_savings_to_match_investment": ("Years of savings to match the investment", "years"),
}


def format_metric(value: float) -> str:
    """A metric as the panels show it: 4 significant digits, thousands separated."""
    return f"{value:,.4g}"


def deal_from_sliders(deal: Deal, values: Mapping[str, float]) -> Deal:
    """The deal the panel's sliders describe: ``deal`` with the slider values, the part paid
    at signing capped at the investment (as the panel caps it).

    Raises
    ------
    ValueError, TypeError
        From :func:`~valse.model.deal.create_deal` when the values make no valid deal.
    """
    values = dict(values)
    if "amazon_upfront_usd_bn" in values and "amazon_investment_usd_bn" in values:
        values["amazon_upfront_usd_bn"] = min(
            values["amazon_upfront_usd_bn"], values["amazon_investment_usd_bn"]
        )
    # the deal's fields are numbers: a shallow mapping of them, not dataclasses.asdict's deep
    # copy (140 µs a call, most of a static explorer's sweep of 25,088 states)
    return create_deal({name: getattr(deal, name) for name in DEAL_FIELDS}, **values)


def metrics_html(metrics: Mapping[str, float]) -> str:
    """Render headline metrics as a small HTML table (values escaped, 4 significant digits)."""
    import html

    rows = "".join(
        f"<tr><td>{html.escape(METRIC_LABELS.get(k, (k, ''))[0])}</td>"
        f"<td style='text-align:right'>{format_metric(v)}</td>"
        f"<td>{html.escape(METRIC_LABELS.get(k, ('', ''))[1])}</td></tr>"
        for k, v in metrics.items()
    )
    return f"<table class='valse-metrics'>{rows}</table>"


def make_sliders(
    specs: Mapping[str, tuple[float, float, float, str]],
    start: Mapping[str, Any],
    *,
    integers: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The sliders of a panel, in the collection's one style.

    Parameters
    ----------
    specs : mapping name -> (minimum, maximum, step, label)
        One slider per name, in this order.
    start : mapping
        Starting value of each name; a value above the maximum widens the range.
    integers : tuple of str
        Names whose slider takes whole numbers (``IntSlider``).

    Returns
    -------
    dict name -> slider
        Sliders that report only when released (``continuous_update=False``).

    Raises
    ------
    ValueError
        When a slider's ends leave the parameter's valid range in the registry
        (:func:`valse.data.parameters.exploration_problem`): a slider explores a narrower
        range, never values the models refuse.
    """
    import ipywidgets as widgets

    problems = [exploration_problem(name, lo, hi) for name, (lo, hi, _, _) in specs.items()]
    if any(problems):
        raise ValueError("; ".join(p for p in problems if p))
    sliders = {}
    for name, (lo, hi, step, label) in specs.items():
        common = dict(
            description=label,
            continuous_update=False,
            style={"description_width": "14em"},
            layout=widgets.Layout(width="40em"),
        )
        value = start[name]
        if name in integers:
            sliders[name] = widgets.IntSlider(
                value=int(value), min=int(lo), max=int(max(hi, value)), step=int(step), **common
            )
        else:
            sliders[name] = widgets.FloatSlider(
                value=float(value), min=lo, max=max(hi, float(value)), step=step, **common
            )
    return sliders


def deal_panel(deal: Deal, on_change: Callable[[Deal], Any] | None = None):
    """Build an ipywidgets panel of sliders over ``deal`` and its headline metrics.

    Parameters
    ----------
    deal : Deal
        The starting point (a scenario's parameters).
    on_change : callable, optional
        Called with the new :class:`Deal` after each change (for extra charts).

    Returns
    -------
    ipywidgets.VBox
        The panel; ``panel.sliders`` maps field names to sliders, ``panel.table`` is the
        HTML widget with the metrics, and ``panel.current()`` returns the current deal.
    """
    import ipywidgets as widgets

    sliders = make_sliders(SLIDERS, dataclasses.asdict(deal))
    table = widgets.HTML(metrics_html(headline_metrics(deal)))
    message = widgets.HTML("")
    state = {"deal": deal}

    def current() -> Deal:
        return state["deal"]

    def update(_change=None) -> None:
        values = {name: s.value for name, s in sliders.items()}
        try:
            new = deal_from_sliders(deal, values)
        except (TypeError, ValueError) as exc:
            message.value = f"<b>Not a valid deal:</b> {exc}"
            return
        message.value = ""
        state["deal"] = new
        table.value = metrics_html(headline_metrics(new))
        if on_change is not None:
            on_change(new)

    for slider in sliders.values():
        slider.observe(update, names="value")
    panel = widgets.VBox([*sliders.values(), message, table])
    panel.sliders = sliders
    panel.table = table
    panel.current = current
    return panel
