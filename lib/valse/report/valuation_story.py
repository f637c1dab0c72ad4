"""The figures the valuation notebook tells, built from its parameters and the facts.

Each function takes ``p``, a mapping of the ``01_valuation`` notebook's parameters (its
``globals()`` in the notebook; a scenario file merged over the notebook's defaults in the
tests), and the fact base, and returns plain numbers and tables. The notebook shows them
with one call per cell; the tests render the notebook's templates from the same functions
for every scenario, without a kernel. The models are in :mod:`valse.model.dcf` and
:mod:`valse.model.valuation`; whether OpenAI can pay its compute is
:mod:`valse.report.openai_pay`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from valse.model import uncertainty, valuation
from valse.model.deal import create_deal


def band(draws, central: float) -> tuple[float, float, float] | None:
    """P10, P50, P90 of Monte Carlo draws, or None when no honest band exists.

    Draws may be infinite (at some inputs no revenue reaches the valuation); the percentiles
    are taken on all draws, so an infinite P90 means more than a tenth of them are. None
    when a percentile is not finite or when the central value lies outside [P10, P90] (a
    scenario that puts an input at the end of its range): the notebook then records no band
    and says why, since every recorded P10–P90 must contain its central value.
    """
    values = np.sort(np.asarray(draws, dtype=float))
    if values.size == 0 or np.any(np.isnan(values)) or not np.isfinite(central):
        return None
    finite = values[np.isfinite(values)]
    if finite.size < values.size:  # percentiles by rank, so that inf never meets arithmetic
        qs = [values[min(int(np.ceil(q * values.size)) - 1, values.size - 1)]
              for q in (0.1, 0.5, 0.9)]
        lo, mid, hi = (float(q) for q in qs)
    else:
        lo, mid, hi = uncertainty.p10_p50_p90(values)
    if not (np.isfinite(hi) and lo <= central <= hi):
        return None
    return lo, mid, hi


def unreachable_share(draws) -> float:
    """Share of the draws at which no revenue reaches the valuation (infinite draws) [0–1]."""
    values = np.asarray(draws, dtype=float)
    return float(np.mean(~np.isfinite(values))) if values.size else 0.0


def post_money_usd_bn(p: Mapping[str, Any]) -> float:
    """The round's post-money valuation [USD bn]."""
    return valuation.post_money_valuation_usd_bn(
        p["pre_money_valuation_usd_bn"], p["round_size_usd_bn"]
    )


def money_to_come_usd_bn(p: Mapping[str, Any]) -> float:
    """Money the post-money counts that OpenAI had not received: Amazon's contingent part.

    ``amazon_investment − amazon_upfront`` [USD bn]. The post-money prices every committed
    share, so the DCF's equity value counts this money as the company's (an asset that comes
    with the shares it buys). Other investors' unpaid instalments are not in the facts.
    """
    return p["amazon_investment_usd_bn"] - p["amazon_upfront_usd_bn"]


def reading_of(p: Mapping[str, Any]) -> str:
    """``"rumour"`` or ``"reported"`` by :func:`valse.model.deal.reading` (the one rule).

    The valuation notebook declares the deal fields it uses; the others (labour, contract
    years) play no part in the rule and are filled with neutral values.
    """
    from valse.model.deal import DEAL_FIELDS
    from valse.model.deal import reading as rule

    neutral = {name: 0 for name in DEAL_FIELDS}
    # 1 where the valid range excludes 0 (valse.data.parameters); the rule reads neither
    neutral.update(contract_years=1, pre_money_valuation_usd_bn=1)
    neutral.update({k: p[k] for k in DEAL_FIELDS if k in p})
    return rule(create_deal(neutral))


#: Facts the round's figures stand on, by reading.
ROUND_FACTS: dict[str, list[str]] = {
    "rumour": ["rumour_openai_valuation_usd_bn", "rumour_round_size_usd_bn",
               "rumour_amazon_investment_usd_bn"],
    "reported": ["openai_premoney_2026_usd_bn", "openai_round_2026_closed_usd_bn",
                 "amazon_openai_commitment_usd_bn"],
}


# --- the bands a metric records ----------------------------------------------------------------


def _band_kw(b) -> dict[str, float]:
    return dict(p10=b[0], p50=b[1], p90=b[2]) if b else {}


def recorded_band(band_: tuple[float, float, float] | None, central: float) -> dict[str, float]:
    """``p10, p50, p90`` keyword arguments for a metric, or none when the band does not hold
    the central value (a scenario that sets an input at the end of its range): every recorded
    P10–P90 must contain its central value."""
    if band_ is None or not band_[0] <= central <= band_[2]:
        return {}
    return dict(p10=band_[0], p50=band_[1], p90=band_[2])
