"""data/ is a valid Frictionless Data Package; a broken copy is refused; its links are current."""

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from frictionless import validate

from valse.data.checks import fact_references
from valse.data.facts import FactError
from valse.data.not_found import fact_base_as_of, load_not_found

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _errors(report) -> list[tuple[str, str, str]]:
    """(resource, error type, message) of every error in a validation report."""
    out = [("package", e.type, e.message) for e in report.errors]
    for task in report.tasks:
        out += [(task.name, e.type, e.message) for e in task.errors]
    return out


def test_the_data_package_is_valid():
    report = validate(str(DATA / "datapackage.json"))
    assert report.valid, _errors(report)[:10]


def test_every_csv_is_described_with_its_own_columns():
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["path"]: r for r in package["resources"]}
    assert set(resources) == {p.name for p in DATA.glob("*.csv")}
    for path, resource in resources.items():
        with (DATA / path).open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert [f["name"] for f in resource["schema"]["fields"]] == header, path
        assert resource["schema"]["primaryKey"], path
    assert package["licenses"] and package["sources"]


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    """A copy of data/ (CSV files and descriptor) to break."""
    for path in [*DATA.glob("*.csv"), DATA / "datapackage.json"]:
        shutil.copy2(path, tmp_path / path.name)
    return tmp_path


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_broken_copy_fails_with_the_rows_named(broken: Path):
    # an unknown status, a duplicate id, a reference to a fact that does not exist
    _replace_in(broken / "facts.csv", ",reported,", ",rumoured,")
    lines = (broken / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (broken / "claims.csv").write_text("".join([*lines, lines[1]]), encoding="utf-8")
    _replace_in(broken / "fact_references.csv", "amazon_openai_commitment_usd_bn\n",
                "amazon_openai_commitment_usd_bnx\n")
    errors = _errors(validate(str(broken / "datapackage.json")))
    kinds = {(resource, kind) for resource, kind, _ in errors}
    assert ("facts", "constraint-error") in kinds
    assert ("claims", "primary-key") in kinds
    assert ("fact_references", "foreign-key") in kinds
    assert any("rumoured" in message for _, _, message in errors)


def test_a_flow_between_unknown_companies_fails(broken: Path):
    _replace_in(broken / "flows.csv", ",Amazon,OpenAI,", ",Amazon,OpenAl,")
    errors = _errors(validate(str(broken / "datapackage.json")))
    assert [(r, k) for r, k, _ in errors] == [("flows", "foreign-key")], errors
    assert "OpenAl" in errors[0][2]


def test_a_missing_column_fails(broken: Path):
    _replace_in(broken / "not_found.csv", "id,subject,", "id,topic,")
    errors = _errors(validate(str(broken / "datapackage.json")))
    assert any(r == "not_found" and k == "incorrect-label" for r, k, _ in errors), errors


def test_fact_references_are_up_to_date():
    with (DATA / "fact_references.csv").open(newline="", encoding="utf-8") as handle:
        rows = [tuple(r) for r in csv.reader(handle)][1:]
    assert rows == fact_references(DATA), (
        "data/fact_references.csv is out of date: run "
        "`.venv/bin/python -c 'from valse.data.facts import write_fact_references as w; w()'`"
    )
    files = {f for f, _, _ in rows}
    assert "checks.csv" in files and "scenarios/base.yaml" in files


def test_the_fact_base_has_one_as_of_date(tmp_path: Path):
    as_of = fact_base_as_of()
    assert as_of == dt.date.fromisoformat(
        json.loads((DATA / "datapackage.json").read_text())["as_of"])
    # the date of the fact base is not older than its latest search
    assert all(dt.date.fromisoformat(r.searched_on) <= as_of for r in load_not_found())
    bad = tmp_path / "datapackage.json"
    bad.write_text(json.dumps({"as_of": "December 2026"}))
    with pytest.raises(FactError, match=r"datapackage.json: key 'as_of': expected a date"):
        fact_base_as_of(bad)
