"""Which scenarios are plausible (Q6): a decision tree from the record, mapped onto the scenarios.

The record (December 2026): the deal was signed on the reported terms (Amazon's 8-K of
2026-02-27: 15 at signing, 35 on milestones or an IPO filing), and OpenAI confirmed a
confidential draft S-1 on 2026-06-08, the reported trigger of the 35; no payment has been
found. From there three branchings matter for the deal's value to Amazon:

1. the tranche: ``paid`` as triggered, or ``not_paid`` (disputed, renegotiated, lapsed);
2. OpenAI's listing: ``by_2027`` (by the end of 2027), ``later``, or ``never``;
3. OpenAI's AWS contract: ``honoured`` or ``renegotiated``.

Each branch probability is a sourced assumption with a range. The tranche's and the listing's
are facts in ``data/facts.csv`` (:data:`BRANCH_FACTS`); the contract's is the complement of
the counterparty loss's one source, OpenAI's sources and uses
(``valse.report.openai_pay.counterparty_from_finances``), computed by the caller and
passed in (:func:`valse.data.scenario_tree.load_tree`). The listing's probabilities depend on
the tranche's branch, the contract's do not (a simplification: the cloud-economics notebook's
Monte Carlo correlates them).

Each leaf is valued with its outcome fixed (:func:`leaf_npv_usd_bn`), on one scenario's
parameters (the deal as reported, ``base``): the tranche paid or not, OpenAI listed at
``listing_year`` (by 2027), at a later year, or never (a private mark at ``lapse_year``), the
contract honoured (no loss) or renegotiated (AWS loses ``1 − counterparty_recovery_rate`` of the
revenue). So nothing is averaged twice: the tree's weighted NPV is the leaves' NPVs weighted by
the leaves' probabilities, and with the scenario's own probabilities it gives back the scenario's
expected NPV (a test). ``data/scenario_tree.csv`` names, for each leaf, the scenario file whose
reading it is, where one is (loaded by :func:`valse.data.scenario_tree.load_tree`); a leaf no
scenario file describes (the tranche not paid, OpenAI never listed) has none. The scenarios' weights
say which readings the record makes plausible; they are not used to weigh the NPV. The readings the
record rules out (the rumour as written, the smaller deal of December 2025, equity only, no
deal) get no leaf: they are readings to compare, not outcomes still open.

Formulas (all pure functions below):

- leaf probability ``P(t, l, a) = P(t) · P(l | t) · P(a)``, with
  ``P(by_2027 | t) = b_t``, ``P(later | t) = (1 − b_t) · c_t``, ``P(never | t) =
  (1 − b_t)(1 − c_t)`` (``b_t``, ``c_t``: the listing facts of branch ``t``);
- the weighted NPV ``Σ P(leaf) · NPV(leaf)`` (:func:`weighted_leaf_value`);
- the spread between the leaves ``sqrt(Σ P(leaf) (NPV(leaf) − mean)²)`` and their P10–P90 (the
  quantiles of the twelve-point distribution): where the NPV lands once the branches are known;
- a scenario's weight ``w_s = Σ P(leaf)`` over the leaves of its reading;
- the range over the branch probabilities: the lowest and highest weighted NPV over the
  corners of the box of ranges (exact: the weighted NPV is multilinear in the six
  probabilities, so its extremes are at corners).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from valse.model import aws_contract, tranche
from valse.model.tranche import Tranche

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

#: The fact behind each branch probability drawn from ``data/facts.csv``. The contract's,
#: ``aws_honoured``, is ``1 − counterparty_loss_probability`` of the counterparty loss's one
#: source, passed in by the caller (:func:`valse.data.scenario_tree.load_tree`).
BRANCH_FACTS: dict[str, str] = {
    "tranche_paid": "assumption_contingent_tranche_probability",
    "listing_by_2027_if_paid": "ans_tree_listing_by_2027_if_paid",
    "listing_later_if_paid": "ans_tree_listing_later_if_paid",
    "listing_by_2027_if_not_paid": "ans_tree_listing_by_2027_if_not_paid",
    "listing_later_if_not_paid": "ans_tree_listing_later_if_not_paid",
}
#: The fact of the listing year of the ``later`` branch [years after signing].
LATER_LISTING_FACT = "tre_listing_year_later"
#: The parameters the contract's branch reads (the counterparty loss, its P10 and P90).
COUNTERPARTY_KEYS: tuple[str, ...] = ("counterparty_loss_probability",
                                      "counterparty_loss_probability_low",
                                      "counterparty_loss_probability_high")


@dataclass(frozen=True)
class Tree:
    """The tree as the data give it: central probabilities, their ranges, the leaves' readings."""

    central: BranchProbabilities
    low: BranchProbabilities
    high: BranchProbabilities
    mapping: dict[Leaf, str]  # leaf (tranche, listing, aws) -> scenario name, "" for none
    reasons: dict[Leaf, str]
    sources: tuple[str, ...]  # fact ids of the branch probabilities
    later_listing_year: float = 3.0  # listing year of the ``later`` branch [years after signing]


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


# --- each leaf's NPV, its outcome fixed --------------------------------------------------------


def leaf_npv_usd_bn(t: Tranche, leaf: Leaf, contract_npv_usd_bn: Mapping[str, float],
                    later_listing_year: float) -> float:
    """The deal's NPV to Amazon in one leaf, the branch outcomes fixed [USD bn].

    * investment PV: ``upfront + contingent / (1 + r)^t_pay`` if the tranche is paid, else
      ``upfront``;
    * stake PV: Amazon's share (:func:`valse.model.tranche.stake_fraction`: all 50 at the
      round's price if paid, the upfront part of a smaller round if not) times, listed,
      ``(1 − dilution) × V_list / (1 + k)^year`` (``year`` = ``listing_year`` by 2027,
      ``later_listing_year`` later) or, never listed, ``V_private / (1 + k)^t_lapse``; priced
      at the IPO, the paid tranche's shares are worth their cost;
    * plus the AWS contract's NPV in the leaf's branch (``contract_npv_usd_bn["honoured"]`` or
      ``["renegotiated"]``).

    With the tranche paid exactly when OpenAI lists by 2027, this is
    :func:`valse.model.tranche.states_table`'s state value plus the contract's NPV.
    """
    paid, listing, aws = leaf
    if not t.has_tranche:
        raise ValueError("leaf_npv_usd_bn: the tree values the deal as reported, a scenario "
                         f"with a contingent tranche; found contingent {t.contingent_usd_bn}")
    if later_listing_year < t.listing_year:
        raise ValueError(f"leaf_npv_usd_bn: later_listing_year: expected at least listing_year "
                         f"({t.listing_year}), found {later_listing_year}")
    is_paid = paid == "paid"
    share = tranche.stake_fraction(t, is_paid)
    if listing == "never":
        stake = share * t.openai_private_value_usd_bn * tranche.discount_factor(
            t.stake_discount_rate, t.lapse_year)
    else:
        year = t.listing_year if listing == "by_2027" else later_listing_year
        stake = share * (1.0 - t.ipo_dilution) * t.openai_listing_value_usd_bn * (
            tranche.discount_factor(t.stake_discount_rate, year))
    invest = t.amazon_upfront_usd_bn
    if is_paid:
        stake += tranche.ipo_priced_shares_pv_usd_bn(t)
        invest += t.contingent_usd_bn * tranche.discount_factor(t.discount_rate,
                                                                t.contingent_tranche_year)
    return float(stake - invest + float(contract_npv_usd_bn[aws]))


def contract_npv_by_branch(params: Mapping[str, Any]) -> dict[str, float]:
    """The AWS contract's NPV honoured (no loss) and renegotiated (a loss of ``1 − recovery``).

    ``params`` holds ``counterparty_recovery_rate`` from the counterparty loss's one source
    (computed by the caller) [USD bn].
    """
    c = aws_contract.create_contract(params)
    return {"honoured": aws_contract.contract_npv_usd_bn(c, loss_share=0.0),
            "renegotiated": aws_contract.contract_npv_usd_bn(
                c, loss_share=1.0 - c.counterparty_recovery_rate)}


def leaf_npvs(params: Mapping[str, Any], later_listing_year: float) -> dict[Leaf, float]:
    """:func:`leaf_npv_usd_bn` of every leaf on one scenario's parameters [USD bn]."""
    t = tranche.create_tranche(params)
    contract = contract_npv_by_branch(params)
    return {leaf: leaf_npv_usd_bn(t, leaf, contract, later_listing_year) for leaf in leaves()}


def _check_leaves(values: Mapping[Leaf, float]) -> None:
    missing = [leaf for leaf in leaves() if leaf not in values]
    if missing:
        raise KeyError(f"no value for the leaves {', '.join('/'.join(x) for x in missing)}")


def weighted_leaf_value(p: BranchProbabilities, values: Mapping[Leaf, float]) -> float:
    """``Σ P(leaf) · x(leaf)`` over the twelve leaves [unit of the values]."""
    _check_leaves(values)
    return math.fsum(prob * float(values[leaf]) for leaf, prob in leaf_probabilities(p).items())


def leaf_spread(p: BranchProbabilities, values: Mapping[Leaf, float]) -> float:
    """Weighted standard deviation over the leaves ``sqrt(Σ P(leaf) (x − mean)²)``.

    How far the NPV could land from its weighted value once the branches are known, at the
    central values of every other assumption [unit of the values].
    """
    mean = weighted_leaf_value(p, values)
    return math.sqrt(math.fsum(prob * (float(values[leaf]) - mean) ** 2
                               for leaf, prob in leaf_probabilities(p).items()))


def leaf_quantile(p: BranchProbabilities, values: Mapping[Leaf, float], q: float) -> float:
    """The ``q``-quantile of the twelve-point distribution: the lowest value whose cumulative
    probability reaches ``q`` [unit of the values]."""
    if not 0.0 < q < 1.0:
        raise ValueError(f"leaf_quantile: q: expected a value in (0, 1), found {q}")
    _check_leaves(values)
    total = 0.0
    for leaf, prob in sorted(leaf_probabilities(p).items(), key=lambda kv: values[kv[0]]):
        total += prob
        if total >= q - 1e-12:
            return float(values[leaf])
    return float(max(values[leaf] for leaf in leaves()))


def scenario_weights(p: BranchProbabilities, mapping: Mapping[Leaf, str]) -> dict[str, float]:
    """Each scenario's probability: the sum of its leaves' (in the order of first leaf) [0–1].

    Leaves mapped to ``""`` (no scenario file describes them) count in no scenario.
    """
    missing = [leaf for leaf in leaves() if leaf not in mapping]
    if missing:
        raise ValueError(f"scenario_weights: leaves without an entry: {missing}")
    weights: dict[str, float] = {}
    for leaf, prob in leaf_probabilities(p).items():
        if mapping[leaf]:
            weights[mapping[leaf]] = weights.get(mapping[leaf], 0.0) + prob
    return weights


def corners(low: BranchProbabilities, high: BranchProbabilities) -> list[BranchProbabilities]:
    """Every corner of the box ``[low, high]`` of branch probabilities (2⁶ = 64)."""
    ends = [(getattr(low, n), getattr(high, n)) for n in PROBABILITY_NAMES]
    for n, (a, b) in zip(PROBABILITY_NAMES, ends, strict=True):
        if a > b:
            raise ValueError(f"corners: {n}: low {a} above high {b}")
    return [BranchProbabilities(**dict(zip(PROBABILITY_NAMES, combo, strict=True)))
            for combo in itertools.product(*ends)]


def range_over_probabilities(tree: Tree, values: Mapping[Leaf, float]) -> tuple[float, float]:
    """Lowest and highest weighted leaf value over the corners of the probabilities' ranges."""
    found = [weighted_leaf_value(c, values) for c in corners(tree.low, tree.high)]
    return min(found), max(found)


def ranked(values: Mapping[str, float]) -> list[tuple[str, float]]:
    """Scenarios by value, highest first (ties keep the given order)."""
    return sorted(values.items(), key=lambda kv: -float(kv[1]))


@dataclass(frozen=True)
class Weighted:
    """The tree's result [USD bn; probabilities 0–1]."""

    leaves: dict[Leaf, tuple[float, float]]  # leaf -> (probability, NPV)
    weights: dict[str, float]  # scenario -> summed probability of its leaves
    unmapped: float  # probability of the leaves no scenario file describes
    value: float  # Σ P(leaf) · NPV(leaf)
    band: tuple[float, float, float]  # P10, P50, P90 over the leaves
    over_probabilities: tuple[float, float]
    spread_between: float  # weighted standard deviation over the leaves
    ranked: list[tuple[str, float]]  # the scenarios' own NPVs, best first


def weigh(tree: Tree, leaf_npv: Mapping[Leaf, float],
          scenario_npv: Mapping[str, float] | None = None) -> Weighted:
    """Everything Q6 shows, from the leaves' NPVs (and the scenarios' own NPVs, to rank)."""
    probs = leaf_probabilities(tree.central)
    _check_leaves(leaf_npv)
    weights = scenario_weights(tree.central, tree.mapping)
    return Weighted(
        leaves={leaf: (probs[leaf], float(leaf_npv[leaf])) for leaf in leaves()},
        weights=weights, unmapped=max(0.0, 1.0 - math.fsum(weights.values())),
        value=weighted_leaf_value(tree.central, leaf_npv),
        band=tuple(leaf_quantile(tree.central, leaf_npv, q) for q in (0.1, 0.5, 0.9)),
        over_probabilities=range_over_probabilities(tree, leaf_npv),
        spread_between=leaf_spread(tree.central, leaf_npv),
        ranked=ranked(scenario_npv or {}))


def with_probabilities(tree: Tree, **central: float) -> Tree:
    """The tree with some central probabilities replaced (a sweep; ranges unchanged)."""
    return replace(tree, central=replace(tree.central, **central))
