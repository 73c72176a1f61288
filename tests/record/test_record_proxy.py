"""The recording proxy: forwards everything, streams pass through unbuffered and byte for byte."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import openai
import pytest

from migrate.record.format import Recording
from migrate.record.proxy import RecordingProxy, upstream_url
from tests.parity.faults.fixtures import fault_server  # noqa: F401


@pytest.fixture
def proxy(tmp_path, fault_server):
    server = RecordingProxy(fault_server.base_url, tmp_path / "recs.jsonl", port=0, tags=["proxied"]).start_in_thread()
    yield server
    server.stop_thread()


def recordings(path, at_least: int = 1) -> list[Recording]:
    """The proxy's recordings, once `at_least` are written: it records after it answers, so a busy machine can
    let the client see the answer first."""
    deadline = time.monotonic() + 30
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= at_least or time.monotonic() > deadline:
            return [Recording.from_dict(json.loads(line)) for line in lines]
        time.sleep(0.05)


def test_sdk_through_the_proxy_is_recorded(tmp_path, proxy):
    client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)
    answer = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "via proxy"}])
    stream = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "streamed"}], stream=True)
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert (answer.choices[0].message.content, text) == ("echo: via proxy", "echo: streamed")
    assert [m.id for m in client.models.list()] == ["fake-model"]  # forwarded, not recorded
    plain, streamed = recordings(tmp_path / "recs.jsonl", at_least=2)
    assert plain.endpoint == "/v1/chat/completions" and plain.tags == ("proxied",) and plain.status == 200
    assert plain.response["choices"][0]["message"]["content"] == "echo: via proxy"
    assert streamed.stream and streamed.response["choices"][0]["message"]["content"] == "echo: streamed"
    assert 0 < streamed.ttft_ms <= streamed.latency_ms
    assert proxy.stats.forwarded == 3 and proxy.stats.recorded == 2


def test_stream_passes_through_chunk_by_chunk_unbuffered(fault_server, proxy):
    async def read() -> tuple[list[tuple[float, bytes]], dict]:
        body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "slowly fault:drip"}]}
        async with aiohttp.ClientSession() as session:
            async with session.post(proxy.url + "/v1/chat/completions", json=body) as response:
                arrivals = [(time.monotonic(), chunk) async for chunk in response.content.iter_any()]
                return arrivals, response.headers.copy()

    arrivals, headers = asyncio.run(read())
    sent = fault_server.hits()[-1].sent
    assert b"".join(c for _, c in arrivals) == sent  # byte for byte
    assert headers["Content-Type"] == "text/event-stream" and headers["x-request-id"].startswith("req-")
    assert len(arrivals) >= 4  # the 0.2 s gaps upstream survive: not coalesced into one buffer
    assert arrivals[-1][0] - arrivals[0][0] >= 0.6


def test_errors_pass_through_with_status_and_are_recorded(tmp_path, proxy):
    client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x fault:429_once"}])
    assert caught.value.response.headers["retry-after"] == "1"
    [rec] = recordings(tmp_path / "recs.jsonl")
    assert rec.status == 429 and rec.headers["retry-after"] == "1"


def test_unreachable_upstream_answers_502_and_records_the_error(tmp_path):
    server = RecordingProxy("http://127.0.0.1:9/v1", tmp_path / "recs.jsonl", port=0).start_in_thread()
    try:
        client = openai.OpenAI(base_url=server.url + "/v1", api_key="k", max_retries=0)
        with pytest.raises(openai.InternalServerError) as caught:
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
        assert caught.value.status_code == 502 and "could not reach upstream" in str(caught.value)
    finally:
        server.stop_thread()
    [rec] = recordings(tmp_path / "recs.jsonl")
    assert rec.response is None and "127.0.0.1:9" in rec.error


@pytest.mark.parametrize(
    "upstream,path,expected",
    [("https://api.openai.com/v1", "/v1/chat/completions", "https://api.openai.com/v1/chat/completions"),
     ("https://api.openai.com/v1", "/chat/completions?x=1", "https://api.openai.com/v1/chat/completions?x=1"),
     ("http://h:8000", "/v1/models", "http://h:8000/v1/models"),
     ("https://gw.example/openai/v1/", "/v1/embeddings", "https://gw.example/openai/v1/embeddings"),
     ("http://h/v1", "/v1", "http://h/v1")],
    ids=["shared-v1", "app-without-v1", "root-upstream", "prefixed-gateway", "bare-v1"],
)
def test_upstream_url(upstream, path, expected):
    assert upstream_url(upstream, path) == expected


def test_bad_upstream_is_refused(tmp_path):
    with pytest.raises(ValueError, match="http"):
        RecordingProxy("api.openai.com", tmp_path / "r.jsonl")
