"""Compare throughput and memory: per-comparator pairs/s on one core, and compare_run's peak RSS vs run size.

    .venv/bin/python benchmarks/compare_throughput.py            # 20k pairs per comparator; 100k vs 1M-line runs
    .venv/bin/python benchmarks/compare_throughput.py --small    # CI: 5k pairs; 10k vs 100k lines
    .venv/bin/python benchmarks/compare_throughput.py --semantic # also the local embedding model's pairs/s
    .venv/bin/python benchmarks/compare_throughput.py --gate     # only the text gate end to end (pairs/s), into docs/benchmarks.md
    .venv/bin/python benchmarks/compare_throughput.py --gate --embeddings-url URL --embeddings-model M  # via an endpoint
    .venv/bin/python benchmarks/compare_throughput.py --json out.json

Part 1 calls each comparator function directly on pre-built pairs (answers already extracted: extraction
is shared by every comparator of a pair and timed on its own line). Target: >= 50,000 pairs/s per core for
every non-embedding comparator. Part 2 writes run files of realistic lines into a temporary folder and runs
`compare_run` on each in a fresh child process (semantic similarity off), reporting lines/s and the
child's peak RSS: memory must not grow with the size of the run.

`--gate` measures the default text gate (`equivalence`) end to end: `compare_run` on a run of chat answers
mixed as a migration produces them (identical, differently formatted, a fact changed, reworded), with the
default comparators, against the old way (cosine similarity of every pair). It reports pairs/s, how many
texts were embedded and which layer decided how many pairs, and writes its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
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

from migrate.parity.compare import Pair, get  # noqa: E402 - after the sys.path insert above
from migrate.parity.runfile import Outcome, RunHeader, RunRecord  # noqa: E402

TARGET = 50_000
WORDS = ["the", "a", "of", "to", "and", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are", "with", "as", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by", "order", "shipped", "refund", "account", "balance", "invoice", "payment", "card", "customer", "support", "weather", "city", "Paris", "Tuesday", "report", "revenue", "grew", "quarter", "team", "product", "price", "delivery", "address", "email", "password", "reset"]
TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}}, "required": ["city"]}}}
SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name", "age"]}


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def chat(text=None, calls=None, model="gpt-4o-mini-2024-07-18", finish="stop"):
    message = {"role": "assistant", "content": text, "refusal": None}
    if calls:
        message["tool_calls"] = [{"id": f"c{i}", "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
                                 for i, (n, a) in enumerate(calls)]
        finish = "tool_calls"
    return {"id": "x", "object": "chat.completion", "created": 1, "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 40, "completion_tokens": 60, "total_tokens": 100}}


def make_record(i: int, rng: random.Random) -> RunRecord:
    """A realistic mix: 70% chat text (20-120 words), 15% tool calls, 15% JSON schema answers."""
    kind = rng.random()
    messages = [{"role": "user", "content": sentence(rng, rng.randint(8, 30))}]
    if kind < 0.70:
        base = " ".join(sentence(rng, rng.randint(5, 20)) for _ in range(rng.randint(1, 6)))
        words = base.split()
        if rng.random() < 0.5:  # a paraphrase-ish candidate: some words changed
            for _ in range(len(words) // 4):
                words[rng.randrange(len(words))] = rng.choice(WORDS)
        request = {"model": "llama", "messages": messages, "temperature": 0.7}
        b, c = chat(base), chat(" ".join(words), model="llama")
    elif kind < 0.85:
        city = rng.choice(["Paris", "Lyon", "Rome"])
        request = {"model": "llama", "messages": messages, "tools": [TOOL]}
        b = chat(None, [("get_weather", {"city": city, "unit": "c"})])
        c = chat(None, [("get_weather", {"city": city if rng.random() < 0.8 else "Oslo", "unit": "c"})], model="llama")
    else:
        request = {"model": "llama", "messages": messages, "response_format": {"type": "json_schema", "json_schema": {"name": "u", "schema": SCHEMA}}}
        b = chat(json.dumps({"name": "Ada", "age": 36}))
        c = chat(json.dumps({"name": "Ada", "age": 36 if rng.random() < 0.9 else "x"}), model="llama")
    return RunRecord(key=f"r{i}#0", recording_id=f"r{i}", sample=0, endpoint="/v1/chat/completions", request=request,
                     baseline=Outcome(response=b, status=200, latency_ms=rng.lognormvariate(6.5, 0.4)),
                     candidate=Outcome(response=c, status=200, latency_ms=rng.lognormvariate(5.0, 0.5)),
                     tags=(rng.choice(["support", "billing", "search"]),))


def comparator_throughput(n: int) -> list[dict]:
    rng = random.Random(1)
    records = [make_record(i, rng) for i in range(n)]
    began = time.perf_counter()
    pairs = [Pair(r) for r in records]
    for p in pairs:
        p.baseline, p.candidate, p.json_mode, p.tool_schemas  # noqa: B018 - warm the lazy extraction
    extract_s = time.perf_counter() - began
    rows = [{"comparator": "(answer extraction, once per pair)", "pairs": n, "seconds": extract_s, "pairs_per_s": n / extract_s}]
    names = ["exact", "normalized", "lexical", "length_ratio", "refusal", "finish_reason", "json_valid", "json_schema",
             "json_match", "tool_calls", "tool_schema", "key_facts"]
    for name in names:
        c = get(name)
        applicable = [p for p in pairs if p.kind in c.kinds]
        opts = dict(c.options)
        fn = c.fn
        for p in applicable[:200]:  # warm caches (compiled schema validators) as a long run would have them
            fn(p, opts)
        reps = max(1, n // max(1, len(applicable)))
        began = time.perf_counter()
        for _ in range(reps):
            for p in applicable:
                fn(p, opts)
        seconds = time.perf_counter() - began
        done = reps * len(applicable)
        rows.append({"comparator": name, "pairs": done, "seconds": seconds, "pairs_per_s": done / seconds})
    return rows


def semantic_throughput(n: int) -> dict:
    from migrate.parity.compare import Context

    rng = random.Random(2)
    pairs = [Pair(make_record(i, rng)) for i in range(n * 3)]
    pairs = [p for p in pairs if p.kind == "chat"][:n]
    c, ctx = get("semantic"), Context()
    began = time.perf_counter()
    c.fn(pairs[:8], dict(c.options), ctx)  # load the model
    load_s = time.perf_counter() - began
    began = time.perf_counter()
    for start in range(0, len(pairs), 64):
        c.fn(pairs[start:start + 64], dict(c.options), ctx)
    seconds = time.perf_counter() - began
    return {"comparator": "semantic (local all-MiniLM-L6-v2)", "pairs": len(pairs), "seconds": seconds,
            "pairs_per_s": len(pairs) / seconds, "load_s": load_s}


GATE_TARGET = 300  # key_facts, per core: over 10x any CPU embedder, so never the bottleneck

ANSWERS = [
    "Your order #{n} shipped on Monday and should arrive on Thursday. You can track it at https://shop.example.com/t/{n}.",
    "Take {d} mg every 6 hours with food, and do not exceed {m} mg in 24 hours. Call a doctor if the fever lasts more than 3 days.",
    "The function `load_users()` returns a list of user ids; pass `active=True` to skip disabled accounts. It raises KeyError for unknown ids.",
    "Standard shipping to Germany takes 3 to 5 business days and costs $4.99; orders over $50 ship free.",
    "To reset your password, open Settings > Security, click Reset, and follow the link we e-mail you. The link expires after 30 minutes.",
    "Revenue grew {d}% in Q3, mainly from subscriptions, while costs stayed flat; the margin rose to 21%.",
]
REWORD = {"returns": "gives back", "shipped": "was sent", "takes": "needs", "open": "go to", "grew": "rose", "click": "press",
          "should": "will", "mainly": "mostly", "costs": "is", "follow": "use", "expires": "stops working"}


def gate_record(i: int, rng: random.Random) -> RunRecord:
    """A chat pair as a migration produces them: 40% identical, 10% formatted differently, 15% a fact changed,
    35% reworded (a few words swapped for synonyms)."""
    n, d = rng.randint(1000, 99999), rng.choice([100, 200, 250, 400, 500])
    roll = rng.random()
    templates = [t for t in ANSWERS if "{d}" in t] if 0.50 <= roll < 0.65 else ANSWERS  # a fact to change
    base = rng.choice(templates).format(n=n, d=d, m=d * 8) + f" {sentence(rng, rng.randint(6, 14))}"  # distinct texts
    if roll < 0.40:
        cand = base
    elif roll < 0.50:
        cand = "Sure! " + base.replace(". ", ".\n\n")
    elif roll < 0.65:
        cand = base.replace(str(d), str(d * 10), 1)
    else:
        cand = " ".join(REWORD.get(w, w) for w in base.split())
    request = {"model": "llama", "messages": [{"role": "user", "content": sentence(rng, 12)}]}
    return RunRecord(key=f"g{i}#0", recording_id=f"g{i}", sample=0, endpoint="/v1/chat/completions", request=request,
                     baseline=Outcome(response=chat(base), status=200, latency_ms=500.0),
                     candidate=Outcome(response=chat(cand, model="llama"), status=200, latency_ms=100.0))


def gate_throughput(n: int, folder: Path, endpoint: dict | None) -> list[dict]:
    from migrate.parity.compare import CompareSettings, compare_run
    from migrate.parity.verdict import Thresholds

    rng = random.Random(4)
    run = folder / "gate-run.jsonl"
    header = RunHeader(recordings="bench.jsonl", candidate={"base_url": "http://127.0.0.1:8000/v1", "model_map": {}})
    with open(run, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(header.to_dict()) + "\n")
        for i in range(n):
            fh.write(json.dumps(gate_record(i, rng).to_dict(), separators=(",", ":")) + "\n")
    options = {"semantic": {"backend": "endpoint", **endpoint}} if endpoint else {}
    setups = [
        ("layered gate (default: equivalence + key_facts)", CompareSettings.build(options=options), None),
        ("cosine on every pair (semantic alone)", CompareSettings.build(only=["semantic"], options=options),
         Thresholds({"semantic": 0.85, "min_requests": 1.0})),
    ]
    from migrate.parity.compare import Context
    from migrate.parity.compare.semantic import make_embedder

    local = None if endpoint else make_embedder(dict(get("semantic").options))  # loaded before timing
    if local is not None:
        local.embed(["warm up"])
    rows = []
    for name, settings, thresholds in setups:
        ctx = Context()
        if local is not None:
            ctx.resources["semantic.embedder"] = local
        began = time.perf_counter()
        result = compare_run(run, folder / "gate.verdicts.jsonl", settings=settings, thresholds=thresholds, context=ctx)
        seconds = time.perf_counter() - began
        notes = result.summary["notes"]
        rows.append({"setup": name, "pairs": n, "seconds": seconds, "pairs_per_s": n / seconds,
                     "texts_embedded": notes.get("semantic", {}).get("texts_embedded", 0),
                     "model": notes.get("semantic", {}).get("model"),
                     "decided_by": notes.get("equivalence", {}).get("decided_by", {})})
    return rows


def write_gate_section(rows: list[dict], args_text: str) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from _common import machine_info, markdown_table, update_marked_section

    info = machine_info()
    table = markdown_table(
        ["setup", "pairs", "seconds", "pairs/s", "texts embedded", "decided by"],
        [[r["setup"], f"{r['pairs']:,}", f"{r['seconds']:.1f}", f"{r['pairs_per_s']:,.1f}", f"{r['texts_embedded']:,}",
          ", ".join(f"{k} {v}" for k, v in sorted(r["decided_by"].items(), key=lambda kv: -kv[1])) or "-"] for r in rows])
    model = next((r["model"] for r in rows if r["model"]), "none")
    speedup = rows[0]["pairs_per_s"] / rows[1]["pairs_per_s"] if rows[1]["pairs_per_s"] else float("nan")
    text = (f"`compare_run` on {rows[0]['pairs']:,} generated chat pairs (40% identical, 10% formatted differently, 15% a fact "
            f"changed, 35% reworded), embedder: {model}; {info.get('cpus', os.cpu_count())} CPUs, Python "
            f"{sys.version.split()[0]}, model loaded before timing.\n\n{table}\n\n"
            f"The layered gate is {speedup:.1f}x the pairs/s of cosine on every pair: identical and reformatted pairs, "
            f"contradicted key facts and pairs with nearly the same words (overlap >= `lexical_shortcut`) are settled "
            f"before any embedding, so only the rest reach the model. The gain depends on the mix: a candidate that "
            f"rewords every answer gains only from its identical and contradicted pairs; the pairs/s of the model itself "
            f"are what `--semantic` measures (and they drop when the machine's cores are shared). "
            f"Each distinct text is embedded once per run chunk (shared with `--enable semantic`). For large runs, point "
            f"`[tool.migrate.parity.comparators.semantic]` at an embeddings endpoint (`backend = \"endpoint\"`: batches of "
            f"`batch_size`, `concurrency` requests in flight).\n\nReproduce: `.venv/bin/python benchmarks/compare_throughput.py {args_text}`")
    update_marked_section(ROOT / "docs" / "benchmarks.md", "compare-text-gate", text,
                          title="migrate parity compare: the text gate end to end")


def write_run(path: Path, lines: int) -> None:
    rng = random.Random(3)
    header = RunHeader(recordings="bench.jsonl", candidate={"base_url": "http://127.0.0.1:8000/v1", "model_map": {}})
    pool = [json.dumps(make_record(i, rng).to_dict(), separators=(",", ":")) for i in range(2000)]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(header.to_dict()) + "\n")
        for i in range(lines):  # distinct keys, realistic bodies (cycled from a pool of 2,000)
            line = pool[i % len(pool)]
            fh.write(line.replace(f'"key":"r{i % len(pool)}#0"', f'"key":"k{i}#0"', 1) + "\n")


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from migrate.parity.compare import CompareSettings, compare_run
began = time.perf_counter()
result = compare_run(sys.argv[1], sys.argv[2], settings=CompareSettings.build(disable=["semantic"]))
seconds = time.perf_counter() - began
try:  # VmHWM: this process's own peak (ru_maxrss can carry the parent's peak across fork + exec on Linux)
    peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"records": result.records, "seconds": seconds, "peak_rss_kb": peak}))
"""


def memory_run(lines: int, folder: Path) -> dict:
    run = folder / f"run-{lines}.jsonl"
    began = time.perf_counter()
    write_run(run, lines)
    write_s = time.perf_counter() - began
    size = run.stat().st_size
    out = subprocess.run([sys.executable, "-c", CHILD, str(run), str(folder / f"verdicts-{lines}.jsonl"), str(ROOT)],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    verdicts_size = (folder / f"verdicts-{lines}.jsonl").stat().st_size
    run.unlink()
    (folder / f"verdicts-{lines}.jsonl").unlink()
    return {"lines": lines, "run_mb": size / 1e6, "verdicts_mb": verdicts_size / 1e6, "write_s": write_s, **data,
            "lines_per_s": data["records"] / data["seconds"], "peak_rss_mb": data["peak_rss_kb"] / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="CI size: 5k pairs, 10k vs 100k lines")
    parser.add_argument("--semantic", action="store_true", help="also measure the local embedding model")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument("--gate", action="store_true", help="only the text gate end to end; writes docs/benchmarks.md")
    parser.add_argument("--gate-pairs", type=int, default=1000, help="pairs for --gate (default 1000)")
    parser.add_argument("--embeddings-url", help="--gate: embed through this OpenAI-compatible endpoint")
    parser.add_argument("--embeddings-model", help="--gate: the endpoint's model")
    args = parser.parse_args()
    if args.gate:
        endpoint = {"url": args.embeddings_url, "model": args.embeddings_model} if args.embeddings_url else None
        with tempfile.TemporaryDirectory(prefix="migrate-gate-bench-") as tmp:
            rows = gate_throughput(args.gate_pairs, Path(tmp), endpoint)
        for r in rows:
            print(f"{r['setup']:<50} {r['pairs']:>7,} pairs {r['seconds']:>8.1f} s {r['pairs_per_s']:>9,.1f} pairs/s "
                  f"{r['texts_embedded']:>7,} texts embedded  {r['decided_by']}")
        shown = " ".join(a for a in sys.argv[1:])
        write_gate_section(rows, shown)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2))
        return 0
    pairs, sizes = (5_000, (10_000, 100_000)) if args.small else (20_000, (100_000, 1_000_000))

    results: dict = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "small": args.small}
    rows = comparator_throughput(pairs)
    if args.semantic:
        rows.append(semantic_throughput(256 if args.small else 1024))
    results["comparators"] = rows
    print(f"{'comparator':<40} {'pairs':>9} {'pairs/s (1 core)':>18}")
    failed = []
    for row in rows:
        mark = ""
        if not row["comparator"].startswith(("(", "semantic")):
            target = GATE_TARGET if row["comparator"] == "key_facts" else TARGET
            ok = row["pairs_per_s"] >= target
            mark = "" if ok else f"  < target {target:,}"
            if not ok:
                failed.append(row["comparator"])
        print(f"{row['comparator']:<40} {row['pairs']:>9,} {row['pairs_per_s']:>18,.0f}{mark}")

    with tempfile.TemporaryDirectory(prefix="migrate-compare-bench-") as tmp:
        results["memory"] = [memory_run(n, Path(tmp)) for n in sizes]
    print(f"\n{'run lines':>10} {'run MB':>8} {'compare s':>10} {'lines/s':>9} {'peak RSS MB':>12}")
    for m in results["memory"]:
        print(f"{m['lines']:>10,} {m['run_mb']:>8.0f} {m['seconds']:>10.1f} {m['lines_per_s']:>9,.0f} {m['peak_rss_mb']:>12.1f}")
    small, large = results["memory"]
    growth = large["peak_rss_mb"] / small["peak_rss_mb"]
    results["rss_growth"] = growth
    print(f"peak RSS x{growth:.2f} for x{large['lines'] // small['lines']} the lines (flat means about 1)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    if failed or growth > 1.25:
        print(f"FAIL: below target: {failed}; RSS growth {growth:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
