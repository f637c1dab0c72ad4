"""The watch-list for the summary and the index: status by month, reading order, lead sentence."""

import datetime as dt

import pandas as pd
import pytest

from valse.data.facts import load_facts
from valse.data.regulators import WATCH_COLUMNS, load_watchlist
from valse.report import narrative, watch

AS_OF = dt.date(2026, 12, 2)


def _frame(*rows):
    base = {c: "" for c in WATCH_COLUMNS}
    return pd.DataFrame([{**base, **r} for r in rows], columns=list(WATCH_COLUMNS))


HAND = _frame(
    {"id": "a", "watch": "undated filing", "look_for": "10-Q", "filer": "X", "would_change": "w"},
    {"id": "b", "watch": "late decision", "look_for": "regulator decision", "filer": "R",
     "expected": "2026-09", "would_change": "w", "notebook": "04_cross_investments"},
    {"id": "c", "watch": "next decision", "look_for": "regulator decision", "filer": "R",
     "expected": "2027-03-31", "would_change": "w", "bears_on": "cloud_hhi"},
    {"id": "d", "watch": "this month", "look_for": "8-K", "filer": "Y", "expected": "2026-12",
     "would_change": "w"},
)


@pytest.mark.parametrize(("expected", "found"), [
    ("", "undated"), ("2026-11", "past_due"), ("2026-12", "this_month"),
    ("2026-12-31", "this_month"), ("2027-01", "due"), ("2025-12", "past_due"),
])
def test_status_by_month(expected, found):
    assert watch.status(expected, AS_OF) == found


def test_bad_date_names_the_column():
    with pytest.raises(ValueError, match="expected.*YYYY-MM.*'Sept 2026'"):
        watch.status("Sept 2026", AS_OF)


def test_reading_order_dated_first_then_file_order():
    items = watch.rows(HAND, {}, AS_OF, labels={"cloud_hhi": "cloud market HHI"})
    assert [r["id"] for r in items] == ["b", "d", "c", "a"]
    assert items[2]["bears_on"] == [{"name": "cloud_hhi", "label": "cloud market HHI"}]
    assert items[0]["notebooks"] == ["04_cross_investments"]


def test_lead_figures_by_hand():
    fig = watch.lead_figures(watch.rows(HAND, {}, AS_OF))
    # b is past due, d is this month (the next ahead), c later, a undated
    assert fig == {"total": 4, "dated": 3, "past_due": 1, "past_due_watches": ["late decision"],
                   "next_watch": "this month", "next_expected": "2026-12", "filings": 2}


def test_nothing_ahead_says_so_in_both_languages():
    items = watch.rows(HAND.iloc[[0, 1]], {}, AS_OF)
    en = narrative.render("watch/en/lead", **watch.lead_figures(items))
    assert en.startswith("2 observable triggers")
    assert "None of them has a date still ahead" in en
    assert "1 is past its expected date" in en
    fr = narrative.render("watch/fr/lead", **watch.lead_figures(items))
    assert "Aucun n'a de date encore à venir" in fr


def test_data_is_escaped_in_the_lead():
    evil = _frame({"id": "x", "watch": "<img src=x onerror=alert(1)>", "look_for": "8-K",
                   "filer": "Z", "expected": "2027-01", "would_change": "w"})
    text = narrative.render("watch/en/lead", **watch.lead_figures(watch.rows(evil, {}, AS_OF)))
    assert "<img" not in text


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang.*'de'"):
        watch.rows(HAND, {}, AS_OF, lang="de")


def test_the_data_file_renders_and_keeps_every_trigger():
    facts = load_facts()
    wl = load_watchlist(facts=facts)
    table = watch.view(wl, facts, AS_OF)
    assert sorted(table.index) == sorted(wl["id"])
    assert list(table.columns) == list(watch.VIEW_COLUMNS)
    items = watch.rows(wl, facts, AS_OF)
    for lang in ("en", "fr"):
        text = narrative.render(f"watch/{lang}/lead", **watch.lead_figures(items))
        assert narrative.check_rendered(text) == []
    cited = [f for r in items for f in r["facts"]]
    assert cited and all(f["citation"] for f in cited)
