"""Published explorers (:mod:`valse.report.static_explorer`): the grid, the compact storage (a
figure looked up as ``explorer.js`` looks it up equals the library's value formatted as the live
panel formats it), invalid states, the page's HTML and its safety, size and determinism."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from valse.model.deal import create_deal, headline_metrics
from valse.report import static_explorer as se
from valse.report.explore import METRIC_LABELS, SLIDERS, deal_from_sliders, format_metric
from valse.run import export

ROOT = Path(__file__).resolve().parents[1]
BASE = yaml.safe_load((ROOT / "data" / "scenarios" / "base.yaml").read_text())
#: The budget of #16: at most 1 MB added to a page per explorer.
PAGE_BUDGET_BYTES = 1_000_000


@pytest.fixture(scope="module")
def base_explorer() -> se.Explorer:
    return se.deal_explorer(create_deal(BASE))


def test_grid_axis_spans_the_slider_and_keeps_the_start():
    axis = se.grid_axis("x", 0.0, 100.0, 1.0, "X", 15.0, 7)
    assert axis.values[0] == 0.0 and axis.values[-1] == 100.0
    assert axis.values[axis.start] == 15.0 and 15.0 in axis.values
    assert list(axis.values) == sorted(set(axis.values))
    assert all(v == round(v) for v in axis.values)  # on the slider's step
    assert axis.labels == tuple(format_metric(v) for v in axis.values)
    wide = se.grid_axis("x", 0.0, 100.0, 1.0, "X", 130.0, 3)  # a start above the range widens it
    assert wide.values == (0.0, 65.0, 130.0) and wide.start == 2


def test_grid_axis_refuses_one_point():
    with pytest.raises(ValueError, match="x: points must be at least 2, found 1"):
        se.grid_axis("x", 0.0, 1.0, 0.1, "X", 0.5, 1)


def _axes(deal):
    return [se.grid_axis(n, lo, hi, st, lab, float(getattr(deal, n)), se.DEAL_POINTS)
            for n, (lo, hi, st, lab) in SLIDERS.items()]


def test_every_sampled_state_equals_the_library(base_explorer):
    deal = create_deal(BASE)
    axes = _axes(deal)
    spec = base_explorer.spec
    assert [s["labels"] for s in spec["sliders"]] == [list(a.labels) for a in axes]
    states = list(itertools.product(*(range(len(a.values)) for a in axes)))
    for pos in random.Random(16).sample(states, 300) + [tuple(a.start for a in axes)]:
        values = {a.name: a.values[i] for a, i in zip(axes, pos, strict=True)}
        expected = headline_metrics(deal_from_sliders(deal, values))
        assert se.lookup(spec, spec["error"], pos) == ""
        for m in spec["metrics"]:
            assert se.lookup(spec, m, pos) == format_metric(expected[m["name"]]), (m["name"], pos)


def test_figures_are_stored_only_along_the_sliders_they_depend_on(base_explorer):
    names = list(SLIDERS)
    axes = {m["name"]: {names[a] for a in m["axes"]} for m in base_explorer.spec["metrics"]}
    assert axes["post_money_valuation_usd_bn"] == {"pre_money_valuation_usd_bn",
                                                   "round_size_usd_bn"}
    assert axes["layoff_savings_usd_bn_per_year"] == set()  # no slider moves it
    assert "aws_services_usd_bn" in axes["circularity_pct"]
    assert [m["name"] for m in base_explorer.spec["metrics"]] == list(METRIC_LABELS)


def test_invalid_states_carry_their_message():
    axes = [se.grid_axis("a", 0.0, 2.0, 1.0, "A", 1.0, 3), se.grid_axis("b", 0.0, 1.0, 1.0, "B",
                                                                        0.0, 2)]

    def evaluate(v):
        if v["a"] == 0.0:
            raise ValueError("a must be positive")
        return {"m": v["a"] * 10 + v["b"]}

    spec = se.sweep(axes, evaluate, ["m"])
    assert se.lookup(spec, spec["error"], (0, 1)) == "Not a valid state: a must be positive"
    assert se.lookup(spec, spec["error"], (2, 1)) == ""
    assert se.lookup(spec, spec["metrics"][0], (2, 1)) == "21"
    assert spec["metrics"][0]["axes"] == [0, 1]
    with pytest.raises(ValueError, match="no valid state"):
        se.sweep(axes, lambda v: (_ for _ in ()).throw(ValueError("never")), ["m"])


def test_html_without_script_shows_the_start_state(base_explorer):
    spec = {"title": base_explorer.title, **base_explorer.spec}
    soup = BeautifulSoup(se.explorer_html(spec, uid="x"), "html.parser")
    assert soup.select_one(".valse-explorer-controls").has_attr("hidden")
    shown = {tr.th.get_text(): tr.select_one("td.num").get_text() for tr in soup.select("tbody tr")}
    expected = headline_metrics(create_deal(BASE))
    assert shown == {METRIC_LABELS[k][0]: format_metric(v) for k, v in expected.items()}
    for i, s in enumerate(soup.select("input[type=range]")):
        assert soup.select_one(f"label[for={s['id']}]") is not None  # every slider labelled
        assert int(s["value"]) == spec["sliders"][i]["start"]


def test_json_cannot_close_its_script():
    spec = {"title": "</script><script>alert(1)</script>", "sliders": [], "metrics": [],
            "error": {"axes": [], "strings": [""], "index": [0]}}
    text = se.explorer_html(spec, uid="x")
    assert text.count("</script>") == 2 and "alert(1)</script>" not in text


def _notebook_with(explorer: se.Explorer):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(explorer)", id="explorer")
    cell.outputs = [nbformat.v4.new_output("display_data", data=explorer._repr_mimebundle_())]
    nb.cells = [cell]
    return nb


def test_exported_page_runs_only_its_own_script_and_fits_the_budget(base_explorer):
    empty = export.notebook_to_html(nbformat.v4.new_notebook(), reader=True, title="t")
    page = export.notebook_to_html(_notebook_with(base_explorer), reader=True, title="t")
    assert export.external_resources(page) == []
    assert page.count("class=\"valse-explorer\"") == 1
    assert "live panel is off" not in page  # the explorer, not its Markdown stand-in
    added = len(page.encode()) - len(empty.encode())
    assert 0 < added <= PAGE_BUDGET_BYTES, added
    again = export.notebook_to_html(_notebook_with(se.deal_explorer(create_deal(BASE))),
                                    reader=True, title="t")
    assert again == page  # same inputs, same bytes


def test_jupyterlab_sees_a_markdown_line(base_explorer):
    bundle = base_explorer._repr_mimebundle_()
    assert set(bundle) == {se.MIMETYPE, "text/markdown"}
    assert "interactive = False" in bundle["text/markdown"]
