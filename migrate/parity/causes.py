"""Candidate errors by cause, with the fix: one run record's failure named (`classify`), and a bounded tally of
a whole run (`ErrorCauses`) for the compare summary's `error_causes` block and the reports.

    from migrate.parity.causes import ErrorCauses, classify
    found = classify(record)             # Diagnosis(cause=Cause.MODEL_NOT_SERVED, subject="gpt-4o", ...) or None
    tally = ErrorCauses()
    for record in records:
        tally.add(record)
    tally.to_dict()["main"]              # {"cause": "model_not_served", "count": 3, "fix": "...", ...}

What the causes are and how to fix them is `migrate doctor`'s knowledge (migrate.doctor.causes); this module only
reads a run record (what the replay client recorded: status, error type, connection reason, content type, body
snippet) and counts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from migrate.doctor.causes import PARITY, Cause, Diagnosis, Hints, diagnose, fix_for, tool_parser_hint
from migrate.parity.runfile import Outcome, RunRecord

EXAMPLE_CHARS = 300
MAX_SUBJECTS = 20  # distinct model names / flags / endpoints kept per cause


def classify_outcome(outcome: Outcome | None, *, endpoint: str | None = None, model: Any = None) -> Diagnosis | None:
    """The cause of one side's failure, or None when it answered."""
    if outcome is None or outcome.ok:
        return None
    model = model if isinstance(model, str) else None
    error = outcome.error or {}
    if not error:  # no failure recorded, yet no answer: a status >= 400, or no body at all
        if outcome.status is None or 200 <= outcome.status < 300:
            return diagnose(kind="malformed", message="no response body", endpoint=endpoint, model=model)
        return diagnose(status=outcome.status, endpoint=endpoint, model=model)
    kind = error.get("type")
    if kind in ("http", "recorded"):
        kind = None  # the server answered: its status and message decide
    return diagnose(status=outcome.status, message=_text(error.get("message")) or _text(error.get("body")), kind=kind,
                    reason=error.get("reason"), content_type=error.get("content_type"), endpoint=endpoint, model=model)


def classify(record: RunRecord) -> Diagnosis | None:
    """The cause of the candidate's failure on this request, or None when it answered."""
    return classify_outcome(record.candidate, endpoint=record.endpoint, model=record.request.get("model"))


def error_message(outcome: Outcome) -> str:
    """The recorded failure in a line: the message (which already says HTTP n, connection failed, ...)."""
    error = outcome.error or {}
    if error:
        return str(error.get("message") or error.get("type") or "error")
    return f"HTTP {outcome.status}" if outcome.status else "no response body"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _clip(text: str, limit: int = EXAMPLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Row:
    __slots__ = ("baseline_failed_too", "count", "example", "models", "served", "subjects")

    def __init__(self) -> None:
        self.count = 0
        self.baseline_failed_too = 0
        self.example: dict[str, Any] | None = None
        self.subjects: Counter[str] = Counter()
        self.served: dict[str, None] = {}
        self.models: dict[str, None] = {}  # served names the failing requests asked for (tool parser hints)


class ErrorCauses:
    """Candidate errors of a run grouped by cause: count, one example (request key and message), the fix.

    Memory is bounded by the number of causes (a fixed set) and MAX_SUBJECTS per cause, never by the run.
    """

    def __init__(self, hints: Hints = PARITY) -> None:
        self.hints = hints
        self.rows: dict[Cause, _Row] = {}
        self.total = 0

    def add(self, record: RunRecord) -> Diagnosis | None:
        """Count the candidate's failure on this request, if it failed; returns its diagnosis."""
        return self.add_outcome(record.key, record.endpoint, record.request, record.candidate, record.baseline)

    def add_outcome(self, key: str, endpoint: str, request: dict[str, Any], candidate: Outcome,
                    baseline: Outcome | None = None) -> Diagnosis | None:
        found = classify_outcome(candidate, endpoint=endpoint, model=request.get("model"))
        if found is None:
            return None
        self.total += 1
        row = self.rows.get(found.cause)
        if row is None:
            row = self.rows[found.cause] = _Row()
        row.count += 1
        if baseline is not None and not baseline.ok:
            row.baseline_failed_too += 1
        if row.example is None:
            row.example = {"key": key, "endpoint": endpoint, "message": _clip(error_message(candidate)),
                           "status": candidate.status}
        if found.subject and (found.subject in row.subjects or len(row.subjects) < MAX_SUBJECTS):
            row.subjects[found.subject] += 1
        for name in found.served[:MAX_SUBJECTS]:
            row.served.setdefault(name, None)
        model = request.get("model")
        if isinstance(model, str) and len(row.models) < 5:
            row.models.setdefault(model, None)
        return found

    def fix(self, cause: Cause) -> str:
        row = self.rows[cause]
        hints = self.hints
        if cause == Cause.FLAG_MISSING and hints.tool_parser is None:
            parser = next((p for p in map(tool_parser_hint, row.models) if p), None)
            if parser:
                hints = Hints(**{**hints.__dict__, "tool_parser": parser})
        return fix_for(cause, [s for s, _ in row.subjects.most_common()], served=row.served, hints=hints)

    def to_dict(self) -> dict[str, Any]:
        """{"total", "main": the commonest cause's row or None, "causes": rows, commonest first}."""
        rows = []
        for cause, row in sorted(self.rows.items(), key=lambda kv: (-kv[1].count, kv[0].value)):
            rows.append({
                "cause": cause.value, "title": cause.title, "count": row.count,
                "share": round(row.count / self.total, 4) if self.total else None,
                "baseline_failed_too": row.baseline_failed_too, "fix": self.fix(cause), "example": row.example,
                "subjects": dict(row.subjects.most_common()),
            })
        return {"total": self.total, "main": rows[0] if rows else None, "causes": rows}


EMPTY: dict[str, Any] = {"total": 0, "main": None, "causes": []}


def causes_block(summary: Any) -> dict[str, Any]:
    """The `error_causes` block of a compare summary (a dict, or a typed summary keeping it among its extra
    keys); an empty block for a summary written before causes were counted."""
    if isinstance(summary, dict):
        block = summary.get("error_causes")
    else:
        block = getattr(summary, "error_causes", None) or (getattr(summary, "extra", None) or {}).get("error_causes")
    return block if isinstance(block, dict) and "causes" in block else dict(EMPTY)


__all__ = ["ErrorCauses", "causes_block", "classify", "classify_outcome", "error_message"]
