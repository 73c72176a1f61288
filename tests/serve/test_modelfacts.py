"""Model-aware verdicts: ModelFacts read from a model directory, and the calls a served model makes fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrate.scan.detect import detect_source
from migrate.scan.findings import Verdict
from migrate.serve.modelfacts import describe_facts, model_conflicts, model_facts

LLAMA_TEMPLATE = ("{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}"
                  "{% if tools %}Tools: {{ tools | tojson }}{% endif %}")
GEMMA_TEMPLATE = ("{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
                  "{% endif %}{% for m in messages %}{{ m.content }}{% endfor %}")


def model_dir(tmp_path: Path, name: str, config: dict, template: str | None = None) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "config.json").write_text(json.dumps(config))
    tokenizer = {"chat_template": template} if template else {}
    (d / "tokenizer_config.json").write_text(json.dumps(tokenizer))
    return d


def test_text_only_llama(tmp_path):
    facts = model_facts(str(model_dir(tmp_path, "llama", {
        "model_type": "llama", "architectures": ["LlamaForCausalLM"], "max_position_embeddings": 8192}, LLAMA_TEMPLATE)))
    assert (facts.generative, facts.multimodal, facts.tools_in_template, facts.system_role) == (True, False, True, True)
    assert (facts.fim, facts.matryoshka, facts.max_model_len) == (False, False, 8192)
    assert "multimodal=False" in describe_facts(facts)


@pytest.mark.parametrize("config, template, field, expected", [
    pytest.param({"model_type": "qwen2_5_vl", "architectures": ["Qwen2_5_VLForConditionalGeneration"],
                  "vision_config": {}}, LLAMA_TEMPLATE, "multimodal", True, id="vision-config-is-multimodal"),
    pytest.param({"model_type": "gemma", "architectures": ["GemmaForCausalLM"]}, GEMMA_TEMPLATE, "system_role", False,
                 id="template-refusing-system"),
    pytest.param({"model_type": "gemma", "architectures": ["GemmaForCausalLM"]}, GEMMA_TEMPLATE, "tools_in_template",
                 False, id="template-without-tools"),
    pytest.param({"model_type": "nomic_bert", "architectures": ["NomicBertModel"], "matryoshka_dimensions": [64, 768]},
                 None, "matryoshka", True, id="matryoshka-embedding-model"),
    pytest.param({"model_type": "nomic_bert", "architectures": ["NomicBertModel"]}, None, "generative", False,
                 id="pooling-architecture"),
    pytest.param({"model_type": "deepseek_v4", "architectures": ["DeepseekV4ForCausalLM"]}, None, "fim", True,
                 id="deepseek-v4-renders-fim"),
    pytest.param({"model_type": "qwen3", "architectures": ["Qwen3ForCausalLM"]},
                 "{% if enable_thinking %}<think>{% endif %}", "reasoning", True, id="thinking-template"),
    pytest.param({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}, None, "tools_in_template", None,
                 id="no-template-unknown"),
])
def test_fact_from_files(tmp_path, config, template, field, expected):
    assert getattr(model_facts(str(model_dir(tmp_path, "m", config, template))), field) is expected


def test_hub_name_without_files_is_unknown():
    facts = model_facts("some-org/never-downloaded-model-xyz")
    assert facts.multimodal is None and facts.system_role is None and facts.fim is None


APP = '''
from openai import OpenAI
client = OpenAI()

def ask(url, question):
    return client.chat.completions.create(
        model="m",
        messages=[{"role": "system", "content": "Be terse."},
                  {"role": "user", "content": [{"type": "text", "text": question},
                                               {"type": "image_url", "image_url": {"url": url}}]}],
        max_tokens=4000)

def fill(prefix):
    return client.completions.create(model="m", prompt=prefix, suffix="\\n", max_tokens=16)

def embed(text):
    return client.embeddings.create(model="e", input=text, dimensions=256)
'''


def test_conflicts_for_a_text_only_model(tmp_path):
    facts = model_facts(str(model_dir(tmp_path, "llama", {
        "model_type": "llama", "architectures": ["LlamaForCausalLM"], "max_position_embeddings": 2048}, GEMMA_TEMPLATE)))
    conflicts = {(c.where, c.parameter): c for c in model_conflicts(detect_source(APP, "app.py"), facts)}
    assert set(conflicts) == {("app.py:6", "messages"), ("app.py:6", "max_tokens"), ("app.py:14", "suffix"),
                              ("app.py:17", "endpoint")}
    assert "no /v1/embeddings route" in conflicts[("app.py:17", "endpoint")].reason  # a generative model
    assert conflicts[("app.py:6", "messages")].verdict is Verdict.NEEDS_CHANGE
    assert "multimodal" in conflicts[("app.py:6", "messages")].reason  # the image part, named first


def test_no_parameter_conflicts_for_a_model_that_takes_it_all(tmp_path):
    facts = model_facts(str(model_dir(tmp_path, "vl", {
        "model_type": "deepseek_v4", "architectures": ["DeepseekV4ForCausalLM"], "vision_config": {},
        "matryoshka_dimensions": [256, 1024], "max_position_embeddings": 131072}, LLAMA_TEMPLATE)))
    conflicts = model_conflicts(detect_source(APP, "app.py"), facts)
    # only the embeddings call: a generative server has no embeddings route, whatever the model supports
    assert [(c.where, c.parameter) for c in conflicts] == [("app.py:17", "endpoint")]


def test_plan_warns_about_model_conflicts(tmp_path):
    from migrate.serve.plan import plan_server

    model = model_dir(tmp_path, "llama", {"model_type": "llama", "architectures": ["LlamaForCausalLM"],
                                          "max_position_embeddings": 2048}, LLAMA_TEMPLATE)
    plan = plan_server(detect_source(APP, "app.py"), model=str(model), device="cuda")
    text = "\n".join(plan.warnings)
    assert "app.py:14: suffix=" in text and "app.py:6: messages (image or audio content parts)" in text
    assert "app.py:17" not in text  # the embeddings call: the plan's own note covers it
    assert any("app.py:17" in n for n in plan.notes)


def test_scan_cli_judges_calls_against_the_given_model(tmp_path):
    from click.testing import CliRunner

    from migrate.cli.scan import scan

    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text(APP)
    model = model_dir(tmp_path, "Tiny-Llama", {"model_type": "llama", "architectures": ["LlamaForCausalLM"],
                                               "max_position_embeddings": 2048}, LLAMA_TEMPLATE)

    def suffix_issue(*extra):
        result = CliRunner().invoke(scan, [str(app), "--format", "json", *extra])
        assert result.exit_code == 0, result.output
        findings = json.loads(result.output)["findings"]
        call = next(f for f in findings if f.get("endpoint") == "completions.create")
        return next(i for i in call["issues"] if i["subject"] == "suffix")

    assert "depends on the model" in suffix_issue()["reason"]
    decided = suffix_issue("--model", str(model))
    assert "'Tiny-Llama' does not" in decided["reason"] and decided["verdict"] == "needs-change"


def test_embedding_model_conflicts(tmp_path):
    plain = model_facts(str(model_dir(tmp_path, "bge", {"model_type": "bert", "architectures": ["BertModel"]})))
    conflicts = {(c.where, c.parameter): c for c in model_conflicts(detect_source(APP, "app.py"), plain)}
    assert conflicts[("app.py:17", "dimensions")].verdict is Verdict.NEEDS_CHANGE  # not Matryoshka
    assert "pooling" in conflicts[("app.py:6", "endpoint")].reason  # chat on an embedding model
    nomic = model_facts(str(model_dir(tmp_path, "nomic", {"model_type": "nomic_bert", "architectures": ["NomicBertModel"],
                                                          "matryoshka_dimensions": [256, 768]})))
    assert not [c for c in model_conflicts(detect_source(APP, "app.py"), nomic) if c.where == "app.py:17"]
