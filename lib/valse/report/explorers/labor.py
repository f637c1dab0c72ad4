"""The labour notebook's (03) panel, published: :func:`labor_explorer`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valse.report import explore_labor as el
from valse.report.explore import format_metric
from valse.report.static_explorer import Explorer, add_block, bar_texts, grid_axis, sweep

#: Slider positions of the roles and the cost per role (the scenario's own value is added); the
#: horizon takes every whole year of its slider. The chart's bars depend on all three sliders,
#: so each state stores up to 22 bars: 8 x 8 x 20 states, about 250 KB.
LABOR_POINTS = 7
#: How a slider's position is written: whole numbers, thousands separated (30,000 roles).
SLIDER_FORMAT = "{:,.0f}"


def horizon_points(lo: float, hi: float, step: float) -> int:
    """Positions that put the horizon slider on every one of its steps (every whole year)."""
    return int(round((hi - lo) / step)) + 1


def labor_explorer(start: Mapping[str, Any], context: Mapping[str, float],
                   points: int = LABOR_POINTS) -> Explorer:
    """The labour panel (:func:`valse.report.explore_labor.labor_panel`), published: its three
    sliders, roles cut and cost per role at ``points`` positions each plus the scenario's
    value, the horizon at every whole year; every state computed by
    :func:`~valse.report.explore_labor.labor_figures` and its chart (payroll saved net of
    severance, year by year, against the investment) by
    :func:`~valse.report.explore_labor.savings_chart_rows`.

    Parameters
    ----------
    start, context : mapping
        As :func:`~valse.report.explore_labor.labor_panel` takes them.
    """
    axes = [grid_axis(name, lo, hi, step, label, float(start[name]),
                      horizon_points(lo, hi, step) if name == "horizon_years" else points,
                      SLIDER_FORMAT.format)
            for name, (lo, hi, step, label) in el.SLIDERS.items()]

    def evaluate(values: dict[str, float]) -> dict[str, Any]:
        roles, cost = values["roles_cut"], values["cost_per_role_usd_k"]
        horizon = int(values["horizon_years"])
        rows, colours = el.savings_chart_rows(roles, cost, horizon, context)
        return {**el.labor_figures(roles, cost, horizon, **context),
                **bar_texts("savings", rows, colours=colours)}

    shown = el.labor_figures(float(start["roles_cut"]), float(start["cost_per_role_usd_k"]),
                             int(start["horizon_years"]), **context)
    names = [n for n in el.FIGURE_LABELS if n in shown]  # the cash figures only with their share
    spec = sweep(axes, evaluate, names, el.FIGURE_LABELS, format_metric)
    add_block(spec, "bars", "savings", el.SAVINGS_CHART_TITLE, el.SAVINGS_CHART_UNIT)
    return Explorer("Explore the cuts' savings", spec)
