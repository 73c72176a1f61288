"""Lazy package exports: `import migrate` stays cheap, and a name's module is imported on first use."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, namespace: dict[str, Any], table: dict[str, str]) -> tuple[Callable, Callable]:
    """The `__getattr__` and `__dir__` of a package whose names live in other modules.

    `table` maps a public name to "module:attribute", or to "module" when the attribute has the same name.
    A resolved name is stored in the package's namespace, so each import happens once.
    """

    def __getattr__(name: str) -> Any:
        target = table.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module_name, _, attr = target.partition(":")
        value = getattr(importlib.import_module(module_name), attr or name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *table])

    return __getattr__, __dir__
