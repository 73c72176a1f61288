"""Go / no-go: the compare summary held against thresholds from config.

    [tool.migrate.parity.thresholds]
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
SPECIAL_KEYS = (*RATE_KEYS, *RATIO_KEYS, "min_requests")


@dataclass(frozen=True)
class Thresholds:
    overall: dict[str, float]
    tags: dict[str, dict[str, float]] = field(default_factory=dict)
    endpoints: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Config | None = None, *, known: set[str] | None = None) -> Thresholds:
        section = (config.section("parity") if config else {}).get("thresholds", {})
        where = f"{config.source}: " if config and config.source else ""
        prefix = "tool.migrate." if config and config.source and config.source.name == "pyproject.toml" else ""
        return cls.from_mapping(section, where=where, table=f"{prefix}parity.thresholds", known=known)

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any], *, where: str = "", table: str = "parity.thresholds",
                     known: set[str] | None = None) -> Thresholds:
        if not isinstance(section, Mapping):
            raise ConfigError(f"{where}[{table}] must be a table")
        if known is None:
            from migrate.parity.compare.registry import registry

            known = set(registry())
        flat = {k: v for k, v in section.items() if k not in ("tags", "endpoints")}
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
        return cls(overall, scoped["tags"], scoped["endpoints"])

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
            return Thresholds({**self.overall, "lexical": LEXICAL_FALLBACK}, self.tags, self.endpoints)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"overall": self.overall, "tags": self.tags, "endpoints": self.endpoints}


def _values(values: Mapping[str, Any], where: str, table: str, known: set[str]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key, value in values.items():
        if key not in SPECIAL_KEYS and key not in known:
            raise ConfigError(
                f"{where}[{table}] {key}: not a comparator or threshold; comparators: {', '.join(sorted(known))}; "
                f"thresholds: {', '.join(SPECIAL_KEYS)}"
            )
        if value is False:
            out[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}[{table}] {key} = {value!r}: expected a number (or false to turn a default off)")
        value = float(value)
        if key in RATIO_KEYS:
            if value <= 0:
                raise ConfigError(f"{where}[{table}] {key} = {value}: a ratio must be above 0")
        elif key == "min_requests":
            if value < 0:
                raise ConfigError(f"{where}[{table}] min_requests = {value}: must be 0 or more")
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

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "metric": self.metric, "threshold": self.threshold, "actual": self.actual,
                "passed": self.passed, "n": self.n, "detail": self.detail}


@dataclass(frozen=True)
class Decision:
    go: bool
    checks: list[Check]
    reasons: list[str]  # one line per failed check, the headline's "why"

    @property
    def exit_code(self) -> int:
        return 0 if self.go else 1

    def to_dict(self) -> dict[str, Any]:
        return {"go": self.go, "verdict": "go" if self.go else "no-go", "reasons": self.reasons,
                "checks": [c.to_dict() for c in self.checks]}


def decide(summary: Mapping[str, Any], thresholds: Thresholds) -> Decision:
    """Hold a compare summary (`CompareResult.summary` or the verdicts file's summary line) to thresholds."""
    scopes = summary.get("scopes", {})
    selected = set(summary.get("comparators", {}))
    thresholds = thresholds.with_fallbacks(selected)
    checks: list[Check] = []
    plan = [("all", thresholds.overall)]
    plan += [(f"tag:{t}", v) for t, v in thresholds.tags.items()]
    plan += [(f"endpoint:{e}", v) for e, v in thresholds.endpoints.items()]
    for scope, values in plan:
        stats = scopes.get(scope) or {"n": 0, "errors": 0, "passed": 0, "comparators": {}}
        checks += _scope_checks(scope, stats, values, summary)
    failed = [c for c in checks if c.passed is False]
    reasons = [_reason(c) for c in failed]
    return Decision(go=not failed, checks=checks, reasons=reasons)


def _scope_checks(scope: str, stats: Mapping[str, Any], values: Mapping[str, float], summary: Mapping[str, Any]) -> list[Check]:
    n = int(stats.get("n", 0))
    checks = []
    for metric, threshold in values.items():
        if metric == "min_requests":
            checks.append(Check(scope, metric, threshold, n, n >= threshold, n,
                                "" if n >= threshold else "too few results to judge"))
        elif metric == "max_error_rate":
            rate = stats.get("errors", 0) / n if n else None
            checks.append(Check(scope, metric, threshold, rate, None if rate is None else rate <= threshold, n))
        elif metric == "min_pass_rate":
            rate = stats.get("passed", 0) / n if n else None
            checks.append(Check(scope, metric, threshold, rate, None if rate is None else rate >= threshold, n))
        elif metric.startswith("max_latency_"):
            q = metric.split("_")[2]  # p50 / p90 / p99
            ratio, detail = _latency_ratio(summary, scope, q)
            checks.append(Check(scope, metric, threshold, ratio, None if ratio is None else ratio <= threshold,
                                n, detail))
        elif metric == "max_cost_ratio":
            cost = summary.get("cost", {})
            base, cand = cost.get("baseline_usd"), cost.get("candidate_usd")
            ratio = cand / base if base and cand is not None and scope == "all" else None
            checks.append(Check(scope, metric, threshold, ratio, None if ratio is None else ratio <= threshold, n,
                                "" if ratio is not None else "needs prices for both models (and a whole-run scope)"))
        else:
            c = stats.get("comparators", {}).get(metric)
            count = int(c["n"]) if c else 0
            rate = c["passed"] / count if count else None
            checks.append(Check(scope, metric, threshold, rate, None if rate is None else rate >= threshold, count,
                                "" if count else "no requests it applies to"))
    return checks


def _latency_ratio(summary: Mapping[str, Any], scope: str, q: str) -> tuple[float | None, str]:
    latency = summary.get("latency", {})
    key = "all" if scope == "all" else scope
    block = latency.get(key) or {}
    base, cand = (block.get("baseline") or {}).get(q), (block.get("candidate") or {}).get(q)
    if not base or cand is None:
        return None, "no baseline latency recorded"
    return cand / base, f"candidate {cand:.0f} ms vs baseline {base:.0f} ms"


def _reason(c: Check) -> str:
    where = "" if c.scope == "all" else f" [{c.scope}]"
    if c.metric == "min_requests":
        return f"only {c.n} result(s){where}; at least {c.threshold:g} needed"
    if c.metric == "max_error_rate":
        return f"candidate error rate {c.actual:.1%}{where} > {c.threshold:.1%}"
    if c.metric == "min_pass_rate":
        return f"{c.actual:.1%} of requests pass every gate{where} < {c.threshold:.1%}"
    if c.metric.startswith("max_"):
        return f"{c.metric.removeprefix('max_').replace('_', ' ')} {c.actual:.2f}{where} > {c.threshold:g} ({c.detail})"
    return f"{c.metric} pass rate {c.actual:.1%}{where} < {c.threshold:.1%} (n={c.n})"
