"""The published index: ``OUT/index.html`` (and ``index.fr.html``) from the manifests and metrics.

:func:`collect` reads what is published under the output folder (one entry per scenario: its
manifest and its metric records); :func:`render_index` turns that into one self-contained page
(inline CSS, a print stylesheet, no script, nothing fetched from the network) from the jinja2
templates in ``templates/site/`` with autoescape on: every value from the data is escaped where
it lands, and no HTML is built by concatenating strings. :func:`write_index` writes the English
and French pages atomically.

The page opens with the nine answers of the source article (:mod:`valse.report.answers`) for
the deal as reported (scenario ``base`` when published), each with a small chart drawn as
inline SVG from the recorded figures; then the scenarios side by side with the decision tree's
probabilities (:mod:`valse.model.scenario_tree`); then each scenario's figures with their
facts and parameters, the claims tracker and the watch-list. The French page carries the
answers, the glossary and the comparison.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from valse.report.sanitize import csp_meta
from valse.run.outfolder import GENERATOR_META, TMP_PREFIX

TEMPLATES = Path(__file__).parent / "templates" / "site"



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
        bound = _pick(metrics, BOUNDS[name][0])
        if bound is not None and rec["value"] > bound["value"]:
            return {"value": BOUNDS[name][1],
                    "band": f"even {format_number(bound['value'])} falls short"}
    return {"value": format_number(rec["value"]), "band": _band(rec, "–")}


def _pick(metrics: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The record of ``name``; the one with a P10–P90 band when notebooks both record it."""
    found = [r for r in metrics if r.get("name") == name]
    found.sort(key=lambda r: ("p10" not in r, r.get("notebook") or ""))
    return found[0] if found else None


def _band(rec: dict[str, Any], sep: str = " – ") -> str:
    if rec.get("p10") is None or rec.get("p90") is None:
        return ""
    return f"{format_number(rec['p10'])}{sep}{format_number(rec['p90'])}"


def _comparison(scenarios: list[ScenarioResults], weights: dict[str, float] | None
                ) -> dict[str, Any] | None:
    """Rows of the :data:`COMPARED` figures, one cell per scenario; the tree's probabilities."""
    rows = []
    for name in COMPARED:
        picks = [_pick(sc.metrics, name) for sc in scenarios]
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
                    "value": format_number(rec.get("value")), "band": _band(rec),
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


def _scenario(sc: ScenarioResults) -> dict[str, Any]:
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


# --- the nine answers ------------------------------------------------------------------------


def spark_chart(records: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, Any] | None:
    """Geometry of a small bar chart of ``records`` with P10–P90 whiskers, in percent of width.

    Bars start at a zero line placed so that negative and positive values and their bands all
    fit; ``None`` without a record.
    """
    rows = [r for r in records if r is not None and math.isfinite(float(r["value"]))]
    if not rows:
        return None
    ends = [float(x) for r in rows for x in (r["value"], r.get("p10"), r.get("p90"))
            if x is not None]
    lo, hi = min(0.0, *ends), max(0.0, *ends)
    scale = 100.0 / (hi - lo) if hi > lo else 0.0

    def x(v: float) -> float:
        return round((float(v) - lo) * scale, 1)

    zero = x(0.0)
    bars = []
    for r in rows:
        v = float(r["value"])
        banded = r.get("p10") is not None and r.get("p90") is not None
        bars.append({"label": labels.get(r["name"], r["name"]),
                     "x": min(x(v), zero), "width": round(abs(x(v) - zero), 1),
                     "lo": x(r["p10"]) if banded else None, "hi": x(r["p90"]) if banded else None,
                     "value": format_number(v) + (" %" if r.get("unit") == "%" else "")})
    return {"zero": zero, "bars": bars}


def _markdown(text: str) -> Markup:
    """Markdown rendered by the answers' templates, as HTML (raw HTML escaped, not passed)."""
    import mistune

    return Markup(mistune.create_markdown(escape=True)(text))


def _tree(scenarios: list[ScenarioResults], data_dir: Path) -> Any:
    """The decision tree weighed on the deal as reported (its leaves valued with their outcomes
    fixed), the published scenarios' NPVs ranked beside it (None without the data)."""
    from valse.data.facts import load_facts as load_fact_base
    from valse.report import summary, tree_report

    npv = {}
    for sc in scenarios:
        rec = _pick(sc.metrics, "amazon_deal_npv_usd_bn")
        if rec is not None:
            npv[sc.name] = float(rec["value"])
    try:
        facts = load_fact_base(data_dir / "facts.csv")
        files = summary.load_scenario_files(sorted((data_dir / "scenarios").glob("*.yaml")))
        _, result = tree_report.load_and_weigh(files, facts, npv, data_dir / "scenario_tree.csv")
    except (OSError, ValueError, KeyError):
        return None
    return result


def _answers(scenarios: list[ScenarioResults], lang: str, result: Any) -> dict[str, Any] | None:
    """The nine answers for the deal as reported (``base``), or None when it is not published."""
    from valse.data.claims import load_claims, status_counts
    from valse.data.regulators import load_watchlist
    from valse.model.deal import DEAL_FIELDS
    from valse.report import answers, summary, tree_report

    by_name = {sc.name: sc for sc in scenarios}
    sc = by_name.get("base")
    params = (sc.manifest.get("parameters") or {}) if sc else {}
    if sc is None or not sc.metrics or not all(f in params for f in DEAL_FIELDS):
        return None
    data_dir = Path(sc.manifest.get("data_dir") or "")
    facts = load_facts(data_dir)
    best = summary.best_records(r for r in sc.metrics)
    try:
        counts = summary.claims_counts(status_counts(load_claims(data_dir / "claims.csv")))
        watch = load_watchlist(data_dir / "watchlist.csv").to_dict("records")
    except (OSError, ValueError):
        counts, watch = None, []
    readings = None
    if "rumour" in by_name:
        rumour = by_name["rumour"].manifest.get("parameters") or {}
        r_npv, b_npv = (_pick(by_name[n].metrics, "amazon_deal_npv_usd_bn")
                        for n in ("rumour", "base"))
        if r_npv and b_npv and rumour:
            readings = {"rumour_investment": float(rumour["amazon_investment_usd_bn"]),
                        "rumour_services": float(rumour["aws_services_usd_bn"]),
                        "rumour_npv": float(r_npv["value"]),
                        "reported_upfront": float(params["amazon_upfront_usd_bn"]),
                        "reported_services": float(params["aws_services_usd_bn"]),
                        "reported_npv": float(b_npv["value"])}
    tree = (tree_report.tree_context(result, {s.name: s.manifest.get("parameters") or {}
                                              for s in scenarios}) if result else None)
    context = answers.answer_context(best, params, scenario="base", tree=tree, claims=counts,
                                     watch=watch, readings=readings)
    texts = answers.render_answers(context, lang)
    files = {e.get("name"): (e.get("files") or {}) for e in sc.manifest.get("notebooks", [])}
    labels = {n: summary.SHORT_LABELS.get(n, n) for n in summary.SHORT_LABELS}
    items, cited = [], []
    for q in answers.QUESTIONS:
        link = answers.LINKS[q]
        ids = [f for f in answers.sources(best, q) if f in facts][:8]
        cited += [f for f in ids if f not in cited]
        recs = [best.get(n) for n in link.metrics]
        reader = files.get(link.notebook, {}).get("reader")
        items.append({"id": q, "title": answers.QUESTION_TITLES[lang][q],
                      "html": _markdown(texts[q]), "notebook": link.notebook,
                      "page": f"base/{reader}" if reader else "", "section": link.section,
                      "facts": ids, "chart": spark_chart(recs, labels),
                      "chart_title": f"{q.upper()}: " + ", ".join(
                          f"{labels.get(r['name'], r['name'])} {format_number(r['value'])}"
                          for r in recs if r)})
    hhi = facts.get("merger_guidelines_2023_hhi_highly_concentrated", {}).get("value")
    glossary = (_markdown(answers.render("glossary", lang, hhi_high=float(hhi)))
                if hhi else Markup(""))
    return {"scenario": "base", "entries": items, "glossary": glossary,
            "facts": [{"id": f, **{k: facts[f].get(k, "") for k in ("source", "as_of", "status")}}
                      for f in cited]}


def _claims(scenarios: list[ScenarioResults]) -> list[dict[str, str]]:
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


def _watch(scenarios: list[ScenarioResults]) -> list[dict[str, str]]:
    from valse.data.regulators import load_watchlist

    for sc in scenarios:
        data_dir = sc.manifest.get("data_dir")
        if data_dir:
            try:
                return load_watchlist(Path(data_dir) / "watchlist.csv").to_dict("records")
            except (OSError, ValueError):
                return []
    return []


#: The page's fixed words, by language (the scenarios' own sections are in English).
WORDS: dict[str, dict[str, str]] = {
    "en": {"title": "valse: results", "tagline": "Amazon, OpenAI and the AI money that goes "
           "round: the nine answers of the source article, every scenario run, its headline "
           "figures with their ranges, and the notebooks behind them.",
           "none_run": "No scenario has been run yet.", "nav": "Sections",
           "answers": "The nine answers", "answers_intro": "For the deal as reported, from the "
           "figures the notebooks recorded, with their P10–P90 ranges; each figure's facts and "
           "parameters are in the section of scenario", "see": "See", "facts": "facts",
           "glossary": "Glossary", "facts_behind": "Facts behind the answers",
           "side_by_side": "Scenarios side by side", "side_by_side_intro": "Central value of "
           "each figure, with its P10–P90 range where a Monte Carlo gives one; — where the "
           "figure is not defined in that scenario. The first row is the share of the decision "
           "tree of Q6 each scenario file is a reading of (0% for the readings the record rules "
           "out, and for a file that moves the values rather than the branches); the rest of "
           "the tree lies in branches no scenario file describes. Each scenario's section below "
           "links every figure to its facts and parameters.", "figure": "Figure",
           "probability": "Share of the tree (decision tree of Q6)",
           "other": "Version française", "other_lang": "fr", "other_href": "index.fr.html"},
    "fr": {"title": "valse : résultats", "tagline": "Amazon, OpenAI et l'argent de l'IA qui "
           "tourne en rond : les neuf réponses de l'article source, chaque scénario et ses "
           "chiffres avec leurs fourchettes.", "none_run": "Aucun scénario n'a encore tourné.",
           "nav": "Sections", "answers": "Les neuf réponses", "answers_intro": "Pour l'accord "
           "tel que rapporté, à partir des chiffres enregistrés par les carnets, avec leurs "
           "fourchettes P10–P90 ; faits et paramètres de chaque chiffre dans la page anglaise, "
           "scénario", "see": "Voir", "facts": "faits", "glossary": "Glossaire",
           "facts_behind": "Les faits derrière les réponses",
           "side_by_side": "Les scénarios côte à côte", "side_by_side_intro": "Valeur centrale "
           "de chaque chiffre, avec sa fourchette P10–P90 quand une simulation la donne ; — "
           "quand le chiffre n'existe pas dans ce scénario. La première ligne donne la part "
           "de l'arbre de décision de Q6 que décrit chaque fichier de scénario (0 % pour les "
           "lectures que les faits écartent, et pour un fichier qui fait varier les valeurs "
           "plutôt que les branches) ; le reste de l'arbre tombe dans des branches qu'aucun "
           "fichier ne décrit.",
           "figure": "Chiffre", "probability": "Part de l'arbre (arbre de décision de Q6)",
           "other": "English version", "other_lang": "en", "other_href": "index.html"},
}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The index's templates, HTML-escaped by default (autoescape on every template)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


#: Fixed texts of the per-scenario sections, the claims tracker and the watch-list, by language
#: (numbers, names and the data's own texts are shown as they are).
SECTION_WORDS: dict[str, dict[str, Any]] = {
    "en": {"scenario": "Scenario", "run": "Run", "commit": "commit", "data": "data",
           "all_ran": "all notebooks ran", "some_failed": "some notebooks failed",
           "fact_base_as_of": "fact base as of", "colon": ":",
           "data_package": "data package (JSON and CSV)", "headline": "Headline figures",
           "value": "Value", "unit": "Unit", "notebook": "Notebook",
           "facts_and_params": "facts and parameters",
           "provenance": "Facts and parameters behind the figures",
           "none_recorded": "none recorded", "parameters": "parameters", "none": "none",
           "no_headline": "No headline figures recorded.", "notebooks": "Notebooks",
           "status": "Status", "run_time": "Run time", "pages": "Pages",
           "claims": "Claims tracker",
           "claims_intro": ("Every factual claim of the source article", "with its status as "
                            "of the latest facts and the source that settles it."),
           "claim": "Claim", "source": "Source", "watch": "What to watch",
           "watch_intro": ("The watch-list", "says what to look for, who files it, when, and "
                           "which conclusion it would change."),
           "watch_cols": ("Watch", "Look for", "Filer", "Expected", "Would change")},
    "fr": {"scenario": "Scénario", "run": "Exécution", "commit": "commit", "data": "données",
           "all_ran": "tous les carnets ont tourné",
           "some_failed": "certains carnets ont échoué",
           "fact_base_as_of": "base de faits au", "colon": "\u00a0:",
           "data_package": "paquet de données (JSON et CSV)",
           "headline": "Chiffres principaux", "value": "Valeur", "unit": "Unité",
           "notebook": "Carnet", "facts_and_params": "faits et paramètres",
           "provenance": "Les faits et paramètres derrière les chiffres",
           "none_recorded": "aucun enregistré", "parameters": "paramètres", "none": "aucun",
           "no_headline": "Aucun chiffre principal enregistré.", "notebooks": "Carnets",
           "status": "Statut", "run_time": "Durée", "pages": "Pages",
           "claims": "Suivi des affirmations",
           "claims_intro": ("Chaque affirmation factuelle de l'article source", "avec son "
                            "statut d'après les derniers faits et la source qui la tranche."),
           "claim": "Affirmation", "source": "Source", "watch": "Ce qu'il faut surveiller",
           "watch_intro": ("La liste de surveillance", "dit quoi chercher, qui le dépose, "
                           "quand, et quelle conclusion cela changerait."),
           "watch_cols": ("À surveiller", "Chercher", "Déposant", "Attendu",
                          "Changerait")},
}


def render_index(scenarios: list[ScenarioResults], title: str | None = None,
                 lang: str = "en") -> str:
    """Return the HTML of the index page (``lang``: ``en``, or ``fr`` for ``index.fr.html``)."""
    words = WORDS[lang]
    data_dirs = [Path(sc.manifest["data_dir"]) for sc in scenarios
                 if sc.manifest.get("data_dir")]
    result = _tree(scenarios, data_dirs[0]) if data_dirs else None
    page = _environment().get_template("index.html.j2").render(
        lang=lang, title=title or words["title"], words=words, w2=SECTION_WORDS[lang],
        other={"href": words["other_href"], "lang": words["other_lang"],
               "text": words["other"]},
        csp=Markup(csp_meta()), generator=Markup(GENERATOR_META),
        css=Markup((TEMPLATES / "index.css").read_text(encoding="utf-8")),
        scenarios=[_scenario(sc) for sc in scenarios],
        answers=_answers(scenarios, lang, result) if scenarios else None,
        comparison=_comparison(scenarios, result.weights if result else None)
        if len(scenarios) > 1 else None,
        claims=_claims(scenarios) if lang == "en" else [],
        watch=_watch(scenarios) if lang == "en" else [])
    return page.rstrip("\n") + "\n"


def _ours_or_absent(path: Path) -> bool:
    """True when nothing is at ``path`` or it is a page valse wrote (its generator tag)."""
    if not os.path.lexists(path):
        return True
    if path.is_symlink() or not path.is_file():
        return False
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return GENERATOR_META in fh.read(4096)
    except OSError:
        return False


def write_index(out: Path) -> Path:
    """Write ``out/index.html`` and ``out/index.fr.html`` for what is published (atomically)."""
    out.mkdir(parents=True, exist_ok=True)
    results = collect(out)
    for lang, name in (("fr", "index.fr.html"), ("en", "index.html")):
        if name != "index.html" and not _ours_or_absent(out / name):
            continue  # a file valse did not write: left alone (the English page is checked
            # by the runner, outfolder.index_obstacle, before anything runs)
        tmp = out / f"{TMP_PREFIX}{name}-{os.getpid()}.tmp"
        tmp.write_text(render_index(results, lang=lang), encoding="utf-8")
        os.replace(tmp, out / name)
    return out / "index.html"
