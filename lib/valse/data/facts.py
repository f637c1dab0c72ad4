"""The fact base: load, validate and look up sourced facts with their provenance.

``data/facts.csv`` holds one real-world figure a row (columns and vocabularies in
``data/README.md``). :func:`load_facts` reads and validates it and returns a
:class:`FactBase`; a malformed file raises :class:`FactError`, whose message names the
file, the line, the column, what was expected and what was found, for every bad cell.
:func:`check_consistency` evaluates ``data/checks.csv``, the pairs of expressions over
facts that should agree, and reports each disagreement instead of hiding it.

This module imports only the standard library (pandas on demand in
:meth:`FactBase.to_frame`), so that validating the data stays fast.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import math
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

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


# --- consistency checks ------------------------------------------------------------------

_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def evaluate(expression: str, facts: Mapping[str, Fact]) -> float:
    """Evaluate an arithmetic expression over fact ids.

    Allowed: numbers, fact ids (their value), ``id.low`` and ``id.high`` (their bounds),
    ``+ - * /``, unary minus and parentheses. Anything else raises :class:`ValueError`.
    """
    tree = ast.parse(expression, mode="eval")

    def ev_name(name: str) -> str:
        if name not in facts:
            raise KeyError(f"unknown fact {name!r} in expression {expression!r}")
        return name

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in facts:
                raise KeyError(f"unknown fact {node.id!r} in expression {expression!r}")
            return facts[node.id].number
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr in ("low", "high")
        ):
            fact = facts[ev_name(node.value.id)]
            bound = getattr(fact, node.attr)
            if bound is None:
                raise ValueError(f"fact {fact.id!r} has no {node.attr} bound ({expression!r})")
            return float(bound)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        raise ValueError(f"unsupported element {ast.dump(node)} in expression {expression!r}")

    return ev(tree)


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one consistency check between facts."""

    id: str
    left: str
    right: str
    left_value: float
    right_value: float
    rel_tol: float
    note: str

    @property
    def rel_diff(self) -> float:
        """|left − right| / |right| (absolute difference when right is 0)."""
        scale = abs(self.right_value) or 1.0
        return abs(self.left_value - self.right_value) / scale

    @property
    def ok(self) -> bool:
        """True when the two sides agree within ``rel_tol``."""
        return self.rel_diff <= self.rel_tol


def check_consistency(facts: FactBase, checks_path: str | Path | None = None) -> list[CheckResult]:
    """Evaluate every check of ``checks.csv`` (default ``data/checks.csv``).

    Each row ``id, left, right, rel_tol, note`` says that two expressions over facts should
    agree within a relative tolerance. All results are returned, agreeing or not; callers
    show the disagreements (``[r for r in results if not r.ok]``). A malformed row (unknown
    fact, bad expression, bad tolerance) raises :class:`FactError` naming file and line.
    """
    path = Path(checks_path) if checks_path is not None else data_dir() / "checks.csv"
    results: list[CheckResult] = []
    problems: list[str] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            where = f"{path}:{reader.line_num}"
            try:
                tol = float(row["rel_tol"])
                if not 0 <= tol < 1:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append(
                    f"{where}: column 'rel_tol': expected a number in [0, 1), "
                    f"found {row.get('rel_tol')!r}"
                )
                continue
            try:
                left = evaluate(row["left"], facts)
                right = evaluate(row["right"], facts)
            except (KeyError, ValueError, SyntaxError, TypeError, ZeroDivisionError) as exc:
                problems.append(f"{where}: check {row.get('id')!r}: {exc}")
                continue
            results.append(
                CheckResult(
                    row["id"], row["left"], row["right"], left, right, tol, row.get("note", "")
                )
            )
    if problems:
        raise FactError(problems)
    return results


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


#: Columns of ``fact_references.csv``: which file and item cites which fact.
REFERENCE_COLUMNS: tuple[str, ...] = ("file", "item", "fact")
_SCENARIO_CITE = re.compile(r"^(\w+):\s*[^#]+?\s*#\s*fact:\s*([\w.+\-*/() ]+?)(?:\s*\(|$)")


def expression_ids(expression: str) -> list[str]:
    """Fact ids named in an expression of :func:`evaluate` (``id.low`` counts as ``id``)."""
    names = [n.id for n in ast.walk(ast.parse(expression, mode="eval")) if isinstance(n, ast.Name)]
    return list(dict.fromkeys(names))


def fact_references(data: str | Path | None = None) -> list[tuple[str, str, str]]:
    """Every citation of a fact outside ``facts.csv``, as ``(file, item, fact)`` rows.

    ``checks.csv`` rows cite the ids of their two expressions (item: the check id);
    ``scenarios/*.yaml`` lines cite the ids of their ``# fact:`` comment (item: the
    parameter). Sorted, so that ``fact_references.csv`` (the foreign keys of the data
    package) can be regenerated byte for byte.
    """
    data = Path(data) if data is not None else data_dir()
    rows: set[tuple[str, str, str]] = set()
    with (data / "checks.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for side in ("left", "right"):
                rows |= {("checks.csv", row["id"], fid) for fid in expression_ids(row[side])}
    for path in sorted((data / "scenarios").glob("*.yaml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = _SCENARIO_CITE.match(line)
            if m:
                name = f"scenarios/{path.name}"
                rows |= {(name, m.group(1), fid) for fid in expression_ids(m.group(2).strip())}
    return sorted(rows)


def write_fact_references(data: str | Path | None = None) -> Path:
    """(Re)write ``fact_references.csv`` from :func:`fact_references`; returns its path."""
    data = Path(data) if data is not None else data_dir()
    path = data / "fact_references.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REFERENCE_COLUMNS)
        writer.writerows(fact_references(data))
    return path


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
