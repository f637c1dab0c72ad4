"""The output folder: what valse made there, what it may replace, and the run lock.

The runner deletes or replaces only what it can prove it made:

- a *run folder* ``OUT/.runs/<scenario>--<stamp>--<pid>/`` (or a failed run kept aside in
  ``OUT/.failed/``) is valse's when it is a real folder (not a link) directly under ``.runs``
  (``.failed``) holding the record :data:`MARKER` (a JSON file naming the scenario), or, for
  folders made before that record existed, a ``manifest.json`` naming the scenario and the
  valse version;
- a *published link* ``OUT/<scenario>`` is valse's when it is a symbolic link whose target is
  written ``.runs/<one name>`` (relative, no ``..``), whether or not that target still exists;
- the *index* ``OUT/index.html`` is valse's when it carries ``<meta name="generator"
  content="valse">`` (or, before that tag existed, the title ``valse: results``).

Anything else where valse would write is *in the way*: :func:`obstacles` lists each with what
to do, and the run stops with exit 2 before it changes anything. A link is never followed to
delete what it points to.

:class:`RunLock` holds a lock on ``OUT/.valse-lock`` (``filelock``) while a run writes; stale
build folders are recognised because the lock is free (no other run is writing), not by the
process ids in their names.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

RUNS = ".runs"
FAILED = ".failed"
MARKER = ".valse-run"
LOCK_NAME = ".valse-lock"
#: Prefix of the temporary files and links of a run (removed by the next run under the lock).
TMP_PREFIX = ".valse-tmp-"
GENERATOR_META = '<meta name="generator" content="valse">'
#: How much of the index is read to recognise it.
_INDEX_HEAD = 4096


class InTheWay(RuntimeError):
    """Something valse did not make is where it would write (exit 2)."""


class LockBusy(RuntimeError):
    """Another run holds the lock on the output folder and the caller would not wait."""


def write_marker(folder: Path, scenario: str) -> None:
    """Record in ``folder`` that valse made it for ``scenario``."""
    from valse import __version__

    (folder / MARKER).write_text(
        json.dumps({"made_by": "valse", "scenario": scenario, "valse": __version__}) + "\n",
        encoding="utf-8")


def _read_json(path: Path) -> Any:
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_our_run(folder: Path, out: Path) -> bool:
    """True when ``folder`` is a run folder valse made under ``out`` (see the module notes)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    if folder.parent.name not in (RUNS, FAILED) or folder.parent.parent != out:
        return False
    if (out / folder.parent.name).is_symlink():
        return False
    marker = _read_json(folder / MARKER)
    if isinstance(marker, dict) and marker.get("made_by") == "valse":
        return True
    manifest = _read_json(folder / "manifest.json")
    scenario = folder.name.split("--", 1)[0]
    return (isinstance(manifest, dict) and manifest.get("scenario") == scenario
            and "valse" in manifest and "notebooks" in manifest)


def link_target_name(out: Path, scenario: str) -> str | None:
    """The run folder name ``OUT/<scenario>`` points to when it is a link valse made, else
    None (absent, or not valse's: see :func:`obstacle`)."""
    link = out / scenario
    if not link.is_symlink():
        return None
    target = os.readlink(link)
    parts = Path(target).parts
    if os.path.isabs(target) or len(parts) != 2 or parts[0] != RUNS or parts[1] in ("..", "."):
        return None
    return parts[1]


def obstacle(out: Path, scenario: str) -> str | None:
    """Why valse may not replace ``OUT/<scenario>``, or None when it may."""
    link = out / scenario
    if not os.path.lexists(link):
        return None
    if link.is_symlink():
        name = link_target_name(out, scenario)
        if name is None:
            return (f"{link} is a symbolic link to {os.readlink(link)}, which valse did not "
                    f"make; valse publishes scenario {scenario!r} there. Remove or rename the "
                    "link (what it points to is left alone), or choose another --out")
        target = out / RUNS / name
        if os.path.lexists(target) and not is_our_run(target, out):
            return (f"{link} points to {target}, which valse did not make (no {MARKER} "
                    f"record); move it away, or choose another --out")
        return None
    kind = "folder" if link.is_dir() else "file"
    return (f"{link} is a {kind} valse did not make (valse publishes scenario {scenario!r} "
            f"there as a link into {RUNS}/); move or rename it, or choose another --out")


def index_obstacle(out: Path) -> str | None:
    """Why valse may not replace ``OUT/index.html``, or None when it may."""
    path = out / "index.html"
    if not os.path.lexists(path):
        return None
    if path.is_symlink() or not path.is_file():
        return (f"{path} is not a file valse wrote (a link or a folder); move it away, or "
                "choose another --out")
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(_INDEX_HEAD)
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror})"
    if GENERATOR_META in head or "<title>valse: results</title>" in head:
        return None
    return (f"{path} is a file valse did not write (no generator tag); valse writes its index "
            "there. Move or rename it, or choose another --out")


def obstacles(out: Path, scenarios: list[str]) -> list[str]:
    """Everything in the way of a run publishing ``scenarios`` under ``out``."""
    if not out.exists():
        return []
    found = []
    for sub in (RUNS, FAILED):
        path = out / sub
        if os.path.lexists(path) and (path.is_symlink() or not path.is_dir()):
            found.append(f"{path} is not a folder valse made (a link or a file); move it "
                         "away, or choose another --out")
    for name in scenarios:
        problem = obstacle(out, name)
        if problem:
            found.append(problem)
    problem = index_obstacle(out)
    if problem:
        found.append(problem)
    return found


def published_run(out: Path, scenario: str) -> Path | None:
    """The run folder valse published as ``OUT/<scenario>`` (existing, valse's), or None."""
    name = link_target_name(out, scenario)
    if name is None:
        return None
    target = out / RUNS / name
    return target if is_our_run(target, out) else None


def publish(out: Path, scenario: str, build: Path) -> None:
    """Point ``OUT/<scenario>`` at ``build`` atomically, then remove the previous run folder
    (only when valse made it). Raises InTheWay when the link is not valse's."""
    problem = obstacle(out, scenario)
    if problem:
        raise InTheWay(problem)
    previous = published_run(out, scenario)
    link = out / scenario
    tmp = out / f"{TMP_PREFIX}link-{scenario}-{os.getpid()}"
    if tmp.is_symlink():
        tmp.unlink()
    os.symlink(os.path.relpath(build, out), tmp)
    os.replace(tmp, link)
    if previous is not None and previous.resolve() != build.resolve():
        shutil.rmtree(previous, ignore_errors=True)


def clean_stale(out: Path) -> None:
    """Remove what dead runs left (call it holding the lock): unpublished run folders valse
    made, and its temporary files. Anything else is left alone."""
    if not out.is_dir():
        return
    published = {link_target_name(out, e.name) for e in out.iterdir() if e.is_symlink()}
    runs = out / RUNS
    if runs.is_dir() and not runs.is_symlink():
        for entry in runs.iterdir():
            if entry.name not in published and is_our_run(entry, out):
                shutil.rmtree(entry, ignore_errors=True)
    for entry in out.iterdir():
        if entry.name.startswith(TMP_PREFIX) and (entry.is_symlink() or entry.is_file()):
            entry.unlink(missing_ok=True)


def keep_failed(out: Path, scenario: str, build: Path) -> Path:
    """Move a failed build to ``OUT/.failed/`` (replacing the scenario's earlier failed run
    there, when valse made it) and return its new path."""
    folder = out / FAILED
    folder.mkdir(exist_ok=True)
    for entry in folder.iterdir():
        if entry.name.split("--", 1)[0] == scenario and is_our_run(entry, out):
            shutil.rmtree(entry, ignore_errors=True)
    dest = folder / build.name
    os.rename(build, dest)
    return dest


class RunLock:
    """An exclusive lock on the output folder, held while a run writes.

    ``wait=False``: raise :class:`LockBusy` at once when another run holds it; otherwise say
    so on ``stream`` and wait.
    """

    def __init__(self, out: Path, wait: bool = True, stream: Any = None) -> None:
        self.out, self.wait, self.stream = out, wait, stream
        self._lock: Any = None

    def __enter__(self) -> RunLock:
        from filelock import FileLock, Timeout

        self._lock = FileLock(str(self.out / LOCK_NAME))
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            if not self.wait:
                raise LockBusy(f"{self.out}: another valse run is writing to this output folder "
                               "(it holds the lock "
                               f"{self.out / LOCK_NAME}); try again when it has finished, "
                               "or run without --no-wait to wait for it") from None
            if self.stream is not None:
                print(f"waiting: another valse run is writing to {self.out} "
                      "(--no-wait to refuse instead)", file=self.stream, flush=True)
            self._lock.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._lock is not None:
            self._lock.release()
