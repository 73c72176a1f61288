"""Compare on Ray: scoring actors score the run file's lines in `map_batches`; the driver writes and aggregates.

Each scoring actor holds one comparator `Context` for its life, so the embedding model loads once per actor
(at its first batch) and the judge's client and cache are shared by its batches, never rebuilt per batch. An
actor returns, per line in order, the verdict and its scrubbed line (or the bad line, or the run's `replay`
line), plus a snapshot of its notes (judge calls, cache hits, ...), comparators it had to switch off and
comparator errors; the driver merges those into the summary. `compare_run` does the rest exactly as it does for
verdicts scored in its own process: the verdicts file is the same file.
"""

from __future__ import annotations

import functools
import json
import uuid
from pathlib import Path
from typing import Any, Iterator

from migrate.jsonl import BadLine, dumps_line, parse_line

COLUMNS = ("line", "kind", "text", "verdict", "record", "state")


class ScoreWorker:
    """A Ray Data callable class: a batch of run-file lines in, one row per line out."""

    def __init__(self, *, path: str, settings: Any, gates: set[str], options: dict[str, Any], disabled: set[str],
                 out_dir: str | None, scrub: Any):
        import migrate.parity.compare  # noqa: F401 - registers the built-in comparators in this process
        from migrate.parity.compare.registry import Context, registry

        self.path, self.settings, self.gates, self.scrub = path, settings, gates, scrub
        self.ctx = Context(out_dir=Path(out_dir) if out_dir else None, options=options)
        self.ctx.disabled |= set(disabled)
        self.comparators = registry()
        self.disabled: dict[str, str] = {}
        self.internal_errors: dict[str, list[str]] = {}
        self.id = uuid.uuid4().hex
        self.batches = 0

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        from migrate.parity.compare.engine import _score_chunk, _verdict
        from migrate.parity.compare.pair import Pair
        from migrate.parity.runfile import RunRecord

        rows: list[dict[str, Any]] = []
        pairs: list[tuple[dict[str, Any], Pair]] = []
        for number, raw in zip(batch["line"], batch["raw"]):
            row = {"line": int(number), "kind": "", "text": "", "verdict": "", "record": "", "state": ""}
            rows.append(row)
            obj = parse_line(self.path, int(number), raw)
            if isinstance(obj, BadLine):
                row["kind"], row["text"] = "bad", obj.error
            elif obj.get("type") == "header":
                row["kind"] = "header"
            elif obj.get("type") == "replay":
                row["kind"], row["text"] = "replay", dumps_line(obj)
            else:
                try:
                    pairs.append((row, Pair(RunRecord.from_dict(obj))))
                    row["kind"], row["record"] = "verdict", raw.decode("utf-8", "surrogateescape")
                except (KeyError, TypeError, ValueError) as e:
                    row["kind"], row["text"] = "bad", f"not a run result ({e!r})"
        if pairs:
            scores, unmeasured = _score_chunk([p for _, p in pairs], self.settings, self.comparators, self.ctx,
                                              self.disabled, self.internal_errors)
            for (row, pair), result, missing in zip(pairs, scores, unmeasured):
                verdict = _verdict(pair, result, missing, self.gates)
                row["verdict"] = json.dumps(verdict)
                row["text"] = dumps_line(self.scrub.scrub(verdict))
        self.batches += 1
        if rows:
            rows[0]["state"] = json.dumps({"worker": self.id, "notes": self.ctx.notes, "disabled": self.disabled,
                                           "internal_errors": self.internal_errors, "batches": self.batches,
                                           "resources": sorted(self.ctx.resources)})
        return {name: [row[name] for row in rows] for name in COLUMNS}

    def __del__(self) -> None:
        try:
            self.ctx.close()
        except Exception:  # noqa: BLE001 - a closing actor has nobody to tell
            pass


def _pair(line: str) -> Any:
    from migrate.parity.compare.pair import Pair
    from migrate.parity.runfile import RunRecord

    return Pair(RunRecord.from_dict(json.loads(line)))


def merge_notes(into: dict[str, dict[str, Any]], notes: dict[str, dict[str, Any]], limit: int = 5) -> None:
    """Add one actor's notes to the run's: counts add up, {label: n} tables add up per label, example lists
    are kept up to `limit`, anything else (a model name) is set."""
    for comparator, table in notes.items():
        mine = into.setdefault(comparator, {})
        for key, value in table.items():
            if isinstance(value, bool) or not isinstance(value, (int, float, dict, list)):
                mine[key] = value
            elif isinstance(value, (int, float)):
                mine[key] = mine.get(key, 0) + value
            elif isinstance(value, dict):
                counts = mine.setdefault(key, {})
                for label, n in value.items():
                    counts[label] = counts.get(label, 0) + n
            else:
                kept = mine.setdefault(key, [])
                kept.extend(value[: max(0, limit - len(kept))])


def score_on_ray(ray: Any, run: Path, *, settings: Any, gates: set[str], ctx: Any, scrub: Any, chunk_size: int,
                 bad: list[BadLine], replay: list[dict[str, Any]], disabled: dict[str, str],
                 internal_errors: dict[str, list[str]], scorers: int, shard_bytes: int | None,
                 scorer_cpus: float = 1.0) -> Iterator[tuple[dict[str, Any], str, Any]]:
    """What `compare_run(scorer=...)` consumes: (verdict, its line, pair getter) in run-file order."""
    from migrate.parity.cluster.lines import lines_dataset

    dataset = lines_dataset(run, shard_bytes=shard_bytes, parts=32 * scorers).map_batches(
        ScoreWorker, batch_size=chunk_size, num_cpus=scorer_cpus, compute=ray.data.ActorPoolStrategy(min_size=1, max_size=scorers),
        fn_constructor_kwargs={"path": str(run), "settings": settings, "gates": set(gates), "options": dict(ctx.options),
                               "disabled": set(ctx.disabled), "out_dir": str(ctx.out_dir) if ctx.out_dir else None,
                               "scrub": scrub})
    states: dict[str, dict[str, Any]] = {}
    for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
        for row in batch.to_pylist():
            if row["state"]:
                state = json.loads(row["state"])
                states[state["worker"]] = state
            kind = row["kind"]
            if kind == "bad":
                bad.append(BadLine(str(run), row["line"], row["text"]))
            elif kind == "replay":
                replay.append(json.loads(row["text"]))
            elif kind == "verdict":
                yield json.loads(row["verdict"]), row["text"], functools.partial(_pair, row["record"])
    ctx.notes["ray"] = {  # how the work was spread: actors used, batches, models loaded (one per actor that needed it)
        "scorers": len(states), "batches": sum(s["batches"] for s in states.values()),
        "embedder_loads": sum("semantic.embedder" in s["resources"] for s in states.values()),
        "judge_clients": sum("judge.client" in s["resources"] for s in states.values()),
    }
    for state in states.values():  # each actor's last snapshot holds all it did
        merge_notes(ctx.notes, state["notes"])
        for name, why in state["disabled"].items():
            disabled.setdefault(name, why)
        for name, examples in state["internal_errors"].items():
            kept = internal_errors.setdefault(name, [])
            kept.extend(examples[: max(0, 5 - len(kept))])
