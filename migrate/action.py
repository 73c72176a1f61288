"""What the GitHub Action (action.yml) runs around the commands: turn one scan into its SARIF file, the job's
step summary and the step outputs, and read the pull request's URL out of `migrate pr --json`.

The scan runs once (`migrate scan --format json`); SARIF and Markdown are rendered from that JSON, so the
findings count, the code scanning alerts and the summary always describe the same scan.

    python -m migrate.action scan-report --json F --sarif S [--summary FILE] [--outputs FILE]
    python -m migrate.action pr-outputs --json F [--outputs FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from migrate.scan.findings import ScanResult, Verdict


def scan_report(findings_json: Path, sarif: Path, summary: Path | None = None) -> dict[str, object]:
    """Write the SARIF file (and append the Markdown report to `summary`); return the step outputs."""
    from migrate.scan.formats import render

    result = ScanResult.load(findings_json)
    sarif.parent.mkdir(parents=True, exist_ok=True)
    sarif.write_text(render(result, "sarif"), encoding="utf-8")
    if summary is not None:
        with summary.open("a", encoding="utf-8") as out:
            out.write(render(result, "markdown"))
            out.write("\n")
    counts = result.counts_by_verdict()
    return {
        "findings": sum(1 for f in result.findings if f.verdict != Verdict.OK),
        "counts": json.dumps(counts, separators=(",", ":")),
        "sarif-file": str(sarif),
    }


def pr_outputs(result_json: Path) -> dict[str, object]:
    """The pull request's URL (empty when none was opened) and what happened, from `migrate pr --json`."""
    data = json.loads(result_json.read_text(encoding="utf-8") or "{}")
    pull = data.get("pull_request") or {}
    return {
        "pr-url": pull.get("url", ""),
        "pr-action": pull.get("action", "") or data.get("status", "") or ("error" if data.get("error") else ""),
        "branch": data.get("branch", ""),
    }


def pr_report(result_json: Path) -> str:
    """One line for the job log: what `migrate pr` did, or its error as a GitHub annotation."""
    data = json.loads(result_json.read_text(encoding="utf-8") or "{}")
    if data.get("error"):
        return "::error title=migrate-kit pr::" + str(data["error"]).replace("\n", " ")
    pull = data.get("pull_request") or {}
    parts = [f"migrate pr: {data.get('status', '?')}, branch {data.get('branch', '?')}"]
    if data.get("commit"):
        parts.append(f"at {data['commit'][:12]} ({len(data.get('files') or [])} file(s))")
    if pull:
        parts.append(f"pull request {pull.get('action')}: {pull.get('url')}")
    elif data.get("pr_error"):
        return "::error title=migrate-kit pr::" + str(data["pr_error"]).replace("\n", " ")
    elif data.get("pr_skipped"):
        parts.append(f"no pull request: {data['pr_skipped']}")
    return "; ".join(parts)


def write_outputs(values: dict[str, object], outputs: Path | None) -> None:
    """Append `name=value` lines to $GITHUB_OUTPUT (values here are single-line), or print them."""
    lines = "".join(f"{name}={value}\n" for name, value in values.items())
    if outputs is None:
        sys.stdout.write(lines)
        return
    with outputs.open("a", encoding="utf-8") as out:
        out.write(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m migrate.action", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    scan = sub.add_parser("scan-report", help="SARIF file, step summary and outputs from a scan's JSON")
    scan.add_argument("--json", type=Path, required=True)
    scan.add_argument("--sarif", type=Path, required=True)
    scan.add_argument("--summary", type=Path)
    scan.add_argument("--outputs", type=Path)
    pr = sub.add_parser("pr-outputs", help="the pull request URL from `migrate pr --json`")
    pr.add_argument("--json", type=Path, required=True)
    pr.add_argument("--outputs", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.what == "scan-report":
            values = scan_report(args.json, args.sarif, args.summary)
        else:
            values = pr_outputs(args.json)
            print(pr_report(args.json))
    except (OSError, ValueError) as e:
        print(f"migrate action: {args.what}: {args.json}: {e}", file=sys.stderr)
        return 2
    write_outputs(values, args.outputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
