"""OAI008 vllm-parameters: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import case, check_case

CASES = [
    case("OAI008", """
        from openai import OpenAI

        client = OpenAI()

        def ask(config, prompt):
            if "engine" in config:
                return client.chat.completions.create(engine=config["engine"], messages=prompt, request_timeout=30)
            return client.chat.completions.create(model=config["model"], messages=prompt, timeout=30)
        """, """
        from openai import OpenAI

        client = OpenAI()

        def ask(config, prompt):
            if "engine" in config:
                # migrate: engine= is a 0.x argument (TypeError in openai>=1): pass model= (the served model name)
                # migrate: request_timeout= is a 0.x argument (TypeError in openai>=1): pass timeout=
                return client.chat.completions.create(engine=config["engine"], messages=prompt, request_timeout=30)
            return client.chat.completions.create(model=config["model"], messages=prompt, timeout=30)
        """, id="OAI008-0x-only-arguments-left-in-a-current-call-are-noted",
        review=[("OAI008", 10, "engine= is a 0.x argument: openai>=1 raises TypeError on it"),
                ("OAI008", 10, "request_timeout= is a 0.x argument: openai>=1 raises TypeError on it")]),
    case("OAI008", """
        from openai import OpenAI

        client = OpenAI()
        r = client.chat.completions.create(
            model="m",
            messages=[],
            store=True,
            service_tier="auto",  # priority processing
            temperature=0,
        )
        """, """
        from openai import OpenAI

        client = OpenAI()
        r = client.chat.completions.create(
            model="m",
            messages=[],
            temperature=0,
        )
        """, id="OAI008-ignored-parameters-dropped-with-their-comments",
        review=[]),
    case("OAI008", """
        from openai import OpenAI

        client = OpenAI()
        r = client.chat.completions.create(model="m", messages=[], logit_bias={"50256": -100}, user=current_user())
        """, """
        from openai import OpenAI

        client = OpenAI()
        # migrate: logit_bias keys are OpenAI token ids and mean other tokens on the served model: recompute them with its tokenizer (vLLM POST /tokenize) or remove the bias
        # migrate: vLLM ignores user=: it has no effect there
        r = client.chat.completions.create(model="m", messages=[], logit_bias={"50256": -100}, user=current_user())
        """, id="OAI008-logit-bias-noted-side-effect-value-kept",
        review=[('OAI008', 7, 'logit_bias keys are OpenAI token ids and mean other tokens on the'), ('OAI008', 7, "user=: vLLM's request model declares `user` but never reads it for")]),
    case("OAI008", """
        import os
        from openai import OpenAI

        router = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])


        class Bot:
            def __init__(self):
                self.llm = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")

            def ask(self, q):
                return self.llm.chat.completions.create(model="m", messages=[], store=True, logit_bias={"1": 2})


        r = router.chat.completions.create(model="m", messages=[], store=True, logit_bias={"1": 2})
        """, id="OAI008-calls-through-another-providers-client-keep-their-parameters", review=[]),
    # `suffix` is declared by vLLM's CompletionRequest, but refused (HTTP 400) unless the model renders fill-in-the-middle:
    # the shipped profile saw it refused on the test model; the model-aware value class says why and what to do
    case("OAI008", """
        from openai import OpenAI

        client = OpenAI()
        r = client.completions.create(model="m", prompt="def f(", suffix="    return 1", max_tokens=8)
        """, """
        from openai import OpenAI

        client = OpenAI()
        # migrate: suffix= fails on vLLM with this value: build the fill-in-the-middle prompt yourself with the model's FIM tokens (e.g. <|fim_prefix|>... for Qwen2.5-Coder) and send it as the prompt, or drop suffix
        r = client.completions.create(model="m", prompt="def f(", suffix="    return 1", max_tokens=8)
        """, id="OAI008-suffix-that-needs-a-fim-model-is-noted",
        review=[("OAI008", 6, "suffix=: suffix='    return 1': depends on the model: vLLM renders `suffix` only for models with fill-in-the-middle")]),
    case("OAI008", """
        from openai import OpenAI

        client = OpenAI()
        greedy = client.chat.completions.create(model="m", messages=[], top_p=0)
        several = client.chat.completions.create(model="m", messages=[], temperature=0, n=3)
        sampled = client.chat.completions.create(model="m", messages=[], temperature=0.7, n=3, top_p=0.9)
        later = client.responses.create(model="m", input="hi", background=True)
        tuned = client.chat.completions.create(model="m", messages=[], top_p=settings.top_p)
        """, """
        from openai import OpenAI

        client = OpenAI()
        # migrate: top_p= fails on vLLM with this value: for greedy decoding use temperature=0 (and drop top_p), or a small positive top_p such as 0.01
        greedy = client.chat.completions.create(model="m", messages=[], top_p=0)
        # migrate: temperature= fails on vLLM with this value: use n=1 with temperature 0, or a small positive temperature (e.g. 0.01) when you need several choices
        several = client.chat.completions.create(model="m", messages=[], temperature=0, n=3)
        sampled = client.chat.completions.create(model="m", messages=[], temperature=0.7, n=3, top_p=0.9)
        later = client.responses.create(model="m", input="hi", background=True)
        tuned = client.chat.completions.create(model="m", messages=[], top_p=settings.top_p)
        """, id="OAI008-values-that-fail-on-vllm-get-a-note-never-a-drop",
        review=[('OAI008', 6, 'top_p=: top_p=0: vLLM requires top_p in (0, 1]'),
                ('OAI008', 8, 'temperature=: temperature=0: vLLM treats temperature 0 as greedy'),
                ('OAI008', 10, 'background=: background=True: background responses need a response store'),
                ('OAI008', 11, 'top_p=: depends on the value (not known statically)')]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai008(c):
    check_case(c)
