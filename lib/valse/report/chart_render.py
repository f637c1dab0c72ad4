"""Laying out and rendering the house's charts: each figure drawn once, with the caption band
of :func:`valse.report.charts.add_sources` kept free and titles fitted before the draw, as SVG
(what the pages publish, :func:`published_figure`) or PNG, with the alt text of every chart.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.image
import matplotlib.pyplot as plt
from matplotlib.layout_engine import ConstrainedLayoutEngine


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

#: Room kept between a title and the figure's edge when a figure is widened for it [inch].
TITLE_PAD_IN = 0.1

#: Attribute of a figure holding the height of the caption band that
#: :func:`valse.report.charts.add_sources` added under the plot [inch].
CAPTION_BAND = "_valse_caption_band_in"


class HouseLayout(ConstrainedLayoutEngine):
    """Constrained layout that leaves a notebook's ``subplots_adjust`` call without a warning.

    The layout is computed in the one draw that renders the figure (no second,
    tight-bounding-box pass): tick labels, titles, legends placed outside the axes and colour
    bars get their room inside the figure. A ``subplots_adjust`` made to give such things room
    by hand is superseded by it.
    """

    _adjust_compatible = True


def apply_house_layout(fig: plt.Figure) -> plt.Figure:
    """Lay ``fig`` out with :class:`HouseLayout`, above the caption band of
    :func:`valse.report.charts.add_sources`.

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
    band = min(float(getattr(fig, CAPTION_BAND, 0.0)) / fig.get_figheight(), 0.9)
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
