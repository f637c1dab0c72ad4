"""Unit tests of the runner's planner, scheduler and publisher (``valse.run``), without kernels:
plain objects and files in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from valse.data.nbparams import Param
from valse.data.scenarios import Scenario
from valse.run import plan
from valse.run.manifest import notebook_files
from valse.run.plan import Job, NotebookSource, Options, ScenarioRun
from valse.run.publish import may_publish
from valse.run.scheduler import Scheduler, longest_first


def param(name: str, type_: str = "float", default: object = 0.0) -> Param:
    return Param(name, type_, default, repr(default), "", "")


def source(tmp: Path, name: str, size: int = 10, declares: tuple[str, ...] = ()) -> NotebookSource:
    path = tmp / f"{name}.ipynb"
    path.write_text("x" * size)
    return NotebookSource(name, path, tuple(param(p, "str", "") for p in declares), "sha")


def scenario_run(name: str, notebooks: list[NotebookSource],
                 selected: set[str] | None = None) -> ScenarioRun:
    sc = Scenario(name, Path(f"{name}.yaml"), "")
    jobs = {nb.name: Job(name, nb, {}) for nb in notebooks}
    return ScenarioRun(sc, None, None, jobs, set(jobs) if selected is None else selected)


# ------------------------------------------------------------------ planner


def test_a_summary_is_what_declares_metrics_path_not_its_name(tmp_path):
    assert source(tmp_path, "90_totals", declares=("metrics_path",)).is_summary
    assert not source(tmp_path, "90_summary").is_summary


def test_injected_parameters_widen_ints_and_add_unattended_defaults(tmp_path):
    nb = NotebookSource("n", tmp_path / "n.ipynb",
                        (param("rate"), param("count", "int", 0), param("scenario_name", "str", ""),
                         param("interactive", "bool", True)), "sha")
    sc = Scenario("rumour", Path("rumour.yaml"), "", {"rate": 3, "count": 2, "undeclared": 1.0})
    params = plan.injected_parameters(nb, sc)
    assert params == {"count": 2, "interactive": False, "rate": 3.0, "scenario_name": "rumour"}
    assert isinstance(params["rate"], float) and isinstance(params["count"], int)
    assert list(params) == sorted(params)


def test_cached_needs_the_same_key_and_the_published_files(tmp_path):
    nb = source(tmp_path, "10_a")
    run = scenario_run("base", [nb])
    job = run.jobs["10_a"]
    job.input_hash = "k1"
    assert not plan.cached(run, job, force=False)  # never published
    folder = tmp_path / "published"
    run.previous_folder = folder
    run.previous = {"notebooks": [{"name": "10_a", "input_hash": "k1", "results_ok": True}]}
    assert not plan.cached(run, job, force=False)  # its files are missing
    for rel in notebook_files("10_a").values():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("")
    assert plan.cached(run, job, force=False)
    assert not plan.cached(run, job, force=True)
    job.input_hash = "k2"
    assert not plan.cached(run, job, force=False)


def test_discover_notebooks_names_an_unknown_only(tmp_path):
    (tmp_path / "10_alpha.ipynb").write_text(json.dumps(
        {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(plan.InvalidInput, match="did you mean '10_alpha'"):
        plan.discover_notebooks(tmp_path, ["10_alpah"])


# ------------------------------------------------------------------ scheduler


def test_longest_first_by_last_time_then_by_size(tmp_path):
    nbs = [source(tmp_path, "a", 10), source(tmp_path, "b", 500), source(tmp_path, "c", 10),
           source(tmp_path, "d", 10)]
    run = scenario_run("base", nbs)
    run.jobs["c"].last_execution_s = 9.0
    run.jobs["d"].last_execution_s = 2.0
    order = [job.notebook.name for _, job in longest_first((run, j) for j in run.jobs.values())]
    assert order == ["c", "d", "b", "a"]


def test_summary_waits_for_the_others_of_its_own_scenario(tmp_path):
    nbs = [source(tmp_path, "10_a"), source(tmp_path, "20_b"),
           source(tmp_path, "90_sum", declares=("metrics_path",))]
    base, rumour = scenario_run("base", nbs), scenario_run("rumour", nbs)
    sched = Scheduler([base, rumour])
    assert sched.total == 6
    first = {(r.scenario.name, j.notebook.name) for r, j in sched.ready()}
    assert first == {(s, n) for s in ("base", "rumour") for n in ("10_a", "20_b")}
    assert sched.ready() == []  # each job is given once
    base.jobs["10_a"].status = "ok"
    assert sched.ready() == []
    base.jobs["20_b"].status = "failed"  # a failure also lets the summary run
    assert [(r.scenario.name, j.notebook.name) for r, j in sched.ready()] == [("base", "90_sum")]
    assert sched.publishable() == []  # base's summary is pending
    base.jobs["90_sum"].status = "ok"
    assert sched.publishable() == [base] and sched.given(base) and not sched.given(rumour)
    assert sched.publishable() == []  # published once


def test_unselected_notebooks_are_not_scheduled_nor_awaited(tmp_path):
    nbs = [source(tmp_path, "10_a"), source(tmp_path, "20_b"),
           source(tmp_path, "90_sum", declares=("metrics_path",))]
    run = scenario_run("base", nbs, selected={"10_a", "90_sum"})
    run.jobs["20_b"].status = "skipped"  # as execute marks the unselected
    sched = Scheduler([run])
    assert sched.total == 2
    assert [j.notebook.name for _, j in sched.ready()] == ["10_a"]
    run.jobs["10_a"].status = "ok"
    assert [j.notebook.name for _, j in sched.ready()] == ["90_sum"]


def test_a_cached_job_ends_at_once_and_frees_the_summary(tmp_path):
    nbs = [source(tmp_path, "10_a"), source(tmp_path, "90_sum", declares=("metrics_path",))]
    run = scenario_run("base", nbs)
    sched = Scheduler([run])
    for _, job in sched.ready():
        job.status = "skipped"  # what execute does for an up-to-date job
    ready = sched.ready()
    assert [j.notebook.name for _, j in ready] == ["90_sum"]
    ready[0][1].status = "skipped"
    assert sched.publishable() == [run]


# ------------------------------------------------------------------ publisher


def test_a_failure_never_replaces_good_published_results(tmp_path):
    run = scenario_run("base", [source(tmp_path, "10_a"), source(tmp_path, "20_b")])
    opts = Options(scenarios=[], only=[], jobs=1, force=False, out=tmp_path, notebooks=tmp_path,
                   data=tmp_path, timeout=1.0)
    assert may_publish(run, {"failed": ["10_a"]}, opts) is None  # nothing published before
    run.previous = {"notebooks": [{"name": "10_a", "results_ok": True},
                                  {"name": "20_b", "results_ok": False}]}
    assert may_publish(run, {"failed": []}, opts) is None
    assert may_publish(run, {"failed": ["20_b"]}, opts) is None  # it was failed already
    why = may_publish(run, {"failed": ["10_a", "20_b"]}, opts)
    assert why is not None and "10_a failed" in why and "20_b" not in why
    opts.publish_failed = True
    assert may_publish(run, {"failed": ["10_a"]}, opts) is None


# ------------------------------------------------------------------ fork server


def fork_problem(code: str) -> str:
    """What :func:`fork_safety_problem` says in a fresh interpreter after ``code``."""
    import subprocess
    import sys

    script = (f"{code}\nfrom valse.run.forkserver import fork_safety_problem\n"
              "print(fork_safety_problem())")
    env = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_fork_safety_what_the_server_preloads_is_safe():
    assert fork_problem("import ipykernel.kernelapp, numpy, pandas, scipy.optimize") == "None"


@pytest.mark.parametrize(("code", "expected"), [
    ("import ipykernel.kernelapp, threading, time\n"
     "threading.Thread(target=time.sleep, args=(30,), daemon=True).start()", "Python threads"),
    ("import ipykernel.kernelapp, matplotlib.pyplot", "matplotlib.pyplot is imported"),
    ("import ipykernel.kernelapp, zmq\nzmq.Context.instance()", "ZeroMQ context"),
    ("import json", "ipykernel could not be imported"),
])
def test_fork_safety_refuses_what_a_child_would_share(code, expected):
    assert expected in fork_problem(code)


def test_the_fork_servers_socket_appears_only_once_it_is_ready(monkeypatch):
    import os
    import time

    from valse.run import forkserver
    from valse.run.kernels import RUN_TMP_ENV

    monkeypatch.setenv(forkserver.DISABLE_ENV, "1")
    # in the system's temporary folder, as a run puts it: a socket path is at most 107 bytes
    monkeypatch.delenv(RUN_TMP_ENV, raising=False)
    handle = forkserver.start([Path(__file__).parents[1] / "notebooks" / "00_overview.ipynb"])
    assert handle is not None
    proc, path = handle
    try:
        # it listens under another name while it imports ipykernel and the notebook's
        # libraries (a second or so), then under its own: a stand-in finds it only when ready
        deadline = time.monotonic() + 120
        seen_loading = False
        while not os.path.exists(path) and proc.poll() is None and time.monotonic() < deadline:
            seen_loading = seen_loading or os.path.exists(f"{path}.loading")
            time.sleep(0.005)
        assert seen_loading
        assert os.path.exists(path) and not os.path.exists(f"{path}.loading")
    finally:
        forkserver.stop(handle)
    assert not os.path.exists(os.path.dirname(path))


def test_a_kernel_asked_for_before_the_server_is_ready_starts_at_once_and_quietly(tmp_path):
    import subprocess
    import sys

    from valse.run import forkclient

    # the stand-in's command is ``python -m ipykernel_launcher ARGS``; here a stand-in for it
    cmd = [sys.executable, "-c", "print('the ordinary kernel')", "-f", "conn.json"]
    done = subprocess.run([sys.executable, "-S", forkclient.__file__,
                           str(tmp_path / "not-yet" / "zygote"), *cmd],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "the ordinary kernel"
    assert done.stderr == ""
