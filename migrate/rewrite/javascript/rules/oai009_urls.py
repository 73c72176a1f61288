"""OAI009 hardcoded-urls (JS/TS): api.openai.com URLs that requests go to read the configured base URL.

    const OPENAI_BASE = "https://api.openai.com/v1";      const OPENAI_BASE = process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1";
    fetch("https://api.openai.com/v1/chat/completions")  ->  fetch(`${process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1"}/chat/completions`)
    axios.create({ baseURL: "https://api.openai.com/v1" })  ->  axios.create({ baseURL: process.env.OPENAI_BASE_URL ?? ... })

The URLs come from the scan: the URL of each fetch / axios / got / ky call to OpenAI (followed through
constants, template literals and `+` concatenations to the literal that holds the host), and base-URL
literals: bound to a name that says so (a `const X_BASE_URL`, a `baseURL:` / `apiEndpoint:` option, a parameter
or destructuring default, an assignment to such a variable or property: `this.completionsUrl = "..."`), directly or as the `??` / `||` fallback of the value; one no request was seen to use
gets a review item and a comment saying it was rewritten by its name alone. vLLM serves
the same routes under its /v1, so the path after /v1 is kept. A request to a route vLLM does not serve
(moderations, images, ...) keeps OpenAI's URL, with a review item; URLs inside HTTP mocks (nock, msw,
fetch-mock) are test doubles and are reported, not rewritten; a base-named wss:// URL (the Realtime API's WebSocket)
stays, with a review item; any other api.openai.com string is data about
OpenAI, not a request, and gets a review item only when it looks like an API base.
"""

from __future__ import annotations

from migrate.rewrite.javascript.edits import RuleOutput
from migrate.rewrite.javascript.module import JsModule, arguments, key_name, properties, prop_value, strip_wrappers
from migrate.rewrite.javascript.rules._common import configured, env_var
from migrate.rewrite.javascript.rules.oai003_models import _declaration, unknown_route_unserved, unserved
from migrate.rewrite.patterns import split_url
from migrate.scan.findings import Kind

RULE_ID = "OAI009"
HOST = "api.openai.com"
BASE_KEYS = frozenset({"baseURL", "baseUrl", "prefixUrl", "basePath", "apiBase", "endpoint", "url", "host"})
BASE_WORDS = ("BASE", "URL", "ENDPOINT", "HOST", "API", "ROOT")
MOCK_CALLS = frozenset({"nock", "fetchMock", "fetchMock.mock", "fetchMock.post", "fetchMock.get", "mockFetch",
                        "http.get", "http.post", "http.all", "rest.get", "rest.post", "rest.all", "mock.onPost",
                        "mock.onGet", "mockAxios.onPost", "server.use", "mswServer.use"})
# The (name, value) fields of the nodes that bind a name to a value: a declaration, and the defaults of
# parameters and destructuring patterns (JS grammar: *assignment_pattern; TypeScript's parameters).
_BINDINGS = {"variable_declarator": ("name", "value"), "assignment_pattern": ("left", "right"),
             "object_assignment_pattern": ("left", "right"), "required_parameter": ("pattern", "value"),
             "optional_parameter": ("pattern", "value")}
_NO_PARENS = frozenset({"pair", "arguments", "template_substitution", "return_statement", "assignment_expression",
                        "parenthesized_expression", "expression_statement", *_BINDINGS})


def run(module: JsModule, context) -> RuleOutput:
    rule = _Urls(module, context)
    for finding in module.findings:
        if finding.kind is Kind.HTTP:
            rule.request(finding)
    for finding in module.findings:
        if finding.kind is Kind.URL:
            rule.literal_url(finding)
    return rule.out


class _Urls:
    def __init__(self, module: JsModule, context) -> None:
        self.module = module
        self.context = context
        self.out = RuleOutput()
        self.done: set[int] = set()
        self.base = f"{env_var(module, context.config.base_url_env)} ?? {module.string(context.config.base_url_default)}"

    def request(self, finding) -> None:
        module = self.module
        node = module.node_at(finding.start_byte, finding.end_byte, ("call_expression",))
        if node is None:
            return
        args = arguments(node)
        if not args:
            return
        url = strip_wrappers(args[0])
        if url.type == "object":  # axios({ url, ... })
            prop = properties(module, url).get("url")
            url = prop_value(prop) if prop is not None else None
        literals = self._literals(url, 0)
        if unserved(finding):
            for literal in literals:
                self.done.add(literal.id)
            self.out.note(node.start_byte, f"{finding.detail.split(' ')[0]} {finding.endpoint} is not served by vLLM: "
                                           "this request must keep going to https://api.openai.com/v1 with OpenAI's "
                                           "key (check its URL if a constant it shares was pointed at vLLM)")
            return
        if not literals and url is not None and url.type == "string" and HOST not in module.text(url):
            return  # a path relative to an HTTP client's base URL: that base is a URL finding of its own
        if not literals:
            self.out.note(node.start_byte, f"this request's OpenAI URL is built in a way the rewrite cannot follow "
                                           f"(`{module.snippet(args[0])}`): point it at ${self.context.config.base_url_env}")
        for literal in literals:
            self._rewrite(literal)

    def literal_url(self, finding) -> None:
        module = self.module
        node = module.node_at(finding.start_byte, finding.end_byte, ("string", "template_string"))
        if node is None or node.id in self.done or HOST not in module.text(node):
            return
        mock = _mock_call(module, node)
        if mock is not None:
            self.out.note(node.start_byte, f"an api.openai.com URL in an HTTP mock ({mock}): a test double, not "
                                           "rewritten", comment=False)
            return
        holder = _fallback_holder(module, node)
        if holder is not node and configured(module, holder, self.context.config.openai_upstream_base_url_env):
            return  # OpenAI's URL behind $OPENAI_UPSTREAM_BASE_URL: a client kept on OpenAI on purpose (OAI001)
        name = _bound_name(module, holder)
        if name is None or not _names_a_base(name):
            return
        if _env_assignment(module, holder):  # `process.env.OPENAI_BASE_URL = "https://api.openai.com/v1"`
            self.out.note(node.start_byte, f"{name} is set to OpenAI's URL here, and the SDKs read it: set it to the "
                                           f"vLLM server's URL (${self.context.config.base_url_env} where it runs), "
                                           "or remove it")
            return
        value = _value(module, node)
        if value is not None and value.startswith(("wss://", "ws://")):
            self.out.note(node.start_byte, f"{name}: {value} is a WebSocket URL of OpenAI's Realtime API: left on "
                                           f"OpenAI; {_realtime()}")
            return
        path = split_url(value) if value is not None else None
        if path is None:
            return
        if path and unserved_path(path):
            self.out.note(node.start_byte, f"{name}: {value} is a route vLLM does not serve: left on OpenAI")
            return
        edits = len(self.out.edits)
        self._rewrite(node)
        if len(self.out.edits) > edits:  # by its name alone: say so, since no request was seen to prove it
            self.out.note(node.start_byte, f"{name}: an api.openai.com URL no request in this module was seen to "
                                           f"use, read from ${self.context.config.base_url_env} for its name: the "
                                           "requests built on it must send model names vLLM serves")

    def _literals(self, node, hops: int) -> list:
        """The string / template literals holding the OpenAI host that a URL expression is built from."""
        module = self.module
        node = strip_wrappers(node)
        if node is None or hops > 8:
            return []
        if node.type in ("string", "template_string"):
            found = [node] if HOST in module.text(node) else []
            if node.type == "template_string" and not found:
                for sub in node.named_children:
                    if sub.type == "template_substitution" and sub.named_children:
                        found += self._literals(sub.named_children[0], hops + 1)
                        break  # only the leading part can hold the host
            return found
        if node.type == "binary_expression":
            return self._literals(node.child_by_field_name("left"), hops + 1)
        if node.type == "identifier":
            return self._literals(_declaration(module, module.text(node), node), hops + 1)
        return []

    def _has_v1(self, literal, prefix: str) -> bool:
        """The configured base URL ends in /v1: a URL of OpenAI's bare host (the code adds /v1 itself) cannot take
        it in place, and is left for review."""
        if prefix.endswith("/v1"):
            return True
        self.out.note(literal.start_byte, f"{prefix} without /v1: the code adds the API version itself; point it at "
                                          f"the vLLM server (${self.context.config.base_url_env} without /v1) by hand")
        return False

    def _rewrite(self, literal) -> None:
        module = self.module
        if literal.id in self.done:
            return
        self.done.add(literal.id)
        if literal.type == "template_string":
            fragment = next((c for c in literal.named_children if c.type == "string_fragment" and HOST in module.text(c)),
                            None)
            if fragment is None or fragment.start_byte != literal.start_byte + 1:
                self.out.note(literal.start_byte, f"an api.openai.com URL in the middle of a template: point it at "
                                                  f"${self.context.config.base_url_env} by hand")
                return
            value = module.text(fragment)
            prefix, rest = _split(value)
            if prefix is None or not self._has_v1(literal, prefix):
                return
            self.out.edit(fragment.start_byte, fragment.start_byte + len(prefix.encode()), "${" + self.base + "}")
            return
        value = _value(module, literal)
        prefix, rest = _split(value or "")
        if prefix is None or not self._has_v1(literal, prefix):
            return
        if rest:
            escaped = rest.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
            self.out.edit(literal.start_byte, literal.end_byte, "`${" + self.base + "}" + escaped + "`")
            return
        replacement = self.base
        if literal.parent is not None and literal.parent.type not in _NO_PARENS:
            replacement = f"({replacement})"
        self.out.edit(literal.start_byte, literal.end_byte, replacement)


def _realtime() -> str:
    """What vLLM's /v1/realtime needs (catalog facts: TASK_REQUIREMENTS["realtime"])."""
    from migrate.catalog import facts

    need = facts.TASK_REQUIREMENTS["realtime"]
    return (f"vLLM serves /v1/realtime only when the server runs {need.what} (no speech-to-speech sessions): "
            f"{need.fix} and point this URL at its ws:// address by hand")


def _names_a_base(name: str) -> bool:
    return name in BASE_KEYS or any(w in name.upper() for w in BASE_WORDS)


def _fallback_holder(module: JsModule, node):
    """The expression whose value a literal is: the literal, or the `conf.url ?? "https://..."` (`||`) it is
    the fallback of."""
    parent = node.parent
    if parent is not None and parent.type == "binary_expression" and parent.child_by_field_name("right") == node:
        operator = parent.child_by_field_name("operator")
        if operator is not None and module.text(operator) in ("??", "||"):
            return parent
    return node


def _bound_name(module: JsModule, node) -> str | None:
    """The name a value is bound to: the key of a property, a variable it initialises or is assigned to (the
    property of `this.completionsUrl = ...`), or a binding it is the default of (a parameter's, a destructured
    property's: `{ apiBaseUrl = "https://api.openai.com/v1" } = opts`)."""
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "pair":
        return key_name(module, parent.child_by_field_name("key")) if parent.child_by_field_name("value") == node \
            else None
    if parent.type == "assignment_expression":  # `this.completionsUrl = "https://..."`, `apiBase = "https://..."`
        if parent.child_by_field_name("right") != node:
            return None
        target = strip_wrappers(parent.child_by_field_name("left"))
        if target is not None and target.type == "member_expression":
            target = target.child_by_field_name("property")
        elif target is not None and target.type == "subscript_expression":
            index = target.child_by_field_name("index")
            return _value(module, index) if index is not None and index.type == "string" else None
        return module.text(target) if target is not None and target.type in ("identifier", "property_identifier") \
            else None
    fields = _BINDINGS.get(parent.type)
    if fields is None or parent.child_by_field_name(fields[1]) != node:
        return None
    target = parent.child_by_field_name(fields[0])
    if target is None or target.type not in ("identifier", "shorthand_property_identifier_pattern"):
        return None
    return module.text(target)


def _env_assignment(module: JsModule, node) -> bool:
    """`node` is assigned to an environment variable (`process.env.X = node`, `process.env["X"] = node`)."""
    from migrate.rewrite.javascript.rules._common import env_read

    parent = node.parent
    return parent is not None and parent.type == "assignment_expression" and \
        env_read(module, parent.child_by_field_name("left")) is not None


def _value(module: JsModule, node) -> str | None:
    from migrate.rewrite.javascript.module import string_value

    return string_value(module, node)


def _split(url: str) -> tuple[str | None, str]:
    """("https://api.openai.com/v1", "/chat/completions"): the API root of an OpenAI URL (with /v1 when it has
    it) and the rest; (None, "") when `url` does not start with OpenAI's host."""
    start = url.find(HOST)
    if start < 0 or url[:start] not in ("", "https://", "http://"):
        return None, ""
    root = start + len(HOST)
    if url.startswith(":443", root):
        root += 4
    if url.startswith("/v1", root) and (len(url) == root + 3 or url[root + 3] in "/?#"):
        root += 3
    return url[:root], url[root:]


def unserved_path(path: str) -> bool:
    """A route under OpenAI's /v1 that vLLM does not serve: one the catalog marks so, or one no SDK endpoint has."""
    from migrate.catalog import load_catalog

    route = "/v1/" + path.split("?", 1)[0].split("#", 1)[0].strip("/")
    if route == "/v1/":
        return False  # the API root itself
    endpoint = load_catalog().endpoint_for_route(None, route)
    return unknown_route_unserved(route) if endpoint is None else not endpoint.served


def _mock_call(module: JsModule, node) -> str | None:
    """The HTTP-mock call (nock, msw, fetch-mock, axios-mock-adapter) a string is an argument of, if any."""
    parent = node.parent
    depth = 0
    while parent is not None and depth < 6:
        if parent.type == "call_expression":
            func = parent.child_by_field_name("function")
            name = module.text(func) if func is not None else ""
            if name in MOCK_CALLS or name.split(".")[0] in ("nock", "fetchMock"):
                return name
        parent = parent.parent
        depth += 1
    return None
