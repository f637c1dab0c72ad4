"""Compute capacity arithmetic: what a cloud budget buys in GPUs, GPU-hours and gigawatts.

Pure functions, one per identity. Money in USD billions (``_usd_bn``) unless the name says
otherwise, prices in USD per GPU-hour, power in gigawatts (GW). The only constant is the
number of hours in a year (365 × 24), a definition rather than a fact; every real-world
figure (price per GPU-hour, GPUs per GW, capital cost per GW, price of a GPU) is an argument
whose value comes from ``data/facts.csv``.
"""

from __future__ import annotations

#: Hours in a (non-leap) year: 365 × 24.
HOURS_PER_YEAR: float = 365.0 * 24.0


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name} must be positive, found {value}")


def _share(name: str, value: float) -> None:
    if not 0.0 < value <= 1.0:
        raise ValueError(f"{name} must be in (0, 1], found {value}")


def gpu_hours_funded(spend_usd_bn: float, gpu_hour_price_usd: float) -> float:
    """GPU-hours a cloud budget pays for.

    Parameters
    ----------
    spend_usd_bn : float
        Cloud spending [USD bn].
    gpu_hour_price_usd : float
        Price of one GPU-hour [USD per GPU-hour]; positive.

    Returns
    -------
    float
        ``spend × 1e9 / price`` [GPU-hours].
    """
    _positive("gpu_hour_price_usd", gpu_hour_price_usd)
    return spend_usd_bn * 1e9 / gpu_hour_price_usd


def gpus_for_gpu_hours(gpu_hours: float, years: float, gpu_utilisation: float) -> float:
    """GPUs that must be installed to deliver a number of billed GPU-hours over a period.

    Parameters
    ----------
    gpu_hours : float
        Billed GPU-hours [GPU-hours].
    years : float
        Period over which they are delivered [years]; positive.
    gpu_utilisation : float
        Share of the installed GPUs' hours that is billed [0–1]; in (0, 1].

    Returns
    -------
    float
        ``gpu_hours / (years × 8760 × utilisation)`` [GPUs].
    """
    _positive("years", years)
    _share("gpu_utilisation", gpu_utilisation)
    return gpu_hours / (years * HOURS_PER_YEAR * gpu_utilisation)


def gpus_for_revenue_per_year(
    revenue_usd_bn_per_year: float, gpu_hour_price_usd: float, gpu_utilisation: float
) -> float:
    """GPUs needed to earn a yearly revenue at a price per GPU-hour and a utilisation.

    Returns
    -------
    float
        ``revenue × 1e9 / (price × 8760 × utilisation)`` [GPUs].
    """
    return gpus_for_gpu_hours(
        gpu_hours_funded(revenue_usd_bn_per_year, gpu_hour_price_usd), 1.0, gpu_utilisation
    )


def gigawatts_for_gpus(gpus: float, gpus_per_gw: float) -> float:
    """Power capacity that a number of GPUs needs.

    Returns
    -------
    float
        ``gpus / gpus_per_gw`` [GW] (``gpus_per_gw`` counts whole-site power, cooling included,
        when the fact it comes from does).
    """
    _positive("gpus_per_gw", gpus_per_gw)
    return gpus / gpus_per_gw


def capex_for_gigawatts_usd_bn(gigawatts: float, capex_usd_bn_per_gw: float) -> float:
    """All-in capital cost of AI data-centre capacity.

    Returns
    -------
    float
        ``gigawatts × capex_per_gw`` [USD bn] (buildings, power, cooling and systems).
    """
    return gigawatts * capex_usd_bn_per_gw


def gpu_hardware_cost_usd_bn(gpus: float, gpu_price_usd_k: float) -> float:
    """Cost of the GPU systems alone (no buildings or power).

    Returns
    -------
    float
        ``gpus × price_per_gpu_usd_k / 1e6`` [USD bn] (1e6 USD k = 1 USD bn).
    """
    return gpus * gpu_price_usd_k / 1e6


def capacity_funded(
    spend_usd_bn: float,
    years: float,
    gpu_hour_price_usd: float,
    gpu_utilisation: float,
    gpus_per_gw: float,
    peak_year_spend_usd_bn: float | None = None,
) -> dict[str, float]:
    """GPU-hours, GPUs and gigawatts that a cloud budget buys.

    Parameters
    ----------
    spend_usd_bn : float
        Whole budget [USD bn].
    years : float
        Period over which it is spent [years].
    gpu_hour_price_usd, gpu_utilisation, gpus_per_gw : float
        See :func:`gpu_hours_funded`, :func:`gpus_for_gpu_hours`, :func:`gigawatts_for_gpus`.
    peak_year_spend_usd_bn : float, optional
        Spending in the busiest year [USD bn]; the installed capacity must serve that year.
        Defaults to the even spread ``spend / years``.

    Returns
    -------
    dict
        ``gpu_hours_funded`` [GPU-hours]; ``gpus_funded`` [GPUs installed for the peak year];
        ``gigawatts_funded`` [GW].
    """
    hours = gpu_hours_funded(spend_usd_bn, gpu_hour_price_usd)
    peak = spend_usd_bn / years if peak_year_spend_usd_bn is None else peak_year_spend_usd_bn
    gpus = gpus_for_revenue_per_year(peak, gpu_hour_price_usd, gpu_utilisation)
    return {
        "gpu_hours_funded": float(hours),
        "gpus_funded": float(gpus),
        "gigawatts_funded": float(gigawatts_for_gpus(gpus, gpus_per_gw)),
    }
