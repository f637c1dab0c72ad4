"""A run with nothing to do, answered from a stamp: no plan, no hashing, no YAML.

A run with nothing to do plans everything (every notebook's parameters, the scenario files,
a hash of every file a kernel can see) to find that nothing changed: about 0.06 s of work on
top of importing the planner. When that full check finds every scenario up to date, and no
file it depends on changed while it looked, it leaves a *stamp* in the output folder
(:data:`STAMP`): the command line's options and the size, modification and change times and
inode of every file under what the plan reads (the library, the data folder, the notebooks,
the scenario files, the published scenarios and the index). The next run with the same
options compares those with a walk of the same folders (a few hundred ``stat`` calls, no
file read) and, when they are the same, says "everything is up to date" without importing
the planner, as ``make`` does with modification times (and git with change times too, which
no program can set back).

A file changed in the same clock tick as the stamp was taken would keep its size and times
(Linux stamps files with a coarse clock): files changed (their change time) within
:data:`RACY_NS` of the stamp are also recorded by content and read again when checked, as
git does for "racily clean" entries. Any difference, a missing or unreadable stamp, or
``--force`` falls back to the full check, which is always right; the stamp only ever says
what that check said.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

#: The stamp's file name in the output folder.
STAMP = ".valse-up-to-date.json"
#: Files changed within this many nanoseconds before a stamp is taken are also checked by
#: content (two seconds: far above the kernel's clock tick).
RACY_NS = 2_000_000_000
#: The stamp's format; another value is not read.
VERSION = 1
#: The library folder (``lib/valse``).
LIB = Path(__file__).resolve().parents[1]
#: Names under the output folder that do not bear on whether it is up to date: the lock and
#: the stamp, rewritten by every run and check.
IGNORED_IN_OUT = frozenset({".valse-lock", STAMP})
#: Environment variables that change what the plan finds (:mod:`valse.data.paths`).
ENV_KEYS = ("VALSE_ROOT", "VALSE_DATA")


#: The options of a run (:class:`valse.run.plan.Options`' fields) that bear on its plan; the
#: number of workers, the time limit and whether to wait for the lock do not.
OPTION_NAMES = ("scenarios", "only", "out", "notebooks", "data", "publish_failed")


def options_of(opts: Any) -> dict[str, Any]:
    """:data:`OPTION_NAMES` of ``opts`` (an ``Options`` or the command line's namespace) as
    plain values: paths absolute, as text."""
    plain: dict[str, Any] = {}
    for name in OPTION_NAMES:
        value = getattr(opts, name)
        if name == "scenarios":
            value = [str(Path(v).absolute()) for v in value]
        elif isinstance(value, Path):
            value = str(value.absolute())
        elif isinstance(value, (list, tuple)):
            value = list(value)
        plain[name] = value
    return plain


def scenario_names(options: dict[str, Any]) -> list[str]:
    """The published scenarios' names: their files' names without extension
    (:func:`valse.data.scenarios.load_scenario`)."""
    return [Path(s).stem for s in options["scenarios"]]


def nothing_to_do(names: list[str]) -> str:
    """The line a run with nothing to do prints."""
    return f"everything is up to date ({', '.join(names)}); nothing to do"


def key_of(options: dict[str, Any]) -> dict[str, Any]:
    """What besides the files decides a run's plan: the command line's ``options`` (plain
    values: paths as text), Python's version and executable, and :data:`ENV_KEYS`."""
    return {"options": options, "python": [sys.version, sys.executable],
            "env": {k: os.environ.get(k) for k in ENV_KEYS}}


def _walk(root: str, into: dict[str, list[int]], hidden: bool = False,
          seen: set[str] | None = None) -> None:
    """Add ``[size, mtime_ns, ctime_ns, inode]`` of every file under ``root`` to ``into`` (a
    link: of its target, and the link's text), and ``[-1, 0, 0, 0]`` for every folder (an
    empty one added or removed counts). ``__pycache__`` is skipped, and hidden entries unless
    ``hidden``, as :func:`valse.run.cachekeys.tree_hashes` skips them. A linked folder is
    followed once (``seen``: the real paths walked)."""
    seen = set() if seen is None else seen
    real = os.path.realpath(root)
    if real in seen:
        into[root] = [-4, 0, 0, 0]  # a folder already walked (a link loop)
        return
    try:
        entries = list(os.scandir(root))
    except FileNotFoundError:
        into[root] = [-2, 0, 0, 0]  # missing: it must still be missing
        return
    except NotADirectoryError:
        st = os.stat(root)
        into[root] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        return
    seen.add(real)
    into[root] = [-1, 0, 0, 0]
    for entry in entries:
        if (entry.name.startswith(".") and not hidden) or entry.name == "__pycache__":
            continue
        if entry.is_symlink():
            into[f"{entry.path} -> {os.readlink(entry.path)}"] = [-3, 0, 0, 0]
        if entry.is_dir():
            _walk(entry.path, into, hidden, seen)
        else:
            try:
                st = entry.stat()
            except FileNotFoundError:  # a dangling link
                into[entry.path] = [-2, 0, 0, 0]
                continue
            into[entry.path] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def fingerprint(roots: list[str], out: str, scenarios: list[str]) -> dict[str, list[int]]:
    """Size, time and inode of every file under ``roots``, of the output folder's own files
    and folders (not :data:`IGNORED_IN_OUT`), and of every file of the published
    ``scenarios`` (each a link to its run folder: the link's target is recorded too)."""
    found: dict[str, list[int]] = {}
    for root in roots:
        _walk(root, found)
    try:
        entries = list(os.scandir(out))
    except OSError:
        entries = []
    found[out] = [-1, 0, 0, 0]
    for entry in entries:
        if entry.name in IGNORED_IN_OUT:
            continue
        if entry.is_symlink():
            found[entry.path] = [-3, 0, 0, 0]
            found[f"{entry.path} -> {os.readlink(entry.path)}"] = [-3, 0, 0, 0]
        elif entry.is_file():
            st = entry.stat()
            found[entry.path] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        else:
            found[entry.path] = [-1, 0, 0, 0]
    for name in scenarios:
        published = os.path.join(out, name)
        if os.path.isdir(published):
            _walk(published + os.sep, found, hidden=True)
    return found


def _sha256(path: str) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def roots_of(options: dict[str, Any]) -> list[str]:
    """The folders and files a plan reads: the library, the data folder, the notebooks
    and the scenario files."""
    return [str(LIB), options["data"], options["notebooks"], *options["scenarios"]]


def taken(options: dict[str, Any]) -> dict[str, list[int]]:
    """The :func:`fingerprint` of what ``options``' plan reads (take it before the full check
    and give it to :func:`write`)."""
    return fingerprint(roots_of(options), options["out"], scenario_names(options))


def write(options: dict[str, Any], before: dict[str, list[int]]) -> bool:
    """Leave a stamp for ``options`` if nothing changed since ``before`` (a
    :func:`fingerprint` taken before the full check that found every scenario up to date).
    Returns whether it did. Files changed within :data:`RACY_NS` are recorded by content."""
    out = options["out"]
    scenarios = scenario_names(options)
    now = time.time_ns()
    found = fingerprint(roots_of(options), out, scenarios)
    if found != before:
        return False
    racy = {path: _sha256(path) for path, (size, _, ctime, _) in found.items()
            if size >= 0 and ctime >= now - RACY_NS}
    if any(digest is None for digest in racy.values()):
        return False
    stamp = {"version": VERSION, "key": key_of(options), "scenarios": scenarios,
             "taken_ns": now, "files": found, "racy": racy}
    tmp = os.path.join(out, f".valse-tmp-stamp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(stamp, fh, sort_keys=True)
        os.replace(tmp, os.path.join(out, STAMP))
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
    return True


def up_to_date(options: dict[str, Any]) -> list[str] | None:
    """The scenarios' names when the stamp in ``options["out"]`` was left with the same
    options and nothing it records changed (racy files compared by content); else None.

    A stamp whose racy files are now older than :data:`RACY_NS` is written again without
    them, so that later checks read no file."""
    try:
        with open(os.path.join(options["out"], STAMP), encoding="utf-8") as fh:
            stamp = json.load(fh)
    except (OSError, ValueError):
        return None
    try:
        if not isinstance(stamp, dict) or stamp.get("version") != VERSION:
            return None
        if stamp["key"] != json.loads(json.dumps(key_of(options))):
            return None
        scenarios = list(stamp["scenarios"])
        if scenarios != scenario_names(options):
            return None
        found = fingerprint(roots_of(options), options["out"], scenarios)
        if found != stamp["files"]:
            return None
        for path, digest in stamp["racy"].items():
            if _sha256(path) != digest:
                return None
    except (KeyError, TypeError, OSError):
        return None
    if stamp["racy"] and time.time_ns() - stamp["taken_ns"] > RACY_NS:
        write(options, found)  # without the files now out of the window
    return scenarios
