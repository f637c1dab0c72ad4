"""Run the notebooks for each scenario, export them, and publish the results atomically.

The steps of :func:`run`:

1. **Plan** (light: no papermill, nbconvert or pandas import). Read every notebook's
   ``parameters`` cell (:mod:`valse.nbparams`), validate every scenario
   (:mod:`valse.data.scenarios`) and the output folder (nothing valse did not make in the way:
   :mod:`valse.outfolder`), and compute for each (scenario, notebook) an *input hash* over the
   notebook's source, the parameters injected into it, the library modules a kernel imports
   (the layers ``valse.model``, ``valse.data`` and ``valse.report``, templates included, not the
   runner: ``valse.run`` and :data:`RUNNER_MODULES`) and the data files it reads
   (:func:`data_dependencies`). A notebook whose hash matches its last successful run is up to
   date; when every notebook of every scenario is, nothing is rewritten. Otherwise every data
   file the notebooks read is validated (:mod:`valse.data.datacheck`) before anything is written,
   and the run takes the output folder's lock (:class:`valse.outfolder.RunLock`) and plans
   again under it. The console says why each notebook runs.
2. **Execute** the others in a pool of worker processes (``--jobs``). Each worker runs one
   notebook with papermill (kernels on the IPC transport, a per-notebook timeout) and exports
   its HTML pages in-process (:mod:`valse.run.export`). Notebooks whose name contains ``summary``
   run after the other notebooks of their scenario and get ``metrics_path``; a notebook
   that declares ``outputs_dir`` gets the output folder, where the scenarios are published.
3. **Publish**. Each scenario is built in ``OUT/.runs/<scenario>--<stamp>--<pid>/`` (marked
   as valse's); ``OUT/<scenario>`` is a symlink to the published run folder, swapped
   atomically with :func:`os.replace` once the build is complete; the previous run folder is
   then removed (only when valse made it). A build with a failed notebook that had good
   published results is kept in ``OUT/.failed/`` instead (``--publish-failed`` publishes it).
   Killing the run at any moment leaves the previous results intact and readable; stale build
   folders are cleaned at the next start, under the lock. ``OUT/index.html`` is then
   rewritten (temporary file and :func:`os.replace`) by :mod:`valse.run.site`. Workers, the fork
   server, the kernel zygote and the kernels die with the main process; kernel sockets and
   connection files live in a per-run temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from valse import __version__, outfolder
from valse.data.scenarios import Scenario, ScenarioError, declared_parameters, load_scenarios
from valse.nbparams import NotebookParamsError, Param, notebook_parameters
from valse.report.record import registry, sort_records
from valse.run.changes import changes_since, fact_fingerprints

KERNEL_NAME = "python3"
RUNS = outfolder.RUNS
#: Packages whose versions go into each manifest.
KEY_PACKAGES = ("papermill", "nbconvert", "nbclient", "nbformat", "jupyter_client", "ipykernel",
                "ipython", "pandas", "numpy", "scipy", "matplotlib", "pyyaml")
#: Environment of the kernels: no debugger "frozen modules" warning.
KERNEL_ENV = {"PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_PLATFORM_DIRS": "1",
              # dates ("as of" today) do not depend on the machine's time zone
              "TZ": "UTC"}
#: Defaults for the kernels unless set by the user: one BLAS/OpenMP thread per kernel, since
#: the pool already runs one kernel per core (and thread counts can change the last digits
#: of floating-point reductions, so results do not depend on the machine's core count).
KERNEL_ENV_DEFAULTS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                       "MKL_NUM_THREADS": "1"}


def set_kernel_env(data: Path | None = None) -> None:
    """Set the kernels' environment in this process (inherited by the kernels it starts):
    ``data`` is the data folder they read (:data:`valse.data.paths.DATA_ENV`)."""
    from valse.data.paths import DATA_ENV

    os.environ.update(KERNEL_ENV)
    if data is not None:
        os.environ[DATA_ENV] = str(Path(data).resolve())
    for key, value in KERNEL_ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class InvalidInput(ValueError):
    """The command line, a scenario or a notebook is invalid: nothing runs (exit 2)."""


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class NotebookSource:
    """A notebook of the collection: its name (file stem), path, declarations and hash."""

    name: str
    path: Path
    params: tuple[Param, ...]
    sha256: str

    @property
    def is_summary(self) -> bool:
        return "summary" in self.name

    @property
    def declared(self) -> dict[str, Param]:
        return {p.name: p for p in self.params}


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
    data_deps: list[str] = field(default_factory=list)  # data files in its input hash
    data_hash: str = ""  # hash of those files


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
        if path.is_file():
            hashes[rel.as_posix()] = sha256_file(path)
    return hashes


def combined_hash(hashes: dict[str, str]) -> str:
    return sha256_bytes(json.dumps(hashes, sort_keys=True).encode())


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
    notebooks = []
    problems = []
    for p in paths:
        try:
            params = tuple(notebook_parameters(p))
        except NotebookParamsError as exc:
            problems.append(str(exc))
            continue
        notebooks.append(NotebookSource(p.stem, p.resolve(), params, sha256_file(p)))
    if problems:
        raise InvalidInput("\n".join(problems))
    return notebooks


def injected_parameters(nb: NotebookSource, scenario: Scenario) -> dict[str, Any]:
    """Scenario values of the parameters ``nb`` declares (ints widened for ``float``), plus
    ``scenario_name`` and ``interactive=False`` when declared. Build paths are added later."""
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


def input_hash(nb: NotebookSource, parameters: dict[str, Any], lib_hash: str, data_hash: str,
               extra: str = "") -> str:
    """Hash of everything a notebook's results depend on."""
    key = {"notebook": nb.sha256, "parameters": parameters, "lib": lib_hash, "data": data_hash,
           "extra": extra, "valse": __version__, "python": sys.version.split()[0]}
    return sha256_bytes(canonical_json(key).encode())


# --------------------------------------------------------------------------- output folder


def published_target(out: Path, scenario: str) -> Path | None:
    """The run folder valse published as ``OUT/<scenario>`` (see :mod:`valse.outfolder`), or
    None: a folder or link valse did not make is never taken for a published run."""
    return outfolder.published_run(out, scenario)


def load_previous(out: Path, scenario: str) -> tuple[Path | None, dict[str, Any] | None]:
    folder = published_target(out, scenario)
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


def notebook_files(name: str) -> dict[str, str]:
    """Paths (relative to a scenario folder) of a notebook's published files."""
    return {"notebook": f"notebooks/{name}.ipynb", "reader": f"html/{name}.html",
            "full": f"html/{name}.full.html", "data": f"data/{name}"}


def previous_entry_usable(folder: Path | None, entry: dict[str, Any] | None) -> bool:
    if folder is None or not entry or not entry.get("results_ok"):
        return False
    files = notebook_files(entry["name"])
    return all((folder / files[k]).is_file() for k in ("notebook", "reader", "full"))


def records_of(folder: Path, name: str) -> list[dict[str, Any]]:
    """Metric records of a published notebook, read back from its executed copy."""
    from valse.report.record import metrics_from_notebook

    with open(folder / notebook_files(name)["notebook"], encoding="utf-8") as fh:
        return metrics_from_notebook(json.load(fh), name)


def dump_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, copy_function=_link_file, dirs_exist_ok=True)
    else:
        _link_file(src, dst)


#: Folder of a published scenario holding the fact base as a data package.
FACT_BASE_DIR = "factbase"


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


def _link_file(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# --------------------------------------------------------------------------- provenance


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


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- the worker

_KERNEL_MANAGERS: list[Any] = []
_EVENTS: Any = None


def _ipc_kernel_manager_class() -> type:
    """An AsyncKernelManager on the IPC transport, its sockets in a private temp folder."""
    import tempfile

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        """Kernel over local IPC sockets: no TCP port, no unencrypted-traffic warning."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.socket_dir = tempfile.mkdtemp(prefix="valse-k-",
                                               dir=os.environ.get(RUN_TMP_ENV) or None)
            self.transport = "ipc"
            self.ip = os.path.join(self.socket_dir, "k")
            _KERNEL_MANAGERS.append(self)

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts a kernel before shutting it down; an idle ipykernel 7
            # may then log "KeyboardInterrupt caught in kernel" at ERROR level. The shutdown
            # request (and a kill after it) is enough.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            cmd = super().format_kernel_cmd(extra_arguments)
            zygote = os.environ.get(ZYGOTE_ENV)
            if zygote and cmd[1:3] == ["-m", "ipykernel_launcher"]:
                # a tiny stand-in process asks the zygote for a forked kernel (see
                # start_zygote); it falls back to running ``cmd`` itself
                return [sys.executable, "-S", "-c", _FORK_CLIENT, zygote, *cmd]
            return cmd

    return IPCKernelManager


# --------------------------------------------------------------------------- kernel zygote
#
# Starting a kernel costs a new interpreter, ipykernel's imports and then the notebook's own
# imports (numpy, pandas, scipy, matplotlib): 1.5-2.5 s of CPU per notebook. The zygote is one
# process per run that imports ipykernel and those libraries once, then forks a fresh kernel
# process for each notebook. The kernel manager launches a stand-in (``_FORK_CLIENT``) instead
# of ``python -m ipykernel_launcher``: it passes its argv, cwd, environment and standard
# streams to the zygote, forwards signals (interrupt, terminate) to the forked kernel and exits
# when it exits; the kernel exits when the stand-in dies (a kill). Each kernel is still a new
# process with its own state; only already-imported modules are shared (copy-on-write), and
# its random generators are reseeded. Without a zygote (``VALSE_FORK_KERNELS=0``, or it failed
# to start) the stand-in runs the ordinary kernel command.

ZYGOTE_ENV = "VALSE_KERNEL_ZYGOTE"
#: Libraries worth importing once in the zygote when a notebook imports them. pyplot and
#: anything that imports it are left out: the inline backend must be set up in the kernel.
ZYGOTE_SAFE = ("numpy", "pandas", "scipy", "networkx", "numpy_financial", "matplotlib")
_MPL_INLINE = "module://matplotlib_inline.backend_inline"

_FORK_CLIENT = r"""
import json, os, select, signal, socket, sys, time
path, cmd = sys.argv[1], sys.argv[2:]
parent = os.getppid()
try:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(60)
    s.connect(path)
    body = json.dumps({"argv": cmd[3:], "cwd": os.getcwd(), "env": dict(os.environ),
                       "client": os.getpid()}).encode()
    socket.send_fds(s, [len(body).to_bytes(8, "big") + body], [0, 1, 2])
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = s.recv(64)
        if not chunk:
            raise OSError("no reply")
        reply += chunk
    pid = int(reply)
    s.close()
except Exception:
    os.execv(cmd[0], cmd)
def forward(signum, frame):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
            signal.SIGUSR2):
    signal.signal(sig, forward)
try:
    fd = os.pidfd_open(pid)
except (AttributeError, OSError):
    fd = None
while True:
    if fd is not None:
        try:
            select.select([fd], [], [], 1.0)
        except InterruptedError:
            pass
    else:
        time.sleep(0.05)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        break
    if os.getppid() != parent:  # the worker died (killed): the kernel goes with it
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        break
"""


def _imports_of(source: str, found: set[str]) -> None:
    import ast

    source = "\n".join(line for line in source.splitlines()
                       if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)


def notebook_imports(paths: Iterable[Path]) -> list[str]:
    """Module names imported at the top level of these notebooks' code cells and of the
    library's modules (which the notebooks import)."""
    found: set[str] = set()
    for path in paths:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                _imports_of("".join(source) if isinstance(source, list) else source, found)
    for module in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        _imports_of(module.read_text(encoding="utf-8"), found)
    return sorted(found)


def zygote_modules(imports: Iterable[str]) -> list[str]:
    """The imports worth preloading in the zygote (see :data:`ZYGOTE_SAFE`); for pyplot and
    the like, only their package."""
    unsafe = ("matplotlib.pyplot", "matplotlib.backends", "matplotlib.pylab", "pandas.plotting")
    keep = set()
    for m in imports:
        if m.split(".")[0] in ZYGOTE_SAFE:
            keep.add(m.split(".")[0] if m.startswith(unsafe) else m)
    return sorted(keep)


def _zygote_child(request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: become a fresh kernel process for the stand-in's request."""
    import random
    import threading as _threading

    os.setpgid(0, 0)
    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
    for fd in fds:
        if fd > 2:
            os.close(fd)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
        signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT
                      else signal.SIG_DFL)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.pop(ZYGOTE_ENV, None)
    if sys.path and sys.path[0] == _ZYGOTE_CWD:
        sys.path[0] = request["cwd"]
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    client = int(request["client"])

    def watch_client() -> None:
        try:
            fd = os.pidfd_open(client)
        except (AttributeError, OSError):
            fd = None
        import select

        while True:
            if fd is not None:
                select.select([fd], [], [], 1.0)
            else:
                time.sleep(0.5)
            try:
                os.kill(client, 0)
            except ProcessLookupError:
                os._exit(1)

    _threading.Thread(target=watch_client, daemon=True).start()
    sys.argv = ["ipykernel_launcher", *request["argv"]]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # read from the environment when ipykernel was imported (in the zygote): set it again
    app.parent_handle = int(os.environ.get("JPY_PARENT_PID") or 0)
    app.initialize(request["argv"])
    app.start()


_ZYGOTE_CWD = ""


def zygote_main(socket_path: str, modules: list[str]) -> None:
    """Serve forked kernels on ``socket_path`` after importing ``modules`` (runs as
    ``python -m valse.pipeline --zygote SOCKET MODULE...``)."""
    import importlib
    import socket

    global _ZYGOTE_CWD
    _ZYGOTE_CWD = sys.path[0] if sys.path else ""
    die_with_parent(signal.SIGTERM)
    parent = os.getppid()
    # listen at once: early stand-ins wait in the backlog while the libraries load
    server = socket.socket(socket.AF_UNIX)
    server.bind(socket_path)
    server.listen(64)
    os.environ.setdefault("MPLBACKEND", _MPL_INLINE)  # as ipykernel sets it, before matplotlib
    import ipykernel.kernelapp  # noqa: F401

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a failed preload is imported again by the notebook
            pass
    if "matplotlib.pyplot" in sys.modules or "IPython.core.interactiveshell" not in sys.modules:
        server.close()  # unsafe to fork from: the stand-ins fall back to ordinary kernels
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked kernels are reaped automatically
    server.settimeout(1.0)
    while os.getppid() == parent:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        conn.settimeout(10)
        try:
            head, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
            size = int.from_bytes(head[:8], "big")
            body = head[8:]
            while len(body) < size:
                chunk = conn.recv(size - len(body))
                if not chunk:
                    raise OSError("short request")
                body += chunk
            request = json.loads(body)
        except (OSError, ValueError):
            conn.close()
            continue
        pid = os.fork()
        if pid == 0:
            try:
                server.close()
                conn.close()
                _zygote_child(request, fds)
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)
        try:
            conn.sendall(f"{pid}\n".encode())
        except OSError:
            pass
        conn.close()


def start_zygote(notebooks: Iterable[Path]) -> tuple[Any, str] | None:
    """Start the kernel zygote for a run; return (process, socket path), or None when
    disabled (``VALSE_FORK_KERNELS=0``) or unavailable."""
    import tempfile

    if os.environ.get("VALSE_FORK_KERNELS", "1") == "0" or not hasattr(os, "fork") \
            or not hasattr(__import__("socket"), "send_fds"):
        return None
    folder = tempfile.mkdtemp(prefix="valse-z-", dir=os.environ.get(RUN_TMP_ENV) or None)
    path = os.path.join(folder, "zygote")
    modules = zygote_modules(notebook_imports(notebooks))
    proc = subprocess.Popen([sys.executable, "-m", "valse.pipeline", "--zygote", path, *modules],
                            stdin=subprocess.DEVNULL)
    return proc, path


def stop_zygote(zygote: tuple[Any, str] | None) -> None:
    if zygote is None:
        return
    proc, path = zygote
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


#: Seconds between saves of the notebook being executed (papermill saves it twice per cell,
#: which costs about a second of CPU on a notebook with 30 cells and charts); it is always
#: saved when execution ends, also on a timeout or a dead kernel.
SAVE_EVERY_S = 10.0


def _register_engine() -> None:
    """Register papermill engine ``valse``: nbclient, with throttled intermediate saves."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class ThrottledSaves(NotebookExecutionManager):
        _last_save = 0.0
        _final = False

        def save(self, **kwargs: Any) -> None:
            now = time.monotonic()
            if self._final or now - self._last_save >= SAVE_EVERY_S:
                self._last_save = now
                super().save(**kwargs)

        def notebook_complete(self, **kwargs: Any) -> None:
            self._final = True
            super().notebook_complete(**kwargs)

    class ValseEngine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb: Any, kernel_name: str, output_path: Any = None,
                             progress_bar: bool = True, log_output: bool = False,
                             autosave_cell_every: int = 30, **kwargs: Any) -> Any:
            nb_man = ThrottledSaves(nb, output_path=output_path, progress_bar=progress_bar,
                                    log_output=log_output,
                                    autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output,
                                             **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register("valse", ValseEngine)


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Have Linux send ``sig`` to this process when its parent exits (``prctl`` with
    ``PR_SET_PDEATHSIG``), so that killing the main process (as the OOM killer does) does not
    leave workers and the kernel zygote running. Does nothing where ``prctl`` is missing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig), 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


#: Environment variable naming the run's private temporary folder (kernel sockets,
#: connection files, the zygote's socket), removed when the run ends.
RUN_TMP_ENV = "VALSE_RUN_TMP"


#: Longest temporary folder path under which kernel sockets are made (an AF_UNIX path is at
#: most 107 bytes: ROOT/valse-run-XXXXXXXX/valse-k-XXXXXXXX/k-N).
MAX_TMP_ROOT = 60


def run_tmp_folder() -> tuple[str, Any]:
    """Create the run's temporary folder and hold a lock in it; remove the folders of runs
    that died without removing theirs (their lock is free). Returns (path, lock file)."""
    import fcntl
    import tempfile

    root = Path(tempfile.gettempdir())
    if len(str(root)) > MAX_TMP_ROOT and os.access("/tmp", os.W_OK):
        root = Path("/tmp")  # kernel socket paths must stay under the AF_UNIX limit
    for old in root.glob("valse-run-*"):
        try:
            if old.is_symlink() or not old.is_dir() or old.stat().st_uid != os.getuid():
                continue
            with open(old / "lock", "rb") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # in use by a live run, or not one of ours
        shutil.rmtree(old, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix="valse-run-", dir=root)
    lock = open(os.path.join(folder, "lock"), "wb")  # noqa: SIM115 - held for the whole run
    fcntl.flock(lock, fcntl.LOCK_EX)
    os.mkdir(os.path.join(folder, "runtime"))
    return folder, lock


def _worker_init(events: Any) -> None:
    """Initialise a worker: environment, heavy imports and exporters, done once."""
    global _EVENTS
    _EVENTS = events
    die_with_parent(signal.SIGTERM)  # on_term below: kill the kernels, then exit
    set_kernel_env()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it terminates us

    def on_term(signum: int, frame: Any) -> None:
        _kill_kernels()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    # valse.run.export first: it keeps a slow optional import out of nbformat
    from valse.run import export  # isort: skip
    import nbformat  # noqa: F401  # isort: skip
    import papermill  # noqa: F401  # isort: skip

    export._exporter(True)
    export._exporter(False)
    globals()["IPCKernelManager"] = _ipc_kernel_manager_class()
    _register_engine()


def _kill_kernels() -> None:
    for km in list(_KERNEL_MANAGERS):
        proc = getattr(getattr(km, "provisioner", None), "process", None)
        if proc is not None and proc.poll() is None:
            try:
                proc.kill()
            except OSError:
                pass


def _failing_cell(nb: Any) -> dict[str, Any] | None:
    """Locate the first failing cell of an executed notebook: its index among the source
    notebook's cells, execution count, first line and error."""
    index = -1
    last_started: dict[str, Any] | None = None
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", []) or []
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        index += 1
        if cell.get("cell_type") != "code":
            continue
        pm = cell.get("metadata", {}).get("papermill", {}) or {}
        source = cell.get("source", "")
        lines = [line for line in source.splitlines() if line.strip()]
        info = {"cell_index": index, "execution_count": cell.get("execution_count"),
                "first_line": lines[0] if lines else "", "cell": cell}
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors or pm.get("exception") or pm.get("status") in ("failed", "running"):
            if errors:
                info["ename"] = errors[0].get("ename", "")
                info["evalue"] = errors[0].get("evalue", "")
            return info
        if pm.get("start_time"):
            last_started = info  # a timeout or a dead kernel stops in the last started cell
    return last_started


def execute_job(spec: dict[str, Any]) -> dict[str, Any]:
    """Execute and export one notebook (runs in a worker process). Never raises."""
    import nbformat
    import papermill as pm

    from valse.report.record import metrics_from_notebook
    from valse.run import export

    start = time.monotonic()
    started_at = now_iso()
    name, scenario = spec["notebook"], spec["scenario"]
    if _EVENTS is not None:
        _EVENTS.put(("start", scenario, name))
    build = Path(spec["build"])
    files = {k: build / v for k, v in notebook_files(name).items()}
    for key in ("notebook", "reader"):
        files[key].parent.mkdir(parents=True, exist_ok=True)
    params = dict(spec["parameters"])
    if spec.get("artifacts"):
        files["data"].mkdir(parents=True, exist_ok=True)
        params["artifacts_dir"] = str(files["data"])
    if spec.get("metrics_path"):
        params["metrics_path"] = spec["metrics_path"]
    if spec.get("data_dir"):
        params["data_dir"] = spec["data_dir"]
    if spec.get("outputs_dir"):
        params["outputs_dir"] = spec["outputs_dir"]
    if spec.get("data_env"):  # the kernel inherits it (a fork server may predate this run)
        from valse.data.paths import DATA_ENV

        os.environ[DATA_ENV] = spec["data_env"]
    if spec.get("run_tmp"):  # kernel sockets and connection files in the run's folder
        os.environ[RUN_TMP_ENV] = spec["run_tmp"]
        os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(spec["run_tmp"], "runtime")
    error: dict[str, Any] | None = None
    timeout = spec["timeout"]
    timed_out = threading.Event()

    def on_timeout() -> None:
        timed_out.set()
        _kill_kernels()

    watchdog = threading.Timer(timeout, on_timeout)
    watchdog.daemon = True
    watchdog.start()
    try:
        pm.execute_notebook(
            spec["source"], str(files["notebook"]), parameters=params, kernel_name=KERNEL_NAME,
            cwd=spec["cwd"], progress_bar=False, log_output=False, report_mode=False,
            engine_name="valse",
            request_save_on_cell_execute=True, start_timeout=120, execution_timeout=timeout,
            kernel_manager_class=globals()["IPCKernelManager"],
        )
    except pm.PapermillExecutionError as exc:
        error = {"ename": exc.ename, "evalue": exc.evalue}
    except TimeoutError:
        timed_out.set()
    except BaseException as exc:  # noqa: BLE001 - any failure of one notebook is reported
        error = {"ename": type(exc).__name__, "evalue": str(exc).strip()[:2000]}
    finally:
        watchdog.cancel()
        _kill_kernels()
        for km in _KERNEL_MANAGERS:
            shutil.rmtree(km.socket_dir, ignore_errors=True)
        _KERNEL_MANAGERS.clear()
    if timed_out.is_set():
        error = {"ename": "Timeout", "evalue": f"notebook still running after {timeout:g} s"}
    records: list[dict[str, Any]] = []
    nb = None
    if files["notebook"].is_file():
        try:
            nb = nbformat.read(str(files["notebook"]), as_version=4)
        except Exception as exc:  # noqa: BLE001
            error = error or {"ename": type(exc).__name__, "evalue": str(exc)}
    elif error is None:
        error = {"ename": "MissingOutput", "evalue": "papermill wrote no notebook"}
    if nb is not None:
        if error is not None:
            found = _failing_cell(nb)
            if found:
                cell = found.pop("cell")
                if "ename" not in found:
                    # no error output (timeout, dead kernel): add one so readers see it
                    cell.setdefault("outputs", []).append(nbformat.v4.new_output(
                        "error", ename=error["ename"], evalue=error["evalue"], traceback=[]))
                    nbformat.write(nb, str(files["notebook"]))
                    found.update(ename=error["ename"], evalue=error["evalue"])
                if error.get("ename") == "Timeout":
                    found.update(ename=error["ename"], evalue=error["evalue"])
                error = {**error, **found}
        else:
            try:
                records = metrics_from_notebook(nb, name)
            except ValueError as exc:
                error = {"ename": type(exc).__name__, "evalue": f"bad metric record: {exc}"}
        try:
            export.export_pages(nb, files["reader"], files["full"], title=f"{name} ({scenario})")
        except Exception as exc:  # noqa: BLE001
            error = error or {"ename": type(exc).__name__, "evalue": f"HTML export: {exc}"}
    if files["data"].is_dir() and not any(files["data"].iterdir()):
        files["data"].rmdir()
        if not any(files["data"].parent.iterdir()):
            files["data"].parent.rmdir()
    return {"scenario": scenario, "notebook": name, "ok": error is None, "error": error,
            "records": records, "duration_s": time.monotonic() - start,
            "executed_at": started_at}


# --------------------------------------------------------------------------- the run


@dataclass
class ScenarioRun:
    scenario: Scenario
    previous_folder: Path | None
    previous: dict[str, Any] | None
    jobs: dict[str, Job]
    selected: set[str]
    build: Path | None = None


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


class Console:
    """Progress lines (``[base] 00_overview ... ok 4.2s``) and a tqdm bar on a terminal."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.bar = None
        self.lock = threading.Lock()
        if total and hasattr(self.stream, "isatty") and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="nb", leave=False,
                            dynamic_ncols=True)

    def line(self, text: str) -> None:
        with self.lock:
            if self.bar is not None:
                self.bar.write(text, file=self.stream)
            else:
                print(text, file=self.stream, flush=True)

    def advance(self) -> None:
        if self.bar is not None:
            with self.lock:
                self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _describe_error(error: dict[str, Any] | None) -> str:
    if not error:
        return ""
    where = ""
    if "cell_index" in error:
        count = error.get("execution_count")
        where = f"cell {error['cell_index']}" + (f" (In [{count}])" if count else "")
        if error.get("first_line"):
            where += f" `{error['first_line'][:60]}`"
        where += ": "
    evalue = (error.get("evalue") or "").splitlines()
    return f"{where}{error.get('ename', 'error')}: {evalue[0][:200] if evalue else ''}".rstrip()


#: The runner's own modules: a kernel never imports them, so they are not in the notebooks'
#: input hashes (editing the index or the console re-runs nothing).
RUNNER_MODULES = frozenset({"pipeline.py", "__main__.py", "outfolder.py",
                            "data/datacheck.py", "forkserver_guard.py"})
#: The runner's layer (``valse.run``): never imported by a kernel.
RUNNER_LAYER = "run/"


def kernel_lib_files() -> dict[str, str]:
    """{file: sha256} of the library modules a kernel may import (all but
    :data:`RUNNER_MODULES`)."""
    return {k: v for k, v in tree_hashes(Path(__file__).resolve().parent, "**/*").items()
            if k not in RUNNER_MODULES and not k.startswith(RUNNER_LAYER)
            and (k.endswith(".py") or k.endswith(".j2"))}


def data_dependencies(nb: NotebookSource, data_files: dict[str, str]) -> list[str]:
    """The data files in a notebook's input hash: those it reads
    (:func:`valse.data.datacheck.notebook_reads`, every scenario file when it reads them all), or,
    when its code calls no known loader, every data file but the scenario files (its own
    scenario's parameters are in the hash already)."""
    from valse.data.datacheck import notebook_reads

    reads, scenarios = notebook_reads(nb.path)
    if reads or scenarios:
        return sorted(f for f in data_files
                      if f in reads or (scenarios and f.startswith("scenarios/")))
    return sorted(f for f in data_files if not f.startswith("scenarios/"))


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
                 if f not in RUNNER_MODULES and not f.startswith(RUNNER_LAYER)
                 and old_lib.get(f) != new_lib.get(f))
    reasons += [f"library {f} changed" for f in lib[:3]]
    if not reasons and job.notebook.is_summary:
        reasons.append("the other notebooks' metrics changed")
    if not reasons and not previous_entry_usable(run.previous_folder, entry):
        reasons.append("published files missing")
    return ", ".join(reasons[:6]) or "valse or Python version changed"


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
    lib_files = kernel_lib_files()
    data_files = tree_hashes(opts.data)
    inputs = {"lib_sha256": combined_hash(lib_files), "data_sha256": combined_hash(data_files),
              "lib_files": lib_files, "data_files": data_files,
              "notebooks": {nb.name: nb.sha256 for nb in notebooks}}
    selected = set(opts.only) if opts.only else {nb.name for nb in notebooks}
    deps: dict[str, list[str]] = {}
    runs = []
    for sc in scenarios:
        prev_folder, prev = load_previous(opts.out, sc.name)
        prev_entries = {e["name"]: e for e in (prev or {}).get("notebooks", [])}
        jobs: dict[str, Job] = {}
        for nb in notebooks:
            if nb.name not in selected:
                entry = prev_entries.get(nb.name)
                if entry is None or not (prev_folder and
                                         (prev_folder / notebook_files(nb.name)["notebook"])
                                         .is_file()):
                    continue  # never run for this scenario: stays absent
            params = injected_parameters(nb, sc)
            job = Job(sc.name, nb, params)
            job.data_deps = deps.get(nb.name) or data_dependencies(nb, data_files)
            deps[nb.name] = job.data_deps
            job.data_hash = combined_hash({f: data_files[f] for f in job.data_deps})
            if not nb.is_summary:
                job.input_hash = input_hash(nb, params, inputs["lib_sha256"], job.data_hash)
            jobs[nb.name] = job
        runs.append(ScenarioRun(sc, prev_folder, prev, jobs, selected & set(jobs)))
    return runs, inputs


def _cached(run: ScenarioRun, job: Job, force: bool) -> bool:
    if force or run.previous is None:
        return False
    entry = next((e for e in run.previous.get("notebooks", []) if e["name"] == job.notebook.name),
                 None)
    return (entry is not None and entry.get("input_hash") == job.input_hash
            and previous_entry_usable(run.previous_folder, entry))


def summary_hash(job: Job, inputs: dict[str, Any], records: Iterable[dict[str, Any]]) -> str:
    """Input hash of a summary notebook: its own inputs plus the metrics it reads."""
    extra = sha256_bytes(canonical_json(sort_records(records)).encode())
    return input_hash(job.notebook, job.parameters, inputs["lib_sha256"], job.data_hash,
                      extra="metrics:" + extra)


def _previous_records(run: ScenarioRun, names: Iterable[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name in names:
        out += records_of(run.previous_folder, name)  # type: ignore[arg-type]
    return out


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
        if job.notebook.name in run.selected and not _cached(run, job, False):
            return False
    summaries = [j for j in run.jobs.values() if j.notebook.is_summary]
    if summaries:
        ok_others = [j.notebook.name for j in others
                     if previous_entry_usable(run.previous_folder, entries.get(j.notebook.name))]
        records = _previous_records(run, ok_others)
        for job in summaries:
            job.input_hash = summary_hash(job, inputs, records)
            if job.notebook.name in run.selected and not _cached(run, job, False):
                return False
    # everything selected is cached; non-selected entries are carried as they are
    return all(entries[name].get("results_ok") or name not in run.selected for name in entries)


def _spec(run: ScenarioRun, job: Job, opts: Options, metrics_path: str | None) -> dict[str, Any]:
    declared = job.notebook.declared
    return {
        "scenario": run.scenario.name, "notebook": job.notebook.name,
        "source": str(job.notebook.path), "build": str(run.build),
        "parameters": job.parameters, "cwd": str(job.notebook.path.parent),
        "timeout": opts.timeout,
        "data_env": str(opts.data.resolve()),  # what the kernel reads (valse.data.paths.data_dir)
        "run_tmp": os.environ.get(RUN_TMP_ENV),
        "artifacts": "artifacts_dir" in declared,
        "metrics_path": metrics_path if "metrics_path" in declared else None,
        "data_dir": str(opts.data.resolve()) if "data_dir" in declared else None,
        "outputs_dir": str(opts.out.resolve()) if "outputs_dir" in declared else None,
    }


def _carry(run: ScenarioRun, job: Job) -> None:
    """Bring a notebook's previous results into the new build."""
    assert run.previous_folder is not None and run.build is not None
    entry = next(e for e in run.previous["notebooks"] if e["name"] == job.notebook.name)  # type: ignore[index]
    for rel in notebook_files(job.notebook.name).values():
        src = run.previous_folder / rel
        if src.exists():
            link_or_copy(src, run.build / rel)
    job.executed_at = entry.get("executed_at")
    job.last_execution_s = entry.get("last_execution_s")
    job.duration_s = 0.0
    if entry.get("results_ok"):
        job.records = records_of(run.previous_folder, job.notebook.name)
    else:
        job.error = entry.get("error")


def _manifest(run: ScenarioRun, opts: Options, inputs: dict[str, Any], started: str,
              finished: str, versions: dict[str, Any], git: dict[str, Any]) -> dict[str, Any]:
    prev_entries = {e["name"]: e for e in (run.previous or {}).get("notebooks", [])}
    entries = []
    for name, job in sorted(run.jobs.items()):
        results_ok = job.status == "ok" or (job.status == "skipped" and job.error is None and (
            job.reason == "cached" or bool(prev_entries.get(name, {}).get("results_ok"))))
        entry = {
            "name": name,
            "status": job.status,
            "reason": job.reason or None,
            "results_ok": results_ok,
            "duration_s": round(job.duration_s, 3),
            "last_execution_s": (round(job.duration_s, 3) if job.status in ("ok", "failed")
                                 else job.last_execution_s),
            "executed_at": job.executed_at,
            "input_hash": job.input_hash if job.status != "skipped" or job.reason == "cached"
            else prev_entries.get(name, {}).get("input_hash"),
            "source_sha256": job.notebook.sha256,
            "data_files": job.data_deps,
            "parameters": job.parameters,
            "error": job.error,
            "metrics": len(job.records),
            "files": {k: v for k, v in notebook_files(name).items()
                      if run.build is not None and (run.build / v).exists()},
        }
        entries.append(entry)
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


def _new_build(out: Path, scenario: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    build = out / RUNS / f"{scenario}--{stamp}--{os.getpid()}"
    build.mkdir(parents=True)
    outfolder.write_marker(build, scenario)  # the record that valse made it
    for sub in ("notebooks", "html"):
        (build / sub).mkdir(parents=True, exist_ok=True)
    return build


def execute(runs: list[ScenarioRun], inputs: dict[str, Any], opts: Options,
            console_stream: Any = None) -> int:
    """Build, execute, export and publish every scenario that is not up to date."""
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    started = now_iso()
    out = opts.out
    out.mkdir(parents=True, exist_ok=True)
    outfolder.clean_stale(out)  # the caller holds the lock: no other run is writing
    saved_env = {k: os.environ.get(k) for k in (RUN_TMP_ENV, "JUPYTER_RUNTIME_DIR", "TZ",
                                                *KERNEL_ENV)}
    set_kernel_env()  # the data folder goes to the kernels with each job (_spec)
    run_tmp, run_tmp_lock = run_tmp_folder()
    os.environ[RUN_TMP_ENV] = run_tmp
    os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(run_tmp, "runtime")
    todo: list[tuple[ScenarioRun, Job]] = []
    for run in runs:
        run.build = _new_build(out, run.scenario.name)
        for job in run.jobs.values():
            if job.notebook.name not in run.selected:
                job.status, job.reason = "skipped", "not selected"
                _carry(run, job)
        prev_entries = {e["name"]: e for e in (run.previous or {}).get("notebooks", [])}
        for job in run.jobs.values():
            if job.notebook.name in run.selected:
                job.last_execution_s = prev_entries.get(job.notebook.name, {}).get(
                    "last_execution_s")
                todo.append((run, job))
    # longest first (the last known execution time, else the source size), so that the
    # pool's workers finish close together
    todo.sort(key=lambda rj: (rj[1].last_execution_s is None, -(rj[1].last_execution_s or 0),
                              -rj[1].notebook.path.stat().st_size))
    console = Console(len(todo), console_stream)
    zygote = start_zygote(sorted({job.notebook.path for _, job in todo}))
    if zygote is not None:
        os.environ[ZYGOTE_ENV] = zygote[1]
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["valse.forkserver_guard", "valse.run.export", "valse.pipeline",
                                "papermill", "nbformat"])
    events = ctx.SimpleQueue()
    n_workers = max(1, min(opts.jobs, len(todo)))
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx,
                               initializer=_worker_init, initargs=(events,))
    futures: dict[Future, tuple[ScenarioRun, Job]] = {}
    reasons: dict[tuple[str, str], str] = {}  # why each notebook runs, for the console
    stop_events = threading.Event()

    def pump_events() -> None:
        while not stop_events.is_set():
            msg = events.get()
            if msg is None:
                return
            _, scenario, name = msg
            why = reasons.get((scenario, name))
            console.line(f"[{scenario}] {name} ... started" + (f" ({why})" if why else ""))

    reader = threading.Thread(target=pump_events, daemon=True)
    reader.start()
    any_failed = False

    def finish(run: ScenarioRun, job: Job, result: dict[str, Any]) -> None:
        nonlocal any_failed
        job.duration_s = result["duration_s"]
        job.executed_at = result.get("executed_at")
        job.records = result["records"]
        job.error = result["error"]
        job.status = "ok" if result["ok"] else "failed"
        any_failed = any_failed or not result["ok"]
        detail = f" {_describe_error(job.error)}" if job.error else ""
        console.line(f"[{run.scenario.name}] {job.notebook.name} ... "
                     f"{'ok' if result['ok'] else 'FAILED'} {job.duration_s:.1f}s{detail}")
        console.advance()

    def start(run: ScenarioRun, job: Job) -> None:
        """Run ``job`` or carry its previous results when it is up to date."""
        if job.notebook.is_summary:
            others = [j for j in run.jobs.values() if not j.notebook.is_summary
                      and j.error is None and j.status in ("ok", "skipped")]
            records = sort_records(r for j in others for r in j.records)
            metrics_path = run.build / ".work" / "metrics_so_far.json"  # type: ignore[operator]
            metrics_path.parent.mkdir(exist_ok=True)
            metrics_path.write_text(dump_json(records), encoding="utf-8")
            job.input_hash = summary_hash(job, inputs, records)
        else:
            metrics_path = None
        if _cached(run, job, opts.force):
            _carry(run, job)
            job.status, job.reason = "skipped", "cached"
            console.line(f"[{run.scenario.name}] {job.notebook.name} ... up to date")
            console.advance()
            return
        reasons[(run.scenario.name, job.notebook.name)] = rerun_reason(run, job, inputs,
                                                                         opts.force)
        spec = _spec(run, job, opts, str(metrics_path) if metrics_path else None)
        futures[pool.submit(execute_job, spec)] = (run, job)

    def phase_done(run: ScenarioRun) -> bool:
        return all(j.status != "pending" for j in run.jobs.values()
                   if not j.notebook.is_summary and j.notebook.name in run.selected)

    summaries_started: set[str] = set()

    def advance_summaries() -> None:
        for run in runs:
            if run.scenario.name in summaries_started or not phase_done(run):
                continue
            summaries_started.add(run.scenario.name)
            for job in run.jobs.values():
                if job.notebook.is_summary and job.notebook.name in run.selected:
                    start(run, job)

    versions = package_versions()
    git = git_state(opts.notebooks.resolve().parent)
    published: set[str] = set()

    def publish_ready() -> None:
        for run in runs:
            name = run.scenario.name
            if name in published or any(j.status == "pending" for j in run.jobs.values()):
                continue
            assert run.build is not None
            shutil.rmtree(run.build / ".work", ignore_errors=True)
            records = sort_records(r for j in run.jobs.values() if j.error is None
                                   for r in j.records)
            (run.build / "metrics.json").write_text(dump_json(records), encoding="utf-8")
            manifest = _manifest(run, opts, inputs, started, now_iso(), versions, git)
            manifest["facts"] = fact_fingerprints(opts.data / "facts.csv")
            manifest["fact_base"] = publish_fact_base(opts.data, run.build)
            previous_records = (records_of_run(run.previous_folder)
                                if run.previous_folder is not None else [])
            manifest["changes"] = changes_since(run.previous, previous_records, manifest,
                                                records)
            (run.build / "manifest.json").write_text(dump_json(manifest), encoding="utf-8")
            keep = may_publish(run, manifest, opts)
            published.add(name)  # from here the build is published or kept aside
            if keep is None:
                outfolder.publish(out, name, run.build)
            else:
                kept = outfolder.keep_failed(out, name, run.build)
                run.build = None
                console.line(f"[{name}] not published: {keep}; the previous results stay "
                             f"published; this run is kept in {kept} (--publish-failed "
                             "publishes a failed run anyway)")

    interrupted: BaseException | None = None
    previous_term = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        for run, job in todo:
            if not job.notebook.is_summary:
                start(run, job)
        advance_summaries()
        publish_ready()
        while futures:
            done, _ = wait(list(futures), return_when=FIRST_COMPLETED)
            for fut in done:
                run, job = futures.pop(fut)
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - a worker died
                    result = {"ok": False, "records": [], "duration_s": 0.0,
                              "error": {"ename": type(exc).__name__, "evalue": str(exc)}}
                finish(run, job, result)
            advance_summaries()
            publish_ready()
    except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt, SIGTERM
        interrupted = exc
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        if interrupted is not None:
            _terminate_pool(pool)
        else:
            pool.shutdown(wait=True)
        stop_zygote(zygote)
        os.environ.pop(ZYGOTE_ENV, None)
        stop_events.set()
        try:
            events.put(None)
        except OSError:
            pass
        console.close()
        for run in runs:
            if run.scenario.name not in published and run.build is not None:
                shutil.rmtree(run.build, ignore_errors=True)
        shutil.rmtree(run_tmp, ignore_errors=True)
        run_tmp_lock.close()
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if interrupted is not None:
        if isinstance(interrupted, KeyboardInterrupt):
            print("interrupted: previous results left as they were", file=sys.stderr)
            return 130
        raise interrupted
    from valse.run import site

    site.write_index(out)
    return 1 if any_failed else 0


def _terminate_pool(pool: Any) -> None:
    """Stop the workers (their kernels are stopped by nbclient's signal handlers)."""
    procs = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.terminate()
        except OSError:
            pass
    for proc in procs:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()


EXIT_LOCKED = 3  # --no-wait and another run holds the lock on the output folder


def check_output_folder(out: Path, scenarios: Iterable[str]) -> None:
    """Raise InvalidInput when ``out`` cannot be created or written, or when something valse
    did not make is where it would write (:func:`valse.outfolder.obstacles`)."""
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
    known |= set(registry())  # the metric registry, lib/valse/report/metrics_registry.csv
    problems = datacheck.validate_data(opts.data, needed, known, only_needed=True)
    if problems:
        shown = problems[:MAX_DATA_PROBLEMS]
        more = len(problems) - len(shown)
        raise InvalidInput(f"invalid data in {opts.data} (nothing ran, nothing under the "
                           "output folder changed):\n  " + "\n  ".join(shown)
                           + (f"\n  … and {more} more" if more else ""))


#: Data problems listed in the message (the others are counted).
MAX_DATA_PROBLEMS = 60


def run(opts: Options, stream: Any = None) -> int:
    """Validate, plan, then execute what is needed holding the output folder's lock.

    Returns the exit code: 0 ok, 1 a notebook failed, 2 invalid input (nothing changed),
    3 another run holds the lock and ``opts.wait`` is False.
    """
    stream = stream or sys.stderr
    try:
        runs, inputs = plan(opts)
        check_output_folder(opts.out, [r.scenario.name for r in runs])
    except InvalidInput as exc:
        print(f"error: {exc}", file=stream)
        return 2
    index_ok = (opts.out / "index.html").is_file()
    if index_ok and all(up_to_date(r, opts, inputs) for r in runs):
        names = ", ".join(r.scenario.name for r in runs)
        print(f"everything is up to date ({names}); nothing to do", file=stream)
        return 0
    try:
        check_data(opts, runs)
    except InvalidInput as exc:
        print(f"error: {exc}", file=stream)
        return 2
    try:
        opts.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: --out {opts.out}: cannot create the output folder ({exc.strerror})",
              file=stream)
        return 2
    try:
        with outfolder.RunLock(opts.out, wait=opts.wait, stream=stream):
            # again under the lock: another run may have published in the meantime
            runs, inputs = plan(opts)
            check_output_folder(opts.out, [r.scenario.name for r in runs])
            if all(up_to_date(r, opts, inputs) for r in runs):
                from valse.run import site

                site.write_index(opts.out)
                names = ", ".join(r.scenario.name for r in runs)
                print(f"everything is up to date ({names}); nothing to do", file=stream)
                return 0
            return execute(runs, inputs, opts, stream)
    except outfolder.LockBusy as exc:
        print(f"error: {exc}", file=stream)
        return EXIT_LOCKED
    except (InvalidInput, outfolder.InTheWay) as exc:
        print(f"error: {exc}", file=stream)
        return 2
    except OSError as exc:  # a full disk, a folder removed under the run
        print(f"error: could not write under {opts.out}: {exc}; the results published "
              "before this run are left as they were", file=stream)
        return 2


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--zygote":
        zygote_main(sys.argv[2], sys.argv[3:])
