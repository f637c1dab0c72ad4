"""Notebook 04's demand side: the providers' backlogs and the labs' contracts in them, taken
from the facts for the deal's reading, and the figures of its template
``templates/04_cross_investments/demand.md.j2``.

The computations are :func:`valse.model.flows.demand.backlog_exposure` and
:func:`~valse.model.flows.demand.customer_loss` (the share of a backlog is the valuation
notebook's :func:`valse.model.openai_finances.backlog_share_pct`); this module only picks the
facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from valse.data.facts import Fact
from valse.model.flows.demand import CONTRACT_COLUMNS, backlog_exposure, customer_loss

#: What each provider's yearly revenue in :func:`demand_contracts` is.
REVENUE_WORDS: dict[str, str] = {
    "AWS": "AWS's 2025 revenue",
    "Oracle": "Oracle's fiscal 2026 revenue guidance",
}
#: The fact that gives a term to a contract whose term is not disclosed.
UNDISCLOSED_TERM = "assumption_flow_term_undisclosed_years"


def demand_facts(reading: str) -> list[str]:
    """The fact ids :func:`demand_contracts` reads for ``reading``."""
    aws = (
        [
            "aws_backlog_q1_2026_usd_bn",
            "aws_openai_contract_expansion_usd_bn",
            "aws_openai_contract_expansion_years",
            "anthropic_aws_commitment_2026_04_usd_bn",
            "anthropic_aws_commitment_2026_04_years",
        ]
        if reading == "reported"
        else ["aws_backlog_q4_2025_usd_bn"]
    )
    oracle = (
        "flw_oracle_rpo_q3_fy2026_usd_bn"
        if reading == "reported"
        else ("flw_oracle_rpo_q2_fy2026_usd_bn")
    )
    return [
        *aws,
        "aws_openai_contract_2025_11_usd_bn",
        "aws_openai_contract_2025_11_years",
        "aws_revenue_2025_usd_bn",
        "microsoft_rpo_q2_fy2026_usd_bn",
        "microsoft_rpo_openai_share_pct",
        "anthropic_azure_commitment_usd_bn",
        UNDISCLOSED_TERM,
        oracle,
        "openai_oracle_commitment_usd_bn",
        "openai_oracle_commitment_years",
        "flw_oracle_revenue_fy2026_guidance_usd_bn",
    ]


def demand_contracts(reading: str, facts: Mapping[str, Fact]) -> pd.DataFrame:
    """The labs' contracts in AWS's, Microsoft's and Oracle's latest backlogs (one row a
    contract, :data:`~valse.model.flows.demand.CONTRACT_COLUMNS`).

    Deal as reported: AWS's backlog of 31 March 2026 holds both OpenAI contracts (November 2025,
    February 2026); Anthropic's commitment of 20 April 2026 came after it, so it is added to
    the backlog and to the parts. Rumour (January 2026): AWS's backlog of 31 December 2025 with
    OpenAI's November 2025 contract. Microsoft's commercial remaining performance obligations
    of 31 December 2025: OpenAI's reported 45 % and Anthropic's Azure commitment (terms not
    disclosed: :data:`UNDISCLOSED_TERM`). Oracle's remaining performance obligations (28
    February 2026, or 30 November 2025 in the rumour) with OpenAI's reported 300, which
    Oracle does not name. Yearly revenue: AWS's 2025, Oracle's fiscal 2026 guidance;
    Microsoft's cloud revenue is not in the facts (NaN).
    """
    v = lambda name: facts[name].number  # noqa: E731
    undisclosed = v(UNDISCLOSED_TERM)
    aws_nov = (
        "OpenAI",
        v("aws_openai_contract_2025_11_usd_bn"),
        v("aws_openai_contract_2025_11_years"),
    )
    if reading == "reported":
        anthropic = v("anthropic_aws_commitment_2026_04_usd_bn")
        aws = (
            "AWS",
            "2026-03-31, with Anthropic's commitment of 2026-04-20",
            v("aws_backlog_q1_2026_usd_bn") + anthropic,
            [
                aws_nov,
                (
                    "OpenAI",
                    v("aws_openai_contract_expansion_usd_bn"),
                    v("aws_openai_contract_expansion_years"),
                ),
                ("Anthropic", anthropic, v("anthropic_aws_commitment_2026_04_years")),
            ],
        )
        oracle_backlog, oracle_date = v("flw_oracle_rpo_q3_fy2026_usd_bn"), "2026-02-28"
    else:
        aws = ("AWS", "2025-12-31", v("aws_backlog_q4_2025_usd_bn"), [aws_nov])
        oracle_backlog, oracle_date = v("flw_oracle_rpo_q2_fy2026_usd_bn"), "2025-11-30"
    rpo = v("microsoft_rpo_q2_fy2026_usd_bn")
    providers = [
        (*aws, v("aws_revenue_2025_usd_bn")),
        (
            "Microsoft",
            "2025-12-31",
            rpo,
            [
                ("OpenAI", rpo * v("microsoft_rpo_openai_share_pct") / 100, undisclosed),
                ("Anthropic", v("anthropic_azure_commitment_usd_bn"), undisclosed),
            ],
            float("nan"),
        ),
        (
            "Oracle",
            oracle_date,
            oracle_backlog,
            [("OpenAI", v("openai_oracle_commitment_usd_bn"), v("openai_oracle_commitment_years"))],
            v("flw_oracle_revenue_fy2026_guidance_usd_bn"),
        ),
    ]
    rows = [
        (name, as_of, backlog, revenue, customer, amount, term)
        for name, as_of, backlog, parts, revenue in providers
        for customer, amount, term in parts
    ]
    return pd.DataFrame(rows, columns=CONTRACT_COLUMNS)


def demand_words(exposure: pd.DataFrame, loss: pd.DataFrame, reading_name: str) -> dict[str, Any]:
    """The figures of the template ``04_cross_investments/demand``."""
    top = exposure["share_pct"].idxmax()
    return {
        "reading_name": reading_name,
        "providers": [
            {
                "name": name,
                "as_of": str(row["as_of"]),
                "backlog": float(row["backlog_usd_bn"]),
                "share": float(row["share_pct"]),
            }
            for name, row in exposure.iterrows()
        ],
        "top": str(top),
        "low_share": float(exposure["share_pct"].min()),
        "high_share": float(exposure["share_pct"].max()),
        "top_share": float(exposure.loc[top, "share_pct"]),
        "losses": [
            {
                "provider": r.provider,
                "customer": r.customer,
                "backlog": float(r.backlog_removed_usd_bn),
                "backlog_pct": float(r.backlog_removed_pct),
                "revenue": float(r.revenue_removed_usd_bn_per_year),
                "revenue_pct": float(r.revenue_removed_pct)
                if pd.notna(r.revenue_removed_pct)
                else 0.0,
                "has_revenue_pct": bool(pd.notna(r.revenue_removed_pct)),
                "revenue_of": REVENUE_WORDS.get(r.provider, ""),
            }
            for r in loss.itertuples(index=False)
        ],
    }


def demand_side(reading: str, facts: Mapping[str, Fact]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(:func:`~valse.model.flows.demand.backlog_exposure`,
    :func:`~valse.model.flows.demand.customer_loss`) of :func:`demand_contracts`."""
    contracts = demand_contracts(reading, facts)
    return backlog_exposure(contracts), customer_loss(contracts)


def backlog_title(exposure: pd.DataFrame, scenario_name: str) -> str:
    """The backlog chart's title, its takeaway from the smallest share of the labs."""
    low = float(exposure["share_pct"].min())
    if low >= 45:
        lead = "About half or more of each provider's backlog rests on two labs"
    elif low >= 25:
        lead = "A quarter or more of each provider's backlog rests on two labs"
    else:
        lead = "Two labs hold a large part of some providers' backlogs"
    return f"{lead} — scenario {scenario_name}"
