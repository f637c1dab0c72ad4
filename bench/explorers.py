"""Time the published explorers in Chromium: a state switch, from a slider's new position to
the redrawn figures, laid out.

The reader pages are built by ``python -m valse run`` (the notebooks that carry an explorer,
into a temporary folder) unless ``--out`` names a published folder; the explorers of 01, 03
and 04, which their reader pages also display, are timed here on pages of their own from the
base scenario's parameters (``tests/explorer_inputs.py``, as the browser tests build them).
Each page is opened in Debian's Chromium (playwright, ``file://``, network blocked); for every
explorer the script moves one slider (or toggles one checkbox) at a time to a random position
(seeded), ``--moves`` times, and measures in the page, with ``performance.now()``, the time
from setting the value and dispatching its ``input`` (``change``) event to the end of a forced
layout (``offsetHeight``). It also gives the bytes the explorer adds to the page (its
section's HTML, data and script). Targets (#16): under 16 ms a switch, at most 1 MB a page.

Usage: ``python bench/explorers.py [--out DIR] [--moves N]``; ``bench/bench.py`` runs it after
the panels.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 16.0
BUDGET_BYTES = 1_000_000
NOTEBOOKS = ("00_overview", "02_cloud_economics")
CHROMIUM = Path(os.environ.get("VALSE_CHROMIUM") or "/usr/bin/chromium")

_SWITCH_JS = """([root, moves, seed]) => {
  const box = document.getElementById(root);
  const sliders = [...box.querySelectorAll('input.valse-explorer-slider')];
  let s = seed >>> 0;
  const rand = n => { s = (s * 1664525 + 1013904223) >>> 0; return s % n; };
  const times = [];
  for (let i = 0; i < moves; i++) {
    const el = sliders[i % sliders.length];
    const tick = el.type === 'checkbox';
    const to = tick ? rand(2) === 1 : String(rand(Number(el.max) + 1));
    const t0 = performance.now();
    if (tick) el.checked = to; else el.value = to;
    el.dispatchEvent(new Event(tick ? 'change' : 'input', {bubbles: true}));
    void document.body.offsetHeight;
    times.push(performance.now() - t0);
  }
  return times;
}"""


def build(out: Path) -> None:
    cmd = [sys.executable, "-m", "valse", "run", "--scenario",
           str(ROOT / "data" / "scenarios" / "base.yaml"), "--out", str(out), "--jobs", "2",
           "--only", *NOTEBOOKS]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def standalone(folder: Path) -> None:
    """Export the explorers of 01, 03 and 04 (base scenario) on reader pages of their own."""
    import nbformat

    sys.path.insert(0, str(ROOT / "tests"))
    from explorer_inputs import flows_inputs, labor_inputs, valuation_inputs

    from valse.report.explorers.flows import flows_explorer
    from valse.report.explorers.labor import labor_explorer
    from valse.report.explorers.valuation import valuation_explorer
    from valse.run import export

    flows, shares, kwargs = flows_inputs("base")
    explorers = {"01_valuation": lambda: valuation_explorer(*valuation_inputs("base")),
                 "03_labor_costs": lambda: labor_explorer(*labor_inputs("base")),
                 "04_cross_investments": lambda: flows_explorer(flows, shares, **kwargs)}
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in explorers.items():
        started = time.perf_counter()
        explorer = make()
        built = time.perf_counter() - started
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("display(explorer)", id="explorer")
        cell.outputs = [nbformat.v4.new_output("display_data",
                                               data=explorer._repr_mimebundle_())]
        nb.cells = [cell]
        page = export.notebook_to_html(nb, reader=True, title=name)
        (folder / f"{name}.explorer.html").write_text(page, encoding="utf-8")
        states = 1
        for s in explorer.spec["sliders"]:
            states *= len(s["labels"])
        print(f"  {name}: {len(explorer.spec['sliders'])} controls, {states:,} states, "
              f"swept in {built:.2f} s")


def reader_pages(out: Path) -> list[Path]:
    """The base scenario's reader pages of a published folder."""
    return [p for p in sorted((out / "base" / "html").glob("*.html"))
            if not p.name.endswith(".full.html")]


def measure(pages: list[Path], moves: int) -> bool:
    from playwright.sync_api import sync_playwright

    ok = True
    print(f"\nPublished explorers (Chromium, {moves} switches each; target < {TARGET_MS:.0f} ms, "
          f"at most {BUDGET_BYTES // 1000} KB a page)")
    print(f"  {'page':<30} {'explorer':<28} {'KB':>7} {'median ms':>10} {'p95 ms':>8} "
          f"{'max ms':>8}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context()
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            ("file:", "data:")) else r.abort())
        for path in pages:
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load")
            roots = page.eval_on_selector_all(".valse-explorer", "es => es.map(e => e.id)")
            for root in roots:
                size = page.eval_on_selector(
                    f"#{root}", "e => new Blob([e.previousElementSibling.outerHTML "
                    "+ e.outerHTML]).size")
                page.evaluate(_SWITCH_JS, [root, 50, 1])  # warm up
                times = page.evaluate(_SWITCH_JS, [root, moves, 16])
                q = statistics.quantiles(times, n=20)
                slow = max(times)
                ok &= slow < TARGET_MS and size <= BUDGET_BYTES
                print(f"  {path.stem:<30} {root:<28} {size / 1024:7.1f} "
                      f"{statistics.median(times):10.2f} {q[-1]:8.2f} {slow:8.2f}"
                      + ("" if slow < TARGET_MS and size <= BUDGET_BYTES else "  OVER"))
            page.close()
        browser.close()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="a published folder to time")
    parser.add_argument("--moves", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="valse-explorers-") as tmp:
        out = args.out
        if out is None:
            out = Path(tmp) / "out"
            build(out)
        print("\nExplorers exported on pages of their own (base scenario):")
        standalone(Path(tmp) / "explorers")
        pages = reader_pages(out) + sorted((Path(tmp) / "explorers").glob("*.html"))
        return 0 if measure(pages, args.moves) else 1


if __name__ == "__main__":
    sys.exit(main())
