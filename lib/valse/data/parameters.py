"""The registry of parameters: one description of each (meaning, unit, valid range).

Every parameter a notebook declares in its ``parameters`` cell has exactly one row in
``lib/valse/data/parameters.csv``::

    name,type,unit,valid_range,meaning,fact
    discount_rate,float,0-1,"[0, 1]",annual rate for present values,assumption_discount_rate

- ``type``: ``float``, ``int``, ``bool``, ``str``, ``list`` or ``dict`` (as declared);
- ``unit``: a unit of the one vocabulary, :data:`valse.data.units.UNITS`;
- ``valid_range``: the values the models accept, as an interval (``[0, 1]``, ``(0, inf)``,
  ``[1, inf)``; a round bracket excludes its end), empty for a value that is not a number. It
  is what a value may be, not what is plausible: the plausible range of an assumption is its
  fact's low and high;
- ``meaning``: what the parameter is, in words (the notebooks' comments keep a short form);
- ``fact``: the fact id (``id`` or ``id.low`` / ``id.high``) its default comes from, if any.

Scenario validation (:mod:`valse.data.scenarios`), the :class:`~valse.model.deal.Deal` object,
the check of the notebooks' parameters cells and the sliders' bounds all read it, and a value
out of range gets the one message of :func:`range_message`.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from valse.data.units import UNITS

#: The registry file, next to this module (it describes code, not the world).
REGISTRY_FILE = Path(__file__).with_name("parameters.csv")
COLUMNS = ("name", "type", "unit", "valid_range", "meaning", "fact")
TYPES = ("float", "int", "bool", "str", "list", "dict")
#: Units whose numbers are written without their unit in a message (a share, a seed).
_UNITLESS = ("0-1", "int", "bool", "text", "date", "year", "count")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_FACT = re.compile(r"^[a-z][a-z0-9_]*(\.(low|high))?$")
_NUMBER = r"-?(?:\d+(?:\.\d*)?(?:e[-+]?\d+)?|inf)"
_INTERVAL = re.compile(rf"^([\[(])\s*({_NUMBER})\s*,\s*({_NUMBER})\s*([\])])$")
#: Characters of a value quoted in a message.
MAX_QUOTED = 80


class ParameterRegistryError(ValueError):
    """The registry file has a bad header or row (file, line, column, expected, found)."""


@dataclass(frozen=True)
class Interval:
    """A range of numbers, each end included or not (``[0, 1]``, ``(0, inf)``).

    ``low_text`` and ``high_text`` are the ends as written, so that a message shows
    ``18446744073709551615`` rather than ``1.8e+19``.
    """

    low: float
    high: float
    low_open: bool
    high_open: bool
    low_text: str
    high_text: str

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if isinstance(value, float) and math.isnan(value):
            return False
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def expected(self, unit: str = "") -> str:
        """What a value must be, in words: ``a value between 0 and 1``, ``a value > 0 USD bn``."""
        suffix = f" {unit}" if unit and unit not in _UNITLESS else ""
        lo_op = ">" if self.low_open else ">="
        hi_op = "<" if self.high_open else "<="
        if math.isinf(self.high) and math.isinf(self.low):
            return "a number"
        if math.isinf(self.high):
            return f"a value {lo_op} {self.low_text}{suffix}"
        if math.isinf(self.low):
            return f"a value {hi_op} {self.high_text}{suffix}"
        if not self.low_open and not self.high_open:
            return f"a value between {self.low_text} and {self.high_text}{suffix}"
        return f"a value {lo_op} {self.low_text} and {hi_op} {self.high_text}{suffix}"

    def __str__(self) -> str:
        return (f"{'(' if self.low_open else '['}{self.low_text}, "
                f"{self.high_text}{')' if self.high_open else ']'}")


def parse_interval(text: str) -> Interval:
    """Read ``[0, 1]``, ``(0, inf)``, ``[1, inf)``; raise ValueError saying what is expected."""
    match = _INTERVAL.match(text.strip())
    if not match:
        raise ValueError("an interval such as [0, 1], (0, inf) or [1, inf)")
    left, lo, hi, right = match.groups()
    low, high = float(lo), float(hi)
    if low > high or (low == high and (left == "(" or right == ")")):
        raise ValueError("an interval whose low end is below its high end")
    if (math.isinf(low) and left == "[") or (math.isinf(high) and right == "]"):
        raise ValueError("an interval whose infinite end has a round bracket, as in [0, inf)")
    return Interval(low, high, left == "(", right == ")", lo, hi)


@dataclass(frozen=True)
class Parameter:
    """One row of the registry (see the module's docstring)."""

    name: str
    type: str
    unit: str
    valid: Interval | None
    meaning: str
    fact: str


def quoted(value: Any) -> str:
    """``repr(value)``, cut to :data:`MAX_QUOTED` characters."""
    text = repr(value)
    if len(text) > MAX_QUOTED:
        text = text[: MAX_QUOTED - 1] + f"… ({len(text)} characters)"
    return text


def range_message(subject: str, value: Any, valid: Interval, unit: str = "") -> str | None:
    """The one message for a value out of its valid range, else None.

    ``subject`` names the file and parameter (``"base.yaml: parameter 'discount_rate'"``,
    ``"Deal.discount_rate"``); the message reads ``SUBJECT: expected a value between 0 and 1,
    found 9``. A value that is not a number is left to the type check (None).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value in valid:
        return None
    return f"{subject}: expected {valid.expected(unit)}, found {quoted(value)}"


def unit_range(unit: str) -> Interval | None:
    """The range a unit implies, for a parameter outside the registry (a test fixture's):
    ``[0, 1]`` for ``0-1``, ``[0, inf)`` for a count or a duration, else None."""
    if unit.replace(" ", "") in ("0-1", "0–1"):
        return parse_interval("[0, 1]")
    if unit.strip() in ("count", "days", "years", "months", "year"):
        return parse_interval("[0, inf)")
    return None


def _row(path: Path, line: int, row: dict[str, str]) -> Parameter:
    def bad(column: str, expected: str) -> ParameterRegistryError:
        return ParameterRegistryError(f"{path}:{line}: column {column!r}: expected {expected}, "
                                      f"found {quoted(row.get(column))}")

    if not _NAME.match(row["name"] or ""):
        raise bad("name", "a snake_case name")
    if row["type"] not in TYPES:
        raise bad("type", "one of " + ", ".join(TYPES))
    if row["unit"] not in UNITS:
        raise bad("unit", "a unit of valse.data.units.UNITS (" + ", ".join(UNITS) + ")")
    valid = None
    if row["valid_range"]:
        if row["type"] not in ("float", "int"):
            raise bad("valid_range", f"nothing for a parameter of type {row['type']}")
        try:
            valid = parse_interval(row["valid_range"])
        except ValueError as exc:
            raise bad("valid_range", str(exc)) from None
    elif row["type"] in ("float", "int"):
        raise bad("valid_range", "an interval for a number, such as [0, inf)")
    if not row["meaning"].strip():
        raise bad("meaning", "what the parameter is, in words")
    if row["fact"] and not _FACT.match(row["fact"]):
        raise bad("fact", "a fact id, or id.low / id.high")
    return Parameter(row["name"], row["type"], row["unit"], valid, row["meaning"].strip(),
                     row["fact"])


def load_registry(path: str | Path = REGISTRY_FILE) -> dict[str, Parameter]:
    """Read a registry file into ``{name: Parameter}``, in file order.

    Raises :class:`ParameterRegistryError` naming the file, line and column, what was expected
    and what was found: a bad header, name, type, unit, range or fact id, an empty meaning, a
    row with too many or too few fields, or a name given twice.
    """
    path = Path(path)
    found: dict[str, Parameter] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ParameterRegistryError(f"{path}:1: expected the columns {', '.join(COLUMNS)}, "
                                         f"found {', '.join(reader.fieldnames or ())}")
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                raise ParameterRegistryError(f"{path}:{line}: expected {len(COLUMNS)} fields, "
                                             f"found another number")
            entry = _row(path, line, row)
            if entry.name in found:
                raise ParameterRegistryError(f"{path}:{line}: column 'name': expected each name "
                                             f"once, found {entry.name!r} again")
            found[entry.name] = entry
    return found


@functools.cache
def registry() -> dict[str, Parameter]:
    """The project's registry, :data:`REGISTRY_FILE` (read once)."""
    return load_registry(REGISTRY_FILE)


@functools.cache
def _valid_and_unit(name: str) -> tuple[Interval | None, str]:
    entry = registry().get(name)
    return (None, "") if entry is None else (entry.valid, entry.unit)


def check_range(subject: str, name: str, value: Any) -> None:
    """Raise ValueError with :func:`range_message` when ``value`` is outside the registered
    valid range of ``name`` (nothing when the name has no range).

    A hot path (a static explorer builds tens of thousands of deals, each field checked
    here): the registry's range is looked up once per name, and an in-range number returns
    at once."""
    valid, unit = _valid_and_unit(name)
    if valid is None or value in valid:
        return
    message = range_message(subject, value, valid, unit)
    if message:
        raise ValueError(message)


def exploration_problem(name: str, low: float, high: float) -> str | None:
    """A slider's (or a sweep's) ends ``[low, high]`` must lie inside ``name``'s valid range;
    return what is wrong, else None. A name the registry does not know is an error too."""
    entry = registry().get(name)
    if entry is None:
        return f"{name}: not a registered parameter ({REGISTRY_FILE})"
    if entry.valid is None:
        return f"{name}: has no valid range (type {entry.type})"
    for end, value in (("low end", low), ("high end", high)):
        message = range_message(f"{name}: the slider's {end}", value, entry.valid, entry.unit)
        if message:
            return message
    return None
