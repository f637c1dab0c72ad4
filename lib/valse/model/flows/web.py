"""The web of one scenario: the window, the deal's reading, the statuses, the basis,
the probabilities and the split into loops, in one frozen object (:func:`build_web`), and
its Monte Carlo (:func:`web_draws`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from valse.data.facts import Fact
from valse.data.flowdata import FLOW_STATUSES, MONEY_STATUSES
from valse.model.deal import Deal
from valse.model.flows.basis import contingent_probabilities, expected_values, money_flows
from valse.model.flows.cycles import CirculationSplit, decompose_circulation
from valse.model.flows.draws import circulation_draws, draw_values
from valse.model.flows.graph import flow_graph
from valse.model.flows.selection import apply_deal_reading, filter_flows


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
