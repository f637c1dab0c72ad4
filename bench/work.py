"""A notebook's own work: its code run as a plain Python script, each figure rendered once.

The code cells run one after the other in one namespace, as a kernel runs them, with the
parameters injected after the ``parameters`` cell (as papermill does) and matplotlib's Agg
backend. Every figure is rendered once as the kernels publish it
(:func:`valse.report.chart_render.published_figure`: SVG, one draw) when the notebook shows it
(``plt.show()``) or, as the inline backend does, at the end of its cell. Printed output
(``display`` outside IPython prints a text form) goes to /dev/null. No kernel, no papermill,
no HTML export.

Timed from before the first cell (the cells' own imports included; the interpreter's start,
about 20 ms, is not) to the end of the last one. Prints one JSON object: ``seconds``,
``figures`` (count) and ``figure_seconds`` (time spent rendering them).

Usage: ``python bench/work.py NOTEBOOK PARAMETERS_JSON`` (run by ``bench/bench.py``, in a fresh
process per notebook).
"""

from __future__ import annotations

import os

os.environ["MPLBACKEND"] = "Agg"  # before matplotlib is imported

import contextlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


def main() -> int:
    notebook, params = Path(sys.argv[1]).resolve(), json.loads(sys.argv[2])
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    os.chdir(notebook.parent)
    sys.path.insert(0, str(notebook.parent))
    t0 = time.perf_counter()
    import matplotlib.pyplot as plt  # the notebooks import it in their first code cell

    from valse.report.chart_render import published_figure

    rendered = {"figures": 0, "seconds": 0.0}

    def render_open_figures(*_args, **_kwargs) -> None:
        for number in plt.get_fignums():
            start = time.perf_counter()
            published_figure(plt.figure(number))
            rendered["seconds"] += time.perf_counter() - start
            rendered["figures"] += 1
        plt.close("all")

    plt.show = render_open_figures
    namespace: dict = {"__name__": "__main__"}
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = cell["source"]
            source = "".join(source) if isinstance(source, list) else source
            source = "\n".join(line for line in source.splitlines()
                               if not line.lstrip().startswith(("%", "!")))
            exec(compile(source, f"{notebook.name}[cell]", "exec"), namespace)  # noqa: S102
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                namespace.update(params)
            render_open_figures()
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "figures": rendered["figures"],
                      "figure_seconds": rendered["seconds"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
