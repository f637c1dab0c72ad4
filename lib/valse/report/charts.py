"""House style for charts, and the provenance line under each of them.

Every chart names its sources under it (:func:`add_sources`) and can save the numbers
behind it (:func:`save_chart_data`) so that readers can download them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt

from valse.data.facts import FactBase
from valse.report.chart_render import CAPTION_BAND, PUBLISHED_FORMAT, published_figure

#: The caption's font size [pt], line spacing [multiple of the font size] and the margin
#: around it [inch].
CAPTION_FONTSIZE = 7.0
CAPTION_LINESPACING = 1.2
CAPTION_PAD_IN = 0.06

#: One colour per reading of the deal, used by every notebook.
READING_COLOURS = {"rumour": "#8c6bb1", "reported": "#2b8cbe"}
PALETTE = ["#2b8cbe", "#e6550d", "#31a354", "#8c6bb1", "#636363", "#d6616b", "#fdae6b"]


def _register_alt_text_formatter() -> None:
    """In IPython, render figures as SVG whose output metadata carries their alt text."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the kernel
        return
    shell = get_ipython()
    if shell is None:
        return
    # Resolve pyplot's backend now: the inline backend registers its own PNG formatter when
    # it is first loaded, which would otherwise replace ours at the first figure.
    plt.figure().clear()
    plt.close("all")
    formatters = shell.display_formatter.formatters
    for fmt in (PUBLISHED_FORMAT, "image/jpeg", "application/pdf", "image/png"):
        formatters[fmt].pop(plt.Figure, None)
    formatters[PUBLISHED_FORMAT].for_type(plt.Figure, published_figure)


def use_house_style() -> None:
    """Apply the collection's chart style and, in a notebook, SVG output with alt text.

    Readable sizes, light grid, no top/right spines; in IPython every figure is rendered
    as SVG, drawn once with the house layout (:func:`valse.report.chart_render.figure_svg`),
    with its :func:`~valse.report.chart_render.alt_text` in the output metadata (the
    published pages use it as the image's ``alt`` attribute).
    Call it after importing pyplot and do not change
    ``InlineBackend.figure_formats`` afterwards.
    """
    _register_alt_text_formatter()
    mpl.rcParams.update(
        {
            "figure.figsize": (8.0, 4.5),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.labelsize": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "legend.frameon": False,
        }
    )


def sources_text(facts: FactBase, ids: Iterable[str], extra: Iterable[str] = ()) -> str:
    """Return the "Sources: …" caption for a chart: one entry per fact, then ``extra`` lines."""
    seen: dict[str, None] = dict.fromkeys(ids)
    entries = [facts[i].citation() for i in seen] + list(extra)
    unique = list(dict.fromkeys(entries))
    return "Sources: " + "; ".join(unique) + "."


def add_sources(fig: plt.Figure, facts: FactBase, ids: Iterable[str], extra: Iterable[str] = ()):
    """Write the sources of a chart under it, wrapped to the figure's width.

    The figure grows by a band of ``lines × CAPTION_FONTSIZE × CAPTION_LINESPACING / 72 +
    2 × CAPTION_PAD_IN`` inches at its bottom, so the plot keeps its size, and the caption is
    written in that band, inside the figure: the image needs no tight bounding box to show it
    (see :func:`valse.report.chart_render.apply_house_layout`). Calling it again on the same
    figure adds a second band under the first.
    """
    width_in, height_in = fig.get_size_inches()
    # about 16 characters per inch at 7 pt: the caption is wrapped here, once (matplotlib's
    # own ``wrap=True`` measures the text word by word at every draw)
    width = int(width_in * 16)
    # a "$" in a title would start matplotlib's mathtext: escape it
    caption = sources_text(facts, ids, extra).replace("$", r"\$")
    lines = textwrap.wrap(caption, width=width)
    band_in = len(lines) * CAPTION_FONTSIZE * CAPTION_LINESPACING / 72 + 2 * CAPTION_PAD_IN
    total_in = height_in + band_in
    fig.set_size_inches(width_in, total_in)
    for text in fig.texts:  # an earlier caption moves up, above the new band
        if text.get_gid() == "valse-sources":
            x, y = text.get_position()
            text.set_position((x, (y * height_in + band_in) / total_in))
    fig.text(0.01, (band_in - CAPTION_PAD_IN) / total_in, "\n".join(lines), ha="left",
             va="top", fontsize=CAPTION_FONTSIZE, linespacing=CAPTION_LINESPACING,
             color="#444444", gid="valse-sources")
    setattr(fig, CAPTION_BAND, float(getattr(fig, CAPTION_BAND, 0.0)) + band_in)
    return fig


def save_chart_data(frame, artifacts_dir: str | Path | None, name: str) -> Path | None:
    """Save the numbers behind a chart as ``<artifacts_dir>/<name>.csv`` (no-op without one)."""
    if not artifacts_dir:
        return None
    path = Path(artifacts_dir) / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=True)
    return path


def tornado_chart(rows, base_value: float, xlabel: str, title: str, labels=None):
    """Draw a tornado chart from :func:`valse.model.uncertainty.one_at_a_time` rows.

    Parameters
    ----------
    rows : list of (name, output_at_low, output_at_high, swing)
        Largest swing first.
    base_value : float
        Output with every input at its central value (the vertical line).
    xlabel, title : str
        Axis label (with unit) and title.
    labels : mapping, optional
        Reader-facing names of the inputs.

    Returns
    -------
    (Figure, Axes)
    """
    labels = labels or {}
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(rows) + 1.5))
    names = [labels.get(r[0], r[0]) for r in rows]
    for i, (_, lo, hi, _) in enumerate(rows):
        ax.barh(
            i,
            lo - base_value,
            left=base_value,
            color=PALETTE[0],
            label="input at its low value" if i == 0 else None,
        )
        ax.barh(
            i,
            hi - base_value,
            left=base_value,
            color=PALETTE[1],
            label="input at its high value" if i == 0 else None,
        )
    ax.axvline(base_value, color="black", linewidth=0.8)
    ax.set_yticks(range(len(rows)), names)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    return fig, ax


def usd_bn_markdown(value_usd_bn: float, digits: int = 0) -> str:
    """Format an amount for Markdown prose: ``USD 20 billion``, ``−USD 50 billion``.

    Prose never uses the dollar sign: JupyterLab's MathJax reads text between two dollar
    signs as LaTeX, even escaped, and would typeset "$50 billion … $38 billion" as maths.
    """
    sign = "−" if value_usd_bn < 0 else ""
    return f"{sign}USD {abs(value_usd_bn):,.{digits}f} billion"


def stacked_bar(ax, x: float, segments, *, width: float, label_at_least: float) -> float:
    """Draw one stacked bar at ``x`` and return its top [the data's unit].

    ``segments`` are ``(value, colour, legend label or None, text, text colour)`` from the
    bottom up; a segment of zero or less is skipped, and its ``text`` is written inside it
    only when ``value >= label_at_least`` (a thinner segment has no room for it).
    """
    bottom = 0.0
    for value, colour, label, text, text_colour in segments:
        if value <= 0:
            continue
        ax.bar(x, value, bottom=bottom, width=width, color=colour, label=label,
               edgecolor="white")
        if value >= label_at_least:
            ax.text(x, bottom + value / 2, text, ha="center", va="center", fontsize=8,
                    color=text_colour)
        bottom += value
    return bottom
