"""The summary (valse.report.summary), the claims tracker (valse.data.claims) and notebook
05_summary."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.data.claims import (
    COLUMNS,
    STATUSES,
    ClaimError,
    claims_frame,
    load_claims,
    model_adds,
    status_counts,
)
from valse.model.deal import create_deal, headline_metrics
from valse.report import summary, summary_charts, summary_text
from valse.report.record import make_record

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "data" / "scenarios"
NOTEBOOK = ROOT / "notebooks" / "05_summary.ipynb"

# A deal written out by hand (the base scenario's values) and its figures computed by hand.
HAND = {
    "amazon_investment_usd_bn": 50.0,
    "amazon_upfront_usd_bn": 15.0,
    "contingent_tranche_probability": 0.8,
    "aws_services_usd_bn": 100.0,
    "round_size_usd_bn": 122.0,
    "pre_money_valuation_usd_bn": 730.0,
    "aws_ai_operating_margin": 0.3,
    "contract_years": 8.0,
    "discount_rate": 0.09,
    "roles_cut": 30000,
    "cost_per_role_usd_k": 225.0,
}
STAKE = 100 * 50 / 852  # 5.8685 %
STAKE_MISSED = 100 * 15 / (730 + 122 - 35)  # only the upfront part paid: 1.8360 %
HAND_FIGURES = {
    "post_money_valuation_usd_bn": 852.0,
    "amazon_stake_pct": STAKE,
    "amazon_expected_stake_pct": 0.8 * STAKE + 0.2 * STAKE_MISSED,
    "amazon_stake_if_milestones_missed_pct": STAKE_MISSED,
    "amazon_expected_investment_usd_bn": 15 + 0.8 * 35,
    "circularity_pct": 200.0,
    "layoff_savings_usd_bn_per_year": 30000 * 225 / 1e6,
    "years_of_savings_to_match_investment": 50 / 6.75,
}


def rec(name, value, unit="USD bn", notebook="00_overview", **band):
    return make_record(name, value, unit, f"the {name}", notebook=notebook, **band)


# --- summary: the scenario comparison ------------------------------------------------------


def test_key_figures_of_a_hand_computed_deal():
    figures = summary.scenario_key_figures(HAND)
    assert list(figures) == list(summary.KEY_FIGURES)
    for name, expected in HAND_FIGURES.items():
        assert_allclose(figures[name], expected, rtol=1e-12, err_msg=name)


def test_key_figures_of_the_rumour_all_paid_at_once():
    rumour = {
        **HAND,
        "amazon_upfront_usd_bn": 50.0,
        "contingent_tranche_probability": 1.0,
        "aws_services_usd_bn": 38.0,
        "round_size_usd_bn": 100.0,
    }
    figures = summary.scenario_key_figures(rumour)
    assert_allclose(figures["post_money_valuation_usd_bn"], 830.0, rtol=1e-12)
    # nothing is contingent: the three stakes are the same, 50 / 830
    for name in (
        "amazon_stake_pct",
        "amazon_expected_stake_pct",
        "amazon_stake_if_milestones_missed_pct",
    ):
        assert_allclose(figures[name], 100 * 50 / 830, rtol=1e-12, err_msg=name)
    assert_allclose(figures["circularity_pct"], 76.0, rtol=1e-12)
    # retired as headlines: revenue (or a margin on it) is not money returned
    assert "amazon_net_cash_outlay_usd_bn" not in figures


def test_key_figures_reject_a_bad_scenario_naming_the_parameter():
    with pytest.raises(KeyError, match="round_size_usd_bn"):
        summary.scenario_key_figures({k: v for k, v in HAND.items() if k != "round_size_usd_bn"})
    with pytest.raises(ValueError, match="aws_ai_operating_margin"):
        summary.scenario_key_figures({**HAND, "aws_ai_operating_margin": 1.5})


def test_scenario_comparison_has_one_row_per_scenario_in_order():
    frame = summary.scenario_comparison({"b": HAND, "a": {**HAND, "aws_services_usd_bn": 0.0}})
    assert list(frame.index) == ["b", "a"]
    assert list(frame.columns) == list(summary.KEY_FIGURES)
    assert_allclose(frame.loc["a", "circularity_pct"], 0.0, atol=1e-12)
    assert_allclose(frame.loc["b", "circularity_pct"], 200.0, rtol=1e-12)


def test_every_scenario_file_loads_and_base_matches_the_hand_computation():
    files = summary.load_scenario_files(sorted(SCENARIOS.glob("*.yaml")))
    assert {"base", "rumour"} <= set(files)
    assert all(isinstance(v["description"], str) and v["description"] for v in files.values())
    frame = summary.scenario_comparison(files)
    for name, expected in HAND_FIGURES.items():
        assert_allclose(frame.loc["base", name], expected, rtol=1e-12, err_msg=name)
    assert summary.scenario_order(files)[:2] == ["base", "rumour"]


def test_scenario_order():
    assert summary.scenario_order(["z", "rumour", "a", "base", "a"]) == ["base", "rumour", "a", "z"]
    assert summary.scenario_order(["b", "a"]) == ["a", "b"]


# --- summary: the cross-check --------------------------------------------------------------


def _records_of(frame, scenario, notebook="00_overview"):
    return [rec(n, frame.loc[scenario, n], summary.KEY_FIGURES[n], notebook) for n in frame.columns]


def test_cross_check_detects_a_planted_disagreement_and_only_it():
    frame = summary.scenario_comparison(
        {"base": HAND, "rumour": {**HAND, "aws_services_usd_bn": 38.0}}
    )
    base = _records_of(frame, "base")
    rumour = _records_of(frame, "rumour", "01_valuation")
    planted = [dict(r) for r in rumour]
    planted[2]["value"] = planted[2]["value"] * (1 + 1e-6)  # well beyond rtol 1e-9
    extra = [rec("not_a_key_figure", 1.0), *base]
    checks = summary.cross_check(frame, {"base": extra, "rumour": planted, "other": base})
    # every key figure of both scenarios compared once; the unknown name and scenario skipped
    assert len(checks) == 2 * len(summary.KEY_FIGURES)
    bad = summary.disagreements(checks)
    assert len(bad) == 1
    row = bad.iloc[0]
    assert (row["scenario"], row["metric"], row["notebook"]) == (
        "rumour",
        rumour[2]["name"],
        "01_valuation",
    )
    assert_allclose(row["gap"], planted[2]["value"] - rumour[2]["value"], rtol=1e-9)
    assert_allclose(row["rel_gap"], 1e-6 / (1 + 1e-6), rtol=1e-6)
    # a looser tolerance accepts it
    loose = summary.cross_check(frame, {"rumour": planted}, rtol=1e-5)
    assert loose["agree"].all()


def test_cross_check_zero_against_zero_agrees_and_zero_against_tiny_does_not():
    frame = summary.scenario_comparison({"x": {**HAND, "aws_services_usd_bn": 0.0}})
    zero = [rec("circularity_pct", 0.0, "%")]
    tiny = [rec("circularity_pct", 1e-6, "%")]
    assert summary.cross_check(frame, {"x": zero})["agree"].all()
    checks = summary.cross_check(frame, {"x": tiny})
    assert not checks["agree"].any()
    assert checks["rel_gap"].iloc[0] == 1.0


def test_cross_check_rejects_a_negative_tolerance():
    frame = summary.scenario_comparison({"x": HAND})
    with pytest.raises(ValueError, match="rtol"):
        summary.cross_check(frame, {}, rtol=-1)


@settings(max_examples=60, deadline=None)
@given(
    value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda v: abs(v) > 1e-3),
    rel=st.floats(min_value=1e-7, max_value=0.5),
)
def test_cross_check_flags_exactly_the_gaps_beyond_the_tolerance(value, rel):
    frame = summary.scenario_comparison({"x": HAND})
    frame.loc["x", "post_money_valuation_usd_bn"] = value
    same = [rec("post_money_valuation_usd_bn", value)]
    moved = [rec("post_money_valuation_usd_bn", value * (1 + rel))]
    assert summary.cross_check(frame, {"x": same}, rtol=1e-9)["agree"].all()
    assert not summary.cross_check(frame, {"x": moved}, rtol=rel / 4)["agree"].any()
    assert summary.cross_check(frame, {"x": moved}, rtol=rel * 2)["agree"].all()


# --- summary: picking headline figures -----------------------------------------------------


def test_best_records_prefer_the_one_with_a_range():
    plain = rec("aws_contract_npv_usd_bn", 20.0)
    banded = rec(
        "aws_contract_npv_usd_bn",
        20.0,
        notebook="02_cloud_economics",
        p10=15.0,
        p50=20.0,
        p90=28.0,
    )
    best = summary.best_records([plain, banded, rec("aws_contract_npv_usd_bn", 99.0)])
    assert best["aws_contract_npv_usd_bn"]["notebook"] == "02_cloud_economics"
    assert (
        summary.best_records([plain, rec("aws_contract_npv_usd_bn", 99.0)])[
            "aws_contract_npv_usd_bn"
        ]["value"]
        == 20.0
    )


def test_headline_table_order_ranges_and_missing_names():
    records = [
        rec("b_usd_bn", 2.0),
        rec("a_pct", 5.0, "%", p10=4.0, p50=5.0, p90=7.0),
    ]
    table = summary.headline_table(records, ["a_pct", "missing", "b_usd_bn"])
    assert list(table.index) == ["a_pct", "b_usd_bn"]
    assert (table.loc["a_pct", "p10"], table.loc["a_pct", "p90"]) == (4.0, 7.0)
    assert math.isnan(table.loc["b_usd_bn", "p10"])
    assert summary.headline_table([], ["a_pct"]).empty


def test_headline_sentence_and_formats():
    row = {
        "label": "Amazon's economic cost.",
        "value": 20.0,
        "unit": "USD bn",
        "p10": 15.06,
        "p90": 28.83,
    }
    assert summary_text.headline_sentence(row) == (
        "Amazon's economic cost: **USD 20.0 billion** (P10–P90 over the assumptions "
        "USD 15.1 billion to USD 28.8 billion)."
    )
    flat = {**row, "p10": 20.0, "p90": 20.0}
    assert "no spread" in summary_text.headline_sentence(flat)
    none = {**row, "p10": math.nan, "p90": math.nan}
    assert summary_text.headline_sentence(none) == "Amazon's economic cost: **USD 20.0 billion**."
    assert summary_text.headline_sentence(row, "amazon_deal_npv_usd_bn") == (
        "On its cash flows, the deal's expected net present value to Amazon is "
        "**USD 20.0 billion** (P10–P90 over the assumptions USD 15.1 billion to "
        "USD 28.8 billion)."
    )
    assert set(summary_text.HEADLINE_METRICS) <= set(summary_text.PLAIN_SENTENCES)
    assert summary_text.format_value(-50, "USD bn") == "−USD 50.0 billion"
    assert summary_text.format_value(6.75, "USD bn per year") == "USD 6.8 billion a year"
    assert summary_text.format_value(121.98, "% per year") == "122.0% per year"
    assert summary_text.format_value(1421.0, "HHI points") == "1,421 HHI points"
    assert summary_text.format_value(7.407, "years") == "7.41 years"
    assert "$" not in summary_text.format_value(50, "USD bn")


def test_dollars_as_usd_and_bar_label():
    assert summary_text.dollars_as_usd("up to $50B ($15B now), $ 3 and $x") == (
        "up to USD 50B (USD 15B now), USD 3 and &#36;x"  # escaped (valse.report.sanitize.md_escape)
    )
    assert summary_charts.bar_label(1369.75) == "1,370"
    assert summary_charts.bar_label(5.8685) == "5.87"


def test_records_with_computed_fill_only_what_is_missing():
    records = [rec("amazon_stake_pct", 5.0, "%")]
    out = summary.records_with_computed(records, {"amazon_stake_pct": 9.0, "circularity_pct": 76.0})
    by_name = {r["name"]: r for r in out}
    assert by_name["amazon_stake_pct"]["value"] == 5.0
    assert by_name["circularity_pct"]["value"] == 76.0
    assert by_name["circularity_pct"]["unit"] == "%"
    assert by_name["circularity_pct"]["notebook"] == "05_summary (library)"


def test_read_and_published_records(tmp_path):
    good = [rec("amazon_stake_pct", 5.0, "%")]
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "metrics.json").write_text(json.dumps(good))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "metrics.json").write_text(json.dumps({"name": "x"}))
    with pytest.raises(ValueError, match="expected a JSON list of metric records"):
        summary.read_records(tmp_path / "bad" / "metrics.json")
    found = summary.published_records(tmp_path, ["base", "bad", "absent"])
    assert list(found) == ["base"]
    assert found["base"][0]["value"] == 5.0


def test_outputs_root_of_the_pipeline_layouts():
    assert summary.outputs_root("/o/.build-x/.work/metrics_so_far.json") == Path("/o")
    assert summary.outputs_root("/o/.runs/base--2026/.work/metrics_so_far.json") == Path("/o")
    assert summary.outputs_root("/a/.cache/o/.runs/base/.work/m.json") == Path("/a/.cache/o")
    assert summary.outputs_root("/o/metrics.json") == Path("/o")


def test_sources_of_keeps_known_fact_ids_only():
    table = summary.headline_table(
        [
            make_record("a_pct", 1.0, "%", "a", sources=["f1", "gone"]),
            make_record("b_pct", 1.0, "%", "b", sources=["f2", "f1"]),
        ],
        ["a_pct", "b_pct"],
    )
    assert summary.sources_of(table, ["f1", "f2", "f3"]) == ["f1", "f2"]


# --- claims ---------------------------------------------------------------------------------


def _raw_claims():
    with (ROOT / "data" / "claims.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_claims_file_loads_and_counts_match_an_independent_count():
    claims = load_claims()
    raw = _raw_claims()
    assert [c.id for c in claims] == [r["id"] for r in raw]
    counts = status_counts(claims)
    assert list(counts) == list(STATUSES)
    for status in STATUSES:
        assert counts[status] == sum(r["status"] == status for r in raw)
    assert claims[0].line == 2
    # the article's points to watch each have a row
    assert {"watch_real_amounts", "watch_capital_vs_billing", "watch_regulators_concentration"} <= {
        c.id for c in claims
    }


def test_every_bearing_name_is_a_core_parameter_or_a_design_metric():
    from valse.data.scenarios import CORE_BY_NAME
    from valse.model.deal_npv import NPV_METRICS

    known = (set(CORE_BY_NAME) | set(summary.KEY_FIGURES) | {"cloud_hhi"} | set(NPV_METRICS)
             | {"amazon_net_cost_pv_usd_bn"})
    load_claims(known_names=known)  # raises on an unknown name


def _write(tmp_path, rows, header=COLUMNS):
    path = tmp_path / "claims.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


GOOD = [
    "a_claim",
    "A claim.",
    "the article",
    "2026-01-29",
    "confirmed",
    "SEC filing",
    "https://example.org/x",
    "2026-02-27",
    "amazon_stake_pct",
    "A note.",
]


def _row(**changes):
    row = dict(zip(COLUMNS, GOOD, strict=True))
    row.update(changes)
    return [row[c] for c in COLUMNS]


@pytest.mark.parametrize(
    ("changes", "column", "found"),
    [
        ({"status": "rumoured"}, "status", "'rumoured'"),
        ({"status_source": ""}, "status_source", "''"),
        ({"status_url": "www.example.org"}, "status_url", "'www.example.org'"),
        ({"claim_date": "29/01/2026"}, "claim_date", "'29/01/2026'"),
        ({"id": "Bad Id"}, "id", "'Bad Id'"),
        ({"note": ""}, "note", "''"),
        ({"bearing": "amazon_stake_pct Not-a-name"}, "bearing", "'Not-a-name'"),
    ],
)
def test_claim_errors_name_file_line_column_expected_and_found(tmp_path, changes, column, found):
    path = _write(
        tmp_path,
        [
            GOOD,
            _row(id="second", **{k: v for k, v in changes.items() if k != "id"})
            if "id" not in changes
            else _row(**changes),
        ],
    )
    with pytest.raises(ClaimError) as info:
        load_claims(path)
    message = str(info.value)
    assert f"{path}:3: column '{column}': expected" in message
    assert f"found {found}" in message
    assert len(info.value.problems) == 1


def test_unverified_claims_may_have_no_status_source(tmp_path):
    path = _write(
        tmp_path, [_row(status="unverified", status_source="", status_url="", status_date="")]
    )
    (claim,) = load_claims(path)
    assert claim.status == "unverified" and claim.bearing == ("amazon_stake_pct",)


def test_claim_file_level_errors(tmp_path):
    path = _write(tmp_path, [GOOD], header=COLUMNS[:-1])
    with pytest.raises(ClaimError, match=r"claims.csv:1: header: .*missing note"):
        load_claims(path)
    path = _write(tmp_path, [GOOD, GOOD])
    with pytest.raises(
        ClaimError,
        match=r":3: column 'id': expected a unique id, found 'a_claim' "
        r"\(already on line 2\)",
    ):
        load_claims(path)
    path = _write(tmp_path, [GOOD[:-2]])
    with pytest.raises(ClaimError, match=r":2: row: expected 10 cells, found 8"):
        load_claims(path)
    path = _write(tmp_path, [_row(bearing="unknown_metric_pct")])
    with pytest.raises(
        ClaimError,
        match=r"'bearing': expected a known parameter or metric name, "
        r"found 'unknown_metric_pct'",
    ):
        load_claims(path, known_names={"amazon_stake_pct"})


def test_model_adds_renders_the_bearing_values():
    values = {
        "amazon_stake_pct": (5.8685, "%"),
        "aws_services_usd_bn": (100.0, "USD bn"),
        "aws_ai_operating_margin": (0.3, "0-1"),
        "cloud_hhi": (1421.0, "HHI points"),
        "amazon_net_cash_outlay_usd_bn": (-50.0, "USD bn"),
        "roles_cut": (30000, "count"),
    }
    text = model_adds(
        [
            "aws_services_usd_bn",
            "aws_ai_operating_margin",
            "amazon_stake_pct",
            "cloud_hhi",
            "amazon_net_cash_outlay_usd_bn",
            "roles_cut",
        ],
        values,
        {"amazon_stake_pct": "stake"},
    )
    assert text == (
        "aws_services_usd_bn USD 100.0 bn; aws_ai_operating_margin 30.0%; stake 5.9%; "
        "cloud_hhi 1,421 HHI points; amazon_net_cash_outlay_usd_bn −USD 50.0 bn; "
        "roles_cut 30,000"
    )
    assert model_adds([], values) == "—"
    assert model_adds(["x_pct", "amazon_stake_pct"], values) == (
        "amazon_stake_pct 5.9% (no value for: x_pct)"
    )


def test_claims_frame_columns():
    claims = load_claims()
    frame = claims_frame(claims, {claims[0].id: "stake 5.9%"})
    assert list(frame.columns) == [
        "claim",
        "who",
        "when",
        "status",
        "status source",
        "what the model adds",
    ]
    assert frame.loc[claims[0].id, "what the model adds"] == "stake 5.9%"
    assert frame.loc[claims[1].id, "what the model adds"] == "—"
    assert "what the model adds" not in claims_frame(claims).columns


# --- the notebook end to end ---------------------------------------------------------------


def _scenario(name):
    return yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text())


def _core_records(params, notebook="00_overview"):
    """Records of the core figures of a scenario, computed here by the library (the test's
    stand-in for the other notebooks), plus a hand-made NPV record with a range."""
    figures = headline_metrics(create_deal(params))
    out = [make_record("amazon_deal_npv_usd_bn", 20.0, "USD bn", "the NPV",
                       sources=["amazon_openai_commitment_usd_bn"], notebook="02_cloud_economics",
                       p10=15.0, p50=20.0, p90=28.0),
           make_record("amazon_investment_pv_usd_bn", 31.0, "USD bn", "what Amazon pays",
                       sources=["amazon_openai_commitment_usd_bn"], notebook="02_cloud_economics")]
    for name, value in figures.items():
        band = {}
        out.append(
            make_record(
                name,
                value,
                summary.KEY_FIGURES[name],
                f"the {name}",
                sources=["amazon_openai_commitment_usd_bn"],
                notebook=notebook,
                **band,
            )
        )
    return out


def _text(nb):
    parts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts.append("".join(data.get("text/markdown", "")))
            parts.append("".join(output.get("text", "")))
    return "\n".join(parts)


@pytest.mark.notebook
def test_notebook_reads_the_metrics_and_cross_checks_the_published_scenarios(
    tmp_path, run_notebook
):
    base, rumour = _scenario("base"), _scenario("rumour")
    out = tmp_path / "site"
    work = out / ".runs" / "base--test" / ".work"  # the pipeline's layout
    work.mkdir(parents=True)
    (work / "metrics_so_far.json").write_text(json.dumps(_core_records(base)))
    # the rumour was published earlier, with one figure that no longer agrees
    published = _core_records(rumour)
    planted = next(r for r in published if r["name"] == "amazon_stake_pct")
    planted["value"] += 0.5
    (out / "rumour").mkdir()
    (out / "rumour" / "metrics.json").write_text(json.dumps(published))
    params = {
        k: v for k, v in base.items() if k != "description" and "_low" not in k and "_high" not in k
    }
    run = run_notebook(
        NOTEBOOK,
        {
            **params,
            "metrics_path": str(work / "metrics_so_far.json"),
            "scenario_name": "base",
            "artifacts_dir": str(tmp_path / "art"),
            "run_date": "2026-11-27",
        },
        cwd=ROOT,
    )
    nb, got = run.nb, run.records
    n_files = len(list(SCENARIOS.glob("*.yaml")))
    assert got["scenarios_compared"]["value"] == n_files
    assert "scenarios_cross_checked" not in got and "cross_check_disagreements" not in got
    assert f"2 of {n_files} scenarios have recorded metrics (base, rumour)" in _text(nb)
    assert "**1 disagree**" in _text(nb)
    raw = _raw_claims()
    assert got["claims_unverified"]["value"] == sum(r["status"] == "unverified" for r in raw)
    assert got["claims_confirmed"]["value"] == sum(r["status"] == "confirmed" for r in raw)
    # the planted disagreement is shown, with its scenario and metric
    checks = (tmp_path / "art" / "cross_check.csv").read_text()
    bad = [line for line in checks.splitlines() if line.endswith(",False")]
    assert len(bad) == 1 and ",rumour,amazon_stake_pct,00_overview," in bad[0]
    # the comparison is the library's, and base's row is the hand-computed deal
    import pandas as pd

    table = pd.read_csv(tmp_path / "art" / "scenario_comparison.csv", index_col="scenario")
    for name, expected in HAND_FIGURES.items():
        assert_allclose(table.loc["base", name], expected, rtol=1e-9, err_msg=name)
    # the executive summary shows the recorded NPV with its range over the assumptions
    text = _text(nb)
    assert ("Amazon is **USD 20.0 billion** (P10–P90 over the assumptions USD 15.0 billion to "
            "USD 28.0 billion).") in text
    assert "have not been run" not in text
    # one chart per question (Q1-Q9), each saved with the numbers behind it
    assert {p.stem for p in (tmp_path / "art").glob("q*.csv")} >= {
        "q1_who_pays",
        "q2_stakes",
        "q6_scenarios_by_npv",
        "q8_claims_by_status",
        "q9_rumour_vs_reported",
    }


@pytest.mark.notebook
def test_notebook_opened_by_hand_without_metrics_shows_what_the_library_computes(
    tmp_path, run_notebook
):
    rumour = _scenario("rumour")
    params = {
        k: v
        for k, v in rumour.items()
        if k != "description" and "_low" not in k and "_high" not in k
    }
    # a scenario name with no published run: the notebook says so and still computes
    params["aws_services_usd_bn"] = 40.0  # a value of its own, to see that it is used
    run = run_notebook(
        NOTEBOOK,
        {
            **params,
            "metrics_path": "",
            "scenario_name": "rumour_by_hand",
            "artifacts_dir": str(tmp_path / "art"),
        },
        cwd=ROOT,
    )
    nb, got = run.nb, run.records
    text = _text(nb)
    assert "the other notebooks have not been run" in text
    n_files = len(list(SCENARIOS.glob("*.yaml")))
    assert got["scenarios_compared"]["value"] == n_files + 1
    import pandas as pd
    # the scenarios are ranked by the NPV the library computes, this run's included
    ranked = pd.read_csv(tmp_path / "art" / "q6_scenarios_by_npv.csv", index_col=0)
    assert "rumour_by_hand" in ranked.index
    npv = list(ranked["amazon_deal_npv_usd_bn"])
    assert npv == sorted(npv, reverse=True)
    assert "Ranked by the deal's expected NPV to Amazon" in text

    table = pd.read_csv(tmp_path / "art" / "scenario_comparison.csv", index_col="scenario")
    assert_allclose(table.loc["rumour_by_hand", "amazon_stake_pct"], 100 * 50 / 830, rtol=1e-9)
    assert_allclose(table.loc["rumour_by_hand", "circularity_pct"], 80.0, rtol=1e-9)


def test_q7_sentence_names_the_milestone_part_or_the_reported_one():
    from valse.report import narrative

    said = {"cloud_hhi": "1,421 HHI points", "cloud_hhi_delta": "9.02 HHI points"}
    common = {"said": said, "reported_contingent": "USD 35.0 billion", "circularity": "200%"}
    paid = narrative.render("05_summary/q7_watch", milestone="USD 35.0 billion", **common)
    assert "the milestone part of this scenario (USD 35.0 billion) has no reported" in paid
    none = narrative.render("05_summary/q7_watch", milestone=None, **common)
    assert "nothing depends on milestones in this scenario" in none
    assert "USD 35.0 billion does, and it has no reported payment yet" in none
    for text in (paid, none):
        assert narrative.check_rendered(text) == [], text


def test_cross_check_sentence_points_to_the_table_only_when_figures_disagree():
    from valse.report import narrative

    context = {"recorded": 2, "scenarios": 7, "recorded_names": "base, rumour",
               "compared": 16, "rtol": "1e-09"}
    ok = narrative.render("05_summary/cross_check", agree=16, disagree=0, **context)
    assert ok.endswith("**0 disagree**.")
    bad = narrative.render("05_summary/cross_check", agree=15, disagree=1, **context)
    assert "**1 disagree**: see the table below" in bad


def test_page_tables_show_dashes_and_escape_the_stale_facts():
    import pandas as pd

    from valse.report import summary_page

    head = pd.DataFrame({"value": [1.234], "p10": [float("nan")], "p90": [2.0], "unit": ["%"],
                         "notebook": ["01"], "sources": [[]]},
                        index=pd.Index(["amazon_stake_pct"], name="metric"))
    shown = summary_page.headline_view(head)
    assert shown.loc["Amazon's stake", "value"] == "1.23"
    assert shown.loc["Amazon's stake", "p10"] == "—"
    stale = pd.DataFrame({"source": ["<script>x</script>"]}, index=["f1"])
    html = summary_page.stale_details(stale)
    assert html.startswith("<details><summary>All 1 stale facts</summary>")
    assert "<script>" not in html
    checks = pd.DataFrame({"scenario": ["a", "a", "b"], "agree": [True, False, True]})
    per = summary_page.per_scenario_checks(checks)
    assert per.loc["a"].tolist() == [2, 1] and per.loc["b"].tolist() == [1, 1]
    assert summary_page.per_scenario_checks(checks.iloc[:0]).empty


def test_scenario_charts_titles_follow_the_numbers():
    import pandas as pd

    from valse.report import summary_page

    ranking = {"invested_count": 6, "negative_count": 5}
    assert summary_page.npv_chart_title(ranking) == (
        "Q6 · The deal's NPV to Amazon is negative in 5 of the 6 scenarios where it invests")
    assert "best scenario first" in summary_page.npv_chart_title(
        {"invested_count": 0, "negative_count": 0})
    assert summary_page.stake_chart_title(pd.Series([0.0, 6.42])) == (
        "Amazon's stake runs from 0.0% to 6.4% of OpenAI across the scenarios")
