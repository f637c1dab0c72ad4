"""The deal as one small frozen object, and its core headline metrics.

A :class:`Deal` holds the core parameters of DESIGN.md (amounts in USD bn). It has no
defaults in code: values come from a scenario file (``data/scenarios/*.yaml``), whose
defaults are drawn from the fact base. Sweeps are comprehensions over
:func:`create_deal`::

    base = load_parameters("data/scenarios/base.yaml")
    deals = [create_deal(base, aws_services_usd_bn=s) for s in (0, 38, 100, 138)]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from valse.data.parameters import check_range
from valse.model import cloud, labor, valuation


@dataclass(frozen=True)
class Deal:
    """Amazon's investment in OpenAI, in the core parameters of DESIGN.md."""

    amazon_investment_usd_bn: float  # headline amount Amazon commits [USD bn]
    amazon_upfront_usd_bn: float  # part paid at signing [USD bn]
    contingent_tranche_probability: float  # chance the milestone part is paid [0-1]
    aws_services_usd_bn: float  # OpenAI's AWS spending tied to the deal [USD bn]
    round_size_usd_bn: float  # all new money in the round [USD bn]
    pre_money_valuation_usd_bn: float  # OpenAI's value before the round [USD bn]
    aws_ai_operating_margin: float  # AWS operating margin on that compute [0-1]
    contract_years: float  # years over which the services are consumed [years]
    discount_rate: float  # annual rate for present values [0-1]
    roles_cut: int  # corporate roles Amazon cut [count]
    cost_per_role_usd_k: float  # fully loaded yearly cost of one role [USD k]

    def __post_init__(self) -> None:
        """Check each field against the parameter registry's valid range
        (:mod:`valse.data.parameters`, the one message for a value out of range), and the
        upfront part against the investment."""
        for name in DEAL_FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"Deal.{name}: expected a number, found {value!r}")
            check_range(f"Deal.{name}", name, value)
        if self.amazon_upfront_usd_bn > self.amazon_investment_usd_bn:
            raise ValueError(
                "Deal.amazon_upfront_usd_bn: expected at most amazon_investment_usd_bn "
                f"({self.amazon_investment_usd_bn}), found {self.amazon_upfront_usd_bn}"
            )


#: Names of the fields of :class:`Deal`.
DEAL_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Deal))


def create_deal(params: Mapping[str, Any] | None = None, /, **overrides: Any) -> Deal:
    """Build a :class:`Deal` from a parameter mapping, with keyword overrides.

    Keys of ``params`` that are not deal fields (``seed``, notebook-specific parameters)
    are ignored, so a whole scenario can be passed.
    """
    merged = {**(params or {}), **overrides}
    missing = [name for name in DEAL_FIELDS if name not in merged]
    if missing:
        raise KeyError(f"create_deal: missing parameters {', '.join(missing)}")
    return Deal(**{name: merged[name] for name in DEAL_FIELDS})


def headline_metrics(deal: Deal) -> dict[str, float]:
    """The core headline metrics of DESIGN.md for one deal.

    Returns a dict name -> value: ``post_money_valuation_usd_bn``, ``amazon_stake_pct``,
    ``amazon_expected_investment_usd_bn``, ``circularity_pct`` (a size ratio, not money
    returned), ``layoff_savings_usd_bn_per_year``, ``years_of_savings_to_match_investment``.
    The first edition's ``amazon_net_cash_outlay_usd_bn`` and margin-based
    ``amazon_economic_cost_usd_bn`` are retired as headlines (DESIGN.md): they counted contract
    revenue, or an accounting margin, as money coming back; the deal's value to Amazon is
    :func:`valse.model.deal_npv.npv_parts`.
    """
    post = valuation.post_money_valuation_usd_bn(
        deal.pre_money_valuation_usd_bn, deal.round_size_usd_bn
    )
    savings = labor.layoff_savings_usd_bn_per_year(deal.roles_cut, deal.cost_per_role_usd_k)
    return {
        "post_money_valuation_usd_bn": post,
        "amazon_stake_pct": valuation.stake_pct(deal.amazon_investment_usd_bn, post),
        "amazon_expected_investment_usd_bn": valuation.expected_investment_usd_bn(
            deal.amazon_investment_usd_bn,
            deal.amazon_upfront_usd_bn,
            deal.contingent_tranche_probability,
        ),
        "circularity_pct": cloud.circularity_pct(
            deal.aws_services_usd_bn, deal.amazon_investment_usd_bn
        ),
        "layoff_savings_usd_bn_per_year": savings,
        "years_of_savings_to_match_investment": labor.years_of_savings_to_match(
            deal.amazon_investment_usd_bn, savings
        ),
    }


Reading = Literal["rumour", "reported"]
Case = Literal["no_deal", "equity_only", "inside", "separate"]


def reading(deal: Deal) -> Reading:
    """Which reading of the Amazon–OpenAI deal a scenario describes: the one rule.

    The reports before signing (December 2025, January 2026: the rumour the article is built
    on) had no tranches: all of Amazon's money at signing. The deal as reported on
    2026-02-27 pays part on milestones. So ``"reported"`` when part of the commitment is
    contingent (``amazon_upfront < amazon_investment``), else ``"rumour"``. Decided from the
    parameters, never from a scenario's file name; every notebook and module uses it.
    """
    if deal.amazon_upfront_usd_bn < deal.amazon_investment_usd_bn:
        return "reported"
    return "rumour"


def case(deal: Deal) -> Case:
    """How the deal's cloud spending relates to the investment: the one rule.

    - ``"no_deal"``: Amazon invests nothing;
    - ``"equity_only"``: Amazon invests, and no AWS spending is tied to the deal;
    - ``"inside"``: the rumour's reading, in which part of the headline amount is OpenAI's own
      AWS bill (the spending fits inside the investment and all of it is paid at signing);
    - ``"separate"``: the AWS spending is a contract beside the investment (the deal as
      reported, or a rumour whose cloud contract is larger than the money invested).
    """
    if deal.amazon_investment_usd_bn <= 0:
        return "no_deal"
    if deal.aws_services_usd_bn <= 0:
        return "equity_only"
    if reading(deal) == "rumour" and deal.aws_services_usd_bn <= deal.amazon_investment_usd_bn:
        return "inside"
    return "separate"


#: How each reading and case is named in prose and tables.
READING_NAMES: dict[str, str] = {
    "rumour": "the rumour as written (before signing)",
    "reported": "the deal as reported (signed 2026-02-27)",
}
CASE_NAMES: dict[str, str] = {
    "no_deal": "no deal: Amazon invests nothing",
    "equity_only": "equity only: no AWS spending tied to the deal",
    "inside": "the AWS spending inside the headline amount",
    "separate": "a separate AWS contract beside the investment",
}
