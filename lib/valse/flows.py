"""The cross-investment graph ("grande valse") and market concentration.

Who funds whom and how much comes back: flows of money between companies (equity bought,
compute contracts committed, chips bought, warrants) form a directed, weighted graph
(:func:`flow_graph`). From it: each company's money in, out and net (:func:`money_positions`);
reciprocal pairs (:func:`reciprocal_pairs`); the cycles of any length (:func:`cycles_table`);
and a split of all the money into a circulating part, which returns to where it came from,
and a one-way part (:func:`decompose_circulation`).

Flows on one basis: each flow has a kind (:data:`valse.flowdata.KINDS`) and a term; a sum
adds them on a stated basis (:data:`BASES`): present value at a discount rate, a yearly
amount over the term, or nominal. Amounts on a condition enter at their probability
(:func:`expected_values`), and as events in the Monte Carlo (:func:`draw_values`), the same
way for every one of them. Only sourced money (kinds :data:`~valse.flowdata.MONEY_KINDS`,
statuses :data:`~valse.flowdata.MONEY_STATUSES`) is ever summed as money committed
(:func:`money_committed_usd_bn`); estimates of value are shown as such.

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
from functools import lru_cache

import networkx as nx
import numpy as np
import pandas as pd

from valse.data.facts import Fact, parse_date
from valse.flowdata import FLOW_STATUSES, KINDS, MONEY_KINDS, MONEY_STATUSES
from valse.model.deal import Deal

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


def _canonical(cycle: Sequence[str]) -> tuple[str, ...]:
    """Rotate a cycle so that its alphabetically first node comes first."""
    i = min(range(len(cycle)), key=lambda k: cycle[k])
    return tuple(cycle[i:]) + tuple(cycle[:i])


def _cycle_edges(cycle: Sequence[str]) -> list[tuple[str, str]]:
    return [(cycle[k], cycle[(k + 1) % len(cycle)]) for k in range(len(cycle))]


def _simple_cycles(amounts: Mapping[tuple[str, str], float], max_cycles: int) -> list[tuple]:
    """The simple cycles of the edges that carry money, each rotated by :func:`_canonical`.

    They depend only on which edges carry money, so they are cached by that set (a Monte
    Carlo decomposes thousands of graphs with the same edges and different amounts).
    """
    edges = tuple(sorted(e for e, a in amounts.items() if a > 0))
    return list(_cycles_of(edges, max_cycles))


@lru_cache(maxsize=512)
def _cycles_of(edges: tuple[tuple[str, str], ...], max_cycles: int) -> tuple[tuple, ...]:
    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    found = []
    for cycle in nx.simple_cycles(graph):
        found.append(_canonical(cycle))
        if len(found) > max_cycles:
            raise ValueError(f"more than {max_cycles} cycles: raise max_cycles to list them all")
    return tuple(sorted(found))


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
    def legs_volume_usd_bn(self) -> float:
        """Volume of the flows on loops, every leg counted: ``Σ_edges circulating =
        Σ_cycles length × amount`` [USD bn] (a loop of USD 50 bn each way counts 100)."""
        return float(sum(self.circulating.values()))

    @property
    def circular_volume_usd_bn(self) -> float:
        """Money that goes round, each loop counted once: ``Σ_cycles amount`` [USD bn].

        A loop A → B → A of 50 each way is 50 that leaves A and comes back to it, not 100.
        """
        return float(sum(a for _, a in self.cancelled))

    @property
    def one_way_volume_usd_bn(self) -> float:
        """Money that does not come back: ``Σ_edges one_way`` [USD bn]."""
        return float(sum(self.one_way.values()))

    @property
    def circular_share_pct(self) -> float:
        """``100 × circular_volume / total`` [%], each loop counted once (0 for an empty
        graph)."""
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
        """The cancelled cycles: ``cycle``, ``length``, ``amount_usd_bn`` (what goes round
        the loop, counted once; these add up to the circular volume) and ``legs_usd_bn =
        length × amount`` (the flows on the loop, every leg counted)."""
        rows = [
            {
                "cycle": " → ".join((*c, c[0])),
                "length": len(c),
                "amount_usd_bn": a,
                "legs_usd_bn": len(c) * a,
            }
            for c, a in self.cancelled
        ]
        return pd.DataFrame(rows, columns=["cycle", "length", "amount_usd_bn", "legs_usd_bn"])


def _cancel_cycles(
    amounts: Mapping[tuple[str, str], float], max_cycles: int, tol: float
) -> tuple[dict[tuple[str, str], float], list[tuple[tuple[str, ...], float]]]:
    """Cancel cycles in ``amounts``, largest bottleneck first, until none is left.

    Returns the amount cancelled on each edge and the cycles cancelled with their amounts.
    """
    remaining = {e: a for e, a in amounts.items() if a > tol}
    cancelled_on = dict.fromkeys(amounts, 0.0)
    cancelled: list[tuple[tuple[str, ...], float]] = []
    # The simple cycles of the remaining graph are those of the first one whose edges all
    # still carry money: enumerate them once, then keep the live ones at each step.
    cycles = [(c, _cycle_edges(c)) for c in _simple_cycles(remaining, max_cycles)]
    while True:
        cycles = [(c, es) for c, es in cycles if all(remaining[e] > 0 for e in es)]
        if not cycles:
            break
        best, edges = min(
            cycles,
            key=lambda ce: (-min(remaining[e] for e in ce[1]), len(ce[0]), ce[0]),
        )
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


def max_circular_volume_usd_bn(graph: nx.DiGraph, max_cycles: int = 100_000) -> float:
    """The most money that could go round, each loop counted once, over every way of
    splitting the flows into loops: an upper bound of the greedy split's circular volume.

    A cycle-packing linear programme over the simple cycles ``c`` of the graph:
    ``max Σ_c x_c`` subject to ``x_c ≥ 0`` and, on every edge ``e``,
    ``Σ_{c ∋ e} x_c ≤ amount_e`` [USD bn]; solved with :func:`scipy.optimize.linprog`
    (HiGHS). The greedy split of :func:`decompose_circulation` is one feasible point, so it
    never exceeds this bound.

    Raises
    ------
    ValueError
        When the graph has more than ``max_cycles`` simple cycles.
    """
    from scipy.optimize import linprog

    amounts = {(u, v): float(d["amount_usd_bn"]) for u, v, d in graph.edges(data=True)}
    cycles = _simple_cycles(amounts, max_cycles)
    if not cycles:
        return 0.0
    edges = sorted(amounts)
    index = {e: i for i, e in enumerate(edges)}
    usage = np.zeros((len(edges), len(cycles)))
    for j, cycle in enumerate(cycles):
        for e in _cycle_edges(cycle):
            usage[index[e], j] = 1.0
    result = linprog(
        c=-np.ones(len(cycles)),
        A_ub=usage,
        b_ub=np.array([amounts[e] for e in edges]),
        bounds=[(0.0, None)] * len(cycles),
        method="highs",
    )
    if not result.success:  # pragma: no cover - zero is always feasible
        raise RuntimeError(f"max circular volume: {result.message}")
    return float(-result.fun)


def circular_share_pct(circular_volume_usd_bn: float, total_flows_usd_bn: float) -> float:
    """Share of all the money that goes round and comes back to where it started.

    ``100 × circular_volume / total_flows`` [%], with the circular volume counting each loop
    once (:attr:`CirculationSplit.circular_volume_usd_bn`); 0 when there are no flows.
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


def apply_deal_reading(
    flows: pd.DataFrame,
    deal: Deal,
    *,
    ids: Mapping[str, Mapping[str, str | tuple[str, ...]]] = DEAL_FLOW_IDS,
) -> pd.DataFrame:
    """The flows with the Amazon–OpenAI deal set from a scenario's parameters.

    The reading is the collection's one rule, :func:`valse.model.deal.reading`. Rumour: the talks
    row carries ``amazon_investment_usd_bn`` and the OpenAI → Amazon row
    ``aws_services_usd_bn``. Reported: the upfront row carries ``amazon_upfront_usd_bn``, the
    contingent row ``amazon_investment − amazon_upfront``, the AWS expansion
    ``aws_services_usd_bn``. The rows the reading replaces are dropped (see
    :data:`DEAL_FLOW_IDS`), so that no talks are added to the deal that replaced them. Other
    rows are untouched; rows already filtered out stay out.

    Returns
    -------
    pandas.DataFrame
        A new frame with ``reading`` and ``case`` (:func:`valse.model.deal.case`) in
        ``frame.attrs``.
    """
    from valse.model.deal import case, reading

    the_reading = reading(deal)
    spec = ids[the_reading]
    present = set(flows["id"])
    out = flows[~flows["id"].isin(list(spec["drop"]))]
    if the_reading == "rumour":
        amounts = {spec["investment"]: deal.amazon_investment_usd_bn}
    else:
        amounts = {
            spec["upfront"]: deal.amazon_upfront_usd_bn,
            spec["contingent"]: deal.amazon_investment_usd_bn - deal.amazon_upfront_usd_bn,
        }
    amounts[spec["services"]] = deal.aws_services_usd_bn
    out = set_amounts(out, {k: v for k, v in amounts.items() if k in present})
    out.attrs["reading"] = the_reading
    out.attrs["case"] = case(deal)
    return out


# --- one basis: kinds, terms, probabilities -------------------------------------------

#: Bases on which flows are added up: present value at a discount rate, a yearly amount over
#: each flow's term, or nominal (contract totals, as announced).
BASES: tuple[str, ...] = ("pv", "yearly", "nominal")
#: Reader-facing names of the bases.
BASIS_NAMES: dict[str, str] = {
    "pv": "present values",
    "yearly": "yearly amounts over each flow's term",
    "nominal": "nominal contract totals",
}


def annuity_factor(discount_rate: float, term_years: float) -> float:
    """Present value of 1 a year for ``n`` years, paid at the end of each year.

    ``Σ_{t=1..n} (1 + r)^−t = (1 − (1 + r)^−n) / r``, and ``n`` when ``r = 0`` [years].
    A fractional ``n`` uses the same closed form.

    Parameters
    ----------
    discount_rate : float
        Annual rate ``r`` [0–1].
    term_years : float
        Number of yearly payments ``n`` [years], > 0.
    """
    if not 0.0 <= discount_rate < 1.0:
        raise ValueError(f"discount_rate: expected a rate in [0, 1), found {discount_rate!r}")
    if not term_years > 0:
        raise ValueError(f"term_years: expected a term > 0, found {term_years!r}")
    if discount_rate == 0:
        return float(term_years)
    return (1.0 - (1.0 + discount_rate) ** -term_years) / discount_rate


def commitment_pv_usd_bn(amount_usd_bn: float, term_years: float, discount_rate: float) -> float:
    """Present value of a commitment paid evenly over its term.

    ``amount / n × annuity_factor(r, n)`` [USD bn]: ``amount / n`` at the end of each of the
    ``n`` years, discounted at ``r``. A term of 0 is paid now (the amount itself). Equity
    bought at signing has term 0; a purchase commitment its contract's term.
    """
    if term_years < 0:
        raise ValueError(f"term_years: expected a term >= 0, found {term_years!r}")
    if term_years == 0:
        return float(amount_usd_bn)
    return amount_usd_bn / term_years * annuity_factor(discount_rate, term_years)


def commitment_yearly_usd_bn(amount_usd_bn: float, term_years: float) -> float:
    """Yearly amount of a commitment over its term: ``amount / max(n, 1)`` [USD bn per year].

    A flow paid at once (term 0, or under a year) is all in one year.
    """
    if term_years < 0:
        raise ValueError(f"term_years: expected a term >= 0, found {term_years!r}")
    return amount_usd_bn / max(term_years, 1.0)


def basis_factor(term_years: float, basis: str, discount_rate: float) -> float:
    """What one USD of nominal amount counts for on ``basis`` (see :data:`BASES`)."""
    if basis == "nominal":
        return 1.0
    if basis == "pv":
        return commitment_pv_usd_bn(1.0, term_years, discount_rate)
    if basis == "yearly":
        return commitment_yearly_usd_bn(1.0, term_years)
    raise ValueError(f"basis: expected one of {', '.join(BASES)}, found {basis!r}")


def is_money_committed(flows: pd.DataFrame) -> pd.Series:
    """True for the rows that are sourced money committed: kind in
    :data:`~valse.flowdata.MONEY_KINDS` and status in :data:`~valse.flowdata.MONEY_STATUSES`.
    Estimates of value (status ``estimate``), price concessions and guarantees are not."""
    return flows["kind"].isin(MONEY_KINDS) & flows["status"].isin(MONEY_STATUSES)


def money_committed_usd_bn(flows: pd.DataFrame, column: str = AMOUNT) -> float:
    """Σ ``column`` over the rows :func:`is_money_committed` keeps [USD bn]: an estimate is
    never in it."""
    return float(flows.loc[is_money_committed(flows), column].sum())


def money_flows(flows: pd.DataFrame, include_estimates: bool) -> pd.DataFrame:
    """The rows that enter the web of money: money committed, plus estimated purchases of
    money kinds (the chip legs) when ``include_estimates``. Price concessions and
    guarantees never enter it (a concession lowers a price; a guarantee pays only on a
    default)."""
    keep = is_money_committed(flows)
    if include_estimates:
        keep |= flows["kind"].isin(MONEY_KINDS) & flows["status"].eq("estimate")
    return flows.loc[keep].copy()


def contingent_probabilities(
    flows: pd.DataFrame,
    facts: Mapping[str, Fact],
    overrides: Mapping[str, tuple[float, float, float]] | None = None,
) -> dict[str, tuple[float, float, float]]:
    """Probability (low, central, high) of each conditional flow [0–1 each].

    From the fact named in the row's ``probability_fact`` (its value and range), or from
    ``overrides`` by flow id (a scenario's parameters for Amazon's OpenAI tranche).

    Raises
    ------
    KeyError
        When a conditional flow's fact is missing (the message names the flow and the fact).
    ValueError
        When a probability is outside [0, 1] or the range does not bracket the value.
    """
    overrides = dict(overrides or {})
    out: dict[str, tuple[float, float, float]] = {}
    for row in flows[flows["kind"] == "equity_conditional"].itertuples():
        if row.id in overrides:
            low, mid, high = (float(x) for x in overrides[row.id])
        else:
            fid = getattr(row, "probability_fact", "")
            if not fid:
                continue
            if fid not in facts:
                raise KeyError(f"flow {row.id!r}: probability_fact {fid!r} is not a fact")
            fact = facts[fid]
            mid = fact.number
            low = mid if fact.low is None else float(fact.low)
            high = mid if fact.high is None else float(fact.high)
        if not 0.0 <= low <= mid <= high <= 1.0:
            raise ValueError(
                f"flow {row.id!r}: expected probabilities 0 <= low <= central <= high <= 1, "
                f"found {low!r}, {mid!r}, {high!r}"
            )
        out[row.id] = (low, mid, high)
    return out


def expected_values(
    flows: pd.DataFrame,
    probabilities: Mapping[str, tuple[float, float, float]],
    basis: str,
    discount_rate: float,
) -> pd.DataFrame:
    """The flows valued on one basis, conditional amounts at their probability.

    ``value_usd_bn = amount × probability × basis_factor(term)`` [USD bn, or USD bn per year
    on the yearly basis], with probability 1 for every flow that is not conditional and the
    central probability of ``probabilities`` for those that are.

    Returns
    -------
    pandas.DataFrame
        A copy with columns ``probability``, ``factor`` and ``value_usd_bn`` added.

    Raises
    ------
    KeyError
        When a conditional flow has no probability (none can enter a sum at face value).
    """
    out = flows.copy()
    missing = [
        i
        for i, k in zip(out["id"], out["kind"], strict=True)
        if k == "equity_conditional" and i not in probabilities
    ]
    if missing:
        raise KeyError(f"conditional flows without a probability: {', '.join(missing)}")
    out["probability"] = [probabilities[i][1] if i in probabilities else 1.0 for i in out["id"]]
    out["factor"] = [basis_factor(float(n), basis, discount_rate) for n in out["term_years"]]
    out["value_usd_bn"] = out[AMOUNT] * out["probability"] * out["factor"]
    return out


def draw_values(
    valued: pd.DataFrame,
    probabilities: Mapping[str, tuple[float, float, float]],
    generator: np.random.Generator,
    draws: int,
) -> np.ndarray:
    """Random values of every flow, on the basis of :func:`expected_values`.

    Each amount is drawn from its range (:func:`draw_amounts`); each conditional flow is
    then paid or not, as an event whose probability is itself drawn on its (low, central,
    high) range (:func:`tranche_paid_draws`), the same way for every one of them; the result
    is multiplied by the flow's basis factor.

    Returns
    -------
    numpy.ndarray
        Shape ``(draws, len(valued))`` [USD bn on the basis].
    """
    amounts = draw_amounts(valued, generator, draws)
    for j, fid in enumerate(valued["id"]):
        if fid in probabilities:
            low, mid, high = probabilities[fid]
            amounts[:, j] *= tranche_paid_draws(generator, low, mid, high, draws)
    return amounts * valued["factor"].to_numpy()[None, :]


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
    from valse.model.uncertainty import triangular

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
        answers.append((split.total_usd_bn, split.circular_volume_usd_bn, split.circular_share_pct))
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
    from valse.model.uncertainty import triangular

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
    stake_kinds: Sequence[str] = ("equity_paid", "equity_conditional"),
    amount_column: str = AMOUNT,
) -> pd.DataFrame:
    """Each investor's stakes in rival model makers, and their share of its AI bets.

    An investor's *AI bets* are all its flows of a stake kind (equity) in the data;
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
    bets = stakes.groupby("from")[amount_column].sum()
    into = stakes[stakes["to"].isin(model_makers)].groupby(["from", "to"])[amount_column].sum()
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


# --- suppliers that invest in their customers ------------------------------------------

EQUITY_KINDS: tuple[str, ...] = ("equity_paid", "equity_conditional")


def supplier_equity_to_purchases(
    valued: pd.DataFrame,
    buyers: Sequence[str] = ("OpenAI", "Anthropic"),
    column: str = "value_usd_bn",
) -> pd.DataFrame:
    """Each supplier's equity in a buyer as a share of what that buyer buys from it.

    For a supplier ``S`` and a buyer ``B``: ``equity`` = Σ of S's equity flows into B (paid
    and conditional, at their probability), ``concession`` = Σ of S's price concessions to B
    (warrants or shares granted with a purchase, an estimate of value), ``purchases`` = Σ of
    B's purchase commitments to S, all in ``column`` (one basis, e.g. present values), and
    ``ratio_pct = 100 × (equity + concession) / purchases`` [%]: how much of the compute bought
    the supplier puts back in as equity or a price cut.

    Returns
    -------
    pandas.DataFrame
        One row per (supplier, buyer) pair with purchases > 0 and equity or concession > 0:
        ``supplier``, ``buyer``, ``equity_usd_bn``, ``concession_usd_bn``,
        ``purchases_usd_bn``, ``ratio_pct``, ``estimated_purchases`` (true when part of the
        purchases is an estimate); largest ratio first.
    """
    rows = []
    status = valued["status"] if "status" in valued else pd.Series("confirmed", valued.index)
    for buyer in buyers:
        bought = valued[(valued["from"] == buyer) & (valued["kind"] == "purchase_commitment")]
        for supplier in sorted(set(bought["to"])):
            mine = bought[bought["to"] == supplier]
            purchases = float(mine[column].sum())
            given = valued[(valued["from"] == supplier) & (valued["to"] == buyer)]
            equity = float(given.loc[given["kind"].isin(EQUITY_KINDS), column].sum())
            concession = float(given.loc[given["kind"] == "price_concession", column].sum())
            if purchases <= 0 or equity + concession <= 0:
                continue
            rows.append(
                {
                    "supplier": supplier,
                    "buyer": buyer,
                    "equity_usd_bn": equity,
                    "concession_usd_bn": concession,
                    "purchases_usd_bn": purchases,
                    "ratio_pct": 100.0 * (equity + concession) / purchases,
                    "estimated_purchases": bool(status.loc[mine.index].eq("estimate").any()),
                }
            )
    columns = [
        "supplier",
        "buyer",
        "equity_usd_bn",
        "concession_usd_bn",
        "purchases_usd_bn",
        "ratio_pct",
        "estimated_purchases",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["ratio_pct", "supplier"], ascending=[False, True]).reset_index(
        drop=True
    )


def supplier_share_of_equity(
    flows: pd.DataFrame,
    buyers: Sequence[str] = ("OpenAI", "Anthropic"),
    column: str = AMOUNT,
) -> pd.DataFrame:
    """The share of each buyer's equity raised, year by year, that came from its suppliers.

    A *supplier* of a buyer is a company the buyer has a purchase commitment to in
    ``flows``. For each buyer and year of announcement: ``equity_usd_bn`` = Σ of the equity
    flows into the buyer (headline amounts as announced, the way rounds are reported,
    conditional parts included), ``from_suppliers_usd_bn`` the part from suppliers, and
    ``supplier_share_pct = 100 × from_suppliers / equity`` [%]. The data hold the large
    strategic investors, not every investor of a round, so the share is of the equity in
    the data.

    Returns
    -------
    pandas.DataFrame
        Columns ``buyer``, ``year``, ``equity_usd_bn``, ``from_suppliers_usd_bn``,
        ``supplier_share_pct`` and ``suppliers`` (names, comma-separated).
    """
    rows = []
    for buyer in buyers:
        suppliers = set(
            flows.loc[(flows["from"] == buyer) & (flows["kind"] == "purchase_commitment"), "to"]
        )
        raised = flows[(flows["to"] == buyer) & flows["kind"].isin(EQUITY_KINDS)]
        raised = raised[raised[column] > 0]
        years = raised["announced"].astype(str).str[:4]
        for year in sorted(set(years)):
            these = raised[years == year]
            total = float(these[column].sum())
            mask = these["from"].isin(suppliers)
            part = float(these.loc[mask, column].sum())
            rows.append(
                {
                    "buyer": buyer,
                    "year": int(year),
                    "equity_usd_bn": total,
                    "from_suppliers_usd_bn": part,
                    "supplier_share_pct": 100.0 * part / total if total else 0.0,
                    "suppliers": ", ".join(sorted(set(these.loc[mask, "from"]))),
                }
            )
    columns = [
        "buyer",
        "year",
        "equity_usd_bn",
        "from_suppliers_usd_bn",
        "supplier_share_pct",
        "suppliers",
    ]
    return pd.DataFrame(rows, columns=columns)


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


def market_growth_rate(shares: pd.DataFrame, series: str, quarter: str) -> float:
    """Yearly growth of the market's size: ``M_q / M_{q − 4 quarters} − 1`` [0–1 a year].

    From the ``market_usd_bn`` column of ``cloud_shares.csv`` for one series (a derived
    estimate: the same quarter a year apart, so seasonality cancels).

    Raises
    ------
    KeyError
        When either quarter has no market size in the data (the message names them).
    """
    year, q = int(quarter[:4]), quarter[-1]
    before = f"{year - 1}Q{q}"
    sizes = {}
    for name in (quarter, before):
        rows = shares[(shares["quarter"] == name) & (shares["series"] == series)]
        size = rows["market_usd_bn"].dropna()
        if size.empty:
            raise KeyError(f"no market size for {name} ({series}) in the cloud shares")
        sizes[name] = float(size.iloc[0])
    return sizes[quarter] / sizes[before] - 1.0


def share_path(
    shares_pct: Mapping[str, float],
    yearly_market_usd_bn: float,
    market_growth: float,
    contract_usd_bn: float,
    contract_years: float,
    deal_caused_share: float,
    diversion: Mapping[str, float],
    to_provider: str = "AWS",
) -> pd.DataFrame:
    """Market shares and HHI year by year over a contract, with and without the deal.

    Without the deal the market grows at ``g`` from today's yearly size ``Y0`` and every
    provider keeps today's share: ``M_t = Y0 (1 + g)^t``. The deal causes
    ``C_t = deal_caused_share × S_t`` of spending at ``to_provider``, where ``S_t`` is the
    contract's spending in year ``t`` (``contract / n`` a year, a part-year at the end). Of
    it, ``diversion[j] × C_t`` would otherwise have gone to rival ``j`` (it moves from j to
    the provider) and the rest, ``(1 − Σ_j diversion[j]) × C_t``, is demand that would not
    otherwise have existed (it grows the market and the provider). Shares are taken of
    ``M_t`` plus that new demand; providers outside ``shares_pct`` keep their dollars.

    Parameters
    ----------
    shares_pct : mapping provider -> share [%]
        Today's shares (the providers in the data; the HHI over them is a lower bound).
    yearly_market_usd_bn : float
        Size of the market over a year today, ``Y0`` [USD bn], e.g. 4 × the latest quarter.
    market_growth : float
        Yearly growth ``g`` of the market without the deal [0–1 a year].
    contract_usd_bn, contract_years : float
        The contract's value [USD bn] and term ``n`` [years].
    deal_caused_share : float
        Share of the contract's spending that the deal itself causes [0–1]; 0 moves nothing.
    diversion : mapping rival -> share [0–1]
        Share of the caused spending each rival would otherwise have had (Σ ≤ 1).
    to_provider : str
        The provider that gains (in ``shares_pct``).

    Returns
    -------
    pandas.DataFrame
        One row per year of the contract: ``year`` (1, 2, …), ``market_usd_bn`` (``M_t``),
        ``caused_usd_bn`` (``C_t``), ``share_before_pct`` and ``share_after_pct`` of
        ``to_provider``, ``shift_pct_points`` (their difference), ``hhi_before``,
        ``hhi_after`` and ``hhi_delta`` [HHI points].

    Raises
    ------
    ValueError
        For a share outside [0, 1], a diversion adding up to more than 1, an unknown rival
        or a diversion larger than the rival's spending in a year.
    """
    if not 0.0 <= deal_caused_share <= 1.0:
        raise ValueError(
            f"deal_caused_share: expected a share in [0, 1], found {deal_caused_share!r}"
        )
    for name, d in diversion.items():
        if name not in shares_pct or name == to_provider:
            raise ValueError(
                f"diversion: expected a rival among {sorted(shares_pct)}, found {name!r}"
            )
        if not 0.0 <= d <= 1.0:
            raise ValueError(f"diversion from {name}: expected a share in [0, 1], found {d!r}")
    if sum(diversion.values()) > 1.0 + 1e-12:
        raise ValueError(f"diversion: shares add up to {sum(diversion.values()):g}, more than 1")
    if to_provider not in shares_pct:
        raise KeyError(f"provider {to_provider!r} not in the shares ({', '.join(shares_pct)})")
    if contract_years <= 0 or yearly_market_usd_bn <= 0 or market_growth <= -1:
        raise ValueError(
            "contract_years and yearly_market_usd_bn must be > 0 and market_growth > -1, found "
            f"{contract_years}, {yearly_market_usd_bn}, {market_growth}"
        )
    hhi_before = herfindahl_index(shares_pct.values())
    new_demand_share = 1.0 - sum(diversion.values())
    rows = []
    for t in range(1, int(np.ceil(contract_years)) + 1):
        spend = contract_usd_bn / contract_years * min(1.0, contract_years - (t - 1))
        market = yearly_market_usd_bn * (1.0 + market_growth) ** t
        caused = deal_caused_share * spend
        dollars = {p: s / 100.0 * market for p, s in shares_pct.items()}
        for rival, d in diversion.items():
            if d * caused > dollars[rival] + 1e-9:
                raise ValueError(
                    f"diversion from {rival}: {d * caused:.3g} USD bn in year {t}, more than its "
                    f"{dollars[rival]:.3g} USD bn of spending"
                )
            dollars[rival] -= d * caused
        dollars[to_provider] += caused
        total = market + new_demand_share * caused
        if caused == 0:  # nothing moves: today's shares exactly, not up to rounding
            after = {p: float(s) for p, s in shares_pct.items()}
        else:
            after = {p: 100.0 * v / total for p, v in dollars.items()}
        hhi_after = herfindahl_index(after.values())
        rows.append(
            {
                "year": t,
                "market_usd_bn": market,
                "caused_usd_bn": caused,
                "share_before_pct": float(shares_pct[to_provider]),
                "share_after_pct": after[to_provider],
                "shift_pct_points": after[to_provider] - float(shares_pct[to_provider]),
                "hhi_before": hhi_before,
                "hhi_after": hhi_after,
                "hhi_delta": hhi_after - hhi_before,
            }
        )
    return pd.DataFrame(rows)


def buyer_side_hhi(
    valued: pd.DataFrame,
    buyers: Sequence[str] = ("OpenAI", "Anthropic"),
    column: str = "value_usd_bn",
) -> tuple[float, pd.Series]:
    """HHI of the sellers of the compute that some buyers have committed to buy.

    Each seller's share is ``100 × Σ purchases from it / Σ all purchases`` by ``buyers``
    (purchase commitments only, in ``column``: one basis). A market much narrower than all
    cloud: contracted compute for the two frontier labs in the data, not capacity delivered,
    and without other frontier buyers (their contracts are not in the data).

    Returns
    -------
    (float, pandas.Series)
        The index [HHI points] and the sellers' shares [%], largest first.
    """
    bought = valued[valued["from"].isin(list(buyers)) & (valued["kind"] == "purchase_commitment")]
    by_seller = bought.groupby("to")[column].sum()
    by_seller = by_seller[by_seller > 0]
    if by_seller.empty:
        return 0.0, pd.Series(dtype=float)
    shares = (100.0 * by_seller / by_seller.sum()).sort_values(ascending=False)
    return herfindahl_index(shares.clip(upper=100.0)), shares


# --- the web of one scenario ------------------------------------------------------------


@dataclass(frozen=True)
class Web:
    """The flows of one scenario on one basis, and the split of them into loops.

    Attributes
    ----------
    every_status : DataFrame
        The flows in the date window with the deal set (:func:`apply_deal_reading`), every
        status and kind; ``attrs`` hold the deal's ``reading`` and ``case``.
    valued : DataFrame
        The rows that enter the web (:func:`money_flows`), valued on the basis
        (:func:`expected_values`: column ``value_usd_bn``).
    concessions : DataFrame
        Price concessions in the window, valued (shown apart, never added to money).
    probabilities : dict
        Flow id -> (low, central, high) probability of each conditional flow.
    basis : str
        One of :data:`BASES`.
    graph : networkx.DiGraph
        :func:`flow_graph` of ``valued`` on ``value_usd_bn``.
    split : CirculationSplit
        :func:`decompose_circulation` of ``graph`` (greedy).
    """

    every_status: pd.DataFrame
    valued: pd.DataFrame
    concessions: pd.DataFrame
    probabilities: dict[str, tuple[float, float, float]]
    basis: str
    graph: nx.DiGraph
    split: CirculationSplit

    @property
    def reading(self) -> str:
        """The deal's reading (:func:`valse.model.deal.reading`)."""
        return str(self.every_status.attrs["reading"])

    @property
    def case(self) -> str:
        """The deal's case (:func:`valse.model.deal.case`)."""
        return str(self.every_status.attrs["case"])


#: The flow whose probability is the scenario's ``contingent_tranche_probability``.
TRANCHE_ID = "amazon_openai_2026_contingent"


def build_web(
    all_flows: pd.DataFrame,
    deal: Deal,
    facts: Mapping[str, Fact],
    *,
    tranche_probability_range: tuple[float, float, float],
    statuses: Iterable[str] = MONEY_STATUSES,
    include_estimates: bool = True,
    date_from: str | None = None,
    date_to: str | None = None,
    basis: str = "pv",
    discount_rate: float = 0.09,
) -> Web:
    """The web of one scenario: window, deal, statuses, basis, probabilities, split.

    ``tranche_probability_range`` is (low, central, high) of Amazon's milestone tranche (the
    scenario's ``contingent_tranche_probability`` and its range); every other conditional
    flow takes its probability from the fact its row names.
    """
    window = filter_flows(all_flows, statuses=FLOW_STATUSES, date_from=date_from, date_to=date_to)
    every_status = apply_deal_reading(window, deal)
    kept = filter_flows(every_status, statuses=(*statuses, "estimate"))
    probabilities = contingent_probabilities(kept, facts, {TRANCHE_ID: tranche_probability_range})
    valued = expected_values(
        money_flows(kept, include_estimates), probabilities, basis, discount_rate
    )
    concessions = expected_values(
        kept[kept["kind"] == "price_concession"], probabilities, basis, discount_rate
    )
    graph = flow_graph(valued, amount_column="value_usd_bn")
    return Web(
        every_status,
        valued,
        concessions,
        probabilities,
        basis,
        graph,
        decompose_circulation(graph),
    )


def web_draws(web: Web, generator: np.random.Generator, draws: int) -> pd.DataFrame:
    """The Monte Carlo of a web: :func:`circulation_draws` over :func:`draw_values`."""
    values = draw_values(web.valued, web.probabilities, generator, draws)
    return circulation_draws(web.valued, values)
