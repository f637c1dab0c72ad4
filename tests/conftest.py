"""Shared test fixtures: a throw-away copy of the tiny fixture project, and one notebook run
through the pipeline's executor (:func:`run_notebook`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class FixtureProject:
    """Fixture notebooks and data copied into a temporary folder, and a runner for them."""

    root: Path
    notebooks: Path
    data: Path
    out: Path

    @property
    def base(self) -> Path:
        return self.data / "scenarios" / "base.yaml"

    def scenario(self, name: str, text: str) -> Path:
        """Write a scenario file ``name.yaml`` (outside the data folder) and return its path."""
        folder = self.root / "scenarios"
        folder.mkdir(exist_ok=True)
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def command(self, *args: str, jobs: int = 2) -> list[str]:
        return [sys.executable, "-m", "valse", "run", "--notebooks", str(self.notebooks),
                "--data", str(self.data), "--out", str(self.out), "--jobs", str(jobs), *args]

    def run(self, *args: str, jobs: int = 2, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Run ``python -m valse run`` on the fixture project and return the finished process
        (``env``: extra environment variables)."""
        return subprocess.run(self.command(*args, jobs=jobs), capture_output=True, text=True,
                              timeout=timeout, cwd=self.root,
                              env={**os.environ, **env} if env else None)


@pytest.fixture
def project(tmp_path: Path) -> FixtureProject:
    """A fresh copy of ``tests/fixtures`` (notebooks and data) with an empty output path."""
    shutil.copytree(FIXTURES / "notebooks", tmp_path / "notebooks")
    shutil.copytree(FIXTURES / "data", tmp_path / "data")
    return FixtureProject(tmp_path, tmp_path / "notebooks", tmp_path / "data", tmp_path / "out")


@dataclass
class NotebookRun:
    """An executed notebook (nbformat v4 as a dict) and its metric records by name."""

    nb: dict[str, Any]
    records: dict[str, dict[str, Any]]


def execute_notebook(notebook: Path, parameters: dict[str, Any], folder: Path,
                     cwd: Path | None = None, timeout: float = 600) -> NotebookRun:
    """Execute ``notebook`` with ``parameters`` as the pipeline does
    (:func:`valse.run.execute.run_notebook`: papermill's parameterisation, nbclient, the
    pipeline's IPC kernel manager), into ``folder``; ``interactive`` is False unless given.
    A failing cell fails the test with the notebook's error."""
    import json

    from valse.report.record import metrics_from_notebook
    from valse.run.execute import run_notebook as pipeline_run

    target = folder / f"{notebook.stem}.executed.ipynb"
    nb, error, current = pipeline_run(str(notebook), target, {"interactive": False,
                                                              **parameters},
                                      str(cwd or notebook.parent), timeout)
    if error is not None:
        pytest.fail(f"{notebook.name}: cell {current} raised {error['ename']}: "
                    f"{error['evalue']}")
    as_dict = json.loads(json.dumps(nb))
    records = metrics_from_notebook(as_dict, notebook.stem)
    return NotebookRun(as_dict, {r["name"]: r for r in records})


@pytest.fixture
def run_notebook(tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., NotebookRun]]:
    """``run_notebook(NOTEBOOK, parameters, cwd=None)``: the notebook executed as the
    pipeline executes it, in the kernels' environment (:func:`valse.run.kernels.set_kernel_env`:
    UTC, one BLAS thread), returning a :class:`NotebookRun`."""
    from valse.run import kernels

    for key, value in kernels.KERNEL_ENV.items():
        monkeypatch.setenv(key, value)
    for key, value in kernels.KERNEL_ENV_DEFAULTS.items():
        if key not in os.environ:
            monkeypatch.setenv(key, value)

    def run(notebook: Path, parameters: dict[str, Any], cwd: Path | None = None) -> NotebookRun:
        return execute_notebook(notebook, parameters, tmp_path, cwd)

    yield run
    kernels.forget_kernels()  # their socket folders
