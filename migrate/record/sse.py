"""Server-sent events: decode a stream incrementally and assemble it into the non-streamed response.

A streamed chat completion is a series of `chat.completion.chunk` objects; comparing it with a recorded
answer needs the `chat.completion` it adds up to. `StreamAssembler` is fed bytes as they arrive (so time to
first token can be measured) and `result()` returns the completion-shaped object:

- chat completions: content, refusal, reasoning, tool calls (arguments joined per index), logprobs, finish
  reason and usage per choice, as the non-streamed endpoint returns them;
- legacy completions: text and logprobs per choice;
- the Responses API: the `response` of the final `response.completed` / `response.incomplete` /
  `response.failed` event;
- anything else: `{"object": "stream", "events": [...]}`, so nothing is lost.

`complete` says whether the stream ended properly (`[DONE]`, or a final Responses event); a stream cut
mid-way is not complete and its partial result is still available.
"""

from __future__ import annotations

import json
from typing import Any

_CHOICE_TEXT_FIELDS = ("content", "refusal", "reasoning_content", "reasoning")


class StreamAssembler:
    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []
        self._event: str | None = None
        self.events = 0
        self.done = False  # saw `[DONE]` or a final Responses event
        self.error: dict[str, Any] | None = None  # an error object sent inside the stream
        self.first_token = False  # becomes True at the first chunk that carries generated content
        self._kind: str | None = None
        self._head: dict[str, Any] = {}
        self._choices: dict[int, dict[str, Any]] = {}
        self._usage: Any = None
        self._final: dict[str, Any] | None = None
        self._other: list[Any] = []

    # -- decoding ---------------------------------------------------------------------------------------
    def feed(self, chunk: bytes) -> bool:
        """Consume bytes; True when this chunk delivered the first generated token."""
        before = self.first_token
        self._buffer += chunk
        while True:
            newline = self._buffer.find(b"\n")
            if newline < 0:
                break
            line = self._buffer[:newline].rstrip(b"\r")
            self._buffer = self._buffer[newline + 1 :]
            self._line(line.decode("utf-8", "replace"))
        return self.first_token and not before

    def close(self) -> None:
        """End of input: a final event without its blank line still counts."""
        if self._buffer:
            self._line(self._buffer.rstrip(b"\r").decode("utf-8", "replace"))
            self._buffer = b""
        self._dispatch()

    def _line(self, line: str) -> None:
        if not line:
            self._dispatch()
        elif line.startswith(":"):
            return  # comment / keep-alive
        else:
            name, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if name == "data":
                self._data.append(value)
            elif name == "event":
                self._event = value

    def _dispatch(self) -> None:
        if not self._data:
            self._event = None
            return
        data = "\n".join(self._data)
        self._data = []
        self._event = None
        self.events += 1
        if data.strip() == "[DONE]":
            self.done = True
            return
        try:
            obj = json.loads(data)
        except ValueError:
            self._other.append(data)
            return
        self.add(obj)

    # -- assembling -------------------------------------------------------------------------------------
    def add(self, obj: Any) -> None:
        """Add one decoded event object (also usable with SDK chunk objects' `model_dump()`)."""
        if not isinstance(obj, dict):
            self._other.append(obj)
            return
        if "error" in obj and obj.get("object") is None and "choices" not in obj:
            self.error = obj["error"] if isinstance(obj["error"], dict) else {"message": str(obj["error"])}
            return
        kind = obj.get("object")
        event_type = obj.get("type")
        if kind == "chat.completion.chunk":
            self._kind = "chat"
            self._chat_chunk(obj)
        elif kind == "text_completion":
            self._kind = "text"
            self._text_chunk(obj)
        elif isinstance(event_type, str) and event_type.startswith("response."):
            self._kind = "responses"
            if event_type.endswith(".delta"):
                self.first_token = True
            if event_type in ("response.completed", "response.incomplete", "response.failed") and isinstance(
                obj.get("response"), dict
            ):
                self._final = obj["response"]
                self.done = True
                if event_type == "response.failed" and obj["response"].get("error"):
                    self.error = obj["response"]["error"]
        else:
            self._other.append(obj)

    def _head_from(self, obj: dict[str, Any]) -> None:
        for key in ("id", "created", "model", "system_fingerprint", "service_tier"):
            if obj.get(key) is not None and key not in self._head:
                self._head[key] = obj[key]
        if obj.get("usage"):
            self._usage = obj["usage"]

    def _choice(self, index: int) -> dict[str, Any]:
        choice = self._choices.get(index)
        if choice is None:
            choice = self._choices[index] = {"index": index, "finish_reason": None, "_parts": {}, "_tools": {}}
        return choice

    def _chat_chunk(self, obj: dict[str, Any]) -> None:
        self._head_from(obj)
        for raw in obj.get("choices") or ():
            choice = self._choice(int(raw.get("index", 0)))
            delta = raw.get("delta") or {}
            if delta.get("role"):
                choice["role"] = delta["role"]
            for name in _CHOICE_TEXT_FIELDS:
                piece = delta.get(name)
                if isinstance(piece, str):  # "" still says the field exists: the full response has it as ""
                    choice["_parts"].setdefault(name, []).append(piece)
                    if piece:
                        self.first_token = True
            for call in delta.get("tool_calls") or ():
                self.first_token = True
                slot = choice["_tools"].setdefault(int(call.get("index", 0)), {"id": None, "type": "function", "name": [], "arguments": []})
                if call.get("id"):
                    slot["id"] = call["id"]
                if call.get("type"):
                    slot["type"] = call["type"]
                function = call.get("function") or {}
                if function.get("name"):
                    slot["name"].append(function["name"])
                if function.get("arguments"):
                    slot["arguments"].append(function["arguments"])
            logprobs = raw.get("logprobs")
            if logprobs:
                merged = choice.setdefault("logprobs", {})
                for key, items in logprobs.items():
                    if isinstance(items, list):
                        merged.setdefault(key, []).extend(items)
            if raw.get("finish_reason"):
                choice["finish_reason"] = raw["finish_reason"]
            if raw.get("stop_reason") is not None:  # vLLM's extra field
                choice["stop_reason"] = raw["stop_reason"]

    def _text_chunk(self, obj: dict[str, Any]) -> None:
        self._head_from(obj)
        for raw in obj.get("choices") or ():
            choice = self._choice(int(raw.get("index", 0)))
            if raw.get("text"):
                choice["_parts"].setdefault("text", []).append(raw["text"])
                self.first_token = True
            logprobs = raw.get("logprobs")
            if logprobs:
                merged = choice.setdefault("logprobs", {})
                for key, items in logprobs.items():
                    if isinstance(items, list):
                        merged.setdefault(key, []).extend(items)
            if raw.get("finish_reason"):
                choice["finish_reason"] = raw["finish_reason"]

    @property
    def complete(self) -> bool:
        """The stream ended properly: `[DONE]`, a final Responses event, or every choice finished."""
        if self.done:
            return True
        return bool(self._choices) and all(c["finish_reason"] for c in self._choices.values())

    def result(self) -> dict[str, Any] | None:
        """The assembled response, or None when the stream carried nothing."""
        if self._kind == "responses":
            return self._final
        if self._kind in ("chat", "text"):
            out: dict[str, Any] = {
                "id": self._head.get("id"),
                "object": "chat.completion" if self._kind == "chat" else "text_completion",
                "created": self._head.get("created"),
                "model": self._head.get("model"),
            }
            for key in ("system_fingerprint", "service_tier"):
                if key in self._head:
                    out[key] = self._head[key]
            out["choices"] = [self._finish_choice(self._choices[i]) for i in sorted(self._choices)]
            out["usage"] = self._usage
            return out
        if self._other:
            return {"object": "stream", "events": self._other}
        return None

    def _finish_choice(self, choice: dict[str, Any]) -> dict[str, Any]:
        parts = choice["_parts"]
        out: dict[str, Any] = {"index": choice["index"]}
        if self._kind == "text":
            out["text"] = "".join(parts.get("text", ()))
        else:
            message: dict[str, Any] = {"role": choice.get("role", "assistant"), "content": None}
            for name in _CHOICE_TEXT_FIELDS:
                if name in parts:
                    message[name] = "".join(parts[name])
            if choice["_tools"]:
                message["tool_calls"] = [
                    {
                        "id": slot["id"],
                        "type": slot["type"],
                        "function": {"name": "".join(slot["name"]), "arguments": "".join(slot["arguments"])},
                    }
                    for _, slot in sorted(choice["_tools"].items())
                ]
            out["message"] = message
        out["logprobs"] = choice.get("logprobs")
        out["finish_reason"] = choice["finish_reason"]
        if "stop_reason" in choice:
            out["stop_reason"] = choice["stop_reason"]
        return out


def assemble(body: bytes) -> tuple[dict[str, Any] | None, bool]:
    """Assemble a whole SSE body at once: (response, complete)."""
    assembler = StreamAssembler()
    assembler.feed(body)
    assembler.close()
    return assembler.result(), assembler.complete
