"""The run's worker pool: what a worker is given for a job (:func:`job_spec`), the processes
started before the data are validated (multiprocessing's fork server for the workers, and the
kernel fork server when it is on), and stopping the workers."""

from __future__ import annotations

import os
from typing import Any

from valse.run.forkserver import ZYGOTE_ENV
from valse.run.plan import Job, Options, ScenarioRun

#: Modules the multiprocessing fork server imports once, before forking the pool's workers.
WORKER_PRELOAD = ["valse.run.forkserver_guard", "valse.run.export", "valse.run.execute",
                  "papermill", "nbformat"]


def job_spec(run: ScenarioRun, job: Job, opts: Options, metrics_path: str | None) -> dict:
    """What a worker needs to execute ``job`` (plain data: it is pickled to the worker)."""
    from valse.run import kernels

    declared = job.notebook.declared
    return {
        "scenario": run.scenario.name, "notebook": job.notebook.name,
        "source": str(job.notebook.path), "build": str(run.build),
        "parameters": job.parameters, "cwd": str(job.notebook.path.parent),
        "timeout": opts.timeout,
        "data_env": str(opts.data.resolve()),  # what the kernel reads (valse.data.paths)
        "run_tmp": os.environ.get(kernels.RUN_TMP_ENV),
        # the kernel fork server's socket, or None: the workers' process may predate it
        "zygote": os.environ.get(ZYGOTE_ENV),
        "artifacts": "artifacts_dir" in declared,
        "metrics_path": metrics_path if "metrics_path" in declared else None,
        "data_dir": str(opts.data.resolve()) if "data_dir" in declared else None,
        "outputs_dir": str(opts.out.resolve()) if "outputs_dir" in declared else None,
    }


def terminate_pool(pool: Any) -> None:
    """Stop the workers (each kills its kernels on SIGTERM: :func:`execute.worker_init`)."""
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


def failed_result(exc: BaseException) -> dict[str, Any]:
    return {"ok": False, "records": [], "duration_s": 0.0,
            "error": {"ename": type(exc).__name__, "evalue": str(exc)}}


def pages_written(result: dict[str, Any], pages: dict[str, Any]) -> dict[str, Any]:
    """An execution's ``result`` once its deferred ``pages`` are written
    (:func:`valse.run.export.export_job`, or :func:`failed_result`): the first error of the
    two, and the sum of their times [s]."""
    error = result["error"] or pages["error"]
    return {**result, "ok": error is None, "error": error,
            "duration_s": result["duration_s"] + pages["duration_s"]}


def start_worker_server() -> None:
    """Start multiprocessing's fork server, which imports :data:`WORKER_PRELOAD` once and
    forks the pool's workers, now: before the data are validated, so that its imports
    (0.3-0.6 s) run on the other core meanwhile. It starts no kernel and writes nothing; the
    workers forked from it get what a run sets in the environment from their job
    (:func:`job_spec`)."""
    import multiprocessing as mp
    from multiprocessing import forkserver as mp_forkserver

    mp.get_context("forkserver").set_forkserver_preload(WORKER_PRELOAD)
    mp_forkserver.ensure_running()


def start_fork_server(runs: list[ScenarioRun], opts: Options,
                      stream: Any) -> tuple[Any, str] | None:
    """Start the kernel fork server, when it is on, before the data are validated: it imports
    the notebooks' libraries while the run validates, plans and starts its workers, so that it
    is ready, or nearly, when the first kernels start (a kernel that comes before it is ready
    starts the ordinary way: :mod:`valse.run.forkclient`)."""
    from valse.run import forkserver

    if not forkserver.enabled():
        return None
    paths = sorted({job.notebook.path for run in runs for job in run.jobs.values()
                    if job.notebook.name in run.selected})
    return forkserver.start(paths, log=lambda line: print(line, file=stream))
