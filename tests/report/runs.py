"""Builders for realistic run records (the shapes OpenAI and vLLM really return), for compare/report tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from migrate.parity.runfile import Outcome, RunHeader, RunRecord


def chat_response(text: str | None, *, model: str = "gpt-4o-mini-2024-07-18", finish: str = "stop",
                  tool_calls: list[tuple[str, Any]] | None = None, refusal: str | None = None,
                  usage: tuple[int, int] = (20, 30)) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": refusal}
    if tool_calls:
        message["tool_calls"] = [
            {"id": f"call_{i}", "type": "function",
             "function": {"name": name, "arguments": args if isinstance(args, str) else json.dumps(args)}}
            for i, (name, args) in enumerate(tool_calls)
        ]
        finish = "tool_calls" if finish == "stop" else finish
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 1764000000, "model": model,
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}}


def completion_response(text: str, *, model: str = "gpt-3.5-turbo-instruct", finish: str = "stop") -> dict[str, Any]:
    return {"id": "cmpl-1", "object": "text_completion", "created": 1764000000, "model": model,
            "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}}


def responses_response(text: str | None = None, *, calls: list[tuple[str, Any]] = (), status: str = "completed",
                       model: str = "gpt-4o-mini") -> dict[str, Any]:
    output: list[dict[str, Any]] = []
    if text is not None:
        output.append({"type": "message", "role": "assistant", "status": "completed",
                       "content": [{"type": "output_text", "text": text, "annotations": []}]})
    for name, args in calls:
        output.append({"type": "function_call", "name": name, "arguments": json.dumps(args), "call_id": "c1"})
    body = {"id": "resp_1", "object": "response", "model": model, "status": status, "output": output,
            "usage": {"input_tokens": 11, "output_tokens": 9, "total_tokens": 20}}
    if status == "incomplete":
        body["incomplete_details"] = {"reason": "max_output_tokens"}
    return body


def embedding_response(vectors: list[list[float]], *, model: str = "text-embedding-3-small") -> dict[str, Any]:
    return {"object": "list", "model": model,
            "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)],
            "usage": {"prompt_tokens": 8, "total_tokens": 8}}


def chat_request(prompt: str = "What is the capital of France?", *, model: str = "llama", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}], **extra}


WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
                   "required": ["city"], "additionalProperties": False}}}
TIME_TOOL = {"type": "function", "function": {
    "name": "get_time", "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}, "required": ["tz"]}}}


def record(key: str, request: dict[str, Any], baseline: dict[str, Any] | None, candidate: dict[str, Any] | None, *,
           endpoint: str = "/v1/chat/completions", tags: tuple[str, ...] = (), sample: int = 0,
           base_ms: float = 800.0, cand_ms: float = 120.0, cand_ttft: float | None = None,
           error: dict[str, str] | None = None, status: int = 200) -> RunRecord:
    base = None if baseline is None else Outcome(response=baseline, status=200, latency_ms=base_ms)
    if error is not None:
        cand = Outcome(response=None, status=status if status >= 400 else None, latency_ms=cand_ms, error=error, attempts=5)
    else:
        cand = Outcome(response=candidate, status=200, latency_ms=cand_ms, ttft_ms=cand_ttft)
    rid = key.split("#")[0]
    return RunRecord(key=f"{rid}#{sample}", recording_id=rid, sample=sample, endpoint=endpoint, request=request,
                     baseline=base, candidate=cand, tags=tags, finished_at="2026-11-25T10:00:00.000Z")


def write_run(path: Path, records: list[RunRecord], *, samples: int = 1, extra_lines: list[str] = ()) -> Path:
    header = RunHeader(recordings="recs.jsonl", candidate={"base_url": "http://127.0.0.1:8000/v1", "model_map": {}},
                       samples=samples, started_at="2026-11-25T10:00:00.000Z", tool_version="0.1.0")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(header.to_dict()) + "\n")
        fh.writelines(json.dumps(r.to_dict()) + "\n" for r in records)
        fh.writelines(line + "\n" for line in extra_lines)
    return path


XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def mixed_run(path: Path) -> Path:
    """A small run with every request kind, passes and failures, an error and hostile model output."""
    json_req = chat_request("Give me the user as JSON", response_format={"type": "json_schema", "json_schema": {
        "name": "user", "schema": {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                                   "required": ["name", "age"]}}})
    tools_req = chat_request("Weather in Paris?", tools=[WEATHER_TOOL, TIME_TOOL])
    records = [
        record("same", chat_request(), chat_response("The capital of France is Paris."),
               chat_response("The capital of France is Paris.", model="llama"), tags=("geo",)),
        record("para", chat_request(), chat_response("Paris is the capital of France."),
               chat_response("The capital of France is Paris.", model="llama"), tags=("geo",), cand_ms=300),
        record("wrong", chat_request("Capital of Spain?"), chat_response("Madrid is the capital of Spain."),
               chat_response("I think the answer is Lisbon, in Portugal, a lovely city by the sea.", model="llama"), tags=("geo",)),
        record("xss", chat_request("Echo this"), chat_response("Here you go: safe text."),
               chat_response(f"Here you go: {XSS}", model="llama"), tags=("<b>tag</b>",)),
        record("refuse", chat_request("Summarise the report"), chat_response("The report shows revenue grew 5%."),
               chat_response("I'm sorry, but I can't help with that.", model="llama"), tags=("reports",)),
        record("json-ok", json_req, chat_response('{"name": "Ada", "age": 36}'),
               chat_response('{"name": "Ada", "age": 36}', model="llama"), tags=("json",)),
        record("json-bad", json_req, chat_response('{"name": "Ada", "age": 36}'),
               chat_response('{"name": "Ada", "age": "thirty-six"}', model="llama"), tags=("json",)),
        record("tool-ok", tools_req, chat_response(None, tool_calls=[("get_weather", {"city": "Paris"})]),
               chat_response(None, tool_calls=[("get_weather", {"city": "Paris"})], model="llama"), tags=("tools",)),
        record("tool-args", tools_req, chat_response(None, tool_calls=[("get_weather", {"city": "Paris", "unit": "c"})]),
               chat_response(None, tool_calls=[("get_weather", {"city": "Paris", "unit": "kelvin"})], model="llama"), tags=("tools",)),
        record("timeout", chat_request("Slow one"), chat_response("Fine."), None,
               error={"type": "timeout", "message": "no answer within 60 s"}, tags=("geo",)),
        record("emb", {"model": "e5", "input": ["a", "b", "c"]},
               embedding_response([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]),
               embedding_response([[0.0, 1.0], [0.1, 0.9], [1.0, 0.0]], model="e5"), endpoint="/v1/embeddings"),
    ]
    return write_run(path, records)
