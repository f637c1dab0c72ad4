"""The cross-investment graph ("grande valse") and market concentration.

Who funds whom and how much comes back: flows of money between companies (equity bought,
compute contracts committed, chips bought, warrants) form a directed, weighted graph
(:func:`flow_graph`). From it: each company's money in, out and net (:func:`money_positions`);
reciprocal pairs (:func:`reciprocal_pairs`); the cycles of any length (:func:`cycles_table`);
and a split of all the money into a circulating part, which returns to where it came from,
and a one-way part (:func:`decompose_circulation`).

Concentration of the cloud market: the Herfindahl–Hirschman index (:func:`herfindahl_index`),
its change when share moves between providers (:func:`hhi_after_shift`) and a reading
against the thresholds of the 2023 US Merger Guidelines, which are passed in as arguments
(they are facts, not constants of the code).

All amounts are in USD billions. The functions are pure: they take frames or graphs and
return new ones; loading the data is :mod:`valse.flowdata`'s job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from valse.facts import parse_date
from valse.flowdata import FLOW_STATUSES, KINDS

#: Column holding the amounts of the flows.
AMOUNT = "amount_usd_bn"


def herfindahl_index(shares_pct: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of a market.

    Parameters
    ----------
    shares_pct : iterable of float
        Market shares of the firms in the data [%, 0–100 each].

    Returns
    -------
    float
        ``Σ share²`` [HHI points, 0–10,000]: 10,000 for a monopoly, 10,000 / n for n equal
        firms. The 2023 US Merger Guidelines call a market above 1,800 highly concentrated.
        Firms missing from the data (an "others" remainder) are left out, so the index is
        a lower bound when the shares do not add up to 100.
    """
    shares = [float(s) for s in shares_pct]
    bad = [s for s in shares if not 0.0 <= s <= 100.0]
    if bad:
        raise ValueError(f"market shares must be in [0, 100] percent, found {bad}")
    if sum(shares) > 100.0 + 1e-9:
        raise ValueError(f"market shares add up to {sum(shares):.6g} %, more than 100")
    return sum(s * s for s in shares)


# --- the graph ------------------------------------------------------------------------


def _rows(flows: pd.DataFrame | Iterable[Mapping]) -> list[Mapping]:
    if isinstance(flows, pd.DataFrame):
        return flows.to_dict("records")
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
    for i, row in enumerate(_rows(flows)):
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
    back to each side, and ``pair_circular_volume_usd_bn = 2 × round_trip`` the volume of
    flows (both directions) that goes round within the pair [USD bn].

    Returns
    -------
    pandas.DataFrame
        Columns ``company_a``, ``company_b`` (A before B alphabetically), ``a_to_b_usd_bn``,
        ``b_to_a_usd_bn``, ``kinds_a_to_b``, ``kinds_b_to_a``, ``round_trip_usd_bn`` and
        ``pair_circular_volume_usd_bn``; largest round trip first.
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
                    "pair_circular_volume_usd_bn": 2 * trip,
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
        "pair_circular_volume_usd_bn",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(
        ["round_trip_usd_bn", "company_a"], ascending=[False, True]
    ).reset_index(drop=True)


def _canonical(cycle: Sequence[str]) -> tuple[str, ...]:
    """Rotate a cycle so that its alphabetically first node comes first."""
    i = min(range(len(cycle)), key=lambda k: cycle[k])
    return tuple(cycle[i:]) + tuple(cycle[:i])


def _cycle_edges(cycle: Sequence[str]) -> list[tuple[str, str]]:
    return [(cycle[k], cycle[(k + 1) % len(cycle)]) for k in range(len(cycle))]


def _simple_cycles(amounts: Mapping[tuple[str, str], float], max_cycles: int) -> list[tuple]:
    graph = nx.DiGraph()
    graph.add_edges_from(e for e, a in amounts.items() if a > 0)
    found = []
    for cycle in nx.simple_cycles(graph):
        found.append(_canonical(cycle))
        if len(found) > max_cycles:
            raise ValueError(f"more than {max_cycles} cycles: raise max_cycles to list them all")
    return found


def cycles_table(graph: nx.DiGraph, max_cycles: int = 100_000) -> pd.DataFrame:
    """Every simple cycle of the graph (money that can return to where it came from).

    Returns
    -------
    pandas.DataFrame
        One row per cycle: ``cycle`` (``A → B → C → A``), ``length`` (number of flows),
        ``bottleneck_usd_bn`` (the smallest aggregated flow on it: the most that can go
        round it alone [USD bn]). Largest bottleneck first. Cycles share edges, so their
        bottlenecks do not add up; :func:`decompose_circulation` gives an additive split.
    """
    amounts = {(u, v): d["amount_usd_bn"] for u, v, d in graph.edges(data=True)}
    rows = []
    for cycle in _simple_cycles(amounts, max_cycles):
        bottleneck = min(amounts[e] for e in _cycle_edges(cycle))
        rows.append(
            {
                "cycle": " → ".join((*cycle, cycle[0])),
                "length": len(cycle),
                "bottleneck_usd_bn": bottleneck,
            }
        )
    frame = pd.DataFrame(rows, columns=["cycle", "length", "bottleneck_usd_bn"])
    return frame.sort_values(
        ["bottleneck_usd_bn", "length", "cycle"], ascending=[False, True, True]
    ).reset_index(drop=True)


@dataclass(frozen=True)
class CirculationSplit:
    """The flows split into a circulating part and a one-way part (see
    :func:`decompose_circulation`).

    Attributes
    ----------
    total, circulating, one_way : dict (payer, receiver) -> USD bn
        Per aggregated edge: its amount, the part that goes round cycles, the rest
        (``total = circulating + one_way`` on every edge).
    cancelled : tuple of (cycle, amount)
        The cycles cancelled, in order, with the amount taken off each of their edges.
    """

    total: dict[tuple[str, str], float]
    circulating: dict[tuple[str, str], float]
    one_way: dict[tuple[str, str], float]
    cancelled: tuple[tuple[tuple[str, ...], float], ...] = field(default=())

    @property
    def total_usd_bn(self) -> float:
        """All the money: ``Σ_edges amount`` [USD bn]."""
        return float(sum(self.total.values()))

    @property
    def circular_volume_usd_bn(self) -> float:
        """Money that returns to where it came from: ``Σ_edges circulating`` [USD bn]."""
        return float(sum(self.circulating.values()))

    @property
    def one_way_volume_usd_bn(self) -> float:
        """Money that does not come back: ``Σ_edges one_way`` [USD bn]."""
        return float(sum(self.one_way.values()))

    @property
    def circular_share_pct(self) -> float:
        """``100 × circular_volume / total`` [%] (0 for an empty graph)."""
        return circular_share_pct(self.circular_volume_usd_bn, self.total_usd_bn)

    def to_frame(self) -> pd.DataFrame:
        """Per edge: ``from``, ``to``, ``total_usd_bn``, ``circulating_usd_bn``,
        ``one_way_usd_bn``; largest total first."""
        rows = [
            {
                "from": u,
                "to": v,
                "total_usd_bn": a,
                "circulating_usd_bn": self.circulating[(u, v)],
                "one_way_usd_bn": self.one_way[(u, v)],
            }
            for (u, v), a in self.total.items()
        ]
        frame = pd.DataFrame(
            rows, columns=["from", "to", "total_usd_bn", "circulating_usd_bn", "one_way_usd_bn"]
        )
        return frame.sort_values(["total_usd_bn", "from", "to"], ascending=[False, True, True])

    def cancelled_frame(self) -> pd.DataFrame:
        """The cancelled cycles: ``cycle``, ``length``, ``amount_usd_bn`` (per edge) and
        ``volume_usd_bn = length × amount`` (their volumes add up to the circular volume)."""
        rows = [
            {
                "cycle": " → ".join((*c, c[0])),
                "length": len(c),
                "amount_usd_bn": a,
                "volume_usd_bn": len(c) * a,
            }
            for c, a in self.cancelled
        ]
        return pd.DataFrame(rows, columns=["cycle", "length", "amount_usd_bn", "volume_usd_bn"])


def _cancel_cycles(
    amounts: Mapping[tuple[str, str], float], max_cycles: int, tol: float
) -> tuple[dict[tuple[str, str], float], list[tuple[tuple[str, ...], float]]]:
    """Cancel cycles in ``amounts``, largest bottleneck first, until none is left.

    Returns the amount cancelled on each edge and the cycles cancelled with their amounts.
    """
    remaining = {e: a for e, a in amounts.items() if a > tol}
    cancelled_on = dict.fromkeys(amounts, 0.0)
    cancelled: list[tuple[tuple[str, ...], float]] = []
    while True:
        cycles = _simple_cycles(remaining, max_cycles)
        if not cycles:
            break
        best = min(
            cycles,
            key=lambda c: (-min(remaining[e] for e in _cycle_edges(c)), len(c), c),
        )
        edges = _cycle_edges(best)
        amount = min(remaining[e] for e in edges)
        for e in edges:
            cancelled_on[e] += amount
            remaining[e] -= amount
            if remaining[e] <= tol:
                remaining[e] = 0.0
        cancelled.append((best, amount))
    return cancelled_on, cancelled


def _max_circulation(graph: nx.DiGraph) -> dict[tuple[str, str], float]:
    """Edge amounts of a largest circulation inside the flows (a linear programme)."""
    from scipy.optimize import linprog

    edges = [(u, v, float(d["amount_usd_bn"])) for u, v, d in graph.edges(data=True)]
    edges = [e for e in edges if e[2] > 0]
    if not edges:
        return {}
    nodes = sorted({n for u, v, _ in edges for n in (u, v)})
    index = {n: i for i, n in enumerate(nodes)}
    balance = np.zeros((len(nodes), len(edges)))
    for j, (u, v, _) in enumerate(edges):
        balance[index[u], j] -= 1.0
        balance[index[v], j] += 1.0
    result = linprog(
        c=-np.ones(len(edges)),
        A_eq=balance,
        b_eq=np.zeros(len(nodes)),
        bounds=[(0.0, a) for _, _, a in edges],
        method="highs",
    )
    if not result.success:  # pragma: no cover - the zero flow is always feasible
        raise RuntimeError(f"max circulation: {result.message}")
    return {
        (u, v): float(min(max(x, 0.0), a)) for (u, v, a), x in zip(edges, result.x, strict=True)
    }


def decompose_circulation(
    graph: nx.DiGraph, method: str = "greedy", max_cycles: int = 100_000
) -> CirculationSplit:
    """Split the flows into a circulating part and a one-way part.

    Parallel flows between the same two companies are first added up (one edge per ordered
    pair, as in :func:`flow_graph`). Then:

    * ``method="max"``: the circulating part is a *largest circulation* inside the
      flows, found by the linear programme ``max Σ_e f_e`` subject to ``0 ≤ f_e ≤ amount_e``
      and, at every company, ``Σ_in f = Σ_out f`` (HiGHS, via :func:`scipy.optimize.linprog`).
      Its volume is unique (the split of it between edges need not be); it is then broken
      into cycles by cycle cancelling (below), which a circulation allows exactly (flow
      decomposition theorem). What remains has no cycle, or the circulation could be larger.
    * ``method="greedy"`` (default): cycle cancelling on the flows themselves: while the
      graph of the remaining amounts has a cycle, the cycle whose smallest remaining edge (its
      *bottleneck*) is the largest is chosen (ties: the shorter cycle, then alphabetical
      order), and its bottleneck is taken off every edge of the cycle and counted as
      circulating. That edge falls to zero, so the loop ends after at most as many steps as
      there are edges; what remains is acyclic. The order matters: the greedy volume can be
      smaller than the largest one (three flows of 1 round A → B → C → A and one of 1 back
      from B to A: greedy cancels A ⇄ B, volume 2; the largest circulation is 3). It is
      the default because each of its cycles can be read off the data (the largest loops
      first); report :func:`max_circulation_usd_bn` next to it as the order-free bound.

    Identities (both methods): on every edge ``circulating + one_way = total``; the
    circulating part balances at every company (what a company receives on cycles it pays
    out on cycles); the circular volume is ``Σ_edges circulating = Σ_cycles length ×
    amount``; the one-way part (money that does not come back to its origin, directly or
    through others) has no cycle.

    Parameters
    ----------
    graph : networkx.DiGraph
        As built by :func:`flow_graph` (edge attribute ``amount_usd_bn`` [USD bn]).
    method : {"max", "greedy"}
        How the circulating part is chosen.
    max_cycles : int
        Guard against an explosion of cycles in dense graphs.

    Returns
    -------
    CirculationSplit

    References
    ----------
    Ahuja, Magnanti and Orlin, *Network Flows* (1993): flow decomposition (§3.5) and
    circulations as linear programmes.
    """
    total = {(u, v): float(d["amount_usd_bn"]) for u, v, d in graph.edges(data=True)}
    tol = 1e-9 * max(1.0, sum(total.values()))
    if method == "max":
        source = _max_circulation(graph)
    elif method == "greedy":
        source = total
    else:
        raise ValueError(f"method: expected 'max' or 'greedy', found {method!r}")
    cancelled_on, cancelled = _cancel_cycles(source, max_cycles, tol)
    circulating = {e: min(cancelled_on.get(e, 0.0), total[e]) for e in total}
    one_way = {e: total[e] - circulating[e] for e in total}
    return CirculationSplit(total, circulating, one_way, tuple(cancelled))


def max_circulation_usd_bn(graph: nx.DiGraph) -> float:
    """The largest circular volume any split of the flows into cycles could give.

    ``max Σ_e f_e`` subject to ``0 ≤ f_e ≤ amount_e`` on every edge and, at every company,
    ``Σ_in f = Σ_out f`` (a circulation that fits inside the flows) [USD bn]; solved with
    :func:`scipy.optimize.linprog` (HiGHS). The greedy split of
    :func:`decompose_circulation` is at most this.
    """
    return float(sum(_max_circulation(graph).values()))


def circular_share_pct(circular_volume_usd_bn: float, total_flows_usd_bn: float) -> float:
    """Share of all the money that returns to where it came from.

    ``100 × circular_volume / total_flows`` [%]; 0 when there are no flows.
    """
    if total_flows_usd_bn < 0 or circular_volume_usd_bn < 0:
        raise ValueError(
            "circular volume and total flows must be >= 0, found "
            f"{circular_volume_usd_bn}, {total_flows_usd_bn}"
        )
    if circular_volume_usd_bn > total_flows_usd_bn * (1 + 1e-9) + 1e-12:
        raise ValueError(
            f"circular volume {circular_volume_usd_bn} exceeds total flows {total_flows_usd_bn}"
        )
    if total_flows_usd_bn == 0:
        return 0.0
    return 100.0 * circular_volume_usd_bn / total_flows_usd_bn


# --- filters and scenario amounts -----------------------------------------------------


def _date_bound(text: str | dt.date | None, name: str, *, end: bool) -> pd.Timestamp | None:
    if text is None or text == "":
        return None
    if isinstance(text, dt.date):
        return pd.Timestamp(text)
    try:
        return pd.Timestamp(parse_date(str(text), end=end))
    except ValueError:
        raise ValueError(
            f"{name}: expected a date YYYY, YYYY-MM or YYYY-MM-DD, found {text!r}"
        ) from None


def filter_flows(
    flows: pd.DataFrame,
    *,
    statuses: Iterable[str] = ("confirmed", "reported"),
    kinds: Iterable[str] | None = None,
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
) -> pd.DataFrame:
    """Keep the flows of the given statuses and kinds announced within a date window.

    Parameters
    ----------
    flows : DataFrame
        As loaded by :func:`valse.flowdata.load_flows` (needs ``status``, ``kind`` and
        ``announced``).
    statuses : iterable of str
        Statuses to keep (``confirmed``, ``reported``, ``denied``, ``lapsed``).
    kinds : iterable of str, optional
        Kinds to keep (default: all).
    date_from, date_to : str or date, optional
        Window on ``announced`` (inclusive). A partial date such as ``2025`` or ``2025-10``
        stands for its first day in ``date_from`` and its last day in ``date_to``; a flow
        announced as a month or a year counts from the first day of that period.

    Raises
    ------
    ValueError
        Naming the argument, for an unknown status or kind, a malformed date, or a window
        whose start is after its end.
    """
    statuses = tuple(statuses)
    unknown = [s for s in statuses if s not in FLOW_STATUSES]
    if unknown:
        raise ValueError(
            f"statuses: expected values among {', '.join(FLOW_STATUSES)}, found {unknown}"
        )
    mask = flows["status"].isin(statuses)
    if kinds is not None:
        kinds = tuple(kinds)
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"kinds: expected values among {', '.join(KINDS)}, found {unknown}")
        mask &= flows["kind"].isin(kinds)
    start = _date_bound(date_from, "date_from", end=False)
    stop = _date_bound(date_to, "date_to", end=True)
    if start is not None and stop is not None and start > stop:
        raise ValueError(
            f"date window: expected date_from <= date_to, found {date_from!r} > {date_to!r}"
        )
    announced = flows["announced"].map(lambda s: pd.Timestamp(parse_date(str(s))))
    if start is not None:
        mask &= announced >= start
    if stop is not None:
        mask &= announced <= stop
    return flows.loc[mask].copy()


def set_amounts(flows: pd.DataFrame, amounts: Mapping[str, float]) -> pd.DataFrame:
    """Replace the amounts of some flows (by id) with scenario values.

    The low and high bounds of those flows are set to the new amount (a scenario parameter
    is a point value) and ``has_range`` to False. Returns a new frame.

    Raises
    ------
    ValueError
        When an id is not in ``flows`` or an amount is negative.
    """
    out = flows.copy()
    ids = set(out["id"])
    for fid, value in amounts.items():
        if fid not in ids:
            raise ValueError(f"set_amounts: expected a flow id of the data, found {fid!r}")
        if not value >= 0:
            raise ValueError(f"set_amounts: amount of {fid!r} must be >= 0, found {value!r}")
        rows = out["id"] == fid
        for col in (AMOUNT, "low_usd_bn", "high_usd_bn"):
            if col in out:
                out.loc[rows, col] = float(value)
        if "has_range" in out:
            out.loc[rows, "has_range"] = False
    return out


#: Rows of ``flows.csv`` that carry the Amazon–OpenAI deal in each reading. In the rumour's
#: reading the investment is the January 2026 talks and the AWS spending inside it is the
#: November 2025 contract; in the reported reading the investment is the upfront and the
#: contingent tranche of the 8-K and the AWS spending is the February 2026 expansion (the
#: November 2025 contract stays, as a separate earlier flow). ``drop`` lists the rows the
#: reading replaces (talks superseded by later talks or by the deal; the deal in the rumour).
DEAL_FLOW_IDS: dict[str, dict[str, str | tuple[str, ...]]] = {
    "rumour": {
        "investment": "amazon_openai_talks_2026_01",
        "services": "openai_aws_2025_11",
        "drop": (
            "amazon_openai_talks_2025_12",
            "amazon_openai_2026_upfront",
            "amazon_openai_2026_contingent",
            "openai_aws_2026_02_expansion",
        ),
    },
    "reported": {
        "upfront": "amazon_openai_2026_upfront",
        "contingent": "amazon_openai_2026_contingent",
        "services": "openai_aws_2026_02_expansion",
        "drop": ("amazon_openai_talks_2025_12", "amazon_openai_talks_2026_01"),
    },
}


def deal_reading(amazon_investment_usd_bn: float, amazon_upfront_usd_bn: float) -> str:
    """Which reading of the Amazon–OpenAI deal a scenario's parameters describe.

    The rumour reported no tranches (everything at signing); the deal as reported pays part
    on milestones. So ``"rumour"`` when ``amazon_upfront >= amazon_investment``, else
    ``"reported"``.
    """
    return "rumour" if amazon_upfront_usd_bn >= amazon_investment_usd_bn else "reported"


def apply_deal_reading(
    flows: pd.DataFrame,
    *,
    amazon_investment_usd_bn: float,
    amazon_upfront_usd_bn: float,
    aws_services_usd_bn: float,
    ids: Mapping[str, Mapping[str, str | tuple[str, ...]]] = DEAL_FLOW_IDS,
) -> pd.DataFrame:
    """The flows with the Amazon–OpenAI deal set from a scenario's parameters.

    The reading comes from :func:`deal_reading`. Rumour: the talks row carries
    ``amazon_investment_usd_bn`` and the OpenAI → Amazon row ``aws_services_usd_bn``.
    Reported: the upfront row carries ``amazon_upfront_usd_bn``, the contingent row
    ``amazon_investment − amazon_upfront``, the AWS expansion ``aws_services_usd_bn``. The
    rows the reading replaces are dropped (see :data:`DEAL_FLOW_IDS`), so that no talks are
    added to the deal that replaced them. Other rows are untouched; rows already filtered
    out stay out.

    Returns
    -------
    pandas.DataFrame
        A new frame with a ``reading`` attribute in ``frame.attrs``.
    """
    if not 0 <= amazon_upfront_usd_bn:
        raise ValueError(f"amazon_upfront_usd_bn must be >= 0, found {amazon_upfront_usd_bn}")
    reading = deal_reading(amazon_investment_usd_bn, amazon_upfront_usd_bn)
    spec = ids[reading]
    present = set(flows["id"])
    out = flows[~flows["id"].isin(list(spec["drop"]))]
    if reading == "rumour":
        amounts = {spec["investment"]: amazon_investment_usd_bn}
    else:
        amounts = {
            spec["upfront"]: amazon_upfront_usd_bn,
            spec["contingent"]: amazon_investment_usd_bn - amazon_upfront_usd_bn,
        }
    amounts[spec["services"]] = aws_services_usd_bn
    out = set_amounts(out, {k: v for k, v in amounts.items() if k in present})
    out.attrs["reading"] = reading
    return out


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


def draw_amounts(flows: pd.DataFrame, generator: np.random.Generator, draws: int) -> np.ndarray:
    """Random amounts for every flow within its reported range.

    Each flow's amount is drawn from a triangular law on ``[low_usd_bn, high_usd_bn]``
    peaking at ``amount_usd_bn`` (a constant when no range is given).

    Returns
    -------
    numpy.ndarray
        Shape ``(draws, len(flows))`` [USD bn].
    """
    from valse.uncertainty import triangular

    columns = [
        triangular(generator, lo, mid, hi, draws)
        for lo, mid, hi in zip(
            flows["low_usd_bn"], flows[AMOUNT], flows["high_usd_bn"], strict=True
        )
    ]
    return np.column_stack(columns) if columns else np.zeros((draws, 0))


def circulation_draws(flows: pd.DataFrame, amount_draws: np.ndarray) -> pd.DataFrame:
    """Total, circular volume and circular share for each row of drawn amounts.

    Parameters
    ----------
    flows : DataFrame
        The flows (``from``, ``to``), in the order of the columns of ``amount_draws``.
    amount_draws : ndarray, shape (draws, len(flows))
        Amounts [USD bn], e.g. from :func:`draw_amounts`.

    Returns
    -------
    pandas.DataFrame
        One row per draw: ``total_flows_usd_bn``, ``circular_volume_usd_bn`` and
        ``circular_share_pct``, each computed by :func:`decompose_circulation`.
    """
    base = flows[["from", "to"]].to_dict("records")
    amount_draws = np.asarray(amount_draws, dtype=float).reshape(len(amount_draws), len(base))
    # Draws often repeat (one-sided ranges, a tranche paid or not): decompose each distinct
    # set of amounts once and give every draw the answer of its set.
    distinct, which = np.unique(amount_draws, axis=0, return_inverse=True)
    answers = []
    for amounts in distinct:
        graph = flow_graph([{**r, AMOUNT: a} for r, a in zip(base, amounts, strict=True)])
        split = decompose_circulation(graph)
        answers.append(
            (split.total_usd_bn, split.circular_volume_usd_bn, split.circular_share_pct)
        )
    rows = np.array(answers, dtype=float).reshape(len(distinct), 3)[np.ravel(which)]
    return pd.DataFrame(
        rows, columns=["total_flows_usd_bn", "circular_volume_usd_bn", "circular_share_pct"]
    )


def circular_share_pct_draws(flows: pd.DataFrame, amount_draws: np.ndarray) -> np.ndarray:
    """Circular share [%] of the flows for each row of drawn amounts (see
    :func:`circulation_draws`)."""
    return circulation_draws(flows, amount_draws)["circular_share_pct"].to_numpy()


def tranche_paid_draws(
    generator: np.random.Generator,
    probability_low: float,
    probability: float,
    probability_high: float,
    draws: int,
) -> np.ndarray:
    """Whether a milestone-dependent tranche is paid, draw by draw.

    The probability is drawn from a triangular law on ``[low, high]`` peaking at
    ``probability`` [0–1]; then the tranche is paid (1.0) with that probability, else not
    (0.0). Returns an array of ``draws`` zeros and ones (multiply a tranche's amount by it).
    """
    from valse.uncertainty import triangular

    for name, value in (
        ("probability_low", probability_low),
        ("probability", probability),
        ("probability_high", probability_high),
    ):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name}: expected a probability in [0, 1], found {value!r}")
    chance = triangular(generator, probability_low, probability, probability_high, draws)
    return (generator.random(draws) < chance).astype(float)


# --- exposure -------------------------------------------------------------------------


def investor_exposure(
    flows: pd.DataFrame,
    model_makers: Sequence[str] = ("OpenAI", "Anthropic"),
    stake_kinds: Sequence[str] = ("equity", "warrant"),
) -> pd.DataFrame:
    """Each investor's stakes in rival model makers, and their share of its AI bets.

    An investor's *AI bets* are all its flows of a stake kind (equity, warrants) in the data;
    its exposure to a model maker is the sum of those flows into that maker. Amounts are
    what was put in (or committed), not the market value of the stakes.

    Returns
    -------
    pandas.DataFrame
        Indexed by investor (only those with a stake in a model maker), columns
        ``<maker>_usd_bn`` and ``<maker>_share_pct`` (``100 × stake / ai_bets``) per model
        maker, ``ai_bets_usd_bn``, ``model_makers_usd_bn`` and ``rivals_backed`` (how many
        of the model makers it backs). Largest exposure first.
    """
    stakes = flows[flows["kind"].isin(stake_kinds)]
    bets = stakes.groupby("from")[AMOUNT].sum()
    into = stakes[stakes["to"].isin(model_makers)].groupby(["from", "to"])[AMOUNT].sum()
    investors = sorted({i for i, _ in into.index})
    rows = []
    for inv in investors:
        row: dict[str, float | int | str] = {"investor": inv}
        total = float(bets[inv])
        backed = 0
        for maker in model_makers:
            amount = float(into.get((inv, maker), 0.0))
            backed += amount > 0
            row[f"{maker}_usd_bn"] = amount
            row[f"{maker}_share_pct"] = 100.0 * amount / total if total else 0.0
        row["ai_bets_usd_bn"] = total
        row["model_makers_usd_bn"] = sum(row[f"{m}_usd_bn"] for m in model_makers)
        row["rivals_backed"] = backed
        rows.append(row)
    columns = [
        "investor",
        *[f"{m}_{s}" for m in model_makers for s in ("usd_bn", "share_pct")],
        "ai_bets_usd_bn",
        "model_makers_usd_bn",
        "rivals_backed",
    ]
    frame = pd.DataFrame(rows, columns=columns).set_index("investor")
    return frame.sort_values("model_makers_usd_bn", ascending=False)


# --- concentration --------------------------------------------------------------------


def hhi_after_shift(
    shares_pct: Mapping[str, float], from_provider: str, to_provider: str, shift_pct_points: float
) -> float:
    """HHI after ``shift_pct_points`` of market share move from one provider to another.

    Parameters
    ----------
    shares_pct : mapping provider -> share [%]
    from_provider, to_provider : str
        Providers losing and gaining the share (both in ``shares_pct``).
    shift_pct_points : float
        Share that moves [percentage points], between 0 and the share of ``from_provider``.

    Returns
    -------
    float
        :func:`herfindahl_index` of the shifted shares [HHI points]. The change equals
        :func:`hhi_change_from_shift`.
    """
    for name in (from_provider, to_provider):
        if name not in shares_pct:
            raise KeyError(f"provider {name!r} not in the shares ({', '.join(shares_pct)})")
    if not 0 <= shift_pct_points <= shares_pct[from_provider]:
        raise ValueError(
            f"shift_pct_points: expected between 0 and the share of {from_provider} "
            f"({shares_pct[from_provider]:g}), found {shift_pct_points!r}"
        )
    shifted = dict(shares_pct)
    shifted[from_provider] -= shift_pct_points
    shifted[to_provider] += shift_pct_points
    return herfindahl_index(shifted.values())


def hhi_change_from_shift(
    from_share_pct: float, to_share_pct: float, shift_pct_points: float
) -> float:
    """Change of the HHI when ``d`` points of share move from firm *j* to firm *i*.

    ``ΔHHI = (s_i + d)² + (s_j − d)² − s_i² − s_j² = 2 d (s_i − s_j) + 2 d²`` [HHI points],
    with ``s_i = to_share_pct`` and ``s_j = from_share_pct`` [%]. Positive when the share
    goes to the larger firm (or when ``d`` is large enough).
    """
    d = shift_pct_points
    return 2.0 * d * (to_share_pct - from_share_pct) + 2.0 * d * d


def share_shift_pct_points(
    contract_usd_bn: float, contract_years: float, quarterly_market_usd_bn: float
) -> float:
    """Market share a cloud contract represents, if its spending moved between providers.

    ``100 × (contract / years) / (4 × quarterly market)`` [percentage points]: the yearly
    spending under the contract as a share of a year of the market (four times the
    quarterly market size).
    """
    if contract_years <= 0 or quarterly_market_usd_bn <= 0:
        raise ValueError(
            "contract_years and quarterly_market_usd_bn must be > 0, found "
            f"{contract_years}, {quarterly_market_usd_bn}"
        )
    if contract_usd_bn < 0:
        raise ValueError(f"contract_usd_bn must be >= 0, found {contract_usd_bn}")
    return 100.0 * (contract_usd_bn / contract_years) / (4.0 * quarterly_market_usd_bn)


@dataclass(frozen=True)
class MergerScreen:
    """A market's HHI and HHI change read against the 2023 US Merger Guidelines."""

    hhi: float
    hhi_delta: float
    highly_concentrated: bool
    significant_increase: bool

    @property
    def presumption(self) -> bool:
        """True when a highly concentrated market sees a significant increase (the
        guidelines' presumption that a merger substantially lessens competition)."""
        return self.highly_concentrated and self.significant_increase

    @property
    def label(self) -> str:
        """Plain-words reading."""
        level = (
            "highly concentrated"
            if self.highly_concentrated
            else "below the highly concentrated threshold"
        )
        change = (
            "a significant increase" if self.significant_increase else "not a significant increase"
        )
        return f"{level}; change of {self.hhi_delta:+,.0f} points: {change}"


def merger_screen(
    hhi: float,
    hhi_delta: float,
    highly_concentrated_above: float,
    significant_delta_above: float,
) -> MergerScreen:
    """Classify a market against the HHI thresholds of the 2023 US Merger Guidelines.

    Parameters
    ----------
    hhi : float
        HHI after the change [HHI points].
    hhi_delta : float
        Change of the HHI [HHI points].
    highly_concentrated_above : float
        A market above this HHI is highly concentrated (1,800 in the 2023 guidelines; pass
        the fact ``merger_guidelines_2023_hhi_highly_concentrated``).
    significant_delta_above : float
        A change above this is significant (100; fact ``merger_guidelines_2023_hhi_delta``).

    Returns
    -------
    MergerScreen
        ``presumption`` is true when both hold. The guidelines apply to mergers; reading a
        shift of workloads against them is an analogy, not a legal test.
    """
    return MergerScreen(
        hhi=float(hhi),
        hhi_delta=float(hhi_delta),
        highly_concentrated=hhi > highly_concentrated_above,
        significant_increase=hhi_delta > significant_delta_above,
    )


def shares_in(
    shares: pd.DataFrame, quarter: str, series: str, providers: Iterable[str] | None = None
) -> dict[str, float]:
    """Provider → share [%] for one quarter and series of ``cloud_shares.csv`` (only
    ``providers`` when given).

    Raises
    ------
    KeyError
        When the quarter and series have no rows (the message lists those available).
    """
    rows = shares[(shares["quarter"] == quarter) & (shares["series"] == series)]
    if providers is not None:
        rows = rows[rows["provider"].isin(list(providers))]
    if rows.empty:
        have = sorted(set(zip(shares["quarter"], shares["series"], strict=True)))
        raise KeyError(f"no cloud shares for {quarter} ({series}); available: {have}")
    return dict(zip(rows["provider"], rows["share_pct"].astype(float), strict=True))


def hhi_by_quarter(shares: pd.DataFrame, providers: Iterable[str] | None = None) -> pd.DataFrame:
    """HHI of each quarter and series of ``cloud_shares.csv``.

    ``providers`` restricts the index to those providers (for example AWS, Microsoft and
    Google, the only ones every quarter of the data lists), so that quarters compare.

    Returns
    -------
    pandas.DataFrame
        Columns ``quarter``, ``series``, ``quarter_start``, ``hhi`` [HHI points, a lower bound
        since providers outside the data are left out], ``covered_share_pct`` (Σ shares in the
        data [%]), ``n_providers`` and ``market_usd_bn`` (the quarter's market size when given);
        sorted by series then quarter.
    """
    if providers is not None:
        shares = shares[shares["provider"].isin(list(providers))]
    rows = []
    for (quarter, series), group in shares.groupby(["quarter", "series"]):
        market = group["market_usd_bn"].dropna() if "market_usd_bn" in group else pd.Series([])
        rows.append(
            {
                "quarter": quarter,
                "series": series,
                "quarter_start": group["quarter_start"].iloc[0]
                if "quarter_start" in group
                else None,
                "hhi": herfindahl_index(group["share_pct"]),
                "covered_share_pct": float(group["share_pct"].sum()),
                "n_providers": len(group),
                "market_usd_bn": float(market.iloc[0]) if len(market) else float("nan"),
            }
        )
    columns = [
        "quarter",
        "series",
        "quarter_start",
        "hhi",
        "covered_share_pct",
        "n_providers",
        "market_usd_bn",
    ]
    return (
        pd.DataFrame(rows, columns=columns)
        .sort_values(["series", "quarter"])
        .reset_index(drop=True)
    )
