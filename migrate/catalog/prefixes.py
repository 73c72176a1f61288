"""What each qualified-name prefix means to the scan: one table per language, built from the catalog's own tables
(wrappers.py, javascript.py), read by the scan's detector registry (migrate/scan/detect/core/registry.py).

A row is (prefix, meaning, exact). Python names are dotted import paths (`langchain.llms.openai.OpenAI`);
JavaScript names are a module specifier and an export joined by ":" (`@langchain/openai:ChatOpenAI`). Meanings
are the names the front ends register their detectors under; a prefix with several meanings is tried in the
order written here (DSPy's `dspy.OpenAI` is a wrapper class, its `dspy.LM` is not).

Adding a library is a row here (and its class or function table in wrappers.py / javascript.py); adding a
language is a table here and a front end that registers handlers for its meanings.
"""

from __future__ import annotations

from migrate.catalog import javascript as _js
from migrate.catalog import wrappers as _wrappers

Row = tuple[str, str, bool]


def _python() -> tuple[Row, ...]:
    rows: list[Row] = [("openai", "openai-sdk", False)]  # client classes (clients.py) and the 0.x module API (legacy.py)
    rows += [(module, "wrapper-class", False) for module in dict.fromkeys(m for m, _ in _wrappers.WRAPPER_CLASSES)]
    rows += [("litellm", "litellm", False), ("instructor", "instructor", False), ("dspy", "dspy-lm", False)]
    rows += [(name, "langchain-init", True) for name in sorted(_wrappers.LANGCHAIN_INIT)]
    return tuple(rows)


def _javascript() -> tuple[Row, ...]:
    # A trailing ":" means the package itself, not its subpaths ("openai-edge:OpenAIApi", not "openai-edge/x:...").
    rows: list[Row] = [
        (_js.OPENAI_PACKAGE, "openai-node", False),  # openai, openai/azure, openai/index.mjs, ...
        (_js.OPENAI_EDGE_PACKAGE + ":", "openai-edge", False),
        (_js.AZURE_PACKAGE + ":", "azure-openai", False),
        (_js.AI_SDK_PROVIDER_PACKAGE + ":", "ai-sdk-provider", False),
        (_js.AI_SDK_PACKAGE + ":", "ai-sdk-function", False),
    ]
    rows += [(module, "wrapper-class", False) for module, _, _ in _js.WRAPPER_MODULES]  # subpaths too
    rows += [(module + ":", "http-library", False) for module in _js.HTTP_PACKAGES]
    return tuple(rows)


PYTHON: tuple[Row, ...] = _python()
JAVASCRIPT: tuple[Row, ...] = _javascript()

__all__ = ["PYTHON", "JAVASCRIPT", "Row"]
