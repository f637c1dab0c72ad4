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
                      "chart_title": spark_title(q, best, lang) or f"{q.upper()}: " + ", ".join(
                          f"{labels.get(r['name'], r['name'])} {format_number(r['value'])}"
                          for r in recs if r)})
    hhi = facts.get("merger_guidelines_2023_hhi_highly_concentrated", {}).get("value")
    glossary = (_markdown(answers.render("glossary", lang, hhi_high=float(hhi)))
                if hhi else Markup(""))
    return {"scenario": "base", "entries": items, "glossary": glossary,
            "facts": [{"id": f, **{k: facts[f].get(k, "") for k in ("source", "as_of", "status")}}
                      for f in cited]}


# --- the small charts' titles: the takeaway, from the numbers (#16 §1) -----------------------


def _fr_number(value: float, digits: int) -> str:
    """A number written the French way: ``1 234,5`` (narrow no-break space, decimal comma)."""
    text = f"{abs(value):,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return ("−" if value < 0 else "") + text


def _amount(value: float, lang: str) -> str:
    """An amount in USD billions for a title, sign dropped (the words carry it)."""
    from valse.report.narrative import usd_bn

    return str(usd_bn(abs(value), 1)) if lang == "en" else f"{_fr_number(abs(value), 1)} Md USD"


def _share(value: float, lang: str) -> str:
    """A value already in percent, for a title."""
    from valse.report.narrative import pct

    return str(pct(value)) if lang == "en" else f"{_fr_number(value, 1)}\u00a0%"


def _whole(value: float, lang: str) -> str:
    """A count for a title."""
    from valse.report.narrative import count

    return str(count(value)) if lang == "en" else _fr_number(round(value), 0)


def spark_title(question: str, best: dict[str, dict[str, Any]], lang: str = "en") -> str | None:
    """The title of an answer's small chart: what its figures say, in words that follow them.

    ``best`` holds the best record of each metric (:func:`valse.report.summary.best_records`);
    None when a figure the title needs was not recorded (the chart then keeps a plain title).
    """
    def v(name: str) -> float | None:
        rec = best.get(name)
        value = float(rec["value"]) if rec is not None else math.nan
        return value if math.isfinite(value) else None

    en = lang == "en"
    if question == "q1":
        paid, stake = v("amazon_investment_pv_usd_bn"), v("amazon_stake_value_pv_usd_bn")
        if paid is None or stake is None:
            return None
        less = stake < paid
        if en:
            return (f"The stake is worth {_amount(stake, lang)}, "
                    f"{'less' if less else 'more'} than the {_amount(paid, lang)} Amazon pays")
        return (f"La participation vaut {_amount(stake, lang)}, "
                f"{'moins' if less else 'plus'} que les {_amount(paid, lang)} payés par Amazon")
    if question == "q2":
        full, missed = v("amazon_stake_pct"), v("amazon_stake_if_milestones_missed_pct")
        if full is None or missed is None:
            return None
        if en:
            return (f"Amazon owns {_share(full, lang)} of OpenAI if all is paid, "
                    f"{_share(missed, lang)} if the milestones are missed")
        return (f"Amazon détient {_share(full, lang)} d'OpenAI si tout est payé, "
                f"{_share(missed, lang)} si les jalons ne sont pas atteints")
    if question == "q3":
        peak = v("aws_revenue_share_pct_peak_year")
        if peak is None:
            return None
        return (f"At its peak the contract is {_share(peak, lang)} of AWS's revenue" if en else
                f"À son pic, le contrat pèse {_share(peak, lang)} du chiffre d'affaires d'AWS")
    if question == "q4":
        share = v("circular_share_pct")
        if share is None:
            return None
        if en:
            return f"{'Only ' if share < 50 else ''}{_share(share, lang)} of the money goes round"
        return (f"{'Seuls ' if share < 50 else ''}{_share(share, lang)} de l'argent "
                "tournent en rond")
    if question == "q5":
        capex = v("savings_share_of_ai_capex_pct")
        if capex is None:
            return None
        return (f"Layoff savings are {_share(capex, lang)} of the AI capex" if en else
                f"Les économies des licenciements font {_share(capex, lang)} des "
                "investissements en IA")
    if question == "q6":
        npv = v("amazon_deal_npv_weighted_usd_bn")
        if npv is None:
            return None
        if en:
            return (f"Weighted over the decision tree, the deal {'loses' if npv < 0 else 'gains'}"
                    f" Amazon {_amount(npv, lang)}")
        return (f"Pondéré sur l'arbre de décision, l'accord "
                f"{'fait perdre' if npv < 0 else 'rapporte'} {_amount(npv, lang)} à Amazon")
    if question == "q7":
        matters, delta = v("regulatory_open_matters_count"), v("cloud_hhi_delta")
        if matters is None or delta is None:
            return None
        if en:
            return (f"{_whole(matters, lang)} regulatory matters open; the deal moves cloud "
                    f"concentration by {_whole(delta, lang)} HHI points")
        return (f"{_whole(matters, lang)} dossiers réglementaires ouverts ; l'accord déplace "
                f"la concentration du cloud de {_whole(delta, lang)} points HHI")
    if question == "q8":
        confirmed, unverified = v("claims_confirmed"), v("claims_unverified")
        if confirmed is None or unverified is None:
            return None
        if en:
            return (f"{_whole(confirmed, lang)} of the article's claims confirmed, "
                    f"{_whole(unverified, lang)} unverified")
        return (f"{_whole(confirmed, lang)} affirmations de l'article confirmées, "
                f"{_whole(unverified, lang)} non vérifiées")
    if question == "q9":
        invested, npv = v("amazon_expected_investment_usd_bn"), v("amazon_deal_npv_usd_bn")
        if invested is None or npv is None:
            return None
        if en:
            return (f"As reported, Amazon is expected to invest {_amount(invested, lang)} and "
                    f"{'loses' if npv < 0 else 'gains'} {_amount(npv, lang)} in present value")
        return (f"Tel que rapporté, Amazon devrait investir {_amount(invested, lang)} et "
                f"{'perd' if npv < 0 else 'gagne'} {_amount(npv, lang)} en valeur actuelle")
    return None
