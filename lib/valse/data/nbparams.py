"""The parameters a notebook declares, read without papermill.

A notebook declares its parameters in one code cell tagged ``parameters``, one line each::

    discount_rate: float = 0.09  # annual rate for present values [0-1]

that is ``name: type = default  # meaning [unit]``; ``name = default  # meaning`` is tolerated
(the type is then the one of the default). This module reads that cell with :mod:`json`,
:mod:`ast` and :mod:`tokenize` only, so the command line can plan a run (and answer a no-op
re-run) without importing papermill or nbformat.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Types a declaration may name; anything else is kept as written and not checked.
KNOWN_TYPES = ("float", "int", "bool", "str", "list", "dict")
_UNIT = re.compile(r"\[([^\[\]]*)\]\s*$")


class NotebookParamsError(ValueError):
    """A notebook or its ``parameters`` cell cannot be read."""


@dataclass(frozen=True)
class Param:
    """One declared parameter.

    Attributes
    ----------
    name : str
        Variable name.
    type : str or None
        Declared type name (``float``, ``int``, ``bool``, ``str``, ``list``, ``dict``), or the
        type of the default when the line has no annotation; None when neither tells.
    default : Any
        The default value when it is a literal, else None (see ``default_source``).
    default_source : str
        The default as written in the cell.
    comment : str
        The meaning, that is the comment without its trailing ``[unit]``.
    unit : str
        The text inside the trailing brackets of the comment (``0-1``, ``USD bn``), or "".
    """

    name: str
    type: str | None
    default: Any
    default_source: str
    comment: str
    unit: str


def _type_of(value: Any) -> str | None:
    for name, kind in (("bool", bool), ("int", int), ("float", float), ("str", str),
                       ("list", list), ("dict", dict)):
        if isinstance(value, kind):
            return name
    return None


def _comments_by_line(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return comments


def _segment(lines: list[bytes], node: ast.AST) -> str:
    """Source text of ``node`` (like :func:`ast.get_source_segment`, which re-splits the whole
    source at every call; ``lines`` are the source's lines as UTF-8, since AST columns count
    bytes)."""
    first, last = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined,operator]
    start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
    if first == last:
        return lines[first][start:end].decode("utf-8")
    parts = [lines[first][start:], *lines[first + 1:last], lines[last][:end]]
    return b"".join(parts).decode("utf-8")


def parse_parameters_source(source: str, where: str = "<parameters>") -> list[Param]:
    """Parse the source of a ``parameters`` cell into its declarations, in order.

    Statements other than simple assignments to one name (imports, expressions) are ignored,
    as papermill does. Raises :class:`NotebookParamsError` on a syntax error.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise NotebookParamsError(
            f"{where}: the parameters cell is not valid Python (line {exc.lineno}: {exc.msg})"
        ) from None
    comments = _comments_by_line(source)
    lines = source.encode("utf-8").splitlines(keepends=True)
    params: list[Param] = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, value, annotation = node.target.id, node.value, node.annotation
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name)):
            name, value, annotation = node.targets[0].id, node.value, None
        else:
            continue
        default_source = _segment(lines, value) if value is not None else ""
        try:
            default = ast.literal_eval(value) if value is not None else None
        except ValueError:
            default = None
        if annotation is not None:
            type_name = _segment(lines, annotation) or None
            # ``list[str]`` or ``float | None``: keep the outer, checkable name when there is one
            if type_name and type_name not in KNOWN_TYPES:
                head = re.match(r"^([A-Za-z_]+)\[", type_name)
                type_name = head.group(1) if head and head.group(1) in KNOWN_TYPES else type_name
        else:
            type_name = _type_of(default)
        end = getattr(node, "end_lineno", node.lineno)
        comment = comments.get(end, comments.get(node.lineno, ""))
        unit_match = _UNIT.search(comment)
        unit = unit_match.group(1).strip() if unit_match else ""
        meaning = comment[: unit_match.start()].strip() if unit_match else comment
        params.append(Param(name, type_name, default, default_source or "", meaning, unit))
    return params


def _cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_notebook_json(path: Path) -> dict[str, Any]:
    """Read a notebook file as a plain dict (no validation), raising NotebookParamsError."""
    try:
        with open(path, encoding="utf-8") as fh:
            nb = json.load(fh)
    except OSError as exc:
        raise NotebookParamsError(f"{path}: cannot read the notebook ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise NotebookParamsError(
            f"{path}: not a notebook (invalid JSON at line {exc.lineno}: {exc.msg})"
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookParamsError(f"{path}: not a notebook (no list of cells)")
    return nb


def notebook_parameters(path: str | Path) -> list[Param]:
    """Return the parameters declared by the notebook at ``path`` (empty when it has no
    cell tagged ``parameters``)."""
    path = Path(path)
    nb = read_notebook_json(path)
    for cell in nb["cells"]:
        tags = (cell.get("metadata") or {}).get("tags") or []
        if cell.get("cell_type") == "code" and "parameters" in tags:
            return parse_parameters_source(_cell_source(cell), where=str(path))
    return []
