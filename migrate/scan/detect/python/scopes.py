"""Scopes and bindings of one module: the symbol table the detector resolves names with.

One pass over the statements (expressions are not visited here) records, per scope, every name binding in
source order, the expression roots the scope owns, its return statements, and `self.x = ...` assignments of
methods. Values are computed later, on demand (see python.py).
"""

from __future__ import annotations

import ast

from migrate.scan.detect import sdk

# Binding kinds: the payload each carries.
EXPR = "expr"  # value expression
ANN = "ann"  # (annotation, value or None)
IMPORT = "import"  # qualified name
FUNC = "func"  # FunctionDef node
CLASS = "class"  # ClassDef node
PARAM = "param"  # (arg, default or None, position)
WITH = "with"  # context expression of `with X as name`
ITEM = "item"  # (value expression, index) from tuple unpacking
UNKNOWN = "unknown"


class Scope:
    __slots__ = ("kind", "node", "parent", "bindings", "globals", "exprs", "returns", "klass", "analyzer", "name")

    def __init__(self, kind: str, node, parent: "Scope | None", analyzer, name: str = "") -> None:
        self.kind = kind  # "module", "function", "class"
        self.node = node
        self.parent = parent
        self.bindings: dict[str, list[tuple[int, str, object, Scope]]] = {}
        self.globals: set[str] = set()
        self.exprs: list[ast.AST] = []
        self.returns: list[ast.Return] = []
        self.klass = None  # for a method's scope: the Klass value of its class (set by the analyzer)
        self.analyzer = analyzer
        self.name = name

    def bind(self, name: str, line: int, kind: str, payload, where: "Scope | None" = None) -> None:
        target = self
        if name in self.globals:
            target = self.module()
        target.bindings.setdefault(name, []).append((line, kind, payload, where or self))

    def module(self) -> "Scope":
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


class ScopeBuilder:
    """Builds the scope tree of a module. `on_class(class_node, class_scope)` lets the analyzer create
    the class value; `self_attr(method_scope, name, line, kind, payload)` records `self.x = ...`."""

    def __init__(self, analyzer, package: str) -> None:
        self.analyzer = analyzer
        self.package = package  # dotted package of the module, for relative imports
        self.scopes: list[Scope] = []
        self.imports_openai = False
        self.imports_lookalike = False  # imports another provider's SDK of the same shape (sdk.LOOKALIKE_SDKS)
        self.import_nodes: list[ast.ImportFrom] = []

    def build(self, tree: ast.Module) -> Scope:
        module = Scope("module", tree, None, self.analyzer)
        self.scopes.append(module)
        self._body(tree.body, module)
        return module

    # -- statements ------------------------------------------------------------------------------------------
    def _body(self, body, scope: Scope) -> None:
        for stmt in body:
            self._stmt(stmt, scope)

    def _stmt(self, node, scope: Scope) -> None:
        t = type(node)
        if t is ast.Expr:
            value = node.value
            if type(value) is ast.Constant and type(value.value) is str:
                return  # a docstring or a bare string: never a finding
            scope.exprs.append(value)
            return
        if t is ast.Assign:
            scope.exprs.extend(node.targets)
            scope.exprs.append(node.value)
            for target in node.targets:
                self._bind_target(target, node.value, scope, node.lineno)
            return
        if t is ast.AnnAssign:
            scope.exprs.append(node.target)
            scope.exprs.append(node.annotation)
            if node.value is not None:
                scope.exprs.append(node.value)
            target = node.target
            if type(target) is ast.Name:
                scope.bind(target.id, node.lineno, ANN, (node.annotation, node.value))
            elif type(target) is ast.Attribute:
                self._self_attr(target, scope, node.lineno, ANN, (node.annotation, node.value))
            return
        if t is ast.FunctionDef or t is ast.AsyncFunctionDef:
            scope.exprs.extend(node.decorator_list)
            args = node.args
            scope.exprs.extend(d for d in args.defaults)
            scope.exprs.extend(d for d in args.kw_defaults if d is not None)
            if node.returns is not None:
                scope.exprs.append(node.returns)
            scope.bind(node.name, node.lineno, FUNC, node)
            inner = Scope("function", node, scope, self.analyzer, node.name)
            self.scopes.append(inner)
            self._params(args, inner, node.lineno)
            self.analyzer.on_function(node, inner, scope)
            self._body(node.body, inner)
            return
        if t is ast.ClassDef:
            scope.exprs.extend(node.decorator_list)
            scope.exprs.extend(node.bases)
            scope.exprs.extend(k.value for k in node.keywords)
            scope.bind(node.name, node.lineno, CLASS, node)
            inner = Scope("class", node, scope, self.analyzer, node.name)
            self.scopes.append(inner)
            self.analyzer.on_class(node, inner)
            self._body(node.body, inner)
            return
        if t is ast.Return:
            if node.value is not None:
                scope.exprs.append(node.value)
                scope.returns.append(node)
            return
        if t is ast.Import:
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root == "openai":
                    self.imports_openai = True
                elif root in sdk.LOOKALIKE_SDKS:
                    self.imports_lookalike = True
                if alias.asname:
                    scope.bind(alias.asname, node.lineno, IMPORT, alias.name)
                else:
                    scope.bind(root, node.lineno, IMPORT, root)
            return
        if t is ast.ImportFrom:
            module = self._absolute(node.module, node.level)
            if module.split(".")[0] == "openai":
                self.imports_openai = True
            elif module.split(".")[0] in sdk.LOOKALIKE_SDKS:
                self.imports_lookalike = True
            self.import_nodes.append(node)
            for alias in node.names:
                if alias.name == "*":
                    continue
                scope.bind(alias.asname or alias.name, node.lineno, IMPORT, f"{module}.{alias.name}" if module else alias.name)
            return
        if t is ast.Global or t is ast.Nonlocal:
            scope.globals.update(node.names) if t is ast.Global else None
            return
        if t is ast.With or t is ast.AsyncWith:
            for item in node.items:
                scope.exprs.append(item.context_expr)
                if item.optional_vars is not None:
                    scope.exprs.append(item.optional_vars)
                    if type(item.optional_vars) is ast.Name:
                        scope.bind(item.optional_vars.id, node.lineno, WITH, item.context_expr)
            self._body(node.body, scope)
            return
        if t is ast.For or t is ast.AsyncFor:
            scope.exprs.append(node.iter)
            scope.exprs.append(node.target)
            for name in _names(node.target):
                scope.bind(name, node.lineno, UNKNOWN, None)
            self._body(node.body, scope)
            self._body(node.orelse, scope)
            return
        if t is ast.AugAssign:
            scope.exprs.append(node.target)
            scope.exprs.append(node.value)
            if type(node.target) is ast.Name:
                scope.bind(node.target.id, node.lineno, UNKNOWN, None)
            return
        # Everything else: If, While, Try, Match, Raise, Assert, Delete, ...: expressions and nested statements.
        self._generic(node, scope)

    def _generic(self, node, scope: Scope) -> None:
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.stmt):
                        self._stmt(item, scope)
                    elif isinstance(item, ast.excepthandler):
                        if item.type is not None:
                            scope.exprs.append(item.type)
                        if item.name:
                            scope.bind(item.name, item.lineno, UNKNOWN, None)
                        self._body(item.body, scope)
                    elif isinstance(item, ast.match_case):
                        scope.exprs.append(item.pattern)
                        if item.guard is not None:
                            scope.exprs.append(item.guard)
                        self._body(item.body, scope)
                    elif isinstance(item, ast.AST):
                        scope.exprs.append(item)
            elif isinstance(value, ast.AST):
                scope.exprs.append(value)

    # -- bindings --------------------------------------------------------------------------------------------
    def _bind_target(self, target, value, scope: Scope, line: int) -> None:
        t = type(target)
        if t is ast.Name:
            scope.bind(target.id, line, EXPR, value)
        elif t is ast.Attribute:
            self.analyzer.stored_values[id(target)] = value  # `openai.base_url = <value>`: read by the detector
            self._self_attr(target, scope, line, EXPR, value)
        elif t is ast.Tuple or t is ast.List:
            for i, element in enumerate(target.elts):
                if type(element) is ast.Name:
                    scope.bind(element.id, line, ITEM, (value, i))
                elif type(element) is ast.Starred and type(element.value) is ast.Name:
                    scope.bind(element.value.id, line, UNKNOWN, None)

    def _self_attr(self, target: ast.Attribute, scope: Scope, line: int, kind: str, payload) -> None:
        base = target.value
        if type(base) is ast.Name and scope.kind == "function" and scope.klass is not None:
            if base.id in _self_names(scope):
                scope.klass.self_attrs.setdefault(target.attr, []).append((line, kind, payload, scope))

    def _params(self, args: ast.arguments, scope: Scope, line: int) -> None:
        positional = [*args.posonlyargs, *args.args]
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        for i, (arg, default) in enumerate(zip(positional, defaults)):
            scope.bind(arg.arg, arg.lineno or line, PARAM, (arg, default, i))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            scope.bind(arg.arg, arg.lineno or line, PARAM, (arg, default, -1))
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                scope.bind(arg.arg, arg.lineno or line, UNKNOWN, None)

    def _absolute(self, module: str | None, level: int) -> str:
        if not level:
            return module or ""
        parts = self.package.split(".") if self.package else []
        if level > 1:
            parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
        base = ".".join(parts)
        if module:
            return f"{base}.{module}" if base else module
        return base


def _names(target) -> list[str]:
    if type(target) is ast.Name:
        return [target.id]
    if type(target) in (ast.Tuple, ast.List):
        out = []
        for element in target.elts:
            out.extend(_names(element.value if type(element) is ast.Starred else element))
        return out
    return []


def _self_names(scope: Scope) -> tuple[str, ...]:
    """The name of `self` (or `cls`) in a method's scope."""
    node = scope.node
    args = node.args
    first = (args.posonlyargs or args.args or [None])[0]
    if first is None:
        return ()
    for decorator in node.decorator_list:
        if type(decorator) is ast.Name and decorator.id == "staticmethod":
            return ()
    return (first.arg,)
