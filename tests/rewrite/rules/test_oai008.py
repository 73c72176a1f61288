"""OAI008 vllm-parameters: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import case, check_case

CASES = [
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
    # `suffix` is declared by vLLM's CompletionRequest, but the shipped profile's probes saw it refused (HTTP 400)
    case("OAI008", """
        from openai import OpenAI

        client = OpenAI()
        r = client.completions.create(model="m", prompt="def f(", suffix="    return 1", max_tokens=8)
        """, """
        from openai import OpenAI

        client = OpenAI()
        # migrate: suffix= is refused by vLLM: remove `suffix` (or serve a model or configuration that takes it)
        r = client.completions.create(model="m", prompt="def f(", suffix="    return 1", max_tokens=8)
        """, id="OAI008-a-parameter-the-probes-saw-refused-is-noted",
        review=[("OAI008", 6, "suffix=: vLLM 0.32.0 refused `suffix` with HTTP 400")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai008(c):
    check_case(c)
