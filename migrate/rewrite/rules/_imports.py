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

import difflib
import re
from dataclasses import replace

import libcst as cst
from libcst import CSTTransformer
from libcst.codemod import CodemodContext, ContextAwareTransformer
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.codemod.visitors._add_imports import _GatherTopImportsBeforeStatements

from migrate.rewrite.rules import _walk as walk


def _undecorated(cls: type) -> bool:
    """No method of `cls` carries a LibCST matcher decorator (then its matcher set-up finds nothing)."""
    from migrate.rewrite.rules._base import _plain_dispatch

    return _plain_dispatch(cls)


class _Undecorated:
    """For a LibCST visitor class without matcher decorators: its matcher set-up (MatcherDecoratableVisitor and
    -Transformer look at every attribute `dir()` lists, on every instance, for decorators) is given nothing to
    look at, and it dispatches as a plain CSTVisitor / CSTTransformer does."""

    def __dir__(self):
        return []


class _TopImports(_Undecorated, _GatherTopImportsBeforeStatements):
    """The imports at the top of a module as AddImportsVisitor gathers them. Its gatherer does all its work in
    leave_Module, from the module's statements: called directly, without a walk that rebuilds the module's head."""

    @classmethod
    def gather(cls, context: CodemodContext, module: cst.Module):
        gatherer = cls(context)
        gatherer.leave_Module(module)
        return gatherer


def _gathers_on_leave_module_only() -> bool:
    cls = _GatherTopImportsBeforeStatements
    hooks = {name for name in dir(cls) if name.startswith(("visit_", "leave_"))
             and walk.own_hook(cls, name) is not None}
    return hooks == {"leave_Module"} and _undecorated(cls)


class _TopAddImports(_Undecorated, AddImportsVisitor):
    def visit_Module(self, node: cst.Module) -> None:
        head = _head(node)
        if not _FAST_GATHER:
            super().visit_Module(head)
            self.module_imports = {m for m in self.module_imports if not _imported_before_use(node, m)}
            return
        # AddImportsVisitor.visit_Module (libcst 1.x), with the gatherer above
        gatherer = _TopImports.gather(self.context, head)
        self.all_imports = gatherer.all_imports
        self.module_imports = {m for m in self.module_imports - gatherer.module_imports
                               if not _imported_before_use(node, m)}
        for module, alias in gatherer.module_aliases.items():
            if module in self.module_aliases and self.module_aliases[module] == alias:
                del self.module_aliases[module]
        for module, aliases in gatherer.alias_mapping.items():
            for obj, alias in aliases:
                if module in self.alias_mapping and (obj, alias) in self.alias_mapping[module]:
                    self.alias_mapping[module].remove((obj, alias))
                    if len(self.alias_mapping[module]) == 0:
                        del self.alias_mapping[module]
        for module, imports in gatherer.object_mapping.items():
            if module not in self.module_mapping:
                continue
            elif "*" in imports:
                del self.module_mapping[module]
            else:
                self.module_mapping[module] = self.module_mapping[module] - imports
                if not self.module_mapping[module]:
                    del self.module_mapping[module]

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.BaseCompoundStatement) or (
            isinstance(node, cst.SimpleStatementLine) and not any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in node.body)
        ):
            return False  # nothing AddImportsVisitor changes lies inside (its leave hooks still run on the node)
        return CSTTransformer.on_visit(self, node) if _PLAIN_ADD else super().on_visit(node)

    def on_leave(self, original_node, updated_node):
        return CSTTransformer.on_leave(self, original_node, updated_node) if _PLAIN_ADD else super().on_leave(
            original_node, updated_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if not _PLAIN_ADD:
            super().on_visit_attribute(node, attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        if not _PLAIN_ADD:
            super().on_leave_attribute(original_node, attribute)


_PLAIN_ADD = _undecorated(AddImportsVisitor) and not walk.attribute_hooks(AddImportsVisitor)
_FAST_GATHER = _gathers_on_leave_module_only()


class _RunsName(cst.CSTVisitor):
    """Whether a statement reads `name` while it runs (function bodies and lambdas run later)."""

    def __init__(self, name: str) -> None:
        self.name, self.found = name, False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.found = self.found or node.value == self.name


def _imported_before_use(module: cst.Module, name: str) -> bool:
    """The module says `import name` at its top level (not inside a `try` or `if`) before any statement that runs
    code reading `name`: a module whose imports follow a `try: from openai import ...` block (textgrad's) already
    has `os` where the new `os.environ.get(...)` in a function body reads it. LibCST's gatherer only sees the
    imports above the first compound statement, and would add a second `import os` at the top."""
    if "." in name:
        return False
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine) and any(
                isinstance(s, cst.Import) and any(a.asname is None and isinstance(a.name, cst.Name)
                                                  and a.name.value == name for a in s.names)
                for s in stmt.body):
            return True
        reads = _RunsName(name)
        stmt.visit(reads)
        if reads.found:
            return False
    return False


def _head(module: cst.Module) -> cst.Module:
    """The module cut before its first compound statement: where the top-of-module imports end at the latest."""
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, cst.BaseCompoundStatement):
            return module.with_changes(body=module.body[:i])
    return module


class _Spelled(cst.CSTVisitor):
    """Which of `names` the code outside imports spells: as a name (`used`), or as a word in a string that may be a
    use (`quoted`): a string in an annotation or a TypeVar(...) call (LibCST reads those as type names), or any
    string of a module that mentions `__all__` (its entries name exports). A docstring naming a class is no use."""

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names
        self.used: set[str] = set()
        self._typed_words: set[str] = set()  # in annotations and TypeVar(...) calls
        self._words: set[str] = set()  # in any string
        self._exports = False
        self._typed = 0  # depth inside annotations and TypeVar(...) calls
        self._not_names: set[int] = set()
        self.word = re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(map(re.escape, sorted(names))))

    @property
    def quoted(self) -> set[str]:
        return self._words if self._exports else self._typed_words

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._typed += 1

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._typed -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if _declares_type(node):
            self._typed += 1

    def leave_Call(self, original_node: cst.Call) -> None:
        if _declares_type(original_node):
            self._typed -= 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._not_names.add(id(node.attr))  # `lib.X` reads an attribute, not the name X

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._not_names.add(id(node.keyword))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "__all__":
            self._exports = True
        elif node.value in self.names and id(node) not in self._not_names:
            self.used.add(node.value)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._quote(node.value)

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        self._quote(node.value)

    def _quote(self, text: str) -> None:
        words = self.word.findall(text)
        if words:
            self._words.update(words)
            if self._typed:
                self._typed_words.update(words)


def _declares_type(call: cst.Call) -> bool:
    """TypeVar("T", bound="Name"), however TypeVar is spelled: its strings are type names to LibCST."""
    func = call.func
    return (isinstance(func, cst.Name) and func.value == "TypeVar") or (
        isinstance(func, cst.Attribute) and func.attr.value == "TypeVar")


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
        return may_hold_import(node) and super().on_visit(node)


def may_hold_import(node: cst.CSTNode) -> bool:
    """Whether a walk for import statements must enter `node` (an expression or a statement's header need not)."""
    if isinstance(node, cst.SimpleStatementLine):
        return any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in node.body)
    return isinstance(node, _IMPORT_HOLDERS)


def _targeted_removal(context: CodemodContext, tree: cst.Module, bound_elsewhere: set[str] | None) -> cst.Module | None:
    """The tree RemoveImportsVisitor would return, when that is certain without scope analysis; else None.

    A name no code spells is unused; a name the code spells as a name is used, when nothing but its import binds it
    (`bound_elsewhere`: the names bound some other way, None when unknown); a name spelled only inside a string
    needs LibCST's reading of annotations and `__all__`."""
    scheduled = RemoveImportsVisitor._get_imports_from_context(context)
    if not scheduled or any("." in (module if obj is None else obj) for module, obj, _ in scheduled):
        return None  # dotted whole-module imports (`import a.b`): their dotted names are LibCST's business
    names = {alias or (module if obj is None else obj) for module, obj, alias in scheduled}
    spelled = _Spelled(names)
    walk.visit(tree, spelled)
    if spelled.quoted - spelled.used or (spelled.used and (bound_elsewhere is None or spelled.used & bound_elsewhere)):
        return None
    unused = names - spelled.used
    return walk.transform(tree, _StatementRemoveImports(context, unused)) if unused else tree


def run_fixup(transform: type, context: CodemodContext, tree: cst.Module,
              bound_elsewhere: set[str] | None = None) -> cst.Module:
    """`bound_elsewhere`: the names the module binds other than by an import, when known (see _targeted_removal)."""
    if transform is AddImportsVisitor:
        transform = _TopAddImports
    elif transform is RemoveImportsVisitor:
        fast = _targeted_removal(context, tree, bound_elsewhere)
        if fast is not None:
            return fast
    instance = transform(context)
    wrapper = walk.Wrapper(tree, unsafe_skip_copy=True)  # LibCST's, without rebuilding the tree for metadata
    with instance.resolve(wrapper):
        instance.context = replace(instance.context, wrapper=wrapper)
        if type(instance).transform_module_impl is ContextAwareTransformer.transform_module_impl:
            return walk.transform(wrapper.module, instance)  # tree.visit(instance), keeping what is unchanged
        return instance.transform_module_impl(wrapper.module)


def settle(added: tuple[cst.Module, cst.Module] | None, removed: tuple[cst.Module, cst.Module]) -> cst.Module:
    """The module after a rule's import fix-ups (`added`: AddImportsVisitor's input and output, when it ran;
    `removed`: RemoveImportsVisitor's), laid out as a person would have edited it.

    An import that replaces one the rule removed (`from openai.lib.azure import AzureOpenAI` gone, `from openai
    import OpenAI` appended after the last import) takes its place and the lines above it, so the diff reads as
    one line changed; a statement removed with a blank line above it leaves that line to the statement after it
    (LibCST drops both, which joins two import groups)."""
    before, after = removed
    body = list(after.body)
    deleted: list[tuple[cst.CSTNode, int]] = []  # (removed statement, index in `body` of the one that followed it)
    for i, j, follower in _aligned(before, after):
        if j is None:
            deleted.append((before.body[i], follower))
    if not deleted:
        return after
    inserted: list[int] = []  # indexes in `body` of the statements AddImportsVisitor inserted
    if added is not None:
        new = [added[1].body[j] for i, j, _ in _aligned(*added) if i is None]
        ids = {id(s): k for k, s in enumerate(body)}
        texts = None
        for statement in new:
            if id(statement) in ids:
                inserted.append(ids[id(statement)])
                continue
            if texts is None:
                texts = {after.code_for_node(s): k for k, s in enumerate(body)}
            k = texts.get(added[1].code_for_node(statement))
            if k is not None:
                inserted.append(k)
    moves: dict[int, tuple[int, cst.CSTNode]] = {}  # index of the follower -> (index of the replacement, removed)
    blank: set[int] = set()
    for statement, follower in deleted:
        root = _import_root(statement)
        twin = next((k for k in inserted if root is not None and _import_root(body[k]) == root and k >= follower), None)
        if twin is not None and follower not in moves:
            inserted.remove(twin)
            moves[follower] = (twin, statement)
        elif _blank_above(statement) and follower < len(body):
            blank.add(follower)
    for index in blank - moves.keys():
        if not _blank_above(body[index]):
            body[index] = body[index].with_changes(leading_lines=[cst.EmptyLine(), *body[index].leading_lines])
    if moves:
        moved = {twin for twin, _ in moves.values()}
        out = []
        for index in range(len(body) + 1):
            if index in moves:
                twin, gone = moves[index]
                out.append(body[twin].with_changes(leading_lines=gone.leading_lines))
            if index < len(body) and index not in moved:
                out.append(body[index])
        body = out
    return after.with_changes(body=body)


def _aligned(a: cst.Module, b: cst.Module):
    """The top-level statements of two versions of a module, aligned: (i, j, _) for a statement kept (or changed in
    place: an import that gained or lost names), (i, None, k) for one removed (k: the index in `b` of what
    follows it), (None, j, _) for one inserted. By identity (the walks here keep what they do not change), by
    text where a statement was rebuilt."""
    matcher = difflib.SequenceMatcher(None, [id(s) for s in a.body], [id(s) for s in b.body], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield from ((i, j, j + 1) for i, j in zip(range(i1, i2), range(j1, j2)))
            continue
        texts = difflib.SequenceMatcher(None, [a.code_for_node(s) for s in a.body[i1:i2]],
                                        [b.code_for_node(s) for s in b.body[j1:j2]], autojunk=False)
        for inner, a1, a2, b1, b2 in texts.get_opcodes():
            if inner == "equal":
                yield from ((i1 + i, j1 + j, j1 + j + 1) for i, j in zip(range(a1, a2), range(b1, b2)))
                continue
            olds, news = list(range(i1 + a1, i1 + a2)), list(range(j1 + b1, j1 + b2))
            for i in olds:  # changed in place: the import of the same module on the other side
                same = next((j for j in news if _import_module(b.body[j]) is not None
                             and _import_module(b.body[j]) == _import_module(a.body[i])), None)
                if same is not None:
                    news.remove(same)
                    yield i, same, same + 1
                else:
                    yield i, None, j1 + b2
            yield from ((None, j, j + 1) for j in news)


def _import_module(statement: cst.CSTNode) -> str | None:
    """The module a `from M import ...` line imports from."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        node = statement.body[0]
        if isinstance(node, cst.ImportFrom) and node.module is not None:
            from libcst.helpers import get_full_name_for_node

            return "." * len(node.relative) + (get_full_name_for_node(node.module) or "")
    return None


def _import_root(statement: cst.CSTNode) -> str | None:
    """The top-level package of a one-import statement line (`from openai.lib.azure import X` -> openai)."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None
    node = statement.body[0]
    if isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None:
        from libcst.helpers import get_full_name_for_node

        name = get_full_name_for_node(node.module)
        return name.split(".", 1)[0] if name else None
    if isinstance(node, cst.Import) and len(node.names) == 1:
        from libcst.helpers import get_full_name_for_node

        name = get_full_name_for_node(node.names[0].name)
        return name.split(".", 1)[0] if name else None
    return None


def _blank_above(statement: cst.CSTNode) -> bool:
    lines = getattr(statement, "leading_lines", ())
    return bool(lines) and lines[0].comment is None
