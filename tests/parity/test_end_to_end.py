"""End to end on the real vLLM server: record through the proxy with the real SDK -> replay (migrate parity) ->
compare -> report -> verdict, with the exit code CI sees.

vLLM plays "OpenAI" behind the recording proxy, so on the same weights and greedy decoding the candidate
must agree with the baseline: GO. The same recordings replayed on a server started without a tool parser
fail the tool request with HTTP 400: NO-GO, and the report says why.
"""

from __future__ import annotations

import json

import openai
from click.testing import CliRunner

from migrate.cli import main
from migrate.parity.compare import read_summary
from migrate.record.proxy import RecordingProxy

WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
USER = {"type": "object", "properties": {"name": {"enum": ["Ada", "Bob"]}, "age": {"enum": [7, 9]}}, "required": ["name", "age"],
        "additionalProperties": False}


def record_traffic(base_url: str, recs, *, with_json: bool = False) -> None:
    proxy = RecordingProxy(base_url, recs, port=0, tags=["e2e"]).start_in_thread()
    try:
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="sk-e2e-000000000000000000", max_retries=0, timeout=60)
        for prompt in ("Say hi", "Name a colour", "What is two plus two?"):
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], max_tokens=12, temperature=0)
        stream = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Tell me a story"}],
                                                max_tokens=12, temperature=0, stream=True, stream_options={"include_usage": True})
        assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        if with_json:
            # The schema is enforced, but its grammar lets the noise model pad with whitespace until max_tokens
            # (vLLM 0.32 on CPU ignores disable_any_whitespace per request): the answer is cut, not valid JSON.
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "A user as JSON"}], max_tokens=32,
                                           temperature=0, response_format={"type": "json_schema", "json_schema": {"name": "user", "schema": USER}})
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Weather in Paris?"}], max_tokens=24,
                                       temperature=0, tools=[WEATHER], tool_choice="auto")
    finally:
        proxy.stop_thread()


def test_record_replay_compare_report_go(tmp_path, vllm_server):
    recs, out = tmp_path / "recs.jsonl", tmp_path / "parity"
    record_traffic(vllm_server.base_url, recs)
    assert len(recs.read_text().splitlines()) == 5

    result = CliRunner().invoke(main, ["parity", str(recs), "--candidate", vllm_server.base_url, "--out", str(out),
                                       "--model-map", "gpt-4o-mini=tiny-llama", "--concurrency", "4"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "GO" in result.output and "NO-GO" not in result.output

    summary = read_summary(out / "verdicts.jsonl")
    verdicts = [json.loads(line) for line in (out / "verdicts.jsonl").read_text().splitlines() if '"type":"verdict"' in line]
    assert len(verdicts) == 5 and all(v["passed"] and v["error"] is None for v in verdicts), verdicts
    assert sorted(v["kind"] for v in verdicts) == ["chat", "chat", "chat", "chat", "tools"]
    tools = next(v for v in verdicts if v["kind"] == "tools")
    assert tools["scores"]["tool_calls"]["passed"]
    assert all(v["scores"]["exact"]["passed"] for v in verdicts)  # same weights, greedy: the same answers
    chat = next(v for v in verdicts if v["kind"] == "chat")
    assert chat["scores"]["equivalence"]["passed"] and chat["decided_by"] == "identical"  # settled before any embedding
    latency = summary["latency"]["all"]
    assert latency["candidate"]["n"] == 5 and latency["candidate_ttft"]["n"] == 1 and latency["baseline"]["n"] == 5
    assert summary["usage"]["candidate"]["tiny-llama"]["requests"] == 5
    html = (out / "report.html").read_text()
    assert 'data-verdict="go"' in html and (out / "summary.md").read_text().startswith("## ✅ Parity: GO")
    assert json.loads((out / "report.json").read_text())["go"] is True


def test_server_without_tool_parser_is_no_go(tmp_path, vllm_server, vllm_bare_server):
    recs, out = tmp_path / "recs.jsonl", tmp_path / "parity"
    record_traffic(vllm_server.base_url, recs, with_json=True)
    result = CliRunner().invoke(main, ["parity", "run", str(recs), "--candidate", vllm_bare_server.base_url, "--out", str(out / "run.jsonl"),
                                       "--model-map", "*=tiny-llama", "--max-retries", "0", "--no-preflight"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    compare = CliRunner().invoke(main, ["parity", "compare", str(out / "run.jsonl"), "--disable", "semantic"], catch_exceptions=False)
    assert compare.exit_code == 0, compare.output
    report = CliRunner().invoke(main, ["parity", "report", str(out / "run.verdicts.jsonl")], catch_exceptions=False)
    assert report.exit_code == 1, report.output
    assert "NO-GO" in report.output and "candidate error rate 16.7% > 2.0%" in report.output
    summary = read_summary(out / "run.verdicts.jsonl")
    tool = next(c for c in summary["worst"] if c["kind"] == "tools")
    assert tool["error"].startswith("http:") and "tool" in tool["error"].lower()
    html = (out / "run.report.html").read_text()
    assert "tool-call-parser" in html and 'data-main-cause="flag_missing"' in html  # the report names the cause and its fix
    cut = next(c for c in summary["worst"] if c["kind"] == "json")
    assert cut["scores"]["json_valid"]["reason"] == "candidate answer is not valid JSON (cut by the token limit: finish_reason length)"


def test_llm_judge_calls_a_real_endpoint_and_caches(tmp_path, vllm_server):
    """The judge's HTTP path against real vLLM. The tiny model's free text is noise, so its answer is constrained
    with vLLM's structured outputs (the judge's `extra_body`) to a readable grade: every grade is scored and
    cached, and a second compare calls the judge for none of them."""
    from migrate.parity.compare import CompareSettings, compare_run
    from tests.report.runs import chat_request, chat_response, record, write_run

    run = write_run(tmp_path / "run.jsonl", [
        record(f"q{i}", chat_request(f"Question {i}?"), chat_response(f"Answer {i}."), chat_response(f"Reply {i}."))
        for i in range(4)])
    rubric = tmp_path / "rubric.j2"  # short: the test model has a 512-token context
    rubric.write_text('Reference: {{ reference }}\nCandidate: {{ candidate }}\nGrade 1-5 as JSON {"score": n}.')
    grades = ['{"score": 2, "reason": "misses the point"}', '{"score": 5, "reason": "same answer"}']
    settings = CompareSettings.build(only=["judge"], options={"judge": {
        "url": vllm_server.base_url, "model": "tiny-llama", "rubric": str(rubric), "max_tokens": 24, "concurrency": 4,
        "extra_body": {"structured_outputs": {"choice": grades}}}})
    first = compare_run(run, settings=settings)
    notes = first.summary["notes"]["judge"]
    assert notes["calls"] == 4 and notes.get("errors", 0) == 0 and notes["model"] == "tiny-llama", notes
    verdicts = [json.loads(line) for line in first.out.read_text().splitlines() if '"type":"verdict"' in line]
    scores = [v["scores"]["judge"] for v in verdicts]
    assert len(scores) == 4 and {s["score"] for s in scores} <= {0.25, 1.0}  # grades 2 and 5 on the 0..1 scale
    assert all(s["passed"] == (s["score"] == 1.0) for s in scores)  # min_score 4
    cache = [json.loads(line) for line in (tmp_path / "judge-cache.jsonl").read_text().splitlines()]
    assert len(cache) == 4 and {c["score"] for c in cache} <= {2.0, 5.0}
    second = compare_run(run, settings=settings)
    assert second.summary["notes"]["judge"].get("cached") == 4 and second.summary["notes"]["judge"].get("calls", 0) == 0
    assert [json.loads(line)["scores"] for line in second.out.read_text().splitlines() if '"type":"verdict"' in line] == \
        [v["scores"] for v in verdicts]
