"""Can OpenAI pay? Its committed compute against its revenue and cash, and the counterparty
loss on the AWS contract that follows from it.

:func:`can_pay` builds the sources and uses from 2026 to the target year on OpenAI's own
revenue plan and with its latest run-rate held, with P10–P90 bands over the drawn contract
terms and the other-cost share; :func:`counterparty_from_finances` turns the rule of
:func:`valse.model.openai_finances.renegotiation_risk` on it into the counterparty loss
parameters that 00, 02 and 03 read (one source of truth, #14 §3). ``p`` is a mapping of the
``01_valuation`` notebook's parameters, as in :mod:`valse.report.valuation_story`; the models
are in :mod:`valse.model.openai_finances`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from valse.model import uncertainty
from valse.report.valuation_story import _band_kw, band, money_to_come_usd_bn, reading_of

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


def openai_contracts(p: Mapping[str, Any], facts) -> list:
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
         v("assumption_azure_commitment_years")),
        ("AWS (November 2025)", v("aws_openai_contract_2025_11_usd_bn"),
         _signed_year(facts, "aws_openai_contract_2025_11_usd_bn") + lag,
         v("aws_openai_contract_2025_11_years")),
        ("AWS (February 2026 expansion)", expansion,
         _signed_year(facts, "aws_openai_contract_expansion_usd_bn") + lag,
         v("aws_openai_contract_expansion_years")),
        ("CoreWeave", v("openai_coreweave_commitment_usd_bn"),
         _signed_year(facts, "openai_coreweave_commitment_usd_bn") + lag,
         v("assumption_coreweave_commitment_years")),
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


def _pay_figures(table: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """The lowest coverage, the money to raise and the renegotiation rule of one sources and
    uses table (floats) or of a table of draws (one value a row)."""
    from valse.model.openai_finances import funding_gap_usd_bn, renegotiation_risk

    prob, recovery = renegotiation_risk(table)
    return {"coverage_min": np.min(table["coverage"], axis=-1),
            "gap": funding_gap_usd_bn(table), "probability": prob, "recovery": recovery}


def _can_pay_once(p, facts, years, revenue, other_share):
    from valse.model.openai_finances import annualised_commitments_usd_bn, sources_and_uses

    contracts = openai_contracts(p, facts)
    by_provider = annualised_commitments_usd_bn(contracts, years)
    to_come = p["contingent_tranche_probability"] * money_to_come_usd_bn(p)
    table = sources_and_uses(revenue, by_provider.sum(axis=1), other_share,
                             p["openai_cash_usd_bn"], to_come)
    figures = _pay_figures(table)
    return contracts, by_provider, table, {
        "coverage_min": float(figures["coverage_min"]),
        "coverage_min_year": int(years[int(np.argmin(table["coverage"]))]),
        "gap": figures["gap"],
        "probability": figures["probability"],
        "recovery": figures["recovery"],
    }


#: The contracts whose terms are drawn in :func:`can_pay` (their facts carry a range), by
#: provider: the key of their draws.
DRAWN_TERMS: dict[str, str] = {"Microsoft Azure": "azure", "CoreWeave": "coreweave"}


#: The fact whose range each drawn term takes, by the key of its draws.
TERM_FACTS: dict[str, str] = {"azure": "assumption_azure_commitment_years",
                              "coreweave": "assumption_coreweave_commitment_years"}


def draw_terms(facts, gen: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """``n`` draws of each term of :data:`DRAWN_TERMS` (in that order, from ``gen``), each
    triangular on its fact's range peaking at its value [years], by the key of its draws."""
    out = {}
    for key in DRAWN_TERMS.values():
        fact = facts[TERM_FACTS[key]]
        out[key] = uncertainty.triangular(gen, fact.low, fact.number, fact.high, n)
    return out


def drawn_terms(draws: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The drawn terms by provider (:data:`DRAWN_TERMS`), for
    :func:`valse.model.openai_finances.committed_compute_usd_bn`."""
    return {provider: draws[key] for provider, key in DRAWN_TERMS.items()}


def _can_pay_draws(p, contracts, years, revenue, draws) -> dict[str, np.ndarray]:
    """:func:`_can_pay_once`'s figures for every draw at once, one row a draw.

    ``contracts`` are the central ones; the Azure and CoreWeave terms and the other-cost
    share are replaced by the draws (``draws["azure"]``, ``["coreweave"]``, ``["other"]``).
    The same formulas as one table at a time, on arrays of shape ``(draws, years)``.
    """
    from valse.model.openai_finances import committed_compute_usd_bn, sources_and_uses

    compute = committed_compute_usd_bn(contracts, years, drawn_terms(draws))
    to_come = p["contingent_tranche_probability"] * money_to_come_usd_bn(p)
    table = sources_and_uses(revenue, compute, draws["other"][:, None], p["openai_cash_usd_bn"],
                             to_come)
    return _pay_figures(table)


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
    draws = {
        "other": uncertainty.triangular(gen, p["openai_other_cost_share_low"], share,
                                        p["openai_other_cost_share_high"], n),
        **draw_terms(facts, gen, n),
    }
    outs = _can_pay_draws(p, contracts, years, paths["plan"], draws)
    bands = {k: band(outs[k], plan[k]) for k in ("coverage_min", "gap", "probability", "recovery")}
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
    from valse.data.nbparams import notebook_parameters
    from valse.data.paths import data_dir, notebooks_dir
    from valse.data.scenarios import load_yaml_mapping

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
