"""Payroll arithmetic: savings from job cuts set against amounts invested."""

from __future__ import annotations


def layoff_savings_usd_bn_per_year(roles_cut: float, cost_per_role_usd_k: float) -> float:
    """Yearly payroll saved by cutting roles, at a fully loaded cost per role.

    Parameters
    ----------
    roles_cut : float
        Number of roles cut [count].
    cost_per_role_usd_k : float
        Fully loaded yearly cost of one role [USD thousand].

    Returns
    -------
    float
        ``roles_cut × cost_per_role_usd_k / 1e6`` [USD bn per year]
        (thousand USD × roles = USD k; 1e6 USD k = 1 USD bn).
    """
    return roles_cut * cost_per_role_usd_k / 1e6


def years_of_savings_to_match(amount_usd_bn: float, savings_usd_bn_per_year: float) -> float:
    """Years of savings needed to add up to an amount (undiscounted).

    Returns
    -------
    float
        ``amount / savings`` [years]; infinite when there are no savings.
    """
    if savings_usd_bn_per_year == 0:
        return float("inf")
    return amount_usd_bn / savings_usd_bn_per_year
