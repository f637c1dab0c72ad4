"""Amazon's sources and uses of cash in a year, and who pays for its AI spending.

Pure functions; amounts in USD billions (``_usd_bn``) for one calendar year, shares in
percent (``_pct``, 0–100) or fractions (0–1) as their names say.

A year of Amazon's cash is an identity: what it spends (**uses**: capital expenditure, AI
and other; its investments in OpenAI and Anthropic; buybacks and dividends) is paid by what
comes in (**sources**: operating cash flow, money borrowed) and, for the rest, by drawing
on its cash reserves; when the sources exceed the uses, the surplus is added to the
reserves (:func:`sources_and_uses_usd_bn`). The payroll the job cuts save is already inside
operating cash flow: it is shown as a part of it, never added to it.

Which source pays for the AI spending is a convention, because money is fungible. Two are
offered (:func:`ai_funding_usd_bn`):

* ``"operating_first"``: the financier's pecking order. Operating cash pays first for the
  uses that are not AI (other capex, buybacks, dividends); what is left of it pays for AI;
  then borrowing; then the cash reserves. The AI dollar is the marginal one.
* ``"pro_rata"``: every source pays the same fraction of every use.

Either way the result compares sizes; it does not trace dollars.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

Method = Literal["operating_first", "pro_rata"]

#: Uses of cash, in the order they are shown.
USES: tuple[str, ...] = (
    "ai_capex_usd_bn",
    "other_capex_usd_bn",
    "openai_usd_bn",
    "anthropic_usd_bn",
    "buybacks_dividends_usd_bn",
    "added_to_cash_usd_bn",
)
#: Sources of cash, in the order they are shown; the first two add up to operating cash flow.
SOURCES: tuple[str, ...] = (
    "operating_cash_customers_usd_bn",
    "operating_cash_payroll_savings_usd_bn",
    "borrowing_usd_bn",
    "cash_reserves_usd_bn",
)
#: Sources of the AI spending, as :func:`ai_funding_usd_bn` returns them.
AI_FUNDING_PARTS: tuple[str, ...] = (
    "operating_cash_customers_usd_bn",
    "operating_cash_payroll_savings_usd_bn",
    "borrowing_usd_bn",
    "cash_reserves_usd_bn",
)


@dataclass(frozen=True)
class CashYear:
    """One calendar year of Amazon's cash, in USD bn (the inputs of the identity)."""

    year: int  # the calendar year
    operating_cash_flow_usd_bn: float  # cash from operations, payroll savings included
    payroll_savings_usd_bn: float  # the cuts' net cash savings inside it (may be negative)
    capex_usd_bn: float  # cash capital expenditure
    ai_share_of_capex: float  # share of that capex that goes to AI [0-1]
    openai_usd_bn: float  # paid to OpenAI in the year (expected, tranche at its probability)
    anthropic_usd_bn: float  # paid to Anthropic in the year
    buybacks_dividends_usd_bn: float  # share repurchases and dividends
    borrowing_usd_bn: float  # money borrowed in the year (bonds, term loans)

    def __post_init__(self) -> None:
        for name in (
            "operating_cash_flow_usd_bn",
            "capex_usd_bn",
            "openai_usd_bn",
            "anthropic_usd_bn",
            "buybacks_dividends_usd_bn",
            "borrowing_usd_bn",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise TypeError(f"CashYear.{name}: expected a number, found {value!r}")
            if not value >= 0:
                raise ValueError(f"CashYear.{name}: expected a non-negative number, found {value}")
        if not 0 <= self.ai_share_of_capex <= 1:
            raise ValueError(
                f"CashYear.ai_share_of_capex: expected a value in [0, 1], "
                f"found {self.ai_share_of_capex}"
            )
        if self.payroll_savings_usd_bn > self.operating_cash_flow_usd_bn:
            raise ValueError(
                "CashYear.payroll_savings_usd_bn: expected at most operating_cash_flow_usd_bn "
                f"({self.operating_cash_flow_usd_bn}), found {self.payroll_savings_usd_bn}"
            )


def openai_cash_usd_bn(
    amazon_investment_usd_bn: float,
    amazon_upfront_usd_bn: float,
    contingent_tranche_probability: float,
) -> float:
    """Cash Amazon is expected to pay OpenAI: the upfront part and the tranche at its chance.

    Returns
    -------
    float
        ``upfront + p × (investment − upfront)`` [USD bn]; DESIGN.md's
        ``amazon_expected_investment_usd_bn``, counted in the year of the deal.
    """
    if not 0 <= contingent_tranche_probability <= 1:
        raise ValueError(
            "contingent_tranche_probability: expected a value in [0, 1], "
            f"found {contingent_tranche_probability}"
        )
    if not 0 <= amazon_upfront_usd_bn <= amazon_investment_usd_bn:
        raise ValueError(
            "amazon_upfront_usd_bn: expected between 0 and amazon_investment_usd_bn "
            f"({amazon_investment_usd_bn}), found {amazon_upfront_usd_bn}"
        )
    return amazon_upfront_usd_bn + contingent_tranche_probability * (
        amazon_investment_usd_bn - amazon_upfront_usd_bn
    )


def ai_spending_usd_bn(year: CashYear) -> float:
    """AI spending of the year: ``capex × ai_share + openai + anthropic`` [USD bn]."""
    return year.capex_usd_bn * year.ai_share_of_capex + year.openai_usd_bn + year.anthropic_usd_bn


def sources_and_uses_usd_bn(year: CashYear) -> dict[str, dict[str, float]]:
    """The year's sources and uses of cash; they balance by construction.

    Returns
    -------
    dict
        ``{"uses": {...}, "sources": {...}}`` with the keys of :data:`USES` and
        :data:`SOURCES` [USD bn]. ``cash_reserves`` = max(0, Σ uses − operating cash flow −
        borrowing): the gap drawn from reserves (or from borrowing not in the facts);
        ``added_to_cash`` = max(0, −that gap). ``Σ uses = Σ sources``.
    """
    ai_capex = year.capex_usd_bn * year.ai_share_of_capex
    spent = year.capex_usd_bn + year.openai_usd_bn + year.anthropic_usd_bn
    spent += year.buybacks_dividends_usd_bn
    gap = spent - year.operating_cash_flow_usd_bn - year.borrowing_usd_bn
    uses = {
        "ai_capex_usd_bn": ai_capex,
        "other_capex_usd_bn": year.capex_usd_bn - ai_capex,
        "openai_usd_bn": year.openai_usd_bn,
        "anthropic_usd_bn": year.anthropic_usd_bn,
        "buybacks_dividends_usd_bn": year.buybacks_dividends_usd_bn,
        "added_to_cash_usd_bn": max(0.0, -gap),
    }
    sources = {
        "operating_cash_customers_usd_bn": year.operating_cash_flow_usd_bn
        - year.payroll_savings_usd_bn,
        "operating_cash_payroll_savings_usd_bn": year.payroll_savings_usd_bn,
        "borrowing_usd_bn": year.borrowing_usd_bn,
        "cash_reserves_usd_bn": max(0.0, gap),
    }
    return {"uses": uses, "sources": sources}


def ai_funding_usd_bn(year: CashYear, method: Method = "operating_first") -> dict[str, float]:
    """Split the year's AI spending (:func:`ai_spending_usd_bn`) across the sources of cash.

    Parameters
    ----------
    year : CashYear
        The year.
    method : {"operating_first", "pro_rata"}
        The convention (module docstring). ``operating_first``: operating cash left after
        the uses that are not AI, ``clip(OCF − other capex − buybacks, 0, AI)``, then
        borrowing up to its amount, then reserves. ``pro_rata``: each source ``s`` pays
        ``AI × s / Σ sources``. Within operating cash, payroll savings and customers pay in
        proportion to their amounts.

    Returns
    -------
    dict
        The parts of :data:`AI_FUNDING_PARTS` [USD bn]; they add up to the AI spending.
    """
    ai = ai_spending_usd_bn(year)
    ocf = year.operating_cash_flow_usd_bn
    payroll_share = year.payroll_savings_usd_bn / ocf if ocf > 0 else 0.0
    sources = sources_and_uses_usd_bn(year)["sources"]
    if method == "operating_first":
        non_ai = year.capex_usd_bn * (1.0 - year.ai_share_of_capex)
        non_ai += year.buybacks_dividends_usd_bn
        from_ocf = min(ai, max(0.0, ocf - non_ai))
        from_borrowing = min(year.borrowing_usd_bn, ai - from_ocf)
        from_reserves = ai - from_ocf - from_borrowing
    elif method == "pro_rata":
        total = sum(sources.values())
        fraction = ai / total if total > 0 else 0.0
        from_ocf = ocf * fraction
        from_borrowing = year.borrowing_usd_bn * fraction
        from_reserves = sources["cash_reserves_usd_bn"] * fraction
    else:
        raise ValueError(f"method: expected 'operating_first' or 'pro_rata', found {method!r}")
    return {
        "operating_cash_customers_usd_bn": from_ocf * (1.0 - payroll_share),
        "operating_cash_payroll_savings_usd_bn": from_ocf * payroll_share,
        "borrowing_usd_bn": from_borrowing,
        "cash_reserves_usd_bn": from_reserves,
    }


def shares_pct(parts_usd_bn: Mapping[str, float]) -> dict[str, float]:
    """Each part as a share of their sum: ``100 × part / Σ parts`` [%]; zeros if the sum is 0."""
    total = float(sum(parts_usd_bn.values()))
    if total == 0:
        return {k: 0.0 for k in parts_usd_bn}
    return {k: 100.0 * v / total for k, v in parts_usd_bn.items()}


def ai_funding_shares_pct(year: CashYear, method: Method = "operating_first") -> dict[str, float]:
    """:func:`ai_funding_usd_bn` as shares of the AI spending [%, they add up to 100]."""
    return shares_pct(ai_funding_usd_bn(year, method))


# --- the figures of 03_labor_costs, from a notebook's parameters ---------------------------

#: Parameters drawn by :func:`who_pays_bands` (each with ``_low`` and ``_high`` bounds).
UNCERTAIN: tuple[str, ...] = (
    "salary_usd_k",
    "stock_compensation_usd_k",
    "benefits_usd_k",
    "overhead_usd_k",
    "rehire_share",
    "severance_months",
    "contingent_tranche_probability",
    "operating_cash_flow_2026_usd_bn",
    "capex_2026_usd_bn",
    "ai_share_of_capex",
)


def cash_year_2025(p: Mapping[str, float], payroll_savings_usd_bn: float) -> CashYear:
    """Amazon's 2025 from the notebook's parameters (names of ``03_labor_costs``)."""
    return CashYear(
        year=2025,
        operating_cash_flow_usd_bn=p["amazon_operating_cash_flow_usd_bn"],
        payroll_savings_usd_bn=payroll_savings_usd_bn,
        capex_usd_bn=p["amazon_capex_usd_bn"],
        ai_share_of_capex=p["ai_share_of_capex"],
        openai_usd_bn=0.0,  # the deal was signed in 2026
        anthropic_usd_bn=p["anthropic_investment_2025_usd_bn"],
        buybacks_dividends_usd_bn=p["buybacks_2025_usd_bn"] + p["dividends_usd_bn"],
        borrowing_usd_bn=p["debt_raised_usd_bn"],
    )


def cash_year_2026(
    p: Mapping[str, float], payroll_savings_usd_bn: float, openai_usd_bn: float
) -> CashYear:
    """Amazon's 2026 from the notebook's parameters (names of ``03_labor_costs``)."""
    return CashYear(
        year=2026,
        operating_cash_flow_usd_bn=p["operating_cash_flow_2026_usd_bn"],
        payroll_savings_usd_bn=payroll_savings_usd_bn,
        capex_usd_bn=p["capex_2026_usd_bn"],
        ai_share_of_capex=p["ai_share_of_capex"],
        openai_usd_bn=openai_usd_bn,
        anthropic_usd_bn=p["anthropic_investment_2026_usd_bn"],
        buybacks_dividends_usd_bn=p["buybacks_2026_usd_bn"] + p["dividends_usd_bn"],
        borrowing_usd_bn=p["borrowing_2026_usd_bn"],
    )


def who_pays_figures(p: Mapping[str, float], waves: list[tuple[float, float]], *,
                     full: bool = True) -> dict[str, float]:
    """Every figure of the "who pays" sections, from the notebook's parameters.

    ``full=False`` leaves out what only the tables show (2025's AI funding and payroll
    savings, the sources and uses of both years, the pro rata convention), as the Monte Carlo
    of :func:`who_pays_bands` does: the same arithmetic for the figures that remain.

    Parameters
    ----------
    p : mapping
        The parameters of ``03_labor_costs`` (its names: ``roles_cut``, the cost parts,
        ``rehire_share``, the deal's amounts, ``operating_cash_flow_2026_usd_bn``, …).
    waves : list of (roles, announced)
        The sourced rounds of cuts (roles, decimal year of the announcement); rescaled to
        ``roles_cut`` (:func:`valse.model.labor_ramp.scaled_waves`).

    Returns
    -------
    dict
        Scalars [USD bn, years, %] named as the metrics they feed, plus the 2025 and 2026
        sources and uses (``su_2025_*``, ``su_2026_*``) and the 2026 AI funding under both
        conventions (``ai_2026_<method>_<part>_pct``).
    """
    from valse.model import labor, labor_ramp

    parts, _ = labor.rescaled_cost_parts_usd_k(
        {name: p[name] for name in labor.COST_PARTS}, p["cost_per_role_usd_k"]
    )
    cash_cost = labor.cash_cost_per_role_usd_k(
        p["cost_per_role_usd_k"], parts["stock_compensation_usd_k"]
    )
    fully_loaded = labor.layoff_savings_usd_bn_per_year(p["roles_cut"], p["cost_per_role_usd_k"])
    cash_year = labor_ramp.net_cash_savings_usd_bn_per_year(
        p["roles_cut"], cash_cost, p["rehire_share"]
    )
    rounds = labor_ramp.scaled_waves(waves, p["roles_cut"])
    in_year = {
        year: labor_ramp.cash_savings_in_year_usd_bn(
            rounds,
            year,
            cash_cost,
            p["notice_months"],
            parts["salary_usd_k"],
            p["severance_months"],
            p["rehire_share"],
        )
        for year in ((2025, 2026) if full else (2026,))
    }
    expected = openai_cash_usd_bn(
        p["amazon_investment_usd_bn"],
        p["amazon_upfront_usd_bn"],
        p["contingent_tranche_probability"],
    )
    y2025 = cash_year_2025(p, in_year[2025]["net_usd_bn"]) if full else None
    y2026 = cash_year_2026(p, in_year[2026]["net_usd_bn"], expected)
    ai_capex_2026 = p["capex_2026_usd_bn"] * p["ai_share_of_capex"]
    out = {
        "cash_cost_per_role_usd_k": cash_cost,
        "layoff_savings_usd_bn_per_year": fully_loaded,
        "payroll_cash_savings_usd_bn_per_year": cash_year,
        "payroll_gross_cash_savings_2026_usd_bn": in_year[2026]["gross_usd_bn"],
        "payroll_severance_2026_usd_bn": in_year[2026]["severance_usd_bn"],
        "payroll_net_cash_savings_2026_usd_bn": in_year[2026]["net_usd_bn"],
        **({"payroll_net_cash_savings_2025_usd_bn": in_year[2025]["net_usd_bn"]} if full else {}),
        "amazon_expected_investment_usd_bn": expected,
        "years_of_savings_to_match_investment": labor.years_of_savings_to_match(
            p["amazon_investment_usd_bn"], fully_loaded
        ),
        "years_of_cash_savings_to_match_expected_investment": labor.years_of_savings_to_match(
            expected, cash_year
        ),
        "years_of_cash_savings_to_match_upfront": labor.years_of_savings_to_match(
            p["amazon_upfront_usd_bn"], cash_year
        ),
        "ai_capex_2026_usd_bn": ai_capex_2026,
        "ai_spending_2026_usd_bn": ai_spending_usd_bn(y2026),
        **({"ai_spending_2025_usd_bn": ai_spending_usd_bn(y2025)} if full else {}),
        "payroll_share_of_ai_capex_2026_pct": labor.savings_share_of_ai_capex_pct(
            cash_year, ai_capex_2026
        ),
        "payroll_cash_savings_share_of_aws_operating_income_pct": 100.0
        * cash_year
        / p["aws_operating_income_usd_bn"],
    }
    for label, year in (("2025", y2025), ("2026", y2026)) if full else (("2026", y2026),):
        if full:
            su = sources_and_uses_usd_bn(year)
            for side in ("uses", "sources"):
                for key, value in su[side].items():
                    out[f"su_{label}_{key}"] = value
            out[f"su_{label}_total_usd_bn"] = sum(su["uses"].values())
        for method in ("operating_first", "pro_rata") if full else ("operating_first",):
            for key, value in ai_funding_shares_pct(year, method).items():
                out[f"ai_{label}_{method}_{key.removesuffix('_usd_bn')}_pct"] = value
    out["amazon_ai_spending_funded_by_borrowing_pct"] = out["ai_2026_operating_first_borrowing_pct"]
    out["amazon_ai_spending_funded_by_cash_reserves_pct"] = out[
        "ai_2026_operating_first_cash_reserves_pct"
    ]
    out["payroll_share_of_ai_spending_2026_pct"] = out[
        "ai_2026_operating_first_operating_cash_payroll_savings_pct"
    ]
    return out


def who_pays_bands(
    p: Mapping[str, float],
    waves: list[tuple[float, float]],
    names: tuple[str, ...],
    n: int,
    seed: int,
) -> dict[str, tuple[float, float, float]]:
    """P10, P50 and P90 of figures of :func:`who_pays_figures` over the uncertain inputs.

    Each input of :data:`UNCERTAIN` is drawn from a triangular law on
    ``[p[name + "_low"], p[name + "_high"]]`` peaking at ``p[name]`` (scaled, for the cost
    parts, as the central parts are to add up to ``cost_per_role_usd_k``), independently,
    in sorted order from one generator seeded with ``seed``, as
    :func:`valse.model.uncertainty.monte_carlo` does; every figure is computed from the same
    draws.

    Returns
    -------
    dict
        name → (P10, P50, P90) for each of ``names``.
    """
    from valse.model import labor, uncertainty

    _, scale = labor.rescaled_cost_parts_usd_k(
        {name: p[name] for name in labor.COST_PARTS}, p["cost_per_role_usd_k"]
    )
    gen = uncertainty.rng(seed)
    draws = {}
    for name in sorted(UNCERTAIN):
        factor = scale if name in labor.COST_PARTS else 1.0
        low, mode, high = (factor * p[f"{name}{s}"] for s in ("_low", "", "_high"))
        if not low <= mode <= high:
            raise ValueError(
                f"{name}: expected {name}_low <= {name} <= {name}_high, found "
                f"{p[name + '_low']}, {p[name]}, {p[name + '_high']}"
            )
        draws[name] = uncertainty.triangular(gen, low, mode, high, n)
    values: dict[str, list[float]] = {name: [] for name in names}
    # the table-only figures are left out of the draws unless a band is asked of one
    full = not set(names) <= set(who_pays_figures(p, waves, full=False))
    for i in range(n):
        q = dict(p)
        for name, column in draws.items():
            q[name] = float(column[i])
        q["cost_per_role_usd_k"] = sum(q[name] for name in labor.COST_PARTS)
        q["contingent_tranche_probability"] = min(1.0, q["contingent_tranche_probability"])
        figures = who_pays_figures(q, waves, full=full)
        for name in names:
            values[name].append(figures[name])
    return {name: uncertainty.p10_p50_p90(np.array(v)) for name, v in values.items()}
