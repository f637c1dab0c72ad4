"""Shared test fixtures: a throw-away copy of the tiny fixture project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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
