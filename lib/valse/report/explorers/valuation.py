"""The valuation notebook's (01) panel, published: :func:`valuation_explorer`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valse.report import explore_valuation as ev
from valse.report.static_explorer import Explorer, add_block, grid_axis, sweep, table_texts

#: Slider positions per axis (the scenario's own value is added): 12**4 states at most.
VALUATION_POINTS = 11
#: Title of the cap table under the figures (the live panel's).
CAP_TABLE_TITLE = "Cap table after the round (whole commitments paid)"


def valuation_explorer(params: Mapping[str, Any], holders_before_pct: Mapping[str, float],
                       co_investors_usd_bn: Mapping[str, float],
                       points: int = VALUATION_POINTS) -> Explorer:
    """The valuation panel (:func:`valse.report.explore_valuation.valuation_panel`), published:
    its four sliders (Amazon's investment, the pre-money valuation, the AWS services tied, the
    IPO valuation) at ``points`` positions each plus the scenario's value; every state computed
    by :func:`~valse.report.explore_valuation.panel_values` and
    :func:`~valse.report.explore_valuation.panel_figures`, the figures formatted as the panel
    formats them, the cap table after the round redrawn per state.

    Parameters
    ----------
    params : mapping
        The notebook's parameters (``globals()`` in 01), as the live panel takes them.
    holders_before_pct, co_investors_usd_bn : mapping
        As :func:`~valse.report.explore_valuation.panel_figures`.
    """
    axes = [grid_axis(name, lo, hi, step, label, float(params[name]), points)
            for name, (lo, hi, step, label) in ev.SLIDERS.items()]

    def evaluate(values: dict[str, float]) -> dict[str, Any]:
        figures, cap = ev.panel_figures(ev.panel_values(params, values), holders_before_pct,
                                        co_investors_usd_bn)
        return {**figures, **table_texts("cap", [(holder, f"{stake:,.2f}")
                                                 for holder, stake in cap.items()])}

    spec = sweep(axes, evaluate, list(ev.FIGURE_LABELS), ev.FIGURE_LABELS, ev.format_figure)
    add_block(spec, "table", "cap", CAP_TABLE_TITLE, "%", column="Holder")
    return Explorer("Explore the valuation", spec)
