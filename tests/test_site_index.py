"""The index's scenario comparison, from hand-made results."""

from bs4 import BeautifulSoup

from valse.run.site import ScenarioResults, render_index


def rec(name, value, notebook="00_overview", **band):
    return {
        "notebook": notebook,
        "name": name,
        "value": value,
        "unit": "USD bn",
        "label": f"<b>{name}</b>",
        "sources": [],
        "params": [],
        **band,
    }


def test_comparison_sets_scenarios_side_by_side():
    base = ScenarioResults(
        "base",
        {"description": "reported"},
        [
            rec("post_money_valuation_usd_bn", 852.0),
            rec("amazon_deal_npv_usd_bn", 20.0, p10=15.0, p50=21.0, p90=29.0),
            rec("amazon_deal_npv_usd_bn", 19.0, notebook="02_cloud_economics"),
        ],
    )
    none = ScenarioResults(
        "no_deal",
        {"description": "nothing"},
        [
            rec("post_money_valuation_usd_bn", 802.0),
        ],
    )
    soup = BeautifulSoup(render_index([base, none]), "html.parser")
    table = soup.select_one("#comparison table")
    assert [th.get_text() for th in table.select("thead th")] == ["Figure", "base", "no_deal"]
    rows = {
        tr.th.get_text(" ", strip=True): [td.get_text(" ", strip=True) for td in tr("td")]
        for tr in table.select("tbody tr")
    }
    # labels come from the data and are escaped: the markup shows as text
    assert rows["<b>post_money_valuation_usd_bn</b> [USD bn]"] == ["852.0", "802.0"]
    # the record with a band wins over another notebook's; a missing figure shows a dash
    assert rows["<b>amazon_deal_npv_usd_bn</b> [USD bn]"] == ["20.00 15.00–29.00", "—"]


def test_a_required_revenue_above_its_plausible_bound_shows_as_a_state():
    bound = "required_revenue_plausible_bound_usd_bn"
    base = ScenarioResults("base", {}, [rec("required_revenue_usd_bn", 358.0, p10=263.0,
                                            p50=300.0, p90=1065.0), rec(bound, 840.0)])
    bear = ScenarioResults("bear", {}, [rec("required_revenue_usd_bn", 8460.0), rec(bound, 840.0)])
    soup = BeautifulSoup(render_index([base, bear]), "html.parser")
    rows = {
        tr.th.get_text(" ", strip=True): [td.get_text(" ", strip=True) for td in tr("td")]
        for tr in soup.select("#comparison table tbody tr")
    }
    cells = rows["<b>required_revenue_usd_bn</b> [USD bn]"]
    assert cells[0].startswith("358")
    assert cells[1] == "no plausible revenue suffices even 840.0 falls short"
    assert "8,460" not in cells[1] and "8460" not in cells[1]


def test_no_comparison_for_a_single_scenario():
    only = ScenarioResults("base", {}, [rec("post_money_valuation_usd_bn", 852.0)])
    assert 'id="comparison"' not in render_index([only])


def _base_results(tmp_path):
    """A published base and rumour with the figures the answers read, and the project's data."""
    import shutil

    from valse.data.paths import data_dir
    from valse.data.scenarios import load_yaml_mapping

    shutil.copytree(data_dir(), tmp_path / "data")
    out = []
    for name in ("base", "rumour", "bear", "bull"):
        params = load_yaml_mapping(tmp_path / "data" / "scenarios" / f"{name}.yaml")
        manifest = {"description": f"{name} <i>desc</i>", "data_dir": str(tmp_path / "data"),
                    "parameters": params, "status": "ok"}
        npv = {"base": -12.0, "rumour": -10.0, "bear": -16.0, "bull": -9.0}[name]
        records = [rec("amazon_deal_npv_usd_bn", npv, notebook="02_cloud_economics",
                       p10=npv - 10, p50=npv, p90=npv + 10),
                   rec("post_money_valuation_usd_bn", 852.0),
                   {**rec("amazon_stake_pct", 5.87), "unit": "%"}]
        out.append(ScenarioResults(name, manifest, records))
    return out


def test_index_opens_with_nine_answers_and_the_trees_probabilities(tmp_path):
    results = _base_results(tmp_path)
    soup = BeautifulSoup(render_index(results), "html.parser")
    answers = soup.select("#answers ol.answers > li")
    assert [li["id"] for li in answers] == [f"q{i}" for i in range(1, 10)]
    # the answers come first, then the comparison, then the scenarios
    order = [s.get("id") for s in soup.select("main > section")]
    assert order[:3] == ["answers", "comparison", "scenario-base"]
    # headings never skip a level
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4"])]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    # Q2 says the stake from the record; Q6 weighs the tree's leaves, names the scenario files
    # its leaves are readings of, rules out the rumour and keeps bear open as a reading of values
    assert "5.9%" in soup.find(id="q2").get_text()
    q6 = soup.find(id="q6").get_text(" ")
    assert "bull" in q6 and "bear" in q6 and "rumour" in q6
    assert "loses Amazon" in q6 and "Not paying the tranche scores better" in q6
    probability = soup.select_one("#comparison tbody tr")
    cells = [td.get_text() for td in probability("td")]
    assert probability.th.get_text().startswith("Share of the tree")
    assert cells[1] == "0%"  # the rumour: ruled out by the record
    assert cells[2] == "0%"  # bear: no leaf of the tree is its reading
    # base and bull cover the leaves of the paid tranche with a listing; the rest is unmapped
    assert 50 < sum(float(c.rstrip("%")) for c in cells) < 100
    # an answer whose figures are recorded has a small chart with a text alternative
    assert "Amazon's stake" in soup.find(id="q2").find("div", class_="spark")["aria-label"]
    assert soup.find("svg") is None  # no SVG: the pages allow none (test_injection)
    # data text is escaped: a description with markup shows as text
    assert "base <i>desc</i>" in soup.get_text()
    assert soup.find("i") is None


def test_french_index_has_the_same_answers_and_links_both_ways(tmp_path):
    results = _base_results(tmp_path)
    fr = BeautifulSoup(render_index(results, lang="fr"), "html.parser")
    en = BeautifulSoup(render_index(results), "html.parser")
    assert fr.html["lang"] == "fr"
    assert [li["id"] for li in fr.select("ol.answers > li")] == [
        li["id"] for li in en.select("ol.answers > li")]
    assert fr.find("a", href="index.html") and en.find("a", href="index.fr.html")
    assert "5,9" in fr.find(id="q2").get_text()
    assert "Glossaire" in fr.get_text()
    # the per-scenario sections are there in French too, their fixed texts translated
    section = fr.find(id="scenario-base")
    assert section is not None and section.h2.get_text() == "Scénario base"
    assert "Chiffres principaux" in section.get_text()
    assert "Headline figures" not in fr.get_text()


def test_write_index_leaves_a_french_page_it_did_not_write(tmp_path):
    from valse.run.site import write_index

    (tmp_path / "index.fr.html").write_text("mine", encoding="utf-8")
    write_index(tmp_path)
    assert (tmp_path / "index.fr.html").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "index.html").is_file()
    (tmp_path / "index.fr.html").unlink()
    write_index(tmp_path)
    assert 'lang="fr"' in (tmp_path / "index.fr.html").read_text(encoding="utf-8")


def _q1_title(tmp_path, paid, stake, lang="en"):
    results = _base_results(tmp_path)
    base = results[0]
    base.metrics.extend([rec("amazon_investment_pv_usd_bn", paid, notebook="02_cloud_economics"),
                         rec("amazon_stake_value_pv_usd_bn", stake,
                             notebook="02_cloud_economics")])
    soup = BeautifulSoup(render_index(results, lang=lang), "html.parser")
    return soup.find(id="q1").find("p", class_="spark-title").get_text()


def test_the_small_charts_titles_state_the_takeaway_from_the_numbers(tmp_path):
    # the words follow the numbers: a stake worth less than it costs says "less", else "more"
    assert _q1_title(tmp_path / "a", 41.2, 30.5) == (
        "The stake is worth USD 30.5 billion, less than the USD 41.2 billion Amazon pays")
    assert "more than the USD 41.2 billion" in _q1_title(tmp_path / "b", 41.2, 55.0)
    assert _q1_title(tmp_path / "c", 41.2, 30.5, lang="fr") == (
        "La participation vaut 30,5 Md USD, moins que les 41,2 Md USD payés par Amazon")


def test_a_small_chart_without_its_figures_keeps_a_plain_title(tmp_path):
    from valse.run.site_answers import spark_title

    # Q2's takeaway needs both stakes; with one, no claim is made (the chart lists its figures)
    assert spark_title("q2", {"amazon_stake_pct": {"value": 5.87}}) is None
    both = {"amazon_stake_pct": {"value": 5.87},
            "amazon_stake_if_milestones_missed_pct": {"value": 1.9}}
    assert spark_title("q2", both) == (
        "Amazon owns 5.9% of OpenAI if all is paid, 1.9% if the milestones are missed")
    assert spark_title("q6", {"amazon_deal_npv_weighted_usd_bn": {"value": -3.25}}, "fr") == (
        "Pondéré sur l'arbre de décision, l'accord fait perdre 3,2 Md USD à Amazon")
