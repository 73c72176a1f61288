"""Replay throughput: migrate-kit's replay engine vs vLLM's own load client, against the same server.

    .venv/bin/python benchmarks/replay_throughput.py                 # starts the tiny test model on vLLM
    .venv/bin/python benchmarks/replay_throughput.py --url http://127.0.0.1:18100/v1 --model tiny-llama
    .venv/bin/python benchmarks/replay_throughput.py --small         # CI: fewer requests
    .venv/bin/python benchmarks/replay_throughput.py --skip-vllm     # only the harness-overhead part

Part 1, in front of vLLM (same server, same concurrency, same output length, ignore_eos so every request
generates exactly --output-tokens): `python -m vllm.benchmarks.serve` (random dataset) vs `run_replay` over
recordings of comparable prompts. The target is replay >= 0.95x vLLM's client.

Part 2, harness overhead: a minimal aiohttp server (own process) returns a canned completion at once;
`run_replay` at high concurrency vs a bare AsyncOpenAI loop on the same aiohttp backend. What is left per
request is the engine's own cost: reading the recording, the run-file line, bookkeeping.

Prints a table and writes JSON with --json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from migrate.parity.replay import run_replay  # noqa: E402
from migrate.record.format import Recording  # noqa: E402

WORDS = "the a of to and in is it you that he was for on are with as his they be at one have this from or had by".split()

FAST_SERVER = r"""
import json, sys
from aiohttp import web
BODY = json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "canned answer"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}}).encode()
async def answer(request):
    await request.read()
    return web.Response(body=BODY, content_type="application/json")
app = web.Application()
app.router.add_post("/v1/chat/completions", answer)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def write_recordings(path: Path, n: int, model: str, output_tokens: int, input_words: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    with open(path, "w") as fh:
        for i in range(n):
            prompt = " ".join(rng.choice(WORDS) for _ in range(input_words))
            request = {"model": model, "messages": [{"role": "user", "content": prompt}], "max_tokens": output_tokens,
                       "temperature": 0, "ignore_eos": True}
            fh.write(json.dumps(Recording(endpoint="/v1/chat/completions", request=request, id=f"r{i}").to_dict()) + "\n")
    return path


def replay_rate(recs: Path, url: str, concurrency: int, work: Path) -> tuple[float, float]:
    """(requests per second, client CPU milliseconds per request)."""
    out = work / f"run-{time.monotonic_ns()}.jsonl"
    cpu = time.process_time()
    summary = run_replay(recs, out, candidate_url=url, concurrency=concurrency, timeout=120, max_retries=0)
    cpu_ms = (time.process_time() - cpu) * 1000 / max(summary.done, 1)
    if summary.errors:
        first = next(json.loads(line) for line in out.read_text().splitlines()[1:] if json.loads(line)["candidate"]["error"])
        raise SystemExit(f"replay had {summary.errors} errors, e.g. {first['candidate']['error']}")
    return summary.done / summary.duration_s, cpu_ms


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def vllm_bench_rate(url: str, model: str, tokenizer: str, n: int, concurrency: int, output_tokens: int, input_len: int, work: Path) -> tuple[float, float]:
    """(requests per second, client CPU milliseconds per request, start-up included)."""
    root = url.rsplit("/v1", 1)[0]
    code = (
        "import argparse, sys\n"
        "from vllm.benchmarks.serve import add_cli_args, main\n"
        "p = argparse.ArgumentParser(); add_cli_args(p); main(p.parse_args(sys.argv[1:]))\n"
    )
    args = ["--backend", "openai-chat", "--base-url", root, "--endpoint", "/v1/chat/completions", "--model", model,
            "--tokenizer", tokenizer, "--dataset-name", "random", "--random-input-len", str(input_len),
            "--random-output-len", str(output_tokens), "--num-prompts", str(n), "--max-concurrency", str(concurrency),
            "--ignore-eos", "--disable-tqdm", "--save-result", "--result-dir", str(work), "--result-filename", "vllm.json"]
    cpu = _children_cpu()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    cpu_ms = (_children_cpu() - cpu) * 1000 / n
    if done.returncode != 0:
        raise SystemExit(f"vllm.benchmarks.serve failed:\n{done.stderr[-3000:]}")
    result = json.loads((work / "vllm.json").read_text())
    if result.get("completed") != n:
        raise SystemExit(f"vllm.benchmarks.serve completed {result.get('completed')} of {n} requests")
    return float(result["request_throughput"]), cpu_ms


async def plain_sdk_rate(url: str, n: int, concurrency: int, body: dict) -> tuple[float, float]:
    import httpx2
    import openai

    client = openai.AsyncOpenAI(base_url=url, api_key="EMPTY", max_retries=0,
                                http_client=openai.DefaultAioHttpClient(limits=httpx2.Limits(max_connections=concurrency)))
    left = iter(range(n))

    async def worker() -> None:
        for _ in left:
            await client.chat.completions.create(**body)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cpu_ms = (time.process_time() - cpu) * 1000 / n
    await client.close()
    return n / elapsed, cpu_ms


def fast_endpoint_part(n: int, concurrency: int, work: Path) -> dict:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", FAST_SERVER, str(port)])
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the canned-answer server did not start")
                time.sleep(0.05)
        recs = write_recordings(work / "fast-recs.jsonl", n, "m", 2, 12)
        body = {"model": "m", "messages": [{"role": "user", "content": "hello there"}], "max_tokens": 2}
        asyncio.run(plain_sdk_rate(url, min(n, 500), concurrency, body))  # warm up
        sdk, sdk_cpu = asyncio.run(plain_sdk_rate(url, n, concurrency, body))
        replay, replay_cpu = replay_rate(recs, url, concurrency, work)
    finally:
        server.terminate()
        server.wait()
    return {"requests": n, "concurrency": concurrency, "replay_rps": replay, "plain_sdk_rps": sdk,
            "replay_us_per_request": 1e6 / replay, "plain_sdk_us_per_request": 1e6 / sdk,
            "engine_overhead_us_per_request": 1e6 / replay - 1e6 / sdk,
            "replay_cpu_ms_per_request": replay_cpu, "plain_sdk_cpu_ms_per_request": sdk_cpu}


def vllm_part(args, work: Path) -> dict:
    def measure(url: str, model: str, tokenizer: str) -> dict:
        recs = write_recordings(work / "recs.jsonl", args.requests, model, args.output_tokens, args.input_words)
        replay_rate(write_recordings(work / "warm.jsonl", args.concurrency * 2, model, args.output_tokens, args.input_words, 1),
                    url, args.concurrency, work)  # warm the server up
        runs = {"vllm": [], "replay": []}
        for _ in range(args.rounds):  # interleaved, so load from elsewhere on the machine hits both sides alike
            runs["vllm"].append(vllm_bench_rate(url, model, tokenizer, args.requests, args.concurrency, args.output_tokens, args.input_words, work))
            runs["replay"].append(replay_rate(recs, url, args.concurrency, work))
        vllm, replay = max(r for r, _ in runs["vllm"]), max(r for r, _ in runs["replay"])  # best of each: least disturbed
        return {"requests": args.requests, "concurrency": args.concurrency, "output_tokens": args.output_tokens,
                "vllm_bench_rps": [round(r, 1) for r, _ in runs["vllm"]], "replay_rps_runs": [round(r, 1) for r, _ in runs["replay"]],
                "vllm_bench_cpu_ms_per_request": min(c for _, c in runs["vllm"]), "replay_cpu_ms_per_request": min(c for _, c in runs["replay"]),
                "replay_rps": replay, "ratio": replay / vllm}

    if args.url:
        tokenizer = args.tokenizer
        if tokenizer is None:
            from tests.rig import ensure_model

            tokenizer = str(ensure_model())
        return measure(args.url, args.model, tokenizer)
    from tests.rig import ensure_model, running_server

    model_dir = ensure_model()
    with running_server(model_dir, served_names=["tiny-llama"]) as server:
        return measure(server.base_url, "tiny-llama", str(model_dir))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an already running vLLM server (.../v1); default: start the tiny test model")
    parser.add_argument("--model", default="tiny-llama", help="served model name (with --url)")
    parser.add_argument("--tokenizer", help="tokenizer dir for vllm bench (default: the tiny test model)")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--output-tokens", type=int, default=16)
    parser.add_argument("--input-words", type=int, default=32)
    parser.add_argument("--fast-requests", type=int, default=20000)
    parser.add_argument("--fast-concurrency", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of each client in front of vLLM")
    parser.add_argument("--small", action="store_true", help="CI mode: 200 vLLM requests, 3000 fast ones")
    parser.add_argument("--skip-vllm", action="store_true", help="only measure the harness overhead")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.small:
        args.requests, args.fast_requests = 200, 3000

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="replay-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_vllm:
            results["vllm"] = v = vllm_part(args, work)
            print(f"in front of vLLM (concurrency {v['concurrency']}, {v['output_tokens']} output tokens, {v['requests']} requests):")
            print(f"  vllm bench serve   runs {v['vllm_bench_rps']} req/s; client CPU {v['vllm_bench_cpu_ms_per_request']:.2f} ms/request (start-up included)")
            print(f"  migrate replay     runs {v['replay_rps_runs']} req/s; client CPU {v['replay_cpu_ms_per_request']:.2f} ms/request")
            print(f"  best vs best: ratio {v['ratio']:.3f}x (target >= 0.95x)")
        results["fast"] = f = fast_endpoint_part(args.fast_requests, args.fast_concurrency, work)
        print(f"harness overhead (canned-answer aiohttp server, concurrency {f['concurrency']}, {f['requests']} requests):")
        print(f"  plain AsyncOpenAI  {f['plain_sdk_rps']:8.1f} req/s  ({f['plain_sdk_us_per_request']:.0f} us/request wall, "
              f"{f['plain_sdk_cpu_ms_per_request'] * 1000:.0f} us CPU)")
        print(f"  migrate replay     {f['replay_rps']:8.1f} req/s  ({f['replay_us_per_request']:.0f} us/request wall, "
              f"{f['replay_cpu_ms_per_request'] * 1000:.0f} us CPU; vs plain SDK {f['engine_overhead_us_per_request']:+.0f} us/request)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    if "vllm" in results and results["vllm"]["ratio"] < 0.95:
        sys.exit(1)


if __name__ == "__main__":
    main()
