"""Imported only by the pipeline's multiprocessing fork server (its preload list): ask Linux
to kill the fork server when the main process dies (``PR_SET_PDEATHSIG``).

The fork server otherwise outlives a main process killed with SIGKILL (as the OOM killer does),
and with it the workers it forked; the workers die with the fork server (their own parent-death
signal, :func:`valse.run.kernels.die_with_parent`) and stop their kernels. Nothing else imports
this module: importing it anywhere else would tie that process to its parent.
"""

from __future__ import annotations

import signal

from valse.run.kernels import die_with_parent

die_with_parent(signal.SIGKILL)
