"""The summary's charts: figures with their P10–P90 bands, scenarios side by side.

Each function returns ``(Figure, Axes)``; the notebook adds the sources and shows it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from valse.report.summary_text import SHORT_LABELS


def bar_label(value: float) -> str:
    """A chart label for a bar: ``1,370``, ``32.5``, ``5.87``, ``0``."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def band_chart(
    table: pd.DataFrame, xlabel: str, title: str, labels: Mapping[str, str] | None = None
):
    """Horizontal bars of the rows of :func:`headline_table`, with P10–P90 whiskers.

    Returns
    -------
    (Figure, Axes)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from valse.report.charts import PALETTE

    labels = {**SHORT_LABELS, **(labels or {})}
    n = len(table)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * n + 1.5))
    y = np.arange(n)
    values = table["value"].to_numpy(dtype=float)
    ax.barh(y, values, color=PALETTE[0], height=0.6)
    banded = table["p10"].notna().to_numpy() & table["p90"].notna().to_numpy()
    if banded.any():
        lo = (values - table["p10"].to_numpy(dtype=float))[banded]
        hi = (table["p90"].to_numpy(dtype=float) - values)[banded]
        ax.errorbar(
            values[banded],
            y[banded],
            xerr=np.abs(np.vstack([lo, hi])),
            fmt="none",
            ecolor="black",
            capsize=4,
            label="P10–P90",
        )
        ax.legend(loc="best", fontsize=8)
    span = max(float(np.nanmax(np.abs(values))), 1e-12)
    for yi, v in zip(y, values, strict=True):
        ax.text(
            v + (0.01 if v >= 0 else -0.01) * span,
            yi + 0.3,
            bar_label(v),
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=8,
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [labels.get(i, i) for i in table.index])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig, ax


def grouped_chart(
    frame: pd.DataFrame,
    xlabel: str,
    title: str,
    colours: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
):
    """Horizontal grouped bars: one group per row of ``frame``, one bar per column.

    Returns
    -------
    (Figure, Axes)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from valse.report.charts import PALETTE

    labels = {**SHORT_LABELS, **(labels or {})}
    colours = colours or {}
    rows, cols = len(frame.index), len(frame.columns)
    fig, ax = plt.subplots(figsize=(7.5, 0.2 * rows * cols + 1.8))
    y = np.arange(rows)
    height = 0.8 / cols
    for j, col in enumerate(frame.columns):
        values = frame[col].to_numpy(dtype=float)
        offset = (j - (cols - 1) / 2) * height
        ax.barh(
            y + offset,
            values,
            height=height * 0.95,
            label=labels.get(col, col),
            color=colours.get(col, PALETTE[j % len(PALETTE)]),
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [labels.get(i, i) for i in frame.index])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig, ax


def claims_status_chart(status_table: pd.DataFrame, title: str):
    """Q8: horizontal bars of the number of the article's claims by status.

    ``status_table`` is indexed by status with one column ``claims`` (counts).

    Returns
    -------
    (Figure, Axes)
    """
    import matplotlib.pyplot as plt

    from valse.report.charts import PALETTE

    fig, ax = plt.subplots(figsize=(7.5, 3))
    ax.barh(status_table.index, status_table["claims"], color=PALETTE[0])
    ax.invert_yaxis()
    ax.set_xlabel("number of claims of the source article")
    ax.set_title(title)
    fig.tight_layout()
    return fig, ax
