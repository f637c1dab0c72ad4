"""The order in which a run's notebooks execute, as an object whose steps are plain
bookkeeping (tested without kernels).

- Analysis notebooks start first, the longest first (the last known execution time, else the
  source's size), so that the pool's workers finish close together.
- A scenario's summary notebooks (:attr:`valse.run.plan.NotebookSource.is_summary`) become
  ready once every other selected notebook of that scenario has finished (ok, failed or
  skipped).
- A scenario becomes publishable once none of its notebooks is pending; each is published
  once.

The caller starts what :meth:`Scheduler.ready` gives, sets each job's status when it ends
(a cached job ends at once), and publishes what :meth:`Scheduler.publishable` gives.
"""

from __future__ import annotations

from collections.abc import Iterable

from valse.run.plan import Job, ScenarioRun


def longest_first(todo: Iterable[tuple[ScenarioRun, Job]]) -> list[tuple[ScenarioRun, Job]]:
    """Sort by last execution time (longest first; never run: after, by source size)."""
    def key(rj: tuple[ScenarioRun, Job]) -> tuple:
        job = rj[1]
        size = job.notebook.path.stat().st_size if job.notebook.path.exists() else 0
        return (job.last_execution_s is None, -(job.last_execution_s or 0), -size)

    return sorted(todo, key=key)


class Scheduler:
    """What may start and what may be published, given the jobs' statuses."""

    def __init__(self, runs: list[ScenarioRun]) -> None:
        self.runs = runs
        self.todo = longest_first((run, job) for run in runs for job in run.jobs.values()
                                  if job.notebook.name in run.selected)
        self._given: set[tuple[str, str]] = set()
        self._published: set[str] = set()

    @property
    def total(self) -> int:
        """Jobs to run or check (the selected notebooks of every scenario)."""
        return len(self.todo)

    @staticmethod
    def others_done(run: ScenarioRun) -> bool:
        """Every selected non-summary notebook of ``run`` has finished."""
        return all(j.status != "pending" for j in run.jobs.values()
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
