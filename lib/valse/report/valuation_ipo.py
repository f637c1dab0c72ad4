"""Amazon's stake at OpenAI's listing in notebook 01, from the one IPO valuation distribution.

The distribution is the deal NPV's (:mod:`valse.model.tranche`): a listing (with the tranche
paid) whose value is lognormal with its *mean* at the evidence (the reported target's middle,
the secondary marks inside it: fact ``npv_assumption_openai_listing_value_usd_bn``), and a
delayed or no-IPO branch in which Amazon holds what the upfront part bought, at a private mark.
Notebook 01 draws it with :func:`valse.model.tranche.draw_states`, as
:func:`valse.model.deal_npv.monte_carlo_npv` does, and shows the holding's value undiscounted
(what it is worth at the state's date against what Amazon pays).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from valse.model import tranche, uncertainty, valuation

#: Facts behind the distribution (the deal NPV's, with the reported target it is centred on).
IPO_DISTRIBUTION_FACTS: list[str] = [
    "npv_assumption_openai_listing_value_usd_bn", "npv_assumption_openai_private_value_usd_bn",
    "npv_assumption_openai_value_volatility", "npv_assumption_value_correlation",
    "npv_assumption_openai_listing_probability", "openai_ipo_target_valuation_usd_bn",
    "openai_secondary_forge_2026_04_usd_bn", "valuation_ipo_dilution",
]
#: Parameters the distribution depends on.
IPO_DISTRIBUTION_PARAMS: list[str] = [
    "amazon_investment_usd_bn", "amazon_upfront_usd_bn", "contingent_tranche_probability",
    "contingent_tranche_year", "pre_money_valuation_usd_bn", "round_size_usd_bn",
    "openai_listing_value_usd_bn", "openai_private_value_usd_bn", "openai_value_volatility",
    "openai_listing_probability", "listing_year", "lapse_year", "ipo_dilution",
    "value_correlation", "tranche_pricing",
]
#: Inputs moved one at a time, and how they are named.
INPUT_LABELS: dict[str, str] = {
    "openai_listing_value_usd_bn": "OpenAI's value at listing (mean)",
    "ipo_dilution": "Share sold at the IPO",
    "contingent_tranche_probability": "Chance the milestones are met",
}
INPUT_WORDS: dict[str, str] = {
    "openai_listing_value_usd_bn": "OpenAI's value at the listing",
    "ipo_dilution": "the share sold at the IPO",
    "contingent_tranche_probability": "the chance that the milestones are met",
}


def ipo_tranche(p: Mapping[str, Any]) -> tranche.Tranche:
    """The :class:`~valse.model.tranche.Tranche` of notebook 01's parameters.

    The discount rates play no part in the undiscounted values shown here; they are filled
    with 0 when 01 does not declare them.
    """
    return tranche.create_tranche({"discount_rate": 0.0, "stake_discount_rate": 0.0, **p})


def _ranges(p: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Ranges of the moved inputs; the listing value's is the reported IPO target's range,
    widened to hold the central value if a scenario sets it outside."""
    v = p["openai_listing_value_usd_bn"]
    return {
        "openai_listing_value_usd_bn": (min(p["ipo_valuation_usd_bn_low"], v),
                                        max(p["ipo_valuation_usd_bn_high"], v)),
        "ipo_dilution": (p["ipo_dilution_low"], p["ipo_dilution_high"]),
        "contingent_tranche_probability": (p["contingent_tranche_probability_low"],
                                           p["contingent_tranche_probability_high"]),
    }


def ipo_distribution(p: Mapping[str, Any], amount_expected_usd_bn: float) -> dict[str, Any]:
    """Amazon's holding over the one IPO valuation distribution, with its band and tornado.

    Returns
    -------
    dict
        ``tranche``; ``value_draws`` (OpenAI's value in each draw) and ``listed`` (bool);
        ``holding_draws`` (Amazon's holding at the state's date, USD bn); ``central``
        (:func:`valse.model.tranche.expected_holding_value_usd_bn`) and ``band`` (P10, P50,
        P90 of the holding draws); ``listed_band`` (P10, P50, P90 of OpenAI's value at a
        listing, closed form); ``p_listed``; ``tornado`` (one-at-a-time rows over the
        central expectation); ``amount_expected``; ``breakeven`` (listing value at which the
        expected holding equals the expected amount paid, other inputs central; None if
        Amazon invests nothing).
    """
    t = ipo_tranche(p)
    states = tranche.draw_states(t, uncertainty.rng(p["seed"]), p["draws"],
                                 p["value_correlation"])
    holding = tranche.drawn_holding_value_usd_bn(t, states)
    central = tranche.expected_holding_value_usd_bn(t)
    fields = {k: getattr(t, k) for k in IPO_DISTRIBUTION_PARAMS if hasattr(t, k)}

    def model(**kw):
        return tranche.expected_holding_value_usd_bn(
            tranche.create_tranche({**fields, "discount_rate": 0.0,
                                    "stake_discount_rate": 0.0, **kw}))

    rows = uncertainty.one_at_a_time(model, fields, _ranges(p))
    sigma = t.openai_value_volatility
    listed_band = tuple(tranche.lognormal_quantile_usd_bn(t.openai_listing_value_usd_bn,
                                                          sigma, q) for q in (0.1, 0.5, 0.9))
    breakeven = None
    if p["amazon_investment_usd_bn"] > 0:
        # the expected holding is affine in the listing value: solve from two points
        at0, at1 = model(openai_listing_value_usd_bn=0.0), model(openai_listing_value_usd_bn=1.0)
        breakeven = (amount_expected_usd_bn - at0) / (at1 - at0) if at1 > at0 else None
    return {
        "tranche": t, "value_draws": states["openai_value_usd_bn"], "listed": states["paid"],
        "holding_draws": holding, "central": central,
        "band": uncertainty.p10_p50_p90(holding), "listed_band": listed_band,
        "p_listed": tranche.listing_probability(t), "tornado": rows,
        "amount_expected": amount_expected_usd_bn, "breakeven": breakeven,
        "above_cost_pct": 100 * float(np.mean(holding > amount_expected_usd_bn)),
    }


def tornado_frame(result: Mapping[str, Any]):
    """The tornado rows as a table (USD bn), for the CSV behind the chart."""
    import pandas as pd

    return pd.DataFrame(result["tornado"], columns=[
        "input", "value at low (USD bn)", "value at high (USD bn)", "swing (USD bn)",
    ]).set_index("input")


def draws_frame(result: Mapping[str, Any]):
    """The draws as a table, for the CSV behind the histogram."""
    import pandas as pd

    return pd.DataFrame({"OpenAI value (USD bn)": result["value_draws"],
                         "listed": result["listed"],
                         "Amazon holding (USD bn)": result["holding_draws"]})


def ipo_metric(p: Mapping[str, Any], result: Mapping[str, Any], sources: list[str]
               ) -> dict[str, Any]:
    """The record of ``amazon_stake_value_at_ipo_usd_bn`` (keyword arguments of ``metric``)."""
    from valse.report.valuation_story import recorded_band

    return dict(
        name="amazon_stake_value_at_ipo_usd_bn", value=result["central"], unit="USD bn",
        label=("Expected value of Amazon's OpenAI holding at the listing (tranche paid, after "
               "the IPO's new shares), or at a private mark if OpenAI has not listed by the end "
               "of 2028; the deal NPV's lognormal distribution, undiscounted"),
        sources=list(dict.fromkeys(sources + IPO_DISTRIBUTION_FACTS)),
        params=IPO_DISTRIBUTION_PARAMS, **recorded_band(result["band"], result["central"]))


def ipo_distribution_story(p: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the template ``01_valuation/ipo_distribution``."""
    from valse.model.deal import READING_NAMES
    from valse.report.valuation_story import reading_of

    reading = reading_of(p)
    rows = result["tornado"]
    moving = [r for r in rows if r[3] > 0]
    t = result["tranche"]
    breakeven = result["breakeven"]
    lo, hi = p["ipo_valuation_usd_bn_low"], p["ipo_valuation_usd_bn_high"]
    if breakeven is None:
        verdict = "none"
    elif breakeven <= lo:
        verdict = "below"
    elif breakeven >= hi:
        verdict = "above"
    else:
        verdict = "inside"
    listed = np.asarray(result["value_draws"])[np.asarray(result["listed"], dtype=bool)]
    post = valuation.post_money_valuation_usd_bn(p["pre_money_valuation_usd_bn"],
                                                 p["round_size_usd_bn"])
    return {
        "reading": reading, "reading_name": READING_NAMES[reading],
        "invests": p["amazon_investment_usd_bn"] > 0,
        "has_tranche": t.has_tranche,
        "central": result["central"],
        "p10": result["band"][0], "p50": result["band"][1], "p90": result["band"][2],
        "amount_expected": result["amount_expected"],
        "listing_mean": t.openai_listing_value_usd_bn,
        "listing_p10": result["listed_band"][0], "listing_p50": result["listed_band"][1],
        "listing_p90": result["listed_band"][2],
        "private_mean": t.openai_private_value_usd_bn,
        "volatility": t.openai_value_volatility,
        "p_listed": result["p_listed"],
        "below_post_pct": 100 * float(np.mean(listed < post)) if listed.size else 0.0,
        "post": post,
        "target_low": lo, "target_high": hi,
        "top": INPUT_WORDS[moving[0][0]] if moving else "",
        "has_top": bool(moving),
        "breakeven": breakeven if breakeven is not None else 0.0,
        "verdict": verdict,
        "above_cost_pct": result["above_cost_pct"],
    }
