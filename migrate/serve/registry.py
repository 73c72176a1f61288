"""The tool and reasoning parser names vLLM knows, read from its source without importing it.

Importing vLLM takes seconds; its parser registries are plain dict literals
(`vllm/tool_parsers/__init__.py: _TOOL_PARSERS_TO_REGISTER`, `vllm/reasoning/__init__.py:
_REASONING_PARSERS_TO_REGISTER`), so `ast` reads them in milliseconds. Without vLLM installed (planning on a
laptop for a GPU box), the snapshot below, taken from vLLM 0.32.0, stands in; tests/serve/test_registry.py
checks it against the installed vLLM.
"""

from __future__ import annotations

import ast
import importlib.util
from functools import lru_cache
from pathlib import Path

SNAPSHOT_VLLM_VERSION = "0.32.0"
TOOL_PARSERS_SNAPSHOT = frozenset({
    "apertus", "cohere_command3", "cohere_command4", "deepseek_v3", "deepseek_v31", "deepseek_v32", "deepseek_v4",
    "deepseek_v41", "dots", "ernie45", "functiongemma", "gemma4", "gigachat3", "glm45", "glm47", "granite",
    "granite-20b-fc", "granite4", "hermes", "hf", "hunyuan_a13b", "hy_v3", "hy_v4", "inkling", "internlm", "jamba",
    "k2_horizon", "kimi_k2", "kimi_k3", "lfm2", "ling3", "llama3_json", "llama4_json", "llama4_pythonic", "longcat",
    "mimo", "minicpm5", "minimax_m2", "minimax_m3", "mistral", "muse_glimmer", "olmo3", "openai", "phi4_mini_json",
    "plamo3", "poolside_v1", "pythonic", "qwen3_coder", "qwen3_json", "qwen3_xml", "seed_oss", "step3", "step3p5",
    "xlam",
})
REASONING_PARSERS_SNAPSHOT = frozenset({
    "cohere_command3", "cohere_command4", "deepseek_r1", "deepseek_v3", "deepseek_v4", "deepseek_v41", "ernie45",
    "gemma4", "glm45", "glm47", "granite", "granite_thinking_parser", "hf", "holo2", "hunyuan_a13b", "hy_v3", "hy_v4",
    "inkling", "k2_horizon", "kimi_k2", "kimi_k3", "ling3", "mimo", "minicpmv", "minimax_m2",
    "minimax_m2_append_think", "minimax_m3", "mistral", "muse_glimmer", "nemotron_v3", "olmo3", "openai_gptoss",
    "plamo3", "poolside_v1", "qwen3", "seed_oss", "step3", "step3p5",
})


def _vllm_dir() -> Path | None:
    try:
        spec = importlib.util.find_spec("vllm")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _dict_keys(path: Path, variable: str) -> frozenset[str] | None:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
            node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and target.id == variable and isinstance(node.value, ast.Dict):
            keys = {k.value for k in node.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            return frozenset(keys) or None
    return None


@lru_cache(maxsize=1)
def tool_parsers() -> frozenset[str]:
    """Tool parser names the installed vLLM registers (the 0.32.0 snapshot without vLLM)."""
    root = _vllm_dir()
    found = _dict_keys(root / "tool_parsers" / "__init__.py", "_TOOL_PARSERS_TO_REGISTER") if root else None
    return found or TOOL_PARSERS_SNAPSHOT


@lru_cache(maxsize=1)
def reasoning_parsers() -> frozenset[str]:
    root = _vllm_dir()
    found = _dict_keys(root / "reasoning" / "__init__.py", "_REASONING_PARSERS_TO_REGISTER") if root else None
    return found or REASONING_PARSERS_SNAPSHOT
