"""Seeded Monte Carlo helpers: draws from stated ranges and their percentiles.

Every draw goes through a :class:`numpy.random.Generator` made from the scenario's
``seed`` (:func:`rng`), so two runs on the same inputs give the same numbers.
"""

from __future__ import annotations

import numpy as np


def rng(seed: int) -> np.random.Generator:
    """Return the generator for all draws of a run (PCG64 seeded with ``seed``)."""
    return np.random.default_rng(seed)


def triangular(
    generator: np.random.Generator, low: float, mode: float, high: float, n: int
) -> np.ndarray:
    """Draw ``n`` values from a triangular distribution on [low, high] peaking at ``mode``.

    The triangular law is the usual choice when a source (or an assumption) gives a low,
    a central and a high value and nothing more. A degenerate range (low == high) returns
    the constant.
    """
    if not low <= mode <= high:
        raise ValueError(f"expected low <= mode <= high, found {low}, {mode}, {high}")
    if low == high:
        return np.full(n, float(mode))
    return generator.triangular(low, mode, high, size=n)


def p10_p50_p90(values: np.ndarray) -> tuple[float, float, float]:
    """Return the 10th, 50th and 90th percentiles of ``values`` (linear interpolation)."""
    p10, p50, p90 = np.percentile(np.asarray(values, dtype=float), [10, 50, 90])
    return float(p10), float(p50), float(p90)
