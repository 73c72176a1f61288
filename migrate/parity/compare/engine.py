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

import functools
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from migrate.jsonl import BadLine, dumps_line
from migrate.parity.compare.aggregate import Aggregator
from migrate.parity.compare.pair import Pair
from migrate.parity.compare.prices import prices_from_config, run_cost
from migrate.parity.compare.registry import Context, Score, registry
from migrate.parity.compare.settings import CompareSettings
from migrate.parity.compare.summary import Summary, comparator_fingerprint, comparator_settings, replay_info, skipped_lines
from migrate.parity.runfile import FORMAT as RUN_FORMAT
from migrate.parity.runfile import RunRecord, read_run

FORMAT = "migrate.verdicts"
VERSION = 2  # 2: verdict lines carry status, usage and ttft; the summary carries replay, skipped_lines, evidence
Progress = Callable[[int, "int | None"], None]


@dataclass
class CompareResult:
    out: Path
    summary: dict[str, Any]
    bad_lines: list[BadLine] = field(default_factory=list)

    @property
    def records(self) -> int:
        return self.summary["records"]

    @property
    def model(self) -> Summary:
        """The summary as the typed model `decide` and the reports read."""
        return Summary.from_dict(self.summary)


def default_verdicts_path(run: str | Path) -> Path:
    """run.jsonl -> run.verdicts.jsonl, beside it."""
    run = Path(run)
    stem = run.name[: -len(".jsonl")] if run.name.endswith(".jsonl") else run.stem
    return run.with_name(f"{stem}.verdicts.jsonl")


def _chunks(records: Iterable[RunRecord], size: int) -> Iterator[list[RunRecord]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def _scored_here(records, chunk_size, settings, comparators, ctx, disabled, internal_errors, gates):
    """(verdict, None, pair getter) for each record, scored in this process a chunk at a time."""
    for chunk in _chunks(records, chunk_size):
        pairs = [Pair(r) for r in chunk]
        scores, unmeasured = _score_chunk(pairs, settings, comparators, ctx, disabled, internal_errors)
        for pair, result, missing in zip(pairs, scores, unmeasured):
            yield _verdict(pair, result, missing, gates), None, (lambda p=pair: p)


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
    scrubber: Any = None,
    scorer: Callable[..., Iterable[tuple[dict[str, Any], str | None, Callable[[], Pair]]]] | None = None,
) -> CompareResult:
    """Score every request of the run file `run`; write the verdicts file `out` (default: beside the run).

    `config` (a `migrate.config.Config`) supplies comparator choice and options, thresholds (which
    comparators are gates) and prices; `settings` / `thresholds` / `prices` override it. Bad run lines
    are skipped and listed in the result (and in the summary). Every line written goes through `scrubber`
    (default: the run's own scrubbing settings, else `[tool.migrate.record]`), so no secret reaches the verdicts.
    `scorer` scores elsewhere (`migrate.parity.cluster.ray_scorer`: Ray workers); it yields, in run-file order,
    (verdict, its scrubbed line or None, a callable giving its Pair), and this function writes and aggregates.
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
        prices = prices_from_config(config)
    gates = thresholds.gates()
    ctx = context or Context(out_dir=out.parent)
    if ctx.out_dir is None:
        ctx.out_dir = out.parent
    ctx.options = {**settings.configured, **settings.options, **ctx.options}
    ctx.disabled |= settings.disabled

    bad: list[BadLine] = []
    replay_lines: list[dict[str, Any]] = []
    header, records = read_run(run, bad=bad, replay=replay_lines)
    samples = header.samples if header else 1
    scrub = scrubber or _scrubber(header, config)
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
                fh.write(dumps_line(scrub.scrub(obj)))  # control characters and lone surrogates as JSON escapes
                fh.write("\n")

            write({"type": "header", "format": FORMAT, "version": VERSION, "run": str(run),
                   "run_header": header.to_dict() if header else None, "tool_version": __version__,
                   "comparators": {k: list(v) for k, v in settings.selection.items()}, "gates": sorted(gates)})
            if scorer is None:
                scored = _scored_here(records, chunk_size, settings, comparators, ctx, disabled, internal_errors, gates)
            else:  # another engine scores (migrate.parity.cluster): it reports its bad lines, replay lines and notes
                scored = scorer(run, settings=settings, gates=gates, ctx=ctx, scrub=scrub, chunk_size=chunk_size,
                                bad=bad, replay=replay_lines, disabled=disabled, internal_errors=internal_errors)
            for verdict, line, pair in scored:
                fh.write(line if line is not None else dumps_line(scrub.scrub(verdict)))
                fh.write("\n")
                get_pair = functools.cache(pair)  # built once, and only when needed (a kept case, causes, agreement)
                agg.add(verdict, lambda v=verdict, p=get_pair: Aggregator.case(v, p()),
                        get_pair().record if verdict.get("error") is not None else None)
                agreement = agg.agreement.add(verdict["recording_id"], get_pair()) if samples > 1 else None
                if agreement is not None:
                    write(agreement)
                done += 1
                if progress is not None and (done % chunk_size == 0):
                    progress(done, total)
            if progress is not None:
                progress(done, done)  # the total was an estimate from the file's lines
            for agreement in agg.agreement.flush():
                write(agreement)
            summary = _summary(run, header, agg, settings, thresholds, prices, ctx, disabled, internal_errors, bad, done,
                               time.perf_counter() - began, replay_lines[-1] if replay_lines else None)
            summary["scrubbing"] = scrub.settings()
            summary = scrub.scrub(summary)  # returned as well as written: scrubbed once, here
            fh.write(dumps_line(summary) + "\n")
        os.replace(tmp, out)
    finally:
        ctx.close()
        if tmp.exists():
            tmp.unlink()
    return CompareResult(out=out, summary=summary, bad_lines=bad)


def _scrubber(header: Any, config: Any) -> Any:
    from migrate.record.scrub import Scrubber, scrubber_for

    # What the run was scrubbed with, plus anything the config asks for now.
    saved = Scrubber.from_settings((header.extra or {}).get("scrubbing") if header else None)
    configured = scrubber_for(config)
    return Scrubber(redact=tuple(dict.fromkeys(saved.redact + configured.redact)),
                    patterns=tuple(dict.fromkeys(saved.patterns + configured.patterns)))


def _verdict(pair: Pair, result: dict[str, Score], unmeasured: dict[str, str], gates: set[str]) -> dict[str, Any]:
    """One verdict line: the request's status (see aggregate.STATUSES), every comparator's score, and what
    the aggregates need (latency, usage), so that a saved verdicts file can be judged again without the run."""
    record = pair.record
    base = record.baseline
    error = None if record.candidate.ok else _error_reason(record)
    baseline_error = None
    if base is not None and not base.ok:
        baseline_error = (f"{base.error.get('type', 'error')}: {base.error.get('message', '')}"[:500] if base.error
                          else f"http: status {base.status}")
    no_baseline = base is None or not base.ok
    failed_gates = sorted(n for n, s in result.items() if not s.passed and n in gates)
    if error is not None and baseline_error is not None:
        status, result, failed_gates = "both_failed", {}, []  # the baseline failed on it too: not held against the candidate
    elif error is not None:
        status = "error"
    elif no_baseline:
        status, failed_gates = "unanswered", []  # nothing to compare with: never a pass
    else:
        status = "fail" if failed_gates else "pass"
    usage = {}
    for side, answer, outcome in (("baseline", pair.baseline, base), ("candidate", pair.candidate, record.candidate)):
        usage[side] = [answer.model, *answer.usage] if outcome is not None and outcome.ok and answer.usage is not None else None
    return {
        "type": "verdict", "key": record.key, "recording_id": record.recording_id,
        "sample": record.sample, "endpoint": record.endpoint, "kind": pair.kind,
        "tags": list(record.tags), "status": status, "passed": status == "pass",
        "failed_gates": failed_gates, "error": error, "no_baseline": no_baseline, "baseline_error": baseline_error,
        "redacted": list(record.redacted),
        "decided_by": _decided_by(result, gates),
        "scores": {n: s.to_dict() for n, s in result.items()},
        "unmeasured": unmeasured if status in ("pass", "fail") else {},
        "latency_ms": [base.latency_ms if base else None, record.candidate.latency_ms],
        "ttft_ms": [base.ttft_ms if base else None, record.candidate.ttft_ms],
        "usage": usage,
    }


def _score_chunk(pairs, settings, comparators, ctx, disabled, internal_errors) -> tuple[list[dict[str, Score]], list[dict[str, str]]]:
    """Scores per pair, and per pair the comparators that should have scored it and could not (and why)."""
    results: list[dict[str, Score]] = [{} for _ in pairs]
    unmeasured: list[dict[str, str]] = [{} for _ in pairs]
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
            if c.needs_baseline and not has_baseline:
                continue
            if name in disabled:
                unmeasured[i][name] = f"switched off during the run: {disabled[name]}"
                continue
            if c.batch:
                batches.setdefault(name, []).append(i)
                continue
            try:
                score = c.fn(pair, settings.options[name])
            except Exception as e:  # noqa: BLE001 - one odd answer never stops a run
                _internal(internal_errors, name, pair, e)
                unmeasured[i][name] = f"comparator failed: {type(e).__name__}"
                continue
            if score is not None:
                results[i][name] = score
    for name, index in batches.items():
        c = comparators[name]
        try:
            scored = c.fn([pairs[i] for i in index], settings.options[name], ctx)
        except Exception as e:  # noqa: BLE001 - e.g. an embedding endpoint down: switch it off, say why
            disabled[name] = f"{type(e).__name__}: {e}"[:500]
            for i in index:
                unmeasured[i][name] = f"switched off during the run: {disabled[name]}"
            continue
        for i, score in zip(index, scored):
            if score is not None:
                results[i][name] = score
    return results, unmeasured


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


def _summary(run, header, agg, settings, thresholds, prices, ctx, disabled, internal_errors, bad, done, seconds,
             replay=None) -> dict[str, Any]:
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
        "replay": replay_info(replay),
        "skipped_lines": skipped_lines(replay, bad),
        "comparator_fingerprint": comparator_fingerprint(settings),
        "comparator_settings": comparator_settings(settings),
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
        "cost": run_cost(data["usage"], data["latency"], header.to_dict() if header else None, done, prices),
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
