"""OpenAI's side of "who pays": who put in the money that pays for its compute, 2025–2026.

The report layer over :mod:`valse.model.openai_funding`. 2026 is the 2026 row of OpenAI's
sources and uses as 01 computes them (:func:`valse.report.openai_pay.can_pay`, on
OpenAI's own revenue plan: revenue, committed compute, other cash costs); 2025 is as reported
(revenue, and the cash burned on top of it). The outside money of each year is its equity
rounds by investor: 2025 the SoftBank-led round of March 2025, paid through 2025; 2026 the
round closed on 31 March 2026, Amazon's part at its expected payment (upfront, and the
tranche at its chance). The facts hold no borrowing of OpenAI's own and no off-balance-sheet
vehicle with an amount, so both are 0 and the text says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from valse.model import amazon_cash, openai_funding, uncertainty
from valse.model.deal import READING_NAMES
from valse.model.openai_finances import committed_compute_usd_bn, sources_and_uses
from valse.model.valuation import round_allocation_usd_bn

#: Investors that also sell OpenAI compute or chips (as in
#: :func:`valse.report.valuation_market.supplier_share`); SoftBank, which builds Stargate with
#: it, is a financial investor centrally and a supplier in the sensitivity.
SUPPLIERS: tuple[str, ...] = ("Amazon", "NVIDIA")
#: The label of the round's remainder (as in 01).
OTHERS = "Other 2026 investors"

LABELS: dict[str, str] = {
    "customers": "customers (revenue)",
    "suppliers_equity": "suppliers' equity (Amazon, NVIDIA)",
    "financial_investors": "financial investors (SoftBank, funds, individuals)",
    "borrowing": "OpenAI's own borrowing (none in the facts)",
    "off_balance_sheet": "off-balance-sheet vehicles (none with an amount)",
    "cash_reserves": "cash reserves",
}
COLOURS: dict[str, str] = {
    "customers": "#fdae6b",
    "suppliers_equity": "#d62728",
    "financial_investors": "#1f77b4",
    "borrowing": "#a63603",
    "off_balance_sheet": "#9467bd",
    "cash_reserves": "#737373",
}

FACTS_2025: tuple[str, ...] = (
    "openai_revenue_2025_leaked_usd_bn",
    "openai_cash_burn_2025_usd_bn",
    "openai_round_2025_03_usd_bn",
    "softbank_openai_round_2025_03_usd_bn",
)
FACTS_2026: tuple[str, ...] = (
    "openai_revenue_2026_forecast_usd_bn",
    "openai_revenue_2030_target_usd_bn",
    "openai_oracle_commitment_usd_bn",
    "openai_azure_commitment_2025_10_usd_bn",
    "aws_openai_contract_2025_11_usd_bn",
    "aws_openai_contract_expansion_usd_bn",
    "openai_coreweave_commitment_usd_bn",
    "cerebras_openai_usd_bn",
    "assumption_openai_noncompute_cost_share",
    "openai_round_2026_closed_usd_bn",
    "amazon_openai_commitment_usd_bn",
    "amazon_openai_upfront_usd_bn",
    "assumption_contingent_tranche_probability",
    "nvidia_openai_round_2026_usd_bn",
    "softbank_openai_round_2026_usd_bn",
)
FACTS: tuple[str, ...] = (*FACTS_2025, *FACTS_2026)

#: The parameters the 2026 column reads (03 declares them; 01's own inputs come through
#: :func:`valse.report.openai_pay.can_pay_inputs`).
PARAMS: tuple[str, ...] = (
    "amazon_investment_usd_bn",
    "amazon_upfront_usd_bn",
    "contingent_tranche_probability",
    "aws_services_usd_bn",
    "round_size_usd_bn",
    "nvidia_round_usd_bn",
    "softbank_round_usd_bn",
)


def outside_2025_usd_bn(facts) -> dict[str, float]:
    """The 2025 outside money by kind: the March 2025 round (SoftBank and its co-investors).

    None of the 2025 investors named in the facts sells OpenAI compute, so it is all
    financial investors' money.
    """
    allocation = {
        "SoftBank": facts.value("softbank_openai_round_2025_03_usd_bn"),
        "co-investors": facts.value("openai_round_2025_03_usd_bn")
        - facts.value("softbank_openai_round_2025_03_usd_bn"),
    }
    return openai_funding.equity_by_kind_usd_bn(allocation, SUPPLIERS)


def allocation_2026_usd_bn(p: Mapping[str, Any]) -> dict[str, float]:
    """The 2026 round's cash by investor: 01's allocation, Amazon at its expected payment."""
    allocation = round_allocation_usd_bn(
        p["round_size_usd_bn"],
        p["amazon_investment_usd_bn"],
        "Amazon",
        {"NVIDIA": p["nvidia_round_usd_bn"], "SoftBank": p["softbank_round_usd_bn"]},
        OTHERS,
    )
    allocation["Amazon"] = amazon_cash.openai_cash_usd_bn(
        p["amazon_investment_usd_bn"],
        p["amazon_upfront_usd_bn"],
        p["contingent_tranche_probability"],
    )
    return allocation


def _year_2026(q: Mapping[str, Any], facts, other_share: Any,
               terms: Mapping[str, np.ndarray] | None = None) -> dict[str, Any]:
    """Uses and revenue of 2026: the first row of OpenAI's sources and uses (01's plan).

    Floats at the central terms; with drawn ``terms`` (and an array of shares of shape
    ``(draws, 1)``) arrays of one value a draw
    (:func:`valse.model.openai_finances.committed_compute_usd_bn`).
    """
    from valse.report import openai_pay as pay

    year = [2026]
    compute = committed_compute_usd_bn(pay.openai_contracts(q, facts), year,
                                       pay.drawn_terms(terms) if terms is not None else None)
    revenue = pay.revenue_paths(q, facts, year)["plan"]
    table = sources_and_uses(revenue, compute, other_share, q["openai_cash_usd_bn"])
    first = (lambda a: float(a[0])) if terms is None else (lambda a: np.broadcast_to(
        a, table["compute"].shape)[:, 0])
    return {key: first(table[key]) for key in ("revenue", "compute", "other_costs")}


def _funding(uses: float, revenue: float, outside: Mapping[str, float]) -> dict[str, Any]:
    out = {}
    for method in ("revenue_first", "pro_rata"):
        parts = openai_funding.funding_by_kind_usd_bn(uses, revenue, outside, method)
        out[method] = parts
        out[f"{method}_pct"] = amazon_cash.shares_pct(parts)
    return out


def openai_funding_figures(p: Mapping[str, Any], facts) -> dict[str, Any]:
    """OpenAI's spending and who paid for it, 2025 and 2026, at the central values.

    Returns
    -------
    dict
        ``"2025"`` and ``"2026"``: ``uses``, ``revenue``, ``outside`` (by kind),
        ``revenue_first`` and ``pro_rata`` (USD bn by kind) with their ``_pct`` shares;
        ``"2026"`` also ``compute``, ``other_costs``, ``allocation`` (by investor) and
        ``suppliers_pct_with_softbank`` (SoftBank counted as a supplier).
    """
    from valse.report.openai_pay import can_pay_inputs

    q = can_pay_inputs(p)
    revenue_2025 = facts.value("openai_revenue_2025_leaked_usd_bn")
    uses_2025 = revenue_2025 + facts.value("openai_cash_burn_2025_usd_bn")
    outside_2025 = outside_2025_usd_bn(facts)
    y = _year_2026(q, facts, q["openai_other_cost_share"])
    allocation = allocation_2026_usd_bn(q)
    outside = openai_funding.equity_by_kind_usd_bn(allocation, SUPPLIERS)
    uses = y["compute"] + y["other_costs"]
    with_softbank = openai_funding.equity_by_kind_usd_bn(allocation, (*SUPPLIERS, "SoftBank"))
    return {
        "2025": {
            "uses": uses_2025,
            "revenue": revenue_2025,
            "outside": outside_2025,
            **_funding(uses_2025, revenue_2025, outside_2025),
        },
        "2026": {
            "uses": uses,
            **y,
            "outside": outside,
            "allocation": allocation,
            **_funding(uses, y["revenue"], outside),
            "suppliers_pct_with_softbank": _funding(uses, y["revenue"], with_softbank)[
                "revenue_first_pct"
            ]["suppliers_equity"],
        },
    }


#: The metrics of this section: name -> (kind whose 2026 share it is, label).
METRICS: dict[str, tuple[str, str]] = {
    "openai_compute_funded_by_suppliers_pct": (
        "suppliers_equity",
        "Share of OpenAI's 2026 cash spending (committed compute and other costs) paid by the "
        "equity of its suppliers (Amazon at its expected payment, NVIDIA), revenue paying first",
    ),
    "openai_compute_funded_by_customers_pct": (
        "customers",
        "Share of OpenAI's 2026 cash spending (committed compute and other costs) paid by its "
        "revenue, on its own plan",
    ),
}


def openai_funding_bands(p: Mapping[str, Any], facts, n: int, seed: int):
    """P10, P50, P90 of the 2026 revenue-first shares of :data:`METRICS`.

    Seeded triangular draws (one generator, in this order) of the tranche's chance (its
    ``_low``/``_high``), OpenAI's other-cost share (01's range) and the Azure and CoreWeave
    terms (their facts' ranges), each on its range peaking at its central value.

    Returns
    -------
    dict
        metric name -> (P10, P50, P90) [%].
    """
    from valse.report import openai_pay as pay

    q = pay.can_pay_inputs(p)
    gen = uncertainty.rng(seed)
    prob = uncertainty.triangular(
        gen,
        q["contingent_tranche_probability_low"],
        q["contingent_tranche_probability"],
        q["contingent_tranche_probability_high"],
        n,
    )
    other = uncertainty.triangular(
        gen,
        q["openai_other_cost_share_low"],
        q["openai_other_cost_share"],
        q["openai_other_cost_share_high"],
        n,
    )
    terms = pay.draw_terms(facts, gen, n)
    values: dict[str, list[float]] = {name: [] for name in METRICS}
    # the tranche's chance plays no part in 2026's uses, so those are drawn all at once
    y = _year_2026(q, facts, other[:, None], terms)
    uses = y["compute"] + y["other_costs"]
    for i in range(n):
        qi = {**q, "contingent_tranche_probability": min(1.0, float(prob[i]))}
        outside = openai_funding.equity_by_kind_usd_bn(allocation_2026_usd_bn(qi), SUPPLIERS)
        shares = amazon_cash.shares_pct(
            openai_funding.funding_by_kind_usd_bn(float(uses[i]), float(y["revenue"][i]), outside)
        )
        for name, (kind, _) in METRICS.items():
            values[name].append(shares[kind])
    return {name: uncertainty.p10_p50_p90(np.array(v)) for name, v in values.items()}


def funding_table(figures: Mapping[str, Any]):
    """Who paid for OpenAI's spending, by kind: USD bn and % for 2025 and 2026, both conventions.

    Returns
    -------
    pandas.DataFrame
        One row per kind (:data:`LABELS`) and a ``total`` row; columns per year and convention.
    """
    import pandas as pd

    cols = {}
    for year in ("2025", "2026"):
        f = figures[year]
        cols[f"{year} (USD bn)"] = [f["revenue_first"][k] for k in openai_funding.KINDS]
        cols[f"{year} (%)"] = [f["revenue_first_pct"][k] for k in openai_funding.KINDS]
        cols[f"{year} pro rata (%)"] = [f["pro_rata_pct"][k] for k in openai_funding.KINDS]
    frame = pd.DataFrame(cols, index=[LABELS[k] for k in openai_funding.KINDS])
    frame.loc["total"] = frame.sum()
    return frame


def funding_chart(figures: Mapping[str, Any], facts, scenario_name: str):
    """Stacked bars by kind and year: who paid for OpenAI's spending, 2025 and 2026 [USD bn].

    The title states the 2026 takeaway (customers' and suppliers' shares); the provenance
    line names :data:`FACTS`.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    import matplotlib.pyplot as plt

    from valse.report import charts

    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    years = ("2025", "2026")
    for x, year in enumerate(years):
        parts, shares = figures[year]["revenue_first"], figures[year]["revenue_first_pct"]
        charts.stacked_bar(
            ax,
            x,
            [
                (
                    parts[kind],
                    COLOURS[kind],
                    LABELS[kind],
                    f"{parts[kind]:,.1f} ({shares[kind]:.0f}%)",
                    "black" if kind == "customers" else "white",
                )
                for kind in openai_funding.KINDS
            ],
            width=0.55,
            label_at_least=2,
        )
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(
        unique.values(), unique.keys(), loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8
    )
    ax.set_xticks(range(len(years)), [f"{y}\n(spending {figures[y]['uses']:,.1f})" for y in years])
    ax.set_ylabel("USD bn (calendar year)")
    s = figures["2026"]["revenue_first_pct"]
    ax.set_title(
        f"In 2026 OpenAI's customers pay {s['customers']:.0f}% of its spending, "
        f"its suppliers' equity {s['suppliers_equity']:.0f}% — scenario {scenario_name}",
        fontsize=10,
    )
    charts.add_sources(
        fig,
        facts,
        list(FACTS),
        extra=["revenue pays first; 2026: OpenAI's own plan (01's sources and uses)"],
    )
    return fig, ax


def metric_records(figures: Mapping[str, Any], bands) -> list[dict[str, Any]]:
    """Keyword arguments of :func:`valse.report.record.metric` for :data:`METRICS`."""
    from valse.report.who_pays import band_kwargs

    out = []
    for name, (kind, label) in METRICS.items():
        value = figures["2026"]["revenue_first_pct"][kind]
        out.append(
            dict(
                name=name,
                value=value,
                unit="%",
                label=label,
                sources=list(FACTS),
                params=list(PARAMS),
                **band_kwargs(value, bands[name]),
            )
        )
    return out


def story_context(p: Mapping[str, Any], figures: Mapping[str, Any], bands) -> dict[str, Any]:
    """The figures of the template ``03_labor_costs/openai_funding``."""
    from valse.model.deal import create_deal, reading

    f25, f26 = figures["2025"], figures["2026"]
    s25, s26 = f25["revenue_first_pct"], f26["revenue_first_pct"]

    def band(name: str, value: float):
        p10, _, p90 = bands[name]
        return {"p10": p10, "p90": p90} if p10 <= value <= p90 else None

    r = reading(create_deal(p))
    return {
        "reading": r,
        "reading_name": READING_NAMES[r],
        "uses_2025": f25["uses"],
        "revenue_2025": f25["revenue"],
        "outside_2025": sum(f25["outside"].values()),
        "customers_2025_pct": s25["customers"],
        "financial_2025_pct": s25["financial_investors"],
        "suppliers_2025_pct": s25["suppliers_equity"],
        "uses_2026": f26["uses"],
        "compute_2026": f26["compute"],
        "revenue_2026": f26["revenue"],
        "outside_2026": sum(f26["outside"].values()),
        "amazon_2026": f26["allocation"].get("Amazon", 0.0),
        "nvidia_2026": f26["allocation"].get("NVIDIA", 0.0),
        "customers_pct": s26["customers"],
        "customers_pct_band": band("openai_compute_funded_by_customers_pct", s26["customers"]),
        "suppliers_pct": s26["suppliers_equity"],
        "suppliers_pct_band": band(
            "openai_compute_funded_by_suppliers_pct", s26["suppliers_equity"]
        ),
        "financial_pct": s26["financial_investors"],
        "reserves_pct": s26["cash_reserves"],
        "suppliers_pct_with_softbank": f26["suppliers_pct_with_softbank"],
        "pro_rata_customers_pct": f26["pro_rata_pct"]["customers"],
        "pro_rata_suppliers_pct": f26["pro_rata_pct"]["suppliers_equity"],
        "left_over_2026": max(0.0, f26["revenue"] + sum(f26["outside"].values()) - f26["uses"]),
    }
