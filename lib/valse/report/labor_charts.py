"""The charts of ``03_labor_costs`` on the cuts: each returns its table (where it has one),
figure and axes, from the figures of :mod:`valse.report.labor_report`.

``p`` is the notebook's parameters as a mapping (:data:`valse.report.labor_report.PARAMETERS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from valse.model import labor, labor_yardsticks
from valse.report import charts
from valse.report.labor_report import (
    CAPEX_FACTS,
    COST_FACTS,
    COST_LABELS,
    CUT_FACTS,
    DEAL_FACTS,
    FUNDING_FACTS,
    PART_FACTS,
    PART_LABELS,
    WAVE_IDS,
    other_employers,
)


def cuts_chart(facts):
    """The rounds of cuts by announcement: table and horizontal bars."""
    waves = pd.DataFrame(
        {
            "roles cut": [facts.value(i) for i in WAVE_IDS.values()],
            "status": [facts[i].status for i in WAVE_IDS.values()],
        },
        index=list(WAVE_IDS),
    )
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.barh(
        waves.index,
        waves["roles cut"],
        color=[charts.PALETTE[4], charts.PALETTE[0], charts.PALETTE[0]],
    )
    for y, (v, s) in enumerate(zip(waves["roles cut"], waves["status"], strict=True)):
        ax.text(v + 300, y, f"{v:,.0f} ({s})", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("corporate roles cut (count)")
    recent = waves["roles cut"].iloc[1:].sum()
    ax.set_title(f"Amazon cut about {recent:,.0f} corporate roles in two rounds, 2025–2026")
    charts.add_sources(fig, facts, list(WAVE_IDS.values()))
    return waves, fig, ax


def cost_parts_chart(p: Mapping[str, Any], base: Mapping[str, Any], facts):
    """What one role costs, part by part: table and a stacked bar (stock hatched, not cash)."""
    parts, ranges = base["parts"], base["part_ranges"]
    cost_parts = pd.DataFrame(
        {
            "central (USD k)": [parts[n] for n in labor.COST_PARTS],
            "low (USD k)": [ranges[n][0] for n in labor.COST_PARTS],
            "high (USD k)": [ranges[n][1] for n in labor.COST_PARTS],
            "cash": ["yes", "no", "yes", "yes"],
            "status": [facts[i].status for i in PART_FACTS],
            "fact": PART_FACTS,
        },
        index=["cash pay", "stock compensation", "benefits and payroll taxes", "overhead"],
    )
    short = {
        "cash pay": "cash pay",
        "stock compensation": "stock",
        "benefits and payroll taxes": "benefits,\ntaxes",
        "overhead": "over-\nhead",
    }
    fig, ax = plt.subplots(figsize=(8, 2.8))
    fig.subplots_adjust(bottom=0.3)
    left = 0.0
    for (label, row), colour in zip(cost_parts.iterrows(), charts.PALETTE, strict=False):
        ax.barh(
            0,
            row["central (USD k)"],
            left=left,
            color=colour,
            hatch=None if row["cash"] == "yes" else "//",
            edgecolor="white",
        )
        text = "\n".join(
            [short[label], f"{row['central (USD k)']:.0f}"]
            + ([] if row["cash"] == "yes" else ["(not cash)"])
        )
        ax.text(
            left + row["central (USD k)"] / 2,
            0,
            text,
            ha="center",
            va="center",
            color="white",
            fontsize=8,
            fontweight="bold",
        )
        left += row["central (USD k)"]
    cost = p["cost_per_role_usd_k"]
    ax.set_yticks([])
    ax.set_xlabel("fully loaded yearly cost of one corporate role (USD thousand)")
    ax.set_title(
        f"What one role costs: {cost:,.0f}k a year, "
        f"{cost - parts['stock_compensation_usd_k']:,.0f}k of it in cash"
    )
    charts.add_sources(
        fig,
        facts,
        COST_FACTS
        + ["labor_amazon_stock_compensation_2025_usd_bn", "amazon_corporate_headcount_count"],
    )
    return cost_parts, fig, ax


def ramp_chart(p: Mapping[str, Any], ramp: Mapping[str, Any], facts, scenario_name: str):
    """The cuts' cumulative savings net of severance against the amounts of the deal."""
    table = ramp["ramp"]["cumulative net of severance (USD bn)"]
    investment, upfront = p["amazon_investment_usd_bn"], p["amazon_upfront_usd_bn"]
    fig, ax = plt.subplots(figsize=(8, 4))
    years = np.arange(0, p["horizon_years"] + 1)
    ax.plot(
        years,
        np.concatenate([[-ramp["severance"]], table]),
        marker="o",
        label="payroll saved by the cuts, net of severance (cumulative)",
    )
    ax.axhline(
        investment,
        color="black",
        linestyle="--",
        label=f"Amazon's commitment to OpenAI ({investment:,.0f})",
    )
    ax.axhline(upfront, color="grey", linestyle=":", label=f"… paid at signing ({upfront:,.0f})")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylim(top=1.4 * max(investment, table.max()))
    ax.set_xlabel("years after the announcement")
    ax.set_ylabel("USD bn (undiscounted)")
    ax.set_title(f"The cuts' savings build up slowly — scenario {scenario_name}")
    ax.legend(loc="upper left", fontsize=8)
    charts.add_sources(
        fig,
        facts,
        CUT_FACTS
        + COST_FACTS
        + ["labor_amazon_notice_days_count", "labor_assumption_severance_months"]
        + DEAL_FACTS,
        extra=[f"parameters of scenario {scenario_name}"],
    )
    return fig, ax


def compare_chart(
    p: Mapping[str, Any], base: Mapping[str, Any], severance: float, facts, scenario_name: str
):
    """A year of the cuts' savings against the deal's amounts and Amazon's (log scale)."""
    capex_2026 = labor.ai_capex_usd_bn(
        facts.value("amazon_capex_2026_guidance_usd_bn"), p["ai_share_of_capex"]
    )
    compare = pd.DataFrame(
        [
            ("cuts: payroll saved, full year", base["savings"], "per year", "labour"),
            ("cuts: cash saved, full year", base["cash_savings"], "per year", "labour"),
            ("cuts: severance", severance, "once", "labour"),
            ("Amazon's commitment to OpenAI", p["amazon_investment_usd_bn"], "once", "deal"),
            ("… paid at signing", p["amazon_upfront_usd_bn"], "once", "deal"),
            ("… expected (milestones weighted)", base["expected_investment"], "once", "deal"),
            (
                "OpenAI's AWS spending tied to the deal, per year",
                p["aws_services_usd_bn"] / p["contract_years"],
                "per year",
                "deal",
            ),
            ("AWS operating income 2025", p["aws_operating_income_usd_bn"], "per year", "Amazon"),
            ("Amazon AI capex 2025", base["ai_capex"], "per year", "Amazon"),
            ("Amazon AI capex 2026 (guidance)", capex_2026, "per year", "Amazon"),
        ],
        columns=["item", "USD bn", "kind", "group"],
    ).set_index("item")
    colours = {"labour": charts.PALETTE[1], "deal": charts.PALETTE[0], "Amazon": charts.PALETTE[4]}
    fig, ax = plt.subplots(figsize=(8, 4.8))
    ax.barh(compare.index, compare["USD bn"], color=[colours[g] for g in compare["group"]])
    for y, (v, k) in enumerate(zip(compare["USD bn"], compare["kind"], strict=True)):
        ax.text(v * 1.08, y, f"{v:,.1f} ({k})", va="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlim(0.3, compare["USD bn"].max() * 4)
    ax.invert_yaxis()
    ax.set_xlabel("USD bn (logarithmic scale)")
    ax.set_title(
        "A year of the cuts' savings is small next to the AI money — scenario " + scenario_name
    )
    charts.add_sources(
        fig,
        facts,
        CUT_FACTS
        + COST_FACTS
        + DEAL_FACTS
        + CAPEX_FACTS
        + [
            "amazon_capex_2026_guidance_usd_bn",
            "aws_operating_income_2025_usd_bn",
            "aws_openai_contract_expansion_usd_bn",
            "assumption_contingent_tranche_probability",
        ],
        extra=[f"parameters of scenario {scenario_name}"],
    )
    return compare, fig, ax


def funding_2025_chart(p: Mapping[str, Any], base: Mapping[str, Any], facts):
    """The first edition's 2025 decomposition of a year of AI capex, under both conventions."""
    aws_share = labor.operating_income_share(
        p["aws_operating_income_usd_bn"], p["amazon_operating_income_usd_bn"]
    )
    funding = pd.DataFrame(
        {
            method: labor_yardsticks.funding_decomposition_usd_bn(
                base["ai_capex"],
                p["amazon_operating_cash_flow_usd_bn"],
                aws_share,
                base["cash_savings"],
                p["debt_raised_usd_bn"],
                p["equity_raised_usd_bn"],
                method,
            )
            for method in ("pro_rata", "internal_first")
        }
    ).rename(index=PART_LABELS)
    funding.columns = ["pro rata (USD bn)", "internal first (USD bn)"]
    for col in list(funding.columns):
        funding[col.replace("USD bn", "%")] = 100 * funding[col] / funding[col].sum()
    fig, ax = plt.subplots(figsize=(8, 4.2))
    bottom = np.zeros(2)
    for (label, row), colour in zip(funding.iterrows(), charts.PALETTE, strict=False):
        values = row.iloc[:2].to_numpy(dtype=float)
        ax.bar(
            ["pro rata", "internal first"],
            values,
            bottom=bottom,
            color=colour,
            label=label,
            width=0.5,
        )
        for x, (v, b) in enumerate(zip(values, bottom, strict=True)):
            if v > 2:
                ax.text(
                    x, b + v / 2, f"{v:,.1f}", ha="center", va="center", fontsize=8, color="white"
                )
        bottom += values
    ax.set_ylabel("USD bn (2025)")
    payroll = funding.loc[PART_LABELS["payroll_savings_usd_bn"], "pro rata (%)"]
    ax.set_title(
        f"2025: the cuts' cash savings pay {payroll:.1f}% of a year of AI capex "
        f"({base['ai_capex']:,.0f} bn), pro rata"
    )
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    charts.add_sources(
        fig,
        facts,
        FUNDING_FACTS,
        extra=["payroll savings: a full year of the cuts' cash savings (model)"],
    )
    return funding, fig, ax


def break_even_chart(p: Mapping[str, Any], base: Mapping[str, Any], facts):
    """The productivity gain that repays the spending, by horizon; and the table of both."""
    remaining = p["corporate_employees"] - p["roles_cut"]
    cost, horizon, rate = p["cost_per_role_usd_k"], p["horizon_years"], p["discount_rate"]
    investment, ai_capex = p["amazon_investment_usd_bn"], base["ai_capex"]
    gain = labor_yardsticks.break_even_productivity_gain_pct
    roles = labor_yardsticks.break_even_roles
    horizons = np.arange(1, 16)
    curves = pd.DataFrame(
        {
            "horizon (years)": horizons,
            "gain to repay the investment (%)": [
                gain(investment, remaining, cost, h, rate) for h in horizons
            ],
            "gain to repay a year of AI capex (%)": [
                gain(ai_capex, remaining, cost, h, rate) for h in horizons
            ],
        }
    ).set_index("horizon (years)")
    summary = pd.DataFrame(
        {
            "productivity gain (%)": [
                gain(investment, remaining, cost, horizon, rate),
                gain(ai_capex, remaining, cost, horizon, rate),
            ],
            "roles replaced for the horizon": [
                roles(investment, cost, horizon, rate),
                roles(ai_capex, cost, horizon, rate),
            ],
        },
        index=["Amazon's commitment to OpenAI", "one year of Amazon AI capex"],
    )
    fig, ax = plt.subplots(figsize=(8, 4))
    for col, colour in zip(curves.columns, charts.PALETTE, strict=False):
        ax.plot(curves.index, curves[col], marker="o", color=colour, label=col.replace(" (%)", ""))
    ax.axvline(
        horizon, color="grey", linestyle=":", label=f"horizon of the scenario ({horizon} years)"
    )
    ax.set_yscale("log")
    ax.set_xlabel("horizon (years)")
    ax.set_ylabel("gain per remaining employee (%, log)")
    ax.set_title(
        f"Repaying a year of 2025 AI capex takes {summary.iloc[1, 0]:.0f}% more output per "
        f"employee for {horizon} years (discount rate {rate:.0%})",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    charts.add_sources(
        fig,
        facts,
        ["amazon_corporate_headcount_count"]
        + CUT_FACTS
        + COST_FACTS
        + DEAL_FACTS
        + CAPEX_FACTS
        + ["assumption_discount_rate"],
    )
    return curves, summary, fig, ax


#: The other employers: label, the fact of their cuts (None: not found), of their capex.


def others_chart(p: Mapping[str, Any], facts):
    """Cuts against capital expenditure, large tech employers: table and bars."""
    rows = other_employers(p, facts)
    others = labor_yardsticks.cuts_against_capex(
        [row[:3] for row in rows], p["cost_per_role_usd_k"]
    )
    others["facts"] = [", ".join(row[3]) for row in rows]
    shown = others.dropna(subset=["savings / capex (%)"])
    fig, ax = plt.subplots(figsize=(8, 3.4))
    ax.barh(shown.index, shown["savings / capex (%)"], color=charts.PALETTE[1])
    for y, v in enumerate(shown["savings / capex (%)"]):
        ax.text(v + 0.05, y, f"{v:.1f}%", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(
        f"yearly payroll savings / capex (%), at {p['cost_per_role_usd_k']:,.0f}k per role"
    )
    ax.set_title(
        "At none of these employers do the cuts save more than "
        f"{shown['savings / capex (%)'].max():.1f}% of capex"
    )
    fig.subplots_adjust(bottom=0.22)
    charts.add_sources(
        fig, facts, [i for row in rows for i in row[3]] + ["assumption_cost_per_role_usd_k"]
    )
    return others, fig, ax


def savings_histogram(p: Mapping[str, Any], bands: Mapping[str, Any], facts):
    """The seeded draws of a year's savings, with P10, P50 and P90 marked."""
    fig, ax = plt.subplots(figsize=(8, 3.4))
    ax.hist(bands["draws"], bins=60, color=charts.PALETTE[1], alpha=0.8)
    for q, name in zip(bands["savings"], ("P10", "P50", "P90"), strict=True):
        ax.axvline(q, color="black", linestyle="--" if name != "P50" else "-", linewidth=0.9)
        ax.text(q, ax.get_ylim()[1] * 0.95, f" {name} {q:,.2f}", fontsize=8, va="top")
    ax.set_xlabel("payroll saved by the cuts (USD bn per year)")
    ax.set_ylabel("draws (count)")
    p10, _, p90 = bands["savings"]
    ax.set_title(
        f"A year's savings: USD {p10:,.1f}–{p90:,.1f} bn in 8 of 10 of {p['draws']:,} seeded draws"
    )
    charts.add_sources(fig, facts, CUT_FACTS + COST_FACTS, extra=[f"seed {p['seed']}"])
    return fig, ax


def savings_tornado(base: Mapping[str, Any], bands: Mapping[str, Any], facts):
    """Which part of the cost per role moves a year's savings most."""
    fig, ax = charts.tornado_chart(
        bands["tornado"],
        base["savings"],
        "payroll saved by the cuts (USD bn per year)",
        f"The {COST_LABELS[bands['tornado'][0][0]]} per role moves the savings most",
        labels=COST_LABELS,
    )
    charts.add_sources(fig, facts, CUT_FACTS + COST_FACTS)
    return fig, ax
