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

CPU split (Linux, default on): vLLM's API server, EngineCore and worker keep the cores busy, and a client that
shares a core with them loses the scheduler race on every loopback send, which turns into tens of ms of wall
time per request and swings of 2x from run to run. The server's processes (found by its listening port, all
their threads) are pinned to the first half of the allowed cores and this script, with every client it starts
(vllm bench inherits the mask), to the other half, so both clients meet the same conditions. The server's
original masks are restored at the end. --no-pin turns it off.

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
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import process_tree  # noqa: E402
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


def _tasks(pid: int) -> list[int]:
    try:
        return [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return []


def listening_pid(port: int) -> int | None:
    """The process holding the listening TCP socket on `port`, where /proc lets us see it (our own processes)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    if not inodes:
        return None
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{entry}/fd/{fd}") in inodes:
                    return int(entry)
            except OSError:
                continue
    return None


class CpuSplit:
    """Server processes on one half of the allowed cores, this process (and the clients it starts) on the other."""

    def __init__(self) -> None:
        cores = sorted(os.sched_getaffinity(0))
        half = max(1, len(cores) // 2)
        self.server_cores, self.client_cores = set(cores[:half]), set(cores[half:])
        self._saved: dict[int, set[int]] = {}
        self.server_pids: list[int] = []

    def pin_server(self, root_pid: int) -> None:
        for pid in process_tree(root_pid):
            self.server_pids.append(pid)
            for tid in _tasks(pid):
                try:
                    self._saved.setdefault(tid, os.sched_getaffinity(tid))
                    os.sched_setaffinity(tid, self.server_cores)
                except OSError:  # a thread that ended meanwhile, or one we may not touch
                    pass

    def pin_clients(self) -> None:
        for tid in _tasks(os.getpid()):
            os.sched_setaffinity(tid, self.client_cores)

    def restore(self) -> None:
        for tid, mask in self._saved.items():
            try:
                os.sched_setaffinity(tid, mask)
            except OSError:
                pass
        self._saved.clear()

    def describe(self) -> dict:
        return {"server_cores": sorted(self.server_cores), "client_cores": sorted(self.client_cores),
                "server_pids": self.server_pids}


def cpu_split_for(pid: int | None, enabled: bool) -> CpuSplit | None:
    """Pin the server tree under `pid` and this process apart; None (with a note) where that cannot be done."""
    if not enabled:
        return None
    if not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2:
        print("note: fewer than 2 usable cores (or no sched_setaffinity): server and clients share the CPUs", file=sys.stderr)
        return None
    if pid is None:
        print("note: the server's process is not visible here (another user or host): server and clients are not pinned",
              file=sys.stderr)
        return None
    split = CpuSplit()
    split.pin_server(pid)
    split.pin_clients()
    return split


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


def fast_endpoint_part(n: int, concurrency: int, work: Path, split: CpuSplit | None = None) -> dict:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", FAST_SERVER, str(port)])
    if split is not None:
        os.sched_setaffinity(server.pid, split.server_cores)
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


def vllm_part(args, work: Path) -> tuple[dict, CpuSplit | None]:
    def measure(url: str, model: str, tokenizer: str, server_pid: int | None) -> tuple[dict, CpuSplit | None]:
        split = cpu_split_for(server_pid, args.pin)
        try:
            return run(url, model, tokenizer, split), split
        finally:
            if split is not None:
                split.restore()

    def run(url: str, model: str, tokenizer: str, split: CpuSplit | None) -> dict:
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
                "replay_rps": replay, "ratio": replay / vllm,
                "cpu_split": split.describe() if split is not None else None}

    if args.url:
        tokenizer = args.tokenizer
        if tokenizer is None:
            from tests.rig import ensure_model

            tokenizer = str(ensure_model())
        host, port = urlsplit(args.url).hostname, urlsplit(args.url).port
        local = host in ("127.0.0.1", "localhost", "::1") and port is not None
        return measure(args.url, args.model, tokenizer, listening_pid(port) if local else None)
    from tests.rig import ensure_model, running_server

    model_dir = ensure_model()
    with running_server(model_dir, served_names=["tiny-llama"]) as server:
        return measure(server.base_url, "tiny-llama", str(model_dir), server.process.pid)


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
    parser.add_argument("--no-pin", dest="pin", action="store_false",
                        help="do not pin the server and the clients to separate cores (see the module doc)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.small:
        args.requests, args.fast_requests = 200, 3000

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="replay-bench-") as tmp:
        work = Path(tmp)
        split = None
        if not args.skip_vllm:
            v, split = vllm_part(args, work)
            results["vllm"] = v
            print(f"in front of vLLM (concurrency {v['concurrency']}, {v['output_tokens']} output tokens, {v['requests']} requests):")
            print(f"  vllm bench serve   runs {v['vllm_bench_rps']} req/s; client CPU {v['vllm_bench_cpu_ms_per_request']:.2f} ms/request (start-up included)")
            print(f"  migrate replay     runs {v['replay_rps_runs']} req/s; client CPU {v['replay_cpu_ms_per_request']:.2f} ms/request")
            print(f"  best vs best: ratio {v['ratio']:.3f}x (target >= 0.95x)")
            if split is not None:
                print(f"  CPU split: vLLM server on cores {sorted(split.server_cores)}, clients on {sorted(split.client_cores)}")
        elif args.pin and hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2:
            split = CpuSplit()
            split.pin_clients()
        results["fast"] = f = fast_endpoint_part(args.fast_requests, args.fast_concurrency, work, split)
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
