"""Notebook 01's growth-adjusted multiple: the comparables' EV / revenue against their revenue
growth, the line through them, and what it implies for OpenAI at its own growth.

The model is :mod:`valse.model.multiples` (:func:`~valse.model.multiples.growth_multiple_fit`);
this module picks the inputs from the parameters ``p`` (the notebook's ``globals()``), the facts
and ``data/comparables.csv``, and returns the figures of the chart, the template
``01_valuation/growth_multiple`` and the metric ``openai_growth_adjusted_ev_usd_bn``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valse.model import multiples as mx

#: Two-sided coverage of the metric's range: P10 to P90 of the prediction interval.
RANGE_QUANTILE = 0.9
#: Facts the growth-adjusted multiple reads (OpenAI's growth, its run-rate).
GROWTH_FACTS: list[str] = ["openai_revenue_2024_usd_bn", "openai_revenue_2025_usd_bn",
                           "openai_annualized_revenue_2026_08_usd_bn"]


def openai_growth_pct(p: Mapping[str, Any], facts) -> float:
    """OpenAI's revenue growth in its last full year [%]: ``current / previous − 1``.

    The current year's revenue is the parameter ``current_revenue_usd_bn`` (of
    ``current_revenue_year``); the year before is the fact ``openai_revenue_<year−1>_usd_bn``.
    Annual revenue against annual revenue, not run-rate against run-rate.
    """
    previous = float(facts[f"openai_revenue_{int(p['current_revenue_year']) - 1}_usd_bn"].value)
    return (p["current_revenue_usd_bn"] / previous - 1.0) * 100.0


def growth_multiple(p: Mapping[str, Any], comps, facts, mult: Mapping[str, Any]
                    ) -> dict[str, Any]:
    """The growth-adjusted multiple of the comparables and what it implies for OpenAI.

    Parameters
    ----------
    p : mapping
        The notebook's parameters (``current_revenue_usd_bn``, ``current_revenue_year``,
        ``latest_run_rate_revenue_usd_bn``).
    comps : DataFrame
        :func:`valse.data.comparables.load_comparables`; rows without a sourced growth are
        left out of the fit and named in ``left_out``.
    facts : FactTable
        For OpenAI's previous year's revenue.
    mult : mapping
        :func:`valse.report.valuation_market.multiples` (OpenAI's multiple at the round).

    Returns
    -------
    dict
        ``fit`` (:class:`~valse.model.multiples.GrowthFit`), ``growth`` (OpenAI's, %),
        ``implied_x`` and ``implied_ev`` (the line's multiple at that growth, times the latest
        run-rate), ``implied_ev_p10``/``p90`` (the prediction interval, floored at zero),
        ``round_x`` (OpenAI's multiple at the round), ``ratio_median`` (the comparables'
        median EV / revenue per point of growth), ``openai_ratio`` (OpenAI's at the round),
        ``ratio_ev`` (the run-rate at the median ratio), ``extrapolation`` (OpenAI's growth
        above the sample's highest), ``top_company`` (the fastest-growing comparable) and
        ``fit_without_top`` (the fit without it: how much the line rests on one company),
        ``left_out`` and ``table`` (one row a company).
    """
    import numpy as np
    from scipy.special import stdtrit  # Student's t quantile, as scipy.stats.t.ppf

    sample = comps[comps["revenue_growth_pct"].notna()]
    fit = mx.growth_multiple_fit(sample["revenue_growth_pct"], sample["ev_to_revenue_x"])
    growth = openai_growth_pct(p, facts)
    run_rate = p["latest_run_rate_revenue_usd_bn"]
    implied_x = mx.multiple_at_growth_x(fit, growth)
    spread = stdtrit(fit.n - 2, RANGE_QUANTILE) * mx.prediction_sd_x(fit, growth)
    ratios = [mx.ev_to_growth_ratio(m, g) for m, g in
              zip(sample["ev_to_revenue_x"], sample["revenue_growth_pct"], strict=True) if g > 0]
    ratio_median = float(np.median(ratios))
    table = sample[["ticker", "revenue_growth_pct", "ev_to_revenue_x", "growth_basis",
                    "growth_period", "growth_status"]].copy()
    table["fitted_x"] = [mx.multiple_at_growth_x(fit, g) for g in table["revenue_growth_pct"]]
    top = sample["revenue_growth_pct"].idxmax()
    rest = sample.drop(index=top)
    without_top = mx.growth_multiple_fit(rest["revenue_growth_pct"], rest["ev_to_revenue_x"])
    return {
        "fit": fit,
        "growth": growth,
        "implied_x": implied_x,
        "implied_ev": implied_x * run_rate,
        "implied_ev_p10": float(max(implied_x - spread, 0.0) * run_rate),
        "implied_ev_p90": float((implied_x + spread) * run_rate),
        "round_x": mult["run_rate_x"],
        "ratio_median": ratio_median,
        "openai_ratio": mx.ev_to_growth_ratio(mult["run_rate_x"], growth),
        "ratio_ev": ratio_median * growth * run_rate,
        "extrapolation": bool(growth > fit.growth_max),
        "top_company": str(top),
        "fit_without_top": without_top,
        "left_out": [str(c) for c in comps.index if c not in sample.index],
        "table": table,
    }


def growth_multiple_story(p: Mapping[str, Any], gm: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the template ``01_valuation/growth_multiple``."""
    fit = gm["fit"]
    return {
        "n": fit.n, "slope": fit.slope, "intercept": fit.intercept, "r2": fit.r_squared,
        "growth_min": fit.growth_min, "growth_max": fit.growth_max,
        "top_company": gm["top_company"],
        "slope_without_top": gm["fit_without_top"].slope,
        "r2_without_top": gm["fit_without_top"].r_squared,
        "implied_x_without_top": mx.multiple_at_growth_x(gm["fit_without_top"], gm["growth"]),
        "growth": gm["growth"], "current_revenue_year": str(p["current_revenue_year"]),
        "previous_year": str(int(p["current_revenue_year"]) - 1),
        "extrapolation": gm["extrapolation"],
        "times_range": gm["growth"] / fit.growth_max,
        "implied_x": gm["implied_x"], "implied_ev": gm["implied_ev"],
        "p10": gm["implied_ev_p10"], "p90": gm["implied_ev_p90"],
        "run_rate": p["latest_run_rate_revenue_usd_bn"], "round_x": gm["round_x"],
        "ratio_median": gm["ratio_median"], "openai_ratio": gm["openai_ratio"],
        "ratio_ev": gm["ratio_ev"],
        "left_out": ", ".join(gm["left_out"]),
    }


def growth_multiple_metric(gm: Mapping[str, Any]) -> dict[str, Any]:
    """The record of ``openai_growth_adjusted_ev_usd_bn`` (keyword arguments of ``metric``)."""
    return dict(
        name="openai_growth_adjusted_ev_usd_bn", value=gm["implied_ev"], unit="USD bn",
        label=("OpenAI's enterprise value at the multiple the comparables' line of EV / revenue "
               "on revenue growth gives at OpenAI's growth, on its August 2026 run-rate"),
        sources=GROWTH_FACTS, params=["current_revenue_usd_bn", "current_revenue_year",
                                      "latest_run_rate_revenue_usd_bn"],
        p10=gm["implied_ev_p10"], p50=gm["implied_ev"], p90=gm["implied_ev_p90"])
