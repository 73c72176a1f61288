"""Assembling server-sent event streams into the non-streamed response shape."""

from __future__ import annotations

import json

import pytest

from migrate.record.sse import StreamAssembler, assemble


def sse(*events, done=True) -> bytes:
    body = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
    return body + (b"data: [DONE]\n\n" if done else b"")


def chunk(delta, finish=None, index=0, **extra):
    return {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": index, "delta": delta, "finish_reason": finish, **extra}]}


def test_chat_content_is_joined():
    body = sse(chunk({"role": "assistant", "content": ""}), chunk({"content": "Hel"}), chunk({"content": "lo"}), chunk({}, "stop"),
               {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [], "usage": {"total_tokens": 7}})
    result, complete = assemble(body)
    assert complete
    assert result["object"] == "chat.completion" and result["id"] == "c1" and result["model"] == "m"
    assert result["choices"] == [{"index": 0, "message": {"role": "assistant", "content": "Hello"}, "logprobs": None, "finish_reason": "stop"}]
    assert result["usage"] == {"total_tokens": 7}


def test_tool_call_arguments_are_joined_per_index():
    body = sse(
        chunk({"role": "assistant", "tool_calls": [{"index": 0, "id": "t0", "type": "function", "function": {"name": "get", "arguments": ""}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]}),
        chunk({"tool_calls": [{"index": 1, "id": "t1", "type": "function", "function": {"name": "put", "arguments": "{}"}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]}),
        chunk({}, "tool_calls"),
    )
    result, _ = assemble(body)
    message = result["choices"][0]["message"]
    assert message["content"] is None
    assert message["tool_calls"] == [
        {"id": "t0", "type": "function", "function": {"name": "get", "arguments": '{"city": "Paris"}'}},
        {"id": "t1", "type": "function", "function": {"name": "put", "arguments": "{}"}},
    ]
    assert result["choices"][0]["finish_reason"] == "tool_calls"


def test_several_choices_and_logprobs_and_reasoning():
    body = sse(
        chunk({"content": "a", "reasoning_content": "think"}, logprobs={"content": [{"token": "a", "logprob": -0.1}]}),
        chunk({"content": "b"}, index=1),
        chunk({"content": "c"}, logprobs={"content": [{"token": "c", "logprob": -0.2}]}),
        chunk({}, "length"), chunk({}, "stop", index=1),
    )
    result, _ = assemble(body)
    first, second = result["choices"]
    assert first["message"]["content"] == "ac" and first["message"]["reasoning_content"] == "think"
    assert [t["token"] for t in first["logprobs"]["content"]] == ["a", "c"]
    assert (first["finish_reason"], second["message"]["content"], second["finish_reason"]) == ("length", "b", "stop")


def test_legacy_completions_stream():
    body = sse({"id": "x", "object": "text_completion", "created": 1, "model": "m", "choices": [{"index": 0, "text": "Hi", "finish_reason": None}]},
               {"id": "x", "object": "text_completion", "created": 1, "model": "m", "choices": [{"index": 0, "text": " there", "finish_reason": "stop"}]})
    result, complete = assemble(body)
    assert complete and result["object"] == "text_completion" and result["choices"][0]["text"] == "Hi there"


def test_responses_api_stream_uses_the_final_response():
    final = {"id": "resp_1", "object": "response", "status": "completed", "output": [{"type": "message"}]}
    body = (b"event: response.created\ndata: " + json.dumps({"type": "response.created", "response": {"id": "resp_1"}}).encode() + b"\n\n"
            b"event: response.output_text.delta\ndata: " + json.dumps({"type": "response.output_text.delta", "delta": "Hi"}).encode() + b"\n\n"
            b"event: response.completed\ndata: " + json.dumps({"type": "response.completed", "response": final}).encode() + b"\n\n")
    result, complete = assemble(body)
    assert complete and result == final


def test_a_cut_stream_is_incomplete_but_keeps_what_arrived():
    result, complete = assemble(sse(chunk({"content": "par"}), chunk({"content": "tial"}), done=False))
    assert not complete and result["choices"][0]["message"]["content"] == "partial"


def test_an_error_event_is_reported():
    assembler = StreamAssembler()
    assembler.feed(sse(chunk({"content": "x"}), {"error": {"message": "boom", "code": 500}}, done=False))
    assembler.close()
    assert assembler.error == {"message": "boom", "code": 500}


@pytest.mark.parametrize("size", [1, 3, 7, 64], ids=lambda s: f"{s}-byte-pieces")
def test_arbitrary_chunk_boundaries_and_crlf(size):
    body = sse(chunk({"content": "é漢"}), chunk({"content": "!"}), chunk({}, "stop")).replace(b"\n", b"\r\n")
    body = b": keep-alive comment\r\n\r\n" + body
    assembler = StreamAssembler()
    firsts = [assembler.feed(body[i : i + size]) for i in range(0, len(body), size)]
    assembler.close()
    assert assembler.complete and sum(firsts) == 1
    assert assembler.result()["choices"][0]["message"]["content"] == "é漢!"


def test_first_token_ignores_role_only_chunks():
    assembler = StreamAssembler()
    assert not assembler.feed(sse(chunk({"role": "assistant", "content": ""}), done=False))
    assert assembler.feed(sse(chunk({"content": "x"}), done=False))


def test_unknown_events_are_kept():
    result, complete = assemble(b'data: {"foo": 1}\n\ndata: not json\n\n')
    assert result == {"object": "stream", "events": [{"foo": 1}, "not json"]} and not complete
