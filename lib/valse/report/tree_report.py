"""Q6 in the summary and the index: the decision tree weighed, its table, chart and metrics.

The tree is :mod:`valse.model.scenario_tree`; its data :mod:`valse.data.scenario_tree`. This module
wires them to the rest of the report: the leaves are valued on the deal as reported (the
``base`` scenario file over the facts' defaults), with the counterparty loss from its one
source, OpenAI's sources and uses (:func:`valse.report.deal_report.with_counterparty`, which calls
:func:`valse.report.openai_pay.counterparty_from_finances`); the contract's branch
probability comes from the same call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from valse.model import scenario_tree

#: The scenario file whose parameters value the leaves: the deal as reported.
RECORD_SCENARIO = "base"


def record_params(
    scenarios: Mapping[str, Mapping[str, Any]], facts: Any, name: str = RECORD_SCENARIO
) -> dict[str, Any]:
    """The parameters of the deal as reported: its file over the facts' defaults, with the
    counterparty loss (and its P10, P90) from OpenAI's sources and uses."""
    from valse.report import deal_report

    if name not in scenarios:
        raise KeyError(
            f"record_params: no scenario file {name!r} (found {', '.join(sorted(scenarios))})"
        )
    p = {
        **deal_report.npv_defaults(facts),
        **{k: v for k, v in scenarios[name].items() if k != "description"},
    }
    return deal_report.with_counterparty(p, facts)


def load_and_weigh(
    scenarios: Mapping[str, Mapping[str, Any]],
    facts: Any,
    scenario_npv: Mapping[str, float],
    path: Any = None,
) -> tuple[scenario_tree.Tree, scenario_tree.Weighted]:
    """The tree from the data (the contract's branch from the counterparty loss's one source),
    each leaf valued with its outcome fixed on the deal as reported, weighed."""
    from valse.data.scenario_tree import load_tree

    params = record_params(scenarios, facts)
    tree = load_tree(facts, params, path, scenarios=scenarios)
    leaf_npv = scenario_tree.leaf_npvs(params, tree.later_listing_year)
    return tree, scenario_tree.weigh(tree, leaf_npv, scenario_npv)


def leaf_table(result: scenario_tree.Weighted, tree: scenario_tree.Tree) -> pd.DataFrame:
    """The twelve leaves: branches, probability, NPV with the outcome fixed, scenario (or "")."""
    rows = [
        {
            "tranche": t,
            "listing": li,
            "aws": a,
            "probability": prob,
            "npv": npv,
            "scenario": tree.mapping[(t, li, a)],
        }
        for (t, li, a), (prob, npv) in result.leaves.items()
    ]
    return pd.DataFrame(
        rows, columns=["tranche", "listing", "aws", "probability", "npv", "scenario"]
    )


def tree_context(
    result: scenario_tree.Weighted, scenarios: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Context of the Q6 answer from :func:`valse.model.scenario_tree.weigh`'s result.

    ``scenarios`` maps each scenario name to its parameters: a scenario whose reading (the one
    rule, :func:`valse.model.deal.reading`) is not the deal as reported is ruled out by the
    record; one of the deal as reported that no leaf names (bear) is ``values_only``: it moves
    the values (listing, margins), not the branches.

    ``weights`` lists the plausible scenarios (weight > 0) best NPV first, each with its weight
    and NPV; ``unmapped`` the probability of the leaves no scenario file describes;
    ``best_leaf`` and ``worst_leaf`` the leaves of highest and lowest NPV (branches, their
    words in English and French, probability, NPV); ``not_paid_better`` whether not
    paying the tranche scores better than paying it in every listing and contract branch;
    ``contingent`` the tranche of the deal as reported [USD bn].
    """
    from valse.model import deal

    def reported(params: Mapping[str, Any]) -> bool:
        d = deal.create_deal(params)
        return deal.reading(d) == "reported" and deal.case(d) != "no_deal"

    npv = dict(result.ranked)
    # every scenario file the leaves are readings of, best NPV first; one not published has
    # no NPV to show (None) but keeps its share of the tree
    plausible = [
        {"name": s, "weight": float(w), "npv": float(npv[s]) if s in npv else None}
        for s, w in sorted(result.weights.items(), key=lambda kv: -npv.get(kv[0], -1e300))
        if w > 0
    ]
    by_npv = sorted(result.leaves.items(), key=lambda kv: kv[1][1])

    def leaf(item: tuple) -> dict[str, Any]:
        (t, li, a), (prob, value) = item
        words = {
            lang: ", ".join(w[x] for x in (t, li, a))
            for lang, w in scenario_tree.BRANCH_WORDS.items()
        }
        return {
            "branches": (t, li, a),
            "words": words,
            "probability": float(prob),
            "npv": float(value),
        }

    record = scenarios.get(RECORD_SCENARIO)
    contingent = (
        float(record["amazon_investment_usd_bn"]) - float(record["amazon_upfront_usd_bn"])
        if record
        else None
    )
    better = all(
        result.leaves[("not_paid", li, a)][1] > result.leaves[("paid", li, a)][1]
        for li in scenario_tree.LISTING
        for a in scenario_tree.AWS
    )
    return {
        "weights": plausible,
        "value": float(result.value),
        "band": tuple(float(x) for x in result.band),
        "over_probabilities": tuple(float(x) for x in result.over_probabilities),
        "spread": float(result.spread_between),
        "unmapped": float(result.unmapped),
        "best_leaf": leaf(by_npv[-1]),
        "worst_leaf": leaf(by_npv[0]),
        "not_paid_better": better,
        "contingent": contingent,
        "ruled_out": [n for n, p in scenarios.items() if not reported(p)],
        "values_only": [
            n for n, p in scenarios.items() if reported(p) and result.weights.get(n, 0) <= 0
        ],
    }


def tree_table(result: scenario_tree.Weighted) -> pd.DataFrame:
    """The scenario files the tree's leaves are readings of: their share of the tree and their
    own NPV, best NPV first, and a last row for the leaves no scenario file describes."""
    rows = [
        {"scenario": s, "probability": float(result.weights[s]), "npv": float(v)}
        for s, v in result.ranked
        if result.weights.get(s, 0) > 0
    ]
    rows.append(
        {
            "scenario": "(no scenario file)",
            "probability": float(result.unmapped),
            "npv": float("nan"),
        }
    )
    return pd.DataFrame(rows, columns=["scenario", "probability", "npv"]).set_index("scenario")


#: What the leaf chart names under it besides the branch probabilities' facts.
LEAF_CHART_SOURCES = ("data/scenario_tree.csv", "counterparty loss: OpenAI's sources and uses")


def leaf_chart(leaves: pd.DataFrame, result: scenario_tree.Weighted):
    """Bars of the twelve leaves' NPVs (their probability in the label) and the weighted NPV.

    The title states the takeaway: the sign of the weighted NPV and whether not paying the
    tranche scores better than paying it.

    Returns
    -------
    (Figure, Axes)
    """
    from valse.report.summary_charts import band_chart

    words = scenario_tree.BRANCH_WORDS["en"]
    rows = leaves.sort_values("npv", ascending=False, kind="stable")
    frame = pd.DataFrame(
        {"value": rows["npv"].to_numpy(), "p10": float("nan"), "p90": float("nan")},
        index=[
            f"{words[t]}, {words[li]}, {words[a]} ({100 * p:.0f}%)"
            for t, li, a, p in zip(
                rows["tranche"], rows["listing"], rows["aws"], rows["probability"], strict=True
            )
        ],
    )
    weighted = pd.DataFrame(
        {"value": [result.value], "p10": [result.band[0]], "p90": [result.band[2]]},
        index=["weighted by the tree"],
    )
    frame = pd.concat([frame, weighted])
    sign = "loses money" if result.value < 0 else "pays"
    title = f"Q6 · Weighted over the record's branches, the deal {sign} for Amazon"
    return band_chart(frame, "USD bn, present value (whiskers: P10–P90 over the leaves)", title)


def record_weighted_npv(result: scenario_tree.Weighted, tree_sources: Sequence[str]) -> None:
    """Record Q6's metrics: the weighted NPV (band: P10–P90 over the leaves), its ends over the
    branch probabilities' ranges, and the spread between the leaves."""
    from valse.report.record import metric

    params = ["contingent_tranche_probability", "scenario_name"]
    lo, mid, hi = result.band
    band = dict(p10=lo, p50=mid, p90=hi) if lo < hi and lo <= result.value <= hi else {}
    metric(
        "amazon_deal_npv_weighted_usd_bn",
        result.value,
        "USD bn",
        "The deal's NPV to Amazon weighted over the leaves of the decision tree, each valued "
        "with its outcome fixed (band: P10–P90 over the leaves)",
        sources=list(tree_sources),
        params=params,
        **band,
    )
    metric(
        "amazon_deal_npv_weighted_low_usd_bn",
        result.over_probabilities[0],
        "USD bn",
        "Lowest weighted NPV over the ranges of the tree's branch probabilities",
        sources=list(tree_sources),
        params=params,
    )
    metric(
        "amazon_deal_npv_weighted_high_usd_bn",
        result.over_probabilities[1],
        "USD bn",
        "Highest weighted NPV over the ranges of the tree's branch probabilities",
        sources=list(tree_sources),
        params=params,
    )
    metric(
        "amazon_deal_npv_between_scenarios_usd_bn",
        result.spread_between,
        "USD bn",
        "Spread of the NPV between the leaves of the decision tree (weighted standard deviation)",
        sources=list(tree_sources),
        params=params,
    )
