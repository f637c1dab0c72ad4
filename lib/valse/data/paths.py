"""Where the project's folders are.

The project root is found from this file (``lib/valse/data/paths.py`` -> root), and can be
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
    return Path(__file__).resolve().parents[3]


#: Environment variable naming the data folder: set by ``python -m valse run --data DIR`` for
#: its kernels, so that the notebooks read the folder the run was given.
DATA_ENV = "VALSE_DATA"


def data_dir() -> Path:
    """Return the folder of the fact base: ``$VALSE_DATA`` when set, else ``data/`` of the
    project."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).resolve()
    return project_root() / "data"


def notebooks_dir() -> Path:
    """Return the folder of the clean notebook sources (``notebooks/``)."""
    return project_root() / "notebooks"


def lib_dir() -> Path:
    """Return the folder of the library sources (``lib/valse``)."""
    return Path(__file__).resolve().parents[1]
