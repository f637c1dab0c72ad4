"""The summary's figures: scenarios side by side, a cross-check against recorded metrics.

The summary notebook (``05_summary``) runs after the others and reads the metric records
they left (``metrics.json``, records of :mod:`valse.report.record`). This module holds its logic:

- :func:`scenario_key_figures` / :func:`scenario_comparison`: the core headline metrics of
  every scenario, computed by calling the library directly (cheap, no notebook needed);
- :func:`cross_check`: those figures against the records of the scenarios that were run,
  one row per (scenario, metric, notebook) with the gap and whether it is within tolerance;
- :func:`headline_table`: the figures that matter, picked from the records with their
  P10–P90 ranges.

Its words (labels, sentences, templates' contexts) are in :mod:`valse.report.summary_text`,
its charts in :mod:`valse.report.summary_charts`.

The functions are pure except :func:`load_scenario_files`, :func:`read_records` and
:func:`published_records`, which read files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from valse.model import valuation
from valse.model.deal import create_deal, headline_metrics
from valse.report.summary_text import SHORT_LABELS

#: Figures of :func:`scenario_key_figures`, with their units: the core headline metrics of
#: DESIGN.md plus the two stakes of a commitment paid partly on milestones.
KEY_FIGURES: dict[str, str] = {
    "post_money_valuation_usd_bn": "USD bn",
    "amazon_stake_pct": "%",
    "amazon_expected_stake_pct": "%",
    "amazon_stake_if_milestones_missed_pct": "%",
    "amazon_expected_investment_usd_bn": "USD bn",
    "circularity_pct": "%",
    "layoff_savings_usd_bn_per_year": "USD bn per year",
    "years_of_savings_to_match_investment": "years",
}

def scenario_key_figures(params: Mapping[str, Any]) -> dict[str, float]:
    """Key figures of one scenario, from its parameters, by direct library calls.

    Parameters
    ----------
    params : mapping
        The core parameters of DESIGN.md (other keys are ignored).

    Returns
    -------
    dict name -> value
        :func:`valse.model.deal.headline_metrics` of the deal, plus
        ``amazon_expected_stake_pct`` (:func:`valse.model.valuation.expected_stake_pct`) and
        ``amazon_stake_if_milestones_missed_pct``
        (:func:`valse.model.valuation.stake_if_milestones_missed_pct`), in %. Units in
        :data:`KEY_FIGURES`.
    """
    deal = create_deal(params)
    figures = headline_metrics(deal)
    args = (
        deal.amazon_investment_usd_bn,
        deal.amazon_upfront_usd_bn,
        deal.round_size_usd_bn,
        deal.pre_money_valuation_usd_bn,
    )
    figures["amazon_stake_if_milestones_missed_pct"] = valuation.stake_if_milestones_missed_pct(
        *args
    )
    figures["amazon_expected_stake_pct"] = valuation.expected_stake_pct(
        args[0], args[1], deal.contingent_tranche_probability, args[2], args[3]
    )
    return {name: float(figures[name]) for name in KEY_FIGURES}


def scenario_comparison(scenarios: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Key figures of several scenarios side by side.

    Parameters
    ----------
    scenarios : mapping scenario name -> parameters
        In the order the rows should appear.

    Returns
    -------
    DataFrame
        One row per scenario (index ``scenario``), one column per figure of
        :data:`KEY_FIGURES`.
    """
    rows = {name: scenario_key_figures(params) for name, params in scenarios.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(KEY_FIGURES))
    frame.index.name = "scenario"
    return frame


def load_scenario_files(paths: Iterable[str | Path]) -> dict[str, dict[str, Any]]:
    """Read scenario files into ``{name: {"description": str, **parameters}}`` (file order).

    The name is the file's stem, as in :mod:`valse.data.scenarios`. Values are not validated
    here beyond YAML; :func:`scenario_key_figures` validates the core ones through
    :class:`valse.model.deal.Deal`.
    """
    from valse.data.scenarios import load_yaml_mapping

    out: dict[str, dict[str, Any]] = {}
    for p in paths:
        p = Path(p)
        data = load_yaml_mapping(p)
        data["description"] = " ".join(str(data.get("description") or "").split())
        out[p.stem] = data
    return out


def _agrees(a: float, b: float, rtol: float, atol: float) -> bool:
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def cross_check(
    computed: pd.DataFrame,
    recorded: Mapping[str, Sequence[Mapping[str, Any]]],
    rtol: float = 1e-9,
    atol: float = 1e-12,
) -> pd.DataFrame:
    """Compare the figures computed for each scenario with the metrics its notebooks recorded.

    Parameters
    ----------
    computed : DataFrame
        Output of :func:`scenario_comparison` (scenario x figure).
    recorded : mapping scenario -> list of metric records
        The records of each scenario that was run (``metrics.json``).
    rtol, atol : float
        Two values agree when ``|c − r| <= atol + rtol × max(|c|, |r|)``.

    Returns
    -------
    DataFrame
        One row per (scenario, figure, notebook) found on both sides, columns ``scenario,
        metric, notebook, computed, recorded, gap, rel_gap, agree``, where ``gap = recorded −
        computed`` and ``rel_gap = |gap| / max(|c|, |r|)`` (0 when both are 0). Scenarios or
        figures present on one side only are left out.
    """
    if rtol < 0 or atol < 0:
        raise ValueError(f"cross_check: expected rtol, atol >= 0, found {rtol}, {atol}")
    rows = []
    for scenario, records in recorded.items():
        if scenario not in computed.index:
            continue
        for rec in records:
            name = rec.get("name")
            if name not in computed.columns:
                continue
            c = float(computed.loc[scenario, name])
            r = float(rec["value"])
            scale = max(abs(c), abs(r))
            rows.append(
                {
                    "scenario": scenario,
                    "metric": name,
                    "notebook": rec.get("notebook") or "",
                    "computed": c,
                    "recorded": r,
                    "gap": r - c,
                    "rel_gap": abs(r - c) / scale if scale > 0 else 0.0,
                    "agree": _agrees(c, r, rtol, atol),
                }
            )
    columns = ["scenario", "metric", "notebook", "computed", "recorded", "gap", "rel_gap", "agree"]
    return pd.DataFrame(rows, columns=columns)


def disagreements(checks: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`cross_check` whose values disagree beyond the tolerance."""
    return checks[~checks["agree"].astype(bool)]


def best_records(records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """One record per metric name: the first that has a P10–P90 range, else the first seen.

    Several notebooks may record the same figure (``amazon_stake_pct`` in the overview and
    the valuation notebook); the summary shows one, preferring the one with a range.
    """
    best: dict[str, dict[str, Any]] = {}
    for rec in records:
        name = rec["name"]
        if name not in best or ("p10" in rec and "p10" not in best[name]):
            best[name] = dict(rec)
    return best


def headline_table(records: Iterable[Mapping[str, Any]], names: Sequence[str]) -> pd.DataFrame:
    """The figures ``names`` picked from the records, with their P10–P90 ranges.

    Returns
    -------
    DataFrame
        Indexed by metric name, in the order given (names without a record are left out);
        columns ``value, p10, p90, unit, label, notebook, sources`` (p10 and p90 are NaN where
        the record has no range; sources is a list of fact ids).
    """
    best = best_records(records)
    rows = []
    for name in names:
        rec = best.get(name)
        if rec is None:
            continue
        rows.append(
            {
                "metric": name,
                "value": float(rec["value"]),
                "p10": float(rec["p10"]) if "p10" in rec else math.nan,
                "p90": float(rec["p90"]) if "p90" in rec else math.nan,
                "unit": rec.get("unit", ""),
                "label": rec.get("label", ""),
                "notebook": rec.get("notebook") or "",
                "sources": list(rec.get("sources") or []),
            }
        )
    columns = ["metric", "value", "p10", "p90", "unit", "label", "notebook", "sources"]
    return pd.DataFrame(rows, columns=columns).set_index("metric")


def records_with_computed(
    records: Iterable[Mapping[str, Any]],
    computed: Mapping[str, float],
    label: str = "computed by the summary from the scenario's parameters",
) -> list[dict[str, Any]]:
    """The records, plus a record without range for each computed figure not recorded.

    Lets the summary show the core figures even when the other notebooks have not run;
    the added records carry ``notebook = "05_summary (library)"`` and no sources.
    """
    out = [dict(r) for r in records]
    have = {r["name"] for r in out}
    for name, value in computed.items():
        if name not in have:
            out.append(
                {
                    "notebook": "05_summary (library)",
                    "name": name,
                    "value": float(value),
                    "unit": KEY_FIGURES.get(name, ""),
                    "label": SHORT_LABELS.get(name, name).capitalize() + f" ({label})",
                    "sources": [],
                    "params": [],
                }
            )
    return out


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Read a ``metrics.json`` (a JSON list of metric records); ValueError if it is not one."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(
        isinstance(r, dict) and "name" in r and "value" in r for r in data
    ):
        raise ValueError(f"{path}: expected a JSON list of metric records (name, value, …)")
    return data


def published_records(
    outputs_dir: str | Path, scenario_names: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """Records of the scenarios published under ``outputs_dir`` (``<name>/metrics.json``).

    Scenarios without a readable ``metrics.json`` are left out.
    """
    found: dict[str, list[dict[str, Any]]] = {}
    for name in scenario_names:
        path = Path(outputs_dir) / name / "metrics.json"
        if path.is_file():
            try:
                found[name] = read_records(path)
            except (OSError, ValueError):  # unreadable, or replaced by a concurrent run
                continue
    return found


def sources_of(table: pd.DataFrame, known: Iterable[str]) -> list[str]:
    """Fact ids named by the rows of :func:`headline_table` that exist in ``known``, sorted."""
    known = set(known)
    ids = {s for sources in table.get("sources", []) for s in sources}
    return sorted(ids & known)


def scenario_order(names: Iterable[str]) -> list[str]:
    """Scenario names with ``base`` (the deal as reported) and ``rumour`` first, then sorted."""
    names = list(dict.fromkeys(names))
    first = [n for n in ("base", "rumour") if n in names]
    return first + sorted(n for n in names if n not in first)


def outputs_root(metrics_path: str | Path) -> Path:
    """The output folder of a pipeline run, from the ``metrics_path`` it gave the summary.

    The pipeline writes that file inside a hidden build folder of the output folder
    (``OUT/.build-…/.work/metrics_so_far.json`` or ``OUT/.runs/<run>/.work/…``), next to the
    published scenarios (``OUT/<scenario>/metrics.json``). Returns the parent of the nearest
    ancestor named ``.runs`` or ``.build…``; the file's own folder when there is none.
    """
    path = Path(metrics_path).absolute()
    for parent in path.parents:
        if parent.name == ".runs" or parent.name.startswith(".build"):
            return parent.parent
    return path.parent
