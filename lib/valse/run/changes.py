"""What changed since the previous run of a scenario: facts, parameters, metrics.

The pipeline stores a fingerprint of every fact in each scenario's ``manifest.json``
(:func:`fact_fingerprints`) and, when it publishes, compares the new run with the one it
replaces (:func:`changes_since`). A reader of a scheduled re-run thus sees which facts
were added, removed or edited, which parameters moved, and which metrics moved and by how
much. Standard library only.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def fact_fingerprints(path: str | Path) -> dict[str, str]:
    """A short hash of every row of ``facts.csv``, by fact id (empty if the file is missing)."""
    path = Path(path)
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return {}
    header, body = rows[0], rows[1:]
    key = header.index("id") if "id" in header else 0
    return {
        row[key]: hashlib.sha256("\x1f".join(row).encode()).hexdigest()[:16]
        for row in body
        if len(row) > key and row[key]
    }


def _moved(old: float, new: float, rel_tol: float) -> bool:
    if isinstance(old, float) and isinstance(new, float) and math.isnan(old) and math.isnan(new):
        return False
    return abs(new - old) > rel_tol * max(abs(old), abs(new), 1e-300)


def changes_since(
    previous_manifest: Mapping[str, Any] | None,
    previous_records: Iterable[Mapping[str, Any]],
    manifest: Mapping[str, Any],
    records: Iterable[Mapping[str, Any]],
    rel_tol: float = 1e-9,
) -> dict[str, Any]:
    """Compare a run with the one it replaces.

    Parameters
    ----------
    previous_manifest, manifest : mapping
        Manifests of the previous and the new run (``facts``, ``parameters``, ``inputs``).
    previous_records, records : iterable of mapping
        Their metric records (``notebook``, ``name``, ``value``).
    rel_tol : float
        Relative change under which a metric has not moved.

    Returns
    -------
    dict
        ``first_run`` (bool), ``previous_run`` (its finish time), ``facts`` (``added``,
        ``removed``, ``edited`` ids), ``parameters`` (name -> ``{"from", "to"}``),
        ``metrics_moved`` (list of ``notebook, name, from, to, change_pct``),
        ``metrics_added`` and ``metrics_removed`` (``notebook/name``), ``data_files`` and
        ``notebooks`` whose content changed.
    """
    if not previous_manifest:
        return {"first_run": True}
    old_facts = previous_manifest.get("facts") or {}
    new_facts = manifest.get("facts") or {}
    old_params = previous_manifest.get("parameters") or {}
    new_params = manifest.get("parameters") or {}
    params = {
        name: {"from": old_params.get(name), "to": new_params.get(name)}
        for name in sorted(set(old_params) | set(new_params))
        if old_params.get(name) != new_params.get(name)
    }
    old = {(r.get("notebook"), r["name"]): r for r in previous_records}
    new = {(r.get("notebook"), r["name"]): r for r in records}
    moved = []
    for key in sorted(set(old) & set(new), key=lambda k: (k[0] or "", k[1])):
        a, b = float(old[key]["value"]), float(new[key]["value"])
        if _moved(a, b, rel_tol):
            change = 100.0 * (b - a) / abs(a) if a else None
            moved.append(
                {"notebook": key[0], "name": key[1], "from": a, "to": b, "change_pct": change}
            )
    old_inputs = previous_manifest.get("inputs") or {}
    new_inputs = manifest.get("inputs") or {}

    def changed_files(field: str) -> list[str]:
        a, b = old_inputs.get(field) or {}, new_inputs.get(field) or {}
        return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))

    return {
        "first_run": False,
        "previous_run": previous_manifest.get("finished"),
        "facts": {
            "added": sorted(set(new_facts) - set(old_facts)),
            "removed": sorted(set(old_facts) - set(new_facts)),
            "edited": sorted(
                k for k in set(old_facts) & set(new_facts) if old_facts[k] != new_facts[k]
            ),
        },
        "parameters": params,
        "metrics_moved": moved,
        "metrics_added": sorted(f"{k[0]}/{k[1]}" for k in set(new) - set(old)),
        "metrics_removed": sorted(f"{k[0]}/{k[1]}" for k in set(old) - set(new)),
        "data_files": changed_files("data_files"),
        "notebooks": changed_files("notebooks"),
    }
