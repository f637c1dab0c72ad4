"""The one vocabulary of units: of parameters, of metrics and of the prose that writes them.

Every unit a parameter (``lib/valse/data/parameters.csv``) or a metric
(``lib/valse/report/metrics_registry.csv``) is given in is a key of :data:`UNITS`; its value
names the filter of :mod:`valse.report.narrative` that writes a number in that unit in prose
(``""``: the unit is not a number written in prose, such as a calendar year, a flag or a path).
A test checks both registries and the narrative's filters against this table, so that a new
unit is added here once, with the way it is written.
"""

from __future__ import annotations

#: unit -> the narrative filter that writes it ("" for no number filter).
UNITS: dict[str, str] = {
    # money
    "USD bn": "usd_bn",
    "USD bn per year": "usd_bn",
    "USD bn per GW": "num",
    "USD thousand": "num",
    "USD per accelerator-hour": "num",
    "USD per MWh": "num",
    # shares and ratios
    "0-1": "share_pct",
    "%": "pct",
    "% per year": "pct",
    "pct points": "num",
    "x": "num",
    "ratio": "num",
    "HHI points": "num",
    # time
    "years": "years",
    "months": "num",
    "days": "num",
    "quarters": "num",
    "year": "",
    "date": "",
    # quantities
    "count": "count",
    "employee-years": "num",
    "accelerators per GW": "num",
    "GW": "num",
    "unit": "num",
    # not numbers written in prose
    "int": "",
    "bool": "",
    "text": "",
}

#: Units of quantities in [0, 1] (a share, a probability, a rate).
UNIT_INTERVAL = "0-1"
