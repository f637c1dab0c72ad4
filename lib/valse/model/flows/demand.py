"""The demand side of the cloud market: how much of each provider's backlog the two labs
make up, and what the loss of one customer would remove.

The share of a backlog is :func:`valse.model.openai_finances.backlog_share_pct` (the
valuation notebook's function, called here, not copied): one computation for the
collection. A backlog is a provider's remaining performance obligations at a date; each
customer's part is the contract counted in it, with the contract's term.
"""

from __future__ import annotations

import pandas as pd

from valse.model.flows.basis import commitment_yearly_usd_bn
from valse.model.openai_finances import backlog_share_pct

#: Columns of the contracts table :func:`backlog_exposure` and :func:`customer_loss` read.
CONTRACT_COLUMNS: list[str] = [
    "provider",
    "as_of",
    "backlog_usd_bn",
    "revenue_usd_bn_per_year",
    "customer",
    "contract_usd_bn",
    "term_years",
]


def _check(contracts: pd.DataFrame) -> None:
    missing = [c for c in CONTRACT_COLUMNS if c not in contracts.columns]
    if missing:
        raise KeyError(f"contracts table: missing columns {missing}")
    per_row = contracts.groupby("provider")[["as_of", "backlog_usd_bn"]].nunique()
    mixed = per_row[(per_row > 1).any(axis=1)].index.tolist()
    if mixed:
        raise ValueError(
            f"contracts table: one backlog and date per provider, found several for {mixed}"
        )


def backlog_exposure(contracts: pd.DataFrame) -> pd.DataFrame:
    """Each provider's backlog and the share of it from the named customers.

    Parameters
    ----------
    contracts : DataFrame
        One row a provider and customer (:data:`CONTRACT_COLUMNS`): the provider's backlog at
        ``as_of`` [USD bn] and the customer's contract counted in it [USD bn]. A provider
        with no named customer has one row with ``contract_usd_bn = 0``.

    Returns
    -------
    DataFrame
        Indexed by provider (first-seen order): ``as_of``, ``backlog_usd_bn``, one column
        ``<customer> (USD bn)`` a customer, and ``share_pct`` =
        :func:`~valse.model.openai_finances.backlog_share_pct` [%].
    """
    _check(contracts)
    customers = list(dict.fromkeys(c for c in contracts["customer"] if c))
    rows = []
    for provider, group in contracts.groupby("provider", sort=False):
        parts = group.groupby("customer")["contract_usd_bn"].sum().to_dict()
        backlog = float(group["backlog_usd_bn"].iloc[0])
        rows.append(
            {
                "provider": provider,
                "as_of": group["as_of"].iloc[0],
                "backlog_usd_bn": backlog,
                **{f"{c} (USD bn)": float(parts.get(c, 0.0)) for c in customers},
                "share_pct": backlog_share_pct(backlog, parts),
            }
        )
    return pd.DataFrame(rows).set_index("provider")


def customer_loss(contracts: pd.DataFrame) -> pd.DataFrame:
    """What losing one customer would remove from each provider, one row a pair.

    The backlog removed is the customer's contracts [USD bn] and their share of the backlog
    (:func:`~valse.model.openai_finances.backlog_share_pct` of that customer alone, %); the
    revenue removed is the contracts' yearly amounts over their terms,
    Σ :func:`~valse.model.flows.basis.commitment_yearly_usd_bn` = Σ contract / term [USD bn
    a year] (straight-line: a ramp would remove less early, more later), and its share of the
    provider's yearly revenue where known (``revenue_usd_bn_per_year``; NaN when not).

    Returns
    -------
    DataFrame
        Columns ``provider``, ``customer``, ``as_of``, ``backlog_removed_usd_bn``,
        ``backlog_removed_pct``, ``revenue_removed_usd_bn_per_year``,
        ``revenue_removed_pct``; pairs with no contract are left out.
    """
    _check(contracts)
    live = contracts[contracts["contract_usd_bn"] > 0]
    rows = []
    for (provider, customer), group in live.groupby(["provider", "customer"], sort=False):
        removed = float(group["contract_usd_bn"].sum())
        yearly = sum(
            commitment_yearly_usd_bn(float(a), float(t))
            for a, t in zip(group["contract_usd_bn"], group["term_years"], strict=True)
        )
        revenue = float(group["revenue_usd_bn_per_year"].iloc[0])
        rows.append(
            {
                "provider": provider,
                "customer": customer,
                "as_of": group["as_of"].iloc[0],
                "backlog_removed_usd_bn": removed,
                "backlog_removed_pct": backlog_share_pct(
                    float(group["backlog_usd_bn"].iloc[0]), {customer: removed}
                ),
                "revenue_removed_usd_bn_per_year": yearly,
                "revenue_removed_pct": 100.0 * yearly / revenue if revenue > 0 else float("nan"),
            }
        )
    columns = [
        "provider",
        "customer",
        "as_of",
        "backlog_removed_usd_bn",
        "backlog_removed_pct",
        "revenue_removed_usd_bn_per_year",
        "revenue_removed_pct",
    ]
    return pd.DataFrame(rows, columns=columns)
