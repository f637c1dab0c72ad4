"""The Monte Carlo of the flows: amounts drawn on their ranges, conditional flows
drawn as events (the same way for every one of them), and the circular share of each draw.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from valse.model.flows.cycles import decompose_amounts
from valse.model.flows.graph import AMOUNT


def draw_values(
    valued: pd.DataFrame,
    probabilities: Mapping[str, tuple[float, float, float]],
    generator: np.random.Generator,
    draws: int,
) -> np.ndarray:
    """Random values of every flow, on the basis of :func:`expected_values`.

    Each amount is drawn from its range (:func:`draw_amounts`); each conditional flow is
    then paid or not, as an event whose probability is itself drawn on its (low, central,
    high) range (:func:`tranche_paid_draws`), the same way for every one of them; the result
    is multiplied by the flow's basis factor.

    Returns
    -------
    numpy.ndarray
        Shape ``(draws, len(valued))`` [USD bn on the basis].
    """
    amounts = draw_amounts(valued, generator, draws)
    for j, fid in enumerate(valued["id"]):
        if fid in probabilities:
            low, mid, high = probabilities[fid]
            amounts[:, j] *= tranche_paid_draws(generator, low, mid, high, draws)
    return amounts * valued["factor"].to_numpy()[None, :]


def draw_amounts(flows: pd.DataFrame, generator: np.random.Generator, draws: int) -> np.ndarray:
    """Random amounts for every flow within its reported range.

    Each flow's amount is drawn from a triangular law on ``[low_usd_bn, high_usd_bn]``
    peaking at ``amount_usd_bn`` (a constant when no range is given).

    Returns
    -------
    numpy.ndarray
        Shape ``(draws, len(flows))`` [USD bn].
    """
    from valse.model.uncertainty import triangular

    columns = [
        triangular(generator, lo, mid, hi, draws)
        for lo, mid, hi in zip(
            flows["low_usd_bn"], flows[AMOUNT], flows["high_usd_bn"], strict=True
        )
    ]
    return np.column_stack(columns) if columns else np.zeros((draws, 0))


def circulation_draws(flows: pd.DataFrame, amount_draws: np.ndarray) -> pd.DataFrame:
    """Total, circular volume and circular share for each row of drawn amounts.

    Parameters
    ----------
    flows : DataFrame
        The flows (``from``, ``to``), in the order of the columns of ``amount_draws``.
    amount_draws : ndarray, shape (draws, len(flows))
        Amounts [USD bn], e.g. from :func:`draw_amounts`.

    Returns
    -------
    pandas.DataFrame
        One row per draw: ``total_flows_usd_bn``, ``circular_volume_usd_bn`` and
        ``circular_share_pct``, each the split of :func:`decompose_circulation` (computed on
        the edges' amounts, :func:`decompose_amounts`, without building a graph per draw).

    Raises
    ------
    ValueError
        When a drawn amount is negative or not finite (the message names the flow and draw).
    """
    payers, receivers = flows["from"].tolist(), flows["to"].tolist()
    amount_draws = np.asarray(amount_draws, dtype=float).reshape(len(amount_draws), len(payers))
    bad = ~np.isfinite(amount_draws) | (amount_draws < 0)
    if bad.any():  # as flow_graph says it
        row, j = np.argwhere(bad)[0]
        name = flows["id"].iloc[j] if "id" in flows.columns else int(j)
        raise ValueError(f"flow {name!r} (draw {int(row)}): {AMOUNT} must be a finite number "
                         f">= 0, found {float(amount_draws[row, j])!r}")
    # Draws often repeat (one-sided ranges, a tranche paid or not): decompose each distinct
    # set of amounts once and give every draw the answer of its set.
    distinct, which = np.unique(amount_draws, axis=0, return_inverse=True)
    answers = []
    for total in _edge_amounts(payers, receivers, distinct):
        split = decompose_amounts(total)
        answers.append((split.total_usd_bn, split.circular_volume_usd_bn, split.circular_share_pct))
    rows = np.array(answers, dtype=float).reshape(len(distinct), 3)[np.ravel(which)]
    return pd.DataFrame(
        rows, columns=["total_flows_usd_bn", "circular_volume_usd_bn", "circular_share_pct"]
    )


def _edge_amounts(payers: list[str], receivers: list[str], draws: np.ndarray) -> list[dict]:
    """For each row of ``draws`` (flows' amounts, in the flows' order), the edges' amounts
    that :func:`flow_graph` of those flows would hold, in its edge order: a graph's edges are
    listed by payer (in the order companies first appear in the flows), then by receiver
    (in the order of each pair's first flow of a non-zero amount); parallel flows are added
    in the flows' order, from 0.0 (the same float sums as the graph's)."""
    nodes = {n: k for k, n in enumerate(dict.fromkeys(
        name for pair in zip(payers, receivers, strict=True) for name in pair))}
    pairs = list(zip(payers, receivers, strict=True))
    column = {pair: k for k, pair in enumerate(dict.fromkeys(pairs))}
    sums = np.zeros((len(draws), len(column)))
    for j, pair in enumerate(pairs):  # one column at a time: the graph's order of additions
        sums[:, column[pair]] += draws[:, j]
    out = []
    for row, summed in zip(draws.tolist(), sums.tolist(), strict=True):
        first: dict[tuple[str, str], int] = {}
        for j, (pair, amount) in enumerate(zip(pairs, row, strict=True)):
            if amount != 0 and pair not in first:
                first[pair] = j
        order = sorted(first, key=lambda pair: (nodes[pair[0]], first[pair]))
        out.append({pair: summed[column[pair]] for pair in order})
    return out


def circular_share_pct_draws(flows: pd.DataFrame, amount_draws: np.ndarray) -> np.ndarray:
    """Circular share [%] of the flows for each row of drawn amounts (see
    :func:`circulation_draws`)."""
    return circulation_draws(flows, amount_draws)["circular_share_pct"].to_numpy()


def tranche_paid_draws(
    generator: np.random.Generator,
    probability_low: float,
    probability: float,
    probability_high: float,
    draws: int,
) -> np.ndarray:
    """Whether a milestone-dependent tranche is paid, draw by draw.

    The probability is drawn from a triangular law on ``[low, high]`` peaking at
    ``probability`` [0–1]; then the tranche is paid (1.0) with that probability, else not
    (0.0). Returns an array of ``draws`` zeros and ones (multiply a tranche's amount by it).
    """
    from valse.model.uncertainty import triangular

    for name, value in (
        ("probability_low", probability_low),
        ("probability", probability),
        ("probability_high", probability_high),
    ):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name}: expected a probability in [0, 1], found {value!r}")
    chance = triangular(generator, probability_low, probability, probability_high, draws)
    return (generator.random(draws) < chance).astype(float)
