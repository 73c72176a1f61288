"""Scan and rewrite read the same catalog names: model-name pattern, endpoint environment variables."""

from __future__ import annotations

import pytest

from migrate.catalog import facts
from migrate.config import Config
from migrate.rewrite.patterns import looks_like_openai_model
from migrate.rewrite.textfiles import rewrite_config
from tests.rewrite.conftest import run_rules


@pytest.mark.parametrize(
    "name, openai",
    [pytest.param("GPT-4", True, id="upper-case"),  # the scan knew it, OAI003 did not
     pytest.param("sora-2", True, id="sora"),
     pytest.param("gpt4", True, id="gpt-without-hyphen"),
     pytest.param("text-search-ada-doc-001", True, id="text-search"),  # OAI003 knew it, the scan did not
     pytest.param("text-similarity-babbage-001", True, id="text-similarity"),
     pytest.param("whisper-1", True, id="whisper"),
     pytest.param("tiny-llama", False, id="served-model"),
     pytest.param("adapter", False, id="word-starting-with-ada")],
)
def test_scan_and_rewrite_agree_on_openai_model_names(name, openai):
    assert facts.is_openai_model(name) is openai
    assert looks_like_openai_model(name) is openai
    # OAI003 reports an unmapped OpenAI model; a served model name is left alone without a note.
    result = run_rules(f"from openai import OpenAI\nOpenAI().chat.completions.create(model={name!r}, messages=[])\n",
                       ["OAI003"], config=Config(models={}))
    assert any(name in message for _, _, message in result.review) is openai


@pytest.mark.parametrize("variable", sorted(facts.ENDPOINT_ENV), ids=sorted(facts.ENDPOINT_ENV))
def test_every_endpoint_variable_is_judged_by_the_scan_and_pointed_at_vllm_by_the_rewrite(variable):
    assert facts.SETTING_GROUPS.get(variable) in ("base_url", "azure")
    url = "https://myres.openai.azure.com/" if variable.startswith("AZURE_") else "https://api.openai.com/v1"
    result = rewrite_config(f"{variable}={url}\n", ".env", Config())
    assert result.edits == 1 and "openai" not in result.after.split("=", 1)[1]


def test_the_rewrites_endpoint_names_are_the_catalogs_or_historical_names_the_scan_knows():
    # rules/_base.py ENDPOINT_TAILS (the catalog's model_call_tails) picks the endpoints the rules act on; each must
    # be a catalog endpoint, spelled as the catalog spells it or as the scan's historical names
    # (beta.chat.completions.parse) do.
    from migrate.catalog import load_catalog
    from migrate.rewrite.rules._base import ENDPOINT_TAILS
    from migrate.scan.detect.sdk import HISTORICAL_ENDPOINTS

    endpoints = load_catalog().endpoints
    for tail, name in ENDPOINT_TAILS.items():
        assert name in endpoints, name
        assert ".".join(tail) in {name} | HISTORICAL_ENDPOINTS, tail
