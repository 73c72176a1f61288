"""The layered text gate `equivalence`: which layer settles which pair, the judge for the middle, the fallback."""

from __future__ import annotations

import json

import pytest

from migrate.parity.compare import CompareSettings, Context, Pair, compare_run, get
from migrate.parity.compare.layered import OPTIONS, settle_cheap, settle_middle, settle_similarity
from migrate.parity.compare.facts import compare_facts
from migrate.parity.verdict import DEFAULTS
from tests.report.runs import chat_request, chat_response, record, write_run

ISSUE_CASES = [
    ("dose", "Take 200 mg every 6 hours.", "Take 2000 mg every 6 hours.", False),
    ("order", "Your order #4521 shipped on Monday and arrives Thursday.",
     "Your order #4521 has not shipped yet; it will ship next week.", False),
    ("paraphrase", "The function returns a list of user ids.", "It gives back a list containing the ids of the users.", True),
]


def pair(base, cand, prompt="Question?", refusal=None) -> Pair:
    return Pair(record("r", chat_request(prompt), chat_response(base), chat_response(cand, model="llama", refusal=refusal)))


def run_gate(pairs, ctx=None, **options):
    c = get("equivalence")
    ctx = ctx or Context()
    ctx.disabled.add("semantic")  # word-overlap similarity: these tests must not depend on the embedding model
    return c.fn(pairs, {**c.options, **options}, ctx), ctx


def verdicts(path):
    return {v["recording_id"]: v for v in map(json.loads, path.read_text().splitlines()) if v["type"] == "verdict"}


def test_equivalence_is_the_default_text_gate():
    assert DEFAULTS["equivalence"] == 0.85 and "semantic" not in DEFAULTS
    s = CompareSettings.build()
    assert "equivalence" in s.for_kind("chat") and "key_facts" in s.for_kind("chat")
    assert "semantic" not in s.names  # the gate embeds only what its cheap layers leave; the cosine of every pair is opt-in


@pytest.mark.parametrize("name, base, cand, passed", ISSUE_CASES, ids=[c[0] for c in ISSUE_CASES])
def test_issue_examples_come_out_right_with_either_similarity(name, base, cand, passed):
    [score], _ = run_gate([pair(base, cand)])
    assert score.passed is passed, score
    if not passed:
        assert score.decided_by == "key_facts"  # settled before any similarity: embeddings cannot overrule it


@pytest.mark.parametrize("base, cand, layer, passed", [
    pytest.param("Paris.", "  paris ", "identical", True, id="normalised-equal"),
    pytest.param("The total is 42.", "I'm sorry, but I can't help with that.", "refusal", False, id="candidate-refuses"),
    pytest.param("I cannot help with that.", "I'm sorry, I can't help with that request.", "refusal", True, id="both-refuse"),
    pytest.param("The capital of Australia is Canberra.", "The capital of Australia is Sydney.", "key_facts", False, id="swapped-name"),
    pytest.param("The capital of France is Paris.", "Photosynthesis turns light into chemical energy.", "lexical", False, id="unrelated"),
    pytest.param("Paris is the capital of France.", "The capital of France is Paris.", "lexical", True, id="reordered"),
])
def test_each_layer_settles_its_pairs(base, cand, layer, passed):
    [score], ctx = run_gate([pair(base, cand)])
    assert (score.decided_by, score.passed) == (layer, passed), score
    assert ctx.notes["equivalence"]["decided_by"] == {layer: 1}


def test_no_text_on_one_side_fails_and_none_on_both_is_not_applicable():
    scores, _ = run_gate([pair("Paris.", None), pair(None, None)])
    assert scores[0].decided_by == "no_text" and not scores[0].passed
    assert scores[1] is None


def test_one_sided_fact_goes_past_the_similarity_layer_and_the_fallback_fails_an_omission():
    base, cand = "Take 200 mg every 6 hours with food.", "Take 200 mg with food."
    check = compare_facts(base, cand)
    assert not check.contradictions and check.flags
    assert settle_similarity(0.99, check, OPTIONS, "semantic") is None  # high similarity alone does not settle it
    score = settle_middle(0.99, check, None, OPTIONS, "semantic")
    assert score.decided_by == "fallback" and not score.passed and "6 h" in score.reason


def test_fallback_passes_an_extra_detail_with_enough_similarity():
    check = compare_facts("The tower is in Paris.", "The tower is in Paris, near the Seine.")
    assert check.flags and not check.contradictions
    assert settle_middle(0.9, check, None, OPTIONS, "semantic").passed
    assert not settle_middle(OPTIONS["fallback_min"] - 0.01, check, None, OPTIONS, "semantic").passed


def test_thresholds_bound_the_similarity_layer():
    clean = compare_facts("a b c", "a b d")
    assert settle_similarity(OPTIONS["pass_at"], clean, OPTIONS, "semantic").passed
    assert not settle_similarity(OPTIONS["fail_below"] - 0.01, clean, OPTIONS, "semantic").passed
    assert settle_similarity((OPTIONS["pass_at"] + OPTIONS["fail_below"]) / 2, clean, OPTIONS, "semantic") is None
    assert settle_cheap("Yes.", "yes").decided_by == "identical"


def _middle_run(tmp_path):
    """Pairs that the cheap layers cannot settle (one-sided facts), plus one identical pair and one contradiction."""
    records = [
        record("mid1", chat_request("Where is it?"), chat_response("The tower is in Paris."),
               chat_response("The tower is in Paris, near the Seine.", model="llama")),
        record("mid2", chat_request("Dose?"), chat_response("Take 200 mg every 6 hours with food."),
               chat_response("Take 200 mg with food.", model="llama")),
        record("same", chat_request("Capital?"), chat_response("Paris."), chat_response("Paris.", model="llama")),
        record("bad", chat_request("Dose?"), chat_response("Take 200 mg."), chat_response("Take 2000 mg.", model="llama")),
    ]
    return write_run(tmp_path / "run.jsonl", records)


def test_the_judge_grades_only_the_unsettled_pairs_and_is_cached(tmp_path):
    run = _middle_run(tmp_path)
    prompts: list[str] = []

    def judge_model(prompt: str) -> str:  # a scripted judge: a missing dose is an omission
        prompts.append(prompt)
        score = 2 if "6 hours" in prompt else 5
        return json.dumps({"contradictions": [], "omissions": ["the interval"] if score == 2 else [], "extra_claims": [],
                           "score": score, "reason": "checked"})

    settings = CompareSettings.build(disable=["semantic"], options={"judge": {"url": "http://judge.invalid/v1", "model": "grader"}})
    assert "judge" not in settings.names  # configured for the gate, not run on every pair

    def compare():
        ctx = Context()
        ctx.resources["judge.call"] = judge_model
        return compare_run(run, settings=settings, context=ctx)

    first = compare()
    v = verdicts(first.out)
    assert len(prompts) == 2 and all("contradictions" in p and "omissions" in p for p in prompts)  # the rubric asks
    assert {k: v[k]["decided_by"] for k in v} == {"mid1": "judge", "mid2": "judge", "same": "identical", "bad": "key_facts"}
    assert v["mid1"]["passed"] and not v["mid2"]["passed"]
    assert "omits: the interval" in v["mid2"]["scores"]["equivalence"]["reason"]
    assert first.summary["notes"]["equivalence"]["decided_by"] == {"judge": 2, "identical": 1, "key_facts": 1}
    second = compare()
    assert len(prompts) == 2 and second.summary["notes"]["judge"]["cached"] == 2  # no new calls
    assert verdicts(second.out)["mid2"]["scores"]["equivalence"] == v["mid2"]["scores"]["equivalence"]


def test_an_unreadable_grade_falls_back_and_says_so(tmp_path):
    run = _middle_run(tmp_path)
    ctx = Context()
    ctx.resources["judge.call"] = lambda prompt: "I would rather not grade this."
    settings = CompareSettings.build(disable=["semantic"], options={"judge": {"url": "http://judge.invalid/v1", "model": "g"}})
    result = compare_run(run, settings=settings, context=ctx)
    v = verdicts(result.out)
    assert v["mid1"]["decided_by"] == v["mid2"]["decided_by"] == "fallback"
    assert "judge gave no readable grade" in v["mid2"]["scores"]["equivalence"]["reason"]
    assert v["mid1"]["passed"] and not v["mid2"]["passed"]  # the fallback rule: an omitted number fails
    assert result.summary["notes"]["judge"]["errors"] == 2
    assert not (tmp_path / "judge-cache.jsonl").exists()  # nothing unreadable is cached


def test_verdicts_and_reports_say_which_layer_decided(tmp_path):
    from migrate.parity.verdict import Thresholds, decide
    from migrate.report import render_html, render_markdown

    result = compare_run(_middle_run(tmp_path), settings=CompareSettings.build(disable=["semantic"]))
    v = verdicts(result.out)
    assert v["bad"]["decided_by"] == "key_facts" and v["bad"]["failed_gates"] == ["equivalence"]
    assert v["same"]["passed"] and v["same"]["decided_by"] == "identical"
    decision = decide(result.summary, Thresholds.from_mapping({}))
    html, md = render_html(result.summary, decision), render_markdown(result.summary, decision)
    assert "decided by key facts" in html and "which layer decided" in html
    assert "decided by: key facts" in md


# -- the embedding endpoint backend ------------------------------------------------------------------------------------
class _EmbeddingsStub:
    """A scripted /v1/embeddings server for fault injection: answers 503 to its first request, then vectors that
    encode each input's length, and logs the size of every batch."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        stub = self
        self.batches: list[int] = []
        self.failed_once = False

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if not stub.failed_once:
                    stub.failed_once = True
                    self.send_response(503)
                    self.end_headers()
                    return
                stub.batches.append(len(body["input"]))
                data = [{"index": i, "embedding": [1.0, float(len(t))]} for i, t in reversed(list(enumerate(body["input"])))]
                payload = json.dumps({"data": data, "model": body.get("model")}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_endpoint_embedder_batches_concurrently_retries_and_keeps_order():
    import math

    from migrate.parity.compare.semantic import EndpointEmbedder

    stub = _EmbeddingsStub()
    try:
        texts = ["x" * n for n in range(1, 24)]
        embedder = EndpointEmbedder(stub.url, "m", batch_size=5, concurrency=3)
        vectors = embedder.embed(texts)
        embedder.close()
    finally:
        stub.close()
    assert stub.failed_once and sorted(stub.batches) == [3, 5, 5, 5, 5]  # 23 texts in batches of 5; the 503 retried
    for text, v in zip(texts, vectors):  # normalised, and each vector belongs to its own text (order kept)
        norm = math.hypot(1.0, len(text))
        assert v == pytest.approx([1 / norm, len(text) / norm])


def test_gate_uses_the_endpoint_only_for_unsettled_pairs(tmp_path):
    stub = _EmbeddingsStub()
    run = _middle_run(tmp_path)
    with open(run, "a", encoding="utf-8") as fh:  # nearly the same words: settled by word overlap before the model
        fh.write(json.dumps(record("near", chat_request("Status?"), chat_response("Your parcel is on its way to you and arrives soon."),
                                   chat_response("Your parcel is on its way to you and it arrives soon.", model="llama")).to_dict()) + "\n")
    try:
        settings = CompareSettings.build(options={"semantic": {"backend": "endpoint", "url": stub.url, "model": "m"}})
        result = compare_run(run, settings=settings)
    finally:
        stub.close()
    notes = result.summary["notes"]
    assert notes["equivalence"]["similarity"] == "semantic" and notes["semantic"]["texts_embedded"] == 4  # 2 pairs of 5
    assert sum(stub.batches) == 4  # the identical, contradicting and near-identical pairs were never embedded
    v = verdicts(result.out)
    assert v["near"]["decided_by"] == "lexical" and v["near"]["passed"]


def test_gate_survives_an_embedding_endpoint_that_is_down(tmp_path):
    settings = CompareSettings.build(options={"semantic": {"backend": "endpoint", "url": "http://127.0.0.1:9/v1"}})
    result = compare_run(_middle_run(tmp_path), settings=settings)
    v = verdicts(result.out)
    assert "equivalence" not in result.summary["disabled_comparators"]
    assert result.summary["notes"]["equivalence"]["similarity"] == "lexical"
    assert "127.0.0.1:9" in result.summary["notes"]["equivalence"]["similarity_errors"][0]
    assert v["mid1"]["decided_by"] in ("lexical", "fallback") and v["bad"]["decided_by"] == "key_facts"


def test_a_threshold_on_an_off_by_default_comparator_turns_it_on(tmp_path):
    from migrate.parity.verdict import Thresholds

    stub = _EmbeddingsStub()
    try:
        settings = CompareSettings.build(options={"semantic": {"backend": "endpoint", "url": stub.url, "model": "m"}})
        assert "semantic" not in settings.names
        result = compare_run(_middle_run(tmp_path), settings=settings, thresholds=Thresholds.from_mapping({"semantic": 0.85}))
    finally:
        stub.close()
    assert "semantic" in result.summary["comparators"] and result.summary["comparators"]["semantic"]["gate"]
    assert "semantic" in verdicts(result.out)["mid1"]["scores"]
    # disabled by name stays off (and lexical stands in as the gate, as before)
    off = compare_run(_middle_run(tmp_path), tmp_path / "off.jsonl", settings=CompareSettings.build(disable=["semantic"]),
                      thresholds=Thresholds.from_mapping({"semantic": 0.85}))
    assert "semantic" not in off.summary["comparators"] and off.summary["comparators"]["lexical"]["gate"]
