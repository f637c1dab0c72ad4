"""Load the decision tree of Q6: probabilities from the facts, leaves from ``scenario_tree.csv``.

The model is :mod:`valse.model.scenario_tree`; this module only reads and checks the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from valse.data.datafile import DataFileError, read_rows
from valse.model.scenario_tree import (
    AWS,
    BRANCH_FACTS,
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


def _probabilities(facts: Mapping, which: str) -> BranchProbabilities:
    out = {}
    for name, (fid, complement) in BRANCH_FACTS.items():
        fact = facts[fid]
        ends = {"central": fact.value, "low": fact.low, "high": fact.high}
        if complement:  # the low end of a complement is one minus the high end
            ends = {"central": 1.0 - float(fact.value),
                    "low": None if fact.high is None else 1.0 - float(fact.high),
                    "high": None if fact.low is None else 1.0 - float(fact.low)}
        value = ends[which]
        out[name] = float(ends["central"] if value is None else value)
    return BranchProbabilities(**out)


def load_tree(facts: Mapping, path: str | Path | None = None,
              scenarios: Iterable[str] | None = None) -> Tree:
    """Read the tree: probabilities from ``facts`` (:data:`BRANCH_FACTS`), leaves from the CSV.

    Raises
    ------
    TreeDataError
        For a leaf missing or given twice, an unknown branch, an empty reason, or (with
        ``scenarios``) a scenario that is not a scenario file, each with its file and line.
    KeyError
        When a fact of :data:`BRANCH_FACTS` is missing from ``facts``.
    """
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
        if known is not None and row["scenario"] not in known:
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
    return Tree(central=_probabilities(facts, "central"), low=_probabilities(facts, "low"),
                high=_probabilities(facts, "high"), mapping=mapping, reasons=reasons,
                sources=tuple(fid for fid, _ in BRANCH_FACTS.values()))
