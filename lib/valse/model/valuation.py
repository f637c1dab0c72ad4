"""Valuation: round arithmetic, cap tables and tranches.

Pure functions, one per identity. Amounts are in USD billions, shares in percent (0–100)
or as fractions (0–1) as their names say. Sections: the round (post-money, stakes,
dilution, cap table), tranches (expected amount and stake of a commitment paid partly on
milestones), the effective price of a stake (``price_per_stake_point_usd_bn``,
``effective_stake_price_discount_pct``). Stakes at the IPO are in :mod:`valse.model.ipo`, the
first edition's one-stage DCF in :mod:`valse.model.gordon`, multiples and marks in
:mod:`valse.model.multiples`.
"""

from __future__ import annotations

from collections.abc import Mapping


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


# --- round arithmetic: dilution and the cap table ----------------------------------------


def dilution_factor(pre_money_valuation_usd_bn: float, round_size_usd_bn: float) -> float:
    """Fraction of its stake an existing holder keeps through a primary round.

    Parameters
    ----------
    pre_money_valuation_usd_bn : float
        Value of the company before the round [USD bn]; must be positive.
    round_size_usd_bn : float
        New money in the round [USD bn]; must be non-negative.

    Returns
    -------
    float
        ``pre_money / (pre_money + round_size)`` [0–1]. New shares are issued at the
        round's price, so the old shares are worth ``pre_money`` out of a post-money
        ``pre_money + round_size`` (Metrick & Yasuda, ch. 1).
    """
    if pre_money_valuation_usd_bn <= 0:
        raise ValueError(
            f"pre_money_valuation_usd_bn must be positive, found {pre_money_valuation_usd_bn}"
        )
    if round_size_usd_bn < 0:
        raise ValueError(f"round_size_usd_bn must be non-negative, found {round_size_usd_bn}")
    return pre_money_valuation_usd_bn / post_money_valuation_usd_bn(
        pre_money_valuation_usd_bn, round_size_usd_bn
    )


def diluted_stake_pct(
    stake_before_pct: float, pre_money_valuation_usd_bn: float, round_size_usd_bn: float
) -> float:
    """An existing holder's stake after a primary round it does not take part in.

    Returns
    -------
    float
        ``stake_before × pre_money / (pre_money + round_size)`` [%].
    """
    return stake_before_pct * dilution_factor(pre_money_valuation_usd_bn, round_size_usd_bn)


def holdings_before_round_pct(
    named_holders_pct: Mapping[str, float], remainder_label: str
) -> dict[str, float]:
    """Complete a partial cap table with a remainder so that the stakes sum to 100 %.

    Parameters
    ----------
    named_holders_pct : mapping name -> stake [%]
        The holders whose stakes are known (each in [0, 100]).
    remainder_label : str
        Name of the line that holds the rest (for OpenAI: employees and other investors).

    Returns
    -------
    dict name -> stake [%]
        The named holders, then ``remainder = 100 − Σ named``.

    Raises
    ------
    ValueError
        When a stake is outside [0, 100], the named stakes exceed 100 % in all, or the
        remainder label is already a named holder.
    """
    for name, value in named_holders_pct.items():
        if not 0.0 <= value <= 100.0:
            raise ValueError(f"stake of {name!r} must be in [0, 100] %, found {value}")
    if remainder_label in named_holders_pct:
        raise ValueError(f"remainder label {remainder_label!r} is already a named holder")
    total = sum(named_holders_pct.values())
    if total > 100.0 + 1e-9:
        raise ValueError(
            f"named stakes must sum to at most 100 %, found {total:g} % "
            f"({', '.join(f'{k} {v:g}' for k, v in named_holders_pct.items())})"
        )
    return {**named_holders_pct, remainder_label: max(100.0 - total, 0.0)}


def round_allocation_usd_bn(
    round_size_usd_bn: float,
    lead_investment_usd_bn: float,
    lead_label: str,
    named_investments_usd_bn: Mapping[str, float],
    others_label: str,
) -> dict[str, float]:
    """Split a round between a lead investor, named co-investors and the others.

    The lead (Amazon) takes ``lead_investment``; the named co-investors (NVIDIA, SoftBank)
    take their reported amounts; the others take what is left. When the named amounts
    exceed what the round leaves after the lead (the rumour's $100B round does not hold
    the $30B + $30B reported later), they are scaled down pro rata, since no source gives
    the split in that case.

    Parameters
    ----------
    round_size_usd_bn : float
        All new money in the round [USD bn].
    lead_investment_usd_bn : float
        The lead investor's part [USD bn], at most the round.
    lead_label, others_label : str
        Names of the lead and of the remainder line.
    named_investments_usd_bn : mapping name -> amount [USD bn]
        Reported amounts of the other named investors (non-negative).

    Returns
    -------
    dict name -> amount [USD bn]
        Lead, named investors, others; the amounts sum to ``round_size``.
    """
    if lead_investment_usd_bn < 0 or round_size_usd_bn < 0:
        raise ValueError(
            "round_size_usd_bn and the lead investment must be non-negative, found "
            f"{round_size_usd_bn} and {lead_investment_usd_bn}"
        )
    if lead_investment_usd_bn > round_size_usd_bn:
        raise ValueError(
            f"{lead_label}'s investment ({lead_investment_usd_bn:g}) cannot exceed the "
            f"round_size_usd_bn ({round_size_usd_bn:g})"
        )
    for name, value in named_investments_usd_bn.items():
        if value < 0:
            raise ValueError(f"investment of {name!r} must be non-negative, found {value}")
    left = round_size_usd_bn - lead_investment_usd_bn
    named_total = sum(named_investments_usd_bn.values())
    scale = 1.0 if named_total <= left else left / named_total
    named = {k: v * scale for k, v in named_investments_usd_bn.items()}
    others = max(left - sum(named.values()), 0.0)
    return {lead_label: lead_investment_usd_bn, **named, others_label: others}


def cap_table_after_round_pct(
    holdings_before_pct: Mapping[str, float],
    new_investments_usd_bn: Mapping[str, float],
    pre_money_valuation_usd_bn: float,
) -> dict[str, float]:
    """Stakes of every holder after a primary round.

    Every existing holder is diluted by ``pre / post``; every new investor gets
    ``investment / post``, with ``post = pre + Σ new investments``. A name present on both
    sides (a holder that also invests) gets the sum of the two.

    Parameters
    ----------
    holdings_before_pct : mapping name -> stake [%]
        Stakes before the round, summing to 100 (see :func:`holdings_before_round_pct`).
    new_investments_usd_bn : mapping name -> amount [USD bn]
        New money per investor (see :func:`round_allocation_usd_bn`).
    pre_money_valuation_usd_bn : float
        Value before the round [USD bn].

    Returns
    -------
    dict name -> stake after the round [%]
        Existing holders first, then new investors; the stakes sum to 100 when those before
        the round did.
    """
    round_size = sum(new_investments_usd_bn.values())
    post = post_money_valuation_usd_bn(pre_money_valuation_usd_bn, round_size)
    keep = dilution_factor(pre_money_valuation_usd_bn, round_size)
    after = {name: stake * keep for name, stake in holdings_before_pct.items()}
    for name, amount in new_investments_usd_bn.items():
        after[name] = after.get(name, 0.0) + stake_pct(amount, post)
    return after


# --- tranches ---------------------------------------------------------------------------


def stake_if_milestones_missed_pct(
    commitment_usd_bn: float,
    upfront_usd_bn: float,
    round_size_usd_bn: float,
    pre_money_valuation_usd_bn: float,
) -> float:
    """The investor's stake when only the upfront part of its commitment is paid.

    The round size counts the whole commitment; if the milestone part never comes, the
    round is smaller by ``commitment − upfront`` and so is the post-money. Shares are
    bought at the round's price either way (an assumption where no source gives the price
    of the contingent tranche).

    Returns
    -------
    float
        ``100 × upfront / (pre_money + round_size − (commitment − upfront))`` [%].
    """
    if upfront_usd_bn > commitment_usd_bn:
        raise ValueError(
            f"upfront ({upfront_usd_bn}) cannot exceed the commitment ({commitment_usd_bn})"
        )
    contingent = commitment_usd_bn - upfront_usd_bn
    if contingent > round_size_usd_bn:
        raise ValueError(
            f"the contingent part ({contingent:g}) cannot exceed the round_size_usd_bn "
            f"({round_size_usd_bn:g}) that includes it"
        )
    post = post_money_valuation_usd_bn(pre_money_valuation_usd_bn, round_size_usd_bn - contingent)
    return stake_pct(upfront_usd_bn, post)


def expected_stake_pct(
    commitment_usd_bn: float,
    upfront_usd_bn: float,
    contingent_tranche_probability: float,
    round_size_usd_bn: float,
    pre_money_valuation_usd_bn: float,
) -> float:
    """Probability-weighted stake of a commitment paid partly on milestones.

    Returns
    -------
    float
        ``p × s_paid + (1 − p) × s_missed`` [%], where ``s_paid = 100 × commitment /
        (pre + round)`` and ``s_missed`` is :func:`stake_if_milestones_missed_pct`.
    """
    if not 0.0 <= contingent_tranche_probability <= 1.0:
        raise ValueError(
            "contingent_tranche_probability must be in [0, 1], "
            f"found {contingent_tranche_probability}"
        )
    paid = stake_pct(
        commitment_usd_bn,
        post_money_valuation_usd_bn(pre_money_valuation_usd_bn, round_size_usd_bn),
    )
    missed = stake_if_milestones_missed_pct(
        commitment_usd_bn, upfront_usd_bn, round_size_usd_bn, pre_money_valuation_usd_bn
    )
    return contingent_tranche_probability * paid + (1.0 - contingent_tranche_probability) * missed


# --- stakes at the IPO ------------------------------------------------------------------


def stake_value_usd_bn(stake_pct: float, valuation_usd_bn: float) -> float:
    """Value of a stake: ``stake / 100 × valuation`` [USD bn]."""
    return stake_pct / 100.0 * valuation_usd_bn


# --- discounted cash flows: forward and reverse -----------------------------------------


# --- revenue multiples ------------------------------------------------------------------


