"""03_labor_costs's who-pays prose, tables and chart, for every scenario (no kernel)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from numpy.testing import assert_allclose

from valse.data.facts import load_facts
from valse.model import labor_ramp, who_pays_cash
from valse.report import narrative, openai_funding, who_pays, who_pays_tables

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_labor_costs.ipynb"
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))


def _defaults() -> dict:
    nb = json.loads(NOTEBOOK.read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    namespace: dict = {}
    exec("".join(cell["source"]), {}, namespace)  # the cell holds literals only
    return namespace


def _params(path: Path) -> dict:
    """The notebook's parameters as the pipeline injects them for one scenario file."""
    defaults = _defaults()
    scenario = yaml.safe_load(path.read_text())
    return {**defaults, **{k: v for k, v in scenario.items() if k in defaults}}


@pytest.fixture(scope="module")
def waves():
    return labor_ramp.waves_from_facts(load_facts())


def _context(path: Path, waves, n: int = 300) -> dict:
    p = {**_params(path), "scenario_name": path.stem}
    figures = who_pays_cash.who_pays_figures(p, waves)
    bands = who_pays_cash.who_pays_bands(p, waves, who_pays.BANDED, n, p["seed"])
    facts = load_facts()
    side = openai_funding.openai_funding_figures(p, facts)
    story = openai_funding.story_context(
        p, side, openai_funding.openai_funding_bands(p, facts, n, p["seed"])
    )
    return who_pays.plain_words_context(p, figures, bands, story)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_plain_words_render_cleanly_for_every_scenario(path, waves):
    text = narrative.render("03_labor_costs/plain_words", **_context(path, waves))
    assert narrative.check_rendered(text) == []
    assert "fungible" in text
    assert "P10–P90" in text


def test_plain_words_say_the_reading_and_the_base_figures(waves):
    text = narrative.render(
        "03_labor_costs/plain_words", **_context(ROOT / "data/scenarios/base.yaml", waves)
    )
    assert "the deal as reported (signed 2026-02-27)" in text
    # by hand, with the base scenario's chance p of the tranche: OpenAI 15 + 35 p; AI spending
    # 160 + OpenAI + 5, of which 17.5 borrowed; the gap 200 + OpenAI + 5 - 148.5 - 17.5 from the
    # reserves; a year of cash savings 4.86 against 160 of AI capex = 3.0%
    prob = _params(ROOT / "data/scenarios/base.yaml")["contingent_tranche_probability"]
    openai = 15 + 35 * prob
    ai = 160 + openai + 5
    assert f"The USD 17.5 billion term loan of June pays {100 * 17.5 / ai:.0f}%" in text
    assert f"USD {200 + openai + 5 - 148.5 - 17.5:.1f} billion, is drawn from cash reserves" in text
    assert "3.0% of 2026 AI capex" in text
    assert (
        f"USD 15 billion at signing and the USD 35 billion tranche at a {100 * prob:.0f}% chance"
        in text
    )
    rumour = narrative.render(
        "03_labor_costs/plain_words", **_context(ROOT / "data/scenarios/rumour.yaml", waves)
    )
    assert "the rumour as written (before signing)" in rumour
    assert "all of it at signing, as the rumour had it" in rumour
    assert "and 6.7 years for the part paid at signing" not in rumour
    no_deal = narrative.render(
        "03_labor_costs/plain_words", **_context(ROOT / "data/scenarios/no_deal.yaml", waves)
    )
    assert "pays OpenAI nothing in this scenario" in no_deal
    assert "no amount to match" in no_deal


def test_tables_add_up_and_the_chart_names_its_sources(waves):
    import matplotlib

    matplotlib.use("Agg")
    p = _params(ROOT / "data/scenarios/base.yaml")
    figures = who_pays_cash.who_pays_figures(p, waves)
    bands = who_pays_cash.who_pays_bands(p, waves, who_pays.BANDED, 200, p["seed"])
    table = who_pays_tables.sources_and_uses_table(figures)
    for side in ("uses", "sources"):
        part = table.loc[side]
        assert_allclose(part.drop("total").sum(), part.loc["total"], rtol=1e-12)
    # 200 of capex + 15 + 35 p to OpenAI + 5 to Anthropic
    total = 200 + 15 + 35 * p["contingent_tranche_probability"] + 5
    assert_allclose(table.loc[("uses", "total"), "2026 (central)"], total, rtol=1e-12)
    funding = who_pays_tables.ai_funding_table(figures, bands)
    assert_allclose(funding["2026, operating cash first (%)"].sum(), 100.0, rtol=1e-12)
    assert_allclose(funding["2026, pro rata (%)"].sum(), 100.0, rtol=1e-12)
    sticks = who_pays_tables.yardsticks_table(figures, bands)
    assert (sticks["P10"] <= sticks["value"]).all() and (sticks["value"] <= sticks["P90"]).all()
    fig, ax = who_pays_tables.sources_and_uses_chart(figures, load_facts(), "base")
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "amazon_term_loan_2026_06_usd_bn" in texts or "SECWatch" in texts or "Sources" in texts
    assert ax.get_ylabel() == "USD bn (calendar year)"
    assert len(ax.patches) >= 10


def test_every_metric_names_sources_that_exist():
    facts = load_facts()
    for name, (unit, label, sources, params) in who_pays.METRICS.items():
        assert sources and params and unit and label, name
        for fid in sources:
            assert fid in facts, f"{name}: unknown fact {fid}"
        assert set(params) <= set(_defaults()), name


def test_the_notebook_declares_every_parameter_the_library_reads():
    assert set(who_pays.PARAMETERS) <= set(_defaults())


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_recorded_band_contains_its_central_value(path, waves):
    p = _params(path)
    figures = who_pays_cash.who_pays_figures(p, waves)
    bands = who_pays_cash.who_pays_bands(p, waves, tuple(who_pays.METRICS), 2000, p["seed"])
    recorded = {name: who_pays.band_kwargs(figures[name], band) for name, band in bands.items()}
    for name, kwargs in recorded.items():
        if kwargs:
            assert kwargs["p10"] <= figures[name] <= kwargs["p90"], f"{path.stem}: {name}"
    # only the bear file, whose tranche probability sits at the low end of its range, loses
    # the band of the figures that depend on it
    dropped = {name for name, kwargs in recorded.items() if not kwargs}
    assert dropped <= {"years_of_cash_savings_to_match_expected_investment"}, dropped
    assert not dropped or path.stem == "bear"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_q5_leads_with_the_cash_basis_and_keeps_the_fully_loaded_view_as_a_sensitivity(lang):
    from valse.report import answers

    def rec(value, p10=None, p90=None):
        return {"value": value, "p10": p10, "p90": p90}

    # by hand: 30,000 roles x 180k of cash x 0.9 kept = 4.86 a year; 43 expected / 4.86
    best = {
        "payroll_cash_savings_usd_bn_per_year": rec(4.86, 4.1, 5.2),
        "payroll_share_of_ai_capex_2026_pct": rec(100 * 4.86 / 160),
        "years_of_cash_savings_to_match_expected_investment": rec(43 / 4.86, 7.9, 10.5),
        "years_of_savings_to_match_investment": rec(50 / 6.75),
        "amazon_ai_spending_funded_by_borrowing_pct": rec(100 * 17.5 / 208),
        "amazon_ai_spending_funded_by_cash_reserves_pct": rec(39.4),
        "payroll_share_of_ai_spending_2026_pct": rec(0.9),
        "openai_compute_funded_by_suppliers_pct": rec(30.6),
    }
    params = {**_defaults(), "scenario_name": "base"}
    text = answers.render("q5", lang, **answers.answer_context(best, params, scenario="base"))
    cash, loaded = ("8.8 years", "7.4 years") if lang == "en" else ("8,8\u00a0ans", "7,4\u00a0ans")
    assert cash in text and loaded in text
    assert text.index(cash) < text.index(loaded)
    assert ("Sensitivity, fully loaded" if lang == "en" else "Variante en coût complet") in text
    assert ("8%" if lang == "en" else "8\u202f%") in text  # 17.5 / 208 borrowed
    missing = answers.render("q5", lang, **answers.answer_context({}, params, scenario="base"))
    assert "03" in missing and cash not in missing


def test_plain_words_lead_with_who_pays_on_both_sides(waves):
    text = narrative.render(
        "03_labor_costs/plain_words", **_context(ROOT / "data/scenarios/base.yaml", waves)
    )
    lead = text.split("\n\n")[0]
    # by hand: 17.5 of the 160 + 15 + 35 p + 5 borrowed; OpenAI's revenue 30 of its 2026 uses
    prob = _params(ROOT / "data/scenarios/base.yaml")["contingent_tranche_probability"]
    assert lead.split("\n")[1].startswith("Mostly Amazon's customers, who pay")
    assert f"borrowed ({100 * 17.5 / (180 + 35 * prob):.0f}%)" in lead
    assert "small slice: 0.9%" in lead and "P10–P90" in lead
    assert "On OpenAI's side, its customers pay 52% of its 2026 spending" in lead
    assert "Amazon among them" in lead


def test_the_draws_figures_are_the_full_figures_without_the_tables(waves):
    p = _params(ROOT / "data" / "scenarios" / "base.yaml")
    full = who_pays_cash.who_pays_figures(p, waves)
    core = who_pays_cash.who_pays_figures(p, waves, full=False)
    assert set(who_pays.BANDED) <= set(core) < set(full)
    assert core == {k: full[k] for k in core}  # the same numbers, to the bit
    assert not any(k.startswith(("su_", "ai_2025_")) or "pro_rata" in k for k in core)
    # a band of a table-only figure is drawn from the full figures
    bands = who_pays_cash.who_pays_bands(p, waves, ("su_2026_cash_reserves_usd_bn",), 200, 7)
    assert bands["su_2026_cash_reserves_usd_bn"][0] <= bands["su_2026_cash_reserves_usd_bn"][2]
