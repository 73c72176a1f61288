"""The Python front end of the scan: `ast` syntax lowered to the evaluator core's operations.

    scopes.py     the symbol table of a module: bindings per scope, in source order
    values.py     Python's spellings of the core's values (Q, QCall; Res/Func/Klass/Inst are the core's classes)
    evaluate.py   lowering of `ast` to the core evaluator (names, bindings, annotations, classes, f-strings)
    detectors.py  the findings of one module, from those values; detectors per qualified-name prefix

Calls through clients other modules export are settled once the whole tree is read (../crossmodule.py).
The names below are loaded on first use: importing values.py alone (as a JS/TS-only scan's settling does)
does not load the evaluator and the detectors.
"""

from __future__ import annotations

_FROM_DETECTORS = frozenset({"CODE_WIDTH", "Deferred", "ModuleAnalyzer", "ModuleReport", "mask_secrets"})
_FROM_EVALUATE = frozenset({"sdk_getattr", "_client_class"})

__all__ = sorted(_FROM_DETECTORS | _FROM_EVALUATE)


def __getattr__(name: str):
    if name in _FROM_DETECTORS:
        from migrate.scan.detect.python import detectors

        return getattr(detectors, name)
    if name in _FROM_EVALUATE:
        from migrate.scan.detect.python import evaluate

        return getattr(evaluate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
