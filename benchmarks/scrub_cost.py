"""What scrubbing secrets adds per record on the hot paths of parity (migrate/record/scrub.py).

    .venv/bin/python benchmarks/scrub_cost.py              # 2,000 records; writes its section of docs/benchmarks.md
    .venv/bin/python benchmarks/scrub_cost.py --records 500 --no-write

Replay scrubs each request before it is sent and each result line before it is written; compare scrubs each
verdicts line. Measured on realistic chat records with nothing to scrub (the common case: cheap substring
tests, no copy) and on records holding a key (walked and copied), beside `json.dumps` of the same line,
which replay pays anyway. Part 2 runs `compare_run` (semantic similarity off) on the same run file with and
without scrubbing, alternating, best of 2 each.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import machine_info, markdown_table, update_marked_section  # noqa: E402
from migrate.parity.compare import CompareSettings, compare_run  # noqa: E402
from migrate.record.scrub import Scrubber  # noqa: E402
from tests.report.runs import chat_request, chat_response, record, write_run  # noqa: E402

WORDS = "the quick brown fox jumps over lazy dog order shipped customer refund policy account tracking number".split()
ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789"


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _records(n: int, *, words: int, leak: bool = False) -> list:
    rng = random.Random(1)
    out = []
    for i in range(n):
        base, cand = chat_response(_text(rng, words)), chat_response(_text(rng, words))
        base["id"] = "chatcmpl-" + "".join(rng.choice(ID_CHARS) for _ in range(29))
        cand["id"] = "chatcmpl-" + "".join(rng.choice(ID_CHARS) for _ in range(29))
        prompt = _text(rng, words) + (" my key is sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2" if leak else "")
        out.append(record(f"r{i}", chat_request(prompt, model="gpt-4o-mini", max_tokens=256), base, cand, tags=("checkout",)))
    return out


def _per_record_us(fn, items, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        began = time.process_time()  # CPU time: on a shared machine, waiting for a core is not our cost
        for item in items:
            fn(item)
        best = min(best, (time.process_time() - began) / len(items))
    return best * 1e6


class _NoScrub:
    def scrub(self, value):
        return value

    def settings(self):
        return {"redact": [], "redact_regex": []}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    n = args.records
    scrubber = Scrubber().with_secrets(["candidate-key-5f0c1e2d"])
    rows = []
    for label, words, leak in (("small chat (a sentence each side)", 8, False), ("long chat (~170 words each side)", 170, False),
                               ("long chat, a key in the prompt", 170, True)):
        lines = [r.to_dict() for r in _records(n, words=words, leak=leak)]
        size = sum(len(json.dumps(line)) for line in lines) / n
        request = _per_record_us(lambda line: scrubber.scrub(line["request"]), lines)
        result = _per_record_us(scrubber.scrub, lines)
        dump = _per_record_us(lambda line: json.dumps(line, ensure_ascii=False, separators=(",", ":")), lines)
        rows.append((label, f"{size:,.0f}", f"{request:.0f}", f"{result:.0f}", f"{request + result:.0f}", f"{dump:.0f}"))

    with tempfile.TemporaryDirectory() as folder:
        run = write_run(Path(folder) / "run.jsonl", _records(n, words=170))
        settings = CompareSettings.build(disable=["semantic"])
        times: dict[str, list[float]] = {"off": [], "on": []}
        for name in ("off", "on", "off", "on"):
            began = time.process_time()
            compare_run(run, Path(folder) / f"{name}.verdicts.jsonl", settings=settings, scrubber=_NoScrub() if name == "off" else None)
            times[name].append((time.process_time() - began) / n * 1e6)
    off, on = min(times["off"]), min(times["on"])

    info = machine_info()
    table = markdown_table(["records", "bytes per line", "request (us)", "result line (us)", "replay total (us)", "json.dumps of the line (us)"],
                           rows, align="lrrrrr")
    text = (f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {info.get('cpu', 'this machine')} "
            f"({info.get('cores', '?')} cores, shared with other work: absolute numbers are slow, compare the columns), "
            f"{n:,} records each, best of 3, CPU time:\n\n{table}\n\n"
            f"compare_run (semantic off, ~170 words each side): {off:,.0f} us/record without scrubbing, {on:,.0f} us/record "
            f"with, {on - off:+,.0f} us ({(on - off) / off:+.0%}).\n\n"
            f"Reproduce: `.venv/bin/python benchmarks/scrub_cost.py --records {n}`")
    print(text)
    if not args.no_write:
        update_marked_section(ROOT / "docs" / "benchmarks.md", "scrub-cost", text, title="migrate parity: the cost of scrubbing secrets")


if __name__ == "__main__":
    main()
