"""Present values of a cloud contract and of a staged investment, and the checks the cloud
models share.

The cloud spend spread over the contract with a spending profile (``"even"`` or ``"ramp"``),
the milestone part of the investment paid later with a probability, both discounted at
``discount_rate``. The DESIGN.md identities of :mod:`valse.model.cloud` are linear, so they hold
on these present values too.

Conventions: year ``k`` of a contract runs from ``k − 1`` to ``k`` years after signing and
its spending is paid at its end (the last, partial year ends at ``contract_years``);
amounts in USD bn, shares and rates as fractions in [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: Spending profiles of the cloud contract: ``even`` (the same amount each year) and
#: ``ramp`` (a spending rate rising linearly from zero at signing).
SPEND_PROFILES: tuple[str, ...] = ("even", "ramp")

# --- checks (shared with valse.model.cloud) ----------------------------------------------


def _unit_interval(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], found {value}")


def _non_negative(name: str, value: float) -> None:
    if not value >= 0:
        raise ValueError(f"{name} must be non-negative, found {value}")


def payment_times_years(contract_years: float) -> np.ndarray:
    """End of each contract year, when that year's spending is paid.

    Parameters
    ----------
    contract_years : float
        Length of the contract [years]; positive, may be fractional.

    Returns
    -------
    numpy.ndarray
        ``[1, 2, …, n − 1, contract_years]`` with ``n = ceil(contract_years)`` [years].
    """
    if not contract_years > 0:
        raise ValueError(f"contract_years must be positive, found {contract_years}")
    n = math.ceil(contract_years)
    return np.minimum(np.arange(1, n + 1, dtype=float), float(contract_years))


def spend_profile_weights(contract_years: float, spend_profile: str = "even") -> np.ndarray:
    """Share of a contract's spending that falls in each contract year.

    Parameters
    ----------
    contract_years : float
        Length of the contract ``T`` [years]; positive.
    spend_profile : {"even", "ramp"}
        ``even``: a constant spending rate, year ``k`` gets ``(b − a) / T``;
        ``ramp``: a rate rising linearly from zero, year ``k`` gets ``(b² − a²) / T²``,
        where ``[a, b]`` is year ``k`` cut at ``T``.

    Returns
    -------
    numpy.ndarray
        One weight per contract year [0–1]; they add up to 1.
    """
    if spend_profile not in SPEND_PROFILES:
        raise ValueError(
            f"spend_profile must be one of {', '.join(SPEND_PROFILES)}, found {spend_profile!r}"
        )
    ends = payment_times_years(contract_years)
    starts = np.arange(len(ends), dtype=float)
    t = float(contract_years)
    if spend_profile == "even":
        return (ends - starts) / t
    return (ends**2 - starts**2) / t**2


def cloud_spend_by_year_usd_bn(
    aws_services_usd_bn: float, contract_years: float, spend_profile: str = "even"
) -> np.ndarray:
    """The cloud spend tied to the deal, year by year.

    Returns
    -------
    numpy.ndarray
        ``aws_services × weight_k`` [USD bn per contract year] (see
        :func:`spend_profile_weights`); adds up to ``aws_services``.
    """
    _non_negative("aws_services_usd_bn", aws_services_usd_bn)
    return aws_services_usd_bn * spend_profile_weights(contract_years, spend_profile)


def present_value_usd_bn(
    amounts_usd_bn: Sequence[float] | np.ndarray,
    discount_rate: float,
    times_years: Sequence[float] | np.ndarray | None = None,
) -> float:
    """Present value of amounts paid at given times.

    Parameters
    ----------
    amounts_usd_bn : array_like
        Amounts [USD bn].
    discount_rate : float
        Annual discount rate [0–1].
    times_years : array_like, optional
        When each amount is paid [years after signing]; defaults to ``1, 2, …``.

    Returns
    -------
    float
        ``Σ amount_k / (1 + r)^t_k`` [USD bn] (e.g. Brealey, Myers & Allen,
        *Principles of Corporate Finance*, ch. 2).
    """
    _unit_interval("discount_rate", discount_rate)
    amounts = np.asarray(amounts_usd_bn, dtype=float)
    times = (
        np.arange(1, len(amounts) + 1, dtype=float)
        if times_years is None
        else np.asarray(times_years, dtype=float)
    )
    if times.shape != amounts.shape:
        raise ValueError(
            f"times_years: expected {amounts.shape[0]} times (one per amount), "
            f"found {times.shape[0]}"
        )
    return float(np.sum(amounts / (1.0 + discount_rate) ** times))


def cloud_spend_pv_usd_bn(
    aws_services_usd_bn: float,
    contract_years: float,
    discount_rate: float,
    spend_profile: str = "even",
) -> float:
    """Present value of the cloud spend spread over the contract.

    Returns
    -------
    float
        ``Σ_k S w_k / (1 + r)^t_k`` [USD bn]; for the even profile and a whole number of
        years ``n`` it is the annuity ``(S / n) (1 − (1 + r)^−n) / r``.
    """
    return present_value_usd_bn(
        cloud_spend_by_year_usd_bn(aws_services_usd_bn, contract_years, spend_profile),
        discount_rate,
        payment_times_years(contract_years),
    )


def investment_pv_usd_bn(
    investment_usd_bn: float,
    upfront_usd_bn: float,
    contingent_tranche_probability: float,
    contingent_tranche_year: float,
    discount_rate: float,
) -> float:
    """Expected present value of an investment paid partly at signing, partly on milestones.

    Parameters
    ----------
    investment_usd_bn : float
        Headline commitment [USD bn].
    upfront_usd_bn : float
        Part paid at signing [USD bn], at most the commitment.
    contingent_tranche_probability : float
        Chance that the milestone part is paid [0–1].
    contingent_tranche_year : float
        When it would be paid [years after signing].
    discount_rate : float
        Annual discount rate [0–1].

    Returns
    -------
    float
        ``upfront + p × (investment − upfront) / (1 + r)^t`` [USD bn]; equals the headline
        when everything is paid at signing.
    """
    _unit_interval("contingent_tranche_probability", contingent_tranche_probability)
    _unit_interval("discount_rate", discount_rate)
    _non_negative("contingent_tranche_year", contingent_tranche_year)
    if upfront_usd_bn > investment_usd_bn:
        raise ValueError(
            f"upfront_usd_bn ({upfront_usd_bn}) cannot exceed investment_usd_bn "
            f"({investment_usd_bn})"
        )
    contingent = investment_usd_bn - upfront_usd_bn
    return upfront_usd_bn + contingent_tranche_probability * contingent / (
        1.0 + discount_rate
    ) ** float(contingent_tranche_year)
