"""House style for charts, and the provenance line under each of them.

Every chart names its sources under it (:func:`add_sources`) and can save the numbers
behind it (:func:`save_chart_data`) so that readers can download them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path

import matplotlib as mpl
import matplotlib.image
import matplotlib.pyplot as plt
from matplotlib.layout_engine import ConstrainedLayoutEngine

from valse.data.facts import FactBase

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


#: Resolution of the published chart images [pixels per inch of figure]. The reader pages
#: show an image at its natural size (``max-width: 100%``): at 100 px per inch an 8-inch-wide
#: chart is 800 px, about the width of the page's text column, so a pixel of the image is a
#: pixel of the page on an ordinary screen.
PAGE_DPI = 100

#: The caption's font size [pt], line spacing [multiple of the font size] and the margin
#: around it [inch].
CAPTION_FONTSIZE = 7.0
CAPTION_LINESPACING = 1.2
CAPTION_PAD_IN = 0.06
#: Room kept between a title and the figure's edge when a figure is widened for it [inch].
TITLE_PAD_IN = 0.1

#: Attribute of a figure holding the height of the caption band that :func:`add_sources`
#: added under the plot [inch].
_CAPTION_BAND = "_valse_caption_band_in"


class HouseLayout(ConstrainedLayoutEngine):
    """Constrained layout that leaves a notebook's ``subplots_adjust`` call without a warning.

    The layout is computed in the one draw that renders the figure (no second,
    tight-bounding-box pass): tick labels, titles, legends placed outside the axes and colour
    bars get their room inside the figure. A ``subplots_adjust`` made to give such things room
    by hand is superseded by it.
    """

    _adjust_compatible = True


def apply_house_layout(fig: plt.Figure) -> plt.Figure:
    """Lay ``fig`` out with :class:`HouseLayout`, above the caption band of :func:`add_sources`.

    The plot area is the rectangle ``(0, b, 1, 1 - b)`` of the figure (left, bottom, width,
    height, in fractions of the figure), where ``b`` is the caption band's height over the
    figure's height. A figure with a colour bar made before this layout was set keeps its own
    layout, with its bottom margin raised above the caption band (make such a figure with
    ``layout=HouseLayout()``).

    Returns
    -------
    Figure
        ``fig``, for chaining.
    """
    band = min(float(getattr(fig, _CAPTION_BAND, 0.0)) / fig.get_figheight(), 0.9)
    rect = (0.0, band, 1.0, 1.0 - band)
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=rect)
        return fig
    if any(hasattr(ax, "_colorbar") for ax in fig.axes):
        # a colour bar made without a constrained layout sits in a grid of its own that the
        # layout cannot adjust (matplotlib refuses or fails): keep the figure's own layout and
        # only leave the caption band free
        if engine is None or engine.adjust_compatible:
            fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, band + 0.06))
        return fig
    fig.set_layout_engine(HouseLayout(rect=rect))
    return fig


def _titles(fig: plt.Figure) -> list:
    texts = [t for ax in fig.axes for t in (ax.title, ax._left_title, ax._right_title)]
    suptitle = getattr(fig, "_suptitle", None)
    return [t for t in [*texts, suptitle] if t is not None and t.get_visible() and t.get_text()]


def title_overflow_in(fig: plt.Figure) -> float:
    """How far the widest-running title of a drawn figure runs off its left or right edge
    [inch]; 0 when every title fits. Read from the last draw's positions."""
    titles = _titles(fig)
    if not titles or not hasattr(fig.canvas, "get_renderer"):
        return 0.0
    renderer = fig.canvas.get_renderer()
    width_px = fig.bbox.width
    over_px = 0.0
    for t in titles:
        box = t.get_window_extent(renderer)
        over_px = max(over_px, -box.x0, box.x1 - width_px)
    return over_px / fig.dpi


def _title_widths_in(fig: plt.Figure) -> list[float]:
    """Widths of the figure's visible titles [inch], measured from the font alone (no draw)."""
    from matplotlib.textpath import TextToPath

    measure = TextToPath()
    widths = []
    for t in _titles(fig):
        text, ismath = t._preprocess_math(t.get_text())
        width_pt, _, _ = measure.get_text_width_height_descent(text, t.get_fontproperties(),
                                                              ismath=ismath)
        widths.append(width_pt / 72)
    return widths


def fit_titles(fig: plt.Figure) -> float:
    """Widen ``fig`` before its draw so that its widest title fits with ``TITLE_PAD_IN`` and
    the room the layout gives the axes' labels on each side; returns the inches added (0 when
    every title fits).

    A layout keeps the figure's size, so a title wider than its axes can run off an edge (a
    tight bounding box used to widen the image instead, at the cost of a second draw). The
    title's width is known from its font before any draw: the figure is widened to
    ``width + 2 × (TITLE_PAD_IN + 1/4 in)`` (an axes title is centred on its axes, which the
    vertical axis's labels push right by up to a quarter inch).
    """
    widths = _title_widths_in(fig)
    if not widths:
        return 0.0
    needed = max(widths) + 2 * (TITLE_PAD_IN + 0.25)
    added = max(0.0, needed - fig.get_figwidth())
    if added:
        fig.set_figwidth(fig.get_figwidth() + added)
    return added


def _prepare(fig: plt.Figure, dpi: float) -> None:
    apply_house_layout(fig)
    fig.set_dpi(dpi)
    fit_titles(fig)


def figure_png(fig: plt.Figure, dpi: float = PAGE_DPI) -> bytes:
    """Render ``fig`` as PNG in one draw: house layout, no tight bounding box.

    The layout (:func:`apply_house_layout`) is computed in the draw itself, and titles are
    fitted before it (:func:`fit_titles`). Should a title still run off an edge
    (:func:`title_overflow_in`), the figure is widened by twice the overflow plus
    ``TITLE_PAD_IN`` on each side and drawn a second time.

    Parameters
    ----------
    fig : Figure
    dpi : float
        Resolution [pixels per inch of figure]; the image is ``width × dpi`` pixels wide.

    Returns
    -------
    bytes
        The PNG file.
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):  # e.g. a figure closed by pyplot
        FigureCanvasAgg(fig)  # one renderer for the layout and the draw (its text cache)
    _prepare(fig, dpi)

    def draw() -> bytes:
        # the canvas's own draw lays the figure out and renders it in one pass; ``savefig``
        # with a layout engine would first draw it once more, with rendering disabled
        fig.canvas.draw()
        buffer = io.BytesIO()
        mpl.image.imsave(buffer, fig.canvas.buffer_rgba(), format="png", origin="upper",
                         dpi=dpi)
        return buffer.getvalue()

    png = draw()
    over_in = title_overflow_in(fig)
    if over_in > 0:
        fig.set_figwidth(fig.get_figwidth() + 2 * (over_in + TITLE_PAD_IN))
        png = draw()
    return png


#: What the SVG files of the charts are made with: text as text (``svg.fonttype = none``:
#: readable in the file, sharp at any zoom, and no glyph to rasterise or outline), ids salted
#: with a constant and no date, so that the same figure gives the same bytes.
SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "valse", "svg.id": None}


def figure_svg(fig: plt.Figure) -> str:
    """Render ``fig`` as SVG in one draw: house layout, no tight bounding box, text as text.

    The published charts are SVG: a chart drawn as vectors with its text as text is lighter
    than its PNG (7 charts of notebook 02: 203 KB against 1.16 MB) and costs a fraction of its
    draw (no glyph is rasterised, no image encoded). The figure is laid out as for
    :func:`figure_png` (:func:`apply_house_layout`, :func:`fit_titles`); its size is
    ``width × 72`` points wide (a page shows it at 96 CSS pixels per inch). The same
    figure gives the same bytes (:data:`SVG_RC`, no date in the metadata).

    Returns
    -------
    str
        The SVG document.
    """
    import io

    from matplotlib.backends.backend_svg import FigureCanvasSVG

    _prepare(fig, 72.0)
    buffer = io.StringIO()
    rc = {k: v for k, v in SVG_RC.items() if k in mpl.rcParams}
    with mpl.rc_context(rc):
        FigureCanvasSVG(fig).print_svg(buffer, metadata={"Date": None})
    return buffer.getvalue()


#: The format of the published charts, as IPython names it (see :func:`published_figure`).
PUBLISHED_FORMAT = "image/svg+xml"


def published_figure(fig: plt.Figure) -> tuple[str, dict[str, str]]:
    """A figure as the notebooks publish it: its SVG (:func:`figure_svg`) and the output's
    metadata, which carries its :func:`alt_text` (the pages' ``alt`` attribute)."""
    return figure_svg(fig), {"alt": alt_text(fig)}


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
    for fmt in ("image/svg+xml", "image/jpeg", "application/pdf", "image/png"):
        formatters[fmt].pop(plt.Figure, None)
    formatters[PUBLISHED_FORMAT].for_type(plt.Figure, published_figure)


def use_house_style() -> None:
    """Apply the collection's chart style and, in a notebook, SVG output with alt text.

    Readable sizes, light grid, no top/right spines; in IPython every figure is rendered
    as SVG, drawn once with the house layout (:func:`figure_svg`), with its :func:`alt_text`
    in the output metadata (the published pages use it as the image's ``alt`` attribute).
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
    (see :func:`apply_house_layout`). Calling it again on the same figure adds a second band
    under the first.
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
    setattr(fig, _CAPTION_BAND, float(getattr(fig, _CAPTION_BAND, 0.0)) + band_in)
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
