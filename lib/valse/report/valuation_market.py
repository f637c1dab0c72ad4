"""Notebook 01's market readings: multiples, the football field, the supplier share of the
round and its price test, and the fair value behind the post-money with Amazon's books.

Each function takes ``p``, the notebook's parameters (its ``globals()``); the models are
:mod:`valse.model.valuation`, :mod:`valse.model.fair_value` and
:mod:`valse.model.openai_finances`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valse.model import multiples as mx
from valse.report.valuation_dcf import DCF_PARAMS
from valse.report.valuation_story import (
    ROUND_FACTS,
    money_to_come_usd_bn,
    post_money_usd_bn,
    reading_of,
    recorded_band,
)


def enterprise_value_usd_bn(p: Mapping[str, Any]) -> float:
    """OpenAI's enterprise value behind the post-money: less its cash and the money to come.

    The cash is the reported cash and securities after the round closed (31 March 2026), used
    in both readings (no other figure is in the facts); the money to come is Amazon's
    contingent part (:func:`money_to_come_usd_bn`). OpenAI has no reported debt in the facts.
    """
    return mx.enterprise_value_usd_bn(
        post_money_usd_bn(p), p["openai_cash_usd_bn"], money_to_come_usd_bn(p))


def multiples(p: Mapping[str, Any], comps) -> dict[str, Any]:
    """OpenAI's EV / revenue multiples against the listed comparables, and what they imply.

    Returns
    -------
    dict
        ``ev``; ``trailing_x`` (EV / last full year's revenue) and ``run_rate_x`` (EV / the
        latest annualised revenue); ``equity_x`` (the first edition's post-money / February
        run-rate, for comparison); ``q25, q50, q75`` of the comparables' EV / revenue;
        ``implied_ev`` (low, high): the latest run-rate times the interquartile multiples;
        ``higher``: comparables priced above OpenAI's run-rate multiple; ``table``: one row a
        company, OpenAI's two rows included.
    """
    import pandas as pd

    from valse.data.comparables import multiple_quantiles_x

    ev = enterprise_value_usd_bn(p)
    trailing = mx.ev_to_revenue_x(ev, p["current_revenue_usd_bn"])
    run_rate = mx.ev_to_revenue_x(ev, p["latest_run_rate_revenue_usd_bn"])
    q25, q50, q75 = multiple_quantiles_x(comps["ev_to_revenue_x"])
    rows = comps[["ticker", "ev_to_revenue_x", "as_of"]].rename(
        columns={"ev_to_revenue_x": "EV / revenue (x)"})
    ours = pd.DataFrame(
        {"ticker": ["OpenAI", "OpenAI"], "EV / revenue (x)": [trailing, run_rate],
         "as_of": [str(p["current_revenue_year"]), "2026-08"]},
        index=[f"OpenAI on {p['current_revenue_year']} revenue",
               "OpenAI on its Aug 2026 run-rate"])
    table = pd.concat([rows, ours]).sort_values("EV / revenue (x)")
    return {
        "ev": ev,
        "trailing_x": trailing,
        "run_rate_x": run_rate,
        "equity_x": mx.ev_to_revenue_x(post_money_usd_bn(p), p["run_rate_revenue_usd_bn"]),
        "q25": q25, "q50": q50, "q75": q75,
        "implied_ev": (p["latest_run_rate_revenue_usd_bn"] * q25,
                       p["latest_run_rate_revenue_usd_bn"] * q75),
        "higher": [f"{c} ({m:.0f}x)" for c, m in comps["ev_to_revenue_x"].items()
                   if m > run_rate],
        "n": len(comps),
        "table": table,
    }


def football_field(p: Mapping[str, Any], facts, mult: Mapping[str, Any],
                   dcf_result: Mapping[str, Any]):
    """Ranges of OpenAI's equity value by method, every bar an equity value.

    The comparables' enterprise values are put on the post-money's basis by adding back the
    cash and the money to come; the DCF already counts them; the round, the secondary trades
    and the IPO target are equity values as reported. The DCF bar is its P10–P90 (or, when
    :func:`band` gives none, the value moved one input at a time). Returns a DataFrame
    indexed by method with ``low (USD bn)`` and ``high (USD bn)``.
    """
    import pandas as pd

    post = post_money_usd_bn(p)
    add_back = post - mult["ev"]
    forge = facts["openai_secondary_forge_2026_04_usd_bn"]
    band_ = dcf_result["value_band"]
    if band_:
        dcf_low, dcf_high, dcf_words = band_[0], band_[2], "P10–P90"
    else:
        ends = [dcf_result["value"], *(v for row in dcf_result["value_swings"] for v in row[1:3])]
        dcf_low, dcf_high, dcf_words = min(ends), max(ends), "inputs moved one at a time"
    rows = [
        ("Round: pre- to post-money", p["pre_money_valuation_usd_bn"], post),
        ("Secondary trades, April 2026 (estimate)", forge.low, forge.high),
        ("Comparables: EV multiples × Aug 2026 run-rate, plus cash", mult["implied_ev"][0]
         + add_back, mult["implied_ev"][1] + add_back),
        (f"Multi-stage DCF of the OpenAI {p['revenue_target_year']} plan ({dcf_words})", dcf_low,
         dcf_high),
        ("Reported IPO target", p["ipo_valuation_usd_bn_low"], p["ipo_valuation_usd_bn_high"]),
    ]
    return pd.DataFrame(rows, columns=["method", "low (USD bn)", "high (USD bn)"]).set_index(
        "method")


def multiples_story(p: Mapping[str, Any], mult: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the template ``01_valuation/multiples``."""
    from valse.model.deal import READING_NAMES

    reading = reading_of(p)
    return {
        "reading": reading,
        "reading_name": READING_NAMES[reading],
        "post": post_money_usd_bn(p),
        "ev": mult["ev"],
        "cash": p["openai_cash_usd_bn"],
        "money_to_come": money_to_come_usd_bn(p),
        "trailing_x": mult["trailing_x"],
        "run_rate_x": mult["run_rate_x"],
        "equity_x": mult["equity_x"],
        "q25": mult["q25"], "q50": mult["q50"], "q75": mult["q75"],
        "implied_low": mult["implied_ev"][0], "implied_high": mult["implied_ev"][1],
        "higher": ", ".join(mult["higher"]),
        "n_comps": mult["n"],
        "run_rate": p["latest_run_rate_revenue_usd_bn"],
        "current_revenue_year": str(p["current_revenue_year"]),
    }


def multiples_metric(p: Mapping[str, Any], mult: Mapping[str, Any], round_facts: list[str]
                     ) -> dict[str, Any]:
    """The record of ``openai_revenue_multiple_x`` (keyword arguments of ``metric``)."""
    return dict(
        name="openai_revenue_multiple_x", value=mult["run_rate_x"], unit="x",
        label=("OpenAI's enterprise value (post-money less cash and money still to come) over "
               "its annualised revenue of August 2026"),
        sources=round_facts + ["openai_cash_2026_03_usd_bn", "amazon_openai_contingent_usd_bn",
                               "openai_annualized_revenue_2026_08_usd_bn"],
        params=["pre_money_valuation_usd_bn", "round_size_usd_bn", "openai_cash_usd_bn",
                "amazon_investment_usd_bn", "amazon_upfront_usd_bn",
                "latest_run_rate_revenue_usd_bn"])


def football_field_story(p: Mapping[str, Any], field, mult: Mapping[str, Any],
                         dcf_result: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the template ``01_valuation/football_field`` (``dcf_result`` from
    :func:`reverse_dcf`: its value and whether a plausible revenue reaches the price)."""
    dcf_value_usd_bn = dcf_result["value"]
    post = post_money_usd_bn(p)
    market_low = min(post, field["low (USD bn)"].iloc[1], field["low (USD bn)"].iloc[4])
    return {
        **multiples_story(p, mult),
        "dcf_value": dcf_value_usd_bn,
        "plausible": dcf_result["plausible"],
        "bound": dcf_result["plausibility"]["bound"],
        "value_at_bound": dcf_result["plausibility"]["value_at_bound"],
        "target_year": str(p["target_year"]),
        "market_above": bool(dcf_value_usd_bn < market_low),
        "covers": "; ".join(m for m, (lo, hi) in field.iterrows() if lo <= post <= hi),
        "below": "; ".join(m for m, (lo, hi) in field.iterrows() if hi < post),
        "above": "; ".join(m for m, (lo, hi) in field.iterrows() if lo > post),
        "revenue_methods_below": bool(field["high (USD bn)"].iloc[2:4].max() < post),
        "revenue_methods_cover": bool(any(lo <= post <= hi for lo, hi in
                                          field.iloc[2:4].to_numpy())),
    }


SUPPLIER_FACTS: list[str] = [
    "openai_round_2026_closed_usd_bn", "amazon_openai_commitment_usd_bn",
    "amazon_openai_upfront_usd_bn", "nvidia_openai_round_2026_usd_bn",
    "softbank_openai_round_2026_usd_bn", "openai_secondary_forge_2026_04_usd_bn",
    "openai_postmoney_2026_closed_usd_bn",
]


def supplier_share(p: Mapping[str, Any], new_money: Mapping[str, float], facts) -> dict[str, Any]:
    """How much of the round came from OpenAI's suppliers, and a price test.

    ``new_money`` is the notebook's round allocation
    (:func:`valse.model.valuation.round_allocation_usd_bn`).
    Suppliers: Amazon (AWS) and NVIDIA (chips) sell OpenAI compute; SoftBank builds Stargate
    with it. ``firm`` counts Amazon's upfront part only (its milestone part was not paid at
    the close). The price test sets the secondary trades of April 2026 against the round's
    post-money.
    """
    from valse.model.openai_finances import supplier_share_pct

    sellers = ["Amazon", "NVIDIA"]
    firm = {**new_money, "Amazon": min(new_money.get("Amazon", 0.0), p["amazon_upfront_usd_bn"])}
    post = post_money_usd_bn(p)
    forge = facts["openai_secondary_forge_2026_04_usd_bn"]
    return {
        "share": supplier_share_pct(new_money, sellers),
        "share_with_softbank": supplier_share_pct(new_money, [*sellers, "SoftBank"]),
        "firm_share": supplier_share_pct(firm, sellers),
        "firm_share_with_softbank": supplier_share_pct(firm, [*sellers, "SoftBank"]),
        "round": sum(new_money.values()),
        "firm_round": sum(firm.values()),
        "secondary_low_premium_pct": 100 * (forge.low / post - 1),
        "secondary_high_premium_pct": 100 * (forge.high / post - 1),
        "secondary_low": forge.low, "secondary_high": forge.high, "post": post,
    }


def supplier_metric(p: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    """The record of ``supplier_share_of_round_pct`` (keyword arguments of ``metric``)."""
    rumour = reading_of(p) == "rumour"
    return dict(
        name="supplier_share_of_round_pct", value=result["share"], unit="%",
        label="Share of the round paid by companies that sell OpenAI compute (Amazon and NVIDIA)",
        sources=(ROUND_FACTS["rumour"] + ["nvidia_openai_round_2026_usd_bn",
                                          "softbank_openai_round_2026_usd_bn"]
                 if rumour else SUPPLIER_FACTS[:5]),
        params=["amazon_investment_usd_bn", "round_size_usd_bn", "nvidia_round_usd_bn",
                "softbank_round_usd_bn"])


def supplier_story(p: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the template ``01_valuation/supplier_share``."""
    from valse.model.deal import READING_NAMES

    reading = reading_of(p)
    return {"reading": reading, "reading_name": READING_NAMES[reading], **result}


FAIR_VALUE_FACTS: list[str] = [
    "openai_secondary_forge_2026_04_usd_bn", "openai_ipo_target_valuation_usd_bn",
    "valuation_ipo_dilution", "aws_operating_income_q1_2026_usd_bn",
    "amazon_anthropic_gain_q3_2025_usd_bn", "amazon_anthropic_gain_q1_2026_usd_bn",
    "microsoft_openai_revenue_share_terms_2026_04_27", "openai_microsoft_revenue_share_pct",
    "openai_foundation_stake_pct", "openai_cash_2026_03_usd_bn",
    "amazon_openai_contingent_usd_bn", "assumption_contingent_tranche_probability",
]


def fair_value_bridge(p: Mapping[str, Any], dcf_value_usd_bn: float,
                      dcf_cash_usd_bn: float) -> dict[str, Any]:
    """:func:`valse.model.fair_value.fair_value_bridge` for a DCF equity value of OpenAI.

    The DCF's operating value is its equity value less its cash stage (cash and the money to
    come); the cap on Microsoft's revenue share and a claim of the Foundation beyond its
    shares are not quantified in the facts (0, said in the prose).
    """
    from valse.model import fair_value as fvm

    return fvm.fair_value_bridge(
        post_money_usd_bn=post_money_usd_bn(p), contingent_usd_bn=money_to_come_usd_bn(p),
        contingent_probability=p["contingent_tranche_probability"],
        cash_usd_bn=p["openai_cash_usd_bn"],
        dcf_operating_value_usd_bn=dcf_value_usd_bn - dcf_cash_usd_bn,
        amazon_investment_usd_bn=p["amazon_investment_usd_bn"],
        amazon_upfront_usd_bn=p["amazon_upfront_usd_bn"])


def bridge_table(bridge: Mapping[str, Any]):
    """The bridge's steps as a table (USD bn)."""
    import pandas as pd

    return pd.DataFrame([(s.name, s.amount_usd_bn, s.total_usd_bn) for s in bridge["steps"]],
                        columns=["step", "amount (USD bn)", "total (USD bn)"]).set_index("step")


def fair_value(p: Mapping[str, Any], facts, dcf_result: Mapping[str, Any],
               amount_expected_usd_bn: float, ipo: Mapping[str, Any] | None = None
               ) -> dict[str, Any]:
    """Amazon's expected holding at the round's price, at the secondary marks and at the DCF,
    and the gains Amazon would book on marking it.

    Method: at the round's price the holding is worth what Amazon expects to pay
    (:func:`valse.model.multiples.holding_value_at_price_ratio_usd_bn`); at another value per share
    it is that amount times the ratio to the post-money: the secondary trades of April 2026
    (the observable price ASC 321 marks to), the multi-stage DCF of OpenAI's plan (our fair
    value; its P10–P90 scales the same way), and the reported IPO target after the IPO's
    dilution. Not in the bridge, because the facts do not give them: the preference terms of
    the 2026 shares (a senior preference would make Amazon's shares worth more than common
    ones in the downside), the Foundation's warrant, and a cap on Microsoft's revenue share.

    The fair value itself, ``fair``, is the bridge of :func:`fair_value_bridge` (its steps
    in ``bridge``); with ``ipo`` (:func:`valse.report.valuation_ipo.ipo_distribution`) the
    listing marks are at the IPO distribution's P10 and P90, else at the reported target.

    Returns a dict with ``table`` (value of the holding by method, USD bn), ``fair`` and
    ``fair_band`` (the DCF-based value), ``marks`` (a DataFrame of the gains Amazon would
    book, on the part paid at signing and on the whole commitment) and the figures for prose.
    """
    import pandas as pd

    post = post_money_usd_bn(p)
    forge = facts["openai_secondary_forge_2026_04_usd_bn"]
    d = p["ipo_dilution"]
    ratios = {
        "at the round's price": (1.0, 1.0),
        "at the April 2026 secondary trades": (forge.low / post, forge.high / post),
        "at the multi-stage DCF of the plan (P10–P90)": tuple(
            b / post for b in ((dcf_result["value_band"] or (dcf_result["value"],) * 3)[0],
                               (dcf_result["value_band"] or (dcf_result["value"],) * 3)[2])),
        "at a listing (P10–P90 of the IPO distribution), after the IPO's new shares": (
            (ipo["listed_band"][0] if ipo else p["ipo_valuation_usd_bn_low"]) * (1 - d) / post,
            (ipo["listed_band"][2] if ipo else p["ipo_valuation_usd_bn_high"]) * (1 - d) / post),
    }
    table = pd.DataFrame(
        [(name, mx.holding_value_at_price_ratio_usd_bn(amount_expected_usd_bn, lo),
          mx.holding_value_at_price_ratio_usd_bn(amount_expected_usd_bn, hi))
         for name, (lo, hi) in ratios.items()],
        columns=["value of Amazon's expected holding", "low (USD bn)", "high (USD bn)"],
    ).set_index("value of Amazon's expected holding")
    cash_stage = dcf_result["stages"]["cash"]
    bridge = fair_value_bridge(p, dcf_result["value"], cash_stage)
    fair = bridge["amazon_fair_value_usd_bn"]
    fair_band = (tuple(fair_value_bridge(p, b, cash_stage)["amazon_fair_value_usd_bn"]
                       for b in dcf_result["value_band"]) if dcf_result["value_band"] else None)
    paid = p["amazon_upfront_usd_bn"]
    whole = p["amazon_investment_usd_bn"]
    mark_rows = []
    for name, (lo, hi) in list(ratios.items())[1:]:
        if name.startswith("at the multi-stage"):
            continue
        mark_rows.append((name, mx.mark_up_gain_usd_bn(paid, lo),
                          mx.mark_up_gain_usd_bn(paid, hi),
                          mx.mark_up_gain_usd_bn(whole, lo),
                          mx.mark_up_gain_usd_bn(whole, hi)))
    marks = pd.DataFrame(mark_rows, columns=[
        "Amazon marks its OpenAI shares", "gain on the part paid at signing: low (USD bn)",
        "gain on the part paid at signing: high (USD bn)",
        "gain on the whole commitment: low (USD bn)",
        "gain on the whole commitment: high (USD bn)"],
    ).set_index("Amazon marks its OpenAI shares")
    return {"table": table, "fair": fair, "fair_band": fair_band, "marks": marks,
            "bridge": bridge, "bridge_table": bridge_table(bridge),
            "post": post, "amount_expected": amount_expected_usd_bn, "paid": paid,
            "whole": whole}


def fair_value_metric(p: Mapping[str, Any], result: Mapping[str, Any], sources: list[str]
                      ) -> dict[str, Any]:
    """The record of ``openai_fair_value_of_amazon_stake_usd_bn`` (keyword arguments of
    ``metric``): the bridge's value of Amazon's expected holding."""
    return dict(
        name="openai_fair_value_of_amazon_stake_usd_bn", value=result["fair"], unit="USD bn",
        label=("Value of Amazon's expected OpenAI holding at the multi-stage DCF of OpenAI's "
               "plan (the fair-value bridge: conditional money as expected, cash taken out and "
               "added back, shares allocated pro rata over the tranche's states)"),
        sources=list(dict.fromkeys(sources + FAIR_VALUE_FACTS[6:])),
        params=DCF_PARAMS + ["contingent_tranche_probability", "revenue_target_usd_bn"],
        **recorded_band(result["fair_band"], result["fair"]))


def fair_value_story(p: Mapping[str, Any], facts, result: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the template ``01_valuation/fair_value``."""
    from valse.model.deal import READING_NAMES

    reading = reading_of(p)
    marks = result["marks"].to_numpy(float)
    return {
        "reading": reading, "reading_name": READING_NAMES[reading],
        "invests": p["amazon_investment_usd_bn"] > 0,
        "amount_expected": result["amount_expected"],
        "fair": result["fair"],
        "fair_band": result["fair_band"] is not None,
        "fair_p10": (result["fair_band"] or (0.0,))[0],
        "fair_p90": (result["fair_band"] or (0.0, 0.0, 0.0))[2],
        "post": result["post"],
        "paid": result["paid"], "whole": result["whole"],
        "secondary_gain_low": marks[0, 0], "secondary_gain_high": marks[0, 1],
        "ipo_gain_paid_low": marks[1, 0], "ipo_gain_paid_high": marks[1, 1],
        "ipo_gain_whole_low": marks[1, 2], "ipo_gain_whole_high": marks[1, 3],
        "fair_equity": result["bridge"]["fair_equity_usd_bn"],
        "method": result["bridge"]["method"],
        "unpaid_money": -result["bridge"]["steps"][1].amount_usd_bn,
        "operating_change": result["bridge"]["steps"][3].amount_usd_bn,
        "aws_income": facts.value("aws_operating_income_q1_2026_usd_bn"),
        "anthropic_gain": facts.value("amazon_anthropic_gain_q1_2026_usd_bn"),
        "anthropic_gain_earlier": facts.value("amazon_anthropic_gain_q3_2025_usd_bn"),
    }
