"""The summary: scenarios side by side, a cross-check against recorded metrics, headlines.

The summary notebook (``05_summary``) runs after the others and reads the metric records
they left (``metrics.json``, records of :mod:`valse.report.record`). This module holds its logic:

- :func:`scenario_key_figures` / :func:`scenario_comparison`: the core headline metrics of
  every scenario, computed by calling the library directly (cheap, no notebook needed);
- :func:`cross_check`: those figures against the records of the scenarios that were run,
  one row per (scenario, metric, notebook) with the gap and whether it is within tolerance;
- :func:`headline_table`: the figures that matter, picked from the records with their
  P10–P90 ranges.

The functions are pure except :func:`load_scenario_files`, :func:`read_records` and
:func:`published_records`, which read files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from valse.model import valuation
from valse.model.deal import create_deal, headline_metrics

#: Figures of :func:`scenario_key_figures`, with their units: the core headline metrics of
#: DESIGN.md plus the two stakes of a commitment paid partly on milestones.
KEY_FIGURES: dict[str, str] = {
    "post_money_valuation_usd_bn": "USD bn",
    "amazon_stake_pct": "%",
    "amazon_expected_stake_pct": "%",
    "amazon_stake_if_milestones_missed_pct": "%",
    "amazon_expected_investment_usd_bn": "USD bn",
    "circularity_pct": "%",
    "layoff_savings_usd_bn_per_year": "USD bn per year",
    "years_of_savings_to_match_investment": "years",
}

#: Short reader-facing names of parameters and metrics (tables, claims tracker).
SHORT_LABELS: dict[str, str] = {
    "amazon_investment_usd_bn": "headline investment",
    "amazon_upfront_usd_bn": "paid at signing",
    "contingent_tranche_probability": "chance the milestone part is paid",
    "aws_services_usd_bn": "AWS spending tied to the deal",
    "round_size_usd_bn": "round size",
    "pre_money_valuation_usd_bn": "pre-money valuation",
    "aws_ai_operating_margin": "AWS margin on AI compute",
    "contract_years": "contract length (years)",
    "discount_rate": "discount rate",
    "roles_cut": "roles cut",
    "cost_per_role_usd_k": "cost per role (USD k)",
    "post_money_valuation_usd_bn": "post-money valuation",
    "amazon_stake_pct": "Amazon's stake",
    "amazon_expected_stake_pct": "expected stake",
    "amazon_stake_if_milestones_missed_pct": "stake if milestones are missed",
    "amazon_expected_investment_usd_bn": "expected investment",
    "circularity_pct": "circularity (a size ratio, not money returned)",
    "amazon_deal_npv_usd_bn": "NPV to Amazon",
    "amazon_net_cost_pv_usd_bn": "net cost of the stake, present value",
    "amazon_investment_pv_usd_bn": "what Amazon pays, present value",
    "amazon_stake_value_pv_usd_bn": "stake value, present value",
    "aws_contract_npv_usd_bn": "AWS contract NPV (after tax)",
    "aws_contract_irr_pct": "AWS contract IRR",
    "tranche_value_usd_bn": "value of the contingent tranche",
    "amazon_deal_npv_negative_pct": "chance the NPV is negative",
    "amazon_break_even_strategic_value_usd_bn": "strategic value needed to break even",
    "deal_caused_share": "share of the AWS spending the deal causes",
    "layoff_savings_usd_bn_per_year": "layoff savings",
    "years_of_savings_to_match_investment": "years of savings to match the investment",
    "cloud_hhi": "cloud market HHI",
    "cloud_hhi_after_shift": "cloud market HHI after the deal's shift",
    "cloud_hhi_delta": "HHI change from the deal",
    "amazon_stake_value_at_ipo_usd_bn": "Amazon's stake at the IPO",
    "microsoft_stake_after_round_pct": "Microsoft's stake after the round",
    "aws_revenue_share_pct_peak_year": "share of AWS revenue, peak year",
    "aws_growth_share_pct_first_year": "share of AWS growth, first year",
    "total_flows_usd_bn": "all money in the web",
    "one_way_volume_usd_bn": "money that goes one way",
    "circular_volume_usd_bn": "money that goes round",
    "max_circular_volume_usd_bn": "most that could go round",
    "circular_share_pct": "share of the money that goes round",
    "payroll_share_of_ai_funding_pct": "payroll savings in AI funding",
    "savings_share_of_ai_capex_pct": "layoff savings / AI capex",
    "savings_share_of_aws_operating_income_pct": "layoff savings / AWS operating income",
}

#: The figures of the executive summary (when recorded), in reading order: what the deal is
#: worth to Amazon and what the stake costs it, what AWS gets, who pays what, the stake, the
#: money that goes round, the payroll. (The first edition's net cash outlay and margin-based
#: economic cost are retired: they counted AWS revenue, or its accounting margin, as money
#: returned.)
HEADLINE_METRICS: tuple[str, ...] = (
    "amazon_deal_npv_usd_bn",
    "amazon_net_cost_pv_usd_bn",
    "aws_contract_npv_usd_bn",
    "amazon_expected_investment_usd_bn",
    "amazon_stake_pct",
    "amazon_stake_value_at_ipo_usd_bn",
    "aws_revenue_share_pct_peak_year",
    "circular_share_pct",
    "years_of_savings_to_match_investment",
)


def scenario_key_figures(params: Mapping[str, Any]) -> dict[str, float]:
    """Key figures of one scenario, from its parameters, by direct library calls.

    Parameters
    ----------
    params : mapping
        The core parameters of DESIGN.md (other keys are ignored).

    Returns
    -------
    dict name -> value
        :func:`valse.model.deal.headline_metrics` of the deal, plus
        ``amazon_expected_stake_pct`` (:func:`valse.model.valuation.expected_stake_pct`) and
        ``amazon_stake_if_milestones_missed_pct``
        (:func:`valse.model.valuation.stake_if_milestones_missed_pct`), in %. Units in
        :data:`KEY_FIGURES`.
    """
    deal = create_deal(params)
    figures = headline_metrics(deal)
    args = (
        deal.amazon_investment_usd_bn,
        deal.amazon_upfront_usd_bn,
        deal.round_size_usd_bn,
        deal.pre_money_valuation_usd_bn,
    )
    figures["amazon_stake_if_milestones_missed_pct"] = valuation.stake_if_milestones_missed_pct(
        *args
    )
    figures["amazon_expected_stake_pct"] = valuation.expected_stake_pct(
        args[0], args[1], deal.contingent_tranche_probability, args[2], args[3]
    )
    return {name: float(figures[name]) for name in KEY_FIGURES}


def scenario_comparison(scenarios: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Key figures of several scenarios side by side.

    Parameters
    ----------
    scenarios : mapping scenario name -> parameters
        In the order the rows should appear.

    Returns
    -------
    DataFrame
        One row per scenario (index ``scenario``), one column per figure of
        :data:`KEY_FIGURES`.
    """
    rows = {name: scenario_key_figures(params) for name, params in scenarios.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(KEY_FIGURES))
    frame.index.name = "scenario"
    return frame


def load_scenario_files(paths: Iterable[str | Path]) -> dict[str, dict[str, Any]]:
    """Read scenario files into ``{name: {"description": str, **parameters}}`` (file order).

    The name is the file's stem, as in :mod:`valse.data.scenarios`. Values are not validated
    here beyond YAML; :func:`scenario_key_figures` validates the core ones through
    :class:`valse.model.deal.Deal`.
    """
    from valse.data.scenarios import load_yaml_mapping

    out: dict[str, dict[str, Any]] = {}
    for p in paths:
        p = Path(p)
        data = load_yaml_mapping(p)
        data["description"] = " ".join(str(data.get("description") or "").split())
        out[p.stem] = data
    return out


def _agrees(a: float, b: float, rtol: float, atol: float) -> bool:
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def cross_check(
    computed: pd.DataFrame,
    recorded: Mapping[str, Sequence[Mapping[str, Any]]],
    rtol: float = 1e-9,
    atol: float = 1e-12,
) -> pd.DataFrame:
    """Compare the figures computed for each scenario with the metrics its notebooks recorded.

    Parameters
    ----------
    computed : DataFrame
        Output of :func:`scenario_comparison` (scenario x figure).
    recorded : mapping scenario -> list of metric records
        The records of each scenario that was run (``metrics.json``).
    rtol, atol : float
        Two values agree when ``|c − r| <= atol + rtol × max(|c|, |r|)``.

    Returns
    -------
    DataFrame
        One row per (scenario, figure, notebook) found on both sides, columns ``scenario,
        metric, notebook, computed, recorded, gap, rel_gap, agree``, where ``gap = recorded −
        computed`` and ``rel_gap = |gap| / max(|c|, |r|)`` (0 when both are 0). Scenarios or
        figures present on one side only are left out.
    """
    if rtol < 0 or atol < 0:
        raise ValueError(f"cross_check: expected rtol, atol >= 0, found {rtol}, {atol}")
    rows = []
    for scenario, records in recorded.items():
        if scenario not in computed.index:
            continue
        for rec in records:
            name = rec.get("name")
            if name not in computed.columns:
                continue
            c = float(computed.loc[scenario, name])
            r = float(rec["value"])
            scale = max(abs(c), abs(r))
            rows.append(
                {
                    "scenario": scenario,
                    "metric": name,
                    "notebook": rec.get("notebook") or "",
                    "computed": c,
                    "recorded": r,
                    "gap": r - c,
                    "rel_gap": abs(r - c) / scale if scale > 0 else 0.0,
                    "agree": _agrees(c, r, rtol, atol),
                }
            )
    columns = ["scenario", "metric", "notebook", "computed", "recorded", "gap", "rel_gap", "agree"]
    return pd.DataFrame(rows, columns=columns)


def disagreements(checks: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`cross_check` whose values disagree beyond the tolerance."""
    return checks[~checks["agree"].astype(bool)]


def best_records(records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """One record per metric name: the first that has a P10–P90 range, else the first seen.

    Several notebooks may record the same figure (``amazon_stake_pct`` in the overview and
    the valuation notebook); the summary shows one, preferring the one with a range.
    """
    best: dict[str, dict[str, Any]] = {}
    for rec in records:
        name = rec["name"]
        if name not in best or ("p10" in rec and "p10" not in best[name]):
            best[name] = dict(rec)
    return best


def headline_table(records: Iterable[Mapping[str, Any]], names: Sequence[str]) -> pd.DataFrame:
    """The figures ``names`` picked from the records, with their P10–P90 ranges.

    Returns
    -------
    DataFrame
        Indexed by metric name, in the order given (names without a record are left out);
        columns ``value, p10, p90, unit, label, notebook, sources`` (p10 and p90 are NaN where
        the record has no range; sources is a list of fact ids).
    """
    best = best_records(records)
    rows = []
    for name in names:
        rec = best.get(name)
        if rec is None:
            continue
        rows.append(
            {
                "metric": name,
                "value": float(rec["value"]),
                "p10": float(rec["p10"]) if "p10" in rec else math.nan,
                "p90": float(rec["p90"]) if "p90" in rec else math.nan,
                "unit": rec.get("unit", ""),
                "label": rec.get("label", ""),
                "notebook": rec.get("notebook") or "",
                "sources": list(rec.get("sources") or []),
            }
        )
    columns = ["metric", "value", "p10", "p90", "unit", "label", "notebook", "sources"]
    return pd.DataFrame(rows, columns=columns).set_index("metric")


def format_value(value: float, unit: str) -> str:
    """A figure for prose: ``USD 32.5 billion``, ``5.9%``, ``7.4 years``, ``1,421 HHI points``.

    Amounts are written without a dollar sign: JupyterLab would typeset a pair of them as
    mathematics.
    """
    if unit.startswith("USD bn"):
        sign = "−" if value < 0 else ""
        tail = " a year" if unit.endswith("per year") else ""
        return f"{sign}USD {abs(value):,.1f} billion{tail}"
    if unit.startswith("%"):
        return f"{value:,.1f}%{unit[1:]}"
    if abs(value) >= 1000:
        return f"{value:,.0f} {unit}"
    return f"{value:,.3g} {unit}"


#: One plain sentence per headline metric: ``{value}`` is the figure in bold, ``{range}`` its
#: P10–P90 range in brackets (or nothing).
PLAIN_SENTENCES: dict[str, str] = {
    "amazon_expected_investment_usd_bn": (
        "Counting the milestone part at its probability, Amazon is expected to invest "
        "{value}{range}, an expectation: it pays either the upfront part or all of it."
    ),
    "amazon_deal_npv_usd_bn": (
        "On its cash flows, the deal's expected net present value to Amazon is {value}{range}."
    ),
    "amazon_net_cost_pv_usd_bn": (
        "Amazon's real exposure is the equity: net of what the AWS contract the deal causes is "
        "worth, the stake costs it {value} in today's money{range}."
    ),
    "aws_contract_npv_usd_bn": (
        "The part of OpenAI's AWS contract the deal causes is worth {value} to AWS after its "
        "capex, running costs and tax{range}: revenue, not money returned."
    ),
    "amazon_stake_pct": "If the whole commitment is paid, Amazon owns {value} of OpenAI{range}.",
    "amazon_stake_value_at_ipo_usd_bn": (
        "Amazon's expected stake could be worth {value} at the IPO{range}."
    ),
    "aws_revenue_share_pct_peak_year": (
        "In its peak year, the AWS contract is {value} of AWS's revenue{range}."
    ),
    "circular_share_pct": (
        "Of all the money committed between the companies in the data, {value} goes round in "
        "closed loops{range}."
    ),
    "years_of_savings_to_match_investment": (
        "The layoffs' yearly savings would take {value} to add up to Amazon's commitment{range}."
    ),
}


def headline_sentence(row: Mapping[str, Any], name: str | None = None) -> str:
    """One plain sentence for a row of :func:`headline_table`: value and range.

    Uses :data:`PLAIN_SENTENCES` for ``name`` when it has one, else the record's label.
    """
    value = f"**{format_value(row['value'], row['unit'])}**"
    spread = ""
    p10, p90 = row.get("p10"), row.get("p90")
    if p10 is not None and p90 is not None and not (math.isnan(p10) or math.isnan(p90)):
        if math.isclose(p10, p90, rel_tol=1e-9, abs_tol=1e-12):
            spread = " (no spread over the assumptions' ranges)"
        else:
            spread = (
                f" (P10–P90 over the assumptions {format_value(p10, row['unit'])} to "
                f"{format_value(p90, row['unit'])})"
            )
    template = PLAIN_SENTENCES.get(name or "")
    if template:
        return template.format(value=value, range=spread)
    from valse.report.sanitize import md_escape

    return f"{md_escape(row['label'].rstrip('.'))}: {value}{spread}."


def records_with_computed(
    records: Iterable[Mapping[str, Any]],
    computed: Mapping[str, float],
    label: str = "computed by the summary from the scenario's parameters",
) -> list[dict[str, Any]]:
    """The records, plus a record without range for each computed figure not recorded.

    Lets the summary show the core figures even when the other notebooks have not run;
    the added records carry ``notebook = "05_summary (library)"`` and no sources.
    """
    out = [dict(r) for r in records]
    have = {r["name"] for r in out}
    for name, value in computed.items():
        if name not in have:
            out.append(
                {
                    "notebook": "05_summary (library)",
                    "name": name,
                    "value": float(value),
                    "unit": KEY_FIGURES.get(name, ""),
                    "label": SHORT_LABELS.get(name, name).capitalize() + f" ({label})",
                    "sources": [],
                    "params": [],
                }
            )
    return out


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Read a ``metrics.json`` (a JSON list of metric records); ValueError if it is not one."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(
        isinstance(r, dict) and "name" in r and "value" in r for r in data
    ):
        raise ValueError(f"{path}: expected a JSON list of metric records (name, value, …)")
    return data


def published_records(
    outputs_dir: str | Path, scenario_names: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """Records of the scenarios published under ``outputs_dir`` (``<name>/metrics.json``).

    Scenarios without a readable ``metrics.json`` are left out.
    """
    found: dict[str, list[dict[str, Any]]] = {}
    for name in scenario_names:
        path = Path(outputs_dir) / name / "metrics.json"
        if path.is_file():
            try:
                found[name] = read_records(path)
            except (OSError, ValueError):  # unreadable, or replaced by a concurrent run
                continue
    return found


def sources_of(table: pd.DataFrame, known: Iterable[str]) -> list[str]:
    """Fact ids named by the rows of :func:`headline_table` that exist in ``known``, sorted."""
    known = set(known)
    ids = {s for sources in table.get("sources", []) for s in sources}
    return sorted(ids & known)


def bar_label(value: float) -> str:
    """A chart label for a bar: ``1,370``, ``32.5``, ``5.87``, ``0``."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def dollars_as_usd(text: str) -> str:
    """Text from the data (a scenario's description) for Markdown: escaped, so that it shows
    as written and never as markup (:func:`valse.report.sanitize.md_escape`), with ``$50B`` written
    ``USD 50B``.

    JupyterLab typesets the text between two dollar signs as mathematics, and no escape
    works both there and on the exported pages.
    """
    import re

    from valse.report.sanitize import md_escape

    return md_escape(re.sub(r"\$\s?(?=\d)", "USD ", text))


def claims_view(tracker: pd.DataFrame):
    """The claims tracker (:func:`valse.data.claims.claims_frame`) as a table for the page.

    Cells are HTML-escaped, text left-aligned; the table's id is fixed (``T_claims``) where
    pandas' Styler would draw a random one, so that the same inputs give the same page bytes.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    return (tracker.reset_index(drop=True).style.set_uuid("claims").hide(axis="index")
            .format(escape="html")
            .set_properties(**{"text-align": "left", "vertical-align": "top", "font-size": "90%"})
            .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}]))


def scenario_order(names: Iterable[str]) -> list[str]:
    """Scenario names with ``base`` (the deal as reported) and ``rumour`` first, then sorted."""
    names = list(dict.fromkeys(names))
    first = [n for n in ("base", "rumour") if n in names]
    return first + sorted(n for n in names if n not in first)


def band_chart(
    table: pd.DataFrame, xlabel: str, title: str, labels: Mapping[str, str] | None = None
):
    """Horizontal bars of the rows of :func:`headline_table`, with P10–P90 whiskers.

    Returns
    -------
    (Figure, Axes)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from valse.report.charts import PALETTE

    labels = {**SHORT_LABELS, **(labels or {})}
    n = len(table)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * n + 1.5))
    y = np.arange(n)
    values = table["value"].to_numpy(dtype=float)
    ax.barh(y, values, color=PALETTE[0], height=0.6)
    banded = table["p10"].notna().to_numpy() & table["p90"].notna().to_numpy()
    if banded.any():
        lo = (values - table["p10"].to_numpy(dtype=float))[banded]
        hi = (table["p90"].to_numpy(dtype=float) - values)[banded]
        ax.errorbar(
            values[banded],
            y[banded],
            xerr=np.abs(np.vstack([lo, hi])),
            fmt="none",
            ecolor="black",
            capsize=4,
            label="P10–P90",
        )
        ax.legend(loc="best", fontsize=8)
    span = max(float(np.nanmax(np.abs(values))), 1e-12)
    for yi, v in zip(y, values, strict=True):
        ax.text(
            v + (0.01 if v >= 0 else -0.01) * span,
            yi + 0.3,
            bar_label(v),
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=8,
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [labels.get(i, i) for i in table.index])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig, ax


def grouped_chart(
    frame: pd.DataFrame,
    xlabel: str,
    title: str,
    colours: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
):
    """Horizontal grouped bars: one group per row of ``frame``, one bar per column.

    Returns
    -------
    (Figure, Axes)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from valse.report.charts import PALETTE

    labels = {**SHORT_LABELS, **(labels or {})}
    colours = colours or {}
    rows, cols = len(frame.index), len(frame.columns)
    fig, ax = plt.subplots(figsize=(7.5, 0.2 * rows * cols + 1.8))
    y = np.arange(rows)
    height = 0.8 / cols
    for j, col in enumerate(frame.columns):
        values = frame[col].to_numpy(dtype=float)
        offset = (j - (cols - 1) / 2) * height
        ax.barh(
            y + offset,
            values,
            height=height * 0.95,
            label=labels.get(col, col),
            color=colours.get(col, PALETTE[j % len(PALETTE)]),
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [labels.get(i, i) for i in frame.index])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig, ax


def outputs_root(metrics_path: str | Path) -> Path:
    """The output folder of a pipeline run, from the ``metrics_path`` it gave the summary.

    The pipeline writes that file inside a hidden build folder of the output folder
    (``OUT/.build-…/.work/metrics_so_far.json`` or ``OUT/.runs/<run>/.work/…``), next to the
    published scenarios (``OUT/<scenario>/metrics.json``). Returns the parent of the nearest
    ancestor named ``.runs`` or ``.build…``; the file's own folder when there is none.
    """
    path = Path(metrics_path).absolute()
    for parent in path.parents:
        if parent.name == ".runs" or parent.name.startswith(".build"):
            return parent.parent
    return path.parent


def npv_figures(values: Mapping[str, float], params: Mapping[str, Any]) -> dict[str, Any]:
    """Context of the summary's templates on the NPV (``05_summary/who_pays``, ``aws``).

    Parameters
    ----------
    values : mapping
        Recorded metric values by name (the NPV metrics of the cloud-economics notebook).
    params : mapping
        The scenario's core parameters (for the headline investment and the reading).
    """
    from valse.model import deal

    d = create_deal(params)
    label = (deal.CASE_NAMES["no_deal"] if deal.case(d) == "no_deal"
             else deal.READING_NAMES[deal.reading(d)])
    out: dict[str, Any] = {"reading_label": label,
                           "amazon_investment_usd_bn": d.amazon_investment_usd_bn,
                           "aws_contract_irr_pct": None}
    out.update({k: float(v) for k, v in values.items()})
    irr = out.get("aws_contract_irr_pct")
    if irr is not None and not math.isfinite(irr):
        out["aws_contract_irr_pct"] = None
    return out


def ranking_figures(table: pd.DataFrame, investments: Mapping[str, float]) -> dict[str, Any]:
    """Context of ``05_summary/ranking`` from a table sorted by NPV (best first)."""
    npv = table["amazon_deal_npv_usd_bn"]
    invested = [n for n in table.index if investments.get(n, 0) > 0]
    return {"best": str(npv.index[0]), "best_npv": float(npv.iloc[0]),
            "worst": str(npv.index[-1]), "worst_npv": float(npv.iloc[-1]),
            "invested_count": len(invested),
            "negative_count": int(sum(npv[n] < 0 for n in invested))}


def readings_figures(table: pd.DataFrame, scenarios: Mapping[str, Mapping[str, Any]]
                     ) -> dict[str, Any]:
    """Context of ``05_summary/readings``: the rumour's and the reported deal's NPV parts."""
    r, b = table.loc["rumour"], table.loc["base"]
    return {"rumour_investment": float(scenarios["rumour"]["amazon_investment_usd_bn"]),
            "rumour_npv": float(r["amazon_deal_npv_usd_bn"]),
            "rumour_net_cost": float(r["amazon_net_cost_pv_usd_bn"]),
            "reported_upfront": float(scenarios["base"]["amazon_upfront_usd_bn"]),
            "reported_npv": float(b["amazon_deal_npv_usd_bn"]),
            "reported_services": float(scenarios["base"]["aws_services_usd_bn"]),
            "reported_contract_npv": float(b["aws_contract_npv_usd_bn"])}


# --- the answers' contexts (Q6's tree: valse.report.tree_report) ------------------------


def readings_context(table: pd.DataFrame, scenarios: Mapping[str, Mapping[str, Any]]
                     ) -> dict[str, float] | None:
    """Q9's context: the rumour's and the reported deal's amounts and NPVs (None if missing)."""
    if not {"rumour", "base"} <= set(table.index) or not {"rumour", "base"} <= set(scenarios):
        return None
    r, b = scenarios["rumour"], scenarios["base"]
    return {"rumour_investment": float(r["amazon_investment_usd_bn"]),
            "rumour_services": float(r["aws_services_usd_bn"]),
            "rumour_npv": float(table.loc["rumour", "amazon_deal_npv_usd_bn"]),
            "reported_upfront": float(b["amazon_upfront_usd_bn"]),
            "reported_services": float(b["aws_services_usd_bn"]),
            "reported_npv": float(table.loc["base", "amazon_deal_npv_usd_bn"])}


def claims_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """The four status counts the answers read (0 for a status with no claim)."""
    return {k: int(counts.get(k, 0)) for k in ("confirmed", "reported", "denied", "unverified")}
