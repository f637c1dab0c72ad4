"""What regulators have done about AI partnerships and cloud, and what to watch next.

Two small data files beside the fact base, each row citing its facts:

- ``data/regulatory_matters.csv``: one matter (a study, a merger inquiry, a market or DMA
  investigation) a row, with its regulator, status (``open``, ``closed``, ``unknown``: no later
  step found), last step and next step with their dates;
- ``data/watchlist.csv``: the observable triggers of the source article's question 7, each with
  what to look for (a filing, a disclosure, a decision), its expected date when known, and the
  conclusion of the collection it would change.

Loaders validate every cell and report all problems at once (:class:`RegulatorDataError`,
``file:line: column 'c': expected …, found …``). :func:`timeline` turns the matters and the
regulation facts into dated events for a chart; :func:`open_matters_count` counts the open
matters. Column meanings are in ``data/FLOWS_CLAIMS.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from valse.data.datafile import ID, DataFileError, read_rows
from valse.data.facts import Fact, parse_date
from valse.data.paths import data_dir

MATTER_COLUMNS: tuple[str, ...] = (
    "id",
    "regulator",
    "matter",
    "parties",
    "opened",
    "status",
    "last_step",
    "last_step_date",
    "next_step",
    "next_date",
    "facts",
    "note",
)
WATCH_COLUMNS: tuple[str, ...] = (
    "id",
    "watch",
    "look_for",
    "filer",
    "expected",
    "would_change",
    "notebook",
    "bears_on",
    "facts",
    "note",
)
#: Status of a matter: still running, ended, or no later step found (not counted as open).
MATTER_STATUSES: tuple[str, ...] = ("open", "closed", "unknown")
#: What a watcher looks for.
LOOK_FOR: tuple[str, ...] = (
    "8-K",
    "10-Q",
    "10-K",
    "S-1",
    "backlog disclosure",
    "company filing",
    "regulator decision",
)


class RegulatorDataError(DataFileError):
    """``regulatory_matters.csv`` or ``watchlist.csv`` is malformed; lists every problem."""

    what = "regulator or watch-list data"


def _date_ok(text: str) -> bool:
    try:
        parse_date(text)
    except ValueError:
        return False
    return True


def _check_rows(
    rows: list[tuple[int, dict[str, str]]],
    path: str | Path,
    required: Iterable[str],
    dates: Iterable[str],
    choices: Mapping[str, tuple[str, ...]],
    facts: Mapping[str, Fact] | None,
) -> list[str]:
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        where = f"{path}:{line}"

        def bad(
            column: str,
            expected: str,
            found: object | None = None,
            row: dict[str, str] = row,
            where: str = where,
        ) -> None:
            shown = row.get(column, "") if found is None else found
            problems.append(f"{where}: column '{column}': expected {expected}, found {shown!r}")

        if not ID.match(row["id"]):
            bad("id", "a snake_case id (a-z, 0-9, _; starting with a letter)")
        elif row["id"] in seen:
            bad("id", f"a unique id (already on line {seen[row['id']]})")
        seen.setdefault(row["id"], line)
        for column in required:
            if not row[column]:
                bad(column, "a value")
        for column in dates:
            if row[column] and not _date_ok(row[column]):
                bad(column, "a date YYYY, YYYY-MM or YYYY-MM-DD or an empty cell")
        for column, allowed in choices.items():
            if row[column] not in allowed:
                bad(column, "one of " + ", ".join(allowed))
        if facts is not None:
            for fid in row["facts"].split():
                if fid not in facts:
                    bad("facts", "fact ids of data/facts.csv, space-separated", fid)
    return problems


def load_matters(
    path: str | Path | None = None, facts: Mapping[str, Fact] | None = None
) -> pd.DataFrame:
    """Load and validate ``data/regulatory_matters.csv``.

    Rules: unique ids; regulator, matter, opened, status, last step and its date and facts
    required; dates as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; status in
    :data:`MATTER_STATUSES`; a next step has a date or says none is known in the note; an
    open matter has a next step; when ``facts`` is given, every fact id exists.

    Raises
    ------
    RegulatorDataError
        Listing every bad cell.
    """
    path = Path(path) if path is not None else data_dir() / "regulatory_matters.csv"
    rows, problems = read_rows(path, MATTER_COLUMNS, RegulatorDataError)
    problems += _check_rows(
        rows,
        path,
        ("regulator", "matter", "opened", "status", "last_step", "last_step_date", "facts"),
        ("opened", "last_step_date", "next_date"),
        {"status": MATTER_STATUSES},
        facts,
    )
    for line, row in rows:
        if row["status"] == "open" and not row["next_step"]:
            problems.append(
                f"{path}:{line}: column 'next_step': expected the next step of an open matter, "
                "found ''"
            )
    if problems:
        raise RegulatorDataError(problems)
    return pd.DataFrame([r for _, r in rows], columns=MATTER_COLUMNS)


def load_watchlist(
    path: str | Path | None = None, facts: Mapping[str, Fact] | None = None
) -> pd.DataFrame:
    """Load and validate ``data/watchlist.csv`` (what to look for, when, and what it changes).

    Raises
    ------
    RegulatorDataError
        For a missing watch, filer, conclusion or notebook, a ``look_for`` outside
        :data:`LOOK_FOR`, a bad date, or (with ``facts``) an unknown fact id.
    """
    path = Path(path) if path is not None else data_dir() / "watchlist.csv"
    rows, problems = read_rows(path, WATCH_COLUMNS, RegulatorDataError)
    problems += _check_rows(
        rows,
        path,
        ("watch", "look_for", "filer", "would_change", "notebook"),
        ("expected",),
        {"look_for": LOOK_FOR},
        facts,
    )
    if problems:
        raise RegulatorDataError(problems)
    return pd.DataFrame([r for _, r in rows], columns=WATCH_COLUMNS)


def open_matters_count(matters: pd.DataFrame) -> int:
    """How many matters are ``open`` (a matter with no later step found is not counted)."""
    return int((matters["status"] == "open").sum())


def timeline(matters: pd.DataFrame, facts: Mapping[str, Fact]) -> pd.DataFrame:
    """Dated events for a chart: each matter's opening, its last step and its next step.

    The last step's status is that of the fact it cites (the latest-dated of the matter's
    facts); a next step is ``expected``. Partial dates stand for their first day.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (Timestamp), ``regulator``, ``matter_id``, ``event`` (``opened``,
        ``step``, ``expected``), ``label``, ``status`` (of the source: confirmed, reported, or
        ``expected``) and ``matter_status``; sorted by date.
    """
    rows = []
    for m in matters.itertuples():
        cited = [facts[f] for f in m.facts.split() if f in facts]
        latest = max(cited, key=lambda f: parse_date(f.as_of)) if cited else None
        first = min(cited, key=lambda f: parse_date(f.as_of)) if cited else None
        base = {"regulator": m.regulator, "matter_id": m.id, "matter_status": m.status}
        if m.opened != m.last_step_date:
            rows.append({**base, "date": m.opened, "event": "opened", "label": m.matter,
                         "status": first.status if first else ""})  # fmt: skip
        rows.append({**base, "date": m.last_step_date, "event": "step", "label": m.last_step,
                     "status": latest.status if latest else ""})  # fmt: skip
        if m.next_date:
            rows.append({**base, "date": m.next_date, "event": "expected", "label": m.next_step,
                         "status": "expected"})  # fmt: skip
    frame = pd.DataFrame(
        rows,
        columns=["date", "regulator", "matter_id", "event", "label", "status", "matter_status"],
    )
    frame["date"] = [pd.Timestamp(parse_date(str(d))) for d in frame["date"]]
    return frame.sort_values(["date", "regulator", "matter_id"]).reset_index(drop=True)
