"""The index's rows: figures formatted, the scenarios compared, each scenario's section.

Pure functions of what :func:`valse.run.site.collect` read (manifests and metric records),
returning plain dictionaries for the templates in ``templates/site/``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from valse.run.site import ScenarioResults


def format_number(value: Any) -> str:
    """A readable figure: thousands separators, about four significant digits."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:,.1f}"
    if magnitude >= 1 or value == 0:
        return f"{value:,.2f}"
    return f"{value:.3g}"




def load_facts(data_dir: str | os.PathLike | None) -> dict[str, dict[str, str]]:
    """Rows of ``facts.csv`` in ``data_dir`` by id (empty when it cannot be read)."""
    import csv

    if not data_dir:
        return {}
    try:
        with open(Path(data_dir) / "facts.csv", newline="", encoding="utf-8") as fh:
            return {row["id"]: row for row in csv.DictReader(fh) if row.get("id")}
    except (OSError, KeyError, csv.Error):
        return {}


#: Figures set side by side for every scenario at the top of the index, in this order.
COMPARED: tuple[str, ...] = (
    "post_money_valuation_usd_bn",
    "amazon_stake_pct",
    "amazon_expected_investment_usd_bn",
    "amazon_deal_npv_usd_bn",
    "amazon_net_cost_pv_usd_bn",
    "aws_contract_npv_usd_bn",
    "circularity_pct",
    "amazon_stake_value_at_ipo_usd_bn",
    "required_revenue_usd_bn",
    "layoff_savings_usd_bn_per_year",
    "circular_share_pct",
    "cloud_hhi_after_shift",
)


#: A compared figure with a plausibility bound recorded beside it: above the bound the figure
#: is a state ("none plausible"), not a number that looks like an answer.
BOUNDS: dict[str, tuple[str, str]] = {
    "required_revenue_usd_bn": ("required_revenue_plausible_bound_usd_bn",
                                "no plausible revenue suffices"),
}


def _cell(metrics: list[dict[str, Any]], name: str, rec: dict[str, Any] | None
          ) -> dict[str, str] | None:
    """One cell of the comparison: the value and its band, or the state above its bound."""
    if rec is None:
        return None
    if name in BOUNDS:
        bound = pick(metrics, BOUNDS[name][0])
        if bound is not None and rec["value"] > bound["value"]:
            return {"value": BOUNDS[name][1],
                    "band": f"even {format_number(bound['value'])} falls short"}
    return {"value": format_number(rec["value"]), "band": band(rec, "–")}


def pick(metrics: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The record of ``name``; the one with a P10–P90 band when notebooks both record it."""
    found = [r for r in metrics if r.get("name") == name]
    found.sort(key=lambda r: ("p10" not in r, r.get("notebook") or ""))
    return found[0] if found else None


def band(rec: dict[str, Any], sep: str = " – ") -> str:
    if rec.get("p10") is None or rec.get("p90") is None:
        return ""
    return f"{format_number(rec['p10'])}{sep}{format_number(rec['p90'])}"


def comparison(scenarios: list[ScenarioResults], weights: dict[str, float] | None
                ) -> dict[str, Any] | None:
    """Rows of the :data:`COMPARED` figures, one cell per scenario; the tree's probabilities."""
    rows = []
    for name in COMPARED:
        picks = [pick(sc.metrics, name) for sc in scenarios]
        first = next((r for r in picks if r), None)
        if first is None:
            continue
        cells = [_cell(sc.metrics, name, r) for sc, r in zip(scenarios, picks, strict=True)]
        rows.append({"label": first.get("label", name), "unit": first.get("unit", ""),
                     "cells": cells})
    if not rows:
        return None
    probabilities = ([f"{100 * weights.get(sc.name, 0.0):.0f}%" for sc in scenarios]
                     if weights else None)
    return {"rows": rows, "probabilities": probabilities}


def _notebooks(sc: ScenarioResults) -> list[dict[str, Any]]:
    out = []
    for entry in sc.manifest.get("notebooks", []):
        files = entry.get("files", {}) or {}
        links = [{"href": f"{sc.name}/{files[key]}" + ("/" if key == "data" else ""),
                  "text": text}
                 for key, text in (("reader", "reader page"), ("full", "with code"),
                                   ("notebook", "notebook (.ipynb)"), ("data", "data (CSV, JSON)"))
                 if key in files]
        ok = entry.get("results_ok")
        status = entry.get("status", "")
        if status == "skipped":
            status = f"up to date ({entry.get('reason') or 'skipped'})"
        error = entry.get("error") or {}
        detail = ""
        if error and not ok:
            where = ""
            if "cell_index" in error:
                where = f"cell {error['cell_index']}"
                if error.get("execution_count"):
                    where += f" (In [{error['execution_count']}])"
                where += ": "
            detail = f"{where}{error.get('ename', '')}: {(error.get('evalue') or '')[:300]}"
        out.append({"name": entry.get("name", ""), "ok": ok, "status": status, "error": detail,
                    "duration": format_number(entry.get("duration_s", 0)), "links": links})
    return out


def _metrics(sc: ScenarioResults, facts: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    files = {e.get("name"): (e.get("files") or {}) for e in sc.manifest.get("notebooks", [])}
    out = []
    for rec in sc.metrics:
        nb = rec.get("notebook") or ""
        reader = files.get(nb, {}).get("reader")
        cited = []
        for fid in rec.get("sources") or []:
            row = facts.get(fid, {})
            detail = ", ".join(row[k] for k in ("source", "as_of", "status") if row.get(k))
            cited.append({"id": fid, "detail": detail})
        out.append({"label": rec.get("label", ""), "name": rec.get("name", ""), "notebook": nb,
                    "value": format_number(rec.get("value")), "band": band(rec),
                    "unit": rec.get("unit", ""), "reader": f"{sc.name}/{reader}" if reader else "",
                    "anchor": f"prov-{sc.name}-{nb}-{rec.get('name', '')}", "facts": cited,
                    "params": list(rec.get("params") or [])})
    return out


def _changes_text(changes: dict[str, Any] | None) -> str:
    """One sentence on what changed since the previous run ("" when unknown)."""
    if not changes:
        return ""
    if changes.get("first_run"):
        return "First run of this scenario in this folder."
    facts = changes.get("facts") or {}
    bits = []
    for key, word in (("edited", "edited"), ("added", "added"), ("removed", "removed")):
        ids = facts.get(key) or []
        if ids:
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            bits.append(f"facts {word}: {shown}")
    params = changes.get("parameters") or {}
    if params:
        bits.append("parameters changed: " + ", ".join(
            f"{k} {v.get('from')} → {v.get('to')}" for k, v in list(params.items())[:5]))
    moved = changes.get("metrics_moved") or []
    if moved:
        bits.append(f"{len(moved)} metric(s) moved, e.g. " + ", ".join(
            f"{r['name']} {r['from']:,.4g} → {r['to']:,.4g}" for r in moved[:3]))
    since = f"Since the previous run ({changes.get('previous_run') or 'unknown date'}): "
    return since + ("; ".join(bits) if bits else "no fact, parameter or metric changed") + "."


def scenario_section(sc: ScenarioResults) -> dict[str, Any]:
    m = sc.manifest
    git = m.get("git") or {}
    commit = (git.get("commit") or "")[:12]
    if commit and git.get("dirty"):
        commit += " (with uncommitted changes)"
    fact_base = m.get("fact_base") or {}
    return {"name": sc.name, "description": m.get("description") or "",
            "run": m.get("finished") or m.get("started") or "", "commit": commit,
            "data_hash": ((m.get("inputs") or {}).get("data_sha256") or "")[:12],
            "ok": m.get("status", "") == "ok", "package": fact_base.get("package") or "",
            "fact_base_as_of": fact_base.get("as_of") or "unknown",
            "changes": _changes_text(m.get("changes")),
            "metrics": _metrics(sc, load_facts(m.get("data_dir"))), "notebooks": _notebooks(sc)}


def claims_rows(scenarios: list[ScenarioResults]) -> list[dict[str, str]]:
    from valse.data.claims import load_claims

    for sc in scenarios:
        data_dir = sc.manifest.get("data_dir")
        if data_dir:
            try:
                return [{"claim": c.claim, "status": c.status, "source": c.status_source}
                        for c in load_claims(Path(data_dir) / "claims.csv")]
            except (OSError, ValueError, AttributeError):
                return []
    return []


def watch_rows(scenarios: list[ScenarioResults]) -> list[dict[str, str]]:
    from valse.data.regulators import load_watchlist

    for sc in scenarios:
        data_dir = sc.manifest.get("data_dir")
        if data_dir:
            try:
                return load_watchlist(Path(data_dir) / "watchlist.csv").to_dict("records")
            except (OSError, ValueError):
                return []
    return []
