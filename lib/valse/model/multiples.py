"""Revenue multiples, enterprise value, and the value and marks of a holding at a price ratio.

Amounts in USD billions; multiples in times (x); growth in percent a year. Also the
growth-adjusted multiple: the least-squares line of EV / revenue on revenue growth across the
comparables (:func:`growth_multiple_fit`) and the PEG-like ratio (:func:`ev_to_growth_ratio`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def ev_to_revenue_x(enterprise_value_usd_bn: float, revenue_usd_bn: float) -> float:
    """Enterprise value per dollar of yearly revenue: ``EV / revenue`` [x]."""
    if revenue_usd_bn <= 0:
        raise ValueError(f"revenue_usd_bn must be positive, found {revenue_usd_bn}")
    return enterprise_value_usd_bn / revenue_usd_bn


def valuation_at_multiple_usd_bn(revenue_usd_bn: float, multiple_x: float) -> float:
    """Value a revenue multiple puts on a company: ``revenue × multiple`` [USD bn]."""
    return revenue_usd_bn * multiple_x


def enterprise_value_usd_bn(
    equity_value_usd_bn: float, cash_usd_bn: float, money_to_come_usd_bn: float = 0.0,
    debt_usd_bn: float = 0.0,
) -> float:
    """Enterprise value from an equity value (a post-money valuation).

    A post-money valuation prices every share, including those bought with money the company
    holds as cash or has not yet received; the operating business is worth the equity value
    less that money, plus the debt (Damodaran, *Investment Valuation*, ch. 2 and 20: EV =
    equity + debt − cash).

    Returns
    -------
    float
        ``equity − cash − money_to_come + debt`` [USD bn].
    """
    for name, value in (("cash_usd_bn", cash_usd_bn), ("money_to_come_usd_bn",
                                                          money_to_come_usd_bn),
                        ("debt_usd_bn", debt_usd_bn)):
        if value < 0:
            raise ValueError(f"{name} must be non-negative, found {value}")
    return equity_value_usd_bn - cash_usd_bn - money_to_come_usd_bn + debt_usd_bn


def holding_value_at_price_ratio_usd_bn(amount_paid_usd_bn: float, price_ratio: float) -> float:
    """Value of shares bought at a round's price when the shares are worth ``price_ratio``
    times that price: ``amount_paid × price_ratio`` [USD bn].

    At the round's price (ratio 1) a holding is worth what was paid for it, in every state of
    a tranched commitment; so the expected holding at another price (a secondary trade, a
    DCF, an IPO) is the expected amount paid times the ratio of that value per share to the
    round's.
    """
    if amount_paid_usd_bn < 0 or price_ratio < 0:
        raise ValueError(
            f"amount_paid_usd_bn and price_ratio must be non-negative, found "
            f"{amount_paid_usd_bn} and {price_ratio}")
    return amount_paid_usd_bn * price_ratio


def mark_up_gain_usd_bn(cost_usd_bn: float, price_ratio: float) -> float:
    """Pre-tax gain booked when a holding carried at cost is marked to a new price.

    Under the measurement alternative of ASC 321 (equity securities without a readily
    determinable fair value) the holding stays at cost until an observable price of the same
    or a similar security; it is then marked to it, and at fair value through net income once
    listed. Returns ``cost × (price_ratio − 1)`` [USD bn] (negative: an impairment).
    """
    if cost_usd_bn < 0:
        raise ValueError(f"cost_usd_bn must be non-negative, found {cost_usd_bn}")
    return cost_usd_bn * (price_ratio - 1.0)


@dataclass(frozen=True)
class GrowthFit:
    """Least-squares line of EV / revenue [x] on revenue growth [%] across comparables.

    ``multiple = intercept + slope × growth``; ``r_squared`` the share of the multiples'
    variance the line explains; ``n`` the number of companies; ``residual_sd`` the standard
    error of the regression, ``sqrt(Σ residual² / (n − 2))`` [x]; ``growth_mean`` and
    ``growth_ss`` the mean of the growths [%] and their sum of squared deviations [%²], which
    the prediction interval needs; ``growth_min`` and ``growth_max`` the sample's range [%].
    """

    slope: float
    intercept: float
    r_squared: float
    n: int
    residual_sd: float
    growth_mean: float
    growth_ss: float
    growth_min: float
    growth_max: float


def growth_multiple_fit(growth_pct: Sequence[float], multiples_x: Sequence[float]) -> GrowthFit:
    """Ordinary least squares of EV / revenue on revenue growth across comparables.

    Parameters
    ----------
    growth_pct : sequence of float
        Each comparable's year-on-year revenue growth [%].
    multiples_x : sequence of float
        Its EV / revenue multiple [x], in the same order.

    Returns
    -------
    GrowthFit
        ``slope = Σ(g − ḡ)(m − m̄) / Σ(g − ḡ)²`` [x per % point], ``intercept = m̄ − slope·ḡ``,
        ``R² = 1 − SSE / SST`` (Wooldridge, *Introductory Econometrics*, ch. 2), the
        regression's standard error ``sqrt(SSE / (n − 2))`` and the growth sample's summary.

    Raises
    ------
    ValueError
        Fewer than three companies (two points fit any line exactly, with no residual to
        measure), sequences of unequal length, a non-finite value, or all growths equal.
    """
    g = [float(v) for v in growth_pct]
    m = [float(v) for v in multiples_x]
    if len(g) != len(m):
        raise ValueError(f"growth_multiple_fit: {len(g)} growths but {len(m)} multiples")
    if len(g) < 3:
        raise ValueError(f"growth_multiple_fit: expected at least 3 companies, found {len(g)}")
    if not all(math.isfinite(v) for v in (*g, *m)):
        raise ValueError("growth_multiple_fit: every growth and multiple must be finite")
    n = len(g)
    g_bar, m_bar = sum(g) / n, sum(m) / n
    sxx = sum((x - g_bar) ** 2 for x in g)
    if sxx == 0:
        raise ValueError("growth_multiple_fit: all growths are equal, no slope can be fitted")
    sxy = sum((x - g_bar) * (y - m_bar) for x, y in zip(g, m, strict=True))
    slope = sxy / sxx
    intercept = m_bar - slope * g_bar
    sse = sum((y - intercept - slope * x) ** 2 for x, y in zip(g, m, strict=True))
    sst = sum((y - m_bar) ** 2 for y in m)
    r_squared = 1.0 - sse / sst if sst > 0 else 1.0
    return GrowthFit(slope=slope, intercept=intercept, r_squared=r_squared, n=n,
                     residual_sd=math.sqrt(sse / (n - 2)), growth_mean=g_bar, growth_ss=sxx,
                     growth_min=min(g), growth_max=max(g))


def multiple_at_growth_x(fit: GrowthFit, growth_pct: float) -> float:
    """The multiple the fitted line gives at a growth: ``intercept + slope × growth`` [x]."""
    return fit.intercept + fit.slope * growth_pct


def prediction_sd_x(fit: GrowthFit, growth_pct: float) -> float:
    """Standard error of a new company's multiple at a growth, from the fit [x].

    ``s · sqrt(1 + 1/n + (g − ḡ)² / Σ(gᵢ − ḡ)²)`` (the prediction interval of simple
    regression; Wooldridge, ch. 6): it widens the further ``g`` lies from the sample's mean,
    which is how the fit says that an extrapolation is uncertain.
    """
    return fit.residual_sd * math.sqrt(
        1.0 + 1.0 / fit.n + (growth_pct - fit.growth_mean) ** 2 / fit.growth_ss)


def ev_to_growth_ratio(multiple_x: float, growth_pct: float) -> float:
    """EV / revenue per percentage point of revenue growth, a PEG-like ratio [x per %].

    ``multiple / growth``; a company with twice the growth at twice the multiple has the
    same ratio. Growth must be positive (the ratio has no meaning otherwise).
    """
    if growth_pct <= 0:
        raise ValueError(f"ev_to_growth_ratio: growth_pct must be positive, found {growth_pct}")
    return multiple_x / growth_pct
