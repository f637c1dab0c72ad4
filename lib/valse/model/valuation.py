"""Valuation: round arithmetic, cap tables, tranches, IPO values, DCF and multiples.

Pure functions, one per identity. Amounts are in USD billions, shares in percent (0–100)
or as fractions (0–1) as their names say. Sections: the round (post-money, stakes,
dilution, cap table), tranches (expected amount and stake of a commitment paid partly on
milestones), the effective price of a stake (``price_per_stake_point_usd_bn``,
``effective_stake_price_discount_pct``), stakes at the IPO, discounted cash flows (forward
DCF and its closed-form inverse, the reverse DCF) and revenue multiples.
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


def stake_value_usd_bn(stake_pct: float, valuation_usd_bn: float) -> float:
    """Value of a stake: ``stake / 100 × valuation`` [USD bn]."""
    return stake_pct / 100.0 * valuation_usd_bn


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


# --- discounted cash flows: forward and reverse -----------------------------------------


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


# --- revenue multiples ------------------------------------------------------------------


def ev_to_revenue_x(enterprise_value_usd_bn: float, revenue_usd_bn: float) -> float:
    """Enterprise value per dollar of yearly revenue: ``EV / revenue`` [x]."""
    if revenue_usd_bn <= 0:
        raise ValueError(f"revenue_usd_bn must be positive, found {revenue_usd_bn}")
    return enterprise_value_usd_bn / revenue_usd_bn


def valuation_at_multiple_usd_bn(revenue_usd_bn: float, multiple_x: float) -> float:
    """Value a revenue multiple puts on a company: ``revenue × multiple`` [USD bn]."""
    return revenue_usd_bn * multiple_x


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
