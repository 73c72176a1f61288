"""Secrets and bytes, end to end: a hand-made recordings file cannot leak a secret to the candidate or into any
file parity writes; control bytes in model output never reach the HTML or Markdown raw; a redacted prompt is
flagged, set apart from the gates, and says so in every report.

The candidate is the real vLLM server, except for the one assertion only a scripted server can make: what the
candidate received, byte for byte (the fault server logs every request body).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.parity.replay import run_replay
from migrate.record.format import Recording
from tests.parity.faults.fixtures import fault_server, read_results, write_recordings  # noqa: F401 - fixture

pytestmark = pytest.mark.timeout(600)

# Secrets of every always-on kind, hidden where a hand-made file might put them.
OPENAI_KEY = "sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2"
GITHUB_TOKEN = "ghp_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8"
PASSWORD = "hunter2-Correct-Horse"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
PEM_BODY = "MIIEowIBAAKCAQEA7bq0Hn2SECRETBODYxyz"
PRIVATE_KEY = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----"
DB_PASSWORD = "pg-Pa55word-77"
CANDIDATE_KEY = "candidate-key-5f0c1e2d"  # the key parity itself uses: never written either
SECRETS = (OPENAI_KEY, GITHUB_TOKEN, PASSWORD, JWT, PEM_BODY, DB_PASSWORD, CANDIDATE_KEY)

CONTROL = "\x00\x1b\x07\x08\x7f\x85\x9b"  # NUL, ESC, BEL, backspace, DEL, C1 NEL, C1 CSI
RAW_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def secret_recordings(model: str = "gpt-4o-mini") -> list[Recording]:
    """Hand-made recordings with a secret in the system prompt, the user prompt, a tool argument, a dict key,
    the recorded answer, a tag and an error message."""
    return [
        Recording(
            endpoint="/v1/chat/completions", id="leaky-prompt", tags=("team", f"key={OPENAI_KEY}"),
            request={"model": model, "max_tokens": 8, "temperature": 0, "messages": [
                {"role": "system", "content": f"Use the API key {OPENAI_KEY} and the token {GITHUB_TOKEN}."},
                {"role": "user", "content": f"My password={PASSWORD}; session {JWT}. Say hi."}]},
            response={"choices": [{"index": 0, "message": {"role": "assistant", "content": f"Connect with postgres://app:{DB_PASSWORD}@db:5432/x"},
                                   "finish_reason": "stop"}], "model": "gpt-4o-mini"},
            status=200, latency_ms=120.0),
        Recording(
            endpoint="/v1/chat/completions", id="leaky-tools",
            request={"model": model, "max_tokens": 8, "temperature": 0, "metadata": {OPENAI_KEY: "as a key"}, "messages": [
                {"role": "user", "content": "Deploy it."},
                {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
                    "name": "deploy", "arguments": json.dumps({"ssh_key": PRIVATE_KEY, "auth": f"Bearer {JWT}"})}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "done"}]},
            response={"choices": [{"index": 0, "message": {"role": "assistant", "content": "Deployed."}, "finish_reason": "stop"}]},
            status=200, latency_ms=90.0),
        # A plain request whose hand-written baseline the tiny model cannot match: the run is judged NO-GO.
        Recording(endpoint="/v1/chat/completions", id="plain", request={"model": model, "max_tokens": 8, "temperature": 0,
                  "messages": [{"role": "user", "content": "Say hi"}]},
                  response={"choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello there, how can I help you today?"},
                                         "finish_reason": "stop"}]}, status=200, latency_ms=80.0),
        Recording(endpoint="/v1/chat/completions", id="leaky-error", error=f"upstream said: invalid key {OPENAI_KEY}", status=401,
                  request={"model": model, "max_tokens": 8, "messages": [{"role": "user", "content": "Hello"}]}),
    ]


def open_in_chromium(html: Path, script: str):
    """Open the report in headless Chromium; no console error, no dialog; the value of `script` on the page."""
    from tests.report.browser import Browser

    with Browser() as browser:
        page = browser.open(html)
        browser.pump(0.5)
        assert page.console() == []
        return page.evaluate(script)


def assert_no_secret(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text, f"{path.name} leaks {secret!r}"


def test_the_candidate_never_receives_a_secret_from_a_hand_made_file(tmp_path, fault_server):  # noqa: F811
    recs = write_recordings(tmp_path / "recs.jsonl", secret_recordings())
    canary = Recording(endpoint="/v1/chat/completions", id="canary", request={"model": "gpt-4o-mini", "messages": [
        {"role": "user", "content": f"fault:canary with {OPENAI_KEY}"}]})
    write_recordings(tmp_path / "canary.jsonl", [canary])
    with open(recs, "a", encoding="utf-8") as fh:
        fh.write((tmp_path / "canary.jsonl").read_text())

    summary = run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, api_key=CANDIDATE_KEY, max_retries=0)
    assert summary.done == 5

    assert len(fault_server.log) == 5
    for hit in fault_server.log:
        sent = json.dumps(hit.body)
        for secret in SECRETS:
            assert secret not in sent, f"the candidate received {secret!r}"
    received = {json.dumps(hit.body["messages"][-1]) for hit in fault_server.log}
    assert json.dumps({"role": "user", "content": "My password=[REDACTED:secret]; session [REDACTED:token]. Say hi."}) in received
    assert json.dumps({"role": "user", "content": "fault:canary with [REDACTED:api-key]"}) in received
    assert {h.headers.get("Authorization") for h in fault_server.log} == {f"Bearer {CANDIDATE_KEY}"}
    # The canary's 401 echoes the candidate's key; the fault server's answers echo the prompt: neither leaks.
    assert_no_secret(tmp_path / "run.jsonl")
    results = {r["recording_id"]: r for r in read_results(tmp_path / "run.jsonl")}
    assert "Incorrect API key provided: Bearer [REDACTED:api-key]" in results["canary"]["candidate"]["error"]["message"]
    assert results["leaky-prompt"]["tags"] == ["team", "key=[REDACTED:api-key]"]
    # Scrubbing changed what the candidate saw, and the baseline was recorded from the original: flagged.
    assert results["leaky-prompt"]["redacted"] == ["api-key", "secret", "token"]
    assert results["leaky-tools"]["redacted"] == ["api-key", "private-key", "token"]
    assert "redacted" not in results["leaky-error"]  # nothing was taken out of its prompt


def test_no_secret_in_any_file_parity_writes_against_vllm(tmp_path, vllm_server):
    recs = write_recordings(tmp_path / "recs.jsonl", secret_recordings())
    out = tmp_path / "parity"
    result = CliRunner().invoke(main, ["parity", str(recs), "--candidate", vllm_server.base_url, "--out", str(out),
                                       "--model-map", "*=tiny-llama", "--disable", "semantic", "--max-retries", "0"],
                                env={"MIGRATE_CANDIDATE_API_KEY": CANDIDATE_KEY}, catch_exceptions=False)
    assert result.exit_code == 1 and "NO-GO" in result.output, result.output  # hand-written baselines: tiny-llama differs
    for secret in SECRETS:
        assert secret not in result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == ["report.html", "report.json", "run.jsonl", "summary.md", "verdicts.jsonl"]
    for name in written:
        assert_no_secret(out / name)
    results = read_results(out / "run.jsonl")
    assert len(results) == 4
    answered = [r for r in results if r["candidate"]["error"] is None]
    assert answered and all(r["candidate"]["status"] == 200 for r in answered)  # vLLM answered the scrubbed requests
    md = (out / "summary.md").read_text()
    assert "replayed with a redacted prompt" in md
    shown = open_in_chromium(out / "report.html", "document.body.innerText")
    assert "[REDACTED:api-key]" in shown and not any(secret in shown for secret in SECRETS)


def control_recordings() -> list[Recording]:
    answer = f"colour{CONTROL}red\r\nand \x1b[31mbright\x1b[0m"
    return [Recording(endpoint="/v1/chat/completions", id=f"bytes-{i}", tags=("bytes",),
                      request={"model": "gpt-4o-mini", "max_tokens": 6, "temperature": 0,
                               "messages": [{"role": "user", "content": f"Name a colour{CONTROL} please #{i}"}]},
                      response={"choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}]},
                      status=200, latency_ms=50.0) for i in range(2)]


def test_control_bytes_never_reach_html_or_markdown_raw(tmp_path, vllm_server):
    recs = write_recordings(tmp_path / "recs.jsonl", control_recordings())
    out = tmp_path / "parity"
    result = CliRunner().invoke(main, ["parity", str(recs), "--candidate", vllm_server.base_url, "--out", str(out),
                                       "--model-map", "*=tiny-llama", "--disable", "semantic", "--worst", "10"], catch_exceptions=False)
    assert result.exit_code == 1 and "NO-GO" in result.output, result.output  # hand-written baselines: tiny-llama differs
    for name in ("report.html", "summary.md"):
        raw = (out / name).read_bytes()
        text = raw.decode("utf-8")
        assert not RAW_CONTROLS.search(text), f"{name} has a raw control character"
        assert b"\r" not in raw
        assert "\u2400" in text and "\u241b" in text and "\\x85" in text  # shown: NUL, ESC, a C1 control
    md = (out / "summary.md").read_text()
    assert "colour\u2400\u241b\u2407\u2408\u2421\\x85\\x9bred" in md  # the baseline answer, in a fenced block

    # JSON stays exact: the answer decodes back to the very characters the model sent.
    report = json.loads((out / "report.json").read_text())
    assert not RAW_CONTROLS.search((out / "report.json").read_text())
    baselines = {c["baseline"] for c in report["summary"]["worst"] + report["summary"]["sample"]}
    assert f"colour{CONTROL}red\r\nand \x1b[31mbright\x1b[0m" in baselines

    shown = open_in_chromium(out / "report.html", "document.querySelector('#cases-worst .side pre, #cases-sample .side pre').textContent")
    assert "\u241b" in shown and "\x1b" not in shown


def test_redacted_prompt_is_flagged_and_set_apart(tmp_path, vllm_server):
    plain = [Recording(endpoint="/v1/chat/completions", id=f"plain-{i}", request={
        "model": "gpt-4o-mini", "max_tokens": 6, "temperature": 0, "messages": [{"role": "user", "content": f"Say a word #{i}"}]},
        response={"choices": [{"index": 0, "message": {"role": "assistant", "content": "A word."}, "finish_reason": "stop"}]},
        status=200, latency_ms=40.0) for i in range(2)]
    # As `migrate record --redact email` writes it: the baseline answered the original address.
    redacted = Recording(endpoint="/v1/chat/completions", id="mailer", request={
        "model": "gpt-4o-mini", "max_tokens": 6, "temperature": 0,
        "messages": [{"role": "user", "content": "Write to [REDACTED:email] about the refund"}]},
        response={"choices": [{"index": 0, "message": {"role": "assistant", "content": "Sent to [REDACTED:email]."}, "finish_reason": "stop"}]},
        status=200, latency_ms=40.0)
    recs = write_recordings(tmp_path / "recs.jsonl", [*plain, redacted])
    out = tmp_path / "parity"
    result = CliRunner().invoke(main, ["parity", str(recs), "--candidate", vllm_server.base_url, "--out", str(out),
                                       "--model-map", "*=tiny-llama", "--disable", "semantic", "--worst", "10"], catch_exceptions=False)
    assert result.exit_code == 1 and "NO-GO" in result.output, result.output  # hand-written baselines: tiny-llama differs

    assert "1 request(s) replayed with a redacted prompt: set apart from the gates" in " ".join(result.output.split())
    run = {r["recording_id"]: r for r in read_results(out / "run.jsonl")}
    assert run["mailer"]["redacted"] == ["email"] and "redacted" not in run["plain-0"]
    verdicts = {v["recording_id"]: v for v in map(json.loads, (out / "verdicts.jsonl").read_text().splitlines()) if v["type"] == "verdict"}
    assert verdicts["mailer"]["redacted"] == ["email"] and verdicts["plain-1"]["redacted"] == []

    report = json.loads((out / "report.json").read_text())
    scopes = report["summary"]["scopes"]
    assert scopes["all"]["n"] == 3 and scopes["all"]["redacted"] == 1  # counted, not judged
    assert scopes["redacted:prompt"]["n"] == 1 and scopes["redacted:prompt"]["redacted"] == 0
    gate_n = {c["metric"]: c["n"] for c in report["checks"] if c["scope"] == "all"}
    assert gate_n["equivalence"] == 2  # the comparator gates count the two plain requests only
    assert scopes["all"]["pass_rate"] == scopes["all"]["passed"] / 2

    md = (out / "summary.md").read_text()
    assert "**1 request(s) replayed with a redacted prompt**" in md and "not counted in the gates" in md
    html = (out / "report.html").read_text()
    assert 'id="redacted-note"' in html and "1 request(s) replayed with a redacted prompt" in html
    assert re.search(r'data-key="mailer#0">.*?class="chip r"[^>]*>redacted<', html, re.S)
    note = open_in_chromium(out / "report.html", "document.getElementById('redacted-note').innerText")
    assert note.startswith("1 request(s) replayed with a redacted prompt") and "not counted in the gates" in note


def test_parity_applies_the_configured_redactions_before_replay(tmp_path, fault_server):  # noqa: F811
    (tmp_path / "migrate.toml").write_text('[record]\nredact = ["email"]\n')
    recs = write_recordings(tmp_path / "recs.jsonl", [Recording(
        endpoint="/v1/chat/completions", id="mail", request={"model": "gpt-4o", "messages": [{"role": "user", "content": "Write to jane@example.com"}]},
        response={"choices": [{"index": 0, "message": {"role": "assistant", "content": "Done, jane@example.com."}}]}, status=200)])
    result = CliRunner().invoke(main, ["parity", "run", str(recs), "--candidate", fault_server.base_url, "--out", str(tmp_path / "run.jsonl"),
                                       "--config", str(tmp_path / "migrate.toml"), "--max-retries", "0", "--no-preflight"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert [hit.body["messages"][-1]["content"] for hit in fault_server.log] == ["Write to [REDACTED:email]"]
    (line,) = read_results(tmp_path / "run.jsonl")
    assert line["redacted"] == ["email"] and "jane@example.com" not in (tmp_path / "run.jsonl").read_text()
    header = json.loads((tmp_path / "run.jsonl").read_text().splitlines()[0])
    assert header["extra"]["scrubbing"] == {"redact": ["email"], "redact_regex": []}


def test_a_live_baseline_sees_the_same_redacted_text_so_nothing_is_set_apart(tmp_path, fault_server):  # noqa: F811
    recs = write_recordings(tmp_path / "recs.jsonl", [Recording(
        endpoint="/v1/chat/completions", id="mail", request={"model": "gpt-4o", "messages": [
            {"role": "user", "content": f"Write to [REDACTED:email] with {OPENAI_KEY}"}]})])
    run_replay(recs, tmp_path / "run.jsonl", candidate_url=fault_server.base_url, baseline_url=fault_server.base_url,
               baseline_api_key="baseline-key-0a1b2c", max_retries=0)
    texts = [hit.body["messages"][-1]["content"] for hit in fault_server.log]
    assert texts == ["Write to [REDACTED:email] with [REDACTED:api-key]"] * 2  # candidate and baseline alike
    (line,) = read_results(tmp_path / "run.jsonl")
    assert "redacted" not in line and line["baseline"]["status"] == 200
