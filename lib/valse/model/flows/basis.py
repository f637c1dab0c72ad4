"""Flows on one basis: kinds, terms, probabilities.

Each flow has a kind (:data:`valse.data.flowdata.KINDS`) and a term; a sum adds them on a stated
basis (:data:`BASES`): present value at a discount rate, a yearly amount over the term, or
nominal. Amounts on a condition enter at their probability (:func:`expected_values`). Only
sourced money (kinds :data:`~valse.data.flowdata.MONEY_KINDS`, statuses
:data:`~valse.data.flowdata.MONEY_STATUSES`) is ever summed as money committed
(:func:`money_committed_usd_bn`); estimates of value are shown as such.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from valse.data.facts import Fact
from valse.data.flowdata import MONEY_KINDS, MONEY_STATUSES
from valse.model.flows.graph import AMOUNT

#: Bases on which flows are added up: present value at a discount rate, a yearly amount over
#: each flow's term, or nominal (contract totals, as announced).
BASES: tuple[str, ...] = ("pv", "yearly", "nominal")


#: Reader-facing names of the bases.
BASIS_NAMES: dict[str, str] = {
    "pv": "present values",
    "yearly": "yearly amounts over each flow's term",
    "nominal": "nominal contract totals",
}


def annuity_factor(discount_rate: float, term_years: float) -> float:
    """Present value of 1 a year for ``n`` years, paid at the end of each year.

    ``Σ_{t=1..n} (1 + r)^−t = (1 − (1 + r)^−n) / r``, and ``n`` when ``r = 0`` [years].
    A fractional ``n`` uses the same closed form.

    Parameters
    ----------
    discount_rate : float
        Annual rate ``r`` [0–1].
    term_years : float
        Number of yearly payments ``n`` [years], > 0.
    """
    if not 0.0 <= discount_rate < 1.0:
        raise ValueError(f"discount_rate: expected a rate in [0, 1), found {discount_rate!r}")
    if not term_years > 0:
        raise ValueError(f"term_years: expected a term > 0, found {term_years!r}")
    if discount_rate == 0:
        return float(term_years)
    return (1.0 - (1.0 + discount_rate) ** -term_years) / discount_rate


def commitment_pv_usd_bn(amount_usd_bn: float, term_years: float, discount_rate: float) -> float:
    """Present value of a commitment paid evenly over its term.

    ``amount / n × annuity_factor(r, n)`` [USD bn]: ``amount / n`` at the end of each of the
    ``n`` years, discounted at ``r``. A term of 0 is paid now (the amount itself). Equity
    bought at signing has term 0; a purchase commitment its contract's term.
    """
    if term_years < 0:
        raise ValueError(f"term_years: expected a term >= 0, found {term_years!r}")
    if term_years == 0:
        return float(amount_usd_bn)
    return amount_usd_bn / term_years * annuity_factor(discount_rate, term_years)


def commitment_yearly_usd_bn(amount_usd_bn: float, term_years: float) -> float:
    """Yearly amount of a commitment over its term: ``amount / max(n, 1)`` [USD bn per year].

    A flow paid at once (term 0, or under a year) is all in one year.
    """
    if term_years < 0:
        raise ValueError(f"term_years: expected a term >= 0, found {term_years!r}")
    return amount_usd_bn / max(term_years, 1.0)


def basis_factor(term_years: float, basis: str, discount_rate: float) -> float:
    """What one USD of nominal amount counts for on ``basis`` (see :data:`BASES`)."""
    if basis == "nominal":
        return 1.0
    if basis == "pv":
        return commitment_pv_usd_bn(1.0, term_years, discount_rate)
    if basis == "yearly":
        return commitment_yearly_usd_bn(1.0, term_years)
    raise ValueError(f"basis: expected one of {', '.join(BASES)}, found {basis!r}")


def is_money_committed(flows: pd.DataFrame) -> pd.Series:
    """True for the rows that are sourced money committed: kind in
    :data:`~valse.data.flowdata.MONEY_KINDS` and status in
    :data:`~valse.data.flowdata.MONEY_STATUSES`.
    Estimates of value (status ``estimate``), price concessions and guarantees are not."""
    return flows["kind"].isin(MONEY_KINDS) & flows["status"].isin(MONEY_STATUSES)


def money_committed_usd_bn(flows: pd.DataFrame, column: str = AMOUNT) -> float:
    """Σ ``column`` over the rows :func:`is_money_committed` keeps [USD bn]: an estimate is
    never in it."""
    return float(flows.loc[is_money_committed(flows), column].sum())


def money_flows(flows: pd.DataFrame, include_estimates: bool) -> pd.DataFrame:
    """The rows that enter the web of money: money committed, plus estimated purchases of
    money kinds (the chip legs) when ``include_estimates``. Price concessions and
    guarantees never enter it (a concession lowers a price; a guarantee pays only on a
    default)."""
    keep = is_money_committed(flows)
    if include_estimates:
        keep |= flows["kind"].isin(MONEY_KINDS) & flows["status"].eq("estimate")
    return flows.loc[keep].copy()


def contingent_probabilities(
    flows: pd.DataFrame,
    facts: Mapping[str, Fact],
    overrides: Mapping[str, tuple[float, float, float]] | None = None,
) -> dict[str, tuple[float, float, float]]:
    """Probability (low, central, high) of each conditional flow [0–1 each].

    From the fact named in the row's ``probability_fact`` (its value and range), or from
    ``overrides`` by flow id (a scenario's parameters for Amazon's OpenAI tranche).

    Raises
    ------
    KeyError
        When a conditional flow's fact is missing (the message names the flow and the fact).
    ValueError
        When a probability is outside [0, 1] or the range does not bracket the value.
    """
    overrides = dict(overrides or {})
    out: dict[str, tuple[float, float, float]] = {}
    for row in flows[flows["kind"] == "equity_conditional"].itertuples():
        if row.id in overrides:
            low, mid, high = (float(x) for x in overrides[row.id])
        else:
            fid = getattr(row, "probability_fact", "")
            if not fid:
                continue
            if fid not in facts:
                raise KeyError(f"flow {row.id!r}: probability_fact {fid!r} is not a fact")
            fact = facts[fid]
            mid = fact.number
            low = mid if fact.low is None else float(fact.low)
            high = mid if fact.high is None else float(fact.high)
        if not 0.0 <= low <= mid <= high <= 1.0:
            raise ValueError(
                f"flow {row.id!r}: expected probabilities 0 <= low <= central <= high <= 1, "
                f"found {low!r}, {mid!r}, {high!r}"
            )
        out[row.id] = (low, mid, high)
    return out


def expected_values(
    flows: pd.DataFrame,
    probabilities: Mapping[str, tuple[float, float, float]],
    basis: str,
    discount_rate: float,
) -> pd.DataFrame:
    """The flows valued on one basis, conditional amounts at their probability.

    ``value_usd_bn = amount × probability × basis_factor(term)`` [USD bn, or USD bn per year
    on the yearly basis], with probability 1 for every flow that is not conditional and the
    central probability of ``probabilities`` for those that are.

    Returns
    -------
    pandas.DataFrame
        A copy with columns ``probability``, ``factor`` and ``value_usd_bn`` added.

    Raises
    ------
    KeyError
        When a conditional flow has no probability (none can enter a sum at face value).
    """
    out = flows.copy()
    missing = [
        i
        for i, k in zip(out["id"], out["kind"], strict=True)
        if k == "equity_conditional" and i not in probabilities
    ]
    if missing:
        raise KeyError(f"conditional flows without a probability: {', '.join(missing)}")
    out["probability"] = [probabilities[i][1] if i in probabilities else 1.0 for i in out["id"]]
    out["factor"] = [basis_factor(float(n), basis, discount_rate) for n in out["term_years"]]
    out["value_usd_bn"] = out[AMOUNT] * out["probability"] * out["factor"]
    return out
