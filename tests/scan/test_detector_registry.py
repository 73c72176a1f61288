"""Detectors registered per qualified-name prefix (migrate/scan/detect/core/registry.py) over the catalog's table
of what each prefix means (migrate/catalog/prefixes.py), and the front ends that register handlers for them."""

from __future__ import annotations

import pytest

from migrate.catalog import javascript as js
from migrate.catalog import prefixes
from migrate.catalog import wrappers
from migrate.scan.detect.core.registry import (
    JAVASCRIPT_SEPARATORS, PYTHON_SEPARATORS, PrefixRegistry, javascript_name,
)


def python_registry() -> PrefixRegistry:
    return PrefixRegistry(prefixes.PYTHON, PYTHON_SEPARATORS)


def js_registry() -> PrefixRegistry:
    return PrefixRegistry(prefixes.JAVASCRIPT, JAVASCRIPT_SEPARATORS)


@pytest.mark.parametrize("name, meanings", [
    ("openai.OpenAI", ("openai-sdk",)),
    ("openai", ("openai-sdk",)),
    ("openai.ChatCompletion.create", ("openai-sdk",)),
    ("openai_compat.OpenAI", ()),  # another package whose name starts with openai
    ("langchain_openai.chat_models.ChatOpenAI", ("wrapper-class",)),
    ("langchain.chat_models.init_chat_model", ("langchain-init", "wrapper-class")),  # exact name first
    ("dspy.LM", ("wrapper-class", "dspy-lm")),  # one prefix, two meanings, in the table's order
    ("litellm.completion", ("litellm",)),
    ("instructor.from_openai", ("instructor",)),
    ("os.path.join", ()),
    ("", ()),
])
def test_python_names_get_the_meanings_of_their_prefixes(name, meanings):
    assert python_registry().meanings(name) == meanings


@pytest.mark.parametrize("module, export, meanings", [
    ("openai", "default", ("openai-node",)),
    ("openai/azure", "AzureOpenAI", ("openai-node",)),  # a subpath of the package
    ("openai.js", "default", ()),  # a dot is part of a JS module name, not a separator
    ("openai-edge", "OpenAIApi", ("openai-edge",)),
    ("openai-edge/types", "OpenAIApi", ()),  # "openai-edge:" is the package itself only
    ("@ai-sdk/openai", "createOpenAI", ("ai-sdk-provider",)),
    ("@ai-sdk/openai/internal", "createOpenAI", ()),
    ("ai", "generateText", ("ai-sdk-function",)),
    ("ai/rsc", "streamUI", ()),
    ("@langchain/openai", "ChatOpenAI", ("wrapper-class",)),
    ("langchain/chat_models/openai", "ChatOpenAI", ("wrapper-class",)),
    ("axios", "default", ("http-library",)),
    ("./lib/openai", "openai", ()),  # a module of the project: settled across modules, not by a detector
    ("@/lib/openai", "openai", ()),
])
def test_js_names_get_the_meanings_of_their_prefixes(module, export, meanings):
    assert js_registry().meanings(javascript_name(module, export)) == meanings


def test_longer_prefixes_come_first_and_an_unhandled_name_falls_through():
    registry = PrefixRegistry([("acme", "vendor", False), ("acme.llm", "llm", False), ("acme.llm.Chat", "chat", True)])
    calls = []
    registry.register("vendor", lambda name: calls.append(("vendor", name)) or True)
    registry.register("llm", lambda name: calls.append(("llm", name)) or False)  # declines: the next one decides
    registry.register("chat", lambda name: calls.append(("chat", name)) or False)
    for handler in registry.handlers("acme.llm.Chat"):
        if handler("acme.llm.Chat"):
            break
    assert calls == [("chat", "acme.llm.Chat"), ("llm", "acme.llm.Chat"), ("vendor", "acme.llm.Chat")]
    assert registry.meanings("acme.llm.Chatty") == ("llm", "vendor")  # exact entries match one name only
    assert registry.handlers("acmex.llm") == ()


def test_a_meaning_no_prefix_has_cannot_be_registered():
    with pytest.raises(ValueError, match="migrate/catalog/prefixes.py"):
        python_registry().register("no-such-meaning", lambda *a: True)


def test_the_tables_are_built_from_the_catalogs_own_tables():
    python_rows = {(p, m) for p, m, _ in prefixes.PYTHON}
    for module, _ in wrappers.WRAPPER_CLASSES:
        assert (module, "wrapper-class") in python_rows
    assert {(n, "langchain-init") for n in wrappers.LANGCHAIN_INIT} <= python_rows
    js_rows = {(p, m) for p, m, _ in prefixes.JAVASCRIPT}
    for module, _, _ in js.WRAPPER_MODULES:
        assert (module, "wrapper-class") in js_rows
    for package in js.HTTP_PACKAGES:
        assert (package + ":", "http-library") in js_rows


def test_every_meaning_of_the_tables_has_a_handler_in_its_front_end():
    from migrate.scan.detect.javascript import detectors as js_detectors
    from migrate.scan.detect.javascript import evaluate as js_evaluate
    from migrate.scan.detect.python import detectors as py_detectors

    python_handled = set(py_detectors.DETECTORS._handlers)
    assert python_handled == python_registry().known_meanings()
    js_handled = set(js_detectors.DETECTORS._handlers) | set(js_evaluate.CONSTRUCTORS._handlers) \
        | set(js_evaluate.CALLS._handlers)
    assert js_handled == js_registry().known_meanings()


def test_a_new_prefix_row_reaches_the_python_detector(monkeypatch):
    """Adding a library is a table row: a wrapper module the row names is routed to the wrapper detector."""
    from migrate.scan.detect import detect_source
    from migrate.scan.detect.python import detectors as py_detectors

    source = "from acme_llm import ChatOpenAI\nChatOpenAI(model='gpt-4o')\n"
    assert [f for f in detect_source(source) if f.api == "langchain"] == []
    monkeypatch.setitem(wrappers.WRAPPER_CLASSES, ("acme_llm", "ChatOpenAI"), ("langchain", "ChatOpenAI"))
    registry = PrefixRegistry((*prefixes.PYTHON, ("acme_llm", "wrapper-class", False)), PYTHON_SEPARATORS)
    for meaning, handler in py_detectors.DETECTORS._handlers.items():
        registry.register(meaning, handler)
    monkeypatch.setattr(py_detectors, "DETECTORS", registry)
    [finding] = [f for f in detect_source(source) if f.api == "langchain"]
    assert (finding.client, finding.model, finding.line) == ("ChatOpenAI", "gpt-4o", 2)
