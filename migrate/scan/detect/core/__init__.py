"""The language-neutral core of the scan's name resolution: what an expression can stand for (values.py), the
operations over those values (evaluate.py: memoised evaluation with a recursion guard, member access, calls and
`new` dispatched through the registry, return values) and which handler a qualified name goes to (registry.py, from
the catalog's table of prefixes, migrate/catalog/prefixes.py). Nothing here imports a parser.

A language is a front end over this core: it parses its files, builds its scopes, lowers its syntax to the core's
operations (CoreEvaluator.lower, function_returns and a few hooks) and registers its handlers and detectors.

    migrate/scan/detect/python/       the Python front end (`ast`)
    migrate/scan/detect/javascript/   the JavaScript / TypeScript front end (tree-sitter)

docs/detection.md ("One evaluator, a front end per language") describes the split and what a third language needs.
"""

from migrate.scan.detect.core.registry import JAVASCRIPT_SEPARATORS, PYTHON_SEPARATORS, PrefixRegistry, javascript_name
from migrate.scan.detect.core.values import (
    ClassValue, Client, Env, Function, Instance, ModuleExport, Pending, ResourcePath, Str,
)

__all__ = ["ClassValue", "Client", "Env", "Function", "Instance", "JAVASCRIPT_SEPARATORS", "ModuleExport",
           "PYTHON_SEPARATORS", "Pending", "PrefixRegistry", "ResourcePath", "Str", "javascript_name"]
