"""Charts of the cross-investment web: the network, the flow matrix, net positions, the
circulating and one-way parts, and the suppliers' equity against purchases (the market
around the web, concentration, backlogs and regulators, is :mod:`valse.report.charts_market`).

Each function draws one chart from the frames of :mod:`valse.model.flows` and returns
``(Figure, Axes)``; the notebook adds the sources under it
(:func:`valse.report.charts.add_sources`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from valse.report.chart_render import HouseLayout
from valse.report.charts import PALETTE

#: One colour per kind of flow.
KIND_COLOURS: dict[str, str] = {
    "equity_paid": PALETTE[0],
    "equity_conditional": PALETTE[3],
    "purchase_commitment": PALETTE[1],
    "price_concession": PALETTE[2],
    "guarantee": PALETTE[4],
}
#: Reader-facing names of the kinds.
KIND_LABELS: dict[str, str] = {
    "equity_paid": "equity paid or firmly committed",
    "equity_conditional": "equity on a condition (expected value)",
    "purchase_commitment": "purchase commitment (cloud, chips)",
    "price_concession": "price concession (warrant, shares granted)",
    "guarantee": "guarantee",
}
#: Fixed places of the companies (model makers in the middle, partners around), so that the
#: drawing stays the same from one run to the next. Angles in degrees on a unit circle.
NODE_ANGLES: dict[str, float] = {
    "Amazon": 90,
    "SoftBank": 135,
    "AMD": 160,
    "CoreWeave": 185,
    "Cerebras": 210,
    "Oracle": 235,
    "NVIDIA": 262,
    "Microsoft": 295,
    "Broadcom": 330,
    "Google": 20,
}
CENTRE: dict[str, tuple[float, float]] = {"OpenAI": (-0.38, 0.0), "Anthropic": (0.38, 0.0)}


def node_positions(nodes: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Positions of the companies: fixed places for the known ones, the rest spread on the
    circle where no known company sits."""
    pos: dict[str, tuple[float, float]] = {}
    spare = [n for n in sorted(nodes) if n not in CENTRE and n not in NODE_ANGLES]
    for i, name in enumerate(spare):
        angle = 50 + 30 * i / max(1, len(spare) - 1) if len(spare) > 1 else 55
        pos[name] = (1.15 * math.cos(math.radians(angle)), math.sin(math.radians(angle)))
    for name in nodes:
        if name in CENTRE:
            pos[name] = CENTRE[name]
        elif name in NODE_ANGLES:
            a = math.radians(NODE_ANGLES[name])
            pos[name] = (1.15 * math.cos(a), math.sin(a))
    return pos


def network_chart(
    edges: pd.DataFrame,
    money_in: Mapping[str, float],
    title: str,
    ax: plt.Axes | None = None,
):
    """Draw the web of flows.

    Parameters
    ----------
    edges : DataFrame
        From :func:`valse.model.flows.graph.flow_edges_by_kind`: ``from``, ``to``, ``kind``,
        ``amount_usd_bn``, ``reported_only``.
    money_in : mapping company -> USD bn
        Sizes the nodes (area proportional to the money a company receives).
    title : str
        Chart title.

    Returns
    -------
    (Figure, Axes)
        Edges are curved arrows whose width grows with the amount, coloured by kind, dashed
        when no flow behind them is confirmed by a company (reported or estimated only).
    """
    if ax is None:
        # the axes keep an equal aspect: 6.2 in high fits them under the title, beside the
        # legend; the "compressed" layout is constrained layout for fixed-aspect axes
        fig, ax = plt.subplots(figsize=(9.5, 6.2), layout=HouseLayout(compress=True))
    else:
        fig = ax.figure
    nodes = sorted(set(edges["from"]) | set(edges["to"]) | set(money_in))
    pos = node_positions(nodes)
    biggest = max([float(a) for a in edges["amount_usd_bn"]] + [1e-9])
    max_in = max([float(v) for v in money_in.values()] + [1e-9])
    sizes = {n: 500 + 4500 * float(money_in.get(n, 0.0)) / max_in for n in nodes}
    seen: dict[tuple[str, str], int] = {}
    for row in edges.sort_values("amount_usd_bn", ascending=False).to_dict("records"):
        u, v = row["from"], row["to"]
        k = seen.get((u, v), 0)
        seen[(u, v)] = k + 1
        width = 0.6 + 9.0 * float(row["amount_usd_bn"]) / biggest
        arrow = FancyArrowPatch(
            pos[u],
            pos[v],
            connectionstyle=f"arc3,rad={0.12 + 0.1 * k}",
            arrowstyle="-|>,head_length=0.5,head_width=0.3",
            mutation_scale=10 + width,
            linewidth=width,
            linestyle=(0, (4, 3) if width < 2 else (2.5, 1.2)) if row["reported_only"] else "-",
            capstyle="butt",
            joinstyle="miter",
            color=KIND_COLOURS.get(row["kind"], PALETTE[4]),
            alpha=0.75,
            shrinkA=math.sqrt(sizes[u]) / 2 + 2,
            shrinkB=math.sqrt(sizes[v]) / 2 + 2,
            zorder=1,
        )
        ax.add_patch(arrow)
    for n in nodes:
        x, y = pos[n]
        ax.scatter([x], [y], s=sizes[n], color="#f0f0f0", edgecolor="#333333", zorder=2)
        ax.annotate(
            f"{n}\nin: {money_in.get(n, 0.0):,.0f}",
            (x, y),
            ha="center",
            va="center",
            fontsize=8,
            zorder=3,
        )
    kinds = [k for k in KIND_COLOURS if k in set(edges["kind"])]
    handles = [Line2D([], [], color=KIND_COLOURS[k], lw=3, label=KIND_LABELS[k]) for k in kinds]
    handles.append(
        Line2D([], [], color="#333333", lw=1.5, ls="--", label="reported or estimated only")
    )
    handles.append(Line2D([], [], color="#333333", lw=1.5, label="confirmed by a company"))
    handles.append(
        Line2D([], [], color="#999999", lw=9.6, label=f"width: {biggest:,.0f} USD bn (largest)")
    )
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_xlim(-1.45, 1.45)
    ax.set_ylim(-1.25, 1.25)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    ax.text(
        0.5,
        -0.02,
        "Arrows point from payer to receiver; node area ∝ money received (USD bn).",
        transform=ax.transAxes,
        ha="center",
        fontsize=8,
        color="#444444",
    )
    return fig, ax


def _amount(value: float) -> str:
    """An amount for a label: no decimals from 10 up, one below, two under 1."""
    if value >= 10:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def flow_heatmap(matrix: pd.DataFrame, title: str):
    """Heatmap of the flow matrix (rows pay, columns receive) [USD bn], zeros left blank."""
    # the layout engine is set before the colour bar is made, so that the bar takes its room
    # from the layout (a bar made without an engine sits in a grid the layout cannot adjust)
    fig, ax = plt.subplots(figsize=(8.5, 6.5), layout=HouseLayout())
    values = matrix.to_numpy(dtype=float)
    masked = np.ma.masked_where(values == 0, values)
    image = ax.imshow(masked, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(matrix.index)), matrix.index)
    ax.grid(False)
    top = values.max() if values.size else 0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if values[i, j]:
                colour = "white" if values[i, j] > 0.6 * top else "black"
                ax.text(
                    j, i, _amount(values[i, j]), ha="center", va="center", fontsize=8, color=colour
                )
    ax.set_xlabel("receives (to)")
    ax.set_ylabel("pays or invests (from)")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="flow (USD bn)")
    # laid out when rendered (valse.report.chart_render.apply_house_layout), in the same draw
    return fig, ax


def net_positions_chart(positions: pd.DataFrame, title: str):
    """Bar chart of each company's net position (money in − money out) [USD bn]."""
    data = positions.sort_values("net_usd_bn")
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(data) + 1.5))
    colours = [PALETTE[2] if v >= 0 else PALETTE[5] for v in data["net_usd_bn"]]
    ax.barh(data.index, data["net_usd_bn"], color=colours)
    for y, v in enumerate(data["net_usd_bn"]):
        ax.text(
            v,
            y,
            f" {v:+,.1f} " if abs(v) < 10 else f" {v:+,.0f} ",
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=8,
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("net position: money received − money paid or committed (USD bn)")
    ax.set_title(title)
    return fig, ax


def circulation_chart(split_frame: pd.DataFrame, title: str, top: int = 20):
    """Stacked bars per flow: the part that goes round cycles and the one-way part [USD bn].

    ``split_frame`` is :meth:`valse.model.flows.cycles.CirculationSplit.to_frame`; the ``top``
    largest
    flows are shown.
    """
    data = split_frame.head(top).iloc[::-1]
    labels = [f"{u} → {v}" for u, v in zip(data["from"], data["to"], strict=True)]
    fig, ax = plt.subplots(figsize=(8.5, 0.34 * len(data) + 1.6))
    ax.barh(labels, data["circulating_usd_bn"], color=PALETTE[3], label="goes round (circulating)")
    ax.barh(
        labels,
        data["one_way_usd_bn"],
        left=data["circulating_usd_bn"],
        color="#bdbdbd",
        label="one way",
    )
    ax.set_xlabel("USD bn (nominal, over each commitment's horizon)")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return fig, ax


def supplier_ratio_chart(suppliers: pd.DataFrame, title: str):
    """Bars per (supplier, buyer): equity and price concessions as a share of purchases [%].

    ``suppliers`` is :func:`valse.model.flows.suppliers.supplier_equity_to_purchases`; pairs whose
    purchases are partly an estimate are hatched.
    """
    data = suppliers.iloc[::-1]
    labels = [f"{s} → {b}" for s, b in zip(data["supplier"], data["buyer"], strict=True)]
    fig, ax = plt.subplots(figsize=(8.5, 0.4 * max(len(data), 1) + 1.6))
    bars = ax.barh(labels, data["ratio_pct"], color=PALETTE[0])
    for bar, estimated in zip(bars, data["estimated_purchases"], strict=True):
        if estimated:
            bar.set_hatch("//")
            bar.set_facecolor("#9ecae1")
    ax.set_xlabel("supplier's equity and concessions / buyer's purchases from it (%)")
    ax.set_title(title)
    ax.text(
        0.99,
        0.01,
        "hatched: purchases partly estimated",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=8,
        color="#444444",
    )
    return fig, ax
