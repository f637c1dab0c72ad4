"""Published explorers (:mod:`valse.report.static_explorer`): the grid, the compact storage (a
figure looked up as ``explorer.js`` looks it up equals the library's value formatted as the live
panel formats it), invalid states, the page's HTML and its safety, size and determinism."""

from __future__ import annotations

import copy
import itertools
import json
import random
from pathlib import Path

import nbformat
import numpy as np
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
    assert len(BeautifulSoup(page, "html.parser").select("section.valse-explorer")) == 1
    assert "live panel is off" not in page  # the explorer, not its Markdown stand-in
    added = len(page.encode()) - len(empty.encode())
    assert 0 < added <= PAGE_BUDGET_BYTES, added
    again = export.notebook_to_html(_notebook_with(se.deal_explorer(create_deal(BASE))),
                                    reader=True, title="t")
    assert again == page  # same inputs, same bytes


def test_pages_share_the_outputs_data_and_render_an_explorer_once(base_explorer, tmp_path,
                                                                    monkeypatch):
    nb = _notebook_with(base_explorer)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("# A title"))
    original = json.dumps(nb, sort_keys=True)
    expected = [export.notebook_to_html(nb, reader=reader, title="t") for reader in (True, False)]
    calls = []
    render = se.explorer_html
    monkeypatch.setattr(se, "explorer_html", lambda *a, **k: calls.append(1) or render(*a, **k))
    export.export_pages(nb, tmp_path / "r.html", tmp_path / "f.html", title="t")
    # the same pages as the notebook exported as it is, with the explorer rendered once
    assert [(tmp_path / n).read_text(encoding="utf-8") for n in ("r.html", "f.html")] == expected
    assert len(calls) == 1 and export._EXPLORER_HTML == {}
    assert json.dumps(nb, sort_keys=True) == original  # the notebook itself is not changed
    shared = export.shared_outputs(nb)
    data = shared.cells[1].outputs[0]["data"][se.MIMETYPE]
    assert copy.deepcopy(shared).cells[1].outputs[0]["data"][se.MIMETYPE] is data
    assert shared.cells[1] is not nb.cells[1] and shared.cells[1].outputs is not nb.cells[1].outputs


def test_pages_render_each_markdown_text_once(tmp_path, monkeypatch):
    from nbconvert import HTMLExporter

    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("Same *text*"), v4.new_markdown_cell("Same *text*"),
        v4.new_markdown_cell("Other **text**"),
        v4.new_code_cell("x", outputs=[v4.new_output(
            "display_data", data={"text/markdown": "Same *text*", "text/plain": "x"})])])
    expected = [export.notebook_to_html(nb, reader=reader, title="t") for reader in (True, False)]
    seen = []
    render = HTMLExporter.markdown2html
    monkeypatch.setattr(HTMLExporter, "markdown2html",
                        lambda self, ctx, src: seen.append(src) or render(self, ctx, src))
    export.export_pages(nb, tmp_path / "r.html", tmp_path / "f.html", title="t")
    assert [(tmp_path / n).read_text(encoding="utf-8") for n in ("r.html", "f.html")] == expected
    # four texts on each of two pages, two of them distinct: two renderings
    assert sorted(seen) == ["Other **text**", "Same *text*"] and export._MARKDOWN_HTML == {}


def test_jupyterlab_sees_a_markdown_line(base_explorer):
    bundle = base_explorer._repr_mimebundle_()
    assert set(bundle) == {se.MIMETYPE, "text/markdown"}
    assert "interactive = False" in bundle["text/markdown"]


# --- the explorers of 01, 03 and 04 (valse.report.explorers) -----------------------------------

def _states(spec, n: int, seed: str) -> list[tuple[int, ...]]:
    """``n`` random slider positions (seeded) and the start."""
    sizes = [len(s["labels"]) for s in spec["sliders"]]
    rng = random.Random(seed)
    return [tuple(rng.randrange(k) for k in sizes) for _ in range(n)] + [
        tuple(s["start"] for s in spec["sliders"])]


def _values(spec, axes, pos) -> dict[str, float]:
    return {a.name: a.values[i] for a, i in zip(axes, pos, strict=True)}


def _text(spec, name: str, pos) -> str:
    entry = spec["texts"].get(name)
    return se.lookup(spec, entry, pos) if entry else ""


def _bars_shown(spec, key: str, pos) -> list[tuple[str, str, str, str]]:
    """(label, value, bar, colour) of every row a state shows in chart ``key``."""
    block = next(b for b in spec["blocks"] if b["key"] == key)
    rows = [tuple(_text(spec, f"{key}.{i}.{part}", pos) for part in ("label", "value", "bar",
                                                                    "colour"))
            for i in range(block["rows"])]
    return [r for r in rows if r[0]]


def _bars_expected(rows, **layout) -> list[tuple[str, str, str, str]]:
    from valse.report.charts_html import bar_chart_layout

    _, bars = bar_chart_layout(rows, **layout)
    return [(b.label, b.text, f"{b.left_pct:.1f}% {b.width_pct:.1f}%", b.colour) for b in bars]


@pytest.fixture(scope="module")
def valuation_explorer():
    from explorer_inputs import valuation_inputs

    from valse.report.explorers.valuation import valuation_explorer

    return valuation_explorer(*valuation_inputs("base"))


def test_valuation_explorer_states_equal_the_panel(valuation_explorer):
    from explorer_inputs import valuation_inputs

    from valse.report import explore_valuation as ev
    from valse.report.explorers.valuation import VALUATION_POINTS

    params, before, others = valuation_inputs("base")
    spec = valuation_explorer.spec
    axes = [se.grid_axis(n, lo, hi, st, lab, float(params[n]), VALUATION_POINTS)
            for n, (lo, hi, st, lab) in ev.SLIDERS.items()]
    assert [s["labels"] for s in spec["sliders"]] == [list(a.labels) for a in axes]
    assert [m["name"] for m in spec["metrics"]] == list(ev.FIGURE_LABELS)
    for pos in _states(spec, 200, "valuation"):
        figures, cap = ev.panel_figures(ev.panel_values(params, _values(spec, axes, pos)),
                                        before, others)
        assert se.lookup(spec, spec["error"], pos) == ""
        for m in spec["metrics"]:
            assert se.lookup(spec, m, pos) == ev.format_figure(figures[m["name"]]), (m, pos)
        shown = [(_text(spec, f"cap.{i}.label", pos), _text(spec, f"cap.{i}.value", pos))
                 for i in range(spec["blocks"][0]["rows"])]
        assert shown == [(h, f"{v:,.2f}") for h, v in cap.items()], pos


def test_valuation_explorer_moves_the_round_with_the_investment(valuation_explorer):
    spec = valuation_explorer.spec
    start = [s["start"] for s in spec["sliders"]]
    nothing = [0, *start[1:]]  # Amazon invests nothing: the round shrinks by its 50
    round_size = next(m for m in spec["metrics"] if m["name"] == "round_size_usd_bn")
    assert se.lookup(spec, round_size, start) == "122.00"
    assert se.lookup(spec, round_size, nothing) == "72.00"
    discount = next(m for m in spec["metrics"]
                    if m["name"] == "amazon_effective_stake_price_discount_pct")
    assert se.lookup(spec, discount, nothing) == "not defined when Amazon invests nothing"


@pytest.fixture(scope="module")
def labor_explorer():
    from explorer_inputs import labor_inputs

    from valse.report.explorers.labor import labor_explorer

    return labor_explorer(*labor_inputs("base"))


def test_labor_explorer_states_equal_the_panel_and_its_chart(labor_explorer):
    from explorer_inputs import labor_inputs

    from valse.report import explore_labor as el
    from valse.report.explorers.labor import LABOR_POINTS, SLIDER_FORMAT

    start, context = labor_inputs("base")
    spec = labor_explorer.spec
    axes = [se.grid_axis(n, lo, hi, st, lab, float(start[n]),
                         20 if n == "horizon_years" else LABOR_POINTS, SLIDER_FORMAT.format)
            for n, (lo, hi, st, lab) in el.SLIDERS.items()]
    assert [float(x) for x in spec["sliders"][2]["labels"]] == list(range(1, 21))  # every year
    assert spec["sliders"][0]["labels"][spec["sliders"][0]["start"]] == "30,000"
    assert [m["name"] for m in spec["metrics"]] == list(el.FIGURE_LABELS)  # cash ones included
    for pos in _states(spec, 150, "labor"):
        v = _values(spec, axes, pos)
        roles, cost, horizon = v["roles_cut"], v["cost_per_role_usd_k"], int(v["horizon_years"])
        figures = el.labor_figures(roles, cost, horizon, **context)
        for m in spec["metrics"]:
            assert se.lookup(spec, m, pos) == format_metric(figures[m["name"]]), (m, pos)
        rows, colours = el.savings_chart_rows(roles, cost, horizon, context)
        assert _bars_shown(spec, "savings", pos) == _bars_expected(rows, colours=colours), pos
        assert len(_bars_shown(spec, "savings", pos)) == horizon + 2


def test_stored_bars_sit_where_the_panel_draws_them():
    """The stored geometry (0.1 % of the plotting area) against the live panel's HTML bars."""
    import re

    from valse.report.charts_html import html_bar_chart

    rows = [("a", 50.0), ("b", -0.7), ("c", 17.43), ("d", float("nan"))]
    texts = se.bar_texts("k", rows)
    drawn = re.findall(r"left:([\d.]+)%;width:([\d.]+)%", html_bar_chart(rows, "u", "t"))
    stored = [texts[f"k.{i}.bar"].split(" ") for i in range(3)]
    assert len(drawn) == 3 and texts["k.3.bar"] == "" and texts["k.3.value"] == "not defined"
    for (left, width), (s_left, s_width) in zip(drawn, stored, strict=True):
        assert abs(float(left) - float(s_left[:-1])) <= 0.05
        assert abs(float(width) - float(s_width[:-1])) <= 0.05
    zero = re.search(r"left:([\d.]+)%;border-left", html_bar_chart(rows, "u", "t")).group(1)
    assert abs(float(zero) - float(texts["k.zero"][:-1])) <= 0.05


@pytest.fixture(scope="module")
def flows_explorer():
    from explorer_inputs import flows_inputs

    from valse.report.explorers.flows import flows_explorer

    flows, shares, kwargs = flows_inputs("base")
    return flows_explorer(flows, shares, **kwargs)


def test_flows_explorer_states_equal_the_panel_and_its_chart(flows_explorer):
    from explorer_inputs import flows_inputs

    from valse.model import flows as fl
    from valse.report import explore_flows as ef

    flows, shares, kwargs = flows_inputs("base")
    spec = flows_explorer.spec
    names = [s["name"] for s in spec["sliders"]]
    # one toggle per status and kind that some flow has, and none for the others
    present = {f"status:{s}" for s in flows["status"]} | {f"kind:{k}" for k in flows["kind"]}
    assert set(names[:-1]) == present
    assert spec["sliders"][-1]["kind"] == "range"
    assert all(s["kind"] == "toggle" for s in spec["sliders"][:-1])
    shift = spec["sliders"][-1]
    top = float(shares["Microsoft"])
    values = sorted({round(float(v), 10) for v in
                     np.round(np.linspace(0.0, top, 11) / 0.1) * 0.1}
                    | {kwargs["shift_pct_points"]})
    assert shift["labels"] == [format_metric(v) for v in values]
    for pos in _states(spec, 120, "flows"):
        on = {n: p for n, p in zip(names, pos, strict=True)}
        statuses = [n[7:] for n in names[:-1] if n.startswith("status:") and on[n]]
        kinds = [n[5:] for n in names[:-1] if n.startswith("kind:") and on[n]]
        figures = ef.panel_figures(flows, statuses, kinds, shares, "Microsoft", "AWS",
                                   values[pos[-1]])
        for m in spec["metrics"]:
            assert se.lookup(spec, m, pos) == format_metric(figures[m["name"]]), (m, pos)
        kept = fl.filter_flows(flows, statuses=statuses, kinds=kinds)
        rows = ef.positions_rows(kept)
        assert _bars_shown(spec, "positions", pos) == _bars_expected(rows), pos
        note = _text(spec, "positions.note", pos)
        assert note.startswith(ef.selection_text(flows, statuses, kinds))
        assert note.endswith(ef.NO_FLOW) == (not rows)
    assert ef.NO_FLOW in _text(spec, "positions.note", [0] * len(names))  # nothing ticked


EXPLORERS = ["valuation_explorer", "labor_explorer", "flows_explorer"]


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_html_without_script_shows_the_start_state(request, name):
    explorer = request.getfixturevalue(name)
    spec = {"title": explorer.title, **explorer.spec}
    soup = BeautifulSoup(se.explorer_html(spec, uid="x"), "html.parser")
    start = [s["start"] for s in spec["sliders"]]
    for block in spec["blocks"]:
        key = block["key"]
        rows = soup.select(f"[data-valse-row^='{key}.']")
        assert len(rows) == block["rows"]
        for i, row in enumerate(rows):
            label = _text(spec, f"{key}.{i}.label", start)
            assert row.has_attr("hidden") == (not label)
            assert row.select_one(f"[data-valse-text='{key}.{i}.label']").get_text() == label
            assert row.select_one(f"[data-valse-text='{key}.{i}.value']").get_text() == _text(
                spec, f"{key}.{i}.value", start)
    for s in soup.select("input.valse-explorer-slider"):
        assert soup.select_one(f"label[for={s['id']}]") is not None


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_page_fits_the_budget_and_is_reproducible(request, name):
    explorer = request.getfixturevalue(name)
    empty = export.notebook_to_html(nbformat.v4.new_notebook(), reader=True, title="t")
    page = export.notebook_to_html(_notebook_with(explorer), reader=True, title="t")
    assert export.external_resources(page) == []
    added = len(page.encode()) - len(empty.encode())
    assert 0 < added <= PAGE_BUDGET_BYTES, added
    again = se.Explorer(explorer.title, json.loads(json.dumps(explorer.spec)))
    assert export.notebook_to_html(_notebook_with(again), reader=True, title="t") == page


def test_blocks_refuse_a_wrong_kind_or_missing_rows():
    spec = se.sweep([se.grid_axis("a", 0.0, 1.0, 1.0, "A", 0.0, 2)],
                    lambda v: {"m": v["a"], **se.table_texts("t", [("x", "1")])}, ["m"])
    with pytest.raises(ValueError, match="kind must be 'bars' or 'table', found 'pie'"):
        se.add_block(spec, "pie", "t", "T", "%")
    with pytest.raises(ValueError, match="no text u.0.label"):
        se.add_block(spec, "table", "u", "T", "%")
    se.add_block(spec, "table", "t", "T", "%")
    assert spec["blocks"][0]["rows"] == 1


def test_toggle_axis_is_off_and_on():
    axis = se.toggle_axis("status:x", "status: x", True)
    assert (axis.values, axis.labels, axis.start, axis.kind) == ((0.0, 1.0), ("off", "on"), 1,
                                                                 "toggle")
    html_text = se.explorer_html({"title": "t", "sliders": [
        {"name": axis.name, "label": axis.label, "labels": list(axis.labels),
         "start": axis.start, "kind": axis.kind}], "metrics": [], "texts": {}, "blocks": [],
        "error": {"axes": [], "strings": [""], "index": [0]}}, uid="x")
    box = BeautifulSoup(html_text, "html.parser").select_one("input")
    assert box["type"] == "checkbox" and box.has_attr("checked")


def test_chart_aria_reads_as_the_panels_chart():
    import html as html_module
    import re

    from valse.report.charts_html import html_bar_chart

    rows = [("a", 50.0), ("b", -0.7)]
    said = re.search(r'aria-label="([^"]*)"', html_bar_chart(rows, "USD bn", "T")).group(1)
    assert html_module.unescape(said) == se.chart_aria("T", "USD bn", [("a", "50.0"),
                                                                       ("b", "−0.7")])
