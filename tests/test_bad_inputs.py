"""Invalid input is refused before any kernel starts (issue 12, section 2; issue 17).

One table: each row is a distinct bad input (a data file, a scenario file, the command line or
the output folder), the exit code it must give and fragments of the message that name the file,
the line and the column or parameter, what was expected and what was found (fragments, not
exact wording: the loaders' wording belongs to them). For every row the run is made on a copy
of the project's data with the project's notebooks, on an output folder that already holds a
published index, and nothing under it may change. The runs are in-process (``valse.__main__``):
a row that started a kernel would fail the snapshot.
"""

from __future__ import annotations

import csv
import errno
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from test_pipeline import snapshot

from valse.__main__ import main
from valse.run import site

ROOT = Path(__file__).resolve().parents[1]


def rows_of(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def cell(name: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell (data row ``row``, 0-based; line ``row + 2`` of the file)."""
    def change(data: Path) -> None:
        fields, rows = rows_of(data / name)
        rows[row][column] = value
        write_rows(data / name, fields, rows)
    return change


def duplicate_row(name: str, row: int) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        fields, rows = rows_of(data / name)
        rows.insert(row + 1, dict(rows[row]))
        write_rows(data / name, fields, rows)
    return change


def drop_column(name: str, column: str) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        fields, rows = rows_of(data / name)
        fields.remove(column)
        for r in rows:
            r.pop(column)
        write_rows(data / name, fields, rows)
    return change


def raw(name: str, text: bytes | None = None, append: bytes | None = None):
    def change(data: Path) -> None:
        path = data / name
        if text is not None:
            path.write_bytes(text)
        if append is not None:
            path.write_bytes(path.read_bytes() + append)
    return change


def scenario(text: str) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        (data / "scenarios" / "base.yaml").write_text(text, encoding="utf-8")
    return change


def remove(name: str) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        (data / name).unlink()
    return change


def nothing(data: Path) -> None:
    pass


FACTS, CHECKS, FLOWS, CLAIMS = "facts.csv", "checks.csv", "flows.csv", "claims.csv"
COMPS, SHARES = "comparables.csv", "cloud_shares.csv"
BOMB = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
       "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"

# (id, change to the data copy, extra command-line arguments, exit code, message fragments)
CASES: list[tuple[str, Callable[[Path], None], list[str], int, list[str]]] = [
    # facts.csv
    ("facts-duplicate-id", duplicate_row(FACTS, 0), [], 2,
     ["facts.csv:3", "'id'", "unique", "already on line 2"]),
    ("facts-missing-column", drop_column(FACTS, "status"), [], 2,
     ["facts.csv:1", "header", "missing status"]),
    ("facts-non-numeric-value", cell(FACTS, 0, "value", "about 50"), [], 2,
     ["facts.csv:2", "'value'", "'about 50'"]),
    ("facts-percent-value", cell(FACTS, 0, "value", "50%"), [], 2,
     ["facts.csv:2", "'value'", "'50%'"]),
    ("facts-bad-date", cell(FACTS, 0, "as_of", "29/01/2026"), [], 2,
     ["facts.csv:2", "'as_of'", "29/01/2026"]),
    ("facts-unknown-status", cell(FACTS, 0, "status", "rumoured"), [], 2,
     ["facts.csv:2", "'status'", "rumoured"]),
    ("facts-unknown-unit", cell(FACTS, 0, "unit", "USD billions"), [], 2,
     ["facts.csv:2", "'unit'", "USD billions"]),
    ("facts-low-above-value", cell(FACTS, 0, "low", "60"), [], 2, ["facts.csv:2", "low"]),
    ("facts-bad-url", cell(FACTS, 0, "url", "www.example.org/page"), [], 2,
     ["facts.csv:2", "'url'", "www.example.org/page"]),
    ("facts-empty-file", raw(FACTS, b""), [], 2, ["facts.csv:1", "header", "found nothing"]),
    ("facts-not-utf8", raw(FACTS, append=b"bad_row,deal_rumour,\xff\xfe,,,USD bn\n"), [], 2,
     ["facts.csv:", "expected UTF-8", "\\xff"]),
    ("facts-ragged-row", raw(FACTS, append=b"short_row,deal_rumour,1\n"), [], 2,
     ["facts.csv:", "row", "expected 13 cells, found 3"]),
    ("facts-missing-file", remove(FACTS), [], 2, ["facts.csv", "not found", "00_overview"]),
    # checks.csv
    ("checks-unknown-fact", cell(CHECKS, 0, "left", "no_such_fact_usd_bn + 1"), [], 2,
     ["checks.csv:2", "no_such_fact_usd_bn"]),
    ("checks-bad-tolerance", cell(CHECKS, 0, "rel_tol", "five percent"), [], 2,
     ["checks.csv:2", "'rel_tol'", "five percent"]),
    # flows.csv
    ("flows-unknown-company", cell(FLOWS, 0, "from", "Amazonn"), [], 2,
     ["flows.csv:2", "'from'", "Amazonn"]),
    ("flows-negative-amount", cell(FLOWS, 0, "amount_usd_bn", "-10"), [], 2,
     ["flows.csv:2", "'amount_usd_bn'", "-10"]),
    ("flows-bad-date", cell(FLOWS, 0, "announced", "mid-December"), [], 2,
     ["flows.csv:2", "'announced'", "mid-December"]),
    ("flows-unknown-status", cell(FLOWS, 0, "status", "likely"), [], 2,
     ["flows.csv:2", "'status'", "likely"]),
    # claims.csv
    ("claims-unknown-status", cell(CLAIMS, 0, "status", "true"), [], 2,
     ["claims.csv:2", "'status'", "'true'"]),
    ("claims-unknown-bearing", cell(CLAIMS, 0, "bearing", "amazon_investmnt_usd_bn"), [], 2,
     ["claims.csv:2", "'bearing'", "amazon_investmnt_usd_bn"]),
    # comparables.csv
    ("comparables-duplicate-company", duplicate_row(COMPS, 0), [], 2,
     ["comparables.csv:3", "'company'", "NVIDIA"]),
    ("comparables-negative-revenue", cell(COMPS, 0, "revenue_usd_bn", "-153"), [], 2,
     ["comparables.csv:2", "'revenue_usd_bn'", "-153"]),
    ("comparables-assumption-status", cell(COMPS, 0, "status", "assumption"), [], 2,
     ["comparables.csv:2", "'status'", "assumption"]),
    # cloud_shares.csv
    ("shares-above-100", cell(SHARES, 0, "share_pct", "134"), [], 2,
     ["cloud_shares.csv:2", "'share_pct'", "134"]),
    ("shares-bad-quarter", cell(SHARES, 0, "quarter", "Q3 2022"), [], 2,
     ["cloud_shares.csv:2", "'quarter'", "Q3 2022"]),
    # the scenario file
    ("scenario-unknown-parameter", scenario("amazon_investment_usd_b: 50\n"), [], 2,
     ["base.yaml", "'amazon_investment_usd_b'", "did you mean 'amazon_investment_usd_bn'"]),
    ("scenario-wrong-type", scenario("roles_cut: 2.5\n"), [], 2,
     ["base.yaml", "'roles_cut'", "an integer", "found 2.5"]),
    ("scenario-alias-bomb", scenario(BOMB), [], 2,
     ["base.yaml", "anchors and aliases are not allowed", "line 1"]),
    ("scenario-duplicate-key", scenario("seed: 1\nseed: 2\n"), [], 2,
     ["base.yaml", "line 2: key 'seed' given twice (first on line 1)"]),
    ("scenario-overflow", scenario("amazon_investment_usd_bn: 1.0e+308\n"), [], 2,
     ["base.yaml", "'amazon_investment_usd_bn'", "magnitude at most", "1e+308"]),
    ("scenario-negative-draws", scenario("draws: -100\n"), [], 2,
     ["base.yaml", "'draws'", "a value >= 1", "found -100"]),
    ("scenario-low-above-central", scenario("aws_ai_operating_margin_low: 0.35\n"), [], 2,
     ["base.yaml", "'aws_ai_operating_margin_low'", "at most aws_ai_operating_margin",
      "found 0.35"]),
    ("scenario-run-date-not-a-date", scenario("run_date: next monday\n"), [], 2,
     ["base.yaml", "'run_date'", "a date YYYY-MM-DD", "'next monday'"]),
    ("scenario-investment-above-round",
     scenario("amazon_investment_usd_bn: 130.0\namazon_upfront_usd_bn: 15.0\n"), [], 2,
     ["base.yaml", "'amazon_investment_usd_bn'", "at most round_size_usd_bn", "found 130.0"]),
    ("scenario-upfront-above-investment",
     scenario("amazon_investment_usd_bn: 10.0\namazon_upfront_usd_bn: 15.0\n"), [], 2,
     ["base.yaml", "'amazon_upfront_usd_bn'", "at most amazon_investment_usd_bn"]),
    ("scenario-reserved-parameter", scenario("outputs_dir: /tmp\n"), [], 2,
     ["base.yaml", "'outputs_dir'", "set by the pipeline"]),
    ("scenario-not-a-mapping", scenario("- 1\n- 2\n"), [], 2, ["base.yaml", "a mapping"]),
    ("scenario-yaml-syntax", scenario("seed: 1\nroles_cut: [1, 2\n"), [], 2,
     ["base.yaml", "YAML syntax error at line"]),
    # the command line and the output folder
    ("scenario-missing-file", nothing, ["--scenario", "{data}/scenarios/absent.yaml"], 2,
     ["absent.yaml", "not found"]),
    ("scenario-named-like-the-index", nothing, ["--scenario", "{data}/scenarios/index.html.yaml"],
     2, ["index.html.yaml", "taken by the published site's own files"]),
    ("only-unknown-notebook", nothing, ["--only", "00_overveiw"], 2,
     ["'00_overveiw'", "did you mean '00_overview'"]),
    ("data-folder-missing", nothing, ["--data", "{data}/absent"], 2,
     ["--data", "absent", "not found"]),
    ("timeout-infinite", nothing, ["--timeout", "inf"], 2, ["--timeout", "at most 86400"]),
    ("timeout-1e300", nothing, ["--timeout", "1e300"], 2, ["--timeout", "at most 86400"]),
    ("timeout-negative", nothing, ["--timeout", "-1"], 2, ["--timeout", "positive"]),
    ("jobs-zero", nothing, ["--jobs", "0"], 2, ["--jobs", "at least 1"]),
    ("out-is-a-file", nothing, ["--out", "{tmp}/a-file"], 2, ["a-file", "not a folder"]),
    ("out-cannot-be-created", nothing, ["--out", "/proc/valse-out"], 2,
     ["/proc/valse-out", "cannot"]),
    ("out-under-a-file", nothing, ["--out", "{tmp}/a-file/out"], 2,
     ["a-file/out", "cannot be created"]),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pristine")
    shutil.copytree(ROOT / "data", folder / "data")
    (folder / "data" / "scenarios" / "index.html.yaml").write_text("seed: 1\n")
    return folder / "data"


def test_the_table_has_at_least_thirty_distinct_inputs():
    assert len({case[0] for case in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize(("change", "argv", "code", "fragments"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_refused_before_any_kernel(change, argv, code, fragments, pristine,
                                                tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(pristine, data)
    change(data)
    out = tmp_path / "out"
    site.write_index(out)  # a published index: it must not change
    (tmp_path / "a-file").write_text("not a folder")
    before = snapshot(out)
    args = [a.format(data=data, tmp=tmp_path) for a in argv]
    if "--scenario" not in args:
        args = ["--scenario", str(data / "scenarios" / "base.yaml"), *args]
    command = ["run", "--notebooks", str(ROOT / "notebooks"), "--data", str(data),
               "--out", str(out), "--jobs", "1", *args]
    try:
        result = main(command)
    except SystemExit as exc:  # argparse
        result = exc.code
    err = capsys.readouterr().err
    assert result == code, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert snapshot(out) == before
    assert len(err) < 20_000


def test_every_problem_of_a_file_is_reported_at_once(pristine, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(pristine, data)
    for change in (cell(FACTS, 0, "status", "rumoured"), cell(FACTS, 1, "value", "lots"),
                   cell(FLOWS, 2, "amount_usd_bn", "-1"), cell(CLAIMS, 0, "status", "true")):
        change(data)
    out = tmp_path / "out"
    code = main(["run", "--data", str(data), "--out", str(out), "--scenario",
                 str(data / "scenarios" / "base.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    for fragment in ("facts.csv:2", "facts.csv:3", "flows.csv:4", "claims.csv:2"):
        assert fragment in err, (fragment, err)
    assert not out.exists()


def test_a_disk_that_fills_mid_run_leaves_the_previous_results(project, monkeypatch):
    """The run writes its metrics and manifest, publishes and writes the index: a write that
    fails (no space left) is exit 2 with a message, and the published run is untouched."""
    from valse.run import main, plan

    assert project.run().returncode == 0
    published = (project.out / "base").resolve()
    before = snapshot(published)
    index = (project.out / "index.html").read_bytes()
    real = Path.write_text

    def full_disk(self: Path, *args, **kwargs):
        if self.name == "manifest.json":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk)
    stream = io.StringIO()
    opts = plan.Options(scenarios=[project.base], only=[], jobs=1, force=True,
                        out=project.out, notebooks=project.notebooks, data=project.data,
                        timeout=120.0)
    code = main.run(opts, stream)
    monkeypatch.undo()
    assert code == 2, stream.getvalue()
    assert "No space left on device" in stream.getvalue()
    assert "left as they were" in stream.getvalue()
    assert (project.out / "base").resolve() == published
    assert snapshot(published) == before
    assert (project.out / "index.html").read_bytes() == index
    # the failed build is gone; the next run publishes
    assert [p for p in (project.out / ".runs").iterdir()] == [published]
    assert project.run("--force").returncode == 0
