"""Nothing lost: the runner deletes or replaces only what it made (issue 17), under a run lock
(issue 12, section 3).

Each test puts something valse did not make where a run would write, runs the pipeline on the
fixture project, and checks the observable: the files that must survive, the exit code and the
message that says what is in the way.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from test_pipeline import snapshot

from valse.run import outfolder


def _published(project) -> Path:
    return (project.out / "base").resolve()


def test_a_folder_valse_did_not_make_is_left_alone_exit_2(project):
    mine = project.out / "base"
    mine.mkdir(parents=True)
    (mine / "thesis.docx").write_text("two years of work")
    before = snapshot(project.out)
    result = project.run()
    assert result.returncode == 2, result.stderr
    assert str(mine) in result.stderr and "did not make" in result.stderr
    assert "move or rename it" in result.stderr
    assert snapshot(project.out) == before
    assert (mine / "thesis.docx").read_text() == "two years of work"


def test_a_link_to_a_folder_elsewhere_is_never_followed(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep me")
    project.out.mkdir()
    os.symlink(elsewhere, project.out / "base")
    before = snapshot(project.out)
    result = project.run()
    assert result.returncode == 2, result.stderr
    assert "symbolic link" in result.stderr and str(elsewhere) in result.stderr
    assert (elsewhere / "keep.txt").read_text() == "keep me"
    assert snapshot(project.out) == before
    # a link into .runs/ whose target valse did not make is refused as well
    (project.out / "base").unlink()
    fake = project.out / ".runs" / "base--x--1"
    fake.mkdir(parents=True)
    (fake / "keep.txt").write_text("keep me too")
    os.symlink(".runs/base--x--1", project.out / "base")
    result = project.run()
    assert result.returncode == 2 and "did not make" in result.stderr
    assert (fake / "keep.txt").read_text() == "keep me too"


def test_an_index_valse_did_not_write_is_left_alone(project):
    project.out.mkdir()
    (project.out / "index.html").write_text("<html>my own site</html>")
    result = project.run()
    assert result.returncode == 2, result.stderr
    assert "index.html" in result.stderr and "did not write" in result.stderr
    assert (project.out / "index.html").read_text() == "<html>my own site</html>"
    assert not (project.out / "base").exists()


@pytest.mark.parametrize("name", ["index.html", "index.fr.html", "assets", "data", "INDEX.HTML",
                                  "metrics.json"])
def test_scenario_names_of_the_sites_own_files_are_refused(project, name):
    path = project.scenario(name, "seed: 1\n")
    result = project.run("--scenario", str(path))
    assert result.returncode == 2, result.stderr
    assert str(path) in result.stderr and "taken by the published site's own files" in \
        result.stderr
    assert not project.out.exists()


def test_unmarked_folders_and_files_in_the_output_folder_survive_a_run(project):
    assert project.run().returncode == 0
    mine = project.out / ".runs" / "notes"
    mine.mkdir()
    (mine / "n.txt").write_text("mine")
    (project.out / "README.txt").write_text("my notes on this folder")
    (project.out / ".index-12345.tmp").write_text("looks like an old temporary file")
    result = project.run("--force")
    assert result.returncode == 0, result.stderr
    assert (mine / "n.txt").read_text() == "mine"
    assert (project.out / "README.txt").read_text() == "my notes on this folder"
    assert (project.out / ".index-12345.tmp").is_file()
    # valse's own runs are marked; only the published one is left
    runs = [p for p in (project.out / ".runs").iterdir() if p.name != "notes"]
    assert runs == [_published(project)]
    assert (runs[0] / outfolder.MARKER).is_file()


def test_a_failed_run_never_replaces_good_results(project):
    assert project.run().returncode == 0
    good = _published(project)
    metrics = (project.out / "base" / "metrics.json").read_bytes()
    page = (project.out / "base" / "html" / "20_beta.html").read_bytes()
    project.base.write_text(project.base.read_text() + "beta_fail: true\n")
    result = project.run()
    assert result.returncode == 1, result.stderr
    assert "[base] not published: 20_beta failed" in result.stderr
    assert "--publish-failed" in result.stderr
    assert _published(project) == good
    assert (project.out / "base" / "metrics.json").read_bytes() == metrics
    assert (project.out / "base" / "html" / "20_beta.html").read_bytes() == page
    (kept,) = (project.out / outfolder.FAILED).iterdir()
    assert str(kept) in result.stderr
    manifest = json.loads((kept / "manifest.json").read_text())
    assert manifest["failed"] == ["20_beta"]
    assert manifest["notebooks"][1]["error"]["evalue"] == "beta was asked to fail"
    assert "beta was asked to fail" in (kept / "html" / "20_beta.html").read_text()
    # asked for, the failed run is published (and the run kept aside earlier is replaced)
    forced = project.run("--publish-failed")
    assert forced.returncode == 1, forced.stderr
    assert _published(project) != good
    assert json.loads((project.out / "base" / "manifest.json").read_text())["failed"] == [
        "20_beta"]


def test_a_second_run_waits_for_the_lock_or_refuses_with_exit_3(project):
    from filelock import FileLock

    project.out.mkdir()
    lock = FileLock(str(project.out / outfolder.LOCK_NAME))
    with lock:
        refused = project.run("--no-wait")
        assert refused.returncode == outfolder_exit_locked(), refused.stderr
        assert "another valse run is writing" in refused.stderr
        assert not (project.out / "base").exists()
        proc = subprocess.Popen(project.command(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=project.root)
        waited = threading.Event()
        lines: list[str] = []

        def read() -> None:
            for line in proc.stderr:
                lines.append(line)
                if line.startswith("waiting: another valse run"):
                    waited.set()

        threading.Thread(target=read, daemon=True).start()
        assert waited.wait(60), "".join(lines)
        assert proc.poll() is None and not (project.out / "base").exists()
    assert proc.wait(120) == 0, "".join(lines)
    deadline = time.monotonic() + 10
    while not (project.out / "base").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (project.out / "base" / "metrics.json").is_file()


def outfolder_exit_locked() -> int:
    from valse.run.main import EXIT_LOCKED

    return EXIT_LOCKED
