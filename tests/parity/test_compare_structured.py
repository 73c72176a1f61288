"""Structured comparators (JSON, tool calls, finish_reason, embeddings) and answer extraction across API shapes."""

from __future__ import annotations

import base64
import json
from array import array

import pytest

from migrate.parity.compare import Pair, get, request_kind
from tests.report.runs import (
    TIME_TOOL,
    WEATHER_TOOL,
    chat_request,
    chat_response,
    embedding_response,
    record,
    responses_response,
)

SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name", "age"]}
JSON_SCHEMA_REQ = chat_request("user?", response_format={"type": "json_schema", "json_schema": {"name": "u", "schema": SCHEMA, "strict": True}})
JSON_OBJECT_REQ = chat_request("user?", response_format={"type": "json_object"})
TOOLS_REQ = chat_request("weather?", tools=[WEATHER_TOOL, TIME_TOOL])


def run(name: str, p: Pair, **options):
    c = get(name)
    return c.fn(p, {**c.options, **options})


def chat_pair(request, base, cand) -> Pair:
    return Pair(record("r", request, base, cand))


@pytest.mark.parametrize("request_, expected", [
    pytest.param(chat_request(), "chat", id="chat"),
    pytest.param(JSON_SCHEMA_REQ, "json", id="json-schema"),
    pytest.param(JSON_OBJECT_REQ, "json", id="json-object"),
    pytest.param(TOOLS_REQ, "tools", id="tools"),
    pytest.param({**TOOLS_REQ, "tool_choice": "none"}, "chat", id="tools-disabled"),
    pytest.param(chat_request(functions=[{"name": "f", "parameters": {}}]), "tools", id="legacy-functions"),
    pytest.param(chat_request(guided_json={"type": "object"}), "json", id="vllm-guided-json"),
    pytest.param({"model": "gpt-4o", "input": "hi", "text": {"format": {"type": "json_schema", "name": "x", "schema": SCHEMA}}}, "json", id="responses-json"),
])
def test_request_kind(request_, expected):
    assert request_kind("/v1/chat/completions", request_) == expected


def test_request_kind_by_endpoint():
    assert request_kind("/v1/embeddings", {"input": "x"}) == "embeddings"
    assert request_kind("/v1/completions", {"prompt": "x"}) == "completions"


@pytest.mark.parametrize("request_, text, passed", [
    pytest.param(JSON_OBJECT_REQ, '{"a": 1}', True, id="object"),
    pytest.param(JSON_OBJECT_REQ, '```json\n{"a": 1}\n```', True, id="fenced-object"),
    pytest.param(JSON_OBJECT_REQ, "[1, 2]", False, id="array-in-object-mode"),
    pytest.param(JSON_OBJECT_REQ, '{"a": 1', False, id="truncated"),
    pytest.param(JSON_SCHEMA_REQ, "Sure! Here it is: {}", False, id="prose"),
])
def test_json_valid(request_, text, passed):
    assert run("json_valid", chat_pair(request_, chat_response('{"a": 1}'), chat_response(text))).passed is passed


@pytest.mark.parametrize("text, passed, reason", [
    pytest.param('{"name": "Ada", "age": 36}', True, "", id="conforms"),
    pytest.param('{"name": "Ada"}', False, "'age' is a required property", id="missing-required"),
    pytest.param('{"name": "Ada", "age": "36"}', False, "age: '36' is not of type 'integer'", id="wrong-type"),
    pytest.param("not json", False, "not valid JSON", id="not-json"),
])
def test_json_schema(text, passed, reason):
    score = run("json_schema", chat_pair(JSON_SCHEMA_REQ, chat_response("{}"), chat_response(text)))
    assert score.passed is passed and reason in score.reason


def test_json_schema_does_not_apply_without_schema():
    assert run("json_schema", chat_pair(JSON_OBJECT_REQ, chat_response("{}"), chat_response("{}"))) is None


def test_json_schema_invalid_request_schema_is_not_held_against_candidate():
    req = chat_request(response_format={"type": "json_schema", "json_schema": {"name": "u", "schema": {"type": "nonsense"}}})
    assert run("json_schema", chat_pair(req, chat_response("{}"), chat_response("{}"))) is None


@pytest.mark.parametrize("base, cand, passed, score", [
    pytest.param({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}, True, 1.0, id="same-any-key-order"),
    pytest.param({"a": 1, "b": 2}, {"a": 1, "b": 3}, False, 0.5, id="one-value-differs"),
    pytest.param({"a": {"x": 1}}, {"a": {"x": 1}, "c": 2}, False, 0.5, id="extra-key"),
])
def test_json_match(base, cand, passed, score):
    result = run("json_match", chat_pair(JSON_OBJECT_REQ, chat_response(json.dumps(base)), chat_response(json.dumps(cand))))
    assert result.passed is passed and result.score == pytest.approx(score)


def tools_pair(base_calls, cand_calls, request=TOOLS_REQ) -> Pair:
    return chat_pair(request, chat_response(None if base_calls else "no tool", tool_calls=base_calls),
                     chat_response(None if cand_calls else "no tool", tool_calls=cand_calls))


@pytest.mark.parametrize("base, cand, passed, score, reason", [
    pytest.param([("get_weather", {"city": "Paris"})], [("get_weather", {"city": "Paris"})], True, 1.0, "", id="same"),
    pytest.param([("get_weather", {"city": "Paris", "unit": "c"})], [("get_weather", '{"unit":"c",  "city":"Paris"}')], True, 1.0, "",
                 id="argument-order-and-spacing"),
    pytest.param([("get_weather", {"city": "Paris"}), ("get_time", {"tz": "CET"})],
                 [("get_time", {"tz": "CET"}), ("get_weather", {"city": "Paris"})], True, 1.0, "", id="call-order-insensitive"),
    pytest.param([("get_weather", {"city": "Paris"})], [("get_weather", {"city": "Lyon"})], False, 0.5, "arguments differ in city",
                 id="argument-value-differs"),
    pytest.param([("get_weather", {"city": "Paris"})], [("get_time", {"tz": "CET"})], False, 0.0, "not called by the candidate",
                 id="other-function"),
    pytest.param([("get_weather", {"city": "Paris"})], [], False, 0.0, "answered without a tool call", id="candidate-no-call"),
    pytest.param([], [("get_weather", {"city": "Paris"})], False, 0.0, "baseline answered without", id="baseline-no-call"),
    pytest.param([], [], True, 1.0, "neither called", id="neither-calls"),
    pytest.param([("get_weather", {"city": "Paris"})], [("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Paris"})],
                 False, 0.5, "called only by the candidate", id="duplicate-call"),
    pytest.param([("get_weather", {"city": "Paris"})], [("get_weather", "{not json")], False, 0.5, "not valid JSON", id="bad-json-args"),
])
def test_tool_calls(base, cand, passed, score, reason):
    result = run("tool_calls", tools_pair(base, cand))
    assert result.passed is passed
    assert result.score == pytest.approx(score)
    assert reason in result.reason


def test_tool_calls_names_mode_ignores_arguments():
    p = tools_pair([("get_weather", {"city": "Paris"})], [("get_weather", {"city": "Lyon"})])
    assert run("tool_calls", p, match="names").passed


@pytest.mark.parametrize("calls, passed, reason", [
    pytest.param([("get_weather", {"city": "Paris", "unit": "c"})], True, "", id="valid"),
    pytest.param([("get_weather", {"unit": "c"})], False, "'city' is a required property", id="missing-required"),
    pytest.param([("get_weather", {"city": "Paris", "unit": "kelvin"})], False, "is not one of", id="enum"),
    pytest.param([("get_weather", {"city": "Paris", "extra": 1})], False, "Additional properties", id="additional-property"),
    pytest.param([("launch_rockets", {})], False, "not one of the offered functions", id="unknown-function"),
    pytest.param([("get_weather", "{oops")], False, "not valid JSON", id="bad-json"),
])
def test_tool_schema(calls, passed, reason):
    result = run("tool_schema", tools_pair([("get_weather", {"city": "Paris"})], calls))
    assert result.passed is passed and reason in result.reason


@pytest.mark.parametrize("base, cand, passed, reason", [
    pytest.param("stop", "stop", True, "", id="same"),
    pytest.param("stop", "length", False, "token limit", id="candidate-truncated"),
    pytest.param("tool_calls", "stop", False, "finish_reason 'stop'", id="tool-vs-stop"),
    pytest.param("function_call", "tool_calls", True, "", id="legacy-function-call-equals-tool-calls"),
])
def test_finish_reason(base, cand, passed, reason):
    p = chat_pair(chat_request(), chat_response("x", finish=base), chat_response("x", finish=cand))
    result = run("finish_reason", p)
    assert result.passed is passed and reason in result.reason


def test_responses_api_answers_are_read():
    p = Pair(record("r", {"model": "gpt-4o", "input": "hi", "tools": [WEATHER_TOOL]},
                    responses_response("Hello there", calls=[("get_weather", {"city": "Paris"})]),
                    responses_response("Hello there", calls=[("get_weather", {"city": "Paris"})], status="incomplete"),
                    endpoint="/v1/responses"))
    assert p.baseline.text == "Hello there" and p.baseline.tool_calls[0].name == "get_weather"
    assert p.baseline.finish_reason == "tool_calls" and p.candidate.finish_reason == "length"
    assert p.baseline.usage == (11, 9)
    assert run("tool_calls", p).passed and not run("finish_reason", p).passed


def emb_pair(base_vectors, cand_vectors, cand_raw=None) -> Pair:
    cand = cand_raw if cand_raw is not None else embedding_response(cand_vectors, model="e5")
    return Pair(record("r", {"model": "e", "input": ["a"] * len(base_vectors)}, embedding_response(base_vectors), cand,
                       endpoint="/v1/embeddings"))


@pytest.mark.parametrize("base, cand, passed, reason", [
    pytest.param([[1.0, 0.0]], [[0.0, 1.0]], True, "", id="same-shape"),
    pytest.param([[1.0, 0.0]], [[0.0, 1.0, 0.0]], False, "dimension 3, baseline 2", id="dimension-differs"),
    pytest.param([[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0]], False, "1 vectors, baseline 2", id="count-differs"),
    pytest.param([[1.0, 0.0]], [[float("nan"), 1.0]], False, "NaN", id="nan"),
])
def test_embedding_shape(base, cand, passed, reason):
    result = run("embedding_shape", emb_pair(base, cand))
    assert result.passed is passed and reason in result.reason


def test_embedding_base64_is_decoded():
    vectors = [[0.5, -1.0, 2.0], [1.0, 0.0, 0.0]]
    raw = {"object": "list", "model": "e5", "data": [
        {"object": "embedding", "index": i, "embedding": base64.b64encode(array("f", v).tobytes()).decode()} for i, v in enumerate(vectors)]}
    p = emb_pair(vectors, None, cand_raw=raw)
    assert p.candidate.embeddings == vectors
    assert run("embedding_shape", p).passed


@pytest.mark.parametrize("cand, passed", [
    pytest.param([[0.0, 1.0], [0.1, 0.9], [1.0, 0.0], [0.7, 0.7]], True, id="rotated-space-same-ranking"),
    pytest.param([[1.0, 0.0], [0.0, 1.0], [0.95, 0.05], [0.5, -0.5]], False, id="ranking-scrambled"),
])
def test_embedding_structure(cand, passed):
    base = [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.7, 0.7]]
    assert run("embedding_structure", emb_pair(base, cand)).passed is passed


def test_embedding_structure_needs_three_inputs():
    assert run("embedding_structure", emb_pair([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]])) is None
