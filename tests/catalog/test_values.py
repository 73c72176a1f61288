"""Value- and model-aware verdicts (migrate/catalog/values.py): hit and no-hit cases per value class."""

from __future__ import annotations

import pytest

from migrate.catalog import load_catalog
from migrate.catalog.values import DYNAMIC, KINDS, KWARGS, NOT_GIVEN, VALUE_CLASSES, ModelFacts, dynamic
from migrate.scan.findings import Verdict

CHAT, COMP, EMB, RESP = "chat.completions.create", "completions.create", "embeddings.create", "responses.create"
OK, IGN, FLAG, CHANGE = Verdict.OK, Verdict.IGNORED, Verdict.SERVER_FLAG, Verdict.NEEDS_CHANGE

TEXT_ONLY = ModelFacts(name="llama", generative=True, multimodal=False, tools_in_template=True, system_role=True,
                       fim=False, matryoshka=False, reasoning=False, max_model_len=8192)
VISION = ModelFacts(name="qwen-vl", multimodal=True)
NO_SYSTEM = ModelFacts(name="gemma", system_role=False)
NO_TOOLS = ModelFacts(name="base", tools_in_template=False)
REASONING = ModelFacts(name="qwen3", reasoning=True)
FIM = ModelFacts(name="deepseek-v4", fim=True)
MATRYOSHKA = ModelFacts(name="nomic", matryoshka=True)
LONG = ModelFacts(name="llama-128k", max_model_len=131072)
SHORT = ModelFacts(name="llama-2k", max_model_len=2048)

IMAGE = [{"role": "user", "content": [{"type": "text", "text": "what is it?"},
                                      {"type": "image_url", "image_url": {"url": dynamic("url")}}]}]
SYSTEM = [{"role": "system", "content": "Be terse."}, {"role": "user", "content": dynamic("question")}]
FILE = [{"role": "user", "content": [{"type": "file", "file": {"file_id": "file-1"}}]}]
TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}


def case(endpoint, parameter, value, expected, *, others=None, model=None, says=None, id):
    return pytest.param(endpoint, parameter, value, others or {}, model, expected, says, id=id)


CASES = [
    # kind "value": the literal decides
    case(CHAT, "top_p", 0, CHANGE, says="top_p must be in (0, 1]", id="top_p=0-hit"),
    case(CHAT, "top_p", 0.9, OK, id="top_p=0.9-no-hit"),
    case(COMP, "top_p", 0.0, CHANGE, id="completions-top_p=0.0-hit"),
    case(CHAT, "top_p", DYNAMIC, CHANGE, says="depends on the value", id="top_p-dynamic-conservative"),
    case(CHAT, "top_p", NOT_GIVEN, CHANGE, says="depends on the value", id="top_p-not-given-conservative"),
    case(CHAT, "temperature", 0, CHANGE, others={"n": 2}, says="n must be 1 when using greedy sampling",
         id="temperature=0-with-n=2-hit"),
    case(CHAT, "temperature", 0, OK, id="temperature=0-alone-no-hit"),
    case(CHAT, "temperature", 0.7, OK, others={"n": 2}, id="temperature=0.7-with-n=2-no-hit"),
    case(CHAT, "temperature", DYNAMIC, CHANGE, others={"n": 3}, says="depends on the value",
         id="temperature-dynamic-with-n=3-conservative"),
    case(CHAT, "temperature", 0, CHANGE, others={"n": DYNAMIC}, says="depends on the value",
         id="temperature=0-with-n-dynamic-conservative"),
    case(CHAT, "temperature", DYNAMIC, OK, id="temperature-dynamic-without-n-no-hit"),
    case(CHAT, "temperature", 0, CHANGE, others={KWARGS: DYNAMIC}, says="depends on the value",
         id="temperature=0-with-kwargs-conservative"),
    case(CHAT, "tool_choice", "none", OK, says="without the tool-calling flags", id="tool_choice=none-works-bare"),
    case(CHAT, "tool_choice", "auto", FLAG, id="tool_choice=auto-needs-flags"),
    case(CHAT, "tool_choice", DYNAMIC, FLAG, id="tool_choice-dynamic-keeps-flag-verdict"),
    case(CHAT, "tool_choice", {"type": "allowed_tools", "allowed_tools": {"mode": "auto", "tools": []}}, CHANGE,
         says="allowed_tools", id="tool_choice=allowed_tools-refused"),
    case(CHAT, "tools", [{"type": "custom", "custom": {"name": "sql"}}], CHANGE, says="custom", id="custom-tool-refused"),
    case(CHAT, "tools", [TOOL], FLAG, id="function-tool-needs-flags"),
    case(CHAT, "tools", DYNAMIC, OK, others={"tool_choice": "none"}, id="tools-with-tool_choice-none-no-flags"),
    case(CHAT, "tools", [{"type": "custom", "custom": {"name": "sql"}}], CHANGE, others={"tool_choice": "none"},
         id="custom-tool-refused-even-with-tool_choice-none"),
    case(CHAT, "modalities", ["text", "audio"], CHANGE, says="text only", id="modalities-audio-hit"),
    case(CHAT, "modalities", ["text"], IGN, id="modalities-text-no-hit"),
    case(CHAT, "messages", FILE, CHANGE, says="file", id="file-part-refused"),
    case(CHAT, "messages", [{"role": "user", "content": "hi"}], OK, id="text-messages-no-hit"),
    case(CHAT, "messages", DYNAMIC, OK, id="dynamic-messages-no-hit"),
    case(COMP, "best_of", 3, IGN, says="one sample comes back", id="best_of=3-dropped"),
    case(COMP, "prompt", [50256, 15496], CHANGE, says="vocabulary", id="prompt-token-ids-hit"),
    case(COMP, "prompt", [[1, 2], [3]], CHANGE, id="prompt-token-id-lists-hit"),
    case(COMP, "prompt", ["a", "b"], OK, id="prompt-list-of-text-no-hit"),
    case(COMP, "prompt", "Once upon a time", OK, id="prompt-text-no-hit"),
    case(COMP, "prompt", DYNAMIC, OK, id="prompt-dynamic-no-hit"),
    case(COMP, "prompt", ["x"] * 1025, FLAG, says="VLLM_MAX_COMPLETION_PROMPTS", id="prompt-list-over-1024-needs-env"),
    case(EMB, "input", [1, 2, 3], CHANGE, says="vocabulary", id="embedding-token-ids-hit"),
    case(EMB, "input", "hello", OK, id="embedding-text-no-hit"),
    case(EMB, "encoding_format", "base64", OK, id="encoding_format=base64-no-hit"),
    # kind "refused" and "flag"
    case(RESP, "background", True, FLAG, says="VLLM_ENABLE_RESPONSES_API_STORE=1", id="background=True-needs-env"),
    case(RESP, "background", False, OK, id="background=False-no-hit"),
    case(RESP, "store", True, FLAG, says="VLLM_ENABLE_RESPONSES_API_STORE=1", id="responses-store=True-needs-env"),
    case(RESP, "store", False, OK, id="responses-store=False-no-hit"),
    case(RESP, "previous_response_id", DYNAMIC, FLAG, id="previous_response_id-needs-env"),
    case(RESP, "prompt", {"id": "pmpt_1"}, CHANGE, says="prompt template is not supported", id="responses-prompt-refused"),
    case(RESP, "tools", [{"type": "web_search"}], CHANGE, says="never called", id="responses-web-search-never-runs"),
    case(RESP, "tools", [{"type": "function", "name": "f", "parameters": {}}], FLAG, id="responses-function-tool-no-hit"),
    case(RESP, "include", ["message.output_text.logprobs"], OK, id="include-logprobs-no-hit"),
    case(RESP, "include", ["reasoning.encrypted_content"], IGN, id="include-encrypted-reasoning-ignored"),
    case(RESP, "service_tier", "flex", IGN, says="never reads", id="responses-service_tier-ignored"),
    case(RESP, "metadata", {"team": "a"}, IGN, says="never reads", id="responses-metadata-ignored"),
    case(RESP, "max_tool_calls", 2, IGN, says="no limit", id="responses-max_tool_calls-ignored"),
    case(CHAT, "metadata", {"team": "a"}, IGN, says="dashboard", id="chat-metadata-keeps-its-fact"),
    # kind "model": decided when the model is known, "depends on the model" when not
    case(COMP, "suffix", "\n    return x", CHANGE, says="FIM", id="suffix-unknown-model"),
    case(COMP, "suffix", "x", CHANGE, model=TEXT_ONLY, says="does not", id="suffix-llama-refused"),
    case(COMP, "suffix", "x", OK, model=FIM, says="supports it", id="suffix-fim-model-ok"),
    case(COMP, "suffix", None, OK, id="suffix=None-no-hit"),
    case(EMB, "dimensions", 256, CHANGE, says="depends on the model", id="dimensions-unknown-model"),
    case(EMB, "dimensions", 256, OK, model=MATRYOSHKA, id="dimensions-matryoshka-ok"),
    case(CHAT, "messages", IMAGE, FLAG, says="depends on the model", id="image-part-unknown-model"),
    case(CHAT, "messages", IMAGE, CHANGE, model=TEXT_ONLY, says="does not", id="image-part-text-only-model"),
    case(CHAT, "messages", IMAGE, OK, model=VISION, id="image-part-vision-model"),
    case(CHAT, "messages", SYSTEM, OK, id="system-role-unknown-model-no-hit"),
    case(CHAT, "messages", SYSTEM, CHANGE, model=NO_SYSTEM, says="system", id="system-role-template-refuses"),
    case(CHAT, "messages", SYSTEM, OK, model=TEXT_ONLY, id="system-role-template-takes-it"),
    case(CHAT, "tools", [TOOL], CHANGE, model=NO_TOOLS, says="does not render `tools`", id="tools-template-without-tools"),
    case(CHAT, "tools", [TOOL], FLAG, model=TEXT_ONLY, id="tools-template-with-tools-keeps-flag"),
    case(CHAT, "reasoning_effort", "low", IGN, says="depends on the model", id="reasoning_effort-unknown-model"),
    case(CHAT, "reasoning_effort", "low", IGN, model=TEXT_ONLY, id="reasoning_effort-plain-model"),
    case(CHAT, "reasoning_effort", "low", OK, model=REASONING, id="reasoning_effort-reasoning-model"),
    case(CHAT, "max_tokens", 512, OK, id="max_tokens=512-no-hit"),
    case(CHAT, "max_tokens", 16000, FLAG, says="depends on the model", id="max_tokens=16000-unknown-context"),
    case(CHAT, "max_tokens", 16000, OK, model=LONG, id="max_tokens=16000-128k-model"),
    case(CHAT, "max_tokens", 3000, CHANGE, model=SHORT, id="max_tokens=3000-2k-model"),
    case(CHAT, "max_tokens", DYNAMIC, OK, id="max_tokens-dynamic-no-hit"),
    case(CHAT, "max_completion_tokens", 100000, FLAG, id="max_completion_tokens-large"),
    case(COMP, "max_tokens", 100000, CHANGE, model=TEXT_ONLY, id="completions-max_tokens-above-context"),
]


@pytest.mark.parametrize("endpoint, parameter, value, others, model, expected, says", CASES)
def test_value_and_model_aware_verdicts(endpoint, parameter, value, others, model, expected, says):
    a = load_catalog().parameter(endpoint, parameter, value, others=others, model=model)
    assert a.verdict is expected, a.reason
    if says:
        assert says in a.reason
    if a.value_class is not None:  # a class's verdict stands on its probe of the shipped profile, or on a fact's test
        probed = a.kind == "probed" and "vllm-default.json" in a.reason and a.evidence
        assert probed or (a.derived is False and a.evidence) or a.value_class.startswith("tools=function tools")


def test_name_only_lookup_keeps_old_answers_for_parameters_without_classes():
    catalog = load_catalog()
    assert catalog.parameter(CHAT, "store").verdict is IGN
    assert catalog.parameter(CHAT, "seed").verdict is OK
    assert catalog.parameter(CHAT, "seed", 7).value_class is None


def test_kwargs_watch_list_names_value_dependent_parameters():
    risky = load_catalog().non_ok_parameters(CHAT)
    assert "top_p" in risky[CHANGE]  # a value from **kwargs may be 0
    assert "temperature" not in [p for ps in risky.values() for p in ps]  # needs n > 1 too


@pytest.mark.parametrize("vc", VALUE_CLASSES, ids=lambda vc: f"{vc.parameter}={vc.name}@{vc.routes[0].split('/')[-1]}")
def test_value_class_is_well_formed(vc):
    catalog = load_catalog()
    assert vc.kind in KINDS
    assert vc.parameter in vc.example, "the example request fragment must carry the parameter"
    for route in vc.routes:
        assert route in catalog.vllm_routes
        assert any(vc.parameter in e.sdk_params for e in catalog.endpoints.values() if e.vllm_route == route)
    # the representative value is in its own class: a prober that sends it exercises the class
    assert vc.matches(vc.example[vc.parameter], dict(vc.example)) is True
    assert vc.reason and (vc.fix or vc.verdict is OK)


def test_docs_list_every_value_class():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "catalog.md").read_text(encoding="utf-8")
    for vc in VALUE_CLASSES:
        assert f"| `{vc.parameter}` | {vc.name} |" in text, f"docs/catalog.md does not list {vc.key}"
