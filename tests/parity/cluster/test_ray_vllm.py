"""The Ray engine against the real vLLM test servers, on the session's local Ray (tests/parity/cluster/conftest.py).

The proof of issue 13: the same recordings through the single-process engine and through Ray give the same keys,
the same (greedy) answers and the same verdicts; a killed driver resumes without duplicates or losses; bad lines
are reported as the single-process engine reports them; several candidate URLs all receive traffic; the
embedding model loads once per scoring actor, not once per batch.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from migrate.cli import main
from migrate.parity.cluster import RayEngine
from migrate.parity.cluster.offline import from_engine_row, generate_offline, to_engine_row
from migrate.parity.compare import compare_run
from migrate.parity.replay import run_replay
from migrate.parity.runfile import read_run
from tests.parity.test_degenerate_runs import answered, unanswered

PROMPTS = [f"Name a colour, then a number: {i}" for i in range(8)]
REPO = Path(__file__).resolve().parents[3]


def _recordings(path: Path, base_url: str) -> Path:
    """Eight chat recordings (half with real answers as the baseline, half with a wrong one), a line that is not
    JSON, a duplicate id and a recording without its request: what a production file looks like."""
    real = answered(base_url, PROMPTS[:4])
    wrong = [dataclasses.replace(r, status=200, response={
        "object": "chat.completion", "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Purple elephants dance."}, "finish_reason": "stop"}]})
        for r in unanswered(PROMPTS[4:])]
    lines = [json.dumps(r.to_dict()) for r in real + wrong]
    lines.insert(3, "{this is not json")
    lines.insert(6, json.dumps({**json.loads(lines[1]), "request": {"model": "x", "messages": []}}))  # duplicate id
    lines.insert(8, json.dumps({"id": "no-request", "endpoint": "/v1/chat/completions"}))
    path.write_text("\n".join(lines) + "\n")
    return path


def _results(run: Path) -> dict:
    bad: list = []
    _, records = read_run(run, bad=bad)
    out = {}
    for r in records:
        assert r.key not in out, f"{r.key} twice in {run}"
        out[r.key] = r
    assert bad == []
    return out


def _verdicts(path: Path) -> tuple[dict, dict]:
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    return {v["key"]: v for v in lines if v["type"] == "verdict"}, lines[-1]


def _engine(**kw) -> RayEngine:
    return RayEngine(replay_workers=2, scorers=2, shard_bytes=700, scorer_cpus=0.5, **kw)


def test_ray_gives_the_single_process_keys_answers_and_verdicts(tmp_path, vllm_server, local_ray):
    recs = _recordings(tmp_path / "recs.jsonl", vllm_server.base_url)
    options = {"candidate_url": vllm_server.base_url, "model_map": {"*": "tiny-llama"}, "concurrency": 4, "samples": 2}
    local = run_replay(recs, tmp_path / "local.jsonl", **options)
    engine = _engine()
    on_ray = engine.replay(recs, tmp_path / "ray.jsonl", **options)

    assert (on_ray.total, on_ray.done, on_ray.errors) == (local.total, local.done, local.errors) == (16, 16, 0)
    assert [str(b) for b in on_ray.bad_lines] == [str(b) for b in local.bad_lines]
    assert [b.line for b in on_ray.bad_lines] == [4, 7, 9]  # not JSON, duplicate id, no request
    a, b = _results(tmp_path / "local.jsonl"), _results(tmp_path / "ray.jsonl")
    assert sorted(a) == sorted(b)
    for key in a:  # greedy decoding: the same answer from either engine
        assert a[key].candidate.response["choices"][0]["message"]["content"] == \
            b[key].candidate.response["choices"][0]["message"]["content"]
        assert a[key].request == b[key].request and a[key].baseline == b[key].baseline
    assert json.loads((tmp_path / "ray.jsonl").read_text().splitlines()[-1])["bad_line_count"] == 3

    # Scored by Ray actors (2 rows a batch: many batches) and in this process, with the equivalence gate's embedder.
    local_verdicts = compare_run(tmp_path / "local.jsonl", tmp_path / "local.verdicts.jsonl", chunk_size=2)
    ray_verdicts = compare_run(tmp_path / "ray.jsonl", tmp_path / "ray.verdicts.jsonl", chunk_size=2, scorer=engine.scorer)
    va, sa = _verdicts(local_verdicts.out)
    vb, sb = _verdicts(ray_verdicts.out)
    assert sorted(va) == sorted(vb)
    for key in va:
        assert (va[key]["status"], va[key]["failed_gates"]) == (vb[key]["status"], vb[key]["failed_gates"])
        assert {n: s["passed"] for n, s in va[key]["scores"].items()} == {n: s["passed"] for n, s in vb[key]["scores"].items()}
    assert {v["status"] for v in va.values()} == {"pass", "fail"}  # real answers pass, the wrong ones fail
    assert sa["scopes"]["all"]["passed"] == sb["scopes"]["all"]["passed"] == 8
    assert sa["skipped_lines"] == sb["skipped_lines"]

    # The same run file scored both ways: the verdicts file is the same file, but for timings and Ray's own note.
    here = compare_run(tmp_path / "ray.jsonl", tmp_path / "here.verdicts.jsonl", chunk_size=2)
    there = (tmp_path / "ray.verdicts.jsonl").read_text().splitlines()
    assert here.out.read_text().splitlines()[:-1] == there[:-1]
    s_here, s_there = json.loads(here.out.read_text().splitlines()[-1]), json.loads(there[-1])
    ray_note = s_there["notes"].pop("ray")
    for s in (s_here, s_there):
        s.pop("seconds")
        s["notes"].get("semantic", {}).pop("texts_embedded", None)  # each actor embeds its own texts once
    assert s_here == s_there
    assert ray_note["batches"] >= 8 and 1 <= ray_note["scorers"] <= 2
    assert 1 <= ray_note["embedder_loads"] <= ray_note["scorers"]  # one model load per actor, not per batch


def _metric(base_url: str, name: str = "vllm:request_success_total") -> float:
    text = httpx.get(base_url.removesuffix("/v1") + "/metrics", timeout=30).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{"))


def test_replicas_all_receive_traffic(tmp_path, vllm_server, vllm_bare_server, local_ray):
    recs = tmp_path / "recs.jsonl"
    recs.write_text("".join(json.dumps(r.to_dict()) + "\n" for r in unanswered(PROMPTS)))
    urls = [vllm_server.base_url, vllm_bare_server.base_url]
    before = [_metric(u) for u in urls]
    summary = _engine().replay(recs, tmp_path / "run.jsonl", candidate_urls=urls, model_map={"*": "tiny-llama"},
                               concurrency=4, preflight=True)
    assert summary.done == 8 and summary.errors == 0 and summary.preflight.ok
    lines = [json.loads(x) for x in (tmp_path / "run.jsonl").read_text().splitlines()]
    assert lines[0]["candidate"]["replicas"] == urls
    served = {u: sum(1 for x in lines if x.get("replica") == u) for u in urls}
    assert all(n >= 2 for n in served.values()) and sum(served.values()) == 8, served
    for url, was in zip(urls, before):  # the servers' own counters saw at least what the run file says they answered
        assert _metric(url) - was >= served[url]


def test_killed_driver_resumes_without_duplicates_or_losses(tmp_path, vllm_server, local_ray):
    recs = tmp_path / "recs.jsonl"
    prompts = [f"Say the word {i}" for i in range(24)]
    # 20 KB of headers a line: a shard (the unit a driver receives) holds about one recording, so lines arrive one by one
    recs.write_text("".join(json.dumps({**r.to_dict(), "id": f"r{i:02d}", "headers": {"x-pad": "x" * 20_000}}) + "\n"
                            for i, r in enumerate(unanswered(prompts))))
    run = tmp_path / "run.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    driver = subprocess.Popen(
        [sys.executable, "-m", "migrate", "parity", "run", str(recs), "--out", str(run), "--candidate", vllm_server.base_url,
         "--model-map", "*=tiny-llama", "--engine", "ray", "--ray-address", local_ray, "--ray-workers", "1",
         "--concurrency", "1", "--rate", "2", "--no-preflight"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 240
    written = 0
    while time.monotonic() < deadline and driver.poll() is None:
        written = run.read_text().count('"type":"result"') if run.exists() else 0
        if written >= 4:
            break
        time.sleep(0.3)
    assert driver.poll() is None, driver.stderr.read().decode()[-2000:]
    driver.send_signal(signal.SIGKILL)
    driver.wait(30)
    assert 4 <= written < 24
    summary = _engine().replay(recs, run, candidate_url=vllm_server.base_url, model_map={"*": "tiny-llama"},
                               concurrency=4, resume=True)
    results = _results(run)  # asserts no key twice
    assert sorted(results) == [f"r{i:02d}#0" for i in range(24)]
    assert summary.skipped_existing >= 4 and summary.skipped_existing + summary.done == summary.total == 24
    assert all(r.candidate.ok for r in results.values())
    assert sum(1 for line in run.read_text().splitlines() if '"type":"header"' in line) == 1


def test_the_cli_one_shot_and_compare_on_ray(tmp_path, vllm_server, vllm_bare_server, local_ray):
    recs = _recordings(tmp_path / "recs.jsonl", vllm_server.base_url)
    out = tmp_path / "parity"
    result = CliRunner().invoke(main, [
        "parity", str(recs), "--candidate", vllm_server.base_url, "--candidate", vllm_bare_server.base_url,
        "--model-map", "*=tiny-llama", "--out", str(out), "--engine", "ray", "--ray-workers", "2", "--ray-scorers", "1",
        "--concurrency", "4", "--disable", "semantic"], catch_exceptions=False)  # the embedder's actors: the first test
    for name in ("run.jsonl", "verdicts.jsonl", "report.html", "summary.md", "report.json"):
        assert (out / name).stat().st_size > 0
    report = json.loads((out / "report.json").read_text())
    assert result.exit_code == report["exit_code"] != 0, result.output  # wrong answers, skipped lines: no GO
    assert "Replayed 8 request(s)" in result.output and ":4" in result.output
    again = CliRunner().invoke(main, ["parity", "compare", str(out / "run.jsonl"), "--out", str(tmp_path / "v.jsonl"),
                                      "--engine", "ray", "--ray-scorers", "2", "--disable", "semantic"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert (tmp_path / "v.jsonl").read_text().splitlines()[:-1] == (out / "verdicts.jsonl").read_text().splitlines()[:-1]
    one_engine = CliRunner().invoke(main, ["parity", "run", str(recs), "--out", str(tmp_path / "x.jsonl"),
                                           "--candidate", "http://a/v1", "--candidate", "http://b/v1"])
    assert one_engine.exit_code == 2 and "needs --engine ray" in one_engine.output


def test_offline_generation_around_the_engine_call(tmp_path, vllm_server, local_ray):
    """ray.data.llm's processor is replaced by one that asks the real server: everything around the engine call
    (engine rows, order, skipped requests, a failed row, resume) is the code under test."""
    recs = _recordings(tmp_path / "recs.jsonl", vllm_server.base_url)
    with recs.open("a") as fh:
        fh.write(json.dumps({"id": "emb", "endpoint": "/v1/embeddings", "request": {"model": "m", "input": "x"}}) + "\n")
    base_url, failing = vllm_server.base_url, set(PROMPTS[4:6])

    def engine(row: dict) -> dict:  # the vLLM engine stage's contract: messages + sampling_params in, text out
        if row["messages"][-1]["content"] in failing:
            return {k: v for k, v in row.items() if k not in ("messages", "sampling_params")} | {
                "__inference_error__": "EngineError: simulated"}
        body = {"model": "tiny-llama", "messages": row["messages"], **row["sampling_params"]}
        answer = httpx.post(base_url + "/chat/completions", json=body, timeout=120).json()
        return {**{k: v for k, v in row.items() if k not in ("messages", "sampling_params")},
                "generated_text": answer["choices"][0]["message"]["content"],
                "num_input_tokens": answer["usage"]["prompt_tokens"], "num_generated_tokens": answer["usage"]["completion_tokens"],
                "finish_reason": answer["choices"][0]["finish_reason"]}

    def processor(dataset):
        def post(row):  # failed rows skip the postprocess, as ray.data.llm's do
            return row if row.get("__inference_error__") else from_engine_row(row)
        return dataset.map(to_engine_row).map(engine).map(post)

    fields = frozenset({"temperature", "max_tokens", "top_p", "seed", "stop"})
    summary = generate_offline(recs, tmp_path / "offline.jsonl", model="tiny", model_map={"*": "tiny-llama"},
                               processor=processor, fields=fields, shard_bytes=700)
    run_replay(recs, tmp_path / "live.jsonl", candidate_url=vllm_server.base_url, model_map={"*": "tiny-llama"})
    offline, live = _results(tmp_path / "offline.jsonl"), _results(tmp_path / "live.jsonl")
    assert summary.done == 8 and summary.errors == 2  # two rows failed in the engine
    assert [b.line for b in summary.bad_lines] == [4, 7, 9, 12]
    assert "chat completions only" in summary.bad_lines[-1].error
    assert sorted(offline) == sorted(k for k in live if not k.startswith("emb"))
    for key, record in offline.items():
        if record.candidate.ok:  # greedy: the engine's text is the server's
            assert record.candidate.response["choices"][0]["message"]["content"] == \
                live[key].candidate.response["choices"][0]["message"]["content"]
        else:
            assert record.candidate.error["type"] == "engine"
    again = generate_offline(recs, tmp_path / "offline.jsonl", model="tiny", model_map={"*": "tiny-llama"},
                             processor=processor, fields=fields, resume=True)
    assert again.done == 0 and again.skipped_existing == 8
    assert len(_results(tmp_path / "offline.jsonl")) == 8
