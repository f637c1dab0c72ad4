"""The order in which a run's notebooks execute, as an object whose steps are plain
bookkeeping (tested without kernels).

- Analysis notebooks start first, the longest first (the last known execution time, else the
  source's size), so that the pool's workers finish close together. When every one of them
  has a known time and there are few (:data:`MAX_SEARCHED`), the order is the one whose
  greedy schedule on the pool's workers ends first (:func:`best_order`): longest-first can
  leave a short notebook for last on the worker that finishes later.
- A scenario's summary notebooks (:attr:`valse.run.plan.NotebookSource.is_summary`) become
  ready once every other selected notebook of that scenario has finished (ok, failed or
  skipped).
- A summary may be *prestarted* (:meth:`Scheduler.prestartable`) when a worker would
  otherwise idle: every other notebook of its scenario has been given, so it waits only for
  notebooks already running. Its kernel starts and runs its prelude cells
  (:mod:`valse.run.execute`) while they finish.
- A run of one scenario on two or more workers defers its analysis notebooks' pages: each
  is written once the scenario's summary is given (:meth:`Scheduler.summaries_given`), on
  the core that would otherwise idle while the summary runs alone; until then the notebook
  stays pending with its records in (:attr:`~valse.run.plan.Job.records_ready`).
- A scenario becomes publishable once none of its notebooks is pending; each is published
  once.

The caller starts what :meth:`Scheduler.ready` gives, sets each job's status when it ends
(a cached job ends at once), and publishes what :meth:`Scheduler.publishable` gives.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from valse.run.plan import Job, ScenarioRun

#: Most analysis notebooks whose orders are all tried (7! = 5,040 orders, about 20 ms).
MAX_SEARCHED = 7


def longest_first(todo: Iterable[tuple[ScenarioRun, Job]]) -> list[tuple[ScenarioRun, Job]]:
    """Sort by last execution time (longest first; never run: after, by source size)."""
    def key(rj: tuple[ScenarioRun, Job]) -> tuple:
        job = rj[1]
        size = job.notebook.path.stat().st_size if job.notebook.path.exists() else 0
        return (job.last_execution_s is None, -(job.last_execution_s or 0), -size)

    return sorted(todo, key=key)


def makespan(durations: Sequence[float], workers: int, prelude: float = 0.0) -> float:
    """When the summary may go on (seconds) if each of ``durations`` (in the order given)
    starts on the first of ``workers`` to be free, as a process pool takes its queue (greedy
    list scheduling, Graham 1966): when the last ends, or, if later, when the first worker
    free has run the summary's ``prelude`` (0: the plain makespan)."""
    free = [0.0] * max(1, workers)
    for seconds in durations:
        i = free.index(min(free))
        free[i] += seconds
    return max(max(free), min(free) + prelude) if workers > 1 else max(free)


def best_order(durations: Sequence[float], workers: int, prelude: float = 0.0) -> list[int]:
    """Indices of ``durations`` in the order whose :func:`makespan` is least: every order is
    tried when there are at most :data:`MAX_SEARCHED`, the first best kept, starting from the
    longest first (so that order stays unless another ends strictly sooner); otherwise the
    longest first."""
    lpt = sorted(range(len(durations)), key=lambda i: -durations[i])
    if len(durations) > MAX_SEARCHED or workers < 2:
        return lpt
    best, best_end = lpt, makespan([durations[i] for i in lpt], workers, prelude)
    for order in itertools.permutations(lpt):
        end = makespan([durations[i] for i in order], workers, prelude)
        if end < best_end - 1e-9:
            best, best_end = list(order), end
    return best


def analysis_first(todo: list[tuple[ScenarioRun, Job]], workers: int,
                   ) -> list[tuple[ScenarioRun, Job]]:
    """``todo`` (longest first) with its analysis notebooks in :func:`best_order` when all
    of them have a known time (and, with one summary, its last prelude's time); the summaries
    after them (they wait for the others)."""
    analysis = [rj for rj in todo if not rj[1].notebook.is_summary]
    summaries = [rj for rj in todo if rj[1].notebook.is_summary]
    if any(job.last_execution_s is None for _, job in analysis):
        return todo
    prelude = (summaries[0][1].prelude_s or 0.0) if len(summaries) == 1 else 0.0
    order = best_order([job.last_execution_s or 0.0 for _, job in analysis], workers, prelude)
    return [analysis[i] for i in order] + summaries


class Scheduler:
    """What may start and what may be published, given the jobs' statuses."""

    def __init__(self, runs: list[ScenarioRun], workers: int = 1) -> None:
        self.runs = runs
        self.todo = analysis_first(longest_first(
            (run, job) for run in runs for job in run.jobs.values()
            if job.notebook.name in run.selected), workers)
        #: whether analysis notebooks' pages wait for their summary (:meth:`summaries_given`):
        #: with one scenario, a core idles while its summary runs alone and can write them;
        #: with several, the others' notebooks keep the cores busy, and a deferred page
        #: would wait behind them, holding back every scenario's publication to the end
        self.defer_pages = workers > 1 and len(runs) == 1
        self._given: set[tuple[str, str]] = set()
        self._prestarted: set[tuple[str, str]] = set()
        self._published: set[str] = set()

    @property
    def total(self) -> int:
        """Jobs to run or check (the selected notebooks of every scenario)."""
        return len(self.todo)

    @staticmethod
    def others_done(run: ScenarioRun) -> bool:
        """Every selected non-summary notebook of ``run`` has finished, or has its records
        in while it writes its pages (:attr:`~valse.run.plan.Job.records_ready`)."""
        return all(j.status != "pending" or j.records_ready for j in run.jobs.values()
                   if not j.notebook.is_summary and j.notebook.name in run.selected)

    def ready(self) -> list[tuple[ScenarioRun, Job]]:
        """The jobs that may start now and were not given before (each is given once)."""
        out = []
        for run, job in self.todo:
            key = (run.scenario.name, job.notebook.name)
            if key in self._given or job.status != "pending":
                continue
            if job.notebook.is_summary and not self.others_done(run):
                continue
            self._given.add(key)
            out.append((run, job))
        return out

    def prestartable(self) -> tuple[ScenarioRun, Job] | None:
        """A summary not given yet, not prestarted, whose scenario's other selected notebooks
        have all been given (they are running or done): the one with the fewest of them still
        pending. None if there is none. Each is prestarted once."""
        best: tuple[int, tuple[ScenarioRun, Job]] | None = None
        for run, job in self.todo:
            key = (run.scenario.name, job.notebook.name)
            if (not job.notebook.is_summary or job.status != "pending" or key in self._given
                    or key in self._prestarted):
                continue
            others = [(run.scenario.name, j.notebook.name) for j in run.jobs.values()
                      if not j.notebook.is_summary and j.notebook.name in run.selected]
            if not all(k in self._given for k in others):
                continue
            left = sum(1 for j in run.jobs.values() if not j.notebook.is_summary
                       and j.notebook.name in run.selected and j.status == "pending")
            if best is None or left < best[0]:
                best = (left, (run, job))
        if best is None:
            return None
        run, job = best[1]
        self._prestarted.add((run.scenario.name, job.notebook.name))
        return best[1]

    def summaries_given(self, run: ScenarioRun) -> bool:
        """True when no selected summary of ``run`` is still to be given by :meth:`ready`
        (each was given, or is not pending, or ``run`` has none): the moment a run that
        defers its analysis notebooks' pages lets them be written."""
        return all((run.scenario.name, j.notebook.name) in self._given or j.status != "pending"
                   for j in run.jobs.values()
                   if j.notebook.is_summary and j.notebook.name in run.selected)

    def publishable(self) -> list[ScenarioRun]:
        """The scenarios none of whose notebooks is pending, not given before."""
        out = []
        for run in self.runs:
            name = run.scenario.name
            if name in self._published or any(j.status == "pending"
                                               for j in run.jobs.values()):
                continue
            self._published.add(name)
            out.append(run)
        return out

    def given(self, run: ScenarioRun) -> bool:
        """True once ``run`` was given by :meth:`publishable`."""
        return run.scenario.name in self._published
