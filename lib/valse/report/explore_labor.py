"""Interactive panel (ipywidgets) for the labour notebook: roles cut, cost per role, horizon.

The figures come from :func:`labor_figures`, which only calls :mod:`valse.model.labor`, so the
panel shows exactly what the notebook computes. ipywidgets is imported inside
:func:`labor_panel`, so unattended runs never import it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from valse.model import labor, labor_ramp, labor_yardsticks
from valse.report.explore import make_sliders

#: Slider settings: (minimum, maximum, step, label).
SLIDERS: dict[str, tuple[float, float, float, str]] = {
    "roles_cut": (0, 100_000, 1_000, "Roles cut [count]"),
    "cost_per_role_usd_k": (50.0, 600.0, 5.0, "Cost per role [USD k/yr]"),
    "horizon_years": (1, 20, 1, "Horizon [years]"),
}

#: Labels and units of the figures the panel shows.
FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "layoff_savings_usd_bn_per_year": ("Payroll saved by the cuts, full year", "USD bn per year"),
    "years_of_savings_to_match_investment": (
        "Years of savings to match Amazon's investment",
        "years",
    ),
    "savings_share_of_ai_capex_pct": ("Savings as a share of a year of AI capex", "%"),
    "investment_in_employee_years": ("Amazon's investment in employee-years", "employee-years"),
    "net_savings_over_horizon_usd_bn": (
        "Savings over the horizon, net of severance (undiscounted)",
        "USD bn",
    ),
    "break_even_productivity_gain_pct": (
        "Productivity gain per remaining employee that repays a year of AI capex",
        "%",
    ),
    "payroll_cash_savings_usd_bn_per_year": (
        "Cash saved by the cuts, full year, net of the roles that come back",
        "USD bn per year",
    ),
    "years_of_cash_savings_to_match_expected_investment": (
        "Years of cash savings to match what Amazon is expected to pay OpenAI",
        "years",
    ),
}


def labor_figures(
    roles_cut: float,
    cost_per_role_usd_k: float,
    horizon_years: int,
    *,
    amazon_investment_usd_bn: float,
    ai_capex_usd_bn: float,
    notice_months: float,
    severance_months: float,
    salary_share_of_cost: float,
    corporate_employees: float,
    discount_rate: float,
    cash_share_of_cost: float | None = None,
    rehire_share: float = 0.0,
    expected_investment_usd_bn: float | None = None,
) -> dict[str, float]:
    """The panel's figures for one setting of the sliders, from :mod:`valse.model.labor`.

    Parameters
    ----------
    roles_cut : float
        Roles cut [count].
    cost_per_role_usd_k : float
        Fully loaded yearly cost of a role [USD thousand].
    horizon_years : int
        Years over which savings and the break-even are counted [years].
    amazon_investment_usd_bn : float
        The amount compared [USD bn].
    ai_capex_usd_bn : float
        A year of AI capital expenditure [USD bn].
    notice_months, severance_months : float
        Paid notice before savings start, and severance in months of salary [months].
    salary_share_of_cost : float
        Salary as a share of the fully loaded cost (severance is paid on salary) [0–1].
    corporate_employees : float
        Corporate staff before the cuts [count]; the remaining ones carry the break-even.
    discount_rate : float
        Annual discount rate for the break-even [0–1].
    cash_share_of_cost : float, optional
        Cash part of the fully loaded cost (without stock compensation) [0–1]; when given,
        the cash figures are shown too.
    rehire_share : float
        Share of the cut roles whose cost comes back [0–1].
    expected_investment_usd_bn : float, optional
        What Amazon is expected to pay OpenAI [USD bn]; the headline amount when not given.

    Returns
    -------
    dict
        Name -> value for every name of :data:`FIGURE_LABELS` (the two cash figures only
        when ``cash_share_of_cost`` is given).
    """
    horizon = int(horizon_years)
    savings = labor.layoff_savings_usd_bn_per_year(roles_cut, cost_per_role_usd_k)
    cash: dict[str, float] = {}
    if cash_share_of_cost is not None:
        cash_savings = labor_ramp.net_cash_savings_usd_bn_per_year(
            roles_cut, cash_share_of_cost * cost_per_role_usd_k, rehire_share
        )
        expected = (
            amazon_investment_usd_bn
            if expected_investment_usd_bn is None
            else expected_investment_usd_bn
        )
        cash = {
            "payroll_cash_savings_usd_bn_per_year": cash_savings,
            "years_of_cash_savings_to_match_expected_investment": labor.years_of_savings_to_match(
                expected, cash_savings
            ),
        }
    figures = {
        "layoff_savings_usd_bn_per_year": savings,
        "years_of_savings_to_match_investment": labor.years_of_savings_to_match(
            amazon_investment_usd_bn, savings
        ),
        "savings_share_of_ai_capex_pct": labor.savings_share_of_ai_capex_pct(
            savings, ai_capex_usd_bn
        ),
        "investment_in_employee_years": labor.employee_years_of_amount(
            amazon_investment_usd_bn, cost_per_role_usd_k
        ),
        "net_savings_over_horizon_usd_bn": labor_ramp.net_savings_over_horizon_usd_bn(
            roles_cut,
            cost_per_role_usd_k,
            notice_months,
            severance_months,
            salary_share_of_cost * cost_per_role_usd_k,
            horizon,
        ),
        "break_even_productivity_gain_pct": labor_yardsticks.break_even_productivity_gain_pct(
            ai_capex_usd_bn,
            max(corporate_employees - roles_cut, 1.0),
            cost_per_role_usd_k,
            horizon,
            discount_rate,
        ),
    }
    return figures | cash


def figures_html(figures: Mapping[str, float]) -> str:
    """Render the figures as a small HTML table (values escaped, 4 significant digits)."""
    rows = "".join(
        f"<tr><td>{html.escape(FIGURE_LABELS.get(k, (k, ''))[0])}</td>"
        f"<td style='text-align:right'>{v:,.4g}</td>"
        f"<td>{html.escape(FIGURE_LABELS.get(k, ('', ''))[1])}</td></tr>"
        for k, v in figures.items()
    )
    return f"<table class='valse-metrics'>{rows}</table>"


#: Unit and title of the panel's chart (:func:`savings_chart_html`).
SAVINGS_CHART_UNIT = "USD bn, cumulative, undiscounted"
SAVINGS_CHART_TITLE = "Payroll saved by the cuts, net of severance, against the investment"


def savings_chart_rows(
    roles_cut, cost, horizon, context
) -> tuple[list[tuple[str, float]], list[str]]:
    """The rows and colours of the panel's chart (:func:`savings_chart_html`): Amazon's
    investment, then the payroll saved net of severance after 0, 1, … ``horizon`` years
    (cumulative, undiscounted) [USD bn], from :mod:`valse.model.labor`."""
    savings = labor_ramp.savings_by_year_usd_bn(roles_cut, cost, context["notice_months"], horizon)
    severance = labor_ramp.severance_cost_usd_bn(
        roles_cut, context["salary_share_of_cost"] * cost, context["severance_months"]
    )
    cumulative = np.concatenate([[-severance], np.cumsum(savings) - severance])
    rows = [("Amazon's investment in OpenAI", float(context["amazon_investment_usd_bn"]))]
    rows += [
        (f"saved after {year} year{'s' if year != 1 else ''}", float(value))
        for year, value in enumerate(cumulative)
    ]
    colours = ["#636363"] + ["#2b8cbe" if v >= 0 else "#e6550d" for _, v in rows[1:]]
    return rows, colours


def savings_chart_html(roles_cut, cost, horizon, context) -> str:
    """The panel's chart: payroll saved net of severance, year by year, against the investment.

    Drawn as HTML bars (:func:`valse.report.charts_html.html_bar_chart`) so that a slider move
    redraws it in well under 100 ms; the notebook's published chart is the matplotlib version.
    """
    from valse.report.charts_html import html_bar_chart

    rows, colours = savings_chart_rows(roles_cut, cost, horizon, context)
    return html_bar_chart(rows, SAVINGS_CHART_UNIT, SAVINGS_CHART_TITLE, colours=colours)


def labor_panel(
    start: Mapping[str, Any],
    context: Mapping[str, float],
    on_change: Callable[[dict[str, float]], Any] | None = None,
    draw: bool = True,
):
    """Build the ipywidgets panel: sliders for roles, cost per role and horizon.

    Parameters
    ----------
    start : mapping
        Starting ``roles_cut``, ``cost_per_role_usd_k`` and ``horizon_years``.
    context : mapping
        The other keyword arguments of :func:`labor_figures` (held fixed).
    on_change : callable, optional
        Called with the new figures after each change.
    draw : bool
        Draw the cumulative-savings chart under the table.

    Returns
    -------
    ipywidgets.VBox
        The panel; ``panel.sliders`` maps names to sliders, ``panel.figures`` holds the
        figures shown (updated in place), ``panel.table`` is the HTML widget and
        ``panel.chart`` the HTML widget with the chart.
    """
    import ipywidgets as widgets

    sliders = make_sliders(SLIDERS, start, integers=("roles_cut", "horizon_years"))
    figures: dict[str, float] = {}
    table = widgets.HTML()
    chart = widgets.HTML()

    def update(_change=None) -> None:
        roles = sliders["roles_cut"].value
        cost = sliders["cost_per_role_usd_k"].value
        horizon = sliders["horizon_years"].value
        figures.clear()
        figures.update(labor_figures(roles, cost, horizon, **context))
        table.value = figures_html(figures)
        if draw:
            chart.value = savings_chart_html(roles, cost, horizon, context)
        if on_change is not None:
            on_change(dict(figures))

    update()
    for slider in sliders.values():
        slider.observe(update, names="value")
    panel = widgets.VBox([*sliders.values(), table, chart])
    panel.sliders = sliders
    panel.figures = figures
    panel.table = table
    panel.chart = chart
    return panel
