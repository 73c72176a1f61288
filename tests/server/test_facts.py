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


# -- value- and model-aware facts (migrate/catalog/values.py cites these) ------------------------------------------
def _refused(call) -> dict:
    with pytest.raises(openai.BadRequestError) as refused:
        call()
    assert refused.value.status_code == 400
    return refused.value.body


@pytest.mark.parametrize("endpoint", ["chat", "completions"])
def test_greedy_sampling_refuses_n(vllm_server, endpoint):
    client = client_for(vllm_server)

    def create(**kw):
        if endpoint == "chat":
            return client.chat.completions.create(model=vllm_server.model, messages=USER, max_tokens=2, **kw)
        return client.completions.create(model=vllm_server.model, prompt="Paris is", max_tokens=2, **kw)

    body = _refused(lambda: create(temperature=0, n=2))
    assert body["message"] == "n must be 1 when using greedy sampling, got 2."
    assert len(create(temperature=0.7, n=2).choices) == 2  # no hit: any positive temperature takes n > 1
    assert len(create(temperature=0).choices) == 1  # no hit: greedy with one choice


@pytest.mark.parametrize("endpoint", ["chat", "completions"])
def test_top_p_zero_refused(vllm_server, endpoint):
    client = client_for(vllm_server)

    def create(**kw):
        if endpoint == "chat":
            return client.chat.completions.create(model=vllm_server.model, messages=USER, max_tokens=2, **kw)
        return client.completions.create(model=vllm_server.model, prompt="Paris is", max_tokens=2, **kw)

    body = _refused(lambda: create(top_p=0))
    assert "top_p must be in (0, 1], got 0.0" in body["message"] and body["param"] == "top_p"
    assert create(top_p=0.01).choices  # no hit


def test_tool_choice_none_without_parser(vllm_bare_server):
    answer = client_for(vllm_bare_server).chat.completions.create(
        model=vllm_bare_server.model, messages=USER, tools=[WEATHER_TOOL], tool_choice="none", max_tokens=4)
    assert answer.choices[0].message.tool_calls in (None, [])
    # The tools were rendered into the prompt: it is longer than the same request without them.
    plain = client_for(vllm_bare_server).chat.completions.create(model=vllm_bare_server.model, messages=USER, max_tokens=4)
    assert answer.usage.prompt_tokens > plain.usage.prompt_tokens


def test_tool_choice_allowed_tools_refused(vllm_server):
    choice = {"type": "allowed_tools",
              "allowed_tools": {"mode": "auto", "tools": [{"type": "function", "function": {"name": "get_weather"}}]}}
    body = _refused(lambda: client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=USER, tools=[WEATHER_TOOL], tool_choice=choice, max_tokens=4))
    assert body["message"].startswith("Invalid value for `function`: `None` in `tool_choice`!")


def test_custom_tools_refused_in_chat(vllm_server):
    body = _refused(lambda: client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=USER, tools=[{"type": "custom", "custom": {"name": "run_sql"}}], max_tokens=4))
    assert "Input should be 'function'" in body["message"]


def test_audio_modality_answers_text_only(vllm_server):
    answer = client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=USER, modalities=["text", "audio"], audio={"voice": "alloy", "format": "wav"},
        max_tokens=4)
    message = answer.choices[0].message
    assert message.audio is None and message.content is not None


def test_file_content_part_refused(vllm_server):
    messages = [{"role": "user", "content": [{"type": "file", "file": {"file_id": "file-abc"}}]}]
    body = _refused(lambda: client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=messages, max_tokens=4))
    assert body["message"].startswith("Unsupported chat content part type: 'file'.")


PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
         "RU5ErkJggg==")


@pytest.mark.parametrize("part", [
    pytest.param({"type": "image_url", "image_url": {"url": PIXEL}}, id="image_url"),
    pytest.param({"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}, id="input_audio"),
])
def test_image_part_needs_multimodal_model(vllm_server, part):
    messages = [{"role": "user", "content": [{"type": "text", "text": "What is this?"}, part]}]
    body = _refused(lambda: client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=messages, max_tokens=4))
    assert body["message"] == f"{vllm_server.model} is not a multimodal model"
    text_parts = [{"role": "user", "content": [{"type": "text", "text": "What is this?"}]}]  # no hit: text parts
    assert client_for(vllm_server).chat.completions.create(model=vllm_server.model, messages=text_parts, max_tokens=2).choices


def test_reasoning_effort_accepted_without_reasoning_model(vllm_server):
    client = client_for(vllm_server)

    def greedy(**kw):
        return client.chat.completions.create(model=vllm_server.model, messages=USER, temperature=0, max_tokens=8, **kw)

    plain, effort = greedy(), greedy(reasoning_effort="high")
    # Accepted, and without a reasoning model it changes nothing: same prompt, same greedy answer.
    assert effort.usage.prompt_tokens == plain.usage.prompt_tokens
    assert effort.choices[0].message.content == plain.choices[0].message.content


@pytest.mark.parametrize("parameter", ["max_tokens", "max_completion_tokens"])
def test_max_tokens_above_context_refused(vllm_server, parameter):
    body = _refused(lambda: client_for(vllm_server).chat.completions.create(
        model=vllm_server.model, messages=USER, **{parameter: 100_000}))
    assert f"{parameter}=100000 cannot be greater than max_model_len=" in body["message"]
    assert body["param"] == parameter


def test_suffix_needs_fim_model(vllm_server, vllm_bare_server):
    for server in (vllm_server, vllm_bare_server):  # no flag makes it work: the model decides
        body = _refused(lambda s=server: client_for(s).completions.create(
            model=s.model, prompt="def add(a, b):\n", suffix="\n    return result", max_tokens=4))
        assert body["message"] == "suffix is only supported for models with FIM completion rendering"
        assert body["param"] == "suffix"


def test_best_of_dropped(vllm_server):
    client = client_for(vllm_server)
    raw = client.completions.with_raw_response.create(
        model=vllm_server.model, prompt="Paris is", best_of=3, temperature=0, max_tokens=4)
    assert json.loads(raw.http_request.content)["best_of"] == 3  # it was sent
    several = raw.parse()
    single = client.completions.create(model=vllm_server.model, prompt="Paris is", temperature=0, max_tokens=4)
    assert len(several.choices) == 1
    assert several.choices[0].text == single.choices[0].text
    assert several.usage.completion_tokens == single.usage.completion_tokens  # no extra samples were generated


def test_prompt_token_ids_read_in_served_vocabulary(vllm_server):
    client = client_for(vllm_server)
    # "Hello world" in OpenAI's GPT-2/3 tokenizer: beyond the served model's vocabulary.
    body = _refused(lambda: client.completions.create(model=vllm_server.model, prompt=[15496, 995], max_tokens=2))
    assert body["message"] == "Token id 15496 is out of vocabulary"
    small = client.completions.create(model=vllm_server.model, prompt=[5, 6, 7], max_tokens=2)
    assert small.usage.prompt_tokens == 3  # in-vocabulary ids are taken as they are, whatever they meant to OpenAI


def test_prompt_list_limit(vllm_server):
    body = _refused(lambda: client_for(vllm_server).completions.create(
        model=vllm_server.model, prompt=["a"] * 1025, max_tokens=1))
    assert "prompt list length 1025 exceeds the maximum allowed count of 1024" in body["message"]
    assert "VLLM_MAX_COMPLETION_PROMPTS" in body["message"]


def test_background_needs_store_env(vllm_server):
    body = _refused(lambda: client_for(vllm_server).responses.create(
        model=vllm_server.model, input="hi", background=True, max_output_tokens=4))
    assert "VLLM_ENABLE_RESPONSES_API_STORE=1" in body["message"] and body["param"] == "background"


def test_responses_not_stored_without_env(vllm_server):
    client = client_for(vllm_server)
    first = client.responses.create(model=vllm_server.model, input="hi", store=True, max_output_tokens=4)
    with pytest.raises(openai.NotFoundError) as missing:
        client.responses.retrieve(first.id)
    assert missing.value.body["message"] == f"Response with id '{first.id}' not found."
    with pytest.raises(openai.NotFoundError) as missing:
        client.responses.create(model=vllm_server.model, input="and then?", previous_response_id=first.id,
                                max_output_tokens=4)
    assert missing.value.body["message"] == f"Response with id '{first.id}' not found."


def test_responses_prompt_template_refused(vllm_server):
    body = _refused(lambda: client_for(vllm_server).responses.create(
        model=vllm_server.model, input="hi", prompt={"id": "pmpt_abc"}, max_output_tokens=4))
    assert body["message"].startswith("prompt template is not supported")


@pytest.mark.parametrize("tool", [{"type": "web_search"}, {"type": "file_search", "vector_store_ids": ["vs_abc"]}],
                         ids=lambda t: t["type"])
def test_responses_builtin_tools_never_run(vllm_server, tool):
    response = client_for(vllm_server).responses.create(
        model=vllm_server.model, input="What happened today?", tools=[tool], max_output_tokens=4)
    assert [item.type for item in response.output] == ["message"]  # no web_search_call / file_search_call


def test_responses_include_other_than_logprobs_ignored(vllm_server):
    response = client_for(vllm_server).responses.create(
        model=vllm_server.model, input="hi", include=["reasoning.encrypted_content"], max_output_tokens=4)
    assert [item.type for item in response.output] == ["message"]  # no reasoning item, no encrypted content


def test_responses_service_tier_echoed_not_used(vllm_server):
    response = client_for(vllm_server).responses.create(
        model=vllm_server.model, input="hi", service_tier="flex", max_output_tokens=4)
    assert response.service_tier == "flex"  # echoed back; vLLM schedules every request the same way
    assert response.status in ("completed", "incomplete")


@pytest.mark.parametrize("parameter, value", [("metadata", {"team": "search"}), ("prompt_cache_key", "cache-1"),
                                              ("max_tool_calls", 1)], ids=lambda v: v if isinstance(v, str) else None)
def test_responses_declared_fields_never_read(vllm_server, parameter, value):
    client = client_for(vllm_server)

    def greedy(**kw):
        return client.responses.create(model=vllm_server.model, input="Name a colour.", temperature=0,
                                       max_output_tokens=8, **kw)

    plain, tagged = greedy(), greedy(**{parameter: value})
    assert tagged.output_text == plain.output_text  # accepted, and the answer is the same
    assert tagged.usage.input_tokens == plain.usage.input_tokens
    if parameter == "metadata":
        assert tagged.metadata == value  # echoed back, and nothing else
