"""Every name a rule writes into code exists in the installed OpenAI SDK."""

from __future__ import annotations

import importlib
import inspect
import types
import typing

import pydantic
import pytest

from migrate.catalog.facts import (
    LEGACY_EXCEPTION_CLASSES,
    LEGACY_EXCEPTION_NAMES_REUSED,
    LEGACY_TOP_LEVEL_EXCEPTIONS,
)
from migrate.rewrite.flow import CHOICE_KIND_FIELDS, SCALAR_FIELDS, TELLTALE_ITEM_FIELDS
from migrate.rewrite.rules.oai004_legacy import LEGACY
from migrate.rewrite.rules.oai005_errors import ERRORS, TOP_LEVEL_RENAMES


@pytest.mark.parametrize("legacy,current", sorted(ERRORS.items()), ids=sorted(ERRORS))
def test_exception_target_exists(legacy, current):
    openai = importlib.import_module("openai")
    cls = getattr(openai, current)
    assert isinstance(cls, type) and issubclass(cls, BaseException)


@pytest.mark.parametrize("legacy", sorted(LEGACY), ids=sorted(LEGACY))
def test_legacy_call_target_exists_on_the_client(legacy):
    openai = importlib.import_module("openai")
    target, is_async = LEGACY[legacy]
    client = (openai.AsyncOpenAI if is_async else openai.OpenAI)(api_key="x", base_url="http://127.0.0.1:9/v1")
    node = client
    for part in target.split("."):
        node = getattr(node, part)
    assert callable(node)


@pytest.mark.parametrize("legacy", sorted(LEGACY_EXCEPTION_CLASSES), ids=sorted(LEGACY_EXCEPTION_CLASSES))
def test_exception_constructor_facts_match_the_sdk(legacy):
    """ExceptionFact.required names exactly the arguments the openai>=1 constructor cannot do without."""
    openai = importlib.import_module("openai")
    fact = LEGACY_EXCEPTION_CLASSES[legacy]
    signature = inspect.signature(getattr(openai, fact.current).__init__)
    required = tuple(
        name for name, p in list(signature.parameters.items())[1:]
        if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    )
    assert required == fact.required


def test_legacy_exception_names_the_sdk_still_exports_are_known():
    """A 0.x name that openai>=1 exports for something else is left alone at top level (openai.Timeout)."""
    openai = importlib.import_module("openai")
    exported = {name for name, fact in LEGACY_EXCEPTION_CLASSES.items() if name != fact.current and hasattr(openai, name)}
    assert exported == set(LEGACY_EXCEPTION_NAMES_REUSED)
    assert {n for n in LEGACY_TOP_LEVEL_EXCEPTIONS if LEGACY_EXCEPTION_CLASSES[n].current != n} <= set(TOP_LEVEL_RENAMES)


def _field_kinds(annotation, seen, fields):
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        args = typing.get_args(annotation)[:1] if origin is typing.Annotated else typing.get_args(annotation)
        for arg in args:
            if arg is not type(None):
                yield from _field_kinds(arg, seen, fields)
    elif origin is typing.Literal or annotation in (str, int, float, bool):
        yield "scalar"
    elif isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        yield "object"
        _walk_model(annotation, seen, fields)
    else:
        yield "other"


def _walk_model(model, seen, fields):
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        fields.setdefault(name, set()).update(_field_kinds(info.annotation, seen, fields))


def test_scalar_fields_are_the_sdk_response_fields_that_hold_scalars():
    from openai.types import (
        Completion,
        CreateEmbeddingResponse,
        FileObject,
        ImagesResponse,
        Model,
        ModerationCreateResponse,
    )
    from openai.types.audio import Transcription
    from openai.types.chat import ChatCompletion, ChatCompletionChunk

    fields: dict[str, set[str]] = {}
    seen: set = set()
    for model in (ChatCompletion, ChatCompletionChunk, Completion, CreateEmbeddingResponse, Model, FileObject,
                  ModerationCreateResponse, ImagesResponse, Transcription):
        _walk_model(model, seen, fields)
    scalars = {name for name, kinds in fields.items() if kinds == {"scalar"}}
    # message.content / message.refusal are strings; logprobs reuses the names for its token lists
    assert SCALAR_FIELDS == scalars | {"content", "refusal"}
    assert "scalar" in fields["content"] and "scalar" in fields["refusal"]


def _optional_str(annotation) -> bool:
    args = typing.get_args(annotation)
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and set(args) == {str, type(None)}


def test_optional_text_fields_are_str_or_none_on_sdk_responses():
    """OAI006 casts these to str where the code needs one: each is `str | None` on a response model."""
    from openai.types.chat import ChatCompletionMessage
    from openai.types.chat.chat_completion_chunk import ChoiceDelta
    from openai.types.fine_tuning import FineTuningJob

    from migrate.rewrite.flow import OPTIONAL_TEXT_FIELDS

    models = (ChatCompletionMessage, ChoiceDelta, FineTuningJob)
    for name in OPTIONAL_TEXT_FIELDS:
        assert any(name in m.model_fields and _optional_str(m.model_fields[name].annotation) for m in models), name


def test_names_the_type_fixes_write_exist():
    """OAI007 casts to openai.types.chat.ChatCompletionMessageToolCall (the function tool call class, with
    .function), OAI006 tests isinstance(r, openai.BaseModel): every response is one."""
    import openai
    from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageToolCall

    from migrate.rewrite.rules.oai007_functions import _FUNCTION_TOOL_CALL

    assert _FUNCTION_TOOL_CALL == "ChatCompletionMessageToolCall"
    assert "function" in ChatCompletionMessageToolCall.model_fields
    assert issubclass(ChatCompletion, openai.BaseModel) and issubclass(ChatCompletionChunk, openai.BaseModel)


def test_legacy_response_attributes_are_not_fields_of_current_responses():
    """OAI006 notes reads of these on responses as AttributeErrors: no current response model has such a field."""
    from openai.types import Completion, CreateEmbeddingResponse, FileObject, Model
    from openai.types.chat import ChatCompletion, ChatCompletionChunk
    from openai.types.fine_tuning import FineTuningJob

    from migrate.catalog.facts import LEGACY_RESPONSE_ATTRIBUTES

    fields: dict[str, set[str]] = {}
    for model in (ChatCompletion, ChatCompletionChunk, Completion, CreateEmbeddingResponse, Model, FileObject,
                  FineTuningJob):
        _walk_model(model, set(), fields)
    assert not set(LEGACY_RESPONSE_ATTRIBUTES) & set(fields)
    assert "id" in ChatCompletion.model_fields  # what openai_id becomes


def test_choice_kind_fields_are_those_only_one_kind_of_choice_declares():
    from openai.types.chat.chat_completion import Choice
    from openai.types.chat.chat_completion_chunk import Choice as ChunkChoice
    from openai.types.completion_choice import CompletionChoice

    fields = [set(cls.model_fields) for cls in (Choice, ChunkChoice, CompletionChoice)]
    assert set.union(*fields) - set.intersection(*fields) == CHOICE_KIND_FIELDS


def test_telltale_item_fields_are_the_fields_of_choices_and_usage():
    from openai.types.chat.chat_completion import Choice
    from openai.types.chat.chat_completion_chunk import Choice as ChunkChoice
    from openai.types.completion_choice import CompletionChoice
    from openai.types.completion_usage import CompletionUsage
    from openai.types.create_embedding_response import Usage as EmbeddingUsage
    from openai.types.responses import ResponseUsage

    assert TELLTALE_ITEM_FIELDS["choices"] == set().union(
        *(cls.model_fields for cls in (Choice, ChunkChoice, CompletionChoice)))
    assert TELLTALE_ITEM_FIELDS["usage"] == set().union(
        *(cls.model_fields for cls in (CompletionUsage, EmbeddingUsage, ResponseUsage)))
    import typing

    from openai.types.embedding import Embedding

    assert Embedding.model_fields["embedding"].annotation == typing.List[float]  # no keys below it
