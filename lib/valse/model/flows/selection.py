"""Which flows a scenario sees: filters by status, kind and date window, scenario
amounts, and the rows that carry the Amazon–OpenAI deal in each reading
(:func:`apply_deal_reading`, from the collection's one rule :func:`valse.model.deal.reading`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pandas as pd

from valse.data.facts import parse_date
from valse.data.flowdata import FLOW_STATUSES, KINDS
from valse.model.deal import Deal
from valse.model.flows.graph import AMOUNT


def _date_bound(text: str | dt.date | None, name: str, *, end: bool) -> pd.Timestamp | None:
    if text is None or text == "":
        return None
    if isinstance(text, dt.date):
        return pd.Timestamp(text)
    try:
        return pd.Timestamp(parse_date(str(text), end=end))
    except ValueError:
        raise ValueError(
            f"{name}: expected a date YYYY, YYYY-MM or YYYY-MM-DD, found {text!r}"
        ) from None


def filter_flows(
    flows: pd.DataFrame,
    *,
    statuses: Iterable[str] = ("confirmed", "reported"),
    kinds: Iterable[str] | None = None,
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
) -> pd.DataFrame:
    """Keep the flows of the given statuses and kinds announced within a date window.

    Parameters
    ----------
    flows : DataFrame
        As loaded by :func:`valse.data.flowdata.load_flows` (needs ``status``, ``kind`` and
        ``announced``).
    statuses : iterable of str
        Statuses to keep (``confirmed``, ``reported``, ``denied``, ``lapsed``).
    kinds : iterable of str, optional
        Kinds to keep (default: all).
    date_from, date_to : str or date, optional
        Window on ``announced`` (inclusive). A partial date such as ``2025`` or ``2025-10``
        stands for its first day in ``date_from`` and its last day in ``date_to``; a flow
        announced as a month or a year counts from the first day of that period.

    Raises
    ------
    ValueError
        Naming the argument, for an unknown status or kind, a malformed date, or a window
        whose start is after its end.
    """
    statuses = tuple(statuses)
    unknown = [s for s in statuses if s not in FLOW_STATUSES]
    if unknown:
        raise ValueError(
            f"statuses: expected values among {', '.join(FLOW_STATUSES)}, found {unknown}"
        )
    mask = flows["status"].isin(statuses)
    if kinds is not None:
        kinds = tuple(kinds)
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"kinds: expected values among {', '.join(KINDS)}, found {unknown}")
        mask &= flows["kind"].isin(kinds)
    start = _date_bound(date_from, "date_from", end=False)
    stop = _date_bound(date_to, "date_to", end=True)
    if start is not None and stop is not None and start > stop:
        raise ValueError(
            f"date window: expected date_from <= date_to, found {date_from!r} > {date_to!r}"
        )
    if start is not None or stop is not None:
        if "announced_date" in flows.columns:  # load_flows parsed it, as below, once
            announced = flows["announced_date"]
        else:
            announced = flows["announced"].map(lambda s: pd.Timestamp(parse_date(str(s))))
        if start is not None:
            mask &= announced >= start
        if stop is not None:
            mask &= announced <= stop
    return flows.loc[mask].copy()


def set_amounts(flows: pd.DataFrame, amounts: Mapping[str, float]) -> pd.DataFrame:
    """Replace the amounts of some flows (by id) with scenario values.

    The low and high bounds of those flows are set to the new amount (a scenario parameter
    is a point value) and ``has_range`` to False. Returns a new frame.

    Raises
    ------
    ValueError
        When an id is not in ``flows`` or an amount is negative.
    """
    out = flows.copy()
    ids = set(out["id"])
    for fid, value in amounts.items():
        if fid not in ids:
            raise ValueError(f"set_amounts: expected a flow id of the data, found {fid!r}")
        if not value >= 0:
            raise ValueError(f"set_amounts: amount of {fid!r} must be >= 0, found {value!r}")
        rows = out["id"] == fid
        for col in (AMOUNT, "low_usd_bn", "high_usd_bn"):
            if col in out:
                out.loc[rows, col] = float(value)
        if "has_range" in out:
            out.loc[rows, "has_range"] = False
    return out


#: Rows of ``flows.csv`` that carry the Amazon–OpenAI deal in each reading. In the rumour's
#: reading the investment is the January 2026 talks and the AWS spending inside it is the
#: November 2025 contract; in the reported reading the investment is the upfront and the
#: contingent tranche of the 8-K and the AWS spending is the February 2026 expansion (the
#: November 2025 contract stays, as a separate earlier flow). ``drop`` lists the rows the
#: reading replaces (talks superseded by later talks or by the deal; the deal in the rumour).
DEAL_FLOW_IDS: dict[str, dict[str, str | tuple[str, ...]]] = {
    "rumour": {
        "investment": "amazon_openai_talks_2026_01",
        "services": "openai_aws_2025_11",
        "drop": (
            "amazon_openai_talks_2025_12",
            "amazon_openai_2026_upfront",
            "amazon_openai_2026_contingent",
            "openai_aws_2026_02_expansion",
        ),
    },
    "reported": {
        "upfront": "amazon_openai_2026_upfront",
        "contingent": "amazon_openai_2026_contingent",
        "services": "openai_aws_2026_02_expansion",
        "drop": ("amazon_openai_talks_2025_12", "amazon_openai_talks_2026_01"),
    },
}


def apply_deal_reading(
    flows: pd.DataFrame,
    deal: Deal,
    *,
    ids: Mapping[str, Mapping[str, str | tuple[str, ...]]] = DEAL_FLOW_IDS,
) -> pd.DataFrame:
    """The flows with the Amazon–OpenAI deal set from a scenario's parameters.

    The reading is the collection's one rule, :func:`valse.model.deal.reading`. Rumour: the talks
    row carries ``amazon_investment_usd_bn`` and the OpenAI → Amazon row
    ``aws_services_usd_bn``. Reported: the upfront row carries ``amazon_upfront_usd_bn``, the
    contingent row ``amazon_investment − amazon_upfront``, the AWS expansion
    ``aws_services_usd_bn``. The rows the reading replaces are dropped (see
    :data:`DEAL_FLOW_IDS`), so that no talks are added to the deal that replaced them. Other
    rows are untouched; rows already filtered out stay out.

    Returns
    -------
    pandas.DataFrame
        A new frame with ``reading`` and ``case`` (:func:`valse.model.deal.case`) in
        ``frame.attrs``.
    """
    from valse.model.deal import case, reading

    the_reading = reading(deal)
    spec = ids[the_reading]
    present = set(flows["id"])
    out = flows[~flows["id"].isin(list(spec["drop"]))]
    if the_reading == "rumour":
        amounts = {spec["investment"]: deal.amazon_investment_usd_bn}
    else:
        amounts = {
            spec["upfront"]: deal.amazon_upfront_usd_bn,
            spec["contingent"]: deal.amazon_investment_usd_bn - deal.amazon_upfront_usd_bn,
        }
    amounts[spec["services"]] = deal.aws_services_usd_bn
    out = set_amounts(out, {k: v for k, v in amounts.items() if k in present})
    out.attrs["reading"] = the_reading
    out.attrs["case"] = case(deal)
    return out
