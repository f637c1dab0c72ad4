"""The figures the valuation notebook tells, built from its parameters and the facts.

Each function takes ``p``, a mapping of the ``01_valuation`` notebook's parameters (its
``globals()`` in the notebook; a scenario file merged over the notebook's defaults in the
tests), and the fact base, and returns plain numbers and tables. The notebook shows them
with one call per cell; the tests render the notebook's templates from the same functions
for every scenario, without a kernel. The models are in :mod:`valse.model.dcf`,
:mod:`valse.model.valuation` and :mod:`valse.model.openai_finances`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from valse.model import dcf, uncertainty, valuation
from valse.model.deal import create_deal

#: Facts behind the DCF's inputs.
DCF_FACTS: list[str] = [
    "valuation_openai_operating_margin", "valuation_tax_rate", "valuation_openai_discount_rate",
    "valuation_terminal_growth", "valuation_reinvestment_rate", "assumption_dcf_fade_years",
    "assumption_dcf_growth_after_target", "assumption_dcf_margin_at_target",
    "assumption_dcf_stock_compensation_share", "assumption_dcf_sales_to_capital",
    "assumption_dcf_discount_rate_mature", "assumption_dcf_failure_probability",
    "openai_cash_2026_03_usd_bn", "amazon_openai_contingent_usd_bn",
]
#: Facts behind the projected burn before the target year.
BURN_FACTS: list[str] = [
    "openai_cash_burn_2025_2029_projection_usd_bn", "openai_cash_burn_2025_forecast_usd_bn",
    "openai_cash_burn_2026_projection_usd_bn", "openai_cash_burn_2027_projection_usd_bn",
    "openai_cash_burn_2028_projection_usd_bn", "openai_cash_burn_q1_2026_usd_bn",
]
#: First and last year of the burn projection (openai_cash_burn_2025_2029_projection_usd_bn).
BURN_PERIOD = (2025, 2029)
#: DCF inputs drawn in the Monte Carlo: name of the dcf argument -> notebook parameter.
DCF_DRAWN: dict[str, str] = {
    "operating_margin": "openai_operating_margin",
    "discount_rate_young": "openai_discount_rate",
    "discount_rate_mature": "openai_discount_rate_mature",
    "terminal_growth": "terminal_growth",
    "reinvestment_rate": "reinvestment_rate",
    "growth_after_target": "dcf_growth_after_target",
    "margin_at_target": "dcf_margin_at_target",
    "stock_compensation_share": "dcf_stock_compensation_share",
    "sales_to_capital": "dcf_sales_to_capital",
    "failure_probability": "dcf_failure_probability",
}
#: How each drawn input is named in prose.
DCF_WORDS: dict[str, str] = {
    "operating_margin": "the mature operating margin",
    "discount_rate_young": "the young-company discount rate",
    "discount_rate_mature": "the mature discount rate",
    "terminal_growth": "the terminal growth",
    "reinvestment_rate": "the mature reinvestment rate",
    "growth_after_target": "the growth after the target year",
    "margin_at_target": "the margin in the target year",
    "stock_compensation_share": "stock compensation",
    "sales_to_capital": "the sales-to-capital ratio",
    "failure_probability": "the chance of failure",
}


def band(draws, central: float) -> tuple[float, float, float] | None:
    """P10, P50, P90 of Monte Carlo draws, or None when no honest band exists.

    Draws may be infinite (at some inputs no revenue reaches the valuation); the percentiles
    are taken on all draws, so an infinite P90 means more than a tenth of them are. None
    when a percentile is not finite or when the central value lies outside [P10, P90] (a
    scenario that puts an input at the end of its range): the notebook then records no band
    and says why, since every recorded P10–P90 must contain its central value.
    """
    values = np.sort(np.asarray(draws, dtype=float))
    if values.size == 0 or np.any(np.isnan(values)) or not np.isfinite(central):
        return None
    finite = values[np.isfinite(values)]
    if finite.size < values.size:  # percentiles by rank, so that inf never meets arithmetic
        qs = [values[min(int(np.ceil(q * values.size)) - 1, values.size - 1)]
              for q in (0.1, 0.5, 0.9)]
        lo, mid, hi = (float(q) for q in qs)
    else:
        lo, mid, hi = uncertainty.p10_p50_p90(values)
    if not (np.isfinite(hi) and lo <= central <= hi):
        return None
    return lo, mid, hi


def unreachable_share(draws) -> float:
    """Share of the draws at which no revenue reaches the valuation (infinite draws) [0–1]."""
    values = np.asarray(draws, dtype=float)
    return float(np.mean(~np.isfinite(values))) if values.size else 0.0


def post_money_usd_bn(p: Mapping[str, Any]) -> float:
    """The round's post-money valuation [USD bn]."""
    return valuation.post_money_valuation_usd_bn(
        p["pre_money_valuation_usd_bn"], p["round_size_usd_bn"]
    )


def money_to_come_usd_bn(p: Mapping[str, Any]) -> float:
    """Money the post-money counts that OpenAI had not received: Amazon's contingent part.

    ``amazon_investment − amazon_upfront`` [USD bn]. The post-money prices every committed
    share, so the DCF's equity value counts this money as the company's (an asset that comes
    with the shares it buys). Other investors' unpaid instalments are not in the facts.
    """
    return p["amazon_investment_usd_bn"] - p["amazon_upfront_usd_bn"]


def burn_before_target_usd_bn(p: Mapping[str, Any], facts) -> list[float]:
    """Projected cash burn of each year from the valuation year to the year before the target.

    The September 2025 projection (115 over 2025–2029: 9, 17, 35, 45 and the rest, about 9,
    in 2029; :func:`valse.model.dcf.burn_schedule_usd_bn`); the valuation year counts what is left
    after the first quarter's burn (the cash is of 31 March). Years outside 2025–2029 count 0.
    """
    first, last = BURN_PERIOD
    known = [facts.value(f) for f in BURN_FACTS[1:5]]
    schedule = dcf.burn_schedule_usd_bn(facts.value(BURN_FACTS[0]), known, last - first + 1)
    by_year = dict(zip(range(first, last + 1), schedule, strict=True))
    out = [by_year.get(y, 0.0) for y in range(p["valuation_year"], p["target_year"])]
    if out:
        out[0] = max(out[0] - facts.value("openai_cash_burn_q1_2026_usd_bn"), 0.0)
    return out


def dcf_inputs(p: Mapping[str, Any], facts) -> dict[str, Any]:
    """The central inputs of :func:`valse.model.dcf.dcf_value_usd_bn` from the notebook's
    parameters."""
    inputs: dict[str, Any] = {arg: p[name] for arg, name in DCF_DRAWN.items()}
    inputs.update(
        years_to_target=p["target_year"] - p["valuation_year"],
        fade_years=p["dcf_fade_years"],
        tax_rate=p["tax_rate"],
        burn_usd_bn=burn_before_target_usd_bn(p, facts),
        cash_usd_bn=p["openai_cash_usd_bn"] + money_to_come_usd_bn(p),
    )
    return inputs


def dcf_ranges(p: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Low and high of every drawn DCF input (the notebook's ``_low``/``_high`` parameters)."""
    return {arg: (p[f"{name}_low"], p[f"{name}_high"]) for arg, name in DCF_DRAWN.items()}


def gordon_inputs(p: Mapping[str, Any]) -> dict[str, float]:
    """Inputs of the first edition's one-stage reverse DCF (:mod:`valse.model.valuation`)."""
    return dict(operating_margin=p["openai_operating_margin"], tax_rate=p["tax_rate"],
                discount_rate=p["openai_discount_rate"], terminal_growth=p["terminal_growth"],
                reinvestment_rate=p["reinvestment_rate"],
                years_to_target=p["target_year"] - p["valuation_year"])


def reverse_dcf(p: Mapping[str, Any], facts) -> dict[str, Any]:
    """The multi-stage reverse DCF and the value of OpenAI's own target, with their bands.

    Returns
    -------
    dict
        ``post`` (the round's post-money), ``need`` (required target-year revenue, root
        finder) and ``need_band`` (P10, P50, P90 over the seeded Monte Carlo of
        :func:`dcf_ranges`); ``growth`` (constant growth from the last full year's revenue to
        ``need``); ``value`` and ``value_band`` (the DCF of OpenAI's own revenue target for
        its target year; bands are None where :func:`band` finds none); ``stages`` (present
        value of each stage of that DCF);
        ``plan_growth_needed`` (growth after the target year that makes OpenAI's own target
        worth the post-money, ``nan`` if none in [−50%, 500%]); ``swings`` (one-at-a-time
        rows over the required revenue); ``gordon_need`` (the first edition's one-stage
        answer, for comparison); ``inputs``; ``plausibility`` and ``plausibility_high``
        (:func:`valse.model.dcf.required_revenue_plausibility` at the central and the high
        plausible multiple) and ``plausible``: when the need exceeds the bound, no band and
        no growth are given (they would look like an answer).
    """
    post = post_money_usd_bn(p)
    inputs = dcf_inputs(p, facts)
    ranges = dcf_ranges(p)
    need = dcf.required_target_revenue_usd_bn(post, **inputs)
    central = {k: inputs[k] for k in ranges}
    fixed = {k: v for k, v in inputs.items() if k not in ranges}

    def need_model(**kw):
        return dcf.required_target_revenue_affine_usd_bn(post, **fixed, **kw)

    def value_model(**kw):
        return dcf.dcf_value_usd_bn(p["revenue_target_usd_bn"], **fixed, **kw)

    need_draws = uncertainty.monte_carlo(need_model, central, ranges, p["draws"], p["seed"])
    value_draws = uncertainty.monte_carlo(value_model, central, ranges, p["draws"], p["seed"])
    stages = dcf.dcf_stages_usd_bn(p["revenue_target_usd_bn"], **inputs)
    plan_inputs = {k: v for k, v in inputs.items() if k != "growth_after_target"}
    plan_growth = (
        dcf.required_growth_after_target(post, p["revenue_target_usd_bn"], **plan_inputs)
        if p["dcf_fade_years"] >= 1 and p["revenue_target_year"] == p["target_year"]
        else float("nan")
    )
    plausibility = {
        end: dcf.required_revenue_plausibility(
            post, p["revenue_target_usd_bn"], p[f"required_revenue_plausible_multiple{end}"],
            **inputs)
        for end in ("", "_high")}
    plausible = plausibility[""]["plausible"]
    return {
        "post": post,
        "need": need,
        "plausibility": plausibility[""],
        "plausibility_high": plausibility["_high"],
        "plausible": plausible,
        "need_band": band(need_draws, need) if plausible else None,
        "unreachable_share": unreachable_share(need_draws),
        "growth": (valuation.implied_revenue_growth_per_year(
            p["current_revenue_usd_bn"], need, p["target_year"] - p["current_revenue_year"])
            if plausible and need > 0 else float("nan")),
        "value": float(stages["value"]),
        "value_band": band(value_draws, float(stages["value"])),
        "stages": {k: float(v) for k, v in stages.items() if k != "years"},
        "plan_growth_needed": plan_growth,
        "swings": uncertainty.one_at_a_time(need_model, central, ranges),
        "value_swings": uncertainty.one_at_a_time(value_model, central, ranges),
        "gordon_need": valuation.required_revenue_usd_bn(post, **gordon_inputs(p)),
        "inputs": inputs,
    }


def stage_table(stages: Mapping[str, float]):
    """The DCF's value by stage as a table (USD bn, present values), for the chart and CSV."""
    import pandas as pd

    rows = [("fade years", stages["fade"]), ("terminal value", stages["terminal"]),
            ("chance of failure", stages["failure"]),
            ("burn before the target year", stages["burn"]),
            ("cash and money still to come", stages["cash"])]
    frame = pd.DataFrame(rows, columns=["stage", "present value (USD bn)"]).set_index("stage")
    frame.loc["equity value"] = stages["value"]
    return frame


def reverse_dcf_story(p: Mapping[str, Any], facts, result: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of the template ``01_valuation/reverse_dcf`` (one dict, names as there)."""
    from valse.model.deal import READING_NAMES

    swings = result["swings"]
    reading = reading_of(p)
    if result["need_band"] is None and np.isfinite(result["need"]):
        reason = ("in more than a tenth of the draws no revenue is enough"
                  if result["unreachable_share"] > 0.1
                  else "this scenario puts an input at the end of its range, so the central "
                       "value lies outside the draws' P10–P90")
    else:
        reason = ""
    return {
        "reading": reading,
        "reading_name": READING_NAMES[reading],
        "post": result["post"],
        "need": result["need"] if np.isfinite(result["need"]) else 0.0,
        "need_defined": bool(np.isfinite(result["need"])),
        "plausible": result["plausible"],
        "bound": result["plausibility"]["bound"],
        "bound_multiple": p["required_revenue_plausible_multiple"],
        "bound_high": result["plausibility_high"]["bound"],
        "bound_multiple_high": p["required_revenue_plausible_multiple_high"],
        "plausible_high": result["plausibility_high"]["plausible"],
        "value_at_bound": result["plausibility"]["value_at_bound"],
        "value_at_bound_high": result["plausibility_high"]["value_at_bound"],
        "times_projection": (result["plausibility"]["times_projection"]
                             if np.isfinite(result["need"]) else 0.0),
        "need_band": result["need_band"] is not None,
        "need_p10": result["need_band"][0] if result["need_band"] else 0.0,
        "need_p90": result["need_band"][2] if result["need_band"] else 0.0,
        "band_reason": reason,
        "growth": result["growth"] if np.isfinite(result["growth"]) else 0.0,
        "growth_defined": bool(np.isfinite(result["growth"])),
        "gordon_need": result["gordon_need"],
        "target_year": str(p["target_year"]),
        "revenue_target_year": str(p["revenue_target_year"]),
        "revenue_target": p["revenue_target_usd_bn"],
        "current_revenue": p["current_revenue_usd_bn"],
        "current_revenue_year": str(p["current_revenue_year"]),
        "value": result["value"],
        "value_band": result["value_band"] is not None,
        "value_p10": result["value_band"][0] if result["value_band"] else 0.0,
        "value_p90": result["value_band"][2] if result["value_band"] else 0.0,
        "plan_growth_needed": (result["plan_growth_needed"]
                               if np.isfinite(result["plan_growth_needed"]) else 0.0),
        "plan_growth_defined": bool(np.isfinite(result["plan_growth_needed"])),
        "growth_after_target": p["dcf_growth_after_target"],
        "fade_years": p["dcf_fade_years"],
        "mature_margin": p["openai_operating_margin"],
        "rate_young": p["openai_discount_rate"],
        "rate_mature": p["openai_discount_rate_mature"],
        "failure": p["dcf_failure_probability"],
        "burn_pv": -result["stages"]["burn"],
        "cash": result["stages"]["cash"],
        "top_input": DCF_WORDS[swings[0][0]],
        "swing_defined": bool(np.isfinite(swings[0][1]) and np.isfinite(swings[0][2])),
        "top_low": min(swings[0][1:3]) if np.isfinite(swings[0][3]) else 0.0,
        "top_high": max(swings[0][1:3]) if np.isfinite(swings[0][3]) else 0.0,
        "second_input": DCF_WORDS[swings[1][0]],
    }


def reading_of(p: Mapping[str, Any]) -> str:
    """``"rumour"`` or ``"reported"`` by :func:`valse.model.deal.reading` (the one rule).

    The valuation notebook declares the deal fields it uses; the others (labour, contract
    years) play no part in the rule and are filled with neutral values.
    """
    from valse.model.deal import DEAL_FIELDS
    from valse.model.deal import reading as rule

    neutral = {name: 0 for name in DEAL_FIELDS}
    neutral.update({k: p[k] for k in DEAL_FIELDS if k in p})
    return rule(create_deal(neutral))


#: Facts the round's figures stand on, by reading.
ROUND_FACTS: dict[str, list[str]] = {
    "rumour": ["rumour_openai_valuation_usd_bn", "rumour_round_size_usd_bn",
               "rumour_amazon_investment_usd_bn"],
    "reported": ["openai_premoney_2026_usd_bn", "openai_round_2026_closed_usd_bn",
                 "amazon_openai_commitment_usd_bn"],
}
#: Parameters the DCF depends on.
DCF_PARAMS: list[str] = [
    "pre_money_valuation_usd_bn", "round_size_usd_bn", "amazon_investment_usd_bn",
    "amazon_upfront_usd_bn", "tax_rate", "valuation_year", "target_year", "dcf_fade_years",
    "openai_cash_usd_bn", *DCF_DRAWN.values(),
]


def _band_kw(b) -> dict[str, float]:
    return dict(p10=b[0], p50=b[1], p90=b[2]) if b else {}


def dcf_metrics(p: Mapping[str, Any], result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The metric records of the reverse DCF, as keyword arguments of
    ``valse.report.record.metric``.

    ``required_revenue_usd_bn`` is recorded only when some revenue reaches the valuation
    (finite); above ``required_revenue_plausible_bound_usd_bn`` (always recorded: the flag
    that goes with the value) it is the root finder's answer with no band, and readers say
    "no plausible revenue suffices". ``required_revenue_growth_pct_per_year`` only when the
    need is plausible; bands only where :func:`band` finds an honest one.
    """
    sources = ROUND_FACTS[reading_of(p)] + DCF_FACTS + BURN_FACTS
    year = p["target_year"]
    out = []
    bound = result["plausibility"]["bound"]
    out.append(dict(
        name="required_revenue_plausible_bound_usd_bn", value=bound, unit="USD bn",
        label=(f"Largest revenue in {year} counted as plausible: "
               f"{p['required_revenue_plausible_multiple']:g} × OpenAI's own projection; a "
               "required revenue above it means no plausible revenue suffices"),
        sources=["oai_assumption_required_revenue_plausible_multiple",
                 "openai_revenue_2030_target_usd_bn"],
        params=["required_revenue_plausible_multiple", "revenue_target_usd_bn"],
        p10=p["required_revenue_plausible_multiple_low"] * p["revenue_target_usd_bn"],
        p50=bound,
        p90=p["required_revenue_plausible_multiple_high"] * p["revenue_target_usd_bn"]))
    if np.isfinite(result["need"]):
        out.append(dict(
            name="required_revenue_usd_bn", value=result["need"], unit="USD bn",
            label=(f"Revenue OpenAI must reach in {year} to justify its post-money valuation "
                   f"(multi-stage reverse DCF: growth fading over {p['dcf_fade_years']} years, "
                   "burn before the target year, stock compensation and failure counted)"),
            sources=sources, params=DCF_PARAMS, **_band_kw(result["need_band"])))
    if np.isfinite(result["growth"]):
        out.append(dict(
            name="required_revenue_growth_pct_per_year", value=100 * result["growth"],
            unit="% per year",
            label=(f"Annual revenue growth from {p['current_revenue_year']} to {year} that the "
                   "required revenue implies"),
            sources=sources + ["openai_revenue_2025_usd_bn"],
            params=DCF_PARAMS + ["current_revenue_usd_bn", "current_revenue_year"]))
    out.append(dict(
        name="openai_dcf_value_usd_bn", value=result["value"], unit="USD bn",
        label=(f"Equity value of OpenAI by the multi-stage DCF if it reaches its own revenue "
               f"projection for {p['revenue_target_year']}"),
        sources=sources + ["openai_revenue_2030_target_usd_bn"],
        params=DCF_PARAMS + ["revenue_target_usd_bn", "revenue_target_year"],
        **_band_kw(result["value_band"])))
    return out


def enterprise_value_usd_bn(p: Mapping[str, Any]) -> float:
    """OpenAI's enterprise value behind the post-money: less its cash and the money to come.

    The cash is the reported cash and securities after the round closed (31 March 2026), used
    in both readings (no other figure is in the facts); the money to come is Amazon's
    contingent part (:func:`money_to_come_usd_bn`). OpenAI has no reported debt in the facts.
    """
    return valuation.enterprise_value_usd_bn(
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
    trailing = valuation.ev_to_revenue_x(ev, p["current_revenue_usd_bn"])
    run_rate = valuation.ev_to_revenue_x(ev, p["latest_run_rate_revenue_usd_bn"])
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
        "equity_x": valuation.ev_to_revenue_x(post_money_usd_bn(p), p["run_rate_revenue_usd_bn"]),
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


# --- can OpenAI pay? ------------------------------------------------------------------------

#: Facts behind OpenAI's committed compute, its revenue paths and cash.
CAN_PAY_FACTS: list[str] = [
    "openai_oracle_commitment_usd_bn", "openai_oracle_commitment_years",
    "openai_oracle_commitment_start_lag_years", "openai_azure_commitment_2025_10_usd_bn",
    "assumption_azure_commitment_years", "aws_openai_contract_2025_11_usd_bn",
    "aws_openai_contract_2025_11_years", "aws_openai_contract_expansion_usd_bn",
    "aws_openai_contract_expansion_years", "openai_coreweave_commitment_usd_bn",
    "assumption_coreweave_commitment_years", "cerebras_openai_usd_bn",
    "cerebras_openai_term_years", "cerebras_openai_start_lag_years",
    "assumption_contract_start_lag_years", "openai_revenue_2026_forecast_usd_bn",
    "openai_revenue_2030_target_usd_bn", "openai_annualized_revenue_2026_08_usd_bn",
    "openai_cash_2026_03_usd_bn", "assumption_openai_noncompute_cost_share",
    "openai_compute_target_2030_usd_bn",
]
#: Parameters the sources and uses depend on.
CAN_PAY_PARAMS: list[str] = [
    "aws_services_usd_bn", "amazon_investment_usd_bn", "amazon_upfront_usd_bn",
    "contingent_tranche_probability", "openai_cash_usd_bn", "openai_other_cost_share",
    "latest_run_rate_revenue_usd_bn", "revenue_target_usd_bn", "revenue_target_year",
    "valuation_year", "target_year",
]


def _signed_year(facts, fid: str) -> int:
    return int(facts[fid].as_of[:4])


def openai_contracts(p: Mapping[str, Any], facts, *, azure_years: float | None = None,
                     coreweave_years: float | None = None) -> list:
    """OpenAI's compute commitments with a value and a term in the facts, by provider.

    Each starts in its signing year plus ``assumption_contract_start_lag_years`` unless the
    facts give its start (Oracle 2027, Cerebras 2026). The February 2026 AWS expansion is the
    scenario's ``aws_services_usd_bn`` in the reported reading and absent in the rumour's
    (whose AWS spending is the November 2025 contract). The rest of the 1.4 trillion headline
    (NVIDIA, AMD and Broadcom capacity, Stargate) has no contract value in the facts.
    """
    from valse.model.openai_finances import Contract

    v = facts.value
    lag = v("assumption_contract_start_lag_years")
    expansion = p["aws_services_usd_bn"] if reading_of(p) == "reported" else 0.0
    rows = [
        ("Oracle", v("openai_oracle_commitment_usd_bn"),
         _signed_year(facts, "openai_oracle_commitment_usd_bn")
         + v("openai_oracle_commitment_start_lag_years"), v("openai_oracle_commitment_years")),
        ("Microsoft Azure", v("openai_azure_commitment_2025_10_usd_bn"),
         _signed_year(facts, "openai_azure_commitment_2025_10_usd_bn") + lag,
         azure_years or v("assumption_azure_commitment_years")),
        ("AWS (November 2025)", v("aws_openai_contract_2025_11_usd_bn"),
         _signed_year(facts, "aws_openai_contract_2025_11_usd_bn") + lag,
         v("aws_openai_contract_2025_11_years")),
        ("AWS (February 2026 expansion)", expansion,
         _signed_year(facts, "aws_openai_contract_expansion_usd_bn") + lag,
         v("aws_openai_contract_expansion_years")),
        ("CoreWeave", v("openai_coreweave_commitment_usd_bn"),
         _signed_year(facts, "openai_coreweave_commitment_usd_bn") + lag,
         coreweave_years or v("assumption_coreweave_commitment_years")),
        ("Cerebras", v("cerebras_openai_usd_bn"),
         _signed_year(facts, "cerebras_openai_usd_bn") + v("cerebras_openai_start_lag_years"),
         v("cerebras_openai_term_years")),
    ]
    return [Contract(name, total, int(start), term) for name, total, start, term in rows
            if total > 0]


def revenue_paths(p: Mapping[str, Any], facts, years) -> dict[str, np.ndarray]:
    """OpenAI's revenue by year on its own plan and with its latest run-rate held.

    ``plan``: geometric from its 2026 forecast to its target-year projection;
    ``run_rate``: the 2026 forecast, then the latest annualised revenue for every later year.
    """
    from valse.model.openai_finances import revenue_path_usd_bn

    fid = "openai_revenue_2026_forecast_usd_bn"
    start = facts.value(fid)
    first = int(re.search(r"_(\d{4})_", fid).group(1))  # the year is part of the fact's id
    return {
        "plan": revenue_path_usd_bn({first: start, p["revenue_target_year"]:
                                     p["revenue_target_usd_bn"]}, years),
        "run_rate": revenue_path_usd_bn({first: start, first + 1:
                                         p["latest_run_rate_revenue_usd_bn"]}, years),
    }


def _can_pay_once(p, facts, years, revenue, other_share, azure_years=None, coreweave_years=None):
    from valse.model.openai_finances import (
        annualised_commitments_usd_bn,
        funding_gap_usd_bn,
        renegotiation_risk,
        sources_and_uses,
    )

    contracts = openai_contracts(p, facts, azure_years=azure_years,
                                 coreweave_years=coreweave_years)
    by_provider = annualised_commitments_usd_bn(contracts, years)
    to_come = p["contingent_tranche_probability"] * money_to_come_usd_bn(p)
    table = sources_and_uses(revenue, by_provider.sum(axis=1), other_share,
                             p["openai_cash_usd_bn"], to_come)
    prob, recovery = renegotiation_risk(table)
    return contracts, by_provider, table, {
        "coverage_min": float(np.min(table["coverage"])),
        "coverage_min_year": int(years[int(np.argmin(table["coverage"]))]),
        "gap": funding_gap_usd_bn(table),
        "probability": prob,
        "recovery": recovery,
    }


def can_pay(p: Mapping[str, Any], facts) -> dict[str, Any]:
    """Sources and uses 2026 to the target year on OpenAI's plan and on its run-rate.

    Returns
    -------
    dict
        ``years``; ``table`` (a DataFrame by year: revenue on both paths, committed compute
        by provider and in all, other cash costs, net cash, the balance and the money to
        raise on the plan, the coverage ratio on both paths); ``plan`` and ``run_rate``
        (dicts: ``coverage_min`` and its year, ``gap`` the money to raise in all,
        ``probability`` and ``recovery`` of :func:`valse.model.openai_finances.renegotiation_risk`);
        ``bands`` (P10–P90 of the plan's figures over the other-cost share and the Azure and
        CoreWeave terms, seeded; None where :func:`band` gives none); ``contracts``;
        ``committed_total`` (committed compute over the years) and ``to_come`` (expected).
    """
    import pandas as pd

    years = list(range(p["valuation_year"], p["target_year"] + 1))
    paths = revenue_paths(p, facts, years)
    share = p["openai_other_cost_share"]
    contracts, by_provider, plan_table, plan = _can_pay_once(p, facts, years, paths["plan"],
                                                             share)
    _, _, rr_table, run_rate = _can_pay_once(p, facts, years, paths["run_rate"], share)
    gen = uncertainty.rng(p["seed"])
    n = min(int(p["draws"]), 2000)  # each draw rebuilds the table: 2,000 are plenty here
    azure = facts["assumption_azure_commitment_years"]
    coreweave = facts["assumption_coreweave_commitment_years"]
    draws = {
        "other": uncertainty.triangular(gen, p["openai_other_cost_share_low"], share,
                                        p["openai_other_cost_share_high"], n),
        "azure": uncertainty.triangular(gen, azure.low, azure.number, azure.high, n),
        "coreweave": uncertainty.triangular(gen, coreweave.low, coreweave.number,
                                            coreweave.high, n),
    }
    outs = [_can_pay_once(p, facts, years, paths["plan"], draws["other"][i],
                          draws["azure"][i], draws["coreweave"][i])[3] for i in range(n)]
    bands = {k: band([o[k] for o in outs], plan[k])
             for k in ("coverage_min", "gap", "probability", "recovery")}
    frame = pd.DataFrame(index=pd.Index(years, name="year"))
    frame["revenue, own plan"] = paths["plan"]
    frame["revenue, run-rate held"] = paths["run_rate"]
    for j, c in enumerate(contracts):
        frame[f"compute: {c.provider}"] = by_provider[:, j]
    frame["committed compute, all"] = plan_table["compute"]
    frame["other cash costs (plan)"] = plan_table["other_costs"]
    frame["net cash (plan)"] = plan_table["net"]
    frame["cash at year end before new money (plan)"] = plan_table["balance"]
    frame["money to raise (plan)"] = plan_table["to_raise"]
    frame["money to raise (run-rate)"] = rr_table["to_raise"]
    frame["coverage, own plan (x)"] = plan_table["coverage"]
    frame["coverage, run-rate held (x)"] = rr_table["coverage"]
    return {
        "years": years, "table": frame, "plan": plan, "run_rate": run_rate, "bands": bands,
        "contracts": contracts, "committed_total": float(plan_table["compute"].sum()),
        "to_come": p["contingent_tranche_probability"] * money_to_come_usd_bn(p),
    }


def can_pay_metrics(p: Mapping[str, Any], result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Metric records of the sources and uses (keyword arguments of
    ``valse.report.record.metric``)."""
    plan, bands = result["plan"], result["bands"]
    last = p["target_year"]
    sources = CAN_PAY_FACTS + (["amazon_openai_contingent_usd_bn"]
                               if reading_of(p) == "reported" else [])
    return [
        dict(name="openai_compute_coverage_ratio", value=plan["coverage_min"], unit="x",
             label=(f"OpenAI's revenue over its committed compute cost in its weakest year to "
                    f"{last} ({plan['coverage_min_year']}), on its own revenue plan"),
             sources=sources, params=CAN_PAY_PARAMS, **_band_kw(bands["coverage_min"])),
        dict(name="openai_funding_gap_usd_bn", value=plan["gap"], unit="USD bn",
             label=(f"Money OpenAI must raise to pay its committed compute to {last} on its own "
                    "revenue plan, after its cash and the money committed to it"),
             sources=sources, params=CAN_PAY_PARAMS, **_band_kw(bands["gap"])),
        dict(name="openai_renegotiation_probability_pct", value=100 * plan["probability"],
             unit="%",
             label=("Chance that OpenAI renegotiates or defers its compute commitments (simple "
                    "rule: funding gap over committed compute, no new money assumed)"),
             sources=sources, params=CAN_PAY_PARAMS,
             **({k: 100 * v for k, v in _band_kw(bands["probability"]).items()})),
        dict(name="openai_contract_recovery_pct", value=100 * plan["recovery"], unit="%",
             label=("Share of a renegotiated compute contract the provider still collects "
                    "(simple rule: paid pro rata to what OpenAI can fund)"),
             sources=sources, params=CAN_PAY_PARAMS,
             **({k: 100 * v for k, v in _band_kw(bands["recovery"]).items()})),
    ]


def can_pay_story(p: Mapping[str, Any], result: Mapping[str, Any], facts) -> dict[str, Any]:
    """The figures of the template ``01_valuation/can_pay``."""
    from valse.model.deal import READING_NAMES

    plan, rr = result["plan"], result["run_rate"]
    table = result["table"]
    reading = reading_of(p)
    first = result["years"][0]
    return {
        "reading": reading,
        "reading_name": READING_NAMES[reading],
        "first_year": str(first),
        "last_year": str(result["years"][-1]),
        "committed_total": result["committed_total"],
        "compute_target": facts.value("openai_compute_target_2030_usd_bn"),
        "peak_compute": float(table["committed compute, all"].max()),
        "revenue_first": float(table["revenue, own plan"].iloc[0]),
        "revenue_last": float(table["revenue, own plan"].iloc[-1]),
        "run_rate": p["latest_run_rate_revenue_usd_bn"],
        "cash": p["openai_cash_usd_bn"],
        "to_come": result["to_come"],
        "coverage_min": plan["coverage_min"],
        "coverage_min_year": str(plan["coverage_min_year"]),
        "coverage_band": result["bands"]["coverage_min"] is not None,
        "coverage_p10": (result["bands"]["coverage_min"] or (0.0,))[0],
        "coverage_p90": (result["bands"]["coverage_min"] or (0.0, 0.0, 0.0))[2],
        "coverage_last": float(table["coverage, own plan (x)"].iloc[-1]),
        "gap": plan["gap"],
        "gap_band": result["bands"]["gap"] is not None,
        "gap_p10": (result["bands"]["gap"] or (0.0,))[0],
        "gap_p90": (result["bands"]["gap"] or (0.0, 0.0, 0.0))[2],
        "rr_coverage_min": rr["coverage_min"],
        "rr_gap": rr["gap"],
        "probability": plan["probability"],
        "recovery": plan["recovery"],
        "rr_probability": rr["probability"],
        "loss_rate": plan["probability"] * (1 - plan["recovery"]),
        "aws_expansion": any(c.provider.startswith("AWS (February") for c in result["contracts"]),
    }


# --- concentration and capacity ---------------------------------------------------------------

BACKLOG_FACTS: dict[str, list[str]] = {
    "reported": ["aws_backlog_q1_2026_usd_bn", "aws_openai_contract_2025_11_usd_bn",
                 "aws_openai_contract_expansion_usd_bn", "anthropic_aws_commitment_2026_04_usd_bn",
                 "microsoft_rpo_q2_fy2026_usd_bn", "microsoft_rpo_openai_share_pct",
                 "anthropic_azure_commitment_usd_bn"],
    "rumour": ["aws_backlog_q4_2025_usd_bn", "aws_openai_contract_2025_11_usd_bn",
               "microsoft_rpo_q2_fy2026_usd_bn", "microsoft_rpo_openai_share_pct",
               "anthropic_azure_commitment_usd_bn"],
}


def backlog_shares(p: Mapping[str, Any], facts):
    """Share of each provider's backlog from OpenAI and Anthropic, with the facts' dates.

    In the reported reading AWS's backlog is that of 31 March 2026 (USD 364 bn), which holds
    both OpenAI contracts (November 2025 and the February 2026 expansion) and excludes
    Anthropic's April 2026 commitment (the fact's note); a second AWS row adds that
    commitment to both sides. In the rumour's reading (January 2026) the latest backlog is
    that of 31 December 2025, with OpenAI's November 2025 contract. Microsoft's commercial
    remaining performance obligations of 31 December 2025: OpenAI's reported 45 % share and
    Anthropic's November 2025 Azure commitment. Oracle's obligations are not in the facts.

    Returns a DataFrame (one row a provider and date: backlog, OpenAI, Anthropic, share %).
    """
    import pandas as pd

    from valse.model.openai_finances import backlog_share_pct

    v = facts.value
    rows = []
    if reading_of(p) == "reported":
        aws, openai = v("aws_backlog_q1_2026_usd_bn"), (
            v("aws_openai_contract_2025_11_usd_bn") + v("aws_openai_contract_expansion_usd_bn"))
        rows.append(("AWS, 31 March 2026", aws, openai, 0.0))
        extra = v("anthropic_aws_commitment_2026_04_usd_bn")
        rows.append(("AWS, with Anthropic's April 2026 commitment added", aws + extra, openai,
                     extra))
    else:
        rows.append(("AWS, 31 December 2025", v("aws_backlog_q4_2025_usd_bn"),
                     v("aws_openai_contract_2025_11_usd_bn"), 0.0))
    rpo = v("microsoft_rpo_q2_fy2026_usd_bn")
    rows.append(("Microsoft (commercial), 31 December 2025", rpo,
                 rpo * v("microsoft_rpo_openai_share_pct") / 100,
                 v("anthropic_azure_commitment_usd_bn")))
    frame = pd.DataFrame(rows, columns=["provider and date", "backlog (USD bn)",
                                        "OpenAI (USD bn)", "Anthropic (USD bn)"])
    frame["share from OpenAI and Anthropic (%)"] = [
        backlog_share_pct(b, {"OpenAI": o, "Anthropic": a})
        for b, o, a in frame[["backlog (USD bn)", "OpenAI (USD bn)",
                              "Anthropic (USD bn)"]].to_numpy()]
    return frame.set_index("provider and date")


CAPACITY_FACTS: list[str] = [
    "aws_openai_trainium_gw", "anthropic_aws_capacity_2026_04_gw", "aws_capacity_added_q4_2025_gw",
    "capex_per_gw_execs_2025_11_usd_bn_per_gw", "capex_per_gw_altman_2025_10_usd_bn_per_gw",
    "capex_per_gw_huang_2026_06_usd_bn_per_gw", "amazon_capex_2026_guidance_usd_bn",
]


def capacity_on_aws(facts) -> dict[str, float]:
    """Gigawatts committed on AWS to OpenAI and Anthropic against AWS's build rate and capex.

    The capex per GW runs from the executives' 2025 estimate (low) through Altman's figure
    (central) to Huang's 2026 figure (high), all in the facts.
    """
    from valse.model.openai_finances import build_quarters, implied_capex_usd_bn

    v = facts.value
    gw = v("aws_openai_trainium_gw") + v("anthropic_aws_capacity_2026_04_gw")
    per_gw = (v("capex_per_gw_execs_2025_11_usd_bn_per_gw"),
              v("capex_per_gw_altman_2025_10_usd_bn_per_gw"),
              v("capex_per_gw_huang_2026_06_usd_bn_per_gw"))
    capex = [implied_capex_usd_bn(gw, c) for c in per_gw]
    guidance = v("amazon_capex_2026_guidance_usd_bn")
    return {"gw": gw, "openai_gw": v("aws_openai_trainium_gw"),
            "anthropic_gw": v("anthropic_aws_capacity_2026_04_gw"),
            "quarters": build_quarters(gw, v("aws_capacity_added_q4_2025_gw")),
            "gw_per_quarter": v("aws_capacity_added_q4_2025_gw"),
            "capex_low": capex[0], "capex": capex[1], "capex_high": capex[2],
            "guidance": guidance, "capex_share_of_guidance": capex[1] / guidance}


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


def concentration_story(p: Mapping[str, Any], shares, capacity: Mapping[str, float]):
    """The figures of the template ``01_valuation/concentration``."""
    from valse.model.deal import READING_NAMES

    reading = reading_of(p)
    col = "share from OpenAI and Anthropic (%)"
    aws = shares.index[0]
    return {
        "reading": reading, "reading_name": READING_NAMES[reading],
        "aws_share": float(shares[col].iloc[0]), "aws_date": aws.split(", ", 1)[1],
        "aws_share_with_anthropic": float(shares[col].iloc[1]) if reading == "reported" else 0.0,
        "msft_share": float(shares[col].iloc[-1]),
        **{k: capacity[k] for k in ("gw", "openai_gw", "anthropic_gw", "quarters",
                                    "gw_per_quarter", "capex_low", "capex", "capex_high",
                                    "guidance")},
        "capex_share": capacity["capex_share_of_guidance"],
    }


def concentration_metrics(p: Mapping[str, Any], shares, capacity) -> list[dict[str, Any]]:
    """Metric records of the backlog shares and the capacity on AWS."""
    col = "share from OpenAI and Anthropic (%)"
    reading = reading_of(p)
    return [
        dict(name="aws_backlog_openai_anthropic_share_pct", value=float(shares[col].iloc[0]),
             unit="%", label=(f"Share of AWS's backlog ({shares.index[0].split(', ', 1)[1]}) "
                              "from OpenAI's and Anthropic's contracts in it"),
             sources=BACKLOG_FACTS[reading][:4], params=["aws_services_usd_bn"]),
        dict(name="microsoft_rpo_openai_anthropic_share_pct", value=float(shares[col].iloc[-1]),
             unit="%", label=("Share of Microsoft's commercial remaining performance obligations "
                              "(31 December 2025) from OpenAI and Anthropic"),
             sources=BACKLOG_FACTS["reported"][4:], params=[]),
        dict(name="aws_openai_anthropic_build_quarters", value=capacity["quarters"],
             unit="quarters",
             label=("Quarters of AWS's capacity additions (Q4 2025 rate) that its gigawatts "
                    "committed to OpenAI and Anthropic take"),
             sources=CAPACITY_FACTS[:3], params=[]),
    ]


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


def recorded_band(band_: tuple[float, float, float] | None, central: float) -> dict[str, float]:
    """``p10, p50, p90`` keyword arguments for a metric, or none when the band does not hold
    the central value (a scenario that sets an input at the end of its range): every recorded
    P10–P90 must contain its central value."""
    if band_ is None or not band_[0] <= central <= band_[2]:
        return {}
    return dict(p10=band_[0], p50=band_[1], p90=band_[2])


# --- the fair value behind the post-money, and Amazon's books --------------------------------

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
    (:func:`valse.model.valuation.holding_value_at_price_ratio_usd_bn`); at another value per share
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
        [(name, valuation.holding_value_at_price_ratio_usd_bn(amount_expected_usd_bn, lo),
          valuation.holding_value_at_price_ratio_usd_bn(amount_expected_usd_bn, hi))
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
        mark_rows.append((name, valuation.mark_up_gain_usd_bn(paid, lo),
                          valuation.mark_up_gain_usd_bn(paid, hi),
                          valuation.mark_up_gain_usd_bn(whole, lo),
                          valuation.mark_up_gain_usd_bn(whole, hi)))
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


def need_sensitivity(p: Mapping[str, Any], facts):
    """Required target-year revenue by mature operating margin (rows) and growth after the
    target year (columns), low / central / high, the other inputs central [USD bn]."""
    import pandas as pd

    post = post_money_usd_bn(p)
    inputs = dcf_inputs(p, facts)
    margins = [p["openai_operating_margin_low"], p["openai_operating_margin"],
               p["openai_operating_margin_high"]]
    growths = [p["dcf_growth_after_target_low"], p["dcf_growth_after_target"],
               p["dcf_growth_after_target_high"]]
    rows = [[dcf.required_target_revenue_usd_bn(
        post, **{**inputs, "operating_margin": m, "growth_after_target": g}) for g in growths]
        for m in margins]
    return pd.DataFrame(rows, index=pd.Index([f"{m:.0%}" for m in margins],
                                              name="mature operating margin"),
                        columns=pd.Index([f"{g:.0%}" for g in growths],
                                         name="growth the year after the target year"))


# --- the counterparty loss on the AWS contract: one source of truth (#14 §3) ------------------

#: 01's parameters that the sources and uses need and 02 does not declare.
CAN_PAY_INPUTS_FROM_01: tuple[str, ...] = (
    "openai_cash_usd_bn", "openai_other_cost_share", "openai_other_cost_share_low",
    "openai_other_cost_share_high", "latest_run_rate_revenue_usd_bn", "revenue_target_usd_bn",
    "revenue_target_year", "valuation_year", "target_year", "seed", "draws",
)
#: The parameters :func:`counterparty_from_finances` sets.
COUNTERPARTY_PARAMS: tuple[str, ...] = (
    "counterparty_loss_probability", "counterparty_loss_probability_low",
    "counterparty_loss_probability_high", "counterparty_recovery_rate",
)


def can_pay_inputs(p: Mapping[str, Any]) -> dict[str, Any]:
    """``p`` with 01's sources-and-uses inputs added where absent.

    Each missing input takes the value the scenario named by ``p["scenario_name"]`` sets (when
    its file sets it) or else 01's declared default, so 02 reads the same sources and uses as
    01 for every scenario.
    """
    from valse.data.paths import data_dir, notebooks_dir
    from valse.data.scenarios import load_yaml_mapping
    from valse.nbparams import notebook_parameters

    missing = [k for k in CAN_PAY_INPUTS_FROM_01 if k not in p]
    if not missing:
        return dict(p)
    declared = {q.name: q.default
                for q in notebook_parameters(notebooks_dir() / "01_valuation.ipynb")}
    scenario_file = data_dir() / "scenarios" / f"{p.get('scenario_name', '')}.yaml"
    overrides = load_yaml_mapping(scenario_file) if p.get("scenario_name") \
        and scenario_file.is_file() else {}
    return {**p, **{k: overrides.get(k, declared[k]) for k in missing}}


def counterparty_from_finances(p: Mapping[str, Any], facts) -> dict[str, float]:
    """The counterparty loss parameters of the AWS contract, from OpenAI's sources and uses.

    The one path for ``counterparty_loss_probability`` (its P10 and P90 as ``_low`` and
    ``_high``) and ``counterparty_recovery_rate``: the rule of
    :func:`valse.model.openai_finances.renegotiation_risk` applied to OpenAI's own revenue plan
    (:func:`can_pay`), so the expected loss on the contract is ``p × (1 − recovery) = p²``.
    The low end is the plan's P10 over the other-cost share and the Azure and CoreWeave terms;
    the high end the larger of its P90 and the rule on the run-rate path (revenue held at its
    latest annualised level), the reading in which OpenAI cannot grow into its commitments.
    Without a band both plan ends are the centre.
    """
    result = can_pay(can_pay_inputs(p), facts)
    prob = result["plan"]["probability"]
    b = result["bands"]["probability"]
    low, high = (b[0], b[2]) if b is not None else (prob, prob)
    return {"counterparty_loss_probability": prob,
            "counterparty_loss_probability_low": min(low, prob),
            "counterparty_loss_probability_high": max(high, prob,
                                                      result["run_rate"]["probability"]),
            "counterparty_recovery_rate": result["plan"]["recovery"]}
