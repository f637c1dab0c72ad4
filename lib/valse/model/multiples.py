"""Revenue multiples, enterprise value, and the value and marks of a holding at a price ratio.

Amounts in USD billions; multiples in times (x).
"""

from __future__ import annotations


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
