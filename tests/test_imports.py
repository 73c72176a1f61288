"""The import graph of `migrate` stays a tree of layers: no module-level import cycle, and record never reaches
into parity (parity reads recordings; `migrate.live` joins the two for `import-prompts --baseline`).

Imports inside functions (lazy imports) and under `if TYPE_CHECKING:` are allowed to point anywhere: they run
after every module involved has finished loading.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "migrate"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if path.name != "__init__.py":
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The migrate modules an import statement loads. `from pkg import sub` loads pkg.sub (a submodule) or pkg
    (for any other name); a package that is still loading hands out its submodules without a cycle."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names} & MODULES.keys()
    source = _absolute(module, path, node)
    found = set()
    for alias in node.names:
        found.add(sub if (sub := f"{source}.{alias.name}") in MODULES else source)
    return found & MODULES.keys()


def imports(module: str, *, lazy: bool) -> set[str]:
    """The migrate modules `module` imports: at module level only, or (lazy=True) anywhere in it."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.update(_targets(module, path, node))
            elif isinstance(node, ast.If):
                if not _is_type_checking(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                    visit(block)
            elif isinstance(node, (ast.With, ast.For, ast.While)):
                visit(node.body)
            elif lazy and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                visit(node.body)

    visit(tree.body)
    return found - {module}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def _describe(component: list[str], graph: dict[str, set[str]]) -> str:
    members = set(component)
    return "\n".join(f"  {m} -> {', '.join(sorted(graph[m] & members))}" for m in component)


def test_the_checker_finds_a_cycle_and_ignores_lazy_imports(tmp_path):
    # The checker itself: a circle of three is found, a tail into it is not part of it.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    # Known shapes of this code base: compare's package imports its comparators, which import the registry.
    assert "migrate.parity.compare.text" in imports("migrate.parity.compare", lazy=False)
    assert imports("migrate.parity.compare.text", lazy=False) >= {"migrate.parity.compare.registry"}
    # `from migrate.pr import secrets` is an import of the submodule, not of the (still loading) package.
    assert "migrate.pr" not in imports("migrate.pr.workflow", lazy=False)
    assert "migrate.pr.secrets" in imports("migrate.pr.workflow", lazy=False)
    # A lazy import counts only when asked for.
    assert "migrate.live" not in imports("migrate.record.importers", lazy=False)
    assert "migrate.live" in imports("migrate.record.importers", lazy=True)


def test_no_module_level_import_cycle():
    graph = {module: imports(module, lazy=False) for module in MODULES}
    found = cycles(graph)
    assert not found, "module-level import cycles (break them; a lazy import inside a function is allowed):\n" + (
        "\n".join(_describe(c, graph) for c in found))


def test_the_comparator_registry_imports_no_comparator():
    graph = {module: imports(module, lazy=True) for module in MODULES}
    assert graph["migrate.parity.compare.registry"] == set()


@pytest.mark.parametrize(("importer", "imported"), [("migrate.record", "migrate.parity")])
def test_record_does_not_import_parity(importer, imported):
    offenders = {module: sorted(t for t in imports(module, lazy=True) if t == imported or t.startswith(imported + "."))
                 for module in MODULES if module == importer or module.startswith(importer + ".")}
    offenders = {m: t for m, t in offenders.items() if t}
    assert not offenders, f"{importer} must not import {imported} (put the bridge in a module of its own): {offenders}"


def test_the_builtin_comparators_are_registered_by_importing_the_registry():
    from migrate.parity.compare.registry import registry

    assert {"exact", "semantic", "json_valid", "judge"} <= set(registry())


def test_the_catalog_imports_nothing_from_the_scan():
    # The catalog is the one source of SDK and vLLM knowledge that scan and rewrite both read; the verdict type
    # lives in migrate.catalog.verdict (migrate.scan.findings re-exports it), so nothing points the other way.
    offenders = {module: sorted(t for t in imports(module, lazy=True) if t == "migrate.scan" or t.startswith("migrate.scan."))
                 for module in MODULES if module == "migrate.catalog" or module.startswith("migrate.catalog.")}
    offenders = {m: t for m, t in offenders.items() if t}
    assert not offenders, f"migrate.catalog must not import migrate.scan (move what it needs into the catalog): {offenders}"


def test_the_scan_re_exports_the_verdict_type():
    from migrate.catalog.verdict import CatalogInfo, Verdict
    from migrate.scan import findings

    assert findings.Verdict is Verdict and findings.CatalogInfo is CatalogInfo
