"""The published index: ``OUT/index.html`` from each scenario's manifest and metrics.

:func:`collect` reads what is published under the output folder (one entry per scenario:
its manifest and its metric records); :func:`render_index` turns that into one
self-contained page (inline CSS, a print stylesheet, no script, nothing fetched from the
network); :func:`write_index` writes it atomically. Everything that comes from data is escaped
with :func:`html.escape`.
"""

from __future__ import annotations

import html
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from valse.outfolder import GENERATOR_META, TMP_PREFIX
from valse.report.sanitize import csp_meta

_CSS = """
.comparison th[scope=row] { font-weight: normal; text-transform: none; letter-spacing: normal;
  white-space: normal; font-size: 0.95em; color: inherit; min-width: 16em; max-width: 24em; }
.comparison .band { color: #555; font-size: 0.85em; }
.wide { overflow-x: auto; }
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --bad: #a4262c; --ok: #1e6b3a; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 1.5rem; max-width: 72rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 .25rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
p.meta, td.meta, span.meta { color: var(--muted); font-size: .9rem; }
table { border-collapse: collapse; width: 100%; table-layout: auto; margin: .5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
         border-bottom: 1px solid var(--rule); overflow-wrap: normal; hyphens: none; }
th { font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted);
     white-space: nowrap; }
td.name, td.unit, span.name { white-space: nowrap; }
ul.provenance { font-size: .9rem; padding-left: 1.2rem; }
ul.provenance li { margin: .2rem 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status-ok { color: var(--ok); } .status-failed { color: var(--bad); font-weight: 600; }
.error { color: var(--bad); font-size: .9rem; }
nav ul { padding-left: 1.2rem; }
@media (max-width: 40rem) { body { padding: .75rem; font-size: 15px; } th, td { padding: .25rem; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  h2 { break-before: auto; break-after: avoid; }
  table, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


@dataclass(frozen=True)
class ScenarioResults:
    """What the index shows of one published scenario."""

    name: str
    manifest: dict[str, Any]
    metrics: list[dict[str, Any]]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def collect(out: Path) -> list[ScenarioResults]:
    """Read every published scenario under ``out`` (entries not starting with a dot that hold
    a ``manifest.json``), sorted by name."""
    results = []
    if not out.is_dir():
        return results
    for entry in sorted(out.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        manifest = _read_json(entry / "manifest.json")
        if not isinstance(manifest, dict):
            continue
        metrics = _read_json(entry / "metrics.json")
        results.append(ScenarioResults(entry.name, manifest,
                                       metrics if isinstance(metrics, list) else []))
    return results


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


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _link(href: str, text: str) -> str:
    return f'<a href="{_e(href)}">{_e(text)}</a>'


def _notebook_rows(sc: ScenarioResults) -> str:
    rows = []
    for entry in sc.manifest.get("notebooks", []):
        name = entry.get("name", "")
        files = entry.get("files", {}) or {}
        links = []
        for key, text in (("reader", "reader page"), ("full", "with code"),
                          ("notebook", "notebook (.ipynb)"), ("data", "data (CSV, JSON)")):
            if key in files:
                href = f"{sc.name}/{files[key]}" + ("/" if key == "data" else "")
                links.append(_link(href, text))
        ok = entry.get("results_ok")
        status = entry.get("status", "")
        if status == "skipped":
            status = f"up to date ({entry.get('reason') or 'skipped'})"
        css = "status-ok" if ok else "status-failed"
        error = entry.get("error") or {}
        detail = ""
        if error and not ok:
            where = ""
            if "cell_index" in error:
                where = f"cell {error['cell_index']}"
                if error.get("execution_count"):
                    where += f" (In [{error['execution_count']}])"
                where += ": "
            detail = (f'<div class="error">{_e(where)}{_e(error.get("ename", ""))}: '
                      f'{_e((error.get("evalue") or "")[:300])}</div>')
        rows.append(
            f"<tr><td class=\"name\">{_e(name)}</td><td class=\"{css}\">{_e(status)}{detail}</td>"
            f"<td class=\"num\">{_e(format_number(entry.get('duration_s', 0)))} s</td>"
            f"<td>{' · '.join(links)}</td></tr>"
        )
    return ("<table><thead><tr><th scope=\"col\">Notebook</th><th scope=\"col\">Status</th>"
            "<th scope=\"col\">Run time</th><th scope=\"col\">Pages</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


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


def _provenance(sc: ScenarioResults, facts: dict[str, dict[str, str]]) -> str:
    """The facts and parameters behind each figure, one list item each (rows link here)."""
    items = []
    for rec in sc.metrics:
        anchor = f"prov-{sc.name}-{rec.get('notebook') or ''}-{rec.get('name', '')}"
        parts = []
        for fact_id in rec.get("sources") or []:
            row = facts.get(fact_id, {})
            detail = ", ".join(_e(row.get(k)) for k in ("source", "as_of", "status")
                               if row.get(k))
            parts.append(f"<code>{_e(fact_id)}</code>" + (f" ({detail})" if detail else ""))
        facts_html = "; ".join(parts) if parts else "none recorded"
        params = ", ".join(f"<code>{_e(p)}</code>" for p in rec.get("params") or []) or "none"
        items.append(f'<li id="{_e(anchor)}"><strong>{_e(rec.get("name", ""))}</strong> '
                     f"({_e(rec.get('notebook') or '')}): facts {facts_html}; "
                     f"parameters {params}</li>")
    return '<ul class="provenance">' + "".join(items) + "</ul>"


def _metric_rows(sc: ScenarioResults) -> str:
    if not sc.metrics:
        return '<p class="meta">No headline figures recorded.</p>'
    files = {e.get("name"): (e.get("files") or {}) for e in sc.manifest.get("notebooks", [])}
    rows = []
    for rec in sc.metrics:
        nb = rec.get("notebook") or ""
        band = ""
        if rec.get("p10") is not None and rec.get("p90") is not None:
            band = f"{format_number(rec['p10'])} – {format_number(rec['p90'])}"
        reader = files.get(nb, {}).get("reader")
        where = _link(f"{sc.name}/{reader}", nb) if reader else _e(nb)
        anchor = f"#prov-{sc.name}-{nb}-{rec.get('name', '')}"
        rows.append(
            f"<tr><td>{_e(rec.get('label', ''))}<br><span class=\"meta name\">"
            f"{_e(rec.get('name', ''))}</span> · {_link(anchor, 'facts and parameters')}</td>"
            f"<td class=\"num\">{_e(format_number(rec.get('value')))}</td>"
            f"<td class=\"num\">{_e(band)}</td><td class=\"unit\">{_e(rec.get('unit', ''))}</td>"
            f"<td class=\"name\">{where}</td></tr>"
        )
    return ("<table><thead><tr><th scope=\"col\">Figure</th><th scope=\"col\">Value</th>"
            "<th scope=\"col\">P10–P90</th><th scope=\"col\">Unit</th>"
            "<th scope=\"col\">Notebook</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


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


def _pick(metrics: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The record of ``name``; the one with a P10–P90 band when notebooks both record it."""
    found = [r for r in metrics if r.get("name") == name]
    found.sort(key=lambda r: ("p10" not in r, r.get("notebook") or ""))
    return found[0] if found else None


def _comparison(scenarios: list[ScenarioResults]) -> str:
    """A table of the :data:`COMPARED` figures, one column per scenario (escaped)."""
    head = "".join(f'<th scope="col"><a href="#scenario-{_e(sc.name)}">{_e(sc.name)}</a></th>'
                   for sc in scenarios)
    rows = []
    for name in COMPARED:
        picks = [_pick(sc.metrics, name) for sc in scenarios]
        first = next((r for r in picks if r), None)
        if first is None:
            continue
        cells = []
        for rec in picks:
            if rec is None:
                cells.append('<td class="num">—</td>')
                continue
            band = (f'<br><span class="band">{_e(format_number(rec["p10"]))}–'
                    f'{_e(format_number(rec["p90"]))}</span>') if "p10" in rec else ""
            cells.append(f'<td class="num">{_e(format_number(rec["value"]))}{band}</td>')
        rows.append(f'<tr><th scope="row">{_e(first.get("label", name))} '
                    f'<span class="unit">[{_e(first.get("unit", ""))}]</span></th>'
                    + "".join(cells) + "</tr>")
    if not rows:
        return ""
    return ('<section id="comparison"><h2>Scenarios side by side</h2>'
            "<p>Central value of each figure, with its P10–P90 range where a Monte Carlo "
            "gives one; — where the figure is not defined in that scenario. Each scenario's "
            "section below links every figure to its facts and parameters.</p>"
            '<div class="wide"><table class="comparison"><thead><tr><th scope="col">Figure</th>'
            + head + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div></section>")


def render_index(scenarios: list[ScenarioResults], title: str = "valse: results") -> str:
    """Return the HTML of the index page for ``scenarios``."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        csp_meta(),
        GENERATOR_META,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(title)}</h1>",
        '<p class="meta">Amazon, OpenAI and the AI money that goes round: every scenario run, '
        "its headline figures with their ranges, and the notebooks behind them.</p></header>",
    ]
    if not scenarios:
        parts.append("<main><p>No scenario has been run yet.</p></main></body></html>")
        return "\n".join(parts) + "\n"
    if len(scenarios) > 1:
        parts.append('<nav aria-label="Scenarios"><ul>')
        parts += [f'<li><a href="#scenario-{_e(sc.name)}">{_e(sc.name)}</a></li>'
                  for sc in scenarios]
        parts.append("</ul></nav>")
    parts.append("<main>")
    if len(scenarios) > 1:
        parts.append(_comparison(scenarios))
    for sc in scenarios:
        m = sc.manifest
        git = m.get("git") or {}
        commit = (git.get("commit") or "")[:12]
        if commit and git.get("dirty"):
            commit += " (with uncommitted changes)"
        status = m.get("status", "")
        parts.append(f'<section id="scenario-{_e(sc.name)}">')
        parts.append(f"<h2>Scenario {_e(sc.name)}</h2>")
        if m.get("description"):
            parts.append(f"<p>{_e(m['description'])}</p>")
        meta = f"Run {_e(m.get('finished') or m.get('started') or '')}"
        if commit:
            meta += f" · commit {_e(commit)}"
        data_hash = ((m.get("inputs") or {}).get("data_sha256") or "")[:12]
        if data_hash:
            meta += f" · data {_e(data_hash)}"
        meta += (f' · <span class="status-{"ok" if status == "ok" else "failed"}">'
                 f"{_e('all notebooks ran' if status == 'ok' else 'some notebooks failed')}"
                 "</span>")
        meta += " · " + _link(f"{sc.name}/metrics.json", "metrics.json")
        fact_base = m.get("fact_base") or {}
        if fact_base.get("package"):
            meta += (f" · fact base as of {_e(fact_base.get('as_of') or 'unknown')}: "
                     + _link(f"{sc.name}/{fact_base['package']}", "data package (JSON and CSV)"))
        meta += " · " + _link(f"{sc.name}/manifest.json", "manifest.json")
        parts.append(f'<p class="meta">{meta}</p>')
        changes = _changes_text(m.get("changes"))
        if changes:
            parts.append(f'<p class="changes">{changes}</p>')
        parts.append("<h3>Headline figures</h3>")
        parts.append(_metric_rows(sc))
        if sc.metrics:
            parts.append("<h3>Facts and parameters behind the figures</h3>")
            parts.append(_provenance(sc, load_facts(m.get("data_dir"))))
        parts.append("<h3>Notebooks</h3>")
        parts.append(_notebook_rows(sc))
        parts.append("</section>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _changes_text(changes: dict[str, Any] | None) -> str:
    """One escaped sentence on what changed since the previous run ("" when unknown)."""
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
    return _e(since + ("; ".join(bits) if bits else "no fact, parameter or metric changed") + ".")


def write_index(out: Path) -> Path:
    """Write ``out/index.html`` for what is published under ``out`` (atomically)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    tmp = out / f"{TMP_PREFIX}index-{os.getpid()}.tmp"
    tmp.write_text(render_index(collect(out)), encoding="utf-8")
    os.replace(tmp, path)
    return path
