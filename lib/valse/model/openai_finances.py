"""Can OpenAI pay? Its committed compute against its revenue and cash, backlog concentration,
capacity against delivery, and the supplier share of its round.

Pure functions (amounts in USD bn, years as calendar years, shares as fractions 0–1 unless a
name ends in ``_pct``):

- :func:`annualised_commitments_usd_bn`: each compute contract spread evenly over its term;
- :func:`revenue_path_usd_bn`: a revenue path through projected points (geometric between
  them);
- :func:`sources_and_uses`: revenue, committed compute, other cash costs, the cash balance and
  the money OpenAI must raise each year; :func:`coverage_ratio` (revenue ÷ committed compute);
- :func:`renegotiation_risk`: a simple rule turning the funding gap into a probability that
  OpenAI renegotiates or defers its commitments, and a recovery for the providers;
- :func:`backlog_share_pct`: the share of a provider's backlog that named customers make up;
- :func:`build_quarters`, :func:`implied_capex_usd_bn`: capacity against delivery;
- :func:`supplier_share_pct`: the share of a round paid by the company's suppliers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Contract:
    """One compute commitment of OpenAI to a provider."""

    provider: str  # who sells the compute
    total_usd_bn: float  # contract value [USD bn]
    start_year: int  # first calendar year billed [year]
    term_years: float  # years over which it is consumed [years], positive
    facts: tuple[str, ...] = ()  # fact ids it stands on

    def __post_init__(self) -> None:
        if self.total_usd_bn < 0:
            raise ValueError(f"Contract {self.provider!r}: total_usd_bn must be non-negative, "
                             f"found {self.total_usd_bn}")
        if not self.term_years > 0:
            raise ValueError(f"Contract {self.provider!r}: term_years must be positive, "
                             f"found {self.term_years}")


def contract_schedule_usd_bn(total_usd_bn: float, start_year: int, term_years: Any,
                             years: Sequence[int]) -> np.ndarray:
    """One contract's spending in each calendar year, spread evenly over its term.

    A contract of total ``V`` starting in year ``s`` with term ``n`` years is billed at
    ``V / n`` a year over ``[s, s + n)``: ``V / n × clip(s + n − y, 0, 1)`` in each year
    ``y ≥ s``, so a fractional term bills the last year in proportion (a term of 2.5 years: two
    full years and half a year) and the years sum back to ``V`` when ``years`` covers the term.

    ``term_years`` is a number or an array of terms (one per Monte Carlo draw) [years].

    Returns
    -------
    numpy.ndarray
        Shape ``(len(years),)`` for one term, ``(len(term_years), len(years))`` for an array
        [USD bn per year].
    """
    y = np.asarray(years, dtype=float)
    term = np.asarray(term_years, dtype=float)[..., None]
    if not np.all(term > 0):
        raise ValueError(f"contract_schedule_usd_bn: every term must be positive, found "
                         f"{term.min()}")
    billed = total_usd_bn / term * np.clip(start_year + term - y, 0.0, 1.0)
    return np.where(y >= start_year, billed, 0.0).reshape(np.shape(term_years) + y.shape)


def annualised_commitments_usd_bn(
    contracts: Sequence[Contract], years: Sequence[int]
) -> np.ndarray:
    """Each contract's spending in each calendar year (:func:`contract_schedule_usd_bn`).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(years), len(contracts))`` [USD bn per year].
    """
    out = np.zeros((len(years), len(contracts)))
    for j, c in enumerate(contracts):
        out[:, j] = contract_schedule_usd_bn(c.total_usd_bn, c.start_year, c.term_years, years)
    return out


def committed_compute_usd_bn(contracts: Sequence[Contract], years: Sequence[int],
                             terms: Mapping[str, Any] | None = None) -> np.ndarray:
    """All ``contracts``' spending in each year, some providers' terms drawn.

    ``Σ_contracts`` :func:`contract_schedule_usd_bn`, summed in the contracts' order (as
    :func:`annualised_commitments_usd_bn`'s rows are). ``terms`` maps a provider to an array of
    drawn terms [years], one per Monte Carlo draw; the others keep their own term.

    Returns
    -------
    numpy.ndarray
        ``(len(years),)`` without drawn terms, ``(draws, len(years))`` with them [USD bn].
    """
    terms = terms or {}
    total = np.zeros(len(years))
    for c in contracts:
        term = terms.get(c.provider, c.term_years)
        total = total + contract_schedule_usd_bn(c.total_usd_bn, c.start_year, term, years)
    return total


def revenue_path_usd_bn(points: Mapping[int, float], years: Sequence[int]) -> np.ndarray:
    """Revenue in each year through projected points: geometric between them, flat outside.

    Between two points ``(y0, R0)`` and ``(y1, R1)`` revenue grows at the constant rate
    ``(R1 / R0)^(1 / (y1 − y0)) − 1``; before the first point it is the first point's value,
    after the last the last's (no extrapolation of growth).

    Returns
    -------
    numpy.ndarray
        One revenue a year [USD bn].
    """
    if not points:
        raise ValueError("revenue_path_usd_bn: expected at least one point, found none")
    for y, r in points.items():
        if not r > 0:
            raise ValueError(f"revenue_path_usd_bn: revenue of {y} must be positive, found {r}")
    known = sorted(points.items())
    xs = np.array([y for y, _ in known], dtype=float)
    logs = np.log([r for _, r in known])
    return np.exp(np.interp(np.asarray(years, dtype=float), xs, logs))


def coverage_ratio(revenue_usd_bn, compute_usd_bn) -> np.ndarray:
    """Revenue ÷ committed compute cost, year by year [x]; ``inf`` where nothing is committed."""
    revenue = np.asarray(revenue_usd_bn, dtype=float)
    compute = np.asarray(compute_usd_bn, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(compute > 0, revenue / np.where(compute > 0, compute, 1.0), np.inf)


def sources_and_uses(
    revenue_usd_bn, compute_usd_bn, other_cost_share: Any, cash_usd_bn: float,
    money_to_come_usd_bn: float = 0.0,
) -> dict[str, np.ndarray]:
    """OpenAI's sources and uses of cash, year by year, and the money it must raise.

    Each year ``y``: net cash ``= revenue − committed compute − other_cost_share × revenue``;
    the balance starts at ``cash + money_to_come`` and adds each year's net cash; the money
    to raise in a year is what takes the balance below zero for the first time, or further
    below its lowest level so far (new money is assumed to fill the hole exactly, so later
    surpluses repay nothing).

    Years run along the last axis, so Monte Carlo draws can come as rows: a compute array of
    shape ``(draws, years)`` and shares of shape ``(draws, 1)`` give tables of that shape.

    Parameters
    ----------
    revenue_usd_bn, compute_usd_bn : array-like
        Revenue and committed compute cost of each year [USD bn].
    other_cost_share : float or array-like
        Cash costs other than the committed compute, as a share of revenue [0–1].
    cash_usd_bn : float
        Cash at the start [USD bn].
    money_to_come_usd_bn : float
        Money already committed to OpenAI and still to come (expected) [USD bn].

    Returns
    -------
    dict of arrays
        ``revenue``, ``compute``, ``other_costs``, ``net`` (revenue less both),
        ``balance`` (cash at the end of the year before any new money), ``to_raise`` (new
        money needed in the year, ≥ 0) and ``coverage`` (:func:`coverage_ratio`).
    """
    share = np.asarray(other_cost_share, dtype=float)
    if not np.all((share >= 0.0) & (share <= 1.0)):
        raise ValueError(f"other_cost_share must be in [0, 1], found {other_cost_share}")
    revenue = np.asarray(revenue_usd_bn, dtype=float)
    compute = np.asarray(compute_usd_bn, dtype=float)
    other = share * revenue
    net = revenue - compute - other
    balance = cash_usd_bn + money_to_come_usd_bn + np.cumsum(net, axis=-1)
    deficit = np.maximum.accumulate(np.maximum(-balance, 0.0), axis=-1)
    to_raise = np.diff(deficit, axis=-1, prepend=0.0)
    return {"revenue": revenue, "compute": compute, "other_costs": other, "net": net,
            "balance": balance, "to_raise": to_raise,
            "coverage": coverage_ratio(revenue, compute)}


def funding_gap_usd_bn(table: Mapping[str, np.ndarray]) -> Any:
    """Money OpenAI must raise over the whole period: ``Σ to_raise`` (the deepest deficit).

    A float for one table; an array (one per row) for a table of draws.
    """
    gap = np.sum(table["to_raise"], axis=-1)
    return float(gap) if np.ndim(gap) == 0 else gap


def renegotiation_risk(table: Mapping[str, np.ndarray]) -> tuple[Any, Any]:
    """Probability that OpenAI renegotiates or defers its commitments, and the providers' recovery.

    A simple rule, not a credit model: the share of the period's committed compute that
    OpenAI cannot fund from its revenue, cash and committed money is the chance that the
    commitments are not paid as written,

    ``p = min(1, funding_gap / Σ committed compute)``,

    and in that event the providers are paid pro rata to what OpenAI can fund,

    ``recovery = 1 − p``,

    so the expected loss rate on a provider's exposure is ``p × (1 − recovery) = p²``. New
    money (another round, debt, a listing) lowers ``p``; the rule assumes none, which is what
    makes it a measure of dependence on it.

    Returns
    -------
    tuple
        ``(probability, recovery)`` [0–1 each]; ``(0, 1)`` when nothing is committed. Floats
        for one table, arrays (one per row) for a table of draws.
    """
    committed = np.sum(table["compute"], axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(committed > 0, np.minimum(1.0, funding_gap_usd_bn(table) / committed), 0.0)
    if np.ndim(p) == 0:
        return float(p), 1.0 - float(p)
    return p, 1.0 - p


def backlog_share_pct(backlog_usd_bn: float, parts_usd_bn: Mapping[str, float]) -> float:
    """Share of a provider's backlog (remaining performance obligations) from named customers.

    Parameters
    ----------
    backlog_usd_bn : float
        The provider's backlog at a date [USD bn], positive.
    parts_usd_bn : mapping name -> amount [USD bn]
        The named customers' contracts counted in that backlog (non-negative; a contract
        signed after the date, or excluded by the provider, must be left out by the caller).

    Returns
    -------
    float
        ``100 × Σ parts / backlog`` [%]; above 100 means the parts cannot all be in it.
    """
    if not backlog_usd_bn > 0:
        raise ValueError(f"backlog_usd_bn must be positive, found {backlog_usd_bn}")
    for name, value in parts_usd_bn.items():
        if value < 0:
            raise ValueError(f"part {name!r} must be non-negative, found {value}")
    return 100.0 * sum(parts_usd_bn.values()) / backlog_usd_bn


def build_quarters(committed_gw: float, added_gw_per_quarter: float) -> float:
    """Quarters of a provider's whole build rate that a commitment takes: ``GW / GW a quarter``."""
    if not added_gw_per_quarter > 0:
        raise ValueError(f"added_gw_per_quarter must be positive, found {added_gw_per_quarter}")
    return committed_gw / added_gw_per_quarter


def implied_capex_usd_bn(committed_gw: float, capex_usd_bn_per_gw: float) -> float:
    """Capital spending a capacity needs: ``GW × USD bn per GW`` [USD bn]."""
    if committed_gw < 0 or capex_usd_bn_per_gw < 0:
        raise ValueError(
            f"committed_gw and capex_usd_bn_per_gw must be non-negative, found {committed_gw} "
            f"and {capex_usd_bn_per_gw}")
    return committed_gw * capex_usd_bn_per_gw


def supplier_share_pct(allocation_usd_bn: Mapping[str, float], suppliers: Iterable[str]) -> float:
    """Share of a round paid by investors that also sell to the company.

    Returns
    -------
    float
        ``100 × Σ_{suppliers} allocation / Σ allocation`` [%]; a supplier absent from the
        allocation counts 0.
    """
    total = sum(allocation_usd_bn.values())
    if not total > 0:
        raise ValueError(f"the round must be positive, found {total}")
    return 100.0 * sum(allocation_usd_bn.get(s, 0.0) for s in set(suppliers)) / total
