"""The catalog's family -> tool-parser table against vLLM's own parser classes: each family's canary (the text
its models write to call get_weather(city="Paris")) is read as that call by the parser the table names, and the
mismatches the doctor reports are real (another family's parser leaves the canary as plain text)."""

from __future__ import annotations

import json

import pytest

from migrate.catalog.model_families import CANARY_ARGUMENTS, CANARY_TOOL, FAMILY_PARSERS, by_family

WITH_CANARY = [row for row in FAMILY_PARSERS if row.canary]
# Special tokens some parsers look up in the vocabulary at construction (the tiny Llama's tokenizer lacks them).
PARSER_TOKENS = {"mistral": ["[TOOL_CALLS]"], "jamba": ["<tool_calls>", "</tool_calls>"]}
WEATHER = {"type": "function", "function": {"name": CANARY_TOOL, "description": "Current weather for a city",
                                            "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                                                           "required": ["city"]}}}


@pytest.fixture(scope="module")
def read_with(tiny_model_dir):
    """read_with(parser, text) -> [(name, arguments)] as vLLM's registered parser extracts them."""
    from transformers import AutoTokenizer
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest
    from vllm.tool_parsers import ToolParserManager

    request = ChatCompletionRequest(model="m", messages=[{"role": "user", "content": "Weather in Paris?"}],
                                    tools=[WEATHER])

    def read(parser: str, text: str) -> list[tuple[str, dict]]:
        tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
        if parser in PARSER_TOKENS:
            tokenizer.add_special_tokens({"additional_special_tokens": PARSER_TOKENS[parser]})
        found = ToolParserManager.get_tool_parser(parser)(tokenizer).extract_tool_calls(text, request)
        return [(c.function.name, json.loads(c.function.arguments)) for c in found.tool_calls] \
            if found.tools_called else []

    return read


@pytest.mark.vllm
@pytest.mark.parametrize("row", WITH_CANARY, ids=lambda row: f"{row.family}-{row.tool_parser}")
def test_canary_is_read_by_its_parser(read_with, row):
    assert read_with(row.tool_parser, row.canary) == [(CANARY_TOOL, CANARY_ARGUMENTS)]


@pytest.mark.vllm
@pytest.mark.parametrize("family, active", [
    ("Llama 3.x", "hermes"), ("Llama 3.x", "pythonic"), ("Llama 4", "llama3_json"), ("Llama 4", "hermes"),
    ("Qwen", "pythonic"), ("Qwen3 Coder", "llama3_json"), ("Mistral", "hermes"), ("Granite", "hermes"),
], ids=lambda v: str(v))
def test_another_family_parser_leaves_the_canary_as_text(read_with, family, active):
    """What the doctor's live probe sees on a server started with the wrong parser: no tool call."""
    assert read_with(active, by_family(family).canary) == []
