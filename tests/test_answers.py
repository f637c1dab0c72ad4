"""The nine answers, EN and FR, for every scenario file: they render and read right.

Figures from the library where it computes them cheaply (the NPV's parts, the stakes, the tree);
the others (recorded by notebooks 03 and 04) at plausible values with a band, so every branch of
the templates that depends on the scenario (its reading, its case, the sign of the contract's
NPV) is rendered.
"""

import re

import pytest

from valse.data.facts import load_facts
from valse.data.paths import data_dir
from valse.report import answers, deal_report, summary, summary_text, tree_report


@pytest.fixture(scope="module")
def rendered():
    facts = load_facts()
    files = summary.load_scenario_files(sorted((data_dir() / "scenarios").glob("*.yaml")))
    npv = deal_report.scenario_npv_parts(files, facts)
    computed = summary.scenario_comparison(files)
    _, result = tree_report.load_and_weigh(files, facts, npv["amazon_deal_npv_usd_bn"].to_dict())
    tree = tree_report.tree_context(result, files)
    readings = summary_text.readings_context(npv, files)
    out = {}
    for name, params in files.items():
        values = {**npv.loc[name].to_dict(), **computed.loc[name].to_dict(),
                  "aws_revenue_share_pct_peak_year": 5.0, "cloud_hhi_delta": 19.2,
                  "circular_share_pct": 8.7, "total_flows_usd_bn": 1500.0,
                  "savings_share_of_ai_capex_pct": 2.0,
                  "layoff_savings_usd_bn_per_year": 6.75,
                  "years_of_savings_to_match_investment": 7.4,
                  "regulatory_open_matters_count": 3}
        best = {k: {"value": float(v), "unit": "", "p10": float(v) - 1.0,
                    "p90": float(v) + 1.0} for k, v in values.items() if v == v}
        context = answers.answer_context(
            best, params, scenario=name, tree=tree,
            claims={"confirmed": 16, "reported": 4, "denied": 0, "unverified": 4},
            watch=[{"watch": "S-1", "look_for": "a public S-1", "expected": "2027"}],
            readings=readings)
        for lang in answers.LANGS:
            out[(name, lang)] = answers.render_answers(context, lang)
    return out


def test_every_answer_renders_for_every_scenario_in_both_languages(rendered):
    assert len(rendered) == 7 * len(answers.LANGS)
    for (name, lang), texts in rendered.items():
        for q, text in texts.items():
            where = f"{name} {lang} {q}: {text}"
            assert text.strip(), where
            for bad in ("nan", "None", "{{", "{%", "inf"):
                assert not re.search(rf"\b{re.escape(bad)}\b", text), where


def test_a_negative_value_is_never_said_to_be_worth_something(rendered):
    for (name, lang), texts in rendered.items():
        for q, text in texts.items():
            where = f"{name} {lang} {q}: {text}"
            assert not re.search(r"worth (only )?−", text), where
            assert not re.search(r"vaut (que )?−|ne vaut que −", text), where


def test_the_base_q3_says_the_contract_loses_money(rendered):
    assert "loses AWS" in rendered[("base", "en")]["q3"]
    assert "fait perdre" in rendered[("base", "fr")]["q3"]
    assert "No AWS spending is tied" in rendered[("equity_only", "en")]["q3"]


def test_every_answer_names_a_section_its_notebook_has():
    """An answer's "see section …" is the start of a heading of that notebook, as the reader
    finds it there (a renamed heading makes this fail)."""
    import json
    from pathlib import Path

    from valse.report.answers import LINKS

    root = Path(__file__).resolve().parents[1] / "notebooks"
    for q, link in LINKS.items():
        cells = json.loads((root / f"{link.notebook}.ipynb").read_text())["cells"]
        headings = [
            line.lstrip("#").strip()
            for c in cells
            if c["cell_type"] == "markdown"
            for line in "".join(c["source"]).splitlines()
            if line.startswith("#")
        ]
        assert any(h.startswith(link.section) for h in headings), (q, link.section, headings)


def test_q5_shows_the_cash_basis_figures():
    """Q5's chart shows 2026 on a cash basis (#18), not the fully loaded 2025 decomposition."""
    from valse.report.answers import LINKS

    assert "amazon_ai_spending_funded_by_borrowing_pct" in LINKS["q5"].metrics
    assert not any(m.startswith("savings_share") for m in LINKS["q5"].metrics)
