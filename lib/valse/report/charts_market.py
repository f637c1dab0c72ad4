"""Charts of the market around the web: the cloud market's concentration over time and the
deal's shift year by year, the providers' backlogs from the two labs (the demand side), and
the regulators' timeline.

Each function draws one chart and returns ``(Figure, Axes)``; the notebook adds the sources
under it (:func:`valse.report.charts.add_sources`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from valse.report.charts import PALETTE


def backlog_share_chart(exposure: pd.DataFrame, title: str, customers=("OpenAI", "Anthropic")):
    """Each provider's backlog as a stacked bar: the labs' contracts in it and the rest [USD bn].

    ``exposure`` is :func:`valse.model.flows.demand.backlog_exposure`; each bar is labelled
    with the labs' share of it (``share_pct``) and the backlog's date.
    """
    data = exposure.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 0.7 * max(len(data), 1) + 1.8))
    left = pd.Series(0.0, index=data.index)
    labels = [f"{name}\n{str(row['as_of'])[:10]}" for name, row in data.iterrows()]
    for i, customer in enumerate(customers):
        column = f"{customer} (USD bn)"
        values = data[column] if column in data else pd.Series(0.0, index=data.index)
        ax.barh(labels, values, left=left, color=PALETTE[i], label=f"{customer}'s contracts")
        left = left + values
    rest = data["backlog_usd_bn"] - left
    ax.barh(labels, rest.clip(lower=0), left=left, color="#d9d9d9", label="other customers")
    for y, (_name, row) in enumerate(data.iterrows()):
        ax.text(
            row["backlog_usd_bn"],
            y,
            f"  {row['share_pct']:.0f}% from the two labs",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, float(data["backlog_usd_bn"].max()) * 1.35)
    ax.set_xlabel("backlog (remaining performance obligations), USD bn")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return fig, ax


def concentration_chart(
    hhi: pd.DataFrame,
    title: str,
    highly_concentrated_above: float,
    after_shift: tuple[pd.Timestamp, float] | None = None,
    moderate_above: float | None = None,
):
    """HHI over time per series, the guidelines' threshold(s), and the HHI after a shift.

    ``hhi`` is :func:`valse.model.flows.concentration.hhi_by_quarter`; ``after_shift`` a (quarter
    start, HHI) point drawn as a marker.
    """
    fig, ax = plt.subplots(figsize=(8.5, 4.5))
    for i, (series, group) in enumerate(hhi.groupby("series")):
        ax.plot(group["quarter_start"], group["hhi"], marker="o", color=PALETTE[i], label=series)
    ax.axhline(highly_concentrated_above, color=PALETTE[5], linestyle="--", linewidth=1)
    ax.text(
        hhi["quarter_start"].min(),
        highly_concentrated_above,
        f" highly concentrated above {highly_concentrated_above:,.0f}",
        va="bottom",
        fontsize=8,
        color=PALETTE[5],
    )
    if moderate_above is not None:
        ax.axhline(moderate_above, color="#999999", linestyle=":", linewidth=1)
        ax.text(
            hhi["quarter_start"].min(),
            moderate_above,
            f" {moderate_above:,.0f}",
            va="bottom",
            fontsize=8,
            color="#777777",
        )
    if after_shift is not None:
        ax.scatter(
            [after_shift[0]],
            [after_shift[1]],
            marker="*",
            s=220,
            color="black",
            zorder=3,
            label="latest quarter after the shift",
        )
    top = max(float(hhi["hhi"].max()), highly_concentrated_above)
    ax.set_ylim(0, top * 1.15)
    ax.set_xlabel("quarter")
    ax.set_ylabel("HHI (points, 0–10,000)")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8)
    return fig, ax


def share_path_chart(path: pd.DataFrame, significant_delta: float, title: str):
    """The HHI change from the deal and AWS's share gained, year by year over the contract.

    ``path`` is :func:`valse.model.flows.shift.share_path`; the guidelines' significant change is
    drawn
    as a dashed line.
    """
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    ax.bar(path["year"], path["hhi_delta"], color=PALETTE[1], label="HHI change (points)")
    ax.axhline(significant_delta, color=PALETTE[5], linestyle="--", linewidth=1)
    ax.text(
        path["year"].min() - 0.4 if len(path) else 0,
        significant_delta,
        f" significant change: {significant_delta:,.0f}",
        va="bottom",
        fontsize=8,
        color=PALETTE[5],
    )
    ax.set_xlabel("year of the contract")
    ax.set_ylabel("HHI change (points)")
    top = max(float(path["hhi_delta"].max()) if len(path) else 0.0, significant_delta)
    ax.set_ylim(min(0.0, float(path["hhi_delta"].min()) if len(path) else 0.0), top * 1.2)
    twin = ax.twinx()
    twin.plot(
        path["year"],
        path["shift_pct_points"],
        color="black",
        marker="o",
        label="AWS share gained (pct points)",
    )
    twin.set_ylabel("AWS share gained (percentage points)")
    twin.set_ylim(bottom=min(0.0, float(path["shift_pct_points"].min()) if len(path) else 0.0))
    ax.set_title(title)
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper right", fontsize=8)
    return fig, ax


#: Markers of the timeline's events.
_EVENT_STYLE: dict[str, dict[str, object]] = {
    "opened": {"marker": "o", "facecolor": "white"},
    "step": {"marker": "o", "facecolor": None},
    "expected": {"marker": "D", "facecolor": "white"},
}


def regulatory_timeline_chart(events: pd.DataFrame, title: str, today: pd.Timestamp | None = None):
    """Dated regulatory events, one lane per regulator, a line per matter.

    ``events`` is :func:`valse.data.regulators.timeline`: hollow circles open a matter, filled
    circles are its steps (lighter when the source is only the press), hollow diamonds the
    next steps expected; ``today`` draws a dotted line (the as-of date of the collection).
    """
    regulators = sorted(set(events["regulator"]))
    lane = {r: i for i, r in enumerate(regulators)}
    fig, ax = plt.subplots(figsize=(9.5, 1.2 * len(regulators) + 2.2))
    offsets: dict[str, int] = {}
    for _matter, group in events.groupby("matter_id", sort=False):
        y = lane[group["regulator"].iloc[0]] + 0.18 * (
            offsets.setdefault(group["regulator"].iloc[0], 0) % 3 - 1
        )
        offsets[group["regulator"].iloc[0]] += 1
        colour = PALETTE[lane[group["regulator"].iloc[0]] % len(PALETTE)]
        ax.plot(group["date"], [y] * len(group), color=colour, linewidth=1.5, alpha=0.6)
        for e in group.itertuples():
            style = _EVENT_STYLE[e.event]
            face = style["facecolor"] or (colour if e.status == "confirmed" else "#cccccc")
            ax.scatter(
                [e.date],
                [y],
                marker=style["marker"],
                s=70,
                facecolor=face,
                edgecolor=colour,
                zorder=3,
            )
        last = group.iloc[-1]
        text = str(last["label"])
        ax.annotate(
            text if len(text) <= 48 else text[:46] + "…",
            (last["date"], y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color="#333333",
        )
    if today is not None:
        ax.axvline(today, color="#777777", linestyle=":", linewidth=1)
        ax.text(today, len(regulators) - 0.45, " as of", fontsize=7, color="#555555")
    ax.set_yticks(range(len(regulators)), regulators)
    ax.set_ylim(-0.6, len(regulators) - 0.4)
    ax.set_xlabel("date")
    ax.set_title(title)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markerfacecolor="white",
            markeredgecolor="#333333",
            label="matter opened",
        ),
        Line2D([], [], marker="o", ls="", color="#333333", label="step (company or regulator)"),
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markerfacecolor="#cccccc",
            markeredgecolor="#333333",
            label="step (press only)",
        ),
        Line2D(
            [],
            [],
            marker="D",
            ls="",
            markerfacecolor="white",
            markeredgecolor="#333333",
            label="next step expected",
        ),
    ]
    ax.legend(handles=handles, loc="upper left", fontsize=7, ncols=2)
    return fig, ax
