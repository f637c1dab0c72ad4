"""The decision tree of Q6: hand-computed leaf probabilities, weights, weighted NPV, ranges."""

import math
from pathlib import Path

import pytest

from valse.data.facts import load_facts
from valse.data.scenario_tree import TreeDataError, load_tree
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


def test_weights_and_weighted_npv_by_hand():
    w = st.scenario_weights(P, MAPPING)
    assert w == pytest.approx({"bull": 0.36, "base": 0.44, "bear": 0.2}, rel=1e-12)
    npv = {"bull": -8.0, "base": -12.0, "bear": -16.0, "rumour": 99.0}
    # 0.36 × −8 + 0.44 × −12 + 0.2 × −16 = −2.88 − 5.28 − 3.2; the rumour has no weight
    assert st.weighted_value(w, npv) == pytest.approx(-11.36, rel=1e-12)
    expected = math.sqrt(0.36 * 3.36**2 + 0.44 * 0.64**2 + 0.2 * 4.64**2)
    assert st.spread_between(w, npv) == pytest.approx(expected, rel=1e-12)
    lo, hi = st.range_within(w, {"bull": -10, "base": -14, "bear": -20},
                             {"bull": -5, "base": -10, "bear": -12})
    assert (lo, hi) == pytest.approx((-0.36 * 10 - 0.44 * 14 - 0.2 * 20,
                                      -0.36 * 5 - 0.44 * 10 - 0.2 * 12), rel=1e-12)
    with pytest.raises(KeyError, match="bear"):
        st.weighted_value(w, {"bull": 1.0, "base": 2.0})


def test_range_over_probabilities_is_reached_at_corners_by_hand():
    # only the tranche's probability has a range (0.5 to 1); the rest are fixed
    low = st.BranchProbabilities(0.5, 1.0, 0.0, 0.0, 0.0, 1.0)
    high = st.BranchProbabilities(1.0, 1.0, 0.0, 0.0, 0.0, 1.0)
    tree = st.Tree(central=low, low=low, high=high, mapping=MAPPING, reasons={}, sources=())
    # paid → (paid, by_2027, honoured) → bull; not paid → (not_paid, never, honoured) → bear
    lo, hi = st.range_over_probabilities(tree, {"bull": 10.0, "base": 0.0, "bear": -10.0})
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


def test_tree_from_the_data_sums_to_one_and_keeps_centres_inside_ranges():
    facts = load_facts()
    tree = load_tree(facts, scenarios=["base", "bear", "bull", "rumour"])
    assert set(tree.mapping) == set(st.leaves())
    w = st.scenario_weights(tree.central, tree.mapping)
    assert math.isclose(sum(w.values()), 1.0, rel_tol=1e-12)
    for name in st.PROBABILITY_NAMES:
        assert getattr(tree.low, name) <= getattr(tree.central, name) <= getattr(
            tree.high, name), name
    # the contract honoured is the complement of the counterparty-loss assumption
    loss = facts["npv_assumption_counterparty_loss_probability"]
    assert tree.central.aws_honoured == pytest.approx(1 - loss.value, rel=1e-12)
    assert tree.low.aws_honoured == pytest.approx(1 - loss.high, rel=1e-12)
    npv = {"base": -12.0, "bear": -16.0, "bull": -9.0}
    result = st.weigh(tree, npv)
    assert result.over_probabilities[0] <= result.value <= result.over_probabilities[1]
    assert result.within == pytest.approx((result.value, result.value), rel=1e-12)


def test_bad_tree_file_is_reported_with_line(tmp_path):
    path = tmp_path / "scenario_tree.csv"
    lines = TREE_CSV.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("paid,by_2027,honoured,bull", "paid,soon,honoured,bul")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TreeDataError) as err:
        load_tree(load_facts(), path, scenarios=["base", "bear", "bull"])
    text = str(err.value)
    assert ("scenario_tree.csv:2: column 'listing': expected one of by_2027, later, never, "
            "found 'soon'") in text
    assert "found 'bul'" in text
    assert "missing paid/by_2027/honoured" in text
