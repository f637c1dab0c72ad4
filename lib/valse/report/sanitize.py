"""Strings from data made safe for the context they land in, and the pages' security policy.

Three layers, so that one slip is not enough for data to run script or fetch from the network:

1. :func:`md_escape`: a string from data (a scenario's description, a fact's source or title, a
   company's name, a claim) put into Markdown that the notebooks display shows as the same
   text, never as markup: HTML-significant characters become entities and Markdown
   punctuation is backslash-escaped (CommonMark's escapes).
2. :func:`clean_html`: HTML that notebook outputs carry to the published pages goes through
   ``nh3`` (the Python binding of the maintained Rust sanitiser ``ammonia``) in the exporter:
   no script, no event handler, no frame, object or form, and nothing that loads from an
   address (``src``, ``srcset``, ``poster``, ``data`` and CSS ``url()``/``@import`` are kept
   only for ``data:`` images).
3. :func:`csp_meta`: every published page carries a Content-Security-Policy ``<meta>`` tag:
   ``default-src 'none'`` (nothing is fetched), images and fonts from ``data:`` and the page's
   own folder, inline styles, and script only by the hash of the project's own inline code.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

#: Characters that Markdown (CommonMark, with GitHub's tables and strikethrough) gives a
#: meaning to anywhere in a line, escaped with a backslash: emphasis, code, links and images
#: (``[`` and ``]``), table cells, strikethrough, and ``:`` (no address is made a link).
_MD_PUNCT = re.compile(r"([\\`*_\[\]|~:])")
#: Control characters (but tab and line breaks): not text, dropped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: What starts a block at the beginning of a line: a heading, a list item, a setext rule.
_MD_BLOCK_START = re.compile(r"^(#|[-+=]|\d+(?=[.)]))")

#: Tags kept from notebook outputs (text, tables, lists, figures as data: images).
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var", "wbr",
})
_COMMON_ATTRS = {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-hidden",
                 "style", "data-mime-type"}
ALLOWED_ATTRIBUTES = {
    "*": _COMMON_ATTRS,
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers", "align", "valign"},
    "th": {"colspan", "rowspan", "headers", "scope", "align", "valign"},
    "col": {"span", "width"}, "colgroup": {"span", "width"},
    "table": {"border", "cellpadding", "cellspacing", "summary"},
    "ol": {"start", "type", "reversed"}, "li": {"value"},
    "details": {"open"}, "style": {"type"},
}
#: Attributes that make a browser fetch their value.
_FETCHING = {"src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc", "action",
             "formaction", "xlink:href", "ping", "manifest", "codebase", "archive", "cite"}
_DATA_IMAGE = re.compile(r"^\s*data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$",
                         re.IGNORECASE)
_CSS_FETCH = re.compile(r"@import[^;]*;?|url\s*\((?!\s*['\"]?\s*data:image/)[^)]*\)|"
                        r"expression\s*\(|image-set\s*\(|-moz-binding|behavior\s*:",
                        re.IGNORECASE)


def md_escape(text: object) -> str:
    """Return ``text`` for Markdown prose: shown as the same characters, never as markup.

    ``&``, ``<`` and ``>`` become HTML entities (so no tag can open), the punctuation of
    emphasis, code, links, images, tables and strikethrough is backslash-escaped, line breaks
    become spaces and a leading block marker (``#``, ``-``, ``+``, ``=``, ``1.``) is escaped
    (no block can start); ``$`` becomes ``&#36;`` (no mathematics); control characters are
    dropped. ``None`` gives ``""``.

    Parameters
    ----------
    text : object
        A string from data (converted with :func:`str`).

    Returns
    -------
    str
        Markdown that renders as ``text`` (CommonMark, section 2.4 "Backslash escapes"
        and 2.5 "Entity references").
    """
    if text is None:
        return ""
    value = " ".join(_CONTROL.sub("", str(text)).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_PUNCT.sub(r"\\\1", value)
    # a dollar as an entity: neither JupyterLab nor nbconvert then sees mathematics in it
    value = value.replace("$", "&#36;")
    m = _MD_BLOCK_START.match(value)
    if m:  # "- x", "# x" or "1. x" would open a block: escape its marker
        at = m.end() if m.group(1)[0].isdigit() else 0
        value = value[:at] + "\\" + value[at:]
    return value


def clean_css(css: str) -> str:
    """Remove from CSS everything that would fetch (``@import``, ``url()`` other than a
    ``data:`` image, ``image-set()``) or run (``expression()``, bindings)."""
    return _CSS_FETCH.sub("/* removed */", css)


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr in _FETCHING:
        return value if tag == "img" and attr == "src" and _DATA_IMAGE.match(value) else None
    if attr == "href":
        v = value.strip().lower()
        if v.startswith(("javascript:", "vbscript:", "data:")):
            return None
    if attr == "style":
        return clean_css(value)
    return value


def clean_html(html: str) -> str:
    """Sanitise HTML from a notebook output with ``nh3`` (see the module notes).

    Keeps text, tables, lists, ``data:`` images and inline styles (CSS cleaned by
    :func:`clean_css`); drops scripts (with their content), event handlers, frames, objects,
    forms, ``javascript:`` links and every attribute that fetches from an address.
    """
    import nh3

    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        clean_content_tags={"script", "iframe", "object", "embed", "noscript", "template",
                            "textarea", "select", "svg", "math"},
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return re.sub(r"(<style[^>]*>)(.*?)(</style>)",
                  lambda m: m.group(1) + clean_css(m.group(2)) + m.group(3),
                  cleaned, flags=re.IGNORECASE | re.DOTALL)


def script_hash(code: str) -> str:
    """The CSP source ``'sha256-…'`` of an inline script's text."""
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """The pages' policy: nothing fetched, no script but the given inline code (by hash)."""
    hashes = sorted(set(script_hashes))
    script = " ".join(hashes) if hashes else "'none'"
    return ("default-src 'none'; img-src data: 'self'; font-src data: 'self'; "
            "style-src 'unsafe-inline'; media-src 'none'; object-src 'none'; frame-src 'none'; "
            f"connect-src 'none'; base-uri 'none'; form-action 'none'; script-src {script}")


def csp_meta(script_hashes: Iterable[str] = ()) -> str:
    """The ``<meta http-equiv="Content-Security-Policy">`` tag of a published page."""
    return ('<meta http-equiv="Content-Security-Policy" content="'
            f'{content_security_policy(script_hashes)}">')


def inline_scripts(html: str) -> list[str]:
    """The text of every inline ``<script>`` element of a page (for its hashes)."""
    return re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.IGNORECASE | re.DOTALL)


def add_csp(html: str) -> str:
    """Insert :func:`csp_meta` (with the hashes of the page's own inline scripts) right after
    the page's ``<head>`` tag, before anything that could load."""
    meta = csp_meta(script_hash(code) for code in inline_scripts(html))
    new, n = re.subn(r"(<head\b[^>]*>\s*(?:<meta charset=[^>]*>)?)",
                     lambda m: m.group(1) + "\n" + meta, html, count=1, flags=re.IGNORECASE)
    if n != 1:
        raise ValueError("page has no <head> to carry its Content-Security-Policy")
    return new


def unsafe_constructs(html: str) -> list[str]:
    """What in a page would run script or fetch from an address, one line each (empty when
    nothing would).

    Looked for: ``<script src>`` and any script not covered by the page's policy hash,
    event-handler attributes (``on…``), ``javascript:`` addresses, frames, objects, embeds,
    applets, ``<base>``, ``<link>`` to a stylesheet or preload, ``<meta http-equiv=refresh>``,
    every fetching attribute (:data:`_FETCHING`) but ``data:`` images, and CSS ``url()`` or
    ``@import`` other than ``data:`` images in ``<style>`` or ``style``.
    """
    from html.parser import HTMLParser

    found: list[str] = []
    allowed = set(re.findall(r"'sha256-[A-Za-z0-9+/=]+'", " ".join(
        re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html))))

    class Finder(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.in_script: list[str] | None = None
            self.in_style = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k.lower(): (v or "") for k, v in attrs}
            if tag in ("iframe", "frame", "object", "embed", "applet", "base", "portal"):
                found.append(f"<{tag}>")
            if tag == "link" and a.get("rel", "").lower() not in ("", "noopener noreferrer"):
                found.append(f"<link rel={a.get('rel')} href={a.get('href', '')}>")
            if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
                found.append("<meta http-equiv=refresh>")
            for k, v in a.items():
                if k.startswith("on"):
                    found.append(f"<{tag} {k}=…>")
                elif k in _FETCHING and not (k == "src" and _DATA_IMAGE.match(v)
                                             or k == "src" and v.startswith("data:image/svg")):
                    if v.strip():
                        found.append(f"<{tag} {k}={v[:80]}>")
                elif k in ("href", "xlink:href") and v.strip().lower().startswith(
                        ("javascript:", "vbscript:")):
                    found.append(f"<{tag} {k}={v[:80]}>")
                elif k == "style" and clean_css(v) != v:
                    found.append(f"<{tag} style={v[:80]}>")
            if tag == "script":
                if a.get("src"):
                    found.append(f"<script src={a['src'][:80]}>")
                self.in_script = []
            if tag == "style":
                self.in_style = True

        def handle_endtag(self, tag: str) -> None:
            if tag == "script" and self.in_script is not None:
                code = "".join(self.in_script)
                if code.strip() and script_hash(code) not in allowed:
                    found.append(f"<script> not allowed by the page's policy: {code[:80]!r}")
                self.in_script = None
            if tag == "style":
                self.in_style = False

        def handle_data(self, data: str) -> None:
            if self.in_script is not None:
                self.in_script.append(data)
            elif self.in_style and clean_css(data) != data:
                found.append(f"<style> that fetches: {_CSS_FETCH.search(data).group(0)[:80]}")

    Finder().feed(html)
    return found
