"""The stamp that answers a run with nothing to do (:mod:`valse.run.noop`).

Unit cases on a small tree (no kernels): every kind of change the plan could see makes the
stamp fail, so the run falls back to its full check; then the command line end to end on the
fixture project: the stamp is left by a run, answers the next one, and never hides a change.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from valse.run import noop


@pytest.fixture
def tree(tmp_path: Path) -> dict:
    """A data folder, a notebooks folder, a scenario, and an output folder with a published
    scenario (a link into ``.runs``), modified an hour ago (changed now: in the racy window)."""
    data, notebooks, out = tmp_path / "data", tmp_path / "notebooks", tmp_path / "out"
    (data / "scenarios").mkdir(parents=True)
    (data / "facts.csv").write_text("id,value\na,1\n")
    (data / "scenarios" / "base.yaml").write_text("discount_rate: 0.09\n")
    notebooks.mkdir()
    (notebooks / "10_a.ipynb").write_text("{}")
    run = out / ".runs" / "base--1"
    run.mkdir(parents=True)
    (run / "manifest.json").write_text("{}")
    (run / ".valse-run").write_text("{}")
    (out / "base").symlink_to(Path(".runs") / "base--1")
    (out / "index.html").write_text("<html></html>")
    old = time.time() - 3600
    for path in [*tmp_path.rglob("*")]:
        os.utime(path, (old, old), follow_symlinks=False)
    options = {"scenarios": [str(data / "scenarios" / "base.yaml")], "only": [],
               "out": str(out), "notebooks": str(notebooks), "data": str(data),
               "publish_failed": False}
    return {"options": options, "data": data, "notebooks": notebooks, "out": out, "run": run}


def stamped(tree: dict) -> dict:
    options = tree["options"]
    assert noop.write(options, noop.taken(options))
    assert noop.up_to_date(options) == ["base"]
    return options


def test_a_stamp_answers_with_the_scenarios_names(tree):
    options = stamped(tree)
    assert noop.nothing_to_do(["base", "bear"]) == (
        "everything is up to date (base, bear); nothing to do")
    # the lock and the stamp itself are rewritten by every run: they do not count
    (tree["out"] / ".valse-lock").write_text("")
    assert noop.up_to_date(options) == ["base"]


@pytest.mark.parametrize("change", [
    "data file edited", "data file edited, size and times kept", "data file added",
    "empty folder added", "scenario edited", "notebook added", "notebook removed",
    "published link moved", "published file removed", "marker edited", "index removed",
    "library file added",
])
def test_any_change_the_plan_could_see_makes_the_stamp_fail(tree, change, monkeypatch):
    options = stamped(tree)
    data, notebooks, out, run = tree["data"], tree["notebooks"], tree["out"], tree["run"]
    facts = data / "facts.csv"
    if change == "data file edited":
        facts.write_text("id,value\na,2\nb,3\n")
    elif change == "data file edited, size and times kept":
        st = facts.stat()
        facts.write_text("id,value\na,2\n")  # the same size
        os.utime(facts, ns=(st.st_atime_ns, st.st_mtime_ns))  # the change time moves
    elif change == "data file added":
        (data / "claims.csv").write_text("id\n")
    elif change == "empty folder added":
        (data / "more").mkdir()
    elif change == "scenario edited":
        (data / "scenarios" / "base.yaml").write_text("discount_rate: 0.1\n")
    elif change == "notebook added":
        (notebooks / "20_b.ipynb").write_text("{}")
    elif change == "notebook removed":
        (notebooks / "10_a.ipynb").unlink()
    elif change == "published link moved":
        (run.parent / "base--2").mkdir()
        (out / "base").unlink()
        (out / "base").symlink_to(Path(".runs") / "base--2")
    elif change == "published file removed":
        (run / "manifest.json").unlink()
    elif change == "marker edited":
        (run / ".valse-run").write_text('{"scenario": "other"}')
    elif change == "index removed":
        (out / "index.html").unlink()
    elif change == "library file added":
        lib = tree["data"].parent / "lib"
        lib.mkdir()
        monkeypatch.setattr(noop, "LIB", lib)
    assert noop.up_to_date(options) is None


def test_other_options_python_or_environment_make_the_stamp_fail(tree, monkeypatch):
    options = stamped(tree)
    assert noop.up_to_date({**options, "only": ["10_a"]}) is None
    assert noop.up_to_date({**options, "publish_failed": True}) is None
    monkeypatch.setenv("VALSE_DATA", "/elsewhere")
    assert noop.up_to_date(options) is None
    monkeypatch.delenv("VALSE_DATA")
    assert noop.up_to_date(options) == ["base"]
    monkeypatch.setattr(noop.sys, "version", "3.99")
    assert noop.up_to_date(options) is None


def test_a_file_changed_in_the_stamps_clock_tick_is_caught_by_its_content(tree):
    options = tree["options"]
    facts = tree["data"] / "facts.csv"
    facts.write_text("id,value\na,1\n")  # just now: within the racy window
    assert noop.write(options, noop.taken(options))
    stamp = json.loads((tree["out"] / noop.STAMP).read_text())
    assert str(facts) in stamp["racy"]
    # the same size, the same times and the same inode (as a write in the same tick would
    # leave them): only the content tells
    stamp["racy"][str(facts)] = "0" * 64
    (tree["out"] / noop.STAMP).write_text(json.dumps(stamp))
    assert noop.up_to_date(options) is None


def test_racy_entries_are_dropped_once_old(tree, monkeypatch):
    options = tree["options"]
    (tree["data"] / "facts.csv").write_text("id,value\na,1\n")
    assert noop.write(options, noop.taken(options))
    assert json.loads((tree["out"] / noop.STAMP).read_text())["racy"]
    monkeypatch.setattr(noop, "RACY_NS", -1)  # as if the window had passed
    assert noop.up_to_date(options) == ["base"]
    assert json.loads((tree["out"] / noop.STAMP).read_text())["racy"] == {}


def test_no_stamp_when_something_changed_during_the_check(tree):
    options = tree["options"]
    before = noop.taken(options)
    (tree["data"] / "facts.csv").write_text("id,value\na,5\n")
    assert not noop.write(options, before)
    assert not (tree["out"] / noop.STAMP).exists()


@pytest.mark.parametrize("content", ["", "not json", '{"version": 0}', '{"version": 1}',
                                     '[1, 2]'])
def test_an_unreadable_or_foreign_stamp_is_no_answer(tree, content):
    options = stamped(tree)
    (tree["out"] / noop.STAMP).write_text(content)
    assert noop.up_to_date(options) is None


def test_a_link_loop_is_walked_once(tree):
    (tree["data"] / "loop").symlink_to(tree["data"])
    options = stamped(tree)
    assert noop.up_to_date(options) == ["base"]


# ------------------------------------------------------------------ the command line


def test_a_run_leaves_a_stamp_that_answers_the_next_and_never_hides_a_change(project):
    first = project.run()
    assert first.returncode == 0, first.stderr
    assert (project.out / noop.STAMP).is_file()
    again = project.run()
    assert again.returncode == 0 and "everything is up to date (base)" in again.stderr
    assert "started" not in again.stderr
    # a scenario value edited at once (in the racy window, as a scheduled edit might be)
    scenario = project.data / "scenarios" / "base.yaml"
    scenario.write_text(scenario.read_text().replace("roles_cut: 14000", "roles_cut: 14001"))
    edited = project.run()
    assert edited.returncode == 0 and "20_beta ... started" in edited.stderr, edited.stderr
    assert "up to date (base); nothing to do" not in edited.stderr
    assert "everything is up to date" in project.run().stderr
    # a forced run leaves a stamp too: the next run without --force has nothing to do
    (project.out / noop.STAMP).unlink()
    assert project.run("--force").returncode == 0
    assert (project.out / noop.STAMP).is_file()
    assert "everything is up to date" in project.run().stderr
    # the published pages removed by hand: the full check sees it and runs again
    for page in (project.out / "base" / "html").glob("*.html"):
        page.unlink()
    rebuilt = project.run()
    assert "nothing to do" not in rebuilt.stderr and "started" in rebuilt.stderr
