"""The published explorers' inputs for a scenario, built from the notebooks' parameters and the
scenario file without running a notebook (as the notebooks build them, with the library's
calls), for the unit, browser and bench runs of :mod:`valse.report.explorers`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from valse.data.nbparams import notebook_parameters

ROOT = Path(__file__).resolve().parents[1]


def notebook_params(notebook: str, scenario: str = "base") -> dict[str, Any]:
    """A notebook's parameter defaults overridden by the scenario's values (as papermill does)."""
    params = {p.name: p.default
              for p in notebook_parameters(ROOT / "notebooks" / f"{notebook}.ipynb")}
    values = yaml.safe_load((ROOT / "data" / "scenarios" / f"{scenario}.yaml").read_text())
    params.update({k: v for k, v in values.items() if k in params})
    return params


@cache
def valuation_inputs(scenario: str = "base") -> tuple[dict, dict, dict]:
    """01's panel inputs: (parameters, cap table before the round [%], co-investors [USD bn]),
    as 01's cap-table cell builds them."""
    from valse.model import valuation

    p = notebook_params("01_valuation", scenario)
    before = valuation.holdings_before_round_pct(
        {"Microsoft": p["microsoft_stake_before_pct"],
         "OpenAI Foundation": p["foundation_stake_before_pct"]},
        "Employees and other investors")
    return p, before, {"NVIDIA": p["nvidia_round_usd_bn"], "SoftBank": p["softbank_round_usd_bn"]}


@cache
def labor_inputs(scenario: str = "base") -> tuple[dict, dict]:
    """03's panel inputs: (start, context), as 03's panel cell passes them."""
    from valse.data.facts import load_facts
    from valse.model import labor, labor_ramp, who_pays_cash
    from valse.report import who_pays

    p = notebook_params("03_labor_costs", scenario)
    cost = p["cost_per_role_usd_k"]
    parts, _ = labor.rescaled_cost_parts_usd_k({n: p[n] for n in labor.COST_PARTS}, cost)
    cash = who_pays_cash.who_pays_figures({n: p[n] for n in who_pays.PARAMETERS},
                                        labor_ramp.waves_from_facts(load_facts()))
    start = {k: p[k] for k in ("roles_cut", "cost_per_role_usd_k", "horizon_years")}
    context = {
        "amazon_investment_usd_bn": p["amazon_investment_usd_bn"],
        "ai_capex_usd_bn": labor.ai_capex_usd_bn(p["amazon_capex_usd_bn"], p["ai_share_of_capex"]),
        "notice_months": p["notice_months"], "severance_months": p["severance_months"],
        "salary_share_of_cost": parts["salary_usd_k"] / cost,
        "corporate_employees": p["corporate_employees"], "discount_rate": p["discount_rate"],
        "cash_share_of_cost": cash["cash_cost_per_role_usd_k"] / cost,
        "rehire_share": p["rehire_share"],
        "expected_investment_usd_bn": cash["amazon_expected_investment_usd_bn"],
    }
    return start, context


@cache
def flows_inputs(scenario: str = "base") -> tuple[Any, dict, dict]:
    """04's panel inputs: (flows of every status, cloud shares now [%], keyword arguments), as
    04's setup and panel cells build them."""
    from valse.data.facts import load_facts
    from valse.data.flowdata import load_flows
    from valse.data.sharedata import load_cloud_shares
    from valse.report import flows_report

    p = notebook_params("04_cross_investments", scenario)
    analysis = flows_report.analyse(p, load_facts(), load_flows(), load_cloud_shares())
    shift = float(flows_report.peak_year(analysis.path).get("shift_pct_points", 0.0))
    shares = analysis.shares_now
    return analysis.web.every_status, shares, {
        "from_provider": "Microsoft", "to_provider": "AWS",
        "shift_pct_points": min(max(shift, 0.0), shares["Microsoft"])}
