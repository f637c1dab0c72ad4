"""The fact base: load, validate and look up sourced facts with their provenance.

``data/facts.csv`` holds one real-world figure a row (columns and vocabularies in
``data/README.md``). :func:`load_facts` reads and validates it and returns a
:class:`FactBase`; a malformed file raises :class:`FactError`, whose message names the
file, the line, the column, what was expected and what was found, for every bad cell.
:func:`valse.data.checks.check_consistency` evaluates ``data/checks.csv``, the pairs of
expressions over facts that should agree; :mod:`valse.data.not_found` what was searched for and
not found.

This module imports only the standard library (pandas on demand in
:meth:`FactBase.to_frame`), so that validating the data stays fast.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valse.data.datafile import DATE as _DATE
from valse.data.datafile import ID as _ID
from valse.data.datafile import URL as _URL
from valse.data.datafile import DataFileError, first_time, read_rows
from valse.data.paths import data_dir

#: Columns of ``facts.csv``, in order.
COLUMNS: tuple[str, ...] = (
    "id",
    "topic",
    "value",
    "low",
    "high",
    "unit",
    "as_of",
    "status",
    "source",
    "title",
    "source_date",
    "url",
    "note",
)
#: Grades of evidence, strongest first (see data/README.md).
STATUSES: tuple[str, ...] = ("confirmed", "reported", "estimate", "assumption")
#: Units whose values are numbers.
NUMERIC_UNITS: frozenset[str] = frozenset(
    {
        "USD bn",
        "USD bn per year",
        "USD m",
        "USD k",
        "USD",
        "USD per GPU-hour",
        "USD bn per GW",
        "USD k per GPU",
        "GPUs per GW",
        "GW",
        "pct",
        "ratio",
        "x",
        "count",
        "years",
        "HHI points",
    }
)
#: Units whose values are words (a statement, a decision).
TEXT_UNITS: frozenset[str] = frozenset({"text"})
TOPICS: frozenset[str] = frozenset(
    {
        "deal_rumour",
        "deal_reported",
        "openai_rounds",
        "openai_financials",
        "openai_compute",
        "anthropic",
        "aws",
        "amazon",
        "cloud_market",
        "big_tech",
        "labor",
        "compute_costs",
        "regulation",
        "comparables",
    }
)


class FactError(DataFileError):
    """The fact base is malformed; the message lists every problem found."""

    what = "fact base"


@dataclass(frozen=True)
class Fact:
    """One sourced figure with its provenance (a row of ``facts.csv``)."""

    id: str
    topic: str
    value: float | str
    unit: str
    as_of: str
    status: str
    source: str = ""
    title: str = ""
    source_date: str = ""
    url: str = ""
    note: str = ""
    low: float | None = None
    high: float | None = None
    line: int = 0

    @property
    def number(self) -> float:
        """The value as a float; raises :class:`TypeError` for a text fact."""
        if isinstance(self.value, str):
            raise TypeError(f"fact {self.id!r} is a text fact ({self.value!r}), not a number")
        return float(self.value)

    def citation(self) -> str:
        """One-line citation: publisher, title, date, status (for captions and tables)."""
        parts = [self.source or "valse assumption"]
        if self.title:
            parts.append(f"“{self.title}”")
        if self.source_date:
            parts.append(self.source_date)
        return ", ".join(parts) + f" [{self.status}]"


def parse_date(text: str, *, end: bool = False) -> dt.date:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    A partial date stands for its first day, or its last day when ``end`` is true.
    """
    if not _DATE.match(text):
        raise ValueError(f"expected a date YYYY, YYYY-MM or YYYY-MM-DD, found {text!r}")
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        if not end:
            return first
        nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 12, 31) if end else dt.date(parts[0], 1, 1)


def _number(text: str) -> float:
    value = float(text)  # raises ValueError on "50%", "1,000", "up to 50"
    if not math.isfinite(value) or not re.match(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$", text):
        raise ValueError(text)
    return value


def _validate_row(row: dict[str, str], where: str, problems: list[str]) -> Fact | None:
    def bad(column: str, expected: str) -> None:
        problems.append(
            f"{where}: column '{column}': expected {expected}, found {row.get(column, '')!r}"
        )

    start = len(problems)
    fid = row["id"]
    if not _ID.match(fid):
        bad("id", "a snake_case id (a-z, 0-9, _; starting with a letter)")
    if row["topic"] not in TOPICS:
        bad("topic", "one of " + ", ".join(sorted(TOPICS)))
    unit = row["unit"]
    if unit not in NUMERIC_UNITS | TEXT_UNITS:
        bad("unit", "one of " + ", ".join(sorted(NUMERIC_UNITS | TEXT_UNITS)))
    if row["status"] not in STATUSES:
        bad("status", "one of " + ", ".join(STATUSES))
    value: float | str = row["value"]
    low = high = None
    if unit in NUMERIC_UNITS:
        try:
            value = _number(row["value"])
        except ValueError:
            bad("value", f"a plain number for unit '{unit}' (no %, commas or words)")
        for col in ("low", "high"):
            if row[col]:
                try:
                    num = _number(row[col])
                except ValueError:
                    bad(col, "a plain number or an empty cell")
                else:
                    low, high = (num, high) if col == "low" else (low, num)
        if isinstance(value, float):
            if low is not None and low > value:
                bad("low", f"a bound at or below value {value:g}")
            if high is not None and high < value:
                bad("high", f"a bound at or above value {value:g}")
            if unit == "ratio" and not 0 <= value <= 1 and row["topic"] != "comparables":
                bad("value", "a ratio between 0 and 1")
    else:
        if not value.strip():
            bad("value", "a non-empty text")
        for col in ("low", "high"):
            if row[col]:
                bad(col, "an empty cell for a text fact")
    for col, required in (("as_of", True), ("source_date", False)):
        text = row[col]
        if text or required:
            try:
                parse_date(text)
            except ValueError:
                bad(col, "a date YYYY, YYYY-MM or YYYY-MM-DD")
    if row["url"] and not _URL.match(row["url"]):
        bad("url", "an http(s):// address or an empty cell")
    if row["note"].lower().startswith("derived") and row["status"] != "estimate":
        bad("status", "'estimate' for a figure we derive (its note starts 'Derived')")
    if row["status"] == "assumption":
        if not row["note"].strip():
            bad("note", "the reason for the assumption")
    elif row["status"] in STATUSES and not row["source"].strip():
        bad("source", f"the publisher of a {row['status']} fact")
    if len(problems) > start:
        return None
    return Fact(
        id=fid,
        topic=row["topic"],
        value=value,
        unit=unit,
        as_of=row["as_of"],
        status=row["status"],
        source=row["source"],
        title=row["title"],
        source_date=row["source_date"],
        url=row["url"],
        note=row["note"],
        low=low,
        high=high,
    )


@dataclass(frozen=True)
class FactBase(Mapping[str, Fact]):
    """Validated facts by id, with the file they came from.

    Behaves as a read-only mapping ``id -> Fact``; :meth:`value` gives a number,
    :meth:`cite` the provenance of a list of ids.
    """

    facts: Mapping[str, Fact]
    path: Path = field(default=Path("facts.csv"))

    def __getitem__(self, fid: str) -> Fact:
        try:
            return self.facts[fid]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(fid, list(self.facts), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no fact {fid!r} in {self.path}{hint}") from None

    def __contains__(self, fid: object) -> bool:
        # Mapping's default goes through __getitem__, whose miss ranks close matches for the
        # message: 1 ms each, and notebook 04 asks about 946 ids that are not facts
        return fid in self.facts

    def get(self, fid: str, default: Any = None) -> Any:
        return self.facts.get(fid, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.facts)

    def __len__(self) -> int:
        return len(self.facts)

    def value(self, fid: str) -> float:
        """Return the numeric value of fact ``fid`` (its unit is ``self[fid].unit``)."""
        return self[fid].number

    def cite(self, ids: Iterable[str]) -> list[str]:
        """Return one citation line per id, in the order given, without repeats."""
        seen: dict[str, None] = dict.fromkeys(ids)
        return [f"{fid}: {self[fid].citation()}" for fid in seen]

    def to_frame(self):
        """Return the facts as a :class:`pandas.DataFrame` indexed by id."""
        import pandas as pd

        rows = [{c: getattr(f, c) for c in COLUMNS} for f in self.facts.values()]
        return pd.DataFrame(rows, columns=list(COLUMNS)).set_index("id")


def load_facts(path: str | Path | None = None) -> FactBase:
    """Load and validate ``facts.csv`` (default ``data/facts.csv``).

    Raises
    ------
    FactError
        With one line per problem: missing or unexpected columns, duplicate ids, unknown
        units, topics or statuses, unparseable dates, text where a number belongs, bounds
        that do not bracket the value, missing sources or missing reasons for assumptions.
    FileNotFoundError
        When the file does not exist.
    """
    path = Path(path) if path is not None else data_dir() / "facts.csv"
    rows, problems = read_rows(path, COLUMNS, FactError)
    facts: dict[str, Fact] = {}
    first_line: dict[str, int] = {}
    for start, row in rows:
        where = f"{path}:{start}"
        fact = _validate_row(row, where, problems)
        if not first_time(first_line, row["id"], "id", start, where, problems):
            continue
        if fact is not None:
            facts[fact.id] = Fact(**{**fact.__dict__, "line": start})
    if problems:
        raise FactError(problems)
    return FactBase(facts, path)


def stale_facts(facts: FactBase, today: dt.date, max_age_days: int = 180) -> list[Fact]:
    """Facts whose ``as_of`` period ended more than ``max_age_days`` before ``today``.

    Assumptions are left out (they are ours, not dated observations). Sorted oldest first.
    """
    limit = today - dt.timedelta(days=max_age_days)
    old = [
        f
        for f in facts.values()
        if f.status != "assumption" and parse_date(f.as_of, end=True) < limit
    ]
    return sorted(old, key=lambda f: (parse_date(f.as_of, end=True), f.id))


def facts_table(facts: FactBase, ids: Iterable[str]):
    """Return the facts ``ids`` as a reader-facing :class:`pandas.DataFrame`.

    Columns: value, unit, as of, status, source (a one-line citation).
    """
    import pandas as pd

    rows = []
    for fid in dict.fromkeys(ids):
        f = facts[fid]
        rows.append(
            {
                "fact": fid,
                "value": f.value,
                "unit": f.unit,
                "as of": f.as_of,
                "status": f.status,
                "source": f.citation(),
            }
        )
    return pd.DataFrame(rows).set_index("fact")


def side_by_side(
    facts: FactBase,
    rows: Iterable[tuple[str, str | None, str | None]],
    readings: tuple[str, str] = ("rumour", "reported"),
):
    """Compare two readings of the deal item by item.

    Parameters
    ----------
    facts : FactBase
    rows : iterable of (label, first_id, second_id)
        One item a row; an id may be ``None`` where that reading says nothing.
    readings : pair of str
        Names of the two readings (column prefixes).

    Returns
    -------
    pandas.DataFrame
        Indexed by label, with ``<reading> value``, ``<reading> status`` and
        ``<reading> fact`` for each reading, and the unit.
    """
    import pandas as pd

    out = []
    for label, *ids in rows:
        record: dict[str, object] = {"item": label}
        units = set()
        for reading, fid in zip(readings, ids, strict=True):
            fact = facts[fid] if fid else None
            record[f"{reading} value"] = fact.value if fact else None
            record[f"{reading} status"] = fact.status if fact else "not stated"
            record[f"{reading} fact"] = fid or ""
            if fact:
                units.add(fact.unit)
        if len(units) > 1:
            raise ValueError(f"side_by_side: row {label!r} mixes units {sorted(units)}")
        record["unit"] = units.pop() if units else ""
        out.append(record)
    return pd.DataFrame(out).set_index("item")
