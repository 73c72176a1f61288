"""LLM judge: an OpenAI-compatible chat model grades the candidate's answer against the baseline's.

Off by default (it costs calls). Turn it on with `--judge-url/--judge-model` or in config:

    [tool.migrate.parity.comparators.judge]
    url = "https://api.openai.com/v1"   # any OpenAI-compatible base URL
    model = "gpt-4o"
    api_key_env = "OPENAI_API_KEY"
    min_score = 4                        # on the rubric's 1-5 scale
    rubric = "report/judge_rubric.j2"   # a template under templates/, or a path to your own file
    extra_body = {}                      # more request fields, e.g. {response_format = {...}} or vLLM's
                                         # {structured_outputs = {regex = '...'}} to force a readable grade

Every verdict is cached in `judge-cache.jsonl` beside the verdicts file, keyed by a hash of the judge
model and the full prompt (rubric + request + both answers): re-running compare, or rendering reports,
never calls the judge again for the same input. The judge's score lands in the verdicts file like any
other comparator's. A judge answer that cannot be read is not held against the candidate: it is left
out of the pass rate and counted under `judge.errors` in the summary.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from migrate.parity.compare.pair import Pair
from migrate.parity.compare.registry import Context, Score, comparator

CACHE_NAME = "judge-cache.jsonl"
_SCORE = re.compile(r'"?score"?\s*[:=]\s*"?([1-5](?:\.\d+)?)', re.IGNORECASE)


def _available(opts: Mapping[str, Any]) -> str | None:
    if not opts.get("url") or not opts.get("model"):
        return "needs url and model ([tool.migrate.parity.comparators.judge] or --judge-url/--judge-model)"
    if not isinstance(opts.get("extra_body") or {}, Mapping):
        return "extra_body must be a table of request fields"
    return None


def parse_verdict(text: str) -> tuple[float, str]:
    """(score 1-5, reason) from the judge's answer; ValueError when there is none."""
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        try:
            obj = json.loads(text[start:end + 1])
            score = float(obj["score"])
            if 1 <= score <= 5:
                return score, _reason(obj)
        except (ValueError, KeyError, TypeError):
            pass
    match = _SCORE.search(text)
    if match:
        return float(match.group(1)), ""
    raise ValueError(f"no score in the judge's answer: {text[:120]!r}")


def _reason(obj: dict[str, Any]) -> str:
    """The judge's reason, with the contradictions, omissions and extra claims it listed."""
    parts = [str(obj.get("reason", "")).strip()]
    for key, label in (("contradictions", "contradicts"), ("omissions", "omits"), ("extra_claims", "adds")):
        items = obj.get(key)
        if isinstance(items, list) and items:
            parts.append(f"{label}: " + "; ".join(str(x) for x in items[:3]))
    return " | ".join(p for p in parts if p)[:500]


def render_rubric(rubric: str, **context: Any) -> str:
    """Render the rubric: a template name under templates/ (the default), or a path to your own Jinja2 file."""
    import jinja2

    from migrate.templating import environment, templates_dir

    path = Path(rubric)
    if not path.is_absolute() and (templates_dir() / path).is_file():
        return environment().get_template(rubric).render(**context)
    if path.is_file():
        return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(path.read_text(encoding="utf-8")).render(**context)
    raise FileNotFoundError(f"judge rubric {rubric!r}: neither a template under {templates_dir()} nor a file")


class Judge:
    """Calls the judge model with a small thread pool and a persistent cache."""

    def __init__(self, opts: Mapping[str, Any], cache_path: Path | None, call: Callable[[str], str] | None = None):
        self.opts = opts
        self.model = str(opts["model"])
        self.cache_path = cache_path
        self.cache: dict[str, tuple[float, str]] = {}
        if cache_path is not None and cache_path.is_file():
            from migrate.jsonl import iter_jsonl

            for _, obj in iter_jsonl(cache_path, bad=[]):
                if isinstance(obj.get("key"), str) and isinstance(obj.get("score"), (int, float)):
                    self.cache[obj["key"]] = (float(obj["score"]), str(obj.get("reason", "")))
        self._appender = None
        self._client = None
        self._call = call or self._http_call

    def _http_call(self, prompt: str) -> str:
        import httpx

        if self._client is None:
            key_env = self.opts.get("api_key_env") or "OPENAI_API_KEY"
            self._client = httpx.Client(base_url=str(self.opts["url"]).rstrip("/"), timeout=float(self.opts.get("timeout", 60)),
                                        headers={"Authorization": f"Bearer {os.environ.get(key_env) or 'EMPTY'}"})
        body = {**dict(self.opts.get("extra_body") or {}), "model": self.model,
                "messages": [{"role": "user", "content": prompt}],
                "temperature": 0, "max_tokens": int(self.opts.get("max_tokens", 300))}
        for attempt in range(4):
            response = self._client.post("/chat/completions", json=body)
            if response.status_code in (429, 500, 502, 503, 504) and attempt < 3:
                time.sleep(min(8.0, 0.5 * 2 ** attempt))
                continue
            if response.status_code >= 400:
                raise RuntimeError(f"judge HTTP {response.status_code}: {response.text[:200]}")
            return response.json()["choices"][0]["message"]["content"] or ""
        raise RuntimeError("judge kept failing")  # pragma: no cover - the loop returns or raises

    def key(self, prompt: str) -> str:
        return hashlib.sha256(f"{self.model}\0{prompt}".encode()).hexdigest()

    def grade(self, prompts: list[str], ctx: Context) -> list[tuple[float, str] | Exception]:
        results: list[tuple[float, str] | Exception | None] = [None] * len(prompts)
        todo = []
        for i, prompt in enumerate(prompts):
            hit = self.cache.get(self.key(prompt))
            if hit is not None:
                results[i] = hit
                ctx.note("judge", "cached")
            else:
                todo.append(i)

        def one(i: int) -> tuple[float, str] | Exception:
            try:
                return parse_verdict(self._call(prompts[i]))
            except Exception as e:  # noqa: BLE001 - a judge failure is reported, never fatal
                return e

        with ThreadPoolExecutor(max_workers=max(1, int(self.opts.get("concurrency", 8)))) as pool:
            for i, result in zip(todo, pool.map(one, todo)):
                results[i] = result
                ctx.note("judge", "calls")
                if isinstance(result, Exception):
                    ctx.note("judge", "errors")
                    ctx.example("judge", "error_examples", str(result)[:200])
                    continue
                key = self.key(prompts[i])
                self.cache[key] = result
                if self.cache_path is not None:
                    if self._appender is None:
                        from migrate.jsonl import JsonlAppender

                        self._appender = JsonlAppender(self.cache_path)
                    self._appender.write({"key": key, "model": self.model, "score": result[0], "reason": result[1]})
        return results  # type: ignore[return-value]

    def close(self) -> None:
        if self._appender is not None:
            self._appender.close()
        if self._client is not None:
            self._client.close()


@comparator(
    "judge", kinds=("chat", "completions"), default=False, batch=True, available=_available,
    pass_at="min_score", pass_scale=lambda grade: (grade - 1) / 4,  # graded 1-5, scored 0-1
    options={"url": None, "model": None, "api_key_env": None, "min_score": 4, "rubric": "report/judge_rubric.j2",
             "criteria": "correctness and completeness for the user's request", "concurrency": 8, "timeout": 60,
             "max_tokens": 300, "max_chars": 6000, "extra_body": {}},
)
def judge(pairs: list[Pair], opts, ctx: Context) -> list[Score | None]:
    """An LLM grades the candidate against the baseline on a 1-5 rubric (score scaled to 0..1); passes at `min_score`."""
    results: list[Score | None] = [None] * len(pairs)
    threshold = float(opts["min_score"])
    for i, graded in enumerate(grade_pairs(pairs, opts, ctx)):
        if graded is None or isinstance(graded, Exception):
            continue
        score, reason = graded
        ok = score >= threshold
        results[i] = Score((score - 1) / 4, ok, f"judge {score:g}/5" + (f": {reason}" if reason else ""))
    return results


def grade_pairs(pairs: list[Pair], opts: Mapping[str, Any], ctx: Context) -> list[tuple[float, str] | Exception | None]:
    """The judge's (grade 1-5, reason) for each pair with text on both sides (None otherwise), or the
    Exception when its answer had no readable grade. One client and cache per run, shared by the `judge`
    comparator and the layered `equivalence` gate, so a pair graded by one is a cache hit for the other."""
    def build() -> Judge:
        cache = Path(ctx.out_dir) / CACHE_NAME if ctx.out_dir else None
        return Judge(opts, cache, call=ctx.resources.get("judge.call"))

    grader: Judge = ctx.resource("judge.client", build)
    ctx.note("judge", "model", grader.model, add=False)
    limit = int(opts["max_chars"])
    results: list[tuple[float, str] | Exception | None] = [None] * len(pairs)
    index, prompts = [], []
    for i, pair in enumerate(pairs):
        base, cand = pair.baseline.text, pair.candidate.text
        if base is None or cand is None:
            continue
        prompts.append(render_rubric(opts["rubric"], question=pair.prompt_text[:limit], reference=base[:limit],
                                     candidate=cand[:limit], criteria=opts["criteria"]))
        index.append(i)
    for i, graded in zip(index, grader.grade(prompts, ctx)):
        results[i] = graded
    return results
