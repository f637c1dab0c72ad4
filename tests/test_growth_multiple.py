"""The growth-adjusted multiple: the least-squares line of EV / revenue on revenue growth,
the comparables' growth columns, and what notebook 01 reads from them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from valse.data.comparables import COLUMNS, ComparablesError, load_comparables
from valse.data.facts import load_facts
from valse.model import multiples as mx

ROOT = Path(__file__).resolve().parents[1]

# --- the model ------------------------------------------------------------------------------


def test_three_point_fit_by_hand():
    # points (0, 1), (1, 3), (2, 2): mean growth 1, mean multiple 2, Sxx = 2, Sxy = 1
    fit = mx.growth_multiple_fit([0.0, 1.0, 2.0], [1.0, 3.0, 2.0])
    assert_allclose(fit.slope, 0.5, rtol=1e-12)
    assert_allclose(fit.intercept, 1.5, rtol=1e-12)
    # residuals −0.5, 1, −0.5: SSE 1.5 against SST 2
    assert_allclose(fit.r_squared, 0.25, rtol=1e-12)
    assert fit.n == 3
    assert_allclose(fit.residual_sd, math.sqrt(1.5), rtol=1e-12)
    assert_allclose(mx.multiple_at_growth_x(fit, 4.0), 3.5, rtol=1e-12)
    # s · sqrt(1 + 1/3 + (4 − 1)² / 2)
    assert_allclose(mx.prediction_sd_x(fit, 4.0), math.sqrt(1.5) * math.sqrt(1 + 1 / 3 + 4.5),
                    rtol=1e-12)
    assert (fit.growth_min, fit.growth_max) == (0.0, 2.0)


def test_points_on_a_line_fit_exactly():
    fit = mx.growth_multiple_fit([10.0, 20.0, 40.0, 80.0], [3.0, 5.0, 9.0, 17.0])
    assert_allclose((fit.slope, fit.intercept, fit.r_squared), (0.2, 1.0, 1.0), rtol=1e-12)
    assert_allclose(fit.residual_sd, 0.0, atol=1e-12)
    # at the sample's mean growth the prediction error is the residual error times sqrt(1+1/n)
    assert_allclose(mx.prediction_sd_x(fit, fit.growth_mean), 0.0, atol=1e-12)


@pytest.mark.parametrize(
    ("growth", "multiples", "message"),
    [
        ([1.0, 2.0], [1.0, 2.0], "at least 3 companies, found 2"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], "3 growths but 2 multiples"),
        ([5.0, 5.0, 5.0], [1.0, 2.0, 3.0], "all growths are equal"),
        ([1.0, float("nan"), 3.0], [1.0, 2.0, 3.0], "must be finite"),
    ],
)
def test_fit_refuses_what_it_cannot_fit(growth, multiples, message):
    with pytest.raises(ValueError, match=message):
        mx.growth_multiple_fit(growth, multiples)


def test_ev_to_growth_ratio():
    assert_allclose(mx.ev_to_growth_ratio(10.0, 20.0), 0.5, rtol=1e-12)
    with pytest.raises(ValueError, match="growth_pct must be positive, found 0"):
        mx.ev_to_growth_ratio(10.0, 0.0)


# --- the data -------------------------------------------------------------------------------

BASE = ("Acme,ACM,software,110,100,20,LTM,,2025-05-01,reported,Example data,Acme page,,"
        "https://example.org/acme,a note")
GROWTH = ",25,FY,2024,confirmed,Acme,Acme results,2025-02-01,https://example.org/acme-results"


def _write(tmp_path, *rows):
    path = tmp_path / "comparables.csv"
    path.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n", encoding="utf-8")
    return path


def test_growth_columns_load(tmp_path):
    comps = load_comparables(_write(tmp_path, BASE + GROWTH,
                                    BASE.replace("Acme,", "Other,") + ",,,,,,,,"))
    assert_allclose(comps.loc["Acme", "revenue_growth_pct"], 25.0, rtol=1e-12)
    assert math.isnan(comps.loc["Other", "revenue_growth_pct"])


@pytest.mark.parametrize(
    ("growth", "column", "expected", "found"),
    [
        (GROWTH.replace(",25,", ",25%,"), "revenue_growth_pct", "a plain number", "25%"),
        (GROWTH.replace(",25,", ",-100,"), "revenue_growth_pct", "above -100", "-100"),
        (GROWTH.replace(",FY,", ",quarter,"), "growth_basis", "one of FY, LTM", "quarter"),
        (GROWTH.replace(",confirmed,", ",assumption,"), "growth_status", "one of confirmed",
         "assumption"),
        (GROWTH.replace("https://example.org/acme-results", ""), "growth_url",
         "needs its address", ""),
        (GROWTH.replace(",2025-02-01,", ",Feb 2025,"), "growth_date", "a date YYYY",
         "Feb 2025"),
        (",,FY,,,,,,", "growth_basis", "empty cell when revenue_growth_pct is empty", "FY"),
    ],
)
def test_growth_errors_name_file_line_column(tmp_path, growth, column, expected, found):
    path = _write(tmp_path, BASE.replace("Acme,", "Other,") + GROWTH, BASE + growth)
    with pytest.raises(ComparablesError) as info:
        load_comparables(path)
    message = str(info.value)
    assert f"{path}:3: column '{column}'" in message
    assert expected in message
    assert f"found {found!r}" in message


def test_negative_growth_is_allowed(tmp_path):
    comps = load_comparables(_write(tmp_path, BASE + GROWTH.replace(",25,", ",-12.5,")))
    assert_allclose(comps.loc["Acme", "revenue_growth_pct"], -12.5, rtol=1e-12)


def test_the_file_sources_every_growth_it_gives():
    comps = load_comparables()
    given = comps[comps["revenue_growth_pct"].notna()]
    assert len(given) >= 3
    assert given["growth_url"].str.startswith("https://").all()
    assert set(given["growth_status"]) <= {"confirmed", "reported"}
    assert_allclose(comps.loc["NVIDIA", "revenue_growth_pct"], 114.0, rtol=1e-12)


# --- the notebook's reading -----------------------------------------------------------------


def test_openai_reading_on_the_base_scenario():
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from test_valuation_story import scenario_params

    from valse.report import valuation_growth as vg
    from valse.report import valuation_market as market

    p = scenario_params(ROOT / "data" / "scenarios" / "base.yaml")
    facts, comps = load_facts(), load_comparables()
    mult = market.multiples(p, comps)
    gm = vg.growth_multiple(p, comps, facts, mult)
    previous = float(facts["openai_revenue_2024_usd_bn"].value)
    assert_allclose(gm["growth"], (p["current_revenue_usd_bn"] / previous - 1) * 100, rtol=1e-12)
    given = comps[comps["revenue_growth_pct"].notna()]
    fit = mx.growth_multiple_fit(given["revenue_growth_pct"], given["ev_to_revenue_x"])
    assert gm["fit"] == fit
    assert_allclose(gm["implied_ev"],
                    mx.multiple_at_growth_x(fit, gm["growth"])
                    * p["latest_run_rate_revenue_usd_bn"], rtol=1e-12)
    assert gm["implied_ev_p10"] <= gm["implied_ev"] <= gm["implied_ev_p90"]
    assert set(gm["left_out"]) == set(comps.index) - set(given.index)
    assert gm["extrapolation"] == (gm["growth"] > given["revenue_growth_pct"].max())
    record = vg.growth_multiple_metric(gm)
    assert record["name"] == "openai_growth_adjusted_ev_usd_bn"
    assert record["p10"] <= record["value"] <= record["p90"]


def test_growth_sources_lines_cite_each_sourced_growth(tmp_path):
    from valse.data.comparables import growth_sources_lines

    comps = load_comparables(_write(tmp_path, BASE + GROWTH,
                                    BASE.replace("Acme,", "Other,") + ",,,,,,,,"))
    assert growth_sources_lines(comps) == [
        "Acme growth: Acme, “Acme results”, 2025-02-01 [confirmed]"]
