"""`migrate doctor` against the real vLLM servers, plus fault injection with a scripted fake endpoint."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.config import Config
from migrate.doctor import DoctorError, Status, render_markdown, run_doctor
from migrate.scan.findings import Finding, Kind
from migrate.serve import needs_from_findings

TOOLS_CODE = [
    Finding(Kind.CALL, "bot/agent.py", 14, 4, 18, 5, "openai", endpoint="chat.completions.create", model="gpt-4o-mini",
            parameters=("messages", "model", "tool_choice", "tools")),
    Finding(Kind.CALL, "bot/agent.py", 30, 4, 30, 60, "openai", endpoint="chat.completions.create", model="gpt-4o-mini",
            parameters=("messages", "model", "stream", "stream_options")),
]


def findings_file(tmp_path, findings):
    path = tmp_path / "findings.json"
    path.write_text(json.dumps({
        "roots": ["."], "findings": [f.to_dict() for f in findings], "skipped": [], "files_scanned": 1,
        "files_parsed": 1, "catalog": {"openai_version": "3.57.0", "vllm_version": "0.32.0", "generated": "2026-11-22"},
        "tool_version": "0.1.0"}))
    return path


def doctor_json(*args):
    result = CliRunner().invoke(main, ["doctor", "--format", "json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


@pytest.mark.vllm
def test_tools_probe_fails_on_bare_server_then_passes_with_parser(vllm_bare_server, vllm_server, tmp_path):
    findings = str(findings_file(tmp_path, TOOLS_CODE))

    code, report = doctor_json("--base-url", vllm_bare_server.base_url, "--findings", findings, "--model", "tiny-llama")
    assert code == 1
    probes = {r["feature"]: r for r in report["results"]}
    assert list(probes) == ["models", "chat", "roles", "stream", "tools"]  # only what the code uses
    tools = probes["tools"]
    assert tools["status"] == "fail" and tools["http_status"] == 400
    assert "--enable-auto-tool-choice and --tool-call-parser to be set" in tools["server_error"]  # the server's words
    assert "--enable-auto-tool-choice --tool-call-parser llama3_json" in tools["fix"]
    assert tools["locations"] == ["bot/agent.py:14"]
    # The bare server does not serve gpt-4o-mini, which this code sends: that fails too, naming it.
    assert probes["models"]["status"] == "fail" and "gpt-4o-mini" in probes["models"]["detail"]

    code, report = doctor_json("--base-url", vllm_server.base_url, "--findings", findings)
    assert code == 0, report
    assert report["model"] == "gpt-4o-mini"  # probed with the name the code sends
    assert all(r["status"] == "pass" for r in report["results"]), report["results"]


@pytest.mark.vllm
def test_all_probes_on_the_tool_server(vllm_server):
    report = run_doctor(vllm_server.base_url, None, timeout_s=60)
    status = {r.feature: r.status for r in report.results}
    assert report.scope == "all" and report.server_version
    assert status.pop("embeddings") == Status.FAIL  # a generative model serves no embeddings
    assert set(status.values()) == {Status.PASS}, report.to_dict()
    embeddings = next(r for r in report.results if r.feature == "embeddings")
    assert embeddings.http_status == 404 and "--runner pooling" in embeddings.fix
    assert not report.ok and [r.feature for r in report.blocking] == ["embeddings"]


@pytest.mark.vllm
def test_unserved_model_name_fails_models_probe(vllm_server):
    needs = needs_from_findings([Finding(Kind.CALL, "a.py", 3, 0, 3, 9, "openai", endpoint="chat.completions.create",
                                         model="gpt-4-turbo", parameters=("messages", "model"))])
    report = run_doctor(vllm_server.base_url, needs, config=Config(models={"gpt-4-turbo": "llama-70b"}))
    models = report.results[0]
    assert models.feature == "models" and models.status == Status.FAIL
    assert "llama-70b (a.py:3)" in models.detail  # the name after the model map
    assert "--served-model-name" in models.fix


@pytest.mark.vllm
def test_markdown_report_for_pr_body(vllm_bare_server):
    report = run_doctor(vllm_bare_server.base_url, ["chat", "tools"])
    text = render_markdown(report)
    assert text.startswith("### vLLM endpoint check: 1 blocking problem")
    assert "| ❌ | tool calling" in text and "| ✅ | chat completions" in text
    assert "Fix: start vLLM with --enable-auto-tool-choice --tool-call-parser" in text


@pytest.mark.vllm
def test_doctor_checks_the_active_tool_parser(vllm_server):
    """The served tiny Llama is a Llama 3.x (its chat template writes <|python_tag|>): the server's llama3_json
    parser reads that family's canary as a tool call. Checked as a Llama 4 instead, the same server's parser
    leaves the pythonic call as text: the mismatch the doctor reports, with the parser to start vLLM with."""
    import openai

    from migrate.catalog.model_families import by_family
    from migrate.doctor.probes import ProbeContext, probe_tools

    report = run_doctor(vllm_server.base_url, ["tools"], timeout_s=120)
    tools = next(r for r in report.results if r.feature == "tools")
    assert tools.status == Status.PASS, tools
    assert "the active tool parser reads Llama 3.x tool calls (a llama3_json-format call came back as a get_weather " \
           "tool call)" in tools.detail

    client = openai.OpenAI(base_url=vllm_server.base_url, api_key="EMPTY", max_retries=0, timeout=120)
    outcome = probe_tools(ProbeContext(client=client, model=vllm_server.model, tool_family=by_family("Llama 4"),
                                       tool_parser_hint="llama4_pythonic"))
    assert outcome.status == Status.FAIL
    assert "the server's tool parser does not read Llama 4 tool calls" in outcome.detail
    assert outcome.fix.startswith("restart vLLM with --enable-auto-tool-choice --tool-call-parser llama4_pythonic")


def test_dead_endpoint_is_one_clear_line():
    started = time.monotonic()
    result = CliRunner().invoke(main, ["doctor", "--base-url", "http://127.0.0.1:9/v1", "--timeout", "3"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("migrate doctor: cannot reach http://127.0.0.1:9/v1")
    assert time.monotonic() - started < 10


def test_unknown_feature_is_refused():
    with pytest.raises(ValueError, match="unknown feature"):
        run_doctor("http://127.0.0.1:9/v1", ["teleport"])


# --- fault injection: a scripted endpoint that lists a model and then misbehaves -----------------------------


class FakeEndpoint(BaseHTTPRequestHandler):
    behaviour = "slow"

    def log_message(self, *args):
        pass

    def _send(self, status, body):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/v1/models":
            if self.behaviour == "auth":
                return self._send(401, {"error": {"message": "Unauthorized"}})
            return self._send(200, {"object": "list", "data": [{"id": "m", "object": "model", "owned_by": "x"}]})
        self._send(404, {"detail": "Not Found"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.behaviour == "no-structured-outputs":  # forced tool choices work, structured_outputs is ignored
            forced = body.get("tool_choice") not in (None, "auto")
            call = {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
            message = {"role": "assistant", "content": None if forced else "Hello!", **({"tool_calls": [call]} if forced else {})}
            return self._send(200, {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                                    "choices": [{"index": 0, "message": message,
                                                 "finish_reason": "tool_calls" if forced else "stop"}]})
        if self.behaviour in ("forced-as-text", "forced-cut-json"):  # a forced tool_choice answered without a call
            forced = body.get("tool_choice") not in (None, "auto")
            text = ('[{"name": "get_weather", "parameters": {"city": "Par' if self.behaviour == "forced-cut-json"
                    else "The weather in Paris is sunny and")
            return self._send(200, {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                                 "finish_reason": "length" if forced else "stop"}]})
        if self.behaviour == "slow":
            time.sleep(3)
            return self._send(200, {})
        if self.behaviour == "garbage":
            return self._send(200, "this is not json")
        self._send(500, {"message": "engine dead"})


@pytest.fixture
def fake_endpoint(request):
    handler = type("Handler", (FakeEndpoint,), {"behaviour": request.param})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("fake_endpoint, detail", [
    ("slow", "no answer within the probe timeout"),
    ("error", "HTTP 500"),
    ("garbage", "unexpected answer"),
], indirect=["fake_endpoint"], ids=["timeout", "http-500", "garbage"])
def test_misbehaving_endpoint_fails_probes_without_crashing(fake_endpoint, detail):
    started = time.monotonic()
    report = run_doctor(fake_endpoint, ["chat", "n"], timeout_s=1.0)
    assert [r.status for r in report.results] == [Status.FAIL, Status.FAIL]
    assert all(detail in r.detail for r in report.results)
    assert time.monotonic() - started < 8  # the per-probe timeout holds


@pytest.mark.parametrize("fake_endpoint", ["no-structured-outputs"], indirect=True)
def test_parser_check_is_inconclusive_on_a_server_without_structured_outputs(fake_endpoint):
    from migrate.catalog.model_families import by_family
    from migrate.doctor.probes import ProbeContext, probe_tools

    import openai

    client = openai.OpenAI(base_url=fake_endpoint, api_key="EMPTY", max_retries=0, timeout=5)
    outcome = probe_tools(ProbeContext(client=client, model="m", tool_family=by_family("Qwen")))
    assert outcome.status == Status.PASS
    assert outcome.detail == ("tool_choice auto, required and named accepted; which parser is active was not checked "
                              "(the server did not follow structured_outputs: not vLLM, or an older one)")


@pytest.mark.parametrize("fake_endpoint", ["forced-as-text"], indirect=True)
def test_forced_tool_choice_answered_as_text_fails_even_when_cut_at_max_tokens(fake_endpoint):
    """Plain text under tool_choice=required (llama.cpp's answer) is not hidden by finish_reason "length"."""
    report = run_doctor(fake_endpoint, ["tools"])
    (tools,) = report.results
    assert tools.status == Status.FAIL
    assert tools.detail.startswith("tool_choice=required came back with no get_weather call (finish_reason length, "
                                   "text); tool_choice=named came back with no get_weather call")
    assert "accepts a forced tool_choice but does not enforce it" in tools.detail
    # owned_by "x": not vLLM, so the fix names no vLLM flag
    assert tools.fix.startswith("the server does not force a tool call for required or named") and "vLLM" not in tools.fix


@pytest.mark.parametrize("fake_endpoint", ["forced-cut-json"], indirect=True)
def test_forced_tool_call_cut_at_max_tokens_is_not_a_failure(fake_endpoint):
    report = run_doctor(fake_endpoint, ["tools"])
    (tools,) = report.results
    assert tools.status == Status.PASS, tools
    assert "required, named: a tool call's JSON cut at max_tokens=96" in tools.detail


@pytest.mark.parametrize("fake_endpoint", ["auth"], indirect=True)
def test_refused_key_is_a_clear_error(fake_endpoint):
    with pytest.raises(DoctorError, match="refused the API key"):
        run_doctor(fake_endpoint, ["chat"])
