"""The kernels' client and manager (``valse.run.kernels``): a started kernel is ready at the
idle status of an answered ``kernel_info`` (no 0.2 s of silence awaited), and a killed
kernel's end is noticed at once.

The client's logic is tested against scripted channels (no kernel); one test starts a real
kernel, runs a cell and kills it."""

from __future__ import annotations

import asyncio
import sys
from queue import Empty

import pytest

from valse.run import kernels


def status(parent: str, state: str) -> dict:
    return {"msg_type": "status", "parent_header": {"msg_id": parent},
            "content": {"execution_state": state}}


def reply(parent: str) -> dict:
    return {"msg_type": "kernel_info_reply", "parent_header": {"msg_id": parent},
            "content": {"status": "ok"}}


WELCOME = {"msg_type": "iopub_welcome", "parent_header": {}, "content": {}}


class Channel:
    """A channel that hands out scripted messages; ``None`` in the script is a timeout."""

    def __init__(self, log: list, name: str) -> None:
        self.script: list = []
        self.log, self.name = log, name

    async def get_msg(self, timeout: float | None = None) -> dict:
        item = self.script.pop(0) if self.script else None
        self.log.append((self.name, None if item is None else item["msg_type"], timeout))
        if item is None:
            raise Empty
        return item


def scripted_client(alive: bool = True):
    """A ReadyClient whose requests are numbered r1, r2, … and whose channels are scripted."""
    base = kernels.ready_client_class()
    log: list = []
    shell, iopub = Channel(log, "shell"), Channel(log, "iopub")

    class Scripted(base):
        shell_channel = property(lambda self: shell)
        iopub_channel = property(lambda self: iopub)

        def kernel_info(self) -> str:
            asked = sum(1 for entry in log if entry[0] == "ask") + 1
            log.append(("ask", f"r{asked}", None))
            return f"r{asked}"

        async def _async_is_alive(self) -> bool:
            return alive

        def _handle_kernel_info_reply(self, msg: dict) -> None:
            log.append(("handled", msg["parent_header"]["msg_id"], None))

    return Scripted(), shell, iopub, log


def test_ready_at_the_idle_status_of_the_answered_request_without_waiting_for_silence():
    client, shell, iopub, log = scripted_client()
    shell.script = [reply("r1")]
    iopub.script = [status("r1", "starting"), status("r1", "busy"), status("r1", "idle"),
                    {"msg_type": "stream", "parent_header": {}, "content": {}}]
    asyncio.run(client.wait_for_ready(timeout=10))
    assert [e for e in log if e[0] == "ask"] == [("ask", "r1", None)]
    assert log[-1] == ("handled", "r1", None)
    # the message after the idle status is left unread: no read past the idle status
    assert iopub.script == [{"msg_type": "stream", "parent_header": {}, "content": {}}]


def test_the_kernels_welcome_means_ask_again_at_once():
    """The statuses of the first request went out before IOPub was connected: the welcome
    comes instead, and the client asks again with no wait of IOPUB_WAIT_S."""
    client, shell, iopub, log = scripted_client()
    shell.script = [reply("r1"), reply("r2")]
    iopub.script = [WELCOME, status("r2", "busy"), status("r2", "idle")]
    asyncio.run(client.wait_for_ready(timeout=10))
    assert [e[1] for e in log if e[0] == "ask"] == ["r1", "r2"]
    assert not any(e[0] == "iopub" and e[1] is None for e in log)  # never timed out
    assert log[-1] == ("handled", "r2", None)


def test_silence_on_iopub_means_ask_again_and_an_earlier_requests_idle_counts():
    client, shell, iopub, log = scripted_client()
    shell.script = [reply("r1"), reply("r1")]
    iopub.script = [None, status("r1", "busy"), status("r1", "idle")]
    asyncio.run(client.wait_for_ready(timeout=10))
    assert [e[1] for e in log if e[0] == "ask"] == ["r1", "r2"]
    assert ("iopub", None, kernels.IOPUB_WAIT_S) in log
    assert log[-1] == ("handled", "r1", None)


def test_an_idle_status_of_another_request_or_a_busy_one_is_not_ready():
    client, shell, iopub, log = scripted_client()
    shell.script = [reply("r1"), reply("r2")]
    iopub.script = [status("other", "idle"), status("r1", "busy"), None,
                    status("r2", "idle")]
    asyncio.run(client.wait_for_ready(timeout=10))
    assert [e[1] for e in log if e[0] == "ask"] == ["r1", "r2"]
    assert log[-1] == ("handled", "r2", None)


def test_a_dead_kernel_is_an_error_not_a_wait():
    client, shell, iopub, log = scripted_client(alive=False)
    shell.script = [None]
    with pytest.raises(RuntimeError, match="died before replying"):
        asyncio.run(client.wait_for_ready(timeout=10))


def test_no_answer_within_the_timeout_is_an_error():
    client, shell, iopub, log = scripted_client()
    shell.script = [reply("r1")] + [None] * 5
    with pytest.raises(RuntimeError, match="didn't respond in 0 seconds"):
        asyncio.run(client.wait_for_ready(timeout=0))


def test_a_real_kernel_is_ready_runs_a_cell_and_is_gone_when_killed(tmp_path, monkeypatch):
    monkeypatch.setenv(kernels.RUN_TMP_ENV, str(tmp_path))
    manager_class = kernels.ipc_kernel_manager_class()

    async def run() -> tuple[list[str], object]:
        km = manager_class(kernel_name=kernels.KERNEL_NAME)
        await km.start_kernel(extra_arguments=[])
        kc = km.client()
        assert type(kc).__name__ == "ReadyClient"
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            request = kc.execute("print(6 * 7)")
            texts = []
            while True:
                msg = await kc.get_iopub_msg(timeout=30)
                if msg["parent_header"].get("msg_id") != request:
                    continue
                if msg["msg_type"] == "stream":
                    texts.append(msg["content"]["text"])
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            process = km.provisioner.process
            await km.shutdown_kernel(now=True)
            return texts, process
        finally:
            kc.stop_channels()
            kernels.forget_kernels()

    texts, process = asyncio.run(run())
    assert texts == ["42\n"]
    assert process.poll() is not None  # the kernel's process is gone, and reaped
    assert sys.platform != "linux" or process.returncode == -9


def test_a_killed_kernels_end_is_polled_every_few_milliseconds(monkeypatch):
    """jupyter_client polls a killed kernel every 0.1 s, while it is gone within milliseconds:
    the manager polls every EXIT_POLL_S."""
    km = kernels.ipc_kernel_manager_class()(kernel_name=kernels.KERNEL_NAME)
    answers, slept = [True, True, False], []

    async def is_alive() -> bool:
        return answers.pop(0)

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(km, "_async_is_alive", is_alive)
    monkeypatch.setattr(asyncio, "sleep", sleep)
    asyncio.run(km._async_wait())
    assert slept == [kernels.EXIT_POLL_S] * 2
    assert kernels.EXIT_POLL_S <= 0.01
    kernels.forget_kernels()
