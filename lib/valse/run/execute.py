"""Executing one notebook in a worker process: parameters in, executed notebook, metric
records and HTML pages out (:func:`execute_job`).

Why not ``papermill.execute_notebook``: it saves the whole notebook to disk twice per cell
(about a second of CPU on a notebook with 30 cells and charts), and changing that means
copying its engine's ``execute_notebook``. So the runner uses papermill for what it is
known for, and nbclient as documented:

- papermill's parameterisation (:func:`papermill.parameterize.parameterize_notebook`: the
  ``injected-parameters`` cell after the ``parameters`` cell, the same as the papermill
  command line makes) and its error banner (:func:`papermill.execute.raise_for_execution_errors`);
- nbclient's :class:`~nbclient.NotebookClient` with its documented hooks: ``on_cell_execute``
  notes the cell running (where a timeout or a dead kernel stopped), ``on_cell_executed``
  saves the notebook at most every :data:`SAVE_EVERY_S` seconds; it is always saved when
  execution ends, also on an error, a timeout or a dead kernel.

A *held* job (a summary prestarted while the notebooks it reads finish:
:meth:`valse.run.scheduler.Scheduler.prestartable`) starts its kernel and runs its cells up
to its first code cell after the parameters that is not tagged ``prelude``
(:func:`hold_index`), then waits for the run's word in its *go file*
(:func:`write_go`): ``run`` (the inputs are written: carry on) or ``drop`` (it is up to date:
the kernel is killed and nothing is written). Its time, timeout and console line count from
the word.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

from valse.run import kernels
from valse.run.manifest import notebook_files, now_iso

#: Seconds between saves of the notebook being executed.
SAVE_EVERY_S = 10.0
#: Seconds a kernel may take to start.
START_TIMEOUT_S = 120
#: Tag of a summary's code cells that need none of the other notebooks' results.
PRELUDE_TAG = "prelude"
#: Seconds between looks at a held job's go file.
GO_POLL_S = 0.02

_EVENTS: Any = None
_KERNEL_MANAGER: type | None = None
#: This worker's own signal handlers (set by :func:`worker_init`).
_WORKER_SIGNALS: dict[int, Any] = {}


def worker_init(events: Any) -> None:
    """Initialise a worker: environment, heavy imports and exporters, done once."""
    global _EVENTS, _KERNEL_MANAGER
    _EVENTS = events
    kernels.die_with_parent(signal.SIGTERM)  # on_term below: kill the kernels, then exit
    kernels.set_kernel_env()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it terminates us

    def on_term(signum: int, frame: Any) -> None:
        kernels.kill_kernels()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    _WORKER_SIGNALS.update({signal.SIGINT: signal.SIG_IGN, signal.SIGTERM: on_term})
    # valse.run.export first: it keeps a slow optional import out of nbformat
    from valse.run import export  # isort: skip
    import nbclient  # noqa: F401  # isort: skip
    import papermill.parameterize  # noqa: F401  # isort: skip

    export._exporter(True)
    export._exporter(False)
    _KERNEL_MANAGER = kernels.ipc_kernel_manager_class()


def source_index(nb: Any, index: int) -> int:
    """Index among the source notebook's cells of cell ``index`` of the executed notebook
    (papermill's injected and banner cells do not count)."""
    skip = ("injected-parameters", "papermill-error-cell-tag")
    return sum(1 for cell in nb.cells[:index]
               if not set(cell.get("metadata", {}).get("tags", []) or []) & set(skip))


def failing_cell(nb: Any, current: int | None) -> dict[str, Any] | None:
    """The first cell with an error output, else the cell that was running (``current``):
    its index among the source cells, execution count, first line, error and the cell."""
    found = None
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "code" and any(
                o.get("output_type") == "error" for o in cell.get("outputs", [])):
            found = i
            break
    if found is None:
        found = current
    if found is None or found >= len(nb.cells):
        return None
    cell = nb.cells[found]
    lines = [line for line in cell.get("source", "").splitlines() if line.strip()]
    info = {"cell_index": source_index(nb, found), "execution_count": cell.get("execution_count"),
            "first_line": lines[0] if lines else "", "cell": cell}
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        info["ename"] = errors[0].get("ename", "")
        info["evalue"] = errors[0].get("evalue", "")
    return info


def hold_index(nb: Any) -> int:
    """Index of the cell a held job waits before: the first code cell after the parameters
    (and papermill's injected cell) that is not tagged :data:`PRELUDE_TAG`; the number of
    cells if there is none."""
    after = 0
    for i, cell in enumerate(nb.cells):
        if {"parameters", "injected-parameters"} & set(cell.get("metadata", {}).get("tags", [])):
            after = i + 1
    for i in range(after, len(nb.cells)):
        cell = nb.cells[i]
        if cell.get("cell_type") == "code" and PRELUDE_TAG not in cell.get(
                "metadata", {}).get("tags", []):
            return i
    return len(nb.cells)


def write_go(path: str | Path, word: str) -> None:
    """Tell a held job to ``run`` or ``drop`` (written whole: a reader never sees half)."""
    assert word in ("run", "drop")
    tmp = Path(f"{path}.tmp")
    tmp.write_text(word, encoding="ascii")
    os.replace(tmp, path)


def read_go(path: str | Path) -> str | None:
    """The word in a go file: ``run``, ``drop``, or None while there is none. A go file whose
    folder is gone (the run ended) reads ``drop``."""
    path = Path(path)
    try:
        return path.read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        return None if path.parent.is_dir() else "drop"


async def await_go(path: str | Path) -> str:
    """Wait (without blocking the kernel client's event loop) for the go file's word."""
    import asyncio

    while (word := read_go(path)) is None:
        await asyncio.sleep(GO_POLL_S)
    return word


def _wait_go(path: str | Path) -> str:
    """:func:`await_go` outside an event loop."""
    while (word := read_go(path)) is None:
        time.sleep(GO_POLL_S)
    return word


class Dropped(Exception):
    """A held job was told to drop."""


def _client_class() -> type:
    """nbclient's NotebookClient, leaving this worker's signal handlers alone.

    ``NotebookClient.async_setup_kernel`` replaces SIGINT and SIGTERM with handlers of its event
    loop that only shut the kernel down, and resets them to the defaults afterwards; a worker
    told to stop (SIGTERM from :func:`worker_init`'s parent-death signal, or the pool's
    terminate) would then carry on, orphaned. The kernel is started right after those handlers
    are set (:meth:`async_start_new_kernel`): there this worker's handlers are put back."""
    import asyncio

    from nbclient import NotebookClient

    class Client(NotebookClient):
        async def async_start_new_kernel(self, **kwargs: Any) -> None:
            saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
            loop = asyncio.get_running_loop()
            for sig, handler in saved.items():
                if loop.remove_signal_handler(sig):  # then ``handler`` is asyncio's no-op
                    handler = _WORKER_SIGNALS.get(sig, handler)
                signal.signal(sig, handler)
            await super().async_start_new_kernel(**kwargs)

    return Client


def run_notebook(source: str, target: Path, parameters: dict[str, Any], cwd: str,
                 timeout: float, on_start: Any = None, hold: Any = None,
                 ) -> tuple[Any, dict[str, Any] | None, int | None]:
    """Parameterise and execute ``source`` into ``target``: returns (the executed notebook,
    the error or None, the index of the cell running when it stopped). ``on_start`` is called
    once the kernel is up, before the first cell. ``hold``: an async callable awaited before
    cell :func:`hold_index` (a held job); it raises :class:`Dropped` to stop there."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(source), parameters,
                               kernel_name=kernels.KERNEL_NAME, language="python")
    state = {"current": None, "saved": time.monotonic()}
    wait_at = hold_index(nb) if hold is not None else -1

    def on_notebook_start(**_: Any) -> None:
        if on_start is not None:
            on_start()

    async def on_cell_start(cell: Any, cell_index: int, **_: Any) -> None:
        if cell_index == wait_at:
            await hold()

    def on_execute(cell: Any, cell_index: int, **_: Any) -> None:
        state["current"] = cell_index

    def on_executed(cell: Any, cell_index: int, **_: Any) -> None:
        if cell_index < wait_at:  # a held job writes nothing before its word
            return
        if time.monotonic() - state["saved"] >= SAVE_EVERY_S:
            nbformat.write(nb, str(target))
            state["saved"] = time.monotonic()

    client = _client_class()(
        nb, timeout=timeout, startup_timeout=START_TIMEOUT_S, kernel_name=kernels.KERNEL_NAME,
        resources={"metadata": {"path": cwd}},
        # a worker made its class once (worker_init); elsewhere (the tests) it is made here
        kernel_manager_class=_KERNEL_MANAGER or kernels.ipc_kernel_manager_class(),
        on_notebook_start=on_notebook_start, on_cell_execute=on_execute,
        on_cell_start=on_cell_start if hold is not None else None,
        on_cell_executed=on_executed,
        # the notebook is done when its last cell's reply is in: the kernel is killed, not
        # asked to shut down. A graceful shutdown waits for the kernel's own teardown (0.1 s
        # on average, 3 s now and then here), and in that teardown ipykernel 7.4 can race
        # its IOPub thread and print a zmq traceback ("Socket operation on non-socket")
        # into the run's console; a notebook's output does not depend on its atexit hooks
        shutdown_kernel="immediate")
    error: dict[str, Any] | None = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = {"ename": exc.ename, "evalue": exc.evalue}
    except Dropped:
        raise
    except (TimeoutError, DeadKernelError) as exc:
        error = {"ename": type(exc).__name__, "evalue": str(exc)}
    except BaseException as exc:  # noqa: BLE001 - any failure of one notebook is reported
        error = {"ename": type(exc).__name__, "evalue": str(exc).strip()[:2000]}
    return nb, error, state["current"]


def _locate(nb: Any, error: dict[str, Any], current: int | None, target: Path) -> dict:
    """Add where it failed to ``error``; give the failing cell an error output when it has
    none (a timeout, a dead kernel) and papermill's banner at the top."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError
    from papermill.execute import raise_for_execution_errors

    found = failing_cell(nb, current)
    if not found:
        return error
    cell = found.pop("cell")
    if "ename" not in found:  # no error output: add one so readers see it
        cell.setdefault("outputs", []).append(nbformat.v4.new_output(
            "error", ename=error["ename"], evalue=error["evalue"], traceback=[]))
        found.update(ename=error["ename"], evalue=error["evalue"])
    if error.get("ename") == "Timeout":
        found.update(ename=error["ename"], evalue=error["evalue"])
    try:
        raise_for_execution_errors(nb, str(target))  # writes the notebook with the banner
    except PapermillExecutionError:
        pass
    return {**error, **found}


def build_parameters(spec: dict[str, Any], files: dict[str, Path]) -> dict[str, Any]:
    """The parameters injected into a job's notebook: the scenario's, plus the build paths
    it declares (made by :func:`make_folders`)."""
    params = dict(spec["parameters"])
    if spec.get("artifacts"):
        params["artifacts_dir"] = str(files["data"])
    for key in ("metrics_path", "data_dir", "outputs_dir"):
        if spec.get(key):
            params[key] = spec[key]
    return params


def make_folders(spec: dict[str, Any], files: dict[str, Path]) -> None:
    """Make the build folders a job writes to."""
    for key in ("notebook", "reader"):
        files[key].parent.mkdir(parents=True, exist_ok=True)
    if spec.get("artifacts"):
        files["data"].mkdir(parents=True, exist_ok=True)


def execute_job(spec: dict[str, Any]) -> dict[str, Any]:
    """Execute and export one notebook (runs in a worker process). Never raises.

    With ``spec["defer_pages"]`` it writes the executed notebook but not its pages: the
    result says ``pages: "deferred"`` and :func:`valse.run.export.export_job` writes them
    later."""
    import nbformat

    from valse.report.record import metrics_from_notebook
    from valse.run import export

    name, scenario = spec["notebook"], spec["scenario"]
    clock: dict[str, Any] = {"start": time.monotonic(), "at": now_iso(), "prelude_s": None}
    go_file = spec.get("go")
    defer = bool(spec.get("defer_pages"))  # its pages are written later (export.export_job)

    build = Path(spec["build"])
    files = {k: build / v for k, v in notebook_files(name).items()}

    def begin() -> None:
        """The job's time starts (a held job's: at the word ``run``), and it may write."""
        clock.update(start=time.monotonic(), at=now_iso())
        make_folders(spec, files)
        if _EVENTS is not None:
            _EVENTS.put(("start", scenario, name))

    if go_file is None:
        begin()
    params = build_parameters(spec, files)
    if spec.get("data_env"):  # the kernel inherits it (a fork server may predate this run)
        from valse.data.paths import DATA_ENV

        os.environ[DATA_ENV] = spec["data_env"]
    if spec.get("run_tmp"):  # kernel sockets and connection files in the run's folder
        kernels.use_run_tmp(spec["run_tmp"])
    from valse.run.forkserver import ZYGOTE_ENV

    if spec.get("zygote"):  # this run's kernel fork server (valse.run.forkserver)
        os.environ[ZYGOTE_ENV] = spec["zygote"]
    else:
        os.environ.pop(ZYGOTE_ENV, None)
    timeout = spec["timeout"]
    timed_out = threading.Event()

    def on_timeout() -> None:
        timed_out.set()
        kernels.kill_kernels()

    # the notebook's time counts from its kernel's start (which has its own timeout,
    # START_TIMEOUT_S): a slow start on a loaded machine does not eat the notebook's time
    watchdog = threading.Timer(timeout, on_timeout)
    # a held job's prelude has the notebook's timeout too, its wait for the word has none
    prelude_dog = threading.Timer(timeout, on_timeout)
    for dog in (watchdog, prelude_dog):
        dog.daemon = True
    held = {"word": None}

    async def hold() -> None:
        prelude_dog.cancel()
        clock["prelude_s"] = time.monotonic() - clock["start"]
        held["word"] = await await_go(go_file)
        if held["word"] != "run":
            raise Dropped
        begin()
        watchdog.start()

    try:
        nb, error, current = run_notebook(
            spec["source"], files["notebook"], params, spec["cwd"], timeout,
            on_start=prelude_dog.start if go_file else watchdog.start,
            hold=hold if go_file else None)
    except Dropped:
        nb = None
    finally:
        watchdog.cancel()
        prelude_dog.cancel()
        kernels.kill_kernels()
        kernels.forget_kernels()
    if go_file and held["word"] is None:  # it stopped before its hold (an error in its
        held["word"] = _wait_go(go_file)  # prelude): its result waits for the word too
        if held["word"] == "run":
            begin()
    if held["word"] == "drop":
        return {"scenario": scenario, "notebook": name, "dropped": True, "ok": True,
                "error": None, "records": [], "duration_s": 0.0, "executed_at": None}
    if timed_out.is_set() or (error or {}).get("ename") == "CellTimeoutError":
        error = {"ename": "Timeout", "evalue": f"notebook still running after {timeout:g} s"}
    records: list[dict[str, Any]] = []
    if error is not None:
        error = _locate(nb, error, current, files["notebook"])
    else:
        try:
            records = metrics_from_notebook(nb, name)
        except ValueError as exc:
            error = {"ename": type(exc).__name__, "evalue": f"bad metric record: {exc}"}
        if error is None and _EVENTS is not None and not defer:  # a summary may go on
            _EVENTS.put(("records", scenario, name, records))  # while this exports
    try:
        text = nbformat.writes(nb)
        files["notebook"].write_text(text, encoding="utf-8")
        if not defer:  # else export.export_job writes them later, from the same text
            export.saved_pages(text, files["reader"], files["full"], f"{name} ({scenario})")
    except Exception as exc:  # noqa: BLE001
        error = error or {"ename": type(exc).__name__, "evalue": f"HTML export: {exc}"}
    if files["data"].is_dir() and not any(files["data"].iterdir()):
        files["data"].rmdir()
        if not any(files["data"].parent.iterdir()):
            files["data"].parent.rmdir()
    return {"scenario": scenario, "notebook": name, "ok": error is None, "error": error,
            "records": records, "duration_s": time.monotonic() - clock["start"],
            "executed_at": clock["at"], "prelude_s": clock["prelude_s"],
            "pages": "deferred" if defer else "written"}

