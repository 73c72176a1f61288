"""Aggregate statistics of a compare run, in memory bounded by the number of comparators, tags and
endpoints, never by the number of requests: counters, fixed-bin score histograms, log-binned latency
sketches, the k worst cases and a uniform sample of cases."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from itertools import combinations
from typing import Any

from migrate.parity.causes import ErrorCauses
from migrate.parity.compare.pair import Answer, Pair
from migrate.parity.compare.stats import LogHistogram, Reservoir, ScoreHistogram, TopK
from migrate.parity.compare.text import normalize, token_f1

MAX_SCOPES_PER_GROUP = 200  # tags (or endpoints) beyond this many distinct values are counted as "(other)"
MAX_MODELS = 100
CASE_TEXT_CHARS = 4000
PROMPT_CHARS = 2000
REDACTED_SCOPE = "redacted:prompt"  # requests replayed with a redacted prompt against a recorded baseline


# What happened to one request, as far as the decision goes (the verdict line's "status"):
#   pass / fail   both sides answered; every gate passed / some gate failed
#   error         the candidate failed (timeout, HTTP error, ...): counts against it
#   unanswered    the candidate answered but the recording has no baseline answer: nothing to compare with
#   both_failed   the baseline recorded an error and the candidate failed too: not held against the candidate
STATUSES = ("pass", "fail", "error", "unanswered", "both_failed")


def verdict_status(verdict: dict[str, Any]) -> str:
    """The status of a verdict line; derived for files written before verdict lines carried one."""
    status = verdict.get("status")
    if status in STATUSES:
        return status
    if verdict.get("error") is not None:
        return "error"
    if verdict.get("no_baseline"):
        return "unanswered"
    return "pass" if verdict.get("passed") else "fail"


class ScopeStats:
    __slots__ = ("both_failed", "comparators", "errors", "failed", "n", "passed", "redacted", "set_aside", "unanswered")

    def __init__(self, *, set_aside_redacted: bool = True) -> None:
        self.n = self.errors = self.passed = self.failed = self.unanswered = self.both_failed = self.redacted = 0
        self.set_aside = set_aside_redacted
        # name -> [n, passed, score_sum, scored, ScoreHistogram, errored, unmeasured]
        self.comparators: dict[str, list[Any]] = {}

    def _row(self, name: str) -> list[Any]:
        row = self.comparators.get(name)
        if row is None:
            row = self.comparators[name] = [0, 0, 0.0, 0, ScoreHistogram(), 0, 0]
        return row

    def add(self, verdict: dict[str, Any], scores: list[tuple[str, bool, float | None, int]]) -> None:
        """`scores`: (comparator, passed, score, histogram bin) prepared once per verdict for every scope."""
        status = verdict_status(verdict)
        self.n += 1
        if status == "unanswered":
            self.unanswered += 1
            return
        if status == "both_failed":
            self.both_failed += 1
            return
        if status == "error":
            # A candidate error fails every comparator that applies to the request (a tool request that timed
            # out did not call the tool): counted, never left as "not measured"; no score enters the histograms.
            self.errors += 1
            for name, *_ in scores:
                row = self._row(name)
                row[0] += 1
                row[5] += 1
            return
        if self.set_aside and verdict.get("redacted"):
            # The candidate answered a redacted prompt, the recorded baseline the original: the scores measure
            # the redaction as much as the model, so they count in the "redacted" scope only (not in gates).
            self.redacted += 1
            return
        self.passed += status == "pass"
        self.failed += status == "fail"
        for name, passed, score, index in scores:
            row = self._row(name)
            row[0] += 1
            row[1] += passed
            if score is not None:
                row[2] += score
                row[3] += 1
                row[4].counts[index] += 1
        for name in verdict.get("unmeasured") or ():
            self._row(name)[6] += 1

    def to_dict(self) -> dict[str, Any]:
        judged = self.passed + self.failed + self.errors
        return {
            "n": self.n, "judged": judged, "passed": self.passed, "failed": self.failed, "errors": self.errors,
            "unanswered": self.unanswered, "both_failed": self.both_failed, "no_baseline": self.unanswered,
            "redacted": self.redacted,
            "pass_rate": round(self.passed / judged, 4) if judged else None,
            "comparators": {
                name: {"n": n, "passed": p, "pass_rate": round(p / n, 4) if n else None,
                       "mean_score": round(total / scored, 4) if scored else None, "histogram": hist.counts,
                       "errored": errored, "unmeasured": unmeasured}
                for name, (n, p, total, scored, hist, errored, unmeasured) in sorted(self.comparators.items())
            },
        }


CASE_KEYS = ("key", "recording_id", "sample", "endpoint", "kind", "tags", "passed", "failed_gates", "error", "scores",
             "status", "baseline_error", "no_baseline", "redacted", "decided_by")


def case_fields(verdict: dict[str, Any]) -> dict[str, Any]:
    """The verdict's fields a report case carries (its texts come from the run file)."""
    return {**{k: verdict.get(k) for k in CASE_KEYS}, "status": verdict_status(verdict)}


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
        self.error_causes = ErrorCauses()  # candidate errors by cause, with the fix (migrate.parity.causes)
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

    def add(self, verdict: dict[str, Any], case: Callable[[], dict[str, Any]], record: Any = None) -> None:
        """Count one verdict line. Everything comes from the line itself (so a saved verdicts file can be
        aggregated again under new thresholds), except a case's texts: `case()` builds them when kept, and the
        causes of candidate errors, read from the run `record` when given (a re-judged summary keeps its own)."""
        bins = ScoreHistogram.BINS
        scores = [(name, s["passed"], s["score"], 0 if s["score"] is None else min(bins - 1, max(0, int(s["score"] * bins))))
                  for name, s in verdict["scores"].items()]
        self.scopes["all"].add(verdict, scores)
        self._scope("endpoint", verdict["endpoint"]).add(verdict, scores)
        self._scope("kind", verdict["kind"]).add(verdict, scores)
        for tag in verdict["tags"]:
            self._scope("tag", tag).add(verdict, scores)
        if verdict.get("redacted"):
            aside = self.scopes.get(REDACTED_SCOPE)
            if aside is None:
                aside = self.scopes[REDACTED_SCOPE] = ScopeStats(set_aside_redacted=False)
            aside.add(verdict, scores)
        status = verdict_status(verdict)
        if status == "error":
            self.error_types[verdict["error"].split(":", 1)[0]] += 1
        if record is not None and verdict.get("error") is not None:
            self.error_causes.add(record)
        ok = (not verdict.get("no_baseline"), verdict.get("error") is None)
        latency = verdict.get("latency_ms") or [None, None]
        ttft = verdict.get("ttft_ms") or [None, None]
        for scope in ("all", f"endpoint:{verdict['endpoint']}"):
            block = self.latency.get(scope)
            if block is None:
                if len(self.latency) > MAX_SCOPES_PER_GROUP:
                    continue
                block = self.latency[scope] = {k: LogHistogram() for k in ("baseline", "candidate", "baseline_ttft", "candidate_ttft")}
            for i, side in enumerate(("baseline", "candidate")):
                if ok[i]:
                    if latency[i] is not None:
                        block[side].add(latency[i])
                    if ttft[i] is not None:
                        block[side + "_ttft"].add(ttft[i])
        for side, usage in (verdict.get("usage") or {}).items():
            if usage is None or side not in self.usage:
                continue
            models = self.usage[side]
            model = usage[0] or "(unknown)"
            if model not in models and len(models) >= MAX_MODELS:
                model = "(other)"
            row = models.setdefault(model, {"requests": 0, "input": 0, "output": 0})
            row["requests"] += 1
            row["input"] += usage[1]
            row["output"] += usage[2]
        failed = [n for n, s in verdict["scores"].items() if not s["passed"]]
        if failed or status != "pass":
            scored = [s["score"] for s in verdict["scores"].values() if s["score"] is not None]
            rank = {"error": 2, "fail": 1}.get(status, 0)  # errors and failures before unanswered requests
            key = (rank, len(verdict["failed_gates"]), len(failed), 1 - (sum(scored) / len(scored) if scored else 0))
            self.worst.add(key, case)
        slot = self.sample.offer()
        if slot is not None:
            self.sample.put(slot, case())

    @staticmethod
    def case(verdict: dict[str, Any], pair: Pair) -> dict[str, Any]:
        record = pair.record
        base, base_cut = _clip(display(pair.baseline, record.baseline), CASE_TEXT_CHARS)
        cand, cand_cut = _clip(display(pair.candidate, record.candidate), CASE_TEXT_CHARS)
        prompt, _ = _clip(pair.prompt_text, PROMPT_CHARS)
        return {
            **case_fields(verdict),
            "prompt": prompt, "baseline": base, "candidate": cand, "truncated": base_cut or cand_cut,
            "latency_ms": [record.baseline.latency_ms if record.baseline else None, record.candidate.latency_ms],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "scopes": {k: v.to_dict() for k, v in self.scopes.items()},
            "latency": {scope: {k: h.to_dict() for k, h in block.items()} for scope, block in self.latency.items()},
            "usage": self.usage,
            "error_types": dict(self.error_types.most_common()),
            "error_causes": self.error_causes.to_dict(),
            "worst": self.worst.items(),
            "sample": self.sample.items(),
            "agreement": self.agreement.to_dict(),
        }
