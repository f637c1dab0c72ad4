"""Accessibility of the published site: axe-core over the index and every reader page, in
Chromium over ``file://`` with the network blocked (the site of :mod:`test_site_browser`).

axe-core comes from the pinned npm package (``package-lock.json``, installed by ``make setup``
into ``node_modules/``), injected from that file: never from a CDN. The pages' own policy allows
only their inline scripts by hash, so the test's context bypasses the policy to inject axe.
No violation of impact "serious" or "critical" is allowed; the others are printed.
"""

from __future__ import annotations

import pytest
from offline import offline_context
from test_site_browser import (  # noqa: F401  (fixtures)
    NOTEBOOKS,
    ROOT,
    SCENARIOS,
    browser,
    page_path,
    site,
)

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PAGES = ["index"] + [f"{sc}/{nb}" for sc in SCENARIOS for nb in NOTEBOOKS]


def axe_violations(browser, path) -> list[dict]:  # noqa: F811
    """axe-core's violations on the page at ``path`` (rule id, impact, help, first targets)."""
    assert AXE.is_file(), f"{AXE} missing: run `make setup` (npm ci installs axe-core)"
    network: list[str] = []
    context = offline_context(browser, network, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load", timeout=30_000)
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
            "v => ({id: v.id, impact: v.impact, help: v.help, count: v.nodes.length, "
            "targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    finally:
        context.close()
    assert network == [], network
    return result


@pytest.mark.parametrize("which", PAGES)
def test_no_serious_or_critical_violation(site, browser, which):  # noqa: F811
    assert site.returncode == 0, site.log[-3000:]
    if which == "index":
        path = site.out / "index.html"
    else:
        scenario, notebook = which.split("/")
        path = page_path(site.out, scenario, notebook, "reader")
    found = axe_violations(browser, path)
    for v in found:
        print(f"{which}: {v['impact']} {v['id']} ({v['count']}): {v['help']} {v['targets']}")
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(
        f"{v['impact']} {v['id']} x{v['count']}: {v['help']} at {v['targets']}" for v in blocking)


@pytest.mark.parametrize("notebook", ["01_valuation", "03_labor_costs", "04_cross_investments"])
def test_explorers_have_no_serious_or_critical_violation(browser, tmp_path, notebook):  # noqa: F811
    """The explorers of 01, 03 and 04 (not yet displayed by their notebooks) on pages of their
    own, built from the base scenario: sliders, checkboxes, the figures, the charts."""
    from explorer_inputs import flows_inputs, labor_inputs, valuation_inputs
    from test_explorers_browser import _page_of

    from valse.report.explorers.flows import flows_explorer
    from valse.report.explorers.labor import labor_explorer
    from valse.report.explorers.valuation import valuation_explorer

    if notebook == "01_valuation":
        explorer = valuation_explorer(*valuation_inputs("base"))
    elif notebook == "03_labor_costs":
        explorer = labor_explorer(*labor_inputs("base"))
    else:
        flows, shares, kwargs = flows_inputs("base")
        explorer = flows_explorer(flows, shares, **kwargs)
    found = axe_violations(browser, _page_of(explorer, tmp_path / f"{notebook}.html"))
    for v in found:
        print(f"{notebook}: {v['impact']} {v['id']} ({v['count']}): {v['help']} {v['targets']}")
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert blocking == [], blocking
