"""What a run prints: progress lines (``[base] 00_overview ... ok 4.2s``), why a notebook
runs, where one failed, and a tqdm bar on a terminal."""

from __future__ import annotations

import sys
import threading
from typing import Any


class Console:
    """Progress lines and, when the stream is a terminal, a progress bar."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.bar = None
        self.lock = threading.Lock()
        if total and hasattr(self.stream, "isatty") and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="nb", leave=False,
                            dynamic_ncols=True)

    def line(self, text: str) -> None:
        with self.lock:
            if self.bar is not None:
                self.bar.write(text, file=self.stream)
            else:
                print(text, file=self.stream, flush=True)

    def advance(self) -> None:
        if self.bar is not None:
            with self.lock:
                self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def describe_error(error: dict[str, Any] | None) -> str:
    """``cell 3 (In [2]) `x = f()`: ValueError: bad`` for a failed notebook's error."""
    if not error:
        return ""
    where = ""
    if "cell_index" in error:
        count = error.get("execution_count")
        where = f"cell {error['cell_index']}" + (f" (In [{count}])" if count else "")
        if error.get("first_line"):
            where += f" `{error['first_line'][:60]}`"
        where += ": "
    evalue = (error.get("evalue") or "").splitlines()
    return f"{where}{error.get('ename', 'error')}: {evalue[0][:200] if evalue else ''}".rstrip()
