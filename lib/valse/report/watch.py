"""The watch-list (Q7) for the summary and the index: what to look for, when, what it changes.

``data/watchlist.csv`` (loaded and checked by :func:`valse.data.regulators.load_watchlist`) lists
the article's points to watch as observable triggers: a filing line (8-K, 10-Q, S-1, a backlog
disclosure) or a regulator's decision, who files it, the date it is expected when known, and
which conclusion of the collection a given value would change. This module puts it in reading
order for a reader:

- :func:`status`: whether a dated trigger is due later, due this month, or past its date and
  not yet found (as of the fact base's date);
- :func:`rows`: one plain dict per trigger (text from data left as text: the jinja2 HTML
  templates escape it), dated triggers first by date, then the undated ones in file order;
- :func:`view`: the same as a table for the summary notebook;
- :func:`lead_figures`: the context of the lead sentence (``watch/<lang>/lead``), conclusion
  first: how many triggers, how many dated, the next one.

All functions are pure; nothing here reads a file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd

Status = Literal["undated", "due", "this_month", "past_due"]

#: Reader-facing words of :func:`status` (English, French).
STATUS_WORDS: dict[str, dict[str, str]] = {
    "en": {"undated": "no date announced", "due": "expected", "this_month": "expected this month",
           "past_due": "past its expected date, not found yet"},
    "fr": {"undated": "aucune date annoncée", "due": "attendu", "this_month": "attendu ce mois-ci",
           "past_due": "date dépassée, pas encore trouvé"},
}

#: Columns of :func:`view`, in order.
VIEW_COLUMNS: tuple[str, ...] = ("what to watch", "where to look", "filed by", "expected",
                                 "status", "what it would change", "notebooks")


def _month(text: str) -> tuple[int, int] | None:
    """``"2026-09"`` or ``"2026-09-30"`` → ``(2026, 9)``; ``""`` → ``None``; else an error."""
    text = (text or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", text)
    if not match:
        raise ValueError(f"watch-list: column 'expected': expected YYYY-MM or YYYY-MM-DD, "
                         f"found {text!r}")
    return int(match[1]), int(match[2])


def status(expected: str, as_of: dt.date) -> Status:
    """Where a trigger stands on ``as_of``, by month.

    ``"undated"`` without a date; ``"past_due"`` when its month is before ``as_of``'s (the
    fact base records no later step, so the trigger has not been seen); ``"this_month"`` in
    the same month; ``"due"`` after.
    """
    month = _month(expected)
    if month is None:
        return "undated"
    now = (as_of.year, as_of.month)
    return "past_due" if month < now else "this_month" if month == now else "due"


def _split(text: Any) -> list[str]:
    return [t for t in str(text or "").split() if t]


def _fact_refs(ids: list[str], facts: Mapping[str, Any]) -> list[dict[str, str]]:
    out = []
    for fid in ids:
        fact = facts.get(fid)
        out.append({"id": fid, "citation": fact.citation() if fact is not None else "",
                    "url": getattr(fact, "url", "") or ""})
    return out


def rows(watchlist: pd.DataFrame, facts: Mapping[str, Any], as_of: dt.date,
         labels: Mapping[str, str] | None = None, lang: str = "en") -> list[dict[str, Any]]:
    """The triggers in reading order, one dict each (text from data unescaped).

    Keys: ``id, watch, look_for, filer, expected, status, status_words, would_change,
    notebooks`` (list), ``bears_on`` (list of ``{"name", "label"}``, the label from
    ``labels`` or the metric's name), ``facts`` (list of ``{"id", "citation", "url"}``),
    ``note``. Dated triggers come first, earliest first; undated ones keep the file's order.
    """
    if lang not in STATUS_WORDS:
        raise ValueError(f"watch.rows: lang: expected one of {', '.join(STATUS_WORDS)}, "
                         f"found {lang!r}")
    labels = labels or {}
    out = []
    for order, rec in enumerate(watchlist.to_dict("records")):
        st = status(rec.get("expected", ""), as_of)
        out.append({
            "id": rec["id"], "watch": rec["watch"], "look_for": rec["look_for"],
            "filer": rec["filer"], "expected": rec.get("expected", "") or "",
            "status": st, "status_words": STATUS_WORDS[lang][st],
            "would_change": rec["would_change"], "notebooks": _split(rec.get("notebook")),
            "bears_on": [{"name": n, "label": labels.get(n, n)}
                         for n in _split(rec.get("bears_on"))],
            "facts": _fact_refs(_split(rec.get("facts")), facts),
            "note": rec.get("note", "") or "",
            "_key": (0, _month(rec.get("expected", "")), order) if rec.get("expected")
                    else (1, (0, 0), order),
        })
    out.sort(key=lambda r: r["_key"])
    for r in out:
        del r["_key"]
    return out


def view(watchlist: pd.DataFrame, facts: Mapping[str, Any], as_of: dt.date) -> pd.DataFrame:
    """The triggers as a table for the summary (columns :data:`VIEW_COLUMNS`, index ``id``)."""
    table = pd.DataFrame(
        [{"id": r["id"], "what to watch": r["watch"], "where to look": r["look_for"],
          "filed by": r["filer"], "expected": r["expected"] or "—",
          "status": r["status_words"], "what it would change": r["would_change"],
          "notebooks": ", ".join(r["notebooks"])} for r in rows(watchlist, facts, as_of)],
        columns=["id", *VIEW_COLUMNS])
    return table.set_index("id")


def lead_figures(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Context of ``watch/<lang>/lead`` from :func:`rows`: counts and the next dated trigger.

    ``next_watch``/``next_expected`` are those of the earliest trigger not past due (``None``
    when there is none); ``past_due`` counts the dated triggers whose date has gone by.
    """
    ahead = [r for r in items if r["status"] in ("due", "this_month")]
    return {"total": len(items), "dated": sum(r["status"] != "undated" for r in items),
            "past_due": sum(r["status"] == "past_due" for r in items),
            "past_due_watches": [r["watch"] for r in items if r["status"] == "past_due"],
            "next_watch": ahead[0]["watch"] if ahead else None,
            "next_expected": ahead[0]["expected"] if ahead else None,
            "filings": sum(r["look_for"] != "regulator decision" for r in items)}
