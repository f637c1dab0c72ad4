"""The AWS contract in cash: what the part of OpenAI's contract the deal causes is worth to AWS.

Bottom-up, as a cloud provider's TCO model (SemiAnalysis-style AI-cloud build; Epoch AI's
hardware and data-centre cost data): the revenue is an input, the operating margin an output.

For contract year ``j = 1 … n`` (``n = ceil(contract_years)``), which runs from
``s + j − 1`` to ``s + j`` years after signing (``s``, the start year: the February 2026
expansion ramps from 2027):

* revenue ``R_j``: ``deal_caused_share × aws_services`` spread over the years with a linear
  ramp to full rate over ``ramp_years`` (:func:`valse.model.aws_capacity.ramp_weights`);
* accelerators needed ``N_j = R_j × 1e9 / (price × 8760 × utilisation)``; installed
  capacity ``C_j = max(N_1 … N_j)`` (capacity is never torn down before the end);
* capex at the start of the year in which capacity is added: IT systems (accelerators,
  servers, network) and the facility (shell, power, cooling), each priced per GW of site power,
  a GW holding ``1e6 / (kW per accelerator × PUE)`` accelerators (the kW from the
  accelerators a GW of IT load holds); IT is bought again at the
  end of its useful life while the contract needs it (refresh); the facility's life is longer
  than the contract;
* power ``C_j × kW × PUE × 8760 × utilisation × USD/MWh`` and operations (a yearly share of
  the IT capex installed);
* depreciation straight-line over each asset's life; tax at ``tax_rate`` on operating profit
  (a loss lowers the tax Amazon pays on its other profits: Amazon is profitable);
* residual value at the end of the contract: each asset's book value (straight-line), so its
  sale carries no tax;
* counterparty risk: with probability ``counterparty_loss_probability`` OpenAI renegotiates or
  defaults and AWS loses ``1 − counterparty_recovery_rate`` of the revenue (it re-lets part of
  the capacity); the expected lost revenue comes off every year's revenue, after tax.

Cash flows fall at the end of each year (capex at the start of its year); the NPV is at
``discount_rate`` (Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 6), the IRR
solves ``NPV = 0`` (``numpy_financial.irr``) and may be negative.

Price and utilisation may be NumPy arrays of draws (a leading axis): every capacity-driven
cost scales with ``1 / (price × utilisation)``, so the same code serves a vectorised
Monte Carlo.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy_financial as npf

from valse.model.aws_capacity import (
    HOURS_PER_YEAR,
    accelerator_kw,
    accelerators_for_revenue,
    accelerators_per_gw,
    caused_revenue_by_year_usd_bn,
    depreciation_by_year,
    purchase_schedule,
    residual_value,
)

#: Parameters (scenario or notebook names) that :func:`create_contract` reads.
CONTRACT_PARAMS: tuple[str, ...] = (
    "aws_services_usd_bn",
    "contract_years",
    "deal_caused_share",
    "accelerator_hour_price_usd",
    "gpu_utilisation",
    "accelerators_per_gw_it",
    "pue",
    "power_price_usd_per_mwh",
    "it_capex_usd_bn_per_gw",
    "facility_capex_usd_bn_per_gw",
    "it_useful_life_years",
    "facility_useful_life_years",
    "operations_share_of_it_capex",
    "tax_rate",
    "aws_contract_start_year",
    "aws_contract_ramp_years",
    "counterparty_loss_probability",
    "counterparty_recovery_rate",
    "discount_rate",
)


@dataclass(frozen=True)
class Contract:
    """The caused part of OpenAI's AWS contract and what it costs AWS to serve it."""

    aws_services_usd_bn: float  # OpenAI's AWS spending tied to the deal [USD bn]
    contract_years: float  # years over which it is consumed [years]
    deal_caused_share: float  # share of it the deal itself causes [0-1]
    accelerator_hour_price_usd: float  # price per accelerator-hour [USD]
    gpu_utilisation: float  # share of installed accelerator-hours billed [0-1]
    accelerators_per_gw_it: float  # accelerators per GW of IT load (1e6 / kW each) [count]
    pue: float  # power usage effectiveness: site power over IT power [ratio >= 1]
    power_price_usd_per_mwh: float  # price of electricity [USD per MWh]
    it_capex_usd_bn_per_gw: float  # IT systems per GW of site power [USD bn per GW]
    facility_capex_usd_bn_per_gw: float  # shell, power and cooling per GW [USD bn per GW]
    it_useful_life_years: float  # life of the IT systems [years]
    facility_useful_life_years: float  # life of the facility [years]
    operations_share_of_it_capex: float  # yearly operations cost over installed IT capex [0-1]
    tax_rate: float  # tax on AWS's operating profit from the contract [0-1]
    aws_contract_start_year: float  # years after signing when the spending starts [years]
    aws_contract_ramp_years: float  # years to reach the full spending rate [years]
    counterparty_loss_probability: float  # chance OpenAI renegotiates or defaults [0-1]
    counterparty_recovery_rate: float  # share of the revenue recovered then [0-1]
    discount_rate: float  # annual rate for present values [0-1]

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"Contract.{f.name}: expected a number, found {value!r}")
            if not value >= 0:
                raise ValueError(
                    f"Contract.{f.name}: expected a non-negative number, found {value}")
        for name in ("deal_caused_share", "gpu_utilisation", "operations_share_of_it_capex",
                     "tax_rate", "counterparty_loss_probability", "counterparty_recovery_rate",
                     "discount_rate"):
            if getattr(self, name) > 1:
                raise ValueError(f"Contract.{name}: expected a value in [0, 1], "
                                 f"found {getattr(self, name)}")
        for name in ("contract_years", "accelerator_hour_price_usd", "gpu_utilisation",
                     "accelerators_per_gw_it", "it_useful_life_years",
                     "facility_useful_life_years"):
            if not getattr(self, name) > 0:
                raise ValueError(f"Contract.{name}: expected a positive number, "
                                 f"found {getattr(self, name)}")
        if self.pue < 1:
            raise ValueError("Contract.pue: expected at least 1 (site power >= IT power), "
                             f"found {self.pue}")
        for name in ("it_useful_life_years", "facility_useful_life_years"):
            if float(getattr(self, name)) != int(getattr(self, name)):
                raise ValueError(f"Contract.{name}: expected a whole number of years, "
                                 f"found {getattr(self, name)}")


def create_contract(params: Mapping[str, Any] | None = None, /, **overrides: Any) -> Contract:
    """Build a :class:`Contract` from a parameter mapping (a scenario), with overrides.

    Keys that are not fields are ignored, so a notebook's whole parameter set can be passed.
    """
    merged = {**(params or {}), **overrides}
    names = [f.name for f in dataclasses.fields(Contract)]
    missing = [n for n in names if n not in merged]
    if missing:
        raise KeyError(f"create_contract: missing parameters {', '.join(missing)}")
    return Contract(**{n: merged[n] for n in names})


# --- pure pieces ------------------------------------------------------------------------------


def npv_usd_bn(cash_flows_usd_bn: np.ndarray, discount_rate: float) -> np.ndarray:
    """Net present value of yearly cash flows, year 0 first (last axis).

    Returns
    -------
    numpy.ndarray
        ``Σ_t cf_t / (1 + r)^t`` [USD bn].
    """
    flows = np.asarray(cash_flows_usd_bn, dtype=float)
    t = np.arange(flows.shape[-1], dtype=float)
    return (flows / (1.0 + discount_rate) ** t).sum(axis=-1)


def irr(cash_flows_usd_bn: np.ndarray) -> float:
    """Internal rate of return of yearly cash flows (``numpy_financial.irr``); NaN if none.

    Returns
    -------
    float
        ``r`` with ``Σ cf_t / (1 + r)^t = 0`` [fraction per year]; may be negative.
    """
    flows = np.asarray(cash_flows_usd_bn, dtype=float)
    if not (flows < 0).any() or not (flows > 0).any():
        return math.nan
    return float(npf.irr(flows))


def expected_loss_share(loss_probability: float, recovery_rate: float) -> float:
    """Expected share of the revenue lost to OpenAI renegotiating or defaulting.

    Returns
    -------
    float
        ``probability × (1 − recovery)`` [0–1] (expected loss = PD × LGD; the exposure is
        the revenue).
    """
    for name, v in (("loss_probability", loss_probability), ("recovery_rate", recovery_rate)):
        if not 0 <= v <= 1:
            raise ValueError(f"{name} must be in [0, 1], found {v}")
    return loss_probability * (1.0 - recovery_rate)


# --- the whole contract --------------------------------------------------------------------


def cash_flows(c: Contract, *, price: Any = None, utilisation: Any = None,
               loss_share: Any = None) -> dict[str, np.ndarray]:
    """AWS's after-tax cash flows from the caused part of the contract, line by line.

    Parameters
    ----------
    c : Contract
        The inputs.
    price, utilisation, loss_share : float or numpy.ndarray, optional
        Override ``c.accelerator_hour_price_usd``, ``c.gpu_utilisation`` and the expected
        loss share (:func:`expected_loss_share`) with arrays of draws (shape ``(d,)``): the
        lines then have a leading axis of draws.

    Returns
    -------
    dict
        By contract year (last axis ``n`` years): ``revenue``, ``expected_loss``, ``power``,
        ``operations``, ``ebitda``, ``depreciation``, ``ebit``, ``tax``, ``accelerators``
        (installed), ``it_capex``, ``facility_capex``; on the timeline from signing (last axis
        ``T = ceil(start) + n + 1`` points, year 0 first): ``times`` and ``cash_flow``
        [USD bn]; ``residual`` (at the end) [USD bn]; ``gigawatts`` (peak site power) [GW].
        Each year's revenue is reduced by its expected loss before tax.
    """
    price = np.asarray(c.accelerator_hour_price_usd if price is None else price, dtype=float)
    util = np.asarray(c.gpu_utilisation if utilisation is None else utilisation, dtype=float)
    loss = np.asarray(expected_loss_share(c.counterparty_loss_probability,
                                          c.counterparty_recovery_rate)
                      if loss_share is None else loss_share, dtype=float)
    lead = np.broadcast_shapes(price.shape, util.shape, loss.shape)
    price, util, loss = (np.broadcast_to(x, lead)[..., None] for x in (price, util, loss))
    revenue = caused_revenue_by_year_usd_bn(c.aws_services_usd_bn, c.deal_caused_share,
                                            c.contract_years, c.aws_contract_ramp_years)
    n = len(revenue)
    # a partial last year bills at a yearly rate over its length
    lengths = np.minimum(np.arange(1, n + 1, dtype=float), c.contract_years) - np.arange(n)
    needed = accelerators_for_revenue(revenue / lengths, price, util)
    installed = np.maximum.accumulate(needed, axis=-1)
    added = np.diff(installed, axis=-1, prepend=0.0)
    kw = accelerator_kw(c.accelerators_per_gw_it)
    per_gw = accelerators_per_gw(kw, c.pue)
    it_unit = c.it_capex_usd_bn_per_gw / per_gw  # USD bn per accelerator
    fac_unit = c.facility_capex_usd_bn_per_gw / per_gw
    it_bought = purchase_schedule(added, int(c.it_useful_life_years))
    fac_bought = purchase_schedule(added, int(c.facility_useful_life_years))
    it_capex, fac_capex = it_unit * it_bought, fac_unit * fac_bought
    dep = (depreciation_by_year(it_capex, int(c.it_useful_life_years))
           + depreciation_by_year(fac_capex, int(c.facility_useful_life_years)))
    mwh = installed * kw * c.pue * HOURS_PER_YEAR * util * lengths / 1e3
    power = mwh * c.power_price_usd_per_mwh / 1e9
    operations = c.operations_share_of_it_capex * it_unit * installed * lengths
    expected_loss = loss * revenue
    ebitda = revenue - expected_loss - power - operations
    ebit = ebitda - dep
    tax = c.tax_rate * ebit
    residual = (residual_value(it_capex, int(c.it_useful_life_years))
                + residual_value(fac_capex, int(c.facility_useful_life_years)))
    # timeline: capex of contract year j at start + j - 1, its operating flow at start + j
    start = c.aws_contract_start_year
    k0 = int(math.ceil(start))
    if k0 != start:
        raise ValueError(
            f"aws_contract_start_year: expected a whole number of years, found {start}")
    flows = np.zeros(lead + (k0 + n + 1,))
    flows[..., k0 : k0 + n] -= it_capex + fac_capex
    flows[..., k0 + 1 : k0 + n + 1] += ebitda - tax
    flows[..., k0 + n] += residual
    return {
        "revenue": np.broadcast_to(revenue, lead + (n,)), "expected_loss": expected_loss,
        "power": power, "operations": operations, "ebitda": ebitda, "depreciation": dep,
        "ebit": ebit, "tax": tax, "accelerators": installed, "it_capex": it_capex,
        "facility_capex": fac_capex, "residual": residual,
        "times": np.arange(k0 + n + 1, dtype=float), "cash_flow": flows,
        "gigawatts": installed.max(axis=-1) / per_gw,
    }


def contract_npv_usd_bn(c: Contract, **draws: Any) -> Any:
    """``aws_contract_npv_usd_bn``: NPV at ``discount_rate`` of :func:`cash_flows`.

    After tax, with capex, refresh and residual value, less the expected counterparty loss.
    Zero when ``deal_caused_share`` is 0 (nothing is caused, nothing is built). Returns a
    float, or an array with ``draws`` (see :func:`cash_flows`).
    """
    out = npv_usd_bn(cash_flows(c, **draws)["cash_flow"], c.discount_rate)
    return float(out) if np.ndim(out) == 0 else out


def contract_irr_pct(c: Contract) -> float:
    """``aws_contract_irr_pct``: IRR of :func:`cash_flows` [% per year]; NaN when no flows."""
    return 100.0 * irr(cash_flows(c)["cash_flow"])


def contract_npv_irr(c: Contract) -> tuple[float, float]:
    """:func:`contract_npv_usd_bn` and :func:`contract_irr_pct` from one evaluation of
    :func:`cash_flows` (a static explorer asks both of thousands of contracts; each alone
    computes the flows again).

    Returns
    -------
    (float, float)
        The NPV [USD bn] and the IRR [% per year; NaN when no flows], equal to the two
        functions' results.
    """
    flows = cash_flows(c)["cash_flow"]
    return float(npv_usd_bn(flows, c.discount_rate)), 100.0 * irr(flows)


def operating_margin(c: Contract) -> float:
    """AWS's operating margin on the caused part of the contract: an output of the model.

    Returns
    -------
    float
        ``Σ EBIT / Σ revenue`` over the contract (before the expected counterparty loss)
        [fraction]; NaN with no revenue. To be read against AWS's reported segment margins.
    """
    flows = cash_flows(c, loss_share=0.0)
    revenue = float(flows["revenue"].sum())
    return float(flows["ebit"].sum()) / revenue if revenue > 0 else math.nan


def contract_summary(c: Contract) -> dict[str, float]:
    """Headline figures of the contract, undiscounted sums and present values [USD bn].

    Returns
    -------
    dict
        ``revenue_usd_bn``, ``capex_usd_bn`` (IT with refresh, plus facility),
        ``it_capex_usd_bn``, ``facility_capex_usd_bn``, ``power_usd_bn``,
        ``operations_usd_bn``, ``tax_usd_bn``, ``residual_usd_bn``,
        ``expected_loss_usd_bn``, ``npv_usd_bn``, ``irr_pct``, ``operating_margin``,
        ``peak_gigawatts``, ``capex_usd_bn_per_gw`` (IT + facility).
    """
    f = cash_flows(c)
    npv, irr_pct = contract_npv_irr(c)
    return {
        "revenue_usd_bn": float(f["revenue"].sum()),
        "capex_usd_bn": float(f["it_capex"].sum() + f["facility_capex"].sum()),
        "it_capex_usd_bn": float(f["it_capex"].sum()),
        "facility_capex_usd_bn": float(f["facility_capex"].sum()),
        "power_usd_bn": float(f["power"].sum()),
        "operations_usd_bn": float(f["operations"].sum()),
        "tax_usd_bn": float(f["tax"].sum()),
        "residual_usd_bn": float(f["residual"]),
        "expected_loss_usd_bn": float(f["expected_loss"].sum()),
        "npv_usd_bn": npv,
        "irr_pct": irr_pct,
        "operating_margin": operating_margin(c),
        "peak_gigawatts": float(f["gigawatts"]),
        "capex_usd_bn_per_gw": c.it_capex_usd_bn_per_gw + c.facility_capex_usd_bn_per_gw,
    }


def share_of_reported_capacity(c: Contract, reported_gw: float) -> float:
    """Share of a reported capacity (the 2 GW of Trainium) the whole contract would fill.

    The peak site power needed to serve all of ``aws_services`` (caused or not) at the
    contract's price and utilisation, over ``reported_gw``.

    Returns
    -------
    float
        ``peak GW(deal_caused_share = 1) / reported_gw`` [fraction].
    """
    if not reported_gw > 0:
        raise ValueError(f"reported_gw must be positive, found {reported_gw}")
    whole = dataclasses.replace(c, deal_caused_share=1.0)
    return float(cash_flows(whole)["gigawatts"]) / reported_gw
