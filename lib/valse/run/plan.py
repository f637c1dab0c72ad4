"""Planning a run (light: no papermill, nbconvert or pandas import): read every notebook's
``parameters`` cell (:mod:`valse.data.nbparams`), validate the scenarios
(:mod:`valse.data.scenarios`), the output folder (:mod:`valse.run.outfolder`) and the data files
(:mod:`valse.data.datacheck`), and decide for each (scenario, notebook) whether its published
results are up to date (:mod:`valse.run.cachekeys`).

A *summary* notebook is one that declares the ``metrics_path`` parameter: it reads the
metrics the other notebooks of its scenario recorded, so it runs after them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valse.data.nbparams import NotebookParamsError, Param, notebook_parameters
from valse.data.scenarios import Scenario, ScenarioError, declared_parameters, load_scenarios
from valse.run import cachekeys, outfolder
from valse.run.manifest import (
    load_previous,
    notebook_files,
    previous_entry_usable,
    records_of_run,
)

#: The parameter a summary notebook declares (the path of the other notebooks' metrics).
SUMMARY_PARAMETER = "metrics_path"
#: Data problems listed in the message (the others are counted).
MAX_DATA_PROBLEMS = 60


class InvalidInput(ValueError):
    """The command line, a scenario or a notebook is invalid: nothing runs (exit 2)."""


@dataclass
class Options:
    scenarios: list[Path]
    only: list[str]
    jobs: int
    force: bool
    out: Path
    notebooks: Path
    data: Path
    timeout: float
    publish_failed: bool = False  # publish a run with failed notebooks over good results
    wait: bool = True  # wait for another run's lock on the output folder (else exit 3)


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class NotebookSource:
    """A notebook of the collection: its name (file stem), path, declarations and hash."""

    name: str
    path: Path
    params: tuple[Param, ...]
    sha256: str

    @property
    def declared(self) -> dict[str, Param]:
        return {p.name: p for p in self.params}

    @property
    def is_summary(self) -> bool:
        """It declares :data:`SUMMARY_PARAMETER`: it reads the other notebooks' metrics."""
        return SUMMARY_PARAMETER in self.declared


@dataclass
class Job:
    """One (scenario, notebook) pair of a run."""

    scenario: str
    notebook: NotebookSource
    parameters: dict[str, Any]  # injected, without the build paths
    input_hash: str = ""
    status: str = "pending"  # pending | ok | failed | skipped
    reason: str = ""  # for skipped: "cached" or "not selected"
    duration_s: float = 0.0
    error: dict[str, Any] | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    executed_at: str | None = None
    last_execution_s: float | None = None  # how long its last execution took
    prelude_s: float | None = None  # a held job's kernel start and prelude (last known)
    #: its records are in (the worker's ``records`` event) while its pages are still written
    records_ready: bool = False
    data_deps: list[str] = field(default_factory=list)  # data files in its input hash
    data_hash: str = ""  # hash of those files


@dataclass
class ScenarioRun:
    """A scenario of the run: its jobs, the notebooks selected, its previous publication."""

    scenario: Scenario
    previous_folder: Path | None
    previous: dict[str, Any] | None
    jobs: dict[str, Job]
    selected: set[str]
    build: Path | None = None

    def entry(self, name: str) -> dict[str, Any] | None:
        """The previous manifest's entry of notebook ``name``."""
        return next((e for e in (self.previous or {}).get("notebooks", [])
                     if e.get("name") == name), None)


def discover_notebooks(folder: Path, only: Sequence[str] = ()) -> list[NotebookSource]:
    """Return the notebooks of ``folder`` (sorted), raising InvalidInput on a bad folder,
    an unreadable notebook or an unknown ``only`` name."""
    if not folder.is_dir():
        raise InvalidInput(f"{folder}: notebooks folder not found")
    paths = [p for p in sorted(folder.glob("*.ipynb")) if not p.name.startswith(".")]
    if not paths:
        raise InvalidInput(f"{folder}: no notebooks (*.ipynb) found")
    names = [p.stem for p in paths]
    unknown = [n for n in only if n not in names]
    if unknown:
        import difflib

        hints = []
        for n in unknown:
            close = difflib.get_close_matches(n.removesuffix(".ipynb"), names, n=1)
            hints.append(f"{n!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise InvalidInput(f"--only: unknown notebook {', '.join(hints)}; "
                           f"the notebooks in {folder} are: {', '.join(names)}")
    notebooks, problems = [], []
    for p in paths:
        try:
            params = tuple(notebook_parameters(p))
        except NotebookParamsError as exc:
            problems.append(str(exc))
            continue
        notebooks.append(NotebookSource(p.stem, p.resolve(), params, cachekeys.sha256_file(p)))
    if problems:
        raise InvalidInput("\n".join(problems))
    return notebooks


def injected_parameters(nb: NotebookSource, scenario: Scenario) -> dict[str, Any]:
    """Scenario values of the parameters ``nb`` declares (ints widened for ``float``), plus
    ``scenario_name`` and ``interactive=False`` (an unattended run: no widgets) when declared.
    Build paths are added at execution (:func:`valse.run.execute.execute_job`)."""
    declared = nb.declared
    params: dict[str, Any] = {}
    for name, value in scenario.values.items():
        if name in declared:
            if declared[name].type == "float" and isinstance(value, int) \
                    and not isinstance(value, bool):
                value = float(value)
            params[name] = value
    if "scenario_name" in declared:
        params["scenario_name"] = scenario.name
    if "interactive" in declared:
        params["interactive"] = False
    return dict(sorted(params.items()))


def plan(opts: Options) -> tuple[list[ScenarioRun], dict[str, Any]]:
    """Validate everything and decide what to run. Raises InvalidInput (exit 2)."""
    if not opts.data.is_dir():
        raise InvalidInput(f"--data {opts.data}: data folder not found")
    notebooks = discover_notebooks(opts.notebooks, opts.only)
    declared = declared_parameters({nb.name: nb.params for nb in notebooks})
    try:
        scenarios = load_scenarios(opts.scenarios, declared)
    except ScenarioError as exc:
        raise InvalidInput(str(exc)) from None
    if opts.out.exists() and not opts.out.is_dir():
        raise InvalidInput(f"--out {opts.out}: exists and is not a folder")
    lib_files = cachekeys.kernel_lib_files()
    data_files = cachekeys.tree_hashes(opts.data)
    inputs = {"lib_sha256": cachekeys.combined_hash(lib_files),
              "data_sha256": cachekeys.combined_hash(data_files),
              "lib_files": lib_files, "data_files": data_files,
              "notebooks": {nb.name: nb.sha256 for nb in notebooks}}
    inputs["deps_key"] = cachekeys.deps_key(inputs["lib_sha256"], data_files)
    selected = set(opts.only) if opts.only else {nb.name for nb in notebooks}
    previous = {sc.name: load_previous(opts.out, sc.name) for sc in scenarios}
    deps = {nb.name: cachekeys.data_dependencies(
        nb, data_files, [m for _, m in previous.values()], inputs["deps_key"])
        for nb in notebooks}
    runs = []
    for sc in scenarios:
        prev_folder, prev = previous[sc.name]
        prev_entries = {e["name"]: e for e in (prev or {}).get("notebooks", [])}
        jobs: dict[str, Job] = {}
        for nb in notebooks:
            if nb.name not in selected and (nb.name not in prev_entries or not (
                    prev_folder and (prev_folder / notebook_files(nb.name)["notebook"])
                    .is_file())):
                continue  # never run for this scenario: stays absent
            job = Job(sc.name, nb, injected_parameters(nb, sc), data_deps=deps[nb.name])
            job.data_hash = cachekeys.combined_hash({f: data_files[f] for f in job.data_deps})
            if not nb.is_summary:  # a summary's key needs the others' metrics (summary_hash)
                job.input_hash = cachekeys.input_hash(nb, job.parameters, inputs["lib_sha256"],
                                                      job.data_hash)
            jobs[nb.name] = job
        runs.append(ScenarioRun(sc, prev_folder, prev, jobs, selected & set(jobs)))
    return runs, inputs


def cached(run: ScenarioRun, job: Job, force: bool) -> bool:
    """True when ``job``'s last run had the same input hash and its files are there."""
    if force or run.previous is None:
        return False
    entry = run.entry(job.notebook.name)
    return (entry is not None and entry.get("input_hash") == job.input_hash
            and previous_entry_usable(run.previous_folder, entry))


def up_to_date(run: ScenarioRun, opts: Options, inputs: dict[str, Any]) -> bool:
    """True when the published results of this scenario already match every input."""
    prev = run.previous
    if opts.force or prev is None or run.previous_folder is None:
        return False
    if prev.get("description", "") != run.scenario.description:
        return False
    if not (run.previous_folder / "metrics.json").is_file():
        return False
    entries = {e["name"]: e for e in prev.get("notebooks", [])}
    if set(entries) != set(run.jobs):
        return False
    others = [j for j in run.jobs.values() if not j.notebook.is_summary]
    for job in others:
        if job.notebook.name in run.selected and not cached(run, job, False):
            return False
    summaries = [j for j in run.jobs.values() if j.notebook.is_summary]
    if summaries:
        ok_others = [j.notebook.name for j in others
                     if previous_entry_usable(run.previous_folder, entries.get(j.notebook.name))]
        # the records the published metrics.json holds for them: the same records as their
        # executed notebooks hold (publish writes one from the other), read without parsing
        # every executed notebook (this check is most of a no-op run)
        ok = set(ok_others)
        records = [r for r in records_of_run(run.previous_folder) if r.get("notebook") in ok]
        for job in summaries:
            job.input_hash = cachekeys.summary_hash(job, inputs, records)
            if job.notebook.name in run.selected and not cached(run, job, False):
                return False
    # everything selected is cached; non-selected entries are carried as they are
    return all(entries[name].get("results_ok") or name not in run.selected for name in entries)


def check_output_folder(out: Path, scenarios: Iterable[str]) -> None:
    """Raise InvalidInput when ``out`` cannot be created or written, or when something valse
    did not make is where it would write (:func:`valse.run.outfolder.obstacles`)."""
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out {out}: exists and is not a folder")
    existing = out
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        what = "written" if existing == out else f"created (cannot write to {existing})"
        raise InvalidInput(f"--out {out}: the output folder cannot be {what}; choose a "
                           "folder you may write to")
    problems = outfolder.obstacles(out, list(scenarios))
    if problems:
        raise InvalidInput("in the way in the output folder (nothing was changed):\n  "
                           + "\n  ".join(problems))


def check_data(opts: Options, runs: list[ScenarioRun]) -> None:
    """Raise InvalidInput listing every problem of the data files that the notebooks to run
    read (:mod:`valse.data.datacheck`), before any kernel starts."""
    from valse.data import datacheck
    from valse.data.scenarios import CORE_BY_NAME

    notebooks = {j.notebook.name: j.notebook for r in runs for j in r.jobs.values()}
    selected = {name for r in runs for name in r.selected}
    needed: dict[str, list[str]] = {}
    for name in sorted(selected):
        for file in datacheck.notebook_reads(notebooks[name].path)[0]:
            needed.setdefault(file, []).append(name)
    every = discover_notebooks(opts.notebooks)  # all of them, whatever --only selects
    known = set(CORE_BY_NAME) | {p.name for nb in every for p in nb.params}
    from valse.report.record import registry

    known |= set(registry())  # the metric registry, lib/valse/report/metrics_registry.csv
    problems = datacheck.validate_data(opts.data, needed, known, only_needed=True)
    if problems:
        shown = problems[:MAX_DATA_PROBLEMS]
        more = len(problems) - len(shown)
        raise InvalidInput(f"invalid data in {opts.data} (nothing ran, nothing under the "
                           "output folder changed):\n  " + "\n  ".join(shown)
                           + (f"\n  … and {more} more" if more else ""))


def remember(opts: Options, before: dict[str, list[int]] | None = None) -> None:
    """Leave the stamp that answers the next run with nothing to do (:mod:`valse.run.noop`)
    when the full check (:func:`plan`, :func:`up_to_date`) finds every scenario up to date
    and nothing changed meanwhile; ``before``: the fingerprint taken before that check, or
    None to make the check here. A problem leaves no stamp: the next run checks in full."""
    import dataclasses

    from valse.run import noop

    options = noop.options_of(opts)
    try:
        if before is None:
            before = noop.taken(options)
            check = dataclasses.replace(opts, force=False)  # what the next run will find
            runs, inputs = plan(check)
            if not ((opts.out / "index.html").is_file()
                    and all(up_to_date(r, check, inputs) for r in runs)):
                return
        noop.write(options, before)
    except (InvalidInput, OSError):
        return  # no stamp: the next run makes the full check
