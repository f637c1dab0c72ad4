"""Sections 2 to 5 of notebook 01: the round, the tranches, the effective price, the IPO stakes.

Each function takes ``p``, the notebook's parameters (its ``globals()``), and returns plain
numbers and tables built with :mod:`valse.model.valuation`; ``*_story`` functions return the
figures of the section's template (``01_valuation/<name>``); ``*_metrics`` the metric records
(keyword arguments of :func:`valse.report.record.metric`). The notebook shows each section
with a few one-line calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from valse.model import ipo, uncertainty, valuation
from valse.model.cloud import economic_cost_usd_bn

#: Said of a price per point of a stake that does not exist.
UNDEFINED = "not defined when Amazon invests nothing"


def _reading(p: Mapping[str, Any]) -> dict[str, str]:
    from valse.model.deal import READING_NAMES
    from valse.report.valuation_story import reading_of

    reading = reading_of(p)
    return {"reading": reading, "reading_name": READING_NAMES[reading]}


# --- section 2: the round -----------------------------------------------------------------------


def the_round(p: Mapping[str, Any]) -> dict[str, Any]:
    """The cap table before and after the round, and the round's price of one point.

    Returns
    -------
    dict
        ``post``, ``before``, ``new_money``, ``after`` (by holder), ``cap`` (the table),
        ``amazon_stake`` [%], ``price_point`` (the round's price of one point of OpenAI: Amazon's
        money over its stake, the whole round's if Amazon invests nothing) [USD bn].
    """
    import pandas as pd

    post = valuation.post_money_valuation_usd_bn(p["pre_money_valuation_usd_bn"],
                                                 p["round_size_usd_bn"])
    before = valuation.holdings_before_round_pct(
        {"Microsoft": p["microsoft_stake_before_pct"],
         "OpenAI Foundation": p["foundation_stake_before_pct"]},
        "Employees and other investors")
    new_money = valuation.round_allocation_usd_bn(
        p["round_size_usd_bn"], p["amazon_investment_usd_bn"], "Amazon",
        {"NVIDIA": p["nvidia_round_usd_bn"], "SoftBank": p["softbank_round_usd_bn"]},
        "Other 2026 investors")
    after = valuation.cap_table_after_round_pct(before, new_money, p["pre_money_valuation_usd_bn"])
    cap = pd.DataFrame({"before the round (%)": pd.Series(before),
                        "new money (USD bn)": pd.Series(new_money),
                        "after the round (%)": pd.Series(after)}).reindex(list(after)).fillna(0.0)
    cap["value at the round's price (USD bn)"] = [valuation.stake_value_usd_bn(s, post)
                                                   for s in cap["after the round (%)"]]
    buyer = (p["amazon_investment_usd_bn"] if p["amazon_investment_usd_bn"] > 0
             else p["round_size_usd_bn"])
    price_point = valuation.price_per_stake_point_usd_bn(buyer, valuation.stake_pct(buyer, post))
    return {"post": post, "before": before, "new_money": new_money, "after": after, "cap": cap,
            "amazon_stake": after["Amazon"], "price_point": price_point}


def round_metrics(p: Mapping[str, Any], r: Mapping[str, Any], round_facts: list[str]
                  ) -> list[dict[str, Any]]:
    """The records of the round: post-money, Amazon's stake, Microsoft's stake after it."""
    return [
        dict(name="post_money_valuation_usd_bn", value=r["post"], unit="USD bn",
             label="OpenAI's valuation after the round (pre-money + round)",
             sources=round_facts, params=["pre_money_valuation_usd_bn", "round_size_usd_bn"]),
        dict(name="amazon_stake_pct", value=r["amazon_stake"], unit="%",
             label="Amazon's stake if the whole commitment is invested at the round's price",
             sources=round_facts, params=["amazon_investment_usd_bn",
                                          "pre_money_valuation_usd_bn", "round_size_usd_bn"]),
        dict(name="microsoft_stake_after_round_pct", value=r["after"]["Microsoft"], unit="%",
             label="Microsoft's stake after the round (diluted by pre-money / post-money)",
             sources=["microsoft_openai_stake_pct"] + round_facts,
             params=["microsoft_stake_before_pct", "pre_money_valuation_usd_bn",
                     "round_size_usd_bn"]),
    ]


def round_story(p: Mapping[str, Any], r: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the template ``01_valuation/round``."""
    return {
        **_reading(p), "invests": p["amazon_investment_usd_bn"] > 0,
        "pre": p["pre_money_valuation_usd_bn"], "post": r["post"],
        "price_point": r["price_point"], "investment": p["amazon_investment_usd_bn"],
        "stake": r["amazon_stake"], "round": p["round_size_usd_bn"],
        "kept_pct": 100 * valuation.dilution_factor(p["pre_money_valuation_usd_bn"],
                                                    p["round_size_usd_bn"]),
        "msft_before": r["before"]["Microsoft"], "msft_after": r["after"]["Microsoft"],
        "foundation_before": r["before"]["OpenAI Foundation"],
        "foundation_after": r["after"]["OpenAI Foundation"],
        "scaled": r["new_money"]["NVIDIA"] < p["nvidia_round_usd_bn"],
        "nvidia_scaled": r["new_money"]["NVIDIA"],
    }


# --- section 3: the tranches --------------------------------------------------------------------


def tranches(p: Mapping[str, Any], r: Mapping[str, Any]) -> dict[str, Any]:
    """Amazon's stake and amount by whether the milestones are met, and their expectation.

    The seeded generator is returned (``gen``): section 4 draws the AWS margin from it next, as
    the notebook always has, so that the same seed gives the same bytes.

    Returns
    -------
    dict
        ``stake_missed``, ``stake_expected`` [%], ``amount_expected`` [USD bn] and
        ``amount_band`` (P10, P50, P90 over the triangular law of the probability),
        ``table`` (amount and stake by probability, 0 to 1 by 0.05), ``gen``.
    """
    import pandas as pd

    inv, up = p["amazon_investment_usd_bn"], p["amazon_upfront_usd_bn"]
    rnd, pre = p["round_size_usd_bn"], p["pre_money_valuation_usd_bn"]
    gen = uncertainty.rng(p["seed"])
    p_draws = uncertainty.triangular(gen, p["contingent_tranche_probability_low"],
                                     p["contingent_tranche_probability"],
                                     p["contingent_tranche_probability_high"], p["draws"])
    amount_band = uncertainty.p10_p50_p90(
        [valuation.expected_investment_usd_bn(inv, up, q) for q in p_draws])
    grid = np.linspace(0, 1, 21)
    table = pd.DataFrame({
        "probability the milestones are met": grid,
        "expected amount (USD bn)": [valuation.expected_investment_usd_bn(inv, up, q)
                                     for q in grid],
        "expected stake (%)": [valuation.expected_stake_pct(inv, up, q, rnd, pre) for q in grid],
    }).set_index("probability the milestones are met")
    prob = p["contingent_tranche_probability"]
    return {
        "stake_missed": valuation.stake_if_milestones_missed_pct(inv, up, rnd, pre),
        "stake_expected": valuation.expected_stake_pct(inv, up, prob, rnd, pre),
        "amount_expected": valuation.expected_investment_usd_bn(inv, up, prob),
        "amount_band": amount_band, "table": table, "gen": gen,
        "amazon_stake": r["amazon_stake"],
    }


def tranche_metrics(p: Mapping[str, Any], t: Mapping[str, Any], tranche_facts: list[str],
                    round_facts: list[str]) -> list[dict[str, Any]]:
    """The records of the tranches: expected amount, stake if missed, expected stake."""
    from valse.report.valuation_story import recorded_band

    base = ["amazon_investment_usd_bn", "amazon_upfront_usd_bn"]
    shape = ["round_size_usd_bn", "pre_money_valuation_usd_bn"]
    return [
        dict(name="amazon_expected_investment_usd_bn", value=t["amount_expected"],
             unit="USD bn",
             label=("Amazon's expected investment: upfront part plus the milestone part times "
                    "its probability"),
             sources=tranche_facts, params=base + ["contingent_tranche_probability"],
             **recorded_band(t["amount_band"], t["amount_expected"])),
        dict(name="amazon_stake_if_milestones_missed_pct", value=t["stake_missed"], unit="%",
             label=("Amazon's stake if only the upfront part is paid (the round shrinks by the "
                    "contingent part)"),
             sources=tranche_facts + round_facts, params=base + shape),
        dict(name="amazon_expected_stake_pct", value=t["stake_expected"], unit="%",
             label="Amazon's stake weighted by the probability that the milestones are met",
             sources=tranche_facts + round_facts,
             params=base + ["contingent_tranche_probability"] + shape),
    ]


def tranche_story(p: Mapping[str, Any], t: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the template ``01_valuation/tranches``."""
    return {
        **_reading(p), "invests": p["amazon_investment_usd_bn"] > 0,
        "contingent": p["amazon_upfront_usd_bn"] < p["amazon_investment_usd_bn"],
        "investment": p["amazon_investment_usd_bn"], "upfront": p["amazon_upfront_usd_bn"],
        "stake": t["amazon_stake"], "stake_missed": t["stake_missed"],
        "stake_expected": t["stake_expected"], "probability": p["contingent_tranche_probability"],
        "amount_expected": t["amount_expected"],
        "amount_p10": t["amount_band"][0], "amount_p90": t["amount_band"][2],
    }


# --- section 4: the effective price ---------------------------------------------------------------


def effective_price(p: Mapping[str, Any], r: Mapping[str, Any], gen) -> dict[str, Any]:
    """Amazon's economic cost (net of the AWS margin on the tied spending) and its price per point.

    Returns
    -------
    dict
        ``cost`` [USD bn]; with a stake, ``discount`` [%], ``discount_band`` (over the AWS
        margin drawn from ``gen``), ``effective_point`` [USD bn]; ``table`` (headline and
        economic cost, with the price per point or :data:`UNDEFINED`).
    """
    import pandas as pd

    inv, services = p["amazon_investment_usd_bn"], p["aws_services_usd_bn"]
    cost = economic_cost_usd_bn(inv, services, p["aws_ai_operating_margin"])
    margins = uncertainty.triangular(gen, p["aws_ai_operating_margin_low"],
                                     p["aws_ai_operating_margin"],
                                     p["aws_ai_operating_margin_high"], p["draws"])
    index = ["headline investment", "economic cost (net of AWS margin)"]
    if inv <= 0:  # no stake: a price per point of it, and a discount on that price, do not exist
        table = pd.DataFrame({"amount (USD bn)": [f"{inv:.2f}", f"{cost:.2f}"],
                              "price per point of OpenAI (USD bn)": [UNDEFINED, UNDEFINED]},
                             index=index)
        return {"cost": cost, "table": table, "discount": None}
    discount = valuation.effective_stake_price_discount_pct(inv, cost)
    point = valuation.price_per_stake_point_usd_bn(cost, r["amazon_stake"])
    band = uncertainty.p10_p50_p90([valuation.effective_stake_price_discount_pct(
        inv, economic_cost_usd_bn(inv, services, m)) for m in margins])
    table = pd.DataFrame({"amount (USD bn)": [inv, cost],
                          "price per point of OpenAI (USD bn)": [r["price_point"], point]},
                         index=index)
    return {"cost": cost, "table": table, "discount": discount, "discount_band": band,
            "effective_point": point}


def effective_price_metrics(p: Mapping[str, Any], e: Mapping[str, Any], sources: list[str]
                            ) -> list[dict[str, Any]]:
    """The record of the discount, when a stake exists."""
    from valse.report.valuation_story import recorded_band

    if e["discount"] is None:
        return []
    return [dict(
        name="amazon_effective_stake_price_discount_pct", value=e["discount"], unit="%",
        label=("How much cheaper Amazon's stake is when priced at its economic cost (investment "
               "net of the AWS margin on the tied spending) rather than at the headline amount"),
        sources=sources,
        params=["amazon_investment_usd_bn", "aws_services_usd_bn", "aws_ai_operating_margin"],
        **recorded_band(e["discount_band"], e["discount"]))]


def effective_price_story(p: Mapping[str, Any], r: Mapping[str, Any], e: Mapping[str, Any]
                          ) -> dict[str, Any]:
    """The figures of the template ``01_valuation/effective_price``."""
    band = e.get("discount_band") or (0.0, 0.0, 0.0)
    return {
        **_reading(p), "invests": e["discount"] is not None, "undefined": UNDEFINED,
        "services": p["aws_services_usd_bn"], "margin": p["aws_ai_operating_margin"],
        "cost": e["cost"], "price_point": r["price_point"],
        "effective_point": e.get("effective_point", 0.0),
        "discount": e["discount"] if e["discount"] is not None else 0.0,
        "discount_p10": band[0], "discount_p90": band[2],
    }


# --- section 5: the stakes at the IPO ----------------------------------------------------------


def stakes_at_ipo(p: Mapping[str, Any], r: Mapping[str, Any], t: Mapping[str, Any]
                  ) -> dict[str, Any]:
    """Each holder's stake at a grid of IPO valuations, and Amazon's break-even.

    Returns
    -------
    dict
        ``grid`` [USD bn], ``table`` (value by holder and IPO valuation, USD bn), ``shown``
        (the rows at the post-money and the reported target's ends), ``breakeven`` (None if
        Amazon invests nothing), ``value_central`` (Amazon's expected stake at the central IPO
        valuation), ``multiple`` (over the expected amount, None if no investment),
        ``msft_value``, ``foundation_value`` [USD bn].
    """
    import pandas as pd

    lo, mid, hi = (p["ipo_valuation_usd_bn_low"], p["ipo_valuation_usd_bn"],
                   p["ipo_valuation_usd_bn_high"])
    d = p["ipo_dilution"]
    grid = np.unique(np.round(np.concatenate([
        np.linspace(0.5 * p["pre_money_valuation_usd_bn"], 1.6 * hi, 12),
        [r["post"], lo, mid, hi]]), 0))
    after = r["after"]
    holders = {"Amazon (all paid)": r["amazon_stake"], "Amazon (expected)": t["stake_expected"],
               "Amazon (upfront only)": t["stake_missed"], "Microsoft": after["Microsoft"],
               "OpenAI Foundation": after["OpenAI Foundation"],
               "Employees and other investors": after["Employees and other investors"]}
    table = pd.DataFrame(
        {name: [ipo.stake_value_at_ipo_usd_bn(s, v, d) for v in grid]
         for name, s in holders.items()},
        index=pd.Index(grid, name="IPO valuation (USD bn)"))
    invests = p["amazon_investment_usd_bn"] > 0
    central = ipo.stake_value_at_ipo_usd_bn(t["stake_expected"], mid, d)
    return {
        "grid": grid, "table": table, "shown": table.loc[[r["post"], lo, hi]],
        "breakeven": (ipo.breakeven_ipo_valuation_usd_bn(
            t["amount_expected"], t["stake_expected"], d) if invests else None),
        "value_central": central,
        "multiple": (ipo.multiple_on_investment_x(central, t["amount_expected"])
                     if invests else None),
        "msft_value": ipo.stake_value_at_ipo_usd_bn(after["Microsoft"], mid, d),
        "foundation_value": ipo.stake_value_at_ipo_usd_bn(after["OpenAI Foundation"],
                                                                mid, d),
    }


def stakes_at_ipo_story(p: Mapping[str, Any], r: Mapping[str, Any], t: Mapping[str, Any],
                        s: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the template ``01_valuation/stakes_at_ipo``."""
    return {
        **_reading(p), "invests": s["breakeven"] is not None, "undefined": UNDEFINED,
        "ipo": p["ipo_valuation_usd_bn"], "dilution": p["ipo_dilution"],
        "value_central": s["value_central"], "amount_expected": t["amount_expected"],
        "multiple": s["multiple"] or 0.0, "breakeven": s["breakeven"] or 0.0,
        "msft_after": r["after"]["Microsoft"], "msft_value": s["msft_value"],
        "foundation_value": s["foundation_value"],
    }
