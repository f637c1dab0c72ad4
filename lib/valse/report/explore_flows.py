"""Interactive panel (ipywidgets) over the cross-investment web and cloud concentration.

Toggle kinds and statuses of flows, move a share shift between two cloud providers: the
figures (total flows, circular volume and share, HHI before and after the shift) are
recomputed with the functions of :mod:`valse.model.flows`, and each company's money in, money out
and net position redrawn as HTML bars (:func:`valse.report.charts_html.html_bar_chart`). The network
chart (matplotlib, over 100 ms to draw and encode) is drawn only on demand, with the panel's
"Draw the network" button. The panel is only built when a notebook's ``interactive``
parameter is true; ipywidgets is imported inside :func:`flows_panel`.
"""

from __future__ import annotations

import gc
import html
from collections.abc import Iterable, Mapping

import networkx as nx
import pandas as pd

from valse.data.flowdata import FLOW_STATUSES, KINDS, MONEY_KINDS
from valse.model import flows as fl
from valse.report.charts_html import html_bar_chart

#: Labels and units of the figures the panel shows.
FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "total_flows_usd_bn": ("All flows shown, each counted once (nominal)", "USD bn"),
    "circular_volume_usd_bn": ("Money that goes round, each loop counted once", "USD bn"),
    "circular_share_pct": ("Share of the money that goes round", "%"),
    "cloud_hhi": ("Cloud HHI, latest quarter", "points"),
    "cloud_hhi_after_shift": ("Cloud HHI after the shift", "points"),
    "cloud_hhi_delta": ("Change of the HHI", "points"),
}


def panel_figures(
    flows: pd.DataFrame,
    statuses: Iterable[str],
    kinds: Iterable[str],
    shares_pct: Mapping[str, float],
    from_provider: str,
    to_provider: str,
    shift_pct_points: float,
) -> dict[str, float]:
    """The figures the panel shows, for one setting of its controls (see
    :data:`FIGURE_LABELS`)."""
    kept = fl.filter_flows(flows, statuses=tuple(statuses), kinds=tuple(kinds))
    return {
        **web_figures(fl.flow_graph(kept)),
        **hhi_figures(shares_pct, from_provider, to_provider, shift_pct_points),
    }


def web_figures(graph) -> dict[str, float]:
    """The panel's figures of the flows shown: total, circular volume and share (the split of
    :func:`valse.model.flows.decompose_circulation` of ``graph``)."""
    split = fl.decompose_circulation(graph)
    return {
        "total_flows_usd_bn": split.total_usd_bn,
        "circular_volume_usd_bn": split.circular_volume_usd_bn,
        "circular_share_pct": split.circular_share_pct,
    }


def hhi_figures(
    shares_pct: Mapping[str, float], from_provider: str, to_provider: str, shift_pct_points: float
) -> dict[str, float]:
    """The panel's cloud figures: HHI before and after the share shift, and the change."""
    hhi = fl.herfindahl_index(shares_pct.values())
    after = fl.hhi_after_shift(shares_pct, from_provider, to_provider, shift_pct_points)
    return {"cloud_hhi": hhi, "cloud_hhi_after_shift": after, "cloud_hhi_delta": after - hhi}


def figures_html(figures: Mapping[str, float]) -> str:
    """Render the panel's figures as a small HTML table (4 significant digits)."""
    rows = "".join(
        f"<tr><td>{html.escape(FIGURE_LABELS.get(k, (k, ''))[0])}</td>"
        f"<td style='text-align:right'>{v:,.4g}</td>"
        f"<td>{html.escape(FIGURE_LABELS.get(k, ('', ''))[1])}</td></tr>"
        for k, v in figures.items()
    )
    return f"<table class='valse-metrics'>{rows}</table>"


#: Title of the panel's bar chart.
POSITIONS_TITLE = "Net position of each company under the toggles: money in − money out"
#: What the chart says when no flow is shown.
NO_FLOW = "no flow under these toggles."


def positions_rows(kept) -> list[tuple[str, float]]:
    """The bars of :func:`positions_html`: one per company, from
    :func:`valse.model.flows.money_positions` (largest net receiver first), value
    ``net_usd_bn``, label ``"<company> (in <money in>, out <money out>)"`` [USD bn].

    ``kept`` is the flows shown (a DataFrame or an iterable of mappings, after
    :func:`valse.model.flows.filter_flows`) or their :func:`valse.model.flows.flow_graph`."""
    graph = kept if isinstance(kept, nx.DiGraph) else fl.flow_graph(kept)
    positions = fl.money_positions(graph)
    return [
        (
            f"{company} (in {row.money_in_usd_bn:,.1f}, out {row.money_out_usd_bn:,.1f})",
            float(row.net_usd_bn),
        )
        for company, row in zip(positions.index, positions.itertuples(), strict=True)
    ]


def positions_html(kept, title: str = POSITIONS_TITLE) -> str:
    """Each company's net position as HTML bars, its money in and out in the label [USD bn].

    Parameters
    ----------
    kept : DataFrame, iterable of mappings, or networkx.DiGraph
        The flows shown (after :func:`valse.model.flows.filter_flows`), or their
        :func:`valse.model.flows.flow_graph`.

    Returns
    -------
    str
        One bar per company (:func:`positions_rows`).
    """
    rows = positions_rows(kept)
    if not rows:
        return f"<p>{html.escape(title)}: {NO_FLOW}</p>"
    return html_bar_chart(rows, "USD bn", title)


def selection_text(flows, statuses: Iterable[str], kinds: Iterable[str]) -> str:
    """Say which flows the panel shows: how many, the toggles ticked, and the ticked statuses
    and kinds that no flow has (so that ticking them visibly changes nothing).

    ``flows`` is a DataFrame or a list of mappings with ``status`` and ``kind``."""
    statuses, kinds = list(statuses), list(kinds)
    rows = flows.to_dict("records") if isinstance(flows, pd.DataFrame) else list(flows)
    kept = [r for r in rows if r["status"] in statuses and r["kind"] in kinds]
    absent = [s for s in statuses if not any(r["status"] == s for r in rows)]
    absent += [k for k in kinds if not any(r["kind"] == k for r in rows)]
    text = (
        f"{len(kept)} of {len(rows)} flows shown. Statuses ticked: "
        f"{', '.join(statuses) or 'none'}. Kinds ticked: {', '.join(kinds) or 'none'}."
    )
    if absent:
        text += f" No flow is {' or '.join(absent)} in these data."
    return text


def selection_html(flows, statuses: Iterable[str], kinds: Iterable[str]) -> str:
    """:func:`selection_text` as a small HTML paragraph."""
    text = html.escape(selection_text(flows, statuses, kinds))
    return f"<p style='font-size:12px;color:#444'>{text}</p>"


def flows_panel(
    flows: pd.DataFrame,
    shares_pct: Mapping[str, float],
    *,
    from_provider: str,
    to_provider: str,
    shift_pct_points: float = 0.0,
    statuses: Iterable[str] = ("confirmed", "reported"),
    kinds: Iterable[str] | None = None,
    draw: bool = True,
):
    """Build the panel.

    Parameters
    ----------
    flows : DataFrame
        Flows of every status (the panel filters them), e.g. after
        :func:`valse.model.flows.apply_deal_reading`.
    shares_pct : mapping provider -> share [%]
        Cloud shares of the quarter the HHI is computed on.
    from_provider, to_provider : str
        The share shift moves share from the first to the second.
    shift_pct_points : float
        Starting value of the shift slider [percentage points].
    statuses, kinds : iterables of str
        Which toggles start ticked (default: sourced money only, the statuses given and the
        kinds of :data:`valse.data.flowdata.MONEY_KINDS`; estimates and price concessions are
        added only when a reader ticks them). Amounts are nominal.
    draw : bool
        Redraw the bar chart of net positions on each change (False: figures only). The
        network chart is drawn only when the "Draw the network" button is pressed, and
        cleared when a toggle changes the flows it shows.

    Returns
    -------
    ipywidgets.VBox
        With ``.sliders`` (``{"shift_pct_points": FloatSlider}``), ``.toggles``
        (``{"status:confirmed": Checkbox, "kind:equity": Checkbox, …}``), ``.figures`` (dict
        of the figures currently shown, name -> value), ``.table`` (the HTML widget),
        ``.chart`` (HTML widget: :func:`positions_html`), ``.network_button`` (Button),
        ``.network`` (Output widget of the network chart) and ``.message`` (HTML: why the
        figures could not be computed).
    """
    import ipywidgets as widgets

    kinds = tuple(MONEY_KINDS if kinds is None else kinds)
    statuses = tuple(statuses)
    toggles = {
        f"status:{s}": widgets.Checkbox(value=s in statuses, description=s, indent=False)
        for s in FLOW_STATUSES
    }
    toggles.update(
        {
            f"kind:{k}": widgets.Checkbox(value=k in kinds, description=k, indent=False)
            for k in KINDS
        }
    )
    slider = widgets.FloatSlider(
        value=float(shift_pct_points),
        min=0.0,
        max=float(shares_pct[from_provider]),
        step=0.1,
        description=f"Share moved {from_provider} → {to_provider} [pct points]",
        continuous_update=False,
        style={"description_width": "22em"},
        layout=widgets.Layout(width="46em"),
    )
    table = widgets.HTML()
    message = widgets.HTML()
    chart = widgets.HTML()
    network = widgets.Output()
    button = widgets.Button(
        description="Draw the network",
        tooltip="Draw the web of flows under the current toggles (takes a moment)",
    )
    figures: dict[str, float] = {}
    shown: dict[str, tuple] = {"chosen": ()}

    def chosen() -> tuple[list[str], list[str]]:
        return (
            [s for s in FLOW_STATUSES if toggles[f"status:{s}"].value],
            [k for k in KINDS if toggles[f"kind:{k}"].value],
        )

    def draw_network(_button=None) -> None:
        import matplotlib.pyplot as plt

        from valse.report.charts_flows import network_chart

        chosen_statuses, chosen_kinds = chosen()
        kept = fl.filter_flows(flows, statuses=chosen_statuses, kinds=chosen_kinds)
        positions = fl.money_positions(fl.flow_graph(kept))
        network.clear_output(wait=True)
        with network:
            fig, _ = network_chart(
                fl.flow_edges_by_kind(kept),
                positions["money_in_usd_bn"].to_dict(),
                "Flows shown (USD bn)",
            )
            plt.show()
        plt.close(fig)

    # the flows as plain records, read once: a selection is a list comprehension, not a
    # pandas filter (which also deep-copies the frame's attrs on every step)
    records = flows[["id", "from", "to", "kind", "status", "amount_usd_bn"]].to_dict("records")
    web_part: dict[str, float] = {}

    def update(_change=None) -> None:
        chosen_statuses, chosen_kinds = chosen()
        now = (tuple(chosen_statuses), tuple(chosen_kinds))
        flows_changed = now != shown["chosen"]
        try:
            if flows_changed:  # a toggle moved: select, build the graph and split it once
                kept = [r for r in records if r["status"] in now[0] and r["kind"] in now[1]]
                graph = fl.flow_graph(kept)
                web_part.clear()
                web_part.update(web_figures(graph))
            new = {
                **web_part,
                **hhi_figures(shares_pct, from_provider, to_provider, slider.value),
            }
        except (KeyError, ValueError) as exc:
            shown["chosen"] = ()
            message.value = f"<b>Cannot compute:</b> {html.escape(str(exc))}"
            return
        message.value = ""
        figures.clear()
        figures.update(new)
        table.value = figures_html(new)
        if flows_changed:  # the flows changed (not only the share shift)
            shown["chosen"] = now
            network.outputs = ()  # a network drawn for other toggles would mislead
            if draw:
                chart.value = selection_html(records, *now) + positions_html(graph)

    for widget in (*toggles.values(), slider):
        widget.observe(update, names="value")
    button.on_click(draw_network)
    update()
    status_box = widgets.HBox([toggles[f"status:{s}"] for s in FLOW_STATUSES])
    kind_box = widgets.HBox([toggles[f"kind:{k}"] for k in KINDS])
    panel = widgets.VBox(
        [
            widgets.HTML("<b>Statuses</b>"),
            status_box,
            widgets.HTML("<b>Kinds</b>"),
            kind_box,
            slider,
            message,
            table,
            chart,
            button,
            network,
        ]
    )
    panel.sliders = {"shift_pct_points": slider}
    panel.toggles = toggles
    panel.figures = figures
    panel.table = table
    panel.chart = chart
    panel.network_button = button
    panel.network = network
    panel.message = message
    # Collect once now, while nothing waits on the panel: a full collection of a kernel's
    # heap (pandas, matplotlib, IPython) takes 80-280 ms on a loaded machine, and one that
    # falls on a slider move is the panel's slowest move. An update allocates little (plain
    # records, one graph), so the next full collection is hundreds of moves away.
    gc.collect()
    return panel
