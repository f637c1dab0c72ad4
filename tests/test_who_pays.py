"""03_labor_costs's who-pays prose, tables and chart, for every scenario (no kernel)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from numpy.testing import assert_allclose

from valse.data.facts import load_facts
from valse.model import amazon_cash, labor
from valse.report import narrative, who_pays

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
    return labor.waves_from_facts(load_facts())


def _context(path: Path, waves, n: int = 300) -> dict:
    p = _params(path)
    figures = amazon_cash.who_pays_figures(p, waves)
    bands = amazon_cash.who_pays_bands(p, waves, who_pays.BANDED, n, p["seed"])
    return who_pays.plain_words_context(p, figures, bands)


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
    figures = amazon_cash.who_pays_figures(p, waves)
    bands = amazon_cash.who_pays_bands(p, waves, who_pays.BANDED, 200, p["seed"])
    table = who_pays.sources_and_uses_table(figures)
    for side in ("uses", "sources"):
        part = table.loc[side]
        assert_allclose(part.drop("total").sum(), part.loc["total"], rtol=1e-12)
    # 200 of capex + 15 + 35 p to OpenAI + 5 to Anthropic
    total = 200 + 15 + 35 * p["contingent_tranche_probability"] + 5
    assert_allclose(table.loc[("uses", "total"), "2026 (central)"], total, rtol=1e-12)
    funding = who_pays.ai_funding_table(figures, bands)
    assert_allclose(funding["2026, operating cash first (%)"].sum(), 100.0, rtol=1e-12)
    assert_allclose(funding["2026, pro rata (%)"].sum(), 100.0, rtol=1e-12)
    sticks = who_pays.yardsticks_table(figures, bands)
    assert (sticks["P10"] <= sticks["value"]).all() and (sticks["value"] <= sticks["P90"]).all()
    fig, ax = who_pays.sources_and_uses_chart(figures, load_facts(), "base")
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
    figures = amazon_cash.who_pays_figures(p, waves)
    bands = amazon_cash.who_pays_bands(p, waves, tuple(who_pays.METRICS), 2000, p["seed"])
    recorded = {name: who_pays.band_kwargs(figures[name], band) for name, band in bands.items()}
    for name, kwargs in recorded.items():
        if kwargs:
            assert kwargs["p10"] <= figures[name] <= kwargs["p90"], f"{path.stem}: {name}"
    # only the bear file, whose tranche probability sits at the low end of its range, loses
    # the band of the figures that depend on it
    dropped = {name for name, kwargs in recorded.items() if not kwargs}
    assert dropped <= {"years_of_cash_savings_to_match_expected_investment"}, dropped
    assert not dropped or path.stem == "bear"
