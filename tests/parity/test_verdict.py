"""Thresholds from config and the go / no-go decision."""

from __future__ import annotations

import pytest

from migrate.config import ConfigError, load_config
from migrate.parity.verdict import DEFAULTS, LEXICAL_FALLBACK, Thresholds, decide

KNOWN = {"semantic", "equivalence", "lexical", "tool_calls", "json_valid", "json_schema", "tool_schema", "refusal", "finish_reason",
         "embedding_shape", "embedding_structure", "exact"}


def summary(n=100, errors=0, passed=100, comparators=None, tags=None, latency=None, cost=None, selected=("semantic", "tool_calls")):
    def scope(n, errors, passed, comparators):
        return {"n": n, "errors": errors, "passed": passed,
                "comparators": {k: {"n": cn, "passed": cp} for k, (cn, cp) in (comparators or {}).items()}}

    scopes = {"all": scope(n, errors, passed, comparators)}
    for tag, args in (tags or {}).items():
        scopes[f"tag:{tag}"] = scope(*args)
    return {"scopes": scopes, "comparators": {name: {} for name in selected}, "latency": latency or {}, "cost": cost or {}}


def thresholds(mapping=None) -> Thresholds:
    return Thresholds.from_mapping(mapping or {}, known=KNOWN)


def test_all_good_is_go():
    d = decide(summary(comparators={"semantic": (100, 95), "tool_calls": (10, 10)}), thresholds())
    assert d.go and d.exit_code == 0 and d.reasons == []


@pytest.mark.parametrize("kwargs, reason", [
    pytest.param({"errors": 3, "passed": 97}, "candidate error rate 3.0% > 2.0%", id="errors"),
    pytest.param({"passed": 80}, "80.0% of requests pass every gate < 90.0%", id="overall-pass-rate"),
    pytest.param({"comparators": {"equivalence": (100, 80)}}, "equivalence pass rate 80.0% < 85.0% (n=100)", id="comparator-rate"),
    pytest.param({"n": 0, "passed": 0}, "only 0 result(s); at least 1 needed", id="empty-run"),
])
def test_no_go_reasons(kwargs, reason):
    d = decide(summary(**kwargs), thresholds())
    assert not d.go and d.exit_code == 1 and reason in d.reasons


def test_unmeasured_comparator_does_not_block():
    d = decide(summary(comparators={"semantic": (100, 99)}), thresholds())
    tool = next(c for c in d.checks if c.metric == "tool_calls")
    assert d.go and tool.passed is None and tool.detail == "no requests it applies to"


def test_config_overrides_and_false_removes_a_default(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.migrate.parity.thresholds]\nsemantic = 0.5\nmin_pass_rate = false\nexact = 0.1\n")
    t = Thresholds.from_config(load_config(path), known=KNOWN)
    assert t.overall["semantic"] == 0.5 and "min_pass_rate" not in t.overall and t.overall["exact"] == 0.1
    assert t.overall["max_error_rate"] == DEFAULTS["max_error_rate"]
    assert "exact" in t.gates() and "max_error_rate" not in t.gates()
    assert decide(summary(passed=10, comparators={"semantic": (100, 60), "exact": (100, 20)}), t).go


def test_tag_thresholds_apply_to_their_slice_only():
    t = thresholds({"tags": {"checkout": {"tool_calls": 1.0}}})
    ok = summary(comparators={"tool_calls": (100, 99), "semantic": (100, 100)}, tags={"checkout": (10, 0, 10, {"tool_calls": (10, 10)})})
    bad = summary(comparators={"tool_calls": (100, 99), "semantic": (100, 100)}, tags={"checkout": (10, 0, 9, {"tool_calls": (10, 9)})})
    assert decide(ok, t).go
    d = decide(bad, t)
    assert not d.go and d.reasons == ["tool_calls pass rate 90.0% [tag:checkout] < 100.0% (n=10)"]
    assert "tool_calls" in t.gates()


def test_latency_ratio_threshold():
    lat = {"all": {"baseline": {"p90": 800.0}, "candidate": {"p90": 2000.0}}}
    t = thresholds({"max_latency_p90_ratio": 2.0})
    d = decide(summary(comparators={"semantic": (100, 100)}, latency=lat), t)
    assert not d.go and "latency p90 ratio 2.50 > 2" in d.reasons[0] and "2000 ms" in d.reasons[0]


def test_cost_ratio_needs_prices_for_both():
    t = thresholds({"max_cost_ratio": 1.0})
    assert decide(summary(comparators={"semantic": (1, 1)}, cost={"baseline_usd": 1.0, "candidate_usd": None}), t).go
    d = decide(summary(comparators={"semantic": (1, 1)}, cost={"baseline_usd": 1.0, "candidate_usd": 1.5}), t)
    assert not d.go


def test_lexical_stands_in_when_a_semantic_gate_did_not_run():
    # The default text gate is `equivalence` (it falls back to word overlap itself); a `semantic` gate the user
    # asked for gets `lexical` in its place when no embedding model could run.
    s = summary(comparators={"lexical": (100, 50)}, selected=("lexical",))
    d = decide(s, thresholds({"semantic": 0.85}))
    assert not d.go and f"lexical pass rate 50.0% < {LEXICAL_FALLBACK:.1%} (n=100)" in d.reasons
    assert decide(summary(comparators={"lexical": (100, 50), "semantic": (100, 100)}), thresholds({"semantic": 0.85})).go
    assert "semantic" not in DEFAULTS and DEFAULTS["equivalence"] == 0.85


@pytest.mark.parametrize("mapping, message", [
    pytest.param({"semantic": 1.5}, "a rate between 0 and 1", id="rate-above-one"),
    pytest.param({"semantic": "high"}, "expected a number", id="not-a-number"),
    pytest.param({"semantik": 0.9}, "not a comparator or threshold", id="typo"),
    pytest.param({"max_latency_p90_ratio": 0}, "a ratio must be above 0", id="zero-ratio"),
    pytest.param({"tags": {"x": 1}}, "must be a table", id="tag-not-table"),
])
def test_bad_thresholds_are_clear(mapping, message):
    with pytest.raises(ConfigError, match=message):
        thresholds(mapping)


def test_decision_json_shape():
    d = decide(summary(errors=5, passed=95, comparators={"semantic": (100, 100)}), thresholds())
    data = d.to_dict()
    assert data["verdict"] == "no-go" and data["go"] is False
    failed = [c for c in data["checks"] if c["passed"] is False]
    assert failed == [{"scope": "all", "metric": "max_error_rate", "threshold": 0.02, "actual": 0.05, "passed": False, "n": 100, "detail": ""}]
