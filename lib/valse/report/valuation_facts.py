"""The facts notebook 01 stands on, by section and by reading, and its two-readings table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valse.model import valuation

#: How each scenario file is named in 01's prose.
READING_WORDS: dict[str, str] = {
    "base": "the deal as reported",
    "rumour": "the rumour as the article wrote it",
    "no_deal": "the deal falling through (Amazon invests nothing)",
    "equity_only": "an equity-only deal (no AWS spending tied to it)",
    "smaller_deal": "a smaller deal, as first reported in December 2025",
    "bear": "the deal as reported, bear case",
    "bull": "the deal as reported, bull case",
}
#: Facts of the round, the tranche and the AWS spending, by reading.
BY_READING: dict[str, dict[str, list[str]]] = {
    "rumour": {
        "round": ["rumour_openai_valuation_usd_bn", "rumour_round_size_usd_bn",
                  "rumour_amazon_investment_usd_bn"],
        "tranche": ["rumour_amazon_investment_usd_bn"],
        "aws": ["rumour_aws_services_in_investment_usd_bn", "assumption_aws_ai_operating_margin"],
    },
    "reported": {
        "round": ["openai_premoney_2026_usd_bn", "openai_round_2026_closed_usd_bn",
                  "amazon_openai_commitment_usd_bn"],
        "tranche": ["amazon_openai_upfront_usd_bn", "amazon_openai_contingent_usd_bn",
                    "assumption_contingent_tranche_probability"],
        "aws": ["aws_openai_contract_expansion_usd_bn", "assumption_aws_ai_operating_margin"],
    },
}
HOLDER_FACTS: list[str] = [
    "microsoft_openai_stake_pct", "openai_foundation_stake_pct",
    "openai_employees_investors_stake_pct", "nvidia_openai_round_2026_usd_bn",
    "softbank_openai_round_2026_usd_bn",
]
IPO_FACTS: list[str] = ["openai_ipo_target_valuation_usd_bn", "openai_ipo_raise_min_usd_bn",
                        "valuation_ipo_dilution"]
REVENUE_FACTS: list[str] = [
    "openai_revenue_2024_usd_bn", "openai_revenue_2025_usd_bn",
    "openai_annualized_revenue_2026_02_usd_bn", "openai_annualized_revenue_2026_08_usd_bn",
    "openai_revenue_2026_forecast_usd_bn", "openai_revenue_2029_target_usd_bn",
    "openai_revenue_2030_target_usd_bn",
]
#: Facts of the multiples' chart and record, besides the round's.
MULTIPLE_FACTS: list[str] = ["openai_cash_2026_03_usd_bn", "openai_revenue_2025_usd_bn",
                             "openai_annualized_revenue_2026_08_usd_bn"]
#: Facts of the football field, besides the round's, the DCF's and the IPO target.
FIELD_FACTS: list[str] = ["openai_secondary_forge_2026_04_usd_bn", "openai_cash_2026_03_usd_bn",
                          "openai_annualized_revenue_2026_08_usd_bn",
                          "openai_revenue_2030_target_usd_bn"]
#: The rows of the two-readings table: label, rumour fact, reported fact.
READING_ROWS: list[tuple[str, str | None, str]] = [
    ("Amazon's commitment", "rumour_amazon_investment_usd_bn", "amazon_openai_commitment_usd_bn"),
    ("… paid at signing", None, "amazon_openai_upfront_usd_bn"),
    ("Size of the round", "rumour_round_size_usd_bn", "openai_round_2026_closed_usd_bn"),
    ("OpenAI's valuation after the round", "rumour_openai_valuation_usd_bn",
     "openai_postmoney_2026_closed_usd_bn"),
]


def reading_facts(p: Mapping[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """The round's, the tranche's and the AWS spending's facts for the scenario's reading."""
    from valse.report.valuation_story import reading_of

    f = BY_READING[reading_of(p)]
    return list(f["round"]), list(f["tranche"]), list(f["aws"])


def two_readings(facts):
    """The round as each reading gives it, with Amazon's stake computed the same way for both."""
    from valse.data.facts import side_by_side

    table = side_by_side(facts, READING_ROWS)
    table.loc["Amazon's stake, whole commitment paid (computed)"] = {
        "rumour value": valuation.stake_pct(facts.value("rumour_amazon_investment_usd_bn"),
                                            facts.value("rumour_openai_valuation_usd_bn")),
        "rumour status": "computed", "rumour fact": "",
        "reported value": valuation.stake_pct(facts.value("amazon_openai_commitment_usd_bn"),
                                              facts.value("openai_postmoney_2026_closed_usd_bn")),
        "reported status": "computed", "reported fact": "", "unit": "%"}
    return table


def used_facts(*lists: list[str]) -> list[str]:
    """Every fact 01 uses, in order, once: the lists given and those of the library's sections."""
    from valse.report import openai_pay, valuation_ipo
    from valse.report import valuation_concentration as conc
    from valse.report import valuation_market as market

    extra = (["openai_secondary_forge_2026_04_usd_bn", "openai_postmoney_2026_closed_usd_bn",
              "rumour_openai_valuation_usd_bn", "rumour_amazon_investment_usd_bn"]
             + openai_pay.CAN_PAY_FACTS + conc.BACKLOG_FACTS["reported"]
             + conc.BACKLOG_FACTS["rumour"] + conc.CAPACITY_FACTS + market.SUPPLIER_FACTS
             + market.FAIR_VALUE_FACTS + valuation_ipo.IPO_DISTRIBUTION_FACTS)
    return list(dict.fromkeys([f for fl in lists for f in fl] + extra))
