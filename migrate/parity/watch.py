"""A rolling summary of a run file while it is being written (by shadow traffic or by `parity run`).

    watcher = RunWatcher("shadow.jsonl")
    watcher.poll()                 # read the complete lines added since the last poll, score them
    snap = watcher.snapshot()      # counts, pass rates (all and the last `window` requests), latencies

Each poll reads only the bytes added since the previous one and stops at the last complete line, so a line
being written is read whole on the next poll, and a file of any size costs only its new lines. Every new
result is scored with the cheap comparators the compare settings choose for its kind (exact, normalised,
lexical, JSON, tools, refusal, finish reason, ...) and the default text gate, `equivalence`, in its model-free
form (key facts and word overlap, no judge: `LIVE_OPTIONS`); the other batch comparators (semantic similarity,
the judge) are left to `migrate parity compare`, and the snapshot names them. Watching is a view, not a gate: the
decision comes from `compare` and `report`.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate.jsonl import BadLine
from migrate.parity.compare.pair import Pair
from migrate.parity.compare.registry import Context, registry
from migrate.parity.compare.settings import CompareSettings
from migrate.parity.runfile import RunHeader, RunRecord
from migrate.parity.verdict import Thresholds

LATENCIES_KEPT = 5000  # the latency percentiles are over the most recent results


@dataclass
class ComparatorTally:
    scored: int = 0
    passed: int = 0
    threshold: float | None = None  # its gate (minimum pass rate), None when it is not a gate

    @property
    def rate(self) -> float | None:
        return self.passed / self.scored if self.scored else None


@dataclass
class WatchSnapshot:
    path: str
    header: dict[str, Any] | None
    results: int  # result lines read
    compared: int  # both sides answered, at least one comparator scored it
    passed: int  # compared, and no gate comparator failed it
    candidate_errors: int  # the candidate failed where the baseline answered (or had no answer)
    both_failed: int  # the baseline failed too: not held against the candidate
    no_baseline: int  # the candidate answered, the baseline has no answer to compare with
    error_types: dict[str, int]
    comparators: dict[str, ComparatorTally]
    window: int
    window_passed: int
    window_compared: int
    candidate_p50_ms: float | None
    baseline_p50_ms: float | None
    candidate_ttft_p50_ms: float | None
    left_to_compare: list[str]  # batch comparators chosen for these kinds, not run by watch
    min_pass_rate: float | None = None  # the run's gate on the pass rate (thresholds)
    bad_lines: list[BadLine] = field(default_factory=list)

    @property
    def pass_rate(self) -> float | None:
        """Passed over compared plus candidate errors: an error is a failed request, as in `parity compare`."""
        judged = self.compared + self.candidate_errors
        return self.passed / judged if judged else None

    @property
    def window_rate(self) -> float | None:
        return self.window_passed / self.window_compared if self.window_compared else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "results": self.results, "compared": self.compared, "passed": self.passed,
            "pass_rate": self.pass_rate, "candidate_errors": self.candidate_errors, "both_failed": self.both_failed,
            "no_baseline": self.no_baseline, "error_types": self.error_types,
            "comparators": {n: {"scored": t.scored, "passed": t.passed, "pass_rate": t.rate, "threshold": t.threshold}
                            for n, t in self.comparators.items()},
            "window": {"size": self.window, "compared": self.window_compared, "passed": self.window_passed, "pass_rate": self.window_rate},
            "latency_ms": {"candidate_p50": self.candidate_p50_ms, "baseline_p50": self.baseline_p50_ms,
                           "candidate_ttft_p50": self.candidate_ttft_p50_ms},
            "left_to_compare": self.left_to_compare, "min_pass_rate": self.min_pass_rate,
            "bad_lines": [str(b) for b in self.bad_lines],
        }


class RunWatcher:
    """Reads a growing run file incrementally and keeps rolling tallies (see the module docstring)."""

    # Batch comparators cheap enough to run as lines arrive, with the options that keep them so.
    LIVE_OPTIONS: dict[str, dict[str, Any]] = {"equivalence": {"similarity": "lexical", "judge": False}}

    def __init__(self, path: str | Path, *, settings: CompareSettings | None = None, thresholds: Thresholds | None = None,
                 window: int = 200):
        self.path = Path(path)
        self.settings = settings or CompareSettings.build()
        self.window = window
        self._comparators = registry()
        live = {n for n in self.settings.names if n in self._comparators
                and (not self._comparators[n].batch or n in self.LIVE_OPTIONS)}
        self._live = live
        self._context = Context()
        # As in compare: a request fails when a gate comparator fails it; lexical stands in for semantic here.
        self.thresholds = (thresholds or Thresholds.from_config()).with_fallbacks(live)
        self.gates = self.thresholds.gates() & live
        self._offset = 0
        self._line = 0
        self._reset()

    def _reset(self) -> None:
        self.header: RunHeader | None = None
        self._header_dict: dict[str, Any] | None = None
        self.results = self.compared = self.passed = 0
        self.candidate_errors = self.both_failed = self.no_baseline = 0
        self.error_types: Counter[str] = Counter()
        self.tallies: dict[str, ComparatorTally] = {}
        self.recent: deque[bool] = deque(maxlen=self.window)
        self.cand_latency: deque[float] = deque(maxlen=LATENCIES_KEPT)
        self.base_latency: deque[float] = deque(maxlen=LATENCIES_KEPT)
        self.cand_ttft: deque[float] = deque(maxlen=LATENCIES_KEPT)
        self.left_to_compare: set[str] = set()
        self.bad: list[BadLine] = []

    def poll(self) -> int:
        """Read and score the complete lines added since the last poll; returns how many results were new."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return 0
        if size < self._offset:  # truncated or replaced: start over
            self._offset = self._line = 0
            self._reset()
        if size == self._offset:
            return 0
        with open(self.path, "rb") as fh:
            fh.seek(self._offset)
            data = fh.read(size - self._offset)
        end = data.rfind(b"\n")
        if end < 0:
            return 0  # only part of a line so far
        self._offset += end + 1
        before = self.results
        for raw in data[: end + 1].splitlines():
            self._line += 1
            if raw.strip():
                self._take(raw)
        return self.results - before

    def _take(self, raw: bytes) -> None:
        try:
            obj = json.loads(raw)
        except ValueError as e:
            self.bad.append(BadLine(str(self.path), self._line, f"not valid JSON ({e.msg})"))
            return
        if not isinstance(obj, dict):
            self.bad.append(BadLine(str(self.path), self._line, "not a JSON object"))
            return
        if obj.get("type") == "header":
            self._header_dict = obj
            return
        try:
            record = RunRecord.from_dict(obj)
        except (KeyError, TypeError, ValueError) as e:
            self.bad.append(BadLine(str(self.path), self._line, f"not a run result ({e!r})"))
            return
        self._score(record)

    def _score(self, record: RunRecord) -> None:
        self.results += 1
        cand, base = record.candidate, record.baseline
        if cand.latency_ms is not None:
            self.cand_latency.append(cand.latency_ms)
        if cand.ttft_ms is not None:
            self.cand_ttft.append(cand.ttft_ms)
        if base is not None and base.latency_ms is not None:
            self.base_latency.append(base.latency_ms)
        baseline_ok = base is not None and base.ok
        baseline_failed = base is not None and not base.ok
        if not cand.ok:
            self.error_types[(cand.error or {}).get("type") or f"HTTP {cand.status}"] += 1
            if baseline_failed:
                self.both_failed += 1
            else:
                self.candidate_errors += 1
                self.recent.append(False)
                # As in `parity compare`: a candidate error fails every comparator that applies to its request.
                for name in self.settings.for_kind(Pair(record).kind):
                    if name in self._live:
                        self._tally(name).scored += 1
            return
        if not baseline_ok:
            self.no_baseline += 1
            return
        pair = Pair(record)
        scored, passed_all = False, True
        for name in self.settings.for_kind(pair.kind):
            comparator = self._comparators.get(name)
            if comparator is None:
                continue
            if name not in self._live:
                self.left_to_compare.add(name)
                continue
            try:
                if comparator.batch:
                    options = {**self.settings.options[name], **self.LIVE_OPTIONS[name]}
                    score = comparator.fn([pair], options, self._context)[0]
                else:
                    score = comparator.fn(pair, self.settings.options[name])
            except Exception:  # noqa: BLE001 - one odd answer never stops the view; compare reports it
                continue
            if score is None:
                continue
            scored = True
            tally = self._tally(name)
            tally.scored += 1
            tally.passed += bool(score.passed)
            if name in self.gates:
                passed_all = passed_all and bool(score.passed)
        if scored:
            self.compared += 1
            self.passed += passed_all
            self.recent.append(passed_all)

    def _tally(self, name: str) -> ComparatorTally:
        tally = self.tallies.get(name)
        if tally is None:
            threshold = self.thresholds.overall.get(name) if name in self.gates else None
            tally = self.tallies[name] = ComparatorTally(threshold=threshold)
        return tally

    def snapshot(self) -> WatchSnapshot:
        return WatchSnapshot(
            path=str(self.path),
            header=self._header_dict,
            results=self.results,
            compared=self.compared,
            passed=self.passed,
            candidate_errors=self.candidate_errors,
            both_failed=self.both_failed,
            no_baseline=self.no_baseline,
            error_types=dict(self.error_types.most_common()),
            comparators={n: ComparatorTally(t.scored, t.passed, t.threshold) for n, t in sorted(self.tallies.items())},
            window=self.window,
            window_passed=sum(self.recent),
            window_compared=len(self.recent),
            candidate_p50_ms=_p50(self.cand_latency),
            baseline_p50_ms=_p50(self.base_latency),
            candidate_ttft_p50_ms=_p50(self.cand_ttft),
            left_to_compare=sorted(self.left_to_compare),
            min_pass_rate=self.thresholds.overall.get("min_pass_rate"),
            bad_lines=list(self.bad),
        )


def _p50(values: deque[float]) -> float | None:
    return statistics.median(values) if values else None


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def render(snap: WatchSnapshot) -> Any:
    """A rich renderable of one snapshot (the CLI refreshes it with rich Live)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    header = snap.header or {}
    candidate = (header.get("candidate") or {}).get("base_url") or "?"
    source = (header.get("extra") or {}).get("source") or "parity run"
    title = Text.assemble((f"{snap.path}", "bold"), f"  ({source} -> {candidate})")
    overview = Table.grid(padding=(0, 2))
    overview.add_column()
    overview.add_column(justify="right")
    overview.add_row("results", str(snap.results))
    overview.add_row("compared", str(snap.compared))
    overview.add_row("pass rate (no gate failed, errors count as failed)", Text(_pct(snap.pass_rate), style=_style(snap.pass_rate, snap.min_pass_rate)))
    overview.add_row(f"pass rate, last {snap.window_compared} request(s)", Text(_pct(snap.window_rate), style=_style(snap.window_rate, snap.min_pass_rate)))
    overview.add_row("candidate errors", Text(str(snap.candidate_errors), style="red" if snap.candidate_errors else ""))
    if snap.both_failed:
        overview.add_row("failed on both sides (not counted)", str(snap.both_failed))
    if snap.no_baseline:
        overview.add_row("no baseline answer to compare", str(snap.no_baseline))
    overview.add_row("latency p50 baseline / candidate", f"{_ms(snap.baseline_p50_ms)} / {_ms(snap.candidate_p50_ms)}")
    if snap.candidate_ttft_p50_ms is not None:
        overview.add_row("candidate time to first token p50", _ms(snap.candidate_ttft_p50_ms))
    parts: list[Any] = [title, overview]
    if snap.comparators:
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
        table.add_column("comparator")
        table.add_column("scored", justify="right")
        table.add_column("passed", justify="right")
        table.add_column("pass rate", justify="right")
        table.add_column("gate", justify="right")
        for name, tally in snap.comparators.items():
            gate = "" if tally.threshold is None else f">= {tally.threshold:.0%}"
            table.add_row(name, str(tally.scored), str(tally.passed), Text(_pct(tally.rate), style=_style(tally.rate, tally.threshold)), gate)
        parts.append(table)
    if snap.error_types:
        parts.append(Text("candidate errors by type: " + ", ".join(f"{k} {v}" for k, v in snap.error_types.items()), style="red"))
    if snap.left_to_compare:
        parts.append(Text(f"not run live (slow): {', '.join(snap.left_to_compare)}; run `migrate parity compare {snap.path}` "
                          "for the full scores and the decision", style="dim"))
    if snap.bad_lines:
        parts.append(Text(f"{len(snap.bad_lines)} line(s) skipped, first: {snap.bad_lines[0]}", style="yellow"))
    if not snap.results:
        parts.append(Text("waiting for results...", style="dim"))
    return Group(*parts)


def _style(rate: float | None, threshold: float | None = 0.9) -> str:
    if rate is None:
        return ""
    if threshold is None:
        return "dim"
    return "green" if rate >= threshold else "red"
