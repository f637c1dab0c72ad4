"""Market concentration and (later) the graph of cross-investments."""

from __future__ import annotations

from collections.abc import Iterable


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
