"""The parameter registry (valse.data.parameters): one description of each parameter, read by
scenario validation, the Deal, the notebooks' parameters cells and the sliders (issue #11, §2)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from valse.data import parameters as pr
from valse.data.nbparams import notebook_parameters
from valse.data.scenarios import load_yaml_mapping, validate_values
from valse.data.units import UNITS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
HEADER = "name,type,unit,valid_range,meaning,fact\n"


def declarations() -> dict[str, list[tuple[str, object]]]:
    """{parameter name: [(notebook, declaration), ...]} over the six notebooks."""
    found: dict[str, list[tuple[str, object]]] = {}
    for nb in NOTEBOOKS:
        for p in notebook_parameters(nb):
            found.setdefault(p.name, []).append((nb.name, p))
    return found


# ------------------------------------------------------------------ the registry itself


def test_every_declared_parameter_has_one_row_and_no_row_is_an_orphan():
    declared, registered = set(declarations()), set(pr.registry())
    assert declared - registered == set(), "declared by a notebook, missing from the registry"
    assert registered - declared == set(), "in the registry, declared by no notebook"
    rows = list(csv.DictReader(pr.REGISTRY_FILE.open(encoding="utf-8")))
    assert len(rows) == len(registered)  # each name once (the loader refuses a second)


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_parameters_cell_agrees_with_the_registry(nb_path):
    wrong = []
    for p in notebook_parameters(nb_path):
        entry = pr.registry()[p.name]
        if p.type != entry.type:
            wrong.append(f"{p.name}: type {p.type}, registry {entry.type}")
        if p.unit != entry.unit:
            wrong.append(f"{p.name}: unit [{p.unit}], registry [{entry.unit}]")
        if entry.valid is not None and p.default not in entry.valid:
            wrong.append(f"{p.name}: default {p.default!r} outside {entry.valid}")
    assert not wrong, f"{nb_path.name}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cells_fit_in_100_characters(nb_path):
    import json

    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    long = [line for line in "".join(cell["source"]).splitlines() if len(line) > 100]
    assert long == []


def test_every_scenario_value_is_inside_its_valid_range():
    for path in sorted((ROOT / "data" / "scenarios").glob("*.yaml")):
        for name, value in load_yaml_mapping(path).items():
            entry = pr.registry().get(name)
            if entry is not None and entry.valid is not None:
                assert value in entry.valid, f"{path.name}: {name} = {value} outside {entry.valid}"


def test_fact_ids_name_facts_with_the_end_they_say():
    facts = {row["id"]: row for row in csv.DictReader((ROOT / "data" / "facts.csv").open())}
    for entry in pr.registry().values():
        if not entry.fact:
            continue
        fact_id, _, end = entry.fact.partition(".")
        assert fact_id in facts, f"{entry.name}: fact {fact_id} not in facts.csv"
        if end:
            assert facts[fact_id][end] != "", f"{entry.name}: fact {fact_id} has no {end}"


def fact_value(entry):
    """The value of the fact a registry row names (its low or high end when it says so), in
    the parameter's unit: a fact in percent read by a parameter in 0-1 is divided by 100."""
    from valse.data.facts import load_facts

    fact_id, _, end = entry.fact.partition(".")
    fact = load_facts()[fact_id]
    if fact.unit == "text":
        return fact.value
    value = getattr(fact, end) if end else fact.number
    return value / 100 if fact.unit == "pct" and entry.unit == "0-1" else value


def test_notebook_defaults_equal_the_facts_the_registry_names():
    checked, wrong = 0, []
    for name, found in declarations().items():
        entry = pr.registry()[name]
        if not entry.fact:
            continue
        expected = fact_value(entry)
        for nb, p in found:
            checked += 1
            if p.default != (expected if isinstance(expected, str)
                             else pytest.approx(expected, rel=1e-12)):
                wrong.append(f"{nb}: {name} = {p.default!r}, fact {entry.fact} = {expected!r}")
    assert not wrong, "\n".join(wrong)
    assert checked > 150


def test_the_unit_vocabulary_is_shared_with_the_metrics_and_the_prose():
    from valse.report import narrative, record

    metric_units = {m["unit"] for m in record.registry().values()}
    assert metric_units - set(UNITS) == set()
    assert {p.unit for p in pr.registry().values()} - set(UNITS) == set()
    filters = narrative.environment().filters
    assert {f for f in UNITS.values() if f} - set(filters) == set()


# ------------------------------------------------------------------ intervals and messages


@pytest.mark.parametrize(("text", "inside", "outside", "expected"), [
    ("[0, 1]", [0, 0.5, 1], [-0.01, 1.01, math.nan], "a value between 0 and 1"),
    ("(0, inf)", [1e-9, 1e9], [0, -1], "a value > 0"),
    ("[1, inf)", [1, 2], [0.999, 0], "a value >= 1"),
    ("[0, 100]", [0, 100], [100.5], "a value between 0 and 100"),
    ("(0, 1]", [1], [0], "a value > 0 and <= 1"),
    ("[0, 18446744073709551615]", [2**64 - 1], [-1],
     "a value between 0 and 18446744073709551615"),
])
def test_intervals(text, inside, outside, expected):
    interval = pr.parse_interval(text)
    assert str(interval) == text
    assert all(v in interval for v in inside)
    assert not any(v in interval for v in outside)
    assert interval.expected() == expected
    assert (True in interval) is False  # a boolean is not a number


@pytest.mark.parametrize("text", ["0, 1", "[1, 0]", "[0, inf]", "(0, 0)", "[a, 1]", ""])
def test_bad_intervals_are_refused(text):
    with pytest.raises(ValueError, match="an interval"):
        pr.parse_interval(text)


def test_range_message_names_subject_expected_and_found():
    valid = pr.parse_interval("[0, inf)")
    assert pr.range_message("s.yaml: parameter 'x'", -2.5, valid, "USD bn") == (
        "s.yaml: parameter 'x': expected a value >= 0 USD bn, found -2.5")
    assert pr.range_message("x", 3, valid, "USD bn") is None
    assert pr.range_message("x", "3", valid) is None  # the type check's business
    assert pr.range_message("x", -1, pr.parse_interval("[0, 1]"), "0-1") == (
        "x: expected a value between 0 and 1, found -1")


def test_one_message_for_scenarios_and_the_deal():
    from valse.model.deal import create_deal

    base = load_yaml_mapping(ROOT / "data" / "scenarios" / "base.yaml")
    valid = pr.registry()["discount_rate"].valid
    with pytest.raises(ValueError) as info:
        create_deal(base, discount_rate=9)
    assert str(info.value) == pr.range_message("Deal.discount_rate", 9, valid, "0-1")
    (scenario,) = validate_values({"discount_rate": 9}, {}, "s.yaml")
    assert scenario == pr.range_message("s.yaml: parameter 'discount_rate'", 9, valid, "0-1")
    assert str(info.value).split(": ", 1)[1] == scenario.split(": ", 2)[2]


@pytest.mark.parametrize(("name", "value"), [
    ("contract_years", 0), ("pre_money_valuation_usd_bn", 0.0), ("roles_cut", -1),
    ("contingent_tranche_probability", 1.2), ("discount_rate", float("nan")),
    ("discount_rate", np.float64(9.0))])
def test_the_deal_refuses_what_the_registry_refuses(name, value):
    from valse.model.deal import create_deal

    base = load_yaml_mapping(ROOT / "data" / "scenarios" / "base.yaml")
    with pytest.raises(ValueError, match=rf"^Deal\.{name}: expected a value"):
        create_deal(base, **{name: value})


@pytest.mark.parametrize("value", [True, "0.09", None])
def test_the_deal_refuses_what_is_not_a_number(value):
    from valse.model.deal import create_deal

    base = load_yaml_mapping(ROOT / "data" / "scenarios" / "base.yaml")
    with pytest.raises(TypeError, match=r"^Deal\.discount_rate: expected a number, found "):
        create_deal(base, discount_rate=value)
    ok = create_deal(base, discount_rate=np.float64(0.05))  # a numpy number in range passes
    assert ok.discount_rate == 0.05


# ------------------------------------------------------------------ the sliders


def slider_specs():
    from valse.report import explore, explore_cloud, explore_labor, explore_valuation

    for module, specs in ((explore, explore.SLIDERS), (explore_cloud, explore_cloud.CLOUD_SLIDERS),
                          (explore_labor, explore_labor.SLIDERS),
                          (explore_valuation, explore_valuation.SLIDERS)):
        for name, (lo, hi, _, _) in specs.items():
            yield f"{module.__name__.rsplit('.', 1)[1]}.{name}", name, lo, hi


@pytest.mark.parametrize(("where", "name", "lo", "hi"), list(slider_specs()),
                         ids=lambda v: v if isinstance(v, str) and "." in v else "")
def test_each_slider_explores_inside_the_valid_range(where, name, lo, hi):
    assert lo < hi
    assert pr.exploration_problem(name, lo, hi) is None


def test_a_slider_beyond_the_valid_range_is_caught():
    assert pr.exploration_problem("discount_rate", 0.0, 1.5) == (
        "discount_rate: the slider's high end: expected a value between 0 and 1, found 1.5")
    assert "not a registered parameter" in pr.exploration_problem("no_such_name", 0, 1)
    assert "no valid range" in pr.exploration_problem("tranche_pricing", 0, 1)


def test_make_sliders_refuses_a_range_the_models_refuse():
    from valse.report.explore import make_sliders

    with pytest.raises(ValueError, match="contract_years: the slider's low end: expected a "
                                         "value > 0 years, found 0"):
        make_sliders({"contract_years": (0.0, 10.0, 1.0, "Years")}, {"contract_years": 8.0})


# ------------------------------------------------------------------ bad registry rows


GOOD = 'discount_rate,float,0-1,"[0, 1]",annual rate for present values,assumption_discount_rate\n'


@pytest.mark.parametrize(("text", "line", "column", "expected", "found"), [
    (GOOD.replace("float", "real"), 2, "type", "one of float, int", "'real'"),
    (GOOD.replace("0-1,", "fraction,"), 2, "unit", "a unit of valse.data.units.UNITS",
     "'fraction'"),
    (GOOD.replace('"[0, 1]"', '"[1, 0]"'), 2, "valid_range", "low end is below", "'[1, 0]'"),
    (GOOD.replace('"[0, 1]"', "0-1"), 2, "valid_range", "an interval such as", "'0-1'"),
    (GOOD.replace('"[0, 1]"', ""), 2, "valid_range", "an interval for a number", "''"),
    (GOOD.replace("annual rate for present values", " "), 2, "meaning", "in words", "' '"),
    (GOOD.replace("assumption_discount_rate", "Bad Id"), 2, "fact", "a fact id", "'Bad Id'"),
    (GOOD.replace("discount_rate,", "Discount-rate,", 1), 2, "name", "snake_case",
     "'Discount-rate'"),
    (GOOD + GOOD, 3, "name", "each name once", "'discount_rate' again"),
    ('flag,bool,bool,"[0, 1]",a flag,\n', 2, "valid_range", "nothing for a parameter of type bool",
     "'[0, 1]'"),
])
def test_a_bad_row_names_file_line_column_expected_and_found(tmp_path, text, line, column,
                                                             expected, found):
    path = tmp_path / "parameters.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    with pytest.raises(pr.ParameterRegistryError) as info:
        pr.load_registry(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: column {column!r}: expected ")
    assert expected in message and f"found {found}" in message


def test_a_bad_header_or_a_short_row_is_refused(tmp_path):
    path = tmp_path / "parameters.csv"
    path.write_text("name,type,unit\n", encoding="utf-8")
    with pytest.raises(pr.ParameterRegistryError, match=r":1: expected the columns name, type"):
        pr.load_registry(path)
    path.write_text(HEADER + "discount_rate,float,0-1\n", encoding="utf-8")
    with pytest.raises(pr.ParameterRegistryError, match=r":2: expected 6 fields"):
        pr.load_registry(path)
    path.write_text(HEADER + GOOD, encoding="utf-8")
    assert str(pr.load_registry(path)["discount_rate"].valid) == "[0, 1]"


def test_ruff_finds_nothing_in_the_parameters_cells(tmp_path):
    """The parameters cells pass ``ruff check`` and ``ruff format --check`` (the rest of each
    notebook is cleaned by its owner; ``make lint`` checks whole notebooks)."""
    import json
    import subprocess
    import sys

    for nb_path in NOTEBOOKS:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        (cell,) = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
        (tmp_path / f"{nb_path.stem}.py").write_text("".join(cell["source"]) + "\n")
    config = ["--config", str(ROOT / "pyproject.toml")]
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        proc = subprocess.run([sys.executable, "-m", "ruff", *command, *config, str(tmp_path)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
