"""The kernel fork server: one process per run that imports ipykernel and the notebooks'
libraries once, then forks a fresh kernel process for each notebook.

Starting a kernel costs a new interpreter, ipykernel's imports and then the notebook's own
imports (numpy, pandas, scipy, matplotlib); the fork server pays them once per run. The
kernel manager (:func:`valse.run.kernels.ipc_kernel_manager_class`) launches the stand-in
:mod:`valse.run.forkclient` instead of ``python -m ipykernel_launcher``
(:func:`kernel_command`); it passes its argv, cwd, environment and standard streams to this
server and waits for the forked kernel.

Fork safety. A process may only be forked safely when nothing in it depends on a thread, a
lock held by another thread, or a connection that the child would share. The server forks
only when :func:`fork_safety_problem` finds nothing: one thread (Python's and the OS's:
BLAS pools are held at one thread by the kernels' environment), no pyplot (its backend is set
up by the kernel), no IPython shell or kernel application made yet, no ZeroMQ context (not
fork-safe) and no running event loop. Otherwise it says why on stderr and removes its socket:
every stand-in then starts an ordinary kernel. Each forked kernel is a new
process with its own state: only already-imported modules are shared (copy-on-write); it gets
the stand-in's environment, cwd and streams, a process group of its own, default signal
handlers and reseeded random generators (``random``, numpy's legacy global one).

A run starts it before validating its data (:func:`valse.run.pool.start_fork_server`), so that
its imports overlap the validation, the planning and the workers' start. Its socket appears
only once it is ready to fork: a kernel asked for before that starts the ordinary way at once
instead of waiting on the run's critical path.

It is off by default (see :data:`DEFAULT_ON` for the measurements); ``VALSE_FORK_KERNELS=1``
turns it on for a run, ``0`` off (``make bench`` times the run both ways).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ZYGOTE_ENV = "VALSE_KERNEL_ZYGOTE"
DISABLE_ENV = "VALSE_FORK_KERNELS"
#: Whether a run starts the fork server when ``VALSE_FORK_KERNELS`` is not set (``1`` turns it
#: on, ``0`` off, whatever this says). Off: #11 §4 keeps it on only if it saves at least a
#: fifth of a cold run, and it does not. Measured (base scenario, ``--jobs 2 --force``, 2
#: cores): 20.6% saved once on an idle machine; under load it saved nothing or cost time
#: (2026-12-02, ``make bench`` with both settings interleaved in one round at load average
#: 9.8: on 99.6 s, off 98.1 s; earlier, not interleaved, at load 6.6-9.1: on 55.4 / 46.5 s,
#: off 29.2 / 30.7 s). Why: the server imports the union of every notebook's libraries
#: (1.6 s of CPU, 6.5 s of wall time at load 9) in one process while the first two kernels
#: wait for it, on the critical path of the run; a forked kernel still imports pyplot, the
#: inline backend and valse itself, so each later kernel saves only about 1.3 s of CPU of a
#: notebook's several; and a shared machine gives the one importing process one share of
#: the cores where two kernels importing side by side get two. On 2026-12-03 (``make bench
#: --repeat 3``, load 0.8-1.8) it saved 13%, 14% and 24% round by round (24% fastest against
#: fastest), on 2026-12-02 (load 1.3-2.3) 4%, 10% and 10%. Later on 2026-12-03, with the
#: notebooks' own work cut to 34 s: 14% and 31% in one bench, 5% and 5% in the next (load
#: 2.1-2.4). Then started before validation, its socket shown only once ready (no kernel waits
#: behind its imports): 25% once on an idle machine, 13% and -5% (``make bench --repeat 2``,
#: load 0.4-1.7), 26% and 10% (``--no-report --no-panels``, load 0.7-1.3): not a fifth
#: reliably, so still off.
DEFAULT_ON = False
CLIENT = Path(__file__).resolve().with_name("forkclient.py")
#: Libraries worth importing once in the fork server when a notebook imports them. pyplot and
#: anything that imports it are left out: the inline backend must be set up in the kernel.
ZYGOTE_SAFE = ("numpy", "pandas", "scipy", "networkx", "numpy_financial", "matplotlib",
               "jinja2", "yaml")
UNSAFE_SUBMODULES = ("matplotlib.pyplot", "matplotlib.backends", "matplotlib.pylab",
                     "pandas.plotting")
_MPL_INLINE = "module://matplotlib_inline.backend_inline"
_SERVER_CWD = ""


def kernel_command(cmd: list[str]) -> list[str]:
    """The command a kernel manager runs for ``cmd``: the stand-in when this run has a fork
    server and ``cmd`` is the ordinary ipykernel command, else ``cmd``."""
    zygote = os.environ.get(ZYGOTE_ENV)
    if zygote and cmd[1:3] == ["-m", "ipykernel_launcher"]:
        return [sys.executable, "-S", str(CLIENT), zygote, *cmd]
    return cmd


def _imports_of(source: str, found: set[str]) -> None:
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
    library modules a kernel may import (:func:`valse.run.cachekeys.kernel_lib_files`)."""
    from valse.run.cachekeys import LIB, is_runner_file

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
    for module in sorted(LIB.rglob("*.py")):
        if not is_runner_file(module.relative_to(LIB).as_posix()):
            _imports_of(module.read_text(encoding="utf-8"), found)
    return sorted(found)


def zygote_modules(imports: Iterable[str]) -> list[str]:
    """The imports worth preloading (see :data:`ZYGOTE_SAFE`); for pyplot and the like, only
    their package."""
    keep = set()
    for m in imports:
        if m.split(".")[0] in ZYGOTE_SAFE:
            keep.add(m.split(".")[0] if m.startswith(UNSAFE_SUBMODULES) else m)
    return sorted(keep)


def os_threads() -> int:
    """Threads of this process as the OS counts them (1 where /proc is missing)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def fork_safety_problem() -> str | None:
    """Why forking this process now would not be safe (see the module's docstring), or None."""
    import threading

    if threading.active_count() > 1:
        names = ", ".join(t.name for t in threading.enumerate()
                          if t is not threading.current_thread())
        return f"{threading.active_count()} Python threads ({names})"
    if os_threads() > 1:
        return f"{os_threads()} OS threads (a library started a thread pool)"
    if "matplotlib.pyplot" in sys.modules:
        return "matplotlib.pyplot is imported (its backend belongs to the kernel)"
    ishell = sys.modules.get("IPython.core.interactiveshell")
    if ishell is not None and ishell.InteractiveShell.initialized():
        return "an IPython shell exists"
    kernelapp = sys.modules.get("ipykernel.kernelapp")
    if kernelapp is None:
        return "ipykernel could not be imported"
    if kernelapp.IPKernelApp.initialized():
        return "a kernel application exists"
    zmq = sys.modules.get("zmq")
    if zmq is not None and getattr(zmq.Context, "_instance", None) is not None:
        return "a ZeroMQ context exists"
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None
    return "an event loop is running"


def _child(request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: become a fresh kernel process for the stand-in's request."""
    import random
    import threading

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
    if sys.path and sys.path[0] == _SERVER_CWD:
        sys.path[0] = request["cwd"]
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    client = int(request["client"])

    def watch_client() -> None:  # the stand-in was killed: so is its kernel
        import select

        try:
            fd = os.pidfd_open(client)
        except (AttributeError, OSError):
            fd = None
        while True:
            if fd is not None:
                select.select([fd], [], [], 1.0)
            else:
                time.sleep(0.5)
            try:
                os.kill(client, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=watch_client, daemon=True).start()
    sys.argv = ["ipykernel_launcher", *request["argv"]]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # read from the environment when ipykernel was imported (in the server): set it again
    app.parent_handle = int(os.environ.get("JPY_PARENT_PID") or 0)
    app.initialize(request["argv"])
    app.start()


def _receive(conn: Any) -> tuple[dict[str, Any], list[int]]:
    import socket

    head, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    size = int.from_bytes(head[:8], "big")
    body = head[8:]
    while len(body) < size:
        chunk = conn.recv(size - len(body))
        if not chunk:
            raise OSError("short request")
        body += chunk
    return json.loads(body), list(fds)


def serve(socket_path: str, notebooks: list[str]) -> None:
    """Serve forked kernels on ``socket_path`` after importing what the ``notebooks`` import
    (:func:`zygote_modules`: found here, not in the run's process, where reading the library
    would delay the first kernels), until the parent exits (runs as
    ``python -m valse.run.forkserver SOCKET NOTEBOOK...``)."""
    import importlib
    import socket

    from valse.run.kernels import die_with_parent

    global _SERVER_CWD
    _SERVER_CWD = sys.path[0] if sys.path else ""
    die_with_parent(signal.SIGTERM)
    parent = os.getppid()
    # bound under another name while the libraries load, then renamed: a stand-in that comes
    # before the server is ready finds no socket and starts its kernel the ordinary way at
    # once, rather than wait behind the imports on the run's critical path
    loading = f"{socket_path}.loading"
    server = socket.socket(socket.AF_UNIX)
    server.bind(loading)
    server.listen(64)
    os.environ.setdefault("MPLBACKEND", _MPL_INLINE)  # as ipykernel sets it, before matplotlib
    try:
        import ipykernel.kernelapp  # noqa: F401
    except Exception:  # noqa: BLE001 - reported by fork_safety_problem
        pass
    for name in zygote_modules(notebook_imports(Path(n) for n in notebooks)):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a failed preload is imported again by the notebook
            pass
    problem = fork_safety_problem()
    if problem:
        print(f"valse: the kernel fork server stops, forking is not safe: {problem}",
              file=sys.stderr, flush=True)
        server.close()
        os.unlink(loading)
        return
    os.rename(loading, socket_path)  # ready
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked kernels are reaped automatically
    server.settimeout(1.0)
    while os.getppid() == parent:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        conn.settimeout(10)
        try:
            request, fds = _receive(conn)
        except (OSError, ValueError):
            conn.close()
            continue
        pid = os.fork()
        if pid == 0:
            try:
                server.close()
                conn.close()
                _child(request, fds)
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)
        try:
            conn.sendall(f"{pid}\n".encode())
        except OSError:
            pass
        conn.close()


def enabled() -> bool:
    """Whether this run forks its kernels: ``VALSE_FORK_KERNELS`` (``0`` or ``1``) when set,
    else :data:`DEFAULT_ON`."""
    value = os.environ.get(DISABLE_ENV, "").strip()
    return DEFAULT_ON if value == "" else value != "0"


def start(notebooks: Iterable[Path], log: Any = None) -> tuple[Any, str] | None:
    """Start the fork server for a run; return (process, socket path), or None when disabled
    (``VALSE_FORK_KERNELS=0``) or not possible here (then ``log`` gets the reason)."""
    import socket

    if not enabled():
        return None
    missing = [what for what, ok in (("os.fork", hasattr(os, "fork")),
                                     ("socket.send_fds", hasattr(socket, "send_fds")))
               if not ok]
    if missing:
        if log is not None:
            log(f"kernels start the ordinary way: no {', '.join(missing)} on this system")
        return None
    from valse.run.kernels import KERNEL_ENV, KERNEL_ENV_DEFAULTS, RUN_TMP_ENV

    folder = tempfile.mkdtemp(prefix="valse-z-", dir=os.environ.get(RUN_TMP_ENV) or None)
    path = os.path.join(folder, "zygote")
    # the kernels' environment for the imports (one BLAS thread: a thread pool would make
    # forking unsafe), whether or not this process has set it yet
    env = {**os.environ, **KERNEL_ENV,
           **{k: os.environ.get(k, v) for k, v in KERNEL_ENV_DEFAULTS.items()}}
    proc = subprocess.Popen([sys.executable, "-m", "valse.run.forkserver", path,
                             *(str(n) for n in notebooks)],
                            stdin=subprocess.DEVNULL, env=env)
    return proc, path


def stop(handle: tuple[Any, str] | None) -> None:
    if handle is None:
        return
    proc, path = handle
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2:])
