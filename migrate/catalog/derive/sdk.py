"""What the installed OpenAI SDK offers: every endpoint method, its HTTP route and its parameters.

Read from the SDK itself, not from a list: a client is built offline (no request is sent), its resources are
walked (`client.chat.completions`, `client.beta.threads.runs`, ...), and each public method's source is parsed
with `ast` to find the route it calls (`self._post("/chat/completions", ...)`). Helpers that do not call the
HTTP layer themselves (`chat.completions.stream`, `beta.threads.runs.create_and_poll`, `realtime.connect`)
are followed to the method or module function they delegate to, or, for websocket connections, to the path
their connection manager builds.

Imports openai: call only from scripts/generate-catalog and tests, never on the scan path.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

# Keyword arguments every generated SDK method takes that shape the HTTP request, not its JSON body.
REQUEST_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout")
_HTTP_VERBS = {"_post": "POST", "_get": "GET", "_delete": "DELETE", "_put": "PUT", "_patch": "PATCH", "_get_api_list": "GET"}
_CLIENT_CLASSES = ("OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI")
_RESOURCE_VIEWS = {"with_raw_response", "with_streaming_response"}
_ENV_RE = re.compile(r"""(?:environ\.get|getenv|environ\[)\(?\s*["']((?:OPENAI|AZURE_OPENAI)_[A-Z0-9_]+)["']""")


@dataclass
class SdkEndpoint:
    name: str  # "chat.completions.create"
    method: str | None  # "POST", "GET", ..., "WS" for websocket connections; None when not determined
    path: str | None  # "/chat/completions", with path parameters as "{}"
    params: list[str]  # keyword arguments that go into the request (request options excluded)
    params_model: str | None = None  # the request TypedDict the SDK validates the body against, when there is one
    via: str | None = None  # how the route was found when the method does not call the HTTP layer itself
    deprecated: bool = False


@dataclass
class SdkFacts:
    version: str
    endpoints: dict[str, SdkEndpoint] = field(default_factory=dict)
    clients: dict[str, list[str]] = field(default_factory=dict)  # client class -> constructor keywords
    # every importable name of a client class -> the class: "openai._client.Client" -> "OpenAI"
    client_exports: dict[str, str] = field(default_factory=dict)
    module_settings: list[str] = field(default_factory=list)  # `openai.api_key = ...` style attributes (1.x)
    env: list[str] = field(default_factory=list)  # environment variables the SDK reads
    legacy_symbols: list[str] = field(default_factory=list)  # 0.x names that raise APIRemovedInV1


def derive_sdk() -> SdkFacts:
    import openai
    from openai._resource import SyncAPIResource

    client = openai.OpenAI(api_key="catalog-generation", base_url="http://127.0.0.1:9/v1")
    facts = SdkFacts(version=openai.__version__)
    walker = _Walker(SyncAPIResource)
    walker.walk(client, [])
    facts.endpoints = dict(sorted(walker.endpoints.items()))
    facts.clients = _client_keywords(openai)
    facts.client_exports = _client_exports(openai)
    facts.module_settings = _module_settings(openai)
    facts.env = _env_vars(Path(openai.__file__).parent)
    facts.legacy_symbols = _legacy_symbols()
    return facts


class _Walker:
    def __init__(self, resource_base: type) -> None:
        self.resource_base = resource_base
        self.endpoints: dict[str, SdkEndpoint] = {}

    def walk(self, obj: object, path: list[str]) -> None:
        cls = type(obj)
        for name in sorted(dir(cls)):
            if name.startswith("_") or name in _RESOURCE_VIEWS:
                continue
            attr = inspect.getattr_static(cls, name)
            if isinstance(attr, property) or type(attr).__name__ == "cached_property":
                child = getattr(obj, name)
                if isinstance(child, self.resource_base):
                    self.walk(child, [*path, name])
                continue
            if path and inspect.isfunction(attr):
                self.endpoints[".".join([*path, name])] = self._endpoint(cls, attr, ".".join([*path, name]))

    def _endpoint(self, cls: type, fn, name: str) -> SdkEndpoint:
        params = [
            p.name
            for p in inspect.signature(fn).parameters.values()
            if p.name != "self" and p.name not in REQUEST_OPTIONS and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]
        route, via = _route(cls, fn, depth=0)
        method, path = route if route else (None, None)
        deprecated = "deprecated" in (inspect.getdoc(fn) or "").lower()[:200] or hasattr(fn, "__deprecated__")
        return SdkEndpoint(name, method, path, sorted(params), _params_model(fn), via, deprecated)


def _source_tree(fn) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None


def _literal_path(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and node.args:  # path_template("/threads/{thread_id}/runs", thread_id=...)
        node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/"):
        return re.sub(r"\{[^}]*\}", "{}", node.value)
    if isinstance(node, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
        text = "".join(str(p) for p in parts)
        return text if text.startswith("/") else None
    return None


def _route(cls: type, fn, depth: int) -> tuple[tuple[str, str] | None, str | None]:
    """(method, path) of the request `fn` makes, and how it was found when not directly."""
    tree = _source_tree(fn)
    if tree is None or depth > 4:
        return None, None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _HTTP_VERBS and node.args:
            path = _literal_path(node.args[0])
            if path:
                return (_HTTP_VERBS[node.func.attr], path), None
    # Websocket connections: `connect()` returns a manager whose _prepare_url appends the path.
    ws = _websocket_path(fn)
    if ws:
        return ("WS", ws), "websocket connection manager"
    # Otherwise follow what it delegates to, in source order: a sibling method (`self.create(...)`,
    # `resource.create` handed over as a callable) or a module-level helper called as `parse(self, ...)`.
    module = sys.modules.get(fn.__module__)
    candidates = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "resource"):
            if not node.attr.startswith("_"):
                candidates.append((node.lineno, node.col_offset, getattr(cls, node.attr, None), f"delegates to {node.attr}()"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and module is not None:
            if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == "self":
                helper = getattr(module, node.func.id, None)
                if helper is not None:
                    via = f"delegates to {getattr(helper, '__module__', '?')}.{node.func.id}()"
                    candidates.append((node.lineno, node.col_offset, helper, via))
    for _, _, target, via in sorted(candidates, key=lambda c: (c[0], c[1])):
        if inspect.isfunction(target) and target is not fn:
            route, _ = _route(cls, target, depth + 1)
            if route:
                return route, via
    return None, None


def _websocket_path(fn) -> str | None:
    annotation = inspect.signature(fn).return_annotation
    name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    if not name.endswith("ConnectionManager"):
        return None
    module = sys.modules.get(fn.__module__)
    manager = getattr(module, name, None)
    prepare = getattr(manager, "_prepare_url", None)
    tree = _source_tree(prepare) if prepare else None
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, bytes) and len(node.value) > 1 and node.value.startswith(b"/"):
            return node.value.decode()
    return None


def _params_model(fn) -> str | None:
    """The `*_params.XxxParams` TypedDict named in the method's `maybe_transform(...)` call, if any."""
    tree = _source_tree(fn)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("maybe_transform", "async_maybe_transform"):
            if len(node.args) >= 2:
                arg = node.args[1]
                if isinstance(arg, ast.IfExp):
                    arg = arg.orelse
                if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name):
                    return f"{arg.value.id}.{arg.attr}"
    return None


def _client_keywords(openai) -> dict[str, list[str]]:
    out = {}
    for name in _CLIENT_CLASSES:
        cls = getattr(openai, name, None)
        if cls is None:
            continue
        params = inspect.signature(cls.__init__).parameters.values()
        out[name] = sorted(p.name for p in params if p.name != "self" and not p.name.startswith("_") and p.kind is p.KEYWORD_ONLY)
    return out


def _client_exports(openai) -> dict[str, str]:
    """Each name a client class can be imported under: the `openai` package's exports and aliases (openai.Client)
    and the modules that define the classes (`from openai._client import OpenAI`, `from openai.lib.azure import
    AzureOpenAI`), mapped to the class's own name."""
    import importlib

    classes = [getattr(openai, name) for name in _CLIENT_CLASSES if isinstance(getattr(openai, name, None), type)]
    # openai sets each export's __module__ to "openai"; the defining module comes from the constructor's code.
    package = Path(openai.__file__).parent
    defined = {
        ".".join(("openai", *Path(cls.__init__.__code__.co_filename).relative_to(package).with_suffix("").parts))
        for cls in classes
    }
    modules = sorted({"openai", *defined})
    out = {}
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if not name.startswith("_") and any(value is cls for cls in classes):
                out[f"{module_name}.{name}"] = value.__name__
    return dict(sorted(out.items()))


def _module_settings(openai) -> list[str]:
    """Attributes the 1.x module-level client reads (`openai.api_key = ...`): annotated globals of openai/__init__."""
    tree = ast.parse(Path(openai.__file__).read_text(encoding="utf-8"))
    names = [
        node.target.id
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and not node.target.id.startswith("_")
    ]
    return sorted(names)


def _env_vars(package_dir: Path) -> list[str]:
    found: set[str] = set()
    for path in package_dir.rglob("*.py"):
        found.update(_ENV_RE.findall(path.read_text(encoding="utf-8", errors="replace")))
    return sorted(found)


def _legacy_symbols() -> list[str]:
    try:
        from openai.lib._old_api import SYMBOLS
    except ImportError:  # an SDK without the 0.x shims
        return []
    return sorted(SYMBOLS)
