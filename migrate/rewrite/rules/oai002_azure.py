"""OAI002 azure-to-openai: Azure OpenAI clients become plain OpenAI clients pointed at vLLM.

    client = AzureOpenAI(                               client = OpenAI(
        api_key=os.getenv("AZURE_OPENAI_API_KEY"),  ->      api_key=os.getenv("AZURE_OPENAI_API_KEY"),
        api_version="2024-02-01",                       )
        azure_endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),
    )

`api_version`, `azure_endpoint`, `azure_deployment` and the Azure AD token arguments have no meaning on vLLM:
they are dropped, with a `# migrate:` note naming them. A deployment name is what the calls pass as `model=`:
put it in the model map (OAI003 maps it); the note says what it maps to. OAI001 then sets `base_url` and
`api_key` from the configured environment variables; an `api_key` passed through a name or an expression is an
Azure key all the same, and is replaced here (with a note): it is never sent to vLLM. Arguments spread into the
construction (`**params`) get a note: they must not carry the Azure-only ones; where the function itself puts an
Azure-only key into that dict (`params = {"azure_endpoint": ...}`, `params["api_version"] = ...`), OpenAI(...) would
raise TypeError on it, so the client stays on Azure, with a note saying how to move it (and where every Azure client
of the module stays for that reason, its annotations keep naming the Azure classes). Type annotations and unions
follow the rename; `isinstance(client, AzureOpenAI)` alone keeps the Azure class (it asks whether a client is Azure's,
which the converted ones are not), with a note.
Calls the converted client makes to endpoints vLLM does not serve get a note from OAI001 (keep them on Azure).
A client that makes only such calls (an image-generation driver's, in this module or through a base class in
another) is not converted: it stays on Azure OpenAI as it was, with a note saying so.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from migrate.catalog.clients import AZURE_ONLY_ATTRIBUTES, AZURE_QUERY
from migrate.rewrite.rules import _walk as walk
from migrate.rewrite.rules._imports import may_hold_import

from migrate.rewrite.rules._base import (
    AZURE_CLASSES,
    RuleTransformer,
    code,
    request_receiver,
    sdk_endpoint,
    strip_variants,
    env_read,
    get_arg,
    has_star_kwargs,
    literal_str,
    remove_args,
    replace_arg_value,
)

AZURE_ONLY = ("api_version", "azure_endpoint", "azure_deployment", "azure_ad_token", "azure_ad_token_provider")
_AZURE_READS = re.compile("|".join(sorted([*AZURE_ONLY_ATTRIBUTES, AZURE_QUERY[0]])))


def wanted(source: str, state) -> bool:
    return "AzureOpenAI" in source


class Transformer(RuleTransformer):
    RULE_ID = "OAI002"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self._join: dict[str, set[str]] = {}  # Azure class name -> the plain classes its import statements gain
        self._stays: dict[cst.Call, list[str]] = {}
        self._spread_azure: dict[cst.Call, list[str]] = {}  # constructions left on Azure: the Azure keys spread in
        self._converts = False
        self._keeps_names = False

    def statement_filter(self):
        # every hook asks for a name inside openai, but the reads of what only an Azure client holds
        names = self.names_filter(("openai",))
        if names is None:
            return None
        return re.compile(f"{names.pattern}|{_AZURE_READS.pattern}", names.flags)

    def visit_Module(self, node: cst.Module) -> None:
        # Azure constructions whose client only calls endpoints vLLM does not serve -> those endpoints
        self._stays: dict[cst.Call, list[str]] = {}
        constructions = [c for c in self.state.nodes(node, cst.Call) if self.qname_in(c.func, AZURE_CLASSES, called_by=c)]
        self._converts = bool(constructions)
        if not constructions:
            return
        from migrate.catalog import load_catalog
        from migrate.rewrite.target import judged_catalog

        catalog = judged_catalog(self.state.options) or load_catalog()
        self._spread_azure: dict[cst.Call, list[str]] = {}
        for construction in constructions:
            names = _Uses(self, node, catalog).unserved_only(construction)
            if names:
                self._stays[construction] = names
                continue
            keys = self._azure_keys_spread(construction)
            if keys:
                self._stays[construction] = []
                self._spread_azure[construction] = keys
        self._converts = any(c not in self._stays for c in constructions)  # an Azure client becomes a plain one
        # every Azure client the module builds stays on Azure because of what is spread into it: its annotations and
        # imports keep naming the Azure classes (as where the module builds none that moves, they would be wrong)
        self._keeps_names = bool(self._spread_azure) and not self._converts

    def _azure_keys_spread(self, construction: cst.Call) -> list[str]:
        """The Azure-only keys the function puts into the dict it spreads into `construction` (`params = {
        "azure_endpoint": ...}`, `params["api_version"] = ...`, `dict(azure_deployment=...)`): OpenAI(**params) would
        raise TypeError on them (phidata 2.4.20, mirascope 0.18.0, langchain-openai 0.2.14's AzureChatOpenAI). []
        where none shows."""
        spread = [a.value.value for a in construction.args if a.star == "**" and isinstance(a.value, cst.Name)]
        if not spread:
            return []
        scope = self.parent(construction)
        while scope is not None and not isinstance(scope, (cst.FunctionDef, cst.Module)):
            scope = self.parent(scope)
        if scope is None:
            return []
        keys: list[str] = []
        for assign in walk.find(scope, (cst.Assign, cst.AnnAssign)):
            targets = [assign.target] if isinstance(assign, cst.AnnAssign) else [t.target for t in assign.targets]
            for name in targets:
                if isinstance(name, cst.Name) and name.value in spread:
                    value = assign.value
                    if isinstance(value, cst.Dict):
                        keys += [k for e in value.elements if isinstance(e, cst.DictElement)
                                 and (k := literal_str(e.key)) in AZURE_ONLY]
                    elif isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict":
                        keys += [a.keyword.value for a in value.args if a.keyword is not None
                                 and a.keyword.value in AZURE_ONLY]
                elif (isinstance(name, cst.Subscript) and isinstance(name.value, cst.Name) and name.value.value in spread
                      and len(name.slice) == 1 and isinstance(name.slice[0].slice, cst.Index)
                      and literal_str(name.slice[0].slice.value) in AZURE_ONLY):
                    keys.append(literal_str(name.slice[0].slice.value))
        return list(dict.fromkeys(keys))

    def _staying(self, node: cst.CSTNode) -> bool:
        """`node` is the class named by a construction that stays on Azure, or in the annotation of the attribute
        or variable it is assigned to (`client: AzureOpenAI = field(default=Factory(lambda self: AzureOpenAI(...)))`)."""
        if not self._stays:
            return False
        parent = self.parent(node)
        if isinstance(parent, cst.Call) and parent.func is node:
            return parent in self._stays
        current = parent
        while current is not None and not isinstance(current, cst.Annotation):
            if isinstance(current, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                return False
            current = self.parent(current)
        statement = self.parent(current) if current is not None else None
        return isinstance(statement, cst.AnnAssign) and statement.value is not None and any(
            self._holds(statement.value, construction) for construction in self._stays)

    def _holds(self, value: cst.CSTNode, construction: cst.Call) -> bool:
        current = construction
        while current is not None and current is not value:
            current = self.parent(current)
        return current is value

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.qname_in(original.func, AZURE_CLASSES) is None:
            return updated
        if original in self._spread_azure:
            keys = ", ".join(self._spread_azure[original])
            self.review(original, f"left on Azure OpenAI: the arguments spread into this client carry {keys}, which "
                                  f"OpenAI(...) raises TypeError on: to move it to vLLM, build "
                                  f"OpenAI(base_url=..., api_key=...) from ${self.config.base_url_env} and "
                                  f"${self.config.api_key_env} here instead",
                        note=f"left on Azure OpenAI: its spread arguments carry {keys} (OpenAI(...) rejects them): "
                             f"build an OpenAI client from ${self.config.base_url_env} here to move it to vLLM")
            return updated
        if original in self._stays:
            self.review(original, f"left alone: this Azure OpenAI client only calls what vLLM does not serve "
                                  f"({', '.join(self._stays[original])}): it stays on Azure OpenAI", comment=False)
            return updated
        converted = self._convert(original, updated)
        self.state.from_azure.add(code(converted))
        return converted

    def _convert(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if has_star_kwargs(original):
            self.review(original, f"AzureOpenAI -> OpenAI for vLLM: the arguments spread into it must not carry "
                                  f"{', '.join(AZURE_ONLY)}: OpenAI(...) raises TypeError on them; an api_key "
                                  f"among them is the Azure key, which must not go to vLLM: read "
                                  f"${self.config.api_key_env} instead")
        updated = self._drop_azure_key(original, updated)
        dropped = [name for name in AZURE_ONLY if get_arg(updated, name) is not None]
        if not dropped:
            return updated
        note = f"AzureOpenAI -> OpenAI for vLLM: dropped {', '.join(dropped)}"
        deployment = get_arg(updated, "azure_deployment")
        if deployment is not None:
            name = literal_str(deployment.value)
            mapped = self.config.map_model(name) if name else None
            if name and mapped is None and name in self.config.models.values():
                mapped = name  # OAI003 mapped it already
            if mapped:
                note += f"; the deployment is served as {mapped!r}: calls pass model={mapped!r}"
            elif name:
                note += f"; map deployment {name!r} in [tool.migrate.models] and pass model= on each call"
            else:
                note += "; pass the served model name as model= on each call"
        self.review(original, note, note=note.split("; ")[0] + ("; " + note.split("; ")[1] if "; " in note and len(note) < 140 else ""))
        required = self._required_before(original, dropped)
        if required:
            self.review(original, f"the code above still raises without {', '.join(f'`{n}`' for n in required)}, "
                                  "which this client no longer uses: drop that check, or the deployment must keep "
                                  "setting a value nothing reads")
        self.edited(len(dropped))
        return remove_args(updated, set(dropped))

    def _required_before(self, original: cst.Call, dropped: list[str]) -> list[str]:
        """The names passed as dropped Azure settings that an earlier statement of the function checks and raises
        without (haystack 2.0's `if not azure_endpoint: raise ValueError(...)`)."""
        from migrate.rewrite.rules._base import statements_before
        from migrate.rewrite.rules._values import exits_when_none

        names = [arg.value.value for name in dropped if isinstance((arg := get_arg(original, name)).value, cst.Name)]
        if not names:
            return []
        earlier = list(statements_before(original, self.parent))
        return [name for name in names if any(exits_when_none(stmt, name) for stmt in earlier)]

    def leave_IfExp(self, original: cst.IfExp, updated: cst.IfExp):
        """`AzureOpenAI(**kw) if api_type == "azure" else OpenAI(**kw)`: once the Azure side is the plain class,
        both sides are the same construction, and the choice (a test without calls) goes."""
        if not (isinstance(updated.body, cst.Call) and updated.body.deep_equals(updated.orelse)):
            return updated
        if original.body.deep_equals(original.orelse) or walk.find(original.test, (cst.Call, cst.Await, cst.NamedExpr)):
            return updated
        self.edited()
        return updated.body.with_changes(lpar=[], rpar=[])

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation):
        """`OpenAI | AsyncOpenAI | AzureOpenAI | AsyncAzureOpenAI`: once the Azure classes are the plain ones, a
        union names them twice; the second mention goes (an Azure client is an instance of the plain class)."""
        if not isinstance(updated.operator, cst.BitOr) or self._in_union(original):
            return updated
        members, before = _union_members(updated), _union_members(original)
        keep = _named_once([code(m) for _, m in members or ()], [code(m) for _, m in before or ()])
        if members is None or before is None or keep is None:
            return updated
        kept = [members[i] for i in keep]
        union = kept[0][1]
        for operator, member in kept[1:]:
            union = cst.BinaryOperation(left=union, operator=operator, right=member)
        self.edited()
        return union.with_changes(lpar=updated.lpar, rpar=updated.rpar) if updated.lpar and len(kept) > 1 else union

    def _assigned(self, node: cst.Attribute) -> bool:
        parent = self.parent(node)
        return isinstance(parent, cst.AssignTarget) and parent.target is node

    def _union(self, original: cst.Subscript, updated: cst.Subscript):
        """`Union[OpenAI, AzureOpenAI]`, as above: the plain class once."""
        value = updated.value
        if not ((isinstance(value, cst.Name) and value.value == "Union")
                or (isinstance(value, cst.Attribute) and value.attr.value == "Union")):
            return updated
        keep = _named_once([code(e.slice) for e in updated.slice], [code(e.slice) for e in original.slice])
        if keep is None:
            return updated
        kept = [updated.slice[i] for i in keep]
        self.edited()
        if len(kept) == 1 and isinstance(kept[0].slice, cst.Index):  # `Union[OpenAI]` is `OpenAI`
            if isinstance(value, cst.Name):
                for module in ("typing", "typing_extensions"):
                    RemoveImportsVisitor.remove_unused_import(self.context, module, "Union")
            return kept[0].slice.value
        kept[-1] = kept[-1].with_changes(comma=updated.slice[-1].comma)
        return updated.with_changes(slice=kept)

    def _in_union(self, node: cst.BinaryOperation) -> bool:
        """The left operand of a longer `|` chain: the chain is handled whole, where it ends."""
        parent = self.parent(node)
        return isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.BitOr) and parent.left is node

    def _drop_azure_key(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """An api_key passed through a name or an expression is an Azure key all the same: it must not go to the
        vLLM server. A literal or an environment read is OAI001's to replace; this one is replaced here, with
        the configured variable, the same way."""
        key = get_arg(updated, "api_key")
        if key is None or literal_str(key.value) is not None or env_read(key.value) is not None:
            return updated
        self.review(original, f"AzureOpenAI -> OpenAI for vLLM: the Azure key `{code(key.value)}` is not sent to "
                              f"vLLM; api_key reads ${self.config.api_key_env}")
        self.edited()
        return replace_arg_value(updated, "api_key", self.api_key_expr())

    def _type_test(self, node: cst.CSTNode) -> bool:
        """`isinstance(client, AzureOpenAI)` (or issubclass) naming the Azure class alone: it asks whether a client is
        Azure's, which the converted ones are not. Renamed, it would hold for every client and turn the branch it
        guards on (pyautogen 0.2.35: `not isinstance(client, openai.AzureOpenAI) and ...` would never hold); kept,
        it answers False for the clients this rule converts, and a note says so."""
        arg = self.parent(node)
        call = self.parent(arg) if isinstance(arg, cst.Arg) else None
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in ("isinstance", "issubclass")
                and len(call.args) == 2 and call.args[1] is arg):
            return False
        self.review(call, f"{code(call)}: the Azure clients the migration converts are plain OpenAI clients now, so this test "
                          "no longer holds for them (the Azure class stays named here): drop the Azure branch it guards, "
                          "or keep that client on Azure")
        return True

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        parent = self.parent(original)
        if isinstance(parent, cst.AssignTarget):
            return updated  # `AzureOpenAI = object`, the fallback of a failed import: it binds the name, it names no class
        target = self._azure(original)
        if target is None or self._staying(original) or self._type_test(original) or self._keeps_names:
            return updated
        if isinstance(parent, (cst.ImportAlias, cst.AsName)):
            return updated
        if isinstance(parent, cst.Attribute) and parent.attr is original:
            return updated  # handled in leave_Attribute
        q = self.qname_in(original, AZURE_CLASSES)
        module, imported = q.rsplit(".", 1) if q is not None else ("openai", original.value)
        asname = original.value if original.value != imported else None
        bound = self._plain_name(target)
        if bound is not None:
            # `from openai import AzureOpenAI as AzureClient, OpenAI as OpenAIClient` (promptflow-tools 1.0.0): the
            # module's own name for the plain class, which it already imports
            RemoveImportsVisitor.remove_unused_import(self.context, module, imported, asname)
            self.edited()
            return updated.with_changes(value=bound)
        if self._joinable(original.value):
            # the plain class joins the import of the Azure one, where it is: inside a function (a lazy import of an
            # optional dependency) or a `try: ... except ImportError` it stays there, and does not load at the top
            self._join.setdefault(original.value, set()).add(target)
        else:
            AddImportsVisitor.add_needed_import(self.context, "openai", target)
        # from the module it was imported from: `from openai.lib.azure import AzureOpenAI` goes too
        RemoveImportsVisitor.remove_unused_import(self.context, module, imported, asname)
        self.edited()
        return updated.with_changes(value=target)

    def _plain_name(self, target: str) -> str | None:
        """Another name the module binds to the plain class `target` (`OpenAI as OpenAIClient`), by a module-level
        `from openai import` alone; None where the class's own name would be used."""
        index = self.state.import_index()
        if index is None or not index.usable:
            return None
        names = sorted(name for name, bound in index.imports.items()
                       if bound == {f"openai.{target}"} and name != target and name not in index.other
                       and name not in index.nested)
        return names[0] if names else None

    def _joinable(self, name: str) -> bool:
        """`name` is bound by `from openai import ...` statements only (wherever they are)."""
        index = self.state.import_index()
        if index is None or not index.usable or name in index.other:
            return False
        targets = {*index.imports.get(name, ()), *index.nested.get(name, ())}
        return bool(targets) and all(t.rpartition(".")[0] == "openai" for t in targets)

    def leave_Module(self, original: cst.Module, updated: cst.Module):
        if not self._join:
            return updated
        joiner = _JoinImports(self._join)
        updated = walk.transform(updated, joiner, attributes=False)
        for name, targets in self._join.items():
            if name not in joiner.done:
                for target in sorted(targets):
                    AddImportsVisitor.add_needed_import(self.context, "openai", target)
        return updated

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        """`client._custom_query["api-version"]`: the query parameter only an Azure client adds (KeyError now)."""
        holder, key = AZURE_QUERY
        if (self._converts and isinstance(original.value, cst.Attribute) and original.value.attr.value == holder
                and len(original.slice) == 1 and isinstance(original.slice[0].slice, cst.Index)
                and literal_str(original.slice[0].slice.value) == key):
            self.review(original, f"{code(original)}: only an Azure client sends an {key} parameter; the converted "
                                  "client has none (KeyError): drop this read")
        return self._union(original, updated)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if self._converts and original.attr.value in AZURE_ONLY_ATTRIBUTES and not self._assigned(original):
            self.review(original, f"{code(original)}: only an Azure client holds {original.attr.value}; the converted "
                                  "client has none (AttributeError): drop this read, or read it with getattr and a "
                                  "default")
        target = self._azure(original)
        if target is None or self._staying(original) or self._type_test(original) or self._keeps_names:
            return updated
        self.edited()
        return updated.with_changes(attr=cst.Name(target))

    def _azure(self, node) -> str | None:
        q = self.qname_in(node, AZURE_CLASSES)
        return AZURE_CLASSES[q] if q is not None else None


def _named_once(after: list[str], before: list[str]) -> list[int] | None:
    """The positions of a union's members to keep (the first of each text), when the rename made it name a class
    twice; None when it names nothing twice, or did so already before the rename."""
    if len(set(after)) == len(after) or len(set(before)) < len(before):
        return None
    first: dict[str, int] = {}
    for i, text in enumerate(after):
        first.setdefault(text, i)
    return sorted(first.values())


def _union_members(node: cst.BinaryOperation) -> list[tuple[cst.BitOr | None, cst.BaseExpression]] | None:
    """The members of a `|` chain written as types (names, dotted names, subscripts, None) with the operator before
    each; None for a chain of anything else (`flags | OTHER_FLAG` on values is left alone too: no name repeats)."""
    out: list[tuple[cst.BitOr | None, cst.BaseExpression]] = []
    current: cst.BaseExpression = node
    while isinstance(current, cst.BinaryOperation) and isinstance(current.operator, cst.BitOr) and (
            current is node or not current.lpar):  # the chain's own parentheses, not a parenthesized operand
        out.append((current.operator, current.right))
        current = current.left
    out.append((None, current))
    out.reverse()
    if not all(isinstance(member, (cst.Name, cst.Attribute, cst.Subscript)) for _, member in out):
        return None
    # the operator written before each member: the one that joined it to the chain
    return [(None if i == 0 else out[i][0], member) for i, (_, member) in enumerate(out)]


class _JoinImports(cst.CSTTransformer):
    """`from openai import AzureOpenAI` gains the plain class the code now uses (`from openai import AzureOpenAI,
    OpenAI`; the Azure name goes once unused), wherever the statement is."""

    def __init__(self, wanted: dict[str, set[str]]) -> None:
        super().__init__()
        self.wanted = wanted
        self.done: set[str] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        return isinstance(node, cst.ImportFrom) or may_hold_import(node)

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        module = updated.module
        if (updated.relative or not isinstance(module, cst.Name) or module.value != "openai"
                or isinstance(updated.names, cst.ImportStar)):
            return updated
        names = list(updated.names)
        have = {alias.evaluated_alias or alias.evaluated_name for alias in names}
        out = []
        for alias in names:
            out.append(alias)
            bound = alias.evaluated_alias or alias.evaluated_name
            if bound not in self.wanted:
                continue
            self.done.add(bound)
            for target in sorted(self.wanted[bound] - have):
                have.add(target)
                out[-1] = out[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                out.append(cst.ImportAlias(name=cst.Name(target), comma=alias.comma))
        return updated.with_changes(names=out)


class _Uses:
    """What a client construction's client is used for, where the module shows every use: a name the module binds
    once (`client = AzureOpenAI(...)`), or a class's `self.<attribute>` (`self.client = ...`, an attrs field's
    default factory) with the calls base classes in other modules make through it (the plan's facts)."""

    _THROUGH = (cst.Lambda, cst.Arg, cst.Call, cst.IfExp, cst.BooleanOperation)

    def __init__(self, rule: Transformer, module: cst.Module, catalog) -> None:
        self.rule, self.module, self.catalog = rule, module, catalog

    def unserved_only(self, construction: cst.Call) -> list[str] | None:
        """The endpoints the client calls, when it calls some and vLLM serves none of them; else None."""
        parent, current = self.rule.parent(construction), construction
        while isinstance(parent, self._THROUGH):
            if isinstance(parent, cst.Call) and current is parent.func:
                return None
            current, parent = parent, self.rule.parent(parent)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
        elif isinstance(parent, cst.AnnAssign) and parent.value is current:
            target = parent.target
        else:
            return None
        klass = self._class_of(parent)
        if isinstance(target, cst.Name) and klass is not None and self.rule.parent(self.rule.parent(parent)) is klass.body:
            uses, attr = self._self_uses(klass, target.value), target.value  # a class attribute, read through self
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self" \
                and klass is not None:
            uses, attr = [u for u in self._self_uses(klass, target.attr.value) if u is not target], target.attr.value
        elif isinstance(target, cst.Name):
            uses, attr, klass = self._name_uses(target), None, None
            if uses is None:
                return None
        else:
            return None
        names: set[str] = set()
        for use in uses:
            hit = self._endpoint_call(use)
            if hit is None or hit[1]:
                return None  # used some other way, or for a route vLLM serves
            names.add(hit[0])
        if klass is not None and attr is not None:
            inherited = getattr(self.rule.state.flow, "inherited", None) or {}
            for name in inherited.get(klass.name.value, {}).get(attr, ()):
                endpoint = self.catalog.endpoint(name)
                if endpoint is None or endpoint.served:
                    return None
                names.add(name)
        return sorted(names) or None

    def _class_of(self, statement: cst.CSTNode) -> cst.ClassDef | None:
        current = self.rule.parent(statement)
        while current is not None and not isinstance(current, cst.ClassDef):
            current = self.rule.parent(current)
        return current

    @staticmethod
    def _self_uses(klass: cst.ClassDef, attr: str) -> list[cst.Attribute]:
        return [node for node in walk.find(klass, cst.Attribute) if node.attr.value == attr
                and isinstance(node.value, cst.Name) and node.value.value == "self"]

    def _name_uses(self, target: cst.Name) -> list[cst.Name] | None:
        """The reads of a name the module binds only here (no other assignment, parameter or import of it)."""
        index = self.rule.state.import_index()
        if index is None or not index.usable or target.value in index.tangled or target.value in index.imports:
            return None
        reads = []
        for name in self.rule.state.nodes(self.module, cst.Name):
            if name.value != target.value or name is target:
                continue
            parent = self.rule.parent(name)
            if (isinstance(parent, cst.Attribute) and parent.attr is name) or (
                    isinstance(parent, cst.Arg) and parent.keyword is name):
                continue  # `x.client`, `f(client=...)`: not this name
            if isinstance(parent, (cst.AssignTarget, cst.Param, cst.ImportAlias, cst.AsName, cst.FunctionDef,
                                   cst.ClassDef)):
                return None  # bound again somewhere
            reads.append(name)
        return reads

    def _endpoint_call(self, use: cst.CSTNode) -> tuple[str, bool] | None:
        """(endpoint, served) of the SDK call `use` is the client of (`use.images.generate(...)`), else None."""
        current, parent = use, self.rule.parent(use)
        while isinstance(parent, cst.Attribute) and parent.value is current:
            current, parent = parent, self.rule.parent(parent)
        if not (isinstance(parent, cst.Call) and parent.func is current):
            return None
        hit = sdk_endpoint(parent, self.catalog)
        if hit is None or strip_variants(request_receiver(parent.func, hit[1])) is not use:
            return None
        return hit[0], hit[2]
