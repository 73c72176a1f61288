"""Judge saved scores again under the current config, without calling a model or comparing again.

    summary = rejudge("run.verdicts.jsonl", config=config, thresholds=Thresholds.from_config(config))

`report` starts here. The verdicts file keeps every request's scores; from them it rebuilds the summary with
the current config's

- **thresholds and gates**: which comparators are gates, hence which requests pass (`decide` then holds the
  aggregates to the thresholds);
- **pass marks**: a comparator whose pass is a plain mark on its score (`pass_at`, e.g. lexical's
  `min_score`) gets its pass re-applied to the saved score;
- **prices**: costs are recomputed from the saved token usage.

Only a changed comparator (another choice per request kind, other options, another version of the kit) needs
`compare` again: the summary's comparator fingerprint says so, and the report shows it as stale.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from migrate.parity.compare.summary import Summary

DEFAULT_WORST = 50  # compare's default --worst


def rejudge(verdicts: str | Path, *, config: Any = None, thresholds: Any = None, prices: Mapping[str, Any] | None = None,
            settings: Any = None) -> Summary:
    """The verdicts file's summary, as the current config judges its saved scores (see the module's docstring).

    `settings` (a `CompareSettings`) stands for the comparators the current config would run; by default they
    are built from `config`. A verdicts file from before version 2 has no per-request statuses or usage: its
    summary is returned as saved, with a note that `compare` must run again to re-tune."""
    from migrate.parity.compare import read_summary
    from migrate.parity.verdict import Thresholds

    verdicts = Path(verdicts)
    saved = Summary.from_dict(read_summary(verdicts))
    thresholds = (thresholds or Thresholds.from_config(config)).with_fallbacks(set(saved.comparators))
    stale = _stale(saved, config, settings)
    if saved.version < 2:
        return replace(saved, retuned={"applied": False, "stale": stale or (
            f"{verdicts} was written by an older version: thresholds apply to its totals only; run "
            "`migrate parity compare` on the run again to re-apply gates, pass marks and prices per request")})
    if prices is None:
        from migrate.parity.compare.prices import prices_from_config

        prices = prices_from_config(config)
    return _rebuild(verdicts, saved, thresholds, prices, _marks(saved, config, settings), stale)


def _rebuild(verdicts: Path, saved: Summary, thresholds: Any, prices: Mapping[str, Any],
             marks: dict[str, tuple[float, float]], stale: str) -> Summary:
    from migrate.parity.compare.aggregate import Aggregator, case_fields
    from migrate.parity.compare.prices import run_cost
    from migrate.parity.compare.summary import Cost, Latency, ScopeSummary

    gates = thresholds.gates()
    kept = {c.get("key"): c for c in saved.worst + saved.sample}
    agg = Aggregator(worst=max(len(saved.worst), DEFAULT_WORST), sample=len(saved.sample))  # the same sample: same seed, same order
    changed = 0
    for verdict in iter_verdicts(verdicts):
        new = rejudge_verdict(verdict, gates, marks)
        changed += new["status"] != verdict.get("status")

        def case(v: dict[str, Any] = new) -> dict[str, Any]:
            old = kept.get(v["key"]) or {}
            return {**old, **case_fields(v)}

        agg.add(new, case)
    data = agg.to_dict()
    worst, sample = data["worst"], data["sample"]
    missing = {c["key"] for c in worst + sample if c["key"] not in kept}
    if missing:
        texts = _case_texts(Path(saved.run), missing)
        worst = [{**c, **texts.get(c["key"], {})} for c in worst]
        sample = [{**c, **texts.get(c["key"], {})} for c in sample]
    return replace(
        saved,
        scopes={k: ScopeSummary.from_dict(v) for k, v in data["scopes"].items()},
        latency={s: {k: Latency.from_dict(h) for k, h in b.items()} for s, b in data["latency"].items()},
        usage=data["usage"], error_types=data["error_types"], worst=worst, sample=sample,
        cost=Cost.from_dict(run_cost(data["usage"], data["latency"], saved.run_header, saved.records, prices)),
        comparators={name: replace(info, gate=name in gates) for name, info in saved.comparators.items()},
        thresholds=thresholds.to_dict(),
        retuned={"applied": True, "statuses_changed": changed, "gates": sorted(gates),
                 "pass_marks": {name: mark for name, (_, mark) in marks.items()}, "stale": stale},
    )


def rejudge_verdict(verdict: dict[str, Any], gates: set[str], marks: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    """One verdict line under other gates and pass marks. `marks`: comparator -> (mark at compare time, mark now).

    A saved pass is re-derived from the score only when it agrees with the old mark (score >= mark iff passed):
    a pass decided by something else (a key-facts check, a refusal) is kept as it was."""
    status = verdict.get("status")
    if status not in ("pass", "fail", "error"):
        return verdict
    scores = {}
    for name, s in verdict.get("scores", {}).items():
        if name in marks and s.get("score") is not None and status != "error":
            old, now = marks[name]
            score = s["score"]
            if (score >= old) == bool(s["passed"]) and (score >= now) != bool(s["passed"]):
                ok = score >= now
                s = {**s, "passed": ok, "reason": "" if ok else f"{name} score {score:.2f} < pass mark {now:g} (re-applied)"}
        scores[name] = s
    failed_gates = sorted(n for n, s in scores.items() if not s["passed"] and n in gates)
    if status != "error":
        status = "fail" if failed_gates else "pass"
    return {**verdict, "scores": scores, "failed_gates": failed_gates, "status": status, "passed": status == "pass"}


def iter_verdicts(path: Path) -> Iterator[dict[str, Any]]:
    from migrate.jsonl import iter_jsonl

    for _, obj in iter_jsonl(path, bad=[]):
        if obj.get("type") == "verdict":
            yield obj


def _current_settings(config: Any, settings: Any) -> Any:
    if settings is not None:
        return settings
    from migrate.config import ConfigError
    from migrate.parity.compare import CompareSettings

    try:
        return CompareSettings.build(config)
    except ConfigError:
        return None  # e.g. a judge asked for that cannot run here: the saved settings stand


def _marks(saved: Summary, config: Any, settings: Any) -> dict[str, tuple[float, float]]:
    """Comparators whose pass is a plain mark on the score: (the mark compare used, the current config's mark)."""
    from migrate.parity.compare.registry import registry

    current = _current_settings(config, settings)
    comparators = registry()
    marks = {}
    for name, info in saved.comparators.items():
        c = comparators.get(name)
        if c is None or c.pass_at is None:
            continue
        old = c.pass_mark({**c.options, **info.options})
        options = current.options.get(name) if current is not None else None
        now = c.pass_mark({**c.options, **(options if options is not None else info.options)})
        if old is not None and now is not None:
            marks[name] = (old, now)
    return marks


def _stale(saved: Summary, config: Any, settings: Any) -> str:
    """Why the saved scores are not what the current comparators would give, or ""."""
    from migrate.parity.compare.summary import comparator_fingerprint, comparator_settings

    current = _current_settings(config, settings)
    if current is None or saved.comparator_fingerprint is None:
        return ""
    if comparator_fingerprint(current) == saved.comparator_fingerprint:
        return ""
    now, then = comparator_settings(current), saved.comparator_settings or {}
    unavailable = set(current.skipped)  # not installed here: not a change of settings
    changed = sorted(n for n in set(now) | set(then) if n not in unavailable and now.get(n) != then.get(n))
    what = f" ({', '.join(changed)})" if changed else " (another version of migrate-kit)"
    return (f"scores may be stale: the comparators configured now differ from those that scored this run{what}; "
            "thresholds, gates, pass marks and prices were re-applied, but run `migrate parity compare` again to score with them")


def _case_texts(run: Path, keys: set[str]) -> dict[str, dict[str, Any]]:
    """Prompt and answers of the cases that newly made the worst list, from the run file (if it is still there)."""
    from migrate.parity.compare.aggregate import Aggregator
    from migrate.parity.compare.pair import Pair
    from migrate.parity.runfile import read_run

    if not run.is_file():
        return {k: {"prompt": "", "baseline": "", "candidate": "", "truncated": False} for k in keys}
    out = {}
    _, records = read_run(run, bad=[])
    for record in records:
        if record.key in keys:
            case = Aggregator.case({"key": record.key}, Pair(record))
            out[record.key] = {k: case[k] for k in ("prompt", "baseline", "candidate", "truncated", "latency_ms")}
            if len(out) == len(keys):
                break
    return out
