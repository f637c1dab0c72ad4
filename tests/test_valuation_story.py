"""The valuation notebook's figures and prose, built without a kernel for every scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from numpy.testing import assert_allclose

from valse.data.comparables import load_comparables
from valse.data.facts import load_facts
from valse.data.nbparams import notebook_parameters
from valse.model import valuation
from valse.report import narrative, openai_pay, valuation_ipo
from valse.report import valuation_concentration as conc
from valse.report import valuation_dcf as dcfs
from valse.report import valuation_growth as vgrowth
from valse.report import valuation_market as market
from valse.report import valuation_round as rounds
from valse.report import valuation_story as story

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_valuation.ipynb"
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))


def scenario_params(path: Path, draws: int = 400) -> dict:
    """The notebook's defaults with the scenario's values over them, as the pipeline does."""
    params = {p.name: p.default for p in notebook_parameters(NOTEBOOK)}
    scenario = yaml.safe_load(path.read_text())
    params.update({k: v for k, v in scenario.items() if k in params})
    params.update(scenario_name=path.stem, draws=draws)
    return params


@pytest.fixture(scope="module")
def facts():
    return load_facts()


@pytest.fixture(scope="module")
def comps():
    return load_comparables()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_template_renders_clean_for_every_scenario(path, facts, comps):
    p = scenario_params(path)
    result = dcfs.reverse_dcf(p, facts)
    mult = market.multiples(p, comps)
    field = market.football_field(p, facts, mult, result)
    texts = {
        "reverse_dcf": narrative.render(
            "01_valuation/reverse_dcf", **dcfs.reverse_dcf_story(p, facts, result)),
        "multiples": narrative.render("01_valuation/multiples", **market.multiples_story(p, mult)),
        "growth_multiple": narrative.render(
            "01_valuation/growth_multiple",
            **vgrowth.growth_multiple_story(p, vgrowth.growth_multiple(p, comps, facts, mult))),
        "football_field": narrative.render(
            "01_valuation/football_field",
            **market.football_field_story(p, field, mult, result)),
    }
    pay = openai_pay.can_pay(p, facts)
    texts["can_pay"] = narrative.render("01_valuation/can_pay",
                                        **openai_pay.can_pay_story(p, pay, facts))
    shares, capacity = conc.backlog_shares(p, facts), conc.capacity_on_aws(facts)
    texts["concentration"] = narrative.render(
        "01_valuation/concentration", **conc.concentration_story(p, shares, capacity))
    new_money = valuation.round_allocation_usd_bn(
        p["round_size_usd_bn"], p["amazon_investment_usd_bn"], "Amazon",
        {"NVIDIA": p["nvidia_round_usd_bn"], "SoftBank": p["softbank_round_usd_bn"]}, "Others")
    texts["supplier_share"] = narrative.render(
        "01_valuation/supplier_share",
        **market.supplier_story(p, market.supplier_share(p, new_money, facts)))
    amount = valuation.expected_investment_usd_bn(
        p["amazon_investment_usd_bn"], p["amazon_upfront_usd_bn"],
        p["contingent_tranche_probability"])
    ipo = valuation_ipo.ipo_distribution(p, amount)
    fv = market.fair_value(p, facts, result, amount, ipo)
    rnd = rounds.the_round(p)
    tr = rounds.tranches(p, rnd)
    assert_allclose(tr["amount_expected"], amount, rtol=1e-12)
    eff = rounds.effective_price(p, rnd, tr["gen"])
    at_ipo = rounds.stakes_at_ipo(p, rnd, tr)
    texts["round"] = narrative.render("01_valuation/round", **rounds.round_story(p, rnd))
    texts["tranches"] = narrative.render("01_valuation/tranches", **rounds.tranche_story(p, tr))
    texts["effective_price"] = narrative.render(
        "01_valuation/effective_price", **rounds.effective_price_story(p, rnd, eff))
    texts["stakes_at_ipo"] = narrative.render(
        "01_valuation/stakes_at_ipo", **rounds.stakes_at_ipo_story(p, rnd, tr, at_ipo))
    texts["fair_value"] = narrative.render("01_valuation/fair_value",
                                           **market.fair_value_story(p, facts, fv))
    if fv["fair_band"]:
        assert fv["fair_band"][0] <= fv["fair"] <= fv["fair_band"][2]
    texts["ipo_distribution"] = narrative.render(
        "01_valuation/ipo_distribution", **valuation_ipo.ipo_distribution_story(p, ipo))
    assert set(texts) == {n.split("/")[1] for n in narrative.template_names()
                          if n.startswith("01_valuation/")}
    for name, text in texts.items():
        assert narrative.check_rendered(text) == [], (path.stem, name, text)
        assert text.startswith("**In plain words, ")
    reading = story.reading_of(p)
    assert ("rumour" in texts["reverse_dcf"]) == (reading == "rumour")
    # the first edition's sentence is gone
    assert "must reach about" not in texts["reverse_dcf"]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_recorded_bands_contain_their_central_values(path, facts):
    p = scenario_params(path)
    records = dcfs.dcf_metrics(p, dcfs.reverse_dcf(p, facts))
    records += openai_pay.can_pay_metrics(p, openai_pay.can_pay(p, facts))
    amount = valuation.expected_investment_usd_bn(
        p["amazon_investment_usd_bn"], p["amazon_upfront_usd_bn"],
        p["contingent_tranche_probability"])
    records.append(valuation_ipo.ipo_metric(p, valuation_ipo.ipo_distribution(p, amount), []))
    for record in records:
        if "p10" in record:
            assert record["p10"] <= record["value"] <= record["p90"], (path.stem, record["name"])


def test_base_reverse_dcf_uses_the_facts_burn_and_cash(facts):
    p = scenario_params(ROOT / "data" / "scenarios" / "base.yaml")
    # 2026 after Q1: 17 − 3.7; 2027 35; 2028 45; 2029: 115 − 9 − 17 − 35 − 45 = 9
    assert_allclose(dcfs.burn_before_target_usd_bn(p, facts), [13.3, 35.0, 45.0, 9.0],
                    rtol=1e-12)
    result = dcfs.reverse_dcf(p, facts)
    # cash 73 plus Amazon's 35 still to come
    assert_allclose(result["stages"]["cash"], 108.0, rtol=1e-12)
    assert_allclose(
        sum(v for k, v in result["stages"].items() if k != "value"), result["value"], rtol=1e-12)
    # the first edition's one-stage answer is kept for comparison (706 at 852)
    assert_allclose(result["gordon_need"], 706.107, rtol=1e-5)
    assert result["need"] < result["gordon_need"]


def test_rumour_reading_has_no_money_to_come():
    p = scenario_params(ROOT / "data" / "scenarios" / "rumour.yaml")
    assert story.reading_of(p) == "rumour"
    assert story.money_to_come_usd_bn(p) == 0.0
    assert_allclose(market.enterprise_value_usd_bn(p), 830.0 - 73.0, rtol=1e-12)


def test_the_ipo_distribution_is_the_deal_npvs(facts):
    """01's IPO law is the tranche model's lognormal, centred (in mean) on the evidence."""
    from valse.model import tranche

    p = scenario_params(ROOT / "data" / "scenarios" / "base.yaml", draws=100_000)
    amount = 15 + 0.8 * 35
    ipo = valuation_ipo.ipo_distribution(p, amount)
    listed = ipo["value_draws"][ipo["listed"]]
    # the mean at the evidence (925, the middle of the reported 850–1000), not at its maximum
    assert_allclose(listed.mean(), p["openai_listing_value_usd_bn"], rtol=0.01)
    assert p["ipo_valuation_usd_bn_low"] < listed.mean() < p["ipo_valuation_usd_bn_high"]
    # the central value by hand: 0.8 × 50/852 × 0.94 × 925 + 0.2 × 15/817 × 730
    by_hand = 0.8 * 50 / 852 * 0.94 * 925 + 0.2 * 15 / 817 * 730
    assert_allclose(ipo["central"], by_hand, rtol=1e-12)
    assert_allclose(ipo["holding_draws"].mean(), by_hand, rtol=0.01)
    # the same states as the deal NPV's model
    t = tranche.create_tranche(p, discount_rate=0.0, stake_discount_rate=0.0)
    assert ipo["p_listed"] == tranche.listing_probability(t)
    # break-even: the expected holding equals the expected amount at that listing value
    at_even = tranche.expected_holding_value_usd_bn(
        tranche.create_tranche(p, discount_rate=0.0, stake_discount_rate=0.0,
                               openai_listing_value_usd_bn=ipo["breakeven"]))
    assert_allclose(at_even, amount, rtol=1e-9)


def test_base_fair_value_is_the_bridge_by_hand(facts):
    """The metric's value: the DCF's operating value (equity less its 108 of cash and money to
    come), then the tranche's two states pro rata."""
    p = scenario_params(ROOT / "data" / "scenarios" / "base.yaml")
    result = dcfs.reverse_dcf(p, facts)
    op = result["value"] - 108.0
    fv = market.fair_value(p, facts, result, 15 + 0.8 * 35)
    by_hand = 0.8 * 50 / 852 * (op + 73 + 35) + 0.2 * 15 / 817 * (op + 73)
    assert_allclose(fv["fair"], by_hand, rtol=1e-12)
    steps = fv["bridge_table"]["amount (USD bn)"]
    assert_allclose(steps.sum(), op + 73 + 0.8 * 35, rtol=1e-12)
    record = market.fair_value_metric(p, fv, [])
    assert record["p10"] <= record["value"] <= record["p90"]


def test_supplier_share_is_a_hand_sum_of_the_facts(facts):
    """Amazon 50 and NVIDIA 30 of the 122 closed (facts), with SoftBank 30 besides."""
    p = scenario_params(ROOT / "data" / "scenarios" / "base.yaml")
    new_money = valuation.round_allocation_usd_bn(
        p["round_size_usd_bn"], p["amazon_investment_usd_bn"], "Amazon",
        {"NVIDIA": p["nvidia_round_usd_bn"], "SoftBank": p["softbank_round_usd_bn"]}, "Others")
    out = market.supplier_share(p, new_money, facts)
    amazon = facts.value("amazon_openai_commitment_usd_bn")
    nvidia = facts.value("nvidia_openai_round_2026_usd_bn")
    softbank = facts.value("softbank_openai_round_2026_usd_bn")
    total = facts.value("openai_round_2026_closed_usd_bn")
    assert_allclose(out["share"], 100 * (amazon + nvidia) / total, rtol=1e-12)
    assert_allclose(out["share_with_softbank"], 100 * (amazon + nvidia + softbank) / total,
                    rtol=1e-12)
