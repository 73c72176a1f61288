"""Qualified names without LibCST's scope analysis, where the answer is certain; LibCST's otherwise.

`QualifiedNameProvider` costs about five bare parse-and-prints of a file, and it must run again on every tree a
rule changes, so on a file with many OpenAI uses it is most of a rewrite. Yet what the rules ask is narrow:
is this call `openai.ChatCompletion.create`, is this `openai.error.RateLimitError`. Both questions have
answers that need no scopes:

- *certainly not*: a qualified name equal to `pkg.x.y` can only come from an import of `pkg...` (or from a
  local name, class or function literally called `pkg`, or a builtin when `pkg` is `builtins`). When the
  expression's first name is bound by no such import anywhere in the module, no name of it can be in the set.
- *certainly this*: when the first name is bound only by module-level imports and by nothing else anywhere in
  the module (no assignment, parameter, loop or `with` target, function, class, global, ...; an import in a
  function may bind it again, to the same thing), every scope sees the same import, and LibCST's answer is the import's name followed by the attributes; when it
  is bound nowhere at all, the answer is the builtin's name, or nothing.

One exception, by design: a name bound by an import and otherwise only in the `except ImportError` fallback of a
module-level `try` (`try: from openai import OpenAI` / `except ImportError: OpenAI = object`, pyautogen 0.2.35) is
the import's name. LibCST also lists the fallback's local name; the rules ask about code that runs with the SDK
installed, where the fallback never runs.

Anything else (a star import, a name also bound another way, a node whose place in the tree is not known, a
module that Python's own parser cannot read) goes to LibCST. tests/rewrite/test_names.py checks the two
agree on every Name and Attribute of the rule tests' sources and of the example apps.
"""

from __future__ import annotations

import ast
import builtins

import libcst as cst

from migrate.rewrite.flow import AST_FIELDS, ast_fields
from migrate.rewrite.rules._walk import _children as walk_children

_BUILTINS = frozenset(dir(builtins))

_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
                  ast.DictComp, ast.GeneratorExp)


class ImportIndex:
    """How each name of one module's text is bound, as far as the two shortcuts above need to know."""

    def __init__(self, source: str) -> None:
        self.usable = True
        self.imports: dict[str, set[str]] = {}  # name -> what module-level imports bind it to ("openai.OpenAI")
        self.import_roots: dict[str, set[str]] = {}  # name -> first parts of every import binding it, anywhere
        self.nested: dict[str, set[str]] = {}  # name -> what imports inside functions and classes bind it to
        self.other: set[str] = set()  # names bound some other way (assignment, parameter, def, ...) or relatively
        self.defined: set[str] = set()  # function and class names
        self.import_paths: set[str] = set()  # dotted module names written in import statements
        self.statement_lines: list[int] | None = None  # first line of each top-level statement, as LibCST counts
        self.identifiers: set[str] = set()  # every name, attribute name and imported name the code spells
        # names bound where LibCST's scope rules are not simple (see _bindings.py): by `:=`, comprehensions,
        # lambdas, global / nonlocal, `except ... as`, match patterns, type parameters, `import a.b`
        self.tangled: set[str] = set()
        self.tree: ast.Module | None = None  # Python's own tree of the text (statement spans: see _prune.py)
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            self.usable = False  # newer syntax than this interpreter's, for one: LibCST answers
            return
        self._walk(tree, nested=False)
        self.fallback: set[str] = set()  # imported names whose other bindings are all ImportError fallbacks
        doubled = self.other & self.imports.keys()
        if doubled:
            self.fallback = _import_fallbacks(tree, doubled)
            self.other -= self.fallback
        self.statement_lines = _statement_lines(tree)
        self.tree = tree

    def _walk(self, node: ast.AST, nested: bool) -> None:
        stack = [(node, nested)]
        identifiers, other, fields = self.identifiers, self.other, AST_FIELDS
        while stack:
            node, nested = stack.pop()
            kind = type(node)
            if kind is ast.Name:  # the commonest nodes first; their only other child is the context
                identifiers.add(node.id)
                if type(node.ctx) is not ast.Load:
                    other.add(node.id)
                continue
            if kind is ast.Attribute:
                identifiers.add(node.attr)
                stack.append((node.value, nested))
                continue
            if kind in _BINDING_KINDS:  # the few node types that bind names: one set lookup for the others
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    for alias in node.names:
                        self.identifiers.update(alias.name.split("."))
                        if alias.asname:
                            self.identifiers.add(alias.asname)
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        self._path(alias.name)
                        name = alias.asname or alias.name.split(".")[0]
                        if alias.asname is None and "." in alias.name:
                            self.tangled.add(name)
                        target = alias.name if alias.asname else name
                        self._import(name, target, alias.name.split(".")[0], nested)
                elif isinstance(node, ast.ImportFrom):
                    if node.module:
                        self._path(node.module)
                    for alias in node.names:
                        if alias.name == "*":
                            self.usable = False
                            return
                        name = alias.asname or alias.name
                        if node.level:
                            self.import_roots.setdefault(name, set()).add(".")
                            self.other.add(name)
                            continue
                        self._import(name, f"{node.module}.{alias.name}", node.module.split(".")[0], nested)
                elif isinstance(node, (ast.NamedExpr, ast.comprehension)):
                    self.tangled.update(_stored(node.target))
                elif isinstance(node, ast.Lambda):
                    self.tangled.update(a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                                                        *filter(None, (node.args.vararg, node.args.kwarg))))
                elif isinstance(node, ast.arg):
                    self.other.add(node.arg)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    self.other.add(node.name)
                    self.defined.add(node.name)
                elif isinstance(node, ast.ExceptHandler) and node.name:
                    self.other.add(node.name)
                    self.tangled.add(node.name)
                elif isinstance(node, (ast.Global, ast.Nonlocal)):
                    self.other.update(node.names)
                    self.tangled.update(node.names)
                elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                    self.other.add(node.name)
                    self.tangled.add(node.name)
                elif isinstance(node, ast.MatchMapping) and node.rest:
                    self.other.add(node.rest)
                    self.tangled.add(node.rest)
                elif type(node).__name__ in _TYPE_PARAMS:  # Python 3.12+
                    name = node.name if isinstance(node.name, str) else node.name.id
                    self.other.add(name)
                    self.tangled.add(name)
            inner = nested or kind in _NESTED_KINDS
            names = fields.get(kind) or ast_fields(kind)
            for name in names:  # ast.iter_child_nodes, without its generator
                value = getattr(node, name, None)
                if type(value) is list:
                    stack.extend((item, inner) for item in value if isinstance(item, ast.AST))
                elif isinstance(value, ast.AST):
                    stack.append((value, inner))

    def _path(self, dotted: str) -> None:
        parts = dotted.split(".")
        for i in range(2, len(parts) + 1):  # `import a.b.c` holds the attributes a.b.c and a.b
            self.import_paths.add(".".join(parts[:i]))

    def _import(self, name: str, target: str, root: str, nested: bool) -> None:
        self.import_roots.setdefault(name, set()).add(root)
        (self.nested if nested else self.imports).setdefault(name, set()).add(target)

    # -- the two shortcuts ----------------------------------------------------------------------------------
    def certain(self, node: cst.CSTNode, parents: list[cst.CSTNode] | None) -> set[str] | None:
        """The qualified names of `node` when they are certain without scopes, else None.

        `parents`: the nodes from the module down to `node`'s parent when known (the visit stack), else None.
        """
        if not self.usable:
            return None
        chain = _chain(node)
        if chain is None:
            return None
        head = chain[0]
        # bound only by imports inside functions or classes: what the scope around the node imports (see below)
        nested = head in self.nested and head not in self.imports and head not in self.other
        if head in self.imports and head not in self.other and self._same_everywhere(head):
            targets = self.imports[head]
        elif nested or (head not in self.import_roots and head not in self.other):
            # bound nowhere in the module (or nowhere the node can see): a name LibCST cannot resolve (no qualified
            # name), or a builtin, which LibCST names alone, attributes left off (object.__setattr__ -> builtins.object)
            targets = {"builtins." + head} if head in _BUILTINS else set()
        else:
            return None
        if parents is None:
            # Off the visit stack the place is unknown: only an attribute chain that no import statement spells
            # can be told (a Name may be an attribute's or a keyword's name, which have no qualified name).
            if nested or isinstance(node, cst.Name) or ".".join(chain) in self.import_paths:
                return None
        else:
            if any(p.__class__ is cst.Import or p.__class__ is cst.ImportFrom for p in parents):
                return set()
            parent = parents[-1] if parents else None
            if head in self.fallback and isinstance(parent, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign)):
                return None  # the fallback's own binding (`OpenAI = object`): LibCST names it
            if isinstance(node, cst.Name) and (
                (isinstance(parent, cst.Attribute) and parent.attr is node)
                or (isinstance(parent, cst.Arg) and parent.keyword is node)
            ):
                return set()
        rest = "".join("." + part for part in chain[1:])
        if nested:
            found = _nested_imports(head, node, parents)
            if found is None:
                return None
            if found:
                return {target + rest for target in found}
        if head not in self.imports:
            return targets
        return {target + rest for target in targets}

    def _same_everywhere(self, name: str) -> bool:
        """Imported to one thing, in every scope that imports it: `import openai` at the top and
        `import openai.wandb_logger` in a function both bind `openai` to openai."""
        inner = self.nested.get(name)
        return inner is None or (len(self.imports[name]) == 1 and inner == self.imports[name])

    def bound_to(self, package: str) -> set[str]:
        """Every name whose qualified names may start with `package` (see cannot_be_in): the package's own name
        and the names some import binds to something inside it."""
        return {package, *(name for name, roots in self.import_roots.items() if package in roots)}

    def packages(self) -> set[str]:
        """The top-level packages the module's imports name, anywhere in it ("." for a relative import)."""
        return set().union(*self.import_roots.values())

    def never_spells(self, names) -> bool:
        """True when the code names none of `names`' last parts anywhere (as a name, an attribute or an import):
        then no expression of the module has one of those qualified names."""
        return self.usable and not any(n.rsplit(".", 1)[-1] in self.identifiers for n in names)

    def cannot_be_in(self, node: cst.CSTNode, names) -> bool:
        """True when no qualified name of `node` can be one of `names` (whatever LibCST's scopes would say)."""
        if not self.usable:
            return False
        chain = _chain(node)
        if chain is None:
            return False
        roots = {n.split(".", 1)[0] for n in names}
        head = chain[0]
        if "builtins" in roots or head in roots or roots & self.defined:
            return False
        if not (self.import_roots.get(head, set()) & roots):
            return True
        # imported from inside one of those packages, and maybe bound another way too (`class Choice(Protocol)`
        # beside `from openai.types.chat.chat_completion import Choice`, pyautogen 0.2.35): a binding other than
        # an import names the module's own scopes, none of which is called like a package here (checked above);
        # an import names its target, with the chain's attributes after it
        if "." in self.import_roots.get(head, set()):
            return False  # a relative import: its target is not known here
        rest = "".join("." + part for part in chain[1:])
        candidates = {target + rest for target in (*self.imports.get(head, ()), *self.nested.get(head, ()))}
        return not any(c == n or c.startswith(n + ".") or n.startswith(c + ".") for c in candidates for n in names)


_TYPE_PARAMS = frozenset({"TypeVar", "ParamSpec", "TypeVarTuple", "TypeAlias"})
_NESTED_KINDS = frozenset(_NESTED_SCOPES)
_BINDING_KINDS = frozenset({ast.Import, ast.ImportFrom, ast.NamedExpr, ast.comprehension, ast.Lambda, ast.arg,
                            ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler, ast.Global,
                            ast.Nonlocal, *(getattr(ast, name) for name in ("MatchAs", "MatchStar", "MatchMapping",
                                                                            *_TYPE_PARAMS) if hasattr(ast, name))})


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def _import_fallbacks(tree: ast.Module, names) -> set[str]:
    """Those of `names` whose every binding other than an import lies in an `except ImportError` handler of a
    module-level `try` (or of a `try` inside one)."""
    inside: set[str] = set()
    elsewhere: set[str] = set()

    def bound(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            return [node.id]
        if isinstance(node, ast.arg):
            return [node.arg]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return [node.name]
        if isinstance(node, ast.ExceptHandler) and node.name:
            return [node.name]
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            return list(node.names)
        if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            return [node.name]
        if isinstance(node, ast.MatchMapping) and node.rest:
            return [node.rest]
        return []

    def visit(node: ast.AST, fallback: bool) -> None:
        for name in bound(node):
            if name in names:
                (inside if fallback else elsewhere).add(name)
        if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            for child in (*node.body, *node.orelse, *node.finalbody):
                visit(child, fallback)
            for handler in node.handlers:
                caught = {n.id if isinstance(n, ast.Name) else getattr(n, "attr", "")
                          for n in (handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type])
                          if n is not None} if handler.type is not None else set()
                imported_only = bool(caught) and caught <= _IMPORT_ERRORS
                for name in bound(handler):
                    if name in names:
                        elsewhere.add(name)
                for child in handler.body:
                    visit(child, fallback or imported_only)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, fallback)

    for statement in tree.body:
        visit(statement, False)
    return inside - elsewhere


def _stored(target: ast.expr) -> list[str]:
    return [node.id for node in ast.walk(target) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)]


def _nested_imports(head: str, node: cst.CSTNode, parents) -> set[str] | None:
    """What the imports of `head` in the function or class bodies around `node` bind it to there, as LibCST's scopes
    see them, for a name that only such imports bind: the innermost function (or the class whose body holds the
    node) that imports it decides; an empty set when none does. None when it is not that simple: the place is not
    known, a lambda or comprehension lies in between, or the import comes after the node in its own scope (LibCST
    then looks further out)."""
    if not parents or not isinstance(parents[0], cst.Module):
        return None
    from migrate.rewrite.rules._bindings import scope_owners

    path = [*parents, node]
    owners = scope_owners(path)  # innermost first; the module last: it binds the name with no import (nested only)
    if owners is None:
        return None
    for depth, (owner, i) in enumerate(owners[:-1]):
        imports = _scope_imports(owner).get(head)
        if not imports:
            continue
        if depth == 0 and isinstance(node, cst.Name):
            # an access sees the imports of its own scope made before it only
            at = _order(path, i)
            imports = [found for found in imports if found[0] < at]
            if not imports:
                return None
        if any(dotted for _, _, dotted in imports):
            return None  # `import a.b`: LibCST's dotted-name accesses are its business
        return {target for _, target, _ in imports}
    return set()


_SCOPE_IMPORTS: dict[int, tuple] = {}


def _scope_imports(owner: cst.CSTNode) -> dict[str, list[tuple[tuple[int, ...], str, bool]]]:
    """name -> (where in the body, what it binds the name to, whether a dotted `import a.b`) for each import in
    `owner`'s own body (not in the functions and classes inside it)."""
    cached = _SCOPE_IMPORTS.get(id(owner))
    if cached is not None and cached[0] is owner:
        return cached[1]
    found: dict[str, list[tuple[tuple[int, ...], str, bool]]] = {}

    def scan(node: cst.CSTNode, order: tuple[int, ...]) -> None:
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            for alias in node.names if isinstance(node.names, (list, tuple)) else ():
                name = alias.evaluated_alias or alias.evaluated_name
                dotted = False
                if isinstance(node, cst.Import):
                    bound = name.split(".")[0] if alias.asname is None else name
                    target = bound if alias.asname is None else alias.evaluated_name
                    dotted = alias.asname is None and "." in name
                elif node.relative or node.module is None:
                    continue  # relative: `other` already says it is not simple
                else:
                    bound, target = name, f"{_dotted(node.module)}.{alias.evaluated_name}"
                found.setdefault(bound, []).append((order, target, dotted))
            return
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) or not isinstance(
                node, (cst.BaseSuite, cst.BaseStatement, cst.BaseSmallStatement, cst.Else, cst.ExceptHandler,
                       cst.Finally, *_EXTRA_BLOCKS)):
            return
        for k, child in enumerate(walk_children(node)):
            scan(child, (*order, k))

    for k, child in enumerate(walk_children(owner)):
        if child is owner.body:
            scan(child, (k,))
    if len(_SCOPE_IMPORTS) > 256:
        _SCOPE_IMPORTS.clear()
    _SCOPE_IMPORTS[id(owner)] = (owner, found)
    return found


_EXTRA_BLOCKS = tuple(getattr(cst, name) for name in ("ExceptStarHandler", "MatchCase") if hasattr(cst, name))


def _order(path: list[cst.CSTNode], start: int) -> tuple[int, ...]:
    """Where path[-1] lies below path[start], as the child indices a walk takes from it."""
    return tuple(next(k for k, child in enumerate(walk_children(parent)) if child is path[j + 1])
                 for j, parent in enumerate(path[start:-1], start))


def _dotted(node: cst.BaseExpression) -> str:
    return node.value if isinstance(node, cst.Name) else f"{_dotted(node.value)}.{node.attr.value}"


def _statement_lines(tree: ast.Module) -> list[int]:
    """Where each of LibCST's top-level statements starts (`a; b` is one statement line there)."""
    lines: list[int] = []
    end = 0
    for stmt in tree.body:
        if stmt.lineno != end or not lines:  # a statement after `;` starts on the line the previous one ended
            lines.append(stmt.lineno)  # a decorated definition too: both count from its `def` / `class` line
        end = stmt.end_lineno or stmt.lineno
    return lines


def _chain(node: cst.CSTNode) -> list[str] | None:
    """The dotted name of a Name or Attribute as LibCST spells it (`get_full_name_for_node`): calls and subscripts
    inside are skipped (`OpenAI().chat` is "OpenAI.chat") and any other head reads "None" (`"".join` is
    "None.join", which LibCST resolves to the builtin None); a call or subscript is named by its callee or value
    (`OpenAI()` is "OpenAI"), as LibCST names it; None for any other node."""
    call, subscript, attribute, name = cst.Call, cst.Subscript, cst.Attribute, cst.Name  # leaf classes: `is`,
    kind = node.__class__  # not isinstance through LibCST's abstract base (this runs for most names of a file)
    while kind is call or kind is subscript:
        node = node.func if kind is call else node.value
        kind = node.__class__
    if kind is not name and kind is not attribute:
        return None
    parts: list[str] = []
    while True:
        if kind is attribute:
            parts.append(node.attr.value)
            node = node.value
        elif kind is call:
            node = node.func
        elif kind is subscript:
            node = node.value
        else:
            break
        kind = node.__class__
    parts.append(node.value if kind is name else "None")
    return parts[::-1]
