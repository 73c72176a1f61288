"""The Python front end of the scan: `ast` syntax lowered to the evaluator core's operations.

    scopes.py     the symbol table of a module: bindings per scope, in source order
    values.py     what a Python expression can stand for (the core's Str / Env, plus clients, classes, ...)
    evaluate.py   the evaluation of expressions to values (names, attributes, calls, returns, annotations)
    detectors.py  the findings of one module, from those values; detectors per qualified-name prefix

Calls through clients other modules export are settled once the whole tree is read (../crossmodule.py).
"""

from migrate.scan.detect.python.detectors import CODE_WIDTH, Deferred, ModuleAnalyzer, ModuleReport, mask_secrets
from migrate.scan.detect.python.evaluate import _client_class, sdk_getattr

__all__ = ["CODE_WIDTH", "Deferred", "ModuleAnalyzer", "ModuleReport", "mask_secrets", "sdk_getattr", "_client_class"]
