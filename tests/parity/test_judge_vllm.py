"""The judge layer of the `equivalence` gate against the real vLLM server as an OpenAI-compatible judge.

The tiny test model's grades are noise, so these tests check the plumbing, not the grades: the HTTP path, which
pairs reach the judge, caching, and the "no readable grade" path. vLLM's structured outputs (`extra_body`)
make the model's answer readable, or unreadable, on purpose.
"""

from __future__ import annotations

import json

from migrate.parity.compare import CompareSettings, compare_run
from tests.report.runs import chat_request, chat_response, record, write_run

READABLE = {"structured_outputs": {"regex": r'\{"score": [1-5], "reason": "[a-z ]{1,30}"\}'}}
UNREADABLE = {"structured_outputs": {"choice": ["no grade today"]}}


def middle_run(tmp_path):
    """Three pairs the cheap layers cannot settle (a fact on one side only), one identical, one contradiction."""
    records = [
        record("m1", chat_request("Where is the tower?"), chat_response("The tower is in Paris."),
               chat_response("The tower is in Paris, near the Seine.", model="tiny-llama")),
        record("m2", chat_request("Dose?"), chat_response("Take 200 mg every 6 hours with food."),
               chat_response("Take 200 mg with food.", model="tiny-llama")),
        record("m3", chat_request("Order?"), chat_response("Your order shipped."),
               chat_response("Your order #4521 shipped.", model="tiny-llama")),
        record("same", chat_request("Capital?"), chat_response("Paris."), chat_response("Paris.", model="tiny-llama")),
        record("bad", chat_request("Dose?"), chat_response("Take 200 mg."), chat_response("Take 2000 mg.", model="tiny-llama")),
    ]
    return write_run(tmp_path / "run.jsonl", records)


def settings(server, rubric, extra_body=None):
    judge = {"url": server.base_url, "model": "tiny-llama", "rubric": str(rubric), "max_tokens": 40, "concurrency": 3}
    if extra_body is not None:
        judge["extra_body"] = extra_body
    return CompareSettings.build(disable=["semantic"], options={"judge": judge})


def short_rubric(tmp_path):
    rubric = tmp_path / "rubric.j2"  # short: the test model has a 512-token context
    rubric.write_text('Reference: {{ reference }}\nCandidate: {{ candidate }}\nList contradictions, omissions, extra claims; '
                      'grade 1-5 as JSON {"score": n, "reason": "..."}.')
    return rubric


def decided(path):
    return {v["recording_id"]: v for v in map(json.loads, path.read_text().splitlines()) if v["type"] == "verdict"}


def test_real_judge_grades_only_the_unsettled_pairs_and_caches_them(tmp_path, vllm_server):
    run, s = middle_run(tmp_path), settings(vllm_server, short_rubric(tmp_path), READABLE)
    first = compare_run(run, settings=s)
    v = decided(first.out)
    notes = first.summary["notes"]
    assert notes["judge"]["calls"] == 3 and notes["judge"].get("errors", 0) == 0 and notes["judge"]["model"] == "tiny-llama"
    assert {k: v[k]["decided_by"] for k in v} == {"m1": "judge", "m2": "judge", "m3": "judge", "same": "identical", "bad": "key_facts"}
    for k in ("m1", "m2", "m3"):
        grade = v[k]["scores"]["equivalence"]
        assert grade["reason"].startswith("judge ") and grade["passed"] == (grade["score"] >= 0.75)  # min_score 4 of 5
    cache = [json.loads(line) for line in (tmp_path / "judge-cache.jsonl").read_text().splitlines()]
    assert len(cache) == 3 and all(c["model"] == "tiny-llama" and 1 <= c["score"] <= 5 for c in cache)

    second = compare_run(run, settings=s)
    assert second.summary["notes"]["judge"].get("calls", 0) == 0 and second.summary["notes"]["judge"]["cached"] == 3
    assert {k: w["scores"] for k, w in decided(second.out).items()} == {k: w["scores"] for k, w in v.items()}


def test_real_judge_without_a_readable_grade_leaves_the_pair_to_the_fallback(tmp_path, vllm_server):
    run = middle_run(tmp_path)
    result = compare_run(run, settings=settings(vllm_server, short_rubric(tmp_path), UNREADABLE))
    v = decided(result.out)
    notes = result.summary["notes"]["judge"]
    assert notes["calls"] == 3 and notes["errors"] == 3
    assert all("no score in the judge's answer: 'no grade today'" in e for e in notes["error_examples"])
    for k in ("m1", "m2", "m3"):
        assert v[k]["decided_by"] == "fallback"
        assert "judge gave no readable grade" in v[k]["scores"]["equivalence"]["reason"]
    assert not v["m2"]["passed"] and v["m1"]["passed"]  # fallback rule: the omitted interval fails, an extra name does not
    assert not (tmp_path / "judge-cache.jsonl").exists()  # nothing unreadable is cached: the next run asks again
    again = compare_run(run, settings=settings(vllm_server, short_rubric(tmp_path), UNREADABLE))
    assert again.summary["notes"]["judge"]["calls"] == 3


def test_real_judge_free_text_is_either_a_grade_or_the_fallback(tmp_path, vllm_server):
    """No constraint: whatever the tiny model writes, each pair is settled by the judge (a grade was read, and cached)
    or by the fallback (none was), never lost, and no HTTP error."""
    run = middle_run(tmp_path)
    result = compare_run(run, settings=settings(vllm_server, short_rubric(tmp_path)))
    v = decided(result.out)
    notes = result.summary["notes"]["judge"]
    assert notes["calls"] == 3 and all("HTTP" not in e for e in notes.get("error_examples", []))
    layers = [v[k]["decided_by"] for k in ("m1", "m2", "m3")]
    assert set(layers) <= {"judge", "fallback"} and layers.count("fallback") == notes.get("errors", 0)
    cache = tmp_path / "judge-cache.jsonl"
    assert (len(cache.read_text().splitlines()) if cache.exists() else 0) == layers.count("judge")
