"""Executed notebooks to self-contained HTML pages (nbconvert, in-process).

Two pages per notebook:

- the reader page: code hidden (``exclude_input``), prompts hidden, without the metric-record
  outputs (:data:`valse.report.record.MIMETYPE`) and without papermill's ``injected-parameters``
  cell;
- the full page: every cell with its code.

Both are self-contained and safe to publish offline: figures are embedded and the template
drops every script that nbconvert's ``lab`` template fetches from a CDN (require.js, MathJax,
Mermaid, the widget manager). HTML and Markdown outputs of the cells pass through
:func:`valse.report.sanitize.clean_html` (``nh3``): no script, event handler or remote reference;
JavaScript and widget-view outputs are dropped; SVG is shown as an image. Each page carries a
Content-Security-Policy ``<meta>`` (:func:`valse.report.sanitize.add_csp`): nothing fetched, no
script
but the page's own inline code by hash. :func:`external_resources` lists anything left that
would fetch or run; the exporter refuses to write a page that has some.

Code is highlighted by pygments and cleaned by the same ``nh3`` pass as the outputs (not
nbconvert's ``bleach``, 0.45 s a page here), and nbconvert's closing BeautifulSoup pass is
replaced by :func:`accessible` (:class:`OfflineExporter`): the same tags, attributes and text,
a page in half the time.

Importing this module imports nbconvert: the pipeline's workers import it once, at start.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

# jsonschema (imported by nbformat) imports the optional ``rfc3987_syntax`` when it is
# installed, which builds a parser at import time (about 0.8 s, in every worker). Notebook
# validation never checks the IRI formats it serves, so keep it out.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import hashlib  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402

import jinja2  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402
from nbformat import NotebookNode  # noqa: E402
from traitlets.config import Config  # noqa: E402

from valse.report import static_explorer  # noqa: E402
from valse.report.record import MIMETYPE  # noqa: E402
from valse.report.sanitize import add_csp, clean_html, unsafe_constructs  # noqa: E402

_TEMPLATE_NAME = "valse_offline.html.j2"
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block data_png scoped %}
{%- set alt = output | get_metadata('alt', 'image/png') -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
{%- if alt %} alt="{{ alt | escape_html }}"{% endif %}
{%- set width = output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width="{{ width | escape_html }}"{% endif %}
{%- set height = output | get_metadata('height', 'image/png') -%}
{%- if height is not none %} height="{{ height | escape_html }}"{% endif %}>
</div>
{%- endblock data_png %}
{% block data_html scoped -%}
<div class="jp-RenderedHTMLCommon jp-RenderedHTML jp-OutputArea-output {{ extra_class }}"
 data-mime-type="text/html">
{{ output.data['text/html'] | valse_clean }}
</div>
{%- endblock data_html %}
{% block data_markdown scoped -%}
<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-OutputArea-output {{ extra_class }}"
 data-mime-type="text/markdown">
{{ output.data['text/markdown'] | markdown2html | valse_clean }}
</div>
{%- endblock data_markdown %}
{% block data_svg scoped -%}
<div class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml">
<img src="data:image/svg+xml;base64,{{ output.data['image/svg+xml'] | text_base64 | escape_html }}"
{%- set alt = output | get_metadata('alt', 'image/svg+xml') -%}
{%- if alt %} alt="{{ alt | escape_html }}"{% endif %}>
</div>
{%- endblock data_svg %}
{% block data_other scoped -%}
{%- if 'application/vnd.valse.explorer+json' in output.data -%}
<div class="jp-RenderedHTMLCommon jp-RenderedHTML jp-OutputArea-output {{ extra_class }}">
{{ output.data['application/vnd.valse.explorer+json'] | valse_explorer }}
</div>
{%- endif -%}
{%- endblock data_other %}
{% block input %}
<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor" data-type="inline">
     <div class="cm-editor cm-s-jupyter">
{{ cell.source | highlight_code(metadata=cell.metadata) | valse_clean }}
     </div>
</div>
{%- endblock input %}
{%- block data_javascript scoped -%}{%- endblock data_javascript -%}
{%- block data_widget_view scoped -%}{%- endblock data_widget_view -%}
{% block rawcell scoped %}
{%- if cell.metadata.get('raw_mimetype', '').lower() in resources.get('raw_mimetypes', ['']) -%}
{{ cell.source | valse_clean }}
{%- endif -%}
{%- endblock rawcell %}
{%- block extra_css -%}
<style type="text/css">
@media print { .jp-Cell { break-inside: avoid; } }
</style>
{%- endblock extra_css -%}
"""

_EXPORTERS: dict[bool, HTMLExporter] = {}
#: An ``<img>`` tag, and one that has an ``alt`` attribute.
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HAS_ALT = re.compile(r"\salt\s*=", re.IGNORECASE)
#: A ``<div>`` whose classes include a cell's input wrapper or an output area.
_FOCUSABLE = re.compile(
    r'<div class="(?=(?:[^"]*\s)?(?:jp-Cell-inputWrapper|jp-OutputArea-output)[\s"])([^"]*)"')
#: nbconvert's text for an image with no alternative text.
NO_ALT = "No description has been provided for this image"


def accessible(html: str) -> str:
    """What nbconvert's HTMLExporter adds to a page once rendered, without its parse.

    nbconvert parses the whole page with BeautifulSoup to give an ``<img>`` without ``alt``
    its placeholder text and make the cells' input wrappers and output areas focusable
    (``tabindex="0"``), then writes the page back out: about 0.4 s a page here. The template
    writes those tags itself (one form for each), so the same is done on them directly.
    """
    html = _IMG.sub(lambda m: m.group(0) if _HAS_ALT.search(m.group(0))
                    else m.group(0)[:-1].rstrip("/ ") + f' alt="{NO_ALT}">', html)
    return _FOCUSABLE.sub(r'<div class="\1" tabindex="0"', html)


class OfflineExporter(HTMLExporter):
    """nbconvert's HTMLExporter with :func:`accessible` in place of its BeautifulSoup pass.

    The steps of ``HTMLExporter.from_notebook_node`` (nbconvert 7.17, pinned) before the
    parse: the code highlighter for the notebook's language and the widget filter.
    """

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight = self.filters.get("highlight_code",
                                     Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        widgets = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                        resources=resources)
        self.register_filter("highlight_code", highlight)
        self.register_filter("filter_data_type", widgets)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return accessible(html), resources

    @jinja2.pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        """nbconvert's markdown filter, rendered once per text, attachments and folder while
        :func:`export_pages` writes a notebook's two pages (both exporters render Markdown
        alike: the same settings; what differs, code and prompts, is not Markdown)."""
        cache = _MARKDOWN_HTML.get("pages")
        if cache is None:  # a page on its own (notebook_to_html)
            return super().markdown2html(context, source)
        cell = context.get("cell", {})
        key = (source, json.dumps(cell.get("attachments", {}), sort_keys=True),
               context.get("resources", {}).get("metadata", {}).get("path", ""))
        if key not in cache:
            cache[key] = super().markdown2html(context, source)
        return cache[key]


class UnsafePageError(RuntimeError):
    """An exported page would fetch something from the network."""


#: Explorers' HTML by the id of their (shared) spec, while :func:`export_pages` writes the two
#: pages of one notebook: the reader page and the full page show the same explorer.
_EXPLORER_HTML: dict[int, str] = {}
#: Markdown rendered as HTML (:meth:`OfflineExporter.markdown2html`) by its text, attachments
#: and folder, under ``"pages"`` while :func:`export_pages` writes one notebook's pages.
_MARKDOWN_HTML: dict[str, dict[tuple[str, str, str], str]] = {}


def explorer_html(spec: dict[str, Any]) -> str:
    """A published explorer's output (:data:`valse.report.static_explorer.MIMETYPE`) as the
    page's HTML, with an id derived from its content (same spec, same bytes)."""
    if isinstance(spec, _Shared) and id(spec) in _EXPLORER_HTML:
        return _EXPLORER_HTML[id(spec)]
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]
    page = static_explorer.explorer_html(spec, uid=f"valse-explorer-{digest}")
    if isinstance(spec, _Shared):
        _EXPLORER_HTML[id(spec)] = page
    return page


class _Shared(NotebookNode):
    """An output's JSON value that nbconvert's copies of the notebook share.

    An export deep-copies the notebook three times (before its preprocessors, for them, and
    to normalise it), in case a preprocessor changes it; none of ours, nor the template,
    changes an output's data, and a static explorer's data alone are 60,000 nodes: copied
    three times a page, they were half of 03's export.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> _Shared:
        return self


def shared_outputs(nb: Any) -> Any:
    """A copy of ``nb`` (new notebook, cells, outputs and their data mappings) whose outputs'
    JSON values (mappings) are :class:`_Shared` with the original's: cheap to deep-copy."""
    copied = NotebookNode(nb)
    cells = []
    for cell in nb.cells:
        cell = NotebookNode(cell)
        if "outputs" in cell:
            outputs = []
            for output in cell.outputs:
                output = NotebookNode(output)
                if isinstance(output.get("data"), dict):
                    output["data"] = NotebookNode(
                        {mime: _Shared(value) if isinstance(value, dict) else value
                         for mime, value in output["data"].items()})
                outputs.append(output)
            cell["outputs"] = outputs
        cells.append(cell)
    copied["cells"] = cells
    return copied


def _exporter(reader: bool) -> HTMLExporter:
    exporter = _EXPORTERS.get(reader)
    if exporter is None:
        priority = HTMLExporter().default_config.NbConvertBase.display_data_priority
        exporter = OfflineExporter(
            config=Config({
                "NbConvertBase": {
                    "display_data_priority": [static_explorer.MIMETYPE, *priority]},
                # the notebook is validated once, after the preprocessors, not after each
                # (twelve times a page: 0.1 s of a page's 0.3 here)
                "Exporter": {"optimistic_validation": True}}),
            extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
            template_name="lab",
            template_file=_TEMPLATE_NAME,
            embed_images=True,
            exclude_input=reader,
            exclude_input_prompt=reader,
            exclude_output_prompt=reader,
        )
        exporter.register_filter("valse_clean", clean_html)
        exporter.register_filter("valse_explorer", explorer_html)
        _EXPORTERS[reader] = exporter
    return exporter


def reader_notebook(nb: Any) -> Any:
    """Return a copy of ``nb`` for readers: no injected-parameters cell, no metric records."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", []) or []
        if "injected-parameters" in tags:
            continue
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if MIMETYPE not in (o.get("data") or {})]
        cells.append(cell)
    nb.cells = cells
    return nb


def external_resources(html: str) -> list[str]:
    """Return what in ``html`` would fetch a resource or run script
    (:func:`valse.report.sanitize.unsafe_constructs`)."""
    return unsafe_constructs(html)


def notebook_to_html(nb: Any, *, reader: bool, title: str | None = None) -> str:
    """Render a notebook node as one self-contained HTML page."""
    if reader:
        nb = reader_notebook(nb)
    resources = {"metadata": {"name": title or "notebook"}}
    body, _ = _exporter(reader).from_notebook_node(nb, resources=resources)
    body = add_csp(body)
    bad = external_resources(body)
    if bad:
        raise UnsafePageError(f"page would fetch from the network: {bad[:3]}")
    return body


def export_pages(nb: Any, reader_path: Path, full_path: Path, title: str) -> None:
    """Write the reader page and the full page of an executed notebook (its outputs' data
    shared by the exporters' copies and an explorer rendered once: :func:`shared_outputs`)."""
    reader_path.parent.mkdir(parents=True, exist_ok=True)
    shared = shared_outputs(nb)
    _MARKDOWN_HTML["pages"] = {}
    try:
        reader_path.write_text(notebook_to_html(shared, reader=True, title=title),
                               encoding="utf-8")
        full_path.write_text(notebook_to_html(shared, reader=False, title=title),
                             encoding="utf-8")
    finally:
        _EXPLORER_HTML.clear()
        _MARKDOWN_HTML.clear()


def saved_pages(text: str, reader_path: Path, full_path: Path, title: str) -> None:
    """Write the two pages (:func:`export_pages`) of the executed notebook saved as ``text``
    (nbformat's JSON, keys sorted): the pages are the same whether written as the notebook
    is saved (:func:`valse.run.execute.execute_job`) or later (:func:`export_job`)."""
    import nbformat

    export_pages(nbformat.reads(text, as_version=4), reader_path, full_path, title)


def export_job(spec: dict[str, Any]) -> dict[str, Any]:
    """Write the pages of a notebook that :func:`valse.run.execute.execute_job` executed
    with ``defer_pages``, from the notebook it saved in ``spec["build"]`` (runs in a worker
    process). Never raises: ``error`` is None or what went wrong; ``duration_s`` is the
    export's time [s]."""
    import time

    from valse.run.manifest import notebook_files

    start = time.monotonic()
    name, scenario = spec["notebook"], spec["scenario"]
    files = {k: Path(spec["build"]) / v for k, v in notebook_files(name).items()}
    error = None
    try:
        saved_pages(files["notebook"].read_text(encoding="utf-8"), files["reader"],
                    files["full"], f"{name} ({scenario})")
    except Exception as exc:  # noqa: BLE001
        error = {"ename": type(exc).__name__, "evalue": f"HTML export: {exc}"}
    return {"error": error, "duration_s": time.monotonic() - start}
