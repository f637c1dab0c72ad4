"""The contingent tranche and OpenAI's listing, together: states, their values and the NPV's parts.

The reported trigger of Amazon's USD 35 bn tranche is an OpenAI IPO filing (a confidential one
included); the obligation lapses at the end of 2028. So the tranche and the listing are one
event, and the stake is worth a listing value in one state and a private mark in the other:

* **paid, listed** (probability ``p``, ``contingent_tranche_probability``): Amazon pays the
  contingent part at ``contingent_tranche_year``; its stake is valued at the listing
  (``listing_year``), after the IPO's dilution;
* **not paid, private** (``1 − p``: the tranche disputed, renegotiated or lapsed without a
  listing by the end of 2028): Amazon holds what the upfront part bought, valued at a private
  mark at the lapse (``lapse_year``).

Where nothing is contingent (the rumour, equity-only readings) the two states are only
"listed" and "private", with ``openai_listing_probability``.

Pricing readings of the tranche: ``"round"`` (it buys shares at the round's price, so its
value to Amazon is that of a forward on OpenAI's shares, paid only in the state where the
value is highest) and ``"ipo"`` (it buys shares at the IPO's price: worth what it costs, 0).

Values of OpenAI are lognormal, with their *mean* at the evidence (the reported listing target;
a private mark) and a volatility; :func:`draw_states` makes correlated draws for the Monte
Carlo (one latent factor drives the trigger, the value within the state and OpenAI's default on
the AWS contract: a Gaussian copula). Present values: payments at ``discount_rate``, the
stake at ``stake_discount_rate`` (OpenAI's cost of equity: the stake is equity risk).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri  # normal cdf and quantile, as scipy.stats.norm's

#: Pricing readings of the contingent tranche.
PRICINGS: tuple[str, ...] = ("round", "ipo")
#: How each pricing reading is named in prose and tables.
PRICING_NAMES: dict[str, str] = {
    "round": "priced at the round (the contingent part buys shares at the price of the 2026 round)",
    "ipo": "priced at the IPO (the contingent part buys shares at the listing price)",
}
#: Names of the two states, in order (paid first).
STATE_NAMES: tuple[str, str] = ("paid, OpenAI listed", "not paid, OpenAI private")
STATE_NAMES_NO_TRANCHE: tuple[str, str] = ("OpenAI listed", "OpenAI private")


@dataclass(frozen=True)
class Tranche:
    """Amazon's stake and contingent tranche, with the states of OpenAI's listing."""

    amazon_investment_usd_bn: float  # headline commitment [USD bn]
    amazon_upfront_usd_bn: float  # part paid at signing [USD bn]
    contingent_tranche_probability: float  # chance the contingent part is paid (= listing) [0-1]
    contingent_tranche_year: float  # when it is paid [years after signing]
    pre_money_valuation_usd_bn: float  # OpenAI's value before the round [USD bn]
    round_size_usd_bn: float  # all new money in the round, the contingent part included [USD bn]
    openai_listing_value_usd_bn: float  # mean value of OpenAI at listing [USD bn]
    openai_private_value_usd_bn: float  # mean private mark if it does not list [USD bn]
    openai_value_volatility: float  # standard deviation of log value [1]
    openai_listing_probability: float  # chance of a listing when nothing is contingent [0-1]
    listing_year: float  # when the stake is valued at the listing [years after signing]
    lapse_year: float  # when the private mark is taken (end of 2028) [years after signing]
    ipo_dilution: float  # share of OpenAI sold as new shares at the IPO [0-1]
    discount_rate: float  # Amazon's rate for its payments [0-1]
    stake_discount_rate: float  # rate for the stake's value (OpenAI's cost of equity) [0-1]
    tranche_pricing: str = "round"  # "round" or "ipo"

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "tranche_pricing":
                if value not in PRICINGS:
                    raise ValueError(f"Tranche.tranche_pricing: expected one of "
                                     f"{', '.join(PRICINGS)}, found {value!r}")
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"Tranche.{f.name}: expected a number, found {value!r}")
            if not value >= 0:
                raise ValueError(f"Tranche.{f.name}: expected a non-negative number, found {value}")
        for name in ("contingent_tranche_probability", "openai_listing_probability",
                     "ipo_dilution", "discount_rate", "stake_discount_rate"):
            if getattr(self, name) > 1:
                raise ValueError(f"Tranche.{name}: expected a value in [0, 1], "
                                 f"found {getattr(self, name)}")
        if self.amazon_upfront_usd_bn > self.amazon_investment_usd_bn:
            raise ValueError("Tranche.amazon_upfront_usd_bn: expected at most "
                             f"amazon_investment_usd_bn ({self.amazon_investment_usd_bn}), "
                             f"found {self.amazon_upfront_usd_bn}")
        if self.contingent_usd_bn > self.round_size_usd_bn + 1e-12:
            raise ValueError(f"Tranche.round_size_usd_bn: expected at least the contingent part "
                             f"({self.contingent_usd_bn}), found {self.round_size_usd_bn}")

    @property
    def contingent_usd_bn(self) -> float:
        """The part paid on milestones [USD bn]."""
        return self.amazon_investment_usd_bn - self.amazon_upfront_usd_bn

    @property
    def has_tranche(self) -> bool:
        """Whether part of the commitment is contingent."""
        return self.contingent_usd_bn > 0


def create_tranche(params: Mapping[str, Any] | None = None, /, **overrides: Any) -> Tranche:
    """Build a :class:`Tranche` from a parameter mapping, with overrides (extra keys ignored)."""
    merged = {**(params or {}), **overrides}
    names = [f.name for f in dataclasses.fields(Tranche)]
    missing = [n for n in names if n not in merged and n != "tranche_pricing"]
    if missing:
        raise KeyError(f"create_tranche: missing parameters {', '.join(missing)}")
    return Tranche(**{n: merged[n] for n in names if n in merged})


# --- pure pieces ------------------------------------------------------------------------------


def discount_factor(rate: float, years: float) -> float:
    """``1 / (1 + rate)^years`` [1]."""
    return 1.0 / (1.0 + rate) ** years


def listing_probability(t: Tranche) -> float:
    """Chance of the first state: the tranche paid with a listing (or a listing alone).

    Returns
    -------
    float
        ``contingent_tranche_probability`` when part of the commitment is contingent (the
        trigger is the IPO filing: one event), else ``openai_listing_probability`` [0–1].
    """
    return t.contingent_tranche_probability if t.has_tranche else t.openai_listing_probability


def stake_fraction(t: Tranche, paid: bool) -> float:
    """Amazon's share of OpenAI before any IPO dilution, in one state, bought at the round.

    The round's post-money counts the contingent part as if it were paid; if it is not, the
    upfront part's shares are a share of a smaller total.

    Returns
    -------
    float
        Paid and priced at the round: ``investment / (pre + round)``; otherwise
        ``upfront / (pre + round − contingent)`` [fraction].
    """
    post = t.pre_money_valuation_usd_bn + t.round_size_usd_bn
    if paid and t.tranche_pricing == "round":
        return t.amazon_investment_usd_bn / post
    return t.amazon_upfront_usd_bn / (post - t.contingent_usd_bn)


def state_stake_value_usd_bn(t: Tranche, paid: bool, openai_value_usd_bn: Any) -> Any:
    """Value of Amazon's stake in one state, for a value of OpenAI, at that state's date.

    Returns
    -------
    float or numpy.ndarray
        Listed (first state): ``stake × (1 − dilution) × V``; private: ``upfront / firm
        post-money × V`` [USD bn]. Priced at the IPO, the shares the contingent part buys are
        not included: they are worth what they cost (:func:`ipo_priced_shares_pv_usd_bn`).
    """
    v = np.asarray(openai_value_usd_bn, dtype=float)
    if paid:
        return stake_fraction(t, True) * (1.0 - t.ipo_dilution) * v
    return stake_fraction(t, False) * v


def ipo_priced_shares_pv_usd_bn(t: Tranche) -> float:
    """PV of the shares the contingent part buys at the IPO's price, in the paid state.

    Returns
    -------
    float
        ``contingent / (1 + r)^t_pay`` priced at the IPO (bought at their market price, they
        are worth their cost); 0 priced at the round or with nothing contingent [USD bn].
    """
    if t.tranche_pricing != "ipo" or not t.has_tranche:
        return 0.0
    return t.contingent_usd_bn * discount_factor(t.discount_rate, t.contingent_tranche_year)


def tranche_value_at_listing_usd_bn(t: Tranche, openai_value_usd_bn: Any) -> Any:
    """Value at the listing of the shares the contingent part buys, less what they cost.

    Returns
    -------
    float or numpy.ndarray
        Round pricing: ``contingent × ((1 − dilution) × V / post − 1)`` (a forward on the
        shares at the round's price); IPO pricing: 0 [USD bn].
    """
    v = np.asarray(openai_value_usd_bn, dtype=float)
    if t.tranche_pricing == "ipo" or not t.has_tranche:
        return 0.0 * v
    post = t.pre_money_valuation_usd_bn + t.round_size_usd_bn
    return t.contingent_usd_bn * ((1.0 - t.ipo_dilution) * v / post - 1.0)


# --- expectations at the central values --------------------------------------------------------


def states_table(t: Tranche) -> list[dict[str, Any]]:
    """The two outcomes, each with its probability and values (at the means of OpenAI's value).

    Returns
    -------
    list of dict
        One per state: ``state`` (name), ``probability``, ``openai_value_usd_bn``,
        ``amazon_pays_usd_bn`` (undiscounted), ``investment_pv_usd_bn``,
        ``stake_value_usd_bn`` (at the state's date), ``stake_value_pv_usd_bn``,
        ``npv_before_aws_usd_bn`` (stake PV − investment PV).
    """
    p = listing_probability(t)
    names = STATE_NAMES if t.has_tranche else STATE_NAMES_NO_TRANCHE
    rows = []
    for paid, prob, v, year in ((True, p, t.openai_listing_value_usd_bn, t.listing_year),
                                (False, 1.0 - p, t.openai_private_value_usd_bn, t.lapse_year)):
        pays = t.amazon_upfront_usd_bn + (t.contingent_usd_bn if paid else 0.0)
        inv_pv = t.amazon_upfront_usd_bn + (
            t.contingent_usd_bn * discount_factor(t.discount_rate, t.contingent_tranche_year)
            if paid else 0.0)
        stake = float(state_stake_value_usd_bn(t, paid, v))
        stake_pv = stake * discount_factor(t.stake_discount_rate, year) + (
            ipo_priced_shares_pv_usd_bn(t) if paid else 0.0)
        rows.append({"state": names[0 if paid else 1], "probability": prob,
                     "openai_value_usd_bn": v, "amazon_pays_usd_bn": pays,
                     "investment_pv_usd_bn": inv_pv, "stake_value_usd_bn": stake,
                     "stake_value_pv_usd_bn": stake_pv,
                     "npv_before_aws_usd_bn": stake_pv - inv_pv})
    return rows


def investment_pv_usd_bn(t: Tranche) -> float:
    """``amazon_investment_pv_usd_bn``: expected PV of what Amazon pays.

    Returns
    -------
    float
        ``upfront + p × contingent / (1 + r)^t_pay`` [USD bn].
    """
    return sum(r["probability"] * r["investment_pv_usd_bn"] for r in states_table(t))


def stake_value_pv_usd_bn(t: Tranche) -> float:
    """``amazon_stake_value_pv_usd_bn``: expected PV of the stake over the two states.

    Returns
    -------
    float
        ``p × stake_listed × (1 − d) × V_list / (1 + k)^t_list + (1 − p) × stake_private ×
        V_private / (1 + k)^t_lapse`` (plus, priced at the IPO, the PV of the shares the
        contingent part buys, equal to its cost) [USD bn]; ``k`` is ``stake_discount_rate``.
    """
    return sum(r["probability"] * r["stake_value_pv_usd_bn"] for r in states_table(t))


def tranche_value_usd_bn(t: Tranche, pricing: str | None = None) -> float:
    """``tranche_value_usd_bn``: what the right and obligation to buy the contingent part is worth.

    Parameters
    ----------
    t : Tranche
    pricing : {"round", "ipo"}, optional
        The pricing reading; defaults to ``t.tranche_pricing``.

    Returns
    -------
    float
        ``p × [contingent × (1 − d) × V_list / post / (1 + k)^t_list − contingent /
        (1 + r)^t_pay]`` priced at the round (a two-state expectation); 0 priced at the IPO;
        0 with nothing contingent [USD bn].
    """
    t = dataclasses.replace(t, tranche_pricing=pricing or t.tranche_pricing)
    if t.tranche_pricing == "ipo" or not t.has_tranche:
        return 0.0
    post = t.pre_money_valuation_usd_bn + t.round_size_usd_bn
    shares = (t.contingent_usd_bn * (1.0 - t.ipo_dilution) * t.openai_listing_value_usd_bn / post
              * discount_factor(t.stake_discount_rate, t.listing_year))
    cost = t.contingent_usd_bn * discount_factor(t.discount_rate, t.contingent_tranche_year)
    return listing_probability(t) * (shares - cost)


# --- correlated draws --------------------------------------------------------------------------


def lognormal_with_mean(mean: float, sigma: float, shocks: np.ndarray) -> np.ndarray:
    """Lognormal values with a given mean: ``mean × exp(σ z − σ² / 2)`` for standard normal z."""
    return mean * np.exp(sigma * np.asarray(shocks, dtype=float) - sigma**2 / 2.0)


def draw_states(t: Tranche, generator: np.random.Generator, n: int,
                value_correlation: float) -> dict[str, np.ndarray]:
    """Correlated draws of the state and OpenAI's value (one latent factor, a Gaussian copula).

    A latent standard normal ``Z`` (OpenAI's fortunes) decides the state: listed (and the
    tranche paid) when ``Z > Φ⁻¹(1 − p)``. Within its state, the value's shock is
    ``ρ u + √(1 − ρ²) η``, ``u`` the normal score of ``Z``'s rank inside the state and ``η``
    independent, so better fortunes mean a higher value in either state; the shock stays
    standard normal, so each state's mean stays at its evidence.

    Returns
    -------
    dict
        ``latent`` (Z), ``paid`` (bool), ``openai_value_usd_bn`` [USD bn], each of length n.
    """
    if not 0 <= value_correlation <= 1:
        raise ValueError(f"value_correlation must be in [0, 1], found {value_correlation}")
    p = listing_probability(t)
    z = generator.standard_normal(n)
    eta = generator.standard_normal(n)
    u_all = ndtr(z)
    cut = 1.0 - p
    paid = u_all > cut
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.where(paid, (u_all - cut) / max(p, 1e-300), u_all / max(cut, 1e-300))
    u = ndtri(np.clip(within, 1e-12, 1 - 1e-12))
    shock = value_correlation * u + math.sqrt(1.0 - value_correlation**2) * eta
    value = np.where(paid,
                     lognormal_with_mean(t.openai_listing_value_usd_bn,
                                         t.openai_value_volatility, shock),
                     lognormal_with_mean(t.openai_private_value_usd_bn,
                                         t.openai_value_volatility, shock))
    return {"latent": z, "paid": paid, "openai_value_usd_bn": value}


def drawn_stake_and_investment_pv(t: Tranche, draws: Mapping[str, np.ndarray]
                                  ) -> tuple[np.ndarray, np.ndarray]:
    """PV of the stake and of the investment in each draw of :func:`draw_states` [USD bn]."""
    paid = np.asarray(draws["paid"], dtype=bool)
    v = np.asarray(draws["openai_value_usd_bn"], dtype=float)
    stake = np.where(
        paid,
        np.asarray(state_stake_value_usd_bn(t, True, v))
        * discount_factor(t.stake_discount_rate, t.listing_year) + ipo_priced_shares_pv_usd_bn(t),
        np.asarray(state_stake_value_usd_bn(t, False, v))
        * discount_factor(t.stake_discount_rate, t.lapse_year))
    invest = t.amazon_upfront_usd_bn + np.where(
        paid, t.contingent_usd_bn * discount_factor(t.discount_rate, t.contingent_tranche_year),
        0.0)
    return stake, invest


# --- the one IPO valuation distribution, as notebook 01 shows it ------------------------------


def expected_holding_value_usd_bn(t: Tranche) -> float:
    """Expected value of Amazon's holding at each state's date, undiscounted.

    The same two states as the deal's NPV (:func:`states_table`): listed with the tranche paid
    (valued at the listing, after the IPO's dilution) and private (valued at a private mark at
    the lapse), each at the mean of its lognormal value.

    Returns
    -------
    float
        ``p × stake_paid × (1 − d) × V_list + (1 − p) × upfront / (post − contingent) ×
        V_private`` (plus, priced at the IPO, ``p × contingent``: shares bought at their market
        price) [USD bn].
    """
    extra = t.contingent_usd_bn if (t.tranche_pricing == "ipo" and t.has_tranche) else 0.0
    return sum(r["probability"] * (r["stake_value_usd_bn"] + (extra if i == 0 else 0.0))
               for i, r in enumerate(states_table(t)))


def drawn_holding_value_usd_bn(t: Tranche, draws: Mapping[str, np.ndarray]) -> np.ndarray:
    """Value of Amazon's holding in each draw of :func:`draw_states`, at the state's date.

    Returns
    -------
    numpy.ndarray
        Listed draws: ``stake_paid × (1 − d) × V`` (plus the contingent amount priced at the
        IPO); private draws: ``upfront / (post − contingent) × V`` [USD bn]; undiscounted, so
        that it reads against the amount paid. Its mean tends to
        :func:`expected_holding_value_usd_bn`.
    """
    paid = np.asarray(draws["paid"], dtype=bool)
    v = np.asarray(draws["openai_value_usd_bn"], dtype=float)
    extra = t.contingent_usd_bn if (t.tranche_pricing == "ipo" and t.has_tranche) else 0.0
    return np.where(paid, np.asarray(state_stake_value_usd_bn(t, True, v)) + extra,
                    np.asarray(state_stake_value_usd_bn(t, False, v)))


def lognormal_quantile_usd_bn(mean: float, sigma: float, q: float) -> float:
    """Quantile ``q`` of the lognormal with mean ``mean`` and log-sd ``sigma`` [USD bn].

    ``mean × exp(σ Φ⁻¹(q) − σ² / 2)``; the median is ``mean × exp(−σ² / 2)``, below the mean.
    """
    if not 0 < q < 1:
        raise ValueError(f"lognormal_quantile_usd_bn: q must be in (0, 1), found {q}")
    return float(mean * math.exp(sigma * ndtri(q) - sigma**2 / 2.0))
