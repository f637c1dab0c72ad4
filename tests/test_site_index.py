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


def test_no_comparison_for_a_single_scenario():
    only = ScenarioResults("base", {}, [rec("post_money_valuation_usd_bn", 852.0)])
    assert 'id="comparison"' not in render_index([only])
