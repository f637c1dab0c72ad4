"""The metric registry (lib/valse/report/metrics_registry.csv) against the notebooks' code."""

from pathlib import Path

import pytest

from valse.data import datacheck
from valse.report import record

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def test_every_metric_in_the_code_is_registered():
    recorded = datacheck.metric_names(sorted(NOTEBOOKS.glob("*.ipynb")))
    registered = set(record.registry())
    assert recorded - registered == set(), "recorded but not registered"
    # The reverse (registered => recorded) needs the executed outputs: names built in
    # library helpers are not found by a scan of the code. Not checked here yet.


def test_registry_owners_are_notebooks():
    names = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert {e["notebook"] for e in record.registry().values()} <= names


def test_wrong_owner_unregistered_and_twice_are_errors():
    name, entry = next(iter(sorted(record.registry().items())))
    record.check_owner(name, entry["notebook"])
    with pytest.raises(record.MetricError, match="owns it"):
        other = sorted({e["notebook"] for e in record.registry().values()} - {entry["notebook"]})
        record.check_owner(name, other[0])  # another project notebook, which owns other metrics
    with pytest.raises(record.MetricError, match="not registered"):
        record.check_owner("no_such_metric_pct", entry["notebook"])
    rec = {"name": name, "notebook": entry["notebook"]}
    with pytest.raises(record.MetricError, match="recorded twice"):
        record.check_collection([rec, rec])
    record.check_collection([rec])
