"""What the installed vLLM serves: its OpenAI-compatible routes, the task each needs, and what each accepts.

Read from vLLM itself, without starting a server: vLLM's own `register_api_routers()` is called once per
model task it knows (`generate`, `embed`, `transcription`, ...) on an empty FastAPI app, and the routes it
registers are read back, each with the pydantic model FastAPI validates the request body against. A
route's accepted parameters are the fields (and aliases) of that model, or of every member of a union; the
model's `extra` setting says what happens to a field it does not declare (vLLM's OpenAIBaseModel uses
`extra="allow"`: unknown fields are accepted, logged at debug level, and never read).

Imports vllm (seconds): call only from scripts/generate-catalog and tests, never on the scan path.
"""

from __future__ import annotations

import argparse
import logging
import os
import typing
from dataclasses import dataclass, field


@dataclass
class VllmRoute:
    method: str  # "POST", "GET", "DELETE", "WS"
    path: str  # "/v1/chat/completions", path parameters as "{}"
    tasks: list[str] = field(default_factory=list)  # model tasks under which vLLM registers the route
    request_models: list[str] = field(default_factory=list)  # dotted names of the body's pydantic model(s)
    fields: list[str] = field(default_factory=list)  # accepted body fields (names and aliases)
    extra: str = "ignore"  # pydantic `extra` policy for undeclared fields: "allow", "ignore" or "forbid"

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class VllmFacts:
    version: str
    routes: dict[str, VllmRoute] = field(default_factory=dict)  # "POST /v1/chat/completions" -> route
    task_errors: dict[str, str] = field(default_factory=dict)  # tasks whose routers could not be built offline


def derive_vllm() -> VllmFacts:
    os.environ.setdefault("VLLM_LOGGING_LEVEL", "ERROR")
    logging.getLogger("vllm").setLevel(logging.ERROR)
    import vllm
    from fastapi import FastAPI
    from fastapi.routing import APIRoute, APIWebSocketRoute
    from vllm.entrypoints.launchers.api_server.routers import register_api_routers
    from vllm.tasks import POOLING_TASKS, SupportedTask

    facts = VllmFacts(version=vllm.__version__)
    for task in typing.get_args(SupportedTask):
        app = FastAPI()
        # Routers read server flags from app.state.args; an empty namespace means "all defaults".
        app.state.args = argparse.Namespace()
        try:
            register_api_routers(argparse.Namespace(), app, (task,), _OfflineModelConfig(POOLING_TASKS))
        except Exception as e:  # a router that needs a real model config; the others still count
            facts.task_errors[task] = f"{type(e).__name__}: {e}"
        for route in app.routes:
            path = getattr(route, "path", "")
            if not path.startswith("/v1/"):
                continue
            if isinstance(route, APIWebSocketRoute):
                methods = ["WS"]
            elif isinstance(route, APIRoute):
                methods = sorted(route.methods or ())
            else:
                continue
            models = _body_models(route) if isinstance(route, APIRoute) else []
            for method in methods:
                key = f"{method} {_normalise(path)}"
                entry = facts.routes.get(key)
                if entry is None:
                    entry = facts.routes[key] = VllmRoute(method, _normalise(path))
                if task not in entry.tasks:
                    entry.tasks.append(task)
                for model in models:
                    name = f"{model.__module__}.{model.__qualname__}"
                    if name not in entry.request_models:
                        entry.request_models.append(name)
                        entry.fields = sorted(set(entry.fields) | _accepted_fields(model))
                        entry.extra = _merge_extra(entry.extra if len(entry.request_models) > 1 else None, _extra(model))
    facts.routes = dict(sorted(facts.routes.items(), key=lambda kv: (kv[1].path, kv[1].method)))
    return facts


class _OfflineModelConfig:
    """Just enough of vllm.config.ModelConfig for the pooling routers to decide which routes to add.

    It describes the most capable model of each task (a single-label classifier also gets the scoring
    routes), so the catalog lists every route vLLM can serve for that task.
    """

    def __init__(self, pooling_tasks) -> None:
        from types import SimpleNamespace

        self._pooling_tasks = pooling_tasks
        self.hf_config = SimpleNamespace(num_labels=1)

    def get_pooling_task(self, supported_tasks):
        return next((t for t in supported_tasks if t in self._pooling_tasks), None)

    def __getattr__(self, name):
        raise AttributeError(f"offline model config has no {name!r}")


def _normalise(path: str) -> str:
    import re

    return re.sub(r"\{[^}]*\}", "{}", path)


def _body_models(route) -> list[type]:
    body = route.body_field
    if body is None:
        return []
    annotation = getattr(body, "type_", None) or body.field_info.annotation
    return [m for m in _flatten(annotation) if hasattr(m, "model_fields")]


def _flatten(annotation) -> list:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(annotation)[0])
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        out = []
        for arg in typing.get_args(annotation):
            out.extend(_flatten(arg))
        return out
    return [annotation]


def _accepted_fields(model) -> set[str]:
    names = set()
    for name, info in model.model_fields.items():
        names.add(name)
        for alias in (info.alias, info.validation_alias):
            if isinstance(alias, str):
                names.add(alias)
    return names


def _extra(model) -> str:
    return (model.model_config or {}).get("extra") or "ignore"


def _merge_extra(current: str | None, new: str) -> str:
    # Across a union the most permissive member decides whether an unknown field gets through.
    order = ["forbid", "ignore", "allow"]
    return new if current is None else max(current, new, key=order.index)
