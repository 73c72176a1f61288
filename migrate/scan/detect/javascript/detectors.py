"""What the JS/TS scan reports: one module's findings, from the values the evaluator gives its expressions.

    detector = ModuleDetector(source, "src/app/api/chat/route.ts", "/abs/src/app/api/chat/route.ts", "typescript")
    findings, deferred = detector.run(tree.root_node)

Every finding carries the byte range of its node (`start_byte`, `end_byte`), for the rewrite to edit in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from migrate.catalog import javascript as js
from migrate.catalog import prefixes
from migrate.scan.detect import sdk
from migrate.scan.detect.core.registry import JAVASCRIPT_SEPARATORS, PrefixRegistry
from migrate.scan.detect.javascript.evaluate import (
    FUNCTION_TYPES, Evaluator, Scope, arguments, first_string, object_keys, property_node,
)
from migrate.scan.detect.javascript.modules import is_known_package
from migrate.scan.detect.javascript.values import (
    UNKNOWN, AiModel, ClassValue, Client, Dynamic, Env, Function, Import, Instance, Member, ObjectValue, Pending, Str,
)
from migrate.scan.findings import Finding, Kind

CODE_WIDTH = 160
_SECRET_RE = re.compile(r"\bsk-[A-Za-z0-9_-]{8,}")
_WRAPPER_APIS = ("langchain", "llamaindex")
_HTTP_FUNCTIONS = frozenset({"fetch", "$fetch", "ofetch"})
_BUILT = frozenset({"call_expression", "new_expression", "await_expression", "member_expression"})
# `const X = require("...")`, `const { A, B: C } = await import("...")` anywhere in a file
# (compiled CommonJS wraps the `require` in an interop helper: `var import_openai = __toESM(require("openai"))`)
_REQUIRE_BINDING_RE = re.compile(rb"(?:const|let|var)\s+(\{[^}]*\}|[A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?"
                                 rb"(?:[A-Za-z_$][\w$]*\(\s*)?(?:require|import)\(")
# `import("...").then(({ A }) => ...)`, `.then(function (mod) { ... })`: the callback's parameter is the module
_IMPORT_THEN_RE = re.compile(rb"import\(\s*[\"'`][^\"'`]+[\"'`]\s*\)\s*\.then\(\s*(?:async\s+)?(?:function\s*[\w$]*\s*)?"
                             rb"\(?\s*(\{[^}]*\}|[A-Za-z_$][\w$]*)")


@dataclass(frozen=True)
class JsDeferred:
    """A call through a value another module of the project exports; settled by crossmodule.py."""

    importer: str  # absolute path of the file that makes the call
    source: Import | None  # what the call's receiver was imported as (None: the receiver is known)
    steps: tuple[tuple[str, str], ...]  # from the import to the call (the last step is the call)
    finding: Finding  # the call's finding, less what only the client can tell (api, endpoint, client)
    model_source: Import | None = None  # the model name is a constant another module exports


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    deferred: list[JsDeferred] = field(default_factory=list)


class ModuleDetector(Evaluator):
    def __init__(self, source: bytes, rel: str, path: str, grammar: str,
                 endpoints: frozenset[str] = frozenset()) -> None:
        from migrate.scan.detect.javascript.parse import language_of, ts_language

        super().__init__(source, path)
        self.grammar = ts_language(grammar)
        language = language_of(grammar)
        self.rel = rel
        self.language = language
        self.endpoints = endpoints
        self.report = Report()
        self._emitted: set[tuple[str, int]] = set()
        self._consumed: set[int] = set()  # start bytes of strings and models an HTTP / AI SDK finding used
        self._models: list[tuple[object, AiModel]] = []  # AI SDK model calls, reported alone if no call uses them
        self._lines = source.split(b"\n")
        self._model_import: Import | None = None  # set by _value_model for the finding being built
        self._http_base: str | None = None  # the baseURL of the HTTP client instance being called
        self._root = None
        self._assigned: dict | None = None  # name -> values assigned to it (_assignments)

    # -- walk ----------------------------------------------------------------------------------------------------
    def run(self, root) -> Report:
        """Report the module's findings. Only the nodes that can be findings are visited (a tree-sitter query,
        run in C); the scope of each is built on demand from its ancestors and kept for its siblings."""
        scope = self.bind_module(root)
        last_names = _call_names(self.endpoints)
        roots = self._module_names(scope)
        for node in interesting_nodes(self.grammar, root, self.source):
            kind = node.type
            if kind == "call_expression":
                func = node.child_by_field_name("function")
                if func is None:
                    continue
                if func.type == "member_expression":
                    prop = func.child_by_field_name("property")
                    if prop is None or js.snake(self.text(prop)) not in last_names:
                        continue  # no call with this method name can be a finding
                elif func.type == "identifier" and self.text(func) not in roots:
                    continue  # a local function: what it returns matters only where a call goes through it
                self._on_call(node, self.scope_of(node))
            elif kind == "new_expression":
                ctor = node.child_by_field_name("constructor")
                while ctor is not None and ctor.type == "member_expression":
                    ctor = ctor.child_by_field_name("object")
                if ctor is None or ctor.type != "identifier" or self.text(ctor) not in roots:
                    continue  # `new Map()`, `new Error()`: not a class any OpenAI package exports
                self._on_new(node, self.scope_of(node))
            elif kind in ("string", "template_string"):
                self._on_string(node, None)
            else:
                self._on_env(node)
        for node, model in self._models:
            if model.start_byte not in self._consumed:
                self._ai_finding(node, model, (), False)
        return self.report

    def bind_module(self, root) -> Scope:
        """The module scope, its declarations and exports bound (what run() and another module's imports read)."""
        scope = Scope()
        self.module_scope = scope
        self._root = root
        self.hoist(root, scope, module=True)
        self._scopes = {root.id: scope}
        return scope

    def _module_names(self, scope: Scope) -> frozenset[str]:
        """Names a finding's call or `new` can start from: the module's imports and declarations, every name
        bound by a `require(...)` or `import(...)` anywhere, and the HTTP functions."""
        names = set(_HTTP_FUNCTIONS)
        for name, entry in scope.names.items():
            if entry[0] == "value" and isinstance(entry[1], Import):
                names.add(name)  # imported
            elif entry[0] == "expr" and entry[1] is not None and entry[1].type in _BUILT:
                names.add(name)  # built at module level: `const provider = createOpenAI(...)`, `new OpenAI()`
            elif entry[0] == "value" and isinstance(entry[1], Function):
                names.add(name)  # a factory the module declares: its calls may build a client
        if b"require(" in self.source or b"import(" in self.source:
            for match in (*_REQUIRE_BINDING_RE.finditer(self.source), *_IMPORT_THEN_RE.finditer(self.source)):
                names.update(n.strip().split(":")[-1].strip() for n in match.group(1).decode("utf-8", "replace").strip("{} ").split(","))
        return frozenset(names)

    def scope_of(self, node) -> Scope:
        """The innermost scope around `node`, building (and keeping) the scopes of its ancestors."""
        chain = []
        parent = node.parent
        scope = None
        while parent is not None:
            known = self._scopes.get(parent.id)
            if known is not None:
                scope = known
                break
            if parent.type in _SCOPE_TYPES:
                chain.append(parent)
            parent = parent.parent
        if scope is None:
            scope = self.module_scope
        for ancestor in reversed(chain):
            known = self._scopes.get(ancestor.id)
            if known is None:
                known = self._make_scope(ancestor, scope)
                self._scopes[ancestor.id] = known
            scope = known
        return scope

    def _make_scope(self, node, parent: Scope) -> Scope:
        kind = node.type
        if kind in FUNCTION_TYPES:
            inner = Scope(parent)
            params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
            if params is not None:
                self._bind_parameters(params, inner)
                self._bind_imported_module(node, params, inner)
            body = node.child_by_field_name("body")
            if body is not None and body.type == "statement_block":
                self.hoist(body, inner)
                self._scopes[body.id] = inner
            return inner
        if kind == "statement_block":
            inner = Scope(parent)
            self.hoist(node, inner)
            return inner
        return self._class_scope(node, parent)

    def _bind_parameters(self, params, scope: Scope) -> None:
        """Bind a function's parameters in its scope: unknown, but a string default is a known string and a
        parameter typed with an SDK client class (`client: OpenAI`) is a client built elsewhere."""
        nodes = [params] if params.type == "identifier" else params.named_children
        for param in nodes:
            pattern, default, annotation = param, None, None
            if param.type in ("required_parameter", "optional_parameter"):
                pattern, default = param.child_by_field_name("pattern"), param.child_by_field_name("value")
                annotation = param.child_by_field_name("type")
            elif param.type == "assignment_pattern":
                pattern, default = param.child_by_field_name("left"), param.child_by_field_name("right")
            if pattern is None:
                continue
            if annotation is not None and pattern.type == "identifier":
                name = self.text(pattern)
                client = self.annotation_value(annotation, scope.parent or scope, f"parameter {name}")
                if client is not None:
                    scope.names[name] = ("value", client)
                    continue
            for name, _ in self._pattern(pattern):
                value = Dynamic(f"parameter {name}")
                if default is not None and default.type == "string":
                    literal = self.eval(default, scope)
                    if isinstance(literal, Str):
                        value = Str(literal.value, f"default of parameter {name}")
                scope.names[name] = ("value", value)

    def assigned_value(self, name: str, scope: Scope, declarator):
        """A lazily built client: `let client;` and, in some function, the one `client = new OpenAI(...)` that
        sets it (resets to null / undefined aside), evaluated where it is written."""
        if self._root is None:
            return self.unknown
        values = [value for value in self._assignments().get(name, ())
                  if value.type not in _NO_VALUE and self.scope_of(value).find(name) is scope]
        if len(values) != 1:
            return self.unknown
        return self.eval(values[0], self.scope_of(values[0]))

    def _assignments(self) -> dict:
        """name -> the value nodes of the module's `name = value` assignments (one query, run in C, then kept)."""
        if self._assigned is None:
            import tree_sitter

            self._assigned = {}
            for _, match in tree_sitter.QueryCursor(_query(self.grammar, _ASSIGN)).matches(self._root):
                names, values = match.get("name"), match.get("value")
                if names and values:
                    self._assigned.setdefault(self.text(names[0]), []).append(values[0])
        return self._assigned

    def _bind_imported_module(self, function, params, scope: Scope) -> None:
        """`import("openai").then(({ OpenAI }) => ...)`, `.then((mod) => ...)`: the callback's first parameter is
        the module, as `const { OpenAI } = await import("openai")` would bind it."""
        spec = _then_of_import(self, function)
        nodes = [params] if params.type == "identifier" else params.named_children
        if spec is None or not nodes:
            return
        first = nodes[0]
        pattern = first.child_by_field_name("pattern") if first.type in ("required_parameter", "optional_parameter") \
            else first
        for name, key in self._pattern(pattern) if pattern is not None else ():
            scope.names[name] = ("value", Import(spec, key[0]) if len(key) == 1 else Import(spec, "*") if not key
                                 else UNKNOWN)

    def _class_scope(self, node, scope: Scope) -> Scope:
        """The scope of a class body: `this` is an instance whose fields are the class fields and the
        `this.x = ...` assignments of its methods (TypeScript parameter properties too)."""
        instance = Instance(owner=self)
        inner = Scope(scope, this=instance)
        instance.source = (node, inner)
        return inner

    def instance_fields(self, instance: Instance) -> dict:
        """The fields of a class's instances, read the first time some `this.x` is evaluated."""
        node, inner = instance.source
        instance.fields = {}
        body = node.child_by_field_name("body")
        if body is None:
            return instance.fields
        typed = []  # `private openai: OpenAI;` with no initializer: set by a framework, unless a method sets it
        for member in body.named_children:
            if member.type in ("field_definition", "public_field_definition"):
                name = member.child_by_field_name("property") or member.child_by_field_name("name")
                value = member.child_by_field_name("value")
                if name is not None and value is not None:
                    instance.fields.setdefault(self.text(name), ("expr", value, inner))
                elif name is not None and member.child_by_field_name("type") is not None:
                    typed.append((self.text(name), member.child_by_field_name("type")))
            elif member.type == "method_definition":
                method_body = member.child_by_field_name("body")
                params = member.child_by_field_name("parameters")
                name = member.child_by_field_name("name")
                constructor = name is not None and self.text(name) == "constructor"
                assignments = list(this_assignments(self.grammar, method_body)) if method_body is not None else []
                if not assignments and not constructor:
                    continue
                method_scope = Scope(inner)
                if params is not None:
                    self._bind_parameters(params, method_scope)
                    if constructor:
                        self._parameter_properties(params, method_scope, instance)
                if assignments:
                    self.hoist(method_body, method_scope)
                for left, right in assignments:
                    instance.fields.setdefault(self.text(left), ("expr", right, method_scope))
        for name, annotation in typed:
            if name not in instance.fields:
                client = self.annotation_value(annotation, inner.parent or inner, f"field {name}")
                if client is not None:
                    instance.fields[name] = ("value", client)
        self._inherit(node, inner.parent, instance)
        return instance.fields

    def _inherit(self, node, outer: Scope, instance: Instance) -> None:
        """Fields a base class sets: merged when it is a class of this module, pending when another module's."""
        heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
        if heritage is None or not heritage.named_children:
            return
        base = heritage.named_children[0]
        if base.type == "extends_clause":
            base = base.named_children[0] if base.named_children else None
        value = self.eval(base, outer) if base is not None else UNKNOWN
        if isinstance(value, Import) and not is_known_package(value.module):
            value = Pending(value, (), self.path)
        if isinstance(value, Pending):
            instance.inherited = value
        elif isinstance(value, ClassValue) and value.node.id != node.id:
            parent = value.owner.class_instance(value)
            fields = parent.fields if parent.fields is not None else value.owner.instance_fields(parent)
            for name, entry in fields.items():
                instance.fields.setdefault(name, entry)
            instance.inherited = instance.inherited or parent.inherited

    def class_instance(self, value: ClassValue) -> Instance:
        """An instance of a class value (what `this` is in its methods)."""
        return self._class_scope(value.node, value.scope).this

    def _parameter_properties(self, params, scope: Scope, instance: Instance) -> None:
        """TypeScript's `constructor(private model = "gpt-4o")`, `constructor(private readonly openai: OpenAI)`:
        the parameter is also a field of `this`."""
        for param in params.named_children:
            if param.type not in ("required_parameter", "optional_parameter"):
                continue
            if not any(c.type in ("accessibility_modifier", "override_modifier") or self.text(c) == "readonly"
                       for c in param.children):
                continue
            pattern = param.child_by_field_name("pattern")
            if pattern is not None and pattern.type == "identifier":
                name = self.text(pattern)
                instance.fields.setdefault(name, ("value", self.lookup(name, scope) or UNKNOWN))

    # -- clients -------------------------------------------------------------------------------------------------
    def _on_new(self, node, scope: Scope) -> None:
        self._model_import = None
        value = self.new_expression(node, scope)
        if not isinstance(value, Client):
            return
        if value.api in _WRAPPER_APIS:
            model = self._model_of(node, scope, js.WRAPPER_MODEL_OPTIONS)
            self._emit(node, Kind.WRAPPER, value.api, client=value.cls, endpoint=js.WRAPPER_ENDPOINTS.get(value.cls),
                       model=model[0], model_origin=model[1], parameters=value.options,
                       parameters_dynamic=value.dynamic, detail=value.endpoint)
        elif value.cls != "Configuration":
            self._emit(node, Kind.CLIENT, value.api, client=value.cls, parameters=value.options,
                       parameters_dynamic=value.dynamic, detail=value.endpoint)

    # -- calls ---------------------------------------------------------------------------------------------------
    def _on_call(self, node, scope: Scope) -> None:
        self._model_import = None
        func = node.child_by_field_name("function")
        if func is None:
            return
        if self._http_call(node, func, scope):
            return
        callee = self.eval(func, scope)
        if isinstance(callee, Member):
            self._member_call(node, callee, scope)
        elif isinstance(callee, Import):
            for handler in DETECTORS.handlers(callee.qualified_name):
                if handler(self, node, callee, scope):
                    break
        elif isinstance(callee, Pending):
            self._maybe_defer(node, callee.call(), scope)
        value = self.apply(callee, node, scope) if isinstance(callee, (Import, Client, Member)) else None
        if isinstance(value, AiModel) and value.start_byte == node.start_byte:
            self._models.append((node, value))

    def _member_call(self, node, member: Member, scope: Scope) -> None:
        client, path = member.client, member.path
        if path[-1] in js.RESPONSE_VARIANTS:
            return
        if client.api == "openai":
            name = js.endpoint_name(path)
            helper = js.HELPER_ENDPOINTS.get(name)
            endpoint = helper or name
            if endpoint not in self.endpoints and name not in self.endpoints:
                return
            detail = f"{'.'.join(path)} helper: sends {helper} requests; " if helper else ""
            self._call_finding(node, scope, "openai", endpoint, client, detail)
        elif client.api in ("openai-node-v3", "openai-edge") and path[-1] in js.V3_METHODS and len(path) == 1:
            endpoint = js.V3_METHODS[path[-1]]
            self._call_finding(node, scope, client.api, endpoint, client,
                               f"{path[-1]} of the v3 API (OpenAIApi); openai-node v4+: client.{endpoint}(...); ")
        elif client.api == "azure-openai" and path[-1] in js.AZURE_METHODS:
            args = arguments(node)
            model = self._value_model(self.eval(args[0], scope), args[0]) if args else (None, None)
            self._emit(node, Kind.CALL, client.api, endpoint=js.AZURE_METHODS[path[-1]], client=client.cls,
                       model=model[0], model_origin=model[1], detail=f"{path[-1]} of @azure/openai; {client.endpoint}")

    def _call_finding(self, node, scope: Scope, api: str, endpoint: str, client: Client, detail: str) -> None:
        params, dynamic, model = self._request(node, scope)
        self._emit(node, Kind.CALL, api, endpoint=endpoint, client=client.cls, model=model[0], model_origin=model[1],
                   parameters=params, parameters_dynamic=dynamic, variant=_variant(node),
                   detail=f"{detail}{_client_detail(client)}; {client.endpoint}".strip().rstrip(";"))

    def _request(self, node, scope: Scope):
        """(body keys, keys not statically known, (model, origin)) of a call whose first argument is the body."""
        args = arguments(node)
        if not args:
            return (), False, (None, None)
        body = self._object_node(args[0], scope)
        if body is None:
            return (), True, ("dynamic", f"the request body is {self.text(args[0])[:60]}")
        keys, dynamic = object_keys(self, body)
        model = self._model_of_object(body, scope, ("model",)) if "model" in keys else (None, None)
        return tuple(sorted(set(keys))), dynamic, model

    def _object_node(self, node, scope: Scope):
        """The object literal an argument is, or names (`const body = {...}; create(body)`)."""
        if node.type == "object":
            return node
        if node.type == "identifier":
            found = scope.find(self.text(node))
            if found is not None:
                entry = found.names[self.text(node)]
                if entry[0] == "expr" and entry[1] is not None and entry[1].type == "object" and not entry[3]:
                    return entry[1]
        return None

    def _model_of(self, node, scope: Scope, names) -> tuple[str | None, str | None]:
        args = arguments(node)
        body = self._object_node(args[0], scope) if args else None
        return self._model_of_object(body, scope, names) if body is not None else (None, None)

    def _model_of_object(self, body, scope: Scope, names) -> tuple[str | None, str | None]:
        for name in names:
            value_node = property_node(self, body, name)
            if value_node is not None:
                return self._value_model(self.eval(value_node, scope), value_node)
        return None, None

    def _value_model(self, value, node) -> tuple[str | None, str | None]:
        if isinstance(value, Import) and not is_known_package(value.module):
            self._model_import = value
            return "dynamic", f"{value.name} from {value.module}"
        if isinstance(value, Str):
            if "{" in value.value and value.origin != "literal":
                return "dynamic", f"{value.origin} `{self.text(node)[:60]}`"
            origin = value.origin
            if origin == "literal" and node.type == "identifier":
                origin = f"constant {self.text(node)}"
            return value.value, origin
        if isinstance(value, Env):
            if value.default is not None:
                return value.default.value, f"default of process.env.{value.var}"
            return "dynamic", f"process.env.{value.var}"
        if isinstance(value, Dynamic) and value.origin:
            return "dynamic", value.origin
        return "dynamic", f"`{self.text(node)[:60]}`"

    # -- the detectors registered per qualified-name prefix (DETECTORS below): True when the call was theirs ----
    def _ai_sdk_function_call(self, node, callee: Import, scope: Scope) -> bool:
        if callee.name not in js.AI_SDK_FUNCTIONS:
            return False
        self._ai_sdk_function(node, callee.name, scope)
        return True

    def _ai_sdk_provider_call(self, node, callee: Import, scope: Scope) -> bool:
        if callee.name not in js.AI_SDK_PROVIDER_FACTORIES:
            return False
        client = self.apply(callee, node, scope)
        if isinstance(client, Client):
            self._emit(node, Kind.CLIENT, "ai-sdk", client=callee.name, parameters=client.options,
                       parameters_dynamic=client.dynamic, detail=client.endpoint)
        return True

    # -- Vercel AI SDK -------------------------------------------------------------------------------------------
    def _ai_sdk_function(self, node, function: str, scope: Scope) -> None:
        args = arguments(node)
        options = self._object_node(args[0], scope) if args else None
        if options is None:
            return
        model_node = property_node(self, options, "model")
        model = self.eval(model_node, scope) if model_node is not None else UNKNOWN
        if isinstance(model, Import) and not is_known_package(model.module):
            model = Pending(model, (), self.path)
        keys, dynamic = object_keys(self, options)
        params = tuple(sorted({js.AI_SDK_OPTIONS[k] for k in keys if k in js.AI_SDK_OPTIONS}))
        if isinstance(model, AiModel):
            self._consumed.add(model.start_byte)
            self._ai_finding(node, model, params, dynamic, f"{function}(); ")
        elif isinstance(model, Pending):
            self._defer(node, model, Kind.CALL, "ai-sdk", parameters=params, parameters_dynamic=dynamic,
                        detail=f"{function}(); ")

    def _ai_finding(self, node, model: AiModel, params, dynamic: bool, detail: str = "") -> None:
        name, origin = self._value_model(model.model, node) if model.model is not None else (None, None)
        if isinstance(model.model, Dynamic):
            name, origin = "dynamic", f"`{model.model.origin[:60]}`"
        self._emit(node, Kind.CALL, "ai-sdk", endpoint=model.endpoint, client=model.provider.cls, model=name,
                   model_origin=origin, parameters=params, parameters_dynamic=dynamic,
                   detail=f"{detail}AI SDK provider {model.provider.cls}; {model.provider.endpoint}".strip())

    # -- across modules ------------------------------------------------------------------------------------------
    def _maybe_defer(self, node, pending: Pending, scope: Scope) -> None:
        names = [name for step, name in pending.steps if step == "get"]
        if not names:
            return
        last = names[-1]
        path_names = {js.endpoint_name(names[i:]) for i in range(len(names))}
        if not (path_names & self.endpoints or last in js.V3_METHODS or js.endpoint_name(names) in js.HELPER_ENDPOINTS):
            return
        params, dynamic, model = self._request(node, scope)
        self._defer(node, pending, Kind.CALL, "openai", parameters=params, parameters_dynamic=dynamic,
                    model=model[0], model_origin=model[1], variant=_variant(node))

    def _defer(self, node, pending: Pending, kind: Kind, api: str, **fields) -> None:
        finding = self._finding(node, kind, api, **fields)
        self.report.deferred.append(JsDeferred(pending.importer or self.path, pending.source, pending.steps, finding,
                                               self._model_import))
        self._model_import = None

    # -- raw HTTP, URLs, environment -----------------------------------------------------------------------------
    def _http_call(self, node, func, scope: Scope) -> bool:
        library, method = self._http_callee(func, scope)
        if library is None:
            return False
        args = arguments(node)
        if not args:
            return False
        url_node = args[0]
        options = args[1] if len(args) > 1 else None
        if url_node.type == "object":  # axios({ url, method, data })
            options, url_node = url_node, property_node(self, url_node, "url")
            if url_node is None:
                return False
        url = self.eval(url_node, scope)
        if isinstance(url, Env) and url.default is not None:
            url = url.default
        base = self._http_base
        if base and isinstance(url, Str) and "://" not in url.value:  # an axios instance with a baseURL
            url = Str(base.rstrip("/") + "/" + url.value.lstrip("/"), "baseURL + path")
        if not isinstance(url, Str) or not sdk.OPENAI_HOST_RE.search(url.value):
            return False
        self._consume_strings(url_node, scope)
        body = None
        if options is not None:
            options = self._object_node(options, scope) if options.type != "object" else options
        if library == "axios" and len(args) > 1 and method in ("post", "put", "patch"):
            body = self._object_node(args[1], scope)
            options = args[2] if len(args) > 2 else None
        elif options is not None:
            method = _string_prop(self, options, "method") or method
            body_node = property_node(self, options, "json") or property_node(self, options, "data") \
                or property_node(self, options, "body")
            if body_node is not None and body_node.type == "call_expression" and \
                    self.text(body_node.child_by_field_name("function") or body_node) == "JSON.stringify":
                inner = arguments(body_node)
                body_node = inner[0] if inner else None
            body = self._object_node(body_node, scope) if body_node is not None else None
        keys, dynamic = object_keys(self, body) if body is not None else ((), False)
        model = self._model_of_object(body, scope, ("model",)) if body is not None and "model" in keys else (None, None)
        self._emit(node, Kind.HTTP, "http", endpoint=_route(url.value), client=library, model=model[0],
                   model_origin=model[1], parameters=tuple(sorted(set(keys))), parameters_dynamic=dynamic,
                   detail=f"{(method or 'GET').upper()} {url.value[:200]}")
        return True

    def _http_callee(self, func, scope: Scope) -> tuple[str | None, str | None]:
        self._http_base = None
        if func.type == "identifier":
            name = self.text(func)
            bound = self.lookup(name, scope)
            if bound is None and name in _HTTP_FUNCTIONS:
                return "fetch", "get"
            if isinstance(bound, Import) and bound.module in js.HTTP_PACKAGES and bound.name in ("default", "*", "fetch"):
                return js.HTTP_PACKAGES[bound.module], "get"
            return None, None
        if func.type == "member_expression":
            obj, prop = func.child_by_field_name("object"), func.child_by_field_name("property")
            if obj is None or prop is None or obj.type != "identifier":
                return None, None
            method = self.text(prop)
            if method not in js.HTTP_METHODS:
                return None, None
            bound = self.lookup(self.text(obj), scope)
            if isinstance(bound, Import) and bound.module in js.HTTP_PACKAGES:
                return js.HTTP_PACKAGES[bound.module], method
            if isinstance(bound, Client) and bound.api == "http":  # const api = axios.create({ baseURL })
                self._http_base = bound.endpoint
                return bound.cls, method
        return None, None

    def _consume_strings(self, node, scope: Scope) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in ("string", "template_string"):
                self._consumed.add(current.start_byte)
            stack.extend(current.named_children)

    def _on_string(self, node, scope: Scope) -> None:
        if node.start_byte in self._consumed:
            return
        text = self.text(node)
        if "openai" not in text or not sdk.OPENAI_HOST_RE.search(text):
            return
        parent = node.parent
        if parent is not None and parent.type in ("import_statement", "export_statement"):
            return
        self._emit(node, Kind.URL, "http", detail=text.strip("'\"`")[:200])

    def _on_env(self, node) -> None:
        obj = node.child_by_field_name("object")
        if obj is None or self.text(obj) not in js.ENV_OBJECTS:
            return
        prop = node.child_by_field_name("property") or node.child_by_field_name("index")
        if prop is None:
            return
        name = self.text(prop).strip("'\"`")
        if sdk.ENV_NAME_RE.match(name):
            self._emit(node, Kind.ENV, "env", parameters=(name,), detail=f"environment variable {name}")

    # -- findings ------------------------------------------------------------------------------------------------
    def _emit(self, node, kind: Kind, api: str, **fields) -> None:
        key = (kind.value, node.start_byte)
        if key in self._emitted:
            return
        self._emitted.add(key)
        finding = self._finding(node, kind, api, **fields)
        if self._model_import is not None:  # the model constant lives in another module: settled with it
            self.report.deferred.append(JsDeferred(self.path, None, (), finding, self._model_import))
            self._model_import = None
            return
        self.report.findings.append(finding)

    def _finding(self, node, kind: Kind, api: str, **fields) -> Finding:
        line, column = node.start_point
        end_line, end_column = node.end_point
        raw = self._lines[line] if line < len(self._lines) else b""
        code = _SECRET_RE.sub("sk-****", raw.decode("utf-8", "replace").strip())
        if len(code) > CODE_WIDTH:
            code = code[:CODE_WIDTH - 1] + "…"
        fields["detail"] = (fields.get("detail") or "").strip().rstrip(";")
        return Finding(kind=kind, path=self.rel, line=line + 1, column=column, end_line=end_line + 1,
                       end_column=end_column, api=api, code=code, language=self.language,
                       start_byte=node.start_byte, end_byte=node.end_byte, **fields)


# The JS/TS front end's call detectors, by what the catalog says each qualified-name prefix means.
DETECTORS = PrefixRegistry(prefixes.JAVASCRIPT, JAVASCRIPT_SEPARATORS)
DETECTORS.register("ai-sdk-function", ModuleDetector._ai_sdk_function_call)
DETECTORS.register("ai-sdk-provider", ModuleDetector._ai_sdk_provider_call)


def _then_of_import(ev: Evaluator, function) -> str | None:
    """The package of `import("package").then(function)`, when `function` is that callback."""
    args = function.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    if call is None or call.type != "call_expression" or arguments(call)[:1] != [function]:
        return None
    then = call.child_by_field_name("function")
    if then is None or then.type != "member_expression" or ev.text(then.child_by_field_name("property")) != "then":
        return None
    target = then.child_by_field_name("object")
    func = target.child_by_field_name("function") if target is not None and target.type == "call_expression" else None
    return first_string(ev, target) if func is not None and func.type == "import" else None


def _client_detail(client: Client) -> str:
    """How a call's finding names its client: where it was built, or the annotation that says what it is."""
    if client.origin:
        return f"client {client.cls} from {client.origin} (line {client.line})"
    return f"client {client.cls} (line {client.line})"


def _variant(node) -> str | None:
    parent = node.parent
    if parent is not None and parent.type == "member_expression":
        prop = parent.child_by_field_name("property")
        if prop is not None and prop.text is not None:
            name = prop.text.decode()
            return js.RESPONSE_VARIANTS.get(name)
    return None


def _string_prop(ev: Evaluator, obj, name: str) -> str | None:
    value = property_node(ev, obj, name)
    if value is not None and value.type == "string":
        return ev.text(value).strip("'\"")
    return None


def _route(url: str) -> str:
    text = url if "://" in url else "https://" + url
    try:
        path = urlsplit(text).path
    except ValueError:
        return url
    return path or url


_SCOPE_TYPES = FUNCTION_TYPES | {"statement_block", "class_declaration", "class", "abstract_class_declaration"}
_CALLS = "(call_expression) @node (new_expression) @node"
_THIS = "(assignment_expression left: (member_expression object: (this) property: (_) @prop) right: (_) @value)"
_ASSIGN = "(assignment_expression left: (identifier) @name right: (_) @value)"
_NO_VALUE = frozenset({"null", "undefined"})
_HOST_NEEDLES = (b"openai.com", b"openai.azure.com")
_ENV_NEEDLE = b"OPENAI_"


@lru_cache(maxsize=None)
def _query(language, text: str):
    import tree_sitter

    return tree_sitter.Query(language, text)


@lru_cache(maxsize=8)
def _call_names(endpoints: frozenset[str]) -> frozenset[str]:
    """The method names (in snake case) a call through a member can end with and still be a finding."""
    names = {e.rsplit(".", 1)[-1] for e in endpoints}
    names |= {js.snake(n) for n in (*js.V3_METHODS, *js.AZURE_METHODS, *js.AI_SDK_MODEL_METHODS, *js.AI_SDK_FUNCTIONS,
                                    *js.AI_SDK_PROVIDER_FACTORIES, "runTools", "runFunctions")}
    names |= js.HTTP_METHODS
    return frozenset(names)


def interesting_nodes(language, root, source: bytes) -> list:
    """The nodes that can be findings, in source order: calls and `new` (a query, run in C), and the strings
    and OPENAI_* reads found by a byte search for their text."""
    import tree_sitter

    nodes = list(tree_sitter.QueryCursor(_query(language, _CALLS)).captures(root).get("node", ()))
    seen: set[int] = set()
    for needle in _HOST_NEEDLES:
        i = source.find(needle)
        while i >= 0:
            node = _enclosing(root.descendant_for_byte_range(i, i + len(needle)), ("string", "template_string"))
            if node is not None and node.id not in seen:
                seen.add(node.id)
                nodes.append(node)
            i = source.find(needle, i + len(needle))
    i = source.find(_ENV_NEEDLE)
    while i >= 0:
        node = _enclosing(root.descendant_for_byte_range(i, i + 7), ("member_expression", "subscript_expression"))
        if node is not None and node.id not in seen:
            seen.add(node.id)
            nodes.append(node)
        i = source.find(_ENV_NEEDLE, i + 7)
    nodes.sort(key=lambda n: (n.start_byte, -n.end_byte))
    return nodes


def _enclosing(node, types: tuple[str, ...], depth: int = 3):
    """`node` or one of its nearest ancestors of one of `types` (None when there is none close by)."""
    while node is not None and depth >= 0:
        if node.type in types:
            return node
        node = node.parent
        depth -= 1
    return None


def this_assignments(language, body):
    """(property node, value node) of each `this.x = value` in a method body."""
    import tree_sitter

    for _, match in tree_sitter.QueryCursor(_query(language, _THIS)).matches(body):
        props, values = match.get("prop"), match.get("value")
        if props and values:
            yield props[0], values[0]


__all__ = ["ModuleDetector", "JsDeferred", "Report", "ObjectValue", "Function"]
