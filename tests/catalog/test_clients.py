"""Client classes are one derived table (snapshot client_exports, migrate/catalog/clients.py): every name the scan
finds a client under, the rewrite converts."""

from __future__ import annotations

import importlib

import pytest

from migrate.catalog import clients, load_catalog
from migrate.rewrite.rules._base import AZURE_CLASSES, CLIENT_CLASSES
from migrate.scan.detect import detect_source
from tests.rewrite.conftest import run_rules

EXPORTS = sorted(load_catalog().client_exports.items())


def _import(qualified: str) -> str:
    module, _, name = qualified.rpartition(".")
    return f"from {module} import {name} as Made"


def test_the_snapshot_knows_the_private_and_azure_modules():
    exports = load_catalog().client_exports
    assert exports["openai._client.OpenAI"] == "OpenAI"
    assert exports["openai.Client"] == "OpenAI"
    assert exports["openai.lib.azure.AsyncAzureOpenAI"] == "AsyncAzureOpenAI"
    assert set(CLIENT_CLASSES) | set(AZURE_CLASSES) == set(exports)


@pytest.mark.parametrize("qualified, cls", EXPORTS, ids=[q for q, _ in EXPORTS])
def test_every_export_is_the_class_in_the_installed_sdk(qualified, cls):
    module, _, name = qualified.rpartition(".")
    openai = importlib.import_module("openai")
    assert getattr(importlib.import_module(module), name) is getattr(openai, cls)


@pytest.mark.parametrize("azure, plain", sorted(clients.AZURE_TO_OPENAI.items()))
def test_an_azure_client_is_a_kind_of_its_replacement(azure, plain):
    openai = importlib.import_module("openai")
    assert issubclass(getattr(openai, azure), getattr(openai, plain))


@pytest.mark.parametrize("qualified, cls", EXPORTS, ids=[q for q, _ in EXPORTS])
def test_scan_finds_and_rewrite_converts_every_client_name(qualified, cls):
    # The drift this table removed: `from openai._client import OpenAI` was found by the scan and skipped by the
    # rewrite.
    source = f"{_import(qualified)}\nclient = Made(api_key='sk-x')\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"
    found = [f for f in detect_source(source, "m.py") if f.kind.value == "client"]
    assert [f.client for f in found] == [cls]
    result = run_rules(source)
    assert result.failure is None
    assert "base_url=" in result.after and "api_key='sk-x'" not in result.after


def test_the_azure_only_attributes_are_those_the_installed_sdk_gives_azure_clients_alone():
    import openai

    from migrate.catalog.clients import AZURE_ONLY_ATTRIBUTES, AZURE_QUERY

    azure = openai.AzureOpenAI(api_key="k", api_version="2024-02-01", azure_endpoint="https://x.openai.azure.com",
                               azure_deployment="d")
    plain = openai.OpenAI(api_key="k")
    only = {name for name in vars(azure) if name.startswith("_azure") or name == "_api_version"} - set(vars(plain))
    assert only == AZURE_ONLY_ATTRIBUTES
    holder, key = AZURE_QUERY
    assert key in getattr(azure, holder) and key not in getattr(plain, holder)
