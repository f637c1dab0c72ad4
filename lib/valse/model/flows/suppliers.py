"""Suppliers that invest in their customers, and investors that back rivals.

Supplier equity as a share of the compute bought from the same supplier
(:func:`supplier_equity_to_purchases`), the share of each lab's equity that came from its
suppliers (:func:`supplier_share_of_equity`) and each investor's stakes in the rival labs
(:func:`investor_exposure`). Amounts in USD billions.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from valse.model.flows.graph import AMOUNT

EQUITY_KINDS: tuple[str, ...] = ("equity_paid", "equity_conditional")


def supplier_equity_to_purchases(
    valued: pd.DataFrame,
    buyers: Sequence[str] = ("OpenAI", "Anthropic"),
    column: str = "value_usd_bn",
) -> pd.DataFrame:
    """Each supplier's equity in a buyer as a share of what that buyer buys from it.

    For a supplier ``S`` and a buyer ``B``: ``equity`` = Σ of S's equity flows into B (paid
    and conditional, at their probability), ``concession`` = Σ of S's price concessions to B
    (warrants or shares granted with a purchase, an estimate of value), ``purchases`` = Σ of
    B's purchase commitments to S, all in ``column`` (one basis, e.g. present values), and
    ``ratio_pct = 100 × (equity + concession) / purchases`` [%]: how much of the compute bought
    the supplier puts back in as equity or a price cut.

    Returns
    -------
    pandas.DataFrame
        One row per (supplier, buyer) pair with purchases > 0 and equity or concession > 0:
        ``supplier``, ``buyer``, ``equity_usd_bn``, ``concession_usd_bn``,
        ``purchases_usd_bn``, ``ratio_pct``, ``estimated_purchases`` (true when part of the
        purchases is an estimate); largest ratio first.
    """
    rows = []
    status = valued["status"] if "status" in valued else pd.Series("confirmed", valued.index)
    for buyer in buyers:
        bought = valued[(valued["from"] == buyer) & (valued["kind"] == "purchase_commitment")]
        for supplier in sorted(set(bought["to"])):
            mine = bought[bought["to"] == supplier]
            purchases = float(mine[column].sum())
            given = valued[(valued["from"] == supplier) & (valued["to"] == buyer)]
            equity = float(given.loc[given["kind"].isin(EQUITY_KINDS), column].sum())
            concession = float(given.loc[given["kind"] == "price_concession", column].sum())
            if purchases <= 0 or equity + concession <= 0:
                continue
            rows.append(
                {
                    "supplier": supplier,
                    "buyer": buyer,
                    "equity_usd_bn": equity,
                    "concession_usd_bn": concession,
                    "purchases_usd_bn": purchases,
                    "ratio_pct": 100.0 * (equity + concession) / purchases,
                    "estimated_purchases": bool(status.loc[mine.index].eq("estimate").any()),
                }
            )
    columns = [
        "supplier",
        "buyer",
        "equity_usd_bn",
        "concession_usd_bn",
        "purchases_usd_bn",
        "ratio_pct",
        "estimated_purchases",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["ratio_pct", "supplier"], ascending=[False, True]).reset_index(
        drop=True
    )


def supplier_share_of_equity(
    flows: pd.DataFrame,
    buyers: Sequence[str] = ("OpenAI", "Anthropic"),
    column: str = AMOUNT,
) -> pd.DataFrame:
    """The share of each buyer's equity raised, year by year, that came from its suppliers.

    A *supplier* of a buyer is a company the buyer has a purchase commitment to in
    ``flows``. For each buyer and year of announcement: ``equity_usd_bn`` = Σ of the equity
    flows into the buyer (headline amounts as announced, the way rounds are reported,
    conditional parts included), ``from_suppliers_usd_bn`` the part from suppliers, and
    ``supplier_share_pct = 100 × from_suppliers / equity`` [%]. The data hold the large
    strategic investors, not every investor of a round, so the share is of the equity in
    the data.

    Returns
    -------
    pandas.DataFrame
        Columns ``buyer``, ``year``, ``equity_usd_bn``, ``from_suppliers_usd_bn``,
        ``supplier_share_pct`` and ``suppliers`` (names, comma-separated).
    """
    rows = []
    for buyer in buyers:
        suppliers = set(
            flows.loc[(flows["from"] == buyer) & (flows["kind"] == "purchase_commitment"), "to"]
        )
        raised = flows[(flows["to"] == buyer) & flows["kind"].isin(EQUITY_KINDS)]
        raised = raised[raised[column] > 0]
        years = raised["announced"].astype(str).str[:4]
        for year in sorted(set(years)):
            these = raised[years == year]
            total = float(these[column].sum())
            mask = these["from"].isin(suppliers)
            part = float(these.loc[mask, column].sum())
            rows.append(
                {
                    "buyer": buyer,
                    "year": int(year),
                    "equity_usd_bn": total,
                    "from_suppliers_usd_bn": part,
                    "supplier_share_pct": 100.0 * part / total if total else 0.0,
                    "suppliers": ", ".join(sorted(set(these.loc[mask, "from"]))),
                }
            )
    columns = [
        "buyer",
        "year",
        "equity_usd_bn",
        "from_suppliers_usd_bn",
        "supplier_share_pct",
        "suppliers",
    ]
    return pd.DataFrame(rows, columns=columns)


def investor_exposure(
    flows: pd.DataFrame,
    model_makers: Sequence[str] = ("OpenAI", "Anthropic"),
    stake_kinds: Sequence[str] = ("equity_paid", "equity_conditional"),
    amount_column: str = AMOUNT,
) -> pd.DataFrame:
    """Each investor's stakes in rival model makers, and their share of its AI bets.

    An investor's *AI bets* are all its flows of a stake kind (equity) in the data;
    its exposure to a model maker is the sum of those flows into that maker. Amounts are
    what was put in (or committed), not the market value of the stakes.

    Returns
    -------
    pandas.DataFrame
        Indexed by investor (only those with a stake in a model maker), columns
        ``<maker>_usd_bn`` and ``<maker>_share_pct`` (``100 × stake / ai_bets``) per model
        maker, ``ai_bets_usd_bn``, ``model_makers_usd_bn`` and ``rivals_backed`` (how many
        of the model makers it backs). Largest exposure first.
    """
    stakes = flows[flows["kind"].isin(stake_kinds)]
    bets = stakes.groupby("from")[amount_column].sum()
    into = stakes[stakes["to"].isin(model_makers)].groupby(["from", "to"])[amount_column].sum()
    investors = sorted({i for i, _ in into.index})
    rows = []
    for inv in investors:
        row: dict[str, float | int | str] = {"investor": inv}
        total = float(bets[inv])
        backed = 0
        for maker in model_makers:
            amount = float(into.get((inv, maker), 0.0))
            backed += amount > 0
            row[f"{maker}_usd_bn"] = amount
            row[f"{maker}_share_pct"] = 100.0 * amount / total if total else 0.0
        row["ai_bets_usd_bn"] = total
        row["model_makers_usd_bn"] = sum(row[f"{m}_usd_bn"] for m in model_makers)
        row["rivals_backed"] = backed
        rows.append(row)
    columns = [
        "investor",
        *[f"{m}_{s}" for m in model_makers for s in ("usd_bn", "share_pct")],
        "ai_bets_usd_bn",
        "model_makers_usd_bn",
        "rivals_backed",
    ]
    frame = pd.DataFrame(rows, columns=columns).set_index("investor")
    return frame.sort_values("model_makers_usd_bn", ascending=False)
