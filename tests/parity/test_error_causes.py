"""Candidate errors grouped by cause, with the fix, and the preflight that catches the commonest ones first.

The classifier is unit-tested on vLLM's own messages (what vLLM 0.32 answers; the tests at the bottom get them
from the real servers). The scripted fault server stands in only for faults a real server cannot be made to
produce on demand (a refused port, 500s, a 200 with an HTML page); everything a vLLM server says is asked of
the real servers (an unmapped model name, tools without the tool parser, a prompt longer than the context).
"""

from __future__ import annotations

import json
import re
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.cli.parity import EXIT_NO_GO, EXIT_PREFLIGHT
from migrate.doctor.causes import PARITY, Cause, diagnose, fix_for, tool_flags_fix
from migrate.parity.causes import MAX_SUBJECTS, ErrorCauses, causes_block, classify, classify_outcome
from migrate.parity.compare import read_summary
from migrate.parity.preflight import needs_from_recordings, preflight
from migrate.parity.replay.client import Backoff, Caller
from migrate.parity.runfile import Outcome, RunRecord
from migrate.record.format import Recording
from tests.parity.faults.fixtures import chat_recording, fault_server, read_results, write_recordings  # noqa: F401

pytestmark = pytest.mark.timeout(300)

WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
# vLLM 0.32's words, as the replay client records them ("HTTP <status>: <message>").
MODEL_404 = "HTTP 404: The model `gpt-4o` does not exist. Valid aliases: tiny-llama."
AUTO_TOOLS_400 = 'HTTP 400: "auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'
REQUIRED_TOOLS_400 = 'HTTP 400: tool_choice="required" requires --tool-call-parser to be set'
PROMPT_TOO_LONG_400 = ("HTTP 400: This model's maximum context length is 512 tokens. However, your prompt contains at least "
                       "513 input tokens, which exceeds this limit even without any output tokens. Please reduce the length "
                       "of the input prompt. (parameter=input_tokens, value=513)")
MAX_TOKENS_400 = ("HTTP 400: max_tokens=1000 cannot be greater than max_model_len=512. Please request fewer output tokens. "
                  "(parameter=max_tokens, value=1000)")


def http(status: int, message: str, **facts) -> Outcome:
    return Outcome(status=status, latency_ms=3.0, error={"type": "http", "message": message, **facts})


def record(key: str, candidate: Outcome, *, model: str = "gpt-4o", endpoint: str = "/v1/chat/completions",
           baseline: Outcome | None = None) -> RunRecord:
    base = baseline or Outcome(response={"choices": [{"message": {"content": "hi"}}]}, status=200)
    return RunRecord(key=key, recording_id=key.split("#")[0], sample=0, endpoint=endpoint,
                     request={"model": model, "messages": [{"role": "user", "content": "hi"}]}, baseline=base, candidate=candidate)


# -- the classifier ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("outcome, endpoint, cause, subject", [
    pytest.param(http(404, MODEL_404), "/v1/chat/completions", Cause.MODEL_NOT_SERVED, "gpt-4o", id="model-404"),
    pytest.param(http(400, AUTO_TOOLS_400), "/v1/chat/completions", Cause.FLAG_MISSING,
                 "--enable-auto-tool-choice --tool-call-parser", id="tools-auto"),
    pytest.param(http(400, REQUIRED_TOOLS_400), "/v1/chat/completions", Cause.FLAG_MISSING, "--tool-call-parser", id="tools-required"),
    pytest.param(http(400, PROMPT_TOO_LONG_400), "/v1/chat/completions", Cause.CONTEXT_TOO_LONG, "512", id="prompt-too-long"),
    pytest.param(http(400, MAX_TOKENS_400), "/v1/chat/completions", Cause.CONTEXT_TOO_LONG, "512", id="max-tokens-too-large"),
    pytest.param(http(404, "HTTP 404: Not Found"), "/v1/embeddings", Cause.ROUTE_NOT_SERVED, "/v1/embeddings", id="no-route"),
    pytest.param(http(500, "HTTP 500: scripted server error"), "/v1/chat/completions", Cause.SERVER_ERROR, "500", id="500"),
    pytest.param(http(503, "HTTP 503: <html>Service Unavailable</html>", content_type="text/html"), "/v1/chat/completions",
                 Cause.SERVER_ERROR, "503", id="503-html"),
    pytest.param(http(429, "HTTP 429: slow down"), "/v1/chat/completions", Cause.RATE_LIMITED, None, id="429"),
    pytest.param(http(401, "HTTP 401: Incorrect API key provided"), "/v1/chat/completions", Cause.AUTH, "401", id="401"),
    pytest.param(http(400, "HTTP 400: 1 validation error: JSON decode error"), "/v1/chat/completions", Cause.BAD_REQUEST, "400",
                 id="other-400"),
    pytest.param(Outcome(error={"type": "connection", "message": "connection failed: ConnectionRefusedError: [Errno 111]",
                                "reason": "refused"}), "/v1/chat/completions", Cause.CONNECTION_REFUSED, None, id="refused"),
    pytest.param(Outcome(error={"type": "connection", "message": "connection failed: ClientConnectorError: Cannot connect to "
                                "host 127.0.0.1:9 ssl:default [Connect call failed ('127.0.0.1', 9)]"}),
                 "/v1/chat/completions", Cause.CONNECTION_REFUSED, None, id="refused-run-file-before-reason"),
    pytest.param(Outcome(error={"type": "connection", "message": "connection failed: ServerDisconnectedError", "reason": "reset"}),
                 "/v1/chat/completions", Cause.CONNECTION_FAILED, "reset", id="reset"),
    pytest.param(Outcome(error={"type": "stream_cut", "message": "stream ended after 2 events without finishing"}, status=200),
                 "/v1/chat/completions", Cause.CONNECTION_FAILED, "stream cut", id="stream-cut"),
    pytest.param(Outcome(error={"type": "timeout", "message": "no complete answer within 60 s"}), "/v1/chat/completions",
                 Cause.TIMEOUT, None, id="timeout"),
    pytest.param(Outcome(status=200, error={"type": "malformed", "message": "response body is not JSON: '<!DOCTYPE html>'",
                                            "content_type": "text/html; charset=utf-8", "body": "<!DOCTYPE html><html>"}),
                 "/v1/chat/completions", Cause.INVALID_BODY, "an HTML page", id="html-200"),
    pytest.param(Outcome(status=200, error={"type": "malformed", "message": "a 2xx answer without 'choices'",
                                            "content_type": "application/json"}),
                 "/v1/chat/completions", Cause.INVALID_BODY, "not the endpoint's JSON", id="wrong-shape"),
    pytest.param(Outcome(status=200, error={"type": "stream_error", "message": "This model's maximum context length is 512 tokens."}),
                 "/v1/chat/completions", Cause.CONTEXT_TOO_LONG, "512", id="stream-error-context"),
    pytest.param(Outcome(status=200, error={"type": "stream_error", "message": "engine died"}),
                 "/v1/chat/completions", Cause.SERVER_ERROR, "error event in a stream", id="stream-error"),
    pytest.param(Outcome(error={"type": "internal", "message": "KeyError: 'x'"}), "/v1/chat/completions", Cause.INTERNAL, None,
                 id="ours"),
    pytest.param(Outcome(status=502), "/v1/chat/completions", Cause.SERVER_ERROR, "502", id="status-only"),
    pytest.param(Outcome(status=200), "/v1/chat/completions", Cause.INVALID_BODY, "not the endpoint's JSON", id="no-body"),
])
def test_classify_names_the_cause(outcome, endpoint, cause, subject):
    found = classify(record("k#0", outcome, endpoint=endpoint))
    assert found is not None and found.cause == cause and found.subject == subject


def test_an_answered_request_has_no_cause():
    assert classify(record("k#0", Outcome(response={"choices": []}, status=200))) is None
    assert classify_outcome(None) is None


def test_model_404_reads_what_the_server_serves():
    found = diagnose(status=404, message=MODEL_404.removeprefix("HTTP 404: "))
    assert found.served == ("tiny-llama",)
    fix = fix_for(found.cause, [found.subject], served=found.served, hints=PARITY)
    assert "--model-map" in fix and "[tool.migrate.models]" in fix and "gpt-4o" in fix and "tiny-llama" in fix


def test_flag_fix_names_both_flags_and_the_parser_when_the_model_tells():
    assert "--enable-auto-tool-choice --tool-call-parser" in fix_for(Cause.FLAG_MISSING, ["--tool-call-parser"])
    tally = ErrorCauses()
    tally.add(record("t#0", http(400, AUTO_TOOLS_400), model="meta-llama/Llama-3.1-8B-Instruct"))
    assert tally.to_dict()["main"]["fix"] == tool_flags_fix("llama3_json")
    # A flag that is not a tool flag is named as the server named it.
    assert fix_for(Cause.FLAG_MISSING, ["--enable-prompt-tokens-details"]).startswith("start vLLM with --enable-prompt-tokens-details")


def test_error_causes_counts_examples_and_fixes():
    tally = ErrorCauses()
    failed_baseline = Outcome(error={"type": "recorded", "message": "HTTP 404"}, status=404)
    records = [
        record("a#0", http(404, MODEL_404)),
        record("b#0", http(404, MODEL_404.replace("gpt-4o", "gpt-4-turbo")), model="gpt-4-turbo"),
        record("c#0", http(404, MODEL_404), baseline=failed_baseline),
        record("d#0", Outcome(error={"type": "connection", "message": "connection failed", "reason": "refused"})),
        record("e#0", Outcome(response={"choices": []}, status=200)),
    ]
    assert [tally.add(r) is not None for r in records] == [True, True, True, True, False]
    block = tally.to_dict()
    assert block["total"] == 4
    assert [(c["cause"], c["count"]) for c in block["causes"]] == [("model_not_served", 3), ("connection_refused", 1)]
    main = block["main"]
    assert main["title"] == "model not served" and main["share"] == 0.75 and main["baseline_failed_too"] == 1
    assert main["example"]["key"] == "a#0" and main["example"]["message"].startswith("HTTP 404: The model `gpt-4o` does not exist")
    assert main["subjects"] == {"gpt-4o": 2, "gpt-4-turbo": 1}
    assert "gpt-4o, gpt-4-turbo" in main["fix"] and "--model-map" in main["fix"]
    assert "Is the server running?" in block["causes"][1]["fix"]
    assert causes_block({"error_causes": block}) == block and causes_block({}) == {"total": 0, "main": None, "causes": []}


def test_error_causes_memory_is_bounded():
    tally = ErrorCauses()
    for i in range(200):
        message = MODEL_404.replace("gpt-4o", f"model-{i}") + " " + "x" * 2000
        tally.add(record(f"r{i}#0", http(404, message), model=f"model-{i}"))
    row = tally.to_dict()["main"]
    assert row["count"] == 200 and len(row["subjects"]) == MAX_SUBJECTS
    assert len(row["example"]["message"]) <= 300


# -- the replay client records what the classifier needs -----------------------------------------------------------
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


async def _call(caller: Caller, text: str, **extra) -> Outcome:
    try:
        return await caller.call("/v1/chat/completions", {"model": "fake-model", "messages": [{"role": "user", "content": text}], **extra})
    finally:
        await caller.close()


def test_refused_port_is_not_retried_before_any_answer():
    import asyncio

    caller = Caller(f"http://127.0.0.1:{closed_port()}/v1", "EMPTY", max_retries=4, backoff=Backoff(initial_s=1.0))
    started = time.perf_counter()
    outcome = asyncio.run(_call(caller, "hello"))
    assert outcome.attempts == 1 and outcome.error["type"] == "connection" and outcome.error["reason"] == "refused"
    assert time.perf_counter() - started < 1.0  # no backoff spent on a closed port


def test_refused_after_an_answer_is_retried():
    import asyncio

    from tests.parity.faults.server import FaultServer

    server = FaultServer().__enter__()
    caller = Caller(server.base_url, "EMPTY", max_retries=2, backoff=Backoff(initial_s=0.01, max_s=0.02))

    async def both() -> tuple[Outcome, Outcome]:
        first = await caller.call("/v1/chat/completions", {"model": "m", "messages": [{"role": "user", "content": "one"}]})
        server.__exit__(None, None, None)  # the server goes away mid-run (a restart, say): worth retrying
        second = await caller.call("/v1/chat/completions", {"model": "m", "messages": [{"role": "user", "content": "two"}]})
        await caller.close()
        return first, second

    first, second = asyncio.run(both())
    assert first.ok and second.attempts == 3 and second.error["reason"] == "refused"


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_html_page_is_recorded_as_such_and_not_retried(fault_server, stream):
    import asyncio

    outcome = asyncio.run(_call(Caller(fault_server.base_url, "EMPTY", max_retries=3), "fault:html", **({"stream": True} if stream else {})))
    assert outcome.attempts == 1 and outcome.status == 200 and outcome.error["type"] == "malformed"
    assert outcome.error["content_type"].startswith("text/html") and outcome.error["body"].startswith("<!DOCTYPE html>")
    assert classify_outcome(outcome).subject == "an HTML page"


def test_a_stream_request_answered_with_plain_json_is_an_answer(fault_server):
    import asyncio

    outcome = asyncio.run(_call(Caller(fault_server.base_url, "EMPTY"), "fault:nostream", stream=True))
    assert outcome.ok and outcome.response["choices"][0]["message"]["content"] == "echo: fault:nostream"
    assert outcome.ttft_ms is None and outcome.attempts == 1


def test_json_that_is_not_a_completion_is_an_invalid_body(fault_server):
    import asyncio

    outcome = asyncio.run(_call(Caller(fault_server.base_url, "EMPTY"), "fault:shape"))
    assert outcome.error["type"] == "malformed" and "'choices'" in outcome.error["message"] and "service" in outcome.error["message"]
    assert classify_outcome(outcome).cause == Cause.INVALID_BODY


# -- the preflight ---------------------------------------------------------------------------------------------------
def test_needs_from_recordings(tmp_path):
    recs = write_recordings(tmp_path / "recs.jsonl", [
        chat_recording("a", "hi", model="gpt-4o"),
        chat_recording("b", "weather?", model="gpt-4o-mini", tools=[WEATHER], tool_choice="auto", stream=True),
        chat_recording("c", "json", response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}),
        Recording(endpoint="/v1/embeddings", request={"model": "text-embedding-3-small", "input": "x"}, id="e"),
        "{not json",
    ])
    needs = needs_from_recordings(recs, {"gpt-4o": "llama"})
    assert set(needs.features) == {"chat", "tools", "stream", "json_schema", "embeddings"}
    assert needs.features["tools"] == ["recs.jsonl:2"] and needs.features["embeddings"] == ["recs.jsonl:4"]
    assert needs.models() == {"llama": ["recs.jsonl:1", "recs.jsonl:3"], "gpt-4o-mini": ["recs.jsonl:2"],
                              "text-embedding-3-small": ["recs.jsonl:4"]}


def test_preflight_on_a_refused_port_is_fast(tmp_path):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording(f"r{i}", f"hello {i}") for i in range(2000)])
    url = f"http://127.0.0.1:{closed_port()}/v1"
    started = time.perf_counter()
    result = preflight(recs, url)
    elapsed = time.perf_counter() - started
    assert not result.ok and result.problems[0].cause == "connection_refused"
    assert elapsed < 1.0, elapsed  # before the recordings are read and before the SDK is imported
    assert f"cannot reach {url}" in result.message() and "Is the server running?" in result.message()


@pytest.fixture
def web_page():
    """A URL that answers every request with a 200 HTML page (a login or proxy page in front of the server)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!DOCTYPE html><html><body>Sign in</body></html>"
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_a_web_page_instead_of_the_api_fails_preflight_and_doctor_in_words(tmp_path, web_page):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "hello")])
    result = preflight(recs, web_page)
    assert not result.ok and result.problems[0].cause == "invalid_body"
    assert "not the OpenAI API's model list (text/html" in result.message() and "ending in /v1" in result.message()
    doctor = CliRunner().invoke(main, ["doctor", "--base-url", web_page, "--all"])
    assert doctor.exit_code == 2 and "not the OpenAI API's model list" in doctor.output  # was an AttributeError traceback


def test_library_pipeline_runs_the_preflight(tmp_path, fault_server):
    from migrate.parity import PreflightError, run_parity, run_replay

    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording("a", "hello")])
    with pytest.raises(PreflightError) as failed:
        run_parity(recs, candidate_url=f"http://127.0.0.1:{closed_port()}/v1", out_dir=tmp_path / "out")
    assert failed.value.result.problems[0].cause == "connection_refused" and not (tmp_path / "out" / "run.jsonl").exists()
    with pytest.raises(PreflightError, match="not served: gpt-4o"):  # the fault server serves fake-model only
        run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, preflight=True)
    summary = run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, preflight=True,
                         model_map={"gpt-4o": "fake-model"})
    assert summary.preflight.ok and summary.preflight.features == ("chat",) and summary.done == 1


def test_refused_port_fails_fast_then_without_preflight_errors_are_grouped(tmp_path):
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording(f"r{i}", f"hello {i}") for i in range(3)])
    url, run = f"http://127.0.0.1:{closed_port()}/v1", tmp_path / "run.jsonl"

    refused = CliRunner().invoke(main, ["parity", "run", str(recs), "--candidate", url, "--out", str(run)])
    assert refused.exit_code == EXIT_PREFLIGHT, refused.output
    assert f"cannot reach {url}" in refused.output and "nothing was replayed" in refused.output
    assert "--no-preflight" in refused.output and not run.exists()

    started = time.perf_counter()
    result = CliRunner().invoke(main, ["parity", "run", str(recs), "--candidate", url, "--out", str(run), "--no-preflight",
                                       "--max-retries", "4"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 5  # 4 retries with backoff would take at least 5.6 s per request
    assert all(r["candidate"]["attempts"] == 1 and r["candidate"]["error"]["reason"] == "refused" for r in read_results(run))
    assert "Candidate errors: 3, mainly connection refused (3)" in result.output and "Is the server running?" in result.output

    compared = CliRunner().invoke(main, ["parity", "compare", str(run), "--disable", "semantic"], catch_exceptions=False)
    assert compared.exit_code == 0, compared.output
    block = read_summary(tmp_path / "run.verdicts.jsonl")["error_causes"]
    assert block["total"] == 3 and block["main"]["cause"] == "connection_refused" and block["main"]["count"] == 3
    assert block["main"]["example"]["key"] in {"r0#0", "r1#0", "r2#0"}

    from migrate.parity.verdict import Thresholds, decide
    from migrate.report import write_reports

    summary = read_summary(tmp_path / "run.verdicts.jsonl")
    paths = write_reports(summary, decide(summary, Thresholds.from_mapping({})), markdown=tmp_path / "summary.md",
                          json_path=tmp_path / "report.json")
    markdown = paths["markdown"].read_text()
    assert "**3 candidate error(s), mainly connection refused** (3 of 3). Fix: nothing listens at the URL." in markdown
    assert json.loads(paths["json"].read_text())["summary"]["error_causes"]["main"]["cause"] == "connection_refused"


def test_500s_and_an_html_page_are_grouped_by_cause_in_every_report(tmp_path, fault_server):
    from tests.report.browser import Browser

    texts = ["ok one", "ok two", "fault:500 a", "fault:500 b", "fault:500 c", "fault:html", "fault:shape"]
    recs = write_recordings(tmp_path / "recs.jsonl", [chat_recording(f"r{i}", t) for i, t in enumerate(texts)])
    out = tmp_path / "parity"
    result = CliRunner().invoke(main, ["parity", str(recs), "--candidate", fault_server.base_url, "--out", str(out),
                                       "--model-map", "gpt-4o=fake-model", "--max-retries", "0", "--disable", "semantic"],
                                catch_exceptions=False)
    assert result.exit_code == EXIT_NO_GO, result.output
    assert "Preflight: " in result.output and "fake-model" in result.output  # the preflight ran and passed
    assert "Candidate errors: 5, mainly server error (5xx) (3)" in result.output

    block = read_summary(out / "verdicts.jsonl")["error_causes"]
    assert [(c["cause"], c["count"]) for c in block["causes"]] == [("server_error", 3), ("invalid_body", 2)]
    assert block["causes"][1]["subjects"] == {"an HTML page": 1, "not the endpoint's JSON": 1}

    markdown = (out / "summary.md").read_text()
    assert "**5 candidate error(s), mainly server error (5xx)** (3 of 5). Fix: the server failed on the request" in markdown
    assert "| invalid body (an HTML page, not the endpoint's JSON) | 2 |" in markdown
    with Browser() as browser:
        page = browser.open(out / "report.html")
        dom = page.evaluate("""({
            main: document.getElementById('error-causes').dataset.mainCause,
            headline: document.querySelector('#error-causes .main-cause').textContent.replace(/\\s+/g, ' ').trim(),
            rows: Array.from(document.querySelectorAll('#causes tr.cause')).map(r => [r.dataset.cause, +r.dataset.count]),
            before: !!(document.getElementById('error-causes').compareDocumentPosition(document.getElementById('checks'))
                       & Node.DOCUMENT_POSITION_FOLLOWING),
        })""")
        page.browser.pump(0.3)
        assert page.console() == []
    assert dom["main"] == "server_error" and dom["rows"] == [["server_error", 3], ["invalid_body", 2]]
    assert dom["headline"].startswith("5 candidate error(s), mainly server error (5xx) (3 of 5). Fix: the server failed")
    assert dom["before"]  # at the top, above the thresholds


# -- on the real vLLM servers ----------------------------------------------------------------------------------------
def vllm_recordings(path: Path, *, model: str, tools: int = 0, chats: int = 2, too_long: int = 0, **extra_models) -> Path:
    recordings = [chat_recording(f"chat{i}", f"Say hi {i}", model=model, max_tokens=4, temperature=0) for i in range(chats)]
    recordings += [chat_recording(f"tool{i}", f"Weather in Paris {i}?", model=model, max_tokens=8, tools=[WEATHER],
                                  tool_choice="auto") for i in range(tools)]
    recordings += [chat_recording(f"long{i}", "Tell me everything.", model=model, max_tokens=1000) for i in range(too_long)]
    for rid, name in extra_models.items():
        recordings.append(chat_recording(rid, "Hello there", model=name, max_tokens=4))
    return write_recordings(path, recordings)


def test_preflight_passes_on_a_server_that_has_what_the_recordings_use(tmp_path, vllm_server):
    recs = vllm_recordings(tmp_path / "recs.jsonl", model="gpt-4o-mini", tools=1)
    result = preflight(recs, vllm_server.base_url)
    assert result.ok, result.message()
    assert set(result.features) == {"chat", "tools"} and "gpt-4o-mini" in result.served


def test_unmapped_model_fails_preflight_and_is_grouped_as_model_not_served(tmp_path, vllm_server):
    recs = vllm_recordings(tmp_path / "recs.jsonl", model="gpt-4o-mini", u1="gpt-4o", u2="gpt-4o")
    out = tmp_path / "parity"
    refused = CliRunner().invoke(main, ["parity", str(recs), "--candidate", vllm_server.base_url, "--out", str(out)])
    assert refused.exit_code == EXIT_PREFLIGHT, refused.output
    assert "not served: gpt-4o" in refused.output and "--model-map" in refused.output and "recs.jsonl:3" in refused.output
    assert not (out / "run.jsonl").exists()

    result = CliRunner().invoke(main, ["parity", str(recs), "--candidate", vllm_server.base_url, "--out", str(out),
                                       "--no-preflight", "--disable", "semantic", "--max-retries", "0"], catch_exceptions=False)
    assert result.exit_code == EXIT_NO_GO, result.output
    block = read_summary(out / "verdicts.jsonl")["error_causes"]
    main_cause = block["main"]
    assert block["total"] == 2 and main_cause["cause"] == "model_not_served" and main_cause["count"] == 2
    assert main_cause["subjects"] == {"gpt-4o": 2}
    assert "does not exist" in main_cause["example"]["message"]  # the server's own words
    assert "--model-map" in main_cause["fix"] and "[tool.migrate.models]" in main_cause["fix"]
    assert "tiny-llama" in main_cause["fix"]  # what the server said it serves
    html = (out / "report.html").read_text()
    assert 'data-main-cause="model_not_served"' in html and "mainly model not served</strong> (2 of 2)" in html
    assert "Candidate errors: 2, mainly model not served (2)" in result.output


def test_tools_on_the_bare_server_fail_preflight_and_are_grouped_as_flag_missing(tmp_path, vllm_bare_server):
    recs = vllm_recordings(tmp_path / "recs.jsonl", model="tiny-llama", tools=2, too_long=1)
    out = tmp_path / "parity"
    refused = CliRunner().invoke(main, ["parity", "run", str(recs), "--candidate", vllm_bare_server.base_url,
                                        "--out", str(out / "run.jsonl")])
    assert refused.exit_code == EXIT_PREFLIGHT, refused.output
    assert "tools: refused" in refused.output and "--enable-auto-tool-choice --tool-call-parser" in refused.output
    assert re.search(r"server said \(HTTP 400\): .*requires --enable-auto-tool-choice", refused.output)
    checked = preflight(recs, vllm_bare_server.base_url)
    assert [(p.feature, p.cause) for p in checked.problems] == [("tools", "flag_missing")]
    assert checked.problems[0].locations == ("recs.jsonl:3", "recs.jsonl:4")

    result = CliRunner().invoke(main, ["parity", str(recs), "--candidate", vllm_bare_server.base_url, "--out", str(out),
                                       "--no-preflight", "--disable", "semantic", "--max-retries", "0"], catch_exceptions=False)
    assert result.exit_code == EXIT_NO_GO, result.output
    block = read_summary(out / "verdicts.jsonl")["error_causes"]
    assert [(c["cause"], c["count"]) for c in block["causes"]] == [("flag_missing", 2), ("context_too_long", 1)]
    flag, context = block["causes"]
    assert flag["subjects"] == {"--enable-auto-tool-choice --tool-call-parser": 2}
    assert flag["fix"].startswith("start vLLM with --enable-auto-tool-choice --tool-call-parser")
    assert "max_model_len=512" in context["example"]["message"] and "--max-model-len" in context["fix"]
    assert "(512 tokens)" in context["fix"]
    markdown = (out / "summary.md").read_text()
    assert "**3 candidate error(s), mainly flag missing** (2 of 3)" in markdown
    assert "| context too long (512) | 1 |" in markdown


def test_embeddings_on_a_generative_server_fail_preflight_and_are_grouped(tmp_path, vllm_server):
    recordings = [chat_recording("chat0", "Say hi", model="gpt-4o-mini", max_tokens=4)]
    recordings += [Recording(endpoint="/v1/embeddings", request={"model": "text-embedding-3-small", "input": f"text {i}"}, id=f"emb{i}",
                             response={"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.1, 0.2]}]},
                             status=200) for i in range(2)]
    recs = write_recordings(tmp_path / "recs.jsonl", recordings)
    result = preflight(recs, vllm_server.base_url, model_map={"text-embedding-3-small": "tiny-llama"})
    assert not result.ok and [p.feature for p in result.problems] == ["embeddings"]
    problem = result.problems[0]
    assert problem.cause == "route_not_served" and problem.http_status == 404 and problem.locations == ("recs.jsonl:2", "recs.jsonl:3")
    assert "--runner pooling" in problem.fix and "replay the embeddings recordings against that server" in problem.fix

    run = tmp_path / "run.jsonl"
    replayed = CliRunner().invoke(main, ["parity", "run", str(recs), "--candidate", vllm_server.base_url, "--out", str(run),
                                         "--model-map", "text-embedding-3-small=tiny-llama", "--no-preflight"], catch_exceptions=False)
    assert replayed.exit_code == 0, replayed.output
    assert "Candidate errors: 2, mainly endpoint not served (2)" in replayed.output and "--runner pooling" in replayed.output
