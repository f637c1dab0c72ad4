"""The whole collection: every notebook for every scenario file, through the pipeline, once.

One run of ``python -m valse run`` over all of ``data/scenarios/*.yaml`` (the real notebooks,
as ``make report`` does); then every (scenario, notebook) must be ok, and every metric of the
registry (``lib/valse/report/metrics_registry.csv``) must be in each scenario's
``metrics.json``, except where ``tests/metrics_absent.csv`` says it is not defined, and why.
A declared absence that is in fact recorded fails too, so the list cannot go stale.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from valse.report.record import registry

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
ABSENT = Path(__file__).parent / "metrics_absent.csv"

pytestmark = pytest.mark.notebook


def declared_absences() -> dict[tuple[str, str], str]:
    """(scenario, metric) -> the reason the metric is not defined there."""
    with ABSENT.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for line, row in enumerate(rows, start=2):
        assert row["metric"] in registry(), f"{ABSENT}:{line}: unknown metric {row['metric']!r}"
        assert (ROOT / "data" / "scenarios" / f"{row['scenario']}.yaml").exists(), (
            f"{ABSENT}:{line}: unknown scenario {row['scenario']!r}")
        assert row["reason"].strip(), f"{ABSENT}:{line}: a reason is required"
    return {(r["scenario"], r["metric"]): r["reason"] for r in rows}


def test_every_notebook_runs_for_every_scenario_with_its_metrics(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "valse", "run", "--out", str(out), "--jobs", "2",
         "--scenario", *map(str, SCENARIOS)],
        capture_output=True, text=True, cwd=ROOT, timeout=1500)
    assert proc.returncode == 0, proc.stderr[-3000:]
    absent = declared_absences()
    problems = []
    for scenario in (p.stem for p in SCENARIOS):
        manifest = json.loads((out / scenario / "manifest.json").read_text())
        status = {n["name"]: n["status"] for n in manifest["notebooks"]}
        for nb in NOTEBOOKS:
            if status.get(nb) != "ok":
                problems.append(f"{scenario}: notebook {nb} is {status.get(nb, 'missing')}")
        records = json.loads((out / scenario / "metrics.json").read_text())
        recorded = {r["name"] for r in records}
        for name, entry in registry().items():
            why = absent.get((scenario, name))
            if name not in recorded and why is None:
                problems.append(f"{scenario}: {name} ({entry['notebook']}) not recorded")
            if name in recorded and why is not None:
                problems.append(f"{scenario}: {name} is recorded, but {ABSENT.name} says "
                                f"it is not defined there ({why})")
    assert not problems, "\n".join(problems)
