"""Verdicts and issues for hand-built findings of every kind (the detector's output shape)."""

from __future__ import annotations

import dataclasses

import pytest

from migrate.config import Config
from migrate.scan.assess import assess, requirement_allows_only_0x
from migrate.scan.findings import Finding, Kind, Verdict


def finding(kind=Kind.CALL, api="openai", **fields) -> Finding:
    return Finding(kind=kind, path="app.py", line=3, column=4, end_line=3, end_column=40, api=api, **fields)


def one(f: Finding, **kw) -> Finding:
    (out,) = assess([f], **kw)
    return out


def subjects(f: Finding) -> dict[str, Verdict]:
    return {i.subject: i.verdict for i in f.issues}


CASES = [
    pytest.param(
        finding(endpoint="chat.completions.create", model="meta-llama/Llama-3.1-8B-Instruct", parameters=("messages", "model", "temperature")),
        Verdict.OK, {}, id="chat-hf-model-ok",
    ),
    pytest.param(
        finding(endpoint="chat.completions.create", model="gpt-4o", parameters=("messages", "model", "store", "tools")),
        Verdict.NEEDS_CHANGE, {"model": Verdict.NEEDS_CHANGE, "tools": Verdict.SERVER_FLAG, "store": Verdict.IGNORED},
        id="chat-openai-model-tools-store",
    ),
    pytest.param(
        finding(endpoint="chat.completions.create", model="tiny-llama", parameters=("messages", "model", "tool_choice", "tools")),
        Verdict.SERVER_FLAG, {"model": Verdict.SERVER_FLAG, "tools": Verdict.SERVER_FLAG, "tool_choice": Verdict.SERVER_FLAG},
        id="chat-unknown-model-name-served-by-flag",
    ),
    pytest.param(
        finding(endpoint="chat.completions.create", model="x/y", parameters=("logit_bias", "messages", "model")),
        Verdict.NEEDS_CHANGE, {"logit_bias": Verdict.NEEDS_CHANGE}, id="logit-bias",
    ),
    pytest.param(
        finding(endpoint="chat.completions.create", model="x/y", parameters=("metadata", "user")),
        Verdict.IGNORED, {"metadata": Verdict.IGNORED, "user": Verdict.IGNORED}, id="only-ignored",
    ),
    pytest.param(
        finding(endpoint="images.generate", model="dall-e-3", parameters=("model", "prompt", "size")),
        Verdict.UNSUPPORTED, {"endpoint": Verdict.UNSUPPORTED, "model": Verdict.NEEDS_CHANGE}, id="images-unsupported",
    ),
    pytest.param(
        finding(endpoint="embeddings.create", model="BAAI/bge-small-en-v1.5", parameters=("input", "model")),
        Verdict.SERVER_FLAG, {"endpoint": Verdict.SERVER_FLAG}, id="embeddings-need-an-embedding-server",
    ),
    pytest.param(
        finding(endpoint="chat.completions.create", model="dynamic", model_origin="os.environ['MODEL']", parameters=("messages",), parameters_dynamic=True),
        Verdict.SERVER_FLAG, {"model": Verdict.SERVER_FLAG, "**kwargs": Verdict.IGNORED}, id="dynamic-model-and-kwargs",
    ),
    pytest.param(
        finding(endpoint="chat.completions.create", model="x/y", parameters=("messages",), variant="with_raw_response"),
        Verdict.OK, {}, id="raw-response-variant",
    ),
    pytest.param(
        finding(api="openai-legacy", endpoint="openai.ChatCompletion.create", detail="chat.completions.create", model="gpt-3.5-turbo",
                parameters=("function_call", "functions", "messages", "model")),
        Verdict.NEEDS_CHANGE, {"api": Verdict.NEEDS_CHANGE, "functions": Verdict.NEEDS_CHANGE, "model": Verdict.NEEDS_CHANGE},
        id="legacy-chat-with-functions",
    ),
    pytest.param(
        finding(api="openai-legacy", endpoint="Image.create", parameters=("prompt",)),
        Verdict.UNSUPPORTED, {"api": Verdict.NEEDS_CHANGE, "endpoint": Verdict.UNSUPPORTED}, id="legacy-image-no-detail",
    ),
    pytest.param(
        finding(api="openai-legacy", endpoint="openai.Edit.create", parameters=("input",)),
        Verdict.UNSUPPORTED, {"endpoint": Verdict.UNSUPPORTED}, id="legacy-edit-removed",
    ),
    pytest.param(
        finding(endpoint="beta.threads.runs.create", parameters=("assistant_id", "thread_id")),
        Verdict.UNSUPPORTED, {"endpoint": Verdict.UNSUPPORTED}, id="assistants",
    ),
    pytest.param(
        finding(endpoint="client.chat.magic", parameters=()),
        Verdict.UNSUPPORTED, {"endpoint": Verdict.UNSUPPORTED}, id="unknown-endpoint",
    ),
    pytest.param(finding(kind=Kind.CLIENT, client="OpenAI"), Verdict.NEEDS_CHANGE, {"client": Verdict.NEEDS_CHANGE}, id="client"),
    pytest.param(
        finding(kind=Kind.CLIENT, client="OpenAI", parameters=("api_key", "base_url", "organization", "timeout")),
        Verdict.NEEDS_CHANGE, {"client": Verdict.NEEDS_CHANGE, "organization": Verdict.IGNORED}, id="client-with-settings",
    ),
    pytest.param(
        finding(kind=Kind.CLIENT, client="AsyncAzureOpenAI", parameters=("api_version", "azure_endpoint")),
        Verdict.NEEDS_CHANGE, {"client": Verdict.NEEDS_CHANGE}, id="azure-client",
    ),
    pytest.param(
        finding(kind=Kind.CONFIG, api="openai-legacy", code='openai.api_base = "https://api.openai.com/v1"'),
        Verdict.NEEDS_CHANGE, {"api_base": Verdict.NEEDS_CHANGE}, id="config-api-base-0x",
    ),
    pytest.param(
        finding(kind=Kind.CONFIG, code="openai.organization = 'org-1'"),
        Verdict.IGNORED, {"organization": Verdict.IGNORED}, id="config-organization",
    ),
    pytest.param(finding(kind=Kind.CONFIG, code="openai.max_retries = 5"), Verdict.OK, {}, id="config-transport-setting"),
    pytest.param(
        finding(kind=Kind.CONFIG, code="openai.api_type = 'azure'"), Verdict.NEEDS_CHANGE, {"api_type": Verdict.NEEDS_CHANGE}, id="config-azure",
    ),
    pytest.param(
        finding(kind=Kind.ENV, api="env", code='key = os.environ["OPENAI_API_KEY"]'),
        Verdict.NEEDS_CHANGE, {"OPENAI_API_KEY": Verdict.NEEDS_CHANGE}, id="env-key",
    ),
    pytest.param(
        finding(kind=Kind.ENV, api="env", code="OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123"),
        Verdict.NEEDS_CHANGE, {"OPENAI_API_KEY": Verdict.NEEDS_CHANGE, "secret": Verdict.NEEDS_CHANGE}, id="env-file-with-real-key",
    ),
    pytest.param(
        finding(kind=Kind.ENV, api="env", code="OPENAI_ORG_ID=org-123"), Verdict.IGNORED, {"OPENAI_ORG_ID": Verdict.IGNORED}, id="env-org",
    ),
    pytest.param(finding(kind=Kind.ENV, api="env", code="OPENAI_LOG=debug"), Verdict.OK, {}, id="env-log-level"),
    pytest.param(
        finding(kind=Kind.ENV, api="env", code="OPENAI_CHAT_MODEL=gpt-4o"),
        Verdict.NEEDS_CHANGE, {"OPENAI_CHAT_MODEL": Verdict.NEEDS_CHANGE}, id="env-model",
    ),
    pytest.param(
        finding(kind=Kind.URL, api="http", code='BASE = "https://api.openai.com/v1"'), Verdict.NEEDS_CHANGE, {"url": Verdict.NEEDS_CHANGE}, id="url",
    ),
    pytest.param(
        finding(kind=Kind.HTTP, api="http", code='requests.post("https://api.openai.com/v1/images/generations", json=body)'),
        Verdict.UNSUPPORTED, {"url": Verdict.NEEDS_CHANGE, "endpoint": Verdict.UNSUPPORTED}, id="http-images",
    ),
    pytest.param(
        finding(kind=Kind.HTTP, api="http", code='httpx.post(f"{BASE}/v1/chat/completions", json=body)', parameters=("messages", "model", "store"), model="gpt-4o"),
        Verdict.NEEDS_CHANGE, {"url": Verdict.NEEDS_CHANGE, "store": Verdict.IGNORED, "model": Verdict.NEEDS_CHANGE}, id="http-chat",
    ),
    pytest.param(
        finding(kind=Kind.REQUIREMENT, api="requirements", code="openai==0.28.1"), Verdict.NEEDS_CHANGE, {"openai": Verdict.NEEDS_CHANGE}, id="pin-0x",
    ),
    pytest.param(finding(kind=Kind.REQUIREMENT, api="requirements", code="openai>=1.40"), Verdict.OK, {}, id="pin-1x"),
    pytest.param(
        finding(kind=Kind.REQUIREMENT, api="requirements", code="tiktoken==0.7.0"), Verdict.NEEDS_CHANGE, {"tiktoken": Verdict.NEEDS_CHANGE}, id="tiktoken",
    ),
    pytest.param(
        finding(kind=Kind.WRAPPER, api="langchain", client="ChatOpenAI", model="gpt-4o-mini"),
        Verdict.NEEDS_CHANGE, {"wrapper": Verdict.NEEDS_CHANGE, "model": Verdict.NEEDS_CHANGE}, id="langchain",
    ),
    pytest.param(finding(kind=Kind.WRAPPER, api="litellm", client="completion"), Verdict.NEEDS_CHANGE, {"wrapper": Verdict.NEEDS_CHANGE}, id="litellm"),
    pytest.param(
        finding(kind=Kind.EXCEPTION, api="openai-legacy", code="except openai.error.RateLimitError:"),
        Verdict.NEEDS_CHANGE, {"RateLimitError": Verdict.NEEDS_CHANGE}, id="legacy-exception",
    ),
    pytest.param(finding(kind=Kind.EXCEPTION, code="except openai.RateLimitError:"), Verdict.OK, {}, id="v1-exception"),
]


@pytest.mark.parametrize("raw, verdict, expected", CASES)
def test_verdicts(raw, verdict, expected):
    f = one(raw)
    assert f.verdict is verdict, [(i.subject, i.verdict.value, i.reason) for i in f.issues]
    assert {k: v for k, v in subjects(f).items() if k in expected} == expected
    assert set(expected) <= set(subjects(f))
    # The verdict is the worst issue; issues come worst first; every non-ok issue says what to do.
    assert f.verdict is Verdict.worst(i.verdict for i in f.issues)
    assert [i.verdict.rank for i in f.issues] == sorted((i.verdict.rank for i in f.issues), reverse=True)
    assert all(i.fix for i in f.issues if i.verdict is not Verdict.OK)


def test_evidence_is_attached_where_a_server_test_proves_it():
    f = one(finding(endpoint="chat.completions.create", model="gpt-4o", parameters=("logit_bias", "tools")))
    ev = {i.subject: i.evidence for i in f.issues}
    assert ev["logit_bias"].endswith("::test_logit_bias_openai_ids_rejected")
    assert ev["tools"].endswith("::test_tool_choice_required_needs_parser")
    assert ev["model"].endswith("::test_unknown_model_404")


def test_kwargs_issue_names_the_risky_parameters():
    f = one(finding(endpoint="chat.completions.create", model="x/y", parameters=("messages",), parameters_dynamic=True))
    (issue,) = [i for i in f.issues if i.subject == "**kwargs"]
    assert "logit_bias" in issue.fix and "tools" in issue.fix and "store" in issue.fix
    assert "not statically known" in issue.reason


def test_model_map_from_config_changes_the_fix():
    config = Config(models={"gpt-4o": "llama-3.1-8b"}, base_url_default="http://vllm.internal:8000/v1")
    f = one(finding(endpoint="chat.completions.create", model="gpt-4o", parameters=("messages", "model")), config=config)
    (issue,) = [i for i in f.issues if i.subject == "model"]
    assert issue.verdict is Verdict.NEEDS_CHANGE and "llama-3.1-8b" in issue.fix
    client = one(finding(kind=Kind.CLIENT, client="OpenAI"), config=config)
    assert "http://vllm.internal:8000/v1" in client.issues[0].fix


@pytest.mark.parametrize("model, subjects", [
    pytest.param("llama-3.1-8b", [], id="served-name-from-the-map"),  # what `migrate rewrite` writes
    pytest.param("other-llama", ["model"], id="unknown-name-needs-serving"),
])
def test_a_served_name_from_the_model_map_is_not_a_model_to_serve(model, subjects):
    # Found by tests/contract: after OAI003 mapped gpt-4o to the served name, the scan said the served name must be
    # served under --served-model-name.
    config = Config(models={"gpt-4o": "llama-3.1-8b"})
    f = one(finding(endpoint="chat.completions.create", model=model, parameters=("messages", "model")), config=config)
    assert [i.subject for i in f.issues if i.verdict is not Verdict.OK] == subjects


def test_assess_is_idempotent_and_keeps_raw_fields():
    raw = [c.values[0] for c in CASES]
    once = assess(raw)
    twice = assess(once)
    assert once == twice
    for before, after in zip(raw, once, strict=True):
        assert dataclasses.replace(after, verdict=Verdict.OK, issues=(), evidence_kind=None) == before


def test_one_odd_finding_does_not_stop_the_others(monkeypatch):
    import migrate.scan.assess as mod

    def boom(f, ctx):
        raise RuntimeError("detector sent something new")

    monkeypatch.setitem(mod._ASSESSORS, Kind.URL, boom)
    out = assess([finding(kind=Kind.URL, code="x"), finding(kind=Kind.CLIENT, client="OpenAI")])
    assert out[0].verdict is Verdict.NEEDS_CHANGE and out[0].issues[0].subject == "assessment"
    assert "detector sent something new" in out[0].issues[0].reason
    assert out[1].issues[0].subject == "client"


@pytest.mark.parametrize(
    "spec, legacy",
    [("==0.28.1", True), ("<1", True), ("<1.0", True), (">=0.27,<0.28", True), ('"^0.28"', True), ("~=0.27", True),
     ('{version = "0.28"}', True), (">=1.40", False), ("", False), ("~=1.3", False), ("<2", False), ('"*"', False), ('">=0.27"', False)],
)
def test_requirement_pins(spec, legacy):
    assert requirement_allows_only_0x(spec) is legacy
