"""plan_server: flags from needs, model families, the config's [serve] table, secrets, errors."""

from __future__ import annotations

import json
import shlex

import pytest

from migrate.config import Config, ConfigError
from migrate.scan.findings import Finding, Kind
from migrate.serve import PlanError, needs_from_findings, plan_server
from migrate.serve.family import inspect_model
from migrate.serve.registry import REASONING_PARSERS_SNAPSHOT, TOOL_PARSERS_SNAPSHOT, reasoning_parsers, tool_parsers


def call(endpoint="chat.completions.create", model="gpt-4o", params=("messages", "model"), line=1, **kw):
    return Finding(Kind.CALL, "app.py", line, 0, line, 10, kw.pop("api", "openai"), endpoint=endpoint, model=model,
                   parameters=tuple(params), **kw)


@pytest.mark.parametrize("model, parser, reasoning", [
    ("meta-llama/Llama-3.1-8B-Instruct", "llama3_json", None),
    ("meta-llama/Llama-3.2-3B-Instruct", "llama3_json", None),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama4_pythonic", None),
    ("Qwen/Qwen2.5-7B-Instruct", "hermes", None),
    ("Qwen/Qwen3-8B", "hermes", "qwen3"),
    ("Qwen/Qwen3-Coder-30B-A3B-Instruct", "qwen3_coder", None),
    ("mistralai/Mistral-7B-Instruct-v0.3", "mistral", None),
    ("NousResearch/Hermes-3-Llama-3.1-8B", "hermes", None),
    ("ibm-granite/granite-3.3-8b-instruct", "granite", None),
    ("deepseek-ai/DeepSeek-V3.1", "deepseek_v31", "deepseek_v3"),
    ("openai/gpt-oss-20b", "openai", "openai_gptoss"),
    ("microsoft/Phi-4-mini-instruct", "phi4_mini_json", None),
    ("meta-llama/Llama-2-7b-chat-hf", None, None),
    ("google/gemma-2-9b-it", None, None),
], ids=lambda v: str(v))
def test_family_parsers_by_name(model, parser, reasoning, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    info = inspect_model(model)
    assert (info.tool_parser, info.reasoning_parser) == (parser, reasoning)


def test_every_mapped_parser_exists_in_vllm():
    from migrate.catalog.model_families import FAMILY_PARSERS

    assert {row.tool_parser for row in FAMILY_PARSERS} <= tool_parsers() & TOOL_PARSERS_SNAPSHOT
    assert {row.reasoning_parser for row in FAMILY_PARSERS if row.reasoning_parser} <= \
        reasoning_parsers() & REASONING_PARSERS_SNAPSHOT
    for row in FAMILY_PARSERS:  # every mapping says where it comes from
        assert row.evidence[0] == f"vllm/tool_parsers/__init__.py registers {row.tool_parser!r}"
        assert row.source.startswith("https://docs.vllm.ai/") and len({r.family for r in FAMILY_PARSERS}) == \
            len(FAMILY_PARSERS)


def test_registry_snapshot_matches_installed_vllm():
    # Read by importing vLLM for real, not by the ast shortcut the kit uses.
    import vllm.reasoning as reasoning
    import vllm.tool_parsers as tools

    assert TOOL_PARSERS_SNAPSHOT == set(tools._TOOL_PARSERS_TO_REGISTER) == tool_parsers()
    assert REASONING_PARSERS_SNAPSHOT == set(reasoning._REASONING_PARSERS_TO_REGISTER) == reasoning_parsers()


def test_local_config_json_decides_family(tmp_path):
    model = tmp_path / "my-finetune"
    model.mkdir()
    (model / "config.json").write_text(json.dumps({"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"]}))
    info = inspect_model(str(model))
    assert (info.family, info.tool_parser, info.has_chat_template) == ("Qwen", "hermes", False)


def test_hf_cache_snapshot_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    repo = tmp_path / "hub" / "models--acme--assistant"
    snap = repo / "snapshots" / "abc123"
    snap.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("abc123")
    (snap / "config.json").write_text('{"model_type": "mistral"}')
    (snap / "tokenizer_config.json").write_text('{"chat_template": "[INST]"}')
    info = inspect_model("acme/assistant")
    assert info.local_dir == snap and info.tool_parser == "mistral" and info.has_chat_template is True


def test_needs_collects_features_with_locations():
    needs = needs_from_findings([
        call(params=("messages", "model", "stream", "stream_options", "tools", "n", "logprobs"), line=3),
        call(endpoint="beta.chat.completions.parse", params=("messages", "model", "response_format"), line=9),
        call(endpoint="embeddings.create", model="text-embedding-3-small", params=("input", "model"), line=12),
        call(endpoint="ChatCompletion.create", api="openai-legacy", params=("functions", "messages", "model"), line=20),
        call(endpoint="images.generate", model="dall-e-3", params=("prompt",), line=30),
        Finding(Kind.CLIENT, "app.py", 1, 0, 1, 10, "openai", client="OpenAI"),
    ])
    assert list(needs.features) == ["models", "chat", "roles", "stream", "tools", "json_schema", "n", "logprobs",
                                    "embeddings"]
    assert needs.where("tools") == ("app.py:3", "app.py:20")
    assert needs.where("json_schema") == ("app.py:9",)
    assert needs.legacy_functions == ("app.py:20",)
    assert set(needs.chat_models) == {"gpt-4o"} and set(needs.embedding_models) == {"text-embedding-3-small"}


def test_response_format_without_value_probes_both_json_modes():
    needs = needs_from_findings([call(params=("messages", "model", "response_format"))])
    assert needs.uses("json_object") and needs.uses("json_schema")


def test_tools_on_unknown_family_warns_and_adds_no_flag(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    plan = plan_server([call(params=("messages", "model", "tools"))], model="google/gemma-2-9b-it", environ={})
    assert "--tool-call-parser" not in plan.server_args
    assert any("no tool parser is known" in w and "--tool-parser" in w for w in plan.warnings)


def test_explicit_tool_parser_is_checked():
    with pytest.raises(PlanError, match="unknown tool parser 'llama3'.*llama3_json"):
        plan_server([call(params=("tools",))], model="x", tool_parser="llama3", environ={})
    plan = plan_server([call(params=("tools",))], model="x", tool_parser="pythonic", environ={})
    assert plan.server_args[-2:] == ("--tool-call-parser", "pythonic")


def test_api_key_goes_to_env_not_argv():
    plan = plan_server([call()], model="m", environ={"OPENAI_API_KEY": "sk-123"}, device="cuda")
    assert "sk-123" not in " ".join(plan.server_args) and "--api-key" not in plan.server_args
    assert dict(plan.secret_env) == {"VLLM_API_KEY": "OPENAI_API_KEY"}
    assert plan.command_line() == "VLLM_API_KEY=$OPENAI_API_KEY " + shlex.join(plan.launcher.display("python",
                                                                                                  plan.server_args))
    assert plan_server([call()], model="m", environ={"OPENAI_API_KEY": "EMPTY"}).secret_env == {}


def test_config_serve_table_and_errors(tmp_path):
    config = Config(raw={"serve": {"model": "Qwen/Qwen2.5-7B-Instruct", "max_model_len": 4096,
                                   "extra_args": ["--gpu-memory-utilization", "0.85"]}}, source=tmp_path / "migrate.toml")
    plan = plan_server([call()], config=config, environ={})
    assert plan.server_args[:2] == ("--model", "Qwen/Qwen2.5-7B-Instruct")
    assert plan.server_args[-4:] == ("--max-model-len", "4096", "--gpu-memory-utilization", "0.85")
    bad = Config(raw={"serve": {"max_model_len": "big"}}, source=tmp_path / "migrate.toml")
    with pytest.raises(ConfigError, match="serve.max_model_len must be int"):
        plan_server([call()], model="m", config=bad, environ={})
    with pytest.raises(PlanError, match="no model to serve"):
        plan_server([call()], environ={})


def test_exec_refuses_missing_secret():
    from migrate.serve.run import ServeError, server_environment

    plan = plan_server([call()], model="m", environ={"OPENAI_API_KEY": "sk-1"})
    assert server_environment(plan, {"OPENAI_API_KEY": "sk-1"})["VLLM_API_KEY"] == "sk-1"
    with pytest.raises(ServeError, match=r"\$OPENAI_API_KEY is not set"):
        server_environment(plan, {})


def test_serve_import_is_light():
    import subprocess
    import sys

    code = ("import sys, migrate.serve.plan, migrate.serve.needs; "
            "print(sorted(m for m in ('openai', 'vllm', 'jinja2', 'rich', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_serve_execs_the_planned_command(tmp_path):
    """Without --dry-run the CLI replaces itself with the server: seen through a stand-in interpreter."""
    import os
    import subprocess
    import sys

    record = tmp_path / "exec.json"
    fake_python = tmp_path / "python"
    fake_python.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                           "if sys.argv[1] == '-c':\n    sys.exit(0)  # the 'is vLLM installed' check\n"
                           f"json.dump({{'argv': sys.argv[1:], 'key': os.environ.get('VLLM_API_KEY')}}, open({str(record)!r}, 'w'))\n")
    fake_python.chmod(0o755)
    findings = tmp_path / "f.json"
    findings.write_text('{"roots": ["."], "findings": [], "skipped": [], "files_scanned": 0, "files_parsed": 0, '
                        '"catalog": {"openai_version": "x", "vllm_version": "y", "generated": "z"}, "tool_version": "0"}')
    env = {**os.environ, "OPENAI_API_KEY": "sk-exec-test", "HF_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "migrate", "serve", "--findings", str(findings), "--model", "org/m",
                           "--python", str(fake_python), "--port", "8123", "--", "--seed", "1"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(record.read_text())
    assert seen["argv"] == ["-m", "vllm.entrypoints.openai.api_server", "--model", "org/m", "--served-model-name",
                            "org/m", "--port", "8123", "--seed", "1"]
    assert seen["key"] == "sk-exec-test"  # the secret travels in the environment only
