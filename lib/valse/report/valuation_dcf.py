"""The multi-stage reverse DCF of notebook 01 (section 6): inputs, bands, metrics and prose.

Each function takes ``p``, the notebook's parameters (its ``globals()``), and the fact base;
the model is :mod:`valse.model.dcf`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from valse.model import dcf, gordon, uncertainty
from valse.report.valuation_story import (
    ROUND_FACTS,
    _band_kw,
    band,
    money_to_come_usd_bn,
    post_money_usd_bn,
    reading_of,
    unreachable_share,
)

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
        "growth": (gordon.implied_revenue_growth_per_year(
            p["current_revenue_usd_bn"], need, p["target_year"] - p["current_revenue_year"])
            if plausible and need > 0 else float("nan")),
        "value": float(stages["value"]),
        "value_band": band(value_draws, float(stages["value"])),
        "stages": {k: float(v) for k, v in stages.items() if k != "years"},
        "plan_growth_needed": plan_growth,
        "swings": uncertainty.one_at_a_time(need_model, central, ranges),
        "value_swings": uncertainty.one_at_a_time(value_model, central, ranges),
        "gordon_need": gordon.required_revenue_usd_bn(post, **gordon_inputs(p)),
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


#: Parameters the DCF depends on.
DCF_PARAMS: list[str] = [
    "pre_money_valuation_usd_bn", "round_size_usd_bn", "amazon_investment_usd_bn",
    "amazon_upfront_usd_bn", "tax_rate", "valuation_year", "target_year", "dcf_fade_years",
    "openai_cash_usd_bn", *DCF_DRAWN.values(),
]




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
