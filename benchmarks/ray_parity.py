"""Parity on Ray vs the single-process engine on one machine: what Ray adds, and how compare scales with actors.

    .venv/bin/python benchmarks/ray_parity.py                       # 10,000 recordings, 1 and 2 embedder actors
    .venv/bin/python benchmarks/ray_parity.py --n 2000 --pairs 200  # quicker
    .venv/bin/python benchmarks/ray_parity.py --no-write            # print only (docs/benchmarks.md untouched)

Part 1, one-node overhead: the same N recordings replayed (then compared) by `run_replay` + `compare_run` in this
process, and by `RayEngine.replay` + `compare_run(scorer=RayEngine.scorer)` on a local Ray
(`ray.init(num_cpus=CPUS)`, started before timing; its start-up is reported apart). Replay goes to a canned-answer
server (aiohttp in its own process, the one benchmarks/replay_throughput.py uses): the tiny vLLM model answers a
few requests a second on a CPU, which would measure the model, not the engines. Compare runs the default gates;
the recorded answers equal the canned one for 80% of the requests, so the text gate settles most of them without
the embedding model, as on a good candidate.

Part 2, compare scaling: M pairs whose texts all differ, scored with `--only semantic` (the local embedding model
on every pair: the costly comparator), in this process and by 1, 2, ... scoring actors (`--scorers`). Each
actor loads the model once (at its first batch, inside the timing: that is what a run pays).

Writes the section `ray-parity` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import machine_info, markdown_table, update_marked_section  # noqa: E402
from replay_throughput import FAST_SERVER  # noqa: E402

from migrate.parity.cluster import RayEngine  # noqa: E402
from migrate.parity.compare import CompareSettings, compare_run  # noqa: E402
from migrate.parity.replay import run_replay  # noqa: E402

WORDS = ("the a of to and in is it you that he was for on are with as his they be at one have this from or had by "
         "river stone light market winter garden engine paper silver window orange doctor").split()
CANNED = "canned answer"  # what FAST_SERVER answers


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def write_recordings(path: Path, n: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    with path.open("w") as fh:
        for i in range(n):
            answer = CANNED if rng.random() < 0.8 else _sentence(rng, 12)
            fh.write(json.dumps({
                "id": f"r{i:06d}", "endpoint": "/v1/chat/completions", "tags": [f"route-{i % 5}"],
                "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": _sentence(rng, 20)}],
                            "max_tokens": 16, "temperature": 0},
                "response": {"object": "chat.completion", "model": "gpt-4o-mini",
                             "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                          "finish_reason": "stop"}],
                             "usage": {"prompt_tokens": 20, "completion_tokens": 12, "total_tokens": 32}},
                "status": 200, "latency_ms": 400.0}) + "\n")
    return path


def write_pairs_run(path: Path, m: int, seed: int = 11) -> Path:
    """A run file of M answered chat requests whose two answers always differ (every pair reaches the embedder)."""
    rng = random.Random(seed)
    with path.open("w") as fh:
        fh.write(json.dumps({"type": "header", "format": "migrate.run", "version": 1, "recordings": "bench",
                             "candidate": {"base_url": "http://bench/v1"}, "samples": 1}) + "\n")
        for i in range(m):
            def side(text):
                return {"response": {"object": "chat.completion", "model": "m", "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]},
                    "status": 200, "latency_ms": 100.0, "ttft_ms": None, "error": None, "attempts": 1}
            fh.write(json.dumps({"type": "result", "key": f"p{i}#0", "recording_id": f"p{i}", "sample": 0,
                                 "endpoint": "/v1/chat/completions",
                                 "request": {"model": "m", "messages": [{"role": "user", "content": _sentence(rng, 10)}]},
                                 "baseline": side(_sentence(rng, 25)), "candidate": side(_sentence(rng, 25)),
                                 "tags": [], "finished_at": ""}) + "\n")
    return path


def start_canned_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", FAST_SERVER, str(port)])
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server, f"http://127.0.0.1:{port}/v1"
        except OSError:
            if time.monotonic() > deadline:
                server.terminate()
                raise SystemExit("the canned-answer server did not start")
            time.sleep(0.05)


def timed(fn):
    began = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - began


def overhead(work: Path, n: int, url: str, engine: RayEngine, concurrency: int) -> list[dict]:
    recs = write_recordings(work / "recs.jsonl", n)
    options = {"candidate_url": url, "model_map": {"*": "m"}, "concurrency": concurrency, "max_retries": 0}
    rows = []
    for name, replay, scorer in (("single process", run_replay, None),
                                 (f"Ray, {engine.replay_workers} replay workers, {engine.scorers} scorers",
                                  engine.replay, engine.scorer)):
        run = work / f"{'ray' if scorer else 'local'}.jsonl"
        summary, replay_s = timed(lambda: replay(recs, run, **options))
        assert summary.done == n and summary.errors == 0, (summary.done, summary.errors)
        result, compare_s = timed(lambda: compare_run(run, work / f"{run.stem}.verdicts.jsonl", scorer=scorer))
        assert result.records == n
        rows.append({"engine": name, "requests": n, "replay_s": replay_s, "compare_s": compare_s,
                     "passed": result.summary["scopes"]["all"]["passed"]})
    return rows


def scaling(work: Path, m: int, scorers: list[int], cpus: int) -> list[dict]:
    run = write_pairs_run(work / "pairs.jsonl", m)
    settings = CompareSettings.build(None, only=["semantic"])
    rows = []
    result, seconds = timed(lambda: compare_run(run, work / "pairs.local.verdicts.jsonl", settings=settings))
    rows.append({"setup": "single process", "pairs": m, "seconds": seconds, "loads": 1})
    for k in scorers:
        engine = RayEngine(scorers=k, scorer_cpus=min(1.0, cpus / k))
        result, seconds = timed(lambda: compare_run(run, work / f"pairs.ray{k}.verdicts.jsonl", settings=settings,
                                                    scorer=engine.scorer))
        rows.append({"setup": f"Ray, {k} embedder actor{'s' if k > 1 else ''}", "pairs": m, "seconds": seconds,
                     "loads": result.summary["notes"]["ray"]["embedder_loads"]})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="recordings replayed and compared (part 1)")
    parser.add_argument("--pairs", type=int, default=1_000, help="pairs scored with the embedding model (part 2)")
    parser.add_argument("--scorers", type=int, nargs="+", default=[1, 2], help="embedder actor counts (part 2)")
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 2, help="the local Ray's num_cpus")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    import ray

    _, ray_start = timed(lambda: ray.init(num_cpus=args.cpus, object_store_memory=200 << 20, include_dashboard=False,
                                          log_to_driver=False, configure_logging=False))
    engine = RayEngine(replay_workers=2, scorers=2, scorer_cpus=min(1.0, args.cpus / 2))
    engine.ray()
    server, url = start_canned_server()
    try:
        with TemporaryDirectory() as tmp:
            part1 = overhead(Path(tmp), args.n, url, engine, args.concurrency)
            part2 = scaling(Path(tmp), args.pairs, args.scorers, args.cpus)
    finally:
        server.terminate()
        server.wait()
        ray.shutdown()

    info = machine_info()
    load = os.getloadavg()[0]
    t1 = markdown_table(["engine", "requests", "replay s", "replay req/s", "compare s", "compare req/s", "passed"],
                        [[r["engine"], f"{r['requests']:,}", f"{r['replay_s']:.1f}", f"{r['requests'] / r['replay_s']:,.0f}",
                          f"{r['compare_s']:.1f}", f"{r['requests'] / r['compare_s']:,.0f}", f"{r['passed']:,}"] for r in part1])
    base = part2[0]["pairs"] / part2[0]["seconds"]
    t2 = markdown_table(["setup", "pairs", "seconds", "pairs/s", "vs single process", "model loads"],
                        [[r["setup"], f"{r['pairs']:,}", f"{r['seconds']:.1f}", f"{r['pairs'] / r['seconds']:,.1f}",
                          f"{(r['pairs'] / r['seconds']) / base:.2f}x", r["loads"]] for r in part2])
    command = " ".join(["benchmarks/ray_parity.py", *sys.argv[1:]])
    text = (f"{info['cpu']}, {info['cores']} cores (load average {load:.1f} when it ran: the machine was shared), Python "
            f"{info['python']}, Ray {ray.__version__}, local Ray with num_cpus={args.cpus}, started in {ray_start:.1f} s "
            f"(not in the times below).\n\n"
            f"**One-node overhead**: the same {args.n:,} recordings, replayed against a canned-answer server (not the tiny "
            f"vLLM model, which answers a few requests a second on a CPU and would measure the model), concurrency "
            f"{args.concurrency}, then compared with the default gates (80% identical answers).\n\n{t1}\n\n"
            f"**Compare scaling with embedder actors**: {args.pairs:,} pairs whose answers all differ, `--only semantic` "
            f"(the local all-MiniLM-L6-v2 on every pair); each actor loads the model once, inside the time.\n\n{t2}\n\n"
            f"On one node Ray adds its task scheduling and the transfer of every line between processes; what it buys is "
            f"the cluster: replay workers and scoring actors on other machines, each replica of the candidate driven at "
            f"once, and scoring that grows with the cores given to it. On this machine the actors share its "
            f"{info['cores']} cores with everything else, so the scaling column is a floor.\n\n"
            f"Reproduce: `.venv/bin/python {command}`")
    print(t1, "\n", t2, sep="\n")
    if not args.no_write:
        update_marked_section(ROOT / "docs" / "benchmarks.md", "ray-parity", text,
                              title="migrate parity --engine ray: one node, and compare with more embedder actors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
