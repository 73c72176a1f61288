"""`migrate record` on the command line."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import openai
import pytest
from click.testing import CliRunner

from migrate.cli import main
from tests.parity.faults.fixtures import fault_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    return CliRunner().invoke(main, ["record", *args], catch_exceptions=False)


@pytest.mark.parametrize("command", ["proxy", "import-batch", "import-prompts", "inspect"])
def test_every_command_has_help_with_examples(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Examples:" in result.output


def test_import_batch_then_inspect(tmp_path):
    (tmp_path / "in.jsonl").write_text(json.dumps({"custom_id": "a", "url": "/v1/chat/completions", "body": {"model": "gpt-4o", "messages": []}}) + "\n{oops\n")
    (tmp_path / "out.jsonl").write_text(json.dumps({"custom_id": "a", "response": {"status_code": 200, "body": {"choices": []}}}) + "\n")
    result = run("import-batch", "--input", str(tmp_path / "in.jsonl"), "--output", str(tmp_path / "out.jsonl"), "--out", str(tmp_path / "recs.jsonl"))
    assert result.exit_code == 0
    assert "Imported 1 recording(s)" in result.output and "in.jsonl:2:" in result.output
    inspected = run("inspect", str(tmp_path / "recs.jsonl"))
    assert inspected.exit_code == 0 and "endpoint /v1/chat/completions" in inspected.output and "model gpt-4o" in inspected.output
    with open(tmp_path / "recs.jsonl", "a") as fh:
        fh.write("not json\n")
    broken = run("inspect", str(tmp_path / "recs.jsonl"))
    assert broken.exit_code == 1 and "recs.jsonl:2:" in broken.output


def test_import_prompts_with_a_baseline_reads_the_key_from_the_environment(tmp_path, fault_server, monkeypatch):
    monkeypatch.setenv("MY_KEY", "sk-from-env-0000000000000000")
    (tmp_path / "p.jsonl").write_text(json.dumps({"prompt": "hello"}) + "\n")
    result = run("import-prompts", str(tmp_path / "p.jsonl"), "--out", str(tmp_path / "recs.jsonl"), "--model", "gpt-4o",
                 "--baseline", fault_server.base_url, "--api-key-env", "MY_KEY", "--redact", "email")
    assert result.exit_code == 0, result.output
    assert "1 answered" in result.output
    assert fault_server.hits()[0].headers["Authorization"] == "Bearer sk-from-env-0000000000000000"
    assert "sk-from-env" not in (tmp_path / "recs.jsonl").read_text()


def test_bad_regex_is_a_clear_error(tmp_path):
    (tmp_path / "p.jsonl").write_text(json.dumps({"prompt": "x", "model": "m"}) + "\n")
    result = CliRunner().invoke(main, ["record", "import-prompts", str(tmp_path / "p.jsonl"), "--out", str(tmp_path / "r.jsonl"), "--redact-regex", "(x"])
    assert result.exit_code == 2 and "not a valid regular expression" in result.output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_proxy_command_records_until_interrupted(tmp_path, fault_server):
    port = free_port()
    out = tmp_path / "recs.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "migrate", "record", "proxy", "--upstream", fault_server.base_url, "--out", str(out),
                             "--port", str(port), "--tag", "cli"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="k", max_retries=5)
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "cli"}])
                break
            except openai.APIConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert answer.choices[0].message.content == "echo: cli"
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, output
    assert f"OPENAI_BASE_URL=http://127.0.0.1:{port}/v1" in output and "1 recorded" in output
    assert json.loads(out.read_text())["tags"] == ["cli"]


def test_configured_redactions_apply_and_flags_add_to_them(tmp_path, monkeypatch):
    (tmp_path / "migrate.toml").write_text('[record]\nredact = ["email"]\n')
    (tmp_path / "p.jsonl").write_text(json.dumps({"prompt": "Mail jane@example.com or call 555-123-4567"}) + "\n")
    monkeypatch.chdir(tmp_path)
    assert run("import-prompts", "p.jsonl", "--out", "a.jsonl", "--model", "gpt-4o").exit_code == 0
    assert "Mail [REDACTED:email] or call 555-123-4567" in (tmp_path / "a.jsonl").read_text()
    assert run("import-prompts", "p.jsonl", "--out", "b.jsonl", "--model", "gpt-4o", "--redact", "phone").exit_code == 0
    assert "Mail [REDACTED:email] or call [REDACTED:phone]" in (tmp_path / "b.jsonl").read_text()
    (tmp_path / "migrate.toml").write_text('[record]\nredact = ["ssn"]\n')
    result = CliRunner().invoke(main, ["record", "import-prompts", "p.jsonl", "--out", "c.jsonl", "--model", "gpt-4o"])
    assert result.exit_code == 2 and "[record] unknown redaction 'ssn'" in result.output
