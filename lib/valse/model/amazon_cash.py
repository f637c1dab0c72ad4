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

The figures of ``03_labor_costs`` built on these from a notebook's parameters, and their
bands, are :mod:`valse.model.who_pays_cash`.
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
