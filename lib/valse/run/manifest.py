"""The manifest of a published scenario (``manifest.json``): what ran, on what inputs, with
which versions; and reading back what a previous run published."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valse import __version__
from valse.run import outfolder

if TYPE_CHECKING:
    from valse.run.plan import Options, ScenarioRun

#: Packages whose versions go into each manifest.
KEY_PACKAGES = ("papermill", "nbconvert", "nbclient", "nbformat", "jupyter_client", "ipykernel",
                "ipython", "pandas", "numpy", "scipy", "matplotlib", "pyyaml")


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dump_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def notebook_files(name: str) -> dict[str, str]:
    """Paths (relative to a scenario folder) of a notebook's published files."""
    return {"notebook": f"notebooks/{name}.ipynb", "reader": f"html/{name}.html",
            "full": f"html/{name}.full.html", "data": f"data/{name}"}


def load_previous(out: Path, scenario: str) -> tuple[Path | None, dict[str, Any] | None]:
    """The run folder valse published as ``OUT/<scenario>`` and its manifest (None when
    missing or unreadable; a folder valse did not make is never taken for a published run)."""
    folder = outfolder.published_run(out, scenario)
    if folder is None:
        return None, None
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return folder, None
    return folder, manifest


def records_of_run(folder: Path) -> list[dict[str, Any]]:
    """All metric records of a published run (empty when unreadable)."""
    try:
        return json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


def records_of(folder: Path, name: str) -> list[dict[str, Any]]:
    """Metric records of a published notebook, read back from its executed copy."""
    from valse.report.record import metrics_from_notebook

    with open(folder / notebook_files(name)["notebook"], encoding="utf-8") as fh:
        return metrics_from_notebook(json.load(fh), name)


def previous_entry_usable(folder: Path | None, entry: dict[str, Any] | None) -> bool:
    """True when a previous run's notebook entry had good results whose files are there."""
    if folder is None or not entry or not entry.get("results_ok"):
        return False
    files = notebook_files(entry["name"])
    return all((folder / files[k]).is_file() for k in ("notebook", "reader", "full"))


def package_versions() -> dict[str, str | None]:
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(root: Path) -> dict[str, Any]:
    """Commit and dirty flag of the checkout, or nulls when git or the repository is missing."""
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=10)
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                 "--untracked-files=no"], capture_output=True, text=True,
                                timeout=10)
        dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
        return {"commit": commit.stdout.strip(), "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def _entry(run: ScenarioRun, name: str, prev: dict[str, Any]) -> dict[str, Any]:
    job = run.jobs[name]
    results_ok = job.status == "ok" or (job.status == "skipped" and job.error is None and (
        job.reason == "cached" or bool(prev.get("results_ok"))))
    return {
        "name": name,
        "status": job.status,
        "reason": job.reason or None,
        "results_ok": results_ok,
        "duration_s": round(job.duration_s, 3),
        "last_execution_s": (round(job.duration_s, 3) if job.status in ("ok", "failed")
                             else job.last_execution_s),
        "last_prelude_s": None if job.prelude_s is None else round(job.prelude_s, 3),
        "executed_at": job.executed_at,
        "input_hash": job.input_hash if job.status != "skipped" or job.reason == "cached"
        else prev.get("input_hash"),
        "source_sha256": job.notebook.sha256,
        "data_files": job.data_deps,
        "parameters": job.parameters,
        "error": job.error,
        "metrics": len(job.records),
        "files": {k: v for k, v in notebook_files(name).items()
                  if run.build is not None and (run.build / v).exists()},
    }


def manifest(run: ScenarioRun, opts: Options, inputs: dict[str, Any], started: str,
             finished: str, versions: dict[str, Any], git: dict[str, Any]) -> dict[str, Any]:
    """The manifest of a scenario's build (facts, fact base and changes are added by
    :func:`valse.run.publish.publish_scenario`)."""
    from valse.run.cachekeys import sha256_file

    prev_entries = {e["name"]: e for e in (run.previous or {}).get("notebooks", [])}
    entries = [_entry(run, name, prev_entries.get(name, {})) for name in sorted(run.jobs)]
    failed = [e["name"] for e in entries if not e["results_ok"]]
    return {
        "scenario": run.scenario.name,
        "description": run.scenario.description,
        "scenario_file": str(run.scenario.path.resolve()),
        "scenario_sha256": sha256_file(run.scenario.path),
        "parameters": run.scenario.values,
        "status": "failed" if failed else "ok",
        "failed": failed,
        "started": started,
        "finished": finished,
        "options": {"jobs": opts.jobs, "force": opts.force, "only": opts.only,
                    "timeout_s": opts.timeout},
        "notebooks_dir": str(opts.notebooks.resolve()),
        "data_dir": str(opts.data.resolve()),
        "inputs": inputs,
        "python": sys.version.split()[0],
        "valse": __version__,
        "packages": versions,
        "git": git,
        "notebooks": entries,
    }
