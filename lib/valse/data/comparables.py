"""Listed comparables: load and validate ``data/comparables.csv``, summarise their multiples.

Each row is one listed company with, as its source gave them on a date, some of: market
capitalisation, enterprise value (EV), revenue (last or trailing twelve months) and the
EV / revenue multiple. :func:`load_comparables` validates the file and fills in the multiple
where only EV and revenue are given. Where sourced, a row also gives the company's revenue
growth (its latest fiscal year, or the last twelve months) with its own source, for the
growth-adjusted multiple (:mod:`valse.model.multiples`). A malformed file raises
:class:`ComparablesError`, whose message names the file, the line, the column, what was
expected and what was found (the same shape as :class:`valse.data.facts.FactError`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from valse.data.datafile import URL as _URL
from valse.data.datafile import DataFileError, read_rows
from valse.data.facts import STATUSES, parse_date
from valse.data.paths import data_dir
from valse.model.multiples import ev_to_revenue_x

#: The growth columns (the last of ``comparables.csv``): the revenue growth and its source.
GROWTH_COLUMNS: tuple[str, ...] = (
    "revenue_growth_pct",
    "growth_basis",
    "growth_period",
    "growth_status",
    "growth_source",
    "growth_title",
    "growth_date",
    "growth_url",
)
#: Columns of ``comparables.csv``, in order.
COLUMNS: tuple[str, ...] = (
    "company",
    "ticker",
    "category",
    "market_cap_usd_bn",
    "enterprise_value_usd_bn",
    "revenue_usd_bn",
    "revenue_basis",
    "ev_to_revenue_x",
    "as_of",
    "status",
    "source",
    "title",
    "source_date",
    "url",
    "note",
    *GROWTH_COLUMNS,
)
NUMERIC_COLUMNS: tuple[str, ...] = (
    "market_cap_usd_bn",
    "enterprise_value_usd_bn",
    "revenue_usd_bn",
    "ev_to_revenue_x",
)
#: How the revenue of a row is measured: last or trailing twelve months, a fiscal year.
REVENUE_BASES: tuple[str, ...] = ("LTM", "TTM", "FY")
#: How a row's revenue growth is measured: the latest fiscal year, or the last twelve months.
GROWTH_BASES: tuple[str, ...] = ("FY", "LTM")
#: Lowest revenue growth a row may state [%]: revenue cannot fall by all of itself or more.
GROWTH_FLOOR_PCT = -100.0
#: Largest relative gap allowed between a stated multiple and EV / revenue (rounding).
MULTIPLE_TOLERANCE = 0.05
_NUMBER = re.compile(r"^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_SIGNED = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")


class ComparablesError(DataFileError):
    """``comparables.csv`` is malformed; the message lists every problem found."""

    what = "comparables file"


def _validate(row: dict[str, str], where: str, problems: list[str], seen: dict[str, int]):
    def bad(column: str, expected: str) -> None:
        problems.append(
            f"{where}: column '{column}': expected {expected}, found {row.get(column, '')!r}"
        )

    start = len(problems)
    if not row["company"]:
        bad("company", "a company name")
    elif row["company"] in seen:
        bad("company", f"a company listed once (already on line {seen[row['company']]})")
    if not row["ticker"]:
        bad("ticker", "a ticker symbol")
    numbers: dict[str, float | None] = {}
    for col in NUMERIC_COLUMNS:
        text = row[col]
        if not text:
            numbers[col] = None
            continue
        if not _NUMBER.match(text) or not math.isfinite(float(text)) or float(text) <= 0:
            bad(col, "a positive plain number (no %, commas or words) or an empty cell")
            numbers[col] = None
        else:
            numbers[col] = float(text)
    if row["revenue_basis"] not in REVENUE_BASES:
        bad("revenue_basis", "one of " + ", ".join(REVENUE_BASES))
    ev, revenue, multiple = (
        numbers["enterprise_value_usd_bn"],
        numbers["revenue_usd_bn"],
        numbers["ev_to_revenue_x"],
    )
    if len(problems) == start:
        if multiple is None and (ev is None or revenue is None):
            bad(
                "ev_to_revenue_x",
                "a multiple, or both enterprise_value_usd_bn and revenue_usd_bn to compute it",
            )
        elif multiple is not None and ev is not None and revenue is not None:
            computed = ev_to_revenue_x(ev, revenue)
            if abs(computed - multiple) > MULTIPLE_TOLERANCE * multiple:
                bad(
                    "ev_to_revenue_x",
                    f"a multiple within {MULTIPLE_TOLERANCE:.0%} of EV / revenue = {computed:.3g}",
                )
    for col, required in (("as_of", True), ("source_date", False)):
        if row[col] or required:
            try:
                parse_date(row[col])
            except ValueError:
                bad(col, "a date YYYY, YYYY-MM or YYYY-MM-DD")
    if row["status"] not in STATUSES or row["status"] == "assumption":
        bad("status", "one of confirmed, reported, estimate (comparables are never assumptions)")
    if not row["source"]:
        bad("source", "the publisher of the figures")
    if row["url"] and not _URL.match(row["url"]):
        bad("url", "an http(s):// address or an empty cell")
    numbers["revenue_growth_pct"] = _validate_growth(row, bad)
    return numbers if len(problems) == start else None


def _validate_growth(row: dict[str, str], bad) -> float | None:
    """Check a row's growth columns: all empty (growth not sourced) or a sourced number."""
    text = row["revenue_growth_pct"]
    if not text:
        for col in GROWTH_COLUMNS[1:]:
            if row[col]:
                bad(col, "an empty cell when revenue_growth_pct is empty")
        return None
    growth = None
    if not _SIGNED.match(text) or float(text) <= GROWTH_FLOOR_PCT:
        bad("revenue_growth_pct",
            f"a plain number of percent above {GROWTH_FLOOR_PCT:g} (no % sign) or an empty cell")
    else:
        growth = float(text)
    if row["growth_basis"] not in GROWTH_BASES:
        bad("growth_basis", "one of " + ", ".join(GROWTH_BASES))
    if not row["growth_period"]:
        bad("growth_period", "the period the growth covers (e.g. 2024, fiscal 2025)")
    if row["growth_status"] not in ("confirmed", "reported", "estimate"):
        bad("growth_status", "one of confirmed, reported, estimate")
    if not row["growth_source"]:
        bad("growth_source", "the publisher of the growth figure")
    if row["growth_date"]:
        try:
            parse_date(row["growth_date"])
        except ValueError:
            bad("growth_date", "a date YYYY, YYYY-MM or YYYY-MM-DD")
    if not _URL.match(row["growth_url"]):
        bad("growth_url", "an http(s):// address (a growth figure needs its address)")
    return growth


def load_comparables(path: str | Path | None = None):
    """Load and validate ``comparables.csv`` (default ``data/comparables.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per company (indexed by ``company``), with the file's columns (numbers as
        floats, empty cells as NaN), ``ev_to_revenue_x`` filled in as EV / revenue where
        the file leaves it empty, ``multiple_from`` saying ``stated`` or ``computed``, and
        ``revenue_growth_pct`` a float (NaN where the growth is not sourced).

    Raises
    ------
    ComparablesError
        For a wrong header, a duplicate company, a missing ticker, text or a non-positive
        number where a positive number belongs, an unknown revenue basis, a row without a
        multiple and without EV and revenue, a stated multiple that disagrees with EV /
        revenue by more than :data:`MULTIPLE_TOLERANCE`, a bad date, status, source or URL;
        a growth that is not a number above :data:`GROWTH_FLOOR_PCT`, or without its basis,
        period, status, source and address (or growth columns filled with no growth).
    FileNotFoundError
        When the file does not exist.
    """
    import pandas as pd

    path = Path(path) if path is not None else data_dir() / "comparables.csv"
    raw_rows, problems = read_rows(path, COLUMNS, ComparablesError, ordered=True)
    seen: dict[str, int] = {}
    rows = []
    for start, row in raw_rows:
        where = f"{path}:{start}"
        numbers = _validate(row, where, problems, seen)
        seen.setdefault(row["company"], start)
        if numbers is None:
            continue
        record: dict[str, object] = {**row, **numbers}
        if numbers["ev_to_revenue_x"] is None:
            record["ev_to_revenue_x"] = ev_to_revenue_x(
                numbers["enterprise_value_usd_bn"], numbers["revenue_usd_bn"]
            )
            record["multiple_from"] = "computed"
        else:
            record["multiple_from"] = "stated"
        rows.append(record)
    if problems:
        raise ComparablesError(problems)
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "multiple_from"]).set_index("company")
    for col in (*NUMERIC_COLUMNS, "revenue_growth_pct"):
        frame[col] = pd.to_numeric(frame[col])
    return frame


def multiple_quantiles_x(
    multiples_x, quantiles: tuple[float, ...] = (0.25, 0.5, 0.75)
) -> tuple[float, ...]:
    """Quantiles of a set of EV / revenue multiples (linear interpolation).

    Parameters
    ----------
    multiples_x : array-like of float
        The comparables' multiples [x]; at least one.
    quantiles : tuple of float
        Quantiles in [0, 1] (default: lower quartile, median, upper quartile).

    Returns
    -------
    tuple of float
        One multiple per quantile [x].
    """
    import numpy as np

    values = np.asarray(multiples_x, dtype=float)
    if values.size == 0:
        raise ValueError("multiple_quantiles_x: expected at least one multiple, found none")
    return tuple(float(q) for q in np.quantile(values, quantiles))


def sources_lines(frame) -> list[str]:
    """One citation line per comparable (publisher, title, date, status) for chart captions."""
    return [
        f"{company}: {row['source']}, “{row['title']}”, as of {row['as_of']} [{row['status']}]"
        for company, row in frame.iterrows()
    ]


def growth_sources_lines(frame) -> list[str]:
    """One citation line per sourced growth (publisher, title, date, status) for captions."""
    given = frame[frame["revenue_growth_pct"].notna()]
    return [
        f"{company} growth: {row['growth_source']}, “{row['growth_title']}”"
        + (f", {row['growth_date']}" if row["growth_date"] else "")
        + f" [{row['growth_status']}]"
        for company, row in given.iterrows()
    ]
