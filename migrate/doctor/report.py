"""The doctor's findings about a live endpoint: one result per probed feature, and ways to print them."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any


class Status(str, enum.Enum):
    PASS = "pass"
    WARN = "warn"  # accepted, but behaves unlike OpenAI in a way the code may notice
    FAIL = "fail"
    SKIP = "skip"  # not probed (nothing to probe it with)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ProbeResult:
    feature: str  # a key of migrate.serve.needs.FEATURES
    title: str
    status: Status
    detail: str  # what was sent and what came back, in a line
    needed: bool  # the codebase uses this feature (or --all was asked)
    server_error: str | None = None  # the server's own message, verbatim
    http_status: int | None = None
    fix: str | None = None
    locations: tuple[str, ...] = ()  # code that uses the feature
    duration_s: float = 0.0
    cause: str | None = None  # a migrate.doctor.causes.Cause value when the probe's request failed

    @property
    def blocking(self) -> bool:
        return self.needed and self.status == Status.FAIL


@dataclass(frozen=True)
class DoctorReport:
    base_url: str
    model: str | None  # the served name the probes used
    served_names: tuple[str, ...]
    results: tuple[ProbeResult, ...]
    server_version: str | None = None
    duration_s: float = 0.0
    scope: str = "codebase"  # "codebase" (features the findings use) or "all"
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when nothing the code needs fails."""
        return not any(r.blocking for r in self.results)

    @property
    def blocking(self) -> tuple[ProbeResult, ...]:
        return tuple(r for r in self.results if r.blocking)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for r in self.results:
            out[r.status.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "model": self.model,
            "served_names": list(self.served_names),
            "server_version": self.server_version,
            "scope": self.scope,
            "ok": self.ok,
            "counts": self.counts(),
            "duration_s": round(self.duration_s, 3),
            "results": [
                {"feature": r.feature, "title": r.title, "status": r.status.value, "needed": r.needed,
                 "detail": r.detail, "http_status": r.http_status, "server_error": r.server_error, "fix": r.fix,
                 "locations": list(r.locations), "duration_s": round(r.duration_s, 3), "cause": r.cause}
                for r in self.results
            ],
            "notes": list(self.notes),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def render_markdown(report: DoctorReport) -> str:
    """Markdown for a pull-request body or a ticket (templates/doctor/report.md.j2)."""
    from migrate.templating import render

    def cell(text: str | None) -> str:
        return (text or "").replace("|", "\\|").replace("\n", " ")

    return render("doctor/report.md.j2", report=report, cell=cell, Status=Status)
