"""The December 2026 update of the fact base: statuses follow the vocabulary, new facts sourced."""

import re
from pathlib import Path

import yaml

from valse.data.facts import load_facts, parse_date

ROOT = Path(__file__).resolve().parents[1]

# the new facts of the update (N1-N15 of the brief) and the status the brief gives them
NEW = {
    "eu_dma_cloud_preliminary_2026_06_25": "confirmed",  # N1
    "eu_dma_cloud_final_decision_2026_12": "reported",  # N2
    "eu_dma_cloud_investigations_2025_11_18": "confirmed",  # N3
    "cma_cloud_sms_shelved_2026_03_31": "confirmed",  # N4
    "amazon_term_loan_2026_06_usd_bn": "confirmed",  # N5
    "anthropic_draft_s1_2026_06_01": "confirmed",  # N6
    "microsoft_openai_revenue_share_terms_2026_04_27": "confirmed",  # N7
    "openai_models_on_bedrock_2026_04_28": "confirmed",  # N7
    "microsoft_openai_funded_2026_03_usd_bn": "confirmed",  # N8
    "microsoft_openai_net_gains_9m_2026_03_usd_bn": "confirmed",  # N8
    "openai_missed_targets_wsj_2026_04_27": "reported",  # N9
    "openai_ohio_campus_gw": "reported",  # N10
    "openai_ohio_campus_cost_usd_bn": "reported",  # N10
    "openai_cash_burn_2026_projection_2026_02_usd_bn": "reported",  # N11
    "openai_cash_burn_2027_projection_2026_02_usd_bn": "reported",  # N11
    "openai_model_spend_to_2030_projection_usd_bn": "reported",  # N11
    "openai_noncash_charge_q1_2026_usd_bn": "reported",  # N12
    "openai_revenue_per_month_2026_03_usd_bn": "confirmed",  # N13
    "anthropic_profitable_q2_2026": "reported",  # N14
    "anthropic_customers_over_100k_2026_07_count": "reported",  # N14
    "softbank_openai_net_invested_2025_12_usd_bn": "confirmed",  # N15
    "softbank_openai_fair_value_2025_12_usd_bn": "confirmed",  # N15
}
# rows of the audit (section 1 of the brief) and the status the vocabulary gives them
REGRADED = {
    "openai_round_2026_closed_usd_bn": "confirmed",
    "openai_postmoney_2026_closed_usd_bn": "confirmed",
    "microsoft_openai_amendment_2026_04_27": "confirmed",
    "aws_openai_contract_total_usd_bn": "estimate",
    "aws_operating_margin_2025_pct": "estimate",
    "aws_operating_margin_q1_2026_pct": "estimate",
    "amazon_anthropic_new_2026_04_usd_bn": "confirmed",
    "amazon_anthropic_contingent_2026_04_usd_bn": "confirmed",
    "amazon_capex_q1_2026_usd_bn": "confirmed",
    "amazon_layoffs_2025_10_count": "confirmed",
    "amazon_severance_q3_2025_usd_bn": "confirmed",
    "openai_microsoft_revenue_share_pct": "reported",
    "rumour_aws_services_in_investment_usd_bn": "assumption",
}
EDGAR_8K = "https://www.sec.gov/Archives/edgar/data/1018724/000110465926021050/tm267374d1_8k.htm"


def test_new_facts_have_a_source_an_address_a_date_and_the_brief_s_status():
    facts = load_facts()
    for fid, status in NEW.items():
        f = facts[fid]
        assert f.status == status, fid
        assert f.source and f.url.startswith("https://"), fid
        assert parse_date(f.as_of) <= parse_date("2026-12-02"), fid


def test_regraded_rows_follow_the_vocabulary():
    facts = load_facts()
    assert {fid: facts[fid].status for fid in REGRADED} == REGRADED


def test_derived_rows_are_estimates_and_say_how():
    facts = load_facts()
    derived = [f for f in facts.values() if f.source.lower().startswith("valse derivation")]
    assert len(derived) >= 8
    for f in derived:
        assert f.status == "estimate" and f.note.startswith("Derived:"), f.id
        # the derivation names at least one fact it comes from
        named = set(re.findall(r"[a-z][a-z0-9_]+_(?:usd_bn|pct|count)\b", f.note))
        assert named & set(facts), (f.id, named)


def test_the_commitment_cites_the_filing_and_no_unsourced_clause_remains():
    facts = load_facts()
    for fid in ("amazon_openai_commitment_usd_bn", "amazon_openai_upfront_usd_bn",
                "amazon_openai_contingent_usd_bn"):
        assert facts[fid].url == EDGAR_8K and "Form 8-K" in facts[fid].source, fid
        assert "SECWatch" in facts[fid].note, fid  # the relay is said
    text = " ".join(f"{f.value} {f.note}" for f in facts.values() if f.unit == "text" or f.note)
    assert "cleared the dispute over the AWS Frontier exclusivity" not in text
    assert facts["rumour_aws_services_in_investment_usd_bn"].url.startswith(
        "https://www.globalnews.fr/")


def test_the_tranche_is_probably_triggered_not_a_coin_flip():
    facts = load_facts()
    p = facts["assumption_contingent_tranche_probability"]
    assert 0.5 < p.low < p.number < p.high < 1
    base = yaml.safe_load((ROOT / "data" / "scenarios" / "base.yaml").read_text())
    assert base["contingent_tranche_probability"] == p.number
    bear = facts["assumption_contingent_tranche_probability_bear"]
    assert bear.high < p.number  # 'milestones unlikely' stays below the base reading
    # both S-1 dates are kept, the confirmed one dates the trigger
    assert facts["openai_ipo_filing"].as_of == "2026-06-08"
    assert facts["openai_ipo_filing"].status == "confirmed"
    assert facts["openai_draft_s1_submitted_2026_05_22"].status == "reported"


def test_firm_money_sits_next_to_the_headline_post_money():
    facts = load_facts()
    conditional = facts.value("amazon_openai_contingent_usd_bn")
    pairs = (("openai_postmoney_2026_firm_usd_bn", "openai_postmoney_2026_closed_usd_bn"),
             ("openai_postmoney_2026_announced_firm_usd_bn",
              "openai_postmoney_2026_announced_usd_bn"))
    for firm, headline in pairs:
        assert facts[firm].status == "estimate"
        assert facts.value(firm) == facts.value(headline) - conditional
