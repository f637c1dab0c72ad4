"""The fair value behind the post-money: a bridge from the headline price to Amazon's shares.

The round's post-money prices every committed share at one price; it is not a fair value of
Amazon's holding. The bridge walks from it, step by step, to the value of Amazon's expected
holding under the multi-stage DCF (:mod:`valse.model.dcf`), each step a fact or an assumption:

1. **conditional money counted as firm**: the post-money counts Amazon's contingent part as
   paid; only ``p × contingent`` is expected (``−(1 − p) × contingent``);
2. **cash inside the valuation**: the cash held and the money expected to come are taken out,
   leaving the operating value the price implies;
3. **operating value by the DCF**: the price's operating value is replaced by the DCF's (fade,
   terminal, failure and burn stages, without its cash stage);
4. **Microsoft's revenue share, capped after April 2026**: the amendment of 2026-04-27 keeps the
   share through 2030 under a total cap whose amount is not disclosed; the DCF's burn (OpenAI's
   projection of September 2025) counts the uncapped share, so the cap can only add value:
   ``revenue_share_cap_saving_usd_bn`` (an assumption, 0 when not quantified);
5. **the Foundation's position**: its 26% is common equity, in every holder's percentage
   already; a further claim (a warrant) would be subtracted here (``foundation_claim_usd_bn``,
   0: no such term in the facts);
6. **cash added back**, giving OpenAI's fair equity value, expected over the tranche;
7. **Amazon's share**, allocated by the named method. Only ``"pro rata"`` is implemented: no
   preference term of the 2026 shares is in the facts, so Amazon's shares are treated as
   common (a senior preference would call for an option-pricing allocation, and would raise
   the value of Amazon's shares in the downside). The share is an expectation over the
   tranche's two states (paid: ``investment / post``, value with the contingent cash; not
   paid: ``upfront / (post − contingent)``, value without it).

Amounts in USD bn; the probability in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

#: Allocation methods of the equity value to Amazon's shares.
METHODS: tuple[str, ...] = ("pro rata",)


@dataclass(frozen=True)
class BridgeStep:
    """One step of the bridge: its name, its amount and the total after it [USD bn]."""

    name: str
    amount_usd_bn: float
    total_usd_bn: float


def fair_value_bridge(
    *,
    post_money_usd_bn: float,
    contingent_usd_bn: float,
    contingent_probability: float,
    cash_usd_bn: float,
    dcf_operating_value_usd_bn: float,
    amazon_investment_usd_bn: float,
    amazon_upfront_usd_bn: float,
    revenue_share_cap_saving_usd_bn: float = 0.0,
    foundation_claim_usd_bn: float = 0.0,
    method: str = "pro rata",
) -> dict[str, object]:
    """The bridge from the headline post-money to the fair value of Amazon's expected holding.

    Parameters
    ----------
    post_money_usd_bn : float
        The round's post-money, every commitment counted [USD bn].
    contingent_usd_bn, contingent_probability : float
        Amazon's contingent part [USD bn] and the chance it is paid [0–1].
    cash_usd_bn : float
        OpenAI's cash and securities after the round [USD bn].
    dcf_operating_value_usd_bn : float
        The DCF's value of the operations (its equity value less its cash stage) [USD bn].
    amazon_investment_usd_bn, amazon_upfront_usd_bn : float
        Amazon's commitment and the part paid at signing [USD bn].
    revenue_share_cap_saving_usd_bn, foundation_claim_usd_bn : float
        Steps 4 and 5 of the module docstring [USD bn].
    method : {"pro rata"}
        Allocation of the equity value to Amazon's shares.

    Returns
    -------
    dict
        ``steps`` (list of :class:`BridgeStep`, from the headline to the fair equity value),
        ``fair_equity_usd_bn`` (expected over the tranche), ``amazon_fair_value_usd_bn``
        (``p × investment / post × E_paid + (1 − p) × upfront / (post − contingent) ×
        E_unpaid``, with ``E_paid = operating + cash + contingent + cap saving − claim`` and
        ``E_unpaid = E_paid − contingent``, each floored at 0: limited liability), ``method``.

    Raises
    ------
    ValueError
        On an unknown method, a probability outside [0, 1], an upfront part above the
        commitment, or a contingent part above the post-money.
    """
    if method not in METHODS:
        raise ValueError(f"fair_value_bridge: method expected one of {', '.join(METHODS)}, "
                         f"found {method!r}")
    if not 0 <= contingent_probability <= 1:
        raise ValueError(f"fair_value_bridge: contingent_probability expected in [0, 1], "
                         f"found {contingent_probability}")
    if amazon_upfront_usd_bn > amazon_investment_usd_bn:
        raise ValueError(f"fair_value_bridge: amazon_upfront_usd_bn ({amazon_upfront_usd_bn}) "
                         f"above amazon_investment_usd_bn ({amazon_investment_usd_bn})")
    if not 0 <= contingent_usd_bn < post_money_usd_bn:
        raise ValueError(f"fair_value_bridge: contingent_usd_bn expected in [0, post-money), "
                         f"found {contingent_usd_bn}")
    p = contingent_probability
    expected_cash = cash_usd_bn + p * contingent_usd_bn
    market_operating = post_money_usd_bn - (1 - p) * contingent_usd_bn - expected_cash
    amounts = [
        ("headline post-money", post_money_usd_bn),
        ("conditional money counted as firm", -(1 - p) * contingent_usd_bn),
        ("cash inside the valuation", -expected_cash),
        ("operating value by the DCF instead of the price",
         dcf_operating_value_usd_bn - market_operating),
        ("Microsoft's revenue share capped after April 2026", revenue_share_cap_saving_usd_bn),
        ("the Foundation's position beyond its shares", 0.0 - foundation_claim_usd_bn + 0.0),
        ("cash added back", expected_cash),
    ]
    steps, total = [], 0.0
    for name, amount in amounts:
        total += amount
        steps.append(BridgeStep(name, float(amount), float(total)))
    equity_paid = (dcf_operating_value_usd_bn + cash_usd_bn + contingent_usd_bn
                   + revenue_share_cap_saving_usd_bn - foundation_claim_usd_bn)
    equity_unpaid = equity_paid - contingent_usd_bn
    # limited liability: a share is worth no less than nothing in either state
    equity_paid, equity_unpaid = max(equity_paid, 0.0), max(equity_unpaid, 0.0)
    share_paid = amazon_investment_usd_bn / post_money_usd_bn
    share_unpaid = amazon_upfront_usd_bn / (post_money_usd_bn - contingent_usd_bn)
    if contingent_usd_bn == 0:  # nothing contingent: one state
        amazon = share_paid * equity_paid
    else:
        amazon = p * share_paid * equity_paid + (1 - p) * share_unpaid * equity_unpaid
    return {"steps": steps, "fair_equity_usd_bn": float(total),
            "amazon_fair_value_usd_bn": float(amazon), "method": method}
