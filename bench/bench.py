"""Time the naive notebook loop against ``python -m valse run`` and a no-op re-run.

(a) naive: for each notebook, the ``papermill`` command line then ``jupyter nbconvert --to html``,
    one after the other, with the scenario's values of the parameters it declares (``-f``);
(b) ``python -m valse run --force`` (parallel workers, in-process export);
(c) the same command again, with nothing to do;
then the interactive panels (``bench/panels.py``, run with ``MPLBACKEND=Agg``): the time from a
slider's new value to the redrawn figures, per panel, against the 100 ms target.

Everything is written into temporary folders, removed at the end; nothing else is written.
Usage: ``python bench/bench.py [--notebooks DIR] [--scenario FILE] [--jobs N]
[--synthetic N] [--no-panels | --panels-only]``; ``--synthetic N`` times N generated notebooks
(pandas, matplotlib, a chart and a few metrics each, the last one a summary) instead of the
project's (and skips the panels).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from valse import paths  # noqa: E402
from valse.nbparams import notebook_parameters  # noqa: E402
from valse.scenarios import load_yaml_mapping  # noqa: E402

BIN = Path(sys.executable).parent

SYNTHETIC_PARAMS = (
    "amazon_investment_usd_bn: float = 50.0  # headline amount [USD bn]\n"
    "aws_services_usd_bn: float = 100.0  # AWS spending tied to the deal [USD bn]\n"
    "aws_ai_operating_margin: float = 0.3  # AWS margin on that compute [0-1]\n"
    "seed: int = 1  # seed of every random draw [int]\n"
    "interactive: bool = False  # widgets when run by hand\n"
    "artifacts_dir: str = \"\"  # folder for the CSV files behind the charts\n"
)
SYNTHETIC_BODY = '''import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from valse.record import metric
rng = np.random.default_rng(seed)
margin = rng.triangular(0.15, aws_ai_operating_margin, 0.45, size=200_000)
cost = amazon_investment_usd_bn - margin * aws_services_usd_bn
table = pd.DataFrame({"margin": margin, "cost (USD bn)": cost})
summary = table.describe(percentiles=[0.1, 0.5, 0.9])
fig, ax = plt.subplots(figsize=(7, 4))
ax.hist(cost, bins=80)
ax.set_xlabel("economic cost (USD bn)")
ax.set_ylabel("draws")
plt.show()
if artifacts_dir:
    summary.to_csv(f"{artifacts_dir}/summary.csv")
p10, p50, p90 = np.percentile(cost, [10, 50, 90])
metric("amazon_economic_cost_usd_bn", float(p50), "USD bn", "Economic cost",
       p10=float(p10), p50=float(p50), p90=float(p90))
summary
'''


def synthetic_notebooks(folder: Path, count: int) -> None:
    import nbformat as nbf

    folder.mkdir(parents=True)
    for i in range(count):
        name = f"{i:02d}_summary" if i == count - 1 and count > 1 else f"{i:02d}_synthetic"
        params = nbf.v4.new_code_cell(SYNTHETIC_PARAMS)
        params.metadata["tags"] = ["parameters"]
        nb = nbf.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nb.cells = [nbf.v4.new_markdown_cell(f"# Synthetic {i}"), params,
                    nbf.v4.new_code_cell(SYNTHETIC_BODY)]
        nbf.write(nb, folder / f"{name}.ipynb")


def timed(cmd: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - t0, proc


def naive(notebooks: list[Path], scenario: dict, work: Path) -> float:
    """papermill then nbconvert on the command line, one notebook after the other."""
    total = 0.0
    for nb in notebooks:
        declared = {p.name for p in notebook_parameters(nb)}
        params = {k: v for k, v in scenario.items() if k in declared}
        if "interactive" in declared:
            params["interactive"] = False
        params_file = work / f"{nb.stem}.params.yaml"
        params_file.write_text(json.dumps(params))  # JSON is YAML
        executed = work / f"{nb.stem}.ipynb"
        elapsed, proc = timed([str(BIN / "papermill"), str(nb), str(executed), "-f",
                               str(params_file), "-k", "python3", "--cwd", str(nb.parent),
                               "--no-progress-bar"])
        total += elapsed
        if proc.returncode != 0:
            print(f"  (naive) {nb.stem}: papermill failed", file=sys.stderr)
        elapsed, proc = timed([str(BIN / "jupyter"), "nbconvert", "--to", "html",
                               str(executed)])
        total += elapsed
    return total


def panels(notebooks: Path, scenario_path: Path) -> int:
    """Time the interactive panels in a fresh process with the Agg backend (bench/panels.py)."""
    sys.stdout.flush()
    cmd = [sys.executable, str(Path(__file__).with_name("panels.py")), "--notebooks",
           str(notebooks), "--scenario", str(scenario_path)]
    return subprocess.run(cmd, env={**os.environ, "MPLBACKEND": "Agg"}).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=paths.notebooks_dir())
    parser.add_argument("--data", type=Path, default=paths.data_dir())
    parser.add_argument("--scenario", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--synthetic", type=int, default=0, metavar="N")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="repeat (a), (b) and (c) N times, alternating, and keep the "
                        "fastest of each (on a shared machine the load varies)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--no-panels", action="store_true", help="skip the panel timings")
    which.add_argument("--panels-only", action="store_true", help="time the panels only")
    args = parser.parse_args()
    scenario_path = args.scenario or args.data / "scenarios" / "base.yaml"
    if args.panels_only:
        return panels(args.notebooks, scenario_path)
    scenario = load_yaml_mapping(scenario_path)
    scenario.pop("description", None)
    with tempfile.TemporaryDirectory(prefix="valse-bench-") as tmp:
        tmp_path = Path(tmp)
        folder = args.notebooks
        if args.synthetic:
            folder = tmp_path / "notebooks"
            synthetic_notebooks(folder, args.synthetic)
            scenario = {"amazon_investment_usd_bn": 50.0, "aws_services_usd_bn": 100.0,
                        "aws_ai_operating_margin": 0.3, "seed": 7}
            scenario_path = tmp_path / "base.yaml"
            scenario_path.write_text(json.dumps(scenario))
        notebooks = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
        if not notebooks:
            print(f"no notebooks in {folder}", file=sys.stderr)
            return 2
        print(f"{len(notebooks)} notebooks from {folder}, scenario {scenario_path.name}, "
              f"{len(os.sched_getaffinity(0))} cores", file=sys.stderr)
        cmd = [sys.executable, "-m", "valse", "run", "--notebooks", str(folder), "--data",
               str(args.data), "--scenario", str(scenario_path), "--out", str(tmp_path / "out")]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        t_naive = t_run = t_noop = float("inf")
        noop_ok = True
        for i in range(max(1, args.repeat)):
            work = tmp_path / f"naive-{i}"
            work.mkdir()
            t_naive = min(t_naive, naive(notebooks, scenario, work))
            elapsed, proc = timed(cmd + ["--force"], cwd=tmp)
            t_run = min(t_run, elapsed)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
            elapsed, proc_noop = timed(cmd, cwd=tmp)
            t_noop = min(t_noop, elapsed)
            noop_ok = noop_ok and proc_noop.returncode == 0 and "up to date" in proc_noop.stderr
            print(f"  round {i + 1}: (a) {t_naive:.1f} s, (b) {t_run:.1f} s, "
                  f"(c) {t_noop:.2f} s (fastest so far)", file=sys.stderr)
    rows = [("(a) naive: papermill + nbconvert CLI, serial", t_naive),
            ("(b) python -m valse run --force", t_run),
            ("(c) no-op re-run" + ("" if noop_ok else " (NOT a no-op!)"), t_noop)]
    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  seconds")
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:7.2f}")
    print(f"{'ratio a/b':<{width}}  {t_naive / t_run:7.2f}x")
    print(f"{'no-op under 0.5 s':<{width}}  {'yes' if t_noop < 0.5 else 'no'}")
    panels_rc = 0 if args.no_panels or args.synthetic else panels(args.notebooks, scenario_path)
    return 0 if proc.returncode == 0 and noop_ok and panels_rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
