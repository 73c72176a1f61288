"""A second real OpenAI-compatible server: llama.cpp's (llama-cpp-python[server]) on the tiny Llama as GGUF.

What `migrate doctor` reports against it, and where it answers the same OpenAI request differently from vLLM
0.32, each difference asserted against both real servers side by side. docs/targets.md lists these tests by
name as the evidence for its table: keep the names stable.
"""

from __future__ import annotations

import json
import urllib.request

import openai
import pytest

from migrate.doctor import Status, run_doctor
USER = [{"role": "user", "content": "Say hello."}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def client_for(server) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="EMPTY", max_retries=0, timeout=120)


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


pytestmark = [pytest.mark.vllm, pytest.mark.llamacpp]


# --- the server itself, and the conversion ------------------------------------------------------------------------

def test_llamacpp_serves_the_tiny_model(llamacpp_server):
    listing = client_for(llamacpp_server).models.list()
    assert [m.id for m in listing.data] == ["tiny-llama"]
    answer = client_for(llamacpp_server).chat.completions.create(model="tiny-llama", messages=USER, max_tokens=8,
                                                                 seed=1, temperature=0)
    assert answer.choices[0].message.role == "assistant"
    assert answer.choices[0].finish_reason in ("stop", "length")
    assert answer.usage.prompt_tokens > 5 and 0 < answer.usage.completion_tokens <= 8


def test_llamacpp_tokenizes_like_the_hf_tokenizer(llamacpp_server, tiny_model_dir):
    """The GGUF conversion is faithful: llama.cpp splits text into the same ids as the model's own tokenizer."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tiny_model_dir / "tokenizer.json"))
    for text in ("def main(argv):\n    return 0  # done", "Hello, world! Café 42.", "  spaces\tand\ttabs  "):
        served = post_json(f"{llamacpp_server.root_url}/extras/tokenize", {"input": text})["tokens"]
        assert served == tokenizer.encode(text, add_special_tokens=False).ids, text


# --- what `migrate doctor` reports -----------------------------------------------------------------------------------

def test_doctor_on_llamacpp(llamacpp_server, vllm_bare_server):
    """Every probe against both servers with their defaults: the verdicts that differ, and why (docs/targets.md)."""
    llama = run_doctor(llamacpp_server.base_url, None, timeout_s=120)
    vllm = run_doctor(vllm_bare_server.base_url, None, timeout_s=120)
    assert llama.served_names == ("tiny-llama",) and llama.model == "tiny-llama"
    assert llama.server_version is None and vllm.server_version  # llama-cpp-python has no /version route
    got = {r.feature: (r.status, r.http_status) for r in llama.results}
    assert got == {
        "models": (Status.PASS, None),
        "chat": (Status.PASS, None),
        "roles": (Status.FAIL, 500),  # `developer` fails the request model's validation, reported as HTTP 500
        "stream": (Status.FAIL, None),  # stream_options is not read: no usage chunk
        "tools": (Status.FAIL, None),  # required accepted, not enforced: test_tool_choice_required_not_enforced
        "json_object": (Status.PASS, None),
        "json_schema": (Status.FAIL, 500),  # response_format.type may only be "text" or "json_object"
        "n": (Status.FAIL, None),  # n is dropped: one choice
        "logprobs": (Status.PASS, None),
        "embeddings": (Status.FAIL, 500),  # the model was not loaded with --embedding
        "completions": (Status.PASS, None),
        "responses": (Status.FAIL, 404),  # no /v1/responses route
    }, llama.to_dict()
    by_feature = {r.feature: r for r in vllm.results}
    differ = {f for f, (status, _) in got.items() if by_feature[f].status != status}
    # tools fails on both, for different reasons: bare vLLM refuses tool_choice (400), llama.cpp does not enforce it
    assert differ == {"roles", "stream", "json_schema", "n", "responses"}, vllm.to_dict()
    llama_embeddings = next(r for r in llama.results if r.feature == "embeddings")
    assert "embedding=True" in llama_embeddings.server_error and by_feature["embeddings"].http_status == 404


def test_doctor_cli_on_llamacpp(llamacpp_server):
    from click.testing import CliRunner

    from migrate.cli import main

    result = CliRunner().invoke(main, ["doctor", "--base-url", llamacpp_server.base_url, "--format", "json",
                                       "--timeout", "120", "--all"], catch_exceptions=False)
    assert result.exit_code == 1  # something fails
    report = json.loads(result.output)
    n = next(r for r in report["results"] if r["feature"] == "n")
    assert n["status"] == "fail" and n["detail"] == "n=2 returned 1 choice(s)"


# --- the differences from vLLM, request by request -------------------------------------------------------------------

def test_n_ignored(llamacpp_server, vllm_bare_server):
    for server, choices in ((llamacpp_server, 1), (vllm_bare_server, 2)):
        answer = client_for(server).chat.completions.create(model="tiny-llama", messages=USER, n=2, max_tokens=2)
        assert len(answer.choices) == choices, server.base_url


def test_json_schema_refused(llamacpp_server, vllm_bare_server):
    schema = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    with pytest.raises(openai.InternalServerError) as refused:
        client_for(llamacpp_server).chat.completions.create(model="tiny-llama", messages=USER, max_tokens=4,
                                                            response_format=schema)
    assert refused.value.status_code == 500
    assert "Input should be 'text' or 'json_object'" in refused.value.body["message"]
    answer = client_for(vllm_bare_server).chat.completions.create(model="tiny-llama", messages=USER, max_tokens=4,
                                                                  response_format=schema)
    assert answer.choices[0].message.content.lstrip().startswith("{")


def test_developer_role_refused(llamacpp_server, vllm_bare_server):
    messages = [{"role": "developer", "content": "Be brief."}, *USER]
    with pytest.raises(openai.InternalServerError) as refused:
        client_for(llamacpp_server).chat.completions.create(model="tiny-llama", messages=messages, max_tokens=2)
    assert "Input should be 'system'" in refused.value.body["message"]
    assert client_for(vllm_bare_server).chat.completions.create(model="tiny-llama", messages=messages, max_tokens=2)


def test_unknown_model_answered_by_the_loaded_one(llamacpp_server, vllm_bare_server):
    answer = client_for(llamacpp_server).chat.completions.create(model="gpt-4-turbo", messages=USER, max_tokens=2)
    assert answer.model == "gpt-4-turbo"  # echoed, though tiny-llama answered
    with pytest.raises(openai.NotFoundError):
        client_for(vllm_bare_server).chat.completions.create(model="gpt-4-turbo", messages=USER, max_tokens=2)


def test_max_completion_tokens_ignored(llamacpp_server, vllm_bare_server):
    kwargs = dict(model="tiny-llama", messages=USER, max_completion_tokens=3, temperature=0, seed=3)
    llama = client_for(llamacpp_server).chat.completions.create(**kwargs)
    assert llama.usage.completion_tokens > 3  # only max_tokens is read
    assert client_for(vllm_bare_server).chat.completions.create(**kwargs).usage.completion_tokens == 3


def test_out_of_vocab_logit_bias_accepted(llamacpp_server, vllm_bare_server):
    kwargs = dict(model="tiny-llama", messages=USER, max_tokens=2, logit_bias={"50256": -100})
    assert client_for(llamacpp_server).chat.completions.create(**kwargs).choices
    with pytest.raises(openai.BadRequestError):
        client_for(vllm_bare_server).chat.completions.create(**kwargs)


def test_suffix_accepted(llamacpp_server, vllm_bare_server):
    kwargs = dict(model="tiny-llama", prompt="def f(", suffix="    return x", max_tokens=2)
    assert client_for(llamacpp_server).completions.create(**kwargs).choices
    with pytest.raises(openai.BadRequestError) as refused:
        client_for(vllm_bare_server).completions.create(**kwargs)
    assert "suffix is only supported for models with FIM completion rendering" in refused.value.body["message"]


def test_embeddings_without_flag_500(llamacpp_server, vllm_bare_server):
    with pytest.raises(openai.InternalServerError) as refused:
        client_for(llamacpp_server).embeddings.create(model="tiny-llama", input=["hi"])
    assert refused.value.body["message"] == "Llama model must be created with embedding=True to call this method"
    with pytest.raises(openai.NotFoundError):
        client_for(vllm_bare_server).embeddings.create(model="tiny-llama", input=["hi"])


def test_responses_api_absent(llamacpp_server):
    with pytest.raises(openai.NotFoundError) as missing:
        client_for(llamacpp_server).responses.create(model="tiny-llama", input="hi", max_output_tokens=4)
    assert missing.value.body == {"detail": "Not Found"}


def test_stream_usage_not_sent(llamacpp_server):
    chunks = list(client_for(llamacpp_server).chat.completions.create(
        model="tiny-llama", messages=USER, max_tokens=3, stream=True, stream_options={"include_usage": True}))
    assert chunks and all(c.usage is None for c in chunks)


def test_top_logprobs_count_and_bytes(llamacpp_server, vllm_bare_server):
    """llama.cpp adds the sampled token to top_logprobs when it is not among the top k (k+1 entries), and sends no
    bytes; vLLM sends exactly k, with bytes."""
    kwargs = dict(model="tiny-llama", messages=USER, max_tokens=6, logprobs=True, top_logprobs=2, seed=0)
    llama = client_for(llamacpp_server).chat.completions.create(**kwargs).choices[0].logprobs.content
    vllm = client_for(vllm_bare_server).chat.completions.create(**kwargs).choices[0].logprobs.content
    assert all(t.token in {a.token for a in t.top_logprobs} for t in llama)
    assert {len(t.top_logprobs) for t in llama} <= {2, 3} and 3 in {len(t.top_logprobs) for t in llama}
    assert {len(t.top_logprobs) for t in vllm} == {2}
    assert all(t.bytes is None for t in llama) and all(t.bytes for t in vllm)


def test_context_length_error_shape(llamacpp_server, vllm_bare_server):
    messages = [{"role": "user", "content": "word " * 800}]
    with pytest.raises(openai.BadRequestError) as llama:
        client_for(llamacpp_server).chat.completions.create(model="tiny-llama", messages=messages, max_tokens=4)
    assert llama.value.body["code"] == "context_length_exceeded" and llama.value.body["param"] == "messages"
    with pytest.raises(openai.BadRequestError) as vllm:
        client_for(vllm_bare_server).chat.completions.create(model="tiny-llama", messages=messages, max_tokens=4)
    assert vllm.value.body["param"] == "input_tokens" and vllm.value.body["code"] == 400


def test_tool_choice_required_not_enforced(llamacpp_server, vllm_server):
    """`required` and `auto` are accepted but no tool call is parsed; only a named choice is grammar-forced."""
    kwargs = dict(model="tiny-llama", messages=USER, tools=[WEATHER_TOOL], max_tokens=32, temperature=0)
    required = client_for(llamacpp_server).chat.completions.create(tool_choice="required", **kwargs)
    assert required.choices[0].message.tool_calls is None and required.choices[0].message.content
    named = client_for(llamacpp_server).chat.completions.create(
        tool_choice={"type": "function", "function": {"name": "get_weather"}}, **kwargs)
    assert named.choices[0].finish_reason == "tool_calls"
    assert named.choices[0].message.tool_calls[0].function.name == "get_weather"
    assert named.choices[0].message.function_call.name == "get_weather"  # the legacy field is filled as well
    forced = client_for(vllm_server).chat.completions.create(tool_choice="required", **kwargs)
    assert forced.choices[0].message.tool_calls[0].function.name == "get_weather"
