"""Every template of 00 and 02 renders cleanly for every scenario file (no kernel)."""

from pathlib import Path

import pytest
import yaml

from valse.data.facts import load_facts
from valse.data.nbparams import notebook_parameters
from valse.report import deal_report, deal_report_charts, deal_report_overview, narrative

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))
#: Templates whose context comes from the facts alone, not from a scenario.
FROM_FACTS = {"00_overview/reading_the_chart": deal_report_overview.reading_the_chart_context}
#: One-line status templates (not "In plain words" paragraphs), with their context builders.
STATUS = {"00_overview/status_loaded", "00_overview/status_checks",
          "02_cloud_economics/status_loaded"}
TEMPLATES = [n for n in narrative.template_names()
             if n.startswith(("02_cloud_economics/", "00_overview/"))
             and n not in {*FROM_FACTS, *STATUS}]


def params_for(path: Path) -> dict:
    defaults = {p.name: p.default
                for p in notebook_parameters(ROOT / "notebooks" / "02_cloud_economics.ipynb")}
    data = yaml.safe_load(path.read_text())
    data.pop("description", None)
    p = {**defaults, **data, "scenario_name": path.stem, "draws": 2000}
    return deal_report.with_counterparty(p, load_facts())  # as 02 completes its parameters


@pytest.fixture(scope="module")
def facts():
    return load_facts()


def test_the_templates_exist():
    assert {"02_cloud_economics/npv", "02_cloud_economics/contract", "02_cloud_economics/tranche",
            "02_cloud_economics/counterfactual", "02_cloud_economics/anatomy",
            "00_overview/headline"} <= set(TEMPLATES)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("name", TEMPLATES)
def test_template_renders_for_every_scenario(path, name, facts):
    p = params_for(path)
    figures = deal_report.figures(p, deal_report.run_monte_carlo(p), facts)
    text = narrative.render(name, **figures)
    assert narrative.check_rendered(text) == [], text
    assert text.startswith("**In plain words**")
    assert figures["reading_label"] in text.replace("\\", "")


def test_the_npv_paragraph_leads_with_its_conclusion(facts):
    p = params_for(ROOT / "data" / "scenarios" / "base.yaml")
    figures = deal_report.figures(p, deal_report.run_monte_carlo(p), facts)
    text = narrative.render("02_cloud_economics/npv", **figures)
    first = text.split("\n", 1)[1].strip()
    assert first.startswith("On its cash flows the deal")
    assert "real exposure is the equity" in text
    assert "money returned" not in narrative.render("02_cloud_economics/npv", **figures)


@pytest.mark.parametrize("name", sorted(FROM_FACTS))
def test_templates_from_the_facts_render(name, facts):
    text = narrative.render(name, **FROM_FACTS[name](facts))
    assert narrative.check_rendered(text) == [], text
    assert "money returned" in text or "NPV" in text


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_status_lines_render_for_every_scenario(path, facts):
    from valse.report import deal_report_cloud

    p = params_for(path)
    checks = deal_report_overview.checks_frame(facts)
    texts = [
        narrative.render("00_overview/status_loaded",
                         **deal_report_overview.loaded_context(facts, path.stem)),
        narrative.render("00_overview/status_checks",
                         **deal_report_overview.checks_context(checks)),
        narrative.render("02_cloud_economics/status_loaded",
                         **deal_report_cloud.loaded_context(facts, p)),
    ]
    for text in texts:
        assert narrative.check_rendered(text) == [], text
    assert texts[0].startswith("Scenario **") and f"{len(facts):,d} facts" in texts[0]
    assert f"{len(checks):,d} checks" in texts[1]
    assert f"Scenario **{path.stem}**" in texts[2].replace("\\", "")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("name", ["05_summary/who_pays", "05_summary/aws"])
def test_summary_templates_render_for_every_scenario(path, name, facts):
    from valse.model import deal_npv
    from valse.report import summary_text

    p = params_for(path)
    parts = deal_npv.npv_parts(p)
    _, peak, _ = deal_report_charts.aws_share_table(p, facts)
    values = {**parts, "aws_revenue_share_pct_peak_year": peak}
    if not parts["aws_contract_irr_pct"] == parts["aws_contract_irr_pct"]:
        del values["aws_contract_irr_pct"]  # not recorded when nothing is caused
    text = narrative.render(name, **summary_text.npv_figures(values, p))
    assert narrative.check_rendered(text) == [], text
    assert "money returned" in text or "AWS" in text or p["amazon_investment_usd_bn"] == 0


def test_ranking_and_readings_render_over_the_scenario_files(facts):
    from valse.report import summary_text

    files = {p.stem: yaml.safe_load(p.read_text()) for p in SCENARIOS}
    table = deal_report.scenario_npv_parts(files, facts)
    invested = {n: files[n]["amazon_investment_usd_bn"] for n in files}
    ranking = narrative.render(
        "05_summary/ranking", **summary_text.ranking_figures(table, invested))
    readings = narrative.render(
        "05_summary/readings", **summary_text.readings_figures(table, files))
    for text in (ranking, readings):
        assert narrative.check_rendered(text) == [], text
    assert table.index[0] in ranking.replace("\\", "") and "not money returned" in readings
