"""What vLLM 0.32 really does with OpenAI requests, proven on real servers.

The compatibility catalog cites these tests by name as the evidence for its hand-written facts: keep the
names stable. Each test asserts the server's real status code and message, through the real `openai` SDK.
"""

from __future__ import annotations

import json

import openai
import pytest

pytestmark = pytest.mark.vllm

USER = [{"role": "user", "content": "What is the weather in Paris?"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def client_for(server) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="EMPTY", max_retries=0, timeout=120)


@pytest.mark.parametrize(
    "tool_choice, message",
    [
        pytest.param("required", 'tool_choice="required" requires --tool-call-parser to be set', id="required"),
        pytest.param({"type": "function", "function": {"name": "get_weather"}},
                     'tool_choice=function "get_weather" requires --tool-call-parser to be set', id="named"),
        pytest.param("auto", '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
                     id="auto"),
        pytest.param(None, '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
                     id="tools-without-tool_choice"),
    ],
)
def test_tool_choice_required_needs_parser(vllm_bare_server, vllm_server, tool_choice, message):
    choice = {} if tool_choice is None else {"tool_choice": tool_choice}
    with pytest.raises(openai.BadRequestError) as refused:
        client_for(vllm_bare_server).chat.completions.create(
            model=vllm_bare_server.model, messages=USER, tools=[WEATHER_TOOL], max_tokens=32, **choice)
    assert refused.value.status_code == 400
    assert refused.value.body["message"] == message

    answer = client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=USER, tools=[WEATHER_TOOL], max_tokens=32, seed=7, **choice)
    assert answer.choices[0].message.role == "assistant"
    if tool_choice not in (None, "auto"):  # forced choices are decoded against the tool's schema
        calls = answer.choices[0].message.tool_calls
        assert calls and calls[0].function.name == "get_weather"


def test_logit_bias_openai_ids_rejected(vllm_server):
    # 50256 is <|endoftext|> in OpenAI's GPT-2/3 tokenizers; the served model's vocabulary is its own.
    with pytest.raises(openai.BadRequestError) as refused:
        client_for(vllm_server).chat.completions.create(
            model=vllm_server.model, messages=USER, logit_bias={"50256": -100}, max_tokens=4)
    assert refused.value.status_code == 400
    assert "token_id(s) [50256] in logit_bias contain out-of-vocab token ids" in refused.value.body["message"]
    assert refused.value.body["param"] == "logit_bias"


def test_logit_bias_in_vocab_accepted(vllm_server):
    answer = client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=USER, logit_bias={"5": -100}, max_tokens=4)
    assert answer.choices[0].finish_reason in ("stop", "length")


def test_embeddings_on_generative_model_404(vllm_server):
    with pytest.raises(openai.NotFoundError) as missing:
        client_for(vllm_server).embeddings.create(model=vllm_server.model, input="hello")
    assert missing.value.status_code == 404
    # The route itself is absent on a generative server: FastAPI's bare 404, not a model error.
    assert missing.value.body == {"detail": "Not Found"} or missing.value.body == "Not Found"


def test_json_schema_accepted(vllm_server):
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"],
              "additionalProperties": False}
    answer = client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=USER, max_tokens=256, seed=3,
        response_format={"type": "json_schema", "json_schema": {"name": "flag", "strict": True, "schema": schema}})
    choice = answer.choices[0]
    assert choice.finish_reason in ("stop", "length")
    if choice.finish_reason == "stop":  # a finished answer is decoded against the schema, even from random weights
        value = json.loads(choice.message.content)
        assert set(value) == {"ok"} and isinstance(value["ok"], bool)
    else:
        assert choice.message.content.lstrip().startswith("{")


def test_json_object_accepted(vllm_server):
    answer = client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=USER, max_tokens=128, seed=3, response_format={"type": "json_object"})
    choice = answer.choices[0]
    assert choice.message.content.lstrip().startswith("{")
    if choice.finish_reason == "stop":
        assert isinstance(json.loads(choice.message.content), dict)


IGNORED = {
    "store": True,
    "metadata": {"team": "search"},
    "service_tier": "auto",
    "user": "user-1234",
    "safety_identifier": "hashed-user",
    "prompt_cache_key": "cache-1",
    "verbosity": "low",
    "prediction": {"type": "content", "content": "Paris is sunny"},
    "web_search_options": {},
    "modalities": ["text"],
}


@pytest.mark.parametrize("parameter", sorted(IGNORED))
def test_ignored_parameters_accepted(vllm_server, parameter):
    raw = client_for(vllm_server).chat.completions.with_raw_response.create(
        model=vllm_server.model, messages=USER, max_tokens=4, **{parameter: IGNORED[parameter]})
    assert raw.http_request.content and parameter in json.loads(raw.http_request.content)  # it was sent
    assert raw.status_code == 200
    answer = raw.parse()
    assert answer.choices[0].message.content is not None
    # Silently ignored: nothing in the answer reflects it (no stored id, no tier, no metadata echo).
    assert getattr(answer, "service_tier", None) is None
    assert not hasattr(answer, "metadata") or answer.metadata is None


def test_legacy_functions_ignored(vllm_server):
    answer = client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=USER, max_tokens=16,
        functions=[{"name": "get_weather", "parameters": WEATHER_TOOL["function"]["parameters"]}],
        function_call={"name": "get_weather"})
    message = answer.choices[0].message
    assert message.function_call is None
    assert not message.tool_calls
    assert answer.choices[0].finish_reason != "function_call"


def test_unknown_model_404(vllm_server):
    with pytest.raises(openai.NotFoundError) as missing:
        client_for(vllm_server).chat.completions.create(model="gpt-4-turbo", messages=USER, max_tokens=4)
    assert missing.value.status_code == 404
    message = missing.value.body["message"]
    assert "The model `gpt-4-turbo` does not exist" in message
    for name in vllm_server.served_names:
        assert name in message  # vLLM lists what it does serve


def test_served_name_alias_answers_with_first_name(vllm_server):
    client = client_for(vllm_server)
    assert {m.id for m in client.models.list()} == set(vllm_server.served_names)
    answer = client.chat.completions.create(model="gpt-4o-mini", messages=USER, max_tokens=2)
    # Every --served-model-name is accepted, but answers carry the FIRST one: code that compares
    # `response.model` with the name it sent sees a different string after the move.
    assert vllm_server.served_names[0] != "gpt-4o-mini"
    assert answer.model == vllm_server.served_names[0]


def test_developer_and_system_roles_rendered(vllm_server):
    answer = client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, max_tokens=2,
        messages=[{"role": "developer", "content": "Be terse."}, {"role": "system", "content": "You are a bot."}, *USER])
    assert answer.usage.prompt_tokens > 10


def test_stream_usage_and_n_logprobs_seed_work(vllm_server):
    client = client_for(vllm_server)
    chunks = list(client.chat.completions.create(
        model=vllm_server.model, messages=USER, max_tokens=8, stream=True, stream_options={"include_usage": True}))
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0
    assert all(c.usage is None for c in chunks[:-1])
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)

    several = client.chat.completions.create(model=vllm_server.model, messages=USER, max_tokens=4, n=3)
    assert sorted(c.index for c in several.choices) == [0, 1, 2]

    with_logprobs = client.chat.completions.create(
        model=vllm_server.model, messages=USER, max_tokens=4, logprobs=True, top_logprobs=3)
    tokens = with_logprobs.choices[0].logprobs.content
    assert tokens and all(len(t.top_logprobs) == 3 and t.logprob <= 0 for t in tokens)

    def seeded(seed):
        return client.chat.completions.create(model=vllm_server.model, messages=USER, max_tokens=12,
                                              temperature=1.0, seed=seed).choices[0].message.content

    assert seeded(42) == seeded(42)
    assert len({seeded(s) for s in (1, 2, 3)}) > 1  # the seed really steers sampling


def test_responses_api_served(vllm_server):
    response = client_for(vllm_server).responses.create(model=vllm_server.model, input="hi", max_output_tokens=8)
    assert response.object == "response"
    assert response.output and response.output[0].type == "message"
