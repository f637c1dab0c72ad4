"""The code is ruff-clean (the rules are in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing_in_the_library_tests_and_bench():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "lib", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_finds_nothing_in_the_notebooks_and_they_are_formatted():
    """Notebooks are code too (issue #11): ``ruff check`` and ``ruff format --check`` read
    the ``.ipynb`` files, as ``make lint`` does."""
    for args in (["check", "--no-cache", "notebooks"],
                 ["format", "--check", "--no-cache", "notebooks"]):
        proc = subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
