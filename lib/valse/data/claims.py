"""The source article's claims (``data/claims.csv``): load, validate, count, explain.

One row per factual claim of the source article, with who made it, when, its status as of the
latest facts and the source that settles it, and the parameters or metrics that bear on it
(columns in ``data/FLOWS_CLAIMS.md``). :func:`load_claims` reads and validates the file; a
malformed file raises :class:`ClaimError`, whose message names the file, the line, the column,
what was expected and what was found, for every bad cell (as :mod:`valse.data.facts` does).

Only the standard library is imported at module level (pandas on demand).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from valse.data.datafile import ID as _ID
from valse.data.datafile import URL as _URL
from valse.data.datafile import DataFileError, first_time, read_rows
from valse.data.facts import parse_date
from valse.data.paths import data_dir

#: Columns of ``claims.csv``, in order.
COLUMNS: tuple[str, ...] = (
    "id",
    "claim",
    "claimed_by",
    "claim_date",
    "status",
    "status_source",
    "status_url",
    "status_date",
    "bearing",
    "note",
)
#: Statuses of a claim, firmest first (see data/FLOWS_CLAIMS.md).
STATUSES: tuple[str, ...] = ("confirmed", "reported", "denied", "unverified")


class ClaimError(DataFileError):
    """The claims file is malformed; the message lists every problem found."""

    what = "claims file"


@dataclass(frozen=True)
class Claim:
    """One claim of the source article with its status and provenance (a row of the file)."""

    id: str
    claim: str
    claimed_by: str
    claim_date: str
    status: str
    status_source: str
    status_url: str
    status_date: str
    bearing: tuple[str, ...]
    note: str
    line: int = 0


def _validate_row(
    row: dict[str, str], where: str, problems: list[str], known: frozenset[str] | None
) -> Claim | None:
    start = len(problems)

    def bad(column: str, expected: str, found: object | None = None) -> None:
        shown = row.get(column, "") if found is None else found
        problems.append(f"{where}: column '{column}': expected {expected}, found {shown!r}")

    if not _ID.match(row["id"]):
        bad("id", "a snake_case id (a-z, 0-9, _; starting with a letter)")
    for column in ("claim", "claimed_by", "note"):
        if not row[column]:
            bad(column, "a non-empty text")
    if row["status"] not in STATUSES:
        bad("status", "one of " + ", ".join(STATUSES))
    for column in ("claim_date", "status_date"):
        if row[column]:
            try:
                parse_date(row[column])
            except ValueError:
                bad(column, "a date YYYY, YYYY-MM or YYYY-MM-DD or an empty cell")
    if row["status_url"] and not _URL.match(row["status_url"]):
        bad("status_url", "an http(s):// address or an empty cell")
    if row["status"] in STATUSES and row["status"] != "unverified":
        for column in ("status_source", "status_url", "status_date"):
            if not row[column]:
                bad(
                    column,
                    f"a value for a {row['status']} claim (only unverified ones may be empty)",
                )
    bearing = tuple(row["bearing"].split())
    for name in bearing:
        if not _ID.match(name):
            bad("bearing", "space-separated snake_case parameter or metric names", name)
        elif known is not None and name not in known:
            bad("bearing", "a known parameter or metric name", name)
    if len(problems) > start:
        return None
    return Claim(
        id=row["id"],
        claim=row["claim"],
        claimed_by=row["claimed_by"],
        claim_date=row["claim_date"],
        status=row["status"],
        status_source=row["status_source"],
        status_url=row["status_url"],
        status_date=row["status_date"],
        bearing=bearing,
        note=row["note"],
    )


def load_claims(
    path: str | Path | None = None, known_names: Iterable[str] | None = None
) -> list[Claim]:
    """Load and validate ``claims.csv`` (default ``data/claims.csv``), in file order.

    Parameters
    ----------
    path : str or Path, optional
        The file; default ``data/claims.csv``.
    known_names : iterable of str, optional
        When given, every name in a ``bearing`` cell must be one of them.

    Raises
    ------
    ClaimError
        One line per problem: missing or unexpected columns, wrong number of cells,
        duplicate ids, empty required cells, unknown statuses, bad dates or addresses,
        missing status sources for a claim that is not unverified, bad bearing names.
    FileNotFoundError
        When the file does not exist.
    """
    path = Path(path) if path is not None else data_dir() / "claims.csv"
    known = frozenset(known_names) if known_names is not None else None
    rows, problems = read_rows(path, COLUMNS, ClaimError)
    claims: list[Claim] = []
    first_line: dict[str, int] = {}
    for start, row in rows:
        where = f"{path}:{start}"
        claim = _validate_row(row, where, problems, known)
        if not first_time(first_line, row["id"], "id", start, where, problems):
            continue
        if claim is not None:
            claims.append(Claim(**{**claim.__dict__, "line": start}))
    if problems:
        raise ClaimError(problems)
    return claims


def status_counts(claims: Iterable[Claim]) -> dict[str, int]:
    """Number of claims per status, every status of :data:`STATUSES` present (0 if none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for c in claims:
        counts[c.status] += 1
    return counts


def _format_value(value: float, unit: str) -> str:
    unit = unit.strip()
    if unit in ("USD bn", "USD bn per year"):
        sign = "−" if value < 0 else ""
        tail = " a year" if unit.endswith("per year") else ""
        return f"{sign}USD {abs(value):,.1f} bn{tail}"
    if unit in ("%", "0-1"):
        number = 100 * value if unit == "0-1" else value
        return f"{number:,.1f}%"
    if unit in ("count", ""):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3g}"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:,.3g} {unit}"


def model_adds(
    bearing: Iterable[str],
    values: Mapping[str, tuple[float, str]],
    labels: Mapping[str, str] | None = None,
) -> str:
    """What the model says about a claim: the values of the names that bear on it.

    Parameters
    ----------
    bearing : iterable of str
        Parameter and metric names (the claim's ``bearing`` cell).
    values : mapping name -> (value, unit)
        Values of this scenario: its parameters and its recorded metrics.
    labels : mapping name -> str, optional
        Short reader-facing names; the raw name is shown otherwise.

    Returns
    -------
    str
        ``"label value; label value"`` for the names that have a value, in the order given,
        followed by ``"(no value for: …)"`` for the others; ``"—"`` when nothing bears on it.
    """
    labels = labels or {}
    shown, absent = [], []
    for name in dict.fromkeys(bearing):
        if name in values:
            value, unit = values[name]
            shown.append(f"{labels.get(name, name)} {_format_value(float(value), unit)}")
        else:
            absent.append(labels.get(name, name))
    text = "; ".join(shown)
    if absent:
        text += (" " if text else "") + f"(no value for: {', '.join(absent)})"
    return text or "—"


def claims_frame(claims: Iterable[Claim], model: Mapping[str, str] | None = None):
    """The claims as a reader-facing :class:`pandas.DataFrame` indexed by claim id.

    Columns: claim, who, when, status, status source (publisher and date), and, when
    ``model`` (claim id -> text, e.g. from :func:`model_adds`) is given, "what the model adds".
    """
    import pandas as pd

    rows = []
    for c in claims:
        source = c.status_source or "none found"
        if c.status_date:
            source += f" ({c.status_date})"
        row = {
            "id": c.id,
            "claim": c.claim,
            "who": c.claimed_by,
            "when": c.claim_date or "undated (the article)",
            "status": c.status,
            "status source": source,
        }
        if model is not None:
            row["what the model adds"] = model.get(c.id, "—")
        rows.append(row)
    return pd.DataFrame(rows).set_index("id")
