"""The graph of the flows: who pays whom, each company's position, reciprocal pairs.

Flows of money between companies (equity bought, compute contracts committed, chips bought)
form a directed, weighted graph (:func:`flow_graph`), parallel flows added up. From it: each
company's money in, out and net (:func:`money_positions`), the payer × receiver matrix
(:func:`flow_matrix`), reciprocal pairs (:func:`reciprocal_pairs`) and the edges by kind for
drawing (:func:`flow_edges_by_kind`). Amounts in USD billions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np
import pandas as pd

#: Column holding the amounts of the flows.
AMOUNT = "amount_usd_bn"


def _rows(flows: pd.DataFrame | Iterable[Mapping], columns: Sequence[str]) -> list[Mapping]:
    """The flows as one mapping a row, with the ``columns`` a frame has of those asked for.

    Column by column (``Series.tolist``: Python scalars, as ``to_dict("records")`` gives),
    not row by row over every column: a Monte Carlo draw of the flows builds 2,000 graphs.
    """
    if isinstance(flows, pd.DataFrame):
        present = [c for c in columns if c in flows.columns]
        values = [flows[c].tolist() for c in present]
        return [dict(zip(present, row, strict=True)) for row in zip(*values, strict=True)]
    return [dict(r) for r in flows]


def flow_graph(flows: pd.DataFrame | Iterable[Mapping], amount_column: str = AMOUNT) -> nx.DiGraph:
    """Directed, weighted graph of the flows, parallel flows aggregated.

    Parameters
    ----------
    flows : DataFrame or iterable of mappings
        One flow a row with ``from``, ``to`` and ``amount_column`` (optional ``kind``,
        ``status`` and ``id``). A flow goes from the company that pays (or commits, or
        invests) to the company that receives.
    amount_column : str
        Column of the amounts [USD bn].

    Returns
    -------
    networkx.DiGraph
        One node per company named in the flows; one edge ``u → v`` per ordered pair with at
        least one flow, with attributes ``amount_usd_bn`` (sum of the parallel flows
        [USD bn]), ``by_kind`` (kind → amount), ``ids`` (the flows' ids), ``n_flows`` and
        ``statuses`` (the set of statuses). Flows of amount zero add their nodes, no edge.

    Raises
    ------
    ValueError
        When an amount is negative, missing or not finite (the message names the flow).
    """
    graph = nx.DiGraph()
    for i, row in enumerate(_rows(flows, ("from", "to", amount_column, "kind", "id", "status"))):
        u, v = row["from"], row["to"]
        amount = float(row[amount_column])
        if not np.isfinite(amount) or amount < 0:
            raise ValueError(
                f"flow {row.get('id', i)!r}: {amount_column} must be a finite number >= 0, "
                f"found {row[amount_column]!r}"
            )
        graph.add_nodes_from((u, v))
        if amount == 0:
            continue
        if not graph.has_edge(u, v):
            graph.add_edge(u, v, amount_usd_bn=0.0, by_kind={}, ids=[], n_flows=0, statuses=set())
        data = graph[u][v]
        data["amount_usd_bn"] += amount
        kind = row.get("kind", "other")
        data["by_kind"][kind] = data["by_kind"].get(kind, 0.0) + amount
        data["ids"].append(row.get("id", str(i)))
        data["n_flows"] += 1
        data["statuses"].add(row.get("status", "confirmed"))
    return graph


def total_flows_usd_bn(graph: nx.DiGraph) -> float:
    """All the money in the graph, each flow counted once: ``Σ_edges amount`` [USD bn]."""
    return float(sum(d["amount_usd_bn"] for _, _, d in graph.edges(data=True)))


def money_positions(graph: nx.DiGraph) -> pd.DataFrame:
    """Each company's money in, money out and net position.

    Returns
    -------
    pandas.DataFrame
        Indexed by company, columns ``money_in_usd_bn`` (Σ of the flows it receives),
        ``money_out_usd_bn`` (Σ of the flows it pays or commits) and
        ``net_usd_bn = money_in − money_out`` [USD bn]: positive for a net receiver.
        Sorted by net position, largest first. The nets add up to zero.
    """
    rows = []
    for node in graph.nodes:
        money_in = sum(d["amount_usd_bn"] for _, _, d in graph.in_edges(node, data=True))
        money_out = sum(d["amount_usd_bn"] for _, _, d in graph.out_edges(node, data=True))
        rows.append((node, money_in, money_out, money_in - money_out))
    frame = pd.DataFrame(
        rows, columns=["company", "money_in_usd_bn", "money_out_usd_bn", "net_usd_bn"]
    ).set_index("company")
    return frame.sort_values(["net_usd_bn", "money_in_usd_bn"], ascending=False)


def flow_matrix(graph: nx.DiGraph, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Matrix of the aggregated flows: row = payer (``from``), column = receiver (``to``).

    ``order`` fixes the order of rows and columns (default: nodes sorted by name); missing
    pairs are 0 [USD bn].
    """
    names = list(order) if order is not None else sorted(graph.nodes)
    matrix = pd.DataFrame(0.0, index=pd.Index(names, name="from"), columns=names)
    matrix.columns.name = "to"
    for u, v, d in graph.edges(data=True):
        if u in matrix.index and v in matrix.columns:
            matrix.loc[u, v] = d["amount_usd_bn"]
    return matrix


def reciprocal_pairs(graph: nx.DiGraph) -> pd.DataFrame:
    """Pairs of companies with money flowing both ways, and how much goes round.

    For a pair (A, B) with flows ``A → B`` and ``B → A`` (for example A invests in B and B
    buys services from A), ``round_trip_usd_bn = min(A→B, B→A)`` is the money that comes
    back to each side: the money that goes round the pair, counted once [USD bn].

    Returns
    -------
    pandas.DataFrame
        Columns ``company_a``, ``company_b`` (A before B alphabetically), ``a_to_b_usd_bn``,
        ``b_to_a_usd_bn``, ``kinds_a_to_b``, ``kinds_b_to_a`` and ``round_trip_usd_bn``;
        largest round trip first.
    """
    rows = []
    for u, v, d in graph.edges(data=True):
        if u < v and graph.has_edge(v, u):
            back = graph[v][u]
            trip = min(d["amount_usd_bn"], back["amount_usd_bn"])
            rows.append(
                {
                    "company_a": u,
                    "company_b": v,
                    "a_to_b_usd_bn": d["amount_usd_bn"],
                    "b_to_a_usd_bn": back["amount_usd_bn"],
                    "kinds_a_to_b": ", ".join(sorted(d["by_kind"])),
                    "kinds_b_to_a": ", ".join(sorted(back["by_kind"])),
                    "round_trip_usd_bn": trip,
                }
            )
    columns = [
        "company_a",
        "company_b",
        "a_to_b_usd_bn",
        "b_to_a_usd_bn",
        "kinds_a_to_b",
        "kinds_b_to_a",
        "round_trip_usd_bn",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(
        ["round_trip_usd_bn", "company_a"], ascending=[False, True]
    ).reset_index(drop=True)


def flow_edges_by_kind(flows: pd.DataFrame) -> pd.DataFrame:
    """Flows added up by payer, receiver and kind, for drawing.

    Returns
    -------
    pandas.DataFrame
        Columns ``from``, ``to``, ``kind``, ``amount_usd_bn`` and ``reported_only`` (true
        when none of the flows added up is confirmed by a company).
    """
    if flows.empty:
        return pd.DataFrame(columns=["from", "to", "kind", AMOUNT, "reported_only"])
    grouped = flows.assign(confirmed=flows["status"].eq("confirmed")).groupby(
        ["from", "to", "kind"], as_index=False
    )
    out = grouped.agg(amount_usd_bn=(AMOUNT, "sum"), confirmed=("confirmed", "any"))
    out["reported_only"] = ~out.pop("confirmed")
    return out
