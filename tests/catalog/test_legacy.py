"""The 0.x module API is one table (migrate/catalog/legacy.py) that the scan and OAI004 both read."""

from __future__ import annotations

import pytest

from migrate.catalog import legacy, load_catalog
from migrate.rewrite.rules.oai004_legacy import LEGACY, REMOVED, SETTINGS
from migrate.scan.assess import assess
from migrate.scan.detect import detect_source
from migrate.scan.detect import sdk as scan_sdk
from tests.rewrite.conftest import run_rules

CALL_NAMES = sorted(legacy.LEGACY_CALLS)


def _scan(source: str):
    return assess(detect_source(source, "m.py"))


@pytest.mark.parametrize("resource, method", sorted(legacy.CALLS), ids=[f"{r}.{m}" for r, m in sorted(legacy.CALLS)])
def test_every_sync_call_has_its_async_twin_with_the_same_endpoint(resource, method):
    sync = legacy.legacy_call(f"{resource}.{method}")
    twin = legacy.legacy_call(f"openai.{resource}.{legacy.ASYNC_METHODS[method]}")
    assert (sync.endpoint, sync.is_async, twin.endpoint, twin.is_async) == (sync.endpoint, False, sync.endpoint, True)


def test_every_0x_symbol_the_sdk_shims_list_is_known():
    # openai.lib._old_api.SYMBOLS, stored in the snapshot: each is a call resource or a removed class here.
    assert set(load_catalog().legacy_symbols) <= legacy.CLASSES


def test_scan_and_rewrite_read_the_same_table():
    assert scan_sdk.LEGACY_MODERN is legacy.LEGACY_ENDPOINTS
    assert scan_sdk.LEGACY_CLASSES == legacy.CLASSES
    assert {name.removeprefix("openai."): target for name, (target, _) in LEGACY.items()} == legacy.LEGACY_ENDPOINTS
    assert REMOVED is legacy.REMOVED
    assert set(legacy.SETTINGS) <= set(SETTINGS) and scan_sdk.LEGACY_SETTINGS == frozenset(legacy.SETTINGS)


@pytest.mark.parametrize("name", CALL_NAMES, ids=CALL_NAMES)
def test_a_0x_call_and_its_twin_get_the_same_verdict(name):
    # The drift this table removed: FineTuningJob.acreate was judged needs-change, its sync twin unsupported.
    resource, method = name.split(".")
    sync_method = next(s for s, a in legacy.ASYNC_METHODS.items() if method in (s, a))
    sync = _scan(f"import openai\nopenai.{resource}.{sync_method}(x=1)\n")
    twin = _scan(f"import openai\nasync def f():\n    await openai.{resource}.{legacy.ASYNC_METHODS[sync_method]}(x=1)\n")
    [a], [b] = sync, twin
    assert (a.detail, a.verdict) == (b.detail, b.verdict)
    assert a.detail == legacy.LEGACY_ENDPOINTS[name]


@pytest.mark.parametrize(
    "name, verdict",
    [pytest.param("FineTuningJob.create", "unsupported", id="fine-tuning-create"),
     pytest.param("FineTuningJob.acreate", "unsupported", id="fine-tuning-acreate"),
     pytest.param("File.adelete", "unsupported", id="file-adelete"),
     pytest.param("Model.adelete", "unsupported", id="model-adelete"),
     pytest.param("ChatCompletion.acreate", "needs-change", id="chat-acreate")],
)
def test_0x_call_verdicts(name, verdict):
    [found] = _scan(f"import openai\nasync def f():\n    await openai.{name}(x=1)\n")
    assert found.verdict.value == verdict


@pytest.mark.parametrize("name", CALL_NAMES, ids=CALL_NAMES)
def test_the_rewrite_converts_every_0x_call_the_scan_knows(name):
    result = run_rules(f"import openai\n\nasync def f():\n    return await openai.{name}()\n", ["OAI004"])
    target = legacy.LEGACY_ENDPOINTS[name]
    client = "async_client" if legacy.LEGACY_CALLS[name].is_async else "client"
    assert result.failure is None
    assert f"await {client}.{target}()" in result.after


@pytest.mark.parametrize("setting", sorted(legacy.SETTINGS), ids=sorted(legacy.SETTINGS))
def test_every_0x_setting_is_judged_and_rewritten(setting):
    [found] = _scan(f"import openai\nopenai.{setting} = 'x'\n")
    assert found.api == "openai-legacy" and found.verdict.value == "needs-change"
    source = f"import openai\nopenai.{setting} = 'x'\nopenai.Completion.create(prompt='p')\n"
    result = run_rules(source, ["OAI004"])
    assert f"openai.{setting} = " not in result.after
