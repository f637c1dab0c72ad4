"""Cloud economics: how much of an investment returns to the investor as cloud revenue.

Pure functions, one per identity, amounts in USD billions. Definitions follow DESIGN.md:
the *net cash outlay* sets all the returning cloud spend against the investment; the
*economic cost* sets only the operating profit the cloud provider keeps on that spend.
Both are undiscounted.

The rest of the module builds on them:

* **deal anatomy**: the headline split into equity cash and cloud spend (the rumour's
  reading, services *inside* the headline) or set against a separate cloud contract (the
  reported deal), with the part paid on milestones;
* **present values** (in :mod:`valse.model.cloud_pv`): the cloud spend spread over the
  contract with a spending profile (``"even"`` or ``"ramp"``), the milestone part paid later
  with a probability, both discounted at ``discount_rate``; the DESIGN.md identities are
  linear, so they hold on present values too (:func:`net_cash_outlay_usd_bn` of the present
  values is the present value of the net cash outlay);
* **counterfactual**: the share of the AWS spend that would not have happened without the
  investment; the *circular* reading counts all of it as coming back, the *incremental*
  reading only that share;
* **AWS view**: contract revenue by year against AWS's revenue and its growth.

The old margin-based whole-deal figures (``cloud_economics`` and the capex IRR, payback and
capacity built on it) are removed: no notebook used them since the cash NPV of
:mod:`valse.model.aws_contract` and :mod:`valse.model.deal_npv` replaced them.

Conventions: year ``k`` of a contract runs from ``k − 1`` to ``k`` years after signing and
its spending is paid at its end (the last, partial year ends at ``contract_years``);
amounts in USD bn, shares and rates as fractions in [0, 1].
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from valse.model.cloud_pv import _non_negative, _unit_interval

#: Readings of how the AWS spend relates to the headline investment.
SERVICES_READINGS: tuple[str, ...] = ("inside", "separate")


def net_cash_outlay_usd_bn(investment_usd_bn: float, aws_services_usd_bn: float) -> float:
    """Cash the investor pays out, net of the cash that comes back as cloud revenue.

    Parameters
    ----------
    investment_usd_bn : float
        Amount invested [USD bn].
    aws_services_usd_bn : float
        Cloud spending by the investee tied to the deal [USD bn].

    Returns
    -------
    float
        ``investment − aws_services`` [USD bn]; negative when more returns than goes out.
    """
    return investment_usd_bn - aws_services_usd_bn


def economic_cost_usd_bn(
    investment_usd_bn: float, aws_services_usd_bn: float, aws_ai_operating_margin: float
) -> float:
    """Cost of an investment net of the operating profit earned on the returning spend.

    Parameters
    ----------
    investment_usd_bn : float
        Amount invested [USD bn].
    aws_services_usd_bn : float
        Cloud spending tied to the deal [USD bn].
    aws_ai_operating_margin : float
        Operating margin the provider earns on that spending [0–1].

    Returns
    -------
    float
        ``investment − margin × aws_services`` [USD bn]. For a margin in [0, 1] it lies
        between the net cash outlay (margin 1) and the investment (margin 0).
    """
    if not 0.0 <= aws_ai_operating_margin <= 1.0:
        raise ValueError(
            f"aws_ai_operating_margin must be in [0, 1], found {aws_ai_operating_margin}"
        )
    return investment_usd_bn - aws_ai_operating_margin * aws_services_usd_bn


def circularity_pct(aws_services_usd_bn: float, investment_usd_bn: float) -> float:
    """Cloud spending tied to the deal as a share of the investment.

    Returns
    -------
    float
        ``100 × aws_services / investment`` [%]; above 100 when the tied cloud spending
        exceeds the investment. Infinite when the investment is zero and spending is not.
    """
    if investment_usd_bn == 0:
        return 0.0 if aws_services_usd_bn == 0 else float("inf")
    return 100.0 * aws_services_usd_bn / investment_usd_bn


# --- deal anatomy and counterfactual ----------------------------------------------------------


def incremental_aws_services_usd_bn(
    aws_services_usd_bn: float, counterfactual_share: float
) -> float:
    """AWS spending that would not have happened without the investment.

    Parameters
    ----------
    aws_services_usd_bn : float
        Cloud spending tied to the deal [USD bn].
    counterfactual_share : float
        Share of it caused by the deal [0–1]: 0 = OpenAI would have bought this compute from
        AWS anyway, 1 = all of it is caused by the deal.

    Returns
    -------
    float
        ``counterfactual_share × aws_services`` [USD bn].
    """
    _unit_interval("counterfactual_share", counterfactual_share)
    return counterfactual_share * aws_services_usd_bn


def openai_net_new_cash_usd_bn(
    investment_usd_bn: float, aws_services_usd_bn: float, counterfactual_share: float
) -> float:
    """New cash the deal leaves OpenAI with, net of the AWS spending it causes.

    The cash OpenAI receives, less the AWS spending it would not have made otherwise. In
    the rumour's reading (services inside the headline) with a share of 1 it is the equity
    cash, ``investment − aws_services``; cloud credits for compute OpenAI would have bought
    anyway (share 0) are worth as much as cash.

    Returns
    -------
    float
        ``investment − counterfactual_share × aws_services`` [USD bn]; negative when the
        deal commits OpenAI to more new AWS spending than it brings in.
    """
    return investment_usd_bn - incremental_aws_services_usd_bn(
        aws_services_usd_bn, counterfactual_share
    )


def services_reading(
    investment_usd_bn: float,
    upfront_usd_bn: float,
    aws_services_usd_bn: float,
    reading: str = "auto",
) -> Literal["inside", "separate"]:
    """Which reading of the AWS spend applies: inside the headline, or a separate contract.

    Parameters
    ----------
    investment_usd_bn, upfront_usd_bn, aws_services_usd_bn : float
        The deal's amounts [USD bn].
    reading : {"auto", "inside", "separate"}
        ``inside``: the rumour's reading (part of the headline is OpenAI's AWS bill);
        ``separate``: the reported deal (a separate cloud contract). ``auto`` picks
        ``inside`` when the spend fits in the headline and nothing is paid on milestones
        (the rumour as written), else ``separate``.

    Returns
    -------
    str
        ``"inside"`` or ``"separate"``.
    """
    if reading == "auto":
        fits = aws_services_usd_bn <= investment_usd_bn
        return "inside" if fits and upfront_usd_bn == investment_usd_bn else "separate"
    if reading not in SERVICES_READINGS:
        raise ValueError(f"reading must be auto, inside or separate, found {reading!r}")
    if reading == "inside" and aws_services_usd_bn > investment_usd_bn:
        raise ValueError(
            f"reading 'inside': aws_services_usd_bn ({aws_services_usd_bn}) cannot exceed "
            f"investment_usd_bn ({investment_usd_bn}) when the services are part of it"
        )
    return reading  # type: ignore[return-value]


def deal_anatomy_usd_bn(
    investment_usd_bn: float,
    upfront_usd_bn: float,
    aws_services_usd_bn: float,
    reading: str = "auto",
) -> dict[str, float | str]:
    """Split the headline into its parts under one reading of the deal.

    Returns
    -------
    dict
        ``reading`` (``inside`` or ``separate``, see :func:`services_reading`);
        ``headline_usd_bn``; ``upfront_usd_bn`` and ``contingent_usd_bn`` (paid at signing
        and on milestones); ``equity_cash_usd_bn`` (cash OpenAI receives:
        ``investment − aws_services`` inside, ``investment`` separate);
        ``services_inside_headline_usd_bn`` and ``separate_cloud_contract_usd_bn``
        (one of them is the AWS spend, the other zero); all but ``reading`` in USD bn.
    """
    _non_negative("aws_services_usd_bn", aws_services_usd_bn)
    if upfront_usd_bn > investment_usd_bn:
        raise ValueError(
            f"upfront_usd_bn ({upfront_usd_bn}) cannot exceed investment_usd_bn "
            f"({investment_usd_bn})"
        )
    which = services_reading(investment_usd_bn, upfront_usd_bn, aws_services_usd_bn, reading)
    inside = which == "inside"
    return {
        "reading": which,
        "headline_usd_bn": float(investment_usd_bn),
        "upfront_usd_bn": float(upfront_usd_bn),
        "contingent_usd_bn": float(investment_usd_bn - upfront_usd_bn),
        "equity_cash_usd_bn": float(
            investment_usd_bn - aws_services_usd_bn if inside else investment_usd_bn
        ),
        "services_inside_headline_usd_bn": float(aws_services_usd_bn if inside else 0.0),
        "separate_cloud_contract_usd_bn": float(0.0 if inside else aws_services_usd_bn),
    }


# --- the AWS view ------------------------------------------------------------------------------


def aws_revenue_projection_usd_bn(
    base_revenue_usd_bn: float, growth_rate: float, years: int
) -> np.ndarray:
    """AWS revenue projected at a constant growth rate.

    Parameters
    ----------
    base_revenue_usd_bn : float
        Revenue of the last full year before the contract [USD bn].
    growth_rate : float
        Yearly growth [fraction, e.g. 0.2]; may be negative, above −1.
    years : int
        Number of years to project.

    Returns
    -------
    numpy.ndarray
        ``base × (1 + g)^k`` for ``k = 1 … years`` [USD bn per year].
    """
    if not growth_rate > -1:
        raise ValueError(f"growth_rate must be above -1, found {growth_rate}")
    return base_revenue_usd_bn * (1.0 + growth_rate) ** np.arange(1, int(years) + 1)


def revenue_share_pct(
    contract_revenue_usd_bn: np.ndarray | float, aws_revenue_usd_bn: np.ndarray | float
) -> np.ndarray:
    """Contract revenue as a share of AWS revenue, year by year.

    Returns
    -------
    numpy.ndarray
        ``100 × contract_revenue / aws_revenue`` [%].
    """
    aws = np.asarray(aws_revenue_usd_bn, dtype=float)
    if np.any(aws <= 0):
        raise ValueError(f"aws_revenue_usd_bn must be positive, found {aws.min()}")
    return 100.0 * np.asarray(contract_revenue_usd_bn, dtype=float) / aws


def share_of_aws_growth_pct(
    contract_revenue_increase_usd_bn: float, aws_revenue_increase_usd_bn: float
) -> float:
    """Part of AWS's yearly revenue growth that the contract accounts for.

    Returns
    -------
    float
        ``100 × contract revenue increase / AWS revenue increase`` [%] (above 100 when the
        contract alone adds more than the whole of AWS grows).
    """
    if aws_revenue_increase_usd_bn <= 0:
        raise ValueError(
            f"aws_revenue_increase_usd_bn must be positive, found {aws_revenue_increase_usd_bn}"
        )
    return 100.0 * contract_revenue_increase_usd_bn / aws_revenue_increase_usd_bn


# --- everything at once -------------------------------------------------------------------------


# --- models for Monte Carlo and sensitivity (keyword inputs; extra inputs are ignored so one
# --- set of central values can feed several models) ----------------------------------------

