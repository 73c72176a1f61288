"""What a name refers to, without LibCST's scope analysis, where the answer is certain; LibCST's otherwise.

The rules follow values (`client = OpenAI(...)` then `client.chat...`, `url = BASE + "/v1"` then `post(url)`):
for a name they ask which bindings it may refer to, which is `Access.referents` of LibCST's `ScopeProvider`.
That analysis costs about as much as a parse and print of the whole module; the question is usually simple.
`Bindings` answers it from one read-only walk that lists, per name, where the module binds it:

- a name bound by assignments, imports, loop and `with` targets, parameters, `def` and `class`, in the module
  and in functions: the innermost scope around the access that binds it decides. An access in a scope inside
  that one (a function, a class body) refers to every binding made there; an access in that scope itself refers
  to the bindings made before it, as LibCST counts "before" (a binding made in an earlier statement; the
  parameters for the function's body; a loop's or `with`'s target for the statements inside it);
- a name bound nowhere refers to nothing (a builtin's `BuiltinAssignment` is no `Assignment`);
- a scope that cannot see the binding one (a sibling function) refers to nothing either.

Anything else goes to LibCST: a name a class body binds where the access sees it, by `global` / `nonlocal`, `:=`, an
`except ... as`, a comprehension or lambda, a match pattern or type parameter; an access inside a lambda or
comprehension; an access inside the very statement that binds it; no binding made before it in its own scope.
tests/rewrite/test_bindings.py checks the answers equal ScopeProvider's on every name of the rule tests' sources and
the example apps.
"""

from __future__ import annotations

import re

import libcst as cst

from migrate.rewrite.rules._walk import _inner_children

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_NOT_SIMPLE_SCOPES = (cst.Lambda, *_COMPREHENSIONS)
_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


class _Binding:
    __slots__ = ("node", "kind", "owner", "statement")

    def __init__(self, node: cst.CSTNode, kind: str, owner: cst.CSTNode, statement: cst.CSTNode) -> None:
        self.node = node  # what LibCST's Assignment.node is: the Name, Param, Import, FunctionDef, ClassDef
        self.kind = kind  # "statement", "param", "block" (a loop or with target)
        self.owner = owner  # the Module or FunctionDef whose scope it binds in
        self.statement = statement  # the innermost statement around it (the def itself for a def or class name)


class Bindings:
    """Where one module binds each name (see the module docstring); `usable` is False after a star import."""

    def __init__(self, module: cst.Module, tangled: set[str] | None) -> None:
        """`tangled`: the names Python's parser finds bound where LibCST's scope rules are not simple
        (_names.ImportIndex.tangled); None when it could not read the module's text (nothing is answered)."""
        self.module = module
        self.usable = tangled is not None
        self.by_name: dict[str, list[_Binding]] = {}
        self.tangled: set[str] = set(tangled or ())  # names bound in a way left to LibCST
        self.order: dict[int, int] = {}  # id(statement) -> its number in the walk's order
        self.targets: set[int] = set()  # ids of the Name nodes that are binding targets
        self._names: dict[str, list[cst.Name]] | None = None  # every Name node (imports aside), by name: see uses
        self._strings: list[cst.SimpleString] = []  # strings, which LibCST reads as code in type annotations
        if self.usable:
            self._visit(module, module, module)

    @property
    def names(self) -> dict[str, list[cst.Name]]:
        if self._names is None:
            self._collect_names()
        return self._names

    # -- the question ----------------------------------------------------------------------------------------
    def referents(self, name: cst.Name, parents: list[cst.CSTNode] | None) -> list[cst.CSTNode] | None:
        """The nodes of the bindings the access `name` refers to (LibCST's Access.referents, as Assignment
        nodes), in the order the module makes them; None when the answer is not certain here. `parents`: the
        nodes from the module down to `name`'s parent."""
        if not self.usable or not parents or parents[0] is not self.module or id(name) in self.targets:
            return None
        parent = parents[-1]
        if (isinstance(parent, cst.Attribute) and parent.attr is name) or (
                isinstance(parent, cst.Arg) and parent.keyword is name) or not _loads(parent, name):
            return None
        if any(isinstance(node, (cst.Import, cst.ImportFrom)) for node in parents):
            return None  # a module path or an imported name: no access for LibCST
        value = name.value
        if value in self.tangled:
            return None
        found = self.by_name.get(value)
        if not found:
            return []
        path = [*parents, name]
        scopes = _scopes(path)
        if scopes is None:
            return None
        # the innermost scope around the access that binds the name decides (LibCST's _resolve_scope_for_access)
        owner = next((scope for scope in scopes if any(b.owner is scope for b in found)), None)
        if owner is None:
            return []  # bound only in scopes it cannot see
        if isinstance(owner, cst.ClassDef):
            return None
        found = [b for b in found if b.owner is owner]
        if scopes[0] is not owner:
            return [b.node for b in found]
        before = []
        for binding in found:
            answer = self._before(binding, path)
            if answer is None:
                return None
            if answer:
                before.append(binding.node)
        return before or None  # none before it: LibCST looks in the scopes further out

    def uses(self, target: cst.Name, place) -> list[cst.Name] | None:
        """The accesses that refer to the binding target `target` (LibCST's Assignment.references, as nodes), in
        the order of the module; None when that is not certain here. `place(node)`: the nodes from the module
        down to a node's parent (or None)."""
        if not self.usable or id(target) not in self.targets or target.value in self.tangled:
            return None
        value = target.value
        owner = next(b.owner for b in self.by_name[value] if b.node is target)
        if isinstance(owner, cst.ClassDef) or any(b.owner is not owner for b in self.by_name[value]):
            # LibCST also gives a binding the accesses that come before a later binding of the name in a scope
            # inside its own (Assignment.record_accesses): bound in one scope only, references are what refer to it
            return None
        word = re.compile(r"(?<![\w.])%s(?!\w)" % re.escape(value))
        if self._names is None:
            self._collect_names()
        for string in self._strings:
            if word.search(string.value):
                parents = place(string)
                if parents is None or any(isinstance(p, (cst.Annotation, cst.Subscript, cst.Call)) for p in parents):
                    return None  # perhaps a string annotation naming it: LibCST reads those as code
        found = []
        for name in self.names.get(value, ()):
            if id(name) in self.targets:
                continue
            parents = place(name)
            if parents is None:
                return None
            parent = parents[-1]
            if (isinstance(parent, cst.Attribute) and parent.attr is name) or (
                    isinstance(parent, cst.Arg) and parent.keyword is name) or not _loads(parent, name):
                continue  # no access
            referents = self.referents(name, parents)
            if referents is None:
                return None
            if any(node is target for node in referents):
                found.append(name)
        return found

    def _before(self, binding: _Binding, path: list[cst.CSTNode]) -> bool | None:
        """Whether LibCST counts `binding` as made before the access at the end of `path` (same scope)."""
        statement = binding.statement
        if binding.kind == "param":
            return True  # the access is in the function's body: the parameters are bound before it
        inside = next((i for i, node in enumerate(path) if node is statement), None)
        if inside is not None:
            if binding.kind == "block" and _in_block_body(statement, path[inside + 1]):
                return True  # a loop's or with's target, for the statements of its body
            return None  # inside the statement that binds it: LibCST's count decides, leave it to LibCST
        access_statement = next((node for node in reversed(path) if isinstance(node, _STATEMENTS)), None)
        if access_statement is None or id(access_statement) not in self.order or id(statement) not in self.order:
            return None
        return self.order[id(statement)] < self.order[id(access_statement)]

    # -- the walk ----------------------------------------------------------------------------------------------
    def _bind(self, name: str, node: cst.CSTNode, kind: str, owner: cst.CSTNode, statement: cst.CSTNode) -> None:
        self.by_name.setdefault(name, []).append(_Binding(node, kind, owner, statement))

    def _bind_targets(self, target: cst.BaseExpression, kind: str, owner, statement) -> None:
        for name in _target_names(target):
            self.targets.add(id(name))
            self._bind(name.value, name, kind, owner, statement)

    def _visit(self, node: cst.CSTNode, owner: cst.CSTNode, statement: cst.CSTNode) -> None:
        """Statements only: every binding this module answers for is made by a statement (the others, `:=`,
        comprehensions and lambdas, are among the names Python's parser found tangled)."""
        if isinstance(node, _STATEMENTS):
            self.order[id(node)] = len(self.order)
            statement = node
        if isinstance(node, cst.SimpleStatementLine) or isinstance(node, cst.SimpleStatementSuite):
            for small in node.body:
                self._small(small, owner, statement)
            return
        if isinstance(node, cst.FunctionDef):
            self._bind(node.name.value, node, "statement", owner, node)
            params = node.params
            for param in (*params.posonly_params, *params.params, *params.kwonly_params,
                          *(p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param))):
                self._bind(param.name.value, param, "param", node, node)
            self._visit(node.body, node, statement)
            return
        if isinstance(node, cst.ClassDef):
            self._bind(node.name.value, node, "statement", owner, node)
            self._visit(node.body, node, statement)
            return
        if isinstance(node, cst.For):
            self._bind_targets(node.target, "block", owner, node)
        elif isinstance(node, cst.With):
            for item in node.items:
                if item.asname is not None:
                    self._bind_targets(item.asname.name, "block", owner, node)
        for child in _inner_children(node):
            if isinstance(child, _BLOCKS):
                self._visit(child, owner, statement)

    def _small(self, node: cst.BaseSmallStatement, owner: cst.CSTNode, statement: cst.CSTNode) -> None:
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            if isinstance(node.names, cst.ImportStar):
                self.usable = False
                return
            for alias in node.names:
                bound = alias.evaluated_alias or alias.evaluated_name
                if alias.asname is None and isinstance(node, cst.Import) and "." in bound:
                    # `import a.b` binds the dotted name too, and LibCST then takes `a.b...` for one access
                    bound = bound.split(".")[0]
                    self.tangled.add(bound)
                self._bind(bound, node, "statement", owner, statement)
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                self._bind_targets(target.target, "statement", owner, statement)
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            self._bind_targets(node.target, "statement", owner, statement)

    def _collect_names(self) -> None:
        """Every Name node (imports aside) and string of the module, for `uses`."""
        names: dict[str, list[cst.Name]] = {}
        strings: list[cst.SimpleString] = []
        stack: list[cst.CSTNode] = [self.module]
        name, string, imports = cst.Name, cst.SimpleString, (cst.Import, cst.ImportFrom)
        while stack:
            node = stack.pop()
            kind = node.__class__  # leaf classes: `is` instead of isinstance through LibCST's abstract base
            if kind is name:
                names.setdefault(node.value, []).append(node)
            elif kind is string:
                strings.append(node)
            elif kind not in imports:
                stack.extend(reversed(_inner_children(node)))  # no name or string lies in whitespace
        self._names, self._strings = names, strings


_BLOCKS = (cst.BaseSuite, cst.BaseStatement, cst.Else, cst.ExceptHandler, cst.Finally,
           *(getattr(cst, name) for name in ("ExceptStarHandler", "MatchCase") if hasattr(cst, name)))


def _target_names(target: cst.BaseExpression) -> list[cst.Name]:
    """The names an assignment target binds (`a`, `a, (b, *c)`; none for `a.b` or `a[0]`)."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in _target_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


def _loads(parent: cst.CSTNode, name: cst.Name) -> bool:
    """Whether `name` under `parent` is read (an access for LibCST), as far as this module answers: not a
    definition's, parameter's, alias's or keyword's own name."""
    if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Param)):
        return parent.name is not name  # a default value is read, the parameter's name is not
    return not isinstance(parent, (cst.ImportAlias, cst.AsName, cst.NameItem, cst.Import, cst.ImportFrom))


def scope_owners(path: list[cst.CSTNode]) -> list[tuple[cst.CSTNode, int]] | None:
    """The scopes the node at the end of `path` (the nodes from the module down) sees, innermost first, each with
    its index in `path`: the functions whose bodies hold it, the class whose body holds it directly, the module.
    None when a lambda or comprehension lies around it (scopes this module leaves to LibCST)."""
    owners: list[tuple[cst.CSTNode, int]] = []
    for i in range(len(path) - 2, -1, -1):
        node = path[i]
        if isinstance(node, _NOT_SIMPLE_SCOPES):
            return None
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and path[i + 1] is node.body:
            if isinstance(node, cst.ClassDef) and owners:
                continue  # a class body is no scope for the functions inside it
            owners.append((node, i))
    owners.append((path[0], 0))
    return owners


def _scopes(path: list[cst.CSTNode]) -> list[cst.CSTNode] | None:
    owners = scope_owners(path)
    return None if owners is None else [owner for owner, _ in owners]


def _in_block_body(statement: cst.CSTNode, child: cst.CSTNode) -> bool:
    if isinstance(statement, cst.For):
        return child is statement.body or child is statement.orelse
    return isinstance(statement, cst.With) and child is statement.body
