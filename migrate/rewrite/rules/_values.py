"""Where a value comes from: the literals, environment reads and settings an expression can evaluate to.

The rewrite decides what a client or a URL talks to from the values the code shows, so it follows them the
way a reader would, within one module:

    BASE = "https://openrouter.ai/api/v1"                 a module constant
    def make(url=BASE, key=os.getenv("OPENROUTER_KEY")):  a default parameter, an env read
        base = url if provider == "openrouter" else None  a conditional: both values
        cfg = PROVIDERS[provider]                         a dict literal: every entry (or the one named)
        return OpenAI(base_url=base, api_key=cfg["key"])

`values(expr)` returns every value the expression may take (an over-approximation: all assignments of a
name count, wherever they are in its scope); what it cannot follow is `Opaque`, with the name that may still
say something (`settings.groq_api_key`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider

from migrate.rewrite.rules import _walk as walk
from migrate.rewrite.rules._base import attr_chain, code, env_read, literal_str, statements_before


@dataclass(frozen=True)
class Lit:
    value: str
    partial: bool = False  # only the start of the string is known (an f-string, a concatenation)
    node: cst.CSTNode | None = field(default=None, compare=False)  # where the value is written


@dataclass(frozen=True)
class Env:
    var: str
    default: str | None = None
    node: cst.CSTNode | None = field(default=None, compare=False)  # the os.getenv(...) call


@dataclass(frozen=True)
class NoneValue:
    pass


@dataclass(frozen=True)
class Opaque:
    source: str  # the expression, as written
    hint: str | None = None  # the name that holds it: `groq_api_key` of settings.groq_api_key


@dataclass(frozen=True, eq=False)
class DictValue:
    node: cst.Dict | cst.Call  # a {...} literal or dict(...)

    def entries(self) -> list[tuple[str | None, cst.BaseExpression]]:
        if isinstance(self.node, cst.Dict):
            return [(literal_str(e.key), e.value) for e in self.node.elements if isinstance(e, cst.DictElement)]
        return [(a.keyword.value if a.keyword else None, a.value) for a in self.node.args if a.keyword is not None]


Value = Lit | Env | NoneValue | Opaque | DictValue
MAX_DEPTH = 8
MAX_VALUES = 16


class Flow:
    """Follows values through one module; `rule` gives the metadata (scopes, parents) of the tree it reads."""

    def __init__(self, rule) -> None:
        self.rule = rule
        self._scope_table = None
        self._classes: dict[int, tuple] = {}  # id(class) -> (it, its assignments: see _class_targets)

    @property
    def _scopes(self):
        # Resolved on first use: scope analysis costs about a parse-and-print, and many questions need none.
        if self._scope_table is None:
            self._scope_table = self.rule._meta(ScopeProvider)
        return self._scope_table

    def values(self, expr: cst.BaseExpression, depth: int = 0) -> list[Value]:
        out: list[Value] = []
        for value in self._values(expr, depth, set()):
            if not any(value == v and getattr(value, "node", None) is getattr(v, "node", None) for v in out):
                out.append(value)
            if len(out) >= MAX_VALUES:
                break
        return out

    def _values(self, expr, depth: int, seen: set[int]) -> list[Value]:
        if depth > MAX_DEPTH or id(expr) in seen:
            return [Opaque(_shown(expr))]
        seen = seen | {id(expr)}
        text = literal_str(expr)
        if text is not None:
            return [Lit(text, node=expr)]
        env = env_read(expr)
        if env is not None:
            return [Env(env[0], env[1] if env[1] is not None else self._default(expr, depth, seen), node=expr)]
        if isinstance(expr, cst.Name):
            if expr.value == "None":
                return [NoneValue()]
            return self._name(expr, depth, seen)
        if isinstance(expr, cst.FormattedString):
            return [_template(expr)]
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            lefts = self._values(expr.left, depth + 1, seen)
            out: list[Value] = []
            for left in lefts:
                if isinstance(left, Lit):
                    right = literal_str(expr.right)
                    out.append(Lit(left.value + right, left.partial) if right is not None else Lit(left.value, True))
                    # a concatenation is not one place to rewrite: node stays None
                else:
                    out.append(Opaque(_shown(expr), getattr(left, "hint", None)))
            return out
        if isinstance(expr, cst.IfExp):
            return self._values(expr.body, depth + 1, seen) + self._values(expr.orelse, depth + 1, seen)
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            left = [v for v in self._values(expr.left, depth + 1, seen) if not isinstance(v, NoneValue)]
            return left + self._values(expr.right, depth + 1, seen)
        if isinstance(expr, cst.Dict):
            return [DictValue(expr)]
        if isinstance(expr, cst.Call):
            return self._call(expr, depth, seen)
        if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
            return self._lookup(expr.value, expr.slice[0].slice.value, depth, seen, _shown(expr))
        if isinstance(expr, cst.Attribute):
            return self._attribute(expr, depth, seen)
        return [Opaque(_shown(expr))]

    # -- names, parameters, attributes ---------------------------------------------------------------------------
    def _name(self, name: cst.Name, depth: int, seen) -> list[Value]:
        referents = self.referents(name)
        if not referents:
            return [Opaque(name.value, name.value)]
        out: list[Value] = []
        for target in referents:
            out.extend(self._assigned(target, depth, seen) or [Opaque(name.value, name.value)])
        if any(isinstance(v, NoneValue) for v in out) and self._checked_not_none(name):
            out = [v for v in out if not isinstance(v, NoneValue)] or [Opaque(name.value, name.value)]
        return out

    def _checked_not_none(self, name: cst.Name) -> bool:
        """An earlier statement of the function leaves it when the name is empty: `if not url: raise ValueError(...)`
        (camel's open-source model): None does not reach this use."""
        return any(exits_when_none(stmt, name.value) for stmt in statements_before(name, self.rule.parent))

    def referents(self, name: cst.Name) -> list[cst.CSTNode]:
        """The nodes that bind what `name` refers to here (targets of assignments, parameters, imports)."""
        wrapper = self.rule.context.wrapper
        if wrapper is not None:
            # without scope analysis where that is certain (see _bindings.py)
            parents = self.rule.place(name)
            known = self.rule.state.bindings(wrapper.module).referents(name, parents) if parents else None
            if known is not None:
                return known
        scope = self._scopes.get(name)
        if scope is None:
            return []
        for access in scope.accesses[name.value]:
            if access.node is name:
                return [a.node for a in access.referents if isinstance(a, Assignment)]
        return []

    def _assigned(self, target: cst.CSTNode, depth: int, seen) -> list[Value]:
        """The values a binding target receives, [] when it is not a plain assignment."""
        value = self.assigned_expr(target)
        if value is not None:
            return self._values(value, depth + 1, seen)
        if isinstance(target, cst.Param):
            name = target.name.value
            if target.default is None:
                return [Opaque(f"parameter {name}", name)]
            defaults = self._values(target.default, depth + 1, seen)
            # None as a default means "the caller says": the function's own intent is unknown.
            return [Opaque(f"parameter {name}", name) if isinstance(v, NoneValue) else v for v in defaults]
        return []

    def assigned_expr(self, target: cst.CSTNode) -> cst.BaseExpression | None:
        """`x = <expr>` / `x: T = <expr>` / `x := <expr>` -> expr for the target node x; None otherwise."""
        parent = self.rule.parent(target)
        if isinstance(parent, cst.AssignTarget) and parent.target is target:
            assign = self.rule.parent(parent)
            return assign.value if isinstance(assign, cst.Assign) else None
        if isinstance(parent, cst.AnnAssign) and parent.target is target:
            return parent.value
        if isinstance(parent, cst.NamedExpr) and parent.target is target:
            return parent.value
        return None

    def _attribute(self, expr: cst.Attribute, depth: int, seen) -> list[Value]:
        if isinstance(expr.value, cst.Name) and expr.value.value in ("self", "cls"):
            found = [self._field(expr, v, depth, seen) for v in self.class_assignments(expr)]
            if found:
                return [v for vs in found for v in vs]
        return [Opaque(_shown(expr), expr.attr.value)]

    def _field(self, expr: cst.Attribute, value: cst.BaseExpression, depth: int, seen) -> list[Value]:
        """A class attribute declared as a field (`base_url: str = field(default=None)`, attrs, dataclasses,
        pydantic): whatever the constructor is given, so the attribute itself is what the code shows."""
        if isinstance(value, cst.Call) and (attr_chain(value.func) or [""])[-1] in FIELD_FUNCTIONS:
            return [Opaque(_shown(expr), expr.attr.value)]
        return self._values(value, depth + 1, seen)

    def class_assignments(self, expr: cst.Attribute) -> list[cst.BaseExpression]:
        """The values assigned to `self.X` (in any method) or `X` (in the class body) of the enclosing class."""
        klass = self.enclosing(expr, cst.ClassDef)
        if klass is None:
            return []
        attr = expr.attr.value
        return [value for target, value, in_body in self._class_targets(klass) if _is_attr(target, attr, in_body)]

    def _class_targets(self, klass: cst.ClassDef) -> list[tuple[cst.BaseExpression, cst.BaseExpression, bool]]:
        """Every (target, value, in the class body itself) assignment of the class, nested classes aside: walked
        once per class, whatever attribute is asked about."""
        known = self._classes.get(id(klass))
        if known is not None and known[0] is klass:
            return known[1]
        found: list[tuple[cst.BaseExpression, cst.BaseExpression, bool]] = []

        class Collect(cst.CSTVisitor):
            functions = 0  # a bare name is a class attribute only in the class body itself

            def visit_ClassDef(self, node: cst.ClassDef) -> bool:
                return node is klass  # a nested class has its own attributes

            def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
                self.functions += 1

            def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
                self.functions -= 1

            def visit_Assign(self, node: cst.Assign) -> None:
                for t in node.targets:
                    found.append((t.target, node.value, self.functions == 0))

            def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
                if node.value is not None:
                    found.append((node.target, node.value, self.functions == 0))

        walk.visit(klass, Collect())
        self._classes[id(klass)] = (klass, found)
        return found

    def enclosing(self, node: cst.CSTNode, kind: type) -> cst.CSTNode | None:
        current = self.rule.parent(node)
        while current is not None and not isinstance(current, kind):
            current = self.rule.parent(current)
        return current

    # -- calls and lookups -------------------------------------------------------------------------------------
    def _default(self, call: cst.CSTNode, depth: int, seen) -> str | None:
        """The literal default of os.getenv("X", DEFAULT) when DEFAULT is a name bound to a literal."""
        if isinstance(call, cst.Call) and len(call.args) == 2:
            lits = [v for v in self._values(call.args[1].value, depth + 1, seen) if isinstance(v, Lit)]
            return lits[0].value if len(lits) == 1 else None
        return None

    def _call(self, call: cst.Call, depth: int, seen) -> list[Value]:
        func = call.func
        if isinstance(func, cst.Name) and func.value == "dict" and all(a.keyword for a in call.args):
            return [DictValue(call)]
        if isinstance(func, cst.Attribute) and func.attr.value == "get" and call.args and not call.args[0].keyword:
            found = self._lookup(func.value, call.args[0].value, depth, seen, _shown(call))
            if len(call.args) > 1:
                found = [v for v in found if not isinstance(v, NoneValue)] + self._values(call.args[1].value, depth + 1, seen)
            return found
        if isinstance(func, cst.Name) and func.value == "str" and len(call.args) == 1:
            return self._values(call.args[0].value, depth + 1, seen)
        return [Opaque(_shown(call))]

    def _lookup(self, container, key, depth: int, seen, source: str) -> list[Value]:
        wanted = literal_str(key)
        out: list[Value] = []
        for base in self._values(container, depth + 1, seen):
            if not isinstance(base, DictValue):
                hint = wanted if wanted and wanted.isidentifier() else getattr(base, "hint", None)
                out.append(Opaque(source, hint))
                continue
            entries = base.entries()
            hits = [v for k, v in entries if wanted is None or k == wanted]
            if not hits:
                out.append(NoneValue() if wanted is not None else Opaque(source))
            for hit in hits:
                out.extend(self._values(hit, depth + 1, seen))
        return out


FIELD_FUNCTIONS = frozenset({"field", "Field", "ib", "attrib"})  # attrs, dataclasses, pydantic: a declared field


def _shown(node: cst.CSTNode) -> str:
    """The source of an expression as a message quotes it: without its outer parentheses."""
    if getattr(node, "lpar", None):
        node = node.with_changes(lpar=(), rpar=())
    return code(node)


def exits_when_none(stmt: cst.CSTNode, name: str) -> bool:
    """`if not name: raise ...` / `if name is None: return ...`, with no else."""
    if not isinstance(stmt, cst.If) or stmt.orelse is not None:
        return False
    test = stmt.test
    tests_it = (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)
                and isinstance(test.expression, cst.Name) and test.expression.value == name) or (
        isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name) and test.left.value == name
        and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, (cst.Is, cst.Equal))
        and isinstance(test.comparisons[0].comparator, cst.Name) and test.comparisons[0].comparator.value == "None")
    if not tests_it:
        return False
    lines = stmt.body.body if isinstance(stmt.body, cst.IndentedBlock) else [stmt.body]
    last = lines[-1] if lines else None
    smalls = last.body if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else ()
    return any(isinstance(small, (cst.Raise, cst.Return)) for small in smalls)


def _template(node: cst.FormattedString) -> Value:
    """What an f-string URL shows: its host when the host is written out (`https://{res}.openai.azure.com/...`
    counts: only a subdomain is filled in), else Opaque."""
    from urllib.parse import urlsplit

    hole = "\x00"
    text = "".join(p.value if isinstance(p, cst.FormattedStringText) else hole for p in node.parts)
    if "://" not in text.split(hole, 1)[0]:
        return Opaque(_shown(node))
    try:
        parts = urlsplit(text)
    except ValueError:
        return Opaque(_shown(node))
    host = parts.netloc.rsplit("@", 1)[-1].rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    if hole not in parts.netloc:
        return Lit(text.split(hole, 1)[0] if hole in text else text, partial=True)
    if hole not in host:  # only the port is filled in
        return Lit(f"{parts.scheme}://{host}", partial=True)
    first, _, rest = host.partition(".")
    if first == hole and hole not in rest and "." in rest:
        return Lit(f"{parts.scheme}://x.{rest}", partial=True)
    return Opaque(_shown(node))


def _is_attr(node: cst.CSTNode, attr: str, class_body: bool) -> bool:
    if isinstance(node, cst.Name):
        return class_body and node.value == attr
    return (isinstance(node, cst.Attribute) and node.attr.value == attr and isinstance(node.value, cst.Name)
            and node.value.value in ("self", "cls"))
