"""The published site offers the fact base as a data package, and says how old it is."""

import json
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from valse.run.publish import publish_fact_base
from valse.run.site import ScenarioResults, render_index

DATA = Path(__file__).resolve().parents[1] / "data"


def test_publish_fact_base_copies_the_descriptor_and_every_file_it_names(tmp_path: Path):
    build = tmp_path / "build"
    recorded = publish_fact_base(DATA, build)
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert recorded == {"package": "factbase/datapackage.json", "as_of": package["as_of"]}
    published = sorted(p.name for p in (build / "factbase").iterdir())
    assert published == sorted(["datapackage.json", *(r["path"] for r in package["resources"])])
    for name in published:
        assert (build / "factbase" / name).read_bytes() == (DATA / name).read_bytes()


def test_no_package_no_folder(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy2(DATA / "facts.csv", data / "facts.csv")
    assert publish_fact_base(data, tmp_path / "build") is None
    assert not (tmp_path / "build").exists()


def test_index_shows_the_date_of_the_fact_base_and_links_the_package():
    manifest = {"fact_base": {"package": "factbase/datapackage.json", "as_of": "2026-12-02"}}
    soup = BeautifulSoup(render_index([ScenarioResults("base", manifest, [])]), "html.parser")
    meta = soup.select_one("#scenario-base p.meta")
    assert "fact base as of 2026-12-02" in meta.get_text()
    assert meta.find("a", string="data package (JSON and CSV)")["href"] == (
        "base/factbase/datapackage.json"
    )
    # an older manifest without it shows no such link
    soup = BeautifulSoup(render_index([ScenarioResults("base", {}, [])]), "html.parser")
    assert "fact base" not in soup.select_one("#scenario-base p.meta").get_text()
