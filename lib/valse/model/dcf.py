"""A multi-stage DCF for a young, fast-growing company, and its reverse (what a price requires).

The model of :func:`dcf_value_usd_bn` (Damodaran, *Investment Valuation*, 3rd ed., ch. 23 on
young and start-up firms, and *The Dark Side of Valuation*, 3rd ed., ch. 7), in four stages,
years counted from the valuation year ``Y0`` (a flow of year ``Y0 + t`` is discounted ``t``
years):

1. **Burn.** Until the target year ``Y0 + T`` the company loses money; the projected cash
   burn of each of those years (``burn_usd_bn[t]`` for ``t = 0 … T − 1``) is subtracted at its
   present value, discounted at the young-company rate.
2. **Fade.** From the target year's revenue ``R_T``, ``H = fade_years`` explicit years
   ``k = 1 … H``: growth fades linearly from ``growth_after_target`` (year ``T + 1``) towards
   ``terminal_growth``; the operating margin converges linearly from ``margin_at_target`` to
   ``operating_margin`` (reached in year ``T + H``); stock-based compensation is an expense
   (``stock_compensation_share`` of revenue, Damodaran's treatment); tax is paid on the
   operating profit after it; reinvestment is the revenue added divided by the
   sales-to-capital ratio; the discount rate converges linearly from ``discount_rate_young``
   to ``discount_rate_mature``.
3. **Terminal.** From year ``T + H + 1`` the company is mature: the Gordon value of its
   next-year free cash flow ``R (1 + g) (m − sbc) (1 − tax) (1 − reinvestment_rate)`` at
   ``r_mature − g``.
4. **Failure.** With probability ``failure_probability`` the company fails before it gets
   there and the operating stages are worth nothing (the burn is spent either way).

``equity value = (1 − p_fail) × (PV fade + PV terminal) − PV burn + cash_usd_bn``.

With no fade (``fade_years = 0``), one discount rate, no stock compensation, no failure, no
burn and no cash this is exactly :func:`valse.model.gordon.dcf_value_usd_bn` (the Gordon form at
the target year, discounted ``T`` years), which a test checks. The value is affine in
``R_T``, so the required revenue is unique; :func:`required_target_revenue_usd_bn` finds it
with a root finder (Brent's method) and :func:`required_target_revenue_affine_usd_bn` in one
step for arrays of Monte Carlo draws; a test checks that the two agree.

Amounts in USD bn; rates and shares as fractions (0–1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import brentq

#: Names of the stages, in the order of :func:`dcf_stages_usd_bn`.
STAGES: tuple[str, ...] = ("burn before the target year", "fade years", "terminal value",
                           "failure", "cash and money still to come")


def _check_share(name: str, value) -> None:
    arr = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"{name} must be in [0, 1], found {value}")


def _path(
    target_revenue_usd_bn,
    *,
    years_to_target: int,
    fade_years: int,
    growth_after_target,
    terminal_growth,
    margin_at_target,
    operating_margin,
    discount_rate_young,
    discount_rate_mature,
):
    """Revenue, margin, growth and cumulative discount factor of each fade year (k = 1 … H)."""
    if int(years_to_target) != years_to_target or years_to_target < 0:
        raise ValueError(f"years_to_target must be a whole number >= 0, found {years_to_target}")
    if int(fade_years) != fade_years or fade_years < 0:
        raise ValueError(f"fade_years must be a whole number >= 0, found {fade_years}")
    r_young = np.asarray(discount_rate_young, dtype=float)
    r_mature = np.asarray(discount_rate_mature, dtype=float)
    g = np.asarray(terminal_growth, dtype=float)
    if np.any(g >= r_mature):
        raise ValueError(
            f"terminal_growth ({terminal_growth}) must be below the discount_rate_mature "
            f"({discount_rate_mature}) for the terminal value to be finite"
        )
    discount = (1.0 + r_young) ** -float(years_to_target)
    revenue = np.asarray(target_revenue_usd_bn, dtype=float)
    rows = []
    for k in range(1, int(fade_years) + 1):
        growth = growth_after_target + (g - growth_after_target) * (k - 1) / fade_years
        previous = revenue
        revenue = previous * (1.0 + growth)
        margin = margin_at_target + (operating_margin - margin_at_target) * k / fade_years
        rate = r_young + (r_mature - r_young) * k / fade_years
        discount = discount / (1.0 + rate)
        rows.append((previous, revenue, margin, discount))
    return rows, revenue, discount


def dcf_stages_usd_bn(
    target_revenue_usd_bn,
    *,
    years_to_target: int,
    fade_years: int,
    growth_after_target,
    terminal_growth,
    margin_at_target,
    operating_margin,
    stock_compensation_share,
    tax_rate,
    sales_to_capital,
    reinvestment_rate,
    discount_rate_young,
    discount_rate_mature,
    failure_probability,
    burn_usd_bn: Sequence[float] = (),
    cash_usd_bn=0.0,
) -> dict[str, object]:
    """Present value of each stage of the multi-stage DCF (the module docstring's model).

    Parameters
    ----------
    target_revenue_usd_bn : float or array
        Revenue of the target year ``R_T`` [USD bn].
    years_to_target : int
        ``T``, years from the valuation to the target year [years].
    fade_years : int
        ``H``, explicit years after the target year over which growth, margin and discount
        rate converge to their mature values [years]; 0 for none.
    growth_after_target : float
        Revenue growth in the first year after the target year [0–1 per year].
    terminal_growth : float
        Growth for ever once mature [0–1 per year], below ``discount_rate_mature``.
    margin_at_target, operating_margin : float
        Operating margin (before stock compensation) in the target year and once mature
        [0–1 of revenue].
    stock_compensation_share : float
        Stock-based compensation, counted as an expense [0–1 of revenue].
    tax_rate : float
        Tax on operating profit after stock compensation [0–1] (a loss earns a credit: the
        model is linear).
    sales_to_capital : float
        Revenue added per dollar reinvested during the fade [USD per USD], positive.
    reinvestment_rate : float
        Share of after-tax operating profit reinvested once mature [0–1]
        (``terminal_growth / return on new capital``).
    discount_rate_young, discount_rate_mature : float
        Annual discount rate until the target year, and once mature [0–1].
    failure_probability : float
        Chance that the company fails before maturity and its operations are worth nothing
        [0–1].
    burn_usd_bn : sequence of float
        Projected cash burn of the years ``t = 0 … T − 1`` (positive: money spent) [USD bn];
        a year ``t`` is discounted ``t`` years at ``discount_rate_young``.
    cash_usd_bn : float
        Cash, and money committed to the company but not yet received, added to the value
        [USD bn].

    Returns
    -------
    dict
        ``burn`` (negative), ``fade``, ``terminal``, ``failure`` (negative: the expected loss
        of the operating stages), ``cash`` [USD bn, present values], ``value`` (their sum),
        and ``years`` (a list of dicts per fade year: revenue, margin, free cash flow,
        discount factor).
    """
    for name, value in (
        ("stock_compensation_share", stock_compensation_share),
        ("tax_rate", tax_rate),
        ("reinvestment_rate", reinvestment_rate),
        ("failure_probability", failure_probability),
    ):
        _check_share(name, value)
    if np.any(np.asarray(sales_to_capital, dtype=float) <= 0):
        raise ValueError(f"sales_to_capital must be positive, found {sales_to_capital}")
    if len(burn_usd_bn) > years_to_target:
        raise ValueError(
            f"burn_usd_bn has {len(burn_usd_bn)} years but there are only {years_to_target} "
            "years before the target year"
        )
    rows, final_revenue, final_discount = _path(
        target_revenue_usd_bn,
        years_to_target=years_to_target,
        fade_years=fade_years,
        growth_after_target=growth_after_target,
        terminal_growth=terminal_growth,
        margin_at_target=margin_at_target,
        operating_margin=operating_margin,
        discount_rate_young=discount_rate_young,
        discount_rate_mature=discount_rate_mature,
    )
    fade = 0.0
    years = []
    for previous, revenue, margin, discount in rows:
        nopat = revenue * (margin - stock_compensation_share) * (1.0 - tax_rate)
        fcf = nopat - (revenue - previous) / sales_to_capital
        fade = fade + fcf * discount
        years.append({"revenue_usd_bn": revenue, "operating_margin": margin,
                      "free_cash_flow_usd_bn": fcf, "discount_factor": discount})
    next_fcf = (
        final_revenue
        * (1.0 + terminal_growth)
        * (operating_margin - stock_compensation_share)
        * (1.0 - tax_rate)
        * (1.0 - reinvestment_rate)
    )
    terminal = next_fcf / (discount_rate_mature - terminal_growth) * final_discount
    burn = -sum(
        b * (1.0 + np.asarray(discount_rate_young, dtype=float)) ** -float(t)
        for t, b in enumerate(burn_usd_bn)
    )
    failure = -failure_probability * (fade + terminal)
    value = fade + terminal + failure + burn + cash_usd_bn
    return {"burn": burn, "fade": fade, "terminal": terminal, "failure": failure,
            "cash": cash_usd_bn, "value": value, "years": years}


def dcf_value_usd_bn(target_revenue_usd_bn, **inputs) -> float:
    """Equity value today of the multi-stage DCF [USD bn] (``dcf_stages_usd_bn(...)["value"]``).

    ``(1 − p_fail) × (Σ_k FCF_k × D_k + TV × D_H) − Σ_t burn_t / (1 + r_young)^t + cash``,
    with ``D_k`` the cumulative discount factor of fade year ``k`` and
    ``TV = FCF_{T+H+1} / (r_mature − g)``. Same inputs as :func:`dcf_stages_usd_bn`.
    """
    return dcf_stages_usd_bn(target_revenue_usd_bn, **inputs)["value"]


def required_target_revenue_usd_bn(valuation_usd_bn: float, **inputs) -> float:
    """Target-year revenue at which the DCF equals a valuation (reverse DCF, root finder).

    Solves ``dcf_value_usd_bn(R, **inputs) = valuation`` for ``R`` with Brent's method
    (:func:`scipy.optimize.brentq`) on a bracket doubled until it holds the root.

    Returns
    -------
    float
        Required revenue of the target year [USD bn]; ``inf`` when the operating stages are
        worth nothing per dollar of revenue (no margin left, or certain failure); 0 when the
        cash alone covers the valuation.

    Raises
    ------
    ValueError
        When the valuation is not a finite number.
    """
    if not np.isfinite(valuation_usd_bn):
        raise ValueError(f"valuation_usd_bn must be finite, found {valuation_usd_bn}")

    def gap(revenue: float) -> float:
        return float(dcf_value_usd_bn(revenue, **inputs)) - valuation_usd_bn

    at_zero = gap(0.0)
    if at_zero >= 0:
        return 0.0
    slope = gap(1.0) - at_zero
    if slope <= 0:
        return float("inf")
    high = 1.0
    while gap(high) < 0:
        high *= 2.0
        if high > 1e9:
            return float("inf")
    return float(brentq(gap, 0.0, high, xtol=1e-9, rtol=1e-12))


def required_target_revenue_affine_usd_bn(valuation_usd_bn, **inputs):
    """The same required revenue, in one step: ``(V − value(0)) / (value(1) − value(0))``.

    Exact because the DCF is affine in the target-year revenue (every flow after the target
    year is proportional to it; burn and cash do not depend on it). Works on arrays of
    inputs (Monte Carlo draws); ``inf`` where the slope is not positive.
    """
    at_zero = np.asarray(dcf_value_usd_bn(0.0, **inputs), dtype=float)
    slope = np.asarray(dcf_value_usd_bn(1.0, **inputs), dtype=float) - at_zero
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where(slope > 0, (valuation_usd_bn - at_zero) / slope, np.inf)
    need = np.maximum(need, 0.0)
    return float(need) if need.ndim == 0 else need


def required_growth_after_target(
    valuation_usd_bn: float, target_revenue_usd_bn: float, *, low: float = -0.5,
    high: float = 5.0, **inputs
) -> float:
    """Growth in the first year after the target year that makes the DCF equal a valuation.

    For a given target-year revenue (OpenAI's own projection), solves
    ``dcf_value_usd_bn(R_T, growth_after_target=x, **inputs) = valuation`` for ``x`` with
    Brent's method on ``[low, high]``.

    Returns
    -------
    float
        The required initial growth [0–1 per year]; ``nan`` when no growth in the bracket
        reaches the valuation (the value at ``high`` is still too low) or every growth
        exceeds it (the value at ``low`` is already too high). Needs ``fade_years >= 1``.
    """
    if inputs.get("fade_years", 0) < 1:
        raise ValueError("required_growth_after_target needs fade_years >= 1 (growth has no role)")

    def gap(growth: float) -> float:
        return float(
            dcf_value_usd_bn(target_revenue_usd_bn, growth_after_target=growth, **inputs)
        ) - valuation_usd_bn

    g_low, g_high = gap(low), gap(high)
    if g_low > 0 or g_high < 0:
        return float("nan")
    return float(brentq(gap, low, high, xtol=1e-10, rtol=1e-12))


def burn_schedule_usd_bn(
    total_usd_bn: float, known_usd_bn: Sequence[float], years: int
) -> list[float]:
    """Split a projected multi-year burn into years: the known years, the rest evenly.

    Parameters
    ----------
    total_usd_bn : float
        Burn projected over the whole period [USD bn] (OpenAI: 115 over 2025–2029).
    known_usd_bn : sequence of float
        Burn of the first years of the period that are known or projected one by one
        [USD bn] (OpenAI: 8 in 2025, 17 projected for 2026).
    years : int
        Number of years of the period.

    Returns
    -------
    list of float
        One burn a year [USD bn]: the known ones, then ``(total − Σ known) / (years − len
        known)`` for each remaining year (an estimate: even, since no yearly split is in the
        facts). The list sums to ``total``.
    """
    if len(known_usd_bn) > years:
        raise ValueError(f"{len(known_usd_bn)} known years for a period of {years} years")
    rest = total_usd_bn - sum(known_usd_bn)
    left = years - len(known_usd_bn)
    if left == 0:
        if abs(rest) > 1e-9:
            raise ValueError(f"the known years sum to {sum(known_usd_bn)}, not {total_usd_bn}")
        return list(known_usd_bn)
    if rest < 0:
        raise ValueError(
            f"the known years ({sum(known_usd_bn):g}) exceed the total ({total_usd_bn:g})"
        )
    return [*known_usd_bn, *([rest / left] * left)]


def required_revenue_plausibility(
    valuation_usd_bn: float, projection_usd_bn: float, plausible_multiple: float, **inputs
) -> dict[str, float | bool]:
    """Whether the revenue a price requires is plausible, and how far it is when it is not.

    The reverse DCF is linear in revenue, so when each revenue dollar keeps little value (low
    margin, high stock compensation) the root finder returns a revenue no company earns. The
    answer is then a state, not a number: *no plausible revenue suffices*. The bound is
    ``plausible_multiple × projection`` (an assumption with a range: fact
    ``oai_assumption_required_revenue_plausible_multiple``, over OpenAI's own projection for
    the target year).

    Returns
    -------
    dict
        ``need`` (:func:`required_target_revenue_usd_bn`; ``inf`` if none) [USD bn],
        ``bound`` [USD bn], ``plausible`` (``need ≤ bound``), ``times_projection``
        (``need / projection``; ``inf`` if none) [x], and ``value_at_bound`` (the DCF's
        equity value at the bound's revenue, below the valuation when not plausible) [USD bn].

    Raises
    ------
    ValueError
        When the projection or the multiple is not positive.
    """
    if not projection_usd_bn > 0:
        raise ValueError(f"projection_usd_bn must be positive, found {projection_usd_bn}")
    if not plausible_multiple > 0:
        raise ValueError(f"plausible_multiple must be positive, found {plausible_multiple}")
    need = required_target_revenue_usd_bn(valuation_usd_bn, **inputs)
    bound = plausible_multiple * projection_usd_bn
    return {
        "need": need,
        "bound": bound,
        "plausible": bool(need <= bound),
        "times_projection": need / projection_usd_bn,
        "value_at_bound": float(dcf_value_usd_bn(bound, **inputs)),
    }
