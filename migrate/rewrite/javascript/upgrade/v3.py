"""OAI004 / OAI005 for openai-node: the v3 API (Configuration / OpenAIApi, axios responses) becomes the
current SDK (openai-node v4 and later).

    const { Configuration, OpenAIApi } = require("openai");      const { OpenAI } = require("openai");
    const configuration = new Configuration({                     const openai = new OpenAI({
      apiKey: process.env.OPENAI_API_KEY, basePath: URL,    ->      apiKey: process.env.OPENAI_API_KEY, baseURL: URL,
    });                                                           });
    const openai = new OpenAIApi(configuration);
    const r = await openai.createChatCompletion({...});           const r = await openai.chat.completions.create({...});
    r.data.choices[0].message                                     r.choices[0].message
    catch (e) { if (e.response) log(e.response.status) }          catch (e) { if (e instanceof OpenAI.APIError) log(e.status) }

OAI004: imports (ES and CommonJS; v3 type imports become `OpenAI.<type>`), the constructor, the call names and
argument shapes (positional uploads become one body; `responseType: "stream"` becomes `stream: true` with a
review item), and the response shape: v3 resolved to an AxiosResponse whose `.data` is the body, v4+ resolves to
the body. `.data` is dropped where the response is read in the same function (a variable, a destructuring, a
`.then` callback, through a `.catch` that throws); a response that leaves the function, or whose status and
headers are read, gets a review item.
OAI005: `error.response.status` / `.data` in the catch clauses around converted calls become APIError's `status` /
`error` (review items where the meaning changes); `error.response` reads the rewrite cannot tie to a converted
call get a review item. What the SDK calls what comes from the catalog (migrate/catalog/javascript.py).
"""

from __future__ import annotations

import re

from migrate.catalog import javascript as js
from migrate.rewrite.javascript.upgrade._syntax import (
    Edit, Outcome, Review, append_item, apply_edits, find_property, inside, line_range, node_at, note_edit, outer, properties,
    references, remove_item, scope_node, text, unwrap,
)
from migrate.scan.detect.javascript.evaluate import FUNCTION_TYPES

CALLS = "OAI004"
ERRORS = "OAI005"
_V3_APIS = ("openai-node-v3",)
_STREAM_NOTE = ("v4+ streams with `stream: true` and returns an async iterable of chunks: replace the "
                "response.data.on(\"data\") parsing with `for await (const chunk of stream) { "
                "chunk.choices[0]?.delta?.content }`")
_META_NOTE = ("v4+ resolves to the response body: the HTTP status and headers of a call come from "
              "`.withResponse()` (`const { data, response } = await client.<call>(...).withResponse()`)")
# The name the v4+ client class is imported under: the first one the module does not declare itself.
_CLASS_NAMES = ("OpenAI", "OpenAIClient", "OpenAISDK", "OpenAINodeClient")
_DECLARATIONS = frozenset({"class_declaration", "abstract_class_declaration", "function_declaration",
                           "generator_function_declaration", "interface_declaration", "type_alias_declaration",
                           "enum_declaration"})
_CROSSES = ("the v3 call's AxiosResponse {what}: v4+ resolves to the body itself, so code that reads `.data` "
            "from it must read the body directly")
# calls of an HTTP library (the catalog's) in a try block: their errors have `.response` too
_HTTP_LIBRARIES = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted({*js.HTTP_PACKAGES,
                                                                                         *js.HTTP_FUNCTIONS}))
                             + rb")\s*[.(]")
_CAMEL = re.compile(r"_([a-z])")


def camel_path(endpoint: str) -> str:
    """"images.create_variation" -> "images.createVariation" (openai-node's spelling of a catalog endpoint)."""
    return ".".join(_CAMEL.sub(lambda m: m.group(1).upper(), part) for part in endpoint.split("."))


def _current_endpoints() -> frozenset[str]:
    from migrate.catalog.endpoints import current_endpoints

    return current_endpoints()


class _Imports:
    """The v3 names a module binds from "openai": specifier nodes, local names, a namespace name."""

    def __init__(self) -> None:
        self.statements: list = []  # (kind "esm"/"cjs", node holding the specifiers, [(imported, local, node)])
        self.local: dict[str, str] = {}  # local name -> imported name
        self.namespaces: set[str] = set()
        self.default: str | None = None  # an existing binding of the v4+ client class (`import OpenAI from ...`)


class V3Upgrade:
    def __init__(self, root, source: bytes, findings, grammar: str, active=frozenset({CALLS, ERRORS})) -> None:
        self.root, self.source, self.grammar = root, source, grammar
        self.findings = [f for f in findings if f.api in _V3_APIS and f.start_byte is not None]
        self.active = active
        self.out = Outcome()
        self._edited: set[tuple[int, int]] = set()
        self._reviewed: set[tuple[int, str]] = set()
        self.converted: list = []  # call nodes converted (their errors and responses are followed)
        self.streams: set[int] = set()

    # -- output --------------------------------------------------------------------------------------------------
    def edit(self, rule: str, start: int, end: int, new: str) -> None:
        if rule not in self.active or (start, end, new) in self._edited:
            return
        self._edited.add((start, end, new))
        self.out.edit(start, end, new)

    def review(self, rule: str, node, message: str, note: str | None = None) -> None:
        """A review item; with `note`, also a `// migrate:` comment above the statement (once)."""
        key = (node.start_byte, message)
        if rule not in self.active or key in self._reviewed:
            return
        self._reviewed.add(key)
        self.out.review.append(Review(rule, node.start_byte, message, note))
        if note is not None:
            edit = note_edit(self.source, node, note)
            if edit is not None:
                self.edit(rule, edit.start, edit.end, edit.text)

    # -- run -----------------------------------------------------------------------------------------------------
    def run(self) -> Outcome:
        """The edits and review items of the rules in `active` (OAI004, OAI005 or both). Both read the v3 code:
        OAI005 runs first (it needs the v3 calls to know which catch clauses are theirs), OAI004 after it."""
        imports = self._imports()
        if not self.findings and not imports.local and not imports.namespaces:
            return self.out
        if self._edge_types_only(imports):
            return self.out
        self.ref = self._client_class_ref(imports)
        need_class = False
        for f in self.findings:
            if f.kind.value == "client" and f.client == "OpenAIApi":
                node = node_at(self.root, f.start_byte, f.end_byte, ("new_expression",))
                if node is not None:
                    need_class |= self._constructor(node, imports)
        self._leftover_configurations(imports)
        for f in self.findings:
            if f.kind.value == "call":
                node = node_at(self.root, f.start_byte, f.end_byte, ("call_expression",))
                if node is not None:
                    self._call(node)
        need_class |= self._types(imports)
        if imports.statements or (imports.namespaces and self.findings):  # `const openai_1 = require("openai")`
            self._unfollowed()
        self._rewrite_imports(imports, need_class)
        for call in self.converted:
            if call.start_byte not in self.streams:
                self._result(call)
        if ERRORS in self.active and self.converted:
            self._errors()
        return self.out

    # -- imports -------------------------------------------------------------------------------------------------
    def _imports(self) -> _Imports:
        found = _Imports()
        for node in self.root.named_children:
            if node.type == "import_statement":
                source = node.child_by_field_name("source")
                if source is None or text(self.source, source).strip("'\"") != js.OPENAI_PACKAGE:
                    continue
                if any(c.type == "type" for c in node.children if not c.is_named):
                    continue
                clause = next((c for c in node.named_children if c.type == "import_clause"), None)
                if clause is None:
                    continue
                specs = []
                for part in clause.named_children:
                    if part.type == "identifier":
                        found.default = text(self.source, part)
                    elif part.type == "namespace_import":
                        found.namespaces.update(text(self.source, c) for c in part.named_children if c.type == "identifier")
                    elif part.type == "named_imports":
                        for spec in part.named_children:
                            if spec.type != "import_specifier":
                                continue
                            name = spec.child_by_field_name("name")
                            alias = spec.child_by_field_name("alias") or name
                            specs.append((text(self.source, name), text(self.source, alias), spec))
                named = next((p for p in clause.named_children if p.type == "named_imports"), None)
                if specs and any(s[0] in js.V3_CLASSES or s[0] in js.V3_TYPES for s in specs):
                    found.statements.append(("esm", clause, named, specs))
                    found.local.update({local: name for name, local, _ in specs})
            elif node.type in ("lexical_declaration", "variable_declaration"):
                for declarator in node.named_children:
                    if declarator.type != "variable_declarator":
                        continue
                    value = unwrap(declarator.child_by_field_name("value"))
                    if value is not None and value.type == "await_expression" and value.named_children:
                        value = value.named_children[0]
                    if not _is_require(self.source, value):
                        continue
                    target = declarator.child_by_field_name("name")
                    if target is None:
                        continue
                    if target.type == "identifier":
                        found.namespaces.add(text(self.source, target))
                    elif target.type == "object_pattern":
                        specs = []
                        for prop in target.named_children:
                            if prop.type == "shorthand_property_identifier_pattern":
                                specs.append((text(self.source, prop),) * 2 + (prop,))
                            elif prop.type == "pair_pattern":
                                key, val = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                                if key is not None and val is not None and val.type == "identifier":
                                    specs.append((text(self.source, key), text(self.source, val), prop))
                        if any(s[0] in js.V3_CLASSES for s in specs):
                            found.statements.append(("cjs", target, target, specs))
                            found.local.update({local: name for name, local, _ in specs})
                            if "OpenAI" in {s[0] for s in specs}:
                                found.default = next(s[1] for s in specs if s[0] == "OpenAI")
        return found

    def _edge_types_only(self, imports: _Imports) -> bool:
        """A module whose client is openai-edge's (which keeps the v3 API) and which takes only v3 *types* from
        "openai" (`import { CreateChatCompletionRequest } from "openai"`): the types describe openai-edge's requests
        and its `createChatCompletion(...)` calls are not openai-node's, so nothing here is upgraded (v4+ types would
        not fit openai-edge's methods), and the openai pin stays. A review item says to take the types from
        openai-edge, which exports the same ones, so that upgrading the openai package later leaves them."""
        if imports.namespaces or imports.default or not imports.statements:
            return False
        names = [name for _, _, _, specs in imports.statements for name, _, _ in specs]
        if any(name in js.V3_CLASSES for name in names) or not self._imports_edge():
            return False
        for kind, holder, _, specs in imports.statements:
            listed = ", ".join(name for name, _, _ in specs)
            self.review(CALLS, holder, f"{listed}: openai v3 types used with openai-edge's v3 API: import them from "
                        f"\"{js.OPENAI_EDGE_PACKAGE}\" (it exports the same types), not from openai, which v4+ "
                        "no longer has them in")  # no comment: an edit of OAI004 would raise the openai pin (OAI011)
        return True

    def _imports_edge(self) -> bool:
        """The module imports (or requires) openai-edge."""
        needle = js.OPENAI_EDGE_PACKAGE.encode()
        for node in self.root.named_children:
            if needle in self.source[node.start_byte:node.end_byte] and (
                    node.type == "import_statement" or b"require(" in self.source[node.start_byte:node.end_byte]):
                return True
        return False

    def _client_class_ref(self, imports: _Imports) -> str:
        """How this module names the v4+ client class once its imports are rewritten: `OpenAI`, or another name
        when the module declares its own `OpenAI` (LangChain.js's `export class OpenAI extends BaseLLM`)."""
        if imports.default:
            return imports.default
        if not any(kind for kind, *_ in imports.statements) and imports.namespaces:
            return f"{sorted(imports.namespaces)[0]}.OpenAI"
        taken = self._declared_names()
        return next(name for name in _CLASS_NAMES if name not in taken)

    def _declared_names(self) -> set[str]:
        """The names the module's own declarations and its imports of other packages bind (anywhere)."""
        names = set()
        for node in _descendants(self.root):
            if node.type in _DECLARATIONS or node.type == "variable_declarator":
                name = node.child_by_field_name("name")
                if name is not None and name.type in ("identifier", "type_identifier"):
                    names.add(text(self.source, name))
            elif node.type == "import_statement" and not _imports_openai(self.source, node):
                names.update(text(self.source, n) for n in _descendants(node) if n.type == "identifier")
        return names

    def _rewrite_imports(self, imports: _Imports, need_class: bool) -> None:
        for kind, holder, named, specs in imports.statements:
            keep = []
            for name, local, spec in specs:
                if name in js.V3_CLASSES or name in js.V3_TYPES:
                    continue
                keep.append(text(self.source, spec))
                if name != "OpenAI":
                    self.review(CALLS, spec, f"`{name}` is imported from openai's v3 API: openai-node v4+ may not "
                                "export it under this name (see its types: OpenAI.<Type>)")
            add_class = need_class and imports.default is None
            if kind == "esm":
                parts = [self.ref] if add_class else []
                default = next((c for c in holder.named_children if c.type == "identifier"), None)
                if default is not None:
                    parts = [text(self.source, default)]
                if keep:
                    parts.append("{ " + ", ".join(keep) + " }")
                if not parts:
                    statement = holder.parent
                    start, end = line_range(self.source, statement)
                    self.edit(CALLS, start, end, "")
                else:
                    self.edit(CALLS, holder.start_byte, holder.end_byte, ", ".join(parts))
            else:
                imported = "OpenAI" if self.ref == "OpenAI" else f"OpenAI: {self.ref}"
                names = ([imported] if add_class else []) + keep
                self.edit(CALLS, holder.start_byte, holder.end_byte, "{ " + ", ".join(names) + " }" if names else "{}")

    # -- the constructor -----------------------------------------------------------------------------------------
    def _constructor(self, node, imports: _Imports) -> bool:
        """`new OpenAIApi(configuration)` -> `new OpenAI({...})`; True when the class must be imported."""
        ctor = node.child_by_field_name("constructor")
        args = node.child_by_field_name("arguments")
        if ctor is None:
            return False
        if ctor.type == "member_expression":  # new oai.OpenAIApi(...): the namespace has the v4+ class too
            prop = ctor.child_by_field_name("property")
            new_ctor, needs = text(self.source, ctor)[:prop.start_byte - ctor.start_byte] + "OpenAI", False
        else:
            new_ctor, needs = self.ref, True
        arg_list = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
        if not arg_list:
            self.edit(CALLS, ctor.start_byte, ctor.end_byte, new_ctor)
            return needs
        first = unwrap(arg_list[0])
        config = self._configuration(first, imports)
        if config is not None:  # new OpenAIApi(new Configuration({...}))
            self.edit(CALLS, node.start_byte, node.end_byte, f"new {new_ctor}({self._options(config)})")
        elif first.type == "identifier":
            declarator = self._declarator(first)
            value = unwrap(declarator.child_by_field_name("value")) if declarator is not None else None
            config = self._configuration(value, imports) if value is not None else None
            if config is None:
                self.edit(CALLS, ctor.start_byte, ctor.end_byte, new_ctor)
                self.review(CALLS, node, "the client's options come from a value the rewrite cannot read: v3's "
                            "Configuration took basePath, v4+ takes baseURL (and no baseOptions)")
                return needs
            uses = references(scope_node(declarator), text(self.source, first),
                              skip=declarator.child_by_field_name("name"))
            if len(uses) == 1 and uses[0].id == first.id and declarator.parent.named_child_count == 1 \
                    and declarator.parent.parent is not None \
                    and declarator.parent.parent.type in ("program", "statement_block"):
                start, end = line_range(self.source, declarator.parent)
                self.edit(CALLS, start, end, "")
                self.edit(CALLS, node.start_byte, node.end_byte, f"new {new_ctor}({self._options(config)})")
            else:  # the configuration is used elsewhere too: it stays, as the plain options object it becomes
                self.edit(CALLS, value.start_byte, value.end_byte, self._options(config) or "{}")
                self.edit(CALLS, ctor.start_byte, ctor.end_byte, new_ctor)
        else:
            self.edit(CALLS, ctor.start_byte, ctor.end_byte, new_ctor)
            self.review(CALLS, node, "the client's options come from a value the rewrite cannot read: v3's "
                        "Configuration took basePath, v4+ takes baseURL (and no baseOptions)")
        self._exported_client(node)
        return needs

    def _leftover_configurations(self, imports: _Imports) -> None:
        """A `new Configuration({...})` no client constructor took in (`this.clientConfig = new Configuration(...)`,
        read by `new OpenAIApi(this.clientConfig)`): v4+ has no such class and its import goes, so it becomes the
        plain options object it stood for."""
        if "Configuration" not in imports.local.values() and not imports.namespaces:
            return
        for node in _descendants(self.root):
            config = self._configuration(node, imports) if node.type == "new_expression" else None
            if config is None or any(start <= node.start_byte and node.end_byte <= end
                                     for start, end, _ in self._edited):
                continue
            self.edit(CALLS, node.start_byte, node.end_byte, self._options(config) or "{}")
            self.review(CALLS, node, "v3's Configuration is gone in v4+: this is now the plain options object of "
                        "new OpenAI({...}) (basePath -> baseURL); code that reads its fields must read those names",
                        note="v4+ has no Configuration: a plain options object (basePath -> baseURL)")

    def _configuration(self, node, imports: _Imports):
        """The options object (or None for `new Configuration()`) of a `new Configuration(...)`; False-y None when
        `node` is not one."""
        if node is None or node.type != "new_expression":
            return None
        ctor = node.child_by_field_name("constructor")
        name = text(self.source, ctor) if ctor is not None else ""
        if imports.local.get(name) != "Configuration" and not (
                "." in name and name.rsplit(".", 1)[1] == "Configuration" and name.rsplit(".", 1)[0] in imports.namespaces):
            return None
        args = node.child_by_field_name("arguments")
        items = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
        return items[0] if items else args

    def _options(self, config) -> str:
        """The v4+ client options for v3 Configuration parameters (basePath -> baseURL; no-equivalent ones noted)."""
        if config.type == "arguments":
            return ""
        if config.type != "object":
            self.review(CALLS, config, "v3 Configuration parameters come from a value the rewrite cannot read: "
                        "v4+ takes baseURL (not basePath) and defaultHeaders (not baseOptions)")
            return text(self.source, config)
        edits = []
        for name, prop, key, value in properties(config):
            target = js.V3_CLIENT_OPTIONS.get(name, name)
            if name == "baseOptions" and value is not None and value.type == "object":
                headers = find_property(value, "headers")
                if headers is not None and len(properties(value)) == 1 and prop.type == "pair":
                    edits.append(Edit(prop.start_byte, prop.end_byte,
                                       f"defaultHeaders: {text(self.source, headers[3])}"))
                    continue
            if target is None:
                self.review(CALLS, prop, f"v3 Configuration's `{name}` has no v4+ client option: pass headers "
                            "with defaultHeaders, or a custom fetch")
                continue
            if target != name:
                if prop.type == "shorthand_property_identifier":
                    edits.append(Edit(prop.start_byte, prop.end_byte, f"{target}: {name}"))
                else:
                    edits.append(Edit(key.start_byte, key.end_byte, target))
        return apply_edits(self.source, edits, config.start_byte, config.end_byte).decode("utf-8")

    def _declarator(self, ident):
        """The `const X = ...` declarator of an identifier, searched from its scope outwards."""
        name = ident.text
        node = ident.parent
        while node is not None:
            if node.type in ("program", "statement_block"):
                for child in node.named_children:
                    if child.type in ("lexical_declaration", "variable_declaration"):
                        for declarator in child.named_children:
                            target = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
                            if target is not None and target.type == "identifier" and target.text == name:
                                return declarator
            node = node.parent
        return None

    def _exported_client(self, node) -> None:
        """A client another module imports: its calls there were converted where the scan followed them."""
        declarator = outer(node).parent
        if declarator is None or declarator.type != "variable_declarator":
            return
        statement = declarator.parent.parent if declarator.parent is not None else None
        name = declarator.child_by_field_name("name")
        exported = statement is not None and statement.type == "export_statement"
        if not exported and name is not None and name.type == "identifier":
            pattern = re.compile(rb"(?:module\.)?exports\b[^;\n]*\b" + re.escape(name.text) + rb"\b|export\s*\{[^}]*\b"
                                 + re.escape(name.text) + rb"\b")
            exported = bool(pattern.search(self.source))
        if exported:
            self.review(CALLS, node, "this client is exported: the rewrite converted the v3 calls the scan followed "
                        "to it; any other module that calls v3 methods (createChatCompletion, ...) on it or reads "
                        "`.data` from its responses must be upgraded too")

    # -- calls ---------------------------------------------------------------------------------------------------
    def _call(self, node) -> None:
        func = node.child_by_field_name("function")
        if func is None or func.type != "member_expression":
            return
        prop = func.child_by_field_name("property")
        method = text(self.source, prop)
        endpoint = js.V3_METHODS.get(method)
        if endpoint is None:
            return
        if endpoint not in _current_endpoints():
            self.review(CALLS, node, f"{method} calls an endpoint openai-node v4+ no longer has ({endpoint}): port "
                        "it by hand (see the API reference for its replacement)",
                        note=f"{method}: no such endpoint in openai-node v4+; port by hand")
            return
        self.edit(CALLS, prop.start_byte, prop.end_byte, camel_path(endpoint))
        self.converted.append(node)
        args_node = node.child_by_field_name("arguments")
        args = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "comment"]
        if method in js.V3_POSITIONAL:
            self._positional(node, method, args_node, args)
            return
        if method == "downloadFile":
            self.review(CALLS, node, "files.content resolves to a fetch Response (v3: the file's text in "
                        "response.data): read it with `await response.text()`")
        first_option = 1 if method in js.V3_PATH_ARGUMENT or not method.startswith("list") else 0
        body = args[0] if args and first_option == 1 else None
        options = args[first_option] if len(args) > first_option else None
        if options is not None:
            self._request_options(node, body, options, args_node)

    def _unfollowed(self) -> None:
        """In a module that imports the v3 API: calls with a v3 method name on a value the scan could not tie to a
        v3 client (a parameter typed OpenAIApi, a client from an untyped factory). Left as they are, with a note."""
        converted = {c.id for c in self.converted}
        stack = [self.root]
        while stack:
            node = stack.pop()
            stack.extend(node.named_children)
            if node.type == "member_expression":
                self._method_as_value(node)
            if node.type != "call_expression" or node.id in converted:
                continue
            func = node.child_by_field_name("function")
            prop = func.child_by_field_name("property") if func is not None and func.type == "member_expression" else None
            method = text(self.source, prop) if prop is not None else ""
            if method in js.V3_METHODS and node.start_byte not in {f.start_byte for f in self.findings}:
                endpoint = camel_path(js.V3_METHODS[method])
                self.review(CALLS, node, f"`{text(self.source, func)}` looks like a v3 call on a client the rewrite "
                            f"could not follow: on openai-node v4+ it is client.{endpoint}(body), and it resolves to "
                            "the body (no `.data`)", note=f"{method}: v4+ is .{endpoint}(...), resolving to the body")

    def _method_as_value(self, member) -> None:
        """`client.createChatCompletion.bind(client)` handed to a retry helper, `const create = client.createCompletion`:
        a v3 method taken as a value, not called here. v4+ clients have no such method, so it must be rewritten by
        hand (the call it stands for, and the `.data` its result is read by)."""
        prop = member.child_by_field_name("property")
        method = text(self.source, prop) if prop is not None else ""
        parent = member.parent
        if method not in js.V3_METHODS or parent is None:
            return
        if parent.type == "call_expression" and parent.child_by_field_name("function").id == member.id:
            return  # a call: _unfollowed's own case
        if parent.type == "assignment_expression" and parent.child_by_field_name("left").id == member.id:
            return  # a method of the code's own (`this.createCompletion = ...`)
        receiver = text(self.source, member.child_by_field_name("object"))
        endpoint = camel_path(js.V3_METHODS[method])
        self.review(CALLS, member, f"`{text(self.source, member)}` is a v3 method taken as a value, not called here: "
                    f"openai-node v4+ has no `{method}`; use {receiver}.{endpoint} (bound to {receiver}."
                    f"{endpoint.rsplit('.', 1)[0]}), and read its result as the body (no `.data`)",
                    note=f"{method} is gone in v4+: {receiver}.{endpoint}(...), resolving to the body")

    def _positional(self, node, method: str, args_node, args) -> None:
        fields = js.V3_POSITIONAL[method]
        parts = []
        for name, arg in zip(fields, args):
            value = text(self.source, arg)
            if value == "undefined":
                continue
            if name in js.V3_UPLOAD_FIELDS:
                self._upload(arg, name)
            parts.append(name if value == name else f"{name}: {value}")
        new = "{ " + ", ".join(parts) + " }"
        rest = args[len(fields):]
        if rest:
            new += ", " + ", ".join(text(self.source, a) for a in rest)
            self._request_options(node, None, rest[0], None)
        self.edit(CALLS, args_node.start_byte, args_node.end_byte, f"({new})")

    def _upload(self, arg, name: str) -> None:
        value = unwrap(arg)
        if value.type == "identifier":
            declarator = self._declarator(value)
            value = unwrap(declarator.child_by_field_name("value")) if declarator is not None else value
        if value is not None and value.type == "call_expression":
            callee = value.child_by_field_name("function")
            if callee is not None and text(self.source, callee).split(".")[-1] == "createReadStream":
                return
        self.review(CALLS, arg, f"{name}: openai-node v4+ uploads an fs.ReadStream, a File, a fetch Response or "
                    "`await toFile(buffer, \"name.ext\")` (import { toFile } from \"openai\"): check that this value "
                    "is one of them", note=f"{name}: v4+ takes fs.createReadStream(path) or await toFile(...)")

    def _request_options(self, node, body, options, args_node) -> None:
        """The AxiosRequestConfig of a v3 call: `responseType: "stream"` becomes `stream: true` in the body."""
        if options.type != "object":
            self.review(CALLS, options, "v3 took an AxiosRequestConfig here; openai-node v4+ takes RequestOptions "
                        "(timeout, headers, signal, maxRetries): check what this value holds")
            return
        stream = None
        for name, prop, _key, value in properties(options):
            if name == "responseType" and value is not None and text(self.source, value).strip("'\"`") == "stream":
                stream = prop
            elif name not in js.V3_REQUEST_OPTIONS:
                self.review(CALLS, prop, f"the axios option `{name}` has no openai-node v4+ RequestOptions "
                            "equivalent (timeout, headers, signal, maxRetries): remove it or move it to the client")
        if stream is None:
            return
        self.streams.add(node.start_byte)
        if len([c for c in options.named_children if c.type != "comment"]) == 1 and args_node is not None:
            start, end = remove_item(self.source, options)
            self.edit(CALLS, start, end, "")
        else:
            start, end = remove_item(self.source, stream)
            self.edit(CALLS, start, end, "")
        if body is not None and body.type == "object" and find_property(body, "stream") is None:
            e = append_item(self.source, body, "stream: true")
            self.edit(CALLS, e.start, e.end, e.text)
        elif body is None or body.type != "object":
            self.review(CALLS, node, "add `stream: true` to this request's body: v4+ streams on that flag")
        self.review(CALLS, node, _STREAM_NOTE, note="v4+ streaming: for await (const chunk of stream) "
                    "replaces response.data.on(\"data\")")

    # -- responses -----------------------------------------------------------------------------------------------
    def _result(self, call) -> None:
        node = outer(call)
        parent = node.parent
        if parent is None:
            return
        if parent.type == "await_expression":
            self._value(outer(parent), 0)
        elif parent.type == "member_expression" and text(self.source, parent.child_by_field_name("property")) == "then":
            callback = _first_argument(parent.parent)
            if callback is not None and callback.type in FUNCTION_TYPES:
                self._callback(callback)
            else:
                self.review(CALLS, call, _CROSSES.format(what="goes to a `.then` handler the rewrite cannot read"))
        elif parent.type == "expression_statement":
            return
        elif _settles_to_the_response(self.source, parent):
            self._result(parent.parent)  # call(...).catch(handler): the response, or nothing when the call failed
        else:
            self.review(CALLS, call, _CROSSES.format(what=_where(parent)),
                        note="v4+ resolves to the body: drop `.data` where this promise's result is read")

    def _callback(self, function) -> None:
        params = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
        if params is None:
            return
        first = params if params.type == "identifier" else next(iter(params.named_children), None)
        if first is not None and first.type == "required_parameter":
            first = first.child_by_field_name("pattern")
        if first is None:
            return
        body = function.child_by_field_name("body")
        if first.type == "identifier" and body is not None:
            if body.type != "statement_block":
                uses = [body] if body.type == "identifier" and body.text == first.text else []
                stack = [body]
                while stack:
                    n = stack.pop()
                    if n.type == "identifier" and n.text == first.text and n.id != body.id:
                        uses.append(n)
                    elif n.type not in FUNCTION_TYPES:
                        stack.extend(n.named_children)
            else:
                uses = references(body, first.text.decode())
            for use in uses:
                self._value(outer(use), 1)
        elif first.type == "object_pattern":
            self._destructure(first, None)

    def _value(self, node, depth: int) -> None:
        """A node whose value is a v3 AxiosResponse (converted: now the body)."""
        parent = node.parent
        if parent is None:
            return
        if parent.type == "member_expression" and parent.child_by_field_name("object").id == node.id:
            prop = text(self.source, parent.child_by_field_name("property"))
            if prop == "data":
                self.edit(CALLS, node.end_byte, parent.end_byte, "")
            elif prop in js.V3_RESPONSE_META:
                self.review(CALLS, parent, f"`.{prop}` of a v3 response: {_META_NOTE}", note=f".{prop}: v4+ "
                            "returns the body; use .withResponse() for the HTTP response")
            else:
                self.review(CALLS, parent, _CROSSES.format(what=f"is read as `.{prop}`"))
            return
        if parent.type == "variable_declarator" and parent.child_by_field_name("value").id == node.id:
            target = parent.child_by_field_name("name")
            annotation = next((c for c in parent.named_children if c.type == "type_annotation"), None)
            if annotation is not None and b"AxiosResponse" in annotation.text:
                self.edit(CALLS, annotation.start_byte, annotation.end_byte, "")
            if target.type == "identifier" and depth < 3:
                for use in references(scope_node(parent), target.text.decode(), skip=target):
                    self._value(outer(use), depth + 1)
            elif target.type == "object_pattern":
                self._destructure(target, parent)
            return
        if parent.type in ("return_statement", "arrow_function"):
            self.review(CALLS, node, _CROSSES.format(what="is returned to the caller"),
                        note="v4+ resolves to the body: callers must not read `.data`")
            return
        if parent.type == "expression_statement" or _is_test(node):
            return  # `if (!response)`: a body is as truthy as the AxiosResponse was
        self.review(CALLS, node, _CROSSES.format(what=_where(parent)),
                    note="v4+ resolves to the body: code that reads `.data` from this must drop it")

    def _destructure(self, pattern, declarator) -> None:
        """`const { data } = await call` -> `const data = await call`; `{ data: c }` -> `c`."""
        props = [p for p in pattern.named_children if p.type != "comment"]
        data = None
        for prop in props:
            key = prop if prop.type == "shorthand_property_identifier_pattern" else prop.child_by_field_name("key")
            if key is not None and key.text == b"data":
                data = prop
        if data is None or len(props) > 1:
            self.review(CALLS, pattern, f"reads {text(self.source, pattern)} of a v3 response: {_META_NOTE}",
                        note="v4+ returns the body; use .withResponse() for the HTTP response")
            return
        replacement = "data" if data.type == "shorthand_property_identifier_pattern" \
            else text(self.source, data.child_by_field_name("value"))
        self.edit(CALLS, pattern.start_byte, pattern.end_byte, replacement)

    # -- types ---------------------------------------------------------------------------------------------------
    def _types(self, imports: _Imports) -> bool:
        """v3 type names become `OpenAI.<type>`; enum members their string. True when the class is referred to."""
        wanted = {local: name for local, name in imports.local.items() if name in js.V3_TYPES}
        classes = {local for local, name in imports.local.items() if name == "OpenAIApi"}
        if not wanted and not classes and not imports.namespaces:
            return False
        used = False
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.type == "type_identifier" and node.text.decode() in classes \
                    and node.parent is not None and node.parent.type != "nested_type_identifier":
                self.edit(CALLS, node.start_byte, node.end_byte, self.ref)  # `client: OpenAIApi`
                used = True
            elif node.type == "nested_type_identifier" and node.named_children \
                    and node.named_children[0].text.decode() in imports.namespaces \
                    and node.named_children[-1].text in (b"OpenAIApi", b"Configuration"):
                last = node.named_children[-1]
                if last.text == b"OpenAIApi":  # `client: oai.OpenAIApi`
                    self.edit(CALLS, last.start_byte, last.end_byte, "OpenAI")
                else:
                    self.review(CALLS, node, "v3's Configuration type has no v4+ counterpart of that name: the "
                                "client's options are openai's ClientOptions")
                continue
            elif node.type == "type_identifier" and node.text.decode() in wanted:
                self.edit(CALLS, node.start_byte, node.end_byte, f"{self.ref}.{js.V3_TYPES[wanted[node.text.decode()]]}")
                used = True
            elif node.type == "member_expression":
                obj = node.child_by_field_name("object")
                if obj is not None and obj.type == "identifier" and wanted.get(obj.text.decode()) in js.V3_ENUMS:
                    members = js.V3_ENUMS[wanted[obj.text.decode()]]
                    member = text(self.source, node.child_by_field_name("property"))
                    if member in members:
                        self.edit(CALLS, node.start_byte, node.end_byte, f'"{members[member]}"')
                    else:
                        self.review(CALLS, node, f"{text(self.source, node)}: v4+ has no such enum; use the string")
                    continue
            elif node.type == "identifier" and node.text.decode() in wanted and node.parent is not None \
                    and node.parent.type not in ("import_specifier", "shorthand_property_identifier_pattern",
                                                 "pair_pattern"):
                self.review(CALLS, node, f"`{node.text.decode()}` (openai v3) is used as a value: v4+ has no such "
                            "export")
            stack.extend(node.children)
        return used

    # -- errors (OAI005) -----------------------------------------------------------------------------------------
    def _errors(self) -> None:
        handled: set[int] = set()
        for call in self.converted:
            for body, name, protected in self._handlers(call):
                if body.id in handled:
                    continue
                handled.add(body.id)
                ambiguous = protected is not None and _HTTP_LIBRARIES.search(
                    self.source[protected.start_byte:protected.end_byte])
                self._error_reads(body, name, proven=not ambiguous)
        stack = [self.root]
        while stack:  # catch clauses the rewrite cannot tie to a converted call
            node = stack.pop()
            if node.type == "catch_clause":
                param = node.child_by_field_name("parameter")
                body = node.child_by_field_name("body")
                if param is not None and param.type == "identifier" and body is not None and body.id not in handled:
                    self._error_reads(body, param.text.decode(), proven=False)
            stack.extend(node.named_children)

    def _handlers(self, call):
        """(handler body, error name, the protected code) of the catch clauses and `.catch` callbacks the call's
        errors reach in the same function."""
        node = call
        while node.parent is not None and node.parent.type not in FUNCTION_TYPES:
            parent = node.parent
            if parent.type == "try_statement" and parent.child_by_field_name("body") is not None \
                    and inside(call, parent.child_by_field_name("body")):
                handler = parent.child_by_field_name("handler")
                param = handler.child_by_field_name("parameter") if handler is not None else None
                if param is not None and param.type == "identifier":
                    yield handler.child_by_field_name("body"), param.text.decode(), parent.child_by_field_name("body")
            if parent.type == "member_expression" and text(self.source, parent.child_by_field_name("property")) == "catch":
                callback = _first_argument(parent.parent)
                if callback is not None and callback.type in FUNCTION_TYPES:
                    params = callback.child_by_field_name("parameters") or callback.child_by_field_name("parameter")
                    first = params if params is not None and params.type == "identifier" else \
                        next(iter(params.named_children), None) if params is not None else None
                    if first is not None and first.type == "required_parameter":
                        first = first.child_by_field_name("pattern")
                    body = callback.child_by_field_name("body")
                    if first is not None and first.type == "identifier" and body is not None:
                        yield body, first.text.decode(), None
            node = parent

    def _error_reads(self, body, name: str, proven: bool) -> None:
        uses = references(body, name) if body.type == "statement_block" else \
            [n for n in _descendants(body) if n.type == "identifier" and n.text == name.encode()]
        for use in uses:
            chain, last = _member_chain(self.source, use)
            if not chain:
                continue
            if chain[0] == "isAxiosError":
                self.review(ERRORS, last[0], "isAxiosError: openai-node v4+ throws OpenAI.APIError (and its "
                            "subclasses), not axios errors", note="v4+ errors: instanceof OpenAI.APIError")
                continue
            if chain[0] != "response":
                continue
            if not proven:
                self.review(ERRORS, last[0], f"`{name}.response` reads an axios-style error: if openai-node calls "
                            "throw it, v4+ throws OpenAI.APIError, with .status, .error (the body's error member) "
                            "and .headers")
                continue
            rest = tuple(chain[1:])
            match = next((rest[:n] for n in (3, 2, 1) if rest[:n] in js.V3_ERROR_READS), None)
            if match is not None:
                target, change = js.V3_ERROR_READS[match]
                end = last[len(match)]
                self.edit(ERRORS, use.end_byte, end.end_byte, f".{target}")
                if change:
                    self.review(ERRORS, end, f"{text(self.source, end)} -> {name}.{target}: {change}",
                                note=change)
            elif not rest and _is_test(last[0]):
                wrap = last[0].parent is not None and last[0].parent.type == "unary_expression"
                check = f"{name} instanceof {self.ref}.APIError"
                self.edit(ERRORS, last[0].start_byte, last[0].end_byte, f"({check})" if wrap else check)
            else:
                self.review(ERRORS, last[0], f"{text(self.source, last[-1])}: v4+ errors are OpenAI.APIError, "
                            "with .status, .error (the body's error member) and .headers: read those")


def _is_require(source: bytes, node) -> bool:
    if node is None or node.type != "call_expression":
        return False
    func = node.child_by_field_name("function")
    if func is None or func.type not in ("identifier", "import") or (func.type == "identifier" and func.text != b"require"):
        return False
    args = node.child_by_field_name("arguments")
    first = next((a for a in args.named_children if a.type != "comment"), None) if args is not None else None
    return first is not None and first.type == "string" and text(source, first).strip("'\"") == js.OPENAI_PACKAGE


def _settles_to_the_response(source: bytes, member) -> bool:
    """Whether `member` is the `.catch` / `.finally` of a call whose promise settles to the call's own response:
    `.finally(...)` does, and `.catch(handler)` does when the handler gives no value of its own (it throws, logs
    or returns nothing), so a read of the result reads the response."""
    if member.type != "member_expression" or member.parent is None or member.parent.type != "call_expression":
        return False
    method = text(source, member.child_by_field_name("property"))
    if method == "finally":
        return True
    handler = _first_argument(member.parent)
    if method != "catch" or handler is None or handler.type not in FUNCTION_TYPES:
        return False
    body = handler.child_by_field_name("body")
    return body is not None and body.type == "statement_block" and not _returns_a_value(body)


def _returns_a_value(body) -> bool:
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        if node.type == "return_statement" and any(c.type != "comment" for c in node.named_children):
            return True
        if node.type not in FUNCTION_TYPES:
            stack.extend(node.named_children)
    return False


def _imports_openai(source: bytes, statement) -> bool:
    spec = statement.child_by_field_name("source")
    return spec is not None and text(source, spec).strip("'\"") == js.OPENAI_PACKAGE


def _first_argument(call):
    if call is None or call.type != "call_expression":
        return None
    args = call.child_by_field_name("arguments")
    return next((a for a in args.named_children if a.type != "comment"), None) if args is not None else None


def _member_chain(source: bytes, ident):
    """(["response", "data", ...], [node with 0 steps, with 1 step, ...]) for `ident.response.data...`."""
    names, nodes = [], [ident]
    node = ident
    while node.parent is not None and node.parent.type == "member_expression" \
            and node.parent.child_by_field_name("object").id == node.id:
        node = node.parent
        names.append(text(source, node.child_by_field_name("property")))
        nodes.append(node)
    return names, nodes[1:] if names else []


def _is_test(node) -> bool:
    """Whether an expression is used for its truth: an `if`/ternary/loop condition or a logical operand."""
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type in ("if_statement", "while_statement", "do_statement", "ternary_expression"):
        return parent.child_by_field_name("condition") is not None and \
            inside(node, parent.child_by_field_name("condition"))
    if parent.type == "binary_expression":
        op = parent.child_by_field_name("operator")
        return op is not None and op.type in ("&&", "||")
    return parent.type == "unary_expression" and parent.children[0].type == "!"


def _where(parent) -> str:
    if parent.type == "arguments":
        return "is passed to another function"
    if parent.type in ("pair", "shorthand_property_identifier", "object", "array"):
        return "is stored in an object"
    if parent.type == "assignment_expression":
        return "is assigned to a variable declared elsewhere"
    return f"is used in a {parent.type.replace('_', ' ')}"


def _descendants(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.named_children)

