"""Time the ways of running the notebooks of a scenario, side by side, and what bounds them.

Cold runs (every notebook executed and exported), on the same notebooks and figures:

(a) naive: for each notebook, the ``papermill`` command line then ``jupyter nbconvert --to
    html``, one after the other, with the scenario's values of the parameters it declares;
(b) the best a user could build from the same parts without our runner: papermill's Python
    API in a process pool of two (``concurrent.futures``), nbconvert's ``HTMLExporter`` in the
    same processes (imported once per worker), the summary notebook after the others;
(c) ``python -m valse run --force`` (two workers) as it runs by default;
(d) the same with the other setting of the kernel fork server (``VALSE_FORK_KERNELS=1`` when
    it is off by default, ``0`` when on: :data:`valse.run.forkserver.DEFAULT_ON`);
(e) ``python -m valse run`` again, with nothing to do (no-op);
then what the work itself costs:
(f) each notebook's own work: its code as a plain script, each figure rendered once
    (``bench/work.py``, a fresh process per notebook), summed;
(g) the two-core bound of that work: the analysis notebooks split at best over two cores,
    then the summary (it reads their metrics);
(h) ``make report`` for every scenario file of the project (warm: the environment is set up
    and the machine's caches hold the libraries), into a fresh output folder;
then, per notebook, the pipeline's time against its own work and the cost of its figures,
and the interactive panels (``bench/panels.py``, run with ``MPLBACKEND=Agg``) and the
published explorers in Chromium (``bench/explorers.py``).

Each of (a)-(g) is repeated ``--repeat N`` times, the steps interleaved so that a change of
the machine's load hits all of them; the table gives the fastest round and the spread (the
slowest round), and the load average at the start of each round. Everything is written into
temporary folders, removed at the end. Python writes its bytecode caches as it does for a
user (``PYTHONDONTWRITEBYTECODE`` is removed from the steps' environment: with it, every
process compiles the library from source, which is not what a user's run costs).
Usage: ``python bench/bench.py [--notebooks DIR] [--scenario FILE] [--jobs N] [--repeat N]
[--synthetic N] [--no-report] [--no-panels | --panels-only]``; ``--synthetic N`` times N
generated notebooks (pandas, matplotlib, a chart and a few metrics each, the last one a
summary) instead of the project's (and skips the panels and ``make report``).
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

from valse.data import paths  # noqa: E402
from valse.data.nbparams import notebook_parameters  # noqa: E402
from valse.data.scenarios import load_yaml_mapping  # noqa: E402

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
from valse.report.record import metric
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


def scenario_params(nb: Path, scenario: dict) -> dict:
    """The scenario's values of the parameters ``nb`` declares, ``interactive`` off."""
    declared = {p.name for p in notebook_parameters(nb)}
    params = {k: v for k, v in scenario.items() if k in declared}
    if "interactive" in declared:
        params["interactive"] = False
    return params


def is_summary(nb: Path) -> bool:
    """A summary notebook reads the others' metrics (it declares ``metrics_path``)."""
    return "metrics_path" in {p.name for p in notebook_parameters(nb)}


_POOL_EXPORTER = None


def _pool_worker_init() -> None:
    global _POOL_EXPORTER
    import papermill  # noqa: F401 - imported once per worker
    from nbconvert import HTMLExporter

    _POOL_EXPORTER = HTMLExporter()


def _pool_task(nb: str, executed: str, params: dict, cwd: str) -> bool:
    import papermill as pm

    try:
        pm.execute_notebook(nb, executed, parameters=params, kernel_name="python3", cwd=cwd,
                            progress_bar=False)
    except Exception:  # noqa: BLE001 - reported as a failure, like the naive loop
        return False
    body, _ = _POOL_EXPORTER.from_filename(executed)
    Path(executed).with_suffix(".html").write_text(body, encoding="utf-8")
    return True


def papermill_pool(notebooks: list[Path], scenario: dict, work: Path, jobs: int = 2) -> float:
    """papermill's API in a pool of ``jobs`` processes with nbconvert's exporter in them; the
    summary notebooks after the others."""
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    with ProcessPoolExecutor(jobs, initializer=_pool_worker_init) as pool:
        for stage in ([n for n in notebooks if not is_summary(n)],
                      [n for n in notebooks if is_summary(n)]):
            futures = {n.stem: pool.submit(_pool_task, str(n), str(work / f"{n.stem}.ipynb"),
                                           scenario_params(n, scenario), str(n.parent))
                       for n in stage}
            for name, future in futures.items():
                if not future.result():
                    print(f"  (pool) {name}: papermill failed", file=sys.stderr)
    return time.perf_counter() - t0


def own_work(notebooks: list[Path], run_out: Path, scenario_name: str, work: Path) -> dict:
    """Each notebook's code as a script (bench/work.py), with the parameters the pipeline gave
    it (read from the run's manifest): {name: {"seconds", "figures", "figure_seconds"}}."""
    manifest = json.loads((run_out / scenario_name / "manifest.json").read_text())
    given = {n["name"]: n["parameters"] for n in manifest["notebooks"]}
    records = json.loads((run_out / scenario_name / "metrics.json").read_text())
    found = {}
    for nb in notebooks:
        declared = {p.name for p in notebook_parameters(nb)}
        params = dict(given.get(nb.stem, {}))
        if "artifacts_dir" in declared:
            params["artifacts_dir"] = str(work / "data" / nb.stem)
            Path(params["artifacts_dir"]).mkdir(parents=True, exist_ok=True)
        if "metrics_path" in declared:
            others = work / "metrics_so_far.json"
            others.write_text(json.dumps([r for r in records if r["notebook"] != nb.stem]))
            params["metrics_path"] = str(others)
        if "outputs_dir" in declared:
            params["outputs_dir"] = str(run_out)
        proc = subprocess.run([sys.executable, str(Path(__file__).with_name("work.py")),
                               str(nb), json.dumps(params)], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"  (own work) {nb.stem} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
            found[nb.stem] = {"seconds": float("nan"), "figures": 0, "figure_seconds": 0.0}
            continue
        found[nb.stem] = json.loads(proc.stdout.strip().splitlines()[-1])
    return found


def two_core_bound(seconds: dict[str, float], summaries: set[str]) -> float:
    """Shortest schedule of the analysis notebooks on two cores (the best split, found by
    trying every one), then the summaries one after the other [s]."""
    from itertools import product

    work = [v for k, v in seconds.items() if k not in summaries]
    best = sum(work)
    for sides in product((0, 1), repeat=max(0, len(work) - 1)):
        left = sum(w for w, side in zip(work[1:], sides, strict=True) if side) + work[0]
        best = min(best, max(left, sum(work) - left))
    return (best if work else 0.0) + sum(seconds[k] for k in summaries)


def panels(notebooks: Path, scenario_path: Path) -> int:
    """Time the interactive panels in a fresh process with the Agg backend (bench/panels.py),
    then the published explorers in Chromium (bench/explorers.py: switch time, bytes a page)."""
    sys.stdout.flush()
    cmd = [sys.executable, str(Path(__file__).with_name("panels.py")), "--notebooks",
           str(notebooks), "--scenario", str(scenario_path)]
    live = subprocess.run(cmd, env={**os.environ, "MPLBACKEND": "Agg"}).returncode
    sys.stdout.flush()
    published = subprocess.run([sys.executable, str(Path(__file__).with_name("explorers.py"))])
    return live or published.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=paths.notebooks_dir())
    parser.add_argument("--data", type=Path, default=paths.data_dir())
    parser.add_argument("--scenario", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--synthetic", type=int, default=0, metavar="N")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="repeat every step N times, interleaved; report the fastest round "
                        "and the slowest (on a shared machine the load varies)")
    parser.add_argument("--no-report", action="store_true",
                        help="skip (h), `make report` for every scenario")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--no-panels", action="store_true", help="skip the panel timings")
    which.add_argument("--panels-only", action="store_true", help="time the panels only")
    args = parser.parse_args()
    scenario_path = args.scenario or args.data / "scenarios" / "base.yaml"
    if args.panels_only:
        return panels(args.notebooks, scenario_path)
    scenario = load_yaml_mapping(scenario_path)
    scenario.pop("description", None)
    rounds: dict[str, list[float]] = {}
    per_notebook: dict[str, dict[str, list[float]]] = {}
    figures: dict[str, int] = {}
    failures: list[str] = []
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
        summaries = {n.stem for n in notebooks if is_summary(n)}
        cores = len(os.sched_getaffinity(0))
        print(f"{len(notebooks)} notebooks from {folder}, scenario {scenario_path.name}, "
              f"{cores} cores, load average {os.getloadavg()[0]:.1f} at the start",
              file=sys.stderr)
        out = tmp_path / "out"
        cmd = [sys.executable, "-m", "valse", "run", "--notebooks", str(folder), "--data",
               str(args.data), "--scenario", str(scenario_path), "--out", str(out),
               "--jobs", str(args.jobs)]
        from valse.run import forkserver

        base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        default = "1" if forkserver.DEFAULT_ON else "0"
        other = {**base_env, forkserver.DISABLE_ENV: "0" if forkserver.DEFAULT_ON else "1"}
        LABELS["c"] += f" (fork server {'on' if forkserver.DEFAULT_ON else 'off'})"
        LABELS["d"] += f" (fork server {'off' if forkserver.DEFAULT_ON else 'on'})"
        default_env = {**base_env, forkserver.DISABLE_ENV: default}
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # for make report and the pool too
        loads: list[float] = []

        def record(step: str, seconds: float) -> None:
            rounds.setdefault(step, []).append(seconds)
            print(f"  round {len(rounds[step])}: {LABELS[step]}: {seconds:.2f} s", file=sys.stderr,
                  flush=True)

        for i in range(max(1, args.repeat)):
            loads.append(os.getloadavg()[0])
            print(f"round {i + 1}: load average {loads[-1]:.1f}", file=sys.stderr, flush=True)
            work = tmp_path / f"naive-{i}"
            work.mkdir()
            record("a", naive(notebooks, scenario, work))
            work = tmp_path / f"pool-{i}"
            work.mkdir()
            record("b", papermill_pool(notebooks, scenario, work, jobs=2))
            # (c) last: its output (the manifest, the published pages) is used below
            for step, env in (("d", other), ("c", default_env)):
                elapsed, proc = timed(cmd + ["--force"], cwd=tmp, env=env)
                record(step, elapsed)
                if proc.returncode != 0:
                    failures.append(f"({step}) exit {proc.returncode}")
                    print(proc.stderr[-3000:], file=sys.stderr)
            manifest = json.loads((out / scenario_path.stem / "manifest.json").read_text())
            for n in manifest["notebooks"]:
                per_notebook.setdefault(n["name"], {}).setdefault("pipeline", []).append(
                    n["duration_s"])
            elapsed, proc_noop = timed(cmd, cwd=tmp, env=default_env)
            record("e", elapsed)
            if proc_noop.returncode != 0 or "up to date" not in proc_noop.stderr:
                failures.append("(e) was not a no-op")
            work = tmp_path / f"work-{i}"
            work.mkdir()
            found = own_work(notebooks, out, scenario_path.stem, work)
            for name, w in found.items():
                entry = per_notebook.setdefault(name, {})
                entry.setdefault("work", []).append(w["seconds"])
                entry.setdefault("figure_seconds", []).append(w["figure_seconds"])
                figures[name] = w["figures"]
            seconds = {k: v["seconds"] for k, v in found.items()}
            record("f", sum(seconds.values()))
            record("g", two_core_bound(seconds, summaries))
            if not (args.no_report or args.synthetic):
                elapsed, proc = timed(["make", "--no-print-directory", "-C", str(ROOT), "report",
                                       f"OUT={tmp_path / f'report-{i}'}", f"PY={sys.executable}",
                                       f"JOBS={args.jobs}"])
                record("h", elapsed)
                if proc.returncode != 0:
                    failures.append(f"(h) exit {proc.returncode}")
                    print(proc.stderr[-3000:], file=sys.stderr)
    print_tables(rounds, per_notebook, figures, summaries, args, cores, loads)
    for failure in failures:
        print(f"FAILED: {failure}")
    panels_rc = 0 if args.no_panels or args.synthetic else panels(args.notebooks, scenario_path)
    return 0 if not failures and panels_rc == 0 else 1


LABELS = {
    "a": "(a) naive: papermill + nbconvert CLI, serial",
    "b": "(b) papermill API + nbconvert exporter, pool of 2",
    "c": "(c) python -m valse run --force, default",
    "d": "(d) the same, other fork setting",
    "e": "(e) no-op re-run",
    "f": "(f) notebooks' own work (scripts), serial sum",
    "g": "(g) that work on two cores, summary last",
    "h": "(h) make report, every scenario, warm",
}


def print_tables(rounds, per_notebook, figures, summaries, args, cores, loads) -> None:
    n = len(next(iter(rounds.values())))
    print(f"\n{n} round(s), {cores} cores, load average at the start of each round "
          f"{', '.join(f'{x:.1f}' for x in loads)}, now {os.getloadavg()[0]:.1f} "
          "(the machine may be shared: compare the steps of one round, not runs)")
    width = max(len(v) for v in LABELS.values())
    print(f"{'step':<{width}}  fastest  slowest  rounds")
    for key, label in LABELS.items():
        if key in rounds:
            every = " ".join(f"{x:.2f}" for x in rounds[key])
            print(f"{label:<{width}}  {min(rounds[key]):7.2f}  {max(rounds[key]):7.2f}  {every}")
    best = {k: min(v) for k, v in rounds.items()}

    def check(label: str, value: float, ok: bool) -> None:
        print(f"{label:<{width}}  {value:7.2f}   {'met' if ok else 'NOT met'}")

    print(f"{'target (fastest rounds)':<{width}}    value")
    check("naive / cold run, (a)/(c) >= 6", best["a"] / best["c"], best["a"] / best["c"] >= 6)
    check("pool / cold run, (b)/(c) >= 1.5", best["b"] / best["c"], best["b"] / best["c"] >= 1.5)
    check("cold run / two-core bound, (c)/(g) <= 1.25", best["c"] / best["g"],
          best["c"] / best["g"] <= 1.25)
    check("no-op re-run (e) < 0.1 s", best["e"], best["e"] < 0.1)
    if "h" in best:
        check("make report, every scenario (h) < 40 s", best["h"], best["h"] < 40)
    from valse.run.forkserver import DEFAULT_ON

    on, off = ("c", "d") if DEFAULT_ON else ("d", "c")
    saved = 1 - best[on] / best[off]
    paired = [1 - a / b for a, b in zip(rounds[on], rounds[off], strict=True)]
    print(f"{'fork server saves, 1 - on/off (fastest)':<{width}}  {100 * saved:6.1f}%  "
          f"({'at least' if saved >= 0.2 else 'less than'} a fifth; round by round: "
          f"{', '.join(f'{100 * x:.0f}%' for x in paired)})")
    print("\nper notebook (fastest round of each) [s]: the pipeline's time (kernel start, run, "
          "export) against its own work")
    print(f"{'notebook':<22} {'pipeline':>8} {'work':>6} {'ratio':>6} {'figures':>7} "
          f"{'fig s':>6} {'s/fig':>6}")
    for name, entry in per_notebook.items():
        pipe, work = min(entry.get("pipeline", [float("nan")])), min(entry["work"])
        fig_s, count = min(entry["figure_seconds"]), figures.get(name, 0)
        per_fig = fig_s / count if count else float("nan")
        flag = "" if pipe <= 1.2 * work else "  (over 1.2)"
        fig_flag = "" if not count or per_fig <= 0.15 else "  (over 0.15 s/figure)"
        print(f"{name:<22} {pipe:8.2f} {work:6.2f} {pipe / work:6.2f} {count:7d} "
              f"{fig_s:6.2f} {per_fig:6.3f}{flag}{fig_flag}")


if __name__ == "__main__":
    sys.exit(main())
