"""Every name a rule writes into code exists in the installed OpenAI SDK."""

from __future__ import annotations

import importlib

import pytest

from migrate.rewrite.rules.oai004_legacy import LEGACY
from migrate.rewrite.rules.oai005_errors import ERRORS


@pytest.mark.parametrize("legacy,current", sorted(ERRORS.items()), ids=sorted(ERRORS))
def test_exception_target_exists(legacy, current):
    openai = importlib.import_module("openai")
    cls = getattr(openai, current)
    assert isinstance(cls, type) and issubclass(cls, BaseException)


@pytest.mark.parametrize("legacy", sorted(LEGACY), ids=sorted(LEGACY))
def test_legacy_call_target_exists_on_the_client(legacy):
    openai = importlib.import_module("openai")
    target, is_async = LEGACY[legacy]
    client = (openai.AsyncOpenAI if is_async else openai.OpenAI)(api_key="x", base_url="http://127.0.0.1:9/v1")
    node = client
    for part in target.split("."):
        node = getattr(node, part)
    assert callable(node)
