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
])
def test_no_go_reasons(kwargs, reason):
    d = decide(summary(**kwargs), thresholds())
    assert not d.go and d.exit_code == 1 and reason in d.reasons


def test_an_empty_run_is_inconclusive_not_go():
    d = decide(summary(n=0, passed=0), thresholds())
    assert d.outcome == "inconclusive" and d.exit_code == 3 and not d.go and d.reasons == []
    assert d.gaps == ["nothing compared: the run has no requests (an empty recordings file?)"]


def test_a_failure_on_partial_evidence_is_no_go():
    s = summary(n=10, errors=10, passed=0)
    s["skipped_lines"] = {"count": 2, "lines": [{"path": "recs.jsonl", "line": 3, "error": "not a JSON object", "stage": "recordings"}]}
    d = decide(s, thresholds())
    assert d.outcome == "no-go" and d.exit_code == 1 and "candidate error rate 100.0% > 2.0%" in d.reasons
    assert d.gaps and "2 line(s) skipped (first: recs.jsonl:3: not a JSON object)" in d.gaps[0]


def test_skipped_lines_make_an_otherwise_good_run_inconclusive_unless_allowed():
    s = summary(comparators={"semantic": (100, 100)})
    s["skipped_lines"] = {"count": 1, "lines": [{"path": "recs.jsonl", "line": 9, "error": "truncated", "stage": "recordings"}]}
    assert decide(s, thresholds()).outcome == "inconclusive"
    allowed = decide(s, thresholds({"allow_skipped": True}))
    assert allowed.outcome == "go" and allowed.evidence.skipped_lines == 1 and allowed.evidence.skipped == ["recs.jsonl:9: truncated"]


def test_an_unfinished_replay_is_inconclusive():
    s = summary(n=8, passed=8, comparators={"semantic": (8, 8)})
    s["replay"] = {"recordings": "recs.jsonl", "recordings_read": 10, "requests": 10, "done": 10}
    d = decide(s, thresholds())
    assert d.outcome == "inconclusive" and "only 8 of 10 request(s) compared" in d.gaps[0]
    assert decide(s, thresholds({"min_compared_share": 0.8})).go


def test_unanswered_requests_are_never_passes():
    s = summary(n=10, passed=0)
    s["scopes"]["all"].update({"judged": 0, "unanswered": 10, "failed": 0})
    d = decide(s, thresholds())
    assert d.outcome == "inconclusive" and d.evidence.compared == 0 and d.evidence.unanswered == 10
    assert "none of the 10 request(s) has a baseline answer" in d.gaps[0]


def test_a_gate_whose_requests_all_errored_fails_instead_of_not_measured():
    s = summary(n=10, errors=1, passed=9, comparators={"semantic": (9, 9), "tool_calls": (1, 0)})
    s["scopes"]["all"]["comparators"]["tool_calls"]["errored"] = 1
    d = decide(s, thresholds({"max_error_rate": 0.5, "min_pass_rate": 0.5}))
    tool = next(c for c in d.checks if c.metric == "tool_calls")
    assert tool.passed is False and d.outcome == "no-go"
    assert "tool_calls pass rate 0.0% < 90.0% (n=1; 1 candidate error(s) counted as failures)" in d.reasons


def test_a_gate_that_could_not_score_answered_requests_is_a_gap():
    s = summary(comparators={"equivalence": (60, 60)}, selected=("equivalence",))
    s["scopes"]["all"]["comparators"]["equivalence"]["unmeasured"] = 40
    s["disabled_comparators"] = {"equivalence": "ConnectError: refused"}
    d = decide(s, thresholds())
    assert d.outcome == "inconclusive"
    assert d.gaps == ["gate equivalence could not score 40 answered request(s) (ConnectError: refused)"]


@pytest.mark.parametrize("value", [0, False])
def test_go_always_needs_a_compared_request(value):
    with pytest.raises(ConfigError, match="GO needs at least 1 compared request"):
        thresholds({"min_requests": value})


def test_min_per_gate():
    s = summary(comparators={"equivalence": (2, 2)}, selected=("equivalence",))
    assert decide(s, thresholds()).go
    assert decide(s, thresholds({"min_per_gate": 3})).outcome == "inconclusive"


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
    assert failed == [{"scope": "all", "metric": "max_error_rate", "threshold": 0.02, "actual": 0.05, "passed": False, "n": 100, "detail": "", "evidence": False}]
