"""The one-stage DCF of the first edition: a Gordon value at the target year, and its inverse.

Kept as the degenerate case of :mod:`valse.model.dcf` (no fade, one rate: a test checks that
the multi-stage model reduces to it) and for the comparison the notebook prints. Amounts in USD
billions, rates as fractions (0–1).
"""

from __future__ import annotations


def free_cash_flow_usd_bn(
    revenue_usd_bn: float, operating_margin: float, tax_rate: float, reinvestment_rate: float
) -> float:
    """Free cash flow to the firm of a year in steady state.

    Parameters
    ----------
    revenue_usd_bn : float
        Revenue of the year [USD bn].
    operating_margin : float
        Operating profit / revenue [0–1].
    tax_rate : float
        Tax on operating profit [0–1].
    reinvestment_rate : float
        Share of after-tax operating profit reinvested to grow (capex net of depreciation
        plus working capital) [0–1]; in steady state ``growth = reinvestment_rate × return
        on new capital`` (Damodaran, *Investment Valuation*, ch. 12).

    Returns
    -------
    float
        ``revenue × margin × (1 − tax) × (1 − reinvestment)`` [USD bn].
    """
    for name, value in (
        ("operating_margin", operating_margin),
        ("tax_rate", tax_rate),
        ("reinvestment_rate", reinvestment_rate),
    ):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], found {value}")
    return revenue_usd_bn * operating_margin * (1.0 - tax_rate) * (1.0 - reinvestment_rate)


def gordon_terminal_value_usd_bn(
    next_year_cash_flow_usd_bn: float, discount_rate: float, terminal_growth: float
) -> float:
    """Value at the end of a year of cash flows growing for ever at a constant rate.

    Parameters
    ----------
    next_year_cash_flow_usd_bn : float
        Cash flow of the *following* year [USD bn].
    discount_rate : float
        Annual discount rate [0–1].
    terminal_growth : float
        Annual growth for ever [0–1], below the discount rate.

    Returns
    -------
    float
        ``CF₁ / (r − g)`` [USD bn] (the Gordon growth model; Gordon & Shapiro, 1956).
    """
    if terminal_growth >= discount_rate:
        raise ValueError(
            f"terminal_growth ({terminal_growth}) must be below the discount_rate "
            f"({discount_rate}) for the Gordon value to be finite"
        )
    return next_year_cash_flow_usd_bn / (discount_rate - terminal_growth)


def present_value_usd_bn(amount_usd_bn: float, discount_rate: float, years: float) -> float:
    """Value today of an amount received in ``years``: ``amount / (1 + r)^years`` [USD bn]."""
    if discount_rate <= -1.0:
        raise ValueError(f"discount_rate must be above -1, found {discount_rate}")
    return amount_usd_bn / (1.0 + discount_rate) ** years


def dcf_value_usd_bn(
    target_year_revenue_usd_bn: float,
    operating_margin: float,
    tax_rate: float,
    discount_rate: float,
    terminal_growth: float,
    reinvestment_rate: float,
    years_to_target: float,
) -> float:
    """Firm value today implied by the revenue of a target year (forward DCF).

    The company is valued as a steady-state business from the target year on: the free
    cash flow of the year after the target year is ``revenue × (1 + g) × margin × (1 − tax)
    × (1 − reinvestment)``, capitalised with the Gordon formula at the target year and
    discounted back ``years_to_target`` years. Cash flows before the target year are left
    out (for OpenAI they are reported to be negative until about 2030, so this *flatters*
    the value; the required revenue of :func:`required_revenue_usd_bn` is then a floor).

    Returns
    -------
    float
        ``FCF_{T+1} / (r − g) / (1 + r)^T`` [USD bn].
    """
    next_year = free_cash_flow_usd_bn(
        target_year_revenue_usd_bn * (1.0 + terminal_growth),
        operating_margin,
        tax_rate,
        reinvestment_rate,
    )
    terminal = gordon_terminal_value_usd_bn(next_year, discount_rate, terminal_growth)
    return present_value_usd_bn(terminal, discount_rate, years_to_target)


def required_revenue_usd_bn(
    valuation_usd_bn: float,
    operating_margin: float,
    tax_rate: float,
    discount_rate: float,
    terminal_growth: float,
    reinvestment_rate: float,
    years_to_target: float,
) -> float:
    """Revenue the company must reach in the target year to justify a valuation (reverse DCF).

    The closed-form inverse of :func:`dcf_value_usd_bn` (Mauboussin & Rappaport,
    *Expectations Investing*: read the expectations a price implies):

    ``R_T = V × (1 + r)^T × (r − g) / ((1 + g) × margin × (1 − tax) × (1 − reinvestment))``

    Returns
    -------
    float
        Required target-year revenue [USD bn]; infinite when the cash margin is zero.
    """
    if terminal_growth >= discount_rate:
        raise ValueError(
            f"terminal_growth ({terminal_growth}) must be below the discount_rate ({discount_rate})"
        )
    cash_per_revenue = free_cash_flow_usd_bn(1.0, operating_margin, tax_rate, reinvestment_rate)
    if cash_per_revenue == 0:
        return float("inf")
    return (
        valuation_usd_bn
        * (1.0 + discount_rate) ** years_to_target
        * (discount_rate - terminal_growth)
        / ((1.0 + terminal_growth) * cash_per_revenue)
    )


def implied_revenue_growth_per_year(
    current_revenue_usd_bn: float, target_revenue_usd_bn: float, years: float
) -> float:
    """Constant annual growth that takes revenue from today's level to the target.

    Returns
    -------
    float
        ``(target / current)^(1 / years) − 1`` [0–1 per year; above 1 means more than
        doubling every year].
    """
    if current_revenue_usd_bn <= 0 or target_revenue_usd_bn <= 0:
        raise ValueError(
            "current_revenue_usd_bn and target_revenue_usd_bn must be positive, found "
            f"{current_revenue_usd_bn} and {target_revenue_usd_bn}"
        )
    if years <= 0:
        raise ValueError(f"years must be positive, found {years}")
    return (target_revenue_usd_bn / current_revenue_usd_bn) ** (1.0 / years) - 1.0
