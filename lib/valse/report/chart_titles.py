"""Chart titles that state the takeaway (#16 §1), for notebooks 00, 02 and 05.

Each function returns a title from the figures it is about, so the words follow the numbers in
every scenario ("Amazon's stake is worth less than it pays", not "Stake value"); numbers are
written with :mod:`valse.report.narrative`'s formatters. A figure that is missing gives a title
that says what the chart shows without a claim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from valse.report.narrative import count, pct, usd_bn


def _value(best: Mapping[str, Mapping[str, Any]], name: str) -> float | None:
    rec = best.get(name)
    if rec is None:
        return None
    value = float(rec["value"])
    return value if np.isfinite(value) else None


# --- 00 and 02 -------------------------------------------------------------------------------


def readings_title(rumour_investment: float, reported_upfront: float) -> str:
    """00's chart of the two readings: how much less the signed deal pays at once."""
    if reported_upfront < rumour_investment:
        return (f"Signed, the deal pays {usd_bn(reported_upfront)} at once, not the rumour's "
                f"{usd_bn(rumour_investment)}")
    return f"Signed, the deal pays {usd_bn(reported_upfront)} at once, as the rumour said"


def bridge_title(npv: float, scenario: str) -> str:
    """The value bridge: does the stake cover what Amazon pays, once AWS's contract counts."""
    if npv < 0:
        return (f"Amazon's stake is worth less than it pays: the deal loses "
                f"{usd_bn(-npv, 1)} in present value ({scenario})")
    return f"Amazon's stake is worth more than it pays: the deal adds {usd_bn(npv, 1)} ({scenario})"


def contract_title(contract_npv: float, scenario: str) -> str:
    """AWS's cash flows from the part of the contract the deal causes."""
    if contract_npv < 0:
        return (f"The contract's caused part loses AWS {usd_bn(-contract_npv, 1)} after capex "
                f"and tax ({scenario})")
    return (f"The contract's caused part earns AWS {usd_bn(contract_npv, 1)} after capex and "
            f"tax ({scenario})")


def sweep_title(sweep: Any) -> str:
    """The NPV against the share of the AWS spending the deal causes (first and last rows)."""
    npv = np.asarray(sweep["NPV to Amazon (USD bn)"], dtype=float)
    if npv.size < 2 or npv[-1] == npv[0]:
        return "The share of the AWS spending the deal causes does not move its NPV"
    word = "lower" if npv[-1] < npv[0] else "higher"
    return f"The more AWS spending the deal causes, the {word} its NPV to Amazon"


def states_title(states: Any, scenario: str) -> str:
    """The two outcomes (tranche paid and listed, or not): where Amazon does better."""
    col = [c for c in states.columns if str(c).startswith("stake PV − investment PV")][0]
    paid, unpaid = (float(states[col].iloc[i]) for i in (0, 1))
    if paid < 0 and unpaid < 0:
        worse = "paid" if paid < unpaid else "not paid"
        return (f"Before AWS's contract, Amazon loses in both outcomes, more if the tranche is "
                f"{worse} ({scenario})")
    better = "paid and OpenAI lists" if paid > unpaid else "not paid"
    return f"Before AWS's contract, Amazon does better if the tranche is {better} ({scenario})"


def histogram_title(draws: np.ndarray) -> str:
    """The NPV's Monte Carlo: how often it is negative."""
    d = np.asarray(draws, dtype=float)
    share = 100.0 * float(np.mean(d < 0)) if d.size else float("nan")
    return f"The NPV is negative in {pct(share, 0)} of {count(d.size)} correlated draws"


def tornado_title(rows: Sequence[tuple[str, float, float, float]],
                  labels: Mapping[str, str]) -> str:
    """The tornado: which input moves the NPV most (rows sorted by swing, largest first)."""
    if not rows:
        return "What moves the NPV"
    top = max(rows, key=lambda r: r[3])
    name = labels.get(top[0], top[0])
    return f"The {name} moves the NPV most, by {usd_bn(top[3], 1)}"


def commitments_title(aws_share_after_pct: float) -> str:
    """OpenAI's compute commitments: how large AWS's part is, in dollars, after the deal."""
    return (f"AWS holds only {pct(aws_share_after_pct, 0)} of OpenAI's compute commitments in "
            "dollars, after this deal" if aws_share_after_pct < 50 else
            f"AWS holds {pct(aws_share_after_pct, 0)} of OpenAI's compute commitments in dollars")


# --- 05's question charts --------------------------------------------------------------------


def question_titles(best: Mapping[str, Mapping[str, Any]],
                    claims: Mapping[str, int] | None = None,
                    readings: Mapping[str, float] | None = None) -> dict[str, str]:
    """The title of each of 05's question charts (``q1`` … ``q9``, Q6 aside), from the records."""
    v = {n: _value(best, n) for n in (
        "amazon_investment_pv_usd_bn", "amazon_stake_value_pv_usd_bn", "amazon_stake_pct",
        "aws_revenue_share_pct_peak_year", "circular_share_pct", "cloud_hhi_delta",
        "savings_share_of_ai_capex_pct")}
    inv, stake = v["amazon_investment_pv_usd_bn"], v["amazon_stake_value_pv_usd_bn"]
    out = {
        "q1": ("Q1 · What Amazon pays, what it gets, what the stake costs" if inv is None
               or stake is None else
               f"Q1 · Amazon pays {usd_bn(inv, 1)} for a stake worth {usd_bn(stake, 1)}"),
        "q2": ("Q2 · Stakes after the round" if v["amazon_stake_pct"] is None else
               f"Q2 · Amazon owns {pct(v['amazon_stake_pct'])} of OpenAI if all is paid"),
        "q3": ("Q3 · What the contract means for AWS"
               if v["aws_revenue_share_pct_peak_year"] is None else
               f"Q3 · At its peak the contract is {pct(v['aws_revenue_share_pct_peak_year'])} "
               "of AWS's revenue"),
        "q4": ("Q4 · The money in the web of AI deals" if v["circular_share_pct"] is None else
               f"Q4 · Only {pct(v['circular_share_pct'])} of the money goes round"
               if v["circular_share_pct"] < 50 else
               f"Q4 · {pct(v['circular_share_pct'])} of the money goes round"),
        "q5": ("Q5 · Layoff savings against the AI spending"
               if v["savings_share_of_ai_capex_pct"] is None else
               f"Q5 · Layoff savings are {pct(v['savings_share_of_ai_capex_pct'])} of the AI "
               "capex"),
        "q7": ("Q7 · Cloud market concentration before and after the deal"
               if v["cloud_hhi_delta"] is None else
               f"Q7 · The deal moves cloud concentration by {count(v['cloud_hhi_delta'])} HHI "
               "points"),
    }
    if claims:
        total = sum(int(x) for x in claims.values())
        out["q8"] = (f"Q8 · {count(claims.get('confirmed', 0))} of the article's {count(total)} "
                     "claims are confirmed")
    else:
        out["q8"] = "Q8 · The article's claims by status"
    if readings:
        gap = readings["reported_npv"] - readings["rumour_npv"]
        out["q9"] = (f"Q9 · As reported, the deal is worth {usd_bn(abs(gap), 1)} "
                     f"{'less' if gap < 0 else 'more'} to Amazon than the rumour")
    else:
        out["q9"] = "Q9 · The rumour against the deal as reported"
    return out
