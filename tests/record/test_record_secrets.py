"""A canary API key sent through every recording path never appears in any file written."""

from __future__ import annotations

import asyncio
import json

import openai

import migrate.record
from migrate.record.importers import import_batch, import_prompts
from migrate.record.proxy import RecordingProxy
from tests.parity.faults.fixtures import fault_server  # noqa: F401

CANARY = "sk-canary-7f3a9c1e5b2d4f60a8e1"
ODD_CANARY = "canary.Zq81-not-key-shaped"  # no key shape: only exact scrubbing can catch it


def grep_all(tmp_path, needle: str) -> list[str]:
    return [str(p) for p in tmp_path.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


def exercise(client) -> None:
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": f"my key is {client.api_key}"}])
    list(client.chat.completions.create(model="m", messages=[{"role": "user", "content": "s"}], stream=True))
    try:  # the server echoes the Authorization header in its error body
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "fault:canary"}])
    except openai.AuthenticationError:
        pass


def test_canary_never_written_by_any_path(tmp_path, fault_server):
    out = tmp_path / "out"
    out.mkdir()
    for key in (CANARY, ODD_CANARY):
        # 1. the SDK hook (sync instrument, async recording client)
        exercise(migrate.record.instrument(openai.OpenAI(base_url=fault_server.base_url, api_key=key, max_retries=0), out / "hook.jsonl"))

        async def run_async(key=key):
            http = migrate.record.recording_http_client(out / "hook-async.jsonl", asynchronous=True, aiohttp=True)
            async with openai.AsyncOpenAI(base_url=fault_server.base_url, api_key=key, http_client=http, max_retries=0) as c:
                await c.chat.completions.create(model="m", messages=[{"role": "user", "content": f"pasted {key}"}])
                try:
                    await c.chat.completions.create(model="m", messages=[{"role": "user", "content": "fault:canary"}])
                except openai.AuthenticationError:
                    pass

        asyncio.run(run_async())
        # 2. the proxy
        proxy = RecordingProxy(fault_server.base_url, out / "proxy.jsonl", port=0).start_in_thread()
        try:
            exercise(openai.OpenAI(base_url=proxy.url + "/v1", api_key=key, max_retries=0))
        finally:
            proxy.stop_thread()
        # 3. the importers: a key pasted into prompts, and the live baseline's key
        (tmp_path / "prompts.jsonl").write_text(
            json.dumps({"prompt": f"{key} here"}) + "\n" + json.dumps({"prompt": "fault:canary"}) + "\n"
        )
        import_prompts(tmp_path / "prompts.jsonl", out / "prompts.jsonl", model="m", baseline_url=fault_server.base_url, api_key=key)
    (tmp_path / "batch_in.jsonl").write_text(json.dumps({"custom_id": "a", "url": "/v1/chat/completions",
                                                          "body": {"model": "m", "messages": [{"role": "user", "content": CANARY}]}}) + "\n")
    (tmp_path / "batch_out.jsonl").write_text(json.dumps({"custom_id": "a", "response": {"status_code": 200, "body": {
        "choices": [{"message": {"content": f"your key {CANARY}"}}]}}}) + "\n")
    import_batch(tmp_path / "batch_in.jsonl", tmp_path / "batch_out.jsonl", out / "batch.jsonl")

    written = sorted(p.name for p in out.iterdir())
    assert written == ["batch.jsonl", "hook-async.jsonl", "hook.jsonl", "prompts.jsonl", "proxy.jsonl"]
    assert all((out / name).stat().st_size > 0 for name in written)
    # The canary did travel: the server saw it, and its echo reached the files' scrubber.
    assert any(CANARY in h.headers.get("Authorization", "") for h in fault_server.hits())
    assert any(ODD_CANARY in h.headers.get("Authorization", "") for h in fault_server.hits())
    assert grep_all(out, CANARY) == [] and grep_all(out, ODD_CANARY) == []
    assert grep_all(out, "canary-7f3a") == []  # not even a fragment
    assert "[REDACTED:api-key]" in (out / "proxy.jsonl").read_text()
