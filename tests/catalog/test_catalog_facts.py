"""The hand-written facts stay honest: real evidence, real routes, real parameters, no typos."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from migrate.catalog import facts, load_catalog
from migrate.catalog.values import VALUE_CLASSES
from migrate.scan.findings import Verdict

ROOT = Path(__file__).resolve().parents[2]
SERVER_FACTS = ROOT / "tests" / "server" / "test_facts.py"


def _all_evidence() -> list[str]:
    out = [f.evidence for f in facts.PARAMETER_FACTS]
    out += [f.evidence for f in facts.ENDPOINT_FACTS.values()]
    out += [facts.EMBEDDINGS_EVIDENCE, facts.UNKNOWN_MODEL_EVIDENCE]
    out += [vc.evidence for vc in VALUE_CLASSES]
    return sorted({e for e in out if e})


def _server_tests() -> tuple[set[str], ast.Module]:
    assert SERVER_FACTS.is_file(), f"{SERVER_FACTS} is missing: the facts' evidence lives there"
    tree = ast.parse(SERVER_FACTS.read_text(encoding="utf-8"))
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test_")}
    return names, tree


@pytest.mark.parametrize("evidence", _all_evidence())
def test_evidence_exists(evidence):
    if evidence.startswith("vllm:"):
        spec = importlib.util.find_spec("vllm")  # locates the package without importing it
        assert spec is not None and spec.submodule_search_locations
        site = Path(next(iter(spec.submodule_search_locations))).parent
        assert (site / evidence.removeprefix("vllm:")).is_file(), evidence
        return
    path, _, test = evidence.partition("::")
    assert path == "tests/server/test_facts.py"
    names, _ = _server_tests()
    assert test in names, f"{evidence}: no such test in {SERVER_FACTS}"


def test_ignored_proven_matches_what_the_server_test_sends():
    _, tree = _server_tests()
    sent = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "IGNORED" for t in node.targets):
            sent = {k.value for k in node.value.keys}
    assert sent is not None, "tests/server/test_facts.py no longer defines IGNORED"
    assert facts.IGNORED_PROVEN == sent
    for fact in facts.PARAMETER_FACTS:
        if fact.evidence == facts.evidence("test_ignored_parameters_accepted"):
            assert fact.parameter in sent, f"{fact.parameter} cites a test that does not send it"


@pytest.mark.parametrize("fact", facts.PARAMETER_FACTS, ids=lambda f: f"{f.parameter}@{'+'.join(r.split('/')[-1] for r in f.routes)}")
def test_parameter_fact_names_real_routes_and_parameters(fact):
    catalog = load_catalog()
    for route in fact.routes:
        assert route in catalog.vllm_routes, f"{route} is not a vLLM route"
        endpoints = [e for e in catalog.endpoints.values() if e.vllm_route == route]
        assert endpoints, route
        assert any(fact.parameter in e.sdk_params for e in endpoints), f"no SDK endpoint on {route} takes {fact.parameter}"
    if fact.verdict is not Verdict.OK:
        assert fact.reason and fact.fix


@pytest.mark.parametrize("prefix", sorted(facts.ENDPOINT_FACTS))
def test_endpoint_fact_prefixes_match_sdk_endpoints(prefix):
    names = load_catalog().endpoints
    assert any(n == prefix or n.startswith(prefix + ".") for n in names), f"{prefix} matches no SDK endpoint"


def test_ignored_facts_describe_parameters_vllm_really_drops_or_never_reads():
    catalog = load_catalog()
    for fact in facts.PARAMETER_FACTS:
        if fact.verdict is not Verdict.IGNORED:
            continue
        for route in fact.routes:
            endpoint = next(e for e in catalog.endpoints.values() if e.vllm_route == route and fact.parameter in e.sdk_params)
            declared = fact.parameter in endpoint.vllm_params
            # Either vLLM drops it (undeclared), or the fact says it is declared but unused.
            assert not declared or "never reads" in fact.reason, (fact.parameter, route)


@pytest.mark.parametrize(
    "name",
    ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-5", "o1", "o3-mini", "o4-mini", "chatgpt-4o-latest", "text-embedding-3-small",
     "text-embedding-ada-002", "dall-e-3", "whisper-1", "tts-1-hd", "davinci-002", "babbage-002", "text-davinci-003",
     "ft:gpt-4o-mini-2024-07-18:org::abc123", "gpt-image-1", "omni-moderation-latest", "GPT-4"],
)
def test_openai_model_names(name):
    assert facts.is_openai_model(name)


@pytest.mark.parametrize(
    "name",
    ["meta-llama/Llama-3.1-8B-Instruct", "llama3", "mistral-7b-instruct", "qwen2.5-7b", "tiny-llama", "o1x", "adapter",
     "gemma-3-270m", "bge-small-en", "my-deployment"],
)
def test_other_model_names(name):
    assert not facts.is_openai_model(name)


def test_legacy_endpoints_map_to_real_endpoints():
    names = load_catalog().endpoints
    for legacy, modern in facts.LEGACY_ENDPOINTS.items():
        assert modern in names, f"{legacy} -> {modern}: not an SDK endpoint"


def test_legacy_symbols_are_derived_from_the_sdk():
    symbols = load_catalog().legacy_symbols
    assert {"ChatCompletion", "Completion", "Embedding"} <= symbols
    for legacy in facts.LEGACY_ENDPOINTS:
        assert legacy.split(".")[0] in symbols
