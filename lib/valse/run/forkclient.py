"""The stand-in a kernel manager starts instead of ``python -m ipykernel_launcher`` when the
run has a kernel fork server (:mod:`valse.run.forkserver`).

Run as ``python -S forkclient.py SOCKET KERNEL_CMD...``: standard library only, no ``site``
(it starts in a few milliseconds). It sends its argv, cwd, environment and standard streams
to the fork server, which forks a kernel for it; then it forwards signals (interrupt,
terminate) to that kernel and exits when the kernel exits. When the worker that started it
dies, it kills the kernel. When the fork server is not ready yet (its socket is not there) or
cannot be reached (then it says why on stderr) it becomes the ordinary kernel (``exec`` of
KERNEL_CMD).
"""

import sys

del sys.path[0]  # this script's folder: nothing there may shadow the standard library

import json  # noqa: E402
import os  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
             signal.SIGUSR2)


def ask_fork(path: str, argv: list[str]) -> int:
    """Ask the fork server at ``path`` for a kernel with ``argv``; return its process id."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(60)
    try:
        s.connect(path)
        body = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
                           "client": os.getpid()}).encode()
        socket.send_fds(s, [len(body).to_bytes(8, "big") + body], [0, 1, 2])
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = s.recv(64)
            if not chunk:
                raise OSError("the fork server closed the connection without a kernel")
            reply += chunk
        return int(reply)
    finally:
        s.close()


def wait_for(pid: int, parent: int) -> None:
    """Forward signals to ``pid`` until it exits; kill it when ``parent`` (the worker) dies."""
    def forward(signum: int, frame: object) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for sig in FORWARDED:
        signal.signal(sig, forward)
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    while True:
        if fd is not None:
            try:
                select.select([fd], [], [], 1.0)
            except InterruptedError:
                pass
        else:
            time.sleep(0.05)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if os.getppid() != parent:  # the worker died (killed): the kernel goes with it
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return


def main() -> None:
    path, cmd = sys.argv[1], sys.argv[2:]
    parent = os.getppid()
    try:
        pid = ask_fork(path, cmd[3:])  # cmd: python -m ipykernel_launcher ARGS...
    except FileNotFoundError:  # the server is not ready yet, or has stopped (and said why)
        os.execv(cmd[0], cmd)
    except (OSError, ValueError) as exc:
        print(f"valse: no forked kernel ({type(exc).__name__}: {exc}); starting the kernel "
              "the ordinary way", file=sys.stderr, flush=True)
        os.execv(cmd[0], cmd)
    wait_for(pid, parent)


if __name__ == "__main__":
    main()
