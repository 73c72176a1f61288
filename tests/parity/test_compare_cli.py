"""`migrate parity compare` and `migrate parity report` on run files (no model called); exit codes for CI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from migrate.cli import main
from tests.report.runs import chat_request, chat_response, mixed_run, record, write_run


def invoke(*args, cwd=None):
    return CliRunner().invoke(main, ["parity", *map(str, args)], catch_exceptions=False)


@pytest.fixture
def good_run(tmp_path):
    records = [record(f"r{i}", chat_request(), chat_response("The capital of France is Paris."),
                      chat_response("The capital of France is Paris.", model="llama"), cand_ttft=30.0) for i in range(20)]
    return write_run(tmp_path / "run.jsonl", records)


def test_compare_then_report_go(good_run):
    result = invoke("compare", good_run, "--disable", "semantic")
    assert result.exit_code == 0, result.output
    verdicts = good_run.with_name("run.verdicts.jsonl")
    assert "Compared 20 request(s)" in result.output and verdicts.is_file()
    report = invoke("report", verdicts)
    assert report.exit_code == 0, report.output
    assert "GO" in report.output and "NO-GO" not in report.output
    for name in ("run.report.html", "run.summary.md", "run.report.json"):
        assert good_run.with_name(name).is_file(), name
    assert json.loads(good_run.with_name("run.report.json").read_text())["verdict"] == "go"


def test_report_on_a_run_file_compares_first_and_fails_no_go(tmp_path):
    run = mixed_run(tmp_path / "run.jsonl")
    html = tmp_path / "out" / "r.html"
    result = invoke("report", run, "--html", html, "--md", tmp_path / "s.md", "--json", tmp_path / "r.json")
    assert result.exit_code == 1, result.output
    assert "NO-GO" in result.output and "candidate error rate 9.1% > 2.0%" in result.output
    assert html.is_file() and (tmp_path / "s.md").read_text().startswith("## ❌ Parity: NO-GO")
    assert (tmp_path / "run.verdicts.jsonl").is_file()


def test_threshold_override_turns_no_go_into_go(good_run):
    invoke("compare", good_run, "--disable", "semantic")
    verdicts = good_run.with_name("run.verdicts.jsonl")
    assert invoke("report", verdicts, "--threshold", "exact=1.0").exit_code == 0
    strict = invoke("report", verdicts, "--threshold", "max_latency_p50_ratio=0.1")
    assert strict.exit_code == 1 and "latency p50 ratio" in strict.output


@pytest.mark.parametrize("args, message", [
    pytest.param(["--threshold", "semantic"], "expected NAME=NUMBER", id="threshold-syntax"),
    pytest.param(["--threshold", "semantik=0.5"], "not a comparator or threshold", id="threshold-typo"),
])
def test_report_usage_errors_exit_2(good_run, args, message):
    invoke("compare", good_run, "--disable", "semantic")
    result = CliRunner().invoke(main, ["parity", "report", str(good_run.with_name("run.verdicts.jsonl")), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_compare_unknown_comparator_exits_2(good_run):
    result = CliRunner().invoke(main, ["parity", "compare", str(good_run), "--only", "nope"])
    assert result.exit_code == 2 and "unknown comparator 'nope'" in result.stderr


def test_compare_refuses_a_verdicts_file(good_run):
    invoke("compare", good_run, "--disable", "semantic")
    result = CliRunner().invoke(main, ["parity", "compare", str(good_run.with_name("run.verdicts.jsonl"))])
    assert result.exit_code == 2 and "is a verdicts file already" in result.stderr


def test_report_rejects_other_files(tmp_path):
    other = tmp_path / "x.jsonl"
    other.write_text('{"hello": 1}\n')
    result = CliRunner().invoke(main, ["parity", "report", str(other)])
    assert result.exit_code == 2 and "neither a run file nor a verdicts file" in result.stderr


def test_bad_run_lines_are_listed_with_line_numbers(tmp_path):
    run = write_run(tmp_path / "run.jsonl", [record("a", chat_request(), chat_response("x"), chat_response("x"))],
                    extra_lines=["{torn"])
    result = CliRunner().invoke(main, ["parity", "compare", str(run), "--disable", "semantic"])
    assert result.exit_code == 0 and "run.jsonl:3: not a JSON object" in result.stderr


def test_group_without_subcommand_means_go(tmp_path):
    recs = tmp_path / "recs.jsonl"
    recs.write_text("")
    result = invoke(recs, "--help")
    assert result.exit_code == 0 and "Replay, compare and report in one go" in result.output
    missing = CliRunner().invoke(main, ["parity", str(recs)])
    assert missing.exit_code == 2 and "--candidate" in missing.stderr


@pytest.mark.parametrize("command", ["go", "run", "generate", "compare", "report"])
def test_every_subcommand_has_help_with_examples(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Examples:" in result.output
