"""The narrative layer: strict templates, one formatter per unit, data escaped for Markdown."""

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from valse.report import narrative
from valse.report.narrative import NarrativeError, escape_markdown, render


@pytest.mark.parametrize(
    ("filter_name", "args", "expected"),
    [
        ("usd_bn", (50,), "USD 50 billion"),
        ("usd_bn", (-1.44, 1), "−USD 1.4 billion"),
        ("usd_bn", (-0.04, 1), "USD 0.0 billion"),
        ("usd_bn", (1234.5, 0), "USD 1,234 billion"),
        ("pct", (5.94,), "5.9%"),
        ("pct", (-12.0, 0), "−12%"),
        ("share_pct", (0.3,), "30%"),
        ("share_pct", (0.125, 1), "12.5%"),
        ("years", (7.44,), "7.4 years"),
        ("years", (1.0, 0), "1 year"),
        ("years", (1.0,), "1.0 year"),
        ("count", (30000,), "30,000"),
        ("num", (0.987, 2), "0.99"),
    ],
)
def test_unit_filters_write_one_convention(filter_name, args, expected):
    assert narrative.FILTERS[filter_name](*args) == expected


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, None, "abc", True])
@pytest.mark.parametrize("filter_name", ["usd_bn", "pct", "share_pct", "years", "count", "num"])
def test_unit_filters_refuse_what_is_not_a_finite_number(filter_name, bad):
    with pytest.raises(NarrativeError, match=filter_name):
        narrative.FILTERS[filter_name](bad)


def test_escape_markdown_makes_markup_inert():
    text = escape_markdown('<img src=x onerror="alert(1)"> [click](javascript:alert(1)) *b*')
    assert "<" not in text and ">" not in text
    assert "\\[click\\]" in text and "javascript\\:" in text
    assert "\\*b\\*" in text
    # Already-safe text (what the filters return) is left alone.
    assert escape_markdown(Markup("USD 5 billion")) == "USD 5 billion"


def test_example_template_renders_both_cases():
    text = render(
        "_examples/stake",
        investment_usd_bn=50.0,
        investor="Amazon",
        stake_pct=5.87,
        stake_p10=5.1,
        stake_p90=6.4,
    )
    assert text == (
        "**In plain words.** For USD 50 billion, Amazon would own 5.9% of OpenAI "
        "(between 5.1% and 6.4% over the assumptions)."
    )
    text = render(
        "_examples/stake",
        investment_usd_bn=0.0,
        investor="Amazon",
        stake_pct=0.0,
        stake_p10=None,
        stake_p90=None,
    )
    assert (
        text == "**In plain words.** Amazon invests nothing in this scenario, so it owns no stake."
    )


def test_a_bare_number_an_undefined_name_or_nan_is_an_error(tmp_path, monkeypatch):
    with pytest.raises(NarrativeError, match="undefined"):
        render("_examples/stake", investment_usd_bn=1.0, investor="Amazon")
    with pytest.raises(NarrativeError, match="finite"):
        render(
            "_examples/stake",
            investment_usd_bn=1.0,
            investor="Amazon",
            stake_pct=math.nan,
            stake_p10=None,
            stake_p90=None,
        )
    (tmp_path / "bare.md.j2").write_text("It is {{ x }}.")
    monkeypatch.setattr(narrative, "TEMPLATES_DIR", tmp_path)
    env = narrative.environment(str(tmp_path))
    with pytest.raises(NarrativeError, match="bare number"):
        env.get_template("bare.md.j2").render(x=0.30000000000000004)


def test_data_text_in_a_template_is_escaped():
    text = render(
        "_examples/stake",
        investment_usd_bn=0.0,
        investor="<script>alert(1)</script>",
        stake_pct=0.0,
        stake_p10=None,
        stake_p90=None,
    )
    assert "<script>" not in text
    assert "&lt;script&gt;" in text


@given(st.text(max_size=200))
def test_any_data_text_leaves_no_raw_markup(text):
    safe = str(escape_markdown(text))
    assert "<" not in safe and ">" not in safe
    assert not re.search(r"(?<!\\)\]\(", safe)


def test_every_template_parses():
    env = narrative.environment()
    names = list(narrative.template_names())
    assert "_examples/stake" in names
    for name in names:
        env.parse(env.loader.get_source(env, name + narrative.SUFFIX)[0])


def test_check_rendered_finds_leftovers():
    assert narrative.check_rendered("Amazon pays USD 15 billion.") == []
    assert narrative.check_rendered("It costs nan.") == ["contains 'nan'"]
    assert narrative.check_rendered("{{ x }} 0.30000000000000004") == [
        "contains template syntax",
        "contains an unformatted number",
    ]


def test_an_apostrophe_in_data_text_reads_as_an_apostrophe():
    # HTML escaping turns ' into &#39;; its '#' must not be Markdown-escaped afterwards,
    # or the reader sees "&#39;" written out.
    text = str(escape_markdown("OpenAI's bill"))
    assert text == "OpenAI's bill"
