"""Reports from a compare summary: a self-contained HTML page, a Markdown summary for a PR body, JSON.

    from migrate.parity.compare import read_summary
    from migrate.parity.verdict import Thresholds, decide
    from migrate.report import write_reports

    summary = read_summary("run.verdicts.jsonl")    # the summary line; Summary.from_dict(...) types it
    decision = decide(summary, Thresholds.from_config(config))   # GO / NO-GO / INCONCLUSIVE
    paths = write_reports(summary, decision, html="report.html", markdown="summary.md", json_path="report.json")

Model output is untrusted: the HTML template autoescapes everything, embeds data with `|tojson`, and a
Content-Security-Policy forbids network access and every script but the report's own (by hash), so a
`<script>` or `onerror=` inside an answer stays text. Control characters are made visible in the HTML and the
Markdown (`controls.py`) and escaped in the JSON; secrets are scrubbed from the summary before any rendering.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrate.parity.causes import causes_block
from migrate.report.charts import latency_histogram, score_histogram
from migrate.report.controls import escape_json_controls, visible_controls
from migrate.report.diff import word_diff

if TYPE_CHECKING:
    from migrate.parity.compare.summary import Summary
    from migrate.parity.verdict import Decision

MARKDOWN_LIMIT = 60_000  # GitHub's PR body limit is 65,536 characters: leave room for a note around it


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    from migrate.templating import templates_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        # Decided by the template's name: .html.j2 would not match jinja2.select_autoescape's extension test.
        autoescape=lambda name: bool(name) and ".html" in name,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = _pct
    env.filters["num"] = _num
    env.filters["ms"] = _ms
    env.filters["usd"] = usd
    env.filters["md"] = md_escape
    env.filters["fence"] = md_fence
    env.filters["mdhtml"] = md_html
    return env


def _pct(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def usd(value: float | None) -> str:
    """Dollars for people: cents from $1 up, four decimals below, "not priced" for None."""
    if value is None:
        return "not priced"
    return f"${value:,.2f}" if value >= 1 else f"${value:.4f}"


def md_escape(text: Any) -> str:
    """Text safe inside a Markdown table cell or paragraph: no markup, no HTML, no @mentions, one line."""
    text = " ".join(visible_controls(str(text)).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]#!|~":
        text = text.replace(ch, "\\" + ch)
    return text.replace("@", "@\u200b")


def md_html(text: Any) -> str:
    """Text safe inside the HTML of a Markdown document (a <summary>): HTML-escaped, one line, no @mentions."""
    from markupsafe import escape

    return str(escape(" ".join(visible_controls(str(text)).split()))).replace("@", "@\u200b")


def md_fence(text: str, info: str = "text") -> str:
    """A fenced code block that the text cannot close: the fence is longer than any backtick run inside."""
    text = visible_controls(text)
    longest, run = 0, 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _static(name: str) -> str:
    from migrate.templating import templates_dir

    return (templates_dir() / "report" / name).read_text(encoding="utf-8")


def _scrubbed(summary: Summary | Mapping[str, Any]) -> Summary:
    """The summary with secrets scrubbed (with the run's own opt-in redactions): a hand-made file cannot leak."""
    from migrate.parity.compare.summary import Summary
    from migrate.record.scrub import Scrubber

    data = summary.to_dict() if isinstance(summary, Summary) else dict(summary)
    return Summary.from_dict(Scrubber.from_settings(data.get("scrubbing")).scrub(data))


STATUS_LABELS = {"pass": "pass", "fail": "fail", "error": "error", "unanswered": "no baseline answer",
                 "both_failed": "baseline failed too"}
LATENCY_SIDES = ("baseline", "candidate", "baseline_ttft", "candidate_ttft")
CASE_DEFAULTS: dict[str, Any] = {"key": "", "recording_id": "", "sample": 0, "endpoint": "", "kind": "", "tags": [],
                                 "passed": False, "failed_gates": [], "error": None, "baseline_error": None,
                                 "scores": {}, "prompt": "", "baseline": "", "candidate": "", "truncated": False,
                                 "latency_ms": [None, None], "redacted": [], "decided_by": None}


def _case_view(case: Mapping[str, Any], gates: set[str]) -> dict[str, Any]:
    """A case with every field the templates read (older or hand-made summaries may lack some)."""
    from migrate.parity.compare.aggregate import verdict_status

    case = {**CASE_DEFAULTS, **{k: v for k, v in case.items() if v is not None}}
    latency = list(case["latency_ms"] or []) + [None, None]
    case["latency_ms"] = latency[:2]
    left, right = word_diff(str(case["baseline"]), str(case["candidate"]))
    scores = [
        {"name": name, "score": None, "passed": False, "reason": "", **s, "gate": name in gates}
        for name, s in sorted(case["scores"].items(), key=lambda kv: (bool(kv[1].get("passed")), kv[0] not in gates, kv[0]))
    ]
    status = verdict_status(case)
    return {**case, "diff_baseline": left, "diff_candidate": right, "score_list": scores, "verdict": status,
            "verdict_label": STATUS_LABELS[status]}


def report_context(summary: Summary | Mapping[str, Any], decision: Decision) -> dict[str, Any]:
    """Everything the templates need, computed once from the typed summary: every key the templates read is
    present whatever the run was (no requests, no answers, no latency, no usage)."""
    from migrate.parity.compare.summary import ComparatorStats, Latency, Summary

    summary = Summary.from_dict(summary)
    gates = summary.gates
    overall = summary.scope("all")
    comparators = []
    for name, info in summary.comparators.items():
        stats = overall.comparators.get(name) or ComparatorStats()
        comparators.append({"name": name, "summary": info.summary, "kinds": info.kinds, "gate": info.gate,
                            "n": stats.n, "passed": stats.passed, "pass_rate": stats.pass_rate, "mean_score": stats.mean_score,
                            "errored": stats.errored, "unmeasured": stats.unmeasured,
                            "threshold": decision_threshold(decision, name),
                            "chart": score_histogram(stats.histogram or [0] * 20)})
    comparators.sort(key=lambda c: (not c["gate"], c["name"]))
    slices = []
    for key, stats in sorted(summary.scopes.items()):
        if key == "all":
            continue
        group, _, value = key.partition(":")
        failing = sorted((n for n, c in stats.comparators.items() if c.n and c.pass_rate is not None and c.pass_rate < 1),
                         key=lambda n: stats.comparators[n].pass_rate)
        slices.append({"group": group, "value": value, "n": stats.n, "pass_rate": stats.pass_rate, "errors": stats.errors,
                       "unanswered": stats.unanswered, "weakest": [(n, stats.comparators[n].pass_rate) for n in failing[:3]]})
    block = summary.latency.get("all") or {}
    latency = {side: block.get(side) or Latency() for side in LATENCY_SIDES}
    chart = latency_histogram({side: latency[side].buckets for side in ("baseline", "candidate")})
    worst = [_case_view(c, gates) for c in summary.worst]
    shown = {c["key"] for c in worst}
    sample = [_case_view(c, gates) for c in summary.sample if c.get("key") not in shown]
    tags = sorted({t for c in worst + sample for t in c["tags"]})
    catalog = {"openai_version": "?", "vllm_version": "?", "generated": "?", **(summary.catalog or {})} if summary.catalog else None
    header = summary.run_header or {}
    candidate = header.get("candidate") if isinstance(header.get("candidate"), Mapping) else {}
    judged = overall.judged
    return {
        "summary": summary,
        "decision": decision,
        "evidence": decision.evidence,
        "overall": overall,
        "n": overall.n,
        "judged": judged,
        "candidate_url": candidate.get("base_url") or "",
        "pass_rate": overall.passed / judged if judged else None,
        "redacted": summary.scopes.get("redacted:prompt"),
        "error_rate": overall.errors / judged if judged else None,
        "comparators": comparators,
        "slices": slices,
        "latency": latency,
        "latency_chart": chart,
        "cost": summary.cost,
        "cost_rows": [{"model": "", "requests": 0, "input": 0, "output": 0, "usd": None, "priced_as": None, "basis": None,
                       "per_1k": None, **row, "side": side}
                      for side in ("baseline", "candidate") for row in getattr(summary.cost, side).by_model],
        "worst": worst,
        "sample": sample,
        "tags": tags,
        "agreement": _agreement(summary.agreement),
        "error_causes": causes_block(summary),
        "catalog": catalog,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "failed_checks": [c for c in decision.checks if c.passed is False],
        "other_checks": [c for c in decision.checks if c.passed is not False],
        "stale": stale_note(summary),
        "retuned": _retuned_note(summary),
    }


def _agreement(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not data:
        return None
    return {"samples": 0, "recordings": 0, "mean_exact": None, "mean_lexical": None, **data}


def stale_note(summary: Any) -> str:
    """Why the saved scores may not be what the current config would give (set by `rejudge`), or ""."""
    retuned = summary.retuned or {}
    return str(retuned.get("stale") or "")


def _retuned_note(summary: Any) -> str:
    retuned = summary.retuned or {}
    if not retuned.get("applied"):
        return ""
    changed = retuned.get("statuses_changed", 0)
    return (f"Judged from the saved scores under the current thresholds, gates, pass marks and prices "
            f"({changed} request(s) changed status since compare).")


def decision_threshold(decision: Any, name: str) -> float | None:
    for check in decision.checks:
        if check.scope == "all" and check.metric == name:
            return check.threshold
    return None


def render_html(summary: Summary | Mapping[str, Any], decision: Decision) -> str:
    return _render_html(_scrubbed(summary), decision)


def render_markdown(summary: Summary | Mapping[str, Any], decision: Decision, *, limit: int = MARKDOWN_LIMIT, html_name: str | None = None) -> str:
    """The PR-body summary; worst cases are dropped (and then shortened) until it fits in `limit` characters."""
    return _render_markdown(_scrubbed(summary), decision, limit=limit, html_name=html_name)


def render_json(summary: Summary | Mapping[str, Any], decision: Decision) -> str:
    """version 2: adds "exit_code", "headline", "gaps", "notes", "evidence"; "verdict" may be "inconclusive"."""
    return _render_json(_scrubbed(summary), decision)


# The renderers below take a summary `_scrubbed` already: `write_reports` scrubs it once for all three.
def _render_html(summary: Summary, decision: Decision) -> str:
    script = _static("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    ctx = report_context(summary, decision)
    data = {"verdict": decision.to_dict(), "records": summary.records, "run": summary.run,
            "scopes": {k: {"n": v.n, "errors": v.errors, "passed": v.passed, "pass_rate": v.pass_rate}
                       for k, v in summary.scopes.items()}}
    return visible_controls(_environment().get_template("report/report.html.j2").render(
        **ctx, style=_static("report.css"), script=script, script_hash=f"sha256-{digest}", data=data))


def _render_markdown(summary: Summary, decision: Decision, *, limit: int, html_name: str | None) -> str:
    ctx = report_context(summary, decision)
    template = _environment().get_template("report/summary.md.j2")
    for cases, clip in ((10, 1200), (10, 400), (5, 300), (3, 200), (0, 0)):
        shown = [{**c, "baseline": _clip(str(c["baseline"]), clip), "candidate": _clip(str(c["candidate"]), clip),
                  "prompt": _clip(str(c["prompt"]), clip)} for c in ctx["worst"][:cases]]
        text = visible_controls(template.render(**{**ctx, "worst": shown, "more_cases": max(0, len(ctx["worst"]) - cases), "html_name": html_name}))
        if len(text) <= limit:
            return text
    return text[: limit - 40] + "\n\n(summary cut to fit)\n"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + " [...]"


def _render_json(summary: Summary, decision: Decision) -> str:
    from migrate.record.scrub import Scrubber

    verdict = Scrubber.from_settings(summary.extra.get("scrubbing")).scrub(decision.to_dict())  # it quotes the run too
    report = {"format": "migrate.parity-report", "version": 2, **verdict, "summary": summary.to_dict()}
    return escape_json_controls(json.dumps(report, ensure_ascii=False, indent=2))


def write_reports(summary: Summary | Mapping[str, Any], decision: Decision, *, html: str | Path | None = None,
                  markdown: str | Path | None = None, json_path: str | Path | None = None) -> dict[str, Path]:
    """Write the reports asked for; returns {"html": path, ...} for those written."""
    written: dict[str, Path] = {}
    summary = _scrubbed(summary)
    for kind, path in (("html", html), ("markdown", markdown), ("json", json_path)):
        if path is None:
            continue
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "html":
            text = _render_html(summary, decision)
        elif kind == "markdown":
            text = _render_markdown(summary, decision, limit=MARKDOWN_LIMIT, html_name=Path(html).name if html else None)
        else:
            text = _render_json(summary, decision)
        path.write_text(text, encoding="utf-8")
        written[kind] = path
    return written


__all__ = ["md_escape", "md_fence", "render_html", "render_json", "render_markdown", "report_context", "write_reports"]
