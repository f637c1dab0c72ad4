"""The index's nine answers: their texts, the facts behind them, and one small chart each.

The answers are those of :mod:`valse.report.answers` for the deal as reported (``base``); each
small chart (:func:`spark_chart`) is drawn in HTML and CSS from the recorded figures.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from valse.run.site import ScenarioResults

from valse.run.site_rows import format_number, load_facts, pick


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


def weigh_tree(scenarios: list[ScenarioResults], data_dir: Path) -> Any:
    """The decision tree weighed on the deal as reported (its leaves valued with their outcomes
    fixed), the published scenarios' NPVs ranked beside it (None without the data)."""
    from valse.data.facts import load_facts as load_fact_base
    from valse.report import summary, tree_report

    npv = {}
    for sc in scenarios:
        rec = pick(sc.metrics, "amazon_deal_npv_usd_bn")
        if rec is not None:
            npv[sc.name] = float(rec["value"])
    try:
        facts = load_fact_base(data_dir / "facts.csv")
        files = summary.load_scenario_files(sorted((data_dir / "scenarios").glob("*.yaml")))
        _, result = tree_report.load_and_weigh(files, facts, npv, data_dir / "scenario_tree.csv")
    except (OSError, ValueError, KeyError):
        return None
    return result


def answers_section(scenarios: list[ScenarioResults], lang: str, result: Any
                    ) -> dict[str, Any] | None:
    """The nine answers for the deal as reported (``base``), or None when it is not published."""
    from valse.data.claims import load_claims, status_counts
    from valse.data.regulators import load_watchlist
    from valse.model.deal import DEAL_FIELDS
    from valse.report import answers, summary, summary_text, tree_report

    by_name = {sc.name: sc for sc in scenarios}
    sc = by_name.get("base")
    params = (sc.manifest.get("parameters") or {}) if sc else {}
    if sc is None or not sc.metrics or not all(f in params for f in DEAL_FIELDS):
        return None
    data_dir = Path(sc.manifest.get("data_dir") or "")
    facts = load_facts(data_dir)
    best = summary.best_records(r for r in sc.metrics)
    try:
        counts = summary_text.claims_counts(status_counts(load_claims(data_dir / "claims.csv")))
        watch = load_watchlist(data_dir / "watchlist.csv").to_dict("records")
    except (OSError, ValueError):
        counts, watch = None, []
    readings = None
    if "rumour" in by_name:
        rumour = by_name["rumour"].manifest.get("parameters") or {}
        r_npv, b_npv = (pick(by_name[n].metrics, "amazon_deal_npv_usd_bn")
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
    labels = {n: summary_text.SHORT_LABELS.get(n, n) for n in summary_text.SHORT_LABELS}
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
