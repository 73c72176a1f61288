"""Semantic similarity with the real bundled all-MiniLM-L6-v2 model (no hub download), and its endpoint backend's failure path."""

from __future__ import annotations

import json

import pytest

from migrate.parity.compare import CompareSettings, Context, Pair, compare_run, get
from tests.report.runs import chat_request, chat_response, record, write_run


@pytest.fixture(scope="module")
def ctx():
    c = Context()
    yield c
    c.close()


def score(ctx, base: str, cand: str):
    c = get("semantic")
    pair = Pair(record("r", chat_request(), chat_response(base), chat_response(cand)))
    return c.fn([pair], dict(c.options), ctx)[0]


def test_local_model_is_available_here():
    assert get("semantic").unavailable_reason() is None


@pytest.mark.parametrize("base, cand, passed", [
    pytest.param("The capital of France is Paris.", "Paris is France's capital city.", True, id="paraphrase"),
    pytest.param("Your order has shipped and arrives Tuesday.", "The package was sent; expect it on Tuesday.", True, id="paraphrase-2"),
    pytest.param("The capital of France is Paris.", "Photosynthesis turns light into chemical energy.", False, id="unrelated"),
    pytest.param("Revenue grew 5% this quarter.", "I'm sorry, I can't help with that.", False, id="refusal-vs-answer"),
])
def test_semantic_similarity(ctx, base, cand, passed):
    result = score(ctx, base, cand)
    assert result.passed is passed, result
    assert 0.0 <= result.score <= 1.0


def test_paraphrase_scores_above_unrelated(ctx):
    assert score(ctx, "It will rain tomorrow.", "Expect showers tomorrow.").score > score(ctx, "It will rain tomorrow.", "Buy two apples.").score + 0.3


def test_batch_order_is_kept(ctx):
    c = get("semantic")
    pairs = [Pair(record(f"r{i}", chat_request(), chat_response(a), chat_response(b)))
             for i, (a, b) in enumerate([("cats purr", "the cat purrs"), ("stocks fell", "a recipe for soup"),
                                         ("same", "same"), ("hello", None)])]
    results = c.fn(pairs, dict(c.options), ctx)
    assert results[0].passed and not results[1].passed and results[2].score == 1.0
    assert not results[3].passed and "candidate gave no text" in results[3].reason


def test_unreachable_embedding_endpoint_switches_semantic_off_and_says_why(tmp_path):
    run = write_run(tmp_path / "run.jsonl", [record("a", chat_request(), chat_response("x y"), chat_response("x z"))])
    settings = CompareSettings.build(only=["semantic", "lexical"],
                                     options={"semantic": {"backend": "endpoint", "url": "http://127.0.0.1:9/v1"}})
    result = compare_run(run, settings=settings)
    assert "semantic" in result.summary["disabled_comparators"]
    verdict = json.loads(result.out.read_text().splitlines()[1])
    assert set(verdict["scores"]) == {"lexical"}


ISSUE_PAIRS = [  # issue 9: cosine gets these backwards; the layered gate must not
    ("Take 200 mg every 6 hours.", "Take 2000 mg every 6 hours.", False, "key_facts"),
    ("Your order #4521 shipped on Monday and arrives Thursday.", "Your order #4521 has not shipped yet; it will ship next week.",
     False, "key_facts"),
    ("The function returns a list of user ids.", "It gives back a list containing the ids of the users.", True, "semantic"),
]


def test_cosine_alone_gets_the_issue_pairs_backwards(ctx):
    cos = [score(ctx, base, cand).score for base, cand, _, _ in ISSUE_PAIRS]
    assert cos[0] > 0.9 and cos[1] > 0.85 and cos[2] < cos[1]  # a contradiction above a paraphrase


def test_layered_gate_gets_the_issue_pairs_right_with_the_real_embedder(ctx):
    c = get("equivalence")
    pairs = [Pair(record("r", chat_request(), chat_response(b), chat_response(cand))) for b, cand, _, _ in ISSUE_PAIRS]
    scores = c.fn(pairs, dict(c.options), ctx)
    assert [(s.passed, s.decided_by) for s in scores] == [(p, layer) for _, _, p, layer in ISSUE_PAIRS]
    assert ctx.notes["equivalence"]["similarity"] == "semantic"


def test_default_gate_with_the_embedder_meets_its_stated_precision_and_recall_on_the_calibration_set():
    from tests.parity.test_calibration import MIN_SEMANTIC, gate, load, measure

    rows = load()
    passed, ctx = gate(rows, embed=True)
    assert ctx.notes["equivalence"]["similarity"] == "semantic"
    m = measure(rows, passed)
    assert all(m[k] >= v for k, v in MIN_SEMANTIC.items()), m
    cos = get("semantic")
    scores = cos.fn(pairs_of(rows), dict(cos.options), ctx)  # cosine alone at its default threshold does far worse
    alone = measure(rows, [s.passed for s in scores])
    assert (m["recall"] + m["pass_recall"]) / 2 > (alone["recall"] + alone["pass_recall"]) / 2 + 0.15, (alone, m)


def pairs_of(rows):
    from tests.parity.test_calibration import pairs

    return pairs(rows)
