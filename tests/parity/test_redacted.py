"""Redacted prompts: replayed as recorded, flagged, their scores set apart from the gates (not silently dropped)."""

from __future__ import annotations

import json

from migrate.parity.compare import CompareSettings, compare_run
from migrate.parity.verdict import Thresholds, decide
from tests.report.runs import chat_request, chat_response, record, write_run


def _run(tmp_path, *, plain: int, redacted: int, redacted_error: int = 0):
    records = [record(f"p{i}", chat_request("Capital of France?"), chat_response("Paris."), chat_response("Paris."))
               for i in range(plain)]
    for i in range(redacted):
        r = record(f"r{i}", chat_request("Mail [REDACTED:email] the invoice"), chat_response("Sent to jane@example.com."),
                   chat_response("I cannot see the address."))
        records.append(type(r)(**{**r.__dict__, "redacted": ("email",)}))
    for i in range(redacted_error):
        r = record(f"e{i}", chat_request("Mail [REDACTED:email]"), chat_response("Sent."), None, error={"type": "http", "message": "500"}, status=500)
        records.append(type(r)(**{**r.__dict__, "redacted": ("email",)}))
    result = compare_run(write_run(tmp_path / "run.jsonl", records), settings=CompareSettings.build(disable=["semantic"]))
    return result, decide(result.summary, Thresholds.from_mapping({}))


def test_redacted_scores_are_kept_but_set_apart_from_the_gates(tmp_path):
    result, decision = _run(tmp_path, plain=4, redacted=2)
    verdicts = [json.loads(line) for line in result.out.read_text().splitlines() if '"type":"verdict"' in line]
    flagged = [v for v in verdicts if v["redacted"]]
    assert len(flagged) == 2 and all(not v["passed"] and v["scores"] for v in flagged)  # scored, and failing
    everything = result.summary["scopes"]["all"]
    assert (everything["n"], everything["redacted"], everything["passed"], everything["pass_rate"]) == (6, 2, 4, 1.0)
    assert everything["comparators"]["lexical"]["n"] == 4
    aside = result.summary["scopes"]["redacted:prompt"]
    assert (aside["n"], aside["passed"], aside["comparators"]["lexical"]["n"]) == (2, 0, 2)
    assert decision.go, decision.reasons  # the two redacted failures say nothing about the candidate


def test_candidate_errors_on_redacted_prompts_still_count(tmp_path):
    result, decision = _run(tmp_path, plain=4, redacted=0, redacted_error=1)
    everything = result.summary["scopes"]["all"]
    assert (everything["n"], everything["errors"], everything["redacted"]) == (5, 1, 0)
    assert not decision.go and any("error rate" in r for r in decision.reasons)


def test_a_run_of_only_redacted_prompts_is_not_go(tmp_path):
    result, decision = _run(tmp_path, plain=0, redacted=3)
    assert not decision.go
    check = next(c for c in decision.checks if c.metric == "min_requests" and c.scope == "all")
    assert check.actual == 0 and "3 redacted prompt(s) set apart" in check.detail


def test_bulk_mode_scrubs_the_batch_file_and_flags_redacted_prompts(tmp_path):
    from migrate.parity.batch import export_batch, import_batch_output
    from migrate.parity.runfile import read_run
    from migrate.record.format import Recording
    from tests.parity.faults.fixtures import write_recordings

    key = "sk-" + "Qw3rTy" * 4
    recs = write_recordings(tmp_path / "recs.jsonl", [Recording(
        endpoint="/v1/chat/completions", id="r1", request={"model": "gpt-4o", "messages": [{"role": "user", "content": f"use {key}"}]},
        response={"choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}]}, status=200)])
    export_batch(recs, tmp_path / "batch_in.jsonl", model_map={"*": "llama"})
    sent = (tmp_path / "batch_in.jsonl").read_text()
    assert key not in sent and "use [REDACTED:api-key]" in sent
    (tmp_path / "batch_out.jsonl").write_text(json.dumps({"custom_id": "r1#0", "response": {"status_code": 200, "body": {
        "choices": [{"index": 0, "message": {"role": "assistant", "content": f"echo {key}"}}]}}}) + "\n")
    import_batch_output(recs, tmp_path / "batch_out.jsonl", tmp_path / "run.jsonl")
    assert key not in (tmp_path / "run.jsonl").read_text()
    _, records = read_run(tmp_path / "run.jsonl", bad=[])
    assert [r.redacted for r in records] == [("api-key",)]
