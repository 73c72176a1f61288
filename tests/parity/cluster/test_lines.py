"""The parts of the Ray engine that need no Ray: cutting a file into line shards, merging actors' notes, and
turning recordings into offline engine rows and engine output into run lines."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.parity.cluster.compare import merge_notes
from migrate.parity.cluster.lines import line_shards, read_shard
from migrate.parity.cluster.offline import NOT_PASSED, Prepare, engine_request, from_engine_row, run_line, unsupported
from migrate.record.scrub import Scrubber


def _lines_of(path, shard_bytes):
    rows = []
    for shard in line_shards(path, shard_bytes=shard_bytes):
        rows += read_shard(shard)
    return [(r["line"], r["raw"]) for r in rows]


def _expected(path):
    with open(path, "rb") as fh:
        return [(n, raw.rstrip(b"\n")) for n, raw in enumerate(fh, start=1) if raw.strip()]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([b"", b"   ", b'{"a": 1}', b"x" * 50, b"\r", b'{"b": "\xc3\xa9"}']), max_size=40),
       st.booleans(), st.integers(min_value=1, max_value=120))
def test_shards_cover_every_line_once_with_its_number(tmp_path_factory, lines, newline_at_end, shard_bytes):
    path = tmp_path_factory.mktemp("shards") / "f.jsonl"
    path.write_bytes(b"\n".join(lines) + (b"\n" if newline_at_end and lines else b""))
    shards = line_shards(path, shard_bytes=shard_bytes)
    assert shards[0]["start"] == 0 and shards[-1]["end"] == path.stat().st_size
    assert all(a["end"] == b["start"] for a, b in zip(shards, shards[1:]))  # contiguous, no byte read twice
    assert _lines_of(path, shard_bytes) == _expected(path)


def test_a_large_file_is_cut_into_about_the_parts_asked_for(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"id": i, "pad": "x" * 200}) + "\n" for i in range(2000)))  # 434 KB
    shards = line_shards(path, parts=16)
    assert 16 <= len(shards) <= 18
    assert _lines_of(path, None) == _expected(path)


def test_actor_notes_merge_counts_tables_examples_and_values():
    run: dict = {}
    merge_notes(run, {"judge": {"calls": 3, "model": "m", "error_examples": ["a", "b", "c"]},
                      "equivalence": {"decided_by": {"identical": 2}}})
    merge_notes(run, {"judge": {"calls": 4, "model": "m", "error_examples": ["d", "e", "f"]},
                      "equivalence": {"decided_by": {"identical": 1, "semantic": 5}}})
    assert run == {"judge": {"calls": 7, "model": "m", "error_examples": ["a", "b", "c", "d", "e"]},
                   "equivalence": {"decided_by": {"identical": 3, "semantic": 5}}}


FIELDS = frozenset({"temperature", "top_p", "max_tokens", "seed", "stop", "presence_penalty"}) - NOT_PASSED


def test_engine_rows_carry_the_sampling_the_request_asked_for():
    request = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "temperature": 0,
               "max_completion_tokens": 12, "stop": "END", "n": 1, "logprobs": True, "user": "u1"}
    assert engine_request(request, FIELDS) == {"temperature": 0, "max_tokens": 12, "stop": ["END"]}


def test_requests_an_engine_cannot_answer_like_a_server_are_named():
    chat = {"messages": [{"role": "user", "content": "hi"}]}
    assert unsupported("/v1/chat/completions", chat) is None
    assert "chat completions only" in unsupported("/v1/embeddings", {"input": "x"})
    assert "tool parser" in unsupported("/v1/chat/completions", {**chat, "tools": [{"type": "function"}]})
    assert "structured outputs" in unsupported("/v1/chat/completions", {**chat, "response_format": {"type": "json_object"}})
    assert "--samples" in unsupported("/v1/chat/completions", {**chat, "n": 3})


def _prepare(done=(), duplicates=None):
    return Prepare(path="recs.jsonl", model_map={"*": "llama"}, samples=2, scrub=Scrubber(), fields=FIELDS,
                   done_keys=set(done), duplicates=duplicates or {})


def test_prepare_makes_one_engine_row_per_sample_and_reports_the_rest():
    line = json.dumps({"id": "r1", "endpoint": "/v1/chat/completions", "tags": ["t"],
                       "request": {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 5},
                       "response": {"choices": [{"message": {"content": "yo"}}]}, "status": 200}).encode()
    rows = _prepare(done={"r1#1"})({"line": 3, "raw": line})
    assert [(r["kind"], r["key"]) for r in rows] == [("generate", "r1#0"), ("done", "r1#1")]
    assert json.loads(rows[0]["messages"]) == [{"role": "user", "content": "hi"}]
    assert json.loads(rows[0]["sampling_params"]) == {"max_tokens": 5}
    skeleton = json.loads(rows[0]["record"])
    assert skeleton["request"]["model"] == "llama" and skeleton["baseline"]["response"]["choices"][0]["message"]["content"] == "yo"
    assert _prepare()({"line": 4, "raw": b"{not json"})[0]["kind"] == "bad"
    assert _prepare(duplicates={5: "duplicate recording id 'r1' (first on line 3); skipped"})(
        {"line": 5, "raw": line})[0]["record"].startswith("duplicate recording id")
    embed = json.dumps({"id": "e", "endpoint": "/v1/embeddings", "request": {"input": "x"}}).encode()
    assert _prepare()({"line": 6, "raw": embed})[0]["kind"] == "unsupported"


def test_engine_output_becomes_a_run_line_and_an_engine_error_a_candidate_error():
    skeleton = json.dumps({"type": "result", "key": "r1#0", "recording_id": "r1", "sample": 0,
                           "endpoint": "/v1/chat/completions", "request": {"model": "llama", "max_tokens": 4,
                                                                           "messages": [{"role": "user", "content": "sk-live-abcdefghijklmnopqrstuvwx"}]},
                           "baseline": None, "tags": [], "finished_at": "x"})
    row = {"migrate_line": 1, "migrate_id": "r1", "migrate_key": "r1#0", "migrate_record": skeleton,
           "generated_text": "one two three four", "num_input_tokens": 9, "num_generated_tokens": 4}
    line = json.loads(run_line(from_engine_row(row), "fallback", Scrubber()))
    answer = line["candidate"]["response"]
    assert answer["choices"][0]["message"]["content"] == "one two three four"
    assert answer["choices"][0]["finish_reason"] == "length" and answer["usage"]["total_tokens"] == 13
    assert answer["model"] == "llama" and line["candidate"]["status"] == 200 and line["candidate"]["error"] is None
    assert "abcdefghijklmnop" not in json.dumps(line)  # the line is scrubbed as a replay's is
    failed = json.loads(run_line(from_engine_row({**row, "__inference_error__": "ValueError: prompt too long"}), "m", Scrubber()))
    assert failed["candidate"]["error"] == {"type": "engine", "message": "ValueError: prompt too long"}
    assert failed["candidate"]["response"] is None
