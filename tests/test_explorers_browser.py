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
from test_panels import parse_number
from test_site_browser import (  # noqa: F401  (fixtures)
    LAPTOP,
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
    context = browser.new_context(viewport=LAPTOP, service_workers="block",
                                  java_script_enabled=javascript)
    network: list[str] = []
    errors: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            network.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load", timeout=30_000)
    return page, context, network, errors


def _shown(page, root: str) -> dict[str, str]:
    """Figure label -> value text, as the explorer's table shows it."""
    rows = page.eval_on_selector_all(
        f"#{root} tbody tr",
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
