"""Sentences whose words follow the numbers: templates in files, one formatter per unit.

A paragraph of a notebook whose wording depends on the figures or on the deal's case is a
jinja2 template under ``lib/valse/templates/<notebook>/<name>.md.j2``. It reads as text::

    **In plain words.** Amazon's real exposure is the equity: {{ cost | usd_bn }}
    {%- if case == "separate" %}, with the contract worth {{ npv | usd_bn(1) }}{% endif %}.

and a notebook shows it with one call, ``say("02_cloud_economics/plain_words", **figures)``.

The environment is strict, so that a template can never print a half-made sentence:

- an undefined name is an error (``StrictUndefined``), not an empty string;
- a bare number is an error: every number goes through a unit filter (``usd_bn``, ``pct``,
  ``share_pct``, ``years``, ``count``, ``num``), so "bn" and "billion" cannot mix and no
  ``0.30000000000000004`` reaches a reader;
- a non-finite number (NaN, infinity) or ``None`` given to a filter is an error: a template
  decides in words what to say when a figure is not defined;
- every other value (text from the data: a scenario's description, a fact's source, a company
  name) is escaped for Markdown and HTML, so that data never becomes markup.

Amounts are written ``USD 50 billion``, never with a dollar sign: JupyterLab's MathJax reads
text between two dollar signs as LaTeX, even escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from valse.report.sanitize import md_escape

TEMPLATES_DIR = Path(__file__).parent / "templates"
SUFFIX = ".md.j2"



class NarrativeError(ValueError):
    """A template could not be rendered: an undefined name, a bare or non-finite number."""


def escape_markdown(text: Any) -> Markup:
    """Text from data, made inert for Markdown and HTML (:func:`valse.report.sanitize.md_escape`).

    ``<img onerror=…>`` or ``[x](javascript:…)`` in a data field is shown as written, never
    interpreted. Already-safe text (:class:`markupsafe.Markup`, as the unit filters return)
    passes unchanged.
    """
    if isinstance(text, Markup):
        return text
    return Markup(md_escape(text))


def _finite(value: Any, filter_name: str) -> float:
    if value is None or isinstance(value, bool):
        raise NarrativeError(f"{filter_name}: expected a number, found {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise NarrativeError(f"{filter_name}: expected a number, found {value!r}") from None
    if not math.isfinite(number):
        raise NarrativeError(
            f"{filter_name}: expected a finite number, found {value!r}; "
            "the template must say in words that the figure is not defined"
        )
    return number


def _signed(number: float, text: str) -> str:
    # A typographic minus, and no "−0": a value that rounds to zero is written without sign.
    return ("−" if number < 0 and any(c in "123456789" for c in text) else "") + text


def usd_bn(value: Any, digits: int = 0) -> Markup:
    """An amount in USD billions for prose: ``USD 50 billion``, ``−USD 1.4 billion``."""
    number = _finite(value, "usd_bn")
    text = f"{abs(number):,.{digits}f}"
    return Markup(_signed(number, f"USD {text} billion"))


def pct(value: Any, digits: int = 1) -> Markup:
    """A value already in percent: ``5.9%``."""
    number = _finite(value, "pct")
    text = f"{abs(number):,.{digits}f}%"
    return Markup(_signed(number, text))


def share_pct(value: Any, digits: int = 0) -> Markup:
    """A share between 0 and 1 written in percent: ``0.3`` → ``30%``."""
    return pct(_finite(value, "share_pct") * 100.0, digits)


def years(value: Any, digits: int = 1) -> Markup:
    """A duration: ``7.4 years``, ``1 year``."""
    number = _finite(value, "years")
    text = f"{abs(number):,.{digits}f}"
    unit = "year" if text in {"1", "1." + "0" * digits} else "years"
    return Markup(_signed(number, f"{text} {unit}"))


def count(value: Any) -> Markup:
    """A whole count with thousands separators: ``30,000``."""
    number = _finite(value, "count")
    return Markup(_signed(number, f"{abs(round(number)):,d}"))


def num(value: Any, digits: int = 1) -> Markup:
    """A plain number with a unit written by the template: ``0.99`` (GW), ``1,421`` (HHI)."""
    number = _finite(value, "num")
    return Markup(_signed(number, f"{abs(number):,.{digits}f}"))


FILTERS = {
    "usd_bn": usd_bn,
    "pct": pct,
    "share_pct": share_pct,
    "years": years,
    "count": count,
    "num": num,
    "md": escape_markdown,
}


def _finalize(value: Any) -> Any:
    """Every printed value: formatted numbers pass, bare numbers are refused, text is escaped."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool) or value is None:
        raise NarrativeError(f"a template printed {value!r}: decide the wording with {{% if %}}")
    if isinstance(value, int | float):
        raise NarrativeError(
            f"a template printed the bare number {value!r}: use a unit filter "
            f"({', '.join(sorted(set(FILTERS) - {'md'}))})"
        )
    return escape_markdown(value)


@lru_cache(maxsize=4)
def environment(templates_dir: str = str(TEMPLATES_DIR)) -> jinja2.Environment:
    """The one jinja2 environment of the collection's prose (strict, escaping, unit filters)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # escaping is done by _finalize, for Markdown as well as HTML
        finalize=_finalize,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def template_names(templates_dir: str | Path = TEMPLATES_DIR) -> Iterator[str]:
    """Every template's name (``"02_cloud_economics/plain_words"``), sorted."""
    root = Path(templates_dir)
    for path in sorted(root.rglob(f"*{SUFFIX}")):
        yield path.relative_to(root).as_posix()[: -len(SUFFIX)]


def render(name: str, /, **context: Any) -> str:
    """Render template ``name`` (without its ``.md.j2`` suffix) with ``context``.

    Raises
    ------
    NarrativeError
        When the template names an undefined value, prints a bare or non-finite number, or
        does not exist.
    """
    try:
        template = environment().get_template(name + SUFFIX)
        text = template.render(**context)
    except jinja2.TemplateNotFound:
        raise NarrativeError(f"no template {name}{SUFFIX} under {TEMPLATES_DIR}") from None
    except jinja2.UndefinedError as error:
        raise NarrativeError(f"template {name}: {error}") from None
    # Several spaces left by optional clauses collapse to one; paragraphs stay apart.
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r" +([,.;:])", r"\1", text)
    return text.strip()


def say(name: str, /, **context: Any):
    """Render a template as a Markdown output of the notebook (a one-line call in a cell)."""
    from IPython.display import Markdown  # the report layer's only notebook dependency

    return Markdown(render(name, **context))


def check_rendered(text: str) -> list[str]:
    """Problems of a rendered paragraph: leftovers no reader should see.

    Returns a list of messages (empty when the text is clean): ``nan``, ``None``, ``inf``,
    template syntax, or a number with more than three decimals.
    """
    problems = []
    for word in ("nan", "None", "inf", "NaN", "undefined"):
        if re.search(rf"(?<![\w\\]){word}(?!\w)", text):
            problems.append(f"contains {word!r}")
    if re.search(r"\{\{|\}\}|\{%|%\}", text):
        problems.append("contains template syntax")
    if re.search(r"\d\.\d{4,}", text):
        problems.append("contains an unformatted number")
    return problems


def render_all(contexts: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Render several templates at once (name → context); used by tests over scenarios."""
    return {name: render(name, **ctx) for name, ctx in contexts.items()}
