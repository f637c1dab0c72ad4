"""The fact base: validation messages, lookup with provenance, consistency checks."""

import datetime as dt
import re

import pytest

from valse.data.checks import check_consistency, evaluate
from valse.data.facts import COLUMNS, FactError, load_facts, parse_date, side_by_side, stale_facts

HEADER = ",".join(COLUMNS)
GOOD = [
    "deal_total,deal_reported,50,,,USD bn,2026-02-27,confirmed,Amazon (8-K),Title,2026-02-27,"
    "https://example.org/8k,the commitment",
    "deal_upfront,deal_reported,15,,,USD bn,2026-02-27,confirmed,Amazon (8-K),Title,2026-02-27,,",
    "deal_rest,deal_reported,35,30,40,USD bn,2026-02,reported,Press,,2026-03,,",
    "margin,aws,0.3,0.15,0.4,ratio,2026,assumption,valse assumption,,,,below AWS's overall margin",
    "denial,deal_rumour,Huang called it nonsense,,,text,2026-01-31,reported,Reuters,,,,",
]


def write(tmp_path, rows, header=HEADER, name="facts.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_good_file_loads_with_provenance(tmp_path):
    facts = load_facts(write(tmp_path, GOOD))
    assert len(facts) == 5
    assert facts.value("deal_total") == 50.0
    fact = facts["deal_rest"]
    assert (fact.low, fact.high, fact.unit, fact.status, fact.line) == (
        30.0,
        40.0,
        "USD bn",
        "reported",
        4,
    )
    assert "Amazon (8-K)" in facts["deal_total"].citation()
    assert facts.cite(["deal_total", "deal_total"]) == [
        "deal_total: Amazon (8-K), “Title”, 2026-02-27 [confirmed]"
    ]
    with pytest.raises(TypeError, match="text fact"):
        facts.value("denial")


def test_unknown_id_suggests_close_ones(tmp_path):
    facts = load_facts(write(tmp_path, GOOD))
    with pytest.raises(KeyError, match="did you mean deal_total"):
        facts["deal_totl"]


# each malformed row: (replacement row, column named, words expected in the message)
BAD_ROWS = [
    ("Deal-Total,deal_reported,50,,,USD bn,2026-02-27,confirmed,A,,,,", "id", "snake_case"),
    ("x1,deals,50,,,USD bn,2026-02-27,confirmed,A,,,,", "topic", "one of"),
    ("x1,deal_reported,50,,,dollars,2026-02-27,confirmed,A,,,,", "unit", "one of"),
    ("x1,deal_reported,50,,,USD bn,2026-02-27,rumoured,A,,,,", "status", "one of"),
    ("x1,deal_reported,up to 50,,,USD bn,2026-02-27,reported,A,,,,", "value", "plain number"),
    ("x1,deal_reported,28%,,,pct,2026-02-27,reported,A,,,,", "value", "plain number"),
    ('x1,deal_reported,"1,000",,,count,2026-02-27,reported,A,,,,', "value", "plain number"),
    ("x1,deal_reported,50,60,,USD bn,2026-02-27,reported,A,,,,", "low", "at or below"),
    ("x1,deal_reported,50,,40,USD bn,2026-02-27,reported,A,,,,", "high", "at or above"),
    ("x1,deal_reported,50,,,USD bn,27/02/2026,reported,A,,,,", "as_of", "YYYY-MM-DD"),
    ("x1,deal_reported,50,,,USD bn,2026-02-27,reported,A,,Feb 2026,,", "source_date", "YYYY"),
    ("x1,deal_reported,50,,,USD bn,2026-02-27,reported,A,,,www.x.com,", "url", "http"),
    ("x1,deal_reported,50,,,USD bn,2026-02-27,reported,,,,,", "source", "publisher"),
    ("x1,aws,0.3,,,ratio,2026,assumption,,,,,", "note", "reason"),
    ("x1,aws,1.3,,,ratio,2026,reported,A,,,,", "value", "between 0 and 1"),
    ("x1,deal_rumour,,,,text,2026,reported,A,,,,", "value", "non-empty"),
    ("deal_total,deal_reported,50,,,USD bn,2026-02-27,confirmed,A,,,,", "id", "unique"),
]


@pytest.mark.parametrize(("row", "column", "words"), BAD_ROWS)
def test_bad_row_message_names_file_line_column_expected_found(tmp_path, row, column, words):
    path = write(tmp_path, [*GOOD, row])
    with pytest.raises(FactError) as info:
        load_facts(path)
    message = str(info.value)
    line = len(GOOD) + 2
    assert f"{path}:{line}: column '{column}'" in message
    assert words in message
    assert "expected" in message and "found" in message
    assert len(info.value.problems) == 1


def test_all_problems_are_reported_at_once(tmp_path):
    path = write(tmp_path, [*GOOD, BAD_ROWS[0][0], BAD_ROWS[3][0].replace("x1", "x2")])
    with pytest.raises(FactError) as info:
        load_facts(path)
    assert [p.split(": column")[0] for p in info.value.problems] == [f"{path}:7", f"{path}:8"]


def test_bad_header_and_ragged_row(tmp_path):
    with pytest.raises(FactError, match=r"facts.csv:1: header: .*missing note"):
        load_facts(write(tmp_path, [], header=HEADER.replace(",note", "")))
    with pytest.raises(FactError, match=r"facts.csv:7: row: expected 13 cells, found 14"):
        load_facts(write(tmp_path, [*GOOD, GOOD[0].replace("deal_total", "x9") + ",extra"]))


def test_parse_date_partial_periods():
    assert parse_date("2026-02") == dt.date(2026, 2, 1)
    assert parse_date("2026-02", end=True) == dt.date(2026, 2, 28)
    assert parse_date("2025-12", end=True) == dt.date(2025, 12, 31)
    assert parse_date("2026", end=True) == dt.date(2026, 12, 31)
    with pytest.raises(ValueError, match="YYYY"):
        parse_date("Q1 2026")


def test_evaluate_expressions(tmp_path):
    facts = load_facts(write(tmp_path, GOOD))
    assert evaluate("deal_upfront + deal_rest", facts) == 50.0
    assert evaluate("(deal_total - deal_upfront) / 5", facts) == 7.0
    assert evaluate("margin.high - margin.low", facts) == pytest.approx(0.25, rel=1e-12)
    with pytest.raises(KeyError, match="nope"):
        evaluate("nope * 2", facts)
    with pytest.raises(ValueError, match="unsupported"):
        evaluate("__import__('os')", facts)
    with pytest.raises(ValueError, match="no low bound"):
        evaluate("deal_total.low", facts)


def test_consistency_reports_disagreements(tmp_path):
    facts = load_facts(write(tmp_path, GOOD))
    checks = tmp_path / "checks.csv"
    checks.write_text(
        "id,left,right,rel_tol,note\n"
        "sum_ok,deal_upfront + deal_rest,deal_total,0.01,parts add up\n"
        "sum_off,deal_upfront + deal_rest,55,0.05,a 9% gap\n"
    )
    results = {r.id: r for r in check_consistency(facts, checks)}
    assert results["sum_ok"].ok and results["sum_ok"].rel_diff == 0
    assert not results["sum_off"].ok
    assert results["sum_off"].rel_diff == pytest.approx(5 / 55, rel=1e-12)
    checks.write_text("id,left,right,rel_tol,note\nbad,deal_total,missing_fact,0.01,\n")
    with pytest.raises(FactError, match=r"checks.csv:2: check 'bad': .*missing_fact"):
        check_consistency(facts, checks)


def test_stale_facts_leave_out_assumptions(tmp_path):
    facts = load_facts(write(tmp_path, GOOD))
    old = stale_facts(facts, dt.date(2026, 11, 27), max_age_days=180)
    # 2026-02-27, 2026-02 (ends 2026-02-28), 2026-01-31 are older than 2026-05-31;
    # the assumption dated 2026 is left out
    assert [f.id for f in old] == ["denial", "deal_total", "deal_upfront", "deal_rest"]
    assert stale_facts(facts, dt.date(2026, 3, 1), max_age_days=180) == []


def test_side_by_side(tmp_path):
    facts = load_facts(write(tmp_path, GOOD))
    table = side_by_side(
        facts, [("total", "deal_total", "deal_total"), ("upfront", None, "deal_upfront")]
    )
    assert table.loc["upfront", "rumour status"] == "not stated"
    assert table.loc["upfront", "reported value"] == 15.0
    assert table.loc["total", "unit"] == "USD bn"
    with pytest.raises(ValueError, match="mixes units"):
        side_by_side(facts, [("x", "deal_total", "margin")])


# --- the real fact base -------------------------------------------------------------------


def test_real_fact_base_is_valid_and_large_enough():
    facts = load_facts()
    assert len(facts) >= 100
    statuses = {f.status for f in facts.values()}
    assert statuses == {"confirmed", "reported", "estimate", "assumption"}
    for fact in facts.values():
        if fact.status != "assumption":
            assert fact.source, fact.id


def test_real_consistency_checks_evaluate():
    results = check_consistency(load_facts())
    assert len(results) >= 5
    for r in results:
        assert r.rel_diff >= 0 and re.fullmatch(r"[a-z0-9_]+", r.id)


def test_a_derived_row_must_be_an_estimate(tmp_path):
    row = "x1,deal_reported,138,,,USD bn,2026-02-27,reported,Press,,,,Derived: 38 + 100."
    with pytest.raises(FactError) as info:
        load_facts(write(tmp_path, [*GOOD, row]))
    assert info.value.problems == [
        f"{tmp_path / 'facts.csv'}:7: column 'status': expected 'estimate' for a figure we "
        "derive (its note starts 'Derived'), found 'reported'"
    ]
    load_facts(write(tmp_path, [*GOOD, row.replace(",reported,", ",estimate,")]))


NOT_FOUND_HEADER = "id,subject,searched_on,result,scope,related_fact,note"


def test_not_found_rows_load_and_say_when(tmp_path):
    from valse.data.not_found import load_not_found

    path = write(
        tmp_path,
        ["pay,Payment of the 35,2026-12-02,not_found,stored pages,deal_rest,none seen",
         "lead,A headline,2026-12-02,lead_only,stored pages,,not read"],
        header=NOT_FOUND_HEADER,
        name="not_found.csv",
    )
    rows = load_not_found(path, load_facts(write(tmp_path, GOOD)))
    assert [r.sentence() for r in rows] == [
        "Not found as of 2026-12-02: Payment of the 35.",
        "Lead only, page not read as of 2026-12-02: A headline.",
    ]


def test_not_found_problems_are_all_reported(tmp_path):
    from valse.data.not_found import load_not_found

    path = write(
        tmp_path,
        ["pay,Payment,2 Dec 2026,missing,stored pages,deal_rest,",
         "pay,,2026-12-02,not_found,stored pages,no_such_fact,"],
        header=NOT_FOUND_HEADER,
        name="not_found.csv",
    )
    with pytest.raises(FactError) as info:
        load_not_found(path, load_facts(write(tmp_path, GOOD)))
    assert info.value.problems == [
        f"{path}:2: column 'searched_on': expected a date YYYY, YYYY-MM or YYYY-MM-DD, "
        "found '2 Dec 2026'",
        f"{path}:2: column 'result': expected one of not_found, lead_only, found 'missing'",
        f"{path}:3: column 'id': expected a unique id, found 'pay' (already on line 2)",
        f"{path}:3: column 'subject': expected a non-empty text, found ''",
        f"{path}:3: column 'related_fact': expected the id of a fact in facts.csv or an empty "
        "cell, found 'no_such_fact'",
    ]


def test_real_not_found_list_is_dated_and_points_at_facts():
    from valse.data.not_found import load_not_found

    rows = load_not_found(facts=load_facts())
    assert {r.result for r in rows} == {"not_found", "lead_only"}
    assert any(r.related_fact == "amazon_openai_contingent_usd_bn" for r in rows)
    for r in rows:
        assert parse_date(r.searched_on) >= dt.date(2026, 12, 2), r.id


def test_not_found_frame_says_what_and_when(tmp_path):
    from valse.data.not_found import load_not_found, not_found_frame

    path = write(
        tmp_path,
        ["pay,Payment of the 35,2026-12-02,not_found,stored pages,deal_rest,",
         "lead,A headline,2026-12-01,lead_only,stored pages,,"],
        header=NOT_FOUND_HEADER,
        name="not_found.csv",
    )
    table = not_found_frame(load_not_found(path))
    assert list(table.index) == ["pay", "lead"]
    assert table.loc["pay", "result"] == "not found as of 2026-12-02"
    assert table.loc["lead", "result"] == "lead only, page not read; as of 2026-12-01"
    assert table.loc["lead", "see fact"] == "—"


def test_membership_and_get_do_not_raise_for_an_absent_id():
    base = load_facts()
    fid = next(iter(base))
    assert fid in base and "no_such_fact" not in base and 3 not in base
    assert base.get(fid) is base[fid] and base.get("no_such_fact", "absent") == "absent"
    with pytest.raises(KeyError, match=f"no fact '{fid[:-1]}' in .*did you mean {fid}"):
        base[fid[:-1]]  # a miss still names the file and the closest ids
