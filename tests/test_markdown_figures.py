"""Figures about the world are never typed into the notebooks' prose (issue #11 §3).

Every amount written in a markdown cell of a notebook ("USD 38 billion", "about 14,000 roles",
"27%", "2 GW", "90 days") must be the value, low or high end of a fact in ``data/facts.csv``
in a matching unit, to the precision written (38 matches 38.0 or 37.6, not 36). A figure that
no fact holds means the prose typed it in, or the fact changed under it.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from valse.data.facts import load_facts

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: an amount and its unit word, as the prose writes them
AMOUNT = re.compile(
    r"(?<![\w.\-])(\d[\d,]*(?:\.\d+)?)(?:\s*|-)(trillion|billion|million|%|GW|roles|days)\b")
#: which fact units an amount's unit word can stand for, and the factor from the written
#: amount to the fact's unit
UNITS: dict[str, list[tuple[str, float]]] = {
    "trillion": [("USD bn", 1000.0), ("USD bn per year", 1000.0)],
    "billion": [("USD bn", 1.0), ("USD bn per year", 1.0)],
    "million": [("count", 1e6), ("USD m", 1.0), ("USD bn", 1e-3)],
    "%": [("pct", 1.0), ("ratio", 0.01)],
    "GW": [("GW", 1.0)],
    "roles": [("count", 1.0)],
    "days": [("count", 1.0), ("years", 1 / 365)],
}


def fact_values() -> dict[str, list[float]]:
    """Fact unit -> every value, low and high end of the numeric facts in that unit."""
    out: dict[str, list[float]] = {}
    for fact in load_facts().values():
        if isinstance(fact.value, str):
            continue
        for v in (fact.value, fact.low, fact.high):
            if v is not None and math.isfinite(float(v)):
                out.setdefault(fact.unit, []).append(float(v))
    return out


def matches(written: str, word: str, values: dict[str, list[float]]) -> bool:
    """True if some fact, in a unit ``word`` can stand for, rounds to ``written``."""
    number = float(written.replace(",", ""))
    decimals = len(written.split(".")[1]) if "." in written else 0
    half = 0.5 * 10 ** -decimals
    for unit, factor in UNITS[word]:
        for v in values.get(unit, []):
            if abs(v / factor - number) <= half + 1e-9:
                return True
    return False


def amounts(nb_path: Path) -> list[tuple[str, str, str]]:
    """(number, unit word, context) of every amount in the notebook's markdown, code spans
    left out (they name parameters and files, not figures)."""
    found = []
    for cell in json.loads(nb_path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = re.sub(r"`[^`]*`", "", "".join(cell["source"]))
        for m in AMOUNT.finditer(text):
            context = text[max(0, m.start() - 60): m.end() + 10].replace("\n", " ")
            found.append((m.group(1), m.group(2), context))
    return found


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_amount_in_the_prose_is_a_fact(nb_path):
    values = fact_values()
    typed = [f"{n} {w}: …{c}…" for n, w, c in amounts(nb_path) if not matches(n, w, values)]
    assert not typed, "amounts no fact holds:\n" + "\n".join(typed)


def test_the_check_catches_a_figure_no_fact_holds():
    values = fact_values()
    assert matches("38", "billion", values)  # the rumour's AWS part
    assert not matches("47.2", "billion", values)
    assert not matches("123,456", "roles", values)
    assert not matches("1.37", "trillion", values)
    assert amounts(NOTEBOOKS[0]), "the notebooks' prose quotes facts; the pattern finds none"
