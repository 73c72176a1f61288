"""The default text gate measured on the labelled calibration pairs (tests/data/calibration/pairs.jsonl).

The numbers are computed here, through the real `equivalence` comparator, on every run: a change to the key-fact
rules, the layers or the thresholds that makes the gate worse fails this test. docs/comparators.md has the
table (benchmarks/calibrate_gates.py) and why the thresholds are what they are.
"""

from __future__ import annotations

import json
from pathlib import Path

from migrate.parity.compare import Context, Pair, get
from tests.report.runs import chat_request, chat_response, record

DATA = Path(__file__).resolve().parent.parent / "data" / "calibration" / "pairs.jsonl"
LABELS = ("equivalent", "paraphrase", "contradiction", "omission", "refusal")
SHOULD_FAIL = {"contradiction", "omission", "refusal"}

# What the default gate must reach without a judge (stated in docs/comparators.md): it blocks broken answers
# (recall), and what it blocks is broken (precision); good answers pass (pass recall).
MIN_LEXICAL = {"precision": 0.95, "recall": 0.75, "pass_recall": 0.95}
MIN_SEMANTIC = {"precision": 0.95, "recall": 0.75, "pass_recall": 0.95}


def load() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def pairs(rows: list[dict]) -> list[Pair]:
    return [Pair(record(r["id"], chat_request(r["prompt"]), chat_response(r["baseline"]), chat_response(r["candidate"], model="llama")))
            for r in rows]


def measure(rows: list[dict], passed: list[bool]) -> dict[str, float]:
    fail = [not p for p in passed]
    should = [r["label"] in SHOULD_FAIL for r in rows]
    tp = sum(f and s for f, s in zip(fail, should))
    return {"precision": tp / max(1, sum(fail)), "recall": tp / sum(should),
            "pass_recall": sum(not f and not s for f, s in zip(fail, should)) / sum(not s for s in should)}


def gate(rows: list[dict], embed: bool) -> tuple[list[bool], Context]:
    c, ctx = get("equivalence"), Context()
    if not embed:
        ctx.disabled.add("semantic")
    scores = c.fn(pairs(rows), dict(c.options), ctx)
    ctx.close()
    return [s.passed for s in scores], ctx


def test_the_set_is_large_labelled_and_reproducible():
    import sys

    rows = load()
    assert len(rows) >= 300 and {r["label"] for r in rows} == set(LABELS)
    assert all(sum(r["label"] == label for r in rows) >= 40 for label in LABELS)
    sys.path.insert(0, str(DATA.parents[3]))
    from benchmarks.calibration_set import build

    assert build() == rows, "tests/data/calibration/pairs.jsonl is stale: run benchmarks/calibration_set.py"


def test_default_gate_with_word_overlap_meets_its_stated_precision_and_recall():
    rows = load()
    passed, ctx = gate(rows, embed=False)  # no embedding model: the lexical similarity layer
    assert ctx.notes["equivalence"]["similarity"] == "lexical"
    m = measure(rows, passed)
    assert all(m[k] >= v for k, v in MIN_LEXICAL.items()), m
    # and it beats word overlap alone at any threshold (balanced accuracy)
    from migrate.parity.compare.text import token_f1

    balanced = (m["recall"] + m["pass_recall"]) / 2
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        alone = measure(rows, [token_f1(r["baseline"], r["candidate"]) >= t for r in rows])
        assert balanced > (alone["recall"] + alone["pass_recall"]) / 2 + 0.1, (t, alone, m)


def test_every_layer_is_used_on_the_set():
    _, ctx = gate(load(), embed=False)
    assert {"identical", "refusal", "key_facts", "lexical", "fallback"} <= set(ctx.notes["equivalence"]["decided_by"])
