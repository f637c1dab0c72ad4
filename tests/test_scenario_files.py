"""Scenario files agree with the facts they cite, and notebook defaults with base.yaml."""

import json
import re
from pathlib import Path

import pytest
import yaml

from valse.data.checks import evaluate
from valse.data.facts import load_facts
from valse.model.deal import DEAL_FIELDS

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))
FACT_COMMENT = re.compile(r"^(\w+):\s*([^#]+?)\s*#\s*fact:\s*([\w.+\-*/() ]+?)(?:\s*\(|$)")


def _cited(path: Path) -> list[tuple[str, float, str]]:
    cited = []
    for line in path.read_text().splitlines():
        m = FACT_COMMENT.match(line)
        if m:
            cited.append((m.group(1), float(m.group(2)), m.group(3).strip()))
    return cited


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_values_equal_the_facts_they_cite(path):
    facts = load_facts()
    cited = _cited(path)
    assert cited, f"{path.name} cites no fact"
    for name, value, expression in cited:
        assert evaluate(expression, facts) == pytest.approx(value, rel=1e-9), (
            f"{path.name}: {name} = {value} but {expression} = {evaluate(expression, facts)}"
        )


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_sets_every_core_parameter_and_says_where_it_comes_from(path):
    data = yaml.safe_load(path.read_text())
    assert isinstance(data.get("description"), str) and len(data["description"]) > 40
    missing = [name for name in (*DEAL_FIELDS, "seed") if name not in data]
    assert not missing, f"{path.name} lacks {missing}"
    for line in path.read_text().splitlines():
        if re.match(r"^\w+:", line) and not line.startswith("description:"):
            assert "#" in line, f"{path.name}: no comment on {line!r}"


def _notebook_defaults(nb_path: Path) -> dict[str, object]:
    nb = json.loads(nb_path.read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    namespace: dict[str, object] = {}
    exec("".join(cell["source"]), {}, namespace)  # the cell holds literals only
    return namespace


def test_notebook_defaults_are_the_base_scenario():
    base = yaml.safe_load((ROOT / "data" / "scenarios" / "base.yaml").read_text())
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        defaults = _notebook_defaults(nb_path)
        for name, value in defaults.items():
            if name in base:
                assert value == base[name], (
                    f"{nb_path.name}: {name} = {value}, base.yaml {base[name]}"
                )


@pytest.mark.parametrize(
    "nb_path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem
)
def test_every_notebook_parameter_has_a_meaning_and_a_unit(nb_path):
    from valse.data.nbparams import notebook_parameters

    params = notebook_parameters(nb_path)
    assert {"seed", "interactive", "scenario_name", "artifacts_dir"} <= {p.name for p in params}
    for p in params:
        assert p.unit, f"{nb_path.name}: parameter {p.name} has no [unit] in its comment"
        assert p.comment and len(p.comment) > 10, f"{nb_path.name}: {p.name} is not explained"
