"""What the baseline and the candidate answered to one request, in the shape comparators need.

A `Pair` wraps one run record and extracts (lazily, once) the answer text, tool calls, finish reason,
refusal, usage and embedding vectors from whichever API shape came back: chat completions, legacy
completions, the Responses API or embeddings. Only the first choice is compared (`n > 1` answers are
alternatives of one another; use `--samples` for agreement across answers).
"""

from __future__ import annotations

import base64
import json
from array import array
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from migrate.parity.runfile import Outcome, RunRecord


@dataclass(frozen=True, slots=True)
class ToolCall:
    name: str
    arguments: str  # as sent: a JSON string (possibly not valid JSON)


def request_kind(endpoint: str, request: dict[str, Any]) -> str:
    """chat | json | tools | completions | embeddings: which comparators apply by default."""
    path = endpoint.rstrip("/")
    if path.endswith("/embeddings"):
        return "embeddings"
    if (request.get("tools") or request.get("functions")) and request.get("tool_choice") != "none":
        return "tools"
    if json_mode(request) is not None:
        return "json"
    if path.endswith("/completions") and not path.endswith("/chat/completions"):
        return "completions"
    return "chat"


def json_mode(request: dict[str, Any]) -> tuple[str, dict[str, Any] | None] | None:
    """("json_object", None) or ("json_schema", schema) when the request asked for JSON output, else None.

    Reads chat's `response_format`, the Responses API's `text.format` and vLLM's own `guided_json` /
    `structured_outputs.json`.
    """
    fmt = request.get("response_format")
    if not isinstance(fmt, dict):
        text = request.get("text")
        fmt = text.get("format") if isinstance(text, dict) else None
    if isinstance(fmt, dict):
        kind = fmt.get("type")
        if kind == "json_object":
            return "json_object", None
        if kind == "json_schema":
            spec = fmt.get("json_schema") if isinstance(fmt.get("json_schema"), dict) else fmt
            schema = spec.get("schema")
            return "json_schema", schema if isinstance(schema, dict) else None
    for schema in (request.get("guided_json"), (request.get("structured_outputs") or {}).get("json")
                   if isinstance(request.get("structured_outputs"), dict) else None):
        if isinstance(schema, str):
            try:
                schema = json.loads(schema)
            except ValueError:
                schema = None
        if isinstance(schema, dict):
            return "json_schema", schema
    return None


def tool_schemas(request: dict[str, Any]) -> dict[str, Any]:
    """Function name -> its parameters JSON schema, from `tools` (chat or Responses style) or legacy `functions`."""
    schemas: dict[str, Any] = {}
    for tool in request.get("tools") or ():
        if not isinstance(tool, dict) or tool.get("type", "function") != "function":
            continue
        fn = tool.get("function") if isinstance(tool.get("function"), dict) else tool
        if isinstance(fn.get("name"), str):
            schemas[fn["name"]] = fn.get("parameters")
    for fn in request.get("functions") or ():
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            schemas[fn["name"]] = fn.get("parameters")
    return schemas


class Answer:
    """One side's answer, normalised across API shapes. Every attribute is None when absent."""

    __slots__ = ("embeddings", "finish_reason", "model", "n_embeddings_bad", "refusal", "text", "tool_calls", "usage")

    def __init__(self, response: dict[str, Any] | None):
        self.text: str | None = None
        self.tool_calls: list[ToolCall] = []
        self.finish_reason: str | None = None
        self.refusal: str | None = None
        self.model: str | None = None
        self.usage: tuple[int, int] | None = None  # (input tokens, output tokens)
        self.embeddings: list[list[float]] | None = None
        self.n_embeddings_bad = 0
        if isinstance(response, dict):
            self._read(response)

    def _read(self, r: dict[str, Any]) -> None:
        model = r.get("model")
        self.model = model if isinstance(model, str) else None
        usage = r.get("usage")
        if isinstance(usage, dict):
            inp = usage.get("prompt_tokens", usage.get("input_tokens"))
            out = usage.get("completion_tokens", usage.get("output_tokens"))
            if isinstance(inp, int) or isinstance(out, int):
                self.usage = (inp if isinstance(inp, int) else 0, out if isinstance(out, int) else 0)
        obj = r.get("object")
        if obj == "list" or (isinstance(r.get("data"), list) and "choices" not in r):
            self._read_embeddings(r.get("data") or [])
        elif isinstance(r.get("output"), list) or obj == "response":
            self._read_responses(r)
        else:
            choices = r.get("choices")
            if isinstance(choices, list) and choices and isinstance(choices[0], dict):
                self._read_choice(choices[0])

    def _read_choice(self, choice: dict[str, Any]) -> None:
        reason = choice.get("finish_reason")
        self.finish_reason = reason if isinstance(reason, str) else None
        message = choice.get("message")
        if isinstance(message, dict):
            self.text = _content_text(message.get("content"))
            refusal = message.get("refusal")
            self.refusal = refusal if isinstance(refusal, str) and refusal else None
            for call in message.get("tool_calls") or ():
                fn = call.get("function") if isinstance(call, dict) else None
                if isinstance(fn, dict):
                    self.tool_calls.append(ToolCall(str(fn.get("name")), _arguments(fn.get("arguments"))))
            legacy = message.get("function_call")
            if isinstance(legacy, dict) and legacy.get("name"):
                self.tool_calls.append(ToolCall(str(legacy["name"]), _arguments(legacy.get("arguments"))))
        elif isinstance(choice.get("text"), str):
            self.text = choice["text"]

    def _read_responses(self, r: dict[str, Any]) -> None:
        parts: list[str] = []
        for item in r.get("output") or ():
            if not isinstance(item, dict):
                continue
            if item.get("type") == "function_call":
                self.tool_calls.append(ToolCall(str(item.get("name")), _arguments(item.get("arguments"))))
            for part in item.get("content") or () if item.get("type") == "message" else ():
                if isinstance(part, dict):
                    if part.get("type") == "output_text" and isinstance(part.get("text"), str):
                        parts.append(part["text"])
                    elif part.get("type") == "refusal" and isinstance(part.get("refusal"), str):
                        self.refusal = part["refusal"]
        if parts:
            self.text = "".join(parts)
        elif isinstance(r.get("output_text"), str):
            self.text = r["output_text"]
        status = r.get("status")
        details = r.get("incomplete_details") if isinstance(r.get("incomplete_details"), dict) else {}
        if status == "incomplete":
            self.finish_reason = "length" if details.get("reason") == "max_output_tokens" else str(details.get("reason") or "incomplete")
        elif status == "completed":
            self.finish_reason = "tool_calls" if self.tool_calls else "stop"

    def _read_embeddings(self, data: list[Any]) -> None:
        vectors: list[list[float]] = []
        for item in data:
            vector = item.get("embedding") if isinstance(item, dict) else None
            if isinstance(vector, str):  # encoding_format="base64": little-endian float32
                try:
                    floats = array("f")
                    floats.frombytes(base64.b64decode(vector))
                    vector = floats.tolist()
                except (ValueError, TypeError):
                    vector = None
            if isinstance(vector, list) and vector and all(isinstance(x, (int, float)) for x in vector[:8]):
                vectors.append(vector)
            else:
                self.n_embeddings_bad += 1
        self.embeddings = vectors


def _content_text(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        texts = [p.get("text") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)]
        return "".join(texts) if texts else None
    return None


def _arguments(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False) if value is not None else ""


class Pair:
    """One run record seen by comparators: `baseline` and `candidate` Answers plus the request."""

    def __init__(self, record: RunRecord, kind: str | None = None):
        self.record = record
        self.request = record.request
        self.kind = kind or request_kind(record.endpoint, record.request)

    @property
    def candidate_outcome(self) -> Outcome:
        return self.record.candidate

    @property
    def baseline_outcome(self) -> Outcome | None:
        return self.record.baseline

    @property
    def has_baseline(self) -> bool:
        return self.record.baseline is not None and self.record.baseline.ok

    @cached_property
    def baseline(self) -> Answer:
        b = self.record.baseline
        return Answer(b.response if b is not None and b.ok else None)

    @cached_property
    def candidate(self) -> Answer:
        c = self.record.candidate
        return Answer(c.response if c.ok else None)

    @property
    def baseline_text(self) -> str | None:
        return self.baseline.text

    @property
    def candidate_text(self) -> str | None:
        return self.candidate.text

    @cached_property
    def json_mode(self) -> tuple[str, dict[str, Any] | None] | None:
        return json_mode(self.request)

    @cached_property
    def tool_schemas(self) -> dict[str, Any]:
        return tool_schemas(self.request)

    @cached_property
    def prompt_text(self) -> str:
        """The last user turn (or the prompt / input), for judges and reports."""
        req = self.request
        messages = req.get("messages")
        if isinstance(messages, list):
            for m in reversed(messages):
                if isinstance(m, dict) and m.get("role") == "user":
                    return _content_text(m.get("content")) or ""
        for name in ("prompt", "input"):
            value = req.get(name)
            if isinstance(value, str):
                return value
            if isinstance(value, list):
                if value and isinstance(value[-1], dict):
                    return _content_text(value[-1].get("content")) or ""
                return " | ".join(str(v) for v in value[:8])
        return ""
