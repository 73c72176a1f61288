"""OAI007 function-calling: legacy `functions=` / `function_call=` become `tools=` / `tool_choice=`.

vLLM's request model does not declare `functions`: it drops the field, and the model never sees the
functions (tests/server/test_facts.py::test_legacy_functions_ignored). On a chat request (the SDK's, the 0.x
ChatCompletion's, or LiteLLM's `completion` / `acompletion`, which passes functions= on to the server as they are),
and on a dict of its arguments built in the same function:

    functions=[{"name": "f", ...}]       ->  tools=[{"type": "function", "function": {"name": "f", ...}}]
    functions=FUNCS                      ->  tools=[{"type": "function", "function": f} for f in FUNCS]
    function_call="auto"                 ->  tool_choice="auto"
    function_call={"name": "f"}          ->  tool_choice={"type": "function", "function": {"name": "f"}}

Reads of the answer, on expressions known to be responses (see OAI006: followed through returns and
parameters, across modules):

    if message.function_call:            ->  if message.tool_calls:
    message.function_call.name           ->  cast(ChatCompletionMessageToolCall, message.tool_calls[0]).function.name
    fc = message.function_call           ->  fc = (cast(ChatCompletionMessageToolCall, message.tool_calls[0]).function
                                                   if message.tool_calls else None)
    finish_reason == "function_call"     ->  finish_reason == "tool_calls"
    {"role": "function", "name": n, "content": c}
                                         ->  {"role": "tool", "tool_call_id": message.tool_calls[0].id, "content": c}
                                             (only where one message's tool call is in play in that function)

A function that also reads a response's `.tool_calls` handles tool calls already (code written for both APIs):
its `.function_call` reads are left as they are, None on vLLM's answers, so that the tool call is not read twice.

The SDK types a tool call as a union of function and custom tool calls; the request declared only function
tools, so the cast (from typing, with ChatCompletionMessageToolCall from openai.types.chat) only tells the type
checker what is true at run time.

Anything else (a `function_call=` computed at run time, a hand-built assistant message carrying
`function_call`) gets a `# migrate:` note. Serving tools needs vLLM's tool-calling flags (`migrate serve`).
"""

from __future__ import annotations

import re

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor

from migrate.catalog.legacy import qualified_calls
from migrate.rewrite.rules import _walk as walk
from migrate.rewrite.rules._prune import word_search
from migrate.rewrite.rules._base import (
    RuleTransformer,
    code,
    endpoint_of,
    get_arg,
    literal_str,
    rename_arg,
)
from migrate.rewrite.rules.oai006_responses import _Scopes, response_scopes, typing_cast

_CHAT = {"chat.completions.create", "chat.completions.parse", "chat.completions.stream"}
# openai.ChatCompletion.create / .acreate (catalog), and LiteLLM's chat entry points, which pass functions= on to an
# OpenAI-compatible server as they are (vLLM drops them) and take tools= / tool_choice= as the SDK does
_LEGACY_CHAT = frozenset(qualified_calls(_CHAT)) | {"litellm.completion", "litellm.acompletion"}


_FUNCTION_TOOL_CALL = "ChatCompletionMessageToolCall"  # in openai.types.chat
_WANTED = re.compile(r"""functions\s*=|function_call|["']functions["']""")  # searched with word_search
_ACTS = re.compile(r"function|\\")


def wanted(source: str, state) -> bool:
    return word_search(_WANTED, source)


def _function_dict(value: cst.BaseExpression) -> cst.Dict:
    return cst.Dict([
        cst.DictElement(cst.SimpleString('"type"'), cst.SimpleString('"function"'),
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
        cst.DictElement(cst.SimpleString('"function"'), value),
    ])


def _stored_keys(value: cst.BaseExpression) -> list[tuple[cst.CSTNode, str, cst.CSTNode, cst.BaseExpression]]:
    """The functions / function_call entries of `{"functions": fs}` or `dict(functions=fs)`."""
    found = []
    if isinstance(value, cst.Dict):
        for element in value.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString) and literal_str(
                    element.key) in ("functions", "function_call"):
                found.append((element, literal_str(element.key), element.key, element.value))
    elif isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict":
        for arg in value.args:
            found += _keyword_store(arg)
    return found


def _keyword_store(arg: cst.Arg) -> list[tuple[cst.CSTNode, str, cst.CSTNode, cst.BaseExpression]]:
    if arg.keyword is not None and arg.keyword.value in ("functions", "function_call"):
        return [(arg, arg.keyword.value, arg.keyword, arg.value)]
    return []


def _chat_message(node: cst.BaseExpression) -> bool:
    """`E.choices[i].message`: a chat answer's message by its shape, wherever E comes from (aider gets E out of a
    tuple another module returns, which the flow does not follow)."""
    return (isinstance(node, cst.Attribute) and node.attr.value == "message" and isinstance(node.value, cst.Subscript)
            and isinstance(node.value.value, cst.Attribute) and node.value.value.attr.value == "choices")


def _chat_delta(node: cst.BaseExpression) -> bool:
    """`E.choices[i].delta`: a streamed chunk's delta by its shape."""
    return (isinstance(node, cst.Attribute) and node.attr.value == "delta" and isinstance(node.value, cst.Subscript)
            and isinstance(node.value.value, cst.Attribute) and node.value.value.attr.value == "choices")


class _Reads(cst.CSTVisitor):
    """Per function: the distinct receivers E of `E.function_call` (to build tool_call_id safely), and whether
    it reads `.tool_calls` of a response (then it handles tool calls already)."""

    def __init__(self, scopes: _Scopes, known) -> None:
        self.scopes, self.known = scopes, known
        self.stack = [0]
        self.receivers: dict[int, set[str]] = {}
        self.handles_tools: set[int] = set()

    def visit_FunctionDef(self, node) -> None:
        self.stack.append(id(node))

    def leave_FunctionDef(self, node) -> None:
        self.stack.pop()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value not in ("function_call", "tool_calls") or not (
                self.scopes.rooted(node.value, self.stack[-1], self.known) or _chat_message(node.value)):
            return
        if node.attr.value == "tool_calls":
            self.handles_tools.add(self.stack[-1])
        else:
            self.receivers.setdefault(self.stack[-1], set()).add(code(node.value))


class Transformer(RuleTransformer):
    RULE_ID = "OAI007"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.scopes = _Scopes()
        self.known: dict = {}
        self.stack = [0]
        self.guards: list[set[str]] = []  # receivers tested by enclosing `if E.function_call:`
        self.receivers: dict[int, set[str]] = {}
        self.handles_tools: set[int] = set()  # functions that read a response's .tool_calls
        self.tree: cst.Module | None = None
        # the stores of keys into a dict spread into a chat call (`kwargs["functions"] = fs; create(**kwargs)`): id of
        # the assignment, dict element or keyword argument -> (the new key, its new value, or a review item instead)
        self.spread_plans: dict[int, tuple[str | None, cst.BaseExpression | None, str | None]] = {}

    def statement_filter(self):
        # Every hook acts on text that spells "function": a `functions=` / `function_call=` argument, an
        # `.function_call` read, a "function_call" string, a {"role": "function"} or assistant message with a
        # "function_call" key (or a string key or value spelled with escapes: any backslash).
        return _ACTS

    def visit_Module(self, node: cst.Module) -> None:
        self.tree = node
        self.scopes, self.known = response_scopes(self.state, node)
        reads = _Reads(self.scopes, self.known)
        walk.visit(node, reads)
        self.receivers = reads.receivers
        self.handles_tools = reads.handles_tools
        self._plan_spreads(node)

    # -- a request built as a dict and spread into the call -----------------------------------------------------
    def _plan_spreads(self, module: cst.Module) -> None:
        """aider's `kwargs = dict(model=..., messages=...); kwargs["functions"] = functions;
        client.chat.completions.create(**kwargs)`: the keys the function stores into that dict are converted as the
        call's own arguments would be (functions -> tools, function_call -> tool_choice), or reviewed."""
        if self.state.source is not None and "**" not in self.state.source:
            return  # nothing is spread into a call
        parents = None
        for call in self.runs_on_one(module, self.state.nodes(module, cst.Call)):
            if not (endpoint_of(call) in _CHAT or self.qname_in(call.func, _LEGACY_CHAT)):
                continue
            for arg in call.args:
                if arg.star == "**" and isinstance(arg.value, cst.Name):
                    parents = parents or self.state.parents(module)
                    self._plan_spread(call, arg.value.value, parents)

    def _plan_spread(self, call: cst.Call, name: str, parents: dict) -> None:
        function = parents.get(call)
        while function is not None and not isinstance(function, (cst.FunctionDef, cst.Module)):
            function = parents.get(function)
        if function is None:
            return
        stores: list[tuple[cst.CSTNode, str, cst.CSTNode, cst.BaseExpression]] = []  # (where, key, key node, value)
        read = False
        for use in walk.find(function, cst.Name):
            if use.value != name:
                continue
            parent = parents.get(use)
            if isinstance(parent, cst.AssignTarget) and parent.target is use:
                stores += _stored_keys(parents[parent].value)
            elif isinstance(parent, cst.Subscript) and parent.value is use and len(parent.slice) == 1 and isinstance(
                    parent.slice[0].slice, cst.Index):
                key = literal_str(parent.slice[0].slice.value)
                holder = parents.get(parent)
                if key in ("functions", "function_call") and isinstance(holder, cst.AssignTarget) and (
                        holder.target is parent) and isinstance(parent.slice[0].slice.value, cst.SimpleString):
                    stores.append((parents[holder], key, parent.slice[0].slice.value, parents[holder].value))
                elif key in ("functions", "function_call"):
                    read = True
            elif isinstance(parent, cst.Attribute) and parent.value is use:
                method = parents.get(parent)
                if parent.attr.value == "update" and isinstance(method, cst.Call):
                    for arg in method.args:
                        stores += _stored_keys(arg.value) if arg.keyword is None else _keyword_store(arg)
                elif parent.attr.value in ("get", "pop", "setdefault") and isinstance(method, cst.Call) and any(
                        literal_str(a.value) in ("functions", "function_call") for a in method.args[:1]):
                    read = True
        if not stores:
            return
        if read:
            self.spread_plans[id(stores[0][0])] = (None, None, (
                f"the request dict `{name}` spread into a chat call carries functions / function_call, which vLLM "
                "ignores, and the code reads them back: pass tools= / tool_choice= instead"))
            return
        for where, key, _, value in stores:
            if key == "functions":
                self.spread_plans[id(where)] = ("tools", self._tools(value), None)
            elif (choice := self._tool_choice(value)) is not None:
                self.spread_plans[id(where)] = ("tool_choice", choice, None)
            else:
                self.spread_plans[id(where)] = (None, None, (
                    "function_call is computed at run time: store tool_choice instead "
                    '("auto", "none", or {"type": "function", "function": {"name": ...}})'))

    # The stores planned above, where they are: `d["functions"] = fs`, `{"functions": fs}`, `dict(functions=fs)`.
    def _spread_plan(self, original: cst.CSTNode):
        plan = self.spread_plans.get(id(original)) if self.spread_plans else None
        if plan is not None and plan[2] is not None:
            self.review(original, plan[2])
        if plan is None or plan[0] is None:
            return None
        self.edited()
        return plan

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        plan = self._spread_plan(original) if len(original.targets) == 1 else None
        if plan is None:
            return updated
        target = updated.targets[0].target
        index = target.slice[0].slice
        key = index.value.with_changes(value=f"{index.value.prefix}{index.value.quote}{plan[0]}{index.value.quote}")
        target = target.with_changes(slice=[target.slice[0].with_changes(slice=index.with_changes(value=key))])
        return updated.with_changes(targets=[updated.targets[0].with_changes(target=target)], value=plan[1])

    def leave_DictElement(self, original: cst.DictElement, updated: cst.DictElement):
        plan = self._spread_plan(original)
        if plan is None:
            return updated
        key = updated.key.with_changes(value=f"{updated.key.prefix}{updated.key.quote}{plan[0]}{updated.key.quote}")
        return updated.with_changes(key=key, value=plan[1])

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        plan = self._spread_plan(original)
        if plan is None:
            return updated
        return updated.with_changes(keyword=cst.Name(plan[0]), value=plan[1])

    def visit_FunctionDef(self, node) -> None:
        self.stack.append(id(node))

    def leave_FunctionDef(self, original, updated):
        self.stack.pop()
        return updated

    def _known(self, node) -> bool:
        return self.scopes.rooted(node, self.stack[-1], self.known) or _chat_message(node)

    # -- the request ------------------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        is_chat = endpoint_of(original) in _CHAT or bool(self.qname_in(original.func, _LEGACY_CHAT))
        if not is_chat:
            return updated
        call = updated
        functions = get_arg(call, "functions")
        if functions is not None:
            if get_arg(call, "tools") is not None:
                self.review(original, "both functions= and tools= are passed: merge the functions into tools")
            else:
                call = rename_arg(call, "functions", "tools")
                call = call.with_changes(args=[
                    a.with_changes(value=self._tools(a.value)) if a.keyword is not None and a.keyword.value == "tools" else a
                    for a in call.args
                ])
                self.edited()
        choice = get_arg(call, "function_call")
        if choice is not None:
            new = self._tool_choice(choice.value)
            if new is None or get_arg(call, "tool_choice") is not None:
                self.review(original, "function_call= is computed at run time: pass tool_choice= instead "
                                      '("auto", "none", or {"type": "function", "function": {"name": ...}})')
            else:
                call = rename_arg(call, "function_call", "tool_choice")
                call = call.with_changes(args=[
                    a.with_changes(value=new) if a.keyword is not None and a.keyword.value == "tool_choice" else a
                    for a in call.args
                ])
                self.edited()
        return call

    def _tools(self, value: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(value, cst.List) and all(isinstance(e, cst.Element) for e in value.elements):
            return value.with_changes(elements=[e.with_changes(value=_function_dict(e.value)) for e in value.elements])
        return cst.ListComp(
            elt=_function_dict(cst.Name("fn")),
            for_in=cst.CompFor(target=cst.Name("fn"), iter=value),
        )

    def _tool_choice(self, value: cst.BaseExpression) -> cst.BaseExpression | None:
        text = literal_str(value)
        if text in ("auto", "none"):
            return value
        if isinstance(value, cst.Dict) and any(
            isinstance(e, cst.DictElement) and literal_str(e.key) == "name" for e in value.elements
        ):
            return _function_dict(value)
        return None

    # -- reading the answer -----------------------------------------------------------------------------------
    def visit_If(self, node: cst.If) -> None:
        self.guards.append(self._guarded(node.test))

    def leave_If(self, original: cst.If, updated: cst.If):
        self.guards.pop()
        return updated

    def _guarded(self, test: cst.BaseExpression) -> set[str]:
        if isinstance(test, cst.Attribute) and test.attr.value == "function_call" and self._known(test.value):
            return {code(test.value)}
        if (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
                and isinstance(test.comparisons[0].operator, cst.IsNot)
                and m.matches(test.comparisons[0].comparator, m.Name("None"))):
            return self._guarded(test.left)
        return set()

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if original.attr.value != "function_call":
            return updated
        if _chat_delta(original.value) and not self.scopes.rooted(original.value, self.stack[-1], self.known):
            self.review(original, "a streamed delta.function_call: vLLM streams a tool call as delta.tool_calls, a "
                                  "list of pieces with an index each (function.name first, then function.arguments in "
                                  "parts): gather those instead",
                        note="streamed function_call deltas: read delta.tool_calls[i].function instead")
            return updated
        if not self._known(original.value):
            return updated
        if self.stack[-1] in self.handles_tools:
            # Code written for both APIs: its tool_calls branch runs on vLLM's answers, and function_call
            # (None there) must not be turned into a second reading of the same tool call.
            return updated
        receiver = updated.value
        tool_calls = cst.Attribute(receiver, cst.Name("tool_calls"))
        parent = self.parent(original)
        self.edited()
        if isinstance(parent, cst.If) and parent.test is original:
            return tool_calls  # `if E.function_call:`  ->  `if E.tool_calls:`
        if (isinstance(parent, cst.Comparison) and parent.left is original and len(parent.comparisons) == 1
                and isinstance(parent.comparisons[0].operator, (cst.Is, cst.IsNot))
                and m.matches(parent.comparisons[0].comparator, m.Name("None"))):
            return tool_calls
        first = cst.Attribute(self._function_tool_call(tool_calls), cst.Name("function"))
        guarded = any(code(original.value) in g for g in self.guards)
        if guarded or isinstance(parent, cst.Attribute):
            return first  # inside `if E.tool_calls:`, or `.name` / `.arguments` (which failed on None before too)
        expr = cst.IfExp(test=tool_calls, body=first, orelse=cst.Name("None"))
        if not isinstance(parent, (cst.Assign, cst.Arg, cst.Return, cst.AnnAssign, cst.Element, cst.DictElement)):
            expr = expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return expr

    def _function_tool_call(self, tool_calls: cst.BaseExpression) -> cst.Call:
        """`cast(ChatCompletionMessageToolCall, E.tool_calls[0])`. The SDK types a tool call as a union of function
        and custom tool calls, and only the function one has `.function`; the request this answers declared only
        function tools (it was converted from functions=), so only function tool calls come back. The cast keeps
        the value as it is and tells the type checker so. ChatCompletionMessageToolCall is the function tool
        call class in every openai>=1 (an alias of ChatCompletionMessageFunctionToolCall since 1.99)."""
        AddImportsVisitor.add_needed_import(self.context, "openai.types.chat", _FUNCTION_TOOL_CALL)
        first = cst.Subscript(tool_calls, [cst.SubscriptElement(cst.Index(cst.Integer("0")))])
        return typing_cast(self, self.tree, cst.Name(_FUNCTION_TOOL_CALL), first)

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison):
        # finish_reason == "function_call"  ->  == "tool_calls"
        if len(original.comparisons) != 1 or not isinstance(original.comparisons[0].operator, (cst.Equal, cst.NotEqual)):
            return updated
        left, right = original.left, original.comparisons[0].comparator
        side = "right" if literal_str(right) == "function_call" else "left" if literal_str(left) == "function_call" else None
        if side is None:
            return updated
        other = left if side == "right" else right
        if not (isinstance(other, cst.Attribute) and other.attr.value == "finish_reason") and not (
            isinstance(other, cst.Subscript) and literal_str(other.slice[0].slice.value if isinstance(other.slice[0].slice, cst.Index) else None) == "finish_reason"
        ):
            return updated
        self.edited()
        new = cst.SimpleString('"tool_calls"')
        if side == "right":
            return updated.with_changes(comparisons=[updated.comparisons[0].with_changes(comparator=new)])
        return updated.with_changes(left=new)

    def leave_Dict(self, original: cst.Dict, updated: cst.Dict):
        # {"role": "function", "name": n, "content": c}: a function result sent back to the model
        keys = {literal_str(e.key): e for e in original.elements if isinstance(e, cst.DictElement)}
        role = keys.get("role")
        if role is None or literal_str(role.value) != "function":
            if role is not None and literal_str(role.value) == "assistant" and "function_call" in keys:
                self.review(original, 'an assistant message with "function_call" must carry "tool_calls" now: '
                                      "append the response's message object itself")
            return updated
        receivers = self.receivers.get(self.stack[-1], set())
        if len(receivers) != 1:
            self.review(original, 'a {"role": "function"} message must become {"role": "tool", "tool_call_id": '
                                  '<the tool call id>, "content": ...}')
            return updated
        receiver = cst.parse_expression(next(iter(receivers)))
        call_id = cst.Attribute(
            cst.Subscript(cst.Attribute(receiver, cst.Name("tool_calls")), [cst.SubscriptElement(cst.Index(cst.Integer("0")))]),
            cst.Name("id"),
        )
        elements = []
        for element in updated.elements:
            key = literal_str(element.key) if isinstance(element, cst.DictElement) else None
            if key == "role":
                elements.append(element.with_changes(value=cst.SimpleString('"tool"')))
            elif key == "name":
                elements.append(element.with_changes(key=cst.SimpleString('"tool_call_id"'), value=call_id))
            else:
                elements.append(element)
        self.edited()
        return updated.with_changes(elements=elements)
