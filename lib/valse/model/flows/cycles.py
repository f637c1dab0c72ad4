"""Money that goes round: cycles, the split into a circulating and a one-way part, the
circular share (each loop counted once) and its linear-programme upper bound.

:func:`cycles_table` lists every simple cycle with its bottleneck; :func:`decompose_circulation`
splits the flows by cycle cancelling (:class:`CirculationSplit`); :func:`circular_share_pct`
is the money that goes round over all the money; :func:`max_circular_volume_usd_bn` the most
that any split into loops could count. Amounts in USD billions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx
import numpy as np
import pandas as pd


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
    return _max_circulation_of(
        {(u, v): float(d["amount_usd_bn"]) for u, v, d in graph.edges(data=True)})


def _max_circulation_of(amounts: Mapping[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """:func:`_max_circulation` of the edges' amounts (payer, receiver) -> USD bn."""
    from scipy.optimize import linprog

    edges = [(u, v, a) for (u, v), a in amounts.items() if a > 0]
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
    return decompose_amounts(total, method, max_cycles)


def decompose_amounts(
    total: Mapping[tuple[str, str], float], method: str = "greedy", max_cycles: int = 100_000
) -> CirculationSplit:
    """:func:`decompose_circulation` of the aggregated edges' amounts, without a graph.

    ``total``: (payer, receiver) -> amount [USD bn], one entry per edge of the graph, in the
    graph's edge order (the sums of the split add the edges in that order). A Monte Carlo of
    the flows (:func:`valse.model.flows.draws.circulation_draws`) calls it once per distinct
    draw with the amounts :func:`~valse.model.flows.graph.flow_graph` would aggregate.
    """
    total = dict(total)
    tol = 1e-9 * max(1.0, sum(total.values()))
    if method == "max":
        source = _max_circulation_of(total)
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
