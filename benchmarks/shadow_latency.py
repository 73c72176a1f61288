"""Shadow latency: what the recording proxy adds to the primary's latency, with and without shadowing.

    .venv/bin/python benchmarks/shadow_latency.py                      # 40 rounds x 50 requests a scenario
    .venv/bin/python benchmarks/shadow_latency.py --rounds 2 --requests 100 --no-write   # a quick look

A stub upstream (its own process, aiohttp) answers a canned chat completion at once. Each scenario is a
`migrate record proxy` process, started exactly as a user starts it, in front of that stub:

- direct: no proxy (the floor);
- proxy: recording only;
- shadow: recording plus `--shadow` to a second stub that answers at once;
- shadow, candidate down: `--shadow` to a closed port (every copy fails: connection refused);
- shadow, candidate slow: `--shadow` to a stub that answers after 2 s (`--shadow-max-in-flight 16`: copies
  pile up to the cap and the rest are dropped).

The client is a closed loop over one keep-alive connection (http.client: no SDK overhead in the numbers),
sending the next request when the previous answer is read, so shadow copies run while the next primary
request is served. Scenarios run in blocks of `--requests`, rotated over `--rounds` rounds so that slow
drift in the machine's load touches them all alike. Reported per scenario: p50/p99 latency, the latency
added over `direct`, the latency added by shadowing (paired: per round, the shadow block's p50 minus the
plain proxy block's, median over rounds), the proxy process's CPU time per request (shadow copies
included; it does not depend on how loaded the machine is, unlike wall time), and the primary's errors
(any non-200 or failed request).

Target: shadowing adds under 1 ms to the primary's p50 (shadow vs proxy), and the primary's error rate is
the same (zero) whatever the candidate does. `--write` (default) puts the table into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import machine_info, markdown_table, update_marked_section  # noqa: E402

STUB = r"""
import asyncio, json, sys
from aiohttp import web
DELAY = float(sys.argv[2])
BODY = json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "canned answer"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}}).encode()
async def answer(request):
    await request.read()
    if DELAY:
        await asyncio.sleep(DELAY)
    return web.Response(body=BODY, content_type="application/json")
app = web.Application()
app.router.add_post("/v1/chat/completions", answer)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""

REQUEST = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "What is the capital of France?"}],
                      "max_tokens": 16}).encode()
SLOW_CANDIDATE_S = 2.0
TARGET_ADDED_P50_MS = 1.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process {proc.args} exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port} after {timeout:g} s")


@dataclass
class Scenario:
    name: str
    shadow: str | None = None  # "fast", "down", "slow" or None (no shadow); "direct" has no proxy at all
    direct: bool = False
    port: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    block_p50s: list[float] = field(default_factory=list)  # p50 of each round's block, for paired differences
    errors: int = 0
    cpu_s: float = 0.0  # the proxy process's CPU time during the measured blocks (user + system)
    proc: subprocess.Popen | None = None
    output: str = ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far, from /proc (Linux); 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_block(scenario: Scenario, requests: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", scenario.port, timeout=30)
    try:
        for _ in range(requests):
            began = time.perf_counter()
            try:
                conn.request("POST", "/v1/chat/completions", body=REQUEST,
                             headers={"Content-Type": "application/json", "Authorization": "Bearer sk-bench"})
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200 and b"canned answer" in body
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", scenario.port, timeout=30)
            scenario.latencies_ms.append((time.perf_counter() - began) * 1000)
            scenario.errors += not ok
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="Rounds; each runs every scenario once, in rotated order.")
    parser.add_argument("--requests", type=int, default=50, help="Requests per scenario per round.")
    parser.add_argument("--warmup", type=int, default=50, help="Unmeasured requests per scenario before the rounds.")
    parser.add_argument("--write", dest="write", action="store_true", default=True, help="Write docs/benchmarks.md (default).")
    parser.add_argument("--no-write", dest="write", action="store_false", help="Only print.")
    parser.add_argument("--json", type=Path, help="Also write the numbers as JSON here.")
    args = parser.parse_args()

    python = sys.executable
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs: list[subprocess.Popen] = []
    tmp = Path(tempfile.mkdtemp(prefix="shadow-bench-"))

    def start(command: list[str], port: int) -> subprocess.Popen:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp)
        procs.append(proc)
        wait_listening(port, proc)
        return proc

    upstream_port, fast_port, slow_port, down_port = free_port(), free_port(), free_port(), free_port()
    scenarios = [
        Scenario("direct (no proxy)", direct=True, port=upstream_port),
        Scenario("proxy, no shadow"),
        Scenario("proxy + shadow", shadow="fast"),
        Scenario("proxy + shadow, candidate down", shadow="down"),
        Scenario(f"proxy + shadow, candidate slow ({SLOW_CANDIDATE_S:g} s)", shadow="slow"),
    ]
    try:
        start([python, "-c", STUB, str(upstream_port), "0"], upstream_port)
        start([python, "-c", STUB, str(fast_port), "0"], fast_port)
        start([python, "-c", STUB, str(slow_port), str(SLOW_CANDIDATE_S)], slow_port)
        candidates = {"fast": fast_port, "slow": slow_port, "down": down_port}  # nothing listens on down_port
        for i, scenario in enumerate(scenarios):
            if scenario.direct:
                continue
            scenario.port = free_port()
            command = [python, "-m", "migrate", "record", "proxy", "--upstream", f"http://127.0.0.1:{upstream_port}/v1",
                       "--out", str(tmp / f"recs{i}.jsonl"), "--port", str(scenario.port)]
            if scenario.shadow:
                command += ["--shadow", f"http://127.0.0.1:{candidates[scenario.shadow]}/v1", "--shadow-timeout", "10",
                            "--shadow-max-in-flight", "16"]
            scenario.proc = start(command, scenario.port)

        for scenario in scenarios:  # warm up: connections, imports, the shadow's client
            run_block(scenario, args.warmup)
            scenario.latencies_ms.clear()
            scenario.errors = 0
        for r in range(args.rounds):
            order = scenarios[r % len(scenarios):] + scenarios[: r % len(scenarios)]
            for scenario in order:
                before = len(scenario.latencies_ms)
                cpu_before = cpu_seconds(scenario.proc.pid) if scenario.proc else 0.0
                run_block(scenario, args.requests)
                scenario.block_p50s.append(percentile(scenario.latencies_ms[before:], 0.5))
                time.sleep(0.1)  # let shadow copies of the block settle before the next block (and count their CPU)
                if scenario.proc:
                    scenario.cpu_s += cpu_seconds(scenario.proc.pid) - cpu_before
    finally:
        for scenario in scenarios:
            if scenario.proc is not None and scenario.proc.poll() is None:
                scenario.proc.terminate()
                scenario.output, _ = scenario.proc.communicate(timeout=60)
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(10)

    base = scenarios[0]
    plain = scenarios[1]
    rows, data = [], []
    for scenario in scenarios:
        lat = scenario.latencies_ms
        p50, p99 = percentile(lat, 0.5), percentile(lat, 0.99)
        shadow_line = next((line for line in scenario.output.splitlines() if line.startswith("Shadow:")), "")
        row = {
            "scenario": scenario.name, "requests": len(lat), "p50_ms": p50, "p99_ms": p99, "mean_ms": statistics.fmean(lat),
            "added_p50_ms": p50 - percentile(base.latencies_ms, 0.5), "added_p99_ms": p99 - percentile(base.latencies_ms, 0.99),
            # Paired: per round, this scenario's block p50 minus the plain proxy's, then the median over rounds. Load
            # from outside drifts slowly; differences within a round cancel most of it.
            "shadow_added_p50_ms": None if not scenario.shadow else statistics.median(
                a - b for a, b in zip(scenario.block_p50s, plain.block_p50s)),
            "shadow_added_p99_ms": None if not scenario.shadow else p99 - percentile(plain.latencies_ms, 0.99),
            "errors": scenario.errors, "shadow_summary": shadow_line,
            "proxy_cpu_ms_per_request": None if scenario.direct else scenario.cpu_s * 1000 / len(lat),
        }
        data.append(row)
        rows.append([
            scenario.name, f"{p50:.3f}", f"{p99:.3f}",
            "-" if scenario.direct else f"{row['added_p50_ms']:+.3f} / {row['added_p99_ms']:+.3f}",
            "-" if row["shadow_added_p50_ms"] is None else f"{row['shadow_added_p50_ms']:+.3f} / {row['shadow_added_p99_ms']:+.3f}",
            "-" if scenario.direct else f"{row['proxy_cpu_ms_per_request']:.2f}",
            f"{scenario.errors} / {len(lat)}",
        ])
    table = markdown_table(["scenario", "p50 ms", "p99 ms", "added vs direct (p50 / p99 ms)",
                            "added by shadowing (p50 paired / p99 ms)", "proxy CPU ms / request", "primary errors"],
                           rows, align="lrrrrrr")
    shadowed = [row for row in data if row["shadow_added_p50_ms"] is not None]
    worst = max(row["shadow_added_p50_ms"] for row in shadowed)
    errors_ok = all(row["errors"] == 0 for row in data)
    verdict = (f"Target: shadowing adds < {TARGET_ADDED_P50_MS:g} ms to the primary's p50, and no primary errors: "
               f"{'met' if worst < TARGET_ADDED_P50_MS and errors_ok else 'NOT met'} (worst added p50 {worst:+.3f} ms; "
               f"primary errors {sum(row['errors'] for row in data)}).")
    info = machine_info()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    command = f"{shlex.quote(os.path.relpath(python, ROOT) if python.startswith(str(ROOT)) else python)} benchmarks/shadow_latency.py --rounds {args.rounds} --requests {args.requests}"
    shadow_lines = "\n".join(f"- {row['scenario']}: {row['shadow_summary']}" for row in shadowed if row["shadow_summary"])
    section = (
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {info.get('cpu', 'this machine')} "
        f"({info.get('cores')} cores, shared with other work; load average {load:.1f} at the end), {args.rounds} rounds x {args.requests} "
        f"sequential requests per scenario over one keep-alive connection, after {args.warmup} warm-up requests:\n\n"
        f"{table.rstrip()}\n\n{verdict}\n\nWhat the candidate saw (from each proxy's summary at stop):\n\n{shadow_lines}\n\n"
        f"Reproduce: `{command}`"
    )
    print(section)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "rows": data, "verdict": verdict}, indent=2) + "\n")
    if args.write:
        update_marked_section(ROOT / "docs" / "benchmarks.md", "shadow-latency", section,
                              title="migrate record proxy: latency added by shadow traffic")
    return 0 if worst < TARGET_ADDED_P50_MS and errors_ok else 1


if __name__ == "__main__":
    sys.exit(main())
