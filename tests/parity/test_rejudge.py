"""Re-tuning without re-running: `report` re-applies the current config's thresholds, gates, pass marks and
prices to the saved per-request scores, and gives what a fresh `compare` under that config gives; a changed
comparator is reported as stale."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.config import load_config
from migrate.parity import report_verdicts
from migrate.parity.compare import compare_run
from migrate.parity.compare.summary import Summary
from migrate.parity.rejudge import rejudge, rejudge_verdict
from migrate.parity.verdict import Thresholds, decide
from tests.report.runs import mixed_run

BASE = '[parity.comparators]\ndisable = ["semantic"]\n'


def config(tmp_path, name, body=""):
    path = tmp_path / f"{name}.toml"
    path.write_text(BASE + body)
    return load_config(path)


@pytest.fixture
def saved(tmp_path):
    """A run compared under the base config: (run, verdicts)."""
    run = mixed_run(tmp_path / "run.jsonl")
    result = compare_run(run, tmp_path / "run.verdicts.jsonl", config=config(tmp_path, "base"))
    return run, result.out


def fresh(tmp_path, run, cfg):
    return Summary.from_dict(compare_run(run, tmp_path / "fresh.verdicts.jsonl", config=cfg).summary)


def same_judgement(a: Summary, b: Summary) -> None:
    assert {k: v.to_dict() for k, v in a.scopes.items()} == {k: v.to_dict() for k, v in b.scopes.items()}
    assert a.cost.to_dict() == b.cost.to_dict() and a.usage == b.usage
    assert a.gates == b.gates
    assert [c["key"] for c in a.worst] == [c["key"] for c in b.worst]
    assert [c["key"] for c in a.sample] == [c["key"] for c in b.sample]
    assert [c["baseline"] for c in a.worst] == [c["baseline"] for c in b.worst]  # texts of newly worst cases come from the run
    assert a.latency == b.latency


@pytest.mark.parametrize("body", [
    pytest.param("", id="unchanged"),
    pytest.param("[parity.thresholds]\nrefusal = false\njson_schema = false\n", id="fewer-gates"),
    pytest.param("[parity.thresholds]\nexact = 0.5\nlength_ratio = 0.5\n", id="more-gates"),
    pytest.param("[parity.comparators.lexical]\nmin_score = 0.95\n[parity.comparators.embedding_structure]\nmin_score = -1\n",
                 id="pass-marks"),
    pytest.param('[parity.prices]\n"llama" = { input = 0.05, output = 0.08 }\n"gpt-4o-mini" = { input = 1.0, output = 2.0 }\n', id="prices"),
])
def test_rejudged_equals_a_fresh_compare_under_the_new_config(tmp_path, saved, body):
    run, verdicts = saved
    cfg = config(tmp_path, "new", body)
    again = rejudge(verdicts, config=cfg)
    same_judgement(again, fresh(tmp_path, run, cfg))
    assert again.retuned["applied"] and again.retuned["stale"] == ""
    t = Thresholds.from_config(cfg)
    assert decide(again, t).to_dict()["checks"] == decide(fresh(tmp_path, run, cfg), t).to_dict()["checks"]


def test_a_changed_gate_changes_the_outcome_through_the_cli(tmp_path, saved):
    _, verdicts = saved
    strict = CliRunner().invoke(main, ["parity", "report", str(verdicts), "--config", str(tmp_path / "base.toml")])
    assert strict.exit_code == 1, strict.output
    lenient = tmp_path / "lenient.toml"
    lenient.write_text(BASE + "[parity.thresholds]\nmin_pass_rate = 0.1\nmax_error_rate = 0.2\nrefusal = 0.5\n"
                       "json_valid = 0.5\njson_schema = 0.5\ntool_calls = 0.5\ntool_schema = 0.5\nlexical = 0.5\nequivalence = 0.5\n"
                       "embedding_structure = false\n")
    result = CliRunner().invoke(main, ["parity", "report", str(verdicts), "--config", str(lenient)])
    assert result.exit_code == 0, result.output
    data = json.loads(verdicts.with_name("run.report.json").read_text())
    assert data["verdict"] == "go" and data["summary"]["retuned"]["applied"] is True
    assert "embedding_structure" not in data["summary"]["retuned"]["gates"]


def test_a_changed_comparator_is_reported_stale(tmp_path, saved):
    _, verdicts = saved
    cfg = config(tmp_path, "changed", "[parity.comparators.tool_calls]\nmatch = \"names\"\n")
    again = rejudge(verdicts, config=cfg)
    assert "scores may be stale" in again.retuned["stale"] and "(tool_calls)" in again.retuned["stale"]
    outcome = report_verdicts(verdicts, config=cfg)
    assert "scores may be stale" in outcome.paths["html"].read_text()
    assert "scores may be stale" in outcome.paths["markdown"].read_text()
    result = CliRunner().invoke(main, ["parity", "report", str(verdicts), "--config", str(tmp_path / "changed.toml")])
    assert "scores may be stale" in result.output


def test_a_pass_decided_by_more_than_the_mark_is_kept():
    verdict = {"status": "fail", "scores": {"semantic": {"score": 0.95, "passed": False, "reason": "200 mg vs 2000 mg"}}}
    kept = rejudge_verdict(verdict, {"semantic"}, {"semantic": (0.7, 0.5)})
    assert kept["status"] == "fail" and kept["scores"]["semantic"]["reason"] == "200 mg vs 2000 mg"
    plain = {"status": "fail", "scores": {"semantic": {"score": 0.6, "passed": False, "reason": "similarity 0.60 < 0.7"}}}
    lowered = rejudge_verdict(plain, {"semantic"}, {"semantic": (0.7, 0.5)})
    assert lowered["status"] == "pass" and lowered["scores"]["semantic"]["passed"]


def test_unanswered_and_both_failed_stay_what_they_are():
    for status in ("unanswered", "both_failed"):
        v = {"status": status, "scores": {}, "passed": False}
        assert rejudge_verdict(v, set(), {}) is v


def test_an_old_verdicts_file_is_decided_on_its_totals_and_says_so(tmp_path, saved):
    _, verdicts = saved
    lines = verdicts.read_text().splitlines()
    summary = json.loads(lines[-1])
    summary["version"] = 1
    old = tmp_path / "old.verdicts.jsonl"
    old.write_text("\n".join([*lines[:-1], json.dumps(summary)]) + "\n")
    again = rejudge(old, config=config(tmp_path, "c2", "[parity.thresholds]\nrefusal = false\n"))
    assert again.retuned["applied"] is False and "older version" in again.retuned["stale"]


def test_pyproject_threshold_errors_name_the_pyproject_table(tmp_path, saved):
    _, verdicts = saved
    (tmp_path / "pyproject.toml").write_text("[tool.migrate.parity.thresholds]\nsemantik = 0.9\n")
    result = CliRunner().invoke(main, ["parity", "report", str(verdicts), "--config", str(tmp_path / "pyproject.toml")])
    assert result.exit_code == 2 and "[tool.migrate.parity.thresholds] semantik" in result.output
    bad = CliRunner().invoke(main, ["parity", "report", str(verdicts), "--config", str(tmp_path / "pyproject.toml"),
                                    "--threshold", "semantic=0.9"])
    assert "[tool.migrate.parity.thresholds]" in bad.output
