"""Concentration of a market: the Herfindahl–Hirschman index, its change when share
moves between providers, and a reading against the thresholds of the 2023 US Merger
Guidelines, which are passed in as arguments (they are facts, not constants of the code).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from valse.data.flowdata import CHIP_MAKERS, MONEY_STATUSES


def herfindahl_index(shares_pct: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of a market.

    Parameters
    ----------
    shares_pct : iterable of float
        Market shares of the firms in the data [%, 0–100 each].

    Returns
    -------
    float
        ``Σ share²`` [HHI points, 0–10,000]: 10,000 for a monopoly, 10,000 / n for n equal
        firms. The 2023 US Merger Guidelines call a market above 1,800 highly concentrated.
        Firms missing from the data (an "others" remainder) are left out, so the index is
        a lower bound when the shares do not add up to 100.
    """
    shares = [float(s) for s in shares_pct]
    bad = [s for s in shares if not 0.0 <= s <= 100.0]
    if bad:
        raise ValueError(f"market shares must be in [0, 100] percent, found {bad}")
    if sum(shares) > 100.0 + 1e-9:
        raise ValueError(f"market shares add up to {sum(shares):.6g} %, more than 100")
    return sum(s * s for s in shares)


def hhi_after_shift(
    shares_pct: Mapping[str, float], from_provider: str, to_provider: str, shift_pct_points: float
) -> float:
    """HHI after ``shift_pct_points`` of market share move from one provider to another.

    Parameters
    ----------
    shares_pct : mapping provider -> share [%]
    from_provider, to_provider : str
        Providers losing and gaining the share (both in ``shares_pct``).
    shift_pct_points : float
        Share that moves [percentage points], between 0 and the share of ``from_provider``.

    Returns
    -------
    float
        :func:`herfindahl_index` of the shifted shares [HHI points]. The change equals
        :func:`hhi_change_from_shift`.
    """
    for name in (from_provider, to_provider):
        if name not in shares_pct:
            raise KeyError(f"provider {name!r} not in the shares ({', '.join(shares_pct)})")
    if not 0 <= shift_pct_points <= shares_pct[from_provider]:
        raise ValueError(
            f"shift_pct_points: expected between 0 and the share of {from_provider} "
            f"({shares_pct[from_provider]:g}), found {shift_pct_points!r}"
        )
    shifted = dict(shares_pct)
    shifted[from_provider] -= shift_pct_points
    shifted[to_provider] += shift_pct_points
    return herfindahl_index(shifted.values())


def hhi_change_from_shift(
    from_share_pct: float, to_share_pct: float, shift_pct_points: float
) -> float:
    """Change of the HHI when ``d`` points of share move from firm *j* to firm *i*.

    ``ΔHHI = (s_i + d)² + (s_j − d)² − s_i² − s_j² = 2 d (s_i − s_j) + 2 d²`` [HHI points],
    with ``s_i = to_share_pct`` and ``s_j = from_share_pct`` [%]. Positive when the share
    goes to the larger firm (or when ``d`` is large enough).
    """
    d = shift_pct_points
    return 2.0 * d * (to_share_pct - from_share_pct) + 2.0 * d * d


@dataclass(frozen=True)
class MergerScreen:
    """A market's HHI and HHI change read against the 2023 US Merger Guidelines."""

    hhi: float
    hhi_delta: float
    highly_concentrated: bool
    significant_increase: bool

    @property
    def presumption(self) -> bool:
        """True when a highly concentrated market sees a significant increase (the
        guidelines' presumption that a merger substantially lessens competition)."""
        return self.highly_concentrated and self.significant_increase

    @property
    def label(self) -> str:
        """Plain-words reading."""
        level = (
            "highly concentrated"
            if self.highly_concentrated
            else "below the highly concentrated threshold"
        )
        change = (
            "a significant increase" if self.significant_increase else "not a significant increase"
        )
        return f"{level}; change of {self.hhi_delta:+,.0f} points: {change}"


def merger_screen(
    hhi: float,
    hhi_delta: float,
    highly_concentrated_above: float,
    significant_delta_above: float,
) -> MergerScreen:
    """Classify a market against the HHI thresholds of the 2023 US Merger Guidelines.

    Parameters
    ----------
    hhi : float
        HHI after the change [HHI points].
    hhi_delta : float
        Change of the HHI [HHI points].
    highly_concentrated_above : float
        A market above this HHI is highly concentrated (1,800 in the 2023 guidelines; pass
        the fact ``merger_guidelines_2023_hhi_highly_concentrated``).
    significant_delta_above : float
        A change above this is significant (100; fact ``merger_guidelines_2023_hhi_delta``).

    Returns
    -------
    MergerScreen
        ``presumption`` is true when both hold. The guidelines apply to mergers; reading a
        shift of workloads against them is an analogy, not a legal test.
    """
    return MergerScreen(
        hhi=float(hhi),
        hhi_delta=float(hhi_delta),
        highly_concentrated=hhi > highly_concentrated_above,
        significant_increase=hhi_delta > significant_delta_above,
    )


def shares_in(
    shares: pd.DataFrame, quarter: str, series: str, providers: Iterable[str] | None = None
) -> dict[str, float]:
    """Provider → share [%] for one quarter and series of ``cloud_shares.csv`` (only
    ``providers`` when given).

    Raises
    ------
    KeyError
        When the quarter and series have no rows (the message lists those available).
    """
    rows = shares[(shares["quarter"] == quarter) & (shares["series"] == series)]
    if providers is not None:
        rows = rows[rows["provider"].isin(list(providers))]
    if rows.empty:
        have = sorted(set(zip(shares["quarter"], shares["series"], strict=True)))
        raise KeyError(f"no cloud shares for {quarter} ({series}); available: {have}")
    return dict(zip(rows["provider"], rows["share_pct"].astype(float), strict=True))


def hhi_by_quarter(shares: pd.DataFrame, providers: Iterable[str] | None = None) -> pd.DataFrame:
    """HHI of each quarter and series of ``cloud_shares.csv``.

    ``providers`` restricts the index to those providers (for example AWS, Microsoft and
    Google, the only ones every quarter of the data lists), so that quarters compare.

    Returns
    -------
    pandas.DataFrame
        Columns ``quarter``, ``series``, ``quarter_start``, ``hhi`` [HHI points, a lower bound
        since providers outside the data are left out], ``covered_share_pct`` (Σ shares in the
        data [%]), ``n_providers`` and ``market_usd_bn`` (the quarter's market size when given);
        sorted by series then quarter.
    """
    if providers is not None:
        shares = shares[shares["provider"].isin(list(providers))]
    rows = []
    for (quarter, series), group in shares.groupby(["quarter", "series"]):
        market = group["market_usd_bn"].dropna() if "market_usd_bn" in group else pd.Series([])
        rows.append(
            {
                "quarter": quarter,
                "series": series,
                "quarter_start": group["quarter_start"].iloc[0]
                if "quarter_start" in group
                else None,
                "hhi": herfindahl_index(group["share_pct"]),
                "covered_share_pct": float(group["share_pct"].sum()),
                "n_providers": len(group),
                "market_usd_bn": float(market.iloc[0]) if len(market) else float("nan"),
            }
        )
    columns = [
        "quarter",
        "series",
        "quarter_start",
        "hhi",
        "covered_share_pct",
        "n_providers",
        "market_usd_bn",
    ]
    return (
        pd.DataFrame(rows, columns=columns)
        .sort_values(["series", "quarter"])
        .reset_index(drop=True)
    )


def buyer_side_hhi(
    valued: pd.DataFrame,
    buyers: Sequence[str] = ("OpenAI", "Anthropic"),
    column: str = "value_usd_bn",
) -> tuple[float, pd.Series]:
    """HHI of the sellers of the compute that some buyers have committed to buy.

    Each seller's share is ``100 × Σ purchases from it / Σ all purchases`` by ``buyers``
    (purchase commitments only, in ``column``: one basis). A market much narrower than all
    cloud: contracted compute for the two frontier labs in the data, not capacity delivered,
    and without other frontier buyers (their contracts are not in the data).

    Returns
    -------
    (float, pandas.Series)
        The index [HHI points] and the sellers' shares [%], largest first.
    """
    bought = valued[valued["from"].isin(list(buyers)) & (valued["kind"] == "purchase_commitment")]
    by_seller = bought.groupby("to")[column].sum()
    by_seller = by_seller[by_seller > 0]
    if by_seller.empty:
        return 0.0, pd.Series(dtype=float)
    shares = (100.0 * by_seller / by_seller.sum()).sort_values(ascending=False)
    return herfindahl_index(shares.clip(upper=100.0)), shares


def compute_contracts_hhi(
    valued: pd.DataFrame,
    buyers: Sequence[str] = ("OpenAI", "Anthropic"),
    chip_makers: Sequence[str] = CHIP_MAKERS,
    column: str = "value_usd_bn",
) -> tuple[float, pd.Series]:
    """HHI of the providers of the frontier labs' compute contracts: a market closer to
    "compute for frontier AI" than all cloud.

    :func:`buyer_side_hhi` over the ``buyers``' purchase commitments that are sourced
    (status in :data:`~valse.data.flowdata.MONEY_STATUSES`, never an estimate) and bought
    from compute providers, not from ``chip_makers`` (chips are an input one layer up).
    Still not a proper market: it counts two buyers' contracts (commitments over terms of 3
    to 10 years, on one basis), not the capacity sold to every frontier developer, nor the
    capacity providers use themselves (Google's TPUs for Gemini, Microsoft's own models).

    Returns
    -------
    (float, pandas.Series)
        The index [HHI points] and the providers' shares [%], largest first.
    """
    sourced = valued[valued["status"].isin(MONEY_STATUSES) & ~valued["to"].isin(list(chip_makers))]
    return buyer_side_hhi(sourced, buyers=buyers, column=column)
