"""HTML bar charts of the interactive panels and the static explorers: a bar chart drawn as
``<div>`` bars (no matplotlib, no JavaScript), fast enough to redraw on every slider move.

:func:`bar_chart_layout` computes the geometry (the zero line and each bar's place in % of the
plotting area) that :func:`html_bar_chart` draws and the static explorers reuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from valse.report.charts import PALETTE


def _check_per_row(name: str, values, n_rows: int) -> list:
    values = list(values)
    if len(values) != n_rows:
        raise ValueError(f"{name}: expected one entry per row ({n_rows}), found {len(values)}")
    return values


@dataclass(frozen=True)
class BarRow:
    """One bar of :func:`bar_chart_layout`: its label, where it is drawn [% of the plotting
    area] (``None``: no bar, the value is not defined), its colour and its printed value."""

    label: str
    left_pct: float | None
    width_pct: float | None
    colour: str
    text: str


def bar_chart_layout(
    rows: Iterable[tuple[str, float]],
    *,
    starts: Iterable[float | None] | None = None,
    colours: Iterable[str] | None = None,
    digits: int = 1,
) -> tuple[float, list[BarRow]]:
    """The geometry of :func:`html_bar_chart` (same arguments): the zero line's position and
    each bar's, in % of the plotting area, with the printed values. A published explorer
    (:mod:`valse.report.static_explorer`) stores it per state, so that its page redraws the
    chart without computing anything.

    Raises
    ------
    ValueError
        As :func:`html_bar_chart`.
    """
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

    bars = []
    for (label, value), start, signed, colour in zip(rows, begin, floating, colours, strict=True):
        drawn = math.isfinite(value) and math.isfinite(start)
        bars.append(BarRow(label, pct(min(start, start + value)) if drawn else None,
                           100.0 * abs(value) / span if drawn else None, str(colour),
                           shown(value, signed)))
    return pct(0.0), bars


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

    zero, bars = bar_chart_layout(rows, starts=starts, colours=colours, digits=digits)
    esc = html.escape
    described = "; ".join(f"{b.label}: {b.text} {unit}" for b in bars)
    parts = [
        f'<div class="valse-bars" role="img" aria-label="{esc(f"{title} [{unit}]. {described}")}"'
        ' style="font-size:12px;max-width:52em">',
        f'<div style="font-weight:bold;margin-bottom:4px">{esc(title)} [{esc(unit)}]</div>',
    ]
    for b in bars:
        bar = ""
        if b.left_pct is not None:
            bar = (
                f'<div class="valse-bar" style="position:absolute;top:2px;bottom:2px;'
                f'left:{b.left_pct:.4f}%;width:{b.width_pct:.4f}%;background:{b.colour}"></div>'
            )
        parts.append(
            '<div style="display:flex;align-items:center;height:20px">'
            f'<div style="flex:0 0 22em;overflow:hidden;text-overflow:ellipsis;'
            f'white-space:nowrap;padding-right:6px" title="{esc(b.label)}">{esc(b.label)}</div>'
            '<div style="flex:1 1 auto;position:relative;height:100%">'
            f'<div style="position:absolute;top:0;bottom:0;left:{zero:.4f}%;'
            'border-left:1px solid #000"></div>'
            f"{bar}</div>"
            '<div class="valse-value" style="flex:0 0 6em;text-align:right;'
            f'font-variant-numeric:tabular-nums">{esc(b.text)}</div>'
            "</div>"
        )
    parts.append("</div>")
    return "".join(parts)
