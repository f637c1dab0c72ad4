"""Run the notebooks for each scenario, export them, and publish the results atomically
(``python -m valse run``): :func:`run` validates and plans (:mod:`valse.run.plan`), then, under
the output folder's lock, :func:`execute` starts what the :class:`~valse.run.scheduler.Scheduler`
gives in a pool of worker processes (:mod:`valse.run.execute`) and publishes each scenario
once its notebooks are done (:mod:`valse.run.publish`).

1. **Plan** (light: no papermill, nbconvert or pandas import): every notebook's parameters,
   the scenarios, the output folder, and an input hash per (scenario, notebook) over what its
   kernel can see (:mod:`valse.run.cachekeys`). When every notebook is up to date nothing is
   rewritten. Otherwise the data files the notebooks read are validated before anything is
   written, and the run plans again under the lock. The console says why each notebook runs.
2. **Execute** in a pool of ``--jobs`` workers; kernels on the IPC transport, forked from the
   kernel fork server when there is one (:mod:`valse.run.forkserver`). Summary notebooks (they
   declare ``metrics_path``) run once the other notebooks of their scenario are done; a
   worker that would idle meanwhile starts a summary's kernel and prelude cells, which then
   wait for those results (:meth:`~valse.run.scheduler.Scheduler.prestartable`). The
   workers' processes (:mod:`valse.run.pool`) start while the data are validated. A run of
   one scenario writes its analysis notebooks' pages once its summary goes, on the core
   that would idle meanwhile (:attr:`~valse.run.scheduler.Scheduler.defer_pages`).
3. **Publish**: each scenario is built in ``OUT/.runs/...`` and ``OUT/<scenario>`` swapped to
   it atomically; a build that would replace good results with a failure is kept in
   ``OUT/.failed/``. Killing the run at any moment leaves the previous results intact.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from typing import Any

from valse.run import noop, outfolder
from valse.run.plan import (
    InvalidInput,
    Job,
    Options,
    ScenarioRun,
    cached,
    check_data,
    check_output_folder,
    plan,
    remember,
    up_to_date,
)
from valse.run.pool import (
    WORKER_PRELOAD,
    failed_result,
    job_spec,
    pages_written,
    start_fork_server,
    start_worker_server,
    terminate_pool,
)

#: Exit code when ``--no-wait`` and another run holds the lock on the output folder.
EXIT_LOCKED = 3
def execute(runs: list[ScenarioRun], inputs: dict[str, Any], opts: Options,
            console_stream: Any = None, server: tuple[Any, str] | None = None) -> int:
    """Build, execute, export and publish every scenario that is not up to date. ``server``:
    a kernel fork server started already (:func:`start_fork_server`), else one is started
    here when it is on; it is stopped at the end."""
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    # imported here, not at the top: a run with nothing to do (the no-op) needs none of them
    from valse.run import forkserver, kernels
    from valse.run.console import Console, describe_error
    from valse.run.execute import execute_job, worker_init, write_go
    from valse.run.export import export_job
    from valse.run.manifest import (
        dump_json,  # noqa: F401 - imported before the pool forks
        git_state,
        now_iso,
        package_versions,
    )
    from valse.run.publish import (
        carry,
        new_build,
        publish_scenario,
        summary_inputs,
        summary_inputs_path,
        write_summary_inputs,
    )
    from valse.run.scheduler import Scheduler

    started = now_iso()
    out = opts.out
    out.mkdir(parents=True, exist_ok=True)
    outfolder.clean_stale(out)  # the caller holds the lock: no other run is writing
    saved_env = {k: os.environ.get(k) for k in (kernels.RUN_TMP_ENV, "JUPYTER_RUNTIME_DIR",
                                                forkserver.ZYGOTE_ENV, *kernels.KERNEL_ENV)}
    kernels.set_kernel_env()  # the data folder goes to the kernels with each job (job_spec)
    run_tmp, run_tmp_lock = kernels.run_tmp_folder()
    kernels.use_run_tmp(run_tmp)
    for run in runs:
        run.build = new_build(out, run.scenario.name)
        for job in run.jobs.values():
            if job.notebook.name not in run.selected:
                job.status, job.reason = "skipped", "not selected"
                carry(run, job)
            else:
                entry = run.entry(job.notebook.name) or {}
                job.last_execution_s = entry.get("last_execution_s")
                job.prelude_s = entry.get("last_prelude_s")
    workers = max(1, min(opts.jobs, sum(1 for run in runs for job in run.jobs.values()
                                        if job.notebook.name in run.selected)))
    sched = Scheduler(runs, workers)
    by_key = {(run.scenario.name, job.notebook.name): job for run, job in sched.todo}
    console = Console(sched.total, console_stream)
    if server is None:
        server = forkserver.start(sorted({job.notebook.path for _, job in sched.todo}),
                                  log=console.line)
    if server is not None:
        os.environ[forkserver.ZYGOTE_ENV] = server[1]
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(WORKER_PRELOAD)
    events = ctx.SimpleQueue()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                               initializer=worker_init, initargs=(events,))
    futures: dict[Future, tuple[ScenarioRun, Job]] = {}
    # deferred pages (Scheduler.defer_pages): the execution results whose pages wait for
    # their summary to go, and the futures of the exports submitted map to them
    waiting_pages: list[tuple[ScenarioRun, Job, dict[str, Any]]] = []
    exports: dict[Future, dict[str, Any]] = {}
    reasons: dict[tuple[str, str], str] = {}  # why each notebook runs, for the console
    stop_events = threading.Event()

    # records sent by a worker before it writes its notebook's pages (execute_job), for the
    # main loop; ``wake[0]`` is done when some are waiting, which ends the loop's wait
    early: list[tuple[str, str, list]] = []
    early_lock = threading.Lock()
    wake: list[Future] = [Future()]

    def pump_events() -> None:
        while not stop_events.is_set():
            msg = events.get()
            if msg is None:
                return
            kind, scenario, name = msg[:3]
            if kind == "records":
                with early_lock:
                    early.append((scenario, name, msg[3]))
                    if not wake[0].done():
                        wake[0].set_result(None)
                continue
            why = reasons.get((scenario, name))
            console.line(f"[{scenario}] {name} ... started" + (f" ({why})" if why else ""))

    def take_early() -> None:
        """Note the records that came before their jobs' ends: a summary waiting for them
        may start (:meth:`Scheduler.others_done`) while those jobs write their pages."""
        with early_lock:
            taken = early[:]
            early.clear()
            if wake[0].done():
                wake[0] = Future()
        for scenario, name, records in taken:
            job = by_key.get((scenario, name))
            if job is not None and job.status == "pending":
                job.records, job.records_ready = records, True

    reader = threading.Thread(target=pump_events, daemon=True)
    reader.start()
    any_failed = False

    def finish(run: ScenarioRun, job: Job, result: dict[str, Any]) -> None:
        nonlocal any_failed
        job.duration_s = result["duration_s"]
        job.executed_at = result.get("executed_at")
        job.records = result["records"]
        if result.get("prelude_s") is not None:
            job.prelude_s = result["prelude_s"]
        job.error = result["error"]
        job.status = "ok" if result["ok"] else "failed"
        any_failed = any_failed or not result["ok"]
        detail = f" {describe_error(job.error)}" if job.error else ""
        console.line(f"[{run.scenario.name}] {job.notebook.name} ... "
                     f"{'ok' if result['ok'] else 'FAILED'} {job.duration_s:.1f}s{detail}")
        console.advance()

    def start(run: ScenarioRun, job: Job) -> None:
        """Run ``job``, or carry its previous results when it is up to date."""
        from valse.run.cachekeys import rerun_reason, summary_hash

        metrics_path = None
        key = (run.scenario.name, job.notebook.name)
        if job.notebook.is_summary:
            records = summary_inputs(run)
            metrics_path = str(write_summary_inputs(run, records))
            job.input_hash = summary_hash(job, inputs, records)
        go = held.pop(key, None)
        if cached(run, job, opts.force):
            carry(run, job)
            job.status, job.reason = "skipped", "cached"
            console.line(f"[{run.scenario.name}] {job.notebook.name} ... up to date")
            console.advance()
            if go is not None:
                write_go(go, "drop")
            return
        reasons[key] = rerun_reason(run, job, inputs, opts.force)
        if go is not None:
            write_go(go, "run")
            return
        spec = job_spec(run, job, opts, metrics_path)
        spec["defer_pages"] = sched.defer_pages and not job.notebook.is_summary
        futures[pool.submit(execute_job, spec)] = (run, job)

    def release_pages() -> None:
        """Submit the deferred pages of every scenario whose summaries were given."""
        for item in [w for w in waiting_pages if sched.summaries_given(w[0])]:
            waiting_pages.remove(item)
            run, job, result = item
            spec = {"scenario": run.scenario.name, "notebook": job.notebook.name,
                    "build": str(run.build)}
            fut = pool.submit(export_job, spec)
            futures[fut], exports[fut] = (run, job), result

    held: dict[tuple[str, str], str] = {}  # prestarted summaries: their go files

    def prestart(run: ScenarioRun, job: Job) -> None:
        """Start a summary's kernel and prelude on an idle worker (execute's held job)."""
        spec = job_spec(run, job, opts, str(summary_inputs_path(run)))
        spec["go"] = os.path.join(run_tmp, f"go-{len(held)}-{run.scenario.name}-"
                                           f"{job.notebook.name}")
        held[(run.scenario.name, job.notebook.name)] = spec["go"]
        futures[pool.submit(execute_job, spec)] = (run, job)

    versions = package_versions()
    git = git_state(opts.notebooks.resolve().parent)
    published: set[str] = set()  # published or kept aside: their build is not removed

    def step() -> None:
        """Start what may start (a cached job ends at once), publish what is complete."""
        while True:
            ready = sched.ready()
            if not ready:
                break
            for run, job in ready:
                start(run, job)
        release_pages()
        while len(futures) < workers and (rj := sched.prestartable()) is not None:
            prestart(*rj)
        if len(futures) < workers and not warming.is_alive() and not warming.ident:
            warming.start()  # a core is free from now on: the index's imports meanwhile
        for run in sched.publishable():
            kept = publish_scenario(run, opts, inputs, started, versions, git)
            published.add(run.scenario.name)
            if kept is not None:
                console.line(kept)

    from valse.run import site

    def warm() -> None:
        try:
            site.warm()
        except Exception:  # noqa: BLE001 - only a head start: write_index says what is wrong
            pass

    warming = threading.Thread(target=warm, daemon=True)
    interrupted: BaseException | None = None
    previous_term = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        step()
        while futures:
            done, _ = wait([*futures, wake[0]], return_when=FIRST_COMPLETED)
            take_early()
            for fut in done:
                if fut not in futures:  # the wake
                    continue
                run, job = futures.pop(fut)
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - a worker died
                    result = failed_result(exc)
                    held.pop((run.scenario.name, job.notebook.name), None)  # no word now
                if fut in exports:  # deferred pages written: the job ends now
                    finish(run, job, pages_written(exports.pop(fut), result))
                    continue
                if result.get("dropped"):
                    continue  # a held job told to drop: start() carried its results
                if result.get("pages") == "deferred":
                    job.records, job.records_ready = result["records"], True
                    job.error = result["error"]  # a failed one gives the summary no records
                    waiting_pages.append((run, job, result))
                    continue
                finish(run, job, result)
            step()
    except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt, SIGTERM
        interrupted = exc
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        if interrupted is not None:
            terminate_pool(pool)
        else:
            pool.shutdown(wait=True)
        forkserver.stop(server)
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
    if warming.ident:
        warming.join()
    site.write_index(out)
    return 1 if any_failed else 0


def _nothing_to_do(runs: list[ScenarioRun], stream: Any) -> int:
    print(noop.nothing_to_do([r.scenario.name for r in runs]), file=stream)
    return 0


def run(opts: Options, stream: Any = None) -> int:
    """Validate, plan, then execute what is needed holding the output folder's lock.

    Returns the exit code: 0 ok, 1 a notebook failed, 2 invalid input (nothing changed),
    3 another run holds the lock and ``opts.wait`` is False.
    """
    stream = stream or sys.stderr
    before = None if opts.force else noop.taken(noop.options_of(opts))
    try:
        runs, inputs = plan(opts)
        check_output_folder(opts.out, [r.scenario.name for r in runs])
    except InvalidInput as exc:
        print(f"error: {exc}", file=stream)
        return 2
    index_ok = (opts.out / "index.html").is_file()
    if index_ok and all(up_to_date(r, opts, inputs) for r in runs):
        if before is not None:
            remember(opts, before)
        return _nothing_to_do(runs, stream)
    from valse.run import forkserver

    server = start_fork_server(runs, opts, stream)
    start_worker_server()
    try:
        return _validate_and_execute(opts, runs, stream, server)
    finally:
        forkserver.stop(server)


def _validate_and_execute(opts: Options, runs: list[ScenarioRun], stream: Any,
                          server: tuple[Any, str] | None) -> int:
    """:func:`run` once it knows there is work: validate the data, then plan again and
    execute holding the output folder's lock."""
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
                return _nothing_to_do(runs, stream)
            code = execute(runs, inputs, opts, stream, server)
            if code == 0:
                remember(opts)
            return code
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
