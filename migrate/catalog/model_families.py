"""Which vLLM tool-call and reasoning parser each model family needs: one table, read by `migrate serve` (to
pick --tool-call-parser) and `migrate doctor` (to check the running server reads the family's tool calls).

Each row carries its evidence:

- the parser is registered by vLLM (`vllm/tool_parsers/__init__.py: _TOOL_PARSERS_TO_REGISTER`;
  tests/serve/test_plan.py checks every row against the installed vLLM and the 0.32 snapshot);
- a *canary* where one is known: the text a model of the family writes to call get_weather(city="Paris").
  tests/serve/test_family_parsers.py feeds each canary to vLLM's own parser class and checks it comes back as
  that call (and that the other common parsers do not read it, where they don't); `migrate doctor` forces the
  live server to produce the canary (structured outputs, tool_choice auto) and checks it comes back as a tool
  call, which it does only when the active parser reads that format. On the test rig (the generated tiny Llama,
  served with llama3_json) that live probe runs in tests/doctor/test_doctor.py;
- `source`: vLLM's documentation of the family's parser, where the format cannot be run here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

TOOL_CALLING_DOCS = "https://docs.vllm.ai/en/latest/features/tool_calling/"
CANARY_TEST = "tests/serve/test_family_parsers.py::test_canary_is_read_by_its_parser"
LIVE_PROBE = "tests/doctor/test_doctor.py::test_doctor_checks_the_active_tool_parser"

# The call every canary encodes, and the tool the doctor declares for it.
CANARY_TOOL = "get_weather"
CANARY_ARGUMENTS = {"city": "Paris"}

Match = Callable[[str | None, str, str], bool]  # (config model_type, lower-cased name + architectures, tokens)


@dataclass(frozen=True)
class FamilyParsers:
    family: str  # human label: "Llama 3.x", "Qwen", ...
    tool_parser: str
    reasoning_parser: str | None
    matches: Match
    canary: str | None = None  # the family's own text for get_weather(city="Paris"), or None when unknown here
    source: str = TOOL_CALLING_DOCS  # where the mapping is documented upstream
    live_probe: str | None = None  # the test that runs the canary against a live vLLM here

    @property
    def evidence(self) -> tuple[str, ...]:
        proofs = [f"vllm/tool_parsers/__init__.py registers {self.tool_parser!r}"]
        if self.canary:
            proofs.append(f"canary read by vLLM's {self.tool_parser} parser: {CANARY_TEST}")
        if self.live_probe:
            proofs.append(f"live probe: {self.live_probe}")
        proofs.append(self.source)
        return tuple(proofs)


def _docs(section: str) -> str:
    return f"{TOOL_CALLING_DOCS} ({section})"


_JSON_CALL = '{"name": "get_weather", "arguments": {"city": "Paris"}}'
HERMES_CANARY = f"<tool_call>\n{_JSON_CALL}\n</tool_call>"

# The first row whose test matches wins: specific names before the families they belong to.
FAMILY_PARSERS: tuple[FamilyParsers, ...] = (
    FamilyParsers("gpt-oss", "openai", "openai_gptoss", lambda t, n, tok: t == "gpt_oss" or "gpt-oss" in n,
                  source=_docs("gpt-oss uses the Harmony format; vLLM's `openai` parser")),
    FamilyParsers("Hermes", "hermes", None, lambda t, n, tok: "hermes" in n, HERMES_CANARY,
                  _docs("Hermes Models (`hermes`)")),
    FamilyParsers("xLAM", "xlam", None, lambda t, n, tok: "xlam" in n, f"[{_JSON_CALL}]", _docs("xLAM Models (`xlam`)")),
    FamilyParsers("Llama 4", "llama4_pythonic", None, lambda t, n, tok: t == "llama4" or bool(re.search(r"llama-?4", n)),
                  '[get_weather(city="Paris")]', _docs("Llama Models: Llama 4 (`llama4_pythonic`)")),
    FamilyParsers("Llama 3.x", "llama3_json", None,
                  lambda t, n, tok: (t == "llama" or "llama" in n)
                  and ("<|python_tag|>" in tok or bool(re.search(r"llama-?3", n))),
                  '{"name": "get_weather", "parameters": {"city": "Paris"}}', _docs("Llama Models (`llama3_json`)"),
                  live_probe=LIVE_PROBE),
    FamilyParsers("Qwen3 Coder", "qwen3_coder", None, lambda t, n, tok: "qwen3" in n and "coder" in n,
                  "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>",
                  _docs("Qwen3-Coder Models (`qwen3_coder`)")),
    FamilyParsers("QwQ", "hermes", "deepseek_r1", lambda t, n, tok: "qwq" in n, HERMES_CANARY, _docs("Qwen Models")),
    FamilyParsers("Qwen3", "hermes", "qwen3", lambda t, n, tok: (t or "").startswith("qwen3") or "qwen3" in n,
                  HERMES_CANARY, _docs("Qwen Models")),
    FamilyParsers("Qwen", "hermes", None, lambda t, n, tok: (t or "").startswith("qwen") or "qwen" in n,
                  HERMES_CANARY, _docs("Qwen Models")),
    FamilyParsers("Mistral", "mistral", None,
                  lambda t, n, tok: t in ("mistral", "mixtral", "mistral3", "pixtral") or bool(re.search(r"m[ie]s?tral", n)),
                  f"[TOOL_CALLS][{_JSON_CALL}]", _docs("Mistral Models (`mistral`)")),
    FamilyParsers("Granite 20B FC", "granite-20b-fc", None, lambda t, n, tok: "granite-20b-functioncalling" in n,
                  f"<function_call> {_JSON_CALL}", _docs("IBM Granite (`granite-20b-fc`)")),
    FamilyParsers("Granite 4", "granite4", None, lambda t, n, tok: t == "granitemoehybrid" or "granite-4" in n,
                  f"<tool_call>{_JSON_CALL}</tool_call>", _docs("IBM Granite (`granite4`)")),
    FamilyParsers("Granite", "granite", None, lambda t, n, tok: (t or "").startswith("granite") or "granite" in n,
                  f"<|tool_call|>[{_JSON_CALL}]", _docs("IBM Granite (`granite`)")),
    FamilyParsers("InternLM", "internlm", None, lambda t, n, tok: t == "internlm2" or "internlm" in n,
                  '<|action_start|><|plugin|>\n{"name": "get_weather", "parameters": {"city": "Paris"}}<|action_end|>',
                  _docs("InternLM Models (`internlm`)")),
    FamilyParsers("Jamba", "jamba", None, lambda t, n, tok: t == "jamba" or "jamba" in n,
                  f"<tool_calls>[{_JSON_CALL}]</tool_calls>", _docs("Jamba Models (`jamba`)")),
    FamilyParsers("DeepSeek R1", "deepseek_v3", "deepseek_r1", lambda t, n, tok: "deepseek" in n and "r1" in n,
                  source=_docs("DeepSeek-V3 Models (`deepseek_v3`)")),
    FamilyParsers("DeepSeek V3.2", "deepseek_v32", "deepseek_v3",
                  lambda t, n, tok: "deepseek" in n and bool(re.search(r"v3[._-]?2", n)),
                  source=_docs("DeepSeek-V3.2 Models (`deepseek_v32`)")),
    FamilyParsers("DeepSeek V3.1", "deepseek_v31", "deepseek_v3",
                  lambda t, n, tok: "deepseek" in n and bool(re.search(r"v3[._-]?1", n)),
                  source=_docs("DeepSeek-V3.1 Models (`deepseek_v31`)")),
    FamilyParsers("DeepSeek V3", "deepseek_v3", None, lambda t, n, tok: t == "deepseek_v3" or "deepseek-v3" in n,
                  source=_docs("DeepSeek-V3 Models (`deepseek_v3`)")),
    FamilyParsers("Kimi K2", "kimi_k2", "kimi_k2", lambda t, n, tok: t == "kimi_k2" or "kimi-k2" in n,
                  source=_docs("Kimi-K2 Models (`kimi_k2`)")),
    FamilyParsers("GLM 4.7", "glm47", "glm47", lambda t, n, tok: "glm-4.7" in n or "glm47" in n,
                  source=_docs("GLM Models (`glm47`)")),
    FamilyParsers("GLM 4.5", "glm45", "glm45", lambda t, n, tok: t == "glm4_moe" or "glm-4.5" in n,
                  source=_docs("GLM-4.5 Models (`glm45`)")),
    FamilyParsers("Phi-4 mini", "phi4_mini_json", None, lambda t, n, tok: "phi-4-mini" in n or "phi4-mini" in n,
                  f"functools[{_JSON_CALL}]", _docs("Phi-4-mini (`phi4_mini_json`)")),
    FamilyParsers("MiniMax M2", "minimax_m2", "minimax_m2", lambda t, n, tok: t == "minimax_m2" or "minimax-m2" in n,
                  source=_docs("MiniMax Models (`minimax_m2`)")),
    FamilyParsers("OLMo 3", "olmo3", "olmo3", lambda t, n, tok: t == "olmo3" or "olmo-3" in n,
                  source=_docs("Olmo 3 Models (`olmo3`)")),
    FamilyParsers("FunctionGemma", "functiongemma", None, lambda t, n, tok: "functiongemma" in n,
                  source=_docs("FunctionGemma (`functiongemma`)")),
    FamilyParsers("Gemma 4", "gemma4", "gemma4", lambda t, n, tok: (t or "").startswith("gemma4") or "gemma-4" in n,
                  source=_docs("Gemma 4 (`gemma4`)")),
    FamilyParsers("Hunyuan", "hunyuan_a13b", "hunyuan_a13b",
                  lambda t, n, tok: (t or "").startswith("hunyuan") or "hunyuan" in n,
                  source=_docs("Hunyuan Models (`hunyuan_a13b`)")),
    FamilyParsers("Seed-OSS", "seed_oss", "seed_oss", lambda t, n, tok: t == "seed_oss" or "seed-oss" in n,
                  source=_docs("Seed-OSS (`seed_oss`)")),
    FamilyParsers("ERNIE 4.5", "ernie45", "ernie45",
                  lambda t, n, tok: (t or "").startswith("ernie4_5") or "ernie-4.5" in n,
                  source=_docs("ERNIE 4.5 (`ernie45`)")),
    FamilyParsers("LFM2", "lfm2", None, lambda t, n, tok: t == "lfm2" or "lfm2" in n, source=_docs("LFM2 (`lfm2`)")),
)


def family_parsers(model_type: str | None, name: str, tokens: str) -> FamilyParsers | None:
    """The first row matching a model (config model_type, lower-cased name and architectures, special tokens and
    chat template text), or None for a family the catalog does not know."""
    for row in FAMILY_PARSERS:
        if row.matches(model_type, name, tokens):
            return row
    return None


def by_family(label: str) -> FamilyParsers | None:
    return next((row for row in FAMILY_PARSERS if row.family == label), None)
