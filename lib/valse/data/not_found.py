"""What was searched and not found (``data/not_found.csv``), and the date of the fact base.

A figure the collection looked for and could not source is said as such ("not found as of
2026-12-02") instead of staying silent: :func:`load_not_found` reads and validates the file,
:func:`not_found_frame` shows it; :func:`fact_base_as_of` reads the day the fact base was last
brought up to date (``as_of`` of ``datapackage.json``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from valse.data.datafile import ID as _ID
from valse.data.datafile import first_time, read_rows
from valse.data.facts import Fact, FactError, parse_date
from valse.data.paths import data_dir

# --- what was searched and not found, and the date of the fact base -----------------------

#: Columns of ``not_found.csv``, in order.
NOT_FOUND_COLUMNS: tuple[str, ...] = (
    "id",
    "subject",
    "searched_on",
    "result",
    "scope",
    "related_fact",
    "note",
)
#: ``not_found``: searched, nothing found; ``lead_only``: a headline or address was seen but
#: the page could not be read, so its figure is not a fact.
NOT_FOUND_RESULTS: tuple[str, ...] = ("not_found", "lead_only")


@dataclass(frozen=True)
class NotFound:
    """One search that found nothing (a row of ``not_found.csv``)."""

    id: str
    subject: str
    searched_on: str
    result: str
    scope: str
    related_fact: str
    note: str
    line: int = 0

    def sentence(self) -> str:
        """``"Not found as of 2026-12-02: …"`` (or ``"Lead only, not read …"``)."""
        head = "Not found" if self.result == "not_found" else "Lead only, page not read"
        return f"{head} as of {self.searched_on}: {self.subject}."


def load_not_found(
    path: str | Path | None = None, facts: Mapping[str, Fact] | None = None
) -> list[NotFound]:
    """Load and validate ``not_found.csv`` (default ``data/not_found.csv``), in file order.

    Parameters
    ----------
    path : str or Path, optional
        The file; default ``data/not_found.csv``.
    facts : mapping id -> Fact, optional
        When given, every non-empty ``related_fact`` must be one of its ids.

    Raises
    ------
    FactError
        One line per problem (file, line, column, expected, found): bad or duplicate ids,
        empty subjects, bad dates, unknown results, unknown related facts.
    """
    path = Path(path) if path is not None else data_dir() / "not_found.csv"
    rows, problems = read_rows(path, NOT_FOUND_COLUMNS, FactError)
    out: list[NotFound] = []
    seen: dict[str, int] = {}
    for start, row in rows:
        where = f"{path}:{start}"
        before = len(problems)

        def bad(column: str, expected: str, row: dict[str, str] = row, where: str = where) -> None:
            problems.append(
                f"{where}: column '{column}': expected {expected}, found {row[column]!r}"
            )

        if not _ID.match(row["id"]):
            bad("id", "a snake_case id (a-z, 0-9, _; starting with a letter)")
        first_time(seen, row["id"], "id", start, where, problems)
        for column in ("subject", "scope"):
            if not row[column]:
                bad(column, "a non-empty text")
        try:
            parse_date(row["searched_on"])
        except ValueError:
            bad("searched_on", "a date YYYY, YYYY-MM or YYYY-MM-DD")
        if row["result"] not in NOT_FOUND_RESULTS:
            bad("result", "one of " + ", ".join(NOT_FOUND_RESULTS))
        if row["related_fact"] and facts is not None and row["related_fact"] not in facts:
            bad("related_fact", "the id of a fact in facts.csv or an empty cell")
        if len(problems) == before:
            out.append(NotFound(**row, line=start))
    if problems:
        raise FactError(problems)
    return out


def not_found_frame(rows: Iterable[NotFound]):
    """The searches that found nothing as a reader-facing :class:`pandas.DataFrame`.

    Indexed by id; columns: what was searched for, the result in words ("not found as of
    DATE" or "lead only, page not read"), where it was searched, the fact to look at instead.
    """
    import pandas as pd

    records = [
        {
            "id": r.id,
            "searched for": r.subject,
            "result": ("not found as of " if r.result == "not_found"
                       else "lead only, page not read; as of ") + r.searched_on,
            "where": r.scope,
            "see fact": r.related_fact or "—",
        }
        for r in rows
    ]
    columns = ["id", "searched for", "result", "where", "see fact"]
    return pd.DataFrame(records, columns=columns).set_index("id")


def fact_base_as_of(path: str | Path | None = None) -> dt.date:
    """The date the fact base was last brought up to date: ``as_of`` of ``datapackage.json``.

    Parameters
    ----------
    path : str or Path, optional
        The package descriptor; default ``data/datapackage.json``.

    Raises
    ------
    FactError
        When the descriptor has no ``as_of`` or it is not a date ``YYYY-MM-DD``.
    """
    import json

    path = Path(path) if path is not None else data_dir() / "datapackage.json"
    found = json.loads(path.read_text(encoding="utf-8")).get("as_of")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(found)):
            raise ValueError
        return dt.date.fromisoformat(found)
    except ValueError:
        raise FactError(
            [f"{path}: key 'as_of': expected a date YYYY-MM-DD, found {found!r}"]
        ) from None
