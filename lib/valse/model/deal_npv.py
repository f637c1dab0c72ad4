"""The deal's net present value to Amazon: the stake, the investment and the AWS contract in cash.

DESIGN.md's identities, one pure function each:

* ``amazon_deal_npv_usd_bn = amazon_stake_value_pv_usd_bn − amazon_investment_pv_usd_bn +
  aws_contract_npv_usd_bn`` (:func:`deal_npv_usd_bn`);
* ``amazon_net_cost_pv_usd_bn = amazon_investment_pv_usd_bn − aws_contract_npv_usd_bn``
  (:func:`net_cost_pv_usd_bn`): what the stake costs Amazon once AWS's value from the deal is
  counted.

The parts come from :mod:`valse.model.tranche` (the stake and the investment over the states of the
tranche and the listing) and :mod:`valse.model.aws_contract` (AWS's after-tax cash flows from the
part of OpenAI's contract the deal causes). :func:`monte_carlo_npv` draws them together
(correlated: OpenAI's value, the trigger, the counterparty loss on one latent factor; AWS's
price and utilisation on their ranges), seeded and vectorised. Reference: Brealey, Myers &
Allen, *Principles of Corporate Finance*, ch. 6 (NPV) and ch. 22 (real options); Koller,
Goedhart & Wessels, *Valuation*.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.special import ndtri  # the normal quantile; scipy.stats costs 0.8 s more to import

from valse.model import aws_contract, tranche, uncertainty

#: The NPV's metrics, in the order of the value bridge.
NPV_METRICS: tuple[str, ...] = (
    "amazon_investment_pv_usd_bn",
    "aws_contract_npv_usd_bn",
    "amazon_stake_value_pv_usd_bn",
    "amazon_deal_npv_usd_bn",
)


def deal_npv_usd_bn(stake_value_pv_usd_bn: Any, investment_pv_usd_bn: Any,
                    aws_contract_npv_usd_bn: Any) -> Any:
    """``amazon_deal_npv_usd_bn``: the deal's NPV to Amazon.

    Returns
    -------
    float or numpy.ndarray
        ``stake_value_pv − investment_pv + aws_contract_npv`` [USD bn].
    """
    return stake_value_pv_usd_bn - investment_pv_usd_bn + aws_contract_npv_usd_bn


def net_cost_pv_usd_bn(investment_pv_usd_bn: Any, aws_contract_npv_usd_bn: Any) -> Any:
    """``amazon_net_cost_pv_usd_bn``: what the stake costs Amazon net of AWS's value from the deal.

    Returns
    -------
    float or numpy.ndarray
        ``investment_pv − aws_contract_npv`` [USD bn].
    """
    return investment_pv_usd_bn - aws_contract_npv_usd_bn


def break_even_strategic_value_usd_bn(npv_usd_bn: float) -> float:
    """Strategic value (Trainium's validation, distribution rights) needed for an NPV of zero.

    Returns
    -------
    float
        ``max(0, −npv)`` [USD bn, present value]: 0 when the deal already pays on its cash.
    """
    return max(0.0, -float(npv_usd_bn))


def npv_parts(params: Mapping[str, Any]) -> dict[str, float]:
    """Every part of the NPV at the central values (expectations over the states).

    Parameters
    ----------
    params : mapping
        A scenario's parameters: those of :class:`valse.model.tranche.Tranche` and of
        :class:`valse.model.aws_contract.Contract`.

    Returns
    -------
    dict
        ``amazon_investment_pv_usd_bn``, ``amazon_stake_value_pv_usd_bn``,
        ``aws_contract_npv_usd_bn``, ``aws_contract_irr_pct`` (NaN when nothing is caused),
        ``amazon_deal_npv_usd_bn``, ``amazon_net_cost_pv_usd_bn``, ``tranche_value_usd_bn``
        (the scenario's pricing), ``tranche_value_round_usd_bn``, ``tranche_value_ipo_usd_bn``,
        ``break_even_strategic_value_usd_bn`` [USD bn].
    """
    t = tranche.create_tranche(params)
    c = aws_contract.create_contract(params)
    inv = tranche.investment_pv_usd_bn(t)
    stake = tranche.stake_value_pv_usd_bn(t)
    contract, irr_pct = aws_contract.contract_npv_irr(c)
    npv = deal_npv_usd_bn(stake, inv, contract)
    return {
        "amazon_investment_pv_usd_bn": inv,
        "amazon_stake_value_pv_usd_bn": stake,
        "aws_contract_npv_usd_bn": contract,
        "aws_contract_irr_pct": irr_pct,
        "amazon_deal_npv_usd_bn": npv,
        "amazon_net_cost_pv_usd_bn": net_cost_pv_usd_bn(inv, contract),
        "tranche_value_usd_bn": tranche.tranche_value_usd_bn(t),
        "tranche_value_round_usd_bn": tranche.tranche_value_usd_bn(t, "round"),
        "tranche_value_ipo_usd_bn": tranche.tranche_value_usd_bn(t, "ipo"),
        "break_even_strategic_value_usd_bn": break_even_strategic_value_usd_bn(npv),
    }


def npv_model_usd_bn(**params: Any) -> float:
    """``amazon_deal_npv_usd_bn`` of :func:`npv_parts` from flat keyword inputs (a tornado)."""
    return npv_parts(params)["amazon_deal_npv_usd_bn"]


#: Inputs the tornado moves, with how prose and charts name them.
TORNADO_LABELS: dict[str, str] = {
    "contingent_tranche_probability": "chance the tranche is paid (and OpenAI lists)",
    "openai_listing_value_usd_bn": "OpenAI's value at listing",
    "openai_private_value_usd_bn": "OpenAI's private mark without a listing",
    "stake_discount_rate": "discount rate of the stake",
    "accelerator_hour_price_usd": "price per accelerator-hour",
    "gpu_utilisation": "utilisation",
    "deal_caused_share": "share of the AWS spending the deal causes",
    "counterparty_loss_probability": "chance OpenAI renegotiates or defaults",
    "tax_rate": "tax rate",
    "discount_rate": "discount rate",
    "ipo_dilution": "dilution at the IPO",
}


def tornado_rows(params: Mapping[str, Any], ranges: Mapping[str, tuple[float, float]]
                 ) -> list[tuple[str, float, float, float]]:
    """One-at-a-time sensitivity of the NPV (:func:`valse.model.uncertainty.one_at_a_time`).

    Inputs whose range is a single point are left out.
    """
    moving = {k: v for k, v in ranges.items() if v[0] != v[1]}
    return uncertainty.one_at_a_time(npv_model_usd_bn, dict(params), moving)


def monte_carlo_npv(params: Mapping[str, Any], ranges: Mapping[str, tuple[float, float]],
                    n: int, seed: int, value_correlation: float,
                    default_correlation: float) -> dict[str, np.ndarray]:
    """Correlated, seeded, vectorised draws of the NPV and its parts.

    * one latent factor ``Z`` (OpenAI's fortunes) decides the state (the tranche paid and
      OpenAI listed, or not) and, with ``value_correlation``, OpenAI's value within the state
      (:func:`valse.model.tranche.draw_states`);
    * OpenAI renegotiates or defaults on the AWS contract with probability
      ``counterparty_loss_probability``, more often when ``Z`` is low: default when
      ``−ρ Z + √(1 − ρ²) ξ > Φ⁻¹(1 − PD)`` with ``ρ = default_correlation``; AWS then loses
      ``1 − counterparty_recovery_rate`` of the revenue;
    * the price per accelerator-hour and the utilisation are triangular on
      ``ranges["accelerator_hour_price_usd"]`` and ``ranges["gpu_utilisation"]`` with their
      modes at the scenario's values.

    Returns
    -------
    dict
        Arrays of ``n`` draws: ``amazon_deal_npv_usd_bn``, ``amazon_stake_value_pv_usd_bn``,
        ``amazon_investment_pv_usd_bn``, ``aws_contract_npv_usd_bn``, ``paid`` (bool),
        ``default`` (bool), ``openai_value_usd_bn``.
    """
    if not 0 <= default_correlation <= 1:
        raise ValueError(f"default_correlation must be in [0, 1], found {default_correlation}")
    gen = uncertainty.rng(seed)
    t = tranche.create_tranche(params)
    c = aws_contract.create_contract(params)
    states = tranche.draw_states(t, gen, n, value_correlation)
    stake, invest = tranche.drawn_stake_and_investment_pv(t, states)
    xi = gen.standard_normal(n)
    w = -default_correlation * states["latent"] + np.sqrt(1 - default_correlation**2) * xi
    pd = c.counterparty_loss_probability
    default = w > ndtri(1 - pd) if 0 < pd < 1 else np.full(n, pd >= 1)
    lo, hi = ranges["accelerator_hour_price_usd"]
    price = uncertainty.triangular(gen, lo, c.accelerator_hour_price_usd, hi, n)
    lo, hi = ranges["gpu_utilisation"]
    util = uncertainty.triangular(gen, lo, c.gpu_utilisation, hi, n)
    loss = np.where(default, 1.0 - c.counterparty_recovery_rate, 0.0)
    contract = np.asarray(aws_contract.contract_npv_usd_bn(
        c, price=price, utilisation=util, loss_share=loss), dtype=float)
    return {
        "amazon_deal_npv_usd_bn": deal_npv_usd_bn(stake, invest, contract),
        "amazon_stake_value_pv_usd_bn": stake,
        "amazon_investment_pv_usd_bn": invest,
        "aws_contract_npv_usd_bn": contract,
        "paid": states["paid"], "default": default,
        "openai_value_usd_bn": states["openai_value_usd_bn"],
    }


def negative_pct(npv_draws: np.ndarray) -> float:
    """``amazon_deal_npv_negative_pct``: share of draws with a negative NPV [%]."""
    draws = np.asarray(npv_draws, dtype=float)
    return 100.0 * float(np.mean(draws < 0)) if draws.size else float("nan")


def band_containing(centre: float, draws: np.ndarray) -> tuple[float, float, float] | None:
    """P10, P50, P90 of the draws when they contain the centre, else None (record no band).

    A range over the assumptions is published only when the central value lies inside it.
    """
    band = uncertainty.p10_p50_p90(draws)
    tol = 1e-9 * max(1.0, abs(centre))
    return band if band[0] - tol <= centre <= band[2] + tol else None


def bridge_steps(parts: Mapping[str, float]) -> list[tuple[str, float]]:
    """The value bridge, investment → AWS contract NPV → stake value → NPV, as signed steps.

    Returns
    -------
    list of (label, amount)
        ``−investment_pv``, ``+aws_contract_npv``, ``+stake_value_pv``; their sum is the NPV
        (the last row, a total) [USD bn].
    """
    return [
        ("what Amazon pays (expected, PV)", -parts["amazon_investment_pv_usd_bn"]),
        ("AWS contract NPV (after tax)", parts["aws_contract_npv_usd_bn"]),
        ("stake value (expected, PV)", parts["amazon_stake_value_pv_usd_bn"]),
        ("NPV to Amazon", parts["amazon_deal_npv_usd_bn"]),
    ]


def with_params(params: Mapping[str, Any], **overrides: Any) -> dict[str, Any]:
    """A copy of ``params`` with overrides (for sweeps: ``[npv_parts(with_params(p, x=v)) …]``)."""
    return {**dict(params), **overrides}

