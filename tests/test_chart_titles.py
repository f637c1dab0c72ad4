"""Chart titles state the takeaway, and the takeaway follows the numbers."""

import numpy as np
import pandas as pd

from valse.report import chart_titles as t


def test_bridge_and_contract_titles_follow_the_sign():
    assert t.bridge_title(-10.79, "base") == (
        "Amazon's stake is worth less than it pays: the deal loses USD 10.8 billion in present "
        "value (base)")
    assert "worth more than it pays" in t.bridge_title(2.8, "smaller_deal")
    assert "loses AWS USD 4.9 billion" in t.contract_title(-4.9, "base")
    assert "earns AWS USD 1.0 billion" in t.contract_title(1.0, "bull")


def test_sweep_states_histogram_tornado_by_hand():
    sweep = pd.DataFrame({"NPV to Amazon (USD bn)": [-8.0, -10.0, -12.0]})
    assert t.sweep_title(sweep).endswith("the lower its NPV to Amazon")
    col = "stake PV − investment PV (USD bn)"
    states = pd.DataFrame({col: [-6.1, -5.2, -5.9]})
    assert "loses in both outcomes, more if the tranche is paid" in t.states_title(states, "b")
    states = pd.DataFrame({col: [3.0, -5.2, 1.0]})
    assert "does better if the tranche is paid and OpenAI lists" in t.states_title(states, "b")
    # two of four draws below zero
    assert t.histogram_title(np.array([-1.0, 2.0, -3.0, 4.0])) == (
        "The NPV is negative in 50% of 4 correlated draws")
    rows = [("a", 0.0, 1.0, 1.0), ("price", -5.0, 5.0, 10.0)]
    assert t.tornado_title(rows, {"price": "price per accelerator-hour"}) == (
        "The price per accelerator-hour moves the NPV most, by USD 10.0 billion")


def test_question_titles_say_the_figure_or_fall_back():
    best = {"amazon_investment_pv_usd_bn": {"value": 42.3},
            "amazon_stake_value_pv_usd_bn": {"value": 36.4},
            "circular_share_pct": {"value": 8.7}}
    titles = t.question_titles(best, {"confirmed": 16, "reported": 4, "denied": 0,
                                      "unverified": 4},
                               {"reported_npv": -10.8, "rumour_npv": -10.7})
    assert titles["q1"] == "Q1 · Amazon pays USD 42.3 billion for a stake worth USD 36.4 billion"
    assert titles["q4"] == "Q4 · Only 8.7% of the money goes round"
    assert titles["q8"] == "Q8 · 16 of the article's 24 claims are confirmed"
    assert "USD 0.1 billion less" in titles["q9"]
    assert titles["q2"] == "Q2 · Stakes after the round"  # not recorded: no claim
