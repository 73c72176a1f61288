"""Detect OpenAI use in one parsed Python module: the Python front end's detectors.

`ModuleAnalyzer(tree, ...)` builds the module's symbol table (scopes.py), then `run()` visits every call,
string and attribute once and asks the evaluator (evaluate.py) what they stand for, on demand:

    client = OpenAI()                 -> a client finding, and `client` evaluates to Client("OpenAI")
    client.chat.completions.create()  -> Res(Client("OpenAI"), ("chat", "completions", "create")) called: a call finding

Calls of imported names go to the detectors registered for their qualified-name prefix (DETECTORS, at the end,
over the catalog's table migrate/catalog/prefixes.py). What cannot be resolved here (a client imported from
another module of the project) is returned as `Deferred` and settled by migrate/scan/detect/crossmodule.py.
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass, field

from migrate.catalog import prefixes
from migrate.catalog.values import is_dynamic
from migrate.scan.detect import sdk
from migrate.scan.detect.core.evaluate import client_endpoint, option_evidence
from migrate.scan.detect.core.registry import PYTHON_SEPARATORS, PrefixRegistry
from migrate.scan.detect.literals import call_values, literal
from migrate.scan.detect.python.evaluate import _KNOWN_LIBRARIES, _PARTIAL, Evaluator
from migrate.scan.detect.python.scopes import EXPR, Scope, ScopeBuilder
from migrate.scan.detect.python.values import Client, DictV, Env, HttpMethod, Klass, Partial, Q, QCall, Res, Str
from migrate.scan.findings import Finding, Kind

CODE_WIDTH = 160


@dataclass
class Deferred:
    """A finding that needs another module of the scanned tree: its client, its model, or both.

    receiver: qualified name (and attributes after a call) of the object the SDK method is called on;
    model_ref: qualified name of the constant passed as model=.
    """

    finding: Finding
    receiver: Q | QCall | None = None
    path: tuple[str, ...] = ()  # attribute path after the receiver, method last
    model_ref: Q | None = None
    imports_openai: bool = False
    fallback: Finding | None = None  # what to report when the receiver is not resolved (shape rule), or None


@dataclass
class ModuleReport:
    findings: list[Finding] = field(default_factory=list)
    deferred: list[Deferred] = field(default_factory=list)
    # SDK-shaped calls in a module that does not import openai: reported only where the tree does (see scan())
    shaped: list[Finding] = field(default_factory=list)
    imports_openai: bool = False
    imports_lookalike: bool = False


class ModuleAnalyzer(Evaluator):
    def __init__(self, tree: ast.Module, lines: list[str], path: str, package: str = "", *,
                 endpoints: frozenset[str] = frozenset(), line_map=None, is_setup_py: bool = False) -> None:
        self.tree = tree
        self.lines = lines
        self.path = path
        self.endpoints = endpoints or sdk.HISTORICAL_ENDPOINTS
        self._methods = _endpoint_methods(self.endpoints)
        self.line_map = line_map  # notebook: global line -> (cell, line in cell)
        self.is_setup_py = is_setup_py
        self.init_evaluation()
        self._consumed: set[int] = set()  # string nodes already reported as part of a larger finding
        self.report = ModuleReport()
        builder = ScopeBuilder(self, package)
        self.module_scope = builder.build(tree)
        self.scopes = builder.scopes
        self.imports_openai = builder.imports_openai
        self.report.imports_openai = builder.imports_openai
        self.report.imports_lookalike = builder.imports_lookalike
        self._import_nodes = builder.import_nodes
        text_hint = "\n".join(lines) if len(lines) < 50_000 else ""
        self.mentions_host = "openai.com" in text_hint or "openai.azure.com" in text_hint

    # -- the visit ---------------------------------------------------------------------------------------------
    def run(self) -> ModuleReport:
        for node in self._import_nodes:
            self._on_import_from(node)
        for scope in self.scopes:
            self._visit_scope(scope)
        return self.report

    def release(self) -> None:
        """Break the reference cycles between scopes, classes and this analyzer (the scan runs without
        the cyclic GC, so that parsing thousands of files does not pay for it)."""
        for scope in self.scopes:
            scope.bindings = {}
            scope.klass = None
            scope.analyzer = None
            scope.exprs = []
        for klass in self.classes.values():
            klass.self_attrs.clear()
        for func in self.functions.values():
            func.returned = None  # a memoised return value may hold the function itself
        self.scopes = []
        self.classes = {}
        self.functions = {}
        self._memo = {}
        self.module_scope = None

    def _visit_scope(self, scope: Scope) -> None:
        """Every expression node the scope owns: its roots in source order, each fully (node before children).

        One explicit stack for the whole scope: no per-root set-up, no generic_visit, no recursion.
        """
        stack = scope.exprs[::-1]
        pop, push, append = stack.pop, stack.extend, stack.append
        fields_of = _CHILD_FIELDS
        setup_py = self.is_setup_py
        interesting = _INTERESTING_ATTRS
        on_call, on_attribute, on_subscript, on_string = self._on_call, self._on_attribute, self._on_subscript, self._on_string
        while stack:
            node = pop()
            t = type(node)
            if t is _Name or node is None:
                continue
            if t is _Call:
                on_call(node, scope)
            elif t is _Constant:
                value = node.value
                if type(value) is str and ("openai" in value or setup_py):
                    on_string(node, scope)
                continue
            elif t is _Attribute:
                if node.attr in interesting or type(node.ctx) is _Store:
                    on_attribute(node, scope)
            elif t is _Subscript:
                on_subscript(node, scope)
            elif t is _JoinedStr:
                for part in node.values:
                    if type(part) is _Constant and "openai" in part.value:
                        self._on_joined(node, scope)
                        break
            fields = fields_of.get(t)
            if fields is None:
                fields = _child_fields(t)
            for name in fields:
                value = getattr(node, name)
                if type(value) is list:
                    push(value)
                elif value is not None:
                    append(value)

    # -- findings ----------------------------------------------------------------------------------------------
    def _on_call(self, node: ast.Call, scope: Scope) -> None:
        func = self.eval(node.func, scope)
        if isinstance(func, Res):
            self._sdk_call(node, scope, func)
        elif isinstance(func, Q):
            self._named_call(node, scope, func)
        elif isinstance(func, Klass):
            base = self.client_base(func)
            if base:
                self._client_finding(node, scope, base, f"subclass {func.node.name}")
        elif isinstance(func, QCall):
            self._maybe_defer(node, scope, func, func.attrs)
        elif func is None:
            self._unresolved_call(node, scope)
        if self.mentions_host and type(node.func) in (ast.Attribute, ast.Name):
            self._maybe_http(node, scope, func)

    def _on_joined(self, node: ast.JoinedStr, scope: Scope) -> None:
        """An f-string that names an OpenAI host in its literal parts: f"https://{name}.openai.azure.com"."""
        if any(id(v) in self._consumed for v in node.values):
            return
        text = self.url_text(node, scope)
        if text is not None and sdk.OPENAI_HOST_RE.search(text):
            for v in node.values:
                if type(v) is ast.Constant:
                    self._consumed.add(id(v))  # one finding for the whole f-string, not one per literal part
            self._emit(self._finding(node, Kind.URL, "http", detail=text.strip()[:200]))

    def _sdk_call(self, node: ast.Call, scope: Scope, res: Res) -> None:
        path = res.path
        if len(path) < 2 or path[0] not in sdk.RESOURCES:
            return
        endpoint = ".".join(path)
        client = res.client
        params, dynamic = _keywords(node)
        model, origin, model_ref = self._model(node, scope, ("model",))
        if model is None and dynamic and _takes_model(endpoint):
            model, origin = "dynamic", "**kwargs"
        detail = _join(f"client from {client.origin}" if client.origin else "", client.endpoint)
        if endpoint not in self.endpoints and endpoint not in sdk.HISTORICAL_ENDPOINTS:
            detail = _join(detail, "not an endpoint of the installed openai SDK")
        kind, api = Kind.CALL, "openai"
        if client.via == "instructor":
            kind, api = Kind.WRAPPER, "instructor"
            detail = _join(detail, "through an instructor-patched client")
        finding = self._finding(
            node, kind, api, endpoint=endpoint, client=client.cls, model=model, model_origin=origin,
            parameters=params, parameters_dynamic=dynamic, variant=res.variant, detail=detail,
            values=self._call_values(node, scope),
        )
        self._emit(finding, model_ref)

    def _named_call(self, node: ast.Call, scope: Scope, func: Q) -> None:
        """A call of an imported name: the language's own readers (functools.partial, os.getenv), then the
        detectors registered for the name's prefixes (migrate/catalog/prefixes.py), else maybe another module's."""
        name = func.name
        if name in _PARTIAL:
            partial = self.eval(node, scope)
            if isinstance(partial, Partial):
                self._sdk_call_partial(node, scope, partial.res)
            return
        if name in sdk.ENV_READERS:
            value = self._env_value(node, scope)
            if isinstance(value, Env) and sdk.ENV_NAME_RE.match(value.var):
                self._env_finding(node, value.var)
            return
        for handler in DETECTORS.handlers(func.qualified_name):
            if handler(self, node, scope, name):
                return
        parts = name.split(".")
        if parts[0] not in _KNOWN_LIBRARIES and len(parts) > 2:
            self._maybe_defer(node, scope, func, ())

    # -- the detectors registered per qualified-name prefix: each says whether the name was its to handle ------
    def _openai_sdk_call(self, node: ast.Call, scope: Scope, name: str) -> bool:
        cls = sdk.client_class(name)
        if cls:
            self._client_finding(node, scope, cls, "")
            return True
        parts = name.split(".")
        if len(parts) == 3 and parts[1] in sdk.LEGACY_CLASSES:
            self._legacy_call(node, scope, parts[1], parts[2])
        return True

    def _wrapper_class_call(self, node: ast.Call, scope: Scope, name: str) -> bool:
        wrapper = sdk.wrapper_class(name)
        if wrapper is None:
            return False
        self._wrapper_finding(node, scope, *wrapper)
        return True

    def _litellm_call(self, node: ast.Call, scope: Scope, name: str) -> bool:
        self._litellm(node, scope, name.split("."))
        return True

    def _instructor_call(self, node: ast.Call, scope: Scope, name: str) -> bool:
        fn = name.rsplit(".", 1)[-1]
        if fn not in sdk.INSTRUCTOR_FUNCTIONS:
            return False
        self._instructor(node, scope, fn)
        return True

    def _dspy_lm_call(self, node: ast.Call, scope: Scope, name: str) -> bool:
        if name.rsplit(".", 1)[-1] != "LM":
            return False
        self._dspy_lm(node, scope)
        return True

    def _langchain_init_call(self, node: ast.Call, scope: Scope, name: str) -> bool:
        self._init_chat_model(node, scope, name.rsplit(".", 1)[-1])
        return True

    def _client_finding(self, node: ast.Call, scope: Scope, cls: str, detail: str) -> None:
        params, dynamic = _keywords(node)
        detail = _join(detail, self._client_endpoint(node, scope))
        self._emit(self._finding(node, Kind.CLIENT, "openai", client=cls, parameters=params,
                                 parameters_dynamic=dynamic, detail=detail))

    def _setting_endpoint(self, node: ast.Attribute, scope: Scope) -> str:
        """`openai.base_url = <value>`: what the module-level client talks to, judged like a client's base_url."""
        value = self.stored_values.get(id(node)) if node.attr in ("base_url", "api_base") else None
        if value is None:
            return ""
        found = self.eval(value, scope)
        if not isinstance(found, (Str, Env)):
            return ""
        return client_endpoint(option_evidence(found, ""), None)

    def _wrapper_endpoint(self, node: ast.Call, scope: Scope, detail: str) -> str:
        """A wrapper given a base URL: what it talks to decides, as for an OpenAI client (assess._assess_wrapper)."""
        if not any(kw.arg in sdk.WRAPPER_BASE_KEYWORDS for kw in node.keywords):
            return detail
        return _join(detail, self._client_endpoint(node, scope, _WRAPPER_ENDPOINT_KEYWORDS))

    def _legacy_call(self, node: ast.Call, scope: Scope, cls: str, method: str) -> None:
        params, dynamic = _keywords(node)
        model, origin, model_ref = self._model(node, scope, sdk.LEGACY_MODEL_KEYWORDS)
        if model is None and dynamic and cls in ("ChatCompletion", "Completion", "Embedding", "Edit"):
            model, origin = "dynamic", "**kwargs"
        name = f"{cls}.{method}"
        modern = sdk.LEGACY_MODERN.get(name)
        detail = modern or "no openai>=1 counterpart"
        self._emit(self._finding(node, Kind.CALL, "openai-legacy", endpoint=name, client="module", model=model,
                                 model_origin=origin, parameters=params, parameters_dynamic=dynamic, detail=detail,
                                 values=self._call_values(node, scope)),
                   model_ref)

    def _sdk_call_partial(self, node: ast.Call, scope: Scope, res: Res) -> None:
        path = res.path
        if len(path) < 2 or path[0] not in sdk.RESOURCES:
            return
        params, dynamic = _keywords(node)
        model, origin, model_ref = self._model(node, scope, ("model",))
        detail = "functools.partial: calls of the partial may add parameters"
        if res.client.origin:
            detail = f"client from {res.client.origin}; {detail}"
        self._emit(self._finding(node, Kind.CALL, "openai", endpoint=".".join(path), client=res.client.cls,
                                 model=model, model_origin=origin, parameters=params, parameters_dynamic=dynamic,
                                 variant=res.variant, detail=detail, values=self._call_values(node, scope)), model_ref)

    def _unresolved_call(self, node: ast.Call, scope: Scope) -> None:
        """An SDK-shaped call on an object of unknown type, e.g. a parameter without annotation.

        In a module that does not import openai (a class handed its client by another module: aider's
        `Voice(client)`), the finding is kept aside: the scan reports it only when the tree imports openai and
        no other SDK of the same shape (sdk.LOOKALIKE_SDKS)."""
        if type(node.func) is not ast.Attribute or (not self.imports_openai and self.report.imports_lookalike):
            return
        chain = _attribute_chain(node.func)
        if chain is None:
            return
        finding = self._shape_finding(node, scope, chain)
        if finding is None:
            return
        if self.imports_openai:
            self._emit(finding[0], finding[1])
        elif finding[1] is None:
            self.report.shaped.append(dataclasses.replace(finding[0], detail=(
                "client not resolved: the call has the OpenAI SDK's shape, in a module that does not import openai "
                "of a project that does (the client is handed in from elsewhere)")))

    def _shape_finding(self, node: ast.Call, scope: Scope, chain: list[str]):
        """The finding for `<unknown>.chat.completions.create(...)`: the longest tail of the chain that is
        an SDK endpoint, when it is specific enough to be OpenAI's."""
        last = chain[-1]
        if last in sdk.VARIANTS:
            last = next((c for c in reversed(chain) if c not in sdk.VARIANTS), "")
        if last not in self._methods:
            return None  # no endpoint ends with this method: most unresolved calls stop here
        for start in range(len(chain) - 1):
            tail = [c for c in chain[start:] if c not in sdk.VARIANTS]
            endpoint = ".".join(tail)
            if len(tail) >= 2 and (endpoint in self.endpoints or endpoint in sdk.HISTORICAL_ENDPOINTS):
                if tail[0] in sdk.GENERIC_RESOURCES:
                    return None
                variant = next((c for c in chain[start:] if c in sdk.VARIANTS), None)
                params, dynamic = _keywords(node)
                model, origin, model_ref = self._model(node, scope, ("model",))
                if model is None and dynamic and _takes_model(endpoint):
                    model, origin = "dynamic", "**kwargs"
                finding = self._finding(
                    node, Kind.CALL, "openai", endpoint=endpoint, client=None, model=model, model_origin=origin,
                    parameters=params, parameters_dynamic=dynamic, variant=variant,
                    detail="client not resolved: the call has the OpenAI SDK's shape in a module that imports openai",
                    values=self._call_values(node, scope),
                )
                return finding, model_ref
        return None

    def _maybe_defer(self, node: ast.Call, scope: Scope, receiver, attrs: tuple[str, ...]) -> None:
        """A call through something imported from another module: settled across the tree later."""
        if isinstance(receiver, Q):
            chain = receiver.name.split(".")
        else:
            chain = [*receiver.name.split("."), *attrs]
        if len(chain) < 3 or not any(part in sdk.RESOURCES for part in chain[1:-1]):
            return
        params, dynamic = _keywords(node)
        model, origin, model_ref = self._model(node, scope, ("model",))
        template = self._finding(node, Kind.CALL, "openai", model=model, model_origin=origin, parameters=params,
                                 parameters_dynamic=dynamic, values=self._call_values(node, scope))
        fallback = None
        if self.imports_openai and type(node.func) is ast.Attribute:
            shaped = _attribute_chain(node.func)
            if shaped is not None:
                found = self._shape_finding(node, scope, shaped)
                fallback = found[0] if found else None
        self.report.deferred.append(Deferred(template, receiver, tuple(attrs), model_ref, self.imports_openai, fallback))

    def _emit(self, finding: Finding, model_ref: Q | None = None) -> None:
        if model_ref is not None:
            self.report.deferred.append(Deferred(finding, None, (), model_ref))
        else:
            self.report.findings.append(finding)

    def _model(self, node: ast.Call, scope: Scope, keywords: tuple[str, ...], position: int | None = None):
        """(model, origin, cross-module reference) for a call's model argument."""
        value_node = None
        for kw in node.keywords:
            if kw.arg in keywords:
                value_node = kw.value
                break
        if value_node is None and position is not None and len(node.args) > position:
            value_node = node.args[position]
            if type(value_node) is ast.Starred:
                return "dynamic", "*args", None
        if value_node is None:
            return None, None, None
        return self.model_of(value_node, scope)

    def model_of(self, value_node, scope: Scope):
        value = self.eval(value_node, scope)
        if isinstance(value, Str):
            return value.value, value.origin, None
        if isinstance(value, Env):
            if value.default is not None:
                return value.default.value, f"environment variable {value.var} (default)", None
            return "dynamic", f"environment variable {value.var}", None
        if isinstance(value, Q) and value.name.split(".")[0] not in _KNOWN_LIBRARIES:
            return "dynamic", None, value
        return "dynamic", _describe(value_node), None

    def _on_import_from(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module == sdk.LEGACY_ERRORS_MODULE and not node.level:
            names = tuple(a.name for a in node.names)
            self._emit(self._finding(node, Kind.EXCEPTION, "openai-legacy", endpoint="openai.error",
                                     parameters=names, detail="openai.error is gone in openai>=1"))
        elif module == "openai" and not node.level:
            legacy = [a.name for a in node.names if a.name in sdk.LEGACY_CLASSES or a.name == "error"]
            if "error" in legacy:
                self._emit(self._finding(node, Kind.EXCEPTION, "openai-legacy", endpoint="openai.error",
                                         parameters=("error",), detail="openai.error is gone in openai>=1"))

    def _on_attribute(self, node: ast.Attribute, scope: Scope) -> None:
        ctx = type(node.ctx)
        if ctx is ast.Store:
            base = self.eval(node.value, scope)
            if isinstance(base, Q) and base.name == "openai" and node.attr not in sdk.RESOURCES and node.attr[0] != "_":
                api = "openai-legacy" if node.attr in sdk.LEGACY_SETTINGS else "openai"
                self._emit(self._finding(node, Kind.CONFIG, api, endpoint=f"openai.{node.attr}",
                                         client="module", parameters=(node.attr,),
                                         detail=self._setting_endpoint(node, scope)))
            return
        value = self.eval(node, scope)
        if isinstance(value, Q) and value.name.startswith("openai.error.") and value.name.count(".") == 2:
            self._emit(self._finding(node, Kind.EXCEPTION, "openai-legacy", endpoint=value.name,
                                     parameters=(node.attr,), detail=_legacy_exception_detail(node.attr)))

    def _on_subscript(self, node: ast.Subscript, scope: Scope) -> None:
        base = node.value
        if not ((type(base) is ast.Attribute and base.attr == "environ") or (type(base) is ast.Name and base.id == "environ")):
            return
        value = self._subscript_value(node, scope)
        if isinstance(value, Env) and sdk.ENV_NAME_RE.match(value.var):
            self._env_finding(node, value.var)

    def _env_finding(self, node, var: str) -> None:
        self._emit(self._finding(node, Kind.ENV, "env", parameters=(var,), detail=f"environment variable {var}"))

    def _on_string(self, node: ast.Constant, scope: Scope) -> None:
        text = node.value
        if id(node) in self._consumed:
            return
        if self.is_setup_py:
            self._setup_requirement(node)
        if "openai" in text and sdk.OPENAI_HOST_RE.search(text):
            url = text.strip()
            self._emit(self._finding(node, Kind.URL, "http", detail=url[:200]))

    def _setup_requirement(self, node: ast.Constant) -> None:
        from migrate.scan.detect.textfiles import parse_requirement

        parsed = parse_requirement(node.value)
        if parsed is not None:
            self._emit(self._finding(node, Kind.REQUIREMENT, "requirements", detail=parsed))

    def _maybe_http(self, node: ast.Call, scope: Scope, func) -> None:
        method_name = node.func.attr if type(node.func) is ast.Attribute else node.func.id
        if method_name not in sdk.HTTP_METHODS:
            return
        url_index = 1 if method_name in ("request", "stream") else 0
        url_node = node.args[url_index] if len(node.args) > url_index else None
        if url_node is None:
            url_node = next((kw.value for kw in node.keywords if kw.arg in ("url", "str_or_url")), None)
        if url_node is None:
            return
        url = self.url_text(url_node, scope)
        if isinstance(func, HttpMethod) and url is not None and "://" not in url:
            url = func.client.base_url.rstrip("/") + "/" + url.lstrip("/")
        if url is None or not sdk.OPENAI_HOST_RE.search(url):
            return
        for sub in ast.walk(url_node):
            if type(sub) is ast.Constant:
                self._consumed.add(id(sub))
        http_method = method_name.upper()
        if method_name in ("request", "stream"):
            first = self.eval(node.args[0], scope) if node.args else None
            http_method = first.value.upper() if isinstance(first, Str) else "REQUEST"
        route = _route(url)
        library = None
        if isinstance(func, (Q, QCall)) and func.name.split(".")[0] in sdk.HTTP_LIBRARIES:
            library = func.name.split(".")[0]
        elif isinstance(func, HttpMethod):
            library = func.client.library
        body_keys, dynamic, model, origin, model_ref = self._http_body(node, scope)
        self._emit(self._finding(node, Kind.HTTP, "http", endpoint=route, client=library, model=model,
                                 model_origin=origin, parameters=body_keys, parameters_dynamic=dynamic,
                                 detail=f"{http_method} {url[:200]}"), model_ref)

    def _http_body(self, node: ast.Call, scope: Scope):
        body = next((kw.value for kw in node.keywords if kw.arg in ("json", "data", "content")), None)
        if body is None:
            return (), False, None, None, None
        value = self.eval(body, scope)
        if type(body) is ast.Call and body.args:  # json.dumps({...})
            value = self.eval(body.args[0], scope)
        if not isinstance(value, DictV):
            return (), True, None, None, None
        keys, dynamic, model, origin, model_ref = [], False, None, None, None
        for k, v in zip(value.node.keys, value.node.values):
            if k is None:
                dynamic = True
            elif type(k) is ast.Constant and type(k.value) is str:
                keys.append(k.value)
                if k.value == "model":
                    model, origin, model_ref = value.scope.analyzer.model_of(v, value.scope)
            else:
                dynamic = True
        return tuple(sorted(keys)), dynamic, model, origin, model_ref

    # -- wrappers ----------------------------------------------------------------------------------------------
    def _wrapper_finding(self, node: ast.Call, scope: Scope, api: str, cls: str) -> None:
        params, dynamic = _keywords(node)
        model, origin, model_ref = self._model(node, scope, sdk.WRAPPER_MODEL_KEYWORDS)
        model, note = _strip_provider(model)
        note = self._wrapper_endpoint(node, scope, note)
        self._emit(self._finding(node, Kind.WRAPPER, api, endpoint=cls, client=cls, model=model, model_origin=origin,
                                 parameters=params, parameters_dynamic=dynamic, detail=note), model_ref)

    def _litellm(self, node: ast.Call, scope: Scope, parts: list[str]) -> None:
        fn = parts[-1]
        if fn == "Router":
            model = None
            for sub in ast.walk(node):
                if type(sub) is ast.Constant and type(sub.value) is str and _openai_model_string(sub.value):
                    model = sub.value
                    break
            if model is None:
                return
            model, note = _strip_provider(model)
            params, dynamic = _keywords(node)
            self._emit(self._finding(node, Kind.WRAPPER, "litellm", endpoint="litellm.Router", client="Router",
                                     model=model, model_origin="literal", parameters=params,
                                     parameters_dynamic=dynamic, detail=_join("first OpenAI model of model_list", note)))
            return
        if fn not in sdk.LITELLM_FUNCTIONS:
            return
        params, dynamic = _keywords(node)
        model, origin, model_ref = self._model(node, scope, ("model",), position=0)
        if model is None and not dynamic:
            return
        if model not in (None, "dynamic") and not _openai_model_string(model):
            return  # another provider: LiteLLM does not send it to OpenAI
        model, note = _strip_provider(model)
        self._emit(self._finding(node, Kind.WRAPPER, "litellm", endpoint=f"litellm.{fn}", client=fn, model=model,
                                 model_origin=origin, parameters=params, parameters_dynamic=dynamic, detail=self._wrapper_endpoint(node, scope, note)),
                   model_ref)

    def _instructor(self, node: ast.Call, scope: Scope, fn: str) -> None:
        params, dynamic = _keywords(node)
        inner = self.eval(node.args[0], scope) if node.args else None
        model, origin, model_ref = (None, None, None)
        if fn == "from_provider":
            model, origin, model_ref = self._model(node, scope, ("model",), position=0)
            if model not in (None, "dynamic") and not _openai_model_string(model):
                return
        elif not isinstance(inner, Client) and fn != "patch":
            if fn == "from_litellm":
                return
        model, note = _strip_provider(model)
        cls = inner.cls if isinstance(inner, Client) else None
        self._emit(self._finding(node, Kind.WRAPPER, "instructor", endpoint=f"instructor.{fn}", client=cls or "instructor",
                                 model=model, model_origin=origin, parameters=params, parameters_dynamic=dynamic,
                                 detail=self._wrapper_endpoint(node, scope, note)), model_ref)

    def _dspy_lm(self, node: ast.Call, scope: Scope) -> None:
        model, origin, model_ref = self._model(node, scope, ("model",), position=0)
        if model not in (None, "dynamic") and not _openai_model_string(model):
            return
        params, dynamic = _keywords(node)
        model, note = _strip_provider(model)
        self._emit(self._finding(node, Kind.WRAPPER, "dspy", endpoint="dspy.LM", client="dspy.LM", model=model,
                                 model_origin=origin, parameters=params, parameters_dynamic=dynamic, detail=self._wrapper_endpoint(node, scope, note)),
                   model_ref)

    def _init_chat_model(self, node: ast.Call, scope: Scope, fn: str) -> None:
        model, origin, model_ref = self._model(node, scope, ("model",), position=0)
        provider = self._arg(node, 99, "model_provider", scope)
        provider_name = provider.value if isinstance(provider, Str) else None
        openai_provider = provider_name in ("openai", "azure_openai")
        if not openai_provider:
            if provider_name is not None or (model not in (None, "dynamic") and not _openai_model_string(model, ":")):
                return
        params, dynamic = _keywords(node)
        model, note = _strip_provider(model, ":")
        self._emit(self._finding(node, Kind.WRAPPER, "langchain", endpoint=fn, client=fn, model=model,
                                 model_origin=origin, parameters=params, parameters_dynamic=dynamic, detail=self._wrapper_endpoint(node, scope, note)),
                   model_ref)

    # -- building findings -------------------------------------------------------------------------------------
    def _call_values(self, node: ast.Call, scope: Scope) -> tuple[tuple[str, str], ...]:
        """The call's keyword values as JSON (migrate/scan/detect/literals.py), constants resolved by the detector."""
        def resolve(expr):
            value = self.eval(expr, scope)
            if isinstance(value, Str):
                return value.value
            if type(expr) is ast.Name:  # a module constant bound once to a literal: MAX_TOKENS = 4096
                where, bindings = self._binding_scope(expr.id, scope)
                if where is not None and where.kind == "module" and len(bindings) == 1 and bindings[0][1] == EXPR \
                        and isinstance(bindings[0][2], ast.AST):
                    found = literal(bindings[0][2])
                    return None if is_dynamic(found) else found
            return None

        return call_values(node, resolve)

    def _finding(self, node, kind: Kind, api: str, **fields) -> Finding:
        line, col = node.lineno, node.col_offset
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None) or col
        code = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        code = mask_secrets(code)
        if len(code) > CODE_WIDTH:
            code = code[: CODE_WIDTH - 1] + "…"
        cell = None
        if self.line_map is not None:
            cell, line = self.line_map(line)
            end_cell, end_line = self.line_map(end_line)
            if end_cell != cell:
                end_line = line
        fields.setdefault("detail", "")
        fields["detail"] = fields["detail"] or ""
        return Finding(kind=kind, path=self.path, line=line, column=col, end_line=end_line, end_column=end_col,
                       api=api, cell=cell, code=code, **fields)


# -- helpers ---------------------------------------------------------------------------------------------------
# -- helpers ---------------------------------------------------------------------------------------------------
_Name, _Call, _Constant, _Attribute, _Subscript, _Store = ast.Name, ast.Call, ast.Constant, ast.Attribute, ast.Subscript, ast.Store
_JoinedStr = ast.JoinedStr


_NOT_CHILDREN = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "kind", "conversion", "is_async", "type_comment",
                           "level", "names", "name", "cls", "kwd_attrs", "rest", "asname", "module"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(t: type) -> tuple[str, ...]:
    """The fields of a node type that may hold expression nodes (computed once per type)."""
    if not (isinstance(t, type) and issubclass(t, ast.AST)):
        fields: tuple[str, ...] = ()
    else:
        fields = tuple(f for f in t._fields if f not in _NOT_CHILDREN)
    _CHILD_FIELDS[t] = fields
    return fields


_last_methods: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


def _endpoint_methods(endpoints: frozenset[str]) -> frozenset[str]:
    """The last segments (method names) of the endpoints and of the historical ones; the scan passes the
    same set for every file, so the last answer is kept."""
    global _last_methods
    known, methods = _last_methods
    if known is endpoints or known == endpoints:
        return methods
    methods = frozenset(e.rpartition(".")[2] for e in endpoints | sdk.HISTORICAL_ENDPOINTS)
    _last_methods = (endpoints, methods)
    return methods


_WRAPPER_ENDPOINT_KEYWORDS = {**dict.fromkeys(sdk.WRAPPER_KEY_KEYWORDS, "api_key"),
                              **dict.fromkeys(sdk.WRAPPER_BASE_KEYWORDS, "base_url")}
# Attributes worth a look when read, not only when set: 0.x settings and exception names (openai.error.X).
_INTERESTING_ATTRS = sdk.LEGACY_SETTINGS | sdk.LEGACY_EXCEPTIONS


_MODEL_ENDPOINT_PREFIXES = ("chat.", "beta.chat.", "completions.", "embeddings.", "responses.create",
                            "responses.parse", "responses.stream", "audio.", "images.", "moderations.")


def _describe(node) -> str | None:
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 - unparse of exotic trees
        return None
    return f"expression {text[:60]}" + ("…" if len(text) > 60 else "")


def _takes_model(endpoint: str) -> bool:
    return endpoint.startswith(_MODEL_ENDPOINT_PREFIXES)


def _keywords(node: ast.Call) -> tuple[tuple[str, ...], bool]:
    names = sorted({kw.arg for kw in node.keywords if kw.arg is not None})
    dynamic = any(kw.arg is None for kw in node.keywords) or any(type(a) is ast.Starred for a in node.args)
    return tuple(names), dynamic


def _attribute_chain(node) -> list[str] | None:
    chain = []
    while type(node) is ast.Attribute:
        chain.append(node.attr)
        node = node.value
    if not chain:
        return None
    chain.reverse()
    return chain


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a and b else a or b


def _openai_model_string(model: str, sep: str = "/") -> bool:
    from migrate.catalog.facts import is_openai_model

    if sep in model:
        provider, _, rest = model.partition(sep)
        return provider in sdk.OPENAI_PROVIDERS or provider == "azure_openai"
    if "/" in model or ":" in model:
        return False
    return is_openai_model(model)


def _strip_provider(model: str | None, sep: str = "/") -> tuple[str | None, str]:
    if model and sep in model:
        provider, _, rest = model.partition(sep)
        if provider in sdk.OPENAI_PROVIDERS or provider == "azure_openai":
            return rest, f'model string "{model}"'
    return model, ""


def _route(url: str) -> str:
    import re

    match = re.search(r"openai\.com(/[^\s?#'\"]*)|openai\.azure\.com(/[^\s?#'\"]*)", url)
    if match:
        return match.group(1) or match.group(2)
    return url


def _legacy_exception_detail(name: str) -> str:
    from migrate.catalog.facts import LEGACY_EXCEPTIONS

    replacement = LEGACY_EXCEPTIONS.get(name)
    return f"openai>=1: {replacement}" if replacement else "openai.error is gone in openai>=1"


def mask_secrets(code: str) -> str:
    """Hide API keys written in code: sk-... keys and the values of *KEY*/*TOKEN*/*SECRET* assignments."""
    if "sk-" in code:
        import re

        code = re.sub(r"\bsk-[A-Za-z0-9_-]{8,}", "sk-****", code)
    return code


# The Python front end's detectors, by what the catalog says each qualified-name prefix means.
DETECTORS = PrefixRegistry(prefixes.PYTHON, PYTHON_SEPARATORS)
DETECTORS.register("openai-sdk", ModuleAnalyzer._openai_sdk_call)
DETECTORS.register("wrapper-class", ModuleAnalyzer._wrapper_class_call)
DETECTORS.register("litellm", ModuleAnalyzer._litellm_call)
DETECTORS.register("instructor", ModuleAnalyzer._instructor_call)
DETECTORS.register("dspy-lm", ModuleAnalyzer._dspy_lm_call)
DETECTORS.register("langchain-init", ModuleAnalyzer._langchain_init_call)
