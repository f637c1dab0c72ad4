"""Seeded Monte Carlo helpers: draws from stated ranges and their percentiles.

Every draw goes through a :class:`numpy.random.Generator` made from the scenario's
``seed`` (:func:`rng`), so two runs on the same inputs give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

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


def one_at_a_time(
    model: Callable[..., float],
    base: Mapping[str, float],
    ranges: Mapping[str, tuple[float, float]],
) -> list[tuple[str, float, float, float]]:
    """Sensitivity of ``model`` to each input moved alone to its low and high value.

    Parameters
    ----------
    model : callable
        ``model(**inputs) -> float``.
    base : mapping
        Central value of every input.
    ranges : mapping name -> (low, high)
        The inputs to move and their bounds (the others stay at ``base``).

    Returns
    -------
    list of (name, output_at_low, output_at_high, swing)
        Sorted by ``swing = |high − low|``, largest first: the rows of a tornado chart.
    """
    central = dict(base)
    rows = []
    for name, (low, high) in ranges.items():
        at_low = float(model(**{**central, name: low}))
        at_high = float(model(**{**central, name: high}))
        rows.append((name, at_low, at_high, abs(at_high - at_low)))
    return sorted(rows, key=lambda r: (-r[3], r[0]))


def monte_carlo(
    model: Callable[..., float],
    base: Mapping[str, float],
    ranges: Mapping[str, tuple[float, float]],
    n: int,
    seed: int,
) -> np.ndarray:
    """Draw every input of ``ranges`` from a triangular law and evaluate ``model``.

    Each input ``name`` is drawn on ``ranges[name]`` with its mode at ``base[name]``;
    inputs are independent; draws are made in the sorted order of the names from one
    generator seeded with ``seed``, so the result is reproducible.

    The model is first called once with arrays of draws (fast when it is written with
    NumPy operations); that answer is used only if it has one finite-or-NaN value per draw
    and agrees with draw-by-draw calls on a sample of draws. Otherwise (a model with
    ``if`` tests, ``min``/``max`` of scalars, validation that refuses arrays) the model is
    evaluated draw by draw. Either way the result is the same.

    Returns
    -------
    numpy.ndarray
        ``n`` outputs of ``model``.
    """
    gen = rng(seed)
    draws = {
        name: triangular(gen, low, base[name], high, n)
        for name, (low, high) in sorted(ranges.items())
    }
    fixed = {k: v for k, v in base.items() if k not in draws}

    def one(i: int) -> float:
        return model(**fixed, **{k: float(v[i]) for k, v in draws.items()})

    vectorised = _try_vectorised(model, fixed, draws, n, one)
    if vectorised is not None:
        return vectorised
    return np.array([one(i) for i in range(n)])


def _try_vectorised(model, fixed, draws, n, one) -> np.ndarray | None:
    """Evaluate ``model`` on whole arrays; None when that is not the draw-by-draw answer."""
    if n == 0 or not draws:
        return None
    try:
        with np.errstate(all="ignore"):
            out = np.asarray(model(**fixed, **draws), dtype=float)
    except Exception:  # noqa: BLE001 - any failure means: evaluate draw by draw
        return None
    if out.shape != (n,):
        return None
    sample = sorted({0, n // 2, n - 1, *range(0, n, max(1, n // 7))})
    try:
        expected = np.array([one(i) for i in sample], dtype=float)
    except Exception:  # noqa: BLE001 - let the draw-by-draw loop raise it
        return None
    if not np.allclose(out[sample], expected, rtol=1e-12, atol=1e-12, equal_nan=True):
        return None
    return out
