"""Responses followed across functions and modules: the repo-wide phase (migrate/rewrite/flow.py) and the plan."""

from __future__ import annotations

import textwrap

from migrate.config import Config
from migrate.rewrite import apply_plan, plan_rewrite
from migrate.rewrite.flow import CERTAIN, MAYBE, build, file_facts
from tests.rewrite.conftest import CONFIG, make_tree, snapshot

LLM = textwrap.dedent("""\
    import openai


    def ask(q):
        return openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": q}])


    def first(response):
        return response["choices"][0]
    """)

MAIN = textwrap.dedent("""\
    from app import llm
    from .llm import ask, first
    from .cache import lookup


    def answer(q):
        reply = ask(q)
        text = reply["choices"][0]["message"]["content"]
        if "sorry" in text:
            return None
        return first(llm.ask(q))["message"].get("content", "")


    def remembered(q):
        return lookup(q)["choices"]
    """)

CACHE = textwrap.dedent("""\
    from app.llm import ask

    SEEN = {}


    def lookup(q):
        if q in SEEN:
            return SEEN[q]
        return ask(q)
    """)

UNRELATED = textwrap.dedent("""\
    def ask(q):
        return {"choices": [q]}


    def show(q):
        return ask(q)["choices"]
    """)


def test_plan_follows_responses_into_modules_that_never_import_openai(tmp_path):
    root = make_tree(tmp_path, {"app/__init__.py": "", "app/llm.py": LLM, "app/main.py": MAIN,
                                "app/cache.py": CACHE, "tools/unrelated.py": UNRELATED})
    plan = plan_rewrite([root], config=CONFIG)
    after = {c.path: c.after for c in plan.changes}
    assert sorted(after) == ["app/llm.py", "app/main.py"]
    assert 'return response.choices[0]' in after["app/llm.py"]
    main = after["app/main.py"]
    assert "text = reply.choices[0].message.content" in main
    assert 'if "sorry" in text:' in main  # a string, not a response: left alone
    assert 'return first(llm.ask(q)).message.content or ""' in main
    # lookup() returns a cached value on one path and a response on the other: a review item, not an edit
    assert 'return lookup(q)["choices"]' in main
    items = [(r.path, r.line, r.rule) for r in plan.review if r.rule == "OAI006"]
    line = main.splitlines().index('    return lookup(q)["choices"]') + 1
    assert items == [("app/main.py", line, "OAI006")]
    assert "# migrate: " in main.splitlines()[line - 2]
    assert "OAI006" in dict((c.path, c.rules) for c in plan.changes)["app/main.py"]

    before = snapshot(root)
    result = apply_plan(plan)
    assert not result.refused
    assert snapshot(root)["tools/unrelated.py"] == before["tools/unrelated.py"]
    again = plan_rewrite([root], config=CONFIG)
    assert again.changes == (), again.diff()


def test_facts_of_one_module():
    facts = file_facts(textwrap.dedent("""\
        import openai
        from openai import OpenAI

        client = OpenAI()


        class Bot:
            def ask(self, q):
                r = client.chat.completions.create(model="m", messages=[])
                return r

            def reply(self, q):
                return self.ask(q)["choices"][0]


        def embed(texts):
            return openai.Embedding.create(input=texts, model="e")


        def maybe(q, cache):
            return cache.get(q) or embed([q])


        def text_of(r):
            return r["choices"][0]["message"]["content"]


        def show(r):
            print(r)


        show(embed(["a"]))
        show({"x": 1})
        """))
    assert facts.functions == {"Bot.ask": CERTAIN, "Bot.reply": CERTAIN, "embed": CERTAIN}
    assert facts.params == {"show": {"r": MAYBE}}


def test_build_takes_in_other_files_only_when_they_import_a_response_function():
    parsed: list[str] = []

    def loader(rel, data):
        def load():
            parsed.append(rel)
            return data
        return load

    repo = build([("app/llm.py", LLM)],
                 [("app/main.py", loader("app/main.py", MAIN.encode())),
                  ("app/cache.py", loader("app/cache.py", CACHE.encode())),
                  ("tools/unrelated.py", loader("tools/unrelated.py", UNRELATED.encode()))])
    assert repo.callers == {"app/main.py", "app/cache.py"}
    assert repo.for_file("app/cache.py").functions == {"ask": CERTAIN, "lookup": MAYBE}
    assert repo.for_file("app/main.py").functions == {"ask": CERTAIN, "llm.ask": CERTAIN, "first": CERTAIN,
                                                      "lookup": MAYBE, "remembered": MAYBE}
    assert repo.for_file("app/llm.py").params == {"first": {"response": CERTAIN}}
    assert repo.for_file("tools/unrelated.py") is None  # its own ask() returns a dict
    assert sorted(parsed) == ["app/cache.py", "app/main.py", "tools/unrelated.py"]  # each read once


def test_plan_falls_back_to_each_module_on_its_own_when_phase_one_gives_up(tmp_path, monkeypatch):
    from migrate.rewrite import flow

    def too_deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(flow, "build", too_deep)
    root = make_tree(tmp_path, {"app/__init__.py": "", "app/llm.py": LLM, "app/main.py": MAIN})
    plan = plan_rewrite([root], config=CONFIG)
    after = {c.path: c.after for c in plan.changes}
    assert sorted(after) == ["app/llm.py"]  # main.py does not import openai: only phase one would reach it
    assert "return response.choices[0]" not in after["app/llm.py"]  # first() is called from main.py only
    assert 'return response["choices"][0]' in after["app/llm.py"]
    assert [(r.path, r.rule) for r in plan.review if r.rule == "OAI006"] == [("app/llm.py", "OAI006")]


CHAT = textwrap.dedent("""\
    import openai

    from app.types import Message, describe


    def ask(q):
        r = openai.ChatCompletion.create(model="m", messages=[{"role": "user", "content": q}])
        describe(r["choices"][0])
        return Message(r["choices"][0]["message"])
    """)

TYPES = textwrap.dedent("""\
    class Message:
        def __init__(self, message):
            self.text = message.get("content") or ""


    def describe(choice):
        return choice["finish_reason"]
    """)


def test_build_reads_a_module_that_never_imports_openai_when_a_response_is_passed_into_it(tmp_path):
    repo = build([("app/chat.py", CHAT)], [("app/types.py", lambda: TYPES.encode()),
                                           ("tools/unrelated.py", lambda: UNRELATED.encode())])
    assert repo.callers == {"app/types.py"}
    assert repo.for_file("app/types.py").params == {"Message.__init__": {"message": CERTAIN},
                                                    "describe": {"choice": CERTAIN}}

    root = make_tree(tmp_path, {"app/__init__.py": "", "app/chat.py": CHAT, "app/types.py": TYPES})
    after = {c.path: c.after for c in plan_rewrite([root], config=CONFIG).changes}
    assert 'self.text = message.content or ""' in after["app/types.py"]
    assert "return choice.finish_reason" in after["app/types.py"]


def test_plan_follows_a_response_into_a_module_that_names_openai_without_calling_it(tmp_path):
    types = '"""Containers for OpenAI messages."""\n\n\n' + TYPES
    root = make_tree(tmp_path, {"app/__init__.py": "", "app/chat.py": CHAT, "app/types.py": types})
    plan = plan_rewrite([root], config=CONFIG)
    after = {c.path: c.after for c in plan.changes}
    assert 'self.text = message.content or ""' in after["app/types.py"]
    assert "return choice.finish_reason" in after["app/types.py"]
    assert [c.path for c in plan.changes].count("app/types.py") == 1


CLIENTS = textwrap.dedent("""\
    from openai import OpenAI

    client = OpenAI()
    NOT_A_CLIENT = {"model": "gpt-4o"}


    def get_client():
        return OpenAI()
    """)

VOICE = textwrap.dedent("""\
    from app.clients import client


    def chat(q):
        return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])


    def transcribe(f):
        return client.audio.transcriptions.create(model="whisper-1", file=f).text
    """)

FACTORY_USER = textwrap.dedent("""\
    import app.clients as clients
    from app.clients import get_client as make


    def summarize(text):
        return make().chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])


    def embed(text):
        return clients.client.embeddings.create(model="text-embedding-3-small", input=text)
    """)

SETTINGS_USER = textwrap.dedent("""\
    from app.clients import NOT_A_CLIENT
    from vendor_sdk import client


    def call():
        return client.chat.completions.create(model="gpt-4o", **NOT_A_CLIENT)
    """)


def test_calls_through_a_client_imported_from_another_module_are_rewritten(tmp_path):
    """A module that never mentions openai but calls through an OpenAI client another module of the tree builds
    (or a function of it returns) gets its model names mapped and its review items: before, the plan never read
    it, and a model the map lacks went to vLLM without a word."""
    root = make_tree(tmp_path, {"app/__init__.py": "", "app/clients.py": CLIENTS, "app/voice.py": VOICE,
                                "app/summary.py": FACTORY_USER, "app/settings_user.py": SETTINGS_USER})
    config = Config(models={"gpt-4o": "llama-big", "gpt-4o-mini": "llama-small"})
    plan = plan_rewrite([root], config=config)
    after = {c.path: c.after for c in plan.changes}
    assert set(after) == {"app/clients.py", "app/voice.py", "app/summary.py"}, plan.diff()
    assert 'model="llama-big"' in after["app/voice.py"] and 'model="whisper-1"' in after["app/voice.py"]
    assert 'model="llama-small"' in after["app/summary.py"]
    review = {(r.path, r.line, r.rule) for r in plan.review if r.path in ("app/voice.py", "app/summary.py")}
    assert ("app/voice.py", 9, "OAI003") in review  # whisper-1: no entry in the model map
    assert not any(r.path == "app/settings_user.py" for r in plan.review)  # no client of the tree there

    facts = build([("app/clients.py", CLIENTS)], [("app/voice.py", lambda: VOICE.encode()),
                                                  ("app/settings_user.py", lambda: SETTINGS_USER.encode())])
    assert facts.callers == {"app/voice.py"} and facts.for_file("app/voice.py").clients == {"client"}
    facts = build([("app/clients.py", CLIENTS)], [("app/summary.py", lambda: FACTORY_USER.encode())])
    assert facts.for_file("app/summary.py").clients == {"make", "clients.client"}
    assert ("app/summary.py", 10, "OAI003") in review  # text-embedding-3-small, through the module's attribute

    assert not apply_plan(plan).refused
    assert plan_rewrite([root], config=config).changes == ()
