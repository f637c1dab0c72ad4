"""What every validated data file shares: the error that lists all problems, and patterns.

``facts.csv``, ``claims.csv``, ``flows.csv``, ``cloud_shares.csv`` and ``comparables.csv``
are validated cell by cell; each problem is one line
``file:line: column 'c': expected …, found …`` and all of them are reported at once.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

#: A snake_case id: lower-case letters, digits and ``_``, starting with a letter.
ID = re.compile(r"^[a-z][a-z0-9_]*$")
#: An http(s) address without spaces.
URL = re.compile(r"^https?://\S+$")
#: A date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

#: How many problems a message shows before "… and N more".
SHOWN = 30


class DataFileError(ValueError):
    """A data file is malformed; the message lists every problem found.

    Attributes
    ----------
    problems : list of str
        One line per problem: ``file:line: column 'c': expected …, found …``.
    """

    #: What the file is, for the first line of the message (set by subclasses).
    what = "data file"

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:SHOWN]
        more = f"\n… and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
        super().__init__(f"invalid {self.what}:\n" + "\n".join(shown) + more)


def read_rows(
    path: Path, columns: tuple[str, ...], error: type[DataFileError], *, ordered: bool = False
) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """Read a CSV data file: check its header, then each row's number of cells.

    Parameters
    ----------
    path : Path
        The file.
    columns : tuple of str
        The expected columns.
    error : type
        The :class:`DataFileError` subclass to raise for a bad header.
    ordered : bool
        Require the columns in exactly this order (not only the same set).

    Returns
    -------
    (rows, problems)
        ``rows``: ``(line, row)`` pairs, ``line`` being where the record starts and every
        cell stripped; ``problems``: one line per ragged row, for the caller to report with
        its own findings.

    Raises
    ------
    DataFileError
        (as ``error``) when the header is not the expected one.
    FileNotFoundError
        When the file does not exist.
    """
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = tuple(reader.fieldnames or ())
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        if missing or extra or (ordered and header != columns):
            raise error(
                [
                    f"{path}:1: header: expected columns {', '.join(columns)}, found "
                    f"{', '.join(header) or 'nothing'}"
                    + (f" (missing {', '.join(missing)})" if missing else "")
                    + (f" (unexpected {', '.join(extra)})" if extra else "")
                ]
            )
        rows: list[tuple[int, dict[str, str]]] = []
        problems: list[str] = []
        line = 1
        for row in reader:
            start, line = line + 1, reader.line_num
            if None in row or any(v is None for v in row.values()):
                found = len(columns) + len(row.get(None) or [])
                found -= sum(v is None for v in row.values())
                problems.append(
                    f"{path}:{start}: row: expected {len(columns)} cells, found {found}"
                )
                continue
            rows.append((start, {k: v.strip() for k, v in row.items()}))
    return rows, problems


def first_time(
    seen: dict[str, int], value: str, column: str, line: int, where: str, problems: list[str]
) -> bool:
    """Record ``value`` of a column that must be unique; False (and a problem) if seen before."""
    if value in seen:
        problems.append(
            f"{where}: column '{column}': expected a unique {column}, found {value!r} "
            f"(already on line {seen[value]})"
        )
        return False
    seen[value] = line
    return True
