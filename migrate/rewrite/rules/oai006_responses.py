"""OAI006 response-attributes: dict-style access on SDK responses becomes attribute access.

0.x responses were dicts (OpenAIObject); current ones are pydantic models, where `r["choices"]` raises
TypeError. Only expressions known to be responses change: the result of an SDK call (client.chat.completions
.create(...), awaited or not), names assigned from one in the same function, anything reached from those by
indexing or attributes, and loop variables over them (stream chunks, choices).

    r["choices"][0]["message"]["content"]    ->  r.choices[0].message.content
    chunk["choices"][0]["delta"].get("content", "")  ->  chunk.choices[0].delta.content or ""
    "content" in delta                       ->  delta.content is not None
    r.to_dict_recursive()                    ->  r.model_dump()

The same access on a name the rule cannot trace to a call (a function parameter, say) is left for review:
it might be a plain dict from `requests`, where attribute access would break.
"""

from __future__ import annotations

import re

import libcst as cst

from migrate.rewrite.rules._base import (
    RuleTransformer,
    endpoint_of,
    literal_str,
    needs_parens,
)

# Keys that, indexed in this shape, are very likely a response (used only to leave review notes).
_TELLTALE = {"choices", "usage", "embedding"}
_FALSY = (cst.SimpleString, cst.Integer, cst.Float, cst.Name, cst.List, cst.Dict, cst.Tuple)


_CALL = re.compile(r"\.(?:create|parse|generate|edit|create_variation)\s*\(")
_ACCESS = re.compile(r"""\[\s*["'][A-Za-z_]\w*["']\s*\]|\.get\(\s*["']|\bin\s+\w|to_dict""")


def wanted(source: str, state) -> bool:
    return bool(_CALL.search(source)) and bool(_ACCESS.search(source))


def _is_response_call(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Await):
        node = node.expression
    return isinstance(node, cst.Call) and endpoint_of(node) is not None


class _Scopes(cst.CSTVisitor):
    """Which names hold responses, per function: assignments and loop targets, to a fixpoint."""

    def __init__(self) -> None:
        self.stack: list[int] = [0]
        self.flows: dict[int, list[tuple[str, cst.BaseExpression]]] = {0: []}
        self.assigned: dict[int, set[str]] = {0: set()}

    def _scope_push(self, node) -> None:
        self.stack.append(id(node))
        self.flows[id(node)] = []
        self.assigned[id(node)] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scope_push(node)
        for p in [*node.params.params, *node.params.kwonly_params, *node.params.posonly_params]:
            self.assigned[id(node)].add(p.name.value)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.pop()

    def _flow(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.assigned[self.stack[-1]].add(target.value)
            self.flows[self.stack[-1]].append((target.value, value))

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._flow(t.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._flow(node.target, node.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._flow(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._flow(node.target, cst.Subscript(node.iter, [cst.SubscriptElement(cst.Index(cst.Integer("0")))]))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._flow(node.target, cst.Subscript(node.iter, [cst.SubscriptElement(cst.Index(cst.Integer("0")))]))

    def known(self) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {k: set() for k in self.flows}
        bad: dict[int, set[str]] = {k: set() for k in self.flows}
        changed = True
        while changed:
            changed = False
            for scope, flows in self.flows.items():
                for name, value in flows:
                    if isinstance(value, cst.Name) and value.value == "None":
                        continue
                    if self.rooted(value, scope, out):
                        if name not in out[scope] and name not in bad[scope]:
                            out[scope].add(name)
                            changed = True
                    elif name not in bad[scope]:
                        bad[scope].add(name)
                        out[scope].discard(name)
                        changed = True
        return out

    def rooted(self, node: cst.CSTNode, scope: int, known: dict[int, set[str]]) -> bool:
        while True:
            if _is_response_call(node):
                return True
            if isinstance(node, (cst.Subscript, cst.Attribute)):
                node = node.value
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get":
                node = node.func.value
            elif isinstance(node, cst.Await):
                node = node.expression
            elif isinstance(node, cst.Name):
                return self.lookup(node.value, scope, known)
            else:
                return False

    def lookup(self, name: str, scope: int, known: dict[int, set[str]]) -> bool:
        if name in known.get(scope, ()):
            return True
        return scope != 0 and name not in self.assigned.get(scope, ()) and name in known.get(0, ())


class Transformer(RuleTransformer):
    RULE_ID = "OAI006"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.scopes = _Scopes()
        self.known: dict[int, set[str]] = {}
        self.stack: list[int] = [0]

    def visit_Module(self, node: cst.Module) -> None:
        node.visit(self.scopes)
        self.known = self.scopes.known()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.append(id(node))

    def leave_FunctionDef(self, original, updated):
        self.stack.pop()
        return updated

    def _is_known(self, node: cst.CSTNode) -> bool:
        return self.scopes.rooted(node, self.stack[-1], self.known)

    # r["choices"]  ->  r.choices
    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        key = _string_key(original)
        if key is None:
            return updated
        if self._is_known(original.value):
            self.edited()
            return cst.Attribute(value=updated.value, attr=cst.Name(key), lpar=updated.lpar, rpar=updated.rpar)
        if key in _TELLTALE and self._looks_like_response(original.value):
            self.review(original, f'["{key}"] looks like dict-style access on an SDK response: current responses are '
                                  f"objects (use .{key}) unless this is a plain dict", comment=False)
        return updated

    # r.get("usage")  ->  r.usage ;  d.get("content", "")  ->  d.content or ""
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not isinstance(func, cst.Attribute):
            return updated
        method = func.attr.value
        if method in ("to_dict", "to_dict_recursive") and not original.args and self._is_known(func.value):
            self.edited()
            return updated.with_changes(func=updated.func.with_changes(attr=cst.Name("model_dump")))
        if method != "get" or not (1 <= len(original.args) <= 2) or any(a.keyword or a.star for a in original.args):
            return updated
        key = literal_str(original.args[0].value)
        if key is None or not key.isidentifier() or not self._is_known(func.value):
            return updated
        receiver = updated.func.value
        attr = cst.Attribute(value=receiver, attr=cst.Name(key))
        self.edited()
        if len(original.args) == 1 or _is_none(original.args[1].value):
            return attr.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        default = updated.args[1].value
        if _falsy_literal(original.args[1].value):
            new: cst.BaseExpression = cst.BooleanOperation(left=attr, operator=cst.Or(), right=default)
        else:
            new = cst.IfExp(
                test=cst.Comparison(attr, [cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))]),
                body=attr,
                orelse=default,
            )
        if updated.lpar or needs_parens(self.parent(original)):
            new = new.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return new

    # "content" in delta  ->  delta.content is not None
    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison):
        if len(original.comparisons) != 1:
            return updated
        op = original.comparisons[0].operator
        if not isinstance(op, (cst.In, cst.NotIn)):
            return updated
        key = literal_str(original.left)
        if key is None or not key.isidentifier() or not self._is_known(original.comparisons[0].comparator):
            return updated
        self.edited()
        attr = cst.Attribute(value=updated.comparisons[0].comparator, attr=cst.Name(key))
        operator = cst.IsNot() if isinstance(op, cst.In) else cst.Is()
        return cst.Comparison(attr, [cst.ComparisonTarget(operator, cst.Name("None"))], lpar=updated.lpar,
                              rpar=updated.rpar)

    def _looks_like_response(self, node: cst.CSTNode) -> bool:
        # A name indexed like a response, that the rule could not trace to a call: worth a human's look only when
        # the module talks to the SDK (the rule runs only there).
        return isinstance(node, (cst.Name, cst.Attribute))


def _string_key(node: cst.Subscript) -> str | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    key = literal_str(node.slice[0].slice.value)
    return key if key is not None and key.isidentifier() else None


def _is_none(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _falsy_literal(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.SimpleString):
        return literal_str(node) == ""
    if isinstance(node, (cst.Integer, cst.Float)):
        try:
            return float(node.evaluated_value) == 0
        except (TypeError, ValueError):
            return False
    if isinstance(node, cst.Name):
        return node.value == "False"
    if isinstance(node, (cst.List, cst.Dict, cst.Tuple)):
        return not node.elements
    return False
