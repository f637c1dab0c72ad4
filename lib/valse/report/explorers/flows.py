"""The cross-investment notebook's (04) panel, published: :func:`flows_explorer`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from valse.data.flowdata import FLOW_STATUSES, KINDS, MONEY_KINDS
from valse.model import flows as fl
from valse.report import explore_flows as ef
from valse.report.explore import format_metric
from valse.report.static_explorer import (
    Explorer,
    add_block,
    bar_texts,
    grid_axis,
    sweep,
    toggle_axis,
)

#: Positions of the share-shift slider (its ends and evenly between, plus the scenario's).
SHIFT_POINTS = 11
#: The share-shift slider's step [percentage points], as the live panel's.
SHIFT_STEP = 0.1


def flows_explorer(flows: pd.DataFrame, shares_pct: Mapping[str, float], *, from_provider: str,
                   to_provider: str, shift_pct_points: float = 0.0,
                   statuses: Iterable[str] = ("confirmed", "reported"),
                   kinds: Iterable[str] | None = None,
                   points: int = SHIFT_POINTS) -> Explorer:
    """The cross-investment panel (:func:`valse.report.explore_flows.flows_panel`), published:
    its toggles and its share-shift slider, every state computed by
    :func:`~valse.report.explore_flows.panel_figures`, the net positions' chart by
    :func:`~valse.report.explore_flows.positions_rows` and the line above it by
    :func:`~valse.report.explore_flows.selection_text`.

    Which controls: one checkbox per status and per kind that some flow of ``flows`` has (a
    toggle no flow answers to changes no figure, and would double the states), all
    combinations of them (2**8 in the base data), times ``points`` positions of the shift
    (plus the scenario's). The flows' figures and chart depend on the toggles only and the
    HHI on the shift only, so the web is decomposed once per set of flows the toggles keep. The
    network chart, drawn only on demand in the live panel, is not published here.

    Parameters are those of :func:`~valse.report.explore_flows.flows_panel` (``draw`` aside).
    """
    kinds = tuple(MONEY_KINDS if kinds is None else kinds)
    statuses = tuple(statuses)
    present_statuses = [s for s in FLOW_STATUSES if (flows["status"] == s).any()]
    present_kinds = [k for k in KINDS if (flows["kind"] == k).any()]
    axes = [toggle_axis(f"status:{s}", f"status: {s}", s in statuses) for s in present_statuses]
    axes += [toggle_axis(f"kind:{k}", f"kind: {k}", k in kinds) for k in present_kinds]
    top = float(shares_pct[from_provider])
    axes.append(grid_axis("shift_pct_points", 0.0, top, SHIFT_STEP,
                          f"Share moved {from_provider} → {to_provider} [pct points]",
                          float(shift_pct_points), points))

    records = flows[["status", "kind"]].to_dict("records")
    status, kind = flows["status"].to_numpy(), flows["kind"].to_numpy()
    #: The web's figures and bars by the flows kept: toggles that keep the same flows (197
    #: sets for 512 combinations in the base data) share one graph.
    by_kept: dict[tuple[int, ...], tuple[dict[str, Any], list[tuple[str, float]]]] = {}

    @cache
    def web(chosen_statuses: tuple[str, ...], chosen_kinds: tuple[str, ...]) -> dict[str, Any]:
        kept = tuple(np.flatnonzero(np.isin(status, chosen_statuses)
                                    & np.isin(kind, chosen_kinds)).tolist())
        if kept not in by_kept:
            graph = fl.flow_graph(fl.filter_flows(flows, statuses=chosen_statuses,
                                                  kinds=chosen_kinds))
            by_kept[kept] = (ef.web_figures(graph), ef.positions_rows(graph))
        figures, rows = by_kept[kept]
        note = ef.selection_text(records, chosen_statuses, chosen_kinds)
        if not rows:
            note += f" {ef.POSITIONS_TITLE}: {ef.NO_FLOW}"
        return figures | bar_texts("positions", rows, note=note)

    def evaluate(values: dict[str, float]) -> dict[str, Any]:
        chosen_statuses = tuple(s for s in present_statuses if values[f"status:{s}"])
        chosen_kinds = tuple(k for k in present_kinds if values[f"kind:{k}"])
        try:
            shares = ef.hhi_figures(shares_pct, from_provider, to_provider,
                                      values["shift_pct_points"])
        except KeyError as exc:
            raise ValueError(f"unknown provider {exc}") from exc
        return web(chosen_statuses, chosen_kinds) | shares

    spec = sweep(axes, evaluate, list(ef.FIGURE_LABELS), ef.FIGURE_LABELS, format_metric)
    add_block(spec, "bars", "positions", ef.POSITIONS_TITLE, "USD bn")
    return Explorer("Explore the web of flows", spec)
