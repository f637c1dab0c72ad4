"""The kernels' environment, transport and lifetime.

Kernels run on the IPC transport (sockets in the run's private temporary folder, no TCP
port), with one BLAS thread each, in UTC, reading the run's data folder. They die with the
worker that started them (parent-death signal, :func:`die_with_parent`), and the worker
with the main process.
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


def ipc_kernel_manager_class() -> type:
    """An AsyncKernelManager on the IPC transport, its sockets in a private temp folder,
    its kernel asked from the fork server when there is one (:mod:`valse.run.forkserver`)."""
    from jupyter_client.manager import AsyncKernelManager

    from valse.run import forkserver

    class IPCKernelManager(AsyncKernelManager):
        """Kernel over local IPC sockets: no TCP port, no unencrypted-traffic warning."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
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
