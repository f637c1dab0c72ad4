"""Where the project's folders are.

The project root is found from this file (``lib/valse/paths.py`` -> root), and can be
overridden with the ``VALSE_ROOT`` environment variable, for example when the package is
installed elsewhere and run against a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Return the root of the checkout (the folder holding ``data/`` and ``notebooks/``)."""
    env = os.environ.get("VALSE_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Return the folder of the fact base (``data/``)."""
    return project_root() / "data"


def notebooks_dir() -> Path:
    """Return the folder of the clean notebook sources (``notebooks/``)."""
    return project_root() / "notebooks"


def lib_dir() -> Path:
    """Return the folder of the library sources (``lib/valse``)."""
    return Path(__file__).resolve().parent
