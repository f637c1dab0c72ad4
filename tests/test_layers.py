"""The package's layers import in one direction (DESIGN.md, layers; issue #11).

``valse.model`` (pure functions: numpy, scipy, networkx) <- ``valse.data`` (the only code that
reads ``data/``) <- ``valse.report`` (what a notebook shows) <- ``valse.run`` (the command line,
never imported by a kernel). Each module's imports are read with :mod:`ast`, lazy imports inside
functions included, so a test fails on the first import that goes the wrong way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "valse"
LAYERS = ("model", "data", "report", "run")

#: What each layer may not import (a prefix of the imported module's dotted name).
FORBIDDEN = {
    "model": ("matplotlib", "seaborn", "ipywidgets", "IPython", "papermill", "nbclient",
              "nbformat", "jinja2", "valse.report", "valse.run", "valse.pipeline"),
    "data": ("matplotlib", "seaborn", "ipywidgets", "papermill", "nbclient", "valse.report",
             "valse.run", "valse.pipeline"),
    "report": ("papermill", "nbclient", "valse.run", "valse.pipeline"),
    "run": (),
}


def imports_of(path: Path, root: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in ``path`` (a module of the package at
    ``root``), relative ones made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(("valse", *path.relative_to(root).parent.parts))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            if module == "valse":  # from valse import x: x is the module imported
                found += [(node.lineno, f"valse.{alias.name}") for alias in node.names]
    return found


def layer_modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_exists_and_holds_modules(layer):
    assert (PACKAGE / layer / "__init__.py").is_file()
    assert len(layer_modules(layer)) > 1, f"valse.{layer} holds no module"


@pytest.mark.parametrize("layer", [layer for layer in LAYERS if FORBIDDEN[layer]])
def test_imports_go_one_way(layer):
    wrong = []
    for path in layer_modules(layer):
        for line, module in imports_of(path):
            for prefix in FORBIDDEN[layer]:
                if module == prefix or module.startswith(prefix + "."):
                    wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The checker itself: a model module importing the report layer is caught."""
    fake = tmp_path / "valse"
    (fake / "model").mkdir(parents=True)
    (fake / "model" / "bad.py").write_text(
        "def f():\n    from valse.report import charts\n    from ..run import site\n"
    )
    found = [m for _, m in imports_of(fake / "model" / "bad.py", root=fake)]
    assert "valse.report" in found and "valse.run" in found
