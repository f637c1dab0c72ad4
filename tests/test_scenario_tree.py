"""The decision tree of Q6: hand-computed leaf probabilities, weights, weighted NPV, ranges."""

import math
from pathlib import Path

import pytest

from valse.data.facts import load_facts
from valse.data.scenario_tree import TreeDataError, load_tree
from valse.model import deal_npv, tranche
from valse.model import scenario_tree as st

P = st.BranchProbabilities(tranche_paid=0.8, listing_by_2027_if_paid=0.5,
                           listing_later_if_paid=0.6, listing_by_2027_if_not_paid=0.25,
                           listing_later_if_not_paid=0.4, aws_honoured=0.9)
# a hand mapping: bull the best leaf, bear everything without the tranche, base the rest
MAPPING = {leaf: ("bull" if leaf == ("paid", "by_2027", "honoured")
                  else "bear" if leaf[0] == "not_paid" else "base") for leaf in st.leaves()}
TREE_CSV = Path(__file__).resolve().parents[1] / "data" / "scenario_tree.csv"


def test_leaf_probabilities_by_hand():
    p = st.leaf_probabilities(P)
    assert len(p) == 12
    assert math.isclose(sum(p.values()), 1.0, rel_tol=1e-12)
    # 0.8 × 0.5 × 0.9
    assert p[("paid", "by_2027", "honoured")] == pytest.approx(0.36, rel=1e-12)
    # 0.8 × (1 − 0.5) × 0.6 × 0.1
    assert p[("paid", "later", "renegotiated")] == pytest.approx(0.024, rel=1e-12)
    # 0.2 × (1 − 0.25) × (1 − 0.4) × 0.9
    assert p[("not_paid", "never", "honoured")] == pytest.approx(0.081, rel=1e-12)


def test_weights_skip_leaves_without_a_scenario():
    mapping = {**MAPPING, ("not_paid", "never", "honoured"): ""}
    w = st.scenario_weights(P, mapping)
    # bear loses the 0.081 of its unmapped leaf
    assert w == pytest.approx({"bull": 0.36, "base": 0.44, "bear": 0.2 - 0.081}, rel=1e-12)


# two leaf values per tranche branch: listing by 2027 and honoured, and the rest
VALUES = {leaf: (-8.0 if leaf == ("paid", "by_2027", "honoured") else
                 -12.0 if leaf[0] == "paid" else -6.0) for leaf in st.leaves()}


def test_weighted_leaf_value_counts_each_leaf_once_by_hand():
    # 0.36 × −8 + (0.8 − 0.36) × −12 + 0.2 × −6 = −2.88 − 5.28 − 1.2
    assert st.weighted_leaf_value(P, VALUES) == pytest.approx(-9.36, rel=1e-12)
    spread = math.sqrt(0.36 * 1.36**2 + 0.44 * 2.64**2 + 0.2 * 3.36**2)
    assert st.leaf_spread(P, VALUES) == pytest.approx(spread, rel=1e-12)
    # cumulative: −12 holds 0.44 (≥ 0.1), then −8 reaches 0.80, then −6 reaches 1.0
    assert st.leaf_quantile(P, VALUES, 0.1) == -12.0
    assert st.leaf_quantile(P, VALUES, 0.9) == -6.0
    with pytest.raises(KeyError, match="not_paid/never/renegotiated"):
        st.weighted_leaf_value(P, {k: v for k, v in VALUES.items()
                                   if k != ("not_paid", "never", "renegotiated")})


def _tranche(**over):
    base = dict(amazon_investment_usd_bn=50.0, amazon_upfront_usd_bn=15.0,
                contingent_tranche_probability=0.8, contingent_tranche_year=0.0,
                pre_money_valuation_usd_bn=730.0, round_size_usd_bn=120.0,
                openai_listing_value_usd_bn=1000.0, openai_private_value_usd_bn=800.0,
                openai_value_volatility=0.5, openai_listing_probability=0.5, listing_year=1.0,
                lapse_year=2.0, ipo_dilution=0.1, discount_rate=0.1, stake_discount_rate=0.25)
    return tranche.Tranche(**{**base, **over})


def test_leaf_npv_by_hand():
    t = _tranche()
    contract = {"honoured": 2.0, "renegotiated": -3.0}
    # paid, listed after 1 year: 50 / 850 × 0.9 × 1000 / 1.25 − (15 + 35) + 2
    assert st.leaf_npv_usd_bn(t, ("paid", "by_2027", "honoured"), contract, 2.0) == (
        pytest.approx(50 / 850 * 900 / 1.25 - 50 + 2, rel=1e-12))
    # not paid, listed after 2 years: 15 / 815 × 0.9 × 1000 / 1.25² − 15 − 3
    assert st.leaf_npv_usd_bn(t, ("not_paid", "later", "renegotiated"), contract, 2.0) == (
        pytest.approx(15 / 815 * 900 / 1.25**2 - 15 - 3, rel=1e-12))
    # paid, never listed: 50 / 850 × 800 / 1.25² − 50 + 2
    assert st.leaf_npv_usd_bn(t, ("paid", "never", "honoured"), contract, 2.0) == (
        pytest.approx(50 / 850 * 800 / 1.25**2 - 50 + 2, rel=1e-12))
    with pytest.raises(ValueError, match="later_listing_year: expected at least listing_year"):
        st.leaf_npv_usd_bn(t, ("paid", "later", "honoured"), contract, 0.5)


def _base_params():
    from valse.data.paths import data_dir
    from valse.report import deal_report, summary

    files = summary.load_scenario_files([data_dir() / "scenarios" / "base.yaml"])
    return {**deal_report.npv_defaults(load_facts()),
            **{k: v for k, v in files["base"].items() if k != "description"}}


def test_no_double_counting_the_tree_gives_back_the_scenario_npv():
    """With the scenario's own branch probabilities (paid exactly when listed by 2027, never
    listed otherwise, the contract lost with the counterparty probability), the leaves weighted
    once give the scenario's expected NPV; the old tree weighed that already averaged NPV a
    second time over the same branches."""
    params = {**_base_params(), "counterparty_loss_probability": 0.2,
              "counterparty_recovery_rate": 0.6}
    leaf = st.leaf_npvs(params, later_listing_year=params["listing_year"] + 1.0)
    p = st.BranchProbabilities(params["contingent_tranche_probability"], 1.0, 0.0, 0.0, 0.0,
                               1.0 - 0.2)
    expected = deal_npv.npv_parts(params)["amazon_deal_npv_usd_bn"]
    assert st.weighted_leaf_value(p, leaf) == pytest.approx(expected, rel=1e-9)
    contract = st.contract_npv_by_branch(params)
    assert contract["honoured"] > contract["renegotiated"]


def test_range_over_probabilities_is_reached_at_corners_by_hand():
    # only the tranche's probability has a range (0.5 to 1); the rest are fixed
    low = st.BranchProbabilities(0.5, 1.0, 0.0, 0.0, 0.0, 1.0)
    high = st.BranchProbabilities(1.0, 1.0, 0.0, 0.0, 0.0, 1.0)
    tree = st.Tree(central=low, low=low, high=high, mapping=MAPPING, reasons={}, sources=())
    # paid → (paid, by_2027, honoured); not paid → (not_paid, never, honoured)
    values = {leaf: 0.0 for leaf in st.leaves()}
    values[("paid", "by_2027", "honoured")] = 10.0
    values[("not_paid", "never", "honoured")] = -10.0
    lo, hi = st.range_over_probabilities(tree, values)
    assert (lo, hi) == pytest.approx((0.0, 10.0), abs=1e-12)
    assert len(st.corners(low, high)) == 64
    with pytest.raises(ValueError, match="tranche_paid: low 1.0 above high 0.5"):
        st.corners(high, low)


def test_bad_probability_is_named():
    with pytest.raises(ValueError, match=r"aws_honoured: expected a probability in \[0, 1\], "
                                         r"found 1.2"):
        st.BranchProbabilities(0.8, 0.5, 0.5, 0.5, 0.5, 1.2)


def test_ranked_highest_first():
    assert st.ranked({"a": -3.0, "b": 2.0, "c": 0.0}) == [("b", 2.0), ("c", 0.0), ("a", -3.0)]


COUNTERPARTY = {"counterparty_loss_probability": 0.142, "counterparty_loss_probability_low": 0.094,
                "counterparty_loss_probability_high": 0.557}


def test_tree_from_the_data_sums_to_one_and_keeps_centres_inside_ranges():
    facts = load_facts()
    tree = load_tree(facts, COUNTERPARTY, scenarios=["base", "bear", "bull", "rumour"])
    assert set(tree.mapping) == set(st.leaves())
    assert math.isclose(sum(st.leaf_probabilities(tree.central).values()), 1.0, rel_tol=1e-12)
    for name in st.PROBABILITY_NAMES:
        assert getattr(tree.low, name) <= getattr(tree.central, name) <= getattr(
            tree.high, name), name
    # the contract honoured is the complement of the counterparty loss passed in (its one
    # source), not of the retired fact
    assert tree.central.aws_honoured == pytest.approx(1 - 0.142, rel=1e-12)
    assert tree.low.aws_honoured == pytest.approx(1 - 0.557, rel=1e-12)
    assert "npv_assumption_counterparty_loss_probability" not in tree.sources
    # no leaf of the unpaid tranche is read as the bear case
    assert all(tree.mapping[leaf] != "bear" for leaf in st.leaves() if leaf[0] == "not_paid")
    result = st.weigh(tree, VALUES, {"base": -12.0, "bull": -9.0})
    assert result.over_probabilities[0] <= result.value <= result.over_probabilities[1]
    assert result.band[0] <= result.band[1] <= result.band[2]
    assert result.band[0] <= result.value <= result.band[2]
    assert result.unmapped == pytest.approx(1 - sum(result.weights.values()), abs=1e-12)
    with pytest.raises(KeyError, match="counterparty_loss_probability_high"):
        load_tree(facts, {"counterparty_loss_probability": 0.1,
                          "counterparty_loss_probability_low": 0.05})


def test_tree_on_the_record_not_paying_scores_better_and_lies_inside_its_range():
    from valse.data.paths import data_dir
    from valse.report import summary, tree_report
    from valse.report.openai_pay import counterparty_from_finances

    facts = load_facts()
    files = summary.load_scenario_files(sorted((data_dir() / "scenarios").glob("*.yaml")))
    tree, result = tree_report.load_and_weigh(files, facts, {"base": -10.8, "bull": -7.4})
    ctx = tree_report.tree_context(result, files)
    assert ctx["not_paid_better"]
    assert result.over_probabilities[0] <= result.value <= result.over_probabilities[1]
    # the contract's branch reads the single source: counterparty_from_finances
    source = counterparty_from_finances(tree_report.record_params(files, facts), facts)
    assert tree.central.aws_honoured == pytest.approx(
        1 - source["counterparty_loss_probability"], rel=1e-12)


def test_bad_tree_file_is_reported_with_line(tmp_path):
    path = tmp_path / "scenario_tree.csv"
    lines = TREE_CSV.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("paid,by_2027,honoured,bull", "paid,soon,honoured,bul")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TreeDataError) as err:
        load_tree(load_facts(), COUNTERPARTY, path, scenarios=["base", "bear", "bull"])
    text = str(err.value)
    assert ("scenario_tree.csv:2: column 'listing': expected one of by_2027, later, never, "
            "found 'soon'") in text
    assert "found 'bul'" in text
    assert "missing paid/by_2027/honoured" in text
