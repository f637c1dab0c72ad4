"""What changed since the previous run: unit cases and a real re-run of the fixture project."""

import json

from valse.run.changes import changes_since, fact_fingerprints


def test_fact_fingerprints_follow_rows(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text("id,value,note\na,1,x\nb,2,y\n")
    first = fact_fingerprints(path)
    path.write_text("id,value,note\na,1,x\nb,3,y\nc,4,z\n")
    second = fact_fingerprints(path)
    assert first["a"] == second["a"] and first["b"] != second["b"]
    assert set(second) == {"a", "b", "c"}
    assert fact_fingerprints(tmp_path / "missing.csv") == {}


def test_changes_since_hand_made_runs():
    old = {
        "finished": "t0",
        "facts": {"a": "1", "b": "2", "gone": "9"},
        "parameters": {"x": 1, "y": 2},
        "inputs": {"data_files": {"facts.csv": "h1"}, "notebooks": {"n1": "s1", "n2": "s2"}},
    }
    new = {
        "facts": {"a": "1", "b": "3", "c": "4"},
        "parameters": {"x": 1, "y": 5, "z": 0},
        "inputs": {"data_files": {"facts.csv": "h2"}, "notebooks": {"n1": "s1", "n2": "s3"}},
    }
    old_records = [
        {"notebook": "n1", "name": "m", "value": 10.0},
        {"notebook": "n1", "name": "same", "value": 1.0},
        {"notebook": "n1", "name": "dropped", "value": 1.0},
    ]
    new_records = [
        {"notebook": "n1", "name": "m", "value": 12.5},
        {"notebook": "n1", "name": "same", "value": 1.0},
        {"notebook": "n2", "name": "fresh", "value": 3.0},
    ]
    got = changes_since(old, old_records, new, new_records)
    assert got["first_run"] is False and got["previous_run"] == "t0"
    assert got["facts"] == {"added": ["c"], "removed": ["gone"], "edited": ["b"]}
    assert got["parameters"] == {"y": {"from": 2, "to": 5}, "z": {"from": None, "to": 0}}
    assert got["metrics_moved"] == [
        {"notebook": "n1", "name": "m", "from": 10.0, "to": 12.5, "change_pct": 25.0}
    ]
    assert got["metrics_added"] == ["n2/fresh"] and got["metrics_removed"] == ["n1/dropped"]
    assert got["data_files"] == ["facts.csv"] and got["notebooks"] == ["n2"]
    assert changes_since(None, [], new, new_records) == {"first_run": True}


def test_rerun_manifest_says_what_moved(project):
    (project.data / "facts.csv").write_text("id,value\nfixture_fact,1\n")
    first = project.run()
    assert first.returncode == 0, first.stderr
    manifest = json.loads((project.out / "base" / "manifest.json").read_text())
    assert manifest["changes"] == {"first_run": True}
    assert set(manifest["facts"]) == {"fixture_fact"}

    (project.data / "facts.csv").write_text("id,value\nfixture_fact,2\nnew_fact,3\n")
    text = project.base.read_text().replace(
        "amazon_investment_usd_bn: 50", "amazon_investment_usd_bn: 60"
    )
    project.base.write_text(text)
    second = project.run()
    assert second.returncode == 0, second.stderr
    changes = json.loads((project.out / "base" / "manifest.json").read_text())["changes"]
    assert changes["facts"] == {"added": ["new_fact"], "removed": [], "edited": ["fixture_fact"]}
    assert changes["parameters"]["amazon_investment_usd_bn"] == {"from": 50, "to": 60}
    moved = {m["name"] for m in changes["metrics_moved"]}
    assert "amazon_expected_investment_usd_bn" in moved


def test_index_says_what_changed(project):
    assert project.run().returncode == 0
    index = (project.out / "index.html").read_text()
    assert "First run of this scenario" in index
    project.base.write_text(project.base.read_text().replace("seed: 7", "seed: 8"))
    assert project.run().returncode == 0
    index = (project.out / "index.html").read_text()
    assert "parameters changed: seed 7 → 8" in index
