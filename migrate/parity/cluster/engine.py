"""`RayEngine`: where and how wide the Ray stages run, and their entry points."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.parity.cluster.runtime import RayUnavailable, connect

__all__ = ["RayEngine", "RayUnavailable"]


@dataclass(frozen=True)
class RayEngine:
    """Run replay and compare on Ray Data.

    `address`: the cluster (`auto`, `ray://head:10001`, ...); None starts a local Ray, with `num_cpus` and
    `object_store_memory` when given. `replay_workers`: replay actors (the replay's `concurrency` is split
    among them). `scorers`: scoring actors, each with its own embedding model and judge client. `shard_bytes`:
    the size of the byte ranges the input files are cut into, also the unit in which results reach the driver
    (default: about 32 per actor, 16 KiB to 4 MiB).
    """

    address: str | None = None
    replay_workers: int = 2
    scorers: int = 2
    scorer_cpus: float = 1.0
    num_cpus: int | None = None
    object_store_memory: int | None = None
    shard_bytes: int | None = None

    def __post_init__(self) -> None:
        for name in ("replay_workers", "scorers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")

    def ray(self) -> Any:
        return connect(self.address, num_cpus=self.num_cpus, object_store_memory=self.object_store_memory)

    def replay(self, recordings: str | Path, out: str | Path, *, candidate_url: str | None = None,
               candidate_urls: list[str] | None = None, api_key: str | None = None, baseline_url: str | None = None,
               baseline_api_key: str | None = None, model_map: dict[str, str] | None = None, concurrency: int = 16,
               rate: float | None = None, samples: int = 1, timeout: float = 60.0, max_retries: int = 4,
               resume: bool = False, progress: Any = None, preflight: bool = False, scrubber: Any = None) -> Any:
        """`run_replay` on Ray, against one candidate URL or several replicas (`candidate_urls`, load spread
        across them). The same arguments, the same run file and the same ReplaySummary."""
        from migrate.parity.cluster.replay import replay_on_ray
        from migrate.parity.replay.engine import check_replay_arguments, open_run_file, preflight_candidates
        from migrate.record.scrub import Scrubber

        urls = list(candidate_urls or ([candidate_url] if candidate_url else []))
        if not urls:
            raise ValueError("a candidate URL is needed (candidate_url or candidate_urls)")
        recordings, out = check_replay_arguments(recordings, out, samples=samples, concurrency=concurrency, rate=rate)
        checked = preflight_candidates(recordings, urls, api_key=api_key, model_map=model_map,
                                       timeout=timeout) if preflight else None
        existing = open_run_file(out, resume)  # before Ray starts: a refused run file costs nothing
        scrub = (scrubber or Scrubber()).with_secrets([api_key, baseline_api_key])
        summary = replay_on_ray(
            self.ray(), recordings, out, candidate_urls=urls, api_key=api_key, baseline_url=baseline_url,
            baseline_api_key=baseline_api_key, model_map=model_map, concurrency=concurrency, rate=rate,
            samples=samples, timeout=timeout, max_retries=max_retries, existing=existing, progress=progress,
            scrub=scrub, workers=self.replay_workers, shard_bytes=self.shard_bytes, address=self.address)
        return dataclasses.replace(summary, preflight=checked) if checked is not None else summary

    def scorer(self, run: Path, **state: Any) -> Any:
        """For `compare_run(scorer=engine.scorer)`: the run's lines scored by `scorers` Ray actors."""
        from migrate.parity.cluster.compare import score_on_ray

        return score_on_ray(self.ray(), Path(run), scorers=self.scorers, shard_bytes=self.shard_bytes,
                            scorer_cpus=self.scorer_cpus, **state)
