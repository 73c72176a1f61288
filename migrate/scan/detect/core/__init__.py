"""The language-neutral core of the scan's name resolution: what an expression can stand for (values.py) and which
detector a qualified name goes to (registry.py, from the catalog's table of prefixes, migrate/catalog/prefixes.py).

A language is a front end over this core: it parses its files, builds its scopes, lowers its syntax to the core's
operations (a name's value, an attribute of a value, a call of a value) and gives its detectors to the registry.

    migrate/scan/detect/python.py + scopes.py + values.py   the Python front end (`ast`)
    migrate/scan/detect/javascript/                        the JavaScript / TypeScript front end (tree-sitter)

docs/detection.md ("One evaluator, a front end per language") describes the split and what a third language needs.
"""

from migrate.scan.detect.core.registry import JAVASCRIPT_SEPARATORS, PYTHON_SEPARATORS, PrefixRegistry, javascript_name
from migrate.scan.detect.core.values import Env, ModuleExport, Str

__all__ = ["Env", "JAVASCRIPT_SEPARATORS", "ModuleExport", "PYTHON_SEPARATORS", "PrefixRegistry", "Str", "javascript_name"]
