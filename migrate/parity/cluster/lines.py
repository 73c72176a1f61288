"""A JSON Lines file as a streamed Ray dataset of (line number, bytes), without reading it on the driver.

The driver scans the file once for line boundaries (a few seconds per GB) to cut it into byte-range shards that start
on line boundaries and know their first line's number; Ray tasks read the shards. Bad lines are therefore
reported with their true numbers, as the single-process readers do. The file must be readable at the same
path on every node (a shared volume) when the cluster has more than one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# A shard is also the unit of delivery: Ray Data hands a task's output over when the task ends, so the driver
# writes (and a killed driver keeps) a shard's lines at once. Small enough to stream, large enough to be cheap.
MIN_SHARD = 16 << 10
MAX_SHARD = 4 << 20
# Reading and parsing are light: they reserve no CPU (so actors may take every core without starving them), and
# at most two run at once (a task that reserves nothing would otherwise get a worker process per shard).
READ_CONCURRENCY = 2


def read_tasks() -> dict[str, Any]:
    """The resources of a reading or parsing stage (`flat_map(fn, **read_tasks())`)."""
    import ray.data

    return {"num_cpus": 0, "compute": ray.data.TaskPoolStrategy(size=READ_CONCURRENCY)}


def line_shards(path: str | Path, *, shard_bytes: int | None = None, parts: int = 64) -> list[dict[str, Any]]:
    """Byte ranges [start, end) of `path`, each a run of whole lines, with the number of its first line:
    about `parts` of them (between 16 KiB and 4 MiB each) unless `shard_bytes` says how large."""
    path = Path(path)
    size = path.stat().st_size
    target = shard_bytes or min(MAX_SHARD, max(MIN_SHARD, size // max(1, parts) + 1))
    shards: list[dict[str, Any]] = []
    start = pos = 0
    first = number = 1
    with open(path, "rb") as fh:
        for raw in fh:
            pos += len(raw)
            number += 1
            if pos - start >= target:
                shards.append({"path": str(path), "start": start, "end": pos, "first_line": first})
                start, first = pos, number
    if pos > start or not shards:
        shards.append({"path": str(path), "start": start, "end": pos, "first_line": first})
    return shards


def read_shard(shard: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-blank lines of one shard: {"line": number, "raw": bytes} (split on newlines only, as a file is)."""
    with open(shard["path"], "rb") as fh:
        fh.seek(shard["start"])
        data = fh.read(shard["end"] - shard["start"])
    return [{"line": shard["first_line"] + offset, "raw": raw}
            for offset, raw in enumerate(data.split(b"\n")) if raw.strip()]


def lines_dataset(path: str | Path, *, shard_bytes: int | None = None, parts: int = 64) -> Any:
    """The file as a Ray dataset of {"line", "raw"} rows, in file order."""
    import ray.data

    shards = line_shards(path, shard_bytes=shard_bytes, parts=parts)
    return ray.data.from_items(shards, override_num_blocks=len(shards)).flat_map(read_shard, **read_tasks())
