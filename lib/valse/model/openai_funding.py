"""Who puts in the money that pays for OpenAI's compute, by kind, in a year.

Pure functions; amounts in USD billions (``_usd_bn``) for one calendar year, shares in
percent (``_pct``, 0–100).

A year of OpenAI's cash spending (**uses**: its committed compute and its other cash costs,
the rows of :func:`valse.model.openai_finances.sources_and_uses`) is paid by its customers
(revenue) and by the money put into it from outside in that year, by kind:

* ``suppliers_equity``: shares bought by companies that also sell OpenAI compute or chips
  (Amazon, NVIDIA), so that part of the money comes back to them as sales;
* ``financial_investors``: shares bought by investors that sell it nothing (SoftBank, funds,
  individuals);
* ``borrowing``: loans and bonds of OpenAI itself;
* ``off_balance_sheet``: vehicles that build or finance its capacity outside its accounts;

and, for the rest, by its cash reserves (:func:`funding_by_kind_usd_bn`). As with
:mod:`valse.model.amazon_cash`, which source pays is a convention because money is fungible:
``"revenue_first"`` (customers pay first, the year's outside money pays the gap pro rata by
kind, then the reserves) or ``"pro_rata"`` (every source pays the same fraction of the uses).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

Method = Literal["revenue_first", "pro_rata"]

#: Outside money, by kind, in the order shown.
OUTSIDE_KINDS: tuple[str, ...] = (
    "suppliers_equity",
    "financial_investors",
    "borrowing",
    "off_balance_sheet",
)
#: Every source of the year's spending, as :func:`funding_by_kind_usd_bn` returns them.
KINDS: tuple[str, ...] = ("customers", *OUTSIDE_KINDS, "cash_reserves")


def equity_by_kind_usd_bn(
    allocation_usd_bn: Mapping[str, float], suppliers: Iterable[str]
) -> dict[str, float]:
    """Split a year's equity money between OpenAI's suppliers and financial investors.

    Parameters
    ----------
    allocation_usd_bn : mapping investor -> amount [USD bn]
        Cash each investor put in during the year (non-negative).
    suppliers : iterable of str
        The investors that also sell OpenAI compute or chips; one absent from the
        allocation counts 0.

    Returns
    -------
    dict
        ``suppliers_equity = Σ_{suppliers} amount``, ``financial_investors`` the rest [USD bn].
    """
    for name, value in allocation_usd_bn.items():
        if not value >= 0:
            raise ValueError(
                f"allocation of {name!r}: expected a non-negative amount, found {value}"
            )
    sellers = set(suppliers)
    from_suppliers = sum(v for k, v in allocation_usd_bn.items() if k in sellers)
    return {
        "suppliers_equity": float(from_suppliers),
        "financial_investors": float(sum(allocation_usd_bn.values()) - from_suppliers),
    }


def funding_by_kind_usd_bn(
    uses_usd_bn: float,
    revenue_usd_bn: float,
    outside_usd_bn: Mapping[str, float],
    method: Method = "revenue_first",
) -> dict[str, float]:
    """Split a year's cash spending across customers, outside money by kind and reserves.

    With uses ``U``, revenue ``R`` and the year's outside money ``O_k`` (``O = Σ O_k``):

    * ``revenue_first``: customers pay ``C = min(R, U)``; the gap ``G = U − C`` is paid by
      outside money up to its amount, each kind in proportion, ``O_k × min(G, O) / O``;
      the reserves pay ``max(0, G − O)``. Revenue or outside money left over adds to cash.
    * ``pro_rata``: the sources are ``R``, the ``O_k`` and the reserves needed
      ``D = max(0, U − R − O)``; each pays ``U × source / (R + O + D)``.

    Parameters
    ----------
    uses_usd_bn : float
        Committed compute and other cash costs of the year [USD bn], non-negative.
    revenue_usd_bn : float
        Cash from customers in the year [USD bn], non-negative.
    outside_usd_bn : mapping kind -> amount [USD bn]
        Outside money of the year; keys among :data:`OUTSIDE_KINDS` (a missing kind is 0).

    Returns
    -------
    dict
        The parts of :data:`KINDS` [USD bn]; they add up to ``uses_usd_bn``.
    """
    unknown = set(outside_usd_bn) - set(OUTSIDE_KINDS)
    if unknown:
        raise ValueError(
            f"outside_usd_bn: expected kinds among {OUTSIDE_KINDS}, found {sorted(unknown)}"
        )
    outside = {k: float(outside_usd_bn.get(k, 0.0)) for k in OUTSIDE_KINDS}
    for name, value in {
        "uses_usd_bn": uses_usd_bn,
        "revenue_usd_bn": revenue_usd_bn,
        **outside,
    }.items():
        if not value >= 0:
            raise ValueError(f"{name}: expected a non-negative amount, found {value}")
    total_outside = sum(outside.values())
    if method == "revenue_first":
        customers = min(revenue_usd_bn, uses_usd_bn)
        gap = uses_usd_bn - customers
        paid = min(gap, total_outside)
        parts = {
            k: (v * paid / total_outside if total_outside > 0 else 0.0) for k, v in outside.items()
        }
        reserves = gap - paid
    elif method == "pro_rata":
        reserves_needed = max(0.0, uses_usd_bn - revenue_usd_bn - total_outside)
        total = revenue_usd_bn + total_outside + reserves_needed
        fraction = uses_usd_bn / total if total > 0 else 0.0
        customers = revenue_usd_bn * fraction
        parts = {k: v * fraction for k, v in outside.items()}
        reserves = reserves_needed * fraction
    else:
        raise ValueError(f"method: expected 'revenue_first' or 'pro_rata', found {method!r}")
    return {"customers": customers, **parts, "cash_reserves": reserves}
