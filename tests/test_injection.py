"""Nothing injected: data never becomes markup, script or a request in a published page
(issue 17).

- :func:`valse.report.sanitize.md_escape` renders back as the text it was given (a property test
  through nbconvert's own Markdown renderer).
- Pages exported from notebooks whose outputs carry random markup (in Markdown and HTML
  outputs, escaped by the library or not) hold no construct that runs script or loads from an
  address (a property test, parsed with BeautifulSoup: independent of the library's checker).
- The real pipeline on a copy of ``data/`` with markup and remote references in every data field
  that reaches a page (facts, flows, claims, comparables, cloud shares, scenario descriptions),
  opened in Chromium with the network blocked: nothing runs, nothing is requested, and the
  markup that the library escapes shows as text.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valse.report.sanitize import clean_html, md_escape
from valse.run import export, site

ROOT = Path(__file__).resolve().parents[1]
EVIL_HOST = "198.51.100.7"  # TEST-NET-2: never routed


# ------------------------------------------------------------------ an independent checker

FETCHING = {"src", "srcset", "poster", "data", "background", "lowsrc", "action", "formaction",
            "xlink:href", "ping", "codebase", "cite"}


def dangerous(html: str) -> list[str]:
    """Every construct of ``html`` that would run script or load from an address."""
    soup = BeautifulSoup(html, "html.parser")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    policy = csp["content"] if csp else ""
    found = []
    for el in soup.find_all(True):
        if el.name in ("script",):
            if el.get("src") or "'sha256-" not in policy:
                found.append(f"<script {el.attrs}>{el.get_text()[:40]}")
        if el.name in ("iframe", "frame", "object", "embed", "applet", "base", "form", "video",
                       "audio", "source", "svg", "math", "portal"):
            found.append(f"<{el.name}>")
        if el.name == "link" and el.get("href"):
            found.append(f"<link href={el['href']}>")
        if el.name == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta refresh>")
        for attr, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                found.append(f"<{el.name} {attr}>")
            if attr.lower() in FETCHING and value.strip() and not (
                    attr == "src" and value.startswith("data:image/")):
                found.append(f"<{el.name} {attr}={value[:60]}>")
            if attr.lower() in ("href", "xlink:href") and re.match(
                    r"\s*(javascript|vbscript|data):", value, re.IGNORECASE):
                found.append(f"<{el.name} {attr}={value[:60]}>")
            if attr.lower() == "style" and re.search(r"url\s*\(|@import|expression\s*\(",
                                                     value, re.IGNORECASE):
                found.append(f"<{el.name} style={value[:60]}>")
    for style in soup.find_all("style"):
        for m in re.finditer(r"url\s*\(\s*['\"]?\s*([^)'\"]*)|@import", style.get_text(),
                             re.IGNORECASE):
            if m.group(0).lower().startswith("@import") or not m.group(1).startswith(
                    "data:"):
                found.append(f"<style> {m.group(0)[:60]}")
    return found


def test_the_checker_catches_what_the_probe_found():
    page = (f'<html><head></head><body><img srcset="http://{EVIL_HOST}/a 1x">'
            f'<video poster="http://{EVIL_HOST}/p"></video><object data="http://{EVIL_HOST}/o">'
            f'</object><div style="background:url(http://{EVIL_HOST}/b)"></div>'
            '<img src=x onerror="alert(1)"></body></html>')
    found = " ".join(dangerous(page))
    for what in ("srcset", "<video>", "<object>", "style=", "onerror"):
        assert what in found, what


# ------------------------------------------------------------------ Markdown escaping

@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab <>&\"'`*_[]()#!|~-+=.1\\$/:;{}\n ")),
               max_size=60))
def test_md_escape_renders_as_the_same_text(text):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    html = markdown2html_mistune("Text: " + md_escape(text))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all(lambda el: el.name not in ("p",)) == [], html
    assert soup.get_text().strip() == ("Text: " + " ".join(text.split())).strip()


def test_md_escape_examples():
    assert md_escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert md_escape("**bold** [link](http://x)") == r"\*\*bold\*\* \[link\](http\://x)"
    assert md_escape("1. first") == r"1\. first"
    assert md_escape("- item\n# title") == r"\- item # title"
    assert md_escape(None) == ""


# ------------------------------------------------------------------ the exporter

MARKUP = st.sampled_from([
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    f'<img src="http://{EVIL_HOST}/i.png">',
    f'<img srcset="http://{EVIL_HOST}/s.png 1x">',
    f'<video poster="http://{EVIL_HOST}/p.png"></video>',
    f'<object data="http://{EVIL_HOST}/o"></object>',
    f'<embed src="http://{EVIL_HOST}/e">',
    f'<iframe src="http://{EVIL_HOST}/f"></iframe>',
    f'<div style="background:url(http://{EVIL_HOST}/b.png)">x</div>',
    f'<style>@import url(http://{EVIL_HOST}/c.css); p {{ background: url(//{EVIL_HOST}/d) }}'
    '</style>',
    f'<link rel="stylesheet" href="http://{EVIL_HOST}/l.css">',
    '<a href="javascript:window.__pwned=1">click</a>',
    f'<svg><image href="http://{EVIL_HOST}/v.png"/><script>window.__pwned=1</script></svg>',
    f'<meta http-equiv="refresh" content="0;url=http://{EVIL_HOST}/">',
    f"![remote](http://{EVIL_HOST}/m.png)",
    f'<base href="http://{EVIL_HOST}/">',
    f'<form action="http://{EVIL_HOST}/"><button formaction="http://{EVIL_HOST}/">b</button>'
    "</form>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "plain words & ampersands",
])
FIELD = st.lists(st.one_of(MARKUP, st.text(max_size=8)), min_size=1, max_size=4).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.lists(FIELD, min_size=1, max_size=4), escape=st.booleans())
def test_random_markup_in_data_never_survives_export(fields, escape):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# A page"))
    cell = nbformat.v4.new_code_cell("show(data)")
    for value in fields:
        text = md_escape(value) if escape else value
        cell.outputs.append(nbformat.v4.new_output(
            "display_data", data={"text/markdown": f"**Figure.** {text}", "text/plain": text}))
        cell.outputs.append(nbformat.v4.new_output(
            "display_data", data={"text/html": f"<table><tr><td>{value}</td></tr></table>",
                                  "text/plain": value}))
    cell.outputs.append(nbformat.v4.new_output(
        "display_data", data={"application/javascript": "window.__pwned=1",
                              "image/svg+xml": "<svg><script>window.__pwned=1</script></svg>"}))
    nb.cells.append(cell)
    for reader in (True, False):
        page = export.notebook_to_html(nb, reader=reader, title=fields[0][:20])
        assert dangerous(page) == [], (fields, escape)
        assert 'http-equiv="Content-Security-Policy"' in page
        assert "default-src 'none'" in page
    if escape:  # escaped by the library: the reader sees the characters as they were
        shown = [div.get_text().strip() for div in BeautifulSoup(page, "html.parser").find_all(
            "div", attrs={"data-mime-type": "text/markdown"}) if "Figure." in div.get_text()]
        control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # dropped
        assert shown == [f"Figure. {' '.join(control.sub('', v).split())}".strip()
                         for v in fields]


def test_clean_html_keeps_tables_styles_and_data_images():
    html = ('<style type="text/css">#T_a td { color: red; }</style><table id="T_a">'
            '<tr><th scope="col" colspan="2">h</th></tr><tr><td style="text-align: left">1</td>'
            '</tr></table><img src="data:image/png;base64,iVBORw0KGgo=" alt="a chart">'
            '<a href="https://example.org/x">a source</a>')
    cleaned = clean_html(html)
    soup = BeautifulSoup(cleaned, "html.parser")
    assert soup.find("style").get_text() == "#T_a td { color: red; }"
    assert soup.find("th")["colspan"] == "2" and soup.find("td")["style"] == "text-align: left"
    assert soup.find("img")["src"].startswith("data:image/png;base64,")
    assert soup.find("a")["href"] == "https://example.org/x"


def test_index_carries_the_policy_and_no_script(tmp_path):
    page = site.render_index([])
    assert dangerous(page) == []
    meta = BeautifulSoup(page, "html.parser").find(
        "meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert "default-src 'none'" in meta["content"] and "script-src 'none'" in meta["content"]


# ------------------------------------------------------------------ the real pages, in Chromium

NOTEBOOKS = ("00_overview", "01_valuation", "04_cross_investments", "05_summary")


def payload(field: str) -> str:
    """Markup and remote references that report, if anything of them runs or loads."""
    return (f'{field} <img src="http://{EVIL_HOST}/{field}.png" '
            f"onerror=\"window.__pwned=(window.__pwned||[]).concat(['{field}'])\">"
            f"<script>window.__pwned=['{field}-script']</script>"
            f" ![m](http://{EVIL_HOST}/{field}-md.png) <video poster=\"http://{EVIL_HOST}/"
            f'{field}-poster"></video> <object data="http://{EVIL_HOST}/{field}-obj"></object>'
            f' <span style="background:url(http://{EVIL_HOST}/{field}-css)">s</span>'
            f' <img srcset="http://{EVIL_HOST}/{field}-srcset 1x"> **{field}-bold**')


def _rewrite_csv(path: Path, change) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0])
    for i, row in enumerate(rows):
        change(i, row)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def hostile_data(folder: Path) -> Path:
    """A copy of ``data/`` with :func:`payload` in every data field that reaches a page."""
    data = folder / "data"
    shutil.copytree(ROOT / "data", data)

    # Text facts that are a parameter's value (an enumerated choice such as the tranche's
    # pricing reading) are inputs, not prose: markup there is refused as a bad value.
    from valse.report.deal_report import NPV_DEFAULT_FACTS

    choices = {ref.partition(".")[0] for ref in NPV_DEFAULT_FACTS.values()}

    def facts(i: int, row: dict) -> None:
        if row["unit"] == "text" and row["id"] not in choices:
            row["value"] = payload(f"fact-value-{i}")
        row["source"] = payload(f"fact-source-{i}") if row["source"] else row["source"]
        row["title"] = payload(f"fact-title-{i}")

    def flows(i: int, row: dict) -> None:
        for col in ("source", "title", "note"):
            row[col] = payload(f"flow-{col}-{i}")

    def claims(i: int, row: dict) -> None:
        for col in ("claim", "claimed_by", "status_source", "note"):
            row[col] = payload(f"claim-{col}-{i}")

    def comparables(i: int, row: dict) -> None:
        row["company"] = row["company"] + payload(f"company-{i}")
        for col in ("category", "source", "title", "note"):
            row[col] = payload(f"comparable-{col}-{i}")

    def shares(i: int, row: dict) -> None:
        for col in ("source", "title", "note"):
            row[col] = payload(f"share-{col}-{i}")

    for name, change in (("facts.csv", facts), ("flows.csv", flows), ("claims.csv", claims),
                         ("comparables.csv", comparables), ("cloud_shares.csv", shares)):
        _rewrite_csv(data / name, change)
    for path in sorted((data / "scenarios").glob("*.yaml")):
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
        values["description"] = payload(f"description-{path.stem}")
        path.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    return data


@pytest.mark.browser
def test_markup_in_every_data_field_never_runs_nor_loads_in_chromium(tmp_path):
    from test_site_browser import CHROMIUM, CHROMIUM_ARGS, open_page, run_in_own_group

    data = hostile_data(tmp_path)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "valse", "run", "--data", str(data), "--out", str(out),
           "--scenario", str(data / "scenarios" / "base.yaml"), "--jobs", "2",
           "--only", *NOTEBOOKS]
    returncode, log = run_in_own_group(cmd, 300)
    assert returncode == 0, log
    pages = sorted((out / "base" / "html").glob("*.html")) + [out / "index.html"]
    assert len(pages) == 2 * len(NOTEBOOKS) + 1
    for page in pages:
        assert dangerous(page.read_text(encoding="utf-8")) == [], page.name
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} not found"
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for page_path in pages:
                visit, page, context = open_page(browser, page_path)
                pwned = page.evaluate("() => window.__pwned || null")
                context.close()
                if pwned or visit.network or visit.errors:
                    problems.append(f"{page_path.name}: ran {pwned}, requested {visit.network},"
                                    f" console {visit.errors[:3]}")
        finally:
            browser.close()
    assert problems == []
    # escaped by the library, the markup shows as text: a scenario's description on the
    # summary page, a text fact in the overview, a company name on the valuation page
    summary = BeautifulSoup((out / "base" / "html" / "05_summary.html").read_text(),
                            "html.parser").get_text(" ")
    assert "description-base <img src=" in summary
    assert "**description-base-bold**" in summary
    index = BeautifulSoup((out / "index.html").read_text(), "html.parser").get_text(" ")
    assert "description-base <img src=" in index


def test_code_with_markup_shows_as_code_and_the_page_stays_accessible():
    source = '<script>window.__pwned=1</script><img src=x onerror="alert(1)">  # "quoted" & <b>'
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs.append(nbformat.v4.new_output(  # an image without alt text
        "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}))
    nb.cells.append(cell)
    page = export.notebook_to_html(nb, reader=False)
    assert dangerous(page) == []
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one(".cm-editor").get_text().strip() == source  # escaped, not markup
    assert [img["alt"] for img in soup.select(".jp-OutputArea-output img")] == [export.NO_ALT]
    wrappers = soup.select("div.jp-Cell-inputWrapper, div.jp-OutputArea-output")
    assert wrappers and all(div.get("tabindex") == "0" for div in wrappers)


@pytest.mark.parametrize(("html", "expected"), [
    ('<img src="a.png">', f'<img src="a.png" alt="{export.NO_ALT}">'),
    ('<img src="a.png"/>', f'<img src="a.png" alt="{export.NO_ALT}">'),
    ('<img src="a.png" alt="a chart">', '<img src="a.png" alt="a chart">'),
    ('<div class="jp-OutputArea-output x">', '<div class="jp-OutputArea-output x" tabindex="0">'),
    ('<div class="jp-Cell-inputWrapper">', '<div class="jp-Cell-inputWrapper" tabindex="0">'),
    ('<div class="jp-OutputArea-output-x">', '<div class="jp-OutputArea-output-x">'),
    ('<div class="jp-OutputArea">', '<div class="jp-OutputArea">'),
])
def test_accessible_adds_what_nbconvert_adds(html, expected):
    assert export.accessible(html) == expected
