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

This module reads what is published and writes the pages; the rows and cells they show are
built by :mod:`valse.run.site_rows` (scenarios, comparison, claims, watch-list), the answers
and their small charts by :mod:`valse.run.site_answers`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from valse.report.sanitize import csp_meta
from valse.run import site_answers, site_rows
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


def weigh(scenarios: list[ScenarioResults]) -> Any:
    """The decision tree of :func:`valse.run.site_answers.weigh_tree` on the data folder the
    published scenarios were run on (None when none records one)."""
    data_dirs = [Path(sc.manifest["data_dir"]) for sc in scenarios
                 if sc.manifest.get("data_dir")]
    return site_answers.weigh_tree(scenarios, data_dirs[0]) if data_dirs else None


_UNWEIGHED = object()


def warm() -> None:
    """Import what :func:`write_index` uses and compile its template (about 0.5 s), so that a
    run can do it while a core is idle (its summary running alone) rather than at its end."""
    import mistune  # noqa: F401

    from valse.data import claims, facts, regulators  # noqa: F401
    from valse.model import deal  # noqa: F401
    from valse.report import answers, summary, summary_text, tree_report  # noqa: F401

    _environment().get_template("index.html.j2")


def render_index(scenarios: list[ScenarioResults], title: str | None = None,
                 lang: str = "en", result: Any = _UNWEIGHED) -> str:
    """Return the HTML of the index page (``lang``: ``en``, or ``fr`` for ``index.fr.html``).

    ``result``: the tree weighed by :func:`weigh`, when the caller has it (both languages
    share it); weighed here otherwise.
    """
    words = WORDS[lang]
    if result is _UNWEIGHED:
        result = weigh(scenarios)
    page = _environment().get_template("index.html.j2").render(
        lang=lang, title=title or words["title"], words=words, w2=SECTION_WORDS[lang],
        other={"href": words["other_href"], "lang": words["other_lang"],
               "text": words["other"]},
        csp=Markup(csp_meta()), generator=Markup(GENERATOR_META),
        css=Markup((TEMPLATES / "index.css").read_text(encoding="utf-8")),
        scenarios=[site_rows.scenario_section(sc) for sc in scenarios],
        answers=site_answers.answers_section(scenarios, lang, result) if scenarios else None,
        comparison=site_rows.comparison(scenarios, result.weights if result else None)
        if len(scenarios) > 1 else None,
        claims=site_rows.claims_rows(scenarios) if lang == "en" else [],
        watch=site_rows.watch_rows(scenarios) if lang == "en" else [])
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
    tree = weigh(results)  # 0.3 s: once for both pages
    for lang, name in (("fr", "index.fr.html"), ("en", "index.html")):
        if name != "index.html" and not _ours_or_absent(out / name):
            continue  # a file valse did not write: left alone (the English page is checked
            # by the runner, outfolder.index_obstacle, before anything runs)
        tmp = out / f"{TMP_PREFIX}{name}-{os.getpid()}.tmp"
        tmp.write_text(render_index(results, lang=lang, result=tree), encoding="utf-8")
        os.replace(tmp, out / name)
    return out / "index.html"
