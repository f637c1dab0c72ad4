"""The published explorers (:mod:`valse.report.static_explorer`) as a reader uses them: headless
Chromium over ``file://``, network blocked, on the reader pages the pipeline publishes (the
site of :mod:`test_site_browser`, built once per session).

For each explorer: every slider is moved to random positions (seeded) and the figures shown are
checked against the library's values for that state (:func:`valse.report.explore.deal_from_sliders`
and :func:`valse.model.deal.headline_metrics`) to the displayed precision; without JavaScript the
page shows the scenario's own figures and no slider; no request leaves the machine.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from offline import offline_context
from test_panels import parse_number
from test_site_browser import (  # noqa: F401  (fixtures)
    ROOT,
    SCENARIOS,
    browser,
    page_path,
    site,
)

from valse.model.deal import create_deal, headline_metrics
from valse.report.explore import METRIC_LABELS, SLIDERS, deal_from_sliders, format_metric
from valse.report.static_explorer import DEAL_POINTS, grid_axis

pytestmark = pytest.mark.browser

#: Random states visited per page (each moves every slider).
TRIALS = 12


def _open(browser, path: Path, *, javascript: bool = True):  # noqa: F811
    network: list[str] = []
    errors: list[str] = []
    context = offline_context(browser, network, java_script_enabled=javascript)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load", timeout=30_000)
    return page, context, network, errors


def _shown(page, root: str) -> dict[str, str]:
    """Figure label -> value text, as the explorer's table shows it."""
    rows = page.eval_on_selector_all(
        f"#{root} table.valse-metrics tbody tr",
        "rows => rows.map(r => [r.cells[0].textContent, r.cells[1].textContent])")
    return dict(rows)


def _assert_figures(shown: dict[str, str], expected: dict[str, float], context: str) -> None:
    by_label = {label: name for name, (label, _) in METRIC_LABELS.items()}
    assert {by_label[k] for k in shown} == set(expected), context
    for label, text in shown.items():
        want = expected[by_label[label]]
        value, half = parse_number(text)
        assert value == want or abs(value - want) <= half * (1 + 1e-9), (
            f"{context}: {label} shown as {text}, the library gives {want}")


def _deal(scenario: str):
    path = ROOT / "data" / "scenarios" / f"{scenario}.yaml"
    return create_deal(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_deal_explorer_random_states_equal_the_library(site, browser, scenario):  # noqa: F811
    assert site.returncode == 0, site.log[-3000:]
    deal = _deal(scenario)
    axes = [grid_axis(n, lo, hi, st, lab, float(getattr(deal, n)), DEAL_POINTS)
            for n, (lo, hi, st, lab) in SLIDERS.items()]
    page, context, network, errors = _open(browser, page_path(site.out, scenario, "00_overview",
                                                              "reader"))
    try:
        root = page.eval_on_selector(".valse-explorer", "e => e.id")
        assert page.is_visible(f"#{root} input[type=range]"), "sliders hidden with JavaScript on"
        sliders = page.query_selector_all(f"#{root} input[type=range]")
        assert [s.evaluate("e => e.labels[0].textContent") for s in sliders] == [
            lab for *_, lab in SLIDERS.values()]
        _assert_figures(_shown(page, root), headline_metrics(deal), f"{scenario}, at start")
        page.emulate_media(media="print")
        assert not page.is_visible(f"#{root} input[type=range]"), "sliders printed"
        page.emulate_media(media="screen")
        rng = random.Random(f"explorer-{scenario}")
        for trial in range(TRIALS):
            positions = [rng.randrange(len(a.values)) for a in axes]
            for s, p in zip(sliders, positions, strict=True):
                s.evaluate("(e, p) => { e.value = String(p); "
                           "e.dispatchEvent(new Event('input', {bubbles: true})); }", p)
            values = {a.name: a.values[p] for a, p in zip(axes, positions, strict=True)}
            outputs = page.eval_on_selector_all(f"#{root} output",
                                                "os => os.map(o => o.textContent)")
            assert outputs == [format_metric(v) for v in values.values()], (trial, values)
            _assert_figures(_shown(page, root), headline_metrics(deal_from_sliders(deal, values)),
                            f"{scenario}, trial {trial}, {values}")
        assert network == [] and errors == [], (network, errors)
    finally:
        context.close()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_deal_explorer_without_javascript_shows_the_scenario(site, browser, scenario):  # noqa: F811
    assert site.returncode == 0, site.log[-3000:]
    page, context, network, errors = _open(
        browser, page_path(site.out, scenario, "00_overview", "reader"), javascript=False)
    try:
        root = page.eval_on_selector(".valse-explorer", "e => e.id")
        assert not page.is_visible(f"#{root} input[type=range]"), "sliders shown without script"
        _assert_figures(_shown(page, root), headline_metrics(_deal(scenario)), f"{scenario}, no JS")
        assert network == [] and errors == [], (network, errors)
    finally:
        context.close()


def test_cloud_explorer_random_states_equal_the_library(browser, tmp_path):  # noqa: F811
    """The cloud explorer on a page exported from its output alone (the default site runs only
    00 and 01): random states equal :func:`valse.report.explore_cloud.panel_figures`."""
    import nbformat

    from valse.data.nbparams import notebook_parameters
    from valse.report import explore_cloud as ec
    from valse.report.static_explorer import CLOUD_POINTS, cloud_explorer
    from valse.run import export

    params = {p.name: p.default
              for p in notebook_parameters(ROOT / "notebooks" / "02_cloud_economics.ipynb")}
    base = yaml.safe_load((ROOT / "data" / "scenarios" / "base.yaml").read_text())
    params.update({k: v for k, v in base.items() if k in params})
    # the counterparty loss comes from OpenAI's sources and uses, as in 02's setup cell
    from valse.data.facts import load_facts
    from valse.report.deal_report import with_counterparty

    params = with_counterparty(params, load_facts())
    explorer = cloud_explorer(params)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(explorer)", id="explorer")
    cell.outputs = [nbformat.v4.new_output("display_data", data=explorer._repr_mimebundle_())]
    nb.cells = [cell]
    path = tmp_path / "cloud.html"
    path.write_text(export.notebook_to_html(nb, reader=True, title="cloud"), encoding="utf-8")
    axes = [grid_axis(n, lo, hi, st, lab, float(params[n]), CLOUD_POINTS)
            for n, (lo, hi, st, lab) in ec.CLOUD_SLIDERS.items()]
    labels = {label: name for name, (label, _) in ec.PANEL_FIGURES.items()}
    page, context, network, errors = _open(browser, path)
    try:
        root = page.eval_on_selector(".valse-explorer", "e => e.id")
        sliders = page.query_selector_all(f"#{root} input[type=range]")
        rng = random.Random("explorer-cloud")
        for trial in range(TRIALS):
            positions = [rng.randrange(len(a.values)) for a in axes]
            for s, p in zip(sliders, positions, strict=True):
                s.evaluate("(e, p) => { e.value = String(p); "
                           "e.dispatchEvent(new Event('input', {bubbles: true})); }", p)
            values = {a.name: a.values[p] for a, p in zip(axes, positions, strict=True)}
            expected = ec.panel_figures(ec.cloud_params(params, values))
            shown = {labels[k]: v for k, v in _shown(page, root).items()}
            assert shown == {k: ec.format_figure(v) for k, v in expected.items()}, (trial, values)
        assert network == [] and errors == [], (network, errors)
    finally:
        context.close()


# --- the explorers of 01, 03 and 04, on pages exported from their output alone ---------------
# (the notebooks do not display them yet: the pages are built from the scenario's parameters)

_MOVE_JS = """(e, p) => {
  if (e.type === 'checkbox') {
    e.checked = p === 1; e.dispatchEvent(new Event('change', {bubbles: true}));
  } else {
    e.value = String(p); e.dispatchEvent(new Event('input', {bubbles: true}));
  }
}"""

_CHART_JS = """([root, key]) => [...document.querySelectorAll(
    `#${root} [data-valse-row^="${key}."]`)].filter(r => !r.hidden).map(r => {
  const bar = r.querySelector('[data-valse-bar]');
  const text = [...r.querySelectorAll('[data-valse-text]')].map(e => e.textContent);
  return bar ? [text[0], text[1], bar.hidden ? '' : `${bar.style.left} ${bar.style.width}`]
             : text;
})"""


def _page_of(explorer, path: Path) -> Path:
    """A reader page holding only ``explorer``'s output, as the pipeline exports it."""
    import nbformat

    from valse.run import export

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(explorer)", id="explorer")
    cell.outputs = [nbformat.v4.new_output("display_data", data=explorer._repr_mimebundle_())]
    nb.cells = [cell]
    path.write_text(export.notebook_to_html(nb, reader=True, title=path.stem), encoding="utf-8")
    return path


def _geometry(bar: str) -> tuple[float, ...]:
    """"12.3% 4.5%" -> (12.3, 4.5) (the browser writes 0.0% as 0%)."""
    return tuple(float(x.removesuffix("%")) for x in bar.split())


def _bars(rows, **layout) -> list[list]:
    """A chart's rows as the page should show them: label, value, (left, width) at 0.1 %."""
    from valse.report.charts_html import bar_chart_layout

    _, bars = bar_chart_layout(rows, **layout)
    return [[b.label, b.text, () if b.left_pct is None else
             _geometry(f"{b.left_pct:.1f}% {b.width_pct:.1f}%")] for b in bars]


def _chart(page, root: str, key: str) -> list[list]:
    """The rows chart or table ``key`` shows: label, value (and a bar's left and width)."""
    rows = page.evaluate(_CHART_JS, [root, key])
    return [[r[0], r[1], _geometry(r[2])] if len(r) == 3 else r for r in rows]


def _check_numbers(shown: dict[str, str], expected: dict[str, float],
                   labels: dict[str, tuple[str, str]], context: str,
                   fmt=format_metric) -> None:
    """Each figure shown equals the library's value to the precision shown (one that is not
    finite, as the panel writes it with ``fmt``)."""
    import math

    by_label = {label: name for name, (label, _) in labels.items()}
    assert {by_label[k] for k in shown} == set(expected), context
    for label, text in shown.items():
        want = expected[by_label[label]]
        if not math.isfinite(want):
            assert text == fmt(want), f"{context}: {label} shown as {text}, not {fmt(want)}"
            continue
        value, half = parse_number(text)
        assert value == want or abs(value - want) <= half * (1 + 1e-9), (
            f"{context}: {label} shown as {text}, the library gives {want}")


def _spoken(page, root: str, chart: list[list], aria: tuple[str, str] | None, context: str):
    """A bar chart's aria-label reads out its title, unit and every row it shows, as the
    panels' :func:`valse.report.charts_html.html_bar_chart` does."""
    from valse.report.static_explorer import chart_aria

    if aria is not None:
        said = page.get_attribute(f"#{root} [data-valse-chart]", "aria-label")
        assert said == chart_aria(*aria, [(r[0], r[1]) for r in chart]), context


def _drive(browser, path: Path, axes, expect, seed: str,  # noqa: F811
           aria: tuple[str, str] | None = None):
    """Open ``path``; at the start and at ``TRIALS`` seeded random positions of every slider
    and toggle, call ``expect(values, shown_figures, chart_rows, context)`` (and check the
    chart's spoken text, for ``aria``: its title and unit); then check the print view, the
    page's errors and that no request left."""
    page, context, network, errors = _open(browser, path)
    try:
        root = page.eval_on_selector(".valse-explorer", "e => e.id")
        key = page.eval_on_selector(f"#{root} [data-valse-block]",
                                    "e => e.getAttribute('data-valse-block')")
        inputs = page.query_selector_all(f"#{root} input.valse-explorer-slider")
        assert [i.evaluate("e => e.labels[0].textContent") for i in inputs] == [
            a.label for a in axes]
        assert page.is_visible(f"#{root} input.valse-explorer-slider")
        start = {a.name: a.values[a.start] for a in axes}
        expect(start, _shown(page, root), _chart(page, root, key), "at start")
        rng = random.Random(seed)
        for trial in range(TRIALS):
            positions = [rng.randrange(len(a.values)) for a in axes]
            for element, p in zip(inputs, positions, strict=True):
                element.evaluate(_MOVE_JS, p)
            values = {a.name: a.values[p] for a, p in zip(axes, positions, strict=True)}
            chart = _chart(page, root, key)
            expect(values, _shown(page, root), chart, f"trial {trial}, {values}")
            _spoken(page, root, chart, aria, f"trial {trial}")
        page.emulate_media(media="print")
        assert not page.is_visible(f"#{root} input.valse-explorer-slider"), "sliders printed"
        assert network == [] and errors == [], (network, errors)
    finally:
        context.close()


def _no_script(browser, path: Path, expect, axes):  # noqa: F811
    """Without JavaScript: no slider shows, the figures and chart are the scenario's own."""
    page, context, network, errors = _open(browser, path, javascript=False)
    try:
        root = page.eval_on_selector(".valse-explorer", "e => e.id")
        key = page.eval_on_selector(f"#{root} [data-valse-block]",
                                    "e => e.getAttribute('data-valse-block')")
        assert not page.is_visible(f"#{root} input.valse-explorer-slider")
        start = {a.name: a.values[a.start] for a in axes}
        expect(start, _shown(page, root), _chart(page, root, key), "no JS")
        assert network == [] and errors == [], (network, errors)
    finally:
        context.close()


@pytest.mark.parametrize("scenario", ["base", "no_deal"])
def test_valuation_explorer_random_states_equal_the_library(browser, tmp_path,  # noqa: F811
                                                            scenario):
    from explorer_inputs import valuation_inputs

    from valse.report import explore_valuation as ev
    from valse.report.explorers.valuation import VALUATION_POINTS, valuation_explorer

    params, before, others = valuation_inputs(scenario)
    path = _page_of(valuation_explorer(params, before, others), tmp_path / "valuation.html")
    axes = [grid_axis(n, lo, hi, st, lab, float(params[n]), VALUATION_POINTS)
            for n, (lo, hi, st, lab) in ev.SLIDERS.items()]

    def expect(values, shown, chart, context):
        figures, cap = ev.panel_figures(ev.panel_values(params, values), before, others)
        _check_numbers(shown, figures, ev.FIGURE_LABELS, f"{scenario}, {context}",
                       ev.format_figure)
        assert chart == [[h, f"{v:,.2f}"] for h, v in cap.items()], context

    _drive(browser, path, axes, expect, f"valuation-{scenario}")
    _no_script(browser, path, expect, axes)


@pytest.mark.parametrize("scenario", ["base", "bear"])
def test_labor_explorer_random_states_equal_the_library(browser, tmp_path, scenario):  # noqa: F811
    from explorer_inputs import labor_inputs

    from valse.report import explore_labor as el
    from valse.report.explorers.labor import LABOR_POINTS, SLIDER_FORMAT, labor_explorer

    start, context_args = labor_inputs(scenario)
    path = _page_of(labor_explorer(start, context_args), tmp_path / "labor.html")
    axes = [grid_axis(n, lo, hi, st, lab, float(start[n]),
                      20 if n == "horizon_years" else LABOR_POINTS, SLIDER_FORMAT.format)
            for n, (lo, hi, st, lab) in el.SLIDERS.items()]

    def expect(values, shown, chart, context):
        roles, cost = values["roles_cut"], values["cost_per_role_usd_k"]
        horizon = int(values["horizon_years"])
        _check_numbers(shown, el.labor_figures(roles, cost, horizon, **context_args),
                       el.FIGURE_LABELS, f"{scenario}, {context}")
        rows, colours = el.savings_chart_rows(roles, cost, horizon, context_args)
        assert chart == _bars(rows, colours=colours), context

    _drive(browser, path, axes, expect, f"labor-{scenario}",
           (el.SAVINGS_CHART_TITLE, el.SAVINGS_CHART_UNIT))
    _no_script(browser, path, expect, axes)


def test_flows_explorer_random_states_equal_the_library(browser, tmp_path):  # noqa: F811
    from explorer_inputs import flows_inputs

    from valse.model import flows as fl
    from valse.report import explore_flows as ef
    from valse.report.explorers.flows import flows_explorer

    flows, shares, kwargs = flows_inputs("base")
    explorer = flows_explorer(flows, shares, **kwargs)
    path = _page_of(explorer, tmp_path / "flows.html")
    from valse.report.static_explorer import Axis

    axes = [Axis(s["name"], s["label"], tuple(range(len(s["labels"]))), tuple(s["labels"]),
                 s["start"], s["kind"]) for s in explorer.spec["sliders"]]
    shift = grid_axis("shift_pct_points", 0.0, float(shares["Microsoft"]), 0.1, "",
                      kwargs["shift_pct_points"], 11)
    assert axes[-1].labels == shift.labels

    def expect(values, shown, chart, context):
        statuses = [n[7:] for n, v in values.items() if n.startswith("status:") and v]
        kinds = [n[5:] for n, v in values.items() if n.startswith("kind:") and v]
        at = shift.values[int(values["shift_pct_points"])]
        figures = ef.panel_figures(flows, statuses, kinds, shares, "Microsoft", "AWS", at)
        _check_numbers(shown, figures, ef.FIGURE_LABELS, context)
        kept = fl.filter_flows(flows, statuses=statuses, kinds=kinds)
        assert chart == _bars(ef.positions_rows(kept)), context

    _drive(browser, path, axes, expect, "flows", (ef.POSITIONS_TITLE, "USD bn"))
    _no_script(browser, path, expect, axes)
