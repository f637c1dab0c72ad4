"""Cache keys: what a notebook's results depend on, hashed, and why a notebook re-runs.

A notebook's *input hash* covers what its kernel can see: the notebook's source, the
parameters injected into it, the library files a kernel may import or read (the modules and
templates under ``lib/valse`` except the runner's: :data:`RUNNER_MODULES` and the ``run``
package, so editing the index, the console or the command line re-runs nothing), the data
files it reads (:func:`data_dependencies`), valse's version and Python's. A summary
notebook's key adds the metrics it reads (:func:`summary_hash`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valse import __version__
from valse.run.manifest import previous_entry_usable

if TYPE_CHECKING:
    from collections.abc import Iterable

    from valse.run.plan import Job, NotebookSource, ScenarioRun

#: The library folder the kernels import from.
LIB = Path(__file__).resolve().parents[1]
#: The runner's own modules outside ``valse.run`` (paths relative to ``lib/valse``): a kernel
#: never imports them, so they are not in the notebooks' input hashes (editing the index or
#: the console re-runs nothing).
RUNNER_MODULES = frozenset({"__main__.py", "data/datacheck.py"})
#: The runner's layer (``valse.run``): never imported by a kernel.
RUNNER_LAYER = "run/"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_hashes(root: Path, pattern: str = "**/*") -> dict[str, str]:
    """Return {relative path: sha256} of the regular files under ``root`` (hidden files,
    hidden folders and ``__pycache__`` skipped), sorted by path."""
    hashes: dict[str, str] = {}
    if not root.is_dir():
        return hashes
    for path in sorted(root.glob(pattern)):
        rel = path.relative_to(root)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        if path.is_file() and not path.name.endswith((".pyc", ".pyo")):
            hashes[rel.as_posix()] = sha256_file(path)
    return hashes


def combined_hash(hashes: dict[str, str]) -> str:
    return sha256_bytes(json.dumps(hashes, sort_keys=True).encode())


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def is_runner_file(rel: str) -> bool:
    """True for a path (relative to ``lib/valse``) that only the runner reads."""
    return rel in RUNNER_MODULES or rel.startswith(RUNNER_LAYER)


def kernel_lib_files(lib: Path = LIB) -> dict[str, str]:
    """{file: sha256} of the library modules, templates and registries (the parameters' and
    the metrics' CSV files) a kernel may import or read (the layers ``valse.model``,
    ``valse.data``, ``valse.report``; not the runner's: :func:`is_runner_file`)."""
    return {k: v for k, v in tree_hashes(lib).items()
            if not is_runner_file(k) and k.endswith((".py", ".j2", ".csv"))}


#: The module that decides which data files a notebook reads (:func:`data_dependencies`).
DATACHECK = LIB / "data" / "datacheck.py"


def deps_key(lib_hash: str, data_files: dict[str, str]) -> str:
    """Hash of everything :func:`data_dependencies` depends on besides the notebook itself:
    the kernel's library files (``lib_hash``), the rules of :mod:`valse.data.datacheck` (a
    runner module, not in ``lib_hash``) and the names of the data files."""
    return combined_hash({"lib": lib_hash, "datacheck": sha256_file(DATACHECK),
                          "data_files": sorted(data_files)})


def data_dependencies(nb: NotebookSource, data_files: dict[str, str],
                      previous: Iterable[dict[str, Any] | None] = (), key: str = "") -> list[str]:
    """The data files in a notebook's input hash: those it reads
    (:func:`valse.data.datacheck.notebook_reads`, every scenario file when it reads them all), or,
    when its code calls no known loader, every data file but the scenario files (its own
    scenario's parameters are in the hash already).

    A ``previous`` manifest made with the same :func:`deps_key` ``key`` for the same notebook
    source gives the same list: it is taken from there (reading the notebook's code and
    following its imports through the library is most of a run with nothing to do)."""
    for manifest in previous:
        if key and manifest and (manifest.get("inputs") or {}).get("deps_key") == key:
            entry = next((e for e in manifest.get("notebooks", [])
                          if e.get("name") == nb.name
                          and e.get("source_sha256") == nb.sha256), None)
            if entry is not None and isinstance(entry.get("data_files"), list):
                return list(entry["data_files"])
    from valse.data.datacheck import notebook_reads

    reads, scenarios = notebook_reads(nb.path)
    if reads or scenarios:
        return sorted(f for f in data_files
                      if f in reads or (scenarios and f.startswith("scenarios/")))
    return sorted(f for f in data_files if not f.startswith("scenarios/"))


def input_hash(nb: NotebookSource, parameters: dict[str, Any], lib_hash: str, data_hash: str,
               extra: str = "") -> str:
    """Hash of everything a notebook's results depend on."""
    key = {"notebook": nb.sha256, "parameters": parameters, "lib": lib_hash, "data": data_hash,
           "extra": extra, "valse": __version__, "python": sys.version.split()[0]}
    return sha256_bytes(canonical_json(key).encode())


def summary_hash(job: Job, inputs: dict[str, Any], records: Iterable[dict[str, Any]]) -> str:
    """Input hash of a summary notebook: its own inputs plus the metrics it reads."""
    from valse.report.record import sort_records

    extra = sha256_bytes(canonical_json(sort_records(records)).encode())
    return input_hash(job.notebook, job.parameters, inputs["lib_sha256"], job.data_hash,
                      extra="metrics:" + extra)


def rerun_reason(run: ScenarioRun, job: Job, inputs: dict[str, Any], force: bool) -> str:
    """Why ``job`` runs: what differs from its last run (``facts.csv changed``, ``parameter
    discount_rate changed``, ``notebook changed``, ``first run``, ...)."""
    if force:
        return "--force"
    prev = run.previous or {}
    entry = next((e for e in prev.get("notebooks", []) if e.get("name") == job.notebook.name),
                 None)
    if entry is None:
        return "first run"
    if not entry.get("results_ok"):
        return "failed last time"
    reasons = []
    if entry.get("source_sha256") != job.notebook.sha256:
        reasons.append("notebook changed")
    old_params = entry.get("parameters") or {}
    changed = sorted(k for k in set(old_params) | set(job.parameters)
                     if old_params.get(k) != job.parameters.get(k))
    reasons += [f"parameter {k} changed" for k in changed[:3]]
    old_inputs = prev.get("inputs") or {}
    old_data = old_inputs.get("data_files") or {}
    new_data = inputs.get("data_files") or {}
    for f in job.data_deps:
        if old_data.get(f) != new_data.get(f):
            reasons.append(f"{f} {'added' if f not in old_data else 'changed'}")
    for f in sorted(set(old_data) - set(new_data)):
        if f in (entry.get("data_files") or []):
            reasons.append(f"{f} removed")
    old_lib = old_inputs.get("lib_files") or {}
    new_lib = inputs.get("lib_files") or {}
    lib = sorted(f for f in set(old_lib) | set(new_lib)
                 if not is_runner_file(f) and old_lib.get(f) != new_lib.get(f))
    reasons += [f"library {f} changed" for f in lib[:3]]
    if not reasons and job.notebook.is_summary:
        reasons.append("the other notebooks' metrics changed")
    if not reasons and not previous_entry_usable(run.previous_folder, entry):
        reasons.append("published files missing")
    return ", ".join(reasons[:6]) or "valse or Python version changed"
