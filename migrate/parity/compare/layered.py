"""The default text gate, `equivalence`: cheap layers first, the expensive ones only for what is left.

Each pair goes down the layers until one settles it; the verdict records which (`decided_by`):

1. `identical`: the same text after normalisation (case, Unicode, whitespace, surrounding punctuation): pass.
2. `refusal`: one side refuses and the other answers: fail (both refusing: pass).
3. `key_facts`: a key fact contradicted (a number, date, ID, URL, identifier or name replaced, a thing negated
   on one side and affirmed on the other; see facts.py): fail, whatever the embeddings say.
4. `semantic`: word overlap at or above `lexical_shortcut` with no one-sided key fact passes without the
   model (decided_by `lexical`); then similarity at or above `pass_at` with no key fact on one side only: pass; below `fail_below`:
   fail. Similarity is the cosine of the `semantic` comparator's embedder (local model or endpoint, as
   configured under `[..comparators.semantic]`), computed only for the pairs that reach this layer; without
   an embedder (not installed, or `--disable semantic`), word-overlap F1 with `lexical_pass_at` /
   `lexical_fail_below`, and the layer is called `lexical`.
5. `judge`: the unsettled middle (and flagged pairs) goes to the LLM judge configured under
   `[..comparators.judge]` (`--judge-url/--judge-model`), graded 1-5 on contradictions, omissions and extra
   claims, cached; passes at the judge's `min_score`.
6. `fallback`: no judge configured, or it gave no readable grade: pass when the similarity is at least
   `fallback_min` and no key fact is missing from the candidate (an omitted number or negation fails).

The thresholds are chosen on the labelled pairs in tests/data/calibration (benchmarks/calibrate_gates.py);
docs/comparators.md has the numbers and the reasoning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from migrate.parity.compare.facts import FactCheck, compare_facts
from migrate.parity.compare.pair import Pair
from migrate.parity.compare.registry import Context, Score, comparator
from migrate.parity.compare.text import is_refusal, normalize, token_f1

OPTIONS = {
    # Chosen on tests/data/calibration (benchmarks/calibrate_gates.py; docs/comparators.md#calibration).
    "pass_at": 0.70, "fail_below": 0.55, "fallback_min": 0.65,
    "lexical_pass_at": 0.50, "lexical_fail_below": 0.30, "lexical_fallback_min": 0.30,
    "lexical_shortcut": 0.90,  # with an embedder: word overlap this high (and no one-sided fact) passes unembedded
    "judge": True, "similarity": "auto",
    # Key facts that, missing from the candidate, fail an unsettled pair in the fallback (an incomplete answer).
    "omission": ["number", "date", "id", "url", "code", "entity", "negation"],
}


def _similarity_backend(opts: Mapping[str, Any], ctx: Context) -> str:
    """'semantic' when the embedder can run and `semantic` was not disabled by name, else 'lexical'."""
    choice = opts.get("similarity", "auto")
    if choice in ("semantic", "lexical"):
        return choice
    from migrate.parity.compare.registry import registry

    if "semantic" in ctx.disabled or ctx.resources.get("equivalence.no_embedder"):
        return "lexical"  # `--disable semantic`: no embedding model, for this gate either (or it failed this run)
    return "semantic" if registry()["semantic"].unavailable_reason(ctx.options_of("semantic")) is None else "lexical"


def _judge_ready(opts: Mapping[str, Any], ctx: Context) -> bool:
    if not opts.get("judge", True):
        return False
    judge_opts = ctx.options_of("judge")
    return bool(judge_opts.get("url") and judge_opts.get("model"))


def omitted(check: FactCheck, categories: Any) -> list[str]:
    """Key facts of the baseline (in `categories`) that the candidate leaves out."""
    return [d.describe() for d in check.flags if d.category in categories and d.baseline]


def settle_cheap(base: str, cand: str, refusal_b: str | None = None, refusal_c: str | None = None,
                 prompt: str | None = None) -> Score | FactCheck:
    """Layers 1-3 (identical, refusal, key facts): a decided Score, or the FactCheck for the next layers."""
    if base == cand or normalize(base) == normalize(cand):
        return Score(1.0, True, decided_by="identical")
    refused_b, refused_c = is_refusal(base, refusal_b), is_refusal(cand, refusal_c)
    if refused_b != refused_c:
        reason = "candidate refused, baseline answered" if refused_c else "baseline refused, candidate answered"
        return Score(0.0, False, reason, decided_by="refusal")
    if refused_b:
        return Score(1.0, True, "both refused", decided_by="refusal")
    check = compare_facts(base, cand, prompt)
    if check.contradictions:
        return Score(0.0, False, check.reason(), decided_by="key_facts")
    return check


def thresholds(opts: Mapping[str, Any], backend: str) -> tuple[float, float, float]:
    """(pass_at, fail_below, fallback_min) for the similarity backend in use."""
    prefix = "" if backend == "semantic" else "lexical_"
    return float(opts[prefix + "pass_at"]), float(opts[prefix + "fail_below"]), float(opts[prefix + "fallback_min"])


def settle_shortcut(base: str, cand: str, check: FactCheck, opts: Mapping[str, Any]) -> Score | None:
    """Before the model: nearly the same words (word-overlap F1 >= `lexical_shortcut`) and no one-sided key fact
    pass; their cosine would be higher still, so the embedder is not asked."""
    if check.flags or not opts.get("lexical_shortcut"):
        return None
    overlap = token_f1(base, cand)
    return Score(overlap, True, decided_by="lexical") if overlap >= opts["lexical_shortcut"] else None


def settle_similarity(sim: float, check: FactCheck, opts: Mapping[str, Any], backend: str) -> Score | None:
    """Layer 4: a clear pass (high similarity, no one-sided key fact) or a clear fail (low similarity), else None."""
    pass_at, fail_below, _ = thresholds(opts, backend)
    if sim < fail_below:
        return Score(sim, False, f"{backend} similarity {sim:.2f} < {fail_below}", decided_by=backend)
    if sim >= pass_at and not check.flags:
        return Score(sim, True, decided_by=backend)
    return None


def settle_middle(sim: float, check: FactCheck, grade: Any, opts: Mapping[str, Any], backend: str,
                  judge_min: float = 4.0) -> Score:
    """Layers 5-6: the judge's grade when there is one, else the fallback rule."""
    if grade is not None and not isinstance(grade, Exception):
        score, reason = grade
        ok = score >= judge_min
        return Score((score - 1) / 4, ok, f"judge {score:g}/5" + (f": {reason}" if reason else ""), decided_by="judge")
    _, _, fallback_min = thresholds(opts, backend)
    missing = omitted(check, opts["omission"])
    ok = sim >= fallback_min and not missing
    why = ([f"{backend} similarity {sim:.2f} < {fallback_min}"] if sim < fallback_min else []) + missing
    if isinstance(grade, Exception):
        why.append(f"judge gave no readable grade ({str(grade)[:120]})")
    elif check.flags and ok:
        why.append(f"unsettled ({check.reason()}), passed on similarity {sim:.2f}")
    return Score(sim, ok, "; ".join(why), decided_by="fallback")


@comparator("equivalence", kinds=("chat", "completions", "tools"), batch=True, options=OPTIONS)
def equivalence(pairs: list[Pair], opts, ctx: Context) -> list[Score | None]:
    """The answers say the same thing: normalised text, refusal, key facts, similarity, then the judge.

    A layered decision (see `decided_by` in each verdict): identical text passes, a refusal on one side or a
    contradicted key fact fails, a high similarity without one-sided key facts passes, a low one fails, and
    the judge (when configured) or the fallback settles the middle. Score: the similarity (the judge's grade
    scaled to 0..1 when it decided).
    """
    results: list[Score | None] = [None] * len(pairs)
    pending: list[tuple[int, str, str, FactCheck]] = []
    for i, pair in enumerate(pairs):
        b, c = pair.baseline, pair.candidate
        if b.text is None and c.text is None:
            continue
        if b.text is None or c.text is None:
            side = "baseline" if b.text is None else "candidate"
            results[i] = _counted(ctx, Score(0.0, False, f"{side} gave no text", decided_by="no_text"))
            continue
        settled = settle_cheap(b.text, c.text, b.refusal, c.refusal, pair.prompt_text)
        if isinstance(settled, Score):
            results[i] = _counted(ctx, settled)
        else:
            pending.append((i, b.text, c.text, settled))
    if not pending:
        return results

    backend = _similarity_backend(opts, ctx)
    ctx.note("equivalence", "similarity", backend, add=False)
    if backend == "semantic" and opts.get("lexical_shortcut"):
        # Nearly the same words and no one-sided key fact: passes without the model (its cosine would be higher still).
        kept = []
        for job in pending:
            settled = settle_shortcut(job[1], job[2], job[3], opts)
            if settled is not None:
                results[job[0]] = _counted(ctx, settled)
            else:
                kept.append(job)
        pending = kept
        if not pending:
            return results
    if backend == "semantic":
        from migrate.parity.compare.semantic import cosines

        try:
            sims = cosines([(base, cand) for _, base, cand, _ in pending], ctx.options_of("semantic"), ctx)
        except Exception as e:  # noqa: BLE001 - an embedding endpoint down must not switch the gate off
            ctx.example("equivalence", "similarity_errors", f"{type(e).__name__}: {e}"[:200])
            ctx.resources["equivalence.no_embedder"] = True  # word overlap for the rest of the run: no retry per chunk
            backend = "lexical"
            ctx.note("equivalence", "similarity", backend, add=False)
    if backend == "lexical":
        sims = [token_f1(base, cand) for _, base, cand, _ in pending]

    middle: list[tuple[int, float, FactCheck]] = []
    for (i, _, _, check), sim in zip(pending, sims):
        settled = settle_similarity(sim, check, opts, backend)
        if settled is not None:
            results[i] = _counted(ctx, settled)
        else:
            middle.append((i, sim, check))
    if not middle:
        return results

    grades: list[Any] = [None] * len(middle)
    judge_min = 4.0
    if _judge_ready(opts, ctx):
        from migrate.parity.compare.judge import grade_pairs

        judge_opts = ctx.options_of("judge")
        grades = grade_pairs([pairs[i] for i, _, _ in middle], judge_opts, ctx)
        judge_min = float(judge_opts["min_score"])
    for (i, sim, check), grade in zip(middle, grades):
        results[i] = _counted(ctx, settle_middle(sim, check, grade, opts, backend, judge_min))
    return results


def _counted(ctx: Context, score: Score) -> Score:
    ctx.count("equivalence", "decided_by", score.decided_by or "?")
    return score
