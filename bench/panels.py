"""Time the interactive panels: from a slider's new value to the redrawn figures.

Each panel is built as its notebook builds it when ``interactive`` is true, with the notebook's
defaults overridden by the scenario's values (``data/scenarios/base.yaml``). Then every control
is moved, alternately to the middle of its range (snapped to its step) and back, and the time
from the assignment to the end of the synchronous update is measured: ipywidgets runs the
observers synchronously when a value is set from Python, so this covers the library calls, the
HTML tables and HTML charts, the matplotlib figures where a panel still draws one on every move
(built, drawn with Agg and encoded as PNG, as JupyterLab's inline backend does) and the widget
state sent to the front end. The browser's re-render of the widget, and the kernel round trip,
are not included. Every move must change what the panel shows (its HTML widgets, or the
figures it displays) and show no error; else the panel is reported as failed.

Usage: ``MPLBACKEND=Agg python bench/panels.py [--notebooks DIR] [--scenario FILE]
[--moves N]``; ``bench/bench.py`` runs it after the notebook timings.
"""

from __future__ import annotations

import os

os.environ["MPLBACKEND"] = "Agg"  # before matplotlib is imported: never a GUI window

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from valse.data import paths  # noqa: E402
from valse.data.nbparams import notebook_parameters  # noqa: E402
from valse.data.scenarios import load_yaml_mapping  # noqa: E402

TARGET_MS = 100.0


@dataclass
class Timing:
    """Update times of one panel, every move of every control [ms]."""

    panel: str
    controls: str
    samples_ms: list[float] = field(default_factory=list)
    by_control_ms: dict[str, list[float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _shell():
    """An in-process IPython shell with the inline backend, its outputs captured.

    The inline backend draws with Agg; ``plt.show()`` and ``display(fig)`` then encode the
    figure as PNG (with the house style's alt-text formatter) as they do in a kernel.
    """
    from IPython.core.displaypub import CapturingDisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class Publisher(CapturingDisplayPublisher):
        def clear_output(self, wait=False):  # the base class also writes escape codes
            self.outputs.clear()

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):  # the inline backend needs no GUI event loop
            return None

    shell = Shell.instance()
    shell.display_pub = Publisher()
    shell.enable_matplotlib("inline")
    return shell


def notebook_values(notebook: Path, scenario: dict[str, Any]) -> dict[str, Any]:
    """The notebook's parameter defaults, with the scenario's values where it declares them."""
    values = {p.name: p.default for p in notebook_parameters(notebook)}
    values.update({k: v for k, v in scenario.items() if k in values})
    values["interactive"] = True
    return values


# --- the panels, built as the notebooks' `if interactive:` cells build them -------------------


def build_deal(p: dict[str, Any]):
    from valse.model.deal import create_deal
    from valse.report.explore import deal_panel

    return deal_panel(create_deal(p))


def build_valuation(p: dict[str, Any]):
    from valse.model import valuation
    from valse.report.explore_valuation import valuation_panel

    before = valuation.holdings_before_round_pct(
        {
            "Microsoft": p["microsoft_stake_before_pct"],
            "OpenAI Foundation": p["foundation_stake_before_pct"],
        },
        "Employees and other investors",
    )
    co = {"NVIDIA": p["nvidia_round_usd_bn"], "SoftBank": p["softbank_round_usd_bn"]}
    return valuation_panel(p, before, co)


def build_cloud(p: dict[str, Any]):
    from valse.data.facts import load_facts
    from valse.report.explore_cloud import cloud_panel
    from valse.report.openai_pay import counterparty_from_finances

    # the panel takes the notebook's parameters as the notebook completes them (those of
    # deal_npv.npv_parts, the counterparty loss from OpenAI's sources and uses)
    return cloud_panel({**p, **counterparty_from_finances(p, load_facts())})


def build_labor(p: dict[str, Any]):
    from valse.model import labor
    from valse.report.explore_labor import labor_panel

    central = {name: p[name] for name in labor.COST_PARTS}
    parts, _ = labor.rescaled_cost_parts_usd_k(central, p["cost_per_role_usd_k"])
    start = {k: p[k] for k in ("roles_cut", "cost_per_role_usd_k", "horizon_years")}
    context = {
        "amazon_investment_usd_bn": p["amazon_investment_usd_bn"],
        "ai_capex_usd_bn": labor.ai_capex_usd_bn(p["amazon_capex_usd_bn"], p["ai_share_of_capex"]),
        "notice_months": p["notice_months"],
        "severance_months": p["severance_months"],
        "salary_share_of_cost": parts["salary_usd_k"] / p["cost_per_role_usd_k"],
        "corporate_employees": p["corporate_employees"],
        "discount_rate": p["discount_rate"],
    }
    return labor_panel(start, context)


def build_flows(p: dict[str, Any]):
    from valse.data.facts import load_facts
    from valse.data.flowdata import load_flows
    from valse.data.sharedata import load_cloud_shares
    from valse.report import flows_report
    from valse.report.explore_flows import flows_panel

    analysis = flows_report.analyse(p, load_facts(), load_flows(), load_cloud_shares())
    shift = float(flows_report.peak_year(analysis.path).get("shift_pct_points", 0.0))
    statuses = ("confirmed", "reported") if p["include_reported"] else ("confirmed",)
    return flows_panel(
        analysis.web.every_status,
        analysis.shares_now,
        from_provider="Microsoft",
        to_provider="AWS",
        shift_pct_points=min(max(shift, 0.0), analysis.shares_now["Microsoft"]),
        statuses=statuses,
    )


#: (panel label, notebook, builder)
PANELS: list[tuple[str, str, Callable[[dict[str, Any]], Any]]] = [
    ("overview: deal_panel", "00_overview.ipynb", build_deal),
    ("valuation_panel", "01_valuation.ipynb", build_valuation),
    ("cloud_panel", "02_cloud_economics.ipynb", build_cloud),
    ("labor_panel", "03_labor_costs.ipynb", build_labor),
    ("flows_panel", "04_cross_investments.ipynb", build_flows),
]

#: How the panels' message widgets begin when a combination was refused.
ERROR_MARKERS = ("Not a valid", "Cannot compute")


def displayed(panel, shell) -> tuple[list[str], list[str]]:
    """What the panel shows: the values of its HTML widgets (tables, HTML charts, messages),
    and the outputs of its Output widgets and of the shell (figures drawn as PNG)."""
    texts: list[str] = []
    outputs = [repr(o["data"]) for o in shell.display_pub.outputs]
    stack = [panel]
    while stack:
        widget = stack.pop()
        stack.extend(getattr(widget, "children", ()))
        if hasattr(widget, "outputs"):  # Output widget
            outputs.extend(repr(o) for o in widget.outputs)
        elif type(widget).__name__ in ("HTML", "HTMLMath"):
            texts.append(widget.value)
    return texts, outputs


def other_value(widget) -> Any:
    """A valid value of ``widget`` other than its current one.

    Checkboxes flip; sliders go to the middle of their range snapped to their step (one step
    away when the middle is where they are).
    """
    if not hasattr(widget, "step"):
        return not widget.value
    lo, hi, step = widget.min, widget.max, widget.step
    value = lo + round((lo + hi) / 2 / step - lo / step) * step
    if abs(value - widget.value) < step / 2:
        value = widget.value + step if widget.value + step <= hi else widget.value - step
    return type(widget.value)(value)


def time_panel(label, panel, shell, moves: int) -> Timing:
    """Move every control of ``panel`` ``moves`` times; each move must change what the panel
    shows and show no error."""
    import matplotlib.pyplot as plt

    controls = dict(panel.sliders)
    toggles = dict(getattr(panel, "toggles", {}))
    controls.update(toggles)
    described = f"{len(panel.sliders)}" + (f" + {len(toggles)} toggles" if toggles else "")
    timing = Timing(label, described)
    for name, widget in controls.items():
        start, moved = widget.value, other_value(widget)
        samples = []
        for i in range(moves):
            target = moved if i % 2 == 0 else start
            before = displayed(panel, shell)
            shell.display_pub.outputs.clear()
            t0 = time.perf_counter()
            try:
                widget.value = target
            except Exception as exc:  # an observer failed: report it, time the next move
                timing.problems.append(f"{name}={target!r}: {type(exc).__name__}: {exc}")
                continue
            samples.append(1000 * (time.perf_counter() - t0))
            after = displayed(panel, shell)
            errors = [t for t in after[0] if any(m in t for m in ERROR_MARKERS)]
            if errors:
                timing.problems.append(f"{name}={target!r}: the panel shows {errors[0]!r}")
            elif after == before:
                timing.problems.append(f"{name}={target!r}: nothing shown changed")
            if plt.get_fignums():
                timing.problems.append(f"{name}={target!r}: figures left open")
                plt.close("all")
        if widget.value != start:
            widget.value = start
        timing.by_control_ms[name] = samples
        timing.samples_ms += samples
    return timing


def run(notebooks: Path, scenario_path: Path, moves: int) -> list[Timing]:
    shell = _shell()
    from valse.report import charts

    charts.use_house_style()
    scenario = load_yaml_mapping(scenario_path)
    timings = []
    for label, notebook, build in PANELS:
        path = notebooks / notebook
        try:
            panel = build(notebook_values(path, scenario))
            timings.append(time_panel(label, panel, shell, moves))
        except Exception as exc:  # report it in the table and go on with the other panels
            timing = Timing(label, "?")
            timing.problems.append(f"{type(exc).__name__}: {exc}")
            timings.append(timing)
    return timings


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def report(timings: list[Timing], moves: int, scenario_name: str) -> bool:
    """Print the table; True when every panel updated under the target without problems."""
    header = ("panel", "sliders", "median ms", "max ms", f"under {TARGET_MS:.0f} ms?")
    rows = []
    for t in timings:
        if t.samples_ms and not t.problems:
            median, worst = statistics.median(t.samples_ms), max(t.samples_ms)
            ok = "yes" if worst < TARGET_MS else "no"
            rows.append((t.panel, t.controls, _ms(median), _ms(worst), ok))
        else:
            rows.append((t.panel, t.controls, "-", "-", "FAILED"))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    print(
        f"Interactive panels, scenario {scenario_name}: time from a control's new value to the "
        f"end of the update, {moves} moves per control (to mid-range and back)"
    )
    print("  " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  " + "-+-".join("-" * w for w in widths))
    for row in rows:
        print("  " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    for t in timings:
        if t.by_control_ms:
            name, samples = max(t.by_control_ms.items(), key=lambda kv: max(kv[1]))
            print(f"  {t.panel}: slowest control {name} (max {_ms(max(samples))} ms)")
        for problem in t.problems[:5]:
            print(f"  {t.panel}: PROBLEM {problem}")
    print(
        "  Python side only: library calls, HTML tables and charts, figures drawn with Agg and "
        "encoded as PNG where a panel draws one per move, widget update messages built (with no "
        "kernel, not sent); the kernel round trip and "
        "the browser's re-render of the widgets are not included."
    )
    worst = max((max(t.samples_ms) for t in timings if t.samples_ms), default=float("nan"))
    ok = all(r[4] == "yes" for r in rows)
    failed = [t.panel for t in timings if t.problems or not t.samples_ms]
    if failed:
        verdict = f"FAILED: {', '.join(failed)} (see the problems above)"
    elif ok:
        verdict = f"every panel under {TARGET_MS:.0f} ms (slowest move {worst:.1f} ms)"
    else:
        slow = [r[0] for r in rows if r[4] == "no"]
        verdict = (
            f"target missed: {', '.join(slow)} over {TARGET_MS:.0f} ms at their slowest "
            f"(slowest move {worst:.1f} ms)"
        )
    print(f"Panels verdict: {verdict}")
    return not failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=paths.notebooks_dir())
    parser.add_argument(
        "--scenario", type=Path, default=paths.data_dir() / "scenarios" / "base.yaml"
    )
    parser.add_argument("--moves", type=int, default=6, help="moves per control (default 6)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    timings = run(args.notebooks, args.scenario, max(1, args.moves))
    ok = report(timings, max(1, args.moves), args.scenario.stem)
    print(f"  (panel bench took {time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
