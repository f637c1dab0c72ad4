"""Scenario validation (valse.data.scenarios) and parameter-cell parsing (valse.data.nbparams)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from valse.data.nbparams import Param, notebook_parameters, parse_parameters_source
from valse.data.scenarios import (
    CORE_BY_NAME,
    ScenarioError,
    load_scenario,
    load_yaml_mapping,
    validate_values,
)

FIXTURES = Path(__file__).parent / "fixtures"
DECLARED = {
    "alpha_share": Param("alpha_share", "float", 0.25, "0.25", "a fixture share", "0-1"),
    "beta_label": Param("beta_label", "str", "x", '"x"', "label", ""),
    "beta_fail": Param("beta_fail", "bool", False, "False", "fail", ""),
    "draws": Param("draws", "int", 10, "10", "Monte Carlo draws", "count"),
    "years": Param("years", "list", [], "[]", "years", ""),
}


def problems(values: dict) -> list[str]:
    return validate_values(values, DECLARED, "s.yaml")


# ------------------------------------------------------------------ nbparams


def test_parse_annotated_lines_with_meaning_and_unit():
    params = parse_parameters_source(
        "discount_rate: float = 0.09  # annual rate for present values [0-1]\n"
        "roles_cut: int = 30_000  # corporate roles cut [count]\n"
        "label = 'plain'  # a label without type\n"
        "flags: list = [1, 2]\n"
        "import math  # ignored\n"
    )
    assert [(p.name, p.type, p.default, p.comment, p.unit) for p in params] == [
        ("discount_rate", "float", 0.09, "annual rate for present values", "0-1"),
        ("roles_cut", "int", 30000, "corporate roles cut", "count"),
        ("label", "str", "plain", "a label without type", ""),
        ("flags", "list", [1, 2], "", ""),
    ]


def test_parse_non_literal_default_keeps_source():
    (p,) = parse_parameters_source("start: str = str(2026)  # year as text\n")
    assert (p.type, p.default, p.default_source) == ("str", None, "str(2026)")


def test_fixture_notebook_declarations():
    params = {p.name: p for p in notebook_parameters(FIXTURES / "notebooks" / "10_alpha.ipynb")}
    assert params["alpha_share"].unit == "0-1"
    assert params["seed"].type == "int" and params["seed"].default == 0
    assert params["interactive"].default is True
    assert notebook_parameters(FIXTURES / "notebooks" / "20_beta.ipynb")[0].name == "roles_cut"


def test_nbparams_does_not_import_papermill():
    code = ("import sys; from valse.data.nbparams import notebook_parameters; "
            f"notebook_parameters({str(FIXTURES / 'notebooks' / '10_alpha.ipynb')!r}); "
            "import valse.data.scenarios, valse.__main__; "
            "print(sorted(m for m in ('papermill', 'nbformat', 'nbconvert', 'pandas', 'numpy', "
            "'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------ scenarios


def test_core_table_matches_design():
    assert set(CORE_BY_NAME) == {
        "amazon_investment_usd_bn", "amazon_upfront_usd_bn", "contingent_tranche_probability",
        "aws_services_usd_bn", "round_size_usd_bn", "pre_money_valuation_usd_bn",
        "aws_ai_operating_margin", "contract_years", "discount_rate", "roles_cut",
        "cost_per_role_usd_k", "seed"}
    assert CORE_BY_NAME["roles_cut"].type == "int"
    assert str(CORE_BY_NAME["discount_rate"].valid) == "[0, 1]"


def test_valid_values_have_no_problems():
    assert problems({"amazon_investment_usd_bn": 50, "amazon_upfront_usd_bn": 15.0,
                     "contingent_tranche_probability": 0, "discount_rate": 1.0,
                     "roles_cut": 0, "seed": 7, "alpha_share": 1, "beta_label": "<b>",
                     "beta_fail": True, "draws": 5, "years": [2026],
                     "round_size_usd_bn": 122.0}) == []


@pytest.mark.parametrize(("values", "parameter", "expected", "found"), [
    ({"amazon_investment_usd_bn": -1}, "amazon_investment_usd_bn", "a value >= 0", "-1"),
    ({"contingent_tranche_probability": 1.5}, "contingent_tranche_probability",
     "between 0 and 1", "1.5"),
    ({"aws_ai_operating_margin": -0.1}, "aws_ai_operating_margin", "between 0 and 1", "-0.1"),
    ({"discount_rate": 9}, "discount_rate", "between 0 and 1", "9"),
    ({"contract_years": 0}, "contract_years", "a value > 0", "0"),
    ({"pre_money_valuation_usd_bn": 0.0}, "pre_money_valuation_usd_bn", "a value > 0", "0.0"),
    ({"cost_per_role_usd_k": -5}, "cost_per_role_usd_k", "a value >= 0", "-5"),
    ({"roles_cut": 2.5}, "roles_cut", "an integer", "2.5"),
    ({"roles_cut": True}, "roles_cut", "an integer", "True"),
    ({"seed": -1}, "seed", "a value between 0 and 18446744073709551615", "-1"),
    ({"amazon_investment_usd_bn": "50"}, "amazon_investment_usd_bn", "a number", "'50'"),
    ({"discount_rate": False}, "discount_rate", "a number", "False"),
    ({"alpha_share": 1.2}, "alpha_share", "between 0 and 1", "1.2"),
    ({"beta_fail": "yes"}, "beta_fail", "true or false", "'yes'"),
    ({"beta_label": 3}, "beta_label", "a string", "3"),
    ({"draws": 1.5}, "draws", "an integer", "1.5"),
    ({"years": 2026}, "years", "a list", "2026"),
    ({"amazon_investment_usd_bn": 10.0, "amazon_upfront_usd_bn": 15.0},
     "amazon_upfront_usd_bn", "at most amazon_investment_usd_bn", "15.0"),
])
def test_each_rule_names_file_parameter_expected_and_found(values, parameter, expected, found):
    (message,) = problems(values)
    assert message.startswith("s.yaml: ")
    assert repr(parameter) in message
    assert expected in message
    assert f"found {found}" in message


def test_amazon_investment_larger_than_the_round_is_refused():
    # the round counts all new money, Amazon's included (issue 17)
    (message,) = problems({"amazon_investment_usd_bn": 50.0, "round_size_usd_bn": 10.0})
    assert "'amazon_investment_usd_bn'" in message
    assert "at most round_size_usd_bn (10.0)" in message and "found 50.0" in message
    assert problems({"amazon_investment_usd_bn": 10.0, "round_size_usd_bn": 10.0}) == []


def test_unknown_name_suggests_the_closest():
    (message,) = problems({"amazon_investment_usd_b": 50.0})
    assert "unknown parameter 'amazon_investment_usd_b'" in message
    assert "did you mean 'amazon_investment_usd_bn'?" in message


def test_reserved_names_are_refused():
    (message,) = problems({"artifacts_dir": "/tmp"})
    assert "'artifacts_dir'" in message and "set by the pipeline" in message


def test_every_problem_is_reported(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text("description: several mistakes\nseed: -3\nroles_cut: 1.5\nnope: 1\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, DECLARED)
    lines = str(err.value).splitlines()
    assert len(lines) == 3
    assert all(line.startswith(str(path)) for line in lines)


def test_yaml_syntax_error_gives_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("seed: 1\nroles_cut: [1, 2\ndiscount_rate: 0.1\n")
    with pytest.raises(ScenarioError, match=r"broken.yaml: YAML syntax error at line \d+"):
        load_scenario(path)


def test_yaml_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- seed\n- 1\n")
    with pytest.raises(ScenarioError, match="expected a mapping.*found list"):
        load_scenario(path)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "absent.yaml")


def test_description_is_not_a_parameter(tmp_path):
    path = tmp_path / "rumour.yaml"
    path.write_text("description: The rumour as written\nseed: 3\n")
    sc = load_scenario(path)
    assert (sc.name, sc.description, sc.values) == ("rumour", "The rumour as written", {"seed": 3})


def test_project_scenarios_are_valid():
    """The project's own scenario files pass validation against its notebooks."""
    from valse.data import paths
    from valse.data.scenarios import declared_parameters, load_scenarios
    from valse.run.plan import discover_notebooks

    files = sorted((paths.data_dir() / "scenarios").glob("*.yaml"))
    assert len(files) >= 7 and any(paths.notebooks_dir().glob("*.ipynb"))
    notebooks = discover_notebooks(paths.notebooks_dir())
    declared = declared_parameters({nb.name: nb.params for nb in notebooks})
    assert [s.name for s in load_scenarios(files, declared)] == [f.stem for f in files]


def test_papermill_reads_the_same_declarations():
    """papermill (``--help-notebook``) and valse.data.nbparams agree on every notebook."""
    from papermill.inspection import _infer_parameters
    from papermill.iorw import load_notebook_node

    from valse.data import paths

    notebooks = sorted((FIXTURES / "notebooks").glob("*.ipynb"))
    notebooks += sorted(paths.notebooks_dir().glob("*.ipynb"))
    for path in notebooks:
        ours = notebook_parameters(path)
        theirs = _infer_parameters(load_notebook_node(str(path)))
        assert [p.name for p in ours] == [p.name for p in theirs], path
        for mine, pm in zip(ours, theirs, strict=True):
            assert mine.default_source == pm.default, (path, mine.name)
            assert mine.comment in (pm.help or ""), (path, mine.name)
            if pm.inferred_type_name not in ("None", None):
                assert mine.type == pm.inferred_type_name, (path, mine.name)


@pytest.mark.parametrize(
    ("amounts", "expected_reading", "expected_case"),
    [
        ({}, "reported", "separate"),
        (dict(amazon_upfront_usd_bn=50.0, aws_services_usd_bn=38.0), "rumour", "inside"),
        (dict(amazon_upfront_usd_bn=50.0, aws_services_usd_bn=0.0), "rumour", "equity_only"),
        (
            dict(amazon_investment_usd_bn=10.0, amazon_upfront_usd_bn=10.0, aws_services_usd_bn=38),
            "rumour",
            "separate",
        ),
        (
            dict(amazon_investment_usd_bn=0.0, amazon_upfront_usd_bn=0.0, aws_services_usd_bn=0),
            "rumour",
            "no_deal",
        ),
    ],
)
def test_one_rule_decides_the_reading_and_case_from_the_amounts(
    amounts, expected_reading, expected_case
):
    from test_identities import BASE

    from valse.model.deal import case, create_deal, reading

    deal = create_deal(BASE, **amounts)
    assert (reading(deal), case(deal)) == (expected_reading, expected_case)


def test_every_scenario_file_has_a_reading_and_case():
    from pathlib import Path

    from valse.model.deal import CASE_NAMES, READING_NAMES, case, create_deal, reading

    expected = {
        "base": ("reported", "separate"),
        "bear": ("reported", "separate"),
        "bull": ("reported", "separate"),
        "rumour": ("rumour", "inside"),
        "smaller_deal": ("rumour", "separate"),
        "equity_only": ("rumour", "equity_only"),
        "no_deal": ("rumour", "no_deal"),
    }
    root = Path(__file__).resolve().parents[1] / "data" / "scenarios"
    for path in sorted(root.glob("*.yaml")):
        deal = create_deal(load_yaml_mapping(path))
        assert reading(deal) in READING_NAMES, path
        assert case(deal) in CASE_NAMES, path
        if path.stem in expected:
            assert (reading(deal), case(deal)) == expected[path.stem], path
        assert reading(deal) in READING_NAMES, path
        assert case(deal) in CASE_NAMES, path
# ------------------------------------------------------------------ bounded inputs (issue 17)

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}]\n" for i in range(8))


def test_yaml_aliases_are_refused_before_they_expand(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    assert len(BOMB) < 1000  # a billion-laughs file of a few hundred bytes
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, DECLARED)
    message = str(info.value)
    assert "anchors and aliases are not allowed" in message and "line 1" in message
    assert len(message) < 500


def test_duplicate_keys_are_refused_with_both_lines(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("seed: 1\nroles_cut: 3\nseed: 2\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, DECLARED)
    assert "line 3: key 'seed' given twice (first on line 1)" in str(info.value)


def test_error_output_is_capped_in_count_and_quoted_size(tmp_path):
    path = tmp_path / "many.yaml"
    long = "x" * 10_000
    path.write_text("".join(f"unknown_{i}: 1\n" for i in range(200))
                    + f"beta_fail: '{long}'\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, DECLARED)
    message = str(info.value)
    lines = message.splitlines()
    assert len(lines) == 21 and lines[-1].endswith("… and 181 more problems")
    assert len(message) < 5000
    path.write_text(f"beta_fail: '{long}'\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, DECLARED)
    assert len(str(info.value)) < 300 and "(10002 characters)" in str(info.value)


def test_huge_files_are_not_read(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * 300_000 + "\nseed: 1\n")
    with pytest.raises(ScenarioError, match="at most 262144 bytes"):
        load_scenario(path, DECLARED)


RANGE_DECLARED = {
    **DECLARED,
    "aws_ai_operating_margin_low": Param("aws_ai_operating_margin_low", "float", 0.15, "0.15",
                                         "low", "0-1"),
    "aws_ai_operating_margin_high": Param("aws_ai_operating_margin_high", "float", 0.4, "0.4",
                                          "high", "0-1"),
    "aws_ai_operating_margin": Param("aws_ai_operating_margin", "float", 0.3, "0.3", "m", "0-1"),
    "run_date": Param("run_date", "str", "", '""', "date", "date"),
    "stale_after_days": Param("stale_after_days", "int", 180, "180", "days", "days"),
}


@pytest.mark.parametrize(("values", "parameter", "expected", "found"), [
    ({"amazon_investment_usd_bn": 1.0e308}, "amazon_investment_usd_bn",
     "magnitude at most 1e+12", "1e+308"),
    ({"roles_cut": 10**30}, "roles_cut", "magnitude at most 1e+12", str(10**30)),
    ({"draws": -5}, "draws", "a value >= 1", "-5"),
    ({"draws": 0}, "draws", "a value >= 1", "0"),
    ({"stale_after_days": -1}, "stale_after_days", "a value >= 0", "-1"),
    ({"aws_ai_operating_margin_low": 0.35}, "aws_ai_operating_margin_low",
     "at most aws_ai_operating_margin (0.3 (the notebooks' default))", "0.35"),
    ({"aws_ai_operating_margin": 0.5}, "aws_ai_operating_margin_high",
     "at least aws_ai_operating_margin (0.5)", "0.4 (the notebooks' default)"),
    ({"run_date": "yesterday"}, "run_date", "a date YYYY-MM-DD", "'yesterday'"),
    ({"run_date": "2026-02-30"}, "run_date", "a date YYYY-MM-DD", "'2026-02-30'"),
    ({"amazon_investment_usd_bn": 200.0, "round_size_usd_bn": 122.0},
     "amazon_investment_usd_bn", "at most round_size_usd_bn (122.0)", "200.0"),
])
def test_values_the_models_cannot_take_are_refused(values, parameter, expected, found):
    (message,) = validate_values(values, RANGE_DECLARED, "s.yaml")
    assert repr(parameter) in message
    assert expected in message
    assert f"found {found}" in message


def test_big_seeds_and_empty_run_date_are_fine():
    assert validate_values({"seed": 2**63, "run_date": "", "draws": 1}, RANGE_DECLARED,
                           "s.yaml") == []
    assert validate_values({"run_date": "2026-12-02"}, RANGE_DECLARED, "s.yaml") == []


@pytest.mark.parametrize("value", ["inf", "1e300", "nan", "0", "-1", "86401"])
def test_timeout_is_bounded(value, capsys):
    from valse.__main__ import main

    with pytest.raises(SystemExit) as info:
        main(["run", "--timeout", value])
    assert info.value.code == 2
    assert "--timeout" in capsys.readouterr().err
