"""compare_run end to end on run files: verdict lines, aggregates, errors, bad lines, samples, config, judge cache."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from migrate.config import ConfigError, load_config
from migrate.parity.compare import (
    CompareSettings,
    Context,
    Score,
    comparator,
    compare_run,
    read_summary,
    registry,
)
from migrate.parity.compare.registry import _REGISTRY
from migrate.parity.compare.stats import LogHistogram, Reservoir, TopK
from tests.report.runs import chat_request, chat_response, mixed_run, record, write_run

NO_SEMANTIC = CompareSettings.build(disable=["semantic"])


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def compared(tmp_path):
    run = mixed_run(tmp_path / "run.jsonl")
    return compare_run(run, settings=NO_SEMANTIC)


def test_verdicts_file_has_header_one_line_per_request_and_summary(compared):
    out = lines(compared.out)
    assert compared.out.name == "run.verdicts.jsonl"
    assert out[0]["type"] == "header" and out[0]["format"] == "migrate.verdicts"
    verdicts = [o for o in out if o["type"] == "verdict"]
    assert len(verdicts) == 11 == compared.records
    assert out[-1]["type"] == "summary" and out[-1] == read_summary(compared.out)
    v = {o["key"]: o for o in verdicts}
    assert v["same#0"]["passed"] and v["same#0"]["scores"]["exact"] == {"score": 1.0, "passed": True, "reason": ""}
    assert v["json-bad#0"]["failed_gates"] == ["json_schema"] and v["json-bad#0"]["kind"] == "json"
    assert v["tool-args#0"]["kind"] == "tools" and "tool_calls" in v["tool-args#0"]["failed_gates"]
    assert v["emb#0"]["kind"] == "embeddings" and set(v["emb#0"]["scores"]) == {"embedding_shape", "embedding_structure"}


def test_candidate_error_fails_every_comparator_with_the_error_as_reason(compared):
    v = next(o for o in lines(compared.out) if o.get("key") == "timeout#0")
    assert v["passed"] is False and v["error"].startswith("timeout: no answer")
    assert v["scores"] and all(not s["passed"] and "timeout" in s["reason"] for s in v["scores"].values())
    assert compared.summary["scopes"]["all"]["errors"] == 1
    assert compared.summary["error_types"] == {"timeout": 1}


def test_aggregates_by_scope(compared):
    scopes = compared.summary["scopes"]
    assert scopes["all"]["n"] == 11
    assert scopes["tag:geo"]["n"] == 4 and scopes["tag:json"]["n"] == 2
    assert scopes["endpoint:/v1/embeddings"]["n"] == 1 and scopes["kind:tools"]["n"] == 2
    js = scopes["all"]["comparators"]["json_schema"]
    assert (js["n"], js["passed"], js["pass_rate"]) == (2, 1, 0.5)
    assert sum(js["histogram"]) == 2
    lat = compared.summary["latency"]["all"]
    assert lat["baseline"]["n"] == 11 and lat["candidate"]["n"] == 10  # the timeout has no candidate latency
    assert lat["candidate"]["p50"] == pytest.approx(120, rel=0.02)


def test_worst_cases_first_and_bounded(tmp_path):
    records = [record(f"r{i}", chat_request(), chat_response("alpha beta gamma"),
                      chat_response("alpha beta gamma" if i % 3 else "zeta", model="llama")) for i in range(300)]
    run = write_run(tmp_path / "run.jsonl", records)
    summary = compare_run(run, settings=NO_SEMANTIC, worst=7, sample=5).summary
    assert len(summary["worst"]) == 7 and len(summary["sample"]) == 5
    assert all(c["candidate"] == "zeta" and not c["passed"] for c in summary["worst"])
    assert summary["scopes"]["all"]["n"] == 300


def test_usage_and_cost_from_price_table(compared):
    cost = compared.summary["cost"]
    base = {row["model"]: row for row in cost["baseline"]["by_model"]}
    assert base["gpt-4o-mini-2024-07-18"]["priced_as"] == "gpt-4o-mini"
    tokens = base["gpt-4o-mini-2024-07-18"]
    assert cost["baseline"]["by_model"]
    expected = (tokens["input"] * 0.15 + tokens["output"] * 0.60) / 1e6
    assert tokens["usd"] == pytest.approx(expected, rel=1e-4)
    assert cost["candidate_usd"] is None and "llama" in cost["candidate"]["unpriced"]


def test_prices_from_config(tmp_path):
    (tmp_path / "migrate.toml").write_text('[parity.prices]\n"llama" = { input = 1.0, output = 2.0 }\n')
    run = mixed_run(tmp_path / "run.jsonl")
    summary = compare_run(run, config=load_config(tmp_path / "migrate.toml"), settings=NO_SEMANTIC).summary
    llama = next(r for r in summary["cost"]["candidate"]["by_model"] if r["model"] == "llama")
    assert llama["usd"] == pytest.approx((llama["input"] * 1.0 + llama["output"] * 2.0) / 1e6)


def test_bad_lines_are_skipped_and_reported(tmp_path):
    good = record("ok", chat_request(), chat_response("a"), chat_response("a"))
    run = write_run(tmp_path / "run.jsonl", [good], extra_lines=["{not json", '{"type": "result", "key": "x"}', '{"type": "res'])
    result = compare_run(run, settings=NO_SEMANTIC)
    assert result.records == 1
    assert [b.line for b in result.bad_lines] == [3, 4, 5]
    assert result.summary["bad_line_count"] == 3 and "run.jsonl:3" in result.summary["bad_lines"][0]


def test_missing_baseline_skips_comparators_that_need_one(tmp_path):
    r = record("nb", chat_request(response_format={"type": "json_object"}), None, chat_response('{"a": 1}'))
    result = compare_run(write_run(tmp_path / "run.jsonl", [r]), settings=NO_SEMANTIC)
    v = next(o for o in lines(result.out) if o["type"] == "verdict")
    assert set(v["scores"]) == {"json_valid"} and v["no_baseline"]
    assert v["status"] == "unanswered" and not v["passed"]  # nothing to compare with is never a pass
    assert result.summary["scopes"]["all"]["unanswered"] == 1 and result.summary["scopes"]["all"]["judged"] == 0


def test_samples_agreement(tmp_path):
    records = []
    for rid, answers in (("stable", ["Paris.", "paris", "Paris"]), ("shaky", ["Paris", "Lyon is nice", "Marseille"])):
        for s, text in enumerate(answers):
            records.append(record(rid, chat_request(), chat_response("Paris"), chat_response(text), sample=s))
    random.Random(1).shuffle(records)  # replay writes in completion order
    result = compare_run(write_run(tmp_path / "run.jsonl", records, samples=3), settings=NO_SEMANTIC)
    agreements = {o["recording_id"]: o for o in lines(result.out) if o["type"] == "agreement"}
    assert agreements["stable"]["exact"] == 1.0 and agreements["stable"]["samples"] == 3
    assert agreements["shaky"]["exact"] == pytest.approx(1 / 3, abs=1e-4) and agreements["shaky"]["lexical"] < 0.5
    summary = result.summary["agreement"]
    assert summary["recordings"] == 2 and summary["mean_exact"] == pytest.approx((1 + 1 / 3) / 2, abs=1e-3)
    assert summary["lowest"][0]["recording_id"] == "shaky"


def test_incomplete_samples_are_flushed(tmp_path):
    records = [record("a", chat_request(), chat_response("x"), chat_response("x"), sample=0)]
    result = compare_run(write_run(tmp_path / "run.jsonl", records, samples=2), settings=NO_SEMANTIC)
    agreement = [o for o in lines(result.out) if o["type"] == "agreement"]
    assert agreement == [{"type": "agreement", "recording_id": "a", "samples": 1, "incomplete": True}]


def test_rerun_replaces_verdicts_atomically(tmp_path, compared):
    first = compared.out.read_text()
    again = compare_run(compared.out.with_name("run.jsonl"), settings=NO_SEMANTIC)
    assert again.out == compared.out and not compared.out.with_name(compared.out.name + ".tmp").exists()
    def strip(text):
        return [line for line in text.splitlines() if '"type":"summary"' not in line]

    assert strip(again.out.read_text()) == strip(first)


def test_read_summary_rejects_incomplete_verdicts(tmp_path, compared):
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(compared.out.read_text().splitlines()[:-1]) + "\n")
    with pytest.raises(ValueError, match="no summary line"):
        read_summary(cut)


# -- settings ------------------------------------------------------------------------------------------------------
def test_defaults_choose_comparators_per_kind():
    s = CompareSettings.build()
    assert "tool_calls" in s.for_kind("tools") and "tool_calls" not in s.for_kind("chat")
    assert "json_schema" in s.for_kind("json") and s.for_kind("embeddings") == ("embedding_shape", "embedding_structure")
    assert "judge" not in s.names  # off by default: it costs calls


def test_config_replaces_enables_disables_and_sets_options(tmp_path):
    path = tmp_path / "migrate.toml"
    path.write_text('[parity.comparators]\nchat = ["exact", "lexical"]\ndisable = ["length_ratio"]\n'
                    '[parity.comparators.lexical]\nmin_score = 0.9\n')
    s = CompareSettings.build(load_config(path))
    assert s.for_kind("chat") == ("exact", "lexical")
    assert "length_ratio" not in s.for_kind("json")
    assert s.options["lexical"]["min_score"] == 0.9


@pytest.mark.parametrize("toml, message, names_file", [
    pytest.param('chat = ["exactly"]', "unknown comparator 'exactly'", True, id="unknown-name"),
    pytest.param('[parity.comparators.lexical]\nmin_scor = 1', "unknown option(s) for comparator 'lexical'", True, id="unknown-option"),
    pytest.param('chat = "exact"', "expected a list of comparator names", True, id="not-a-list"),
    pytest.param('frobnicate = 1', "not a request kind", True, id="unknown-key"),
    pytest.param('enable = ["judge"]', "comparator 'judge' cannot run: needs url and model", False, id="judge-without-url"),
])
def test_config_errors_name_the_field(tmp_path, toml, message, names_file):
    path = tmp_path / "migrate.toml"
    body = toml if toml.startswith("[") else f"[parity.comparators]\n{toml}"
    path.write_text(body + "\n")
    with pytest.raises(ConfigError) as e:
        CompareSettings.build(load_config(path))
    assert message in str(e.value)
    assert (str(path) in str(e.value)) is names_file


def test_custom_comparator_is_registered_and_used(tmp_path):
    @comparator("mentions_paris", kinds=("chat",), default=False, options={"word": "paris"})
    def mentions_paris(pair, opts):
        """The candidate mentions the word."""
        ok = opts["word"] in (pair.candidate.text or "").lower()
        return Score(1.0 if ok else 0.0, ok, "" if ok else "no mention")

    try:
        run = mixed_run(tmp_path / "run.jsonl")
        result = compare_run(run, settings=CompareSettings.build(only=["mentions_paris"]))
        v = {o["key"]: o for o in lines(result.out) if o["type"] == "verdict"}
        assert v["same#0"]["scores"] == {"mentions_paris": {"score": 1.0, "passed": True, "reason": ""}}
        assert v["wrong#0"]["scores"]["mentions_paris"]["passed"] is False
        assert result.summary["comparators"]["mentions_paris"]["summary"] == "The candidate mentions the word."
    finally:
        _REGISTRY.pop("mentions_paris")


def test_comparator_crash_is_contained(tmp_path):
    @comparator("crashy", kinds=("chat",), default=False)
    def crashy(pair, opts):
        """Raises on one answer."""
        if "Lisbon" in (pair.candidate.text or ""):
            raise RuntimeError("boom")
        return Score(1.0, True)

    try:
        result = compare_run(mixed_run(tmp_path / "run.jsonl"), settings=CompareSettings.build(only=["crashy", "exact"]))
        assert result.records == 11
        assert "wrong#0: RuntimeError: boom" in result.summary["comparator_errors"]["crashy"][0]
    finally:
        _REGISTRY.pop("crashy")


# -- judge -----------------------------------------------------------------------------------------------------------
def test_judge_scores_are_cached_and_not_recalled(tmp_path):
    calls: list[str] = []

    def fake_judge(prompt: str) -> str:  # a scripted judge model: grades by whether the candidate says Paris
        calls.append(prompt)
        candidate = prompt.split("<candidate_answer>")[1]
        return '{"score": 5, "reason": "same"}' if "Paris" in candidate else 'Score: 2 because wrong'

    run = mixed_run(tmp_path / "run.jsonl")
    settings = CompareSettings.build(only=["judge"], options={"judge": {"url": "http://judge.invalid/v1", "model": "grader"}})

    def compare_once():
        ctx = Context()
        ctx.resources["judge.call"] = fake_judge
        return compare_run(run, settings=settings, context=ctx)

    first = compare_once()
    v = {o["key"]: o for o in lines(first.out) if o["type"] == "verdict"}
    assert v["same#0"]["scores"]["judge"] == {"score": 1.0, "passed": True, "reason": "judge 5/5: same"}
    assert v["wrong#0"]["scores"]["judge"]["passed"] is False and v["wrong#0"]["scores"]["judge"]["score"] == 0.25
    assert "<request>\nCapital of Spain?\n</request>" in calls[[i for i, c in enumerate(calls) if "Lisbon" in c][0]]
    n_calls = len(calls)
    assert n_calls == 5 and first.summary["notes"]["judge"]["calls"] == 5  # chat pairs with text on both sides
    second = compare_once()
    assert len(calls) == n_calls and second.summary["notes"]["judge"]["cached"] == 5
    assert lines(second.out)[1:-1] == lines(first.out)[1:-1]
    assert (tmp_path / "judge-cache.jsonl").is_file()


def test_judge_failure_is_not_held_against_the_candidate(tmp_path):
    run = write_run(tmp_path / "run.jsonl", [record("a", chat_request(), chat_response("x"), chat_response("y"))])
    ctx = Context()
    ctx.resources["judge.call"] = lambda prompt: "I refuse to grade"
    settings = CompareSettings.build(only=["judge"], options={"judge": {"url": "http://judge.invalid/v1", "model": "g"}})
    result = compare_run(run, settings=settings, context=ctx)
    v = next(o for o in lines(result.out) if o["type"] == "verdict")
    assert v["scores"] == {} and result.summary["notes"]["judge"]["errors"] == 1
    assert "no score in the judge's answer" in result.summary["notes"]["judge"]["error_examples"][0]


# -- bounded statistics ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("q", [0.5, 0.9, 0.99])
def test_log_histogram_quantiles_within_one_percent(q):
    rng = random.Random(7)
    values = [rng.lognormvariate(5, 1.2) for _ in range(50_000)]
    h = LogHistogram()
    for v in values:
        h.add(v)
    exact = sorted(values)[round(q * (len(values) - 1))]
    assert h.quantile(q) == pytest.approx(exact, rel=0.011)
    assert len(h.bins) < 1000 and h.count == 50_000


def test_log_histogram_ignores_garbage():
    h = LogHistogram()
    for v in (None, -1.0, math.nan, math.inf, 5.0):
        h.add(v)
    assert h.count == 1 and h.quantile(0.5) == 5.0


def test_topk_keeps_highest_and_earliest_on_ties():
    top = TopK(3)
    for i, key in enumerate([1, 5, 3, 5, 2, 9]):
        top.add(key, f"item{i}")
    assert top.items() == ["item5", "item1", "item3"]


def test_reservoir_is_uniform_enough():
    counts = [0] * 10
    for seed in range(2000):
        r = Reservoir(2, seed=seed)
        for i in range(10):
            slot = r.offer()
            if slot is not None:
                r.put(slot, i)
        for i in r.items():
            counts[i] += 1
    assert all(300 < c < 500 for c in counts), counts  # expected 400 each


def test_registry_lists_builtin_comparators():
    assert {"exact", "normalized", "lexical", "semantic", "json_valid", "json_schema", "tool_calls", "tool_schema",
            "finish_reason", "refusal", "length_ratio", "embedding_shape", "judge"} <= set(registry())


def test_judge_with_a_missing_rubric_is_switched_off_with_the_reason(tmp_path):
    run = write_run(tmp_path / "run.jsonl", [record("a", chat_request(), chat_response("x"), chat_response("y"))])
    settings = CompareSettings.build(only=["judge", "exact"], options={"judge": {
        "url": "http://judge.invalid/v1", "model": "g", "rubric": str(tmp_path / "nope.j2")}})
    result = compare_run(run, settings=settings)
    assert "nope.j2" in result.summary["disabled_comparators"]["judge"]
    assert result.records == 1 and "exact" in json.loads(result.out.read_text().splitlines()[1])["scores"]
