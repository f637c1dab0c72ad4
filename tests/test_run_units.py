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
from valse.run.scheduler import (
    MAX_SEARCHED,
    Scheduler,
    analysis_first,
    best_order,
    longest_first,
    makespan,
)


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


def test_makespan_is_greedy_list_scheduling_by_hand():
    # 2 workers: A takes 3 (0-3), B takes 2 (0-2), B takes 2 (2-4): the last ends at 4
    assert makespan([3, 2, 2], 2) == 4
    assert makespan([3, 2, 2], 1) == 7
    assert makespan([3, 2, 2], 3) == 3
    # with a summary's prelude of 1.5 s on the first worker free (A at 3): it is ready at 4.5
    assert makespan([3, 2, 2], 2, prelude=1.5) == 4.5
    assert makespan([3, 2, 2], 2, prelude=0.5) == 4  # the last notebook ends later


def test_best_order_finds_the_even_split_longest_first_misses():
    # longest first: A 12.6 then 8.7 (21.3), B 10.6, 9.2, 5.3 (25.1); {12.6, 10.6} against
    # {9.2, 8.7, 5.3} is 23.2 each, the sum halved
    durations = [12.6, 10.6, 9.2, 8.7, 5.3]
    assert makespan(sorted(durations, reverse=True), 2) == pytest.approx(25.1, abs=1e-9)
    order = best_order(durations, 2)
    assert sorted(order) == list(range(5))
    assert makespan([durations[i] for i in order], 2) == pytest.approx(23.2, abs=1e-9)


def test_best_order_leaves_room_for_the_summary_prelude():
    # a 2.3 s prelude on the first worker free: the best split is {12.7, 7.9} (20.6, prelude
    # to 22.9) against {9.0, 9.2, 5.4} (23.6), worked out by hand over every split
    durations, prelude = [9.0, 12.7, 7.9, 9.2, 5.4], 2.3
    order = best_order(durations, 2, prelude)
    assert makespan([durations[i] for i in order], 2, prelude) == pytest.approx(23.6, abs=1e-9)
    # without the prelude, the split closest to halves wins instead: {12.7, 9.2} (21.9)
    # against {9.0, 7.9, 5.4} (22.3)
    plain = best_order(durations, 2)
    assert makespan([durations[i] for i in plain], 2) == pytest.approx(22.3, abs=1e-9)


def test_best_order_keeps_longest_first_when_nothing_beats_it_or_too_many():
    assert best_order([5.0, 4.0, 3.0], 2) == [0, 1, 2]  # 5 | 4+3: already the best
    assert best_order([1.0, 3.0, 2.0], 1) == [1, 2, 0]  # one worker: any order, longest first
    many = [float(i % 5 + 1) for i in range(MAX_SEARCHED + 1)]
    assert best_order(many, 2) == sorted(range(len(many)), key=lambda i: -many[i])


def test_analysis_first_reorders_only_when_every_time_is_known(tmp_path):
    nbs = [source(tmp_path, n) for n in ("a", "b", "c", "d", "e")]
    nbs.append(source(tmp_path, "sum", declares=("metrics_path",)))
    run = scenario_run("base", nbs)
    for name, seconds in zip("abcde", (12.6, 10.6, 9.2, 8.7, 5.3), strict=True):
        run.jobs[name].last_execution_s = seconds
    todo = longest_first((run, j) for j in run.jobs.values())
    names = [j.notebook.name for _, j in analysis_first(todo, 2)]
    assert names[-1] == "sum" and sorted(names[:5]) == list("abcde")
    free = [0.0, 0.0]  # the pool's greedy schedule of that order ends at 23.2
    for name in names[:5]:
        free[free.index(min(free))] += run.jobs[name].last_execution_s
    assert max(free) == pytest.approx(23.2, abs=1e-9)
    run.jobs["c"].last_execution_s = None  # one unknown: longest first (then by size)
    todo = longest_first((run, j) for j in run.jobs.values())
    assert analysis_first(todo, 2) == todo


def test_a_summary_is_prestarted_once_its_others_are_all_given(tmp_path):
    nbs = [source(tmp_path, "10_a"), source(tmp_path, "20_b"), source(tmp_path, "30_c"),
           source(tmp_path, "90_sum", declares=("metrics_path",))]
    base, other = scenario_run("base", nbs), scenario_run("other", nbs[:2] + nbs[3:])
    sched = Scheduler([base, other], workers=2)
    assert sched.prestartable() is None  # nothing given yet
    given = sched.ready()
    assert len(given) == 5
    for job in other.jobs.values():
        job.status = "ok" if not job.notebook.is_summary else job.status
    # both summaries wait only for given notebooks: the one with none pending first
    first = sched.prestartable()
    assert first is not None and first[0] is other and first[1].notebook.name == "90_sum"
    second = sched.prestartable()
    assert second is not None and second[0] is base
    assert sched.prestartable() is None  # each once
    # a prestarted summary is still given by ready() when its others are done
    assert [(r.scenario.name, j.notebook.name) for r, j in sched.ready()] == [
        ("other", "90_sum")]


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


def test_records_in_before_the_pages_free_the_summary_but_not_the_publication(tmp_path):
    from valse.run.publish import summary_inputs

    nbs = [source(tmp_path, "10_a"), source(tmp_path, "20_b"),
           source(tmp_path, "90_sum", declares=("metrics_path",))]
    run = scenario_run("base", nbs)
    sched = Scheduler([run])
    assert [j.notebook.name for _, j in sched.ready()] == ["10_a", "20_b"]
    a, b = run.jobs["10_a"], run.jobs["20_b"]
    a.status, a.records = "ok", [{"name": "m_a", "notebook": "10_a"}]
    b.records = [{"name": "m_b", "notebook": "20_b"}]  # its result is not in yet
    assert sched.ready() == [] and summary_inputs(run) == a.records
    b.records_ready = True  # the worker sent them before writing b's pages
    ready = sched.ready()
    assert [j.notebook.name for _, j in ready] == ["90_sum"]
    assert [r["name"] for r in summary_inputs(run)] == ["m_a", "m_b"]
    ready[0][1].status = "ok"
    assert sched.publishable() == []  # b's pages are still being written
    b.status = "ok"
    assert sched.publishable() == [run]


def test_deferred_pages_wait_for_the_summary_to_be_given(tmp_path):
    nbs = [source(tmp_path, "10_a"), source(tmp_path, "90_sum", declares=("metrics_path",))]
    run = scenario_run("base", nbs)
    alone = scenario_run("solo", [source(tmp_path, "10_x")])  # no summary: at once
    unselected = scenario_run("pick", [source(tmp_path, "10_y"),
                                       source(tmp_path, "90_z", declares=("metrics_path",))],
                              selected={"10_y"})
    sched = Scheduler([run, alone, unselected], workers=2)
    assert not sched.defer_pages  # several scenarios: each notebook's pages at once
    assert Scheduler([run], workers=2).defer_pages and not Scheduler([run]).defer_pages
    assert sched.summaries_given(alone) and sched.summaries_given(unselected)
    sched.ready()
    assert not sched.summaries_given(run)
    run.jobs["10_a"].records_ready = True  # executed, its pages deferred
    assert [j.notebook.name for _, j in sched.ready()] == ["90_sum"]
    assert sched.summaries_given(run)
    assert sched.publishable() == []  # 10_a is still pending: its pages are not written


def test_deferred_pages_end_a_job_with_the_first_error_and_both_times():
    from valse.run.pool import failed_result, pages_written

    ran = {"ok": True, "error": None, "records": [1], "duration_s": 2.5}
    assert pages_written(ran, {"error": None, "duration_s": 0.5}) == {
        **ran, "duration_s": 3.0}
    died = pages_written(ran, failed_result(OSError("worker died")))
    assert died["ok"] is False and died["error"]["evalue"] == "worker died"
    failed = {**ran, "ok": False, "error": {"ename": "ValueError", "evalue": "cell 3"}}
    both = pages_written(failed, {"error": {"ename": "OSError", "evalue": "disk"},
                                  "duration_s": 0.25})
    assert both["error"]["evalue"] == "cell 3" and both["duration_s"] == 2.75


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
