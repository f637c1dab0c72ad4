"""The deal's shift of cloud market share, year by year over the contract against a
growing market (:func:`share_path`), from the collection's one counterfactual
``deal_caused_share`` and a share diverted from each rival.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from valse.model.flows.concentration import herfindahl_index


def share_shift_pct_points(
    contract_usd_bn: float, contract_years: float, quarterly_market_usd_bn: float
) -> float:
    """Market share a cloud contract represents, if its spending moved between providers.

    ``100 × (contract / years) / (4 × quarterly market)`` [percentage points]: the yearly
    spending under the contract as a share of a year of the market (four times the
    quarterly market size).
    """
    if contract_years <= 0 or quarterly_market_usd_bn <= 0:
        raise ValueError(
            "contract_years and quarterly_market_usd_bn must be > 0, found "
            f"{contract_years}, {quarterly_market_usd_bn}"
        )
    if contract_usd_bn < 0:
        raise ValueError(f"contract_usd_bn must be >= 0, found {contract_usd_bn}")
    return 100.0 * (contract_usd_bn / contract_years) / (4.0 * quarterly_market_usd_bn)


def market_growth_rate(shares: pd.DataFrame, series: str, quarter: str) -> float:
    """Yearly growth of the market's size: ``M_q / M_{q − 4 quarters} − 1`` [0–1 a year].

    From the ``market_usd_bn`` column of ``cloud_shares.csv`` for one series (a derived
    estimate: the same quarter a year apart, so seasonality cancels).

    Raises
    ------
    KeyError
        When either quarter has no market size in the data (the message names them).
    """
    year, q = int(quarter[:4]), quarter[-1]
    before = f"{year - 1}Q{q}"
    sizes = {}
    for name in (quarter, before):
        rows = shares[(shares["quarter"] == name) & (shares["series"] == series)]
        size = rows["market_usd_bn"].dropna()
        if size.empty:
            raise KeyError(f"no market size for {name} ({series}) in the cloud shares")
        sizes[name] = float(size.iloc[0])
    return sizes[quarter] / sizes[before] - 1.0


def share_path(
    shares_pct: Mapping[str, float],
    yearly_market_usd_bn: float,
    market_growth: float,
    contract_usd_bn: float,
    contract_years: float,
    deal_caused_share: float,
    diversion: Mapping[str, float],
    to_provider: str = "AWS",
) -> pd.DataFrame:
    """Market shares and HHI year by year over a contract, with and without the deal.

    Without the deal the market grows at ``g`` from today's yearly size ``Y0`` and every
    provider keeps today's share: ``M_t = Y0 (1 + g)^t``. The deal causes
    ``C_t = deal_caused_share × S_t`` of spending at ``to_provider``, where ``S_t`` is the
    contract's spending in year ``t`` (``contract / n`` a year, a part-year at the end). Of
    it, ``diversion[j] × C_t`` would otherwise have gone to rival ``j`` (it moves from j to
    the provider) and the rest, ``(1 − Σ_j diversion[j]) × C_t``, is demand that would not
    otherwise have existed (it grows the market and the provider). Shares are taken of
    ``M_t`` plus that new demand; providers outside ``shares_pct`` keep their dollars.

    Parameters
    ----------
    shares_pct : mapping provider -> share [%]
        Today's shares (the providers in the data; the HHI over them is a lower bound).
    yearly_market_usd_bn : float
        Size of the market over a year today, ``Y0`` [USD bn], e.g. 4 × the latest quarter.
    market_growth : float
        Yearly growth ``g`` of the market without the deal [0–1 a year].
    contract_usd_bn, contract_years : float
        The contract's value [USD bn] and term ``n`` [years].
    deal_caused_share : float
        Share of the contract's spending that the deal itself causes [0–1]; 0 moves nothing.
    diversion : mapping rival -> share [0–1]
        Share of the caused spending each rival would otherwise have had (Σ ≤ 1).
    to_provider : str
        The provider that gains (in ``shares_pct``).

    Returns
    -------
    pandas.DataFrame
        One row per year of the contract: ``year`` (1, 2, …), ``market_usd_bn`` (``M_t``),
        ``caused_usd_bn`` (``C_t``), ``share_before_pct`` and ``share_after_pct`` of
        ``to_provider``, ``shift_pct_points`` (their difference), ``hhi_before``,
        ``hhi_after`` and ``hhi_delta`` [HHI points].

    Raises
    ------
    ValueError
        For a share outside [0, 1], a diversion adding up to more than 1, an unknown rival
        or a diversion larger than the rival's spending in a year.
    """
    if not 0.0 <= deal_caused_share <= 1.0:
        raise ValueError(
            f"deal_caused_share: expected a share in [0, 1], found {deal_caused_share!r}"
        )
    for name, d in diversion.items():
        if name not in shares_pct or name == to_provider:
            raise ValueError(
                f"diversion: expected a rival among {sorted(shares_pct)}, found {name!r}"
            )
        if not 0.0 <= d <= 1.0:
            raise ValueError(f"diversion from {name}: expected a share in [0, 1], found {d!r}")
    if sum(diversion.values()) > 1.0 + 1e-12:
        raise ValueError(f"diversion: shares add up to {sum(diversion.values()):g}, more than 1")
    if to_provider not in shares_pct:
        raise KeyError(f"provider {to_provider!r} not in the shares ({', '.join(shares_pct)})")
    if contract_years <= 0 or yearly_market_usd_bn <= 0 or market_growth <= -1:
        raise ValueError(
            "contract_years and yearly_market_usd_bn must be > 0 and market_growth > -1, found "
            f"{contract_years}, {yearly_market_usd_bn}, {market_growth}"
        )
    hhi_before = herfindahl_index(shares_pct.values())
    new_demand_share = 1.0 - sum(diversion.values())
    rows = []
    for t in range(1, int(np.ceil(contract_years)) + 1):
        spend = contract_usd_bn / contract_years * min(1.0, contract_years - (t - 1))
        market = yearly_market_usd_bn * (1.0 + market_growth) ** t
        caused = deal_caused_share * spend
        dollars = {p: s / 100.0 * market for p, s in shares_pct.items()}
        for rival, d in diversion.items():
            if d * caused > dollars[rival] + 1e-9:
                raise ValueError(
                    f"diversion from {rival}: {d * caused:.3g} USD bn in year {t}, more than its "
                    f"{dollars[rival]:.3g} USD bn of spending"
                )
            dollars[rival] -= d * caused
        dollars[to_provider] += caused
        total = market + new_demand_share * caused
        if caused == 0:  # nothing moves: today's shares exactly, not up to rounding
            after = {p: float(s) for p, s in shares_pct.items()}
        else:
            after = {p: 100.0 * v / total for p, v in dollars.items()}
        hhi_after = herfindahl_index(after.values())
        rows.append(
            {
                "year": t,
                "market_usd_bn": market,
                "caused_usd_bn": caused,
                "share_before_pct": float(shares_pct[to_provider]),
                "share_after_pct": after[to_provider],
                "shift_pct_points": after[to_provider] - float(shares_pct[to_provider]),
                "hhi_before": hhi_before,
                "hhi_after": hhi_after,
                "hhi_delta": hhi_after - hhi_before,
            }
        )
    return pd.DataFrame(rows)
