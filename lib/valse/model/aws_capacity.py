"""The AWS contract's build, year by year: the revenue ramp, the accelerators it needs, their
power, and the purchases, depreciation and residual value of the IT systems and the facility.

The physical side of :mod:`valse.model.aws_contract` (its module docstring states the whole
model): pure array functions, each tested against a hand-computed case in
``tests/test_aws_contract.py``. Price and utilisation may be arrays of draws (a leading axis).
"""

from __future__ import annotations

import math

import numpy as np

#: Hours in a (non-leap) year, 365 × 24: a definition, not a fact.
HOURS_PER_YEAR: float = 365.0 * 24.0


def ramp_weights(contract_years: float, ramp_years: float) -> np.ndarray:
    """Share of a contract's spending in each contract year, with a linear ramp-up.

    The spending rate rises linearly from zero to its full level over ``ramp_years`` and
    stays there until ``contract_years``; year ``j`` gets the integral of the rate over
    ``[j − 1, min(j, T)]``, normalised so the weights add up to 1.

    Parameters
    ----------
    contract_years : float
        Length ``T`` [years]; positive.
    ramp_years : float
        Length of the ramp ``a`` [years], ``0 <= a <= T``; 0 is an even spread.

    Returns
    -------
    numpy.ndarray
        ``ceil(T)`` weights [0–1] adding up to 1. With ``a = 0`` year ``j`` gets
        ``(min(j, T) − (j − 1)) / T``; the rate's integral to ``t`` is ``t² / (2a)`` for
        ``t <= a`` and ``a / 2 + (t − a)`` after.
    """
    t_total = float(contract_years)
    a = float(ramp_years)
    if not t_total > 0:
        raise ValueError(f"contract_years must be positive, found {contract_years}")
    if not 0 <= a <= t_total:
        raise ValueError(f"ramp_years must be in [0, contract_years], found {ramp_years}")
    n = math.ceil(t_total)
    ends = np.minimum(np.arange(1, n + 1, dtype=float), t_total)
    starts = np.arange(n, dtype=float)

    def cumulative(t: np.ndarray) -> np.ndarray:
        if a == 0:
            return t
        return np.where(t <= a, t**2 / (2 * a), a / 2 + (t - a))

    w = cumulative(ends) - cumulative(starts)
    return w / w.sum()


def caused_revenue_by_year_usd_bn(
    aws_services_usd_bn: float, deal_caused_share: float, contract_years: float,
    ramp_years: float,
) -> np.ndarray:
    """AWS revenue from the part of the contract the deal causes, by contract year.

    Returns
    -------
    numpy.ndarray
        ``deal_caused_share × aws_services × w_j`` [USD bn per contract year], ``w`` from
        :func:`ramp_weights`; adds up to ``deal_caused_share × aws_services``.
    """
    if not 0 <= deal_caused_share <= 1:
        raise ValueError(f"deal_caused_share must be in [0, 1], found {deal_caused_share}")
    if aws_services_usd_bn < 0:
        raise ValueError(f"aws_services_usd_bn must be non-negative, found {aws_services_usd_bn}")
    return deal_caused_share * aws_services_usd_bn * ramp_weights(contract_years, ramp_years)


def accelerators_for_revenue(
    revenue_usd_bn_per_year: np.ndarray | float,
    accelerator_hour_price_usd: np.ndarray | float,
    utilisation: np.ndarray | float,
) -> np.ndarray:
    """Accelerators installed to bill a yearly revenue.

    Returns
    -------
    numpy.ndarray
        ``revenue × 1e9 / (price × 8760 × utilisation)`` [accelerators].
    """
    return (np.asarray(revenue_usd_bn_per_year, dtype=float) * 1e9
            / (np.asarray(accelerator_hour_price_usd, dtype=float) * HOURS_PER_YEAR
               * np.asarray(utilisation, dtype=float)))


def accelerator_kw(accelerators_per_gw_it: float) -> float:
    """IT power of one accelerator with its share of servers and network.

    Returns
    -------
    float
        ``1e6 / accelerators per GW of IT load`` [kW] (1 GW = 1e6 kW).
    """
    if not accelerators_per_gw_it > 0:
        raise ValueError(f"accelerators_per_gw_it must be positive, found {accelerators_per_gw_it}")
    return 1e6 / accelerators_per_gw_it


def accelerators_per_gw(kw_per_accelerator: float, pue: float) -> float:
    """Accelerators one GW of site power holds.

    Returns
    -------
    float
        ``1e6 / (kW per accelerator × PUE)`` [accelerators per GW] (1 GW = 1e6 kW).
    """
    if not kw_per_accelerator > 0 or not pue >= 1:
        raise ValueError(f"expected kW per accelerator > 0 and pue >= 1, found "
                         f"{kw_per_accelerator}, {pue}")
    return 1e6 / (kw_per_accelerator * pue)


def purchase_schedule(additions: np.ndarray, life_years: int) -> np.ndarray:
    """Purchases of an asset with a finite life, refreshed while the contract needs it.

    Parameters
    ----------
    additions : numpy.ndarray
        Units added at the start of each contract year (last axis: years).
    life_years : int
        Useful life [years]: a unit bought at the start of year ``j`` is bought again at the
        start of year ``j + life`` if the contract still runs then.

    Returns
    -------
    numpy.ndarray
        Units bought at the start of each year (additions plus refreshes), same shape.
    """
    life = int(life_years)
    if life < 1:
        raise ValueError(f"life_years must be at least 1, found {life_years}")
    bought = np.array(additions, dtype=float, copy=True)
    n = bought.shape[-1]
    for j in range(life, n):
        bought[..., j] += bought[..., j - life]
    return bought


def depreciation_by_year(purchases: np.ndarray, life_years: int) -> np.ndarray:
    """Straight-line depreciation of purchases, by contract year.

    Returns
    -------
    numpy.ndarray
        Year ``j`` charges ``1 / life`` of every purchase made in years ``j − life + 1 … j``.
    """
    life = int(life_years)
    n = purchases.shape[-1]
    dep = np.zeros_like(purchases, dtype=float)
    for j in range(n):
        lo = max(0, j - life + 1)
        dep[..., j] = purchases[..., lo : j + 1].sum(axis=-1) / life
    return dep


def residual_value(purchases: np.ndarray, life_years: int) -> np.ndarray:
    """Book value at the end of the last contract year of purchases made at each year's start.

    Returns
    -------
    numpy.ndarray
        ``Σ_j purchase_j × max(0, 1 − (n − j + 1) / life)`` (year ``j`` counted from 1, ``n``
        years), straight-line: the last axis is summed.
    """
    life = float(life_years)
    n = purchases.shape[-1]
    age = n - np.arange(n, dtype=float)  # years in service by the end, bought at start of j
    remaining = np.clip(1.0 - age / life, 0.0, None)
    return (purchases * remaining).sum(axis=-1)
