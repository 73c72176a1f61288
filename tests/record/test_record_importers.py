"""Importers: Batch API files joined by custom_id; plain prompts, answered live or not."""

from __future__ import annotations

import json

import pytest

from migrate.record.format import Recording
from migrate.record.importers import import_batch, import_prompts
from tests.parity.faults.fixtures import fault_server  # noqa: F401


def write(path, lines):
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def recordings(path) -> list[Recording]:
    return [Recording.from_dict(json.loads(line)) for line in path.read_text().splitlines()]


def batch_in(cid, text):
    return {"custom_id": cid, "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}], "max_tokens": 10}}


def batch_out(cid, text, status=200):
    body = {"id": f"cc-{cid}", "object": "chat.completion", "created": 1767225600, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}
    return {"id": f"batch_req_{cid}", "custom_id": cid, "response": {"status_code": status, "request_id": "r", "body": body}, "error": None}


def test_import_batch_joins_by_custom_id_in_any_order(tmp_path):
    inp = write(tmp_path / "in.jsonl", [batch_in("a", "q1"), batch_in("b", "q2"), batch_in("c", "q3"), batch_in("d", "q4")])
    out = write(tmp_path / "out.jsonl", [batch_out("c", "A3"), "garbage line", batch_out("a", "A1")])
    err = write(tmp_path / "err.jsonl", [{"id": "x", "custom_id": "b", "response": None, "error": {"code": "server_error", "message": "failed"}}])
    summary = import_batch(inp, out, tmp_path / "recs.jsonl", errors=err, tags=["nightly"])
    recs = {r.id: r for r in recordings(tmp_path / "recs.jsonl")}
    assert (summary.imported, summary.with_response, summary.without_response) == (4, 2, 2)
    assert [(b.path, b.line) for b in summary.bad_lines] == [(str(out), 2)]
    assert recs["a"].response["choices"][0]["message"]["content"] == "A1" and recs["a"].status == 200
    assert recs["a"].request["messages"][0]["content"] == "q1" and recs["a"].endpoint == "/v1/chat/completions"
    assert recs["a"].timestamp == "2026-01-01T00:00:00.000Z" and recs["a"].tags == ("nightly",)
    assert recs["b"].response is None and recs["b"].error == "server_error: failed"
    assert recs["d"].response is None and "no line for this custom_id" in recs["d"].error


def test_import_batch_without_output_imports_unanswered(tmp_path):
    inp = write(tmp_path / "in.jsonl", [batch_in("a", "q1"), {"custom_id": "z"}])
    summary = import_batch(inp, None, tmp_path / "recs.jsonl")
    [rec] = recordings(tmp_path / "recs.jsonl")
    assert rec.response is None and rec.error is None and summary.bad_lines[0].line == 2


@pytest.mark.parametrize(
    "line,endpoint,body",
    [({"model": "m", "messages": [{"role": "user", "content": "hi"}], "temperature": 0}, "/v1/chat/completions",
      {"model": "m", "messages": [{"role": "user", "content": "hi"}], "temperature": 0}),
     ({"prompt": "hi"}, "/v1/chat/completions", {"model": "default", "messages": [{"role": "user", "content": "hi"}]}),
     ({"prompt": "hi", "model": "m", "endpoint": "/v1/completions"}, "/v1/completions", {"prompt": "hi", "model": "m"}),
     ({"custom_id": "c1", "url": "/v1/chat/completions", "body": {"model": "m", "messages": []}}, "/v1/chat/completions",
      {"model": "m", "messages": []}),
     ({"input": "hi"}, "/v1/responses", {"input": "hi", "model": "default"})],
    ids=["chat-body", "bare-prompt", "legacy-completions", "batch-style", "responses-input"],
)
def test_prompt_line_shapes(tmp_path, line, endpoint, body):
    write(tmp_path / "p.jsonl", [line])
    import_prompts(tmp_path / "p.jsonl", tmp_path / "recs.jsonl", model="default")
    [rec] = recordings(tmp_path / "recs.jsonl")
    assert (rec.endpoint, rec.request, rec.response) == (endpoint, body, None)


def test_prompt_ids_tags_and_bad_lines(tmp_path):
    write(tmp_path / "p.jsonl", [{"id": "p1", "tags": ["faq"], "prompt": "hi", "model": "m"}, "[1, 2]", {"text": "no request"}, {"prompt": "x"}])
    summary = import_prompts(tmp_path / "p.jsonl", tmp_path / "recs.jsonl", tags=["import"])
    [rec] = recordings(tmp_path / "recs.jsonl")
    assert rec.id == "p1" and rec.tags == ("import", "faq")
    assert [(b.line, b.error.split(" ")[0]) for b in summary.bad_lines] == [(2, "not"), (3, "no"), (4, "request")]
    assert "--model" in summary.bad_lines[2].error


def test_prompts_answered_live_by_a_baseline(tmp_path, fault_server):
    write(tmp_path / "p.jsonl", [{"prompt": f"q{i}"} for i in range(5)] + [{"prompt": "boom fault:400"}, {"prompt": "s", "stream": True}])
    summary = import_prompts(tmp_path / "p.jsonl", tmp_path / "recs.jsonl", model="gpt-4o", baseline_url=fault_server.base_url,
                             api_key="sk-live-baseline-key-1234567890", concurrency=3)
    recs = {r.request["messages"][0]["content"]: r for r in recordings(tmp_path / "recs.jsonl")}
    assert (summary.imported, summary.with_response) == (7, 6)
    assert recs["q3"].response["choices"][0]["message"]["content"] == "echo: q3" and recs["q3"].latency_ms > 0
    assert recs["boom fault:400"].status == 400 and "scripted bad request" in recs["boom fault:400"].error
    assert recs["s"].stream and recs["s"].ttft_ms is not None
    assert all(h.headers["Authorization"] == "Bearer sk-live-baseline-key-1234567890" for h in fault_server.hits())
