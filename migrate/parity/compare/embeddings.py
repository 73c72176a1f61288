"""Comparators for /v1/embeddings answers.

Vectors from two different embedding models live in different spaces, so comparing them coordinate by
coordinate means nothing. What can be compared is what downstream code depends on: the shape (a vector
store built for 1536 dimensions rejects 1024) and the *structure*: whether the candidate ranks the
request's inputs by similarity the way the baseline does (Spearman correlation of the pairwise cosine
similarities, for requests with at least three inputs).
"""

from __future__ import annotations

import math

from migrate.parity.compare.pair import Pair
from migrate.parity.compare.registry import Score, comparator


@comparator("embedding_shape", kinds=("embeddings",))
def embedding_shape(pair: Pair, opts) -> Score | None:
    """One vector per input on both sides, all of the same dimension, all numbers finite."""
    base, cand = pair.baseline.embeddings, pair.candidate.embeddings
    if cand is None:
        return Score(0.0, False, "candidate returned no embeddings")
    if pair.candidate.n_embeddings_bad:
        return Score(0.0, False, f"{pair.candidate.n_embeddings_bad} candidate embedding(s) are not lists of numbers")
    dims = {len(v) for v in cand}
    if len(dims) > 1:
        return Score(0.0, False, f"candidate vectors have mixed dimensions {sorted(dims)}")
    if any(not math.isfinite(x) for v in cand for x in v):
        return Score(0.0, False, "candidate embedding contains NaN or infinity")
    if not base:
        return None if base is None else Score(1.0, True)
    if len(base) != len(cand):
        return Score(0.0, False, f"{len(cand)} vectors, baseline {len(base)}")
    bdim, cdim = len(base[0]), len(cand[0]) if cand else 0
    if bdim != cdim:
        return Score(0.0, False, f"dimension {cdim}, baseline {bdim}: a vector store sized for the baseline rejects these")
    return Score(1.0, True)


def _cosines(vectors: list[list[float]]) -> list[float]:
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy comes with torch/vllm; pure Python keeps it optional
        norms = [math.sqrt(sum(x * x for x in v)) or 1.0 for v in vectors]
        return [sum(a * b for a, b in zip(vectors[i], vectors[j])) / (norms[i] * norms[j])
                for i in range(len(vectors)) for j in range(i + 1, len(vectors))]
    m = np.asarray(vectors, dtype=np.float64)
    m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
    sims = m @ m.T
    upper = np.triu_indices(len(vectors), k=1)
    return sims[upper].tolist()


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):  # average ranks for ties
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = _ranks(a), _ranks(b)
    n = len(ra)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = math.sqrt(sum((x - ma) ** 2 for x in ra))
    vb = math.sqrt(sum((y - mb) ** 2 for y in rb))
    return cov / (va * vb) if va and vb else (1.0 if ra == rb else 0.0)


@comparator("embedding_structure", kinds=("embeddings",), options={"min_score": 0.8, "max_inputs": 128}, pass_at="min_score")
def embedding_structure(pair: Pair, opts) -> Score | None:
    """Spearman correlation of the inputs' pairwise similarities, baseline vs candidate (>= 3 inputs)."""
    base, cand = pair.baseline.embeddings, pair.candidate.embeddings
    if not base or not cand or len(base) != len(cand) or len(base) < 3:
        return None
    n = min(len(base), opts["max_inputs"])
    rho = spearman(_cosines(base[:n]), _cosines(cand[:n]))
    ok = rho >= opts["min_score"]
    return Score(max(0.0, rho), ok, "" if ok else f"similarity ranking correlation {rho:.2f} < {opts['min_score']}")
