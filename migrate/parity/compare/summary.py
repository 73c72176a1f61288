"""The compare summary as a typed model: what `decide` and the reports read.

The verdicts file's last line is this summary as JSON (`Summary.to_dict()`); `Summary.from_dict` reads any
version of it, filling what an older or degenerate run lacks (no requests, no latency, no usage) with
empty values, so that nothing downstream meets a missing key. Keys it does not know (blocks other parts of
the kit add) are kept in `extra` and written back unchanged.

    summary = Summary.from_dict(read_summary("run.verdicts.jsonl"))
    summary.scope("all").judged, summary.evidence_counts()
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

SUMMARY_VERSION = 2
MAX_SKIPPED_LISTED = 50


@dataclass(frozen=True)
class ComparatorStats:
    """One comparator's results in one scope. `errored`: requests it applies to where the candidate failed
    (counted as failures); `unmeasured`: answered requests it should have scored and could not."""

    n: int = 0
    passed: int = 0
    pass_rate: float | None = None
    mean_score: float | None = None
    histogram: list[int] = field(default_factory=list)
    errored: int = 0
    unmeasured: int = 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ComparatorStats:
        return _build(cls, data)


@dataclass(frozen=True)
class ScopeSummary:
    """Counts of one scope ("all", "tag:x", "endpoint:/v1/...", "kind:chat") by request status."""

    n: int = 0
    judged: int = 0  # pass + fail + error: the requests the candidate is held to
    passed: int = 0
    failed: int = 0
    errors: int = 0
    unanswered: int = 0
    both_failed: int = 0
    redacted: int = 0  # answered with a redacted prompt against a recorded baseline: set apart from the gates
    pass_rate: float | None = None
    comparators: dict[str, ComparatorStats] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ScopeSummary:
        data = dict(data or {})
        comparators = {k: ComparatorStats.from_dict(v) for k, v in (data.pop("comparators", None) or {}).items()}
        if "judged" not in data:  # version 1: no statuses; unanswered requests were counted as judged
            data["unanswered"] = data.get("no_baseline", 0)
            data["judged"] = max(0, data.get("n", 0) - data["unanswered"])
            data["failed"] = max(0, data["judged"] - data.get("passed", 0) - data.get("errors", 0))
        return _build(cls, data, comparators=comparators)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "comparators"}
        out["no_baseline"] = self.unanswered
        out["comparators"] = {k: _plain(v) for k, v in self.comparators.items()}
        return out


@dataclass(frozen=True)
class Latency:
    n: int = 0
    mean: float | None = None
    min: float | None = None
    max: float | None = None
    p50: float | None = None
    p90: float | None = None
    p99: float | None = None
    buckets: list[list[float]] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Latency:
        return _build(cls, data)


@dataclass(frozen=True)
class SideCost:
    usd: float | None = None
    per_1k: float | None = None  # USD per 1,000 requests (token prices, or GPU-hours over the throughput)
    requests: int = 0  # the priced requests
    by_model: list[dict[str, Any]] = field(default_factory=list)
    unpriced: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> SideCost:
        return _build(cls, data)


@dataclass(frozen=True)
class Cost:
    baseline: SideCost = field(default_factory=SideCost)
    candidate: SideCost = field(default_factory=SideCost)
    throughput: dict[str, Any] | None = None  # the candidate's measured requests/s (prices.measured_throughput)

    @property
    def baseline_usd(self) -> float | None:
        return self.baseline.usd

    @property
    def candidate_usd(self) -> float | None:
        return self.candidate.usd

    @property
    def baseline_per_1k(self) -> float | None:
        return self.baseline.per_1k

    @property
    def candidate_per_1k(self) -> float | None:
        return self.candidate.per_1k

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Cost:
        data = data or {}
        sides = []
        for side in ("baseline", "candidate"):
            block = dict(data.get(side) or {})
            block.setdefault("usd", data.get(f"{side}_usd"))
            block.setdefault("per_1k", data.get(f"{side}_per_1k"))
            sides.append(SideCost.from_dict(block))
        return cls(*sides, throughput=data.get("throughput"))

    def to_dict(self) -> dict[str, Any]:
        return {"baseline_usd": self.baseline.usd, "candidate_usd": self.candidate.usd,
                "baseline_per_1k": self.baseline.per_1k, "candidate_per_1k": self.candidate.per_1k,
                "baseline": _plain(self.baseline), "candidate": _plain(self.candidate), "throughput": self.throughput}


@dataclass(frozen=True)
class SkippedLine:
    path: str
    line: int
    error: str
    stage: str  # "recordings" (read by replay) or "run" (read by compare)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.error}"


@dataclass(frozen=True)
class ReplayInfo:
    """The `replay` line a finished replay appends to the run file."""

    recordings: str = ""
    recordings_read: int = 0
    requests: int = 0
    done: int = 0
    bad_line_count: int = 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ReplayInfo | None:
        return None if not data else _build(cls, data)


@dataclass(frozen=True)
class ComparatorInfo:
    summary: str = ""
    kinds: list[str] = field(default_factory=list)
    gate: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ComparatorInfo:
        return _build(cls, data)


@dataclass(frozen=True)
class Summary:
    run: str = ""
    run_header: dict[str, Any] | None = None
    records: int = 0
    seconds: float = 0.0
    comparators: dict[str, ComparatorInfo] = field(default_factory=dict)
    skipped_comparators: dict[str, str] = field(default_factory=dict)
    disabled_comparators: dict[str, str] = field(default_factory=dict)
    comparator_errors: dict[str, list[str]] = field(default_factory=dict)
    comparator_fingerprint: str | None = None
    comparator_settings: dict[str, Any] | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)
    scopes: dict[str, ScopeSummary] = field(default_factory=dict)
    latency: dict[str, dict[str, Latency]] = field(default_factory=dict)
    usage: dict[str, dict[str, dict[str, int]]] = field(default_factory=lambda: {"baseline": {}, "candidate": {}})
    cost: Cost = field(default_factory=Cost)
    error_types: dict[str, int] = field(default_factory=dict)
    worst: list[dict[str, Any]] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    agreement: dict[str, Any] | None = None
    replay: ReplayInfo | None = None
    skipped_line_count: int = 0
    skipped: list[SkippedLine] = field(default_factory=list)  # the first MAX_SKIPPED_LISTED
    tool_version: str = ""
    catalog: dict[str, Any] | None = None
    version: int = SUMMARY_VERSION
    retuned: dict[str, Any] | None = None  # set by `report` when it judged saved scores again (see parity.rejudge)
    extra: dict[str, Any] = field(default_factory=dict)  # keys this model does not know, kept as they were

    def scope(self, name: str) -> ScopeSummary:
        return self.scopes.get(name) or ScopeSummary()

    @property
    def gates(self) -> set[str]:
        return {n for n, c in self.comparators.items() if c.gate}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | Summary) -> Summary:
        if isinstance(data, Summary):
            return data
        data = dict(data)
        known = {f.name for f in fields(cls)}
        skipped_block = data.get("skipped_lines") or {}
        skipped = [SkippedLine(str(s.get("path", "")), int(s.get("line", 0)), str(s.get("error", "")), str(s.get("stage", "")))
                   for s in skipped_block.get("lines", []) if isinstance(s, Mapping)]
        count = int(skipped_block.get("count", 0)) if skipped_block else int(data.get("bad_line_count", 0) or 0)
        if not skipped_block and data.get("bad_lines"):  # version 1: compare's bad lines as strings only
            skipped = [SkippedLine(*_split_bad(str(b)), "run") for b in data["bad_lines"]]
        values: dict[str, Any] = {
            "comparators": {k: ComparatorInfo.from_dict(v) for k, v in (data.get("comparators") or {}).items()},
            "scopes": {k: ScopeSummary.from_dict(v) for k, v in (data.get("scopes") or {}).items()},
            "latency": {scope: {k: Latency.from_dict(h) for k, h in (block or {}).items()}
                        for scope, block in (data.get("latency") or {}).items()},
            "cost": Cost.from_dict(data.get("cost")),
            "replay": ReplayInfo.from_dict(data.get("replay")),
            "skipped_line_count": count,
            "skipped": skipped,
            "usage": {"baseline": {}, "candidate": {}, **(data.get("usage") or {})},
            "worst": list(data.get("worst") or []),
            "sample": list(data.get("sample") or []),
        }
        for key in ("run", "run_header", "records", "seconds", "skipped_comparators", "disabled_comparators",
                    "comparator_errors", "comparator_fingerprint", "comparator_settings", "notes", "thresholds", "error_types", "agreement",
                    "tool_version", "catalog", "retuned"):
            if data.get(key) is not None:
                values[key] = data[key]
        values["version"] = int(data.get("version") or 1)
        ignored = {"type", "format", "bad_line_count", "bad_lines", "skipped_lines", "run_format"}
        values["extra"] = {k: v for k, v in data.items() if k not in known and k not in ignored}
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        from migrate.parity.compare.engine import FORMAT
        from migrate.parity.runfile import FORMAT as RUN_FORMAT

        run_skipped = [s for s in self.skipped if s.stage == "run"]
        return {
            "type": "summary", "format": FORMAT, "version": self.version,
            "run": self.run, "run_header": self.run_header, "records": self.records, "seconds": self.seconds,
            "bad_line_count": len(run_skipped), "bad_lines": [str(s) for s in run_skipped],
            "replay": _plain(self.replay) if self.replay else None,
            "skipped_lines": {"count": self.skipped_line_count, "lines": [_plain(s) for s in self.skipped]},
            "comparator_fingerprint": self.comparator_fingerprint, "comparator_settings": self.comparator_settings,
            "comparators": {k: _plain(v) for k, v in self.comparators.items()},
            "skipped_comparators": self.skipped_comparators, "disabled_comparators": self.disabled_comparators,
            "comparator_errors": self.comparator_errors, "notes": self.notes, "thresholds": self.thresholds,
            "scopes": {k: v.to_dict() for k, v in self.scopes.items()},
            "latency": {s: {k: _plain(h) for k, h in b.items()} for s, b in self.latency.items()},
            "usage": self.usage, "error_types": self.error_types, "worst": self.worst, "sample": self.sample,
            "agreement": self.agreement, "cost": self.cost.to_dict(), "tool_version": self.tool_version,
            "catalog": self.catalog, "run_format": RUN_FORMAT, "retuned": self.retuned, **self.extra,
        }


def _build(cls: Any, data: Mapping[str, Any] | None, **override: Any) -> Any:
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in (data or {}).items() if k in names and v is not None}
    return cls(**{**values, **override})


def _plain(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _split_bad(text: str) -> tuple[str, int, str]:
    path, _, rest = text.partition(":")
    line, _, error = rest.partition(":")
    try:
        return path, int(line), error.strip()
    except ValueError:
        return "", 0, text


# -- helpers for compare's summary line ----------------------------------------------------------------------
def replay_info(replay: Mapping[str, Any] | None) -> dict[str, Any] | None:
    info = ReplayInfo.from_dict(replay)
    return _plain(info) if info else None


def skipped_lines(replay: Mapping[str, Any] | None, run_bad: list[Any]) -> dict[str, Any]:
    """Lines skipped on the way, with their numbers and reasons: the recordings lines replay could not use
    (from the run file's replay line) and the run lines compare could not read."""
    lines: list[dict[str, Any]] = []
    count = 0
    if replay:
        count += int(replay.get("bad_line_count", 0))
        lines += [{"path": str(b.get("path", "")), "line": int(b.get("line", 0)), "error": str(b.get("error", "")),
                   "stage": "recordings"} for b in replay.get("bad_lines") or [] if isinstance(b, Mapping)]
    count += len(run_bad)
    lines += [{"path": b.path, "line": b.line, "error": b.error, "stage": "run"} for b in run_bad]
    return {"count": count, "lines": lines[:MAX_SKIPPED_LISTED]}


def comparator_settings(settings: Any) -> dict[str, Any]:
    """What decides the scores, per comparator: the request kinds it scores and its options except its pass
    mark (which `report` re-applies to saved scores without comparing again)."""
    from migrate.parity.compare.registry import registry

    comparators = registry()
    out: dict[str, Any] = {}
    for name in sorted(settings.names):
        c = comparators.get(name)
        mark = c.pass_at if c else None
        out[name] = {"kinds": sorted(k for k, ns in settings.selection.items() if name in ns),
                     "options": {k: v for k, v in sorted(settings.options.get(name, {}).items()) if k != mark}}
    return out


def comparator_fingerprint(settings: Any) -> str:
    """A digest of `comparator_settings` and the kit's version: equal digests, the same scores."""
    from migrate._version import __version__

    blob = json.dumps({"comparators": comparator_settings(settings), "version": __version__}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
