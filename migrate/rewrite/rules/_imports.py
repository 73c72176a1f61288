"""The import fix-ups LibCST runs after a codemod (AddImportsVisitor, RemoveImportsVisitor), at a fraction of the cost.

LibCST runs each one through `Codemod.transform_module`, which deep-copies the tree for its metadata wrapper and
walks every node with matcher-decorator dispatch. Here the tree is wrapped without a copy (trees are immutable and
nothing keeps the copy), and adding imports walks only the statements before the first compound one: the only
ones AddImportsVisitor reads (the imports at the top) or changes (it extends a `from x import ...` found there and
inserts new imports after them). The result is the same tree LibCST would build.

Removing imports (`RemoveImportsVisitor.remove_unused_import(context, module, obj)`) costs LibCST a scope analysis
of the whole module and a walk that rebuilds all of it, to learn whether the names it was asked about are still
used. Where the tree settles that without a scope analysis (no name, attribute, keyword or string anywhere outside
the import statements spells the name: then no scope can hold a reference to it, and no `__all__` entry or string
annotation can name it), the same removal is done by walking only the statements that can hold an import; any
other case runs LibCST's visitor as it is.
"""

from __future__ import annotations

import re
from dataclasses import replace

import libcst as cst
from libcst.codemod import CodemodContext, ContextAwareTransformer
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from migrate.rewrite.rules import _walk as walk


class _TopAddImports(AddImportsVisitor):
    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(_head(node))

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.BaseCompoundStatement) or (
            isinstance(node, cst.SimpleStatementLine) and not any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in node.body)
        ):
            return False  # nothing AddImportsVisitor changes lies inside (its leave hooks still run on the node)
        return super().on_visit(node)


def _head(module: cst.Module) -> cst.Module:
    """The module cut before its first compound statement: where the top-of-module imports end at the latest."""
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, cst.BaseCompoundStatement):
            return module.with_changes(body=module.body[:i])
    return module


class _Found(Exception):
    pass


class _Spelled(cst.CSTVisitor):
    """Raises _Found at the first name (outside imports) or string that spells one of `names` as a word."""

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names
        self.word = re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(map(re.escape, sorted(names))))

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names:
            raise _Found

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if self.word.search(node.value):
            raise _Found

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        if self.word.search(node.value):
            raise _Found


class _Unused:
    """Stands for GatherUnusedImportsVisitor's result: an alias of `from module import name` with a name known
    unused (see _targeted_removal)."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def __contains__(self, alias: cst.ImportAlias) -> bool:
        return (alias.evaluated_alias or alias.evaluated_name) in self.names


_IMPORT_HOLDERS = (cst.Module, cst.BaseCompoundStatement, cst.BaseSuite, cst.Else, cst.ExceptHandler, cst.Finally,
                   *((cst.ExceptStarHandler,) if hasattr(cst, "ExceptStarHandler") else ()),
                   *((cst.MatchCase,) if hasattr(cst, "MatchCase") else ()))


class _StatementRemoveImports(RemoveImportsVisitor):
    """RemoveImportsVisitor's leave hooks, over the statements that can hold an import only, with the unused names
    given (no scope analysis)."""

    METADATA_DEPENDENCIES = ()

    def __init__(self, context: CodemodContext, unused: set[str]) -> None:
        super().__init__(context)
        self._unused_imports = _Unused(unused)

    def visit_Module(self, node: cst.Module) -> None:
        return None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            super().on_visit(node)
            return False  # leave_Import / leave_ImportFrom read the original node's aliases
        if isinstance(node, cst.SimpleStatementLine):
            if not any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in node.body):
                return False
        elif not isinstance(node, _IMPORT_HOLDERS):
            return False  # an expression or a statement's header: no import inside
        return super().on_visit(node)


def _targeted_removal(context: CodemodContext, tree: cst.Module) -> cst.Module | None:
    """The tree RemoveImportsVisitor would return, when every name asked about is certainly unused; else None."""
    scheduled = RemoveImportsVisitor._get_imports_from_context(context)
    if not scheduled or any(obj is None or "." in obj for _, obj, _ in scheduled):
        return None  # whole-module imports (`import a.b`): their dotted names are LibCST's business
    names = {alias or obj for _, obj, alias in scheduled}
    try:
        walk.visit(tree, _Spelled(names))
    except _Found:
        return None
    return walk.transform(tree, _StatementRemoveImports(context, names))


def run_fixup(transform: type, context: CodemodContext, tree: cst.Module) -> cst.Module:
    if transform is AddImportsVisitor:
        transform = _TopAddImports
    elif transform is RemoveImportsVisitor:
        fast = _targeted_removal(context, tree)
        if fast is not None:
            return fast
    instance = transform(context)
    wrapper = walk.Wrapper(tree, unsafe_skip_copy=True)  # LibCST's, without rebuilding the tree for metadata
    with instance.resolve(wrapper):
        instance.context = replace(instance.context, wrapper=wrapper)
        if type(instance).transform_module_impl is ContextAwareTransformer.transform_module_impl:
            return walk.transform(wrapper.module, instance)  # tree.visit(instance), keeping what is unchanged
        return instance.transform_module_impl(wrapper.module)
