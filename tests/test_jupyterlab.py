"""JupyterLab as a user starts it (`make lab`): a server on loopback with a token.

One server for the module, in a temporary runtime and config folder, rooted at ``notebooks/``:

- it answers ``/api/status`` with the token and refuses requests without it;
- it serves the JupyterLab page and lists every notebook of ``notebooks/`` (``/api/contents``);
- a kernel of the project's kernelspec (``valse``, or ``python3`` when ``make setup`` has not
  registered it) started through ``/api/kernels`` runs in the project's environment, imports
  ``valse``, builds the interactive panel of :mod:`valse.report.explore` over the base scenario,
  moves a slider, and shows the figure the library computes for the new deal. The code is
  sent over the kernel's websocket, as the JupyterLab front end does;
- in Debian's Chromium (marked ``browser``), JupyterLab loads with nothing fetched beyond the
  loopback server and no console error, its file browser lists the notebooks, each notebook
  opens on the project's kernel, and no dollar amount of the prose is typeset as mathematics
  (JupyterLab reads ``$...$`` as LaTeX: a dollar sign in a markdown cell must be escaped);
  in a console on the project's kernel the deal panel renders as widgets, and moving the
  pre-money slider with the keyboard redraws the post-money valuation to the library's answer.

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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from valse.model.deal import create_deal, headline_metrics

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
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: to open a console
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


def run_panel_in_kernel(lab: Lab, new_pre_money: float) -> tuple[str, str, dict]:
    """Start a kernel of the project's kernelspec, build the panel, move the pre-money slider;
    return the kernelspec used, the kernel's id and what the kernel printed. The kernel is
    always shut down."""
    specs = lab.json("GET", "/api/kernelspecs")["kernelspecs"]
    name = "valse" if "valse" in specs else "python3"
    kernel = lab.json("POST", "/api/kernels", {"name": name, "path": ""})
    try:
        code = f"""
import json, sys, yaml
import valse
from valse.model.deal import create_deal
from valse.report.explore import deal_panel
panel = deal_panel(create_deal(yaml.safe_load(open({str(BASE)!r}))))
panel.sliders["pre_money_valuation_usd_bn"].value = {new_pre_money!r}
print(json.dumps({{"prefix": sys.prefix, "valse": valse.__file__, "table": panel.table.value,
                  "round": panel.current().round_size_usd_bn}}))
"""
        # in a thread of its own: playwright's sync API may hold this thread's event loop
        with ThreadPoolExecutor(1) as pool:
            out = pool.submit(asyncio.run, execute_over_websocket(lab, kernel["id"], code)).result(
                timeout=KERNEL_TIMEOUT_S + 30
            )
        assert out["status"] == "ok" and not out["error"], out
        return name, kernel["id"], json.loads(out["stdout"].strip().splitlines()[-1])
    finally:
        status, _ = lab.request("DELETE", f"/api/kernels/{kernel['id']}")
        assert status == 204, f"kernel shutdown: HTTP {status}"


def test_a_user_session_in_jupyterlab(lab: Lab) -> None:
    """Token, listing, a project kernel building the panel, a slider moved, nothing left."""
    check_token_and_listing(lab)
    new_pre_money = 900.0
    name, kernel_id, shown = run_panel_in_kernel(lab, new_pre_money)
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
    assert kernel_id not in {k["id"] for k in lab.json("GET", "/api/kernels")}


# ------------------------------------------------------------------ in the browser

#: Debian's Chromium; `make test` installs it and passes its path in VALSE_CHROMIUM.
CHROMIUM = Path(os.environ.get("VALSE_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UI_TIMEOUT_MS = 60_000

_ACTIVE_PANEL_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel')]
  .find(p => !p.classList.contains('lm-mod-hidden') && p.dataset.valsePath === undefined)"""

_PANEL_STATE_JS = """(path) => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
    .find(p => !p.classList.contains('lm-mod-hidden'));
  if (!panel) return null;
  const kernel = panel.querySelector('.jp-Toolbar-kernelName');
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const math = [...panel.querySelectorAll('.jp-RenderedMarkdown mjx-container')].map(m => {
    const cell = m.closest('.jp-RenderedMarkdown');
    return (cell.querySelector('h1,h2,h3,h4,p') || cell).textContent.slice(0, 70);
  });
  return {kernel: kernel ? kernel.textContent : '', status: status ?
          status.getAttribute('data-status') : '', markdown: panel.querySelectorAll(
          '.jp-MarkdownCell').length, rendered: panel.querySelectorAll(
          '.jp-RenderedMarkdown').length, math: math};
}"""


@pytest.fixture(scope="module")
def lab_page(lab: Lab):
    """A Chromium page on JupyterLab, shared by the tests of this module (loading JupyterLab
    takes ~5 s); requests beyond the loopback server are aborted and recorded in
    ``page.valse_network``, console errors in ``page.valse_errors``. Every kernel the page
    started is shut down afterwards."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's chromium; "
            "`make test` installs it where apt-get is available, otherwise run "
            "`sudo apt-get install -y chromium`",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    local = (lab.url, lab.url.replace("http://", "ws://"), "data:", "blob:")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            network: list[str] = []
            errors: list[str] = []

            def route(r) -> None:
                if r.request.url.startswith(local):
                    r.continue_()
                else:
                    network.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
            page.on("websocket", lambda ws: None if ws.url.startswith(local)
                    else network.append(ws.url))  # fmt: skip
            page.valse_network = network
            page.valse_errors = errors
            page.goto(f"{lab.url}/lab?reset&token={lab.token}", timeout=UI_TIMEOUT_MS)
            page.wait_for_selector(".jp-DirListing-item", timeout=UI_TIMEOUT_MS)
            yield page
        finally:
            browser.close()
            for kernel in lab.json("GET", "/api/kernels"):
                lab.request("DELETE", f"/api/kernels/{kernel['id']}")


def open_notebook(page, name: str, maths_expected: bool = False) -> dict:
    """Double-click ``name`` in the file browser; wait until its kernel is started and idle
    (and, when ``maths_expected``, until JupyterLab has typeset it, up to 20 s); return the
    state of its panel (kernel name, status, markdown cells, typeset maths)."""
    page.locator(".jp-DirListing-item", has_text=name).first.dblclick()
    page.wait_for_function(
        """(name) => [...document.querySelectorAll('.lm-TabBar-tab.lm-mod-current')]
             .some(t => t.textContent.includes(name))""",
        arg=name,
        timeout=UI_TIMEOUT_MS,
    )
    ready = (
        f"() => {{ const s = ({_PANEL_STATE_JS})(); return s && s.status === 'idle' "
        "&& s.kernel !== '' && s.kernel !== 'No Kernel' && s.rendered >= s.markdown; }"
    )
    try:
        page.wait_for_function(ready, timeout=UI_TIMEOUT_MS // 2)
    except Exception as exc:  # noqa: BLE001 - report the state the panel is in
        state = page.evaluate(_PANEL_STATE_JS)
        raise AssertionError(f"{name}: no idle kernel after {UI_TIMEOUT_MS // 2000} s: "
                             f"{state}") from exc  # fmt: skip
    if maths_expected:
        try:
            page.wait_for_function(f"() => ({_PANEL_STATE_JS})().math.length > 0", timeout=20_000)
        except Exception:  # noqa: BLE001 - not typeset after all: the state says so
            pass
    return page.evaluate(_PANEL_STATE_JS)


def dollar_pairs(notebook: Path) -> list[str]:
    """Paragraphs of markdown cells with two or more ``$`` outside code, where JupyterLab may
    typeset maths: a hint of how long to wait for the typesetting (the assertion is on what
    JupyterLab shows). ``\\$`` is no escape here: markdown turns it into ``$`` and MathJax,
    which scans the rendered text, then pairs the dollars."""
    found = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
        text = re.sub(r"`[^`]*`", "", text)
        for paragraph in re.split(r"\n\s*\n", text):
            if paragraph.count("$") >= 2:
                found.append(paragraph.strip()[:70])
    return found


@pytest.mark.browser
def test_jupyterlab_in_chromium_offline_lists_and_opens_on_the_project_kernel(
    lab: Lab, lab_page, tmp_path: Path
) -> None:
    page = lab_page
    listed = set(page.locator(".jp-DirListing-item .jp-DirListing-itemText").all_inner_texts())
    expected = {p.name for p in NOTEBOOKS.glob("*.ipynb") if not p.name.startswith(".")}
    assert listed == expected, f"the file browser lists {sorted(listed)}"
    first = sorted(expected)[0]
    state = open_notebook(page, first)
    page.screenshot(path=str(tmp_path / "jupyterlab.png"))
    assert state["kernel"] == "Python (valse)", f"{first} opened on {state['kernel']!r}"
    sessions = {x["path"]: x["kernel"]["name"] for x in lab.json("GET", "/api/sessions")}
    assert sessions.get(first) == "valse", f"sessions: {sessions}"
    assert not page.valse_network, f"JupyterLab fetched from the network: {page.valse_network}"
    assert not page.valse_errors, f"console errors: {page.valse_errors}"


@pytest.mark.browser
def test_no_dollar_amount_is_typeset_as_maths_in_jupyterlab(lab_page) -> None:
    """Prose like "\\$50 billion ... about \\$38 billion" must not turn into LaTeX in
    JupyterLab: open every notebook and look for typeset maths in its markdown cells.

    In JupyterLab 4.6 a backslash does not protect a dollar sign (markdown drops the backslash,
    then MathJax pairs the dollars of the rendered text). What works both in JupyterLab and on
    the exported pages: ``<span class="mathjax_ignore">...</span>`` around the prose, or
    amounts written without ``$`` ("USD 50 billion"). ``\\\\$`` fixes JupyterLab but shows a
    backslash on the exported pages."""
    found = {}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        state = open_notebook(lab_page, path.name, maths_expected=bool(dollar_pairs(path)))
        if state["math"]:
            found[path.name] = sorted(set(state["math"]))
    assert not found, "markdown typeset as maths (pairs of $ in the prose) in:\n" + "\n".join(
        f"  {name}: {len(cells)} cells, e.g. {cells[:3]}" for name, cells in found.items()
    )


@pytest.mark.browser
def test_the_deal_panel_in_a_jupyterlab_console_follows_its_slider(lab_page, tmp_path) -> None:
    page = lab_page
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=UI_TIMEOUT_MS)
    page.evaluate(
        """async () => { await window.jupyterapp.commands.execute('console:create',
             {kernelPreference: {name: 'valse'}}); return true; }"""
    )
    # the kernel has started when its banner is shown; then type into the prompt
    page.locator(".jp-CodeConsole-banner", has_text="Python").wait_for(timeout=UI_TIMEOUT_MS)
    prompt = page.locator(".jp-CodeConsole-promptCell .cm-content")
    code = (
        "import yaml; from valse.model.deal import create_deal; "
        "from valse.report.explore import deal_panel; "
        f"panel = deal_panel(create_deal(yaml.safe_load(open({str(BASE)!r})))); display(panel)"
    )
    for _ in range(3):  # the prompt may take focus late: type until it holds the code
        prompt.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(code)
        if "display(panel)" in prompt.inner_text():
            break
        page.wait_for_timeout(500)
    assert "display(panel)" in prompt.inner_text(), prompt.inner_text()
    page.keyboard.press("Shift+Enter")
    sliders = page.locator(".jp-CodeConsole .widget-hslider")
    table = page.locator(".jp-CodeConsole table.valse-metrics")
    try:
        table.wait_for(timeout=UI_TIMEOUT_MS // 2)
    except Exception as exc:  # noqa: BLE001 - say what the console shows instead
        page.screenshot(path=str(tmp_path / "jupyterlab-panel.png"))
        console = page.locator(".jp-CodeConsole").first.inner_text()[-1500:]
        raise AssertionError(
            f"no panel in the console after {UI_TIMEOUT_MS // 2000} s; network "
            f"{page.valse_network}, console errors {page.valse_errors}; it shows:\n{console}"
        ) from exc
    assert sliders.count() == 5, sliders.all_inner_texts()  # valse.report.explore.SLIDERS
    before = table.inner_text()
    readout = sliders.filter(has_text="Pre-money").locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("900")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(before) => document.querySelector('.jp-CodeConsole table.valse-metrics')"
        ".innerText !== before",
        arg=before,
        timeout=20_000,
    )
    page.screenshot(path=str(tmp_path / "jupyterlab-panel.png"))
    assert readout.inner_text().strip() in ("900", "900.0", "900.00"), readout.inner_text()
    base = yaml.safe_load(BASE.read_text())
    expected = headline_metrics(create_deal(base, pre_money_valuation_usd_bn=900.0))
    assert expected["post_money_valuation_usd_bn"] == pytest.approx(
        900.0 + base["round_size_usd_bn"], rel=1e-12
    )
    rows = {}
    for line in table.inner_text().splitlines():
        label, value, *_ = line.split("\t")
        rows[label.strip()] = float(value.replace(",", ""))
    shown = rows["OpenAI post-money valuation"]
    assert shown == pytest.approx(expected["post_money_valuation_usd_bn"], rel=5e-4), rows
    assert rows["Amazon's stake"] == pytest.approx(expected["amazon_stake_pct"], rel=5e-4), rows
    assert not page.valse_network, f"JupyterLab fetched from the network: {page.valse_network}"
    assert not page.valse_errors, f"console errors: {page.valse_errors}"
