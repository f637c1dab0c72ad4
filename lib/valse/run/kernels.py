"""The kernels' environment, transport and lifetime.

Kernels run on the IPC transport (sockets in the run's private temporary folder, no TCP
port), with one BLAS thread each, in UTC, reading the run's data folder. They die with the
worker that started them (parent-death signal, :func:`die_with_parent`), and the worker
with the main process. A kernel is used as soon as it answers (:func:`ready_client_class`)
and a killed one is let go as soon as it is gone (:data:`EXIT_POLL_S`): jupyter_client's
fixed waits (0.2 s at each start, up to 0.1 s at each end) were about 0.3 s a notebook.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

KERNEL_NAME = "python3"
#: Environment of the kernels: no debugger "frozen modules" warning.
KERNEL_ENV = {"PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_PLATFORM_DIRS": "1",
              # dates ("as of" today) do not depend on the machine's time zone
              "TZ": "UTC"}
#: Defaults for the kernels unless set by the user: one BLAS/OpenMP thread per kernel, since
#: the pool already runs one kernel per core (and thread counts can change the last digits
#: of floating-point reductions, so results do not depend on the machine's core count).
KERNEL_ENV_DEFAULTS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                       "MKL_NUM_THREADS": "1"}
#: Environment variable naming the run's private temporary folder (kernel sockets,
#: connection files, the fork server's socket), removed when the run ends.
RUN_TMP_ENV = "VALSE_RUN_TMP"
#: Longest temporary folder path under which kernel sockets are made (an AF_UNIX path is at
#: most 107 bytes: ROOT/valse-run-XXXXXXXX/valse-k-XXXXXXXX/k-N).
MAX_TMP_ROOT = 60

#: Kernel managers of this worker process (to kill their kernels on a timeout or SIGTERM).
KERNEL_MANAGERS: list[Any] = []


def set_kernel_env(data: Path | None = None) -> None:
    """Set the kernels' environment in this process (inherited by the kernels it starts):
    ``data`` is the data folder they read (:data:`valse.data.paths.DATA_ENV`)."""
    from valse.data.paths import DATA_ENV

    os.environ.update(KERNEL_ENV)
    if data is not None:
        os.environ[DATA_ENV] = str(Path(data).resolve())
    for key, value in KERNEL_ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Have Linux send ``sig`` to this process when its parent exits (``prctl`` with
    ``PR_SET_PDEATHSIG``), so that killing the main process (as the OOM killer does) does not
    leave workers and the kernel fork server running. Does nothing where ``prctl`` is
    missing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig), 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_tmp_folder() -> tuple[str, Any]:
    """Create the run's temporary folder and hold a lock in it; remove the folders of runs
    that died without removing theirs (their lock is free). Returns (path, lock file)."""
    import fcntl

    root = Path(tempfile.gettempdir())
    if len(str(root)) > MAX_TMP_ROOT and os.access("/tmp", os.W_OK):
        root = Path("/tmp")  # kernel socket paths must stay under the AF_UNIX limit
    for old in root.glob("valse-run-*"):
        try:
            if old.is_symlink() or not old.is_dir() or old.stat().st_uid != os.getuid():
                continue
            with open(old / "lock", "rb") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # in use by a live run, or not one of ours
        shutil.rmtree(old, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix="valse-run-", dir=root)
    lock = open(os.path.join(folder, "lock"), "wb")  # noqa: SIM115 - held for the whole run
    fcntl.flock(lock, fcntl.LOCK_EX)
    os.mkdir(os.path.join(folder, "runtime"))
    return folder, lock


def use_run_tmp(folder: str) -> None:
    """Put kernel sockets and connection files under the run's temporary ``folder``."""
    os.environ[RUN_TMP_ENV] = folder
    os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(folder, "runtime")


#: How often a killed kernel's process is polled until it is gone [s] (jupyter_client: 0.1 s,
#: while a killed kernel is gone within a few milliseconds).
EXIT_POLL_S = 0.005
#: Longest wait for one message on IOPub while a kernel is started [s] (jupyter_client's).
IOPUB_WAIT_S = 0.2


def ready_client_class() -> type:
    """jupyter_client's AsyncKernelClient, ready as soon as its kernel is.

    jupyter_client's ``wait_for_ready`` asks for ``kernel_info`` until the reply and one IOPub
    message are in (IOPub is then connected), and then reads IOPub until it has been silent
    for 0.2 s: every kernel start ends with 0.2 s of nothing. This one is done at the ``idle``
    status of a ``kernel_info`` request that was answered: the last message a kernel sends for
    a request (Jupyter messaging protocol: a request's outputs lie between its ``busy`` and
    ``idle`` statuses on IOPub), so IOPub is connected and nothing of it is pending. Where
    the request's statuses went out before IOPub was connected (ZeroMQ drops what is published
    before a subscriber joins), the kernel's ``iopub_welcome`` (sent to each subscriber as it
    joins, JEP 65) says IOPub now is, and the client asks once more at once, instead of
    waiting 0.2 s for a status that will not come. A message of an earlier request still
    unread is harmless: nbclient reads only the messages of the cell it runs (by their
    parent's ``msg_id``).
    """
    import time
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            asked: set[str] = set()
            while True:
                asked.add(self.kernel_info())
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    if await self._idle_after(asked):
                        self._handle_kernel_info_reply(reply)
                        return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

        async def _idle_after(self, asked: set[str]) -> bool:
            """Read IOPub up to the ``idle`` status of one of the ``asked`` requests (True);
            False at the kernel's welcome (IOPub just connected: ask again) or after
            :data:`IOPUB_WAIT_S` of silence (not connected yet)."""
            while True:
                try:
                    msg = await self.iopub_channel.get_msg(timeout=IOPUB_WAIT_S)
                except Empty:
                    return False
                if msg["msg_type"] == "iopub_welcome":
                    return False
                if (msg["msg_type"] == "status"
                        and msg["parent_header"].get("msg_id") in asked
                        and msg["content"].get("execution_state") == "idle"):
                    return True

    return ReadyClient


def ipc_kernel_manager_class() -> type:
    """An AsyncKernelManager on the IPC transport, its sockets in a private temp folder,
    its kernel asked from the fork server when there is one (:mod:`valse.run.forkserver`),
    its client ready as soon as the kernel is (:func:`ready_client_class`), and a killed
    kernel's end noticed within :data:`EXIT_POLL_S`."""
    from jupyter_client.manager import AsyncKernelManager

    from valse.run import forkserver

    client = ready_client_class()

    class IPCKernelManager(AsyncKernelManager):
        """Kernel over local IPC sockets: no TCP port, no unencrypted-traffic warning."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.client_factory = client
            self.socket_dir = tempfile.mkdtemp(prefix="valse-k-",
                                               dir=os.environ.get(RUN_TMP_ENV) or None)
            self.transport = "ipc"
            self.ip = os.path.join(self.socket_dir, "k")
            KERNEL_MANAGERS.append(self)

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts a kernel before shutting it down; an idle ipykernel 7
            # may then log "KeyboardInterrupt caught in kernel" at ERROR level. The shutdown
            # request (and a kill after it) is enough.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

        async def _async_wait(self, pollinterval: float = EXIT_POLL_S) -> None:
            await super()._async_wait(pollinterval=pollinterval)

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return forkserver.kernel_command(super().format_kernel_cmd(extra_arguments))

    return IPCKernelManager


def kill_kernels() -> None:
    """Kill the kernels of this process's kernel managers."""
    for km in list(KERNEL_MANAGERS):
        proc = getattr(getattr(km, "provisioner", None), "process", None)
        if proc is not None and proc.poll() is None:
            try:
                proc.kill()
            except OSError:
                pass


def forget_kernels() -> None:
    """Remove the socket folders of this process's kernel managers and forget them."""
    for km in KERNEL_MANAGERS:
        shutil.rmtree(km.socket_dir, ignore_errors=True)
    KERNEL_MANAGERS.clear()
