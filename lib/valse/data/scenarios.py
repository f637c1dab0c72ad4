"""Scenario files to validated parameters.

A scenario is a YAML mapping of parameter names to values, plus an optional top-level
``description`` (a string shown in the published index). Its name is its file name without
extension. A scenario may set:

- the core parameters of DESIGN.md (:data:`CORE`);
- any parameter declared by a notebook's ``parameters`` cell (:mod:`valse.data.nbparams`).

Types, units and valid ranges are the registry's (:mod:`valse.data.parameters`); a parameter
outside it (declared by a test fixture) keeps its declared type, and a unit ``[0-1]`` bounds
it to [0, 1]. A value out of range gets the registry's one message
(:func:`valse.data.parameters.range_message`).

Anything else is an unknown name. :func:`validate_scenario` collects every problem of a file
and raises one :class:`ScenarioError` naming the file, the parameter, what was expected and
what was found, before any kernel starts.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valse.data.nbparams import Param
from valse.data.parameters import (
    Interval,
    Parameter,
    quoted,
    range_message,
    registry,
    unit_range,
)

#: Parameters the pipeline fills in itself; a scenario may not set them.
RESERVED = (
    "scenario_name", "artifacts_dir", "metrics_path", "interactive", "data_dir", "outputs_dir",
)
#: Top-level keys of a scenario file that are not parameters.
META_KEYS = ("description",)
_SCENARIO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: Names of the published site's own files and folders next to the scenarios' folders
#: (compared without regard to case): a scenario may not be named like them.
SITE_NAMES = ("index.html", "index.fr.html", "index", "assets", "data", "static", "css", "js",
              "img", "images", "fonts")
#: Endings of file names a scenario name may not have (it would pass for a page or a file).
SITE_SUFFIXES = (".html", ".htm", ".json", ".css", ".js", ".csv", ".txt", ".xml", ".ico",
                 ".png", ".svg", ".tmp", ".lock")


class ScenarioError(ValueError):
    """A scenario file is missing, unreadable or holds invalid parameters."""


#: The core parameters shared by all notebooks and scenario files (DESIGN.md): a scenario may
#: set them even when no notebook in the run declares them. Their description (type, unit,
#: meaning, valid range) is the registry's, :mod:`valse.data.parameters`.
CORE: tuple[str, ...] = (
    "amazon_investment_usd_bn", "amazon_upfront_usd_bn", "contingent_tranche_probability",
    "aws_services_usd_bn", "round_size_usd_bn", "pre_money_valuation_usd_bn",
    "aws_ai_operating_margin", "contract_years", "discount_rate", "roles_cut",
    "cost_per_role_usd_k", "seed",
)
CORE_BY_NAME: dict[str, Parameter] = {name: registry()[name] for name in CORE}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: its name (file stem), file, description and parameter values."""

    name: str
    path: Path
    description: str
    values: dict[str, Any] = field(default_factory=dict)


#: Largest scenario file read (bytes): a scenario is a few dozen lines.
MAX_FILE_BYTES = 256 * 1024
#: Problems listed per file; the others are counted.
MAX_PROBLEMS = 20
#: Largest magnitude of a number (a figure beyond it overflows in the models' arithmetic).
MAX_MAGNITUDE = 1e12
#: Seeds may be any 64-bit unsigned integer (the registry's valid range of ``seed``).
MAX_SEED = int(CORE_BY_NAME["seed"].valid.high_text)  # type: ignore[union-attr]


def _describe(value: Any) -> str:
    kind = "boolean" if isinstance(value, bool) else type(value).__name__
    if value is None:
        return "nothing (null)"
    return f"{quoted(value)} ({kind})"


def cap_problems(problems: list[str], where: str) -> list[str]:
    """The first :data:`MAX_PROBLEMS` problems, and a line counting the others."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return problems[:MAX_PROBLEMS] + [
        f"{where}: … and {len(problems) - MAX_PROBLEMS} more problems"]


def _type_problem(type_name: str | None, value: Any) -> str | None:
    """Return what was expected when ``value`` does not fit ``type_name``, else None."""
    if type_name == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and not (math.isfinite(float(value)) and abs(value) <= MAX_MAGNITUDE):
            return f"a finite number of magnitude at most {MAX_MAGNITUDE:g}"
        return None if ok else "a number"
    if type_name == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and abs(value) > MAX_MAGNITUDE:
            return f"an integer of magnitude at most {MAX_MAGNITUDE:g}"
        return None if ok else "an integer"
    if type_name == "bool":
        return None if isinstance(value, bool) else "true or false"
    if type_name == "str":
        return None if isinstance(value, str) else "a string"
    if type_name == "list":
        return None if isinstance(value, list) else "a list"
    if type_name == "dict":
        return None if isinstance(value, dict) else "a mapping"
    return None  # undeclared or exotic type: not checked


class DuplicateKey(ValueError):
    """A mapping of a scenario file gives the same key twice."""


_LOADER: Any = None


def _strict_loader() -> Any:
    """PyYAML's safe loader (the C one when available) refusing duplicate keys."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        pass

    def mapping(loader: Any, node: Any) -> dict[Any, Any]:
        loader.flatten_mapping(node)
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise DuplicateKey(f"line {line}: key {quoted(key)} given twice (first on "
                                       f"line {seen[key]}); the last would silently win")
            except TypeError:  # an unhashable key: construct_mapping reports it
                continue
            seen[key] = line
        return loader.construct_mapping(node, deep=True)

    StrictLoader.add_constructor("tag:yaml.org,2002:map", mapping)
    _LOADER = StrictLoader
    return _LOADER


def _refuse_aliases(path: Path, text: str, loader: Any) -> None:
    """Raise ScenarioError at the first anchor or alias (``&a``, ``*a``): they can expand a
    small file into a huge value, and a scenario has no use for them."""
    import yaml

    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            raise ScenarioError(f"{path}: YAML anchors and aliases are not allowed in a "
                                f"scenario file (line {mark.line + 1}, column "
                                f"{mark.column + 1}); write each value out")


def load_yaml_mapping(path: Path) -> dict[str, Any]:
    """Read a scenario file as a mapping, raising ScenarioError (with the line on a syntax
    error) when it is missing, unreadable, not YAML or not a mapping."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: scenario file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read the scenario file ({exc})") from None
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ScenarioError(f"{path}: expected a scenario file of at most {MAX_FILE_BYTES} "
                            f"bytes, found {len(text.encode('utf-8'))}")
    loader = _strict_loader()
    try:
        _refuse_aliases(path, text, loader)
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        problem = exc.problem or exc.context or "syntax error"
        raise ScenarioError(f"{path}: YAML syntax error at {where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: YAML error: {str(exc)[:200]}") from None
    except DuplicateKey as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: YAML nested too deeply") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{path}: expected a mapping of parameter names to values, "
            f"found {type(data).__name__}"
        )
    return data


def validate_values(
    values: Mapping[str, Any],
    declared: Mapping[str, Param],
    where: str,
) -> list[str]:
    """Return the problems of a mapping of parameter values, one message each.

    ``declared`` maps parameter names declared by notebooks to their declaration.
    """
    problems: list[str] = []
    known = sorted(set(CORE_BY_NAME) | set(declared))
    for name, value in values.items():
        if not isinstance(name, str):
            problems.append(f"{where}: parameter name {quoted(name)}: expected a string")
            continue
        if name in RESERVED:
            problems.append(
                f"{where}: parameter {name!r} is set by the pipeline and cannot be set "
                f"in a scenario"
            )
            continue
        entry = registry().get(name)
        decl = declared.get(name)
        if name not in CORE_BY_NAME and decl is None:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                f"{where}: unknown parameter {quoted(name)} (neither a core parameter nor declared "
                f"by a notebook){hint}"
            )
            continue
        # the registry describes every parameter of the project's notebooks; a notebook outside
        # it (a test fixture) is checked by its declaration: its type, and its unit's range
        type_name = entry.type if entry else decl.type  # type: ignore[union-attr]
        unit = entry.unit if entry else decl.unit.strip()  # type: ignore[union-attr]
        valid: Interval | None = entry.valid if entry else unit_range(unit)
        subject = f"{where}: parameter {name!r}"
        expected = _type_problem(type_name, value)
        if name == "seed" and isinstance(value, int) and not isinstance(value, bool) \
                and 0 <= value <= MAX_SEED:
            expected = None  # any 64-bit seed
        if expected:
            problems.append(f"{subject}: expected {expected}, found {_describe(value)}")
            continue
        if unit == "date" and isinstance(value, str) and value and not _is_date(value):
            problems.append(f"{subject}: expected a date YYYY-MM-DD (or nothing), "
                            f"found {quoted(value)}")
            continue
        message = range_message(subject, value, valid, unit) if valid else None
        if message:
            problems.append(message)
    return problems + relation_problems(values, declared, where)


def _is_date(text: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def relation_problems(values: Mapping[str, Any], declared: Mapping[str, Param],
                      where: str) -> list[str]:
    """Problems between parameters, with the notebooks' defaults for those the scenario does
    not set: the upfront part at most the investment, the investment at most the round (the
    round counts Amazon's money), and ``X_low <= X <= X_high`` for every range."""
    merged: dict[str, Any] = {n: p.default for n, p in declared.items()}
    merged.update(values)
    problems = []

    def given(name: str) -> str:
        return "" if name in values else " (the notebooks' default)"

    for small, big in (("amazon_upfront_usd_bn", "amazon_investment_usd_bn"),
                       ("amazon_investment_usd_bn", "round_size_usd_bn")):
        a, b = merged.get(small), merged.get(big)
        if _number(a) and _number(b) and a > b and (small in values or big in values):
            problems.append(f"{where}: parameter {small!r}: expected at most {big} "
                            f"({b!r}{given(big)}), found {a!r}{given(small)}")
    for name in sorted(merged):
        if not name.endswith("_low"):
            continue
        centre = name.removesuffix("_low")
        high = f"{centre}_high"
        lo, mid, hi = merged.get(name), merged.get(centre), merged.get(high)
        if not any(n in values for n in (name, centre, high)):
            continue
        if _number(lo) and _number(mid) and lo > mid:
            problems.append(f"{where}: parameter {name!r}: expected at most {centre} "
                            f"({mid!r}{given(centre)}), found {lo!r}{given(name)}")
        if _number(mid) and _number(hi) and mid > hi:
            problems.append(f"{where}: parameter {high!r}: expected at least {centre} "
                            f"({mid!r}{given(centre)}), found {hi!r}{given(high)}")
        elif not _number(mid) and _number(lo) and _number(hi) and lo > hi:
            problems.append(f"{where}: parameter {high!r}: expected at least {name} "
                            f"({lo!r}), found {hi!r}")
    return problems


def declared_parameters(per_notebook: Mapping[str, Iterable[Param]]) -> dict[str, Param]:
    """Merge the declarations of several notebooks (first declaration of a name wins)."""
    merged: dict[str, Param] = {}
    for params in per_notebook.values():
        for p in params:
            merged.setdefault(p.name, p)
    return merged


def load_scenario(path: str | Path, declared: Mapping[str, Param] | None = None) -> Scenario:
    """Read and validate one scenario file; raise ScenarioError listing every problem."""
    path = Path(path)
    data = load_yaml_mapping(path)
    name = path.stem
    problems: list[str] = []
    if not _SCENARIO_NAME.match(name):
        problems.append(f"{path}: scenario name {name!r} (the file name) must be letters, "
                        "digits, '_', '-' or '.', starting with a letter or digit")
    elif name.lower() in SITE_NAMES or name.lower().endswith(SITE_SUFFIXES) \
            or name.lower().startswith("index."):
        problems.append(f"{path}: scenario name {name!r} (the file name) is taken by the "
                        "published site's own files (index pages, assets, data); rename the "
                        "file")
    description = data.pop("description", "")
    if description is None:
        description = ""
    if not isinstance(description, str):
        problems.append(f"{path}: 'description': expected a string, "
                        f"found {_describe(description)}")
        description = ""
    problems += validate_values(data, declared or {}, str(path))
    if problems:
        raise ScenarioError("\n".join(cap_problems(problems, str(path))))
    return Scenario(name=name, path=path, description=description.strip(), values=data)


def load_scenarios(
    paths: Iterable[str | Path], declared: Mapping[str, Param] | None = None
) -> list[Scenario]:
    """Load and validate several scenario files; collect all problems into one error."""
    scenarios: list[Scenario] = []
    problems: list[str] = []
    seen: dict[str, Path] = {}
    for p in paths:
        try:
            sc = load_scenario(p, declared)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        if sc.name in seen:
            problems.append(
                f"{sc.path}: scenario name {sc.name!r} already given by {seen[sc.name]}")
            continue
        seen[sc.name] = sc.path
        scenarios.append(sc)
    if problems:
        raise ScenarioError("\n".join(problems))
    return scenarios
