"""Stakes at the IPO: dilution by the new shares, values, multiples and the break-even valuation.

Amounts in USD billions, stakes in percent (0–100), dilution as a fraction (0–1).
"""

from __future__ import annotations

from valse.model.valuation import expected_stake_pct, stake_value_usd_bn


def ipo_dilution_fraction(primary_raise_usd_bn: float, ipo_valuation_usd_bn: float) -> float:
    """Share of the company sold as new shares at the IPO.

    Parameters
    ----------
    primary_raise_usd_bn : float
        New money raised by the company at the IPO [USD bn] (secondary sales by existing
        holders do not dilute).
    ipo_valuation_usd_bn : float
        Market value right after the IPO, new money included [USD bn].

    Returns
    -------
    float
        ``primary_raise / ipo_valuation`` [0–1].
    """
    if ipo_valuation_usd_bn <= 0:
        raise ValueError(f"ipo_valuation_usd_bn must be positive, found {ipo_valuation_usd_bn}")
    if not 0.0 <= primary_raise_usd_bn <= ipo_valuation_usd_bn:
        raise ValueError(
            f"primary_raise_usd_bn must be in [0, ipo_valuation_usd_bn], found "
            f"{primary_raise_usd_bn} (valuation {ipo_valuation_usd_bn})"
        )
    return primary_raise_usd_bn / ipo_valuation_usd_bn


def stake_value_at_ipo_usd_bn(
    stake_before_ipo_pct: float, ipo_valuation_usd_bn: float, ipo_dilution: float
) -> float:
    """Value of a pre-IPO stake at the IPO, after the new shares sold at the IPO.

    Parameters
    ----------
    stake_before_ipo_pct : float
        Stake before the IPO [%].
    ipo_valuation_usd_bn : float
        Market value right after the IPO, new money included [USD bn].
    ipo_dilution : float
        Share of the post-IPO company sold as new shares [0–1]
        (:func:`ipo_dilution_fraction`).

    Returns
    -------
    float
        ``stake × (1 − ipo_dilution) / 100 × ipo_valuation`` [USD bn].
    """
    if not 0.0 <= ipo_dilution < 1.0:
        raise ValueError(f"ipo_dilution must be in [0, 1), found {ipo_dilution}")
    return stake_value_usd_bn(stake_before_ipo_pct * (1.0 - ipo_dilution), ipo_valuation_usd_bn)


def multiple_on_investment_x(value_usd_bn: float, investment_usd_bn: float) -> float:
    """Value of a holding per dollar invested: ``value / investment`` [x]."""
    if investment_usd_bn <= 0:
        raise ValueError(f"investment_usd_bn must be positive, found {investment_usd_bn}")
    return value_usd_bn / investment_usd_bn


def expected_stake_value_at_ipo_usd_bn(
    commitment_usd_bn: float,
    upfront_usd_bn: float,
    contingent_tranche_probability: float,
    round_size_usd_bn: float,
    pre_money_valuation_usd_bn: float,
    ipo_valuation_usd_bn: float,
    ipo_dilution: float,
) -> float:
    """Value at the IPO of the probability-weighted stake a tranched commitment buys.

    Composes :func:`expected_stake_pct` and :func:`stake_value_at_ipo_usd_bn`:

    ``(p × s_paid + (1 − p) × s_missed) × (1 − ipo_dilution) / 100 × ipo_valuation``
    [USD bn]. This is the model the Monte Carlo and the tornado chart of the valuation
    notebook evaluate.
    """
    stake = expected_stake_pct(
        commitment_usd_bn,
        upfront_usd_bn,
        contingent_tranche_probability,
        round_size_usd_bn,
        pre_money_valuation_usd_bn,
    )
    return stake_value_at_ipo_usd_bn(stake, ipo_valuation_usd_bn, ipo_dilution)


def breakeven_ipo_valuation_usd_bn(
    investment_usd_bn: float, stake_before_ipo_pct: float, ipo_dilution: float
) -> float:
    """IPO valuation at which a stake is worth what was paid for it.

    Solves ``stake × (1 − ipo_dilution) / 100 × V = investment`` for ``V``:

    ``V = 100 × investment / (stake × (1 − ipo_dilution))`` [USD bn].
    """
    if stake_before_ipo_pct <= 0:
        raise ValueError(f"stake_before_ipo_pct must be positive, found {stake_before_ipo_pct}")
    if not 0.0 <= ipo_dilution < 1.0:
        raise ValueError(f"ipo_dilution must be in [0, 1), found {ipo_dilution}")
    return 100.0 * investment_usd_bn / (stake_before_ipo_pct * (1.0 - ipo_dilution))
