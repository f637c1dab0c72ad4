"""Narrow cache keys, and ``--data`` is what the notebooks read (issue 12, section 3).

- a scenario's notebooks depend on its own parameters, not on the other scenario files;
- a notebook depends on the data files it reads and on the library modules a kernel imports,
  not on the runner's modules;
- the console says why a notebook runs again;
- a run on a copy of ``data/`` with one changed figure shows that figure.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from test_pipeline import started

from valse.run.cachekeys import RUNNER_MODULES, combined_hash, kernel_lib_files

ROOT = Path(__file__).resolve().parents[1]


def why(stderr: str) -> dict[str, str]:
    """{'scenario/notebook': reason} of the notebooks that started."""
    return {f"{m[0]}/{m[1]}": m[2] for m in re.findall(
        r"\[(\S+)\] (\S+) \.\.\. started \((.*)\)", stderr)}


def test_a_scenario_depends_on_its_own_file_and_the_console_says_why(project):
    other = project.scenario("other", project.base.read_text() + "beta_label: Other\n")
    both = ("--scenario", str(project.base), str(other))
    first = project.run(*both)
    assert first.returncode == 0, first.stderr
    assert set(why(first.stderr).values()) == {"first run"}

    # another scenario's file changes: this scenario's notebooks are up to date
    other.write_text(other.read_text().replace("roles_cut: 14000", "roles_cut: 20000"))
    edited = project.run(*both)
    assert edited.returncode == 0, edited.stderr
    assert why(edited.stderr) == {"other/20_beta": "parameter roles_cut changed",
                                  "other/90_summary": "the other notebooks' metrics changed"}
    for nb in ("10_alpha", "20_beta", "90_summary"):
        assert f"[base] {nb} ... up to date" in edited.stderr

    # a data file the notebooks read changes
    (project.data / "facts.txt").write_text("a changed fixture data file\n")
    data_run = project.run(*both)
    reasons = why(data_run.stderr)
    assert reasons["base/10_alpha"] == "facts.txt changed"
    assert reasons["other/20_beta"] == "facts.txt changed"

    # the notebook itself changes
    path = project.notebooks / "10_alpha.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"][0]["source"] = "# Alpha, reworded\n"
    path.write_text(json.dumps(nb))
    nb_run = project.run("--scenario", str(project.base))
    assert why(nb_run.stderr) == {"base/10_alpha": "notebook changed"}
    assert project.run("--scenario", str(project.base), "--force").returncode == 0


def test_the_runners_modules_are_not_in_the_notebooks_keys(project):
    assert project.run("--only", "10_alpha").returncode == 0
    manifest = json.loads((project.out / "base" / "manifest.json").read_text())
    lib = manifest["inputs"]["lib_files"]
    for runner in ("__main__.py", "data/datacheck.py"):
        assert runner in RUNNER_MODULES and runner not in lib, runner
    for runner in ("run/outfolder.py", "run/forkserver_guard.py", "run/site.py",
                   "run/export.py", "run/changes.py", "run/main.py", "run/execute.py"):
        assert runner not in lib, runner
    for model in ("model/valuation.py", "data/facts.py", "report/record.py",
                  "report/sanitize.py", "report/templates/03_labor_costs/plain_words.md.j2",
                  "data/parameters.csv", "report/metrics_registry.csv"):
        assert model in lib, model
    assert manifest["inputs"]["lib_sha256"] == combined_hash(kernel_lib_files())
    entry = manifest["notebooks"][0]
    assert entry["data_files"] == ["facts.txt"]  # not the scenario files


def test_declared_reads_of_the_project_notebooks():
    from valse.data.datacheck import notebook_reads

    reads = {p.stem: notebook_reads(p) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    assert reads["00_overview"] == (("checks.csv", "facts.csv"), False)
    assert reads["01_valuation"] == (("comparables.csv", "facts.csv"), False)
    # the regulators' timeline and the watch-list are read by the library (flows_report), not
    # by a loader call in 04's own code: the imports are followed
    assert reads["04_cross_investments"] == (
        ("cloud_shares.csv", "facts.csv", "flows.csv", "regulatory_matters.csv", "watchlist.csv"),
        False,
    )
    assert reads["05_summary"] == (
        ("claims.csv", "datapackage.json", "facts.csv", "not_found.csv",
         "regulatory_matters.csv", "watchlist.csv"), True)


def test_reads_hidden_in_an_imported_library_module_count(tmp_path):
    """A notebook that only calls the report layer still depends on the files the report
    layer's loaders open; one importing nothing of the package reads nothing."""
    from valse.data.datacheck import notebook_reads

    def notebook(code: str) -> Path:
        path = tmp_path / f"nb{len(list(tmp_path.iterdir()))}.ipynb"
        path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": code}]}))
        return path

    assert notebook_reads(notebook("import math\n")) == ((), False)
    files, _ = notebook_reads(notebook("from valse.report import flows_report\n"))
    assert {"regulatory_matters.csv", "watchlist.csv"} <= set(files)
    multiline = "from valse.data.not_found import (\n    load_not_found,\n)\n"
    files, _ = notebook_reads(notebook(multiline))
    assert "not_found.csv" in files and "claims.csv" not in files


def test_data_dir_is_what_the_notebooks_read(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "facts.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    (row,) = [r for r in rows if r["id"] == "aws_openai_contract_expansion_usd_bn"]
    assert row["value"] == "100"
    row["value"], row["high"] = "123", ""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "valse", "run", "--data", str(data), "--out", str(out),
         "--scenario", str(data / "scenarios" / "base.yaml"), "--only", "00_overview",
         "--jobs", "1"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    text = BeautifulSoup((out / "base" / "html" / "00_overview.html").read_text(),
                         "html.parser").get_text(" ")
    assert "expanded its AWS contract by USD 123 billion" in " ".join(text.split())
    manifest = json.loads((out / "base" / "manifest.json").read_text())
    assert manifest["data_dir"] == str(data.resolve())
    assert started(result.stderr) == {"00_overview"}
