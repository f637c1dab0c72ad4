"""JupyterLab as a user starts it (`make lab`): a server on loopback with a token.

One server for the module, in a temporary runtime and config folder, rooted at ``notebooks/``:

- it answers ``/api/status`` with the token and refuses requests without it;
- it serves the JupyterLab page and lists every notebook of ``notebooks/`` (``/api/contents``);
- a kernel of the project's kernelspec (``valse``, or ``python3`` when ``make setup`` has not
  registered it) started through ``/api/kernels`` runs in the project's environment, imports
  ``valse``, builds the interactive panel of :mod:`valse.explore` over the base scenario,
  moves a slider, and shows the figure the library computes for the new deal. The code is
  sent over the kernel's websocket, as the JupyterLab front end does.

Every wait is bounded; the kernel and the server are stopped in the fixture's teardown.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from valse.deal import create_deal, headline_metrics

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
JUPYTER = VENV / "bin" / "jupyter"
NOTEBOOKS = ROOT / "notebooks"
BASE = ROOT / "data" / "scenarios" / "base.yaml"
START_TIMEOUT_S = 60
KERNEL_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab server: its URL, token and REST helper."""

    def __init__(self, proc: subprocess.Popen, port: int, token: str, log: Path) -> None:
        self.proc = proc
        self.port = port
        self.token = token
        self.log = log
        self.url = f"http://127.0.0.1:{port}"

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        token: bool = True,
        timeout: float = 10,
    ) -> tuple[int, bytes]:
        req = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"token {self.token}"} if token else {}),
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, method: str, path: str, body: dict | None = None) -> object:
        status, data = self.request(method, path, body)
        assert 200 <= status < 300, f"{method} {path}: HTTP {status} {data[:300]!r}"
        return json.loads(data)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started (its own process group: the server and its kernels)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the server shuts its kernels down, then exits
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # anything of ours left in that group
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    """A JupyterLab server on 127.0.0.1, a random port and a random token."""
    assert JUPYTER.is_file(), f"{JUPYTER} not found: run `make setup`"
    tmp = tmp_path_factory.mktemp("jupyterlab")
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),
        "JUPYTER_DATA_DIR": str(tmp / "data"),  # kernelspecs still come from the venv
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": str(tmp / "ipython"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    port, token = free_port(), secrets.token_hex(24)
    log = tmp / "server.log"
    cmd = [
        str(JUPYTER), "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={NOTEBOOKS}",
        "--ServerApp.allow_remote_access=False",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    if os.geteuid() == 0:
        cmd.append("--allow-root")  # CI runs as root
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=tmp, env=env, start_new_session=True
        )
    server = Lab(proc, port, token, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{server.log_tail()}")
            try:
                status, _ = server.request("GET", "/api/status", timeout=2)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"jupyter lab not ready after {START_TIMEOUT_S} s:\n{server.log_tail()}"
                )
            time.sleep(0.25)
        yield server
    finally:
        _stop(proc)


# ------------------------------------------------------------------ the kernel's websocket


async def execute_over_websocket(
    lab: Lab, kernel_id: str, code: str, timeout: float = KERNEL_TIMEOUT_S
) -> dict[str, str]:
    """Run ``code`` in a kernel through the server's websocket; return stdout, stderr and the
    error (if any), as JupyterLab receives them."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    session = uuid.uuid4().hex
    request = HTTPRequest(
        f"ws://127.0.0.1:{lab.port}/api/kernels/{kernel_id}/channels?session_id={session}",
        headers={"Authorization": f"token {lab.token}"},
        connect_timeout=10,
        request_timeout=10,
    )
    conn = await asyncio.wait_for(websocket_connect(request), timeout=15)
    msg_id = uuid.uuid4().hex
    conn.write_message(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": session,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))  # fmt: skip
    out = {"stdout": "", "stderr": "", "error": "", "status": ""}
    deadline = time.monotonic() + timeout
    replied = idle = False
    try:
        while not (replied and idle):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no reply from the kernel in {timeout} s; so far {out}")
            raw = await asyncio.wait_for(conn.read_message(), timeout=left)
            if raw is None:
                raise ConnectionError(f"kernel websocket closed; so far {out}")
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out[content["name"]] += content["text"]
            elif kind == "error":
                out["error"] += f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                out["status"] = content["status"]
                replied = True
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
    finally:
        conn.close()
    return out


# ------------------------------------------------------------------ the test


def check_token_and_listing(lab: Lab) -> None:
    status = lab.json("GET", "/api/status")
    assert "started" in status, status
    code, _ = lab.request("GET", "/api/contents", token=False)
    assert code in (401, 403), f"the server answered /api/contents without the token: {code}"
    code, page = lab.request("GET", f"/lab?token={lab.token}")
    assert code == 200 and b"JupyterLab" in page, (code, page[:200])
    listing = lab.json("GET", "/api/contents?content=1")
    listed = {item["name"] for item in listing["content"] if item["type"] == "notebook"}
    expected = {p.name for p in NOTEBOOKS.glob("*.ipynb") if not p.name.startswith(".")}
    assert expected, "no notebook in notebooks/"
    assert listed == expected, f"listed {sorted(listed)}, notebooks/ has {sorted(expected)}"
    for name in sorted(expected):
        model = lab.json("GET", f"/api/contents/{name}?content=1")
        spec = model["content"]["metadata"].get("kernelspec", {})
        assert spec.get("name") == "valse", f"{name}: kernelspec {spec}"


def run_panel_in_kernel(lab: Lab, new_pre_money: float) -> tuple[str, dict]:
    """Start a kernel of the project's kernelspec, build the panel, move the pre-money slider;
    return the kernelspec used and what the kernel printed. The kernel is always shut down."""
    specs = lab.json("GET", "/api/kernelspecs")["kernelspecs"]
    name = "valse" if "valse" in specs else "python3"
    kernel = lab.json("POST", "/api/kernels", {"name": name, "path": ""})
    try:
        code = f"""
import json, sys, yaml
import valse
from valse.deal import create_deal
from valse.explore import deal_panel
panel = deal_panel(create_deal(yaml.safe_load(open({str(BASE)!r}))))
panel.sliders["pre_money_valuation_usd_bn"].value = {new_pre_money!r}
print(json.dumps({{"prefix": sys.prefix, "valse": valse.__file__, "table": panel.table.value,
                  "round": panel.current().round_size_usd_bn}}))
"""
        out = asyncio.run(execute_over_websocket(lab, kernel["id"], code))
        assert out["status"] == "ok" and not out["error"], out
        return name, json.loads(out["stdout"].strip().splitlines()[-1])
    finally:
        status, _ = lab.request("DELETE", f"/api/kernels/{kernel['id']}")
        assert status == 204, f"kernel shutdown: HTTP {status}"


def test_a_user_session_in_jupyterlab(lab: Lab) -> None:
    """Token, listing, a project kernel building the panel, a slider moved, nothing left."""
    check_token_and_listing(lab)
    new_pre_money = 900.0
    name, shown = run_panel_in_kernel(lab, new_pre_money)
    # the kernel runs in the project's environment and imports the project's library
    if name == "valse":
        assert Path(shown["prefix"]).resolve() == VENV.resolve(), shown["prefix"]
    assert Path(shown["valse"]).resolve().is_relative_to(ROOT / "lib"), shown["valse"]
    # the panel shows the post-money valuation of the new deal: pre-money + round
    base = yaml.safe_load(BASE.read_text())
    expected = new_pre_money + base["round_size_usd_bn"]
    library = headline_metrics(create_deal(base, pre_money_valuation_usd_bn=new_pre_money))
    assert library["post_money_valuation_usd_bn"] == pytest.approx(expected, rel=1e-12)
    row = re.search(r"<td>OpenAI post-money valuation</td><td[^>]*>([^<]+)</td>", shown["table"])
    assert row, f"no post-money row in the panel's table: {shown['table'][:500]}"
    assert float(row.group(1).replace(",", "")) == pytest.approx(expected, rel=5e-4)
    assert shown["round"] == base["round_size_usd_bn"]
    # the kernel is gone
    assert lab.json("GET", "/api/kernels") == []
