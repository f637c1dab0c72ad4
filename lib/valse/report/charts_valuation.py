"""Charts of the valuation notebook: the DCF by stage, revenue against the requirement, the
football field, OpenAI's sources and uses, and backlog shares.

Each function draws one figure from tables the library computed, adds its sources and
returns ``(fig, ax)``; the notebook calls it in one line and shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from valse.report import charts

#: Revenue facts shown against the required revenue, with their kind.
REVENUE_POINTS: tuple[tuple[str, str], ...] = (
    ("openai_revenue_2024_usd_bn", "reported"),
    ("openai_revenue_2025_usd_bn", "reported"),
    ("openai_revenue_2026_forecast_usd_bn", "OpenAI projection"),
    ("openai_revenue_2029_target_usd_bn", "OpenAI projection"),
    ("openai_revenue_2030_target_usd_bn", "OpenAI projection"),
)


def revenue_points(facts):
    """OpenAI's reported and projected revenue by year (the year is part of each fact's id)."""
    import pandas as pd

    return pd.DataFrame({
        "year": [int(re.search(r"_(\d{4})_", fid).group(1)) for fid, _ in REVENUE_POINTS],
        "revenue (USD bn)": [facts.value(fid) for fid, _ in REVENUE_POINTS],
        "kind": [kind for _, kind in REVENUE_POINTS],
        "fact": [fid for fid, _ in REVENUE_POINTS],
    })


def required_revenue_chart(facts, p: Mapping[str, Any], result: Mapping[str, Any],
                           sources: Iterable[str]):
    """OpenAI's revenue (reported, projected, run-rate) against the DCF's required revenue."""
    points = revenue_points(facts)
    need, band = result["need"], result["need_band"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for kind, marker in (("reported", "o"), ("OpenAI projection", "s")):
        sub = points[points["kind"] == kind]
        ax.scatter(sub["year"], sub["revenue (USD bn)"], marker=marker, zorder=3, label=kind)
    ax.scatter([p["valuation_year"] + 0.6], [p["latest_run_rate_revenue_usd_bn"]], marker="^",
               zorder=3, label="annualised run-rate, Aug 2026")
    if not result.get("plausible", True):
        bound = result["plausibility"]["bound"]
        ax.axhline(bound, color=charts.PALETTE[1], linewidth=0.8, linestyle=":",
                   label="plausible bound: no revenue up to it reaches the price")
    elif np.isfinite(need) and need > 0:
        years = np.arange(p["current_revenue_year"], p["target_year"] + 1)
        path = p["current_revenue_usd_bn"] * (1 + result["growth"]) ** (
            years - p["current_revenue_year"])
        ax.plot(years, path, color="black", linewidth=0.8, linestyle="--",
                label=f"path at {result['growth']:.0%} a year to the required revenue")
        err = ([[need - band[0]], [band[2] - need]] if band else None)
        ax.errorbar([p["target_year"]], [need], yerr=err, fmt="D", color=charts.PALETTE[1],
                    capsize=5, zorder=4, label="required revenue, multi-stage DCF"
                    + (" (P10–P90)" if band else " (no band: see text)"))
    ax.scatter([p["target_year"] + 0.15], [result["gordon_need"]], marker="x", color="grey",
               zorder=3, label="one-stage version of the first edition")
    ax.set_yscale("log")
    ax.set_xlabel("Year")
    ax.set_ylabel("OpenAI revenue (USD bn, log scale)")
    ax.set_title(f"What USD {result['post']:,.0f} bn implies for OpenAI's revenue in "
                 f"{p['target_year']}")
    ax.legend(fontsize=7, loc="upper left")
    charts.add_sources(fig, facts, list(sources))
    return fig, ax


def dcf_stage_chart(stages, title: str, facts, sources: Iterable[str], extra=()):
    """The DCF's equity value built stage by stage (a waterfall of present values, USD bn).

    ``stages`` is :func:`valse.report.valuation_dcf.stage_table`: one row per stage, the last
    row the equity value (their sum).
    """
    values = stages["present value (USD bn)"].to_numpy(float)
    steps, total = values[:-1], values[-1]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    start = np.concatenate([[0.0], np.cumsum(steps)[:-1]])
    colours = [charts.PALETTE[2] if v >= 0 else charts.PALETTE[1] for v in steps]
    x = np.arange(len(values))
    ax.bar(x[:-1], steps, bottom=start, color=colours)
    ax.bar([x[-1]], [total], color=charts.PALETTE[0])
    for xi, (s, v) in enumerate(zip([*start, 0.0], [*steps, total], strict=True)):
        ax.text(xi, max(s, s + v), f"{v:,.0f}", ha="center", va="bottom", fontsize=8)
    levels = np.concatenate([[0.0], np.cumsum(steps), [total]])
    ax.set_ylim(min(0.0, levels.min()) * 1.15 - 0.02 * np.ptp(levels), 1.15 * levels.max())
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(x, [name.replace(" ", "\n", 2) for name in stages.index], fontsize=7)
    ax.set_ylabel("Present value (USD bn)")
    ax.set_title(title)
    fig.subplots_adjust(bottom=0.3)
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, ax


def football_field_chart(field, post: float, facts, sources: Iterable[str], extra=(),
                         dcf_result: Mapping[str, Any] | None = None):
    """Ranges of OpenAI's equity value by method, against the round's post-money.

    With ``dcf_result`` (:func:`valse.report.valuation_dcf.reverse_dcf`) whose required
    revenue is not plausible, the DCF bar says so: no plausible revenue reaches the price.
    """
    fig, ax = plt.subplots(figsize=(8, 3.8))
    y = np.arange(len(field))
    low, high = field["low (USD bn)"], field["high (USD bn)"]
    ax.barh(y, high - low, left=low, color=charts.PALETTE[: len(field)], height=0.5)
    for yi, (lo, hi) in enumerate(zip(low, high, strict=True)):
        ax.text(hi, yi, f"  {lo:,.0f}–{hi:,.0f}", va="center", fontsize=8)
    ax.axvline(post, color="black", linewidth=0.8, linestyle="--", label="post-money of the round")
    if dcf_result is not None and not dcf_result["plausible"]:
        row = next(i for i, name in enumerate(field.index) if "DCF" in name)
        ax.text(low.iloc[row], row + 0.38, "no plausible revenue reaches the post-money "
                f"(even USD {dcf_result['plausibility']['bound']:,.0f} bn falls short)",
                fontsize=7, va="center", color="firebrick")
    ax.set_xlim(0, 1.2 * high.max())
    ax.set_yticks(y, field.index, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("Equity value of OpenAI (USD bn)")
    reach = int(sum(hi >= post for hi in high))
    ax.set_title(f"{reach} of the {len(field)} methods reach the round's post-money "
                 f"of USD {post:,.0f} bn")
    ax.legend(fontsize=8, loc="lower right")
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, ax


def multiples_chart(mult: Mapping[str, Any], facts, sources: Iterable[str], extra=()):
    """OpenAI's EV / revenue multiples against the listed comparables' (log scale)."""
    table = mult["table"]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    colours = [charts.PALETTE[1] if t == "OpenAI" else charts.PALETTE[0] for t in table["ticker"]]
    ax.barh(table.index, table["EV / revenue (x)"], color=colours)
    for y, v in enumerate(table["EV / revenue (x)"]):
        ax.text(v * 1.05, y, f"{v:.1f}x", va="center", fontsize=8)
    ax.axvspan(mult["q25"], mult["q75"], color="grey", alpha=0.15,
               label="comparables' interquartile range")
    ax.set_xscale("log")
    ax.set_xlabel("Enterprise value / yearly revenue (x, log scale)")
    ax.set_title("OpenAI's revenue multiple against listed companies (enterprise values)")
    ax.legend(fontsize=8, loc="lower right")
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, ax


def sources_uses_chart(table, facts, sources: Iterable[str], extra=()):
    """OpenAI's committed compute by provider and other cash costs (bars) against its revenue
    on its own plan and with its run-rate held (lines), by year."""
    years = table.index.to_numpy()
    compute = [c for c in table.columns if c.startswith("compute: ")]
    fig, ax = plt.subplots(figsize=(8, 4.4))
    bottom = np.zeros(len(years))
    for i, col in enumerate([*compute, "other cash costs (plan)"]):
        values = table[col].to_numpy(float)
        colour = "#bdbdbd" if col.startswith("other") else charts.PALETTE[i % len(charts.PALETTE)]
        ax.bar(years, values, bottom=bottom, color=colour, width=0.6,
               label=col.removeprefix("compute: "))
        bottom += values
    ax.plot(years, table["revenue, own plan"], color="black", marker="o",
            label="revenue, OpenAI's own plan")
    ax.plot(years, table["revenue, run-rate held"], color="black", marker="s", linestyle="--",
            label="revenue, latest run-rate held")
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylabel("USD bn a year")
    ax.set_title("OpenAI's committed compute and other costs against its revenue")
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    fig.subplots_adjust(bottom=0.22)
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, ax


def backlog_chart(shares, facts, sources: Iterable[str], extra=()):
    """Share of each provider's backlog that comes from OpenAI and Anthropic (horizontal bars)."""
    fig, ax = plt.subplots(figsize=(8, 2.8 + 0.3 * len(shares)))
    y = np.arange(len(shares))
    openai = 100 * shares["OpenAI (USD bn)"] / shares["backlog (USD bn)"]
    anthropic = 100 * shares["Anthropic (USD bn)"] / shares["backlog (USD bn)"]
    ax.barh(y, openai, color=charts.PALETTE[0], label="OpenAI")
    ax.barh(y, anthropic, left=openai, color=charts.PALETTE[1], label="Anthropic")
    for yi, total in enumerate(openai + anthropic):
        ax.text(total + 1, yi, f"{total:.0f}%", va="center", fontsize=8)
    ax.set_yticks(y, shares.index, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of the provider's backlog (%)")
    ax.set_title("How much of the cloud backlog two AI labs make up")
    ax.legend(fontsize=8, loc="lower right")
    fig.subplots_adjust(left=0.38, bottom=0.3)
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, ax


def ipo_distribution_chart(result: Mapping[str, Any], facts, sources: Iterable[str], extra=()):
    """The one IPO valuation distribution: OpenAI's value by branch, and Amazon's holding.

    Left: OpenAI's value in the draws where it lists (the tranche paid) and where it does not
    (a private mark at the lapse). Right: Amazon's holding at the state's date, its P10, P50
    and P90, and the expected amount paid. The title states the takeaway.
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    values = np.asarray(result["value_draws"], dtype=float)
    listed = np.asarray(result["listed"], dtype=bool)
    bins = np.linspace(0, np.percentile(values, 99.5), 50)
    left.hist([values[listed], values[~listed]], bins=bins, stacked=True,
              color=[charts.PALETTE[0], charts.PALETTE[1]],
              label=["lists, tranche paid", "no listing by end 2028: private mark"])
    left.axvline(result["tranche"].openai_listing_value_usd_bn, color="black", linewidth=0.8,
                 linestyle="--", label="mean at listing (the evidence)")
    left.set_xlabel("OpenAI's value (USD bn)")
    left.set_ylabel("Number of draws")
    left.legend(fontsize=7, loc="upper right")
    holding = np.asarray(result["holding_draws"], dtype=float)
    right.hist(holding, bins=50, color=charts.PALETTE[2])
    for q, label in zip(result["band"], ("P10", "P50", "P90"), strict=True):
        right.axvline(q, color="black", linewidth=0.8, linestyle="--")
        right.text(q, right.get_ylim()[1] * 0.95, f" {label}", fontsize=8, va="top")
    right.axvline(result["amount_expected"], color="firebrick", linewidth=1.2,
                  label="expected amount paid")
    right.set_xlabel("Amazon's holding at the state's date (USD bn)")
    right.legend(fontsize=7, loc="upper right")
    share = result["above_cost_pct"]
    if share >= 55:
        head = "Amazon's holding is likely worth more than it pays"
    elif share > 45:
        head = "Amazon's holding is as likely worth more than it pays as less"
    else:
        head = "Amazon's holding is likely worth less than it pays"
    fig.suptitle(f"{head}: above cost in {share:.0f}% of draws", fontsize=11)
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, (left, right)


def ipo_tornado_chart(result: Mapping[str, Any], labels: Mapping[str, str], facts,
                      sources: Iterable[str], extra=()):
    """Which input moves the expected value of Amazon's holding most (the title says which)."""
    rows = result["tornado"]
    fig, ax = charts.tornado_chart(
        rows, result["central"], "Expected value of Amazon's OpenAI holding (USD bn)",
        f"{labels.get(rows[0][0], rows[0][0])} moves Amazon's holding most", labels=labels)
    fig.subplots_adjust(bottom=0.25)
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, ax


def cap_table_chart(cap, reading: str, facts, sources: Iterable[str], extra=()):
    """OpenAI's cap table before and after the round (stacked shares, %)."""
    fig, ax = plt.subplots(figsize=(9, 3.2))
    left = np.zeros(2)
    for i, holder in enumerate(cap.index):
        widths = cap.loc[holder, ["before the round (%)", "after the round (%)"]].to_numpy(float)
        ax.barh([0, 1], widths, left=left, color=charts.PALETTE[i % len(charts.PALETTE)],
                label=holder)
        for y, (w, l0) in enumerate(zip(widths, left, strict=True)):
            if w >= 3:
                ax.text(l0 + w / 2, y, f"{w:.1f}", ha="center", va="center", fontsize=8,
                        color="white")
        left += widths
    ax.set_yticks([0, 1], ["Before the round", "After the round"])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of OpenAI (%)")
    amazon = float(cap.loc["Amazon", "after the round (%)"]) if "Amazon" in cap.index else 0.0
    ax.set_title(f"Every earlier holder is diluted; Amazon ends with {amazon:.1f}% — {reading}")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, ax


def tranche_chart(p: Mapping[str, Any], t: Mapping[str, Any], facts, sources: Iterable[str],
                  extra=()):
    """Amazon's expected stake against the probability that the milestones are met."""
    table = t["table"]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.plot(table.index, table["expected stake (%)"], color=charts.PALETTE[0])
    for level, style, words in ((t["amazon_stake"], "--", " all paid"),
                                (t["stake_missed"], ":", " upfront part only")):
        ax.axhline(level, color="grey", linestyle=style, linewidth=0.8)
        ax.text(0.01, level, words, va="bottom", fontsize=8)
    ax.axvspan(p["contingent_tranche_probability_low"], p["contingent_tranche_probability_high"],
               color=charts.PALETTE[0], alpha=0.1, label="assumed range of the probability")
    ax.axvline(p["contingent_tranche_probability"], color=charts.PALETTE[0], linewidth=0.8)
    ax.set_xlabel("Probability that the milestones are met (0–1)")
    ax.set_ylabel("Amazon's expected stake (%)")
    ax.set_title(f"Missing the milestones cuts Amazon's stake from {t['amazon_stake']:.1f}% to "
                 f"{t['stake_missed']:.1f}%")
    ax.legend(loc="lower right", fontsize=8)
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, ax


def stakes_at_ipo_chart(p: Mapping[str, Any], s: Mapping[str, Any], reading: str, facts,
                        sources: Iterable[str], extra=()):
    """Amazon's stake (all paid, expected, upfront only) against the IPO valuation."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for i, name in enumerate(["Amazon (all paid)", "Amazon (expected)", "Amazon (upfront only)"]):
        ax.plot(s["grid"], s["table"][name], color=charts.PALETTE[i], label=name)
    ax.axvspan(p["ipo_valuation_usd_bn_low"], p["ipo_valuation_usd_bn_high"], color="grey",
               alpha=0.15, label="reported IPO target")
    ax.axhline(p["amazon_investment_usd_bn"], color="black", linestyle="--", linewidth=0.8,
               label="Amazon's commitment")
    ax.axhline(p["amazon_upfront_usd_bn"], color="black", linestyle=":", linewidth=0.8,
               label="paid at signing")
    ax.set_xlabel("OpenAI's valuation right after the IPO (USD bn)")
    ax.set_ylabel("Value of Amazon's stake (USD bn)")
    ax.set_title(f"Amazon's expected stake breaks even at an IPO of USD {s['breakeven']:,.0f} bn"
                 f" — {reading}")
    ax.legend(fontsize=8, loc="upper left")
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, ax


def growth_multiple_chart(gm: Mapping[str, Any], facts, sources: Iterable[str], extra=()):
    """The comparables' EV / revenue against their revenue growth, the least-squares line
    extended to OpenAI's growth, and OpenAI at the line's multiple and at the round's."""
    table, fit = gm["table"], gm["fit"]
    fig, ax = plt.subplots(figsize=(8, 4.4))
    ax.scatter(table["revenue_growth_pct"], table["ev_to_revenue_x"], color=charts.PALETTE[0],
               label="listed comparables")
    for _, row in table.iterrows():
        ax.annotate(row["ticker"], (row["revenue_growth_pct"], row["ev_to_revenue_x"]),
                    textcoords="offset points", xytext=(4, 3), fontsize=7)
    inside = np.array([fit.growth_min, fit.growth_max])
    beyond = np.array([fit.growth_max, max(gm["growth"], fit.growth_max) * 1.05])
    ax.plot(inside, fit.intercept + fit.slope * inside, color="grey",
            label=f"least-squares line (n = {fit.n}, R² = {fit.r_squared:.2f})")
    ax.plot(beyond, fit.intercept + fit.slope * beyond, color="grey", linestyle=":",
            label="the line extended beyond the sample (extrapolation)")
    ax.scatter([gm["growth"]], [gm["implied_x"]], marker="D", color=charts.PALETTE[1],
               label="OpenAI at the line's multiple")
    ax.scatter([gm["growth"]], [gm["round_x"]], marker="*", s=120, color=charts.PALETTE[2],
               label="OpenAI at the round's multiple")
    ax.set_xlabel("Revenue growth, latest fiscal year (%)")
    ax.set_ylabel("Enterprise value / yearly revenue (x)")
    ax.set_title("Revenue multiples against revenue growth")
    ax.legend(fontsize=7, loc="upper left")
    charts.add_sources(fig, facts, list(sources), extra=list(extra))
    return fig, ax
