"""The Python front end's evaluator: what an expression of one parsed module stands for.

    client = OpenAI()                 `client` evaluates to Client("OpenAI")
    client.chat.completions.create    evaluates to Res(Client("OpenAI"), ("chat", "completions", "create"))
    MODEL = os.getenv("M", "gpt-4o")  `MODEL` evaluates to Env("M", Str("gpt-4o"))

It lowers `ast` syntax to the core evaluator's operations (migrate/scan/detect/core/evaluate.py: a name's value in
a scope, an attribute of a value, a call of a value, what a function returns) over the scopes of scopes.py and the
core's values. The core memoises evaluation per node and guards it against recursion (a value being computed reads
as unknown), so a module is analysed in about the time it takes to parse it; this module answers what only Python
syntax says (bindings, annotations, classes and their bases, `os.getenv`, f-strings, functools.partial). The
detectors (detectors.py) ask it for values; it reports nothing itself.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from migrate.catalog import prefixes
from migrate.scan.detect import sdk
from migrate.scan.detect.core.evaluate import CoreEvaluator, client_endpoint, option_evidence
from migrate.scan.detect.core.registry import PYTHON_SEPARATORS, PrefixRegistry
from migrate.scan.detect.python.scopes import ANN, CLASS, EXPR, FUNC, IMPORT, ITEM, PARAM, WITH, Scope
from migrate.scan.detect.python.values import (
    MODULE_CLIENT, Client, DictV, Env, Func, HttpClient, HttpMethod, Inst, Klass, Partial, Q, QCall, Res, Str, TupleV,
)


class Evaluator(CoreEvaluator):
    """Evaluation over one module's scopes. The analyzer that builds the scopes (detectors.ModuleAnalyzer) calls
    init_evaluation() before building them: the scope builder reports classes and functions through on_class()
    and on_function()."""

    def init_evaluation(self) -> None:
        self.stored_values: dict[int, ast.expr] = {}  # id(attribute target) -> the value assigned to it
        self.classes: dict[int, Klass] = {}
        self.functions: dict[int, Func] = {}
        self._memo: dict[int, object] = {}  # the core's per-node memo

    # -- callbacks from the scope builder ----------------------------------------------------------------------
    def on_class(self, node: ast.ClassDef, scope: Scope) -> None:
        self.classes[id(node)] = Klass(node, scope, self)

    def on_function(self, node, scope: Scope, parent: Scope) -> None:
        klass = self.classes.get(id(parent.node)) if parent.kind == "class" else None
        scope.klass = klass
        self.functions[id(node)] = Func(node, scope, self, klass)

    # -- lowering: the value of one node (the core's eval() memoises it) ------------------------------------------
    variants = sdk.VARIANTS  # client.chat.completions.with_raw_response.create

    def lower(self, node, scope: Scope):
        t = type(node)
        if t is ast.Name:
            return self.lookup(node.id, scope, node.lineno)
        if t is ast.Attribute:
            return self.get(self.eval(node.value, scope), node.attr)
        if t is ast.Call:
            return self.call_value(node, scope)
        if t is ast.Constant:
            return Str(node.value) if type(node.value) is str else None
        if t is ast.JoinedStr:
            return self._joined_value(node, scope)
        if t is ast.Await or t is ast.NamedExpr:
            return self.eval(node.value, scope)
        if t is ast.IfExp:
            a, b = self.eval(node.body, scope), self.eval(node.orelse, scope)
            if isinstance(a, Client):
                return a
            if isinstance(b, Client):
                return b
            if isinstance(a, Str) and isinstance(b, Str) and a.value == b.value:
                return a
            return None
        if t is ast.BoolOp:
            values = [self.eval(v, scope) for v in node.values]
            for v in values:
                if isinstance(v, (Client, Res)):
                    return v
            if type(node.op) is ast.Or and len(values) == 2 and isinstance(values[0], Env) and isinstance(values[1], Str):
                env = values[0]
                return Env(env.var, env.default or values[1])
            return None
        if t is ast.Subscript:
            return self._subscript_value(node, scope)
        if t is ast.BinOp and type(node.op) is ast.Add:
            a, b = self.eval(node.left, scope), self.eval(node.right, scope)
            if isinstance(a, Str) and isinstance(b, Str):
                return Str(a.value + b.value, "expression")
            return None
        if t is ast.Dict:
            return DictV(node, scope)
        if t is ast.Tuple:
            return TupleV(node, scope)
        return None

    def _joined_value(self, node: ast.JoinedStr, scope: Scope):
        """An f-string whose fields are all known strings (f"{API_BASE}/chat/completions") is a known string."""
        parts = []
        for v in node.values:
            if type(v) is ast.Constant:
                parts.append(v.value)
                continue
            if v.conversion not in (-1, 115) or v.format_spec is not None:
                return None
            value = self.eval(v.value, scope)
            if isinstance(value, Env) and value.default is not None:
                value = value.default
            if not isinstance(value, Str):
                return None
            parts.append(value.value)
        text = "".join(parts)
        return Str(text) if all(type(v) is ast.Constant for v in node.values) else Str(text, "expression")

    def lookup(self, name: str, scope: Scope, line: int):
        """The value bound to `name` where it is used: the scope chain, the latest binding before the use
        in the same scope, else the latest binding that evaluates to something known."""
        current, bindings = self._binding_scope(name, scope)
        if not bindings:
            return None
        if current is scope:
            before = [b for b in bindings if b[0] <= line]
            if before:
                value = self.binding_value(name, before[-1])
                if value is not None:
                    return value
        for binding in reversed(bindings):
            value = self.binding_value(name, binding)
            if value is not None:
                return value
        return None

    @staticmethod
    def _binding_scope(name: str, scope: Scope):
        """(scope, bindings) of the nearest scope that binds `name` as seen from `scope` (a class body is not seen
        from the functions inside it), or (None, None)."""
        current = scope.module() if name in scope.globals else scope
        first = True
        while current is not None:
            if not (current.kind == "class" and not first):
                bindings = current.bindings.get(name)
                if bindings:
                    return current, bindings
            first = False
            current = current.parent
        return None, None

    def binding_value(self, name: str, binding):
        line, kind, payload, where = binding
        analyzer = where.analyzer
        if analyzer is not self:
            return analyzer.binding_value(name, binding)
        if kind == EXPR:
            return _named(self.eval(payload, where), name, line, where)
        if kind == ANN:
            annotation, value = payload
            if value is not None:
                v = self.eval(value, where)
                if v is not None:
                    return _named(v, name, line, where)
            return self.annotation_value(annotation, where, f"annotation of {name}")
        if kind == IMPORT:
            return Q(payload)
        if kind == FUNC:
            return self.functions.get(id(payload))
        if kind == CLASS:
            return self.classes.get(id(payload))
        if kind == WITH:
            v = self.eval(payload, where)
            return v if isinstance(v, (Client, HttpClient)) else None
        if kind == ITEM:
            value, index = payload
            if type(value) in (ast.Tuple, ast.List) and index < len(value.elts):
                return _named(self.eval(value.elts[index], where), name, line, where)
            packed = self.eval(value, where)
            if isinstance(packed, TupleV) and index < len(packed.node.elts):
                return packed.scope.analyzer.eval(packed.node.elts[index], packed.scope)
            return None
        if kind == PARAM:
            return self._param_value(name, payload, where)
        return None

    def _param_value(self, name: str, payload, scope: Scope):
        arg, default, position = payload
        if position == 0 and scope.klass is not None:
            decorators = {_decorator_name(d) for d in scope.node.decorator_list}
            if "staticmethod" not in decorators:
                return scope.klass if "classmethod" in decorators else Inst(scope.klass)
        if arg.annotation is not None:
            v = self.annotation_value(arg.annotation, scope.parent or scope, f"parameter {name}")
            if v is not None:
                return v
        if default is not None:
            v = self.eval(default, scope.parent or scope)
            if isinstance(v, Str):
                return Str(v.value, f"default of parameter {name}")
            if isinstance(v, (Env, Client)):
                return v
            if isinstance(v, Q) and v.name.split(".")[0] not in _KNOWN_LIBRARIES:
                return v  # an imported constant: settled across modules
        return None

    def annotation_value(self, node, scope: Scope, what: str):
        """The value an annotation promises: Client for OpenAI classes, Inst for local classes."""
        t = type(node)
        if t is ast.Constant and type(node.value) is str:
            try:
                parsed = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
            return self.annotation_value(parsed, scope, what)
        if t is ast.BinOp and type(node.op) is ast.BitOr:
            return self.annotation_value(node.left, scope, what) or self.annotation_value(node.right, scope, what)
        if t is ast.Subscript:
            base = self.eval(node.value, scope)
            base_name = base.name.rsplit(".", 1)[-1] if isinstance(base, Q) else ""
            if base_name in ("Optional", "Union", "Annotated", "Final", "ClassVar"):
                elements = node.slice.elts if type(node.slice) is ast.Tuple else [node.slice]
                if base_name == "Annotated":
                    elements = elements[:1]
                for element in elements:
                    v = self.annotation_value(element, scope, what)
                    if v is not None:
                        return v
            return None
        if t is ast.Name or t is ast.Attribute:
            v = self.eval(node, scope)
            cls = _client_class(v)
            if cls:
                return Client(cls, f"{what}: {ast.unparse(node)}")
            if isinstance(v, Klass):
                base = self.client_base(v)
                if base:
                    return Client(base, f"{what}: {ast.unparse(node)}")
                return Inst(v)
        return None

    # -- member access: the core's get() and these hooks ----------------------------------------------------------
    def export_member(self, export: Q, name: str):
        if export.name == "openai" and name in sdk.RESOURCES:
            return Res(MODULE_CLIENT, (name,))  # openai.chat.completions: the module-level client (1.x)
        return Q(f"{export.name}.{name}")

    def instance_member(self, instance: Inst, name: str):
        return self.member(instance.klass, name, instance=True)

    def class_member(self, klass: Klass, name: str):
        return self.member(klass, name, instance=False)

    def other_member(self, base, name: str):
        if isinstance(base, HttpClient) and name in sdk.HTTP_METHODS:
            return HttpMethod(base, name)
        return None

    getattr = CoreEvaluator.get

    def member(self, klass: Klass, attr: str, *, instance: bool, depth: int = 0):
        """A class or instance attribute: class body, `self.x = ...` in methods, properties, local bases."""
        if depth > 10:
            return None
        analyzer = klass.scope.analyzer
        if analyzer is not self:
            return analyzer.member(klass, attr, instance=instance, depth=depth)
        bindings = klass.scope.bindings.get(attr)
        if bindings:
            for binding in reversed(bindings):
                value = self.binding_value(attr, binding)
                if isinstance(value, Func) and instance:
                    decorators = {_decorator_name(d) for d in value.node.decorator_list}
                    if decorators & {"property", "cached_property"}:
                        return self.return_value(value)
                if value is not None:
                    return _attribute_origin(value, attr, binding[0])
        for binding in reversed(klass.self_attrs.get(attr, ())):
            value = self.binding_value(attr, binding)
            if value is not None:
                return _attribute_origin(value, attr, binding[0])
        for base_node in klass.node.bases:
            base = self.eval(base_node, klass.scope.parent or klass.scope)
            if isinstance(base, Klass):
                value = self.member(base, attr, instance=instance, depth=depth + 1)
                if value is not None:
                    return value
            elif instance and _client_class(base):
                return self.getattr(Client(_client_class(base), f"subclass {klass.node.name}"), attr)
        return None

    def client_base(self, klass: Klass, depth: int = 0) -> str | None:
        """The SDK client class a local class derives from, if any."""
        if depth > 10:
            return None
        for base_node in klass.node.bases:
            base = klass.scope.analyzer.eval(base_node, klass.scope.parent or klass.scope)
            cls = _client_class(base)
            if cls:
                return cls
            if isinstance(base, Klass):
                found = self.client_base(base, depth + 1)
                if found:
                    return found
        return None

    def function_returns(self, func: Func):
        """The annotation of the return, else the first return that is a client (or, failing that, the last
        that says something); the core's return_value() memoises it."""
        value = None
        node = func.node
        if node.returns is not None:
            value = self.annotation_value(node.returns, func.scope.parent or func.scope, f"return of {node.name}()")
        if value is None:
            for ret in func.scope.returns:
                v = self.eval(ret.value, func.scope)
                if v is not None:
                    value = v
                    if isinstance(v, (Client, Res)) or isinstance(v, TupleV) and _holds_client(v):
                        break
        if isinstance(value, Client):
            value = replace(value, origin=f"factory {node.name}()")
        return value

    # -- calls: the core's apply() and these hooks -----------------------------------------------------------------
    def call_value(self, node: ast.Call, scope: Scope):
        func = self.eval(node.func, scope)
        if func is None:
            return None
        return self.apply(func, node, scope)

    def _openai_sdk_value(self, func: Q, node: ast.Call, scope: Scope):
        """Calling a name of the openai package: a client class builds a client; the rest is not a value."""
        cls = _client_class(func)
        if cls:
            endpoint = self._client_endpoint(node, scope)
            # Calls through another provider's (or a local) client are not OpenAI's: they carry it along.
            return Client(cls, endpoint=endpoint if endpoint.startswith(_ELSEWHERE) else "")
        return None

    def _instructor_value(self, func: Q, node: ast.Call, scope: Scope):
        """instructor.from_openai(OpenAI()) / instructor.patch(client): the client, patched."""
        if func.name.rsplit(".", 1)[-1] in sdk.INSTRUCTOR_FUNCTIONS:
            inner = self.eval(node.args[0], scope) if node.args else None
            inner_cls = inner.cls if isinstance(inner, Client) else "OpenAI"
            return Client(inner_cls, "instructor", via="instructor")
        return None

    def call_export(self, func: Q, node: ast.Call, scope: Scope):
        """Calling an imported name no handler of CALLS took: the standard library's value makers, else a value
        to settle across modules (QCall)."""
        name = func.name
        if name in _PARTIAL:
            return self._partial(node, scope)
        if name in sdk.ENV_READERS:
            return self._env_value(node, scope)
        if name in sdk.HTTP_CLIENT_CLASSES:
            base_url = self._http_base_url(node, scope, name)
            if base_url is not None:
                return HttpClient(name.split(".")[0], base_url)
        if name.partition(".")[0] == "openai":
            return None
        return QCall(name)

    def instantiate(self, klass: Klass, node: ast.Call, scope: Scope):
        base = self.client_base(klass)
        return Client(base, f"subclass {klass.node.name}") if base else Inst(klass)

    def call_path(self, path: Res, node: ast.Call, scope: Scope):
        if path.path and path.path[-1] in sdk.CLIENT_METHODS_RETURNING_CLIENT and len(path.path) == 1:
            return path.client  # client.with_options(...): the client
        return None

    def _http_base_url(self, node: ast.Call, scope: Scope, name: str) -> str | None:
        position = sdk.HTTP_CLIENT_CLASSES[name]
        url_node = node.args[position] if position is not None and len(node.args) > position else None
        if url_node is None:
            url_node = next((kw.value for kw in node.keywords if kw.arg == "base_url"), None)
        return self.url_text(url_node, scope) if url_node is not None else None

    def _partial(self, node: ast.Call, scope: Scope):
        if node.args:
            target = self.eval(node.args[0], scope)
            if isinstance(target, Res):
                return Partial(target)
        return None

    def _env_value(self, node: ast.Call, scope: Scope):
        key = self._arg(node, 0, "key", scope)
        if not isinstance(key, Str):
            return None
        default = self._arg(node, 1, "default", scope)
        return Env(key.value, default if isinstance(default, Str) else None)

    def _arg(self, node: ast.Call, position: int, keyword: str, scope: Scope):
        if len(node.args) > position and type(node.args[position]) is not ast.Starred:
            return self.eval(node.args[position], scope)
        for kw in node.keywords:
            if kw.arg == keyword:
                return self.eval(kw.value, scope)
        return None

    def _subscript_value(self, node: ast.Subscript, scope: Scope):
        base = self.eval(node.value, scope)
        key = self.eval(node.slice, scope) if type(node.slice) is not ast.Slice else None
        if isinstance(base, Q) and base.name in ("os.environ", "environ") and isinstance(key, Str):
            return Env(key.value)
        if isinstance(base, DictV) and isinstance(key, Str):
            for k, v in zip(base.node.keys, base.node.values):
                if type(k) is ast.Constant and k.value == key.value:
                    value = base.scope.analyzer.eval(v, base.scope)
                    if isinstance(value, Str):
                        name = node.value.id if type(node.value) is ast.Name else "dict"
                        return Str(value.value, f"{name}[{key.value!r}]")
                    return value
        return None

    def _client_endpoint(self, node: ast.Call, scope: Scope, keywords: dict[str, str] | None = None) -> str:
        """What the client talks to, from its base_url / api_key values: "endpoint: other-provider: OpenRouter (...)"
        (read by migrate/scan/assess.py; see migrate/catalog/providers.py). `keywords` maps a wrapper's own
        keyword names to "base_url" / "api_key" (openai_api_base -> base_url)."""
        from migrate.catalog.providers import Evidence, classify_name

        keywords = keywords or _CLIENT_ENDPOINT_KEYWORDS
        evidence: dict[str, Evidence] = {}
        named = None
        for kw in node.keywords:
            if kw.arg not in keywords:
                continue
            setting = keywords[kw.arg]
            value = self.eval(kw.value, scope)
            if isinstance(value, (Str, Env)):
                evidence[setting] = option_evidence(value, "")
            elif not (type(kw.value) is ast.Constant and kw.value.value is None):
                evidence[setting] = option_evidence(None, ast.unparse(kw.value))
                last = kw.value.attr if type(kw.value) is ast.Attribute else getattr(kw.value, "id", None)
                named = named or (classify_name(last, setting) if last else None)
        return client_endpoint(evidence.get("base_url"), evidence.get("api_key"), named)

    def url_text(self, node, scope: Scope, depth: int = 0) -> str | None:
        if depth > 5:
            return None
        t = type(node)
        if t is ast.Constant:
            return node.value if type(node.value) is str else None
        if t is ast.JoinedStr:
            parts = []
            for v in node.values:
                if type(v) is ast.Constant:
                    parts.append(str(v.value))
                else:
                    inner = self.url_text(v.value, scope, depth + 1)
                    parts.append(inner if inner is not None else "{…}")
            return "".join(parts)
        if t is ast.BinOp and type(node.op) is ast.Add:
            left = self.url_text(node.left, scope, depth + 1)
            right = self.url_text(node.right, scope, depth + 1)
            if left is None and right is None:
                return None
            return (left if left is not None else "{…}") + (right if right is not None else "{…}")
        value = self.eval(node, scope)
        if isinstance(value, Str):
            return value.value
        if isinstance(value, Env) and value.default is not None:
            return value.default.value
        if t is ast.Name:  # url = f"{API_BASE}/chat/{deployment}": the parts that are known
            bound = self._expression_bound_to(node.id, scope, node.lineno)
            if bound is not None:
                return bound[1].analyzer.url_text(bound[0], bound[1], depth + 1)
        return None

    def _expression_bound_to(self, name: str, scope: Scope, line: int):
        """(expression, scope) of the assignment that binds `name` where it is used, when it is a plain one."""
        current, bindings = self._binding_scope(name, scope)
        if not bindings:
            return None
        candidates = [b for b in bindings if b[0] <= line] if current is scope else []
        binding = (candidates or bindings)[-1]
        if binding[1] == EXPR and binding[3].analyzer is self:
            return binding[2], binding[3]
        return None


# -- helpers ---------------------------------------------------------------------------------------------------
def sdk_getattr(base, attr: str):
    """Attribute access on values that need no symbol table: imported names, clients, resources (the core's get()
    with this front end's hooks, for the cross-module settling)."""
    return _BARE.get(base, attr)


_PARTIAL = frozenset({"functools.partial"})
_CLIENT_ENDPOINT_KEYWORDS = {"base_url": "base_url", "api_key": "api_key"}
_ELSEWHERE = ("endpoint: other-provider:", "endpoint: local:")  # clients that are not OpenAI's to migrate
_KNOWN_LIBRARIES = frozenset(
    {"os", "sys", "functools", "typing", "typing_extensions", "requests", "httpx", "aiohttp", "json", "re",
     "langchain", "langchain_openai", "langchain_community", "langchain_core", "llama_index", "litellm",
     "instructor", "dspy", "pydantic", "dataclasses", "collections", "asyncio", "logging", "pathlib",
     "groq", "anthropic", "mistralai", "cohere", "together", "fireworks", "google", "vertexai", "boto3",
     "azure", "huggingface_hub", "transformers", "vllm", "ollama", "replicate", "openai"}
)


# What calling an imported name returns, per the meaning of its prefix (migrate/catalog/prefixes.py); the core's
# apply() tries these first, then Evaluator.call_export.
CALLS = PrefixRegistry(prefixes.PYTHON, PYTHON_SEPARATORS)
CALLS.register("openai-sdk", Evaluator._openai_sdk_value)
CALLS.register("instructor", Evaluator._instructor_value)
Evaluator.calls = CALLS
_BARE = Evaluator()  # no module: what sdk_getattr needs takes no symbol table


def _holds_client(value: TupleV) -> bool:
    analyzer = value.scope.analyzer
    return any(isinstance(analyzer.eval(e, value.scope), Client) for e in value.node.elts)


def _client_class(value) -> str | None:
    if isinstance(value, Q):
        return sdk.client_class(value.name)
    return None


def _named(value, name: str, line: int, scope: Scope):
    """Give a string value the origin of the name it was assigned to."""
    if isinstance(value, Str) and (value.origin == "literal" or value.origin.startswith("default of")):
        where = {"module": "constant", "class": "attribute", "function": "variable"}[scope.kind]
        if value.origin == "literal":
            return Str(value.value, f"{where} {name} (line {line})")
    return value


def _attribute_origin(value, attr: str, line: int):
    if isinstance(value, Str) and value.origin.startswith(("variable ", "literal")):
        return Str(value.value, f"attribute {attr} (line {line})")
    return value


def _decorator_name(node) -> str:
    if type(node) is ast.Call:
        node = node.func
    if type(node) is ast.Attribute:
        return node.attr
    if type(node) is ast.Name:
        return node.id
    return ""
