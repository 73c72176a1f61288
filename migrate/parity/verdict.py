"""Go / no-go / inconclusive: the compare summary held against thresholds from config.

A decision first asks whether there is enough evidence to decide (`Evidence`): requests compared, lines
skipped, replay finished, every gate measured. Then it holds what was measured to the thresholds:

    GO            every threshold holds, on enough evidence                      exit 0
    NO-GO         a threshold fails (even on partial evidence: a failure is a failure)   exit 1
    INCONCLUSIVE  nothing fails, but the evidence is short of what GO needs      exit 3

    [tool.migrate.parity.thresholds]
    min_requests = 1             # evidence: requests compared (pass, fail or candidate error), at least
    min_compared_share = 1.0     # evidence: share of the requests the recordings ask for that were compared
    min_per_gate = 1             # evidence: requests each gate that applies must have scored
    allow_skipped = false        # evidence: true lets a run with skipped (unreadable) lines go
    max_error_rate = 0.02        # candidate errors (timeouts, HTTP errors) per request, at most
    min_pass_rate = 0.90         # requests passing every gated comparator, at least
    equivalence = 0.85           # per comparator: its pass rate, at least (false removes a default)
    max_latency_p90_ratio = 3.0  # candidate p90 latency / baseline p90, at most (also p50, p99)
    max_cost_ratio = 1.0         # candidate cost / baseline cost, at most (needs prices for both)

    [tool.migrate.parity.thresholds.tags.checkout]      # stricter for one tag's requests
    tool_calls = 1.0
    [tool.migrate.parity.thresholds.endpoints."/v1/embeddings"]
    embedding_shape = 1.0

Top-level thresholds apply to all requests together; a tag or endpoint table applies to that slice only,
so a small slice cannot flap the whole run unless you ask it to. A comparator named in any threshold is a
*gate*: a request passes when every gate that applies to it passes (see `gates`). The defaults are
`DEFAULTS` below, documented in docs/commands/parity.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from migrate.config import Config, ConfigError

DEFAULTS: dict[str, float] = {
    "max_error_rate": 0.02,
    "min_pass_rate": 0.90,
    "min_requests": 1,
    "min_compared_share": 1.0,
    "min_per_gate": 1,
    "json_valid": 0.99,
    "json_schema": 0.98,
    "tool_calls": 0.90,
    "tool_schema": 0.98,
    "refusal": 0.95,
    "finish_reason": 0.90,
    "equivalence": 0.85,  # the layered text gate (compare/layered.py); `semantic` alone is reported, not gated
    "embedding_shape": 1.0,
    "embedding_structure": 0.90,
}
# Applies when semantic similarity did not run (no embedding model installed): lexical stands in for it.
LEXICAL_FALLBACK = 0.80
RATE_KEYS = ("max_error_rate", "min_pass_rate")
RATIO_KEYS = ("max_latency_p50_ratio", "max_latency_p90_ratio", "max_latency_p99_ratio", "max_cost_ratio")
COUNT_KEYS = ("min_requests", "min_per_gate")
EVIDENCE_KEYS = (*COUNT_KEYS, "min_compared_share")
SPECIAL_KEYS = (*RATE_KEYS, *RATIO_KEYS, *EVIDENCE_KEYS)
EXIT_GO, EXIT_NO_GO, EXIT_INCONCLUSIVE = 0, 1, 3  # 2 is a usage error (bad option, unreadable file)


@dataclass(frozen=True)
class Thresholds:
    overall: dict[str, float]
    tags: dict[str, dict[str, float]] = field(default_factory=dict)
    endpoints: dict[str, dict[str, float]] = field(default_factory=dict)
    allow_skipped: bool = False  # a run with skipped (unreadable) lines may still go

    @classmethod
    def from_config(cls, config: Config | None = None, *, known: set[str] | None = None,
                    overrides: Mapping[str, Any] | None = None, allow_skipped: bool | None = None) -> Thresholds:
        """`[tool.migrate.parity.thresholds]` (or `[parity.thresholds]` in migrate.toml), then `overrides`
        (e.g. `--threshold` values) and `allow_skipped` (e.g. `--allow-skipped`) on top."""
        section = dict((config.section("parity") if config else {}).get("thresholds", {}) or {})
        section.update(overrides or {})
        if allow_skipped:
            section["allow_skipped"] = True
        where = f"{config.source}: " if config and config.source else ""
        return cls.from_mapping(section, where=where, table=config_table(config, "parity.thresholds"), known=known)

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any], *, where: str = "", table: str = "parity.thresholds",
                     known: set[str] | None = None) -> Thresholds:
        if not isinstance(section, Mapping):
            raise ConfigError(f"{where}[{table}] must be a table")
        if known is None:
            from migrate.parity.compare.registry import registry

            known = set(registry())
        allow_skipped = section.get("allow_skipped", False)
        if not isinstance(allow_skipped, bool):
            raise ConfigError(f"{where}[{table}] allow_skipped = {allow_skipped!r}: expected true or false")
        flat = {k: v for k, v in section.items() if k not in ("tags", "endpoints", "allow_skipped")}
        overall = dict(DEFAULTS)
        for key, value in _values(flat, where, table, known).items():
            if value is None:
                overall.pop(key, None)
            else:
                overall[key] = value
        scoped: dict[str, dict[str, dict[str, float]]] = {"tags": {}, "endpoints": {}}
        for group in scoped:
            tables = section.get(group, {})
            if not isinstance(tables, Mapping):
                raise ConfigError(f"{where}[{table}.{group}] must be a table of tables")
            for name, values in tables.items():
                if not isinstance(values, Mapping):
                    raise ConfigError(f"{where}[{table}.{group}.{name}] must be a table")
                parsed = _values(values, where, f"{table}.{group}.{name}", known)
                scoped[group][name] = {k: v for k, v in parsed.items() if v is not None}
        return cls(overall, scoped["tags"], scoped["endpoints"], allow_skipped)

    def gates(self) -> set[str]:
        """Comparators whose failure fails a request: those named in any threshold."""
        names = set(self.overall)
        for tables in (self.tags, self.endpoints):
            for values in tables.values():
                names |= set(values)
        return names - set(SPECIAL_KEYS)

    def with_fallbacks(self, selected: set[str]) -> Thresholds:
        """Lexical similarity stands in as the text gate when semantic similarity cannot run."""
        if "semantic" in self.overall and "semantic" not in selected and "lexical" not in self.overall:
            return Thresholds({**self.overall, "lexical": LEXICAL_FALLBACK}, self.tags, self.endpoints, self.allow_skipped)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"overall": self.overall, "tags": self.tags, "endpoints": self.endpoints, "allow_skipped": self.allow_skipped}


def config_table(config: Config | None, table: str) -> str:
    """A table's name as the user writes it: `tool.migrate.<table>` in a pyproject.toml, `<table>` in migrate.toml."""
    pyproject = config is not None and config.source is not None and config.source.name == "pyproject.toml"
    return f"tool.migrate.{table}" if pyproject else table


def _values(values: Mapping[str, Any], where: str, table: str, known: set[str]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key, value in values.items():
        if key not in SPECIAL_KEYS and key not in known:
            raise ConfigError(
                f"{where}[{table}] {key}: not a comparator or threshold; comparators: {', '.join(sorted(known))}; "
                f"thresholds: {', '.join(SPECIAL_KEYS)}"
            )
        if value is False:
            if key == "min_requests":
                raise ConfigError(f"{where}[{table}] min_requests = false: GO needs at least 1 compared request")
            out[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}[{table}] {key} = {value!r}: expected a number (or false to turn a default off)")
        value = float(value)
        if key in RATIO_KEYS:
            if value <= 0:
                raise ConfigError(f"{where}[{table}] {key} = {value}: a ratio must be above 0")
        elif key == "min_requests":
            if value < 1:
                raise ConfigError(f"{where}[{table}] min_requests = {value:g}: GO needs at least 1 compared request")
        elif key == "min_per_gate":
            if value < 0:
                raise ConfigError(f"{where}[{table}] min_per_gate = {value:g}: must be 0 or more")
        elif not 0.0 <= value <= 1.0:
            raise ConfigError(f"{where}[{table}] {key} = {value}: a rate between 0 and 1 (0.95 means 95%)")
        out[key] = value
    return out


@dataclass(frozen=True)
class Check:
    scope: str  # "all", "tag:checkout", "endpoint:/v1/embeddings"
    metric: str  # "semantic", "max_error_rate", ...
    threshold: float
    actual: float | None  # None: not measured (no requests it applies to)
    passed: bool | None  # None: not measured, does not block
    n: int = 0
    detail: str = ""
    evidence: bool = False  # an evidence check: failing it makes the decision inconclusive, not no-go

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "metric": self.metric, "threshold": self.threshold, "actual": self.actual,
                "passed": self.passed, "n": self.n, "detail": self.detail, "evidence": self.evidence}


@dataclass(frozen=True)
class Evidence:
    """What a decision rests on, counted over the whole run."""

    recordings_read: int | None  # valid recordings replay read (None: the run file does not say)
    requests_expected: int | None  # requests the recordings asked for (recordings x samples)
    requests: int  # requests in the run file
    compared: int  # the candidate is held to them: pass, fail or candidate error
    passed: int
    failed: int
    candidate_errors: int
    unanswered: int  # no baseline answer recorded: nothing to compare with, never a pass
    both_failed: int  # the baseline failed too: not held against the candidate
    skipped_lines: int  # unreadable lines, recordings and run
    skipped: list[str]  # the first few, "path:line: reason"
    replay_finished: bool  # the run file ends with replay's summary line

    @property
    def missing(self) -> int:
        """Requests the recordings asked for that are not in the run (an unfinished replay)."""
        return max(0, self.requests_expected - self.requests) if self.requests_expected is not None else 0

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__} | {"missing": self.missing}


OUTCOMES = {"go": EXIT_GO, "no-go": EXIT_NO_GO, "inconclusive": EXIT_INCONCLUSIVE}
LABELS = {"go": "GO", "no-go": "NO-GO", "inconclusive": "INCONCLUSIVE"}


@dataclass(frozen=True)
class Decision:
    outcome: str  # "go" | "no-go" | "inconclusive"
    checks: list[Check]
    reasons: list[str]  # one line per failed threshold: why no-go
    gaps: list[str] = field(default_factory=list)  # one line per missing piece of evidence: why not go
    evidence: Evidence | None = None
    notes: list[str] = field(default_factory=list)  # what the reader should know that does not change the outcome

    @property
    def go(self) -> bool:
        return self.outcome == "go"

    @property
    def label(self) -> str:
        return LABELS[self.outcome]

    @property
    def exit_code(self) -> int:
        return OUTCOMES[self.outcome]

    @property
    def headline(self) -> str:
        """One sentence on what happened and why."""
        if self.outcome == "go":
            return "Every threshold holds."
        if self.outcome == "no-go":
            return f"{len(self.reasons)} threshold(s) not met."
        return f"Not enough evidence to decide ({len(self.gaps)} gap(s))."

    def to_dict(self) -> dict[str, Any]:
        return {"go": self.go, "verdict": self.outcome, "exit_code": self.exit_code, "headline": self.headline,
                "reasons": self.reasons, "gaps": self.gaps, "notes": self.notes,
                "evidence": self.evidence.to_dict() if self.evidence else None,
                "checks": [c.to_dict() for c in self.checks]}


def decide(summary: Any, thresholds: Thresholds) -> Decision:
    """Hold a compare summary (a `Summary`, `CompareResult.summary` or the verdicts file's summary line) to thresholds."""
    from migrate.parity.compare.summary import Summary

    summary = Summary.from_dict(summary)
    thresholds = thresholds.with_fallbacks(set(summary.comparators))
    checks: list[Check] = []
    plan = [("all", thresholds.overall)]
    plan += [(f"tag:{t}", v) for t, v in thresholds.tags.items()]
    plan += [(f"endpoint:{e}", v) for e, v in thresholds.endpoints.items()]
    for scope, values in plan:
        checks += _scope_checks(scope, summary.scope(scope), values, summary)
    evidence = _evidence(summary)
    checks += _evidence_checks(summary, evidence, thresholds)
    reasons = [_reason(c) for c in checks if c.passed is False and not c.evidence]
    gaps = [_gap(c, evidence) for c in checks if c.passed is False and c.evidence]
    notes = _notes(summary, evidence)
    outcome = "no-go" if reasons else ("inconclusive" if gaps else "go")
    return Decision(outcome, checks, reasons, gaps, evidence, notes)


def _evidence(summary: Any) -> Evidence:
    overall = summary.scope("all")
    replay = summary.replay
    return Evidence(
        recordings_read=replay.recordings_read if replay else None,
        requests_expected=replay.requests if replay else None,
        requests=overall.n, compared=overall.judged, passed=overall.passed, failed=overall.failed,
        candidate_errors=overall.errors, unanswered=overall.unanswered, both_failed=overall.both_failed,
        skipped_lines=summary.skipped_line_count, skipped=[str(s) for s in summary.skipped[:5]],
        replay_finished=replay is not None,
    )


def _evidence_checks(summary: Any, evidence: Evidence, thresholds: Thresholds) -> list[Check]:
    checks = []
    overall = thresholds.overall
    if "min_compared_share" in overall and evidence.requests_expected:
        expected = evidence.compared + evidence.missing
        share = evidence.compared / expected if expected else None
        checks.append(Check("all", "min_compared_share", overall["min_compared_share"], share,
                            None if share is None else share >= overall["min_compared_share"], expected,
                            f"{evidence.missing} request(s) the recordings ask for are not in the run" if evidence.missing else "",
                            evidence=True))
    checks.append(Check("all", "skipped_lines", 0, evidence.skipped_lines,
                        evidence.skipped_lines == 0 or thresholds.allow_skipped, evidence.skipped_lines,
                        "allowed (allow_skipped)" if evidence.skipped_lines and thresholds.allow_skipped else "",
                        evidence=True))
    minimum = overall.get("min_per_gate", 0)
    stats = summary.scope("all").comparators
    for name in sorted(thresholds.gates()):
        if name in summary.skipped_comparators or name not in summary.comparators:
            continue  # did not run at all: the summary says why (a fallback gate stands in for semantic)
        row = stats.get(name)
        if row is None or (row.n == 0 and row.unmeasured == 0):
            continue  # applies to no request of this run
        ok = row.unmeasured == 0 and row.n >= minimum
        checks.append(Check("all", "measured", minimum, row.n, ok, row.n + row.unmeasured,
                            name if ok else _unmeasured_detail(name, row, summary), evidence=True))
    return checks


def _unmeasured_detail(name: str, row: Any, summary: Any) -> str:
    why = summary.disabled_comparators.get(name) or "; ".join(summary.comparator_errors.get(name, [])[:1])
    if row.unmeasured:
        return f"{name} could not score {row.unmeasured} answered request(s)" + (f" ({why})" if why else "")
    return f"{name} scored {row.n} request(s)"


def _gap(c: Check, e: Evidence) -> str:
    if c.metric == "min_requests":
        where = "" if c.scope == "all" else f" [{c.scope}]"
        if c.scope != "all" or e.compared:
            return f"only {c.n} request(s) compared{where}; at least {c.threshold:g} needed"
        return _nothing_compared(e)
    if c.metric == "min_compared_share":
        return (f"only {e.compared} of {e.compared + e.missing} request(s) compared ({c.detail}; "
                "the replay did not finish: run it again with --resume)")
    if c.metric == "skipped_lines":
        first = f" (first: {e.skipped[0]})" if e.skipped else ""
        return (f"{e.skipped_lines} line(s) skipped{first}: the decision would not cover them; fix the file, "
                "or pass --allow-skipped (allow_skipped = true) to decide without them")
    if c.metric == "measured":
        return f"gate {c.detail}"
    return f"{c.metric}: {c.detail}"


def _nothing_compared(e: Evidence) -> str:
    if e.requests == 0:
        if e.skipped_lines:
            return f"nothing compared: no request could be read, {e.skipped_lines} line(s) skipped"
        return "nothing compared: the run has no requests (an empty recordings file?)"
    if e.unanswered == e.requests:
        return (f"nothing compared: none of the {e.requests} request(s) has a baseline answer (record with the proxy "
                "or SDK hook to capture the answers, or replay with --baseline URL)")
    if e.both_failed and e.both_failed + e.unanswered == e.requests:
        return (f"nothing compared: {e.both_failed} request(s) failed on the baseline too"
                + (f" and {e.unanswered} have no baseline answer" if e.unanswered else ""))
    return "nothing compared"


def _notes(summary: Any, e: Evidence) -> list[str]:
    notes = []
    if e.unanswered and e.compared:
        notes.append(f"{e.unanswered} request(s) have no baseline answer: not compared, not counted as passes")
    if e.both_failed:
        notes.append(f"{e.both_failed} request(s) failed on the baseline too: marked \"baseline failed too\", "
                     "not counted against the candidate")
    if not e.replay_finished and e.requests:
        notes.append("the run file has no replay summary (an unfinished replay, or a run from an older version): "
                     "skipped recordings lines and missing requests cannot be counted")
    return notes


def _scope_checks(scope: str, stats: Any, values: Mapping[str, float], summary: Any) -> list[Check]:
    judged = stats.judged
    checks = []
    for metric, threshold in values.items():
        if metric == "min_requests":
            aside = f" ({stats.redacted} redacted prompt(s) set apart)" if stats.redacted else ""
            checks.append(Check(scope, metric, threshold, judged, judged >= threshold, judged,
                                "" if judged >= threshold else "too few requests compared to judge" + aside, evidence=True))
        elif metric in ("min_compared_share", "min_per_gate"):
            continue  # whole-run evidence, see _evidence_checks
        elif metric == "max_error_rate":
            rate = stats.errors / judged if judged else None
            checks.append(Check(scope, metric, threshold, rate, None if rate is None else rate <= threshold, judged))
        elif metric == "min_pass_rate":
            rate = stats.passed / judged if judged else None
            checks.append(Check(scope, metric, threshold, rate, None if rate is None else rate >= threshold, judged))
        elif metric.startswith("max_latency_"):
            q = metric.split("_")[2]  # p50 / p90 / p99
            ratio, detail = _latency_ratio(summary, scope, q)
            checks.append(Check(scope, metric, threshold, ratio, None if ratio is None else ratio <= threshold,
                                judged, detail))
        elif metric == "max_cost_ratio":
            base, cand = summary.cost.baseline_usd, summary.cost.candidate_usd
            ratio = cand / base if base and cand is not None and scope == "all" else None
            checks.append(Check(scope, metric, threshold, ratio, None if ratio is None else ratio <= threshold, judged,
                                "" if ratio is not None else "needs prices for both models (and a whole-run scope)"))
        else:
            c = stats.comparators.get(metric)
            count = c.n if c else 0
            rate = c.passed / count if count else None
            detail = ""
            if not count:
                detail = "no requests it applies to"
            elif c.errored:
                detail = f"{c.errored} candidate error(s) counted as failures"
            checks.append(Check(scope, metric, threshold, rate, None if rate is None else rate >= threshold, count, detail))
    return checks


def _latency_ratio(summary: Any, scope: str, q: str) -> tuple[float | None, str]:
    block = summary.latency.get(scope) or {}
    base, cand = block.get("baseline"), block.get("candidate")
    base_q, cand_q = getattr(base, q, None), getattr(cand, q, None)
    if not base_q or cand_q is None:
        return None, "no baseline latency recorded"
    return cand_q / base_q, f"candidate {cand_q:.0f} ms vs baseline {base_q:.0f} ms"


def _reason(c: Check) -> str:
    where = "" if c.scope == "all" else f" [{c.scope}]"
    if c.metric == "max_error_rate":
        return f"candidate error rate {c.actual:.1%}{where} > {c.threshold:.1%}"
    if c.metric == "min_pass_rate":
        return f"{c.actual:.1%} of requests pass every gate{where} < {c.threshold:.1%}"
    if c.metric.startswith("max_"):
        return f"{c.metric.removeprefix('max_').replace('_', ' ')} {c.actual:.2f}{where} > {c.threshold:g} ({c.detail})"
    extra = f"; {c.detail}" if c.detail else ""
    return f"{c.metric} pass rate {c.actual:.1%}{where} < {c.threshold:.1%} (n={c.n}{extra})"
