"""Snapshot the rewrite plan of a tree, or check that the plan still equals a snapshot: the proof that a speed-up
changed no output.

The snapshot holds, for every tree given, the whole plan as `Plan.to_dict()` gives it (each changed file's text
before and after, every review item with its line, rule counts, failures, skipped files, files scanned and
parsed), less the run time. Run it once on the code before a change and once after:

    git stash; python benchmarks/rewrite_plan_snapshot.py save /tmp/before.json TREE...; git stash pop
    python benchmarks/rewrite_plan_snapshot.py check /tmp/before.json

`check` re-plans the trees the snapshot names and prints every difference (file, field), exit status 1 if any.
The model map is the tree's own `migrate.toml` when it has one, else the one `rewrite_speed.py` uses, so that the
model rule has work too. Plans run on one worker (`-j 1`): the pool's plan is checked against it elsewhere.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for path in (str(REPO), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

from rewrite_speed import config_file  # noqa: E402 - after the sys.path insert above


def plan_of(tree: Path) -> tuple[dict, float]:
    from migrate.config import load_config
    from migrate.rewrite import plan_rewrite

    with tempfile.TemporaryDirectory() as tmp:
        config = config_file(tree, Path(tmp))
        started = time.perf_counter()
        plan = plan_rewrite([tree], config=load_config(config), jobs=1, include_vendored=True)
        elapsed = time.perf_counter() - started
    data = plan.to_dict(texts=True)
    data.pop("duration_s", None)
    return data, elapsed


def differences(before: dict, after: dict) -> list[str]:
    out = []
    for key in sorted(set(before) | set(after)):
        if key == "changes":
            continue
        if before.get(key) != after.get(key):
            out.append(f"{key}: {before.get(key)!r:.300} != {after.get(key)!r:.300}")
    old = {c["abs_path"]: c for c in before.get("changes", ())}
    new = {c["abs_path"]: c for c in after.get("changes", ())}
    for path in sorted(set(old) | set(new)):
        if path not in new or path not in old:
            out.append(f"{path}: changed only {'before' if path in old else 'after'}")
            continue
        for field in sorted(set(old[path]) | set(new[path])):
            if old[path].get(field) != new[path].get(field):
                out.append(f"{path}: {field} differs")
    if [c["abs_path"] for c in before.get("changes", ())] != [c["abs_path"] for c in after.get("changes", ())]:
        out.append("changes: a different order")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    save = sub.add_parser("save", help="plan each tree and write the snapshot")
    save.add_argument("snapshot", type=Path)
    save.add_argument("trees", nargs="+", type=Path)
    check = sub.add_parser("check", help="plan the snapshot's trees again and compare")
    check.add_argument("snapshot", type=Path)
    args = parser.parse_args(argv)
    if args.command == "save":
        plans = {}
        for tree in args.trees:
            plans[str(tree.resolve())], elapsed = plan_of(tree.resolve())
            print(f"{tree}: {len(plans[str(tree.resolve())]['changes'])} changes, {elapsed:.1f} s")
        args.snapshot.write_text(json.dumps(plans, sort_keys=True), encoding="utf-8")
        return 0
    plans = json.loads(args.snapshot.read_text(encoding="utf-8"))
    failed = 0
    for tree, before in plans.items():
        after, elapsed = plan_of(Path(tree))
        diff = differences(before, json.loads(json.dumps(after, sort_keys=True)))
        print(f"{tree}: {len(after['changes'])} changes, {len(after['review'])} review items, {elapsed:.1f} s: "
              + ("identical" if not diff else f"{len(diff)} DIFFERENCES"))
        for line in diff:
            print("  " + line)
        failed += bool(diff)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
