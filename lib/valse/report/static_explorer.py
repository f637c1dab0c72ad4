"""Published explorers: the panels' sliders in a reader page, with no kernel and no network.

A published explorer is a grid of slider values swept at build time through the same library
functions the live panel (:mod:`valse.report.explore`) calls, stored in the page as compact JSON,
with a small script (``static/explorer.js``) that only looks the chosen state up and shows it:
no formula is computed in the browser. Without JavaScript (or printed) the page shows the
scenario's own state, rendered here in Python.

Storage: every figure is kept as the text the panel shows (:func:`format_metric`), each distinct
text once per figure, with an index per state; a figure that does not change along a slider is
stored without that slider's axis (the post-money valuation, say, ignores the investment).
A panel's chart or small table is stored the same way, as texts per state (:func:`bar_texts`,
:func:`table_texts`, shown by :func:`add_block`): a bar's label, printed value, colour and its
place in % of the plotting area, from :func:`valse.report.charts_html.bar_chart_layout` (the
geometry of the panels' own HTML bars), so that the script only puts stored strings in place.
A panel's toggle is a checkbox (:func:`toggle_axis`). The explorers of 01, 03 and 04 are in
:mod:`valse.report.explorers`.

The notebooks show an explorer with ``display(explorer)`` when ``interactive`` is false: the
output carries :data:`MIMETYPE` (rendered by :mod:`valse.run.export`) and a Markdown line for
JupyterLab.
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from valse.model.deal import Deal, headline_metrics
from valse.report.explore import METRIC_LABELS, SLIDERS, deal_from_sliders, format_metric

#: Mime type of a published explorer's output (its JSON spec).
MIMETYPE = "application/vnd.valse.explorer+json"
#: Slider positions per axis of the deal explorer (the scenario's own value is added).
DEAL_POINTS = 7
#: Slider positions per axis of the cloud explorer (2: the slider's ends; each state costs about
#: 2 ms of :func:`valse.model.deal_npv.npv_parts`, 3**7 states in all).
CLOUD_POINTS = 2


@dataclass(frozen=True)
class Axis:
    """One slider of a published explorer: its values, their labels, the starting position."""

    name: str
    label: str
    values: tuple[float, ...]
    labels: tuple[str, ...]
    start: int
    #: "range" (a slider) or "toggle" (a checkbox: values 0 and 1, off and on).
    kind: str = "range"


def grid_axis(name: str, lo: float, hi: float, step: float, label: str, start: float,
              points: int, fmt: Callable[[float], str] = format_metric) -> Axis:
    """A slider's published positions: ``points`` values evenly over ``[lo, max(hi, start)]``,
    on the slider's ``step``, plus the starting value ``start`` (the scenario's); ``fmt``
    writes a position's label."""
    if points < 2:
        raise ValueError(f"{name}: points must be at least 2, found {points}")
    top = max(hi, start)
    raw = np.linspace(lo, top, points)
    on_step = np.round((raw - lo) / step) * step + lo
    values = sorted({round(float(v), 10) for v in on_step} | {float(start)})
    return Axis(name, label, tuple(values), tuple(fmt(v) for v in values),
                values.index(float(start)))


def toggle_axis(name: str, label: str, start: bool) -> Axis:
    """A checkbox of a published explorer (a live panel's toggle): off (0) and on (1)."""
    return Axis(name, label, (0.0, 1.0), ("off", "on"), int(bool(start)), "toggle")


def _entry(codes: np.ndarray, strings: list[str]) -> dict[str, Any]:
    """One figure's storage: the slider axes it depends on and its text index per state."""
    axes = [a for a in range(codes.ndim)
            if not np.all(codes == np.take(codes, [0], axis=a))]
    reduced = codes
    for a in sorted(set(range(codes.ndim)) - set(axes), reverse=True):
        reduced = np.take(reduced, 0, axis=a)
    return {"axes": axes, "strings": strings, "index": np.ravel(reduced).tolist()}


def sweep(axes: Sequence[Axis], evaluate: Callable[[dict[str, float]], Mapping[str, Any]],
          metrics: Sequence[str], labels: Mapping[str, tuple[str, str]] = METRIC_LABELS,
          fmt: Callable[[float], str] = format_metric) -> dict[str, Any]:
    """Evaluate every state of the grid and build the explorer's JSON spec.

    Parameters
    ----------
    axes : the sliders, in display order.
    evaluate : values by slider name -> figures by metric name (the library functions), and
        any texts already rendered (a chart's bars, a table's rows: every other key whose
        value is a ``str``, "" where a state lacks it); raising ``ValueError`` or
        ``TypeError`` marks the state invalid, with its message.
    metrics : the figures shown, in display order.
    labels : figure name -> (label, unit).
    fmt : a figure's value -> the text shown (the live panel's own formatting).

    Returns
    -------
    dict
        ``sliders`` (name, label, labels, start, kind), ``metrics`` (name, label, unit, axes,
        strings, index), ``texts`` (name -> axes, strings, index), ``error`` (axes, strings,
        index: "" where the state is valid) and ``blocks`` (empty: the factories add the
        charts and tables that show the texts).
    """
    shape = tuple(len(a.values) for a in axes)
    codes = {m: np.zeros(shape, dtype=np.int32) for m in metrics}
    tables: dict[str, dict[str, int]] = {m: {} for m in metrics}
    text_codes: dict[str, np.ndarray] = {}
    text_tables: dict[str, dict[str, int]] = {}
    error_codes = np.zeros(shape, dtype=np.int32)
    errors: dict[str, int] = {"": 0}
    for pos in itertools.product(*(range(n) for n in shape)):
        values = {a.name: a.values[i] for a, i in zip(axes, pos, strict=True)}
        try:
            figures = evaluate(values)
        except (ValueError, TypeError) as exc:
            error_codes[pos] = errors.setdefault(f"Not a valid state: {exc}", len(errors))
            continue
        for m in metrics:
            text = fmt(figures[m])
            codes[m][pos] = tables[m].setdefault(text, len(tables[m]))
        for name, text in figures.items():
            if isinstance(text, str):
                if name not in text_codes:
                    text_codes[name] = np.zeros(shape, dtype=np.int32)
                    text_tables[name] = {"": 0}
                table = text_tables[name]
                text_codes[name][pos] = table.setdefault(text, len(table))
    if not any(tables[m] for m in metrics) and not text_tables:
        raise ValueError("no valid state in the explorer's grid")
    return {
        "sliders": [{"name": a.name, "label": a.label, "labels": list(a.labels),
                     "start": a.start, "kind": a.kind} for a in axes],
        "metrics": [{"name": m, "label": labels.get(m, (m, ""))[0],
                     "unit": labels.get(m, ("", ""))[1],
                     **_entry(codes[m], list(tables[m]) or ["–"])} for m in metrics],
        "texts": {name: _entry(text_codes[name], list(text_tables[name]))
                  for name in sorted(text_codes)},
        "error": _entry(error_codes, list(errors)),
        "blocks": [],
    }


def lookup(spec: Mapping[str, Any], entry: Mapping[str, Any], positions: Sequence[int]) -> str:
    """The text ``entry`` shows at slider ``positions`` (what ``explorer.js`` does, in Python)."""
    flat = 0
    for a in entry["axes"]:
        flat = flat * len(spec["sliders"][a]["labels"]) + positions[a]
    return entry["strings"][entry["index"][flat]]


# --- charts and tables redrawn per state (texts computed here, shown by the script) ---------


def bar_texts(key: str, rows: Sequence[tuple[str, float]], *,
              starts: Sequence[float | None] | None = None,
              colours: Sequence[str] | None = None, digits: int = 1,
              note: str | None = None) -> dict[str, str]:
    """One state of a bar chart as texts for :func:`sweep`: the geometry of
    :func:`valse.report.charts_html.bar_chart_layout` (the panels' :func:`html_bar_chart`) at 0.1 %
    of the plotting area, so that the page places the bars without computing anything.

    Names: ``<key>.zero`` (the zero line's left edge, "37.5%"), ``<key>.<i>.label``,
    ``<key>.<i>.value`` (the printed value), ``<key>.<i>.bar`` ("left width", "" for no bar),
    ``<key>.<i>.colour``; and ``<key>.note`` (a line above the chart) when ``note`` is given.
    """
    from valse.report.charts_html import bar_chart_layout

    zero, bars = bar_chart_layout(rows, starts=starts, colours=colours, digits=digits)
    texts = {f"{key}.zero": f"{zero:.1f}%"}
    if note is not None:
        texts[f"{key}.note"] = note
    for i, b in enumerate(bars):
        texts[f"{key}.{i}.label"] = b.label
        texts[f"{key}.{i}.value"] = b.text
        texts[f"{key}.{i}.colour"] = b.colour
        texts[f"{key}.{i}.bar"] = ("" if b.left_pct is None
                                   else f"{b.left_pct:.1f}% {b.width_pct:.1f}%")
    return texts


def table_texts(key: str, rows: Sequence[tuple[str, str]]) -> dict[str, str]:
    """One state of a small table (label, value shown) as texts for :func:`sweep`:
    ``<key>.<i>.label`` and ``<key>.<i>.value``."""
    texts: dict[str, str] = {}
    for i, (label, value) in enumerate(rows):
        texts[f"{key}.{i}.label"] = label
        texts[f"{key}.{i}.value"] = value
    return texts


def add_block(spec: dict[str, Any], kind: str, key: str, title: str, unit: str,
              column: str = "Item") -> None:
    """Show the texts ``<key>.…`` of ``spec`` (from :func:`bar_texts` or :func:`table_texts`)
    as a chart (``kind="bars"``) or a table (``"table"``, ``column`` heading its labels) under
    the figures; its rows are as many as the largest state has (a state with fewer hides the
    others)."""
    if kind not in ("bars", "table"):
        raise ValueError(f"block {key}: kind must be 'bars' or 'table', found {kind!r}")
    rows = 0
    while f"{key}.{rows}.label" in spec["texts"]:
        rows += 1
    if rows == 0:
        raise ValueError(f"block {key}: no text {key}.0.label in the explorer's states")
    spec["blocks"].append({"kind": kind, "key": key, "title": title, "unit": unit,
                           "column": column, "rows": rows,
                           "note": f"{key}.note" in spec["texts"]})


class Explorer:
    """A published explorer: ``display()`` it in a notebook (see the module's docstring)."""

    def __init__(self, title: str, spec: dict[str, Any]) -> None:
        self.title = title
        self.spec = spec

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {
            MIMETYPE: {"title": self.title, **self.spec},
            "text/markdown": (f"*{self.title}: the live panel is off (`interactive = False`); "
                              "the published page carries the same sliders, precomputed.*"),
        }


def deal_explorer(deal: Deal, points: int = DEAL_POINTS) -> Explorer:
    """The overview's deal panel (:func:`valse.report.explore.deal_panel`), published: its five
    sliders over ``points`` positions each plus the scenario's value, every state computed by
    :func:`~valse.report.explore.deal_from_sliders` and
    :func:`~valse.model.deal.headline_metrics`."""
    start = {name: float(getattr(deal, name)) for name in SLIDERS}
    axes = [grid_axis(name, lo, hi, step, label, start[name], points)
            for name, (lo, hi, step, label) in SLIDERS.items()]

    def evaluate(values: dict[str, float]) -> dict[str, float]:
        return headline_metrics(deal_from_sliders(deal, values))

    return Explorer("Explore the deal", sweep(axes, evaluate, list(METRIC_LABELS)))


def cloud_explorer(params: Mapping[str, Any], points: int = CLOUD_POINTS) -> Explorer:
    """The cloud-economics panel (:func:`valse.report.explore_cloud.cloud_panel`), published:
    its seven sliders at ``points`` positions each (the ends of the slider) plus the scenario's
    value, every state computed by :func:`valse.report.explore_cloud.cloud_params` and
    :func:`valse.report.explore_cloud.panel_figures` (the NPV's parts). The table only: the
    live panel's value bridge is not redrawn here."""
    from valse.report import explore_cloud as ec

    start = {name: float(params[name]) for name in ec.CLOUD_SLIDERS}
    axes = [grid_axis(name, lo, hi, step, label, start[name], points)
            for name, (lo, hi, step, label) in ec.CLOUD_SLIDERS.items()]

    def evaluate(values: dict[str, float]) -> dict[str, float]:
        try:
            return ec.panel_figures(ec.cloud_params(params, values))
        except KeyError as exc:
            raise ValueError(f"missing parameter {exc}") from exc

    return Explorer("Explore the NPV to Amazon",
                    sweep(axes, evaluate, list(ec.PANEL_FIGURES), ec.PANEL_FIGURES,
                          ec.format_figure))


# --- the page's HTML ----------------------------------------------------------------------------

_CSS = """.valse-explorer fieldset{border:1px solid #ccc;padding:.5em 1em;margin:0 0 .5em}
.valse-explorer-row{display:flex;align-items:center;gap:1em;margin:.25em 0}
.valse-explorer-row label{width:16em}.valse-explorer-row input[type=range]{width:22em}
.valse-explorer-row output{min-width:5em;font-variant-numeric:tabular-nums}
.valse-explorer td.num{text-align:right;font-variant-numeric:tabular-nums}
.valse-explorer [hidden]{display:none!important}
.valse-explorer .valse-bars{font-size:12px;max-width:52em;margin:.5em 0}
.valse-explorer .valse-bars>div{display:flex;align-items:center;height:20px}
.valse-explorer .valse-bars>div.valse-bars-title{display:block;height:auto;font-weight:bold;
margin-bottom:4px}
.valse-explorer .valse-bars .lab{flex:0 0 24em;overflow:hidden;text-overflow:ellipsis;
white-space:nowrap;padding-right:6px}
.valse-explorer .valse-bars .area{flex:1 1 auto;position:relative;height:100%}
.valse-explorer .valse-bars .zero{position:absolute;top:0;bottom:0;border-left:1px solid #000}
.valse-explorer .valse-bars .valse-bar{position:absolute;top:2px;bottom:2px}
.valse-explorer .valse-bars .valse-value{flex:0 0 6em;text-align:right;
font-variant-numeric:tabular-nums}
@media print{.valse-explorer-controls{display:none}}"""


def script_text() -> str:
    """The explorers' script, shipped with the package (``valse/report/static/explorer.js``)."""
    return resources.files("valse.report").joinpath("static/explorer.js").read_text("utf-8")


def _json_for_script(spec: Mapping[str, Any]) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>``, no ``<!--``)."""
    text = json.dumps(spec, separators=(",", ":"), ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _control(uid: str, i: int, s: Mapping[str, Any]) -> str:
    esc = html.escape
    shown = esc(s["labels"][s["start"]])
    if s.get("kind", "range") == "toggle":
        checked = " checked" if s["start"] else ""
        return (f"<div class='valse-explorer-row'><label for='{uid}-s{i}'>{esc(s['label'])}"
                f"</label><input type='checkbox' class='valse-explorer-slider' id='{uid}-s{i}'"
                f"{checked}></div>")
    return (f"<div class='valse-explorer-row'><label for='{uid}-s{i}'>{esc(s['label'])}</label>"
            f"<input type='range' class='valse-explorer-slider' id='{uid}-s{i}' min='0' "
            f"max='{len(s['labels']) - 1}' step='1' value='{s['start']}' "
            f"aria-valuetext='{shown}'>"
            f"<output class='valse-explorer-value' for='{uid}-s{i}'>{shown}</output></div>")


def chart_aria(title: str, unit: str, rows: Sequence[tuple[str, str]]) -> str:
    """A bar chart's spoken text, as :func:`valse.report.charts_html.html_bar_chart` writes it (and
    ``explorer.js`` joins it from the texts shown)."""
    return f"{title} [{unit}]. " + "; ".join(f"{label}: {value} {unit}" for label, value in rows)


def _block_html(spec: Mapping[str, Any], block: Mapping[str, Any], start: Sequence[int]) -> str:
    """A chart or table of the explorer at the sliders' ``start`` state (what shows without
    JavaScript); the ``data-valse-*`` attributes name the texts the script puts in."""
    esc = html.escape
    key, title, unit = block["key"], block["title"], block["unit"]

    def text(name: str) -> str:
        entry = spec["texts"].get(name)
        return lookup(spec, entry, start) if entry else ""

    note = (f"<p class='valse-explorer-note' data-valse-text='{key}.note'>"
            f"{esc(text(key + '.note'))}</p>" if block["note"] else "")
    if block["kind"] == "table":
        rows = "".join(
            f"<tr data-valse-row='{key}.{i}'{'' if text(f'{key}.{i}.label') else ' hidden'}>"
            f"<th scope='row' data-valse-text='{key}.{i}.label'>{esc(text(f'{key}.{i}.label'))}"
            f"</th><td class='num' data-valse-text='{key}.{i}.value'>"
            f"{esc(text(f'{key}.{i}.value'))}</td><td>{esc(unit)}</td></tr>"
            for i in range(block["rows"]))
        return (f"<div data-valse-block='{key}'>{note}<table class='valse-captable'>"
                f"<caption>{esc(title)}</caption><thead><tr>"
                f"<th scope='col'>{esc(block['column'])}</th>"
                f"<th scope='col'>Value</th><th scope='col'>Unit</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")
    zero = text(f"{key}.zero")
    shown = []
    parts = []
    for i in range(block["rows"]):
        label, value, bar = (text(f"{key}.{i}.{part}") for part in ("label", "value", "bar"))
        if label:
            shown.append((label, value))
        left, width = bar.split(" ") if bar else ("0%", "0%")
        parts.append(
            f"<div data-valse-row='{key}.{i}'{'' if label else ' hidden'}>"
            f"<div class='lab' data-valse-text='{key}.{i}.label'>{esc(label)}</div>"
            f"<div class='area'><div class='zero' data-valse-zero='{key}' "
            f"style='left:{esc(zero)}'></div><div class='valse-bar' "
            f"data-valse-bar='{key}.{i}'{'' if bar else ' hidden'} style='left:{esc(left)};"
            f"width:{esc(width)};background:{esc(text(f'{key}.{i}.colour'))}'></div></div>"
            f"<div class='valse-value' data-valse-text='{key}.{i}.value'>{esc(value)}</div></div>")
    return (f"<div data-valse-block='{key}'>{note}<div class='valse-bars' role='img' "
            f"data-valse-chart='{key}' aria-label='{esc(chart_aria(title, unit, shown))}'>"
            f"<div class='valse-bars-title'>{esc(title)} [{esc(unit)}]</div>"
            f"{''.join(parts)}</div></div>")


def explorer_html(spec: Mapping[str, Any], uid: str = "valse-explorer") -> str:
    """The explorer as HTML: the scenario's state as a table and its charts (what shows without
    JavaScript or in print), the sliders (hidden until the script runs), the data and the
    script."""
    esc = html.escape
    start = [s["start"] for s in spec["sliders"]]
    rows = "".join(_control(uid, i, s) for i, s in enumerate(spec["sliders"]))
    table = "".join(
        f"<tr><th scope='row'>{esc(m['label'])}</th>"
        f"<td class='num' data-valse-metric='{i}'>{esc(lookup(spec, m, start))}</td>"
        f"<td>{esc(m['unit'])}</td></tr>"
        for i, m in enumerate(spec["metrics"])
    )
    blocks = "".join(_block_html(spec, b, start) for b in spec.get("blocks", []))
    title = esc(str(spec.get("title", "Explore")))
    return (
        f"<style>{_CSS}</style>"
        f"<section class='valse-explorer' id='{uid}' aria-label='{title}'>"
        f"<div class='valse-explorer-controls' hidden><fieldset><legend>{title}: move a slider"
        f"</legend>{rows}</fieldset>"
        f"<p class='valse-explorer-message' role='status'></p></div>"
        f"<table class='valse-metrics'><caption>{title} (figures for the sliders' state; "
        f"without JavaScript, the scenario's own)</caption>"
        f"<thead><tr><th scope='col'>Figure</th><th scope='col'>Value</th>"
        f"<th scope='col'>Unit</th></tr></thead><tbody>{table}</tbody></table>{blocks}"
        f"<script type='application/json' class='valse-explorer-data'>{_json_for_script(spec)}"
        f"</script><script>{script_text()}</script></section>"
    )
