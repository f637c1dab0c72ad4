"""The pipeline end to end (``python -m valse run``) on tiny fixture notebooks.

The fixtures (tests/fixtures/notebooks) import nothing heavy: each runs in about a second.
10_alpha uses core parameters, a seeded draw and an artifact; 20_beta can fail, sleep and
label its metric from a parameter; 90_summary reads the metrics of the others.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ALL = ("10_alpha", "20_beta", "90_summary")


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` with what identifies its content and its last change (not
    the no-op stamp, :mod:`valse.run.noop`: a check may renew it)."""
    if not folder.exists():
        return {}
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            if name == ".valse-up-to-date.json":
                continue
            path = Path(dirpath) / name
            st = path.lstat()
            target = os.readlink(path) if path.is_symlink() else None
            found[str(path.relative_to(folder))] = (st.st_ino, st.st_mtime_ns, st.st_size, target)
    return found


def started(stderr: str) -> set[str]:
    return set(re.findall(r"\] (\S+) \.\.\. started", stderr))


def external_resources(page: str) -> list[str]:
    """Resources a page would fetch from the network (scripts, styles, images, frames)."""
    soup = BeautifulSoup(page, "html.parser")
    found = []
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                      ("source", "src"), ("video", "src"), ("audio", "src")):
        for el in soup.find_all(tag):
            value = (el.get(attr) or "").strip()
            if value and not value.startswith("data:") and (
                    "//" in value or value.startswith(("http:", "https:"))):
                found.append(f"<{tag} {attr}={value}>")
    for style in soup.find_all("style"):
        found += re.findall(r"@import\s+(?:url\()?\s*['\"]?\s*(?:https?:)?//[^;]*",
                            style.get_text())
        found += re.findall(r"url\(\s*['\"]?\s*(?:https?:)?//[^)]*\)", style.get_text())
    return found


def injected_cell(executed: Path) -> str:
    nb = json.loads(executed.read_text())
    cells = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(cells) == 1
    return "".join(cells[0]["source"])


# ------------------------------------------------------------------ invalid input: exit 2

INVALID = [
    ("unknown", "amazon_investment_usd_b: 50\n", ["'amazon_investment_usd_b'",
                                                  "did you mean 'amazon_investment_usd_bn'"]),
    ("wrongtype", "roles_cut: 2.5\n", ["'roles_cut'", "expected an integer", "found 2.5"]),
    ("boolint", "seed: true\n", ["'seed'", "expected an integer", "found True"]),
    ("range", "contingent_tranche_probability: 1.5\n",
     ["'contingent_tranche_probability'", "between 0 and 1", "found 1.5"]),
    ("negative", "aws_services_usd_bn: -3\n", ["'aws_services_usd_bn'", ">= 0", "found -3"]),
    ("nbunit", "alpha_share: 2\n", ["'alpha_share'", "between 0 and 1", "found 2"]),
    ("upfront", "amazon_investment_usd_bn: 10\namazon_upfront_usd_bn: 15\n",
     ["'amazon_upfront_usd_bn'", "at most amazon_investment_usd_bn", "found 15"]),
    ("syntax", "seed: 1\nroles_cut: [1, 2\n", ["YAML syntax error at line"]),
    ("notmapping", "- 1\n- 2\n", ["expected a mapping"]),
]


@pytest.mark.parametrize("existing", [False, True], ids=["no-out", "previous-out"])
def test_invalid_input_exits_2_and_changes_nothing(project, existing):
    if existing:
        project.out.mkdir()
        (project.out / "index.html").write_text("previous")
        (project.out / "base").mkdir()
        (project.out / "base" / "metrics.json").write_text("[]")
    before = snapshot(project.out)
    for name, text, expected in INVALID:
        path = project.scenario(name, text)
        result = project.run("--scenario", str(project.base), str(path))
        assert result.returncode == 2, (name, result.stderr)
        assert str(path) in result.stderr, name
        for part in expected:
            assert part in result.stderr, (name, part, result.stderr)
        assert snapshot(project.out) == before
        assert project.out.exists() == existing
    missing = project.root / "absent.yaml"
    result = project.run("--scenario", str(missing))
    assert result.returncode == 2 and str(missing) in result.stderr
    assert "not found" in result.stderr
    result = project.run("--only", "20_beta", "30_gamma")
    assert result.returncode == 2 and "'30_gamma'" in result.stderr
    assert snapshot(project.out) == before


# ------------------------------------------------------------------ a full run


def test_run_publishes_pages_metrics_manifest_and_index(project):
    markup = project.scenario("markup", (
        "description: Labels with <b>markup</b> & <script>alert('d')</script>\n"
        "beta_label: \"<script>alert('x')</script> savings\"\n"
        "amazon_investment_usd_bn: 40\nseed: 3\n"))
    result = project.run("--scenario", str(project.base), str(markup))
    assert result.returncode == 0, result.stderr
    # progress lines, and no warning from kernels or libraries
    for scenario in ("base", "markup"):
        for nb in ALL:
            assert re.search(rf"\[{scenario}\] {nb} \.\.\. ok \d+\.\ds", result.stderr)
    assert not re.search(r"warn|error|traceback", result.stderr + result.stdout, re.IGNORECASE), \
        result.stderr

    out = project.out
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "base", "index.fr.html", "index.html", "markup"]
    base = out / "base"
    for nb in ALL:
        for rel in (f"notebooks/{nb}.ipynb", f"html/{nb}.html", f"html/{nb}.full.html"):
            assert (base / rel).is_file(), rel
    # artifacts written by the notebook are published under data/<notebook>/
    assert json.loads((base / "data" / "10_alpha" / "draws.json").read_text()) == {
        "scenario": "base", "interactive": False}

    metrics = json.loads((base / "metrics.json").read_text())
    assert [(m["notebook"], m["name"]) for m in metrics] == [
        ("10_alpha", "amazon_expected_investment_usd_bn"), ("10_alpha", "draw_usd_bn"),
        ("20_beta", "layoff_savings_usd_bn_per_year"), ("90_summary", "metrics_seen_count")]
    by_name = {m["name"]: m for m in metrics}
    # base.yaml: 15 + 0.4 * (50 - 15)
    assert by_name["amazon_expected_investment_usd_bn"]["value"] == pytest.approx(29.0, rel=1e-12)
    assert by_name["amazon_expected_investment_usd_bn"]["sources"] == ["fixture_fact"]
    assert by_name["layoff_savings_usd_bn_per_year"]["value"] == pytest.approx(3.5, rel=1e-12)
    draw = by_name["draw_usd_bn"]
    assert draw["p10"] < draw["p50"] == draw["value"] < draw["p90"]
    assert by_name["metrics_seen_count"]["value"] == 3  # the summary read the others' metrics
    markup_metrics = json.loads((out / "markup" / "metrics.json").read_text())
    assert {m["name"]: m["value"] for m in markup_metrics}[
        "amazon_expected_investment_usd_bn"] == pytest.approx(15 + 0.5 * 25)

    manifest = json.loads((base / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["scenario"] == "base"
    assert [(e["name"], e["status"], e["results_ok"]) for e in manifest["notebooks"]] == [
        (nb, "ok", True) for nb in ALL]
    assert manifest["started"] <= manifest["finished"]
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["scenario_sha256"])
    assert set(manifest["inputs"]["data_files"]) == {"facts.txt", "scenarios/base.yaml"}
    assert manifest["packages"]["papermill"] and manifest["packages"]["nbconvert"]
    assert set(manifest["git"]) == {"commit", "dirty"}
    assert manifest["description"].startswith("Fixture scenario")
    assert {m["name"]: m["value"] for m in markup_metrics}["metrics_seen_count"] == 3

    # parameters are injected only when declared
    alpha = injected_cell(base / "notebooks" / "10_alpha.ipynb")
    beta = injected_cell(base / "notebooks" / "20_beta.ipynb")
    summary = injected_cell(base / "notebooks" / "90_summary.ipynb")
    assert "amazon_investment_usd_bn = 50.0" in alpha and "seed = 7" in alpha
    assert "artifacts_dir = " in alpha and "interactive = False" in alpha
    assert "scenario_name = \"base\"" in alpha or "scenario_name = 'base'" in alpha
    assert "roles_cut = 14000" in beta
    for name in ("amazon_investment_usd_bn", "seed", "artifacts_dir", "scenario_name",
                 "metrics_path", "interactive"):
        assert name not in beta, name
    assert "metrics_path = " in summary and "artifacts_dir" not in summary
    assert "metrics_path" not in alpha
    assert f'outputs_dir = "{out.resolve()}"' in summary and "outputs_dir" not in alpha

    # pages: self-contained, reader page without code, records or injected parameters
    pages = sorted((base / "html").glob("*.html"))
    pages += sorted((out / "markup" / "html").glob("*.html"))
    assert len(pages) == 12
    for page in pages + [out / "index.html"]:
        text = page.read_text()
        assert external_resources(text) == [], page
    reader = (base / "html" / "10_alpha.html").read_text()
    full = (base / "html" / "10_alpha.full.html").read_text()
    reader_text = BeautifulSoup(reader, "html.parser").get_text()
    full_text = BeautifulSoup(full, "html.parser").get_text()
    assert "rng = random.Random(seed)" not in reader_text
    assert "rng = random.Random(seed)" in full_text
    assert "[metric]" not in reader_text
    assert "[metric] amazon_expected_investment_usd_bn" in full_text
    assert "amazon_investment_usd_bn = 50.0" in full_text  # papermill's injected cell
    assert "amazon_investment_usd_bn = 50.0" not in reader_text
    assert "<h1" in reader and "Alpha" in reader
    assert re.search(r'<img[^>]+src="data:image/png;base64,', reader)

    # the index lists each scenario, its description, metrics and pages; data is escaped
    index = (out / "index.html").read_text()
    soup = BeautifulSoup(index, "html.parser")
    assert soup.find_all("script") == []
    assert [h.get_text() for h in soup.find_all("h2")] == [
        "Scenarios side by side", "Scenario base", "Scenario markup"]
    headings = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False))
    text = soup.get_text()
    assert "<script>alert('x')</script> savings" in text
    assert "Labels with <b>markup</b> & <script>alert('d')</script>" in text
    assert "Fixture scenario <with markup> & an ampersand" in text
    assert "Expected cash from Amazon" in text and "29.00" in text
    links = {a["href"] for a in soup.find_all("a")}
    for scenario in ("base", "markup"):
        for nb in ALL:
            assert {f"{scenario}/html/{nb}.html", f"{scenario}/html/{nb}.full.html",
                    f"{scenario}/notebooks/{nb}.ipynb"} <= links
    assert "@media print" in index
    # the markup label also stays text in the notebook's own pages
    beta_page = (out / "markup" / "html" / "20_beta.html").read_text()
    assert "<script>alert('x')</script>" not in beta_page


# ------------------------------------------------------------------ failures


def test_failing_notebook_is_isolated_kept_and_reported(project):
    failing = project.scenario("failing", "beta_fail: true\nseed: 1\n")
    result = project.run("--scenario", str(failing))
    assert result.returncode == 1, result.stderr
    assert re.search(r"\[failing\] 20_beta \.\.\. FAILED .*cell 3 \(In \[4\]\) `if beta_fail:`"
                     r".*ValueError: beta was asked to fail", result.stderr), result.stderr
    assert re.search(r"\[failing\] 10_alpha \.\.\. ok", result.stderr)
    folder = project.out / "failing"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["failed"] == ["20_beta"]
    entries = {e["name"]: e for e in manifest["notebooks"]}
    assert entries["10_alpha"]["status"] == "ok" and entries["90_summary"]["status"] == "ok"
    error = entries["20_beta"]["error"]
    assert entries["20_beta"]["status"] == "failed"
    assert (error["cell_index"], error["execution_count"], error["first_line"], error["ename"]) \
        == (3, 4, "if beta_fail:", "ValueError")
    # the partially executed notebook is kept with its traceback and papermill's banner
    nb = json.loads((folder / "notebooks" / "20_beta.ipynb").read_text())
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors and errors[0]["evalue"] == "beta was asked to fail"
    assert any("papermill-error-cell-tag" in c["metadata"].get("tags", []) for c in nb["cells"])
    reader = (folder / "html" / "20_beta.html").read_text()
    assert "beta was asked to fail" in reader
    # the failed notebook's metrics are left out; the others' are there
    names = [m["name"] for m in json.loads((folder / "metrics.json").read_text())]
    assert names == ["amazon_expected_investment_usd_bn", "draw_usd_bn", "metrics_seen_count"]
    index = (project.out / "index.html").read_text()
    assert "some notebooks failed" in index and "beta was asked to fail" in index

    # a failed notebook is always re-run; the others are up to date
    again = project.run("--scenario", str(failing))
    assert again.returncode == 1
    assert started(again.stderr) == {"20_beta"}
    assert "[failing] 10_alpha ... up to date" in again.stderr


def test_notebook_timeout_fails_that_notebook(project):
    slow = project.scenario("slow", "beta_sleep_s: 60\n")
    t0 = time.monotonic()
    result = project.run("--scenario", str(slow), "--only", "20_beta", "--timeout", "2")
    assert time.monotonic() - t0 < 30
    assert result.returncode == 1, result.stderr
    entry = json.loads((project.out / "slow" / "manifest.json").read_text())["notebooks"][0]
    assert entry["name"] == "20_beta" and entry["status"] == "failed"
    assert entry["error"]["ename"] == "Timeout" and entry["error"]["cell_index"] == 2
    assert (project.out / "slow" / "html" / "20_beta.html").is_file()


def test_the_summary_starts_on_the_idle_worker_and_waits_for_the_others(project):
    # beta sleeps 4 s: alpha's worker is idle meanwhile, and takes the summary's kernel and
    # prelude; the summary goes on once beta's cells are done, and reads both others' metrics.
    # A run of one scenario writes the others' pages once the summary goes (on the core that
    # would idle meanwhile): each ends ("ok") after the summary's start
    slow = project.scenario("held", "beta_sleep_s: 4\n")
    result = project.run("--scenario", str(slow))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("[held]")]
    def at(start: str) -> int:
        return next(i for i, line in enumerate(lines) if line.startswith(start))

    for name in ("10_alpha", "20_beta"):
        assert at("[held] 90_summary ... started") < at(f"[held] {name} ... ok"), lines
        assert (project.out / "held" / "html" / f"{name}.html").is_file()
    entries = {e["name"]: e for e in json.loads(
        (project.out / "held" / "manifest.json").read_text())["notebooks"]}
    assert entries["90_summary"]["last_prelude_s"] > 0
    assert entries["10_alpha"]["last_prelude_s"] is None
    assert entries["90_summary"]["duration_s"] < entries["20_beta"]["duration_s"]
    assert {m["name"]: m["value"] for m in json.loads(
        (project.out / "held" / "metrics.json").read_text())}["metrics_seen_count"] == 3


def test_the_summary_goes_on_while_the_last_notebook_writes_its_pages(project):
    # beta's 400 Markdown outputs make its pages slow to write (about a second): its records
    # reach the run before that, and the summary, prestarted, goes on meanwhile; it reads
    # beta's metric, so it started after beta's cells ended
    slow = project.scenario("pages", "beta_sleep_s: 2\nbeta_outputs: 400\n")
    result = project.run("--scenario", str(slow))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("[pages]")]
    def at(start: str) -> int:
        return next(i for i, line in enumerate(lines) if line.startswith(start))

    assert at("[pages] 90_summary ... started") < at("[pages] 20_beta ... ok"), lines
    assert {m["name"]: m["value"] for m in json.loads(
        (project.out / "pages" / "metrics.json").read_text())}["metrics_seen_count"] == 3
    assert (project.out / "pages" / "html" / "20_beta.html").read_text().count("word") >= 400 * 40


# ------------------------------------------------------------------ incremental runs


def test_incremental_skip_invalidation_force_and_determinism(project):
    first = project.run()
    assert first.returncode == 0, first.stderr
    assert started(first.stderr) == set(ALL)
    metrics_first = (project.out / "base" / "metrics.json").read_bytes()

    # no-op: fast, nothing rewritten
    before = snapshot(project.out)
    t0 = time.monotonic()
    noop = project.run()
    elapsed = time.monotonic() - t0
    assert noop.returncode == 0 and "up to date" in noop.stderr
    assert started(noop.stderr) == set()
    assert snapshot(project.out) == before
    assert elapsed < 2.0  # includes the interpreter start; see bench for the real figure

    # a data file changes: every notebook runs again
    (project.data / "facts.txt").write_text("a changed fixture data file\n")
    data_run = project.run()
    assert data_run.returncode == 0 and started(data_run.stderr) == set(ALL)

    # one notebook changes: only it runs; the summary reads the same metrics, so is skipped
    path = project.notebooks / "20_beta.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"][0]["source"] = "# Beta, reworded\n"
    path.write_text(json.dumps(nb))
    nb_run = project.run()
    assert nb_run.returncode == 0 and started(nb_run.stderr) == {"20_beta"}
    assert "[base] 10_alpha ... up to date" in nb_run.stderr
    assert "[base] 90_summary ... up to date" in nb_run.stderr
    manifest = json.loads((project.out / "base" / "manifest.json").read_text())
    assert {e["name"]: (e["status"], e["reason"]) for e in manifest["notebooks"]} == {
        "10_alpha": ("skipped", "cached"), "20_beta": ("ok", None),
        "90_summary": ("skipped", "cached")}
    # carried results are complete
    for nb_name in ALL:
        assert (project.out / "base" / "html" / f"{nb_name}.html").is_file()
    assert (project.out / "base" / "data" / "10_alpha" / "draws.json").is_file()

    # --only runs the selected notebook and carries the others
    only = project.run("--only", "10_alpha", "--force")
    assert only.returncode == 0 and started(only.stderr) == {"10_alpha"}
    manifest = json.loads((project.out / "base" / "manifest.json").read_text())
    assert {e["name"]: e["reason"] for e in manifest["notebooks"]}["20_beta"] == "not selected"
    assert len(json.loads((project.out / "base" / "metrics.json").read_text())) == 4

    # --force runs everything; same inputs give the same metrics.json bytes
    (project.data / "facts.txt").write_text("a fixture data file\n")
    path.write_text((Path(__file__).parent / "fixtures" / "notebooks" / "20_beta.ipynb")
                    .read_text())
    # (and kernels forked from the zygote give what ordinary kernels, the default, give)
    forced = project.run("--force", env={"VALSE_FORK_KERNELS": "1"})
    assert forced.returncode == 0 and started(forced.stderr) == set(ALL)
    assert (project.out / "base" / "metrics.json").read_bytes() == metrics_first
    # only the published run folder is left
    assert len(list((project.out / ".runs").iterdir())) == 1


def test_noop_imports_nothing_heavy(project):
    assert project.run("--only", "20_beta").returncode == 0
    code = ("import sys; from valse.__main__ import main; "
            f"rc = main({project.command('--only', '20_beta')[3:]!r}); "
            "heavy = [m for m in ('pandas', 'papermill', 'nbconvert', 'nbformat', 'numpy', "
            "'matplotlib', 'nbclient') if m in sys.modules]; print(rc, heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=project.root, check=True)
    assert out.stdout.strip() == "0 []", out.stderr


# ------------------------------------------------------------------ atomic publish


def test_killed_run_leaves_previous_results_intact(project):
    assert project.run().returncode == 0
    published = (project.out / "base").resolve()
    metrics = (project.out / "base" / "metrics.json").read_bytes()
    index = (project.out / "index.html").read_bytes()

    slow = project.data / "scenarios" / "base.yaml"
    slow.write_text(slow.read_text() + "beta_sleep_s: 60\n")
    proc = subprocess.Popen(project.command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=project.root, start_new_session=True)
    lines: list[str] = []
    seen_beta = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            lines.append(line)
            if "20_beta ... started" in line:  # alpha is up to date: carried into the build
                seen_beta.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert seen_beta.wait(60), "".join(lines)
        time.sleep(1.0)
        # mid-way: alpha carried, beta sleeping, a build folder exists
        builds = [p for p in (project.out / ".runs").iterdir() if p != published]
        assert builds and (builds[0] / "notebooks" / "10_alpha.ipynb").is_file()
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert (project.out / "base").resolve() == published
    assert (project.out / "base" / "metrics.json").read_bytes() == metrics
    assert (project.out / "index.html").read_bytes() == index
    manifest = json.loads((project.out / "base" / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert "<html" in (project.out / "base" / "html" / "20_beta.html").read_text()
    visible = sorted(p.name for p in project.out.iterdir() if not p.name.startswith("."))
    assert visible == ["base", "index.fr.html", "index.html"]

    # the next run cleans the dead run's build folder and publishes
    slow.write_text(slow.read_text().replace("beta_sleep_s: 60\n", "beta_sleep_s: 0.1\n"))
    result = project.run()
    assert result.returncode == 0, result.stderr
    runs = list((project.out / ".runs").iterdir())
    assert runs == [(project.out / "base").resolve()]


def test_progress_bar_only_on_a_terminal():
    import io

    from valse.run.console import Console

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    plain, tty = io.StringIO(), Terminal()
    for stream in (plain, tty):
        console = Console(2, stream)
        console.line("[base] 10_alpha ... ok 1.0s")
        console.advance()
        console.close()
    assert plain.getvalue() == "[base] 10_alpha ... ok 1.0s\n"
    assert "[base] 10_alpha ... ok 1.0s" in tty.getvalue()
    assert "/2 [" in tty.getvalue()  # the bar was drawn


def test_zygote_preloads_only_safe_libraries(tmp_path):
    from valse.run.forkserver import notebook_imports, zygote_modules

    nb = {"cells": [{"cell_type": "code", "source": [
        "%matplotlib inline\n", "import numpy as np, json\n", "import matplotlib.pyplot as plt\n",
        "from pandas import DataFrame\n", "from scipy.optimize import brentq\n",
        "import seaborn as sns\n", "def f():\n", "    import networkx\n"]},
        {"cell_type": "markdown", "source": "import pandas.plotting"}]}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb))
    imports = notebook_imports([path])
    assert {"numpy", "json", "matplotlib.pyplot", "pandas", "scipy.optimize", "seaborn"} \
        <= set(imports)
    modules = zygote_modules(imports)
    assert {"numpy", "pandas", "scipy.optimize", "matplotlib"} <= set(modules)
    assert not {"matplotlib.pyplot", "seaborn", "json"} & set(modules)
