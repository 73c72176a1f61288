"""compare: read a run file, score every request with the selected comparators, stream verdicts out.

    from migrate.parity.compare import compare_run
    result = compare_run("run.jsonl", "verdicts.jsonl")
    print(result.summary["scopes"]["all"]["pass_rate"])

The verdicts file (format `migrate.verdicts`, docs/comparators.md) is JSON Lines: a header, one `verdict`
line per request, `agreement` lines when the run has several samples per recording, and a final
`summary` line with the aggregate statistics (what reports are built from). It is written to a temporary
file and renamed into place when complete, so a verdicts file is never half-written.

Reads only the run file: no model is called (except an LLM judge you turn on, whose verdicts are cached).
Memory stays flat in the size of the run: records are read, scored and written in chunks of `chunk_size`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from migrate.jsonl import BadLine
from migrate.parity.compare.aggregate import Aggregator
from migrate.parity.compare.pair import Pair
from migrate.parity.compare.prices import cost, load_prices
from migrate.parity.compare.registry import Context, Score, registry
from migrate.parity.compare.settings import CompareSettings
from migrate.parity.runfile import FORMAT as RUN_FORMAT
from migrate.parity.runfile import RunRecord, read_run

FORMAT = "migrate.verdicts"
VERSION = 1
Progress = Callable[[int, "int | None"], None]


@dataclass
class CompareResult:
    out: Path
    summary: dict[str, Any]
    bad_lines: list[BadLine] = field(default_factory=list)

    @property
    def records(self) -> int:
        return self.summary["records"]


def default_verdicts_path(run: str | Path) -> Path:
    """run.jsonl -> run.verdicts.jsonl, beside it."""
    run = Path(run)
    stem = run.name[: -len(".jsonl")] if run.name.endswith(".jsonl") else run.stem
    return run.with_name(f"{stem}.verdicts.jsonl")


def _chunks(records: Iterable[RunRecord], size: int) -> Iterator[list[RunRecord]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def _error_reason(record: RunRecord) -> str:
    c = record.candidate
    if c.error:
        return f"{c.error.get('type', 'error')}: {c.error.get('message', '')}"[:500]
    if c.response is None:
        return "no_response: the candidate returned no body"
    return f"http: status {c.status}"


def compare_run(
    run: str | Path,
    out: str | Path | None = None,
    *,
    config: Any = None,
    settings: CompareSettings | None = None,
    thresholds: Any = None,
    prices: dict[str, dict[str, float]] | None = None,
    chunk_size: int = 64,
    worst: int = 50,
    sample: int = 20,
    progress: Progress | None = None,
    context: Context | None = None,
) -> CompareResult:
    """Score every request of the run file `run`; write the verdicts file `out` (default: beside the run).

    `config` (a `migrate.config.Config`) supplies comparator choice and options, thresholds (which
    comparators are gates) and prices; `settings` / `thresholds` / `prices` override it. Bad run lines
    are skipped and listed in the result (and in the summary).
    """
    from migrate._version import __version__
    from migrate.parity.verdict import Thresholds

    run = Path(run)
    if not run.is_file():
        raise FileNotFoundError(f"{run}: run file not found")
    out = Path(out) if out is not None else default_verdicts_path(run)
    thresholds = thresholds or Thresholds.from_config(config)
    settings = (settings or CompareSettings.build(config)).with_gates(thresholds.gates())
    thresholds = thresholds.with_fallbacks(settings.names)
    if prices is None:
        section = config.section("parity").get("prices", {}) if config else {}
        prices = load_prices(section, where=f"{config.source}: " if config and config.source else "")
    gates = thresholds.gates()
    ctx = context or Context(out_dir=out.parent)
    if ctx.out_dir is None:
        ctx.out_dir = out.parent
    ctx.options = {**settings.configured, **settings.options, **ctx.options}
    ctx.disabled |= settings.disabled

    bad: list[BadLine] = []
    header, records = read_run(run, bad=bad)
    samples = header.samples if header else 1
    total = None
    if progress is not None:
        from migrate.parity.replay.engine import estimate_lines

        total = max(0, estimate_lines(run) - (1 if header else 0))
    agg = Aggregator(worst=worst, sample=sample, samples=samples)
    comparators = registry()
    disabled: dict[str, str] = {}
    internal_errors: dict[str, list[str]] = {}
    began = time.perf_counter()
    done = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            def write(obj: dict[str, Any]) -> None:
                fh.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
                fh.write("\n")

            write({"type": "header", "format": FORMAT, "version": VERSION, "run": str(run),
                   "run_header": header.to_dict() if header else None, "tool_version": __version__,
                   "comparators": {k: list(v) for k, v in settings.selection.items()}, "gates": sorted(gates)})
            for chunk in _chunks(records, chunk_size):
                pairs = [Pair(r) for r in chunk]
                scores = _score_chunk(pairs, settings, comparators, ctx, disabled, internal_errors)
                for pair, result in zip(pairs, scores):
                    record = pair.record
                    error = None if record.candidate.ok else _error_reason(record)
                    failed_gates = sorted(n for n, s in result.items() if not s.passed and n in gates)
                    verdict = {
                        "type": "verdict", "key": record.key, "recording_id": record.recording_id,
                        "sample": record.sample, "endpoint": record.endpoint, "kind": pair.kind,
                        "tags": list(record.tags), "passed": error is None and not failed_gates,
                        "failed_gates": failed_gates, "error": error,
                        "no_baseline": record.baseline is None or not record.baseline.ok,
                        "scores": {n: s.to_dict() for n, s in result.items()},
                        "decided_by": _decided_by(result, gates),
                        "latency_ms": [record.baseline.latency_ms if record.baseline else None, record.candidate.latency_ms],
                    }
                    write(verdict)
                    agreement = agg.add(verdict, pair)
                    if agreement is not None:
                        write(agreement)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            for agreement in agg.agreement.flush():
                write(agreement)
            summary = _summary(run, header, agg, settings, thresholds, prices, ctx, disabled, internal_errors, bad, done,
                               time.perf_counter() - began)
            write(summary)
        os.replace(tmp, out)
    finally:
        ctx.close()
        if tmp.exists():
            tmp.unlink()
    return CompareResult(out=out, summary=summary, bad_lines=bad)


def _score_chunk(pairs, settings, comparators, ctx, disabled, internal_errors) -> list[dict[str, Score]]:
    results: list[dict[str, Score]] = [{} for _ in pairs]
    batches: dict[str, list[int]] = {}
    for i, pair in enumerate(pairs):
        names = settings.for_kind(pair.kind)
        if not pair.record.candidate.ok:
            reason = f"candidate error: {_error_reason(pair.record)}"
            for name in names:
                results[i][name] = Score(0.0, False, reason)
            continue
        has_baseline = pair.has_baseline
        for name in names:
            c = comparators[name]
            if name in disabled or (c.needs_baseline and not has_baseline):
                continue
            if c.batch:
                batches.setdefault(name, []).append(i)
                continue
            try:
                score = c.fn(pair, settings.options[name])
            except Exception as e:  # noqa: BLE001 - one odd answer never stops a run
                _internal(internal_errors, name, pair, e)
                continue
            if score is not None:
                results[i][name] = score
    for name, index in batches.items():
        c = comparators[name]
        try:
            scored = c.fn([pairs[i] for i in index], settings.options[name], ctx)
        except Exception as e:  # noqa: BLE001 - e.g. an embedding endpoint down: switch it off, say why
            disabled[name] = f"{type(e).__name__}: {e}"[:500]
            continue
        for i, score in zip(index, scored):
            if score is not None:
                results[i][name] = score
    return results


def _decided_by(result: dict[str, Score], gates: set[str]) -> str | None:
    """Which layer of a layered gate settled the request ("identical", "key_facts", "semantic", "judge", ...)."""
    for name in sorted(result):
        if name in gates and result[name].decided_by is not None:
            return result[name].decided_by
    return None


def _internal(errors: dict[str, list[str]], name: str, pair: Pair, e: Exception) -> None:
    examples = errors.setdefault(name, [])
    if len(examples) < 5:
        examples.append(f"{pair.record.key}: {type(e).__name__}: {e}"[:300])


def _summary(run, header, agg, settings, thresholds, prices, ctx, disabled, internal_errors, bad, done, seconds) -> dict[str, Any]:
    from migrate._version import __version__

    data = agg.to_dict()
    catalog = None
    try:
        from migrate.catalog import load_catalog

        info = load_catalog().info()
        catalog = {"openai_version": info.openai_version, "vllm_version": info.vllm_version, "generated": info.generated}
    except Exception:  # noqa: BLE001 - the footer can do without
        pass
    comparators = registry()
    base_cost, cand_cost = cost(data["usage"]["baseline"], prices), cost(data["usage"]["candidate"], prices)
    return {
        "type": "summary",
        "format": FORMAT,
        "version": VERSION,
        "run": str(run),
        "run_header": header.to_dict() if header else None,
        "records": done,
        "seconds": round(seconds, 3),
        "bad_line_count": len(bad),
        "bad_lines": [str(b) for b in bad[:50]],
        "comparators": {
            name: {"summary": comparators[name].summary, "kinds": [k for k, ns in settings.selection.items() if name in ns],
                   "gate": name in thresholds.gates(), "options": settings.options.get(name, {})}
            for name in sorted(settings.names)
        },
        "skipped_comparators": settings.skipped,
        "disabled_comparators": disabled,
        "comparator_errors": internal_errors,
        "notes": ctx.notes,
        "thresholds": thresholds.to_dict(),
        **data,
        "cost": {"baseline_usd": base_cost["usd"], "candidate_usd": cand_cost["usd"],
                 "baseline": base_cost, "candidate": cand_cost},
        "tool_version": __version__,
        "catalog": catalog,
        "run_format": RUN_FORMAT,
    }


def read_summary(path: str | Path) -> dict[str, Any]:
    """The summary line of a verdicts file (its last line), without reading the rest."""
    path = Path(path)
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        block = min(size, 1 << 16)
        while True:
            fh.seek(size - block)
            data = fh.read(block).rstrip(b"\n")
            cut = data.rfind(b"\n")
            if cut >= 0 or block == size:
                last = data[cut + 1:]
                break
            block = min(size, block * 4)
    try:
        obj = json.loads(last)
    except ValueError:
        obj = None
    if not isinstance(obj, dict) or obj.get("type") != "summary":
        raise ValueError(f"{path}: no summary line at the end: not a complete verdicts file; run `migrate parity compare` again")
    return obj


def file_format(path: str | Path) -> str | None:
    """'migrate.run', 'migrate.verdicts' or None, from the file's first line."""
    with open(path, "rb") as fh:
        first = fh.readline()
    try:
        obj = json.loads(first)
    except ValueError:
        return None
    return obj.get("format") if isinstance(obj, dict) else None
