"""The tables, records and status contexts of 00 and 02 built in the library (no kernel):
hand-computed cases, and the undefined figures said as such."""

import math

import pandas as pd
import pytest

from valse.data.facts import load_facts
from valse.report import deal_report_charts, deal_report_cloud, deal_report_overview


@pytest.fixture(scope="module")
def facts():
    return load_facts()


def test_core_table_leaves_circularity_undefined_without_investment():
    core = {"post_money_valuation_usd_bn": 852.0, "amazon_stake_pct": 5.0,
            "amazon_expected_investment_usd_bn": 43.0, "circularity_pct": 200.0}
    table = deal_report_overview.core_table(core, 50.0)
    assert table.iloc[3] == 200.0 and table.iloc[0] == 852.0
    empty = deal_report_overview.core_table(core, 0.0)
    assert math.isnan(empty.iloc[3])
    shown = deal_report_overview.core_display(empty)
    assert shown["value"].iloc[3] == "not defined (no investment)"


def test_readings_frame_has_one_row_per_reading_row(facts):
    readings = deal_report_overview.readings_frame(facts)
    assert list(readings.index) == [r[0] for r in deal_report_overview.READING_ROWS]
    table = deal_report_overview.readings_table(readings)
    assert table.loc["… paid at signing", "rumour value"] == "—"  # the rumour said nothing
    assert table.loc["Amazon's commitment", "reported value"] == facts.value(
        "amazon_openai_commitment_usd_bn")


def test_checks_context_counts_the_disagreements():
    checks = pd.DataFrame({"agree": [True, False, True, False, False]})
    assert deal_report_overview.checks_context(checks) == {"n_checks": 5, "n_disagreements": 3}


def test_used_facts_keeps_the_order_and_appends_the_npv_facts():
    used = deal_report_overview.used_facts(["x", "y"])
    assert used[: len(deal_report_overview.READING_FACTS)] == deal_report_overview.READING_FACTS
    assert used[-2:] == ["x", "y"]


@pytest.mark.parametrize(("case", "equity", "inside", "separate"),
                         [("inside", 12.0, 38.0, 0.0), ("separate", 50.0, 0.0, 38.0)])
def test_anatomy_table_by_reading(case, equity, inside, separate):
    p = {"amazon_investment_usd_bn": 50.0, "amazon_upfront_usd_bn": 15.0,
         "aws_services_usd_bn": 38.0}
    col = deal_report_cloud.anatomy_table(p, case)["USD bn"]
    assert col.tolist() == pytest.approx([50.0, 15.0, 35.0, equity, inside, separate], abs=1e-12)


def test_commitments_keep_each_unit_apart(facts):
    usd, gw = deal_report_cloud.commitments(facts, 100.0, 1.25)
    assert usd.iloc[-1] == 100.0 and gw.iloc[-1] == 1.25
    frame = deal_report_cloud.commitments_frame(usd, gw)
    assert len(frame) == len(usd) + len(gw)
    assert frame.loc["GW"]["commitment"].iloc[-1] == 1.25


def test_tornado_and_draws_frames():
    rows = [("price", -3.0, 4.0, 7.0), ("share", 1.0, 2.0, 1.0)]
    frame = deal_report_charts.tornado_frame(rows)
    assert frame.loc["price", "swing"] == 7.0 and list(frame.columns) == [
        "at low", "at high", "swing"]
    draws = deal_report_charts.draws_frame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    assert draws["b"].sum() == 7.0
