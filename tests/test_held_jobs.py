"""A held job (a summary prestarted while the notebooks it reads finish,
:mod:`valse.run.execute`): its kernel and prelude run at once, the rest waits for the run's
word in its go file, and a job told to drop writes nothing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import nbformat
import pytest

from valse.report.static_explorer import MIMETYPE
from valse.run.execute import PRELUDE_TAG, execute_job, hold_index, read_go, write_go
from valse.run.export import export_job
from valse.run.manifest import notebook_files


def tagged(source: str, *tags: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def held_notebook(tmp: Path, prelude: str = "import os") -> Path:
    """Parameters, a prelude cell that leaves a mark, then a cell that leaves another."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# held"),
        tagged('marks = ""', "parameters"),
        tagged(f"{prelude}\nopen(os.path.join(marks, 'prelude'), 'w').close()", PRELUDE_TAG),
        nbformat.v4.new_markdown_cell("the others' results from here on"),
        tagged("open(os.path.join(marks, 'after'), 'w').close()"),
    ]
    path = tmp / "90_sum.ipynb"
    nbformat.write(nb, str(path))
    return path


def spec(tmp: Path, source: Path, go: Path) -> dict:
    (tmp / "marks").mkdir(exist_ok=True)
    return {"scenario": "base", "notebook": "90_sum", "source": str(source),
            "build": str(tmp / "build"), "parameters": {"marks": str(tmp / "marks")},
            "cwd": str(tmp), "timeout": 120, "data_env": None, "run_tmp": None,
            "artifacts": True, "metrics_path": None, "data_dir": None, "outputs_dir": None,
            "go": str(go)}


def say_later(go: Path, word: str, seconds: float) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(seconds), write_go(go, word)))
    thread.start()
    return thread


def test_hold_index_is_the_first_untagged_code_cell_after_the_parameters():
    nb = nbformat.v4.new_notebook()
    nb.cells = [tagged("import a", PRELUDE_TAG), tagged("x = 1", "parameters"),
                tagged("x = 2", "injected-parameters"), nbformat.v4.new_markdown_cell("m"),
                tagged("import b", PRELUDE_TAG), nbformat.v4.new_markdown_cell("m"),
                tagged("use(x)"), tagged("import c", PRELUDE_TAG)]
    assert hold_index(nb) == 6  # a prelude cell after it does not count
    nb.cells = nb.cells[:5]
    assert hold_index(nb) == 5  # none: after the last cell
    nb.cells = [tagged("use(1)")]
    assert hold_index(nb) == 0  # no parameters: the first code cell


def test_go_file_words(tmp_path):
    go = tmp_path / "go"
    assert read_go(go) is None  # not yet
    write_go(go, "run")
    assert read_go(go) == "run" and not Path(f"{go}.tmp").exists()
    assert read_go(tmp_path / "gone" / "go") == "drop"  # the run's folder was removed
    with pytest.raises(AssertionError):
        write_go(go, "maybe")


def test_a_held_job_told_to_drop_runs_its_prelude_only_and_writes_nothing(tmp_path):
    go = tmp_path / "go"
    write_go(go, "drop")
    result = execute_job(spec(tmp_path, held_notebook(tmp_path), go))
    assert result["dropped"] is True and result["records"] == []
    assert (tmp_path / "marks" / "prelude").exists()
    assert not (tmp_path / "marks" / "after").exists()
    assert not (tmp_path / "build").exists()  # not even its folders


def test_a_held_job_waits_for_run_and_counts_its_time_from_the_word(tmp_path):
    go = tmp_path / "go"
    job = spec(tmp_path, held_notebook(tmp_path), go)
    start = time.monotonic()
    talker = say_later(go, "run", 4.0)  # the kernel and prelude take about 1-2 s
    result = execute_job(job)
    elapsed = time.monotonic() - start
    talker.join()
    assert result["ok"], result["error"]
    assert (tmp_path / "marks" / "after").exists()
    assert elapsed >= 4.0 and result["duration_s"] < elapsed - 2.0
    assert 0 < result["prelude_s"] < 4.0
    files = {k: tmp_path / "build" / v for k, v in notebook_files("90_sum").items()}
    assert files["notebook"].is_file() and files["reader"].is_file()
    ran = nbformat.read(str(files["notebook"]), as_version=4)
    assert [c.get("execution_count") for c in ran.cells if c.cell_type == "code"] == [
        1, 2, 3, 4]  # the parameters, papermill's injected cell, the prelude, the rest


def test_a_failed_prelude_waits_for_the_word_too(tmp_path):
    go = tmp_path / "go"
    source = held_notebook(tmp_path, prelude="import os\nraise ValueError('no prelude')")
    start = time.monotonic()
    talker = say_later(go, "run", 3.0)
    result = execute_job(spec(tmp_path, source, go))
    talker.join()
    assert time.monotonic() - start >= 3.0  # the run hears of it once it asks
    assert not result["ok"] and result["error"]["ename"] == "ValueError"
    assert (tmp_path / "build" / notebook_files("90_sum")["notebook"]).is_file()
    go.unlink()
    talker = say_later(go, "drop", 0.5)  # and told to drop, it drops it
    dropped = execute_job(spec(tmp_path / "marks", source, go))
    talker.join()
    assert dropped["dropped"] is True and not (tmp_path / "marks" / "build").exists()


def test_deferred_pages_are_the_pages_written_at_once(tmp_path):
    # a run of one scenario writes its analysis notebooks' pages later, from the notebook
    # saved (export_job); they are the pages written at once, to the byte, with an explorer
    # whose keys nbformat sorts when it saves (its data go into the page as they are)
    nb = nbformat.v4.new_notebook()
    spec = ('{"title": "t", "sliders": [], "metrics": [{"name": "m", "label": "M", '
            '"unit": "%", "axes": [], "strings": [str(x)], "index": [0]}], "texts": {}, '
            '"error": {"axes": [], "strings": [""], "index": [0]}, "blocks": []}')
    nb.cells = [tagged("x = 1", "parameters"),
                tagged("from IPython.display import display\n"
                       f"display({{{MIMETYPE!r}: {spec}}}, raw=True)\nprint(x)")]
    path = tmp_path / "10_a.ipynb"
    nbformat.write(nb, str(path))
    pages = {}
    for defer in (False, True):
        job = {"scenario": "base", "notebook": "10_a", "source": str(path),
               "build": str(tmp_path / f"build-{defer}"), "parameters": {"x": 3},
               "cwd": str(tmp_path), "timeout": 120, "data_env": None, "run_tmp": None,
               "artifacts": False, "metrics_path": None, "data_dir": None,
               "outputs_dir": None, "defer_pages": defer}
        result = execute_job(job)
        assert result["ok"], result["error"]
        files = {k: Path(job["build"]) / v for k, v in notebook_files("10_a").items()}
        assert result["pages"] == ("deferred" if defer else "written")
        assert files["reader"].exists() is not defer
        if defer:
            written = export_job(job)
            assert written["error"] is None and written["duration_s"] > 0
        pages[defer] = files["reader"].read_bytes()
    assert pages[True] == pages[False]
    assert b'class=\'valse-explorer-data\'>{"blocks":[]' in pages[True]  # as saved: sorted


def test_deferred_pages_of_a_missing_notebook_are_an_error_not_a_crash(tmp_path):
    result = export_job({"scenario": "base", "notebook": "10_a", "build": str(tmp_path)})
    assert result["error"]["ename"] == "FileNotFoundError"
    assert "HTML export" in result["error"]["evalue"]
