#!/usr/bin/env python3
"""Does a change to the scanner keep its findings? `migrate scan --format json` over the pinned corpora, kept
as a snapshot, and two snapshots compared finding by finding.

The trees: every project of the pinned PyPI corpus ($MIGRATE_CORPUS_CACHE, scripts/fetch-corpus) and the
npm corpus's node_modules ($MIGRATE_NPM_CORPUS, scripts/fetch-npm-corpus), each scanned on its own with
--include-vendored --no-gitignore (so nothing is left out because it sits in a vendored folder).

    # before the change (e.g. in a checkout of main), then after it:
    python benchmarks/scan_equivalence.py snapshot --out /tmp/before.json
    python benchmarks/scan_equivalence.py snapshot --out /tmp/after.json
    python benchmarks/scan_equivalence.py compare /tmp/before.json /tmp/after.json   # exit 1 on any difference

    # or both at once, the "before" from another checkout of migrate-kit:
    python benchmarks/scan_equivalence.py check --before-repo /path/to/main

Timing fields (and nothing else) are dropped before comparing; findings are compared as whole records, the
skipped files too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_VOLATILE = frozenset({"elapsed", "elapsed_s", "duration", "duration_s", "generated_at", "timestamp", "timings",
                       "started_at", "finished_at", "version", "tool_version", "root"})


def trees() -> list[tuple[str, Path]]:
    """(name, folder) of every tree the snapshot scans, in a stable order."""
    out: list[tuple[str, Path]] = []
    corpus = os.environ.get("MIGRATE_CORPUS_CACHE")
    if corpus and Path(corpus).is_dir():
        for project in sorted(Path(corpus).iterdir()):
            if project.is_dir() and project.name != "downloads":
                out.append((f"pypi/{project.name}", project))
    npm = os.environ.get("MIGRATE_NPM_CORPUS")
    if npm and (Path(npm) / "node_modules").is_dir():
        out.append(("npm/node_modules", Path(npm) / "node_modules"))
    if not out:
        raise SystemExit("no corpus: set MIGRATE_CORPUS_CACHE and/or MIGRATE_NPM_CORPUS (scripts/fetch-corpus, "
                         "scripts/fetch-npm-corpus)")
    return out


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def scan_tree(tree: Path, repo: Path, python: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scan.json"
        command = [python, "-m", "migrate", "scan", str(tree), "--format", "json", "--output", str(out),
                   "--include-vendored", "--no-gitignore"]
        env = {**os.environ, "PYTHONPATH": str(repo)}
        done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
        if done.returncode not in (0, 1) or not out.exists():
            raise SystemExit(f"scan of {tree} failed ({done.returncode}): {done.stderr[-2000:]}")
        report = json.loads(out.read_text())
    report = _strip(report)
    return {"findings": sorted((report.get("findings") or []), key=_finding_key),
            "skipped": sorted((report.get("skipped") or []), key=lambda s: json.dumps(s, sort_keys=True))}


def _finding_key(f: dict):
    return (f.get("path", ""), f.get("cell") or -1, f.get("line", 0), f.get("column", 0), f.get("kind", ""),
            f.get("endpoint") or "", json.dumps(f, sort_keys=True))


def snapshot(repo: Path, python: str) -> dict:
    out = {}
    for name, tree in trees():
        out[name] = scan_tree(tree, repo, python)
        print(f"{name}: {len(out[name]['findings'])} findings, {len(out[name]['skipped'])} skipped", file=sys.stderr)
    return out


def compare(before: dict, after: dict) -> list[str]:
    """Human-readable differences; empty when the snapshots agree."""
    problems = []
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        if a is None or b is None:
            problems.append(f"{name}: only in {'after' if a is None else 'before'}")
            continue
        for part in ("findings", "skipped"):
            left = {json.dumps(x, sort_keys=True) for x in a[part]}
            right = {json.dumps(x, sort_keys=True) for x in b[part]}
            if len(a[part]) != len(b[part]) or left != right:
                problems.append(f"{name}: {part} {len(a[part])} before, {len(b[part])} after")
                for gone in sorted(left - right)[:10]:
                    problems.append(f"  - {gone[:400]}")
                for new in sorted(right - left)[:10]:
                    problems.append(f"  + {new[:400]}")
    return problems


def totals(snap: dict) -> str:
    findings = sum(len(v["findings"]) for v in snap.values())
    skipped = sum(len(v["skipped"]) for v in snap.values())
    return f"{len(snap)} trees, {findings} findings, {skipped} skipped files"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot", help="scan every corpus tree and write the findings")
    snap.add_argument("--out", required=True, type=Path)
    snap.add_argument("--repo", type=Path, default=REPO, help="the migrate-kit checkout to run (default: this one)")
    cmp_ = sub.add_parser("compare", help="compare two snapshots; exit 1 when they differ")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    check = sub.add_parser("check", help="snapshot another checkout and this one, and compare")
    check.add_argument("--before-repo", required=True, type=Path)
    args = parser.parse_args(argv)
    python = sys.executable
    if args.command == "snapshot":
        data = snapshot(args.repo, python)
        args.out.write_text(json.dumps(data, indent=1, sort_keys=True))
        print(totals(data))
        return 0
    if args.command == "compare":
        before, after = json.loads(args.before.read_text()), json.loads(args.after.read_text())
    else:
        before, after = snapshot(args.before_repo, python), snapshot(REPO, python)
    problems = compare(before, after)
    print(f"before: {totals(before)}\nafter:  {totals(after)}")
    for line in problems:
        print(line)
    print("same findings" if not problems else f"{sum(1 for p in problems if not p.startswith(' '))} trees differ")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
