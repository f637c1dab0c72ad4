"""Charts of the cloud-economics notebook: waterfalls (the NPV's value bridge) and OpenAI's
compute commitments, in the house style of :mod:`valse.report.charts`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from valse.report.charts import PALETTE, usd_bn_markdown

#: Colours of the waterfall: decreases, increases, levels (totals and subtotals).
WATERFALL_COLOURS = {"down": PALETTE[0], "up": PALETTE[1], "level": "#636363"}


def usd_bn_text(value_usd_bn: float, digits: int = 1) -> str:
    """An amount for prose in Markdown, one decimal by default: ``−USD 50.0 billion``."""
    return usd_bn_markdown(value_usd_bn, digits)


def waterfall_chart(steps: pd.DataFrame, title: str, xlabel: str = "USD bn"):
    """Draw a horizontal waterfall of steps (first step at the top).

    Levels are bars from zero; changes float from the previous level to the new one
    (blue down, orange up). Each bar carries its value.

    Returns
    -------
    (Figure, Axes)
    """
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(steps) + 1.6))
    previous = 0.0
    for i, (_, row) in enumerate(steps.iterrows()):
        level = float(row["level (USD bn)"])
        if row["kind"] == "level":
            left, width, colour, shown = 0.0, level, WATERFALL_COLOURS["level"], level
        else:
            change = float(row["change (USD bn)"])
            left, width = previous, change
            colour = WATERFALL_COLOURS["up" if change >= 0 else "down"]
            shown = change
        ax.barh(i, width, left=left, color=colour, height=0.6)
        end = left + width
        ax.text(
            end + (0.01 if width >= 0 else -0.01) * _span(steps),
            i,
            f"{shown:+,.1f}" if row["kind"] == "change" else f"{shown:,.1f}",
            va="center",
            ha="left" if width >= 0 else "right",
            fontsize=8,
        )
        if i > 0:
            ax.plot([previous, previous], [i - 1.3, i - 0.3], color="#999999", linewidth=0.6)
        previous = level
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(steps)), list(steps.index))
    ax.invert_yaxis()
    lo = min(0.0, float(steps["level (USD bn)"].min()))
    hi = max(0.0, float(steps["level (USD bn)"].max()))
    pad = 0.15 * (hi - lo or 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return fig, ax


def _span(steps: pd.DataFrame) -> float:
    levels = steps["level (USD bn)"].astype(float)
    return float(max(levels.max(), 0.0) - min(levels.min(), 0.0)) or 1.0


def commitments_chart(usd: pd.Series, gw: pd.Series, title: str, highlight: str = ""):
    """Two bar panels: OpenAI's compute commitments stated in USD bn, and those stated in GW.

    Parameters
    ----------
    usd, gw : pandas.Series
        Commitment by counterparty (index: label) in USD bn and in GW, as each source states
        it (no conversion between the two).
    title : str
        Figure title.
    highlight : str
        Substring of the labels to colour as this deal (AWS).

    Returns
    -------
    (Figure, (Axes, Axes))
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.45 * max(len(usd), len(gw)) + 1.8))
    for ax, series, unit in ((axes[0], usd, "USD bn"), (axes[1], gw, "GW")):
        series = series.sort_values()
        colours = [
            PALETTE[1] if highlight and highlight in str(k) else PALETTE[0] for k in series.index
        ]
        ax.barh(list(series.index), series.values, color=colours)
        for y, v in enumerate(series.values):
            ax.text(v, y, f" {v:,.1f}", va="center", fontsize=8)
        ax.set_xlabel(f"commitment ({unit})")
        ax.set_xlim(0, 1.18 * float(series.max() or 1.0))
    axes[0].set_title("Stated in dollars")
    axes[1].set_title("Stated in gigawatts")
    fig.suptitle(title, fontweight="bold")
    # laid out when rendered (valse.report.chart_render.apply_house_layout), in the same draw
    return fig, axes
