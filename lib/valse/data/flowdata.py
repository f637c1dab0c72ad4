"""Load and validate ``data/flows.csv``: one investment, purchase commitment, price
concession or guarantee between two companies a row, and the vocabularies of its columns.

The file is validated like the fact base (:mod:`valse.data.facts`): a malformed file raises
:class:`FlowDataError`, whose message names the file, the line, the column, what was expected
and what was found, for every bad cell (unknown company, negative amount, bad status or kind,
bad date, a low bound above the high one, …). The loader returns a :class:`pandas.DataFrame`;
the models of :mod:`valse.model.flows` take such frames and do no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from valse.data.datafile import ID as _ID
from valse.data.datafile import URL as _URL
from valse.data.datafile import DataFileError, read_rows
from valse.data.facts import _number, parse_date
from valse.data.paths import data_dir

#: Companies the flows may name (``from`` and ``to``), as spelled in the file.
COMPANIES: tuple[str, ...] = (
    "Amazon",
    "Microsoft",
    "Google",
    "NVIDIA",
    "AMD",
    "Oracle",
    "Broadcom",
    "SoftBank",
    "CoreWeave",
    "OpenAI",
    "Anthropic",
    "Cerebras",
)

#: The companies of :data:`COMPANIES` that sell chips, not compute: a purchase from them is an
#: input to a data centre, a layer above the market for compute capacity (Cerebras sells its
#: chips as a cloud service to OpenAI, so it counts as a compute provider).
CHIP_MAKERS: tuple[str, ...] = ("NVIDIA", "AMD", "Broadcom")


#: Kinds of flow (a closed vocabulary, data/FLOWS_CLAIMS.md): cash for shares paid or committed
#: firmly; shares committed on a condition (a milestone, an option, "up to" later); compute,
#: cloud or chips bought over a term; a concession on the price of a purchase (a warrant or
#: shares granted to a customer); a guarantee of another's obligation.
KINDS: tuple[str, ...] = (
    "equity_paid",
    "equity_conditional",
    "purchase_commitment",
    "price_concession",
    "guarantee",
)


#: Kinds that are money committed from payer to receiver (price concessions and guarantees
#: are not: a concession lowers a price, a guarantee moves only if someone defaults).
MONEY_KINDS: tuple[str, ...] = ("equity_paid", "equity_conditional", "purchase_commitment")


#: Status of a flow: confirmed by a company, reported by the press, an estimate of value (an
#: analyst's or ours, never money committed), denied, or lapsed.
FLOW_STATUSES: tuple[str, ...] = ("confirmed", "reported", "estimate", "denied", "lapsed")


#: Statuses of sourced money: only these enter a sum of money committed.
MONEY_STATUSES: tuple[str, ...] = ("confirmed", "reported")


FLOW_COLUMNS: tuple[str, ...] = (
    "id",
    "from",
    "to",
    "kind",
    "amount_usd_bn",
    "low_usd_bn",
    "high_usd_bn",
    "announced",
    "term_years",
    "term_fact",
    "probability_fact",
    "status",
    "derived_from",
    "source",
    "title",
    "source_date",
    "url",
    "note",
)


class FlowDataError(DataFileError):
    """``flows.csv`` or ``cloud_shares.csv`` is malformed; the message lists every problem."""

    what = "flow data"


def _read_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV file, check its header and cell counts; return (line, row) pairs."""
    rows, problems = read_rows(path, columns, FlowDataError)
    if problems:
        raise FlowDataError(problems)
    return rows


class _Checker:
    """Collects problems for one row: ``bad(column, expected)`` records one."""

    def __init__(self, row: dict[str, str], where: str, problems: list[str]):
        self.row, self.where, self.problems = row, where, problems

    def bad(self, column: str, expected: str, found: object | None = None) -> None:
        shown = self.row.get(column, "") if found is None else found
        self.problems.append(
            f"{self.where}: column '{column}': expected {expected}, found {shown!r}"
        )

    def number(self, column: str, *, required: bool, minimum: float | None = 0.0) -> float | None:
        text = self.row[column]
        if not text:
            if required:
                self.bad(column, "a number")
            return None
        try:
            value = _number(text)
        except ValueError:
            self.bad(column, "a plain number (no %, commas or words)")
            return None
        if minimum is not None and value < minimum:
            self.bad(column, f"a number >= {minimum:g}")
            return None
        return value

    def date(self, column: str, *, required: bool) -> None:
        text = self.row[column]
        if not text and not required:
            return
        try:
            parse_date(text)
        except ValueError:
            self.bad(column, "a date YYYY, YYYY-MM or YYYY-MM-DD")

    def choice(self, column: str, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        if self.row[column] not in allowed:
            self.bad(column, "one of " + ", ".join(allowed))

    def url(self) -> None:
        if self.row["url"] and not _URL.match(self.row["url"]):
            self.bad("url", "an http(s):// address or an empty cell")


def validate_flow_rows(
    rows: list[tuple[int, dict[str, str]]],
    path: str | Path = "flows.csv",
    companies: Iterable[str] = COMPANIES,
) -> pd.DataFrame:
    """Validate rows of ``flows.csv`` (as read by :func:`csv.DictReader`) into a frame.

    Parameters
    ----------
    rows : list of (line, row)
        Line number in the file and the row's cells by column name (strings).
    path : str or Path
        File name used in error messages.
    companies : iterable of str
        Companies allowed in ``from`` and ``to``.

    Returns
    -------
    pandas.DataFrame
        The columns of the file, amounts as floats, plus ``has_range`` (a low or high bound
        was given), ``announced_date`` (first day of the ``announced`` period) and ``line``.
        Empty ``low_usd_bn`` / ``high_usd_bn`` cells are filled with ``amount_usd_bn``.

    Raises
    ------
    FlowDataError
        Listing every bad cell.
    """
    companies = tuple(companies)
    problems: list[str] = []
    records: list[dict[str, object]] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        start = len(problems)
        check = _Checker(row, f"{path}:{line}", problems)
        if not _ID.match(row["id"]):
            check.bad("id", "a snake_case id (a-z, 0-9, _; starting with a letter)")
        elif row["id"] in first_line:
            check.bad("id", f"a unique id (already on line {first_line[row['id']]})")
        else:
            first_line[row["id"]] = line
        for col in ("from", "to"):
            check.choice(col, companies)
        if row["from"] and row["from"] == row["to"]:
            check.bad("to", "a company other than 'from'")
        check.choice("kind", KINDS)
        check.choice("status", FLOW_STATUSES)
        amount = check.number("amount_usd_bn", required=True)
        low = check.number("low_usd_bn", required=False)
        high = check.number("high_usd_bn", required=False)
        if low is not None and high is not None and low > high:
            check.bad("low_usd_bn", f"a low bound at or below high_usd_bn {high:g}")
        elif amount is not None:
            if low is not None and low > amount:
                check.bad("low_usd_bn", f"a low bound at or below amount_usd_bn {amount:g}")
            if high is not None and high < amount:
                check.bad("high_usd_bn", f"a high bound at or above amount_usd_bn {amount:g}")
        check.date("announced", required=True)
        check.date("source_date", required=False)
        term = check.number("term_years", required=False)
        live = row["status"] in (*MONEY_STATUSES, "estimate")
        for col in ("term_fact", "probability_fact"):
            if row[col] and not _ID.match(row[col]):
                check.bad(col, "a fact id of data/facts.csv or an empty cell")
        if row["term_fact"] and term is None:
            check.bad("term_years", f"the term given by fact {row['term_fact']} [years]")
        if term is not None and not row["term_fact"]:
            check.bad("term_fact", "the fact id the term comes from")
        if row["kind"] == "purchase_commitment" and live and (term is None or term <= 0):
            check.bad("term_years", "a term > 0 for a live purchase commitment [years]")
        if row["kind"] == "equity_conditional" and row["status"] in MONEY_STATUSES:
            if not row["probability_fact"]:
                check.bad("probability_fact", "the fact id of the condition's probability")
        elif row["probability_fact"] and row["kind"] != "equity_conditional":
            check.bad("probability_fact", "an empty cell (only equity_conditional has one)")
        if row["status"] == "estimate" and not row["derived_from"]:
            check.bad("derived_from", "the expression over fact ids the estimate comes from")
        if not row["source"]:
            check.bad("source", "the publisher of the figure")
        check.url()
        if len(problems) > start:
            continue
        records.append(
            {
                **row,
                "amount_usd_bn": amount,
                "low_usd_bn": amount if low is None else low,
                "high_usd_bn": amount if high is None else high,
                "has_range": low is not None or high is not None,
                "term_years": 0.0 if term is None else term,
                "announced_date": pd.Timestamp(parse_date(row["announced"])),
                "line": line,
            }
        )
    if problems:
        raise FlowDataError(problems)
    columns = [*FLOW_COLUMNS, "has_range", "announced_date", "line"]
    return pd.DataFrame(records, columns=columns)


def load_flows(
    path: str | Path | None = None, companies: Iterable[str] = COMPANIES
) -> pd.DataFrame:
    """Load and validate ``flows.csv`` (default ``data/flows.csv``).

    See :func:`validate_flow_rows` for the returned columns.

    Raises
    ------
    FlowDataError
        For a wrong header, a wrong number of cells, or any bad cell (unknown company,
        ``from`` equal to ``to``, unknown kind or status, negative or missing amount,
        ``low > high`` or bounds that do not bracket the amount, bad dates, missing source,
        duplicate id).
    FileNotFoundError
        When the file does not exist.
    """
    path = Path(path) if path is not None else data_dir() / "flows.csv"
    return validate_flow_rows(_read_rows(path, FLOW_COLUMNS), path, companies)
