"""The dependency lists agree: pyproject.toml, environment.yml and requirements.lock."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return {_norm(re.split(r"[<>=!~\[ ;]", d, maxsplit=1)[0]) for d in deps}


def _environment() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_norm(re.split(r"[<>=!~ ]", d, maxsplit=1)[0]) for d in dep["pip"]}
        else:
            name = _norm(re.split(r"[<>=!~ ]", dep, maxsplit=1)[0])
            if name not in {"python", "pip"}:
                names.add(name)
    return names


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_norm(name)] = version
    return pins


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert _environment() == _pyproject()


def test_every_dependency_is_pinned_in_the_lock():
    lock = _lock()
    missing = sorted(_pyproject() - set(lock))
    assert not missing, f"not pinned in requirements.lock: {missing}"
    unpinned = sorted(n for n, v in lock.items() if not re.fullmatch(r"[\w.+!-]+", v))
    assert not unpinned, f"requirements.lock lines without an exact version: {unpinned}"


def test_environment_yml_versions_match_the_lock():
    lock = _lock()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    specs += [d for dep in env["dependencies"] if isinstance(dep, dict) for d in dep["pip"]]
    for spec in specs:
        name, _, version = spec.partition("==")
        name = _norm(name.split("=")[0].strip())
        if name in {"python", "pip"} or not version:
            continue
        assert lock.get(name) == version.strip(), f"{name}: {version} vs lock {lock.get(name)}"
