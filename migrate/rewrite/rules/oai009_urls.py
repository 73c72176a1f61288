"""OAI009 hardcoded-urls: an api.openai.com URL that reaches an HTTP call or a client's base URL reads the
configured base URL instead.

    API_BASE = "https://api.openai.com/v1"
    requests.post(API_BASE + "/chat/completions", ...)
->  API_BASE = os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")

vLLM serves the same routes under its /v1, so the path after /v1 is kept. A URL string is rewritten only where
it flows into a request: an argument of a requests / httpx / aiohttp / urllib call, or a `base_url=`-like
argument of a client, directly or through constants, variables, attributes of the class, dict values,
concatenations, f-strings and what the module's own functions return (`url, headers = endpoint_and_headers()`),
followed within the module. Everywhere else it is data about OpenAI, not a
request to it, and stays as it is: dict keys, `if url != "https://api.openai.com/..."` sentinels, redirect
tables, logging, docstrings. A module constant that another module of the tree imports and sends requests to
(found by the plan's first phase, migrate/rewrite/url_exports.py) is rewritten where it is defined; one that
reaches no request, here or in a module that imports it, gets a note. HTTP mocks (`responses`, `respx`, `requests_mock`, `pytest_httpx`, `aioresponses`) are test
doubles, also when the mock object is bound by an assignment (`m = aioresponses()`), not a `with` or a
fixture: they are rewritten only with `--include-tests`. A URL of a route vLLM does not serve (images, text to
speech, moderations, ...) keeps OpenAI's host, with a note: that request stays on OpenAI. URLs inside f-strings are left for review (the
quoting cannot be changed safely).
"""

from __future__ import annotations

import libcst as cst

from migrate.rewrite.patterns import split_url
from migrate.rewrite.rules import _walk as walk
from migrate.rewrite.rules._base import (
    AZURE_CLASSES,
    CLIENT_CLASSES,
    RuleTransformer,
    env_read,
    literal_str,
    needs_parens,
    string,
)
from migrate.rewrite.rules._values import Flow

from migrate.rewrite.rules._sinks import (  # noqa: F401 - the rule's vocabulary, read here and by url_exports
    HTTP_RECEIVER_WORDS,
    AMBIGUOUS_METHODS,
    BASE_KEYWORDS,
    HOST,
    HTTP_LIBRARIES,
    HTTP_METHODS,
    MOCK_FIXTURES,
    MOCK_LIBRARIES,
)

def wanted(source: str, state) -> bool:
    return HOST in source


class Transformer(RuleTransformer):
    RULE_ID = "OAI009"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.flowing: set[cst.CSTNode] = set()  # the literals (and f-string parts) that reach a request
        self.exported: dict[cst.CSTNode, str] = {}  # module constants that reach nothing here -> their name
        self.unserved_paths: dict[cst.CSTNode, str] = {}  # base + "/images/generations" -> the route vLLM lacks
        self.mocked: set[cst.CSTNode] = set()  # api.openai.com literals an HTTP mock of this module matches

    # -- analysis: which URL strings reach a request ------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> bool:
        self.flow = Flow(self)
        include_tests = bool(self.state.options.get("include_tests"))
        rule = self
        sinks: list[cst.BaseExpression] = []
        strings: list[cst.CSTNode] = []  # every string part that may spell the host (escapes included)

        class Sinks(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                sinks.extend(rule._sink_args(call, include_tests))

            def visit_SimpleString(self, string: cst.SimpleString) -> None:
                if HOST in string.value or "\\" in string.value:
                    strings.append(string)

            def visit_ConcatenatedString(self, string: cst.ConcatenatedString) -> None:
                if HOST in (literal_str(string) or ""):  # "https://api.open" "ai.com"
                    strings.append(string)

            def visit_FormattedStringText(self, text: cst.FormattedStringText) -> None:
                if HOST in text.value:
                    strings.append(text)

        walk.visit(node, Sinks())
        for sink in sinks:
            self._reach(sink, 0, set())
        self._find_exported(node)
        # a constant another module of the tree sends requests to (the plan's phase one): it flows into a request
        sent = getattr(self.state.flow, "urls_sent", frozenset())
        for value, name in list(self.exported.items()):
            if name in sent:
                self.flowing.add(value)
                del self.exported[value]
        self.edits_base = any(split_url(literal_str(n) or "") == "" for n in self.flowing)
        # What the hooks below act on: a string whose value holds the host (a concatenation holds such a part), an
        # f-string part that does, a concatenation or f-string that names a route vLLM does not serve.
        self.visit_only(node, [*strings, *self.unserved_paths])
        return True

    def _sink_args(self, call: cst.Call, include_tests: bool) -> list[cst.BaseExpression]:
        if self.qname_in(call.func, CLIENT_CLASSES, called_by=call) or self.qname_in(call.func, AZURE_CLASSES, called_by=call):
            return []  # OAI001 decided about the SDK's own clients
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else (
            call.func.value if isinstance(call.func, cst.Name) else None)
        mock = self._is_mock(call)
        if mock and not include_tests:
            self.mocked.update(a.value for a in call.args if not a.star and HOST in (literal_str(a.value) or ""))
            return []
        out = [a.value for a in call.args if a.keyword is not None and a.keyword.value in BASE_KEYWORDS]
        if method in HTTP_METHODS or mock or (method in AMBIGUOUS_METHODS and self._http_receiver(call)):
            positional = [a.value for a in call.args if a.keyword is None and not a.star]
            out.extend(positional[:2])  # request(method, url) / post(url, ...)
        return out

    def _http_receiver(self, call: cst.Call) -> bool:
        """requests.get(...), httpx.AsyncClient().get(...), session.get(...), self.http.get(...): not dict.get."""
        if any(q.split(".")[0] in HTTP_LIBRARIES for q in self.qnames_if(call.func, HTTP_LIBRARIES, called_by=call)):
            return True
        if not isinstance(call.func, cst.Attribute):
            return False
        receiver = call.func.value
        if isinstance(receiver, cst.Call):
            return any(q.split(".")[0] in HTTP_LIBRARIES for q in self.qnames_if(receiver.func, HTTP_LIBRARIES, called_by=receiver))
        name = receiver.attr.value if isinstance(receiver, cst.Attribute) else getattr(receiver, "value", "")
        return isinstance(name, str) and any(word in name.lower() for word in HTTP_RECEIVER_WORDS)

    def _is_mock(self, call: cst.Call) -> bool:
        node = call.func
        while isinstance(node, (cst.Attribute, cst.Call)):
            node = node.value if isinstance(node, cst.Attribute) else node.func
        if isinstance(node, cst.Name) and node.value in MOCK_FIXTURES:
            return True
        names = self.qnames_if(call.func, MOCK_LIBRARIES, called_by=call) | (self.qnames_if(node, MOCK_LIBRARIES) if isinstance(node, cst.Name)
                                                                 else set())
        if any(q.split(".")[0] in MOCK_LIBRARIES for q in names):
            return True
        if isinstance(node, cst.Name) and not self._spells_no_mock_library():
            # `with requests_mock.Mocker() as m: m.post(...)`
            for target in self.flow.referents(node):
                bound = self._with_item(target) or self._mock_built(target)
                if bound is not None and any(q.split(".")[0] in MOCK_LIBRARIES for q in self.qnames_if(bound, MOCK_LIBRARIES)):
                    return True
        return False

    def _mock_built(self, target: cst.CSTNode) -> cst.CSTNode | None:
        """`m = aioresponses(); m.start(); m.add(url=...)`: the callee that built the object bound to `target`."""
        value = self.flow.assigned_expr(target)
        return value.func if isinstance(value, cst.Call) else None

    def _spells_no_mock_library(self) -> bool:
        """No name of the module can come from a mock library (it never spells one): then no `with` target is a
        mock, and the scope analysis that follows names to their `with` is not needed."""
        index = self.state.import_index()
        return index is not None and index.never_spells(MOCK_LIBRARIES)

    def _with_item(self, target: cst.CSTNode) -> cst.CSTNode | None:
        parent = self.parent(target)
        if isinstance(parent, cst.AsName):
            item = self.parent(parent)
            if isinstance(item, cst.WithItem):
                inner = item.item
                return inner.func if isinstance(inner, cst.Call) else inner
        return None

    def _reach(self, expr: cst.CSTNode, depth: int, seen: set[int]) -> None:
        """Mark every URL literal whose value can flow into `expr`."""
        if depth > 10 or id(expr) in seen:
            return
        seen.add(id(expr))
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            if literal_str(expr) is not None:
                self.flowing.add(expr)
                return
        if isinstance(expr, cst.FormattedString):
            self._note_unserved_path(expr, "".join(p.value for p in expr.parts if isinstance(p, cst.FormattedStringText)))
            for part in expr.parts:
                if isinstance(part, cst.FormattedStringText):
                    self.flowing.add(part)
                else:
                    self._reach(part.expression, depth + 1, seen)
            return
        if isinstance(expr, cst.Name):
            for target in self.flow.referents(expr):
                if isinstance(target, cst.Param):
                    if target.default is not None:
                        self._reach(target.default, depth + 1, seen)
                    continue
                value = self.flow.assigned_expr(target)
                if value is not None:
                    self._reach(value, depth + 1, seen)
                    continue
                unpacked = self._unpacked(target)
                if unpacked is not None:
                    self._reach_item(*unpacked, depth + 1, seen)
            return
        if isinstance(expr, cst.Attribute):
            if isinstance(expr.value, cst.Name) and expr.value.value in ("self", "cls"):
                for value in self.flow.class_assignments(expr):
                    self._reach(value, depth + 1, seen)
            else:
                self._reach(expr.value, depth + 1, seen)  # "https://...".format(...) reaches through .format
            return
        if isinstance(expr, cst.Dict):
            for element in expr.elements:
                self._reach(element.value, depth + 1, seen)  # values, never keys
            return
        if isinstance(expr, cst.Call):
            self._reach(expr.func, depth + 1, seen)
            for arg in expr.args:
                self._reach(arg.value, depth + 1, seen)
            for returned in self._returned(expr):
                self._reach(returned, depth + 1, seen)
            return
        if isinstance(expr, cst.Subscript):
            self._reach(expr.value, depth + 1, seen)
            return
        if isinstance(expr, cst.BinaryOperation):
            right = literal_str(expr.right)
            if right is not None and not isinstance(expr.left, (cst.SimpleString, cst.ConcatenatedString)):
                self._note_unserved_path(expr, right)
            self._reach(expr.left, depth + 1, seen)
            self._reach(expr.right, depth + 1, seen)
            return
        if isinstance(expr, cst.IfExp):
            self._reach(expr.body, depth + 1, seen)
            self._reach(expr.orelse, depth + 1, seen)
            return
        if isinstance(expr, cst.BooleanOperation):
            self._reach(expr.left, depth + 1, seen)
            self._reach(expr.right, depth + 1, seen)
            return
        if isinstance(expr, (cst.List, cst.Tuple)):
            for element in expr.elements:
                self._reach(element.value, depth + 1, seen)

    def _unpacked(self, target: cst.CSTNode) -> tuple[cst.BaseExpression, int] | None:
        """`url, headers = <value>` -> (value, 0) for the target `url`; None for any other binding."""
        element = self.parent(target)
        sequence = self.parent(element) if isinstance(element, cst.Element) else None
        if not isinstance(sequence, (cst.Tuple, cst.List)) or any(isinstance(e, cst.StarredElement)
                                                                   for e in sequence.elements):
            return None
        value = self.flow.assigned_expr(sequence)
        return (value, sequence.elements.index(element)) if value is not None else None

    def _reach_item(self, expr: cst.BaseExpression, index: int, depth: int, seen: set[int]) -> None:
        """Mark the URL literals that can flow into item `index` of `expr` (a tuple, or a call returning one)."""
        if isinstance(expr, (cst.Tuple, cst.List)) and not any(isinstance(e, cst.StarredElement) for e in expr.elements):
            if index < len(expr.elements):
                self._reach(expr.elements[index].value, depth, seen)
            return
        if isinstance(expr, cst.Call) and self._returned(expr):
            for returned in self._returned(expr):
                self._reach_item(returned, index, depth + 1, seen)
            return
        self._reach(expr, depth, seen)

    def _returned(self, call: cst.Call) -> list[cst.BaseExpression]:
        """What a call of a function of this module can return: the values of its `return` statements (the URL a
        helper builds, `return "https://api.openai.com/v1/completions", headers`, reaches the request it feeds)."""
        if not isinstance(call.func, cst.Name):
            return []
        returned: list[cst.BaseExpression] = []
        for target in self.flow.referents(call.func):
            if isinstance(target, cst.FunctionDef):
                returned.extend(_return_values(target))
        return returned

    def _note_unserved_path(self, node: cst.CSTNode, text: str) -> None:
        """A request built from a base URL and the path of a route vLLM does not serve: once the base moves to
        vLLM, that request fails there."""
        path = text[text.find("/"):] if "/" in text and "://" not in text else None
        route = _unserved("https://api.openai.com/v1" + path.removeprefix("/v1")) if path else None
        if route is not None:
            self.unserved_paths[node] = route

    def leave_BinaryOperation(self, original, updated):
        self._unserved_note(original)
        return updated

    def leave_FormattedString(self, original, updated):
        self._unserved_note(original)
        return updated

    def _unserved_note(self, original) -> None:
        route = self.unserved_paths.get(original)
        if route is not None and self.edits_base:
            self.review(original, f"{route} is not served by vLLM: once the base URL points at vLLM this request "
                                  "fails there; keep OpenAI's URL for it")

    def _find_exported(self, module: cst.Module) -> None:
        """Module constants, and class attributes (a settings model's field default: pymemgpt 0.3.25's
        `model_endpoint: Optional[str] = "https://api.openai.com/v1"`), holding an OpenAI URL that nothing in the
        module sends a request to."""
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef) and isinstance(stmt.body, cst.IndentedBlock):
                self._find_exported_in(stmt.body.body, f"{stmt.name.value}.")
        self._find_exported_in(module.body, "")

    def _find_exported_in(self, statements, prefix: str) -> None:
        for stmt in statements:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                target = None
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target = small.targets[0].target
                elif isinstance(small, cst.AnnAssign):
                    target = small.target
                value = getattr(small, "value", None)
                text = literal_str(value) if value is not None else None
                if isinstance(target, cst.Name) and text and split_url(text) is not None and value not in self.flowing:
                    self.exported[value] = prefix + target.value

    # -- rewriting ---------------------------------------------------------------------------------------------
    def leave_ConcatenatedString(self, original, updated):
        return self._replace(original, updated)

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString):
        if isinstance(self.parent(original), cst.ConcatenatedString):
            return updated
        return self._replace(original, updated)

    def _replace(self, original, updated):
        value = literal_str(original)
        if value is None or HOST not in value:
            return updated
        if original not in self.flowing:
            name = self.exported.get(original)
            var = self._env_default_of(original)
            if original in self.mocked:
                self.review(original, "an HTTP mock of api.openai.com, left as it is: the code it stands in for now "
                                      f"calls ${self.config.base_url_env}, so it no longer intercepts it; point it "
                                      "there too, or run with --include-tests")
            elif name is not None:
                self.review(original, f"`{name}` holds an api.openai.com URL that no request in this module uses: "
                                      f"if another module sends requests to it, read it from ${self.config.base_url_env}")
            elif var is not None and var != self.config.openai_upstream_base_url_env:
                # (the upstream variable's default is OpenAI's URL on purpose: OAI001 pins a client to it)
                form = "with /v1" if "/v1" in (literal_str(original) or "") else "without /v1, as here"
                self.review(original, f"${var} defaults to an api.openai.com URL that no request in this module "
                                      f"uses: if another module sends requests to it, set ${var} to the vLLM "
                                      f"server's URL ({form}) where this is deployed, or change the default")
            return updated
        rest = split_url(value)
        if rest is None:
            if "%" in value or "{" in value:
                self.review(original, "an api.openai.com URL inside a template string: point it at "
                                      f"${self.config.base_url_env} by hand")
            return updated
        unserved = _unserved(value)
        if unserved is not None:
            self.review(original, f"{unserved} stays on OpenAI: vLLM serves no such route, so this URL keeps "
                                  "OpenAI's host")
            return updated
        unknown = _unknown_route(value) if rest.strip("/") else None
        if unknown is not None:
            # (swarms 5.1.4's health check GETs /v1/engines, retired by OpenAI and never served by vLLM)
            self.review(original, f"{unknown} is no endpoint of the OpenAI API that vLLM serves (a retired or "
                                  "undocumented route): this URL keeps OpenAI's host; point it at a route vLLM serves "
                                  "by hand (GET /v1/models answers a health check)")
            return updated
        self.edited()
        base = self.base_url_expr()
        if not rest:
            return base
        new = cst.BinaryOperation(left=base, operator=cst.Add(), right=string(rest))
        if needs_parens(self.parent(original)):
            new = new.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return new

    def _env_default_of(self, node: cst.CSTNode) -> str | None:
        """The variable `os.getenv("VAR", <node>)` reads, when node is the default of an environment read."""
        arg = self.parent(node)
        call = self.parent(arg) if isinstance(arg, cst.Arg) else None
        read = env_read(call) if isinstance(call, cst.Call) and len(call.args) == 2 and call.args[1] is arg else None
        return read[0] if read else None

    def leave_FormattedStringText(self, original: cst.FormattedStringText, updated):
        if HOST in original.value and original in self.flowing:
            self.review(original, f"an api.openai.com URL inside an f-string: point it at ${self.config.base_url_env}")
        return updated


def _unserved(url: str) -> str | None:
    """The route of an OpenAI endpoint vLLM does not serve that `url` names ("POST /v1/images/generations")."""
    from migrate.catalog import load_catalog

    endpoint = load_catalog().endpoint_for_route(None, url)
    if endpoint is None or endpoint.served or not endpoint.path:
        return None
    return f"{endpoint.method} /v1{endpoint.path}"


def _unknown_route(url: str) -> str | None:
    """The path of `url` ("/v1/engines") where it names no endpoint of the API the catalog knows: vLLM serves only
    endpoints of it (and its own routes, never under OpenAI's host)."""
    from migrate.catalog import load_catalog, route_path

    if load_catalog().endpoint_for_route(None, url) is not None:
        return None
    path = route_path(url)
    return f"/v1{path}" if path not in (None, "/v1") else None


def _return_values(function: cst.FunctionDef) -> list[cst.BaseExpression]:
    """The values of the function's own `return` statements (not those of functions or classes nested in it)."""
    values: list[cst.BaseExpression] = []

    class Returns(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Return(self, node: cst.Return) -> None:
            if node.value is not None:
                values.append(node.value)

    function.visit(Returns())
    return values
