"""The cross-investment web ("grande valse") and market concentration, one concept a module.

* :mod:`~valse.data.flowdata` and :mod:`~valse.data.sharedata`: load and validate
  ``data/flows.csv`` (and its vocabularies: companies, kinds, statuses) and
  ``data/cloud_shares.csv``;
* :mod:`~valse.model.flows.graph`: the directed graph of the flows, positions, matrix, pairs;
* :mod:`~valse.model.flows.selection`: filters (status, kind, date window) and the deal's reading;
* :mod:`~valse.model.flows.basis`: one basis for every sum (present value, yearly, nominal), money
  committed against estimates, conditional amounts at their probability;
* :mod:`~valse.model.flows.draws`: the Monte Carlo of amounts and conditional events;
* :mod:`~valse.model.flows.cycles`: cycles, the split into circulating and one-way money, the
  circular share (each loop counted once) and its LP upper bound;
* :mod:`~valse.model.flows.suppliers`: supplier equity against purchases, suppliers' share of a
  round, investors' stakes in rival labs;
* :mod:`~valse.model.flows.concentration` and :mod:`~valse.model.flows.shift`: HHI, merger-guideline
  screen, narrower markets, and the deal's share shift year by year;
* :mod:`~valse.model.flows.web`: the web of one scenario (:func:`~valse.model.flows.web.build_web`).

All amounts are in USD billions; the model functions are pure. Library modules and tests
import a name from the module that holds it (``from valse.model.flows.cycles import
decompose_circulation``). The model's names are also re-exported here, as the package's front
door for notebooks and panels (``from valse import flows as fl; fl.money_positions(graph)``),
so that a short call does not need to know which module holds it.
"""

from valse.model.flows.basis import (
    BASES,
    BASIS_NAMES,
    annuity_factor,
    basis_factor,
    commitment_pv_usd_bn,
    commitment_yearly_usd_bn,
    contingent_probabilities,
    expected_values,
    is_money_committed,
    money_committed_usd_bn,
    money_flows,
)
from valse.model.flows.concentration import (
    MergerScreen,
    buyer_side_hhi,
    herfindahl_index,
    hhi_after_shift,
    hhi_by_quarter,
    hhi_change_from_shift,
    merger_screen,
    shares_in,
)
from valse.model.flows.cycles import (
    CirculationSplit,
    circular_share_pct,
    cycles_table,
    decompose_circulation,
    max_circular_volume_usd_bn,
    max_circulation_usd_bn,
)
from valse.model.flows.draws import (
    circular_share_pct_draws,
    circulation_draws,
    draw_amounts,
    draw_values,
    tranche_paid_draws,
)
from valse.model.flows.graph import (
    AMOUNT,
    flow_edges_by_kind,
    flow_graph,
    flow_matrix,
    money_positions,
    reciprocal_pairs,
    total_flows_usd_bn,
)
from valse.model.flows.selection import DEAL_FLOW_IDS, apply_deal_reading, filter_flows, set_amounts
from valse.model.flows.shift import market_growth_rate, share_path, share_shift_pct_points
from valse.model.flows.suppliers import (
    EQUITY_KINDS,
    investor_exposure,
    supplier_equity_to_purchases,
    supplier_share_of_equity,
)
from valse.model.flows.web import TRANCHE_ID, Web, build_web, web_draws

__all__ = [
    "AMOUNT", "BASES", "BASIS_NAMES", "DEAL_FLOW_IDS", "EQUITY_KINDS", "TRANCHE_ID",
    "CirculationSplit", "MergerScreen", "Web",
    "annuity_factor", "apply_deal_reading", "basis_factor", "build_web", "buyer_side_hhi",
    "circular_share_pct", "circular_share_pct_draws", "circulation_draws",
    "commitment_pv_usd_bn", "commitment_yearly_usd_bn", "contingent_probabilities",
    "cycles_table", "decompose_circulation", "draw_amounts", "draw_values", "expected_values",
    "filter_flows", "flow_edges_by_kind", "flow_graph", "flow_matrix", "herfindahl_index",
    "hhi_after_shift", "hhi_by_quarter", "hhi_change_from_shift", "investor_exposure",
    "is_money_committed", "market_growth_rate", "max_circular_volume_usd_bn",
    "max_circulation_usd_bn", "merger_screen", "money_committed_usd_bn", "money_flows",
    "money_positions", "reciprocal_pairs", "set_amounts", "share_path",
    "share_shift_pct_points", "shares_in", "supplier_equity_to_purchases",
    "supplier_share_of_equity", "total_flows_usd_bn", "tranche_paid_draws", "web_draws",
]
