"""The nine answers to the source article's questions (DESIGN.md, Q1–Q9), in English and French.

One paragraph per question, rendered from a template under
``templates/answers/<lang>/q<N>.md.j2`` through :mod:`valse.report.narrative` (strict undefined,
unit filters), so that the words follow the recorded numbers in every scenario. The French
templates have the same structure and context as the English ones; only the words and the
number formats differ (``12,1 milliards USD``, ``5,9 %``).

:func:`answer_context` builds the one context all nine templates share, from a scenario's
metric records (the best record of each metric: :func:`valse.report.summary.best_records`), its
parameters (for the reading, through :func:`valse.model.deal.reading` and ``case``) and the
collection-wide figures (the decision tree of Q6, the claims' counts, the watch-list).
:data:`LINKS` says, for each answer, the notebook, its section, the chart and the metrics whose
facts stand behind it: the surface (the summary notebook, the index) makes the links.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from valse.model import deal
from valse.report import narrative

QUESTIONS: tuple[str, ...] = tuple(f"q{i}" for i in range(1, 10))
LANGS: tuple[str, ...] = ("en", "fr")


@dataclass(frozen=True)
class Link:
    """Where an answer comes from: the notebook and section, the chart, the metrics shown."""

    notebook: str
    section: str  # the section's heading in that notebook
    metrics: tuple[str, ...]  # the chart's figures, whose records name the facts


#: Each answer's notebook, section and chart figures (the chart is drawn from these records).
LINKS: dict[str, Link] = {
    "q1": Link("02_cloud_economics", "8. The deal's NPV to Amazon",
               ("amazon_investment_pv_usd_bn", "amazon_stake_value_pv_usd_bn",
                "aws_contract_npv_usd_bn", "amazon_net_cost_pv_usd_bn")),
    "q2": Link("01_valuation", "2. The round: price, stakes and who is diluted",
               ("amazon_stake_pct", "amazon_stake_if_milestones_missed_pct",
                "microsoft_stake_after_round_pct")),
    "q3": Link("02_cloud_economics", "4. The AWS contract in cash",
               ("aws_revenue_share_pct_peak_year", "aws_growth_share_pct_first_year")),
    "q4": Link("04_cross_investments", "5. How much goes round",
               ("circular_share_pct",)),
    "q5": Link("03_labor_costs", "5. Who pays in 2026: Amazon's sources and uses of cash",
               ("amazon_ai_spending_funded_by_borrowing_pct", "payroll_share_of_ai_capex_2026_pct",
                "openai_compute_funded_by_suppliers_pct")),
    "q6": Link("05_summary", "Q6. Which scenarios are plausible",
               ("amazon_deal_npv_weighted_usd_bn",)),
    "q7": Link("04_cross_investments", "8. What regulators are doing",
               ("regulatory_open_matters_count", "cloud_hhi_delta")),
    "q8": Link("05_summary", "4. The claims tracker", ("claims_confirmed", "claims_unverified")),
    "q9": Link("00_overview", "1. The rumour and the deal as reported",
               ("amazon_expected_investment_usd_bn", "amazon_deal_npv_usd_bn")),
}


def _figure(rec: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A record as the templates read it: ``value``, ``p10``, ``p90`` (None without a band)."""
    if rec is None or not math.isfinite(float(rec["value"])):
        return None
    banded = (rec.get("p10") is not None and rec.get("p90") is not None
              and float(rec["p10"]) < float(rec["p90"]))
    return {"value": float(rec["value"]), "p10": float(rec["p10"]) if banded else None,
            "p90": float(rec["p90"]) if banded else None}


def answer_context(
    best: Mapping[str, Mapping[str, Any]],
    params: Mapping[str, Any],
    *,
    scenario: str,
    tree: Mapping[str, Any] | None = None,
    claims: Mapping[str, int] | None = None,
    watch: Sequence[Mapping[str, str]] = (),
    readings: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The context of the nine answer templates.

    Parameters
    ----------
    best : mapping name -> record
        One metric record per name for this scenario (with ``p10``/``p90`` where recorded).
    params : mapping
        The scenario's core parameters (the deal's fields).
    scenario : str
        The scenario's name.
    tree : mapping, optional
        Q6 (:func:`valse.report.tree_report.tree_context`): ``value``, ``band`` (P10, P90 over
        the leaves), ``over_probabilities`` (lo, hi), ``spread``, ``best_leaf`` and
        ``worst_leaf``, ``not_paid_better``, ``weights`` (the scenario files the leaves are
        readings of, best NPV first), ``unmapped`` and ``ruled_out``.
    claims : mapping, optional
        Counts by status (``confirmed``, ``reported``, ``denied``, ``unverified``).
    watch : sequence of mapping
        The watch-list's rows (``watch``, ``look_for``, ``expected``).
    readings : mapping, optional
        Q9: ``rumour_npv``, ``reported_npv``, ``rumour_services``, ``reported_services``.
    """
    d = deal.create_deal(params)
    case = deal.case(d)
    m = {name: fig for name, rec in best.items() if (fig := _figure(rec)) is not None}
    dated = sorted((w for w in watch if w.get("expected")), key=lambda w: w["expected"])
    return {
        "scenario": scenario, "reading": deal.reading(d), "case": case,
        "investment": d.amazon_investment_usd_bn, "upfront": d.amazon_upfront_usd_bn,
        "contingent": d.amazon_investment_usd_bn - d.amazon_upfront_usd_bn,
        "services": d.aws_services_usd_bn, "m": m,
        "tree": dict(tree) if tree else None,
        "claims": dict(claims) if claims else None,
        "watch_count": len(watch), "watch_dated": [dict(w) for w in dated[:2]],
        "watch_first": [dict(w) for w in watch[:2]],
        "readings": dict(readings) if readings else None,
    }


# --- French number formats: the same filter names as the English ones ---------------------

NBSP = "\u00a0"
NNBSP = "\u202f"  # the narrow no-break space of French thousands and before %


def _fr_number(number: float, digits: int) -> str:
    text = f"{abs(number):,.{digits}f}".replace(",", NNBSP).replace(".", ",")
    return ("−" if number < 0 and any(c in "123456789" for c in text) else "") + text


def _fr_usd_bn(value: Any, digits: int = 0) -> Markup:
    """``12,1 milliards USD`` (one billion: ``1 milliard USD``)."""
    number = narrative._finite(value, "usd_bn")
    text = _fr_number(number, digits)
    unit = "milliard" if text.lstrip("−") in {"1", "1," + "0" * digits} else "milliards"
    return Markup(f"{text}{NBSP}{unit} USD")


def _fr_pct(value: Any, digits: int = 1) -> Markup:
    return Markup(f"{_fr_number(narrative._finite(value, 'pct'), digits)}{NNBSP}%")


def _fr_share_pct(value: Any, digits: int = 0) -> Markup:
    return _fr_pct(narrative._finite(value, "share_pct") * 100.0, digits)


def _fr_years(value: Any, digits: int = 1) -> Markup:
    text = _fr_number(narrative._finite(value, "years"), digits)
    return Markup(f"{text}{NBSP}{'an' if text in {'1', '1,' + '0' * digits} else 'ans'}")


def _fr_count(value: Any) -> Markup:
    return Markup(_fr_number(round(narrative._finite(value, "count")), 0))


def _fr_num(value: Any, digits: int = 1) -> Markup:
    return Markup(_fr_number(narrative._finite(value, "num"), digits))


FR_FILTERS = {"usd_bn": _fr_usd_bn, "pct": _fr_pct, "share_pct": _fr_share_pct,
              "years": _fr_years, "count": _fr_count, "num": _fr_num}


@lru_cache(maxsize=2)
def _environment(lang: str) -> jinja2.Environment:
    """The narrative environment (strict, escaping); French number filters for ``fr``."""
    env = narrative.environment().overlay()
    if lang == "fr":
        env.filters = {**env.filters, **FR_FILTERS}
    return env


def render(name: str, lang: str = "en", /, **context: Any) -> str:
    """Render ``answers/<lang>/<name>.md.j2`` (``q1`` … ``q9``, ``glossary``) as Markdown.

    Raises
    ------
    valse.report.narrative.NarrativeError
        For an unknown language or template, an undefined name, a bare or non-finite number.
    """
    if lang not in LANGS:
        raise narrative.NarrativeError(f"answers: expected a language in {LANGS}, found {lang!r}")
    path = f"answers/{lang}/{name}{narrative.SUFFIX}"
    try:
        text = _environment(lang).get_template(path).render(**context)
    except jinja2.TemplateNotFound:
        raise narrative.NarrativeError(f"no template {path}") from None
    except jinja2.UndefinedError as error:
        raise narrative.NarrativeError(f"template {path}: {error}") from None
    text = re.sub(r"[ \t]{2,}", " ", text)
    if lang == "en":
        text = re.sub(r" +([,.;:])", r"\1", text)
    else:  # French: no space before , and ., a no-break space before : ; ? !
        text = re.sub(r" +([,.])", r"\1", text)
        text = re.sub(r" +([:;?!])(?=\s|$)", NBSP + r"\1", text)
    return text.strip()


def render_answers(context: Mapping[str, Any], lang: str = "en") -> dict[str, str]:
    """The nine answers (``q1`` … ``q9`` → Markdown) for one context."""
    return {q: render(q, lang, **context) for q in QUESTIONS}


#: The questions as the article raises them (headings of the answers), by language.
QUESTION_TITLES: dict[str, dict[str, str]] = {
    "en": {
        "q1": "Who pays what?", "q2": "What valuation, what stake, who is diluted?",
        "q3": "What does the deal do for AWS and the cloud market?",
        "q4": "How much of the money goes round?", "q5": "Who finances it in the end?",
        "q6": "Which scenarios are plausible?", "q7": "What should observers watch?",
        "q8": "Which claims are confirmed?", "q9": "The rumour against the deal as reported",
    },
    "fr": {
        "q1": "Qui paie quoi\u00a0?",
        "q2": "Quelle valorisation, quelle part, qui est dilué\u00a0?",
        "q3": "Que change l'accord pour AWS et le marché du cloud\u00a0?",
        "q4": "Quelle part de l'argent tourne en rond\u00a0?",
        "q5": "Qui finance, au bout du compte\u00a0?",
        "q6": "Quels scénarios sont plausibles\u00a0?",
        "q7": "Que faut-il surveiller\u00a0?", "q8": "Quelles affirmations sont confirmées\u00a0?",
        "q9": "La rumeur face à l'accord tel que rapporté",
    },
}


def sources(best: Mapping[str, Mapping[str, Any]], question: str) -> list[str]:
    """Fact ids behind an answer: the sources of its chart's records, in order, once each."""
    ids: list[str] = []
    for name in LINKS[question].metrics:
        for fid in (best.get(name) or {}).get("sources") or []:
            if fid not in ids:
                ids.append(fid)
    return ids


def render_list(context: Mapping[str, Any], best: Mapping[str, Mapping[str, Any]],
                lang: str = "en", extra_sources: Mapping[str, Sequence[str]] | None = None) -> str:
    """The nine answers as one Markdown list, each with its notebook section, chart and facts
    (the summary notebook's first section)."""
    texts = {q: Markup(t) for q, t in render_answers(context, lang).items()}
    facts = {q: [*sources(best, q), *((extra_sources or {}).get(q) or [])] for q in QUESTIONS}
    return render("list", lang, answers=texts, titles=QUESTION_TITLES[lang], links=LINKS,
                  facts=facts)
