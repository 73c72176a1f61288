"""Preflight: before a replay spends its time, check that the candidate can answer what the recordings ask.

    from migrate.parity.preflight import preflight
    result = preflight("recs.jsonl", "http://localhost:8000/v1", model_map={"gpt-4o": "llama"})
    result.ok            # False: nothing listens there, a mapped model is not served, a feature is refused
    print(result.message())

The checks are `migrate doctor`'s (migrate.doctor): the candidate is reachable and accepts the key (its model
list), every model name the recordings send (after the model map) is served, and one tiny probe per feature
the recordings use (tools, response_format, embeddings, streaming, ...). A probe the server *refuses* (an
HTTP error: a missing tool parser, an embeddings route a generative server lacks) blocks, because every
recording using that feature would fail the same way; a probe that is answered but behaves unlike OpenAI is
a warning, since measuring that is what the replay is for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate.doctor.causes import PARITY, Cause, fix_for
from migrate.serve.needs import FEATURES, CodeNeeds

LOCATIONS_PER_NEED = 3
DEFAULT_TIMEOUT_S = 30.0


class PreflightError(RuntimeError):
    """The candidate failed the preflight; `.result` says why, in doctor's words."""

    def __init__(self, result: "PreflightResult"):
        super().__init__(result.message())
        self.result = result


@dataclass(frozen=True)
class Problem:
    feature: str  # a key of migrate.serve.needs.FEATURES, or "reach" when the server cannot be checked at all
    cause: str  # a migrate.doctor.causes.Cause value, or "behaviour" for a warning about how an answer looks
    detail: str
    fix: str | None = None
    server_error: str | None = None
    http_status: int | None = None
    locations: tuple[str, ...] = ()  # recordings lines ("recs.jsonl:12") that use the feature

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "cause": self.cause, "detail": self.detail, "fix": self.fix,
                "server_error": self.server_error, "http_status": self.http_status, "locations": list(self.locations)}


@dataclass(frozen=True)
class PreflightResult:
    base_url: str
    problems: tuple[Problem, ...] = ()  # block the replay
    warnings: tuple[Problem, ...] = ()  # shown, do not block
    served: tuple[str, ...] = ()
    features: tuple[str, ...] = ()  # what the recordings use (and was probed)
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self) -> str:
        """Doctor's words: what failed, the server's own message, and the fix; one block per problem."""
        if self.ok:
            return f"preflight: {self.base_url} serves {', '.join(self.served) or 'nothing'}; ready"
        lines = [f"preflight: the candidate {self.base_url} cannot answer these recordings "
                 f"({len(self.problems)} problem(s)); nothing was replayed"]
        for p in self.problems:
            where = f" (used at {', '.join(p.locations)})" if p.locations else ""
            lines.append(f"  {p.feature}: {p.detail}{where}")
            if p.server_error:
                lines.append(f"    server said{f' (HTTP {p.http_status})' if p.http_status else ''}: {p.server_error}")
            if p.fix:
                lines.append(f"    fix: {p.fix}")
        lines.append("  (--no-preflight replays anyway and reports each failure by cause)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "ok": self.ok, "served": list(self.served), "features": list(self.features),
                "duration_s": round(self.duration_s, 3),
                "problems": [p.to_dict() for p in self.problems], "warnings": [p.to_dict() for p in self.warnings]}


@dataclass
class RecordingNeeds:
    """What a recordings file asks of the server: features and (mapped) model names, each with a few lines."""

    features: dict[str, list[str]] = field(default_factory=dict)
    chat_models: dict[str, list[str]] = field(default_factory=dict)
    embedding_models: dict[str, list[str]] = field(default_factory=dict)

    def add(self, table: dict[str, list[str]], key: str, where: str) -> None:
        lines = table.setdefault(key, [])
        if len(lines) < LOCATIONS_PER_NEED:
            lines.append(where)

    def code_needs(self) -> CodeNeeds:
        """As doctor's CodeNeeds (without "models": the preflight checks every name itself, embeddings included)."""
        ordered = {name: tuple(self.features[name]) for name in FEATURES if name in self.features and name != "models"}
        return CodeNeeds(features=ordered, chat_models={k: tuple(v) for k, v in self.chat_models.items()},
                         embedding_models={k: tuple(v) for k, v in self.embedding_models.items()})

    def models(self) -> dict[str, list[str]]:
        out = {k: list(v) for k, v in self.chat_models.items()}
        for name, where in self.embedding_models.items():
            out.setdefault(name, []).extend(where)
        return out


def needs_from_recordings(recordings: str | Path, model_map: dict[str, str] | None = None) -> RecordingNeeds:
    """Stream the recordings once and note what they use; bad lines are left to the replay to report."""
    from migrate.parity.compare.pair import json_mode
    from migrate.parity.replay.engine import map_model
    from migrate.record.format import read_recordings

    path = Path(recordings)
    needs = RecordingNeeds()
    ignored: list = []
    for number, recording in read_recordings(path, bad=ignored):
        ignored.clear()
        if recording.error is not None or (recording.status or 200) >= 400:
            continue  # it failed at the baseline too: not a use the candidate must serve ("baseline failed too")
        where = f"{path.name}:{number}"
        endpoint = recording.endpoint.rstrip("/")
        request = recording.request
        model = map_model(request.get("model"), model_map)
        if endpoint.endswith("/embeddings"):
            needs.add(needs.features, "embeddings", where)
            if isinstance(model, str):
                needs.add(needs.embedding_models, model, where)
            continue
        if isinstance(model, str):
            needs.add(needs.chat_models, model, where)
        if endpoint.endswith("/responses"):
            needs.add(needs.features, "responses", where)
        elif endpoint.endswith("/completions") and not endpoint.endswith("/chat/completions"):
            needs.add(needs.features, "completions", where)
        elif endpoint.endswith("/chat/completions"):
            needs.add(needs.features, "chat", where)
            messages = request.get("messages")
            if isinstance(messages, list) and any(isinstance(m, dict) and m.get("role") in ("system", "developer")
                                                  for m in messages):
                needs.add(needs.features, "roles", where)
        if (request.get("tools") or request.get("functions")) and request.get("tool_choice") != "none":
            needs.add(needs.features, "tools", where)
        mode = json_mode(request)
        if mode is not None:
            needs.add(needs.features, mode[0], where)
        if request.get("stream"):
            needs.add(needs.features, "stream", where)
        if isinstance(request.get("n"), int) and request["n"] > 1:
            needs.add(needs.features, "n", where)
        if request.get("logprobs"):
            needs.add(needs.features, "logprobs", where)
    return needs


def preflight(recordings: str | Path, candidate_url: str, *, api_key: str | None = None,
              model_map: dict[str, str] | None = None, timeout_s: float = DEFAULT_TIMEOUT_S) -> PreflightResult:
    """Check the candidate against what `recordings` use; never raises for a server problem (see `.ok`).

    Reachability is checked before the recordings are read, so a closed port fails at once on any file size.
    """
    from migrate.doctor.report import Status
    from migrate.doctor.run import DoctorError, list_models, reach, run_doctor

    started = time.monotonic()
    base_url = candidate_url.rstrip("/")
    try:
        reach(base_url, timeout_s)
        import openai

        with openai.OpenAI(base_url=base_url, api_key=api_key or "EMPTY", timeout=timeout_s, max_retries=0) as client:
            cards = list_models(client, base_url, PARITY)
    except DoctorError as e:
        return PreflightResult(base_url, (Problem("reach", e.cause.value, str(e)),), duration_s=time.monotonic() - started)
    served = tuple(card.id for card in cards)

    needs = needs_from_recordings(recordings, model_map)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    missing = {name: where for name, where in needs.models().items() if name not in served}
    if missing:
        problems.append(Problem(
            "models", Cause.MODEL_NOT_SERVED.value,
            f"serves {', '.join(served) or 'nothing'}; not served: {', '.join(sorted(missing))}",
            fix=fix_for(Cause.MODEL_NOT_SERVED, sorted(missing), served=served, hints=PARITY),
            locations=tuple(loc for where in missing.values() for loc in where)[:LOCATIONS_PER_NEED * 2]))

    code_needs = needs.code_needs()
    if code_needs.features and served:
        embedding = next((name for name in needs.embedding_models if name in served), None)
        try:
            report = run_doctor(base_url, code_needs, api_key=api_key or "EMPTY", embeddings_model=embedding,
                                timeout_s=timeout_s, hints=PARITY)
        except DoctorError as e:  # it went away between the two checks
            return PreflightResult(base_url, (Problem("reach", e.cause.value, str(e)),), served=served,
                                   duration_s=time.monotonic() - started)
        for r in report.results:
            if r.status not in (Status.FAIL, Status.WARN):
                continue
            # A request the server failed (refused, timed out, answered garbage) blocks; a behaviour finding warns.
            failed = r.status == Status.FAIL and r.cause is not None
            problem = Problem(r.feature, r.cause or "behaviour", r.detail, r.fix, r.server_error, r.http_status, r.locations)
            (problems if failed else warnings).append(problem)
    return PreflightResult(base_url, tuple(problems), tuple(warnings), served, tuple(needs.features),
                           time.monotonic() - started)


__all__ = ["PreflightError", "PreflightResult", "Problem", "RecordingNeeds", "needs_from_recordings", "preflight"]
