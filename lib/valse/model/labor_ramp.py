"""When the cuts save: notice, severance, the ramp, rehiring and calendar years.

Pure functions; units as in :mod:`valse.model.labor` (USD bn, USD thousand per role, months,
years, decimal years for dates).

* **savings over time**: nothing is saved while people are paid through their notice period
  (:func:`months_saved_in_year`, :func:`savings_by_year_usd_bn`), and severance is a one-off
  cost (:func:`severance_cost_usd_bn`), so the net savings over a horizon
  (:func:`net_savings_over_horizon_usd_bn`) are below ``horizon × yearly savings``;
  the reported charges per role (:func:`charge_per_role_usd_k`,
  :func:`implied_severance_months`);
* **the cash view**: roles whose cost comes back (:func:`net_cash_savings_usd_bn_per_year`)
  and what a calendar year saves from rounds of cuts announced at given dates
  (:func:`cash_savings_in_year_usd_bn`, :func:`scaled_waves`, :func:`waves_from_facts`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

import numpy as np

from valse.model.labor import check_fraction, check_non_negative, layoff_savings_usd_bn_per_year


def severance_cost_usd_bn(roles_cut: float, pay_usd_k: float, severance_months: float) -> float:
    """One-off severance paid to the people whose roles are cut.

    Parameters
    ----------
    roles_cut : float
        Number of roles cut [count].
    pay_usd_k : float
        Yearly pay severance is computed on, usually the cash salary [USD thousand].
    severance_months : float
        Months of that pay paid as severance [months].

    Returns
    -------
    float
        ``roles_cut × pay × severance_months / 12 / 1e6`` [USD bn], paid once.
    """
    check_non_negative(roles_cut=roles_cut, pay_usd_k=pay_usd_k, severance_months=severance_months)
    return roles_cut * pay_usd_k * severance_months / 12.0 / 1e6


def one_off_cost_per_cut_role_usd_k(
    cost_per_role_usd_k: float, notice_months: float, pay_usd_k: float, severance_months: float
) -> float:
    """One-off cost of cutting one role: full pay during the notice, then severance.

    Parameters
    ----------
    cost_per_role_usd_k : float
        Fully loaded yearly cost of the role, still paid during the notice [USD thousand].
    notice_months : float
        Months of notice before the role stops costing anything [months].
    pay_usd_k : float
        Yearly pay on which severance is computed [USD thousand].
    severance_months : float
        Months of that pay given as severance [months].

    Returns
    -------
    float
        ``cost × notice / 12 + pay × severance / 12`` [USD thousand per role].
    """
    check_non_negative(
        cost_per_role_usd_k=cost_per_role_usd_k,
        notice_months=notice_months,
        pay_usd_k=pay_usd_k,
        severance_months=severance_months,
    )
    return cost_per_role_usd_k * notice_months / 12.0 + pay_usd_k * severance_months / 12.0


def charge_per_role_usd_k(charge_usd_bn: float, roles_cut: float) -> float:
    """A reported restructuring charge spread over the roles it covers.

    Returns
    -------
    float
        ``charge × 1e6 / roles`` [USD thousand per role] (1 USD bn = 1e6 USD thousand).
    """
    if roles_cut <= 0:
        raise ValueError(f"roles_cut: expected a positive count, found {roles_cut}")
    return charge_usd_bn * 1e6 / roles_cut


def implied_severance_months(severance_usd_bn: float, roles_cut: float, pay_usd_k: float) -> float:
    """Months of pay per role that a reported severance charge amounts to.

    The inverse of :func:`severance_cost_usd_bn`, used to check an assumption against a
    company's reported charge.

    Returns
    -------
    float
        ``12 × severance × 1e6 / (roles_cut × pay)`` [months].
    """
    check_non_negative(severance_usd_bn=severance_usd_bn, roles_cut=roles_cut, pay_usd_k=pay_usd_k)
    if roles_cut == 0 or pay_usd_k == 0:
        raise ValueError(
            f"roles_cut and pay_usd_k: expected positive numbers, found {roles_cut}, {pay_usd_k}"
        )
    return 12.0 * severance_usd_bn * 1e6 / (roles_cut * pay_usd_k)


def months_saved_in_year(year: int, notice_months: float) -> float:
    """Months of year ``year`` during which a cut role no longer costs anything.

    The cut is announced at the start of year 1; people are paid in full through a notice
    (or paid non-working) period of ``notice_months``; savings start when it ends.

    Parameters
    ----------
    year : int
        Year counted from the announcement, 1 for the first twelve months.
    notice_months : float
        Months of full pay after the announcement [months].

    Returns
    -------
    float
        ``clip(12 × year − notice_months, 0, 12)`` [months].
    """
    if isinstance(year, bool) or not isinstance(year, int | np.integer) or year < 1:
        raise ValueError(f"year: expected an integer >= 1, found {year!r}")
    check_non_negative(notice_months=notice_months)
    return float(min(12.0, max(0.0, 12.0 * year - notice_months)))


def savings_by_year_usd_bn(
    roles_cut: float, cost_per_role_usd_k: float, notice_months: float, horizon_years: int
) -> np.ndarray:
    """Payroll saved in each year after the announcement, with the notice-period ramp.

    Returns
    -------
    numpy.ndarray
        ``horizon_years`` values: ``layoff_savings_usd_bn_per_year × months_saved_in_year / 12``
        for years 1 … horizon [USD bn per year]. The full yearly savings are reached once
        the notice period is over.
    """
    if isinstance(horizon_years, bool) or not isinstance(horizon_years, int | np.integer):
        raise TypeError(f"horizon_years: expected an integer, found {horizon_years!r}")
    if horizon_years < 1:
        raise ValueError(f"horizon_years: expected an integer >= 1, found {horizon_years}")
    check_non_negative(roles_cut=roles_cut, cost_per_role_usd_k=cost_per_role_usd_k)
    full = layoff_savings_usd_bn_per_year(roles_cut, cost_per_role_usd_k)
    return np.array(
        [full * months_saved_in_year(t, notice_months) / 12.0 for t in range(1, horizon_years + 1)]
    )


def net_savings_over_horizon_usd_bn(
    roles_cut: float,
    cost_per_role_usd_k: float,
    notice_months: float,
    severance_months: float,
    severance_pay_usd_k: float,
    horizon_years: int,
    discount_rate: float = 0.0,
) -> float:
    """Payroll saved over a horizon, net of severance, optionally discounted.

    Parameters
    ----------
    roles_cut, cost_per_role_usd_k : float
        As in :func:`layoff_savings_usd_bn_per_year`.
    notice_months : float
        Months of full pay before savings start [months].
    severance_months, severance_pay_usd_k : float
        As in :func:`severance_cost_usd_bn`.
    horizon_years : int
        Years counted from the announcement [years].
    discount_rate : float
        Annual discount rate [0–1]; 0 for an undiscounted sum.

    Returns
    -------
    float
        ``Σ_t savings_t / (1 + r)^t − severance`` for t = 1 … horizon [USD bn]: savings of
        each year discounted from its end, severance paid at the start (not discounted).
    """
    check_fraction("discount_rate", discount_rate)
    savings = savings_by_year_usd_bn(roles_cut, cost_per_role_usd_k, notice_months, horizon_years)
    factors = (1.0 + discount_rate) ** -np.arange(1, horizon_years + 1)
    severance = severance_cost_usd_bn(roles_cut, severance_pay_usd_k, severance_months)
    return float(np.sum(savings * factors) - severance)


def severance_payback_years(
    cost_per_role_usd_k: float,
    notice_months: float,
    severance_months: float,
    severance_pay_usd_k: float,
) -> float:
    """Time after the announcement at which undiscounted savings have repaid the severance.

    Returns
    -------
    float
        ``(notice_months + 12 × severance_per_role / cost_per_role) / 12`` [years]: the notice
        period, then the months of full savings needed to earn back the severance. It does
        not depend on the number of roles.
    """
    check_non_negative(
        cost_per_role_usd_k=cost_per_role_usd_k,
        notice_months=notice_months,
        severance_months=severance_months,
        severance_pay_usd_k=severance_pay_usd_k,
    )
    if cost_per_role_usd_k == 0:
        return math.inf
    months_to_repay = severance_pay_usd_k * severance_months / cost_per_role_usd_k
    return (notice_months + months_to_repay) / 12.0


# --- the cash view: rehiring, and a calendar year of savings -----------------------------


def year_fraction(date: dt.date) -> float:
    """A date as a decimal year: ``year + (day of the year − 1) / days in the year``.

    Used to place the announcement of a round of cuts on the calendar
    (2025-10-28 → 2025.82).
    """
    if not isinstance(date, dt.date):
        raise TypeError(f"date: expected a datetime.date, found {date!r}")
    start = dt.date(date.year, 1, 1)
    days = (dt.date(date.year + 1, 1, 1) - start).days
    return date.year + (date - start).days / days


def net_cash_savings_usd_bn_per_year(
    roles_cut: float, cash_cost_per_role_usd_k: float, rehire_share: float
) -> float:
    """A full year of the cash the cuts save, net of the roles whose cost comes back.

    Parameters
    ----------
    roles_cut : float
        Roles cut [count].
    cash_cost_per_role_usd_k : float
        Cash part of the yearly cost of a role (:func:`cash_cost_per_role_usd_k`: the fully
        loaded cost without stock compensation) [USD thousand].
    rehire_share : float
        Share of the cut roles whose cost comes back (internal moves, backfills) [0–1].

    Returns
    -------
    float
        ``roles_cut × (1 − rehire_share) × cash_cost_per_role / 1e6`` [USD bn per year].
    """
    check_non_negative(roles_cut=roles_cut, cash_cost_per_role_usd_k=cash_cost_per_role_usd_k)
    check_fraction("rehire_share", rehire_share)
    return roles_cut * (1.0 - rehire_share) * cash_cost_per_role_usd_k / 1e6


def cash_savings_in_year_usd_bn(
    waves: Iterable[tuple[float, float]],
    year: int,
    cash_cost_per_role_usd_k: float,
    notice_months: float,
    severance_pay_usd_k: float,
    severance_months: float,
    rehire_share: float,
) -> dict[str, float]:
    """Cash the cuts save in one calendar year, net of severance and of rehiring.

    Each round of cuts is announced at a date; its people are paid in full through the
    notice period, then leave with their severance (paid at the separation); from then on
    their cash cost is saved, less the share of roles whose cost comes back.

    Parameters
    ----------
    waves : iterable of (roles, announced)
        One round a row: roles cut [count] and the announcement as a decimal year
        (:func:`year_fraction`).
    year : int
        The calendar year counted.
    cash_cost_per_role_usd_k : float
        Cash yearly cost of a role (no stock compensation) [USD thousand].
    notice_months : float
        Months of full pay between the announcement and the separation [months].
    severance_pay_usd_k, severance_months : float
        Yearly pay severance is computed on [USD thousand], and the months of it paid
        [months]. Severance is counted on every role cut (people placed inside Amazon
        receive none, so this is a cautious count).
    rehire_share : float
        Share of the cut roles whose cost comes back [0–1].

    Returns
    -------
    dict
        ``gross_usd_bn``: Σ roles × (1 − rehire) × cash cost × (time of ``year`` after the
        separation, in years) / 1e6; ``severance_usd_bn``: Σ roles × pay × months / 12 / 1e6
        over the rounds whose separation falls in ``year``; ``net_usd_bn`` = gross −
        severance (negative when the severance paid exceeds the year's savings) [USD bn].
    """
    check_non_negative(
        cash_cost_per_role_usd_k=cash_cost_per_role_usd_k,
        notice_months=notice_months,
        severance_pay_usd_k=severance_pay_usd_k,
        severance_months=severance_months,
    )
    check_fraction("rehire_share", rehire_share)
    gross = severance = 0.0
    for roles, announced in waves:
        check_non_negative(roles=roles)
        separation = announced + notice_months / 12.0
        saved_years = min(1.0, max(0.0, year + 1 - max(separation, year)))
        gross += roles * (1.0 - rehire_share) * cash_cost_per_role_usd_k * saved_years / 1e6
        if year <= separation < year + 1:
            severance += severance_cost_usd_bn(roles, severance_pay_usd_k, severance_months)
    return {"gross_usd_bn": gross, "severance_usd_bn": severance, "net_usd_bn": gross - severance}


def scaled_waves(
    waves: Iterable[tuple[float, float]], roles_cut: float
) -> list[tuple[float, float]]:
    """Rounds of cuts rescaled so that their roles add up to ``roles_cut``.

    A scenario that sets ``roles_cut`` away from the sum of the sourced rounds keeps their
    dates and their proportions.

    Returns
    -------
    list of (roles, announced)
        ``roles × roles_cut / Σ roles`` for each round; the dates unchanged.
    """
    waves = list(waves)
    check_non_negative(roles_cut=roles_cut)
    total = float(sum(roles for roles, _ in waves))
    if total <= 0:
        raise ValueError(f"waves: expected rounds with a positive number of roles, found {waves}")
    return [(roles * roles_cut / total, announced) for roles, announced in waves]


#: Fact ids of the rounds of corporate cuts counted in ``roles_cut``, in date order.
CUT_ROUNDS: tuple[str, ...] = ("amazon_layoffs_2025_10_count", "amazon_layoffs_2026_01_count")


def waves_from_facts(facts: Mapping, ids: Iterable[str] = CUT_ROUNDS) -> list[tuple[float, float]]:
    """The rounds of cuts as (roles, announcement as a decimal year), from their facts.

    The roles are each fact's value, the date its ``as_of`` (a full ``YYYY-MM-DD`` date).
    """
    out = []
    for fid in ids:
        fact = facts[fid]
        try:
            date = dt.date.fromisoformat(str(fact.as_of))
        except ValueError:
            raise ValueError(
                f"{fid}: expected an as_of date YYYY-MM-DD for a round of cuts, "
                f"found {fact.as_of!r}"
            ) from None
        out.append((float(fact.number), year_fraction(date)))
    return out
