"""Deployment files rendered from a plan: valid for their tool, and carrying the same flags."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from migrate.cli import main
from migrate.scan.findings import Finding, Kind
from migrate.serve import plan_server
from migrate.serve.deploy import TARGETS, render_deploy, validate_deploy

TOOLS_CALL = Finding(Kind.CALL, "app/agent.py", 8, 0, 8, 40, "openai", endpoint="chat.completions.create",
                     model="gpt-4o", parameters=("messages", "model", "tools"))


@pytest.fixture
def plan(tmp_path):
    model = tmp_path / "Llama-3.1-8B-Instruct"
    model.mkdir()
    (model / "config.json").write_text('{"model_type": "llama"}')
    (model / "tokenizer_config.json").write_text('{"chat_template": "<|python_tag|>"}')
    return plan_server([TOOLS_CALL], model=str(model), environ={"OPENAI_API_KEY": "sk-local-secret"}, for_parity=True)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_rendered_file_is_valid(plan, target):
    text = render_deploy(plan, target)
    assert validate_deploy(target, text) == []
    assert "sk-local-secret" not in text  # secrets are referenced, never written
    assert "llama3_json" in text and "--generation-config" in text


def test_compose_runs_the_planned_command(plan):
    svc = yaml.safe_load(render_deploy(plan, "docker-compose"))["services"]["vllm"]
    assert svc["entrypoint"] == ["python3", "-m", "vllm.entrypoints.openai.api_server"]
    command = svc["command"]
    assert command[command.index("--model") + 1] == "/models/Llama-3.1-8B-Instruct"  # the local model, mounted
    assert "/models/Llama-3.1-8B-Instruct:ro" in svc["volumes"][1]
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert svc["ports"] == ["8000:8000"]
    assert svc["environment"]["VLLM_API_KEY"].startswith("${OPENAI_API_KEY:?")
    assert svc["deploy"]["resources"]["reservations"]["devices"][0]["count"] == 1


def test_kubernetes_objects(plan):
    docs = list(yaml.safe_load_all(render_deploy(plan, "kubernetes", gpus=2, name="chat-llm")))
    assert [d["kind"] for d in docs] == ["PersistentVolumeClaim", "Deployment", "Service"]
    container = docs[1]["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 2
    assert container["readinessProbe"]["httpGet"]["path"] == "/health"
    env = {e["name"]: e for e in container["env"]}
    assert env["VLLM_API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "chat-llm-secrets", "key": "VLLM_API_KEY"}
    assert docs[2]["spec"]["ports"][0]["port"] == 8000


def test_cpu_deployment_requests_no_gpu(plan):
    assert "nvidia" not in render_deploy(plan, "kubernetes", gpus=0)
    assert "nvidia" not in render_deploy(plan, "docker-compose", gpus=0)


def test_systemd_unit_quotes_and_escapes(tmp_path):
    plan = plan_server([TOOLS_CALL], model="Qwen/Qwen2.5-7B-Instruct", extra_args=["--override-generation-config",
                       '{"temperature": 0.5}', "--download-dir", "/srv/models/100%"], environ={})
    text = render_deploy(plan, "systemd", python="/opt/vllm/bin/python")
    assert validate_deploy("systemd", text) == []
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    assert exec_start.startswith("ExecStart=/opt/vllm/bin/python -m vllm.entrypoints.openai.api_server")
    assert "'{\"temperature\": 0.5}'" in exec_start and "100%%" in exec_start
    assert "--tool-call-parser hermes" in exec_start


@pytest.mark.parametrize("broken, problem", [
    ("services: {}\n", "expected one service"),
    ("services:\n  vllm:\n    image: x\n    command: [--model, m]\n    ports: ['8000:8000']\n", "healthcheck is missing"),
    ("services: [\n", "not valid YAML"),
], ids=["no-service", "no-healthcheck", "bad-yaml"])
def test_compose_validator_catches(broken, problem):
    assert any(problem in p for p in validate_deploy("docker-compose", broken, use_tools=False))


def test_systemd_validator_catches_missing_execstart():
    assert "[Service] needs exactly one ExecStart" in validate_deploy("systemd", "[Unit]\n[Service]\n[Install]\n")


def test_systemd_analyze_rejects_a_bad_key(plan):
    text = render_deploy(plan, "systemd").replace("RestartSec=10", "RestartSec=soon")
    assert any("systemd-analyze" in p for p in validate_deploy("systemd", text))


def test_cli_emit_writes_file(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    findings = tmp_path / "f.json"
    findings.write_text('{"roots": ["."], "findings": [], "skipped": [], "files_scanned": 0, "files_parsed": 0, '
                        '"catalog": {"openai_version": "x", "vllm_version": "y", "generated": "z"}, "tool_version": "0"}')
    out = tmp_path / "deploy"
    out.mkdir()
    result = CliRunner().invoke(main, ["serve", "--findings", str(findings), "--model", "mistralai/Mistral-7B-Instruct-v0.3",
                                       "--emit", "kubernetes", "--output", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    written = out / "vllm-kubernetes.yaml"
    assert validate_deploy("kubernetes", written.read_text()) == []
