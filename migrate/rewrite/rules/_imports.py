"""The import fix-ups LibCST runs after a codemod (AddImportsVisitor, RemoveImportsVisitor), at a fraction of the cost.

LibCST runs each one through `Codemod.transform_module`, which deep-copies the tree for its metadata wrapper and
walks every node with matcher-decorator dispatch. Here the tree is wrapped without a copy (trees are immutable and
nothing keeps the copy), and adding imports walks only the statements before the first compound one: the only
ones AddImportsVisitor reads (the imports at the top) or changes (it extends a `from x import ...` found there and
inserts new imports after them). The result is the same tree LibCST would build.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper


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


def run_fixup(transform: type, context: CodemodContext, tree: cst.Module) -> cst.Module:
    if transform is AddImportsVisitor:
        transform = _TopAddImports
    instance = transform(context)
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    with instance.resolve(wrapper):
        instance.context = replace(instance.context, wrapper=wrapper)
        return instance.transform_module_impl(wrapper.module)
