"""Name resolution for JS/TS: what each name and expression of a module stands for (values.py).

Scopes are lexical: a module, a function, a block. Declarations are hoisted per block and evaluated lazily,
so a client declared below the function that uses it still resolves; a name being evaluated reads as
unknown (no infinite loop on `const a = b; const b = a`). Imports (ES and CommonJS, default, named, aliased,
namespace, destructured `require`) bind to `Import` values; type-only imports bind no value, only a type name
that annotations resolve through. A TypeScript parameter typed with an SDK client class (`client: OpenAI`,
`private readonly openai: OpenAI`) is that class's client, built elsewhere, so its endpoint is unknown
(annotation_value, as the Python front end reads `client: OpenAI`). A use through a module of the project
becomes `Pending` and is settled across modules (crossmodule.py).

This is the JS/TS front end over the scan's evaluator core (migrate/scan/detect/core/): it lowers tree-sitter syntax
to the core's operations over the core's values. Member access (client -> path, instance -> field, `Pending.get`),
calls (a function's memoised return value, `Pending.call`) and the dispatch of `new X(...)` and of calling an import
to the handlers registered for the meaning of X's prefix (CONSTRUCTORS, CALLS; the table is
migrate/catalog/prefixes.py) are the core's; this module answers what only JS syntax says. Unlike Python's, a JS
node is not memoised per node (a closure's body evaluates in the scope of each call): bindings, fields and return
values are. See docs/detection.md, "One evaluator, a front end per language".
"""

from __future__ import annotations

from dataclasses import replace

from migrate.catalog import javascript as js
from migrate.catalog import prefixes
from migrate.scan.detect.core.evaluate import CoreEvaluator, client_endpoint, option_evidence
from migrate.scan.detect.core.registry import JAVASCRIPT_SEPARATORS, PrefixRegistry
from migrate.scan.detect.javascript.modules import is_known_package
from migrate.scan.detect.javascript.values import (
    UNKNOWN, AiModel, ClassValue, Client, Dynamic, Env, Function, Import, Instance, Member, ObjectValue, Pending, Str,
)

_WRAPPERS = frozenset({"parenthesized_expression", "await_expression", "non_null_expression", "as_expression",
                       "satisfies_expression", "type_assertion"})
# The helpers compiled CommonJS wraps `require(...)` in (tsc's esModuleInterop, esbuild, Babel): the module itself,
# so `new openai_1.default(...)` of `const openai_1 = __importDefault(require("openai"))` builds the SDK's client
INTEROP_HELPERS = frozenset({"__importDefault", "__importStar", "__toESM", "_interopRequireDefault",
                             "_interopRequireWildcard"})
FUNCTION_TYPES = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                            "generator_function_declaration", "generator_function", "function"})


class Scope:
    __slots__ = ("names", "parent", "this")

    def __init__(self, parent: "Scope | None" = None, this=None) -> None:
        self.names: dict = {}
        self.parent = parent
        self.this = this if this is not None or parent is None else parent.this

    def find(self, name: str) -> "Scope | None":
        scope = self
        while scope is not None:
            if name in scope.names:
                return scope
            scope = scope.parent
        return None


class Evaluator(CoreEvaluator):
    unknown = UNKNOWN
    same_client = frozenset({"withOptions"})  # client.withOptions(...) is the client

    def __init__(self, source: bytes, path: str = "") -> None:
        self.source = source
        self.path = path
        self.exports: dict[str, tuple] = {}  # name -> ("expr", node, scope, key) / ("value", value)
        self.star_exports: list[str] = []
        self.type_names: dict[str, Import] = {}  # names only type-only imports bind: for annotations

    # -- text ----------------------------------------------------------------------------------------------------
    def text(self, node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "replace")

    # -- binding -------------------------------------------------------------------------------------------------
    def hoist(self, body, scope: Scope, module: bool = False) -> None:
        """Bind the declarations of a block (or module) in `scope`, unevaluated."""
        for child in body.named_children:
            kind = child.type
            if kind == "import_statement":
                self._bind_import(child, scope)
            elif kind in ("lexical_declaration", "variable_declaration"):
                self._bind_declaration(child, scope, module)
            elif kind in ("function_declaration", "generator_function_declaration"):
                name = child.child_by_field_name("name")
                if name is not None:
                    scope.names[self.text(name)] = ("value", Function(child, scope, self))
            elif kind in ("class_declaration", "abstract_class_declaration"):
                name = child.child_by_field_name("name")
                if name is not None:
                    scope.names[self.text(name)] = ("value", ClassValue(child, scope, self))
            elif kind == "export_statement" and module:
                self._bind_export(child, scope)
            elif kind == "expression_statement" and module:
                self._commonjs_export(child, scope)

    def _bind_import(self, node, scope: Scope) -> None:
        """Bind what an import names. `import type { OpenAI } from "openai"` and `import { type OpenAI }` have no
        value at run time: they bind only a type name (self.type_names), which annotations resolve."""
        source = node.child_by_field_name("source")
        if source is None:
            return
        module = _string_value(self, source)
        type_only = _has_token(node, "type")

        def bind(name: str, value: Import, only_type: bool) -> None:
            if only_type:
                self.type_names[name] = value
            else:
                scope.names[name] = ("value", value)

        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    bind(self.text(part), Import(module, "default"), type_only)
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        if ident.type == "identifier":
                            bind(self.text(ident), Import(module, "*"), type_only)
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None:
                            bind(self.text(alias), Import(module, _string_value(self, name)),
                                 type_only or _has_token(spec, "type"))

    def _bind_declaration(self, node, scope: Scope, module: bool, exported: bool = False) -> None:
        for declarator in node.named_children:
            if declarator.type != "variable_declarator":
                continue
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name is None:
                continue
            for ident, key in self._pattern(name):
                if name.type == "identifier" and (value is None or value.type in ("null", "undefined")):
                    scope.names[ident] = ("late", declarator)  # `let client = null;`, assigned where it is used
                elif value is not None:
                    scope.names[ident] = ("expr", value, scope, key, declarator)
                else:
                    scope.names[ident] = ("value", UNKNOWN)
                if exported:
                    self.exports[ident] = ("name", ident, scope)

    def _pattern(self, node, key: tuple = ()):
        """(name, path of property keys) for each name a binding pattern declares."""
        kind = node.type
        if kind == "identifier":
            yield self.text(node), key
        elif kind == "object_pattern":
            for prop in node.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    yield self.text(prop), key + (self.text(prop),)
                elif prop.type == "pair_pattern":
                    k = prop.child_by_field_name("key")
                    v = prop.child_by_field_name("value")
                    if k is not None and v is not None:
                        yield from self._pattern(v, key + (_string_value(self, k),))
                elif prop.type == "object_assignment_pattern":
                    left = prop.child_by_field_name("left")
                    if left is not None:
                        yield from self._pattern(left, key + ((self.text(left),) if left.type.startswith("shorthand") else ()))
        elif kind == "assignment_pattern":
            left = node.child_by_field_name("left")
            if left is not None:
                yield from self._pattern(left, key)

    def _bind_export(self, node, scope: Scope) -> None:
        declaration = node.child_by_field_name("declaration")
        source = node.child_by_field_name("source")
        if declaration is not None:
            if declaration.type in ("lexical_declaration", "variable_declaration"):
                self._bind_declaration(declaration, scope, True, exported=True)
                return
            name = declaration.child_by_field_name("name")
            if name is not None:
                ident = self.text(name)
                if declaration.type in ("function_declaration", "generator_function_declaration"):
                    scope.names[ident] = ("value", Function(declaration, scope, self))
                elif declaration.type in ("class_declaration", "abstract_class_declaration"):
                    scope.names[ident] = ("value", ClassValue(declaration, scope, self))
                self.exports[ident] = ("name", ident, scope)
                if _has_token(node, "default"):
                    self.exports["default"] = ("name", ident, scope)
            return
        module = _string_value(self, source) if source is not None else None
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is not None:
            for spec in clause.named_children:
                if spec.type != "export_specifier":
                    continue
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or name
                if name is None:
                    continue
                local, exported = _string_value(self, name), _string_value(self, alias)
                if module is not None:
                    self.exports[exported] = ("value", Import(module, local))
                else:
                    self.exports[exported] = ("name", local, scope)
            return
        if module is not None:  # export * from "./x" / export * as ns from "./x"
            namespace = next((c for c in node.named_children if c.type == "namespace_export"), None)
            if namespace is not None:
                ident = namespace.named_children[-1] if namespace.named_children else None
                if ident is not None:
                    self.exports[_string_value(self, ident)] = ("value", Import(module, "*"))
            else:
                self.star_exports.append(module)
            return
        value = node.child_by_field_name("value")
        if value is not None and _has_token(node, "default"):
            self.exports["default"] = ("expr", value, scope, (), None)

    def _commonjs_export(self, node, scope: Scope) -> None:
        expr = node.named_children[0] if node.named_children else None
        if expr is None or expr.type != "assignment_expression":
            return
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        if left is None or right is None:
            return
        target = self.text(left)
        if target == "module.exports":
            self.exports["default"] = ("expr", right, scope, (), None)
            if right.type == "object":
                for prop, key_node, value_node in _object_props(self, right):
                    self.exports[prop] = ("expr", value_node, scope, (), None) if value_node is not None \
                        else ("name", prop, scope)
        elif target.startswith(("module.exports.", "exports.")):
            self.exports[target.rsplit(".", 1)[1]] = ("expr", right, scope, (), None)

    # -- lookup --------------------------------------------------------------------------------------------------
    def lookup(self, name: str, scope: Scope):
        found = scope.find(name)
        if found is None:
            return None
        entry = found.names[name]
        if entry[0] == "value":
            return entry[1]
        found.names[name] = ("value", UNKNOWN)  # while evaluating: a cycle reads as unknown
        if entry[0] == "late":
            value = self.assigned_value(name, found, entry[1])
            found.names[name] = ("value", value)
            return value
        _, node, where, key, _declarator = entry
        value = self.eval(node, where)
        for part in key:
            value = self.get(value, part)
        found.names[name] = ("value", value)
        return value

    def assigned_value(self, name: str, scope: Scope, declarator):
        """The value of a variable declared without one (`let client;`, `= null`): unknown here; a front end that
        can find its assignments says more."""
        return UNKNOWN

    def export(self, name: str):
        """The value a module exports under `name` (None: not exported here)."""
        entry = self.exports.get(name)
        if entry is None:
            return None
        if entry[0] == "value":
            return entry[1]
        if entry[0] == "name":
            value = self.lookup(entry[1], entry[2])
            return UNKNOWN if value is None else value
        value = self.eval(entry[1], entry[2])
        self.exports[name] = ("value", value)
        return value

    # -- type annotations ----------------------------------------------------------------------------------------
    def annotation_value(self, node, scope: Scope, what: str):
        """The value a TypeScript type annotation promises: a client for an SDK client class (`OpenAI`,
        `oai.AzureOpenAI`, `Client` imported as an alias, also through `import type`), whose endpoint is unknown
        because it is built elsewhere; `OpenAI | undefined` the same. None for anything else: `any`, another
        package's class of the same name, a generic, a union of unlike types."""
        if node is None:
            return None
        kind = node.type
        if kind in ("type_annotation", "parenthesized_type"):
            inner = [c for c in node.named_children if c.type != "comment"]
            return self.annotation_value(inner[0], scope, what) if len(inner) == 1 else None
        if kind == "union_type":
            found = None
            for member in node.named_children:
                if member.type == "comment" or _nullish_type(self, member):
                    continue
                value = self.annotation_value(member, scope, what)
                if value is None or found is not None and value.api != found.api:
                    return None  # `OpenAI | Groq`: which one calls cannot be told
                found = found or value
            return found
        if kind not in ("type_identifier", "nested_type_identifier"):
            return None
        cls = self._type_name(node, scope)
        if not isinstance(cls, Import):
            return None
        for handler in ANNOTATIONS.handlers(cls.qualified_name):
            client = handler(self, cls)
            if client is not None:
                return replace(client, origin=f"{what}: {' '.join(self.text(node).split())}",
                               line=node.start_point[0] + 1)
        return None

    def _type_name(self, node, scope: Scope):
        """What a type name refers to: a type-only import, else the value of the same name (a class is both)."""
        if node.type in ("identifier", "type_identifier"):
            name = self.text(node)
            if name in self.type_names:
                return self.type_names[name]
            return self.lookup(name, scope)
        if node.type in ("nested_type_identifier", "nested_identifier", "member_expression"):
            parts = [c for c in node.named_children if c.type != "comment"]
            if len(parts) != 2:
                return None
            base = self._type_name(parts[0], scope)
            return self.get(base, self.text(parts[1])) if base is not None else None
        return None

    def _openai_node_annotation(self, cls: Import):
        if cls.name == "OpenAIApi":
            return Client("OpenAIApi", api="openai-node-v3")
        name = js.CLIENT_CLASSES.get(cls.name)
        return Client(name, api="openai") if name is not None else None

    def _openai_edge_annotation(self, cls: Import):
        return Client("OpenAIApi", api="openai-edge") if cls.name == "OpenAIApi" else None

    def _azure_openai_annotation(self, cls: Import):
        return Client(cls.name, api="azure-openai") if cls.name in js.AZURE_CLASSES else None

    # -- evaluation ----------------------------------------------------------------------------------------------
    def eval(self, node, scope: Scope):
        if node is None:
            return UNKNOWN
        kind = node.type
        while kind in _WRAPPERS:
            inner = [c for c in node.named_children if c.type != "comment"]
            if not inner:
                return UNKNOWN
            node = inner[-1] if kind == "type_assertion" else inner[0]
            kind = node.type
        if kind in ("identifier", "shorthand_property_identifier"):
            value = self.lookup(self.text(node), scope)
            return UNKNOWN if value is None else value
        if kind == "string":
            return Str(_string_value(self, node))
        if kind == "template_string":
            return self._template(node, scope)
        if kind == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is None or prop is None:
                return UNKNOWN
            env = self._env_read(obj, self.text(prop))
            if env is not None:
                return env
            return self.get(self.eval(obj, scope), self.text(prop))
        if kind == "subscript_expression":
            obj, index = node.child_by_field_name("object"), node.child_by_field_name("index")
            if obj is None or index is None or index.type != "string":
                return UNKNOWN
            env = self._env_read(obj, _string_value(self, index))
            return env if env is not None else self.get(self.eval(obj, scope), _string_value(self, index))
        if kind == "call_expression":
            return self.call(node, scope)
        if kind == "new_expression":
            return self.new_expression(node, scope)
        if kind == "binary_expression":
            return self._binary(node, scope)
        if kind in ("arrow_function", "function_expression", "function", "method_definition"):
            return Function(node, scope, self)
        if kind == "object":
            return ObjectValue({k: (v, scope) for k, _, v in _object_props(self, node)}, self)
        if kind == "class":
            return ClassValue(node, scope, self)
        if kind == "this":
            return scope.this if scope.this is not None else UNKNOWN
        if kind == "ternary_expression":
            return Dynamic(self.text(node))
        return UNKNOWN

    def _env_read(self, obj, name: str):
        base = self.text(obj)
        if base in js.ENV_OBJECTS:
            return Env(name)
        return None

    def _template(self, node, scope: Scope):
        parts = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(self.text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(self.text(child)))
            elif child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                value = self.eval(inner, scope)
                if isinstance(value, Env) and value.default is not None:
                    value = value.default
                parts.append(value.value if isinstance(value, Str) else "{" + (self.text(inner) if inner else "") + "}")
        return Str("".join(parts), "template literal")

    def _binary(self, node, scope: Scope):
        op = node.child_by_field_name("operator")
        op_text = self.text(op) if op is not None else ""
        left = self.eval(node.child_by_field_name("left"), scope)
        if op_text in ("??", "||"):
            right = self.eval(node.child_by_field_name("right"), scope)
            if isinstance(left, Env) and left.default is None and isinstance(right, Str):
                return Env(left.var, right)
            if isinstance(left, (Str, Client, Member, AiModel)):
                return left
            return right if isinstance(right, (Str, Client, Member, AiModel)) and isinstance(left, Dynamic) else left
        if op_text == "+":
            right = self.eval(node.child_by_field_name("right"), scope)
            if isinstance(left, Str) and isinstance(right, Str):
                return Str(left.value + right.value, "concatenation")
            if isinstance(left, Str):
                return Str(left.value + "{...}", "concatenation")
        return UNKNOWN

    # -- member access: the core's get() and these hooks ----------------------------------------------------------
    def export_member(self, base: Import, name: str):
        if base.name == "*":
            return Import(base.module, name)
        if not is_known_package(base.module):
            return Pending(base, (), self.path).get(name)
        if base.module == "openai" and base.name in ("default", "OpenAI") and name in js.CLIENT_CLASSES:
            return Import("openai", name)  # OpenAI.OpenAI, OpenAI.AzureOpenAI (CommonJS style)
        return Import(base.module, f"{base.name}.{name}")

    def other_member(self, base, name: str):
        if isinstance(base, ObjectValue):
            entry = base.props.get(name)
            if entry is None:
                return UNKNOWN
            value_node, where = entry
            value = base.owner.eval(value_node, where) if value_node is not None else UNKNOWN
            base.props[name] = (None, None) if value is UNKNOWN else entry
            return value
        return UNKNOWN

    def instance_member(self, base: Instance, name: str):
        """A field of `this`: class fields and `this.x = ...` of the methods, read the first time one is used."""
        fields = base.fields if base.fields is not None else base.owner.instance_fields(base)
        entry = fields.get(name)
        if entry is None:
            if isinstance(base.inherited, Pending):  # set by a base class another module defines
                return Pending(base.inherited.source, base.inherited.steps + (("this", name),),
                               base.inherited.importer)
            return UNKNOWN
        if entry[0] == "value":
            return entry[1]
        base.fields[name] = ("value", UNKNOWN)
        value = base.owner.eval(entry[1], entry[2])
        base.fields[name] = ("value", value)
        return value

    # -- calls ---------------------------------------------------------------------------------------------------
    def callee(self, node, scope: Scope):
        func = node.child_by_field_name("function")
        return self.eval(func, scope) if func is not None else UNKNOWN

    def call(self, node, scope: Scope):
        func = node.child_by_field_name("function")
        if func is None:
            return UNKNOWN
        if func.type == "identifier" and self.text(func) == "require" and scope.find("require") is None:
            spec = first_string(self, node)
            return Import(spec, "*") if spec is not None else UNKNOWN
        if func.type == "import":
            spec = first_string(self, node)
            return Import(spec, "*") if spec is not None else UNKNOWN
        if func.type == "identifier" and self.text(func) in INTEROP_HELPERS:
            args = arguments(node)
            wrapped = self.eval(args[0], scope) if args else UNKNOWN
            if isinstance(wrapped, Import):
                return wrapped
        callee = self.eval(func, scope)
        if isinstance(callee, Member) and callee.path[-1] in js.RESPONSE_VARIANTS:
            return UNKNOWN
        return self.apply(callee, node, scope)

    # -- calls: the core's apply() (CALLS first for an import) and these hooks -------------------------------------
    def call_export(self, callee: Import, node, scope: Scope):
        if not is_known_package(callee.module):
            return Pending(callee, (), self.path).call()
        return UNKNOWN

    def call_client(self, callee: Client, node, scope: Scope):
        if callee.api == "ai-sdk":
            return self._ai_model(callee, "", node, scope)
        return callee  # client.withOptions(...): get() gave the client back; so does the call

    def call_path(self, callee: Member, node, scope: Scope):
        if callee.client.api == "ai-sdk" and len(callee.path) == 1 and callee.path[0] in js.AI_SDK_MODEL_METHODS:
            return self._ai_model(callee.client, callee.path[0], node, scope)
        return UNKNOWN

    def _http_instance(self, library: str, node, scope: Scope):
        """`axios.create({ baseURL })`, `got.extend({ prefixUrl })`, `ky.create({ prefixUrl })`: a client whose
        base URL later calls' paths are relative to (kept in `role`)."""
        args = arguments(node)
        if not args or args[0].type != "object":
            return UNKNOWN
        for key in ("baseURL", "prefixUrl"):
            value_node = property_node(self, args[0], key)
            if value_node is not None:
                value = self.eval(value_node, scope)
                if isinstance(value, Env) and value.default is not None:
                    value = value.default
                if isinstance(value, Str):
                    return Client(library, api="http", line=node.start_point[0] + 1, endpoint=value.value)
        return UNKNOWN

    def _ai_model(self, provider: Client, method: str, node, scope: Scope) -> AiModel:
        args = arguments(node)
        model = self.eval(args[0], scope) if args else None
        if model is not None and not isinstance(model, (Str, Env)):
            model = Dynamic(self.text(args[0]))
        return AiModel(provider, js.AI_SDK_MODEL_METHODS[method], model, node.start_byte)

    def function_returns(self, function: Function):
        """The value a function returns (the first return that says something); the core's return_value()
        memoises it."""
        node = function.node
        body = node.child_by_field_name("body")
        scope = Scope(function.scope)
        value = UNKNOWN
        if body is not None and body.type != "statement_block":
            value = self.eval(body, scope)
        elif body is not None:
            self.hoist(body, scope)
            for ret in _returns(body):
                expr = ret.named_children[0] if ret.named_children else None
                candidate = self.eval(expr, self._scope_at(expr, body, scope)) if expr is not None else UNKNOWN
                if not isinstance(candidate, Dynamic):
                    value = candidate
                    break
        return value

    def _scope_at(self, node, body, scope: Scope) -> Scope:
        """The scope of `node` inside a function body: the body's, with the names of enclosing blocks hoisted."""
        blocks = []
        parent = node.parent
        while parent is not None and parent.id != body.id:
            if parent.type == "statement_block":
                blocks.append(parent)
            parent = parent.parent
        for block in reversed(blocks):
            scope = Scope(scope)
            self.hoist(block, scope)
        return scope

    # -- what calling an import returns, per the meaning of its prefix (CALLS below); None: not this one's -------
    def _ai_sdk_provider_value(self, callee: Import, node, scope: Scope):
        name = callee.name
        if name in js.AI_SDK_PROVIDER_EXPORTS:
            return self._ai_model(_AI_SDK_OPENAI, "", node, scope)
        if name in js.AI_SDK_PROVIDER_FACTORIES:
            return self._client("ai-sdk", name, node, scope)
        method = name.split(".", 1)[1] if name.startswith("openai.") else None
        if method in js.AI_SDK_MODEL_METHODS:
            return self._ai_model(_AI_SDK_OPENAI, method, node, scope)
        return None

    def _http_library_value(self, callee: Import, node, scope: Scope):
        library = js.HTTP_PACKAGES[callee.module]
        if library in ("axios", "got", "ky") and callee.name.rsplit(".", 1)[-1] in ("create", "extend"):
            return self._http_instance(library, node, scope)
        return None

    def new_expression(self, node, scope: Scope):
        """`new X(...)`: the core's construct() (the CONSTRUCTORS handlers for X's prefix)."""
        ctor = node.child_by_field_name("constructor")
        value = self.eval(ctor, scope) if ctor is not None else UNKNOWN
        return self.construct(value, node, scope)

    # -- what `new X(...)` builds, per the meaning of X's prefix (CONSTRUCTORS below); None: not this one's ---------
    def _openai_node_client(self, callee: Import, node, scope: Scope):
        name = callee.name
        if name in js.V3_CLASSES:
            return self._client("openai-node-v3", name, node, scope)
        cls = js.CLIENT_CLASSES.get(name) or ("OpenAI" if name == "*" else None)
        return self._client("openai", cls, node, scope) if cls is not None else None

    def _openai_edge_client(self, callee: Import, node, scope: Scope):
        name = callee.name
        return self._client("openai-edge", name, node, scope) if name in js.V3_CLASSES else None

    def _azure_openai_client(self, callee: Import, node, scope: Scope):
        name = callee.name
        return self._client("azure-openai", name, node, scope) if name in js.AZURE_CLASSES else None

    def _wrapper_client(self, callee: Import, node, scope: Scope):
        wrapper = js.wrapper_class(callee.module, callee.name)
        return self._client(wrapper[0], wrapper[1], node, scope) if wrapper is not None else None

    def _client(self, api: str, cls: str, node, scope: Scope) -> Client:
        """A client built by `node` (new X({...}) or createOpenAI({...})), with its options and what it talks to."""
        from migrate.catalog.providers import Evidence

        args = arguments(node)
        options: tuple[str, ...] = ()
        dynamic = False
        evidence: dict[str, Evidence] = {}
        first = args[0] if args else None
        if first is not None and first.type in ("identifier", "new_expression"):
            bound = self.eval(first, scope)
            # new OpenAIApi(configuration), new OpenAIApi(new Configuration({...})): the configuration's role
            if isinstance(bound, Client) and bound.cls == "Configuration":
                return Client(cls, api=api, line=node.start_point[0] + 1, endpoint=bound.endpoint,
                              options=bound.options, dynamic=bound.dynamic)
        if first is not None and first.type == "identifier":
            found = scope.find(self.text(first))
            entry = found.names.get(self.text(first)) if found is not None else None
            if entry is not None and entry[0] == "expr" and entry[1] is not None and entry[1].type == "object":
                first = entry[1]
        if first is not None and first.type == "object":
            keys, dynamic = object_keys(self, first)
            options = tuple(sorted(set(keys)))
            for key, what in (("baseURL", "base_url"), ("basePath", "base_url"), ("endpoint", "base_url"),
                              ("apiKey", "api_key"), ("openAIApiKey", "api_key")):
                value_node = property_node(self, first, key)
                if value_node is not None and what not in evidence:
                    evidence[what] = self._evidence(value_node, scope)
            nested = property_node(self, first, "configuration")
            if nested is not None and nested.type == "object":
                inner, inner_dynamic = object_keys(self, nested)
                options = tuple(sorted(set(options) | {f"configuration.{k}" for k in inner}))
                dynamic = dynamic or inner_dynamic
                for key, what in (("baseURL", "base_url"), ("apiKey", "api_key")):
                    value_node = property_node(self, nested, key)
                    if value_node is not None:
                        evidence[what] = self._evidence(value_node, scope)
        elif first is not None:
            dynamic = True
        role = client_endpoint(evidence.get("base_url"), evidence.get("api_key"))
        return Client(cls, api=api, line=node.start_point[0] + 1, endpoint=role, options=options, dynamic=dynamic)

    def _evidence(self, node, scope: Scope):
        value = self.eval(node, scope)
        if isinstance(value, Str) and "{" in value.value:
            value = None  # a template literal with unknown parts: judged by its text
        return option_evidence(value, one_line(self.text(node), 80))


# The JS/TS front end's handlers, by what the catalog says each qualified-name prefix means
# (migrate/catalog/prefixes.py): what `new X(...)` builds, and what calling an import returns.
CONSTRUCTORS = PrefixRegistry(prefixes.JAVASCRIPT, JAVASCRIPT_SEPARATORS)
CONSTRUCTORS.register("openai-node", Evaluator._openai_node_client)
CONSTRUCTORS.register("openai-edge", Evaluator._openai_edge_client)
CONSTRUCTORS.register("azure-openai", Evaluator._azure_openai_client)
CONSTRUCTORS.register("wrapper-class", Evaluator._wrapper_client)
CALLS = PrefixRegistry(prefixes.JAVASCRIPT, JAVASCRIPT_SEPARATORS)
CALLS.register("ai-sdk-provider", Evaluator._ai_sdk_provider_value)
CALLS.register("http-library", Evaluator._http_library_value)
Evaluator.calls, Evaluator.constructors = CALLS, CONSTRUCTORS
# What a parameter or field typed with an export stands for (annotation_value): the SDKs' client classes.
ANNOTATIONS = PrefixRegistry(prefixes.JAVASCRIPT, JAVASCRIPT_SEPARATORS)
ANNOTATIONS.register("openai-node", Evaluator._openai_node_annotation)
ANNOTATIONS.register("openai-edge", Evaluator._openai_edge_annotation)
ANNOTATIONS.register("azure-openai", Evaluator._azure_openai_annotation)
_AI_SDK_OPENAI = Client("openai", api="ai-sdk")  # the AI SDK's default provider, `openai` of @ai-sdk/openai


# -- syntax helpers ------------------------------------------------------------------------------------------------
def one_line(text: str, width: int) -> str:
    """Source text as a one-line quote (reports and `// migrate:` comments are lines), cut to `width` characters."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def arguments(node) -> list:
    args = node.child_by_field_name("arguments")
    if args is None or args.type == "template_string":
        return []
    return [a for a in args.named_children if a.type != "comment"]


def first_string(ev: Evaluator, node) -> str | None:
    args = arguments(node)
    if args and args[0].type == "string":
        return _string_value(ev, args[0])
    return None


def _string_value(ev: Evaluator, node) -> str:
    if node.type in ("string", "template_string"):
        out = []
        for child in node.named_children:
            if child.type == "string_fragment":
                out.append(ev.text(child))
            elif child.type == "escape_sequence":
                out.append(_unescape(ev.text(child)))
        return "".join(out)
    return ev.text(node)


def _unescape(text: str) -> str:
    simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
    return simple.get(text[1:], text[1:]) if len(text) == 2 else text


def _nullish_type(ev: Evaluator, node) -> bool:
    """`null`, `undefined` or `void` in a union: `client?: OpenAI | null` is still a client when it is one."""
    return node.type in ("literal_type", "predefined_type") and ev.text(node) in ("null", "undefined", "void")


def _has_token(node, token: str) -> bool:
    return any(c.type == token for c in node.children if not c.is_named)


def _object_props(ev: Evaluator, node):
    """(name, key node, value node) for the statically named properties of an object literal."""
    for prop in node.named_children:
        if prop.type == "pair":
            key = prop.child_by_field_name("key")
            if key is not None and key.type in ("property_identifier", "string", "number"):
                yield _string_value(ev, key), key, prop.child_by_field_name("value")
        elif prop.type == "shorthand_property_identifier":
            yield ev.text(prop), prop, prop  # {client}: the value is the identifier itself
        elif prop.type == "method_definition":
            name = prop.child_by_field_name("name")
            if name is not None:
                yield ev.text(name), name, prop


def object_keys(ev: Evaluator, node) -> tuple[list[str], bool]:
    """The keys of an object literal argument, and whether a spread makes them not statically known."""
    keys, dynamic = [], False
    for prop in node.named_children:
        if prop.type == "spread_element":
            dynamic = True
        elif prop.type == "pair":
            key = prop.child_by_field_name("key")
            if key is not None and key.type in ("property_identifier", "string"):
                keys.append(_string_value(ev, key))
            else:
                dynamic = True
        elif prop.type == "shorthand_property_identifier":
            keys.append(ev.text(prop))
        elif prop.type == "method_definition":
            name = prop.child_by_field_name("name")
            if name is not None:
                keys.append(ev.text(name))
    return keys, dynamic


def property_node(ev: Evaluator, obj, name: str):
    """The value node of property `name` of an object literal (the identifier itself for `{ name }`)."""
    for prop in obj.named_children:
        if prop.type == "pair":
            key = prop.child_by_field_name("key")
            if key is not None and _string_value(ev, key) == name:
                return prop.child_by_field_name("value")
        elif prop.type == "shorthand_property_identifier" and ev.text(prop) == name:
            return prop
    return None


def _returns(body):
    """Return statements of a function body, not of functions nested in it."""
    stack = [body]
    while stack:
        node = stack.pop()
        for child in reversed(node.named_children):
            if child.type == "return_statement":
                yield child
            elif child.type not in FUNCTION_TYPES and child.type != "class_declaration":
                stack.append(child)
