"""Every data file the notebooks read, validated by the run before any kernel starts.

The run calls the data loaders' public functions (:func:`valse.data.facts.load_facts`,
:func:`valse.data.checks.check_consistency`, :func:`valse.data.flowdata.load_flows`,
:func:`valse.data.sharedata.load_cloud_shares`, :func:`valse.data.claims.load_claims`,
:func:`valse.data.comparables.load_comparables`) on the data folder it was given, and reports every
problem of every file at once (``file:line: column 'c': expected …, found …``): an invalid file
is exit 2, before any kernel starts and before anything under the output folder changes.

Which files a notebook reads is read from its code: a call of a loader (:data:`READERS`) names
its file; a notebook that globs the scenario folder (``"scenarios"``) reads every scenario
file. The same declarations give the notebooks' cache keys (:func:`notebook_reads`).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

#: Data file -> the calls in a notebook's code that read it.
READERS: dict[str, tuple[str, ...]] = {
    "facts.csv": ("load_facts(",),
    "checks.csv": ("check_consistency(",),
    "flows.csv": ("load_flows(",),
    "cloud_shares.csv": ("load_cloud_shares(",),
    "claims.csv": ("load_claims(",),
    "comparables.csv": ("load_comparables(",),
    "not_found.csv": ("load_not_found(",),
    "datapackage.json": ("fact_base_as_of(",),
    "regulatory_matters.csv": ("load_matters(",),
    "watchlist.csv": ("load_watchlist(",),
}
#: The package's folder, whose modules a notebook's imports are followed into.
_PACKAGE = Path(__file__).resolve().parents[1]
_IMPORT = re.compile(
    # the names: a parenthesised list (over several lines) or a list on the line, never the
    # next line's import (which the names would swallow, its module then left unfollowed)
    r"^\s*(?:from\s+(valse(?:\.\w+)*)\s+import\s+(\([\w\s,]*\)|[\w \t,]+)"
    r"|import\s+(valse(?:\.\w+)*))",
    re.M,
)
#: What a notebook's code says when it reads every scenario file of the data folder.
SCENARIO_GLOB = re.compile(r"""["']scenarios["']""")
_METRIC = re.compile(r"""\bmetric\(\s*["']([a-z][a-z0-9_]*)["']""")


def _code(path: Path) -> str:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    parts = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            parts.append("".join(source) if isinstance(source, list) else source)
    return "\n".join(parts)


def _module_files(code: str) -> set[Path]:
    """The package's source files that ``code`` imports directly (``from valse.report import
    charts``, ``from valse.data.facts import load_facts``, ``import valse.model.deal``)."""
    found: set[Path] = set()
    for m in _IMPORT.finditer(code):
        dotted = m.group(1) or m.group(3)
        base = _PACKAGE.joinpath(*dotted.split(".")[1:])
        names = [n.split()[0] for n in (m.group(2) or "").replace("(", " ").replace(")", " ")
                 .split(",") if n.strip()]
        candidates = [base.with_suffix(".py"), base / "__init__.py"]
        candidates += [base / f"{n}.py" for n in names] + [base / n / "__init__.py" for n in names]
        for candidate in candidates:
            if candidate.is_file():
                found.add(candidate)
    return found


def imported_code(code: str) -> str:
    """The code of every package module that ``code`` imports, transitively, joined: where a
    notebook's data reads hide in the library functions it calls."""
    seen: set[Path] = set()
    todo = _module_files(code)
    parts = []
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        text = module.read_text(encoding="utf-8")
        parts.append(text)
        todo |= _module_files(text) - seen
    return "\n".join(parts)


def notebook_reads(path: Path) -> tuple[tuple[str, ...], bool]:
    """The data files a notebook reads (names in :data:`READERS`, sorted) and whether it reads
    every scenario file. A file counts as read when the notebook, or a package module it imports
    (transitively), calls its loader: the key errs on the side of re-running."""
    own = _code(path)
    code = own + "\n" + imported_code(own)
    files = sorted(name for name, calls in READERS.items() if any(c in code for c in calls))
    return tuple(files), bool(SCENARIO_GLOB.search(own))


def metric_names(paths: Iterable[Path]) -> set[str]:
    """Names of the metrics the notebooks record: ``metric(<name>, …)`` in their code, or in
    the library functions they call to record (``deal_report.record_npv_metrics``, say)."""
    found: set[str] = set()
    for path in paths:
        found.update(_METRIC.findall(_code(path)))
    for module in sorted(Path(__file__).parents[1].rglob("*.py")):
        found.update(_METRIC.findall(module.read_text(encoding="utf-8")))
    return found


def _decode_problem(path: Path) -> str | None:
    """``file:line: …`` for the first byte of ``path`` that is not UTF-8, else None."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror})"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return (f"{path}:{line}: column {column}: expected UTF-8 text, found the byte "
                f"{data[exc.start:exc.start + 1]!r}")
    return None


def validate_data(data: Path, needed: Mapping[str, Iterable[str]],
                  known_names: Iterable[str], only_needed: bool = False) -> list[str]:
    """Validate the data files of ``data`` with their loaders; return every problem.

    Parameters
    ----------
    data : Path
        The data folder of the run.
    needed : mapping of str to iterable of str
        Data file name -> the notebooks that read it; a file that is needed and missing is a
        problem.
    only_needed : bool
        Validate only the needed files (the run: what the notebooks to run read); else every
        file of :data:`READERS` that is present.
    known_names : iterable of str
        Parameter and metric names a claim's ``bearing`` may name.

    Returns
    -------
    list of str
        One line per problem, ``file:line: …`` where the loader gives the line.
    """
    from valse.data.datafile import DataFileError

    problems: list[str] = []
    facts = None
    for name in READERS:
        path = data / name
        if only_needed and name not in needed and not (name == "facts.csv" and "checks.csv"
                                                       in needed):
            continue
        if not path.is_file():
            readers = sorted(needed.get(name, ()))
            if readers:
                problems.append(f"{path}: data file not found (read by {', '.join(readers)})")
            continue
        bad = _decode_problem(path)
        if bad:
            problems.append(bad)
            continue
        try:
            if name == "facts.csv":
                from valse.data.facts import load_facts

                facts = load_facts(path)
            elif name == "checks.csv":
                if facts is None:
                    continue  # checked against the facts: reported with facts.csv
                from valse.data.checks import check_consistency

                check_consistency(facts, path)
            elif name == "flows.csv":
                from valse.data.flowdata import load_flows

                load_flows(path)
            elif name == "cloud_shares.csv":
                from valse.data.sharedata import load_cloud_shares

                load_cloud_shares(path)
            elif name == "claims.csv":
                from valse.data.claims import load_claims

                load_claims(path, known_names)
            elif name == "comparables.csv":
                from valse.data.comparables import load_comparables

                load_comparables(path)
        except DataFileError as exc:
            problems.extend(exc.problems)
        except (ValueError, KeyError, TypeError, OSError, csv.Error) as exc:  # a loader's own
            problems.append(f"{path}: {str(exc)[:500]}")
    return problems
