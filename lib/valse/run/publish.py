"""Building and publishing a scenario's results in the output folder.

Each scenario is built in ``OUT/.runs/<scenario>--<stamp>--<pid>/`` (marked as valse's,
:func:`new_build`); up-to-date notebooks are carried into it from the published run
(hard links, :func:`carry`). Once every notebook is done, :func:`publish_scenario` writes
``metrics.json`` and ``manifest.json`` and swaps the ``OUT/<scenario>`` link to the build
(:func:`valse.run.outfolder.publish`), or keeps the build in ``OUT/.failed/`` when it would replace
good results with a failure (:func:`may_publish`).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valse.run import outfolder
from valse.run.manifest import (
    dump_json,
    manifest,
    notebook_files,
    now_iso,
    records_of,
    records_of_run,
)

if TYPE_CHECKING:
    from valse.run.plan import Job, Options, ScenarioRun

#: Folder of a published scenario holding the fact base as a data package.
FACT_BASE_DIR = "factbase"


def _link_file(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link (else copy) a file or a folder's files from ``src`` to ``dst``."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, copy_function=_link_file, dirs_exist_ok=True)
    else:
        _link_file(src, dst)


def publish_fact_base(data: Path, build: Path) -> dict[str, Any] | None:
    """Put ``data/datapackage.json`` and the files it describes under ``build/factbase``.

    Returns what the manifest records (the package's path in the scenario folder and its
    ``as_of`` date), or None when ``data`` has no package descriptor.
    """
    descriptor = data / "datapackage.json"
    if not descriptor.is_file():
        return None
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    target = build / FACT_BASE_DIR
    for rel in ["datapackage.json", *(r["path"] for r in package.get("resources", []))]:
        link_or_copy(data / rel, target / rel)
    return {"package": f"{FACT_BASE_DIR}/datapackage.json", "as_of": package.get("as_of")}


def new_build(out: Path, scenario: str) -> Path:
    """A new, marked build folder for ``scenario`` under ``OUT/.runs``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    build = out / outfolder.RUNS / f"{scenario}--{stamp}--{os.getpid()}"
    build.mkdir(parents=True)
    outfolder.write_marker(build, scenario)  # the record that valse made it
    for sub in ("notebooks", "html"):
        (build / sub).mkdir(parents=True, exist_ok=True)
    return build


def carry(run: ScenarioRun, job: Job) -> None:
    """Bring a notebook's previous results into the new build."""
    assert run.previous_folder is not None and run.build is not None
    entry = run.entry(job.notebook.name) or {}
    for rel in notebook_files(job.notebook.name).values():
        src = run.previous_folder / rel
        if src.exists():
            link_or_copy(src, run.build / rel)
    job.executed_at = entry.get("executed_at")
    job.last_execution_s = entry.get("last_execution_s")
    job.prelude_s = entry.get("last_prelude_s")
    job.duration_s = 0.0
    if entry.get("results_ok"):
        job.records = records_of(run.previous_folder, job.notebook.name)
    else:
        job.error = entry.get("error")


def may_publish(run: ScenarioRun, manifest: dict[str, Any], opts: Options) -> str | None:
    """None when this build may replace the published results of its scenario; else why not.

    A build with failed notebooks replaces the published run only when none of them had good
    results there (or with ``--publish-failed``): a failure never replaces good results.
    """
    failed = manifest.get("failed") or []
    if not failed or opts.publish_failed or run.previous is None:
        return None
    good = {e["name"] for e in run.previous.get("notebooks", []) if e.get("results_ok")}
    lost = [name for name in failed if name in good]
    if not lost:
        return None
    return f"{', '.join(lost)} failed, and the published run has good results for it"


def publish_scenario(run: ScenarioRun, opts: Options, inputs: dict[str, Any], started: str,
                     versions: dict[str, Any], git: dict[str, Any]) -> str | None:
    """Write the build's metrics and manifest, then publish it; returns None when published,
    else the message saying why it was kept aside (``run.build`` is then None)."""
    from valse.report.record import sort_records
    from valse.run.changes import changes_since, fact_fingerprints

    out, name = opts.out, run.scenario.name
    assert run.build is not None
    shutil.rmtree(run.build / ".work", ignore_errors=True)
    records = sort_records(r for j in run.jobs.values() if j.error is None for r in j.records)
    (run.build / "metrics.json").write_text(dump_json(records), encoding="utf-8")
    made = manifest(run, opts, inputs, started, now_iso(), versions, git)
    made["facts"] = fact_fingerprints(opts.data / "facts.csv")
    made["fact_base"] = publish_fact_base(opts.data, run.build)
    previous_records = (records_of_run(run.previous_folder)
                        if run.previous_folder is not None else [])
    made["changes"] = changes_since(run.previous, previous_records, made, records)
    (run.build / "manifest.json").write_text(dump_json(made), encoding="utf-8")
    keep = may_publish(run, made, opts)
    if keep is None:
        outfolder.publish(out, name, run.build)
        return None
    kept = outfolder.keep_failed(out, name, run.build)
    run.build = None
    return (f"[{name}] not published: {keep}; the previous results stay published; this run "
            f"is kept in {kept} (--publish-failed publishes a failed run anyway)")


def summary_inputs(run: ScenarioRun) -> list[dict[str, Any]]:
    """The metric records a summary notebook of ``run`` reads: those of the other notebooks
    that finished without error, or ran without error and are writing their pages, sorted."""
    from valse.report.record import sort_records

    others = [j for j in run.jobs.values() if not j.notebook.is_summary and j.error is None
              and (j.status in ("ok", "skipped") or j.status == "pending" and j.records_ready)]
    return sort_records(r for j in others for r in j.records)


def summary_inputs_path(run: ScenarioRun) -> Path:
    """Where the summary notebooks of ``run`` read the other notebooks' records."""
    assert run.build is not None
    return run.build / ".work" / "metrics_so_far.json"


def write_summary_inputs(run: ScenarioRun, records: list[dict[str, Any]]) -> Path:
    """Write ``records`` where the summary notebooks of ``run`` read them; return the path."""
    path = summary_inputs_path(run)
    path.parent.mkdir(exist_ok=True)
    path.write_text(dump_json(records), encoding="utf-8")
    return path
