"""Load and validate ``data/cloud_shares.csv``: one provider's share of the cloud
infrastructure market in one quarter, by one research firm (errors as in
:mod:`valse.data.flowdata`: :class:`~valse.data.flowdata.FlowDataError` names file, line and
column).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from valse.data.flowdata import FlowDataError, _Checker, _read_rows
from valse.data.paths import data_dir

#: Series of cloud market shares (research firms).
SHARE_SERIES: tuple[str, ...] = ("synergy", "omdia")


SHARE_COLUMNS: tuple[str, ...] = (
    "quarter",
    "series",
    "provider",
    "share_pct",
    "market_usd_bn",
    "source",
    "title",
    "source_date",
    "url",
    "note",
)


_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_start(quarter: str) -> pd.Timestamp:
    """First day of a quarter written ``2025Q4`` (raises :class:`ValueError` otherwise)."""
    m = _QUARTER.match(quarter)
    if not m:
        raise ValueError(f"expected a quarter such as 2025Q4, found {quarter!r}")
    return pd.Timestamp(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)


def validate_share_rows(
    rows: list[tuple[int, dict[str, str]]], path: str | Path = "cloud_shares.csv"
) -> pd.DataFrame:
    """Validate rows of ``cloud_shares.csv`` into a frame.

    Returns
    -------
    pandas.DataFrame
        The columns of the file, ``share_pct`` and ``market_usd_bn`` as floats (NaN when the
        market size is not given), plus ``quarter_start`` and ``line``.

    Raises
    ------
    FlowDataError
        Bad quarter, unknown series, empty provider, share outside [0, 100], negative market
        size, bad date or address, missing source, a provider twice in one quarter and
        series, or shares of one quarter and series adding up to more than 100 %.
    """
    problems: list[str] = []
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, str, str], int] = {}
    totals: dict[tuple[str, str], tuple[float, int]] = {}
    for line, row in rows:
        start = len(problems)
        check = _Checker(row, f"{path}:{line}", problems)
        if not _QUARTER.match(row["quarter"]):
            check.bad("quarter", "a quarter such as 2025Q4")
        check.choice("series", SHARE_SERIES)
        if not row["provider"]:
            check.bad("provider", "a provider name")
        share = check.number("share_pct", required=True)
        if share is not None and share > 100:
            check.bad("share_pct", "a percentage between 0 and 100")
        market = check.number("market_usd_bn", required=False)
        check.date("source_date", required=False)
        if not row["source"]:
            check.bad("source", "the publisher of the figure")
        check.url()
        key = (row["quarter"], row["series"], row["provider"])
        if key in seen:
            check.bad("provider", f"one row per quarter, series and provider (line {seen[key]})")
        seen.setdefault(key, line)
        if len(problems) > start:
            continue
        total, _ = totals.get(key[:2], (0.0, line))
        totals[key[:2]] = (total + float(share), line)
        records.append(
            {
                **row,
                "share_pct": share,
                "market_usd_bn": float("nan") if market is None else market,
                "quarter_start": quarter_start(row["quarter"]),
                "line": line,
            }
        )
    for (quarter, series), (total, line) in totals.items():
        if total > 100 + 1e-9:
            problems.append(
                f"{path}:{line}: column 'share_pct': expected shares of {quarter} ({series}) "
                f"adding up to at most 100, found {total:g}"
            )
    if problems:
        raise FlowDataError(problems)
    return pd.DataFrame(records, columns=[*SHARE_COLUMNS, "quarter_start", "line"])


def load_cloud_shares(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate ``cloud_shares.csv`` (default ``data/cloud_shares.csv``).

    See :func:`validate_share_rows` for the returned columns and the errors raised.
    """
    path = Path(path) if path is not None else data_dir() / "cloud_shares.csv"
    return validate_share_rows(_read_rows(path, SHARE_COLUMNS), path)
