"""Aggregate statistics of a compare run, in memory bounded by the number of comparators, tags and
endpoints, never by the number of requests: counters, fixed-bin score histograms, log-binned latency
sketches, the k worst cases and a uniform sample of cases."""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations
from typing import Any

from migrate.parity.compare.pair import Answer, Pair
from migrate.parity.compare.stats import LogHistogram, Reservoir, ScoreHistogram, TopK
from migrate.parity.compare.text import normalize, token_f1

MAX_SCOPES_PER_GROUP = 200  # tags (or endpoints) beyond this many distinct values are counted as "(other)"
MAX_MODELS = 100
CASE_TEXT_CHARS = 4000
PROMPT_CHARS = 2000


class ScopeStats:
    __slots__ = ("comparators", "errors", "n", "no_baseline", "passed")

    def __init__(self) -> None:
        self.n = self.errors = self.passed = self.no_baseline = 0
        self.comparators: dict[str, list[Any]] = {}  # name -> [n, passed, score_sum, scored, ScoreHistogram]

    def add(self, verdict: dict[str, Any], scores: list[tuple[str, bool, float | None, int]]) -> None:
        """`scores`: (comparator, passed, score, histogram bin) prepared once per verdict for every scope."""
        self.n += 1
        self.errors += verdict["error"] is not None
        self.passed += verdict["passed"]
        self.no_baseline += verdict["no_baseline"]
        if verdict["error"] is not None:
            # Counted once, as an error (max_error_rate, min_pass_rate); comparator pass rates are over the
            # requests the candidate answered, so one timeout does not fail every comparator's gate at once.
            return
        comparators = self.comparators
        for name, passed, score, index in scores:
            row = comparators.get(name)
            if row is None:
                row = comparators[name] = [0, 0, 0.0, 0, ScoreHistogram()]
            row[0] += 1
            row[1] += passed
            if score is not None:
                row[2] += score
                row[3] += 1
                row[4].counts[index] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n, "errors": self.errors, "passed": self.passed, "no_baseline": self.no_baseline,
            "pass_rate": round(self.passed / self.n, 4) if self.n else None,
            "comparators": {
                name: {"n": n, "passed": p, "pass_rate": round(p / n, 4) if n else None,
                       "mean_score": round(total / scored, 4) if scored else None, "histogram": hist.counts}
                for name, (n, p, total, scored, hist) in sorted(self.comparators.items())
            },
        }


def display(answer: Answer, outcome: Any) -> str:
    """What one side answered, as text for people: the text, tool calls as `name(args)`, or a vector summary."""
    if outcome is None:
        return ""
    if not outcome.ok:
        error = outcome.error or {}
        return f"[{error.get('type', 'error')}] {error.get('message', '')}" if error else f"[HTTP {outcome.status}]"
    parts = []
    if answer.text:
        parts.append(answer.text)
    if answer.refusal:
        parts.append(f"[refusal] {answer.refusal}")
    for call in answer.tool_calls:
        parts.append(f"{call.name}({call.arguments})")
    if answer.embeddings is not None:
        dims = sorted({len(v) for v in answer.embeddings})
        parts.append(f"[{len(answer.embeddings)} vector(s), dimension {', '.join(map(str, dims)) or '-'}]")
    return "\n".join(parts)


def _clip(text: str, limit: int) -> tuple[str, bool]:
    return (text, False) if len(text) <= limit else (text[:limit], True)


class Agreement:
    """Agreement across samples of one recording (samples > 1): kept per recording until all samples arrive."""

    def __init__(self, samples: int) -> None:
        self.samples = samples
        self.pending: dict[str, list[tuple[str, str]]] = {}
        self.n = 0
        self.exact_sum = 0.0
        self.lexical_sum = 0.0
        self.histogram = ScoreHistogram()
        self.low = TopK(10)

    def add(self, recording_id: str, pair: Pair) -> dict[str, Any] | None:
        if self.samples < 2:
            return None
        c = pair.candidate
        text = c.text or ""
        signature = normalize(text) + "\0" + json.dumps([(t.name, t.arguments) for t in c.tool_calls])
        bucket = self.pending.setdefault(recording_id, [])
        bucket.append((signature, text))
        if len(bucket) < self.samples:
            return None
        return self._close(recording_id)

    def _close(self, recording_id: str) -> dict[str, Any]:
        bucket = self.pending.pop(recording_id)
        mode = Counter(s for s, _ in bucket).most_common(1)[0][1]
        exact = mode / len(bucket)
        pairs = list(combinations([t for _, t in bucket], 2))
        lexical = sum(token_f1(a, b) for a, b in pairs) / len(pairs) if pairs else 1.0
        self.n += 1
        self.exact_sum += exact
        self.lexical_sum += lexical
        self.histogram.add(lexical)
        self.low.add(-lexical, {"recording_id": recording_id, "exact": round(exact, 4), "lexical": round(lexical, 4)})
        return {"type": "agreement", "recording_id": recording_id, "samples": len(bucket),
                "exact": round(exact, 4), "lexical": round(lexical, 4)}

    def flush(self) -> list[dict[str, Any]]:
        """Recordings with fewer samples than asked (an interrupted run) are closed with what arrived."""
        lines = []
        for rid in list(self.pending):
            if len(self.pending[rid]) > 1:
                lines.append({**self._close(rid), "incomplete": True})
            else:
                del self.pending[rid]
                lines.append({"type": "agreement", "recording_id": rid, "samples": 1, "incomplete": True})
        return lines

    def to_dict(self) -> dict[str, Any] | None:
        if self.samples < 2:
            return None
        return {
            "samples": self.samples, "recordings": self.n,
            "mean_exact": round(self.exact_sum / self.n, 4) if self.n else None,
            "mean_lexical": round(self.lexical_sum / self.n, 4) if self.n else None,
            "histogram": self.histogram.counts, "lowest": self.low.items(),
        }


class Aggregator:
    def __init__(self, *, worst: int = 50, sample: int = 20, samples: int = 1) -> None:
        self.scopes: dict[str, ScopeStats] = {"all": ScopeStats()}
        self.scope_counts: Counter[str] = Counter()
        self.latency: dict[str, dict[str, LogHistogram]] = {}
        self.usage: dict[str, dict[str, dict[str, int]]] = {"baseline": {}, "candidate": {}}
        self.error_types: Counter[str] = Counter()
        self.worst = TopK(worst)
        self.sample = Reservoir(sample)
        self.agreement = Agreement(samples)

    def _scope(self, group: str, value: str) -> ScopeStats:
        key = f"{group}:{value}"
        stats = self.scopes.get(key)
        if stats is None:
            if self.scope_counts[group] >= MAX_SCOPES_PER_GROUP:
                key = f"{group}:(other)"
                stats = self.scopes.get(key)
            if stats is None:
                self.scope_counts[group] += 1
                stats = self.scopes[key] = ScopeStats()
        return stats

    def add(self, verdict: dict[str, Any], pair: Pair) -> dict[str, Any] | None:
        bins = ScoreHistogram.BINS
        scores = [(name, s["passed"], s["score"], 0 if s["score"] is None else min(bins - 1, max(0, int(s["score"] * bins))))
                  for name, s in verdict["scores"].items()]
        self.scopes["all"].add(verdict, scores)
        self._scope("endpoint", verdict["endpoint"]).add(verdict, scores)
        self._scope("kind", verdict["kind"]).add(verdict, scores)
        for tag in verdict["tags"]:
            self._scope("tag", tag).add(verdict, scores)
        if verdict["error"] is not None:
            self.error_types[verdict["error"].split(":", 1)[0]] += 1
        record = pair.record
        for scope in ("all", f"endpoint:{verdict['endpoint']}"):
            block = self.latency.get(scope)
            if block is None:
                if len(self.latency) > MAX_SCOPES_PER_GROUP:
                    continue
                block = self.latency[scope] = {k: LogHistogram() for k in ("baseline", "candidate", "baseline_ttft", "candidate_ttft")}
            for side, outcome in (("baseline", record.baseline), ("candidate", record.candidate)):
                if outcome is not None and outcome.ok:
                    if outcome.latency_ms is not None:
                        block[side].add(outcome.latency_ms)
                    if outcome.ttft_ms is not None:
                        block[side + "_ttft"].add(outcome.ttft_ms)
        for side, answer in (("baseline", pair.baseline), ("candidate", pair.candidate)):
            if answer.usage is not None:
                models = self.usage[side]
                model = answer.model or "(unknown)"
                if model not in models and len(models) >= MAX_MODELS:
                    model = "(other)"
                row = models.setdefault(model, {"requests": 0, "input": 0, "output": 0})
                row["requests"] += 1
                row["input"] += answer.usage[0]
                row["output"] += answer.usage[1]
        failed = [n for n, s in verdict["scores"].items() if not s["passed"]]
        if failed or not verdict["passed"]:
            scored = [s["score"] for s in verdict["scores"].values() if s["score"] is not None]
            key = (len(verdict["failed_gates"]), len(failed), 1 - (sum(scored) / len(scored) if scored else 0))
            self.worst.add(key, lambda: self.case(verdict, pair))
        slot = self.sample.offer()
        if slot is not None:
            self.sample.put(slot, self.case(verdict, pair))
        return self.agreement.add(record.recording_id, pair)

    @staticmethod
    def case(verdict: dict[str, Any], pair: Pair) -> dict[str, Any]:
        record = pair.record
        base, base_cut = _clip(display(pair.baseline, record.baseline), CASE_TEXT_CHARS)
        cand, cand_cut = _clip(display(pair.candidate, record.candidate), CASE_TEXT_CHARS)
        prompt, _ = _clip(pair.prompt_text, PROMPT_CHARS)
        return {
            **{k: verdict[k] for k in ("key", "recording_id", "sample", "endpoint", "kind", "tags", "passed", "failed_gates", "error", "scores")},
            "decided_by": verdict.get("decided_by"),
            "prompt": prompt, "baseline": base, "candidate": cand, "truncated": base_cut or cand_cut,
            "latency_ms": [record.baseline.latency_ms if record.baseline else None, record.candidate.latency_ms],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "scopes": {k: v.to_dict() for k, v in self.scopes.items()},
            "latency": {scope: {k: h.to_dict() for k, h in block.items()} for scope, block in self.latency.items()},
            "usage": self.usage,
            "error_types": dict(self.error_types.most_common()),
            "worst": self.worst.items(),
            "sample": self.sample.items(),
            "agreement": self.agreement.to_dict(),
        }
