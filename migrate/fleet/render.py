"""The fleet summary as JSON, Markdown (for an issue or a wiki page) or a self-contained HTML page.

The HTML reuses the parity report's stylesheet (templates/report/report.css) and its escaping rules: every
value is autoescaped, and the Content-Security-Policy allows no script and no network access at all.
Repository names, branch names and reasons come from other people's repositories: they are text, never markup.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrate.fleet.outcome import STATUS_TITLES, STATUSES, VERDICT_ORDER

if TYPE_CHECKING:
    from migrate.fleet.runner import FleetResult

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".json": "json"}


def context(result: FleetResult) -> dict[str, Any]:
    data = result.to_dict()
    rows = sorted(result.outcomes, key=lambda o: (STATUSES.index(o.status) if o.status in STATUSES else 0, o.name))
    total = len(result.outcomes) or 1
    return {
        "report": data,
        "rows": rows,
        "statuses": [{"status": s, "title": STATUS_TITLES[s], "n": data["counts"].get(s, 0),
                      "share": data["counts"].get(s, 0) / total} for s in STATUSES],
        "verdict_order": VERDICT_ORDER,
        "title": "Migration status" if result.survey else ("Fleet dry run" if result.dry_run else "Fleet run"),
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def render(result: FleetResult, fmt: str) -> str:
    """`fmt`: "json", "markdown" or "html"."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    from migrate.report import _environment, _static
    from migrate.report.controls import visible_controls

    env = _environment()
    if fmt == "markdown":
        return visible_controls(env.get_template("report/fleet.md.j2").render(**context(result)))
    if fmt == "html":
        return visible_controls(env.get_template("report/fleet.html.j2").render(**context(result),
                                                                                style=_static("report.css")))
    raise ValueError(f"unknown report format {fmt!r}: json, markdown or html")


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path}: the report's format comes from its extension: .html, .md or .json")
    return FORMATS[suffix]


def write_report(result: FleetResult, path: str | Path) -> Path:
    path = Path(path)
    text = render(result, format_for(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def from_state(workdir: str | Path) -> FleetResult:
    """The last run's outcomes as recorded in a work folder (no network): `migrate report --workdir DIR`."""
    from migrate.fleet.outcome import RepoOutcome
    from migrate.fleet.runner import FleetResult
    from migrate.fleet.state import StateStore, now

    records = StateStore(workdir).records()
    outcomes = [RepoOutcome.from_dict(r) for r in records]
    for o in outcomes:
        if o.step != "done":  # the run was interrupted during this one
            o.status, o.reason = "failed", o.reason or f"interrupted after step {o.step or 'start'}: run again"
    latest = max((o.updated for o in outcomes), default=now())
    earliest = min((o.updated for o in outcomes), default=latest)
    return FleetResult(outcomes, [f"from the records in {workdir}"], earliest, latest, 0.0, False, False, str(workdir))
