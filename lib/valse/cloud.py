"""Cloud economics: how much of an investment returns to the investor as cloud revenue.

Pure functions, one per identity, amounts in USD billions. Definitions follow DESIGN.md:
the *net cash outlay* sets all the returning cloud spend against the investment; the
*economic cost* sets only the operating profit the cloud provider keeps on that spend.
Both are undiscounted.
"""

from __future__ import annotations


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
