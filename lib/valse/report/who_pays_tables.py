"""The tables and the chart of Amazon's 2025 and 2026 sources and uses of cash (03, #18).

From the figures of :func:`valse.model.who_pays_cash.who_pays_figures` and their bands
(:func:`valse.model.who_pays_cash.who_pays_bands`); names and facts from
:mod:`valse.report.who_pays`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from valse.model import amazon_cash
from valse.report.who_pays import CASH_FACTS, LABELS, PAYROLL_FACTS


def sources_and_uses_table(figures: Mapping[str, float]):
    """The 2025 and 2026 sources and uses of cash as a table [USD bn].

    Returns
    -------
    pandas.DataFrame
        Indexed by (side, item) with the labels of :data:`LABELS`; columns ``2025`` and
        ``2026 (central)``; a ``total`` row per side, equal on both sides.
    """
    import pandas as pd

    rows = []
    for side, keys in (("uses", amazon_cash.USES), ("sources", amazon_cash.SOURCES)):
        for key in keys:
            rows.append((side, LABELS[key], figures[f"su_2025_{key}"], figures[f"su_2026_{key}"]))
        rows.append(
            (side, "total", figures["su_2025_total_usd_bn"], figures["su_2026_total_usd_bn"])
        )
    frame = pd.DataFrame(rows, columns=["side", "item", "2025", "2026 (central)"])
    return frame.set_index(["side", "item"])


def ai_funding_table(figures: Mapping[str, float], bands: Mapping[str, Sequence[float]]):
    """Who pays the 2026 AI spending: shares under both conventions [%], with P10–P90.

    Returns
    -------
    pandas.DataFrame
        One row per source (:data:`valse.model.amazon_cash.AI_FUNDING_PARTS`): ``operating cash
        first (%)``, ``pro rata (%)``, and the 2025 operating-first share for comparison.
    """
    import pandas as pd

    rows = {}
    for key in amazon_cash.AI_FUNDING_PARTS:
        short = key.removesuffix("_usd_bn")
        rows[LABELS[key]] = {
            "2026, operating cash first (%)": figures[f"ai_2026_operating_first_{short}_pct"],
            "2026, pro rata (%)": figures[f"ai_2026_pro_rata_{short}_pct"],
            "2025, operating cash first (%)": figures[f"ai_2025_operating_first_{short}_pct"],
        }
    frame = pd.DataFrame(rows).T
    band = {
        LABELS["borrowing_usd_bn"]: bands.get("amazon_ai_spending_funded_by_borrowing_pct"),
        LABELS["cash_reserves_usd_bn"]: bands.get("amazon_ai_spending_funded_by_cash_reserves_pct"),
        LABELS["operating_cash_payroll_savings_usd_bn"]: bands.get(
            "payroll_share_of_ai_spending_2026_pct"
        ),
    }
    frame["2026 P10 (%)"] = [band[i][0] if band.get(i) else float("nan") for i in frame.index]
    frame["2026 P90 (%)"] = [band[i][2] if band.get(i) else float("nan") for i in frame.index]
    return frame


def yardsticks_table(figures: Mapping[str, float], bands: Mapping[str, Sequence[float]]):
    """The labour yardsticks: the cash basis (new) beside the fully loaded one (first edition).

    Returns
    -------
    pandas.DataFrame
        Rows: yardstick; columns ``value``, ``P10``, ``P90``, ``basis``.
    """
    import pandas as pd

    spec = [
        (
            "years of cash savings to match the expected payment to OpenAI",
            "years_of_cash_savings_to_match_expected_investment",
            "cash (new)",
        ),
        (
            "years of cash savings to match the part paid at signing",
            "years_of_cash_savings_to_match_upfront",
            "cash (new)",
        ),
        (
            "years of fully loaded savings to match the headline amount",
            "years_of_savings_to_match_investment",
            "fully loaded (sensitivity)",
        ),
        ("cash savings, full year (USD bn)", "payroll_cash_savings_usd_bn_per_year", "cash (new)"),
        (
            "cash savings in 2026, after notice and severance (USD bn)",
            "payroll_net_cash_savings_2026_usd_bn",
            "cash (new)",
        ),
        ("cash savings / 2026 AI capex (%)", "payroll_share_of_ai_capex_2026_pct", "cash (new)"),
        (
            "cash savings / AWS 2025 operating income (%)",
            "payroll_cash_savings_share_of_aws_operating_income_pct",
            "cash (new)",
        ),
    ]
    return pd.DataFrame(
        [
            {
                "yardstick": label,
                "value": figures[name],
                "P10": bands[name][0],
                "P90": bands[name][2],
                "basis": basis,
            }
            for label, name, basis in spec
        ]
    ).set_index("yardstick")


_LIGHT = {"other_capex_usd_bn", "added_to_cash_usd_bn", "operating_cash_customers_usd_bn"}


def sources_and_uses_chart(figures: Mapping[str, float], facts, scenario_name: str):
    """Stacked bars: what Amazon spends and what pays for it, 2025 and 2026 [USD bn].

    Four bars (2025 uses, 2025 sources, 2026 uses, 2026 sources), each use and source a
    segment labelled with its amount; the provenance line names :data:`CASH_FACTS` and
    :data:`PAYROLL_FACTS`.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from valse.report import charts

    fig, ax = plt.subplots(figsize=(9, 5.2))
    bars = [
        ("2025\nuses", "2025", amazon_cash.USES),
        ("2025\nsources", "2025", amazon_cash.SOURCES),
        ("2026\nuses", "2026", amazon_cash.USES),
        ("2026\nsources", "2026", amazon_cash.SOURCES),
    ]
    colours = {
        "ai_capex_usd_bn": charts.PALETTE[0],
        "other_capex_usd_bn": "#9ecae1",
        "openai_usd_bn": charts.PALETTE[2],
        "anthropic_usd_bn": charts.PALETTE[3],
        "buybacks_dividends_usd_bn": "#8c564b",
        "added_to_cash_usd_bn": "#d9d9d9",
        "operating_cash_customers_usd_bn": "#fdae6b",
        "operating_cash_payroll_savings_usd_bn": "#d62728",
        "borrowing_usd_bn": "#a63603",
        "cash_reserves_usd_bn": "#737373",
    }
    seen = set()
    for x, (_name, year, keys) in enumerate(bars):
        segments = []
        for key in keys:
            value = figures[f"su_{year}_{key}"]
            label = LABELS[key] if key not in seen and value > 0 else None
            if value > 0:
                seen.add(key)
            segments.append(
                (value, colours[key], label, f"{value:,.1f}", "black" if key in _LIGHT else "white")
            )
        charts.stacked_bar(ax, x, segments, width=0.6, label_at_least=6)
    ax.set_xticks(np.arange(len(bars)), [b[0] for b in bars])
    ax.set_ylabel("USD bn (calendar year)")
    reserves = figures["su_2026_cash_reserves_usd_bn"]
    takeaway = (
        f"In 2026 Amazon's spending outruns its cash flow: {reserves:,.0f} bn comes from reserves"
        if reserves > 0
        else "In 2026 Amazon's operating cash and borrowing cover its spending"
    )
    ax.set_title(f"{takeaway} — scenario {scenario_name}", fontsize=10)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    charts.add_sources(
        fig,
        facts,
        [*CASH_FACTS, *PAYROLL_FACTS],
        extra=["2026: central values; payroll savings net of severance (model)"],
    )
    return fig, ax
