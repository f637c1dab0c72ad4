"""The deal's tables and charts in the notebooks 00 and 02: the value bridge, the tranche's
states, the AWS contract's cash flows, the caused-share sweep, the NPV's histogram and tornado,
and the contract against AWS's revenue.

Each ``*_frame`` / ``*_table`` returns the DataFrame a notebook shows and saves; each ``*_chart``
draws it (matplotlib) and returns ``(fig, ax)``; each ``show_*`` draws a chart with its sources
under it, or says in one line why there is no chart, so that the notebook's cell is a call.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from valse.model import aws_capacity, aws_contract, cloud, deal_npv, tranche
from valse.report import chart_titles, charts
from valse.report.charts import PALETTE
from valse.report.charts_cloud import waterfall_chart
from valse.report.deal_report import TORNADO_LABELS, tornado_ranges


def states_frame(params: Mapping[str, Any]) -> pd.DataFrame:
    """The tranche's states as a table, plus the expectation labelled as one."""
    rows = tranche.states_table(tranche.create_tranche(params))
    frame = pd.DataFrame(rows).set_index("state")
    p = frame["probability"]
    expect = {col: float((frame[col] * p).sum()) for col in frame.columns if col != "probability"}
    frame.loc["expectation (not an outcome)"] = {**expect, "probability": float(p.sum())}
    frame.columns = ["probability", "OpenAI's value (USD bn)", "Amazon pays (USD bn)",
                     "what it pays, PV (USD bn)", "stake value at the state's date (USD bn)",
                     "stake value, PV (USD bn)", "stake PV − investment PV (USD bn)"]
    return frame


def contract_frame(params: Mapping[str, Any]) -> pd.DataFrame:
    """AWS's cash flows from the caused part of the contract, by calendar year after signing."""
    c = aws_contract.create_contract(params)
    f = aws_contract.cash_flows(c)
    k0 = int(c.aws_contract_start_year)
    n = len(f["revenue"])
    years = f["times"].astype(int)
    frame = pd.DataFrame(0.0, index=pd.Index(years, name="years after signing"), columns=[
        "revenue", "expected counterparty loss", "power", "operations", "tax", "IT capex",
        "facility capex", "residual value", "cash flow"])
    at = slice(k0 + 1, k0 + n + 1)
    for col, key in (("revenue", "revenue"), ("expected counterparty loss", "expected_loss"),
                     ("power", "power"), ("operations", "operations"), ("tax", "tax")):
        sign = 1.0 if col == "revenue" else -1.0
        frame.iloc[at, frame.columns.get_loc(col)] = sign * np.asarray(f[key], dtype=float)
    frame.iloc[k0 : k0 + n, frame.columns.get_loc("IT capex")] = -np.asarray(f["it_capex"])
    frame.iloc[k0 : k0 + n, frame.columns.get_loc("facility capex")] = -np.asarray(
        f["facility_capex"])
    frame.iloc[k0 + n, frame.columns.get_loc("residual value")] = float(f["residual"])
    frame["cash flow"] = np.asarray(f["cash_flow"], dtype=float)
    return frame.add_suffix(" (USD bn)")


def contract_chart(frame: pd.DataFrame, title: str):
    """Stacked bars of the contract's cash flows by year, with the net cash flow as a line."""
    fig, ax = plt.subplots(figsize=(9, 4.2))
    parts = [c for c in frame.columns if not c.startswith("cash flow")]
    pos = np.zeros(len(frame))
    neg = np.zeros(len(frame))
    x = frame.index.to_numpy()
    for i, col in enumerate(parts):
        v = frame[col].to_numpy()
        base = np.where(v >= 0, pos, neg)
        colour = "#e7ba52" if col.startswith("residual") else PALETTE[i % len(PALETTE)]
        ax.bar(x, v, bottom=base, color=colour, label=col.replace(" (USD bn)", ""))
        pos, neg = pos + np.clip(v, 0, None), neg + np.clip(v, None, 0)
    ax.plot(x, frame["cash flow (USD bn)"], color="black", marker="o", label="net cash flow")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel("years after signing (cash at the end of the year; capex at its start)")
    ax.set_ylabel("USD bn")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=7, ncol=2)
    return fig, ax


def bridge_frame(parts: Mapping[str, float]) -> pd.DataFrame:
    """The value bridge as waterfall steps (:func:`valse.report.charts_cloud.waterfall_chart`)."""
    steps = deal_npv.bridge_steps(parts)
    level = steps[0][1]
    rows = [(steps[0][0], "level", np.nan, level)]
    for label, amount in steps[1:-1]:
        level += amount
        rows.append((label, "change", amount, level))
    rows.append((steps[-1][0], "level", np.nan, steps[-1][1]))
    frame = pd.DataFrame(rows, columns=["step", "kind", "change (USD bn)", "level (USD bn)"])
    return frame.set_index("step")


def bridge_chart(parts: Mapping[str, float], title: str):
    """Investment → AWS contract NPV → stake value → NPV (present values, USD bn)."""
    return waterfall_chart(bridge_frame(parts), title, "USD bn, present value")


def npv_histogram(draws: np.ndarray, centre: float, title: str):
    """Histogram of the NPV's draws with its expectation and, where they contain it, P10–P90."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.hist(draws, bins=80, color=PALETTE[0], alpha=0.85)
    ax.axvline(centre, color="black", linewidth=1.2, label="expectation (not an outcome)")
    band = deal_npv.band_containing(centre, draws)
    if band is not None:
        for value, name in zip((band[0], band[2]), ("P10", "P90"), strict=True):
            ax.axvline(value, color="black", linewidth=0.8, linestyle="--")
            ax.text(value, ax.get_ylim()[1] * 0.95, f" {name} {value:,.1f}", fontsize=8, va="top")
    ax.axvline(0, color=PALETTE[1], linewidth=1.0, label="NPV = 0")
    ax.set_xlabel("NPV to Amazon (USD bn, present value)")
    ax.set_ylabel("draws (count)")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return fig, ax


def npv_tornado(params: Mapping[str, Any]) -> list[tuple[str, float, float, float]]:
    """Rows of the tornado on the NPV (inputs moved one at a time over their ranges); inputs
    that do not move it in this scenario are left out."""
    return [r for r in deal_npv.tornado_rows(params, tornado_ranges(params)) if r[3] > 0]


def caused_share_sweep(params: Mapping[str, Any], n: int = 21) -> pd.DataFrame:
    """The contract NPV and the deal's NPV as the caused share runs from 0 to 1."""
    shares = np.linspace(0.0, 1.0, n)
    rows = [deal_npv.npv_parts({**params, "deal_caused_share": float(s)}) for s in shares]
    return pd.DataFrame({
        "AWS contract NPV (USD bn)": [r["aws_contract_npv_usd_bn"] for r in rows],
        "NPV to Amazon (USD bn)": [r["amazon_deal_npv_usd_bn"] for r in rows],
    }, index=pd.Index(shares, name="share of the AWS spending the deal causes"))


def sweep_chart(sweep: pd.DataFrame, params: Mapping[str, Any], title: str):
    """Line chart of :func:`caused_share_sweep`, with the scenario's share and range marked."""
    fig, ax = plt.subplots(figsize=(8, 4))
    for i, col in enumerate(sweep.columns):
        ax.plot(sweep.index, sweep[col], color=PALETTE[i], label=col)
    if params["deal_caused_share"] > 0:
        ax.axvspan(params["deal_caused_share_low"], params["deal_caused_share_high"],
                   color="#cccccc", alpha=0.4, label="range of the share (evidence)")
    ax.axvline(params["deal_caused_share"], color="black", linewidth=0.8, linestyle="--",
               label=f"this scenario: {params['deal_caused_share']:g}")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel("share of the AWS spending tied to the deal that the deal causes [0-1]")
    ax.set_ylabel("USD bn, present value")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    return fig, ax


def aws_share_table(params: Mapping[str, Any], facts: Any) -> tuple[pd.DataFrame, float, float]:
    """The whole tied contract against AWS's projected revenue, year by year from its start.

    The contract's spending ramps from ``aws_contract_start_year`` over
    ``aws_contract_ramp_years`` (:func:`valse.model.aws_capacity.ramp_weights`); AWS's revenue is
    projected from its last full year at ``aws_revenue_growth``.

    Returns
    -------
    (DataFrame, float, float)
        The table by calendar year; the peak share of AWS revenue [%]; the first year's
        contract revenue as a share of AWS's growth that year [%].
    """
    services = float(params["aws_services_usd_bn"])
    weights = aws_capacity.ramp_weights(params["contract_years"], params["aws_contract_ramp_years"])
    contract = services * weights
    base_year = int(facts["aws_revenue_2025_usd_bn"].as_of[:4])
    signing_year = int(facts["amazon_openai_commitment_usd_bn"].as_of[:4])
    first = signing_year + int(params["aws_contract_start_year"])
    offset = first - base_year
    growth = float(params["aws_revenue_growth"])
    aws = cloud.aws_revenue_projection_usd_bn(facts.value("aws_revenue_2025_usd_bn"), growth,
                                              offset + len(contract) - 1)[offset - 1:]
    share = cloud.revenue_share_pct(contract, aws)
    first_growth = aws[0] - aws[0] / (1 + growth)
    growth_share = (cloud.share_of_aws_growth_pct(contract[0], first_growth)
                    if first_growth > 0 else math.nan)
    table = pd.DataFrame({"AWS revenue, projected (USD bn)": aws,
                          "contract revenue (USD bn)": contract,
                          "contract share of AWS revenue (%)": share},
                         index=pd.Index(first + np.arange(len(contract)), name="year"))
    return table, float(share.max()), float(growth_share)


def states_chart(frame: pd.DataFrame, title: str):
    """The tranche's states side by side: what Amazon pays and what its stake is worth (PV)."""
    states = frame.drop(index="expectation (not an outcome)")
    fig, ax = plt.subplots(figsize=(8, 3.6))
    y = np.arange(len(states))
    ax.barh(y - 0.2, states["what it pays, PV (USD bn)"], height=0.38, color=PALETTE[0],
            label="what Amazon pays (PV)")
    ax.barh(y + 0.2, states["stake value, PV (USD bn)"], height=0.38, color=PALETTE[1],
            label="what its stake is worth (PV)")
    ax.set_yticks(y, [f"{s} (p = {p:.0%})" for s, p in zip(states.index, states["probability"],
                                                           strict=True)])
    ax.invert_yaxis()
    ax.set_xlabel("USD bn, present value")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    return fig, ax



# --- a chart with its sources, or a line saying why there is none -----------------------------


def _no_chart(why: str) -> None:
    """Say in the notebook's output why a chart is not drawn."""

    display(Markdown(f"*No chart: {why}*"))


def show_bridge(params: Mapping[str, Any], figures: Mapping[str, Any], facts: Any,
                ids: Iterable[str], extra: Iterable[str] = ()) -> None:
    """The value bridge of :func:`bridge_chart` with its sources (none without an investment)."""
    if not params["amazon_investment_usd_bn"] > 0:
        return _no_chart("Amazon invests nothing, so every part of the NPV is zero.")
    fig, _ = bridge_chart(figures["parts"],
                          chart_titles.bridge_title(figures["npv"], params["scenario_name"]))
    charts.add_sources(fig, facts, ids, extra=extra)
    plt.show()


def show_sweep(sweep: pd.DataFrame, params: Mapping[str, Any], facts: Any,
               ids: Iterable[str]) -> None:
    """The caused-share sweep of :func:`sweep_chart` (none without AWS spending tied)."""
    if not params["aws_services_usd_bn"] > 0:
        return _no_chart("with no AWS spending tied to the deal, the share caused by the deal "
                         "changes nothing.")
    fig, _ = sweep_chart(sweep, params, chart_titles.sweep_title(sweep))
    charts.add_sources(fig, facts, ids)
    plt.show()


def show_contract(flows: pd.DataFrame, params: Mapping[str, Any], figures: Mapping[str, Any],
                  facts: Any, ids: Iterable[str]) -> None:
    """The contract's cash flows of :func:`contract_chart` (none if the deal causes nothing)."""
    if not figures["caused_revenue"] > 0:
        return _no_chart("the deal causes no AWS spending in this scenario.")
    fig, _ = contract_chart(
        flows, chart_titles.contract_title(figures["contract_npv"], params["scenario_name"]))
    charts.add_sources(fig, facts, ids)
    plt.show()


def show_states(states: pd.DataFrame, params: Mapping[str, Any], facts: Any,
                ids: Iterable[str]) -> None:
    """The tranche's states of :func:`states_chart` (no chart without an investment)."""
    if params["amazon_investment_usd_bn"] > 0:
        fig, _ = states_chart(states, chart_titles.states_title(states, params["scenario_name"]))
        charts.add_sources(fig, facts, ids)
        plt.show()


def draws_frame(mc: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """The Monte Carlo's draws (:func:`valse.report.deal_report.run_monte_carlo`), one column
    per output."""
    return pd.DataFrame(dict(mc))


def tornado_frame(rows: list[tuple[str, float, float, float]]) -> pd.DataFrame:
    """The tornado's rows (:func:`npv_tornado`) as a table, by input."""
    return pd.DataFrame(rows, columns=["input", "at low", "at high", "swing"]).set_index("input")


def show_npv_spread(draws: np.ndarray, rows: list[tuple[str, float, float, float]],
                    params: Mapping[str, Any], figures: Mapping[str, Any], facts: Any,
                    ids: list[str]) -> None:
    """The NPV's histogram (:func:`npv_histogram`) and tornado, with their sources; neither when
    nothing is invested or no input moves the NPV."""
    if not (params["amazon_investment_usd_bn"] > 0 and rows and rows[0][3] > 0):
        return
    fig, _ = npv_histogram(draws, figures["npv"], chart_titles.histogram_title(draws))
    charts.add_sources(fig, facts, ids, extra=[f"seed {params['seed']}"])
    plt.show()
    fig, _ = charts.tornado_chart(rows, figures["npv"], "NPV to Amazon (USD bn)",
                                  chart_titles.tornado_title(rows, TORNADO_LABELS),
                                  labels=TORNADO_LABELS)
    charts.add_sources(fig, facts, ids)
    plt.show()
