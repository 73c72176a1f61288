"""What the model to serve is: its family, the tool and reasoning parsers that fit it, whether it has a chat template.

The model's own files decide when they can be read: a local directory, or the Hugging Face cache for a hub
name. Otherwise the hub name alone is used. The family -> parser table, with its evidence, is the catalog's
(migrate.catalog.model_families); parser names are checked against the installed vLLM's registry.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.catalog.model_families import family_parsers
from migrate.serve.registry import reasoning_parsers, tool_parsers


@dataclass(frozen=True)
class ModelInfo:
    model: str  # as given to --model
    local_dir: Path | None  # where its files were read from (a local model or the HF cache), None if unread
    model_type: str | None  # config.json model_type
    architectures: tuple[str, ...]
    family: str  # human label, "Llama 3.x", "Qwen", ... or "unknown"
    tool_parser: str | None
    reasoning_parser: str | None
    has_chat_template: bool | None  # None: unknown (files not readable here)
    max_position_embeddings: int | None = None
    source: str = ""  # how the family was decided: "config.json", "name", ...
    dtype: str | None = None  # config.json torch_dtype (dtype in newer transformers): the weights' precision

    @property
    def is_local(self) -> bool:
        return Path(self.model).expanduser().is_dir()


def inspect_model(model: str) -> ModelInfo:
    """Read what can be read about `model` (a local directory or a hub name) without loading it."""
    local = _local_files(model)
    config = _read_json(local / "config.json") if local else {}
    tokenizer_config = _read_json(local / "tokenizer_config.json") if local else {}
    template = _chat_template(local, tokenizer_config) if local else None
    model_type = config.get("model_type") if isinstance(config.get("model_type"), str) else None
    architectures = tuple(a for a in config.get("architectures") or () if isinstance(a, str))
    name = " ".join([model, str(config.get("_name_or_path", "")), *architectures]).lower()
    tokens = " ".join([template or "", json.dumps(tokenizer_config.get("added_tokens_decoder", {}))])
    row = family_parsers(model_type, name, tokens)
    family, tool, reasoning = (row.family, row.tool_parser, row.reasoning_parser) if row else ("unknown", None, None)
    if tool and tool not in tool_parsers():
        tool = None
    if reasoning and reasoning not in reasoning_parsers():
        reasoning = None
    max_pos = config.get("max_position_embeddings")
    return ModelInfo(
        model=model,
        local_dir=local,
        model_type=model_type,
        architectures=architectures,
        family=family,
        tool_parser=tool,
        reasoning_parser=reasoning,
        has_chat_template=(template is not None) if local else None,
        max_position_embeddings=max_pos if isinstance(max_pos, int) else None,
        source="config.json" if config else "model name",
        dtype=next((d for d in (config.get("torch_dtype"), config.get("dtype")) if isinstance(d, str)), None),
    )


def _local_files(model: str) -> Path | None:
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    if "/" not in model or model.startswith((".", "/")):
        return None
    return _hf_cache_snapshot(model)


def _hf_cache_snapshot(repo_id: str) -> Path | None:
    """The cached snapshot of a hub model (refs/main first, else the newest), if this machine has one."""
    if os.environ.get("HF_HUB_CACHE"):
        hub = Path(os.environ["HF_HUB_CACHE"])
    else:
        hub = Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface")) / "hub"
    repo = hub / ("models--" + repo_id.replace("/", "--"))
    snapshots = repo / "snapshots"
    if not snapshots.is_dir():
        return None
    ref = repo / "refs" / "main"
    if ref.is_file() and (snapshots / ref.read_text().strip() / "config.json").is_file():
        return snapshots / ref.read_text().strip()
    candidates = sorted((p for p in snapshots.iterdir() if (p / "config.json").is_file()),
                        key=lambda p: p.stat().st_mtime, reverse=True)
    return candidates[0] if candidates else None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _chat_template(local: Path, tokenizer_config: dict[str, Any]) -> str | None:
    """The model's chat template text, wherever transformers would find it; None when it has none."""
    value = tokenizer_config.get("chat_template")
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, list):  # named templates: [{"name": "default", "template": "..."}]
        texts = [t.get("template") for t in value if isinstance(t, dict) and isinstance(t.get("template"), str)]
        if texts:
            return "\n".join(texts)
    jinja = local / "chat_template.jinja"
    if jinja.is_file():
        return jinja.read_text(encoding="utf-8", errors="replace")
    chat_json = _read_json(local / "chat_template.json")
    if isinstance(chat_json.get("chat_template"), str):
        return chat_json["chat_template"]
    return None
