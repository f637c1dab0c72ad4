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

from valse.facts import FactBase

#: One colour per reading of the deal, used by every notebook.
READING_COLOURS = {"rumour": "#8c6bb1", "reported": "#2b8cbe"}
PALETTE = ["#2b8cbe", "#e6550d", "#31a354", "#8c6bb1", "#636363", "#d6616b", "#fdae6b"]


def alt_text(fig: plt.Figure) -> str:
    """Describe a figure for readers who cannot see it: titles and axis labels with units.

    Used as the ``alt`` text of every published chart image.
    """
    parts = []
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    if suptitle:
        parts.append(suptitle)
    for ax in fig.get_axes():
        title = ax.get_title() or ax.get_title(loc="left")
        axis = [
            f"{name} axis: {label}"
            for name, label in (("horizontal", ax.get_xlabel()), ("vertical", ax.get_ylabel()))
            if label
        ]
        if title or axis:
            parts.append("; ".join(([title] if title else []) + axis))
    text = ". ".join(p.rstrip(".") for p in parts)
    return f"Chart: {text}." if text else "Chart without a title."


def _png_with_alt(fig: plt.Figure):
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, "png", bbox_inches="tight"), {"alt": alt_text(fig)}


def _register_alt_text_formatter() -> None:
    """In IPython, render figures as PNG whose output metadata carries their alt text."""
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
    for fmt in ("image/svg+xml", "image/jpeg", "application/pdf", "image/png"):
        formatters[fmt].pop(plt.Figure, None)
    formatters["image/png"].for_type(plt.Figure, _png_with_alt)


def use_house_style() -> None:
    """Apply the collection's chart style and, in a notebook, PNG output with alt text.

    Readable sizes, light grid, no top/right spines; in IPython every figure is rendered
    as PNG with its :func:`alt_text` in the output metadata (the published pages use it
    as the image's ``alt`` attribute). Call it after importing pyplot and do not change
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
    """Write the sources of a chart under it, wrapped to the figure's width."""
    width = int(fig.get_figwidth() * 16)
    # a "$" in a title would start matplotlib's mathtext: escape it
    caption = sources_text(facts, ids, extra).replace("$", r"\$")
    text = "\n".join(textwrap.wrap(caption, width=width))
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=7, color="#444444", wrap=True)
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
    """Draw a tornado chart from :func:`valse.uncertainty.one_at_a_time` rows.

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


def _check_per_row(name: str, values, n_rows: int) -> list:
    values = list(values)
    if len(values) != n_rows:
        raise ValueError(f"{name}: expected one entry per row ({n_rows}), found {len(values)}")
    return values


def html_bar_chart(
    rows: Iterable[tuple[str, float]],
    unit: str,
    title: str,
    *,
    starts: Iterable[float | None] | None = None,
    colours: Iterable[str] | None = None,
    digits: int = 1,
) -> str:
    """Draw horizontal bars as HTML: a chart that costs microseconds, for interactive panels.

    Each row is a label, a bar and its printed value. Bars start at zero (negative values
    extend to the left of the zero line) unless ``starts`` gives a bar another start, as the
    floating steps of a waterfall do. All bars share one scale: a bar's width is
    ``|value| / (hi − lo)`` of the plotting area, where ``lo = min(0, starts, ends)`` and
    ``hi = max(0, starts, ends)``. Every text is HTML-escaped; the chart carries
    ``role="img"`` and an ``aria-label`` that reads out the title, the unit and every value.

    Parameters
    ----------
    rows : iterable of (label, value)
        One bar per row, top to bottom; value in ``unit``. A non-finite value draws no bar
        and prints "not defined".
    unit : str
        Unit of the values, e.g. ``"USD bn"``; printed after the title.
    title : str
        What the chart shows.
    starts : iterable of float or None, optional
        Where each bar starts [``unit``] (None: at zero). A bar that does not start at zero
        is a change and its value is printed with its sign.
    colours : iterable of str, optional
        One CSS colour per row (``#rrggbb`` or a colour name). Default: blue for values at or
        above zero, orange below.
    digits : int
        Decimals of the printed values.

    Returns
    -------
    str
        An HTML fragment (a ``<div>``), for an ``ipywidgets.HTML`` widget.

    Raises
    ------
    ValueError
        When ``starts`` or ``colours`` do not have one entry per row, or a colour is not a
        plain CSS colour.
    """
    import html
    import math
    import re

    rows = [(str(label), float(value)) for label, value in rows]
    n = len(rows)
    begin = [
        0.0 if s is None else float(s) for s in _check_per_row("starts", starts or [None] * n, n)
    ]
    floating = [s is not None for s in (starts or [None] * n)]
    if colours is None:
        colours = [PALETTE[0] if not v < 0 else PALETTE[1] for _, v in rows]
    colours = _check_per_row("colours", colours, n)
    for c in colours:
        if not re.fullmatch(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]+", str(c)):
            raise ValueError(f"colours: expected '#rrggbb' or a colour name, found {c!r}")
    ends = [b + v for b, (_, v) in zip(begin, rows, strict=True)]
    finite = [x for x in begin + ends if math.isfinite(x)]
    lo, hi = min([0.0, *finite]), max([0.0, *finite])
    span = (hi - lo) or 1.0

    def pct(x: float) -> float:
        return 100.0 * (x - lo) / span

    def shown(value: float, signed: bool) -> str:
        if not math.isfinite(value):
            return "not defined"
        text = f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"
        return text.replace("-", "−")

    esc = html.escape
    described = "; ".join(
        f"{label}: {shown(v, f)} {unit}" for (label, v), f in zip(rows, floating, strict=True)
    )
    parts = [
        f'<div class="valse-bars" role="img" aria-label="{esc(f"{title} [{unit}]. {described}")}"'
        ' style="font-size:12px;max-width:52em">',
        f'<div style="font-weight:bold;margin-bottom:4px">{esc(title)} [{esc(unit)}]</div>',
    ]
    zero = pct(0.0)
    for (label, value), start, signed, colour in zip(rows, begin, floating, colours, strict=True):
        bar = ""
        if math.isfinite(value) and math.isfinite(start):
            left = pct(min(start, start + value))
            width = 100.0 * abs(value) / span
            bar = (
                f'<div class="valse-bar" style="position:absolute;top:2px;bottom:2px;'
                f'left:{left:.4f}%;width:{width:.4f}%;background:{colour}"></div>'
            )
        parts.append(
            '<div style="display:flex;align-items:center;height:20px">'
            f'<div style="flex:0 0 22em;overflow:hidden;text-overflow:ellipsis;'
            f'white-space:nowrap;padding-right:6px" title="{esc(label)}">{esc(label)}</div>'
            '<div style="flex:1 1 auto;position:relative;height:100%">'
            f'<div style="position:absolute;top:0;bottom:0;left:{zero:.4f}%;'
            'border-left:1px solid #000"></div>'
            f"{bar}</div>"
            '<div class="valse-value" style="flex:0 0 6em;text-align:right;'
            f'font-variant-numeric:tabular-nums">{esc(shown(value, signed))}</div>'
            "</div>"
        )
    parts.append("</div>")
    return "".join(parts)
