"""`migrate parity watch`: a rolling summary of a run file while it grows, read incrementally."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.parity.compare import CompareSettings, read_summary
from migrate.parity.compare.registry import registry
from migrate.parity.runfile import Outcome
from migrate.parity.watch import RunWatcher
from tests.report.runs import chat_request, chat_response, mixed_run, record, write_run

PARIS = "The capital of France is Paris."


def same(key: str):
    return record(key, chat_request(), chat_response(PARIS), chat_response(PARIS, model="llama"))


def different(key: str):
    return record(key, chat_request(), chat_response(PARIS), chat_response("I like turtles and long walks.", model="llama"))


def failed(key: str):
    return record(key, chat_request(), chat_response(PARIS), None, error={"type": "connection", "message": "refused"})


def line(rec) -> str:
    return json.dumps(rec.to_dict()) + "\n"


def test_counts_pass_rates_and_errors(tmp_path):
    run = write_run(tmp_path / "run.jsonl", [same("a"), same("b"), same("c"), different("d"), failed("e")])
    watcher = RunWatcher(run, window=3)
    assert watcher.poll() == 5
    snap = watcher.snapshot()
    assert (snap.results, snap.compared, snap.passed, snap.candidate_errors) == (5, 4, 3, 1)
    assert snap.pass_rate == 3 / 5 and snap.error_types == {"connection": 1}
    assert (snap.window_compared, snap.window_passed) == (3, 1)  # the last 3: c passed, d failed, e errored
    # an errored request fails every comparator that applies to it, as in `parity compare`
    assert snap.comparators["normalized"].scored == 5 and snap.comparators["normalized"].passed == 3
    assert snap.candidate_p50_ms == 120.0 and snap.baseline_p50_ms == 800.0
    assert snap.header["candidate"]["base_url"] == "http://127.0.0.1:8000/v1"
    comparators = registry()
    # the cheap ones only, and the text gate in its model-free form
    assert snap.comparators and all(not comparators[name].batch or name in RunWatcher.LIVE_OPTIONS for name in snap.comparators)
    assert "equivalence" in snap.comparators and "semantic" not in snap.comparators


def test_reads_only_new_complete_lines_and_restarts_on_truncation(tmp_path):
    run = write_run(tmp_path / "run.jsonl", [same("a")])
    watcher = RunWatcher(run)
    assert watcher.poll() == 1 and watcher.poll() == 0
    text = line(different("b"))
    with open(run, "a", encoding="utf-8") as fh:  # a writer half-way through a line
        fh.write(text[:40])
    assert watcher.poll() == 0
    with open(run, "a", encoding="utf-8") as fh:
        fh.write(text[40:] + "{not json\n")
    assert watcher.poll() == 1
    snap = watcher.snapshot()
    assert (snap.results, snap.passed, snap.compared) == (2, 1, 2)
    assert [b.line for b in snap.bad_lines] == [4] and "not valid JSON" in snap.bad_lines[0].error
    write_run(run, [failed("x")])  # replaced by a shorter file: start over
    watcher.poll()
    assert watcher.snapshot().results == 1 and watcher.snapshot().candidate_errors == 1


def test_failures_on_both_sides_are_not_held_against_the_candidate(tmp_path):
    both = record("z", chat_request(), chat_response(PARIS), None, error={"type": "http", "message": "HTTP 404"}, status=404)
    both = replace(both, baseline=Outcome(response=None, status=404, error={"type": "recorded", "message": "404"}))
    run = write_run(tmp_path / "run.jsonl", [both, same("a")])
    watcher = RunWatcher(run)
    watcher.poll()
    snap = watcher.snapshot()
    assert (snap.both_failed, snap.candidate_errors, snap.compared, snap.pass_rate) == (1, 0, 1, 1.0)


def test_cli_once_prints_a_snapshot(tmp_path):
    run = write_run(tmp_path / "run.jsonl", [same("a"), different("b"), failed("c")])
    result = CliRunner().invoke(main, ["parity", "watch", str(run), "--once"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "33.3%" in result.output and "candidate errors by type: connection 1" in result.output
    assert "normalized" in result.output
    as_json = CliRunner().invoke(main, ["parity", "watch", str(run), "--once", "--json"], catch_exceptions=False)
    data = json.loads(as_json.output)
    assert (data["results"], data["compared"], data["passed"], data["candidate_errors"]) == (3, 2, 1, 1)


def test_cli_once_on_a_missing_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["parity", "watch", str(tmp_path / "nope.jsonl"), "--once"])
    assert result.exit_code == 2 and "run file not found" in result.output


def test_the_same_pass_rates_as_parity_compare(tmp_path):
    """Watch reuses compare's comparators and gates: on a finished run its numbers are compare's numbers."""
    run = mixed_run(tmp_path / "run.jsonl")
    compared = CliRunner().invoke(main, ["parity", "compare", str(run), "--disable", "semantic"], catch_exceptions=False)
    assert compared.exit_code == 0, compared.output
    summary = read_summary(run.with_name("run.verdicts.jsonl"))
    overall = summary["scopes"]["all"]
    watcher = RunWatcher(run, settings=CompareSettings.build(disable=["semantic"]))
    watcher.poll()
    snap = watcher.snapshot()
    assert snap.pass_rate == pytest.approx(overall["pass_rate"], abs=1e-4) and snap.passed == overall["passed"]
    assert snap.candidate_errors == overall["errors"]
    for name, tally in snap.comparators.items():
        assert (tally.scored, tally.passed) == (overall["comparators"][name]["n"], overall["comparators"][name]["passed"]), name


def test_live_mode_refreshes_as_lines_arrive_until_ctrl_c(tmp_path):
    root = Path(__file__).resolve().parents[2]
    run = write_run(tmp_path / "run.jsonl", [same("a")])
    proc = subprocess.Popen([sys.executable, "-m", "migrate", "parity", "watch", str(run), "--every", "0.2"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(root), "COLUMNS": "120"},
                            # a job started in the background by a shell inherits SIGINT ignored: Ctrl-C is the test
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(5)  # started and showing the first snapshot (nothing is printed before Ctrl-C off a terminal)
        with open(run, "a", encoding="utf-8") as fh:
            fh.write(line(different("b")) + line(failed("c")))
        time.sleep(2)
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    last = output[output.rfind("results"):]
    assert last.split("\n", 1)[0].split()[-1] == "3", output  # the lines written after it started were read
    assert "candidate errors by type: connection 1" in output
