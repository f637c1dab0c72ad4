"""Load the decision tree of Q6: probabilities from the facts, leaves from ``scenario_tree.csv``.

The model is :mod:`valse.model.scenario_tree`; this module only reads and checks the data. The
contract's branch takes the counterparty loss from its one source, OpenAI's sources and uses
(``valse.report.openai_pay.counterparty_from_finances``): the caller computes it and
passes it in (the data layer does not import the report layer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from valse.data.datafile import DataFileError, read_rows
from valse.model.scenario_tree import (
    AWS,
    BRANCH_FACTS,
    COUNTERPARTY_KEYS,
    LATER_LISTING_FACT,
    LISTING,
    TRANCHE,
    BranchProbabilities,
    Leaf,
    Tree,
    leaves,
)

TREE_COLUMNS: tuple[str, ...] = ("tranche", "listing", "aws", "scenario", "reason")


class TreeDataError(DataFileError):
    """``data/scenario_tree.csv`` is malformed (every problem listed, with file and line)."""


def _probabilities(facts: Mapping, counterparty: Mapping[str, float],
                   which: str) -> BranchProbabilities:
    out = {}
    for name, fid in BRANCH_FACTS.items():
        fact = facts[fid]
        value = {"central": fact.value, "low": fact.low, "high": fact.high}[which]
        out[name] = float(fact.value if value is None else value)
    # the contract honoured is one minus the chance of a loss: its low end is 1 − the high end
    key = {"central": "counterparty_loss_probability",
           "low": "counterparty_loss_probability_high",
           "high": "counterparty_loss_probability_low"}[which]
    out["aws_honoured"] = 1.0 - float(counterparty[key])
    return BranchProbabilities(**out)


def load_tree(facts: Mapping, counterparty: Mapping[str, float],
              path: str | Path | None = None, scenarios: Iterable[str] | None = None) -> Tree:
    """Read the tree: probabilities from ``facts`` (:data:`BRANCH_FACTS`), leaves from the CSV.

    ``counterparty`` holds ``counterparty_loss_probability`` and its ``_low`` and ``_high`` ends
    from the counterparty loss's one source (computed by the caller); the contract is honoured
    with one minus that probability. A leaf's ``scenario`` may be empty: no scenario file
    describes it (its ``reason`` says why).

    Raises
    ------
    TreeDataError
        For a leaf missing or given twice, an unknown branch, an empty reason, or (with
        ``scenarios``) a scenario that is not a scenario file, each with its file and line.
    KeyError
        When a fact of :data:`BRANCH_FACTS` is missing from ``facts``, or a key of
        :data:`~valse.model.scenario_tree.COUNTERPARTY_KEYS` from ``counterparty``.
    """
    absent_keys = [k for k in COUNTERPARTY_KEYS if k not in counterparty]
    if absent_keys:
        raise KeyError(f"load_tree: counterparty: missing {', '.join(absent_keys)}")
    from valse.data.paths import data_dir

    path = Path(path) if path is not None else data_dir() / "scenario_tree.csv"
    rows, problems = read_rows(path, TREE_COLUMNS, TreeDataError)
    known = set(scenarios) if scenarios is not None else None
    mapping: dict[Leaf, str] = {}
    reasons: dict[Leaf, str] = {}
    for line, row in rows:
        for column, allowed in (("tranche", TRANCHE), ("listing", LISTING), ("aws", AWS)):
            if row[column] not in allowed:
                problems.append(f"{path}:{line}: column {column!r}: expected one of "
                                f"{', '.join(allowed)}, found {row[column]!r}")
        leaf = (row["tranche"], row["listing"], row["aws"])
        if leaf in mapping:
            problems.append(f"{path}:{line}: leaf {'/'.join(leaf)} given twice")
        if known is not None and row["scenario"] and row["scenario"] not in known:
            problems.append(f"{path}:{line}: column 'scenario': expected a scenario file "
                            f"({', '.join(sorted(known))}), found {row['scenario']!r}")
        if not row["reason"]:
            problems.append(f"{path}:{line}: column 'reason': expected why this leaf maps "
                            "onto its scenario, found ''")
        mapping[leaf], reasons[leaf] = row["scenario"], row["reason"]
    absent = [leaf for leaf in leaves() if leaf not in mapping]
    if absent:
        problems.append(f"{path}: expected every leaf once, missing "
                        + ", ".join("/".join(leaf) for leaf in absent))
    if problems:
        raise TreeDataError(problems)
    central, low, high = (_probabilities(facts, counterparty, w)
                          for w in ("central", "low", "high"))
    return Tree(central=central, low=low, high=high, mapping=mapping, reasons=reasons,
                sources=(*BRANCH_FACTS.values(), LATER_LISTING_FACT),
                later_listing_year=float(facts[LATER_LISTING_FACT].value))
