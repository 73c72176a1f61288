"""What the model's own files say about the requests it can take: the facts behind model-aware verdicts.

`inspect_model` (family.py) already reads config.json, tokenizer_config.json and the chat template; this turns
the same files into the catalog's `ModelFacts` (migrate/catalog/values.py): whether the model is generative or
multimodal, whether its chat template renders tools and takes a system message, whether vLLM renders
fill-in-the-middle `suffix` for it, whether its embeddings are Matryoshka, whether it reasons, and its context
length. A fact the files do not settle stays None, and the verdict says "depends on the model".

`model_conflicts` then judges a scan's calls against those facts: the places where the served model, not the
code or the flags, decides that a request fails.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from migrate.catalog.values import ModelFacts
from migrate.scan.findings import Finding, Kind, ScanResult, Verdict
from migrate.serve.family import ModelInfo, _chat_template, _read_json, inspect_model

# vLLM renders completion `suffix` only through renderers that implement FIM (vllm/renderers/registry.py:
# deepseek_v4, deepseek_v41 use DeepseekV4Renderer, the only one overriding render_completion_suffix).
FIM_MODEL_TYPES = frozenset({"deepseek_v4", "deepseek_v41"})
_GENERATIVE = ("ForCausalLM", "LMHeadModel", "ForConditionalGeneration")
_POOLING = ("ForSequenceClassification", "ForTokenClassification", "BertModel", "RobertaModel", "XLMRobertaModel",
            "NomicBertModel", "ForEmbedding")
_MULTIMODAL_KEYS = ("vision_config", "audio_config", "vision_tower", "mm_vision_tower", "image_token_index",
                    "image_token_id", "audio_token_index")
_NO_SYSTEM = re.compile(r"raise_exception\(\s*['\"][^'\"]*system[^'\"]*['\"]", re.IGNORECASE)
_THINKING = re.compile(r"enable_thinking|reasoning_effort|<think>")


def model_facts(model: str | ModelInfo, max_model_len: int | None = None) -> ModelFacts:
    """ModelFacts for a model directory or hub name (its cached files); None for what the files do not say."""
    info = inspect_model(model) if isinstance(model, str) else model
    if info.local_dir is None:
        return ModelFacts(name=info.model, reasoning=True if info.reasoning_parser else None,
                          max_model_len=max_model_len)
    config = _read_json(info.local_dir / "config.json")
    template = _chat_template(info.local_dir, _read_json(info.local_dir / "tokenizer_config.json"))
    archs = info.architectures
    generative = True if any(a.endswith(_GENERATIVE) for a in archs) else \
        False if any(a.endswith(_POOLING) for a in archs) else None
    multimodal = any(key in config for key in _MULTIMODAL_KEYS) if config else None
    return ModelFacts(
        name=Path(info.model).expanduser().name if info.is_local else info.model,
        generative=generative,
        multimodal=multimodal,
        tools_in_template=None if template is None else "tools" in template,
        system_role=None if template is None else not _NO_SYSTEM.search(template),
        fim=(info.model_type in FIM_MODEL_TYPES) if info.model_type else None,
        matryoshka=bool(config.get("matryoshka_dimensions") or config.get("is_matryoshka")) if config else None,
        reasoning=bool(info.reasoning_parser or (template and _THINKING.search(template))) if template is not None
        or info.reasoning_parser else None,
        max_model_len=max_model_len or info.max_position_embeddings,
    )


@dataclass(frozen=True)
class ModelConflict:
    """A call whose parameter the served model decides: `where` ("app.py:12"), the parameter and the verdict."""

    where: str
    parameter: str
    verdict: Verdict
    reason: str
    fix: str
    evidence: str | None = None

    def describe(self) -> str:
        return f"{self.where}: {self.reason}; {self.fix}"


def model_conflicts(findings: ScanResult | Iterable[Finding], facts: ModelFacts, *,
                    embeddings_route: bool = True) -> list[ModelConflict]:
    """The calls the served model makes fail (or ignore), judged with what is known of the model.
    `embeddings_route=False` leaves out embeddings calls on a generative model (the serve plan has its own note
    with the command for a second, pooling server)."""
    from migrate.catalog import load_catalog
    from migrate.catalog import values as v
    from migrate.scan.assess import call_values

    if isinstance(findings, ScanResult):
        findings = findings.findings
    catalog = load_catalog()
    out: list[ModelConflict] = []
    for f in findings:
        if f.kind is not Kind.CALL or not f.endpoint or catalog.endpoint(f.endpoint) is None:
            continue
        endpoint = catalog.endpoints[f.endpoint]
        task = _task_conflict(endpoint.vllm_tasks, facts)
        if task is not None and not embeddings_route and "embed" in endpoint.vllm_tasks:
            continue
        if task is not None:
            out.append(ModelConflict(f.location, "endpoint", Verdict.SERVER_FLAG, f"{f.endpoint}: {task[0]}", task[1],
                                     task[2]))
            continue
        route = endpoint.vllm_route
        values = call_values(f)
        for parameter in f.parameters:
            if not any(vc.model_aware for vc in v.classes_for(route, parameter)):
                continue
            a = catalog.parameter(f.endpoint, parameter, values.get(parameter, v.DYNAMIC), others=values, model=facts)
            decided = a.value_class is not None and "depends on the model" not in a.reason
            if decided and a.verdict is not Verdict.OK:
                out.append(ModelConflict(f.location, parameter, a.verdict, a.reason, a.fix, a.evidence))
    return out


def _task_conflict(tasks: tuple[str, ...], facts: ModelFacts) -> tuple[str, str, str | None] | None:
    """(reason, fix, evidence) when the model cannot serve the endpoint's route at all: embeddings on a
    generative model (vLLM registers /v1/embeddings only for pooling models), chat on a pooling model."""
    from migrate.catalog import facts as catalog_facts

    label = facts.label
    if facts.generative is True and tasks and "generate" not in tasks and "embed" in tasks:
        return (f"{label} is generative: its server has no /v1/embeddings route (HTTP 404)",
                catalog_facts.TASK_REQUIREMENTS["embed"].fix, catalog_facts.EMBEDDINGS_EVIDENCE)
    if facts.generative is False and "generate" in tasks:
        return (f"{label} is an embedding (pooling) model: its server has no chat or completions routes",
                "serve a generative model for these calls, in its own server if the embedding model stays", None)
    return None


def describe_facts(facts: ModelFacts) -> str:
    """One line for plans and logs: which facts are known."""
    known = {k: val for k, val in json.loads(json.dumps(facts.__dict__)).items() if val is not None and k != "name"}
    return ", ".join(f"{k}={val}" for k, val in known.items()) or "nothing known"
