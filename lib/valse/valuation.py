"""Round arithmetic: valuations, stakes and tranches.

Pure functions, one per identity. Amounts are in USD billions, shares in percent (0–100)
or as fractions (0–1) as their names say. The later analysis (cap tables, IPO values,
reverse DCF) builds on these.
"""

from __future__ import annotations


def post_money_valuation_usd_bn(
    pre_money_valuation_usd_bn: float, round_size_usd_bn: float
) -> float:
    """Valuation right after a round.

    Parameters
    ----------
    pre_money_valuation_usd_bn : float
        Value of the company before the new money [USD bn].
    round_size_usd_bn : float
        All new money in the round [USD bn].

    Returns
    -------
    float
        ``pre_money + round_size`` [USD bn] (the standard venture identity; e.g.
        Metrick & Yasuda, *Venture Capital and the Finance of Innovation*, ch. 1).
    """
    return pre_money_valuation_usd_bn + round_size_usd_bn


def stake_pct(investment_usd_bn: float, post_money_valuation_usd_bn: float) -> float:
    """Share of the company an investment buys at a post-money valuation.

    Parameters
    ----------
    investment_usd_bn : float
        Amount invested in the round [USD bn].
    post_money_valuation_usd_bn : float
        Valuation after the round [USD bn]; must be positive.

    Returns
    -------
    float
        ``100 × investment / post_money`` [%].
    """
    if post_money_valuation_usd_bn <= 0:
        raise ValueError(
            f"post_money_valuation_usd_bn must be positive, found {post_money_valuation_usd_bn}"
        )
    return 100.0 * investment_usd_bn / post_money_valuation_usd_bn


def expected_investment_usd_bn(
    commitment_usd_bn: float, upfront_usd_bn: float, contingent_tranche_probability: float
) -> float:
    """Expected amount of a commitment paid partly at signing, partly on milestones.

    Parameters
    ----------
    commitment_usd_bn : float
        Headline commitment [USD bn].
    upfront_usd_bn : float
        Part paid at signing [USD bn], at most the commitment.
    contingent_tranche_probability : float
        Chance that the milestone-dependent rest is paid [0–1].

    Returns
    -------
    float
        ``upfront + p × (commitment − upfront)`` [USD bn].
    """
    if not 0.0 <= contingent_tranche_probability <= 1.0:
        raise ValueError(
            "contingent_tranche_probability must be in [0, 1], "
            f"found {contingent_tranche_probability}"
        )
    if upfront_usd_bn > commitment_usd_bn:
        raise ValueError(
            f"upfront ({upfront_usd_bn}) cannot exceed the commitment ({commitment_usd_bn})"
        )
    return upfront_usd_bn + contingent_tranche_probability * (commitment_usd_bn - upfront_usd_bn)


def price_per_stake_point_usd_bn(amount_usd_bn: float, stake_pct: float) -> float:
    """Price of one percentage point of the company.

    Returns
    -------
    float
        ``amount / stake_pct`` [USD bn per percentage point]. With the headline amount it is
        the round's price (post-money / 100); with Amazon's economic cost it is the price
        Amazon effectively pays once the AWS margin on the returning spend is counted.
    """
    if stake_pct <= 0:
        raise ValueError(f"stake_pct must be positive, found {stake_pct}")
    return amount_usd_bn / stake_pct


def effective_stake_price_discount_pct(
    investment_usd_bn: float, economic_cost_usd_bn: float
) -> float:
    """How much cheaper the stake is when priced at the investor's economic cost.

    For a stake ``s`` bought with ``investment``, the headline price per point is
    ``investment / s`` and the effective one ``economic_cost / s``; the discount is

    ``100 × (1 − economic_cost / investment)`` [%],

    independent of ``s``. It exceeds 100 when the economic cost is negative (the profit on
    the returning cloud spend is larger than the investment).
    """
    if investment_usd_bn <= 0:
        raise ValueError(f"investment_usd_bn must be positive, found {investment_usd_bn}")
    return 100.0 * (1.0 - economic_cost_usd_bn / investment_usd_bn)
