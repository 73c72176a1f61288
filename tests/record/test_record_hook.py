"""The SDK hook: the app sees exactly what it saw before; the recording holds the exchange."""

from __future__ import annotations

import asyncio
import json

import httpx2
import openai
import pytest

import migrate.record
from migrate.record.format import Recording
from tests.parity.faults.fixtures import fault_server  # noqa: F401


def recordings(path) -> list[Recording]:
    return [Recording.from_dict(json.loads(line)) for line in path.read_text().splitlines()]


def ask(client, text, **kw):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}], **kw)


def test_instrument_records_plain_and_streamed_calls(tmp_path, fault_server):
    out = tmp_path / "recs.jsonl"
    client = migrate.record.instrument(openai.OpenAI(base_url=fault_server.base_url, api_key="k", max_retries=0), out, tags=["checkout"])
    answer = ask(client, "plain", temperature=0.2, seed=7)
    pieces = [c.choices[0].delta.content for c in ask(client, "streamed", stream=True) if c.choices and c.choices[0].delta.content]
    assert answer.choices[0].message.content == "echo: plain"
    assert "".join(pieces) == "echo: streamed"
    plain, streamed = recordings(out)
    assert plain.endpoint == "/v1/chat/completions" and plain.tags == ("checkout",) and plain.status == 200
    assert plain.request == {"model": "gpt-4o", "messages": [{"role": "user", "content": "plain"}], "temperature": 0.2, "seed": 7}
    assert plain.response["choices"][0]["message"]["content"] == "echo: plain"
    assert plain.headers["x-request-id"] and "authorization" not in plain.headers
    assert not plain.stream and plain.ttft_ms is None and plain.latency_ms > 0 and plain.error is None
    assert streamed.stream and streamed.error is None
    assert streamed.response["choices"][0]["message"]["content"] == "echo: streamed"
    assert 0 < streamed.ttft_ms <= streamed.latency_ms


def test_the_app_sees_identical_bytes(tmp_path, fault_server):
    plain = openai.OpenAI(base_url=fault_server.base_url, api_key="k", max_retries=0)
    hooked = migrate.record.instrument(openai.OpenAI(base_url=fault_server.base_url, api_key="k", max_retries=0), tmp_path / "r.jsonl")
    for client in (plain, hooked):
        with client.chat.completions.with_streaming_response.create(
            model="m", messages=[{"role": "user", "content": "same"}], stream=True
        ) as response:
            chunks = list(response.iter_bytes())
        assert b"".join(chunks) == fault_server.hits()[-1].sent


@pytest.mark.parametrize("backend", ["httpx", "aiohttp"])
def test_async_recording_http_client(tmp_path, fault_server, backend):
    out = tmp_path / "recs.jsonl"

    async def main():
        http_client = migrate.record.recording_http_client(out, asynchronous=True, aiohttp=backend == "aiohttp")
        async with openai.AsyncOpenAI(base_url=fault_server.base_url, api_key="k", http_client=http_client, max_retries=0) as client:
            first = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "a1"}])
            stream = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "a2"}], stream=True)
            text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
            return first.choices[0].message.content, text

    assert asyncio.run(main()) == ("echo: a1", "echo: a2")
    assert [r.response["choices"][0]["message"]["content"] for r in recordings(out)] == ["echo: a1", "echo: a2"]


def test_sync_recording_http_client_and_sdk_retries(tmp_path, fault_server):
    out = tmp_path / "recs.jsonl"
    client = openai.OpenAI(base_url=fault_server.base_url, api_key="k", http_client=migrate.record.recording_http_client(out), max_retries=1)
    assert ask(client, "retry me fault:500_once").choices[0].message.content == "echo: retry me fault:500_once"
    first, second = recordings(out)  # each attempt is the exchange it was
    assert (first.status, second.status) == (500, 200)


def test_failures_are_recorded_and_still_raised(tmp_path, fault_server):
    out = tmp_path / "recs.jsonl"
    client = migrate.record.instrument(openai.OpenAI(base_url=fault_server.base_url, api_key="k", max_retries=0, timeout=2), out)
    with pytest.raises(openai.APIConnectionError):
        ask(client, "x fault:reset")
    with pytest.raises(openai.BadRequestError):
        ask(client, "x fault:400")
    reset, bad = recordings(out)
    assert reset.status is None and reset.response is None and reset.error
    assert bad.status == 400 and bad.response["error"]["message"] == "scripted bad request"


def test_stream_abandoned_by_the_app_is_marked(tmp_path, fault_server):
    out = tmp_path / "recs.jsonl"
    client = migrate.record.instrument(openai.OpenAI(base_url=fault_server.base_url, api_key="k", max_retries=0), out)
    with client.chat.completions.with_streaming_response.create(model="m", messages=[{"role": "user", "content": "long one here"}], stream=True) as r:
        next(r.iter_bytes(1))
    [rec] = recordings(out)
    assert rec.error == "the app closed the response before it ended"


def test_non_json_calls_pass_through_unrecorded(tmp_path, fault_server):
    out = tmp_path / "recs.jsonl"
    client = migrate.record.instrument(openai.OpenAI(base_url=fault_server.base_url, api_key="k", max_retries=0), out)
    assert [m.id for m in client.models.list()] == ["fake-model"]
    assert not out.exists() or out.read_text() == ""


def test_instrument_plain_httpx2_client_and_uninstrument(tmp_path, fault_server):
    out = tmp_path / "recs.jsonl"
    http = httpx2.Client()
    migrate.record.instrument(http, out)
    with pytest.raises(ValueError, match="already recording"):
        migrate.record.instrument(http, out)
    http.post(fault_server.base_url + "/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "raw"}]})
    migrate.record.uninstrument(http)
    http.post(fault_server.base_url + "/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "after"}]})
    assert [r.request["messages"][0]["content"] for r in recordings(out)] == ["raw"]


def test_gzip_responses_are_decoded_for_the_recording(tmp_path):
    import gzip

    body = gzip.compress(json.dumps({"id": "z", "choices": []}).encode())

    def handler(request):
        return httpx2.Response(200, headers={"content-encoding": "gzip", "content-type": "application/json"}, content=body)

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    out = tmp_path / "recs.jsonl"
    migrate.record.instrument(http, out)
    assert http.post("http://x/v1/chat/completions", json={"model": "m"}).json() == {"id": "z", "choices": []}
    [rec] = recordings(out)
    assert rec.response == {"id": "z", "choices": []} and rec.error is None
