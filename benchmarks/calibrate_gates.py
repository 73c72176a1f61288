"""Precision and recall of each text gate on the labelled pairs, and the thresholds chosen from them.

    .venv/bin/python benchmarks/calibrate_gates.py                 # table into docs/comparators.md (section "calibration")
    .venv/bin/python benchmarks/calibrate_gates.py --no-write      # print only
    .venv/bin/python benchmarks/calibrate_gates.py --judge-url http://127.0.0.1:8000/v1 --judge-model gpt-4o
                                                                   # also the layered gate with that judge

The set is tests/data/calibration/pairs.jsonl (benchmarks/calibration_set.py builds it). "Positive" means
*should fail* (contradiction, omission, refusal); "negative" means *should pass* (equivalent, paraphrase):

- precision: of the pairs the gate failed, the share that should fail (low = it blocks good migrations);
- recall: of the pairs that should fail, the share it failed (low = it says GO on broken answers);
- pass recall: of the pairs that should pass, the share it passed.

Thresholds of the layered `equivalence` gate are chosen by a grid search on half of the answer families
(even-numbered) and reported on the other half too, so the numbers are not only what they were tuned on.
The criterion is balanced accuracy (the mean of recall and pass recall: a wrong GO and a wrong NO-GO cost the
same), ties broken by the higher recall (a wrong GO is the worse mistake for a cutover), then by the lower
pass_at and the higher fail_below (the fewest pairs left to the judge: the cheapest run).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import update_marked_section  # noqa: E402
from benchmarks.calibration_set import SHOULD_FAIL, load  # noqa: E402
from migrate.parity.compare.facts import FactCheck, compare_facts  # noqa: E402
from migrate.parity.compare.layered import OPTIONS, settle_cheap, settle_middle, settle_shortcut, settle_similarity  # noqa: E402
from migrate.parity.compare.registry import Context, Score, get  # noqa: E402
from migrate.parity.compare.text import is_refusal, token_f1  # noqa: E402

DOC = ROOT / "docs" / "comparators.md"


@dataclass
class Row:
    label: str
    family: str
    cheap: Score | FactCheck
    facts: FactCheck
    cosine: float | None
    lexical: float
    refusal_differs: bool
    baseline: str = ""
    candidate: str = ""
    grade: object = None

    @property
    def should_fail(self) -> bool:
        return self.label in SHOULD_FAIL

    @property
    def tune(self) -> bool:
        """Half of the families (and half the hand-written pairs) choose the thresholds; the rest check them."""
        return self.family == "hand" or int(self.family[1:]) % 2 == 0


def features(rows: list[dict], embed: bool, judge: dict | None) -> list[Row]:
    cosines: list[float | None] = [None] * len(rows)
    if embed:
        from migrate.parity.compare.semantic import cosines as cosine_of

        ctx = Context()
        cosines = cosine_of([(r["baseline"], r["candidate"]) for r in rows], dict(get("semantic").options), ctx)
        ctx.close()
    out = [Row(r["label"], r["family"], settle_cheap(r["baseline"], r["candidate"], prompt=r["prompt"]),
               compare_facts(r["baseline"], r["candidate"], r["prompt"]),
               cos, token_f1(r["baseline"], r["candidate"]), is_refusal(r["baseline"]) != is_refusal(r["candidate"]),
               r["baseline"], r["candidate"])
           for r, cos in zip(rows, cosines)]
    if judge:
        from migrate.parity.compare.judge import Judge, render_rubric

        opts = {**get("judge").options, **judge}
        (ROOT / ".cache").mkdir(exist_ok=True)
        grader = Judge(opts, ROOT / ".cache" / "calibration-judge-cache.jsonl")  # graded once per pair and model
        prompts = [render_rubric(opts["rubric"], question=r["prompt"], reference=r["baseline"], candidate=r["candidate"],
                                 criteria=opts["criteria"]) for r in rows]
        ctx = Context()
        for row, grade in zip(out, grader.grade(prompts, ctx)):
            row.grade = grade
        grader.close()
    return out


def layered(row: Row, opts: dict, backend: str, use_judge: bool) -> bool:
    """The equivalence gate's decision for one pair, through the same functions the comparator uses."""
    if isinstance(row.cheap, Score):
        return row.cheap.passed
    if backend == "semantic" and settle_shortcut(row.baseline, row.candidate, row.cheap, opts) is not None:
        return True
    sim = row.cosine if backend == "semantic" else row.lexical
    settled = settle_similarity(sim, row.cheap, opts, backend)
    if settled is not None:
        return settled.passed
    return settle_middle(sim, row.cheap, row.grade if use_judge else None, opts, backend).passed


def metrics(rows: list[Row], passed: list[bool]) -> dict:
    tp = sum(1 for r, p in zip(rows, passed) if r.should_fail and not p)
    fp = sum(1 for r, p in zip(rows, passed) if not r.should_fail and not p)
    fn = sum(1 for r, p in zip(rows, passed) if r.should_fail and p)
    tn = sum(1 for r, p in zip(rows, passed) if not r.should_fail and p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    pass_recall = tn / (tn + fp) if tn + fp else 1.0
    by_label: dict[str, float] = {}
    for label in ("equivalent", "paraphrase", "contradiction", "omission", "refusal"):
        sel = [p for r, p in zip(rows, passed) if r.label == label]
        if sel:
            by_label[label] = sum(1 for p in sel if (not p) == (label in SHOULD_FAIL)) / len(sel)
    return {"precision": precision, "recall": recall, "pass_recall": pass_recall,
            "balanced": (recall + pass_recall) / 2, "n": len(rows), "by_label": by_label}


OMISSION_CHOICES = (OPTIONS["omission"], ["number", "date", "id", "url", "negation"], [])


def grid(backend: str) -> list[dict]:
    if backend == "semantic":
        return [{**OPTIONS, "pass_at": a, "fail_below": b, "fallback_min": c, "omission": o}
                for a, b, c, o in itertools.product([0.70, 0.75, 0.80, 0.85, 0.90, 0.95], [0.30, 0.35, 0.40, 0.45, 0.50, 0.55],
                                                    [0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80], OMISSION_CHOICES)
                if b <= c <= a]
    return [{**OPTIONS, "lexical_pass_at": a, "lexical_fail_below": b, "lexical_fallback_min": c, "omission": o}
            for a, b, c, o in itertools.product([0.5, 0.6, 0.7, 0.75, 0.8, 0.9], [0.05, 0.1, 0.15, 0.2, 0.25, 0.3],
                                                [0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6], OMISSION_CHOICES)
            if b <= c <= a]


def choose(rows: list[Row], backend: str) -> tuple[dict, dict]:
    tune = [r for r in rows if r.tune]
    best, best_key = None, None
    for opts in grid(backend):
        m = metrics(tune, [layered(r, opts, backend, False) for r in tune])
        prefix = "" if backend == "semantic" else "lexical_"
        # Ties: the lower pass_at and the higher fail_below, i.e. the fewest pairs left to the judge (the cheapest).
        key = (round(m["balanced"], 4), round(m["recall"], 4), -opts[prefix + "pass_at"], opts[prefix + "fail_below"])
        if best_key is None or key > best_key:
            best, best_key = opts, key
    return best, metrics(tune, [layered(r, best, backend, False) for r in tune])


def pct(x: float) -> str:
    return f"{x:.0%}"


def table(results: list[tuple[str, dict, dict]]) -> str:
    lines = ["| gate | precision | recall | pass recall | balanced | held-out balanced | equiv. | para. | contra. | omission | refusal |",
             "| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, m, held in results:
        bl = m["by_label"]
        lines.append(f"| {name} | {pct(m['precision'])} | {pct(m['recall'])} | {pct(m['pass_recall'])} | {pct(m['balanced'])} | "
                     f"{pct(held['balanced'])} | " + " | ".join(pct(bl.get(k, 0)) for k in
                                                              ("equivalent", "paraphrase", "contradiction", "omission", "refusal")) + " |")
    return "\n".join(lines)


def evaluate(rows: list[Row], judge: bool) -> tuple[list[tuple[str, dict, dict]], dict]:
    held = [r for r in rows if not r.tune]
    results: list[tuple[str, dict, dict]] = []

    def add(name: str, decide) -> None:
        results.append((name, metrics(rows, [decide(r) for r in rows]), metrics(held, [decide(r) for r in held])))

    embedded = rows[0].cosine is not None
    if embedded:
        for t in (0.6, 0.7, 0.8, 0.85, 0.9):
            add(f"`semantic` alone, min_score {t}", lambda r, t=t: r.cosine >= t)
    for t in (0.3, 0.5, 0.8):
        add(f"`lexical` alone, min_score {t}", lambda r, t=t: r.lexical >= t)
    add("`refusal` alone", lambda r: not r.refusal_differs)
    add("`key_facts` alone (fails contradictions)", lambda r: not r.facts.contradictions)
    add("`key_facts`, fail_on = \"flag\"", lambda r: not r.facts.differences)
    chosen: dict = {}
    for backend in (["semantic"] if embedded else []) + ["lexical"]:
        opts, _ = choose(rows, backend)
        chosen[backend] = opts
        add(f"`equivalence` (defaults), {backend} similarity, no judge", lambda r, b=backend: layered(r, OPTIONS, b, False))
        if opts != OPTIONS:
            keys = ("pass_at", "fail_below", "fallback_min", "omission") if backend == "semantic" else \
                ("lexical_pass_at", "lexical_fail_below", "lexical_fallback_min", "omission")
            label = ", ".join(f"{k} {opts[k]}" for k in keys)
            add(f"`equivalence`, {backend}, best on the tuning half ({label})", lambda r, o=opts, b=backend: layered(r, o, b, False))
        if judge:
            add(f"`equivalence` (defaults), {backend} similarity, with the judge", lambda r, b=backend: layered(r, OPTIONS, b, True))
    return results, chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="print the table, do not touch docs/comparators.md")
    parser.add_argument("--no-embed", action="store_true", help="skip the embedding model (lexical similarity only)")
    parser.add_argument("--judge-url")
    parser.add_argument("--judge-model")
    args = parser.parse_args()
    data = load()
    embed = not args.no_embed and get("semantic").unavailable_reason() is None
    judge = {"url": args.judge_url, "model": args.judge_model} if args.judge_url and args.judge_model else None
    rows = features(data, embed, judge)
    if judge:
        unreadable = [r.grade for r in rows if isinstance(r.grade, Exception)]
        print(f"judge {args.judge_model}: {len(rows) - len(unreadable)} pairs graded, {len(unreadable)} without a readable grade"
              + (f" (e.g. {str(unreadable[0])[:160]})" if unreadable else ""))
    results, chosen = evaluate(rows, judge is not None)
    counts = {label: sum(1 for r in rows if r.label == label) for label in ("equivalent", "paraphrase", "contradiction", "omission", "refusal")}
    text = table(results)
    print(text)
    for backend, opts in chosen.items():
        print(f"best on the tuning half ({backend}):", {k: v for k, v in opts.items() if k in OPTIONS and opts[k] != OPTIONS[k]} or "the defaults")
    if not args.no_write:
        model = "all-MiniLM-L6-v2 (local)" if embed else "none (not installed)"
        section = (f"{len(rows)} pairs ({', '.join(f'{k} {v}' for k, v in counts.items())}); embedding model: {model}; "
                   f"judge: {args.judge_model or 'none'}. The last five columns: the share of each label the gate gets right.\n\n"
                   f"{text}\n\nReproduce: `.venv/bin/python benchmarks/calibrate_gates.py`")
        update_marked_section(DOC, "calibration", section, title="Calibration")
    return 0


if __name__ == "__main__":
    sys.exit(main())
