"""OAI006 response-attributes: dict-style access on SDK responses becomes attribute access.

0.x responses were dicts (OpenAIObject); current ones are pydantic models, where `r["choices"]` raises
TypeError. Only expressions known to be responses change: the result of an SDK call (client.chat.completions
.create(...), awaited or not), names assigned from one in the same function, anything reached from those by
indexing or attributes, and loop variables over them (stream chunks, choices).

    r["choices"][0]["message"]["content"]    ->  r.choices[0].message.content
    chunk["choices"][0]["delta"].get("content", "")  ->  chunk.choices[0].delta.content or ""
    "content" in delta                       ->  delta.content is not None
    "text" in choice                         ->  getattr(choice, "text", None) is not None   (a field that only one
                                                 kind of choice declares: the test is of the kind)
    r.to_dict_recursive()                    ->  r.model_dump()
    chunk["choices"][0].get("delta", {}).get("content")  ->  chunk.choices[0].delta.content

Responses are followed across functions and modules (migrate/rewrite/flow.py, a repo-wide first phase with
`ast`): a function returns a response when every value it returns or yields that is not None is one, and a
parameter receives one when every call of its function in the tree passes one (a class's `__init__`, when every
`Reply(...)` does; some but not all: its dict accesses get a note). So `ask()["choices"]` in
another module (`from .llm import ask`, `import app.llm as llm`), even one that never imports openai, is
converted, and so is `first(r)["message"]` when `first` returns part of a response; a module that a response
is passed into (`Message(r["choices"][0]["message"])`, `Message` imported from it) is read for that, openai or not. Fields that hold strings
or numbers (`content`, `text`, `arguments`, ..., checked against the SDK) end a chain: `"sorry" in text`
stays as it is. Lists of responses are followed too (`chunks.append(chunk)`, `sorted(data, key=lambda d:
d["index"])`), and a name that is reused for a string after its response was read (`response = ""`) is
still converted where it is indexed. A parameter that receives responses but is annotated as a dict gets a
note: the annotation no longer holds.

Where the current SDK types a value differently from what the code relied on, the conversion keeps the 0.x
value and makes the type say so (found by type-checking rewrites of real code, benchmarks/typecheck.py):

    return r["choices"][0]["message"]["content"]      (in a `-> str` function; also `x in ...`, `.strip()`,
                                                       json.loads(...))
                                             ->  return cast(str, r.choices[0].message.content)
    isinstance(chunk, dict)                  ->  isinstance(chunk, ChatCompletionChunk)   (openai.BaseModel where
                                                 the rule cannot tell which response class it is)
    r: dict = client.chat.completions.create(...)  ->  r = client.chat.completions.create(...)   (a local name)
    messages.append(message)                 ->  messages.append(message.model_dump(exclude_unset=True))

`content` (and `refusal`, a job's `fine_tuned_model`) is `str | None` now, and was null in the same cases under
0.x: the cast (typing.cast) changes no value. 0.x responses were dicts, so `isinstance(r, dict)` held for every
one and now holds for none; the response class (or openai.BaseModel) holds for every current one. A local's annotation is never evaluated,
so dropping a dict annotation changes nothing at run time; a module-level one (kept in `__annotations__`) gets a
note instead. A response appended to a list the code fills with dicts was a dict: model_dump(exclude_unset=True)
is that dict, with the fields the server sent (what the SDK itself sends when handed the object). A string field
tested against an Enum class of the module (`model.id in ChatModel`) gets a note: that raises TypeError before
Python 3.12, under 0.x too; the SDK's types only make it visible.

0.x response objects also carried attributes that were not fields the server sent (`response_ms`,
`organization`, `api_key`, `engine`, ...; the catalog's LEGACY_RESPONSE_ATTRIBUTES): on a current response each
raises AttributeError, and gets a note saying where the value is now. `r.openai_id` was the `id` field: it
becomes `r.id`.

Where only some values are responses (a cache that returns dicts on one path), each dict access gets a
`# migrate:` note instead of an edit, and so do uses that cannot be converted on a response object:
`json.dumps(r)`, `dict(r)`, `r.items()`, `r.get(key)` with a computed key, a key that is not an identifier.

The same access on a name the rule cannot trace to a call at all (a parameter of a function nobody in the
tree calls, say) gets a note but no edit: it might be a plain dict, where attribute access would break. A
name that only ever holds dicts the code built or decoded (`requests.post(...).json()`) gets neither.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrate.catalog.facts import LEGACY_RESPONSE_ATTRIBUTES
from migrate.rewrite import flow
from migrate.rewrite.rules import _walk as walk
from migrate.rewrite.rules._prune import words_pattern
from migrate.rewrite.rules._base import (
    RuleTransformer,
    attr_chain,
    attr_tail,
    endpoint_of,
    get_arg,
    literal_str,
    needs_parens,
    openai_alias,
    statements_before,
)

# Keys that, indexed in this shape, are very likely a response (used only to leave review notes).
_TELLTALE = {"choices", "usage", "embedding"}
_DICT_METHODS = frozenset({"get", "keys", "items", "values", "update", "setdefault", "pop", "copy"})
_DICT_CONSUMERS = frozenset({"json.dumps", "json.dump", "dict"})


_CALL = re.compile(r"\.(?:create|parse|generate|edit|create_variation|list|retrieve|delete|content|stream)\s*\(")
_ACCESS = re.compile(r"""\[\s*["'][A-Za-z_]\w*["']\s*\]|\.get\(\s*["']|\bin\s+\w|to_dict|dict\(|json\.dumps?\(|GeneratorType|"""
                     r"""isgenerator|isasyncgen|Generator\b|\.(?:%s)\b"""
                     % "|".join(sorted(LEGACY_RESPONSE_ATTRIBUTES)))


def wanted(source: str, state) -> bool:
    # `state.flow`: the plan found responses that reach this file from another module
    return bool(_ACCESS.search(source)) and (bool(_CALL.search(source)) or bool(state.flow))


def _is_response_call(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Await):
        node = node.expression
    if not isinstance(node, cst.Call):
        return False
    tail = attr_tail(node.func)
    receiver = node.func
    while isinstance(receiver, cst.Attribute):
        receiver = receiver.value
    if tail and not isinstance(receiver, cst.Name):
        tail = ["", *tail]  # a receiver that is not a name (`openai.OpenAI(...).embeddings.create`), as flow._tail
    return flow.is_response_tail(tail)


def response_scopes(state, module: cst.Module) -> tuple[_Scopes, dict[int, dict[str, str]]]:
    """The _Scopes analysis of `module` and what it knows (see _Scopes.known), shared by the rules that read it."""

    def analyse(module: cst.Module) -> tuple[_Scopes, dict[int, dict[str, str]]]:
        scopes = _Scopes(flow.facts_for(state, module))
        # code that runs only on openai<1 assigns nothing the rules' code reads on openai>=1 (as in phase one)
        walk.visit(module, scopes, skip=state.legacy_only(module))
        return scopes, scopes.known()

    return state.shared("response scopes", module, analyse)


class _Scopes(cst.CSTVisitor):
    """Which names hold responses, per function: assignments, loop targets and parameters, to a fixpoint.

    Calls of functions that return responses, and parameters that receive them, come from `facts` (see
    migrate/rewrite/flow.py: this module, and the other modules of the tree when the plan knows them).
    """

    def __init__(self, facts: flow.FileFacts | None = None) -> None:
        self.facts = facts or flow.FileFacts()
        self.stack: list[int] = [0]
        self.flows: dict[int, list[tuple[str, cst.BaseExpression | None]]] = {0: []}
        self.assigned: dict[int, set[str]] = {0: set()}
        self.params: dict[int, dict[str, str]] = {0: {}}
        self.methods: dict[int, tuple[str, str]] = {}  # method scope -> (class name, name of self)
        self.classes: list[str | None] = []
        # `messages.append(message)` on a list the code fills with dicts: the transformer dumps a response appended
        # there to a dict (model_dump), so such an append adds no response to the list
        self.dict_lists: dict[int, set[str]] = {0: set()}
        self.dumped: set[int] = set()
        self.dict_params: dict[int, set[str]] = {}  # scope -> parameters annotated as dicts (`response: Dict[str, Any]`)
        # scope -> function name -> id(function): the functions a scope defines, for calls of ones that only ever
        # return dicts (outlines: `return response.model_dump()`, see dict_function)
        self.defined: dict[int, dict[str, int]] = {0: {}}
        self._returns: dict[int, list] = {}  # id(function) -> the values its returns give
        self._generators: set[int] = set()  # id(function) of the ones that yield
        self.enclosing: dict[int, int] = {}  # function scope -> the scope its body reads free names from

    def binder(self, name: str, scope: int) -> int:
        """The scope whose binding of `name` code in `scope` reads: its own when it assigns the name, else that of
        the function around it that does (a closure: chainlit's `async def create_event_stream()` reads `response`
        of the function that defines it), else the module."""
        while scope != 0 and name not in self.assigned.get(scope, ()):
            scope = self.enclosing.get(scope, 0)
        return scope

    def _scope_push(self, node) -> None:
        self.enclosing[id(node)] = self.stack[-1]
        self.stack.append(id(node))
        self.flows[id(node)] = []
        self.assigned[id(node)] = set()
        self.params[id(node)] = {}
        self.dict_lists[id(node)] = set()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node.name.value if len(self.stack) == 1 and not self.classes else None)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        outer = len(self.stack) == 1
        self.defined.setdefault(self.stack[-1], {})[node.name.value] = id(node)
        self._returns[id(node)] = []
        self._scope_push(node)
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        for p in params:
            self.assigned[id(node)].add(p.name.value)
        self.dict_params[id(node)] = {p.name.value for p in params
                                      if p.annotation is not None and _is_dict_type(p.annotation.annotation)}
        for star in (node.params.star_arg, node.params.star_kwarg):
            if isinstance(star, cst.Param):
                self.assigned[id(node)].add(star.name.value)
        klass = self.classes[-1] if self.classes and len(self.classes) == 1 else None
        if outer and (klass or not self.classes):
            qualname = f"{klass}.{node.name.value}" if klass else node.name.value
            self.params[id(node)] = dict(self.facts.params.get(qualname, {}))
            if klass and params:
                self.methods[id(node)] = (klass, params[0].name.value)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.pop()

    def visit_Return(self, node: cst.Return) -> None:
        returns = self._returns.get(self.stack[-1])
        if returns is not None:
            returns.append(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        self._generators.add(self.stack[-1])  # a generator: its calls return no dict

    def dict_function(self, call: cst.BaseExpression, scope: int) -> bool:
        """`call` (awaited or not) calls a function of this scope or the module, by name, whose every return gives a
        dict the code builds or decodes (and that yields nothing)."""
        if isinstance(call, cst.Await):
            call = call.expression
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name)):
            return False
        name = call.func.value
        for where in (scope, 0):
            function = self.defined.get(where, {}).get(name)
            if function is not None:
                returns = self._returns[function]
                return function not in self._generators and bool(returns) and all(map(_decoded_dict, returns))
        return False

    def _flow(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self.assigned[self.stack[-1]].add(target.value)
            self.flows[self.stack[-1]].append((target.value, value))
            if isinstance(value, cst.List) and any(
                    isinstance(e, cst.Element) and isinstance(e.value, cst.Dict) for e in value.elements):
                self.dict_lists[self.stack[-1]].add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                inner = element.value.value if isinstance(element, cst.StarredElement) else element.value
                self._flow(inner, None)  # unpacking: not followed

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._flow(t.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._flow(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._flow(node.target, node)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._flow(node.target, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and node.args
                and func.attr.value in ("append", "extend")):
            # chunks.append(chunk): a list of responses, followed as a list literal
            item = node.args[-1].value
            if func.attr.value == "append":
                scope = self.binder(func.value.value, self.stack[-1])
                wrapped = cst.List([cst.Element(item)])
                if func.value.value in self.dict_lists.get(scope, ()):
                    self.dumped.add(id(wrapped))
                self._flow(func.value, wrapped)
            else:
                self._flow(func.value, item)
        elif isinstance(func, cst.Name) and func.value in flow.KEYED and node.args:
            for arg in node.args:  # sorted(data, key=lambda d: d["index"]): d is an item of data
                if (arg.keyword is not None and arg.keyword.value == "key" and isinstance(arg.value, cst.Lambda)
                        and arg.value.params.params):
                    self._flow(arg.value.params.params[0].name, _element(node.args[0].value))

    def _loop(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        if (isinstance(target, cst.Tuple) and len(target.elements) == 2 and isinstance(iterable, cst.Call)
                and isinstance(iterable.func, cst.Name) and iterable.func.value == "enumerate" and iterable.args):
            self._flow(target.elements[0].value, None)
            self._flow(target.elements[1].value, _element(iterable.args[0].value))
            return
        self._flow(target, _element(iterable))

    def visit_For(self, node: cst.For) -> None:
        self._loop(node.target, node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._loop(node.target, node.iter)

    def known(self) -> dict[int, dict[str, str]]:
        """scope -> name -> flow.CERTAIN (every value assigned is a response) or flow.MAYBE (some are).

        None, an empty list and strings or numbers (`response = ""` after the response was read) are left out:
        they say nothing about a name indexed with a string key. `self.scalars` keeps the names that had one.
        """
        out: dict[int, dict[str, str]] = {k: dict(self.params.get(k, {})) for k in self.flows}
        self.scalars: dict[int, set[str]] = {k: set() for k in self.flows}
        changed = True
        while changed:
            changed = False
            for scope, flows in self.flows.items():
                by_name: dict[str, list[str | None]] = {}
                for name, value in flows:
                    if isinstance(value, cst.Name) and value.value == "None" or (
                            isinstance(value, cst.List) and not value.elements):
                        continue  # a start value that says nothing about what the name will hold
                    if value is not None and self.scalar(value, scope, out):
                        self.scalars[scope].add(name)
                        continue
                    if value is not None and _root(value) == name:
                        continue  # data = sorted(data, ...): keeps what data held
                    if id(value) in self.dumped and self.kind(value.elements[0].value, scope, out) == flow.CERTAIN:
                        continue  # a response appended to a list of dicts: dumped to a dict (Transformer._append)
                    by_name.setdefault(name, []).append(None if value is None else self.kind(value, scope, out))
                for name, kinds in by_name.items():
                    if name in self.params.get(scope, {}):
                        kinds.append(self.params[scope][name])
                    new = flow.combine(kinds)
                    if out[scope].get(name) != new:
                        if new is None:
                            out[scope].pop(name, None)
                        else:
                            out[scope][name] = new
                        changed = True
        return out

    def scalar(self, node: cst.CSTNode, scope: int, known) -> bool:
        """A string or a number: a literal, or a scalar field read from a response."""
        if isinstance(node, cst.AugAssign):
            return self.scalar(node.value, scope, known)
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float)):
            return True
        if isinstance(node, cst.BinaryOperation):
            return self.scalar(node.left, scope, known) or self.scalar(node.right, scope, known)
        if (isinstance(node, cst.Subscript) and _literal_key(node) in flow.SCALAR_FIELDS
                or isinstance(node, cst.Attribute) and node.attr.value in flow.SCALAR_FIELDS):
            return self.kind(node.value, scope, known) is not None
        return False

    def plain_dict(self, node: cst.CSTNode, scope: int, depth: int = 0) -> bool:
        """`node` is a name that only ever holds dicts the code built or decoded (`requests.post(...).json()`), or
        parts of one (`data = resp["data"]`)."""
        if not isinstance(node, cst.Name) or depth > 4:
            return False
        scope = self.binder(node.value, scope)
        values = [v for name, v in self.flows.get(scope, ()) if name == node.value]
        # `for d in d["data"]`: a value read out of the name's own earlier value is plain when every other one is
        own = [v for v in values if isinstance(v, (cst.Subscript, cst.Attribute, cst.Call)) and _root(v) == node.value]
        others = [v for v in values if not any(v is o for o in own)]
        return bool(others) and all(_decoded_dict(v) or self.dict_function(v, scope) or (
            isinstance(v, (cst.Subscript, cst.Attribute, cst.Call)) and (root := _root(v)) is not None
            and root != node.value and self.plain_dict(cst.Name(root), scope, depth + 1)) for v in others)

    def annotated_dict(self, node: cst.CSTNode, scope: int) -> bool:
        """`node` is a parameter the code annotates as a dict (`response: Dict[str, Any]`) and never reassigns."""
        return (isinstance(node, cst.Name) and node.value in self.dict_params.get(scope, ())
                and not any(name == node.value for name, _ in self.flows.get(scope, ())))

    def had_scalar(self, node: cst.CSTNode, scope: int) -> bool:
        """`node` is a name that also held a string or number on some path."""
        if not isinstance(node, cst.Name):
            return False
        scalars = getattr(self, "scalars", {})
        if node.value in scalars.get(scope, ()):
            return True
        binder = self.binder(node.value, scope)
        return binder != scope and node.value in scalars.get(binder, ())

    def rooted(self, node: cst.CSTNode, scope: int, known) -> bool:
        """`node` is certainly (part of) a response."""
        return self.kind(node, scope, known) == flow.CERTAIN

    def kind(self, node: cst.CSTNode, scope: int, known) -> str | None:
        """flow.CERTAIN / flow.MAYBE when `node` is (part of) a response object, None when it is not one."""
        result = flow.CERTAIN
        while True:
            if _is_response_call(node):
                return result
            if isinstance(node, cst.Subscript):
                if _literal_key(node) in flow.SCALAR_FIELDS:
                    return None
                node = node.value
            elif isinstance(node, cst.Attribute):
                if node.attr.value in flow.SCALAR_FIELDS:
                    return None
                node = node.value
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get":
                if node.args and literal_str(node.args[0].value) in flow.SCALAR_FIELDS:
                    return None
                node = node.func.value
            elif (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in flow.SAME_ITEMS
                  and len(node.args) > flow.SAME_ITEMS[node.func.value]):
                node = node.args[flow.SAME_ITEMS[node.func.value]].value  # sorted(page.data) holds page.data's items
            elif isinstance(node, cst.Call):
                reference = self.reference(node.func, scope)
                found = self.facts.functions.get(reference) if reference else None
                return None if found is None else flow.weaker(result, found)
            elif isinstance(node, cst.Await):
                node = node.expression
            elif isinstance(node, cst.Name):
                found = self.lookup(node.value, scope, known)
                return None if found is None else flow.weaker(result, found)
            elif isinstance(node, (cst.List, cst.Tuple)) and node.elements:  # a list of responses
                found = flow.combine([None if isinstance(e, cst.StarredElement) else self.kind(e.value, scope, known)
                                      for e in node.elements])
                return None if found is None else flow.weaker(result, found)
            elif isinstance(node, (cst.ListComp, cst.GeneratorExp)):
                node = node.elt
            else:
                return None

    def lookup(self, name: str, scope: int, known) -> str | None:
        if name in known.get(scope, ()):
            return known[scope][name]
        return known.get(self.binder(name, scope), {}).get(name)

    def reference(self, func: cst.BaseExpression, scope: int) -> str | None:
        """How the facts name the function a call calls ("ask", "llm.ask", "Bot.ask" for self.ask in Bot)."""
        chain = attr_chain(func)
        if not chain:
            return None
        method = self.methods.get(scope)
        if method is not None and len(chain) == 2 and chain[0] == method[1]:
            return f"{method[0]}.{chain[1]}"
        if self.binder(chain[0], scope) != 0:
            return None  # a method of a local value
        return ".".join(chain)


def _decoded_dict(node: cst.CSTNode | None) -> bool:
    if isinstance(node, (cst.Dict, cst.DictComp)):
        return True
    if isinstance(node, cst.Call):
        name = ".".join(attr_chain(node.func) or ())
        return name in ("json.loads", "json.load", "dict") or isinstance(node.func, cst.Attribute) and (
            node.func.attr.value in _DUMPS)
    return False


# methods that give a plain dict: `requests.post(...).json()`, pydantic's `model_dump()` / `dict()`, `to_dict()`
_DUMPS = frozenset({"json", "model_dump", "dict", "to_dict", "to_dict_recursive"})


def _normalizes(stmt: cst.CSTNode, name: str) -> bool:
    """`if not isinstance(name, dict): name = name.model_dump()` (or .dict(), dict(name), ...): a dict after it."""
    if not (isinstance(stmt, cst.If) and stmt.orelse is None and isinstance(stmt.test, cst.UnaryOperation)
            and isinstance(stmt.test.operator, cst.Not) and isinstance(stmt.test.expression, cst.Call)):
        return False
    test = stmt.test.expression
    if not (isinstance(test.func, cst.Name) and test.func.value == "isinstance" and len(test.args) == 2
            and isinstance(test.args[0].value, cst.Name) and test.args[0].value.value == name
            and "dict" in _code(test.args[1].value)):
        return False
    lines = stmt.body.body if isinstance(stmt.body, cst.IndentedBlock) else [stmt.body]
    return any(isinstance(line, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
        and small.targets[0].target.value == name and _decoded_dict(small.value) for small in line.body)
        for line in lines)


def _root(node: cst.CSTNode) -> str | None:
    """The name an expression reads through: `sorted(data, key=...)` -> "data"."""
    while True:
        if isinstance(node, (cst.Subscript, cst.Attribute)):
            node = node.value
        elif isinstance(node, cst.Await):
            node = node.expression
        elif (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
              and len(node.args) > flow.SAME_ITEMS.get(node.func.value, 99)):
            node = node.args[flow.SAME_ITEMS[node.func.value]].value
        elif isinstance(node, cst.Name):
            return node.value
        else:
            return None


def _element(iterable: cst.BaseExpression) -> cst.Subscript:
    """What a loop over `iterable` binds: followed as `iterable[0]`."""
    return cst.Subscript(iterable, [cst.SubscriptElement(cst.Index(cst.Integer("0")))])


def _literal_key(node: cst.Subscript) -> str | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return literal_str(node.slice[0].slice.value)


class Transformer(RuleTransformer):
    RULE_ID = "OAI006"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.scopes = _Scopes()
        self.known: dict[int, dict[str, str]] = {}
        self.stack: list[int] = [0]
        self.returns: list[cst.Annotation | None] = [None]  # the enclosing functions' return annotations
        self.enums: set[str] = set()
        self.openai, self.imports_openai = "openai", False
        self.tree: cst.Module | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self.tree = node
        self.scopes, self.known = response_scopes(self.state, node)
        self.enums = _enum_classes(node)
        alias = openai_alias(node)
        self.openai, self.imports_openai = alias or "openai", alias is not None
        self.filter_statements(node, self._acting_statements())

    def _acting_statements(self) -> re.Pattern:
        """What the text of every statement a hook can act on spells (see filter_statements). Every edit and review
        of this rule is of an expression that `_Scopes.kind` roots in a response (a name the analysis found
        holding one, an SDK call that answers with one, a function the facts say returns one), of a parameter
        the facts say receives one, or of a `_TELLTALE` key; a backslash may spell a key in an escape."""
        words = set(_TELLTALE)
        for names in (*self.known.values(), *self.scopes.params.values()):
            words.update(names)
        for reference in self.scopes.facts.functions:
            words.update(reference.split("."))
        for tail in flow.response_tails():
            words.update(tail)
        return re.compile(r"\\|" + words_pattern(words).pattern)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.append(id(node))
        self.returns.append(node.returns)
        # a parameter that receives responses, annotated as a dict: the annotation no longer holds
        receives = self.scopes.params.get(id(node), {})
        for param in [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]:
            if receives.get(param.name.value) == flow.CERTAIN and _dict_annotation(param.annotation):
                self.review(param, f"{param.name.value} receives SDK response objects (pydantic models since openai "
                                   f"1.0), not dicts: its annotation {_code(param.annotation.annotation)} no longer "
                                   f"holds (use the openai.types class, e.g. ChatCompletion)",
                            note=f"{param.name.value} receives SDK response objects now, not dicts: fix its annotation")

    def leave_FunctionDef(self, original, updated):
        self.stack.pop()
        self.returns.pop()
        return updated

    # r: dict = client.chat.completions.create(...)  ->  r = client.chat.completions.create(...)
    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign):
        if original.value is None or not _dict_annotation(original.annotation) or not self._is_known(original.value):
            return updated
        annotation = _code(original.annotation.annotation)
        if len(self.stack) == 1:  # a module-level annotation is kept in __annotations__: a human decides
            self.review(original, f"{_code(original.target)} holds an SDK response object (a pydantic model since "
                                  f"openai 1.0), not a dict: its annotation {annotation} no longer holds (use the "
                                  f"openai.types class, e.g. ChatCompletion)",
                        note=f"{_code(original.target)} holds an SDK response object now, not a dict: fix its annotation")
            return updated
        # a local variable's annotation is never evaluated: dropping it changes nothing at run time, and the type
        # checker infers the response class the call returns
        self.edited()
        return cst.Assign(targets=[cst.AssignTarget(updated.target)], value=updated.value,
                          semicolon=updated.semicolon)

    def _text(self, original: cst.CSTNode, attr: cst.BaseExpression, key: str) -> cst.BaseExpression:
        """`attr` (the converted read of `original`), cast to str where the code needs a str and the field is typed
        `str | None` now: 0.x gave None in the same cases, so the cast keeps the value and only tells the type
        checker what the code assumed."""
        if key not in flow.OPTIONAL_TEXT_FIELDS or not self._needs_str(original):
            return attr
        return typing_cast(self, self.tree, cst.Name("str"), attr.with_changes(lpar=[], rpar=[]),
                           lpar=getattr(attr, "lpar", ()), rpar=getattr(attr, "rpar", ()))

    def _needs_str(self, node: cst.CSTNode) -> bool:
        parent = self.parent(node)
        if isinstance(parent, cst.Return):  # in a function declared `-> str`
            returns = self.returns[-1]
            return returns is not None and _code(returns.annotation) == "str"
        if isinstance(parent, cst.ComparisonTarget):  # `"x" in text`
            return parent.comparator is node and isinstance(parent.operator, (cst.In, cst.NotIn))
        if isinstance(parent, cst.Attribute):  # text.strip()
            return parent.value is node
        if isinstance(parent, cst.Arg) and parent.value is node and parent.keyword is None:
            call = self.parent(parent)
            return (isinstance(call, cst.Call) and call.args and call.args[0] is parent
                    and ".".join(attr_chain(call.func) or ()) in ("json.loads", "str.strip", "str.split"))
        return False

    def _is_known(self, node: cst.CSTNode) -> bool:
        return self.scopes.rooted(node, self.stack[-1], self.known)

    def _stored(self, node: cst.Subscript) -> bool:
        parent = self.parent(node)
        return (isinstance(parent, (cst.AssignTarget, cst.AugAssign)) and parent.target is node
                or isinstance(parent, cst.Del))

    def _maybe(self, node: cst.CSTNode) -> bool:
        return self.scopes.kind(node, self.stack[-1], self.known) == flow.MAYBE

    def _maybe_review(self, node: cst.CSTNode, what: str) -> None:
        self.review(node, f"{what}: this value is an SDK response on some paths (an object since openai 1.0, "
                          f"where dict access raises TypeError) and something else on others: use attribute "
                          f"access where it is a response",
                    note="dict access here may be on an SDK response object (openai>=1): use attribute access there")

    # r["choices"]  ->  r.choices
    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        key = _literal_key(original)
        if key is None:
            return updated
        if not key.isidentifier():
            if self._is_known(original.value):
                self.review(original, f'[{key!r}] on an SDK response object: read it with getattr() or '
                                      f'.model_dump()[{key!r}]')
            return updated
        if self._is_known(original.value):
            if self._stored(original):
                self.review(original, f'["{key}"] = ...: writing into an SDK response object (openai>=1 answers with '
                                      f"pydantic models): keep your own dict (obj.model_dump()) if you need to add keys",
                            note="writing into an SDK response object: keep your own dict (.model_dump()) instead")
                return updated
            self.edited()
            return self._text(original, cst.Attribute(value=updated.value, attr=cst.Name(key), lpar=updated.lpar,
                                                      rpar=updated.rpar), key)
        if self._maybe(original.value):
            self._maybe_review(original, f'["{key}"]')
        elif key in _TELLTALE and self._looks_like_response(original.value) and self._reads_fit(original, key):
            self.review(original, f'["{key}"] looks like dict-style access on an SDK response: current responses are '
                                  f"objects (use .{key}) unless this is a plain dict",
                        note="this looks like a read of an SDK response, an object in openai>=1: use attribute access "
                             "if it is one")
        return updated

    # r.openai_id  ->  r.id ;  r.response_ms: a review note (0.x-only attributes, see the catalog)
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        name = original.attr.value
        if name not in LEGACY_RESPONSE_ATTRIBUTES or not self._is_known(original.value):
            return updated
        instead = LEGACY_RESPONSE_ATTRIBUTES[name]
        if not instead:
            self.edited()
            return updated.with_changes(attr=cst.Name("id"))
        self.review(original, f".{name} was an attribute of 0.x response objects, not a field the server sent: "
                              f"openai>=1 responses do not have it (AttributeError). It was {instead}",
                    note=f".{name} does not exist on openai>=1 response objects (AttributeError)")
        return updated

    # r.get("usage")  ->  r.usage ;  d.get("content", "")  ->  d.content or ""
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not isinstance(func, cst.Attribute):
            if isinstance(func, cst.Name) and func.value == "isinstance":
                return self._stream_test(original, updated) or self._isinstance(original, updated)
            self._dict_use(original)
            return updated
        method = func.attr.value
        if method in _GENERATOR_TESTS and attr_chain(func) == ["inspect", method]:
            return self._stream_test(original, updated) or updated
        if method == "append" and isinstance(func.value, cst.Name) and self._dict_list(func.value.value):
            return self._append(original, updated)
        if method in ("to_dict", "to_dict_recursive") and not original.args and self._is_known(func.value):
            self.edited()
            return updated.with_changes(func=updated.func.with_changes(attr=cst.Name("model_dump")))
        if method in _DICT_METHODS and method != "get":
            if self._is_known(func.value):
                self.review(original, f".{method}() on an SDK response object (openai>=1 answers with pydantic "
                                      f"models, not dicts): call it on .model_dump()")
            return updated
        if method != "get":
            self._dict_use(original)
            return updated
        if not (1 <= len(original.args) <= 2) or any(a.keyword or a.star for a in original.args):
            return updated
        key = literal_str(original.args[0].value)
        if key is None or not key.isidentifier():
            if self._is_known(func.value):
                self.review(original, ".get() with a computed key on an SDK response object: use getattr(obj, key, "
                                      "default)")
            return updated
        if not self._is_known(func.value):
            if self._maybe(func.value):
                self._maybe_review(original, f'.get("{key}")')
            return updated
        receiver = updated.func.value
        attr = cst.Attribute(value=receiver, attr=cst.Name(key))
        self.edited()
        parent = self.parent(original)
        chained = isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is original
        default_value = original.args[1].value if len(original.args) == 2 else None
        if (default_value is None or _is_none(default_value)
                or _empty_container(default_value) and (chained or isinstance(default_value, cst.Dict))):
            # `.get("delta", {}).get("content")`: the default stood in for a missing key, and a field is never missing;
            # an empty dict default anywhere (`delta = c.get("delta", {})`, metagpt 0.5.2) would only put a dict where
            # the code now reads attributes: no field of a response object is a dict
            return self._text(original, attr.with_changes(lpar=updated.lpar, rpar=updated.rpar), key)
        default = updated.args[1].value
        if _falsy_literal(original.args[1].value):
            new: cst.BaseExpression = cst.BooleanOperation(left=attr, operator=cst.Or(), right=default)
        else:
            new = cst.IfExp(
                test=cst.Comparison(attr, [cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))]),
                body=attr,
                orelse=default,
            )
        if updated.lpar or needs_parens(parent):
            new = new.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return new

    # inspect.isgenerator(r) / isinstance(r, types.GeneratorType)  ->  isinstance(r, openai.Stream)
    def _stream_test(self, original: cst.Call, updated: cst.Call) -> cst.Call | None:
        """0.x answered `stream=True` with a generator, and code told the two answers apart by that (guidance 0.0.64:
        `isinstance(r, (types.AsyncGeneratorType, types.GeneratorType))`); the current SDK answers with a Stream /
        AsyncStream, which is no generator: the test would send a stream down the other branch. The stream classes
        keep the test's answer."""
        if not original.args or original.args[0].keyword or original.args[0].star:
            return None
        value = original.args[0].value
        if not (self._is_known(value) or self._maybe(value)):
            return None
        if isinstance(original.func, cst.Attribute):  # inspect.isgenerator / inspect.isasyncgen
            if len(original.args) != 1:
                return None
            streams = [_GENERATOR_TESTS[original.func.attr.value]]
        else:
            if len(original.args) != 2 or original.args[1].keyword:
                return None
            classes = original.args[1].value
            elements = [e.value for e in classes.elements] if isinstance(classes, cst.Tuple) else [classes]
            streams = [_GENERATOR_CLASSES.get((attr_chain(e) or [""])[-1]) for e in elements]
            if not any(streams) or not all(streams):
                return None
        alias = self.openai
        if not self.imports_openai:
            AddImportsVisitor.add_needed_import(self.context, "openai")
        new = [cst.Attribute(cst.Name(alias), cst.Name(name)) for name in dict.fromkeys(streams)]
        target = new[0] if len(new) == 1 else cst.Tuple([cst.Element(n) for n in new])
        self.edited()
        return cst.Call(cst.Name("isinstance"), [cst.Arg(updated.args[0].value.with_changes(), comma=cst.Comma(
            whitespace_after=cst.SimpleWhitespace(" "))), cst.Arg(target)], lpar=updated.lpar, rpar=updated.rpar)

    # isinstance(chunk, dict)  ->  isinstance(chunk, openai.BaseModel)
    def _isinstance(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """0.x responses were OpenAIObject, a dict subclass: `isinstance(r, dict)` was True for every response, and
        now is False for every one (the code silently takes its other branch). openai.BaseModel is what every
        current response is an instance of: the test keeps its answer, and narrows to the response class."""
        if len(original.args) != 2 or any(a.keyword or a.star for a in original.args):
            return updated
        if not self._is_known(original.args[0].value):
            if self._maybe(original.args[0].value) and _names_dict(original.args[1].value):
                self.review(original, "isinstance(..., dict): this value is an SDK response on some paths, a pydantic "
                                      "model since openai 1.0 and never a dict: test for openai.BaseModel there",
                            note="isinstance(..., dict) is False for SDK response objects (openai>=1): test for "
                                 "openai.BaseModel")
            return updated
        classes = updated.args[1].value
        name = self._response_class(original.args[0].value)
        if name is not None:  # the exact class: the test keeps its answer and narrows even where the call's type
            base: cst.BaseExpression = cst.Name(name)  # is unknown to a type checker (`**kwargs` into create())
            AddImportsVisitor.add_needed_import(self.context, "openai.types.chat", name)
        else:
            base = cst.Attribute(cst.Name(self.openai), cst.Name("BaseModel"))
        if isinstance(classes, cst.Name) and classes.value in _DICT_CLASSES:
            new: cst.BaseExpression = base
        elif isinstance(classes, cst.Tuple) and any(_names_dict(e.value) for e in classes.elements):
            new = classes.with_changes(elements=[
                e.with_changes(value=base) if _names_dict(e.value) else e for e in classes.elements])
        else:
            return updated
        if name is None and not self.imports_openai:
            AddImportsVisitor.add_needed_import(self.context, "openai")
        self.edited()
        return updated.with_changes(args=[updated.args[0], updated.args[1].with_changes(value=new)])

    def _response_class(self, node: cst.CSTNode, depth: int = 0) -> str | None:
        """ChatCompletion / ChatCompletionChunk when `node` is what a chat request answers with (a stream's item
        for `stream=True`), followed through names and loops in this function; None when not that sure."""
        item = False
        while depth < 8:
            depth += 1
            if isinstance(node, cst.Await):
                node = node.expression
            elif isinstance(node, cst.Name):
                scope = self.scopes.binder(node.value, self.stack[-1])
                values = [v for n, v in self.scopes.flows.get(scope, ()) if n == node.value]
                if len(values) != 1 or values[0] is None:
                    return None
                node = values[0]
            elif (isinstance(node, cst.Subscript) and not item and len(node.slice) == 1
                  and isinstance(node.slice[0].slice, cst.Index) and isinstance(node.slice[0].slice.value, cst.Integer)
                  and node.slice[0].slice.value.value == "0"):
                node, item = node.value, True  # a loop variable (followed as iterable[0]) or the first item
            elif isinstance(node, cst.Call):
                tail = attr_tail(node.func)
                if endpoint_of(node) != "chat.completions.create" and tail[-2:] not in (
                        ["ChatCompletion", "create"], ["ChatCompletion", "acreate"]):
                    return None
                stream = get_arg(node, "stream")
                streaming = stream is not None and isinstance(stream.value, cst.Name) and stream.value.value == "True"
                if stream is not None and not streaming and not (
                        isinstance(stream.value, cst.Name) and stream.value.value == "False"):
                    return None  # stream= computed at run time
                if streaming and item:
                    return "ChatCompletionChunk"
                return "ChatCompletion" if not streaming and not item else None
            else:
                return None
        return None

    # messages.append(message)  ->  messages.append(message.model_dump(exclude_unset=True))
    def _dict_list(self, name: str) -> bool:
        """`name` is a list the code fills with dicts it builds (`[{"role": "user", ...}]`, `.append({...})`)."""
        return name in self.scopes.dict_lists.get(self.scopes.binder(name, self.stack[-1]), ())

    def _append(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """A response (a message, say) appended to a list of dicts: in 0.x it was a dict too. model_dump(exclude_unset=
        True) gives that dict back, with exactly the fields the server sent: what the SDK itself sends when it is
        handed the object, and what code that later reads the list as dicts expects."""
        if len(original.args) != 1 or original.args[0].keyword or original.args[0].star:
            return updated
        if not self._is_known(original.args[0].value):
            return updated
        value = updated.args[0].value
        if isinstance(value, cst.Await) or needs_parens_as_receiver(value):
            value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        dump = cst.Call(cst.Attribute(value, cst.Name("model_dump")),
                        [cst.Arg(cst.Name("True"), keyword=cst.Name("exclude_unset"),
                                 equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))])
        self.edited()
        return updated.with_changes(args=[updated.args[0].with_changes(value=dump)])

    def _dict_use(self, call: cst.Call) -> None:
        """json.dumps(r) on a response object fails at run time; dict(r) gives its fields one level deep, nested values
        still objects, where a 0.x dict was dicts all the way down. Only a human knows the intent."""
        name = ".".join(attr_chain(call.func) or ())
        if name not in _DICT_CONSUMERS or not call.args or call.args[0].star:
            return
        value = call.args[0].value
        if not self._is_known(value):
            return
        if name != "dict":
            self.review(call, f"{name}() on an SDK response object (a pydantic model since openai 1.0): pass "
                              f"{_code(value)}.model_dump() instead")
        elif not isinstance(value, (cst.Attribute, cst.Subscript)) or self.state.counts.get("OAI004"):
            # a part read off a response (`dict(response.usage)`) is what code written for 1.x passes on purpose: left
            # alone, unless the file is 0.x code this run upgrades (OAI004 changed it), where dict() gave plain dicts
            self.review(call, f"dict() on an SDK response object (a pydantic model since openai 1.0) keeps nested "
                              f"values as objects, which dict access then fails on (TypeError): pass "
                              f"{_code(value)}.model_dump() for dicts all the way down")

    # "content" in delta  ->  delta.content is not None
    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison):
        if len(original.comparisons) != 1:
            return updated
        op = original.comparisons[0].operator
        if not isinstance(op, (cst.In, cst.NotIn)):
            return updated
        comparator = original.comparisons[0].comparator
        if isinstance(comparator, cst.Name) and comparator.value in self.enums and self._scalar_read(original.left):
            self._enum_review(original, comparator.value)
            return updated
        key = literal_str(original.left)
        if key is None or not key.isidentifier():
            return updated
        known = self._is_known(comparator)
        if not known or self.scopes.had_scalar(comparator, self.stack[-1]):  # `in` works on strings too
            if known or self._maybe(comparator):
                self._maybe_review(original, f'"{key}" in ...')
            return updated
        self.edited()
        attr = _field_or_none(updated.comparisons[0].comparator, key)
        operator = cst.IsNot() if isinstance(op, cst.In) else cst.Is()
        return cst.Comparison(attr, [cst.ComparisonTarget(operator, cst.Name("None"))], lpar=updated.lpar,
                              rpar=updated.rpar)

    def _scalar_read(self, node: cst.CSTNode) -> bool:
        """`node` reads a string or number field of a response (`model.id`, `r["model"]`)."""
        if isinstance(node, cst.Attribute):
            return node.attr.value in flow.SCALAR_FIELDS and self._is_known(node.value)
        if isinstance(node, cst.Subscript):
            return _literal_key(node) in flow.SCALAR_FIELDS and self._is_known(node.value)
        return False

    def _enum_review(self, node: cst.Comparison, enum: str) -> None:
        # Under 0.x the field was untyped (Any) to a type checker; the SDK types it str now, and mypy sees what
        # Python < 3.12 does at run time: `"gpt-4" in SomeEnum` raises TypeError unless it is a member.
        self.review(node, f"{_code(node.left)} is a str (typed by the SDK since openai 1.0); `str in {enum}` "
                          f"raises TypeError before Python 3.12 (the same under 0.x) and tests the values only from "
                          f"3.12: compare with the values, e.g. `in {{m.value for m in {enum}}}`",
                    note=f"a str `in {enum}` (an Enum class) raises TypeError before Python 3.12: compare with "
                         f"the members' values")

    def _looks_like_response(self, node: cst.CSTNode) -> bool:
        # A name indexed like a response, that the rule could not trace to a call: worth a human's look only when
        # the module talks to the SDK (the rule runs only there), and unless it certainly holds a plain dict.
        # A parameter annotated as a dict is taken at its word, unless the file is 0.x code this run upgrades
        # (OAI004 changed it): there an OpenAIObject, a dict subclass, met the annotation.
        if self.scopes.annotated_dict(node, self.stack[-1]) and not self.state.counts.get("OAI004"):
            return False
        return isinstance(node, (cst.Name, cst.Attribute)) and not self.scopes.plain_dict(node, self.stack[-1]) and not (
            isinstance(node, cst.Name) and (self._item_of_plain_dict(node) or self._normalized_before(node)))

    def _reads_fit(self, node: cst.Subscript, key: str) -> bool:
        """The first key read below `node` (`x["choices"]`), past indexes, is a field of what `key` holds on a response
        (flow.TELLTALE_ITEM_FIELDS), or is written: `answer["choices"][0]["turns"]` reads what no choice has."""
        fields = flow.TELLTALE_ITEM_FIELDS[key]
        current = node
        while True:
            parent = self.parent(current)
            if not isinstance(parent, cst.Subscript) or parent.value is not current:
                return True
            inner = _literal_key(parent)
            if inner is not None:
                return inner in fields or self._stored(parent)  # a key written into it: a response's would fail too
            current = parent

    def _normalized_before(self, node: cst.Name) -> bool:
        """A statement that runs before `node`, in its function, makes the name a dict whatever it held (see
        _normalizes): langroid's `if not isinstance(response, dict): response = response.dict()`."""
        return any(_normalizes(stmt, node.value) for stmt in statements_before(node, self.parent))

    def _item_of_plain_dict(self, node: cst.Name) -> bool:
        """`[d["embedding"] for d in data["data"]]`, `for d in data["data"]: d["embedding"]` where `data` only holds
        dicts the code decoded: the loop variable holds their items, plain too."""
        current = self.parent(node)
        while current is not None:
            loops = []
            if isinstance(current, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
                loop = current.for_in
                while loop is not None:
                    loops.append(loop)
                    loop = loop.inner_for_in
            elif isinstance(current, cst.For):
                loops.append(current)
            for loop in loops:
                if isinstance(loop.target, cst.Name) and loop.target.value == node.value:
                    root = _root(loop.iter)
                    return root is not None and self.scopes.plain_dict(cst.Name(root), self.stack[-1])
            current = self.parent(current)
        return False


_DICT_CLASSES = frozenset({"dict", "OpenAIObject"})
# what 0.x streams were, and the current SDK's stream classes that replace them in a test
_GENERATOR_TESTS = {"isgenerator": "Stream", "isasyncgen": "AsyncStream"}
_GENERATOR_CLASSES = {"GeneratorType": "Stream", "Generator": "Stream", "AsyncGeneratorType": "AsyncStream",
                      "AsyncGenerator": "AsyncStream"}
_DICT_TYPE_NAMES = frozenset({"dict", "Dict", "Mapping", "MutableMapping"})


def _is_dict_type(annotation: cst.BaseExpression) -> bool:
    """`dict`, `Dict[str, Any]`, `typing.Mapping[...]`, `Optional[dict]`, `dict | None`."""
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        sides = [annotation.left, annotation.right]
        return any(_is_dict_type(s) for s in sides) and all(
            _is_dict_type(s) or (isinstance(s, cst.Name) and s.value == "None") for s in sides)
    if isinstance(annotation, cst.Subscript):
        name = annotation.value.attr.value if isinstance(annotation.value, cst.Attribute) else (
            annotation.value.value if isinstance(annotation.value, cst.Name) else None)
        if name == "Optional" and len(annotation.slice) == 1 and isinstance(annotation.slice[0].slice, cst.Index):
            return _is_dict_type(annotation.slice[0].slice.value)
        annotation = annotation.value
    if isinstance(annotation, cst.Attribute):
        return annotation.attr.value in _DICT_TYPE_NAMES
    return isinstance(annotation, cst.Name) and annotation.value in _DICT_TYPE_NAMES


def _names_dict(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Name) and node.value in _DICT_CLASSES or (
        isinstance(node, cst.Attribute) and node.attr.value == "OpenAIObject")


def needs_parens_as_receiver(node: cst.CSTNode) -> bool:
    """`node` must be parenthesised to be the receiver of `.attr`."""
    return not isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.Call))


def _enum_classes(module: cst.Module) -> set[str]:
    """The module's top-level Enum classes (a base named ...Enum: Enum, StrEnum, enum.Enum, ...)."""
    out = set()
    for stmt in module.body:
        if isinstance(stmt, cst.ClassDef) and any(
                (attr_chain(b.value) or [""])[-1].endswith("Enum") for b in stmt.bases):
            out.add(stmt.name.value)
    return out


_DICT_TYPES = re.compile(r"\b(?:dict|Dict|Mapping|MutableMapping|OpenAIObject)\b")


def typing_cast(rule: RuleTransformer, module: cst.Module | None, type_expr: cst.BaseExpression,
                value: cst.BaseExpression, **parens) -> cst.Call:
    """`cast(T, value)` with `from typing import cast` added, or `typing.cast(T, value)` with `import typing` where
    the module may bind `cast` to something else (sqlalchemy's, say): the call must stay a no-op."""
    if "cast" in rule.state.names and not (module is not None and _imports_typing_cast(module)):
        AddImportsVisitor.add_needed_import(rule.context, "typing")
        func: cst.BaseExpression = cst.Attribute(cst.Name("typing"), cst.Name("cast"))
    else:
        AddImportsVisitor.add_needed_import(rule.context, "typing", "cast")
        func = cst.Name("cast")
    return cst.Call(func, [cst.Arg(type_expr), cst.Arg(value)], **parens)


def _imports_typing_cast(module: cst.Module) -> bool:
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if (isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name)
                        and small.module.value == "typing" and not isinstance(small.names, cst.ImportStar)
                        and any(a.name.value == "cast" and a.asname is None for a in small.names)):
                    return True
    return False


def _dict_annotation(annotation: cst.Annotation | None) -> bool:
    return annotation is not None and bool(_DICT_TYPES.search(_code(annotation.annotation)))


def _empty_container(node: cst.CSTNode) -> bool:
    return isinstance(node, (cst.Dict, cst.List)) and not node.elements


def _field_or_none(receiver: cst.BaseExpression, key: str) -> cst.BaseExpression:
    """`receiver.key`, or `getattr(receiver, "key", None)` for a field only one kind of choice has."""
    if key not in flow.CHOICE_KIND_FIELDS:
        return cst.Attribute(value=receiver, attr=cst.Name(key))
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return cst.Call(cst.Name("getattr"), [cst.Arg(receiver, comma=comma), cst.Arg(cst.SimpleString(f'"{key}"'), comma=comma),
                                          cst.Arg(cst.Name("None"))])


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


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
