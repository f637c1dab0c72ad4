"""Bounded runs (issue 17): children die with the main process, the run's temporary files go
with it, and the summary page is the same bytes in any time zone."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_children_die_with_the_main_process_and_temp_files_are_cleaned(project, tmp_path):
    tmp = Path(tempfile.mkdtemp(prefix="vt-", dir="/tmp"))  # short: kernel socket paths
    env = {**os.environ, "TMPDIR": str(tmp)}
    slow = project.scenario("slow", "beta_sleep_s: 120\n")
    proc = subprocess.Popen(project.command("--scenario", str(slow)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=project.root, env=env,
                            start_new_session=True)
    lines: list[str] = []
    beta = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            lines.append(line)
            if "20_beta ... started" in line:
                beta.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert beta.wait(60), "".join(lines)
        time.sleep(1.0)  # the kernel is running its sleeping cell
        children = descendants(proc.pid)
        assert len(children) >= 3, children  # fork server, workers, zygote, kernels
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, as the OOM killer does
        proc.wait(10)
        deadline = time.monotonic() + 30
        while any(alive(p) for p in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = sorted(p for p in children if alive(p))
        assert left == [], "\n".join(
            Path(f"/proc/{p}/cmdline").read_bytes()[:300].decode(errors="replace") for p in left)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    # what the killed run left in the temporary folder is removed by the next run
    assert [p.name for p in tmp.iterdir() if p.name.startswith("valse-run-")]
    result = subprocess.run(project.command("--only", "10_alpha"), capture_output=True,
                            text=True, cwd=project.root, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp.iterdir() if p.name.startswith("valse-")) == []
    shutil.rmtree(tmp)


def test_summary_page_is_the_same_bytes_in_any_time_zone(tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "valse", "run", "--out", str(out), "--jobs", "2"]
    # the valuation notebook gives the summary metrics to read (else its page names the build
    # folder); the overview records none since the NPV headline moved to 02
    first = subprocess.run(command + ["--only", "01_valuation", "05_summary"],
                           capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert first.returncode == 0, first.stderr
    pages = []
    for tz in ("Pacific/Kiritimati", "America/Adak"):  # UTC+14 and UTC-10: never the same date
        result = subprocess.run(
            command + ["--only", "05_summary", "--force"],
            capture_output=True, text=True, cwd=ROOT, timeout=300, env={**os.environ, "TZ": tz})
        assert result.returncode == 0, result.stderr
        pages.append((out / "base" / "html" / "05_summary.html").read_bytes())
        assert b"T_claims" in pages[-1]
    assert pages[0] == pages[1]


def test_a_finished_notebook_s_kernel_is_killed_not_asked_to_shut_down(tmp_path, run_notebook):
    """Once the last cell has replied, the kernel is killed: it runs no teardown (in which
    ipykernel 7.4 can race its IOPub thread and print a zmq traceback into the run's console),
    so its atexit hooks never run, and no kernel is left behind."""
    import nbformat

    marker = tmp_path / "atexit-ran"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("parameters_cell = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import atexit, os\n"
                                  f"atexit.register(lambda: open({str(marker)!r}, 'w').close())\n"
                                  "print(os.getpid())")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "atexit.ipynb"
    nbformat.write(nb, str(path))
    run = run_notebook(path, {})
    pid = int(run.nb["cells"][-1]["outputs"][0]["text"])
    time.sleep(0.5)  # a graceful shutdown would have run the hook by now
    assert not alive(pid)
    assert not marker.exists()
