"""Notebook 04, section by section: each function saves the numbers behind one chart or table
(:func:`valse.report.charts.save_chart_data`), draws the chart with its sources, and returns
what the notebook shows, so that each of the notebook's cells is a short call.

``p`` is the notebook's parameters (``scenario_name``, ``flow_basis``, ``artifacts_dir`` and
the others of its parameters cell); ``a`` the :class:`~valse.report.flows_report.Analysis`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from valse.data import regulators
from valse.data.facts import Fact, facts_table
from valse.data.flowdata import load_flows
from valse.data.sharedata import load_cloud_shares
from valse.model import flows as fl
from valse.report import charts, charts_flows, charts_market
from valse.report.flows_demand import backlog_title
from valse.report.flows_metrics import sources
from valse.report.flows_report import (
    NO_ACTION_FACT,
    TOP3,
    Analysis,
    analyse,
    money_table,
    peak_year,
    regulator_words,
    words,
)

#: The columns of the flows table.
FLOW_COLUMNS = [
    "id", "from", "to", "kind", "status", "amount_usd_bn", "term_years", "probability",
    "value_usd_bn",
]  # fmt: skip


def prepare(p: Mapping[str, Any], facts: Mapping[str, Fact]) -> tuple[Analysis, dict]:
    """Load the flows and cloud shares, and return the analysis and the templates' figures."""
    a = analyse(p, facts, load_flows(), load_cloud_shares())
    return a, words(a, p, facts)


def scenario_line(a: Analysis, p: Mapping[str, Any]) -> str:
    """One line: the scenario, how many flows are in the web, on which basis (markdown)."""
    n_all = len(load_flows())
    return (
        f"Scenario **{p['scenario_name']}**: {len(a.web.valued)} of {n_all} flows in the web, "
        f"on {fl.BASIS_NAMES[p['flow_basis']]}."
    )


def _save(frame: pd.DataFrame, p: Mapping[str, Any], name: str) -> None:
    charts.save_chart_data(frame, p["artifacts_dir"], name)


def _note(a: Analysis, p: Mapping[str, Any]) -> list[str]:
    return [
        f"data/flows.csv: {len(a.web.valued)} flows, each with its own source (section 10)",
        f"scenario {p['scenario_name']}",
    ]


def flows_table(a: Analysis, p: Mapping[str, Any]) -> pd.DataFrame:
    """Section 1: the flows in the web, largest value first."""
    shown = a.web.valued.sort_values("value_usd_bn", ascending=False)[FLOW_COLUMNS]
    shown = shown.set_index("id")
    _save(shown, p, "flows_kept")
    return shown.round(2)


def network(a: Analysis, facts: Mapping[str, Fact], p: Mapping[str, Any]):
    """Section 2: the web drawn (returns the figure)."""
    flows = a.web.valued
    edges = fl.flow_edges_by_kind(flows.assign(amount_usd_bn=flows["value_usd_bn"]))
    _save(edges, p, "network_edges")
    positions = fl.money_positions(a.web.graph)
    basis = fl.BASIS_NAMES[p["flow_basis"]]
    fig, _ = charts_flows.network_chart(
        edges,
        positions["money_in_usd_bn"].to_dict(),
        f"Who funds whom (USD bn, {basis}) — scenario {p['scenario_name']}",
    )
    return charts.add_sources(fig, facts, sources(a, facts)["mc"], extra=_note(a, p))


def matrix(a: Analysis, facts: Mapping[str, Fact], p: Mapping[str, Any]):
    """Section 3: the payer × receiver matrix as a heat map (returns the figure)."""
    order = list(fl.money_positions(a.web.graph).index)
    frame = fl.flow_matrix(a.web.graph, order=order)
    _save(frame, p, "flow_matrix")
    basis = fl.BASIS_NAMES[p["flow_basis"]]
    fig, _ = charts_flows.flow_heatmap(
        frame, f"Flows between companies (USD bn, {basis}) — scenario {p['scenario_name']}"
    )
    return charts.add_sources(fig, facts, sources(a, facts)["deal"], extra=_note(a, p))


def positions(a: Analysis, facts: Mapping[str, Fact], p: Mapping[str, Any]) -> pd.DataFrame:
    """Section 4: each company's net position, drawn; returns the table."""
    frame = fl.money_positions(a.web.graph)
    _save(frame, p, "net_positions")
    top = str(frame["net_usd_bn"].idxmax()) if len(frame) else "no one"
    fig, _ = charts_flows.net_positions_chart(
        frame, f"{top} ends up with the most money (net, USD bn) — scenario {p['scenario_name']}"
    )
    charts.add_sources(fig, facts, sources(a, facts)["deal"], extra=_note(a, p))
    return frame.round(1)


def pairs(a: Analysis, p: Mapping[str, Any]) -> pd.DataFrame:
    """Section 5: the reciprocal pairs."""
    frame = fl.reciprocal_pairs(a.web.graph)
    _save(frame, p, "reciprocal_pairs")
    return frame.round(2)


def cycles(a: Analysis, p: Mapping[str, Any]) -> tuple[str, pd.DataFrame]:
    """Section 5: how many cycles, and the ones the split cancels (a line and a table)."""
    table, cancelled = fl.cycles_table(a.web.graph), a.web.split.cancelled_frame()
    _save(table, p, "cycles")
    _save(cancelled, p, "cycles_cancelled")
    line = f"{len(table)} cycles in the web; the split cancels {len(cancelled)} of them:"
    return line, cancelled.round(2)


#: The definition under the circulation chart.
CIRCULAR_DEFINITION = (
    "*The circular share is the money that goes round and comes back to where it started, "
    "each loop counted once at its amount, over all the money in the web, on one basis.*"
)


def circulation(a: Analysis, facts: Mapping[str, Fact], p: Mapping[str, Any]):
    """Section 5: the circulating and one-way part of each flow (returns the figure)."""
    frame = a.web.split.to_frame()
    _save(frame.set_index(["from", "to"]), p, "circulating_one_way")
    share = a.web.split.circular_share_pct
    fig, _ = charts_flows.circulation_chart(
        frame,
        f"About {share:.0f}% of the money goes round; the rest flows one way — scenario "
        f"{p['scenario_name']}",
    )
    extra = _note(a, p) + ["split by cycle cancelling"]
    return charts.add_sources(fig, facts, sources(a, facts)["mc"], extra=extra)


def suppliers(a: Analysis, facts: Mapping[str, Fact], p: Mapping[str, Any]):
    """Section 6: supplier equity against purchases (returns the figure)."""
    _save(a.suppliers, p, "supplier_equity_to_purchases")
    _save(a.rounds, p, "supplier_share_of_equity")
    if len(a.suppliers):
        top = a.suppliers.iloc[0]
        title = (
            f"{top['supplier']} puts back the most: {top['ratio_pct']:.0f}% of what "
            f"{top['buyer']} buys from it — scenario {p['scenario_name']}"
        )
    else:
        title = f"No supplier invests in a customer here — scenario {p['scenario_name']}"
    fig, _ = charts_flows.supplier_ratio_chart(a.suppliers, title)
    ids = sources(a, facts)["mc"] + ["amd_openai_warrant_value_usd_bn"]
    return charts.add_sources(fig, facts, ids, extra=_note(a, p))


def exposure(a: Analysis, p: Mapping[str, Any]) -> pd.DataFrame:
    """Section 6: each investor's stakes in the two rival labs."""
    frame = fl.investor_exposure(a.web.valued, amount_column="value_usd_bn")
    _save(frame, p, "exposure")
    return frame.round(1)


def share_path(a: Analysis, facts: Mapping[str, Fact], p: Mapping[str, Any]):
    """Section 7: the deal's shift year by year (returns the figure)."""
    _save(a.path.set_index("year"), p, "cloud_share_path")
    fig, _ = charts_market.share_path_chart(
        a.path,
        facts["merger_guidelines_2023_hhi_delta"].number,
        "The deal's shift stays below the significant change, year by year — scenario "
        f"{p['scenario_name']}",
    )
    src = sources(a, facts)
    extra = ["data/cloud_shares.csv (Synergy Research Group, relayed)"]
    return charts.add_sources(fig, facts, src["shift"] + src["guide"], extra=extra)


def concentration(a: Analysis, facts: Mapping[str, Fact], p: Mapping[str, Any]):
    """Section 7: the all-cloud HHI by quarter, a lower bound (returns the figure)."""
    hhi = fl.hhi_by_quarter(load_cloud_shares(), providers=list(TOP3))
    _save(hhi.set_index(["series", "quarter"]), p, "cloud_hhi_by_quarter")
    fig, _ = charts_market.concentration_chart(
        hhi,
        "All cloud stays below the highly concentrated threshold "
        "(AWS + Microsoft + Google, a lower bound)",
        facts["merger_guidelines_2023_hhi_highly_concentrated"].number,
        moderate_above=facts["merger_guidelines_2023_hhi_moderate"].number,
    )
    src = sources(a, facts)
    extra = ["data/cloud_shares.csv (Synergy Research Group and Omdia, relayed)"]
    return charts.add_sources(fig, facts, src["cloud"] + src["guide"], extra=extra)


def demand(a: Analysis, facts: Mapping[str, Fact], p: Mapping[str, Any]) -> pd.DataFrame:
    """Section 7: the providers' backlogs from the two labs, drawn; returns the losses."""
    losses = a.losses.set_index(["provider", "customer"])
    _save(a.backlogs, p, "backlog_shares")
    _save(losses, p, "customer_loss")
    fig, _ = charts_market.backlog_share_chart(
        a.backlogs, backlog_title(a.backlogs, p["scenario_name"])
    )
    charts.add_sources(fig, facts, sources(a, facts)["demand"])
    return losses.round(1)


def regulator_facts(matters: pd.DataFrame) -> list[str]:
    """The facts the regulators' matters cite, and the search for action on the deal."""
    return sorted({f for ids in matters["facts"] for f in ids.split()} | {NO_ACTION_FACT})


def regulators_section(
    facts: Mapping[str, Fact], p: Mapping[str, Any], reading_name: str
) -> dict[str, Any]:
    """Section 8: the timeline drawn; returns the matters, their facts, the metric record,
    the template's figures and the table shown."""
    matters = regulators.load_matters(facts=facts)
    events = regulators.timeline(matters, facts)
    ids = regulator_facts(matters)
    _save(events.set_index("date"), p, "regulatory_timeline")
    fig, _ = charts_market.regulatory_timeline_chart(
        events, "Regulators and AI partnerships, cloud: dated steps"
    )
    charts.add_sources(fig, facts, ids, extra=["data/regulatory_matters.csv"])
    record = dict(
        name="regulatory_open_matters_count", value=regulators.open_matters_count(matters),
        unit="count", label="Regulatory matters open in the fact base (AI partnerships, cloud)",
        sources=ids,
    )  # fmt: skip
    columns = ["regulator", "status", "last_step_date", "next_step", "next_date"]
    return {
        "facts": ids,
        "record": record,
        "words": regulator_words(matters, facts, reading_name),
        "table": matters.set_index("id")[columns],
    }


def money(a: Analysis, p: Mapping[str, Any]) -> pd.DataFrame:
    """Section 9: capital against billing, sourced money against estimates."""
    table = money_table(a.web)
    _save(table, p, "what_to_watch")
    return table


def watchlist(facts: Mapping[str, Fact], p: Mapping[str, Any]) -> pd.DataFrame:
    """Section 9: the points to watch as observable triggers."""
    frame = regulators.load_watchlist(facts=facts)
    _save(frame.set_index("id"), p, "watchlist")
    return frame.set_index("watch")[["look_for", "filer", "expected", "would_change", "notebook"]]


def _panel_inputs(a: Analysis) -> tuple[tuple, dict[str, Any]]:
    """The arguments the live panel and its published explorer share."""
    shift = float(peak_year(a.path).get("shift_pct_points", 0.0))
    return (a.web.every_status, a.shares_now), {
        "from_provider": "Microsoft",
        "to_provider": "AWS",
        "shift_pct_points": min(max(shift, 0.0), a.shares_now["Microsoft"]),
    }


def panel(a: Analysis):
    """Section 10: the live panel (ipywidgets, imported only here)."""
    from valse.report.explore_flows import flows_panel

    args, kwargs = _panel_inputs(a)
    return flows_panel(*args, **kwargs)


def explorer(a: Analysis):
    """Section 10 in a published page: the panel's controls over precomputed states
    (:func:`valse.report.explorers.flows.flows_explorer`)."""
    from valse.report.explorers.flows import flows_explorer

    args, kwargs = _panel_inputs(a)
    return flows_explorer(*args, **kwargs)


def source_tables(
    a: Analysis, facts: Mapping[str, Fact], p: Mapping[str, Any], reg_facts: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sources: the flows' own sources, and every fact used in the notebook."""
    flow_sources = a.web.valued.set_index("id")[["source", "title", "source_date", "url",
                                                 "status"]]  # fmt: skip
    _save(flow_sources, p, "flow_sources")
    src = sources(a, facts)
    ids = src["mc"] + src["shift"] + src["guide"] + src["demand"] + reg_facts
    return flow_sources, facts_table(facts, ids)[["status", "as of", "source"]]
