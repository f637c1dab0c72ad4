"""The summary notebook's page: what it reads, the tables it shows, the contexts of its prose.

``05_summary`` tells the story with short calls; this module does the work behind them:

- :func:`load`: the records of the other notebooks, every scenario file computed by the
  library, the NPV table and the decision tree (a :class:`SummaryPage`);
- :meth:`SummaryPage.question_chart` / :meth:`SummaryPage.explain`: one chart per question
  of the article from the records, and its sentence (``templates/05_summary/q*.md.j2``),
  or a note saying which figure was not recorded;
- the page's tables and the contexts of its other templates (``loaded``, ``headline``,
  ``cross_check``, ``claims``, ``stale``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from valse.data.facts import facts_table, load_facts, stale_facts
from valse.data.not_found import fact_base_as_of
from valse.data.paths import project_root
from valse.data.scenarios import CORE_BY_NAME
from valse.report import deal_report, summary
from valse.report.summary_text import (
    SHORT_LABELS,
    dollars_as_usd,
    format_value,
    headline_sentence,
)

#: The chart of each question: its metrics, x-axis label and the name of its data file.
QUESTION_CHARTS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "q1": (("amazon_investment_pv_usd_bn", "aws_contract_npv_usd_bn",
            "amazon_stake_value_pv_usd_bn", "amazon_net_cost_pv_usd_bn"),
           "USD bn, present value", "q1_who_pays"),
    "q2": (("amazon_stake_pct", "amazon_expected_stake_pct",
            "amazon_stake_if_milestones_missed_pct", "microsoft_stake_after_round_pct"),
           "% of OpenAI after the round", "q2_stakes"),
    "q3": (("aws_revenue_share_pct_peak_year", "aws_growth_share_pct_first_year",
            "aws_contract_irr_pct"), "%", "q3_aws"),
    "q4": (("total_flows_usd_bn", "one_way_volume_usd_bn", "circular_volume_usd_bn",
            "max_circular_volume_usd_bn"), "USD bn (commitments, undiscounted)", "q4_web"),
    "q5": (("payroll_share_of_ai_funding_pct", "savings_share_of_ai_capex_pct",
            "savings_share_of_aws_operating_income_pct"), "%", "q5_payroll"),
    "q7": (("cloud_hhi", "cloud_hhi_after_shift"),
           "HHI points (sum of squared market shares in %)", "q7_hhi"),
}

#: The figures each question's sentence cites (all must be recorded for it to be said).
EXPLAINED: dict[str, tuple[str, ...]] = {
    "q1": ("amazon_investment_pv_usd_bn", "amazon_stake_value_pv_usd_bn",
           "aws_contract_npv_usd_bn", "amazon_net_cost_pv_usd_bn"),
    "q2": ("post_money_valuation_usd_bn", "amazon_stake_pct", "amazon_stake_value_at_ipo_usd_bn"),
    "q3": ("aws_revenue_share_pct_peak_year", "aws_contract_npv_usd_bn"),
    "q4": ("total_flows_usd_bn", "circular_volume_usd_bn", "circular_share_pct"),
    "q5": ("layoff_savings_usd_bn_per_year", "years_of_savings_to_match_investment",
           "savings_share_of_ai_capex_pct"),
    "q7": ("cloud_hhi", "cloud_hhi_delta"),
}

#: The template of each question's sentence under ``templates/05_summary/``.
EXPLAIN_TEMPLATES = {"q1": "who_pays", "q2": "q2_stakes", "q3": "aws", "q4": "q4_web",
                     "q5": "q5_payroll", "q7": "q7_watch"}

#: Q9's rows: three amounts from the scenario files, one computed, two NPVs.
READING_ROWS = ("amazon_investment_usd_bn", "amazon_upfront_usd_bn", "aws_services_usd_bn")
READING_COMPUTED = ("amazon_expected_investment_usd_bn",)
READING_NPV = ("amazon_deal_npv_usd_bn", "amazon_net_cost_pv_usd_bn")
#: Facts behind Q9's chart (those present are named under it).
READING_FACTS = ("rumour_amazon_investment_usd_bn", "rumour_aws_services_in_investment_usd_bn",
                 "amazon_openai_commitment_usd_bn", "amazon_openai_upfront_usd_bn",
                 "aws_openai_contract_expansion_usd_bn")

#: The stakes set side by side for every scenario.
STAKE_COLUMNS = ["amazon_stake_pct", "amazon_expected_stake_pct",
                 "amazon_stake_if_milestones_missed_pct"]

#: Labels of the metrics the summary records itself.
METRIC_LABELS = {
    "scenarios_compared": "Scenarios whose key figures the summary computes side by side",
    "claims_confirmed": "Claims of the source article confirmed by a company statement or filing",
    "claims_unverified": "Claims of the source article that no source confirms or reports",
}


@dataclass
class SummaryPage:
    """Everything the summary shows for one scenario, read and computed once."""

    scenario_name: str
    params: dict[str, Any]
    facts: Any
    outputs_root: Path
    metrics_file: Path
    records: list[dict[str, Any]]
    scenario_files: dict[str, dict[str, Any]]
    names: list[str]
    computed: pd.DataFrame
    all_records: list[dict[str, Any]]
    best: dict[str, dict[str, Any]]
    npv_table: pd.DataFrame

    @property
    def values(self) -> dict[str, float]:
        """The best recorded value of each metric."""
        return {n: r["value"] for n, r in self.best.items()}

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        """The scenario files in page order."""
        return {n: self.scenario_files[n] for n in self.names}

    def said(self) -> dict[str, str]:
        """Each recorded figure for prose (value and unit, :func:`format_value`)."""
        return {n: format_value(r["value"], r["unit"]) for n, r in self.best.items()}

    def loaded_context(self) -> dict[str, Any]:
        """Context of ``05_summary/loaded``: what was read."""
        return {"scenario": self.scenario_name, "records": len(self.records),
                "notebooks": len({r.get("notebook") for r in self.records}),
                "metrics_name": self.metrics_file.name, "metrics_file": str(self.metrics_file),
                "facts": len(self.facts)}

    def headline_context(self, head: pd.DataFrame) -> dict[str, Any]:
        """Context of ``05_summary/headline``: the reading and one sentence per figure."""
        return {"scenario": self.scenario_name,
                "description": Markup(dollars_as_usd(
                    self.scenario_files[self.scenario_name].get("description", ""))),
                "sentences": [Markup(headline_sentence(row, name))
                              for name, row in head.iterrows()]}

    def deal_npvs(self) -> dict[str, float]:
        """The deal's NPV to Amazon by scenario (USD bn), for the decision tree's leaves."""
        return self.npv_table["amazon_deal_npv_usd_bn"].to_dict()

    def readings_context(self) -> dict[str, float] | None:
        """Q9's context for the answers and the titles (:func:`summary_text.readings_context`)."""
        from valse.report.summary_text import readings_context

        return readings_context(self.npv_table, self.scenario_files)

    def answer_context(self, tree_result: Any, claims: Mapping[str, int],
                       watch: pd.DataFrame) -> dict[str, Any]:
        """Context of the nine answers (:func:`valse.report.answers.answer_context`)."""
        from valse.report import answers, tree_report

        return answers.answer_context(
            self.best, self.params, scenario=self.scenario_name,
            tree=tree_report.tree_context(tree_result, self.files), claims=dict(claims),
            watch=watch.to_dict("records"), readings=self.readings_context())

    def readings_figures(self) -> dict[str, Any]:
        """Context of ``05_summary/readings``."""
        from valse.report.summary_text import readings_figures

        return readings_figures(self.npv_table, self.scenario_files)

    def ranking_figures(self) -> dict[str, Any]:
        """Context of ``05_summary/ranking``: the scenarios ranked by the deal's NPV."""
        from valse.report.summary_text import ranking_figures

        invested = {n: self.scenario_files[n]["amazon_investment_usd_bn"]
                    for n in self.npv_table.index}
        return ranking_figures(self.npv_table, invested)

    def npv_chart(self):
        """Q6's chart of the deal's NPV to Amazon and its parts, scenario by scenario."""
        from valse.model.deal_npv import NPV_METRICS
        from valse.report import charts
        from valse.report.summary_charts import grouped_chart

        fig, ax = grouped_chart(self.npv_table[list(NPV_METRICS)], "USD bn, present value",
                                npv_chart_title(self.ranking_figures()))
        charts.add_sources(fig, self.facts, [], extra=[
            "scenario files data/scenarios/*.yaml (each value names its fact)",
            "valse.model.deal_npv.npv_parts"])
        return fig, ax

    def stake_chart(self):
        """Amazon's three stakes, scenario by scenario."""
        from valse.report import charts
        from valse.report.summary_charts import grouped_chart

        fig, ax = grouped_chart(self.computed[STAKE_COLUMNS], "% of OpenAI after the round",
                                stake_chart_title(self.computed["amazon_stake_pct"]))
        charts.add_sources(fig, self.facts, [], extra=[
            "scenario files data/scenarios/*.yaml",
            "valse.model.deal.headline_metrics, valse.model.valuation"])
        return fig, ax

    def claims_context(self, claims: list, counts: Mapping[str, int]) -> dict[str, Any]:
        """Context of ``05_summary/claims``."""
        return {"total": len(claims), **{k: int(counts.get(k, 0)) for k in
                                         ("confirmed", "reported", "denied", "unverified")},
                "rumour_services": self.facts.value("rumour_aws_services_in_investment_usd_bn"),
                "rumour_investment": self.facts.value("rumour_amazon_investment_usd_bn")}

    def stale(self, run_date: str, stale_after_days: int) -> dict[str, Any]:
        """The stale facts: ``today`` (``run_date`` or the fact base's date), ``table`` (all
        stale facts) and ``used`` (those that are sources of this scenario's records)."""

        today = dt.date.fromisoformat(run_date) if run_date else fact_base_as_of()
        stale = stale_facts(self.facts, today, stale_after_days)
        if not stale:
            return {"today": today, "table": pd.DataFrame(), "used": pd.DataFrame()}
        table = facts_table(self.facts, [f.id for f in stale])
        used = {s for r in self.records for s in r.get("sources", [])}
        return {"today": today, "table": table, "used": table[table.index.isin(used)]}

    def stale_context(self, stale: Mapping[str, Any], stale_after_days: int) -> dict[str, Any]:
        """Context of ``05_summary/stale`` from :meth:`stale`."""
        return {"today": stale["today"].isoformat(), "stale": len(stale["table"]),
                "facts": len(self.facts), "stale_after_days": stale_after_days,
                "used": len(stale["used"])}

    def question_chart(self, question: str, title: str, artifacts_dir: str = ""):
        """Draw and show the chart of ``question`` (``"q1"``…), or say that none was recorded.

        Returns the table behind the chart (empty when nothing was recorded).
        """
        import matplotlib.pyplot as plt
        from IPython.display import Markdown, display

        from valse.report import charts
        from valse.report.summary_charts import band_chart

        metric_names, xlabel, data_name = QUESTION_CHARTS[question]
        table = summary.headline_table(self.all_records, metric_names)
        if table.empty:
            display(Markdown(f"*{question.upper()}: no chart — none of its figures was "
                             "recorded for this scenario (the notebooks that compute them have "
                             "not run, or the scenario has no such figure).*"))
            return table
        fig, _ = band_chart(table, xlabel, title)
        notebooks = ", ".join(sorted(set(table["notebook"])))
        charts.add_sources(fig, self.facts, summary.sources_of(table, self.facts),
                           extra=[f"metrics of notebooks {notebooks}"])
        charts.save_chart_data(table.drop(columns="sources"), artifacts_dir, data_name)
        plt.show()
        return table

    def explain_context(self, question: str) -> dict[str, Any]:
        """Context of the sentence of ``question`` (see :data:`EXPLAIN_TEMPLATES`)."""
        from valse.report.summary_text import npv_figures

        context: dict[str, Any] = {"said": self.said()}
        if question in ("q1", "q3"):
            context.update(npv_figures(self.values, self.params))
        if question == "q7":
            p = self.params
            milestone = p["amazon_investment_usd_bn"] - p["amazon_upfront_usd_bn"]
            context["milestone"] = format_value(milestone, "USD bn") if milestone > 0 else None
            context["reported_contingent"] = format_value(
                self.facts.value("amazon_openai_contingent_usd_bn"), "USD bn")
            context["circularity"] = (
                f"{self.computed.loc[self.scenario_name, 'circularity_pct']:.0f}%")
        return context

    def explain(self, question: str):
        """The sentence of ``question`` as Markdown, or which of its figures is missing."""
        from IPython.display import Markdown

        from valse.report import narrative

        missing = [n for n in EXPLAINED[question] if n not in self.best]
        if missing:
            return Markdown(f"*Not recorded for this scenario: {', '.join(missing)}.*")
        name = "05_summary/" + EXPLAIN_TEMPLATES[question]
        return narrative.say(name, **self.explain_context(question))

    def readings_frame(self) -> pd.DataFrame:
        """Q9's table: the rumour's and the reported deal's amounts and NPVs (USD bn)."""
        return pd.DataFrame({
            label: {**{k: self.scenario_files[n][k] for k in READING_ROWS},
                    **self.computed.loc[n, list(READING_COMPUTED)].to_dict(),
                    **self.npv_table.loc[n, list(READING_NPV)].to_dict()}
            for label, n in (("rumour", "rumour"), ("reported", "base"))
            if n in self.scenario_files
        })

    def scenario_list(self) -> str:
        """One Markdown bullet per scenario: its name and its (escaped) description."""
        return "\n".join(
            f"- **{n}**: {dollars_as_usd(self.scenario_files[n].get('description', ''))}"
            for n in self.names)

    def claims_values(self) -> dict[str, tuple[float, str]]:
        """Values and units the claims tracker quotes: parameters, then recorded metrics."""
        values = {n: (v, CORE_BY_NAME[n].unit) for n, v in self.params.items()}
        values.update({n: (r["value"], r["unit"]) for n, r in self.best.items()})
        return values


def npv_chart_title(ranking: Mapping[str, Any]) -> str:
    """Q6's NPV chart: in how many of the scenarios that invest the deal loses Amazon money."""
    from valse.report.narrative import count

    invested, negative = ranking["invested_count"], ranking["negative_count"]
    if not invested:
        return "Q6 · The deal's NPV to Amazon and its parts, best scenario first"
    return (f"Q6 · The deal's NPV to Amazon is negative in {count(negative)} of the "
            f"{count(invested)} scenarios where it invests")


def stake_chart_title(stakes: pd.Series) -> str:
    """The stakes chart: the range of Amazon's stake (all paid) over the scenarios."""
    from valse.report.narrative import pct

    low, high = float(stakes.min()), float(stakes.max())
    if low == high:
        return f"Amazon's stake is {pct(high)} of OpenAI in every scenario"
    return f"Amazon's stake runs from {pct(low)} to {pct(high)} of OpenAI across the scenarios"


def load(params: Mapping[str, Any], scenario_name: str, scenario_dir: str | Path,
         outputs_dir: str = "", metrics_path: str = "") -> SummaryPage:
    """Read the records and compute every scenario for the summary of ``scenario_name``.

    ``scenario_dir`` is the folder of the scenario files (``data/scenarios``: the notebook
    names it, so its cache key counts them, :func:`valse.data.datacheck.notebook_reads`).

    ``outputs_dir`` is the folder of every published scenario (given by the pipeline);
    without it, the run around ``metrics_path`` (:func:`summary.outputs_root`), else the
    project's ``outputs/``. ``metrics_path`` is the JSON of the other notebooks' records;
    empty: ``<outputs>/<scenario>/metrics.json`` when it exists.

    Raises
    ------
    FileNotFoundError
        When ``metrics_path`` is given and is not a file.
    """

    facts = load_facts()
    if outputs_dir:
        root = Path(outputs_dir)
    elif metrics_path:
        root = summary.outputs_root(metrics_path)
    else:
        root = project_root() / "outputs"
    if metrics_path:
        metrics_file = Path(metrics_path)
        if not metrics_file.is_file():
            raise FileNotFoundError(f"metrics_path: no file {metrics_file}")
    else:
        metrics_file = root / scenario_name / "metrics.json"
    records = summary.read_records(metrics_file) if metrics_file.is_file() else []
    records = [r for r in records if r.get("notebook") != "05_summary"]
    files = summary.load_scenario_files(sorted(Path(scenario_dir).glob("*.yaml")))
    files.setdefault(scenario_name, {"description": "(not a scenario file)"})
    files[scenario_name] = {**files[scenario_name], **params}
    names = summary.scenario_order(files)
    computed = summary.scenario_comparison({n: files[n] for n in names})
    all_records = summary.records_with_computed(records, computed.loc[scenario_name].to_dict())
    npv_table = deal_report.scenario_npv_parts({n: files[n] for n in names}, facts)
    return SummaryPage(scenario_name, dict(params), facts, root, metrics_file, records, files,
                       names, computed, all_records, summary.best_records(all_records),
                       npv_table)


def headline_view(head: pd.DataFrame) -> pd.DataFrame:
    """The headline table for the page: short labels, figures to two decimals, "—" if none."""
    shown = head[["value", "p10", "p90", "unit", "notebook"]].rename(index=SHORT_LABELS)
    for column in ("value", "p10", "p90"):
        shown[column] = shown[column].map(lambda v: "—" if pd.isna(v) else f"{v:,.2f}")
    return shown


def cross_check_context(page: SummaryPage, recorded: Mapping[str, Any], checks: pd.DataFrame,
                        bad: pd.DataFrame, rtol: float) -> dict[str, Any]:
    """Context of ``05_summary/cross_check``."""
    return {"recorded": len(recorded), "scenarios": len(page.names),
            "recorded_names": ", ".join(sorted(recorded)) or "none",
            "compared": len(checks), "agree": len(checks) - len(bad), "disagree": len(bad),
            "rtol": f"{rtol:g}"}


def per_scenario_checks(checks: pd.DataFrame) -> pd.DataFrame:
    """Cross-check rows compared and agreeing, per scenario."""
    if not len(checks):
        return pd.DataFrame(columns=["compared", "agree"])
    return checks.groupby("scenario")["agree"].agg(compared="size", agree="sum")


def stale_details(table: pd.DataFrame) -> str:
    """All stale facts as escaped HTML, folded in a ``<details>`` element."""
    return (f"<details><summary>All {len(table)} stale facts</summary>"
            f"{table.to_html(escape=True)}</details>")


def watch_view(watch: pd.DataFrame):
    """The watch-list for the page: HTML-escaped, no index, a fixed table id (same bytes)."""
    columns = ["watch", "look_for", "filer", "expected", "would_change"]
    return watch[columns].style.hide(axis="index").format(escape="html").set_uuid("watchlist")
