"""Which scenarios are plausible (Q6): a decision tree from the record, mapped onto the scenarios.

The record (December 2026): the deal was signed on the reported terms (Amazon's 8-K of
2026-02-27: 15 at signing, 35 on milestones or an IPO filing), and OpenAI confirmed a
confidential draft S-1 on 2026-06-08, the reported trigger of the 35; no payment has been
found. From there three branchings matter for the deal's value to Amazon:

1. the tranche: ``paid`` as triggered, or ``not_paid`` (disputed, renegotiated, lapsed);
2. OpenAI's listing: ``by_2027`` (by the end of 2027), ``later``, or ``never``;
3. OpenAI's AWS contract: ``honoured`` or ``renegotiated``.

Each branch probability is a sourced assumption with a range in ``data/facts.csv``
(:data:`BRANCH_FACTS`); the listing's probabilities depend on the tranche's branch, the
contract's do not (a simplification: the cloud-economics notebook's Monte Carlo correlates
them). ``data/scenario_tree.csv`` maps each of the twelve leaves onto the scenario file whose
assumptions come nearest (loaded by :func:`valse.data.scenario_tree.load_tree`). The readings
the record rules out (the rumour as written, the smaller deal of December 2025, equity only,
no deal) get no leaf: they are readings to compare, not outcomes still open.

Formulas (all pure functions below):

- leaf probability ``P(t, l, a) = P(t) · P(l | t) · P(a)``, with
  ``P(by_2027 | t) = b_t``, ``P(later | t) = (1 − b_t) · c_t``, ``P(never | t) =
  (1 − b_t)(1 − c_t)`` (``b_t``, ``c_t``: the listing facts of branch ``t``);
- a scenario's weight ``w_s = Σ P(leaf)`` over its leaves; the weighted NPV ``Σ w_s · NPV_s``;
- the spread between scenarios ``sqrt(Σ w_s (NPV_s − mean)²)``;
- the range within the scenarios ``(Σ w_s · P10_s, Σ w_s · P90_s)`` (exact when the scenarios'
  NPVs move together with the shared assumptions: quantiles of comonotonic variables add);
- the range over the branch probabilities: the lowest and highest weighted NPV over the
  corners of the box of ranges (exact: the weighted NPV is multilinear in the six
  probabilities, so its extremes are at corners).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

TRANCHE: tuple[str, ...] = ("paid", "not_paid")
LISTING: tuple[str, ...] = ("by_2027", "later", "never")
AWS: tuple[str, ...] = ("honoured", "renegotiated")

#: Words for the branches in prose and tables (English, French).
BRANCH_WORDS: dict[str, dict[str, str]] = {
    "en": {"paid": "tranche paid as triggered", "not_paid": "tranche not paid",
           "by_2027": "listed by end 2027", "later": "listed later", "never": "never listed",
           "honoured": "AWS contract honoured", "renegotiated": "AWS contract renegotiated"},
    "fr": {"paid": "tranche versée", "not_paid": "tranche non versée",
           "by_2027": "cotée d'ici fin 2027", "later": "cotée plus tard",
           "never": "jamais cotée", "honoured": "contrat AWS honoré",
           "renegotiated": "contrat AWS renégocié"},
}

Leaf = tuple[str, str, str]


@dataclass(frozen=True)
class BranchProbabilities:
    """The six branch probabilities of the tree [0–1 each]."""

    tranche_paid: float  # P(paid): the tranche paid as triggered
    listing_by_2027_if_paid: float  # P(by_2027 | paid)
    listing_later_if_paid: float  # P(later | paid, not by 2027)
    listing_by_2027_if_not_paid: float  # P(by_2027 | not_paid)
    listing_later_if_not_paid: float  # P(later | not_paid, not by 2027)
    aws_honoured: float  # P(honoured), the same under every branch

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"BranchProbabilities.{f.name}: expected a number, found {value!r}")
            if not (0.0 <= value <= 1.0):
                raise ValueError(
                    f"BranchProbabilities.{f.name}: expected a probability in [0, 1], "
                    f"found {value}"
                )


#: Names of the six probabilities, in order.
PROBABILITY_NAMES: tuple[str, ...] = tuple(f.name for f in fields(BranchProbabilities))

#: The fact behind each branch probability, and whether the probability is its complement
#: (the contract honoured is one minus the chance that OpenAI renegotiates or defaults).
BRANCH_FACTS: dict[str, tuple[str, bool]] = {
    "tranche_paid": ("assumption_contingent_tranche_probability", False),
    "listing_by_2027_if_paid": ("ans_tree_listing_by_2027_if_paid", False),
    "listing_later_if_paid": ("ans_tree_listing_later_if_paid", False),
    "listing_by_2027_if_not_paid": ("ans_tree_listing_by_2027_if_not_paid", False),
    "listing_later_if_not_paid": ("ans_tree_listing_later_if_not_paid", False),
    "aws_honoured": ("npv_assumption_counterparty_loss_probability", True),
}


@dataclass(frozen=True)
class Tree:
    """The tree as the data give it: central probabilities, their ranges, the leaves' scenarios."""

    central: BranchProbabilities
    low: BranchProbabilities
    high: BranchProbabilities
    mapping: dict[Leaf, str]  # leaf (tranche, listing, aws) -> scenario name
    reasons: dict[Leaf, str]
    sources: tuple[str, ...]  # fact ids of the branch probabilities


def leaves() -> list[Leaf]:
    """The twelve leaves ``(tranche, listing, aws)`` in reading order."""
    return list(itertools.product(TRANCHE, LISTING, AWS))


def listing_probabilities(by_2027: float, later_if_not_by_2027: float) -> dict[str, float]:
    """The three listing branches from two conditional chances [0–1].

    Returns ``{"by_2027": b, "later": (1 − b) c, "never": (1 − b)(1 − c)}``; they sum to 1.
    """
    return {"by_2027": by_2027, "later": (1.0 - by_2027) * later_if_not_by_2027,
            "never": (1.0 - by_2027) * (1.0 - later_if_not_by_2027)}


def leaf_probabilities(p: BranchProbabilities) -> dict[Leaf, float]:
    """Probability of each leaf: ``P(t) · P(l | t) · P(a)`` (module notes); they sum to 1."""
    tranche = {"paid": p.tranche_paid, "not_paid": 1.0 - p.tranche_paid}
    listing = {"paid": listing_probabilities(p.listing_by_2027_if_paid, p.listing_later_if_paid),
               "not_paid": listing_probabilities(p.listing_by_2027_if_not_paid,
                                                 p.listing_later_if_not_paid)}
    aws = {"honoured": p.aws_honoured, "renegotiated": 1.0 - p.aws_honoured}
    return {(t, li, a): tranche[t] * listing[t][li] * aws[a] for t, li, a in leaves()}


def scenario_weights(p: BranchProbabilities, mapping: Mapping[Leaf, str]) -> dict[str, float]:
    """Each scenario's probability: the sum of its leaves' (in the order of first leaf) [0–1]."""
    missing = [leaf for leaf in leaves() if leaf not in mapping]
    if missing:
        raise ValueError(f"scenario_weights: leaves without a scenario: {missing}")
    weights: dict[str, float] = {}
    for leaf, prob in leaf_probabilities(p).items():
        weights[mapping[leaf]] = weights.get(mapping[leaf], 0.0) + prob
    return weights


def _check_values(weights: Mapping[str, float], values: Mapping[str, float]) -> None:
    missing = sorted(s for s, w in weights.items() if w > 0 and s not in values)
    if missing:
        raise KeyError(f"no value for the weighted scenarios {', '.join(missing)}")


def weighted_value(weights: Mapping[str, float], values: Mapping[str, float]) -> float:
    """``Σ w_s · x_s`` over the scenarios with a weight [unit of the values]."""
    _check_values(weights, values)
    return math.fsum(w * float(values[s]) for s, w in weights.items() if w > 0)


def spread_between(weights: Mapping[str, float], values: Mapping[str, float]) -> float:
    """Weighted standard deviation between the scenarios: ``sqrt(Σ w_s (x_s − mean)²)``.

    How far the NPV could land from its weighted value once a branch is known, set apart from
    the range of each scenario over its own assumptions [unit of the values].
    """
    mean = weighted_value(weights, values)
    return math.sqrt(math.fsum(w * (float(values[s]) - mean) ** 2
                               for s, w in weights.items() if w > 0))


def range_within(weights: Mapping[str, float], p10: Mapping[str, float],
                 p90: Mapping[str, float]) -> tuple[float, float]:
    """``(Σ w_s · P10_s, Σ w_s · P90_s)``: the scenarios' own ranges, weighted (module notes)."""
    return weighted_value(weights, p10), weighted_value(weights, p90)


def corners(low: BranchProbabilities, high: BranchProbabilities) -> list[BranchProbabilities]:
    """Every corner of the box ``[low, high]`` of branch probabilities (2⁶ = 64)."""
    ends = [(getattr(low, n), getattr(high, n)) for n in PROBABILITY_NAMES]
    for n, (a, b) in zip(PROBABILITY_NAMES, ends, strict=True):
        if a > b:
            raise ValueError(f"corners: {n}: low {a} above high {b}")
    return [BranchProbabilities(**dict(zip(PROBABILITY_NAMES, combo, strict=True)))
            for combo in itertools.product(*ends)]


def range_over_probabilities(tree: Tree, values: Mapping[str, float]) -> tuple[float, float]:
    """Lowest and highest weighted value over the corners of the probabilities' ranges."""
    found = [weighted_value(scenario_weights(c, tree.mapping), values)
             for c in corners(tree.low, tree.high)]
    return min(found), max(found)


def ranked(values: Mapping[str, float]) -> list[tuple[str, float]]:
    """Scenarios by value, highest first (ties keep the given order)."""
    return sorted(values.items(), key=lambda kv: -float(kv[1]))


@dataclass(frozen=True)
class Weighted:
    """The tree's result for one set of scenario NPVs [USD bn]."""

    weights: dict[str, float]
    value: float
    within: tuple[float, float]
    over_probabilities: tuple[float, float]
    spread_between: float
    ranked: list[tuple[str, float]]


def weigh(tree: Tree, npv: Mapping[str, float], p10: Mapping[str, float] | None = None,
          p90: Mapping[str, float] | None = None) -> Weighted:
    """Everything Q6 shows, from the scenarios' NPVs and (where known) their P10 and P90.

    A scenario without a band counts with its central value at both ends.
    """
    weights = scenario_weights(tree.central, tree.mapping)
    lo = {s: (p10 or {}).get(s, npv[s]) for s in npv}
    hi = {s: (p90 or {}).get(s, npv[s]) for s in npv}
    return Weighted(weights=weights, value=weighted_value(weights, npv),
                    within=range_within(weights, lo, hi),
                    over_probabilities=range_over_probabilities(tree, npv),
                    spread_between=spread_between(weights, npv), ranked=ranked(npv))


def with_probabilities(tree: Tree, **central: float) -> Tree:
    """The tree with some central probabilities replaced (a sweep; ranges unchanged)."""
    return replace(tree, central=replace(tree.central, **central))
