"""Headline metrics out of a notebook.

A notebook calls :func:`metric` once per headline figure. The call displays one output
carrying the record under a dedicated MIME type (:data:`MIMETYPE`) next to a one-line
plain-text echo. The executed notebook is thus the record of its run: the pipeline reads
the records back from the notebook's outputs (:func:`metrics_from_notebook`) and gathers
them into ``metrics.json``. Nothing else (no environment variable, no side file, no
third-party scrapbook package) is needed, so a notebook run by hand with papermill or
in JupyterLab records the same way.

The record shape is the one of DESIGN.md: ``notebook, name, value, unit, label``,
optional ``p10, p50, p90``, ``sources`` (fact ids) and ``params`` (parameter names).
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

MIMETYPE = "application/vnd.valse.metric+json"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class MetricError(ValueError):
    """A metric record is malformed (bad name, non-finite value, inconsistent range)."""


#: The metric registry: one row per metric (name, unit, owning notebook, short and long
#: label). Adding a metric is one line appended to this file.
REGISTRY_FILE = Path(__file__).with_name("metrics_registry.csv")
_REGISTRY_COLUMNS = ("name", "unit", "notebook", "short_label", "label")


@functools.cache
def registry() -> dict[str, dict[str, str]]:
    """Every registered metric by name, read from :data:`REGISTRY_FILE`.

    Raises :class:`MetricError` naming the file and row for a bad header, a bad name, an
    empty field or a name registered twice.
    """
    found: dict[str, dict[str, str]] = {}
    with REGISTRY_FILE.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != _REGISTRY_COLUMNS:
            raise MetricError(f"{REGISTRY_FILE}: expected columns {_REGISTRY_COLUMNS}, "
                              f"found {reader.fieldnames}")
        for line, row in enumerate(reader, start=2):
            name = row["name"]
            if not _NAME.match(name or "") or not all(row[c] for c in _REGISTRY_COLUMNS):
                raise MetricError(f"{REGISTRY_FILE}:{line}: expected a snake_case name and "
                                  f"every field filled, found {row}")
            if name in found:
                raise MetricError(f"{REGISTRY_FILE}:{line}: metric {name!r} registered twice")
            found[name] = dict(row)
    return found


def check_owner(name: str, notebook: str | None) -> None:
    """Raise :class:`MetricError` unless ``name`` is registered and owned by ``notebook``
    (the notebook is not checked when it is None). A notebook the registry does not know
    (a test fixture outside ``notebooks/``, which owns no metric) is not checked: it may record
    any name, the project's included."""
    entry = registry().get(name)
    owners = {e["notebook"] for e in registry().values()}
    if notebook is not None and notebook not in owners:
        return
    if entry is None:
        raise MetricError(f"metric {name!r} is not registered: add a row to {REGISTRY_FILE}")
    if notebook is not None and entry["notebook"] != notebook:
        raise MetricError(f"metric {name!r} recorded by {notebook!r}, but the registry "
                          f"({REGISTRY_FILE}) says {entry['notebook']!r} owns it")


def check_collection(records: Iterable[Mapping[str, Any]]) -> None:
    """Raise :class:`MetricError` for a record of a metric not registered, recorded by a
    notebook that does not own it, or recorded twice (by two notebooks)."""
    seen: dict[str, Any] = {}
    for rec in records:
        name = rec["name"]
        if name in seen:
            raise MetricError(f"metric {name!r} recorded twice: by {seen[name]!r} and "
                              f"{rec.get('notebook')!r}")
        seen[name] = rec.get("notebook")
        check_owner(name, rec.get("notebook"))


def _finite(name: str, field: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise MetricError(f"metric {name!r}: {field} must be a number, found {value!r}") from None
    if not math.isfinite(number):
        raise MetricError(f"metric {name!r}: {field} must be finite, found {number!r}")
    return number


def make_record(
    name: str,
    value: float,
    unit: str,
    label: str,
    *,
    sources: Sequence[str] = (),
    params: Sequence[str] = (),
    p10: float | None = None,
    p50: float | None = None,
    p90: float | None = None,
    notebook: str | None = None,
) -> dict[str, Any]:
    """Build and validate one metric record (a plain, JSON-ready dict).

    Parameters
    ----------
    name : str
        Snake-case metric name with its unit in it (``amazon_stake_pct``).
    value : float
        The central figure.
    unit : str
        Unit as shown to readers (``USD bn``, ``%``, ``years``).
    label : str
        One plain-words line that says what the figure is.
    sources : sequence of str
        Fact ids (``data/facts.csv``) the figure stands on.
    params : sequence of str
        Parameter names the figure depends on.
    p10, p50, p90 : float, optional
        Percentiles of the figure's distribution (all three or none), with p10 <= p50 <= p90.
    notebook : str, optional
        Notebook name; filled in by the pipeline when omitted.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise MetricError(f"metric name must be snake_case, found {name!r}")
    record: dict[str, Any] = {
        "notebook": notebook,
        "name": name,
        "value": _finite(name, "value", value),
        "unit": str(unit),
        "label": str(label),
    }
    band = (p10, p50, p90)
    if any(b is not None for b in band):
        if any(b is None for b in band):
            raise MetricError(f"metric {name!r}: give all of p10, p50, p90 or none")
        lo, mid, hi = (
            _finite(name, f, b) for f, b in zip(("p10", "p50", "p90"), band, strict=True)
        )
        tol = 1e-9 * max(1.0, abs(lo), abs(hi))
        if not (lo <= mid + tol and mid <= hi + tol):
            raise MetricError(
                f"metric {name!r}: expected p10 <= p50 <= p90, found {lo}, {mid}, {hi}"
            )
        record.update(p10=lo, p50=mid, p90=hi)
    record["sources"] = sorted({str(s) for s in sources})
    record["params"] = sorted({str(p) for p in params})
    return record


def _plain_text(record: Mapping[str, Any]) -> str:
    text = f"[metric] {record['name']} = {record['value']:,.4g} {record['unit']}"
    if "p10" in record:
        text += f" (P10–P90 {record['p10']:,.4g} – {record['p90']:,.4g})"
    return text


def metric(
    name: str,
    value: float,
    unit: str,
    label: str,
    *,
    sources: Sequence[str] = (),
    params: Sequence[str] = (),
    p10: float | None = None,
    p50: float | None = None,
    p90: float | None = None,
) -> None:
    """Record one headline metric from a notebook.

    The record is displayed as an output of the calling cell (MIME type
    :data:`MIMETYPE` plus a plain-text echo); see :func:`make_record` for the fields.
    Nothing is returned, so a call that ends a cell does not print the record a second
    time; :func:`make_record` builds the same record without displaying it.
    """
    record = make_record(
        name, value, unit, label, sources=sources, params=params, p10=p10, p50=p50, p90=p90
    )
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - outside IPython there is nothing to record into
        return
    display({MIMETYPE: record, "text/plain": _plain_text(record)}, raw=True)


def metrics_from_notebook(nb: Mapping[str, Any], notebook: str) -> list[dict[str, Any]]:
    """Return the metric records displayed in an executed notebook, in cell order.

    ``nb`` is a notebook as a dict (nbformat v4). A later record with the same name
    replaces an earlier one (a cell re-run in JupyterLab). Each record must be registered
    to this notebook (:func:`check_owner`), else :class:`MetricError`.
    """
    found: dict[str, dict[str, Any]] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            if MIMETYPE in data:
                raw = dict(data[MIMETYPE])
                rec = make_record(
                    raw["name"],
                    raw["value"],
                    raw["unit"],
                    raw["label"],
                    sources=raw.get("sources", ()),
                    params=raw.get("params", ()),
                    p10=raw.get("p10"),
                    p50=raw.get("p50"),
                    p90=raw.get("p90"),
                    notebook=notebook,
                )
                check_owner(rec["name"], notebook)
                found[rec["name"]] = rec
    return list(found.values())


def sort_records(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Sort records by notebook then name, for a deterministic ``metrics.json``."""
    return sorted((dict(r) for r in records), key=lambda r: (r.get("notebook") or "", r["name"]))
