"""OAI001 client-endpoint: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import ENV_BASE, ENV_KEY, case, check_case

CASES = [
    case("OAI001", """
        from openai import OpenAI

        client = OpenAI()
        """, f"""
        from openai import OpenAI
        import os

        client = OpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
        )
        """, id="OAI001-bare-client-gets-endpoint-and-import-os",
        review=[]),
    case("OAI001", """
        import os
        import openai as oa

        client = oa.AsyncOpenAI(api_key="sk-live-123", timeout=30)
        """, f"""
        import os
        import openai as oa

        client = oa.AsyncOpenAI(
            base_url={ENV_BASE},
            api_key={ENV_KEY},
            timeout=30,
        )
        """, id="OAI001-aliased-module-async-literal-key-replaced",
        review=[]),
    case("OAI001", """
        from openai import OpenAI as C

        def make():
            return C(
                organization="org-1",
                max_retries=2,
            )
        """, f"""
        from openai import OpenAI as C
        import os

        def make():
            return C(
                base_url={ENV_BASE},
                api_key={ENV_KEY},
                organization="org-1",
                max_retries=2,
            )
        """, id="OAI001-aliased-class-multiline-layout-kept",
        review=[]),
    case("OAI001", """
        from openai import OpenAI

        client = OpenAI(base_url=settings.llm_url, api_key=os.environ["OPENAI_API_KEY"])
        """, f"""
        from openai import OpenAI
        import os

        # migrate: base_url comes from `settings.llm_url`: make sure it is the vLLM endpoint ($OPENAI_BASE_URL)
        client = OpenAI(base_url=settings.llm_url, api_key={ENV_KEY})
        """, id="OAI001-project-plumbing-kept-and-noted",
        review=[('OAI001', 6, 'base_url comes from `settings.llm_url`: make sure it is the vLLM')]),
    case("OAI001", """
        import openai

        openai.api_key = "sk-123"

        def ask():
            return openai.chat.completions.create(model="m", messages=[])
        """, f"""
        import openai
        import os

        openai.base_url = {ENV_BASE}

        openai.api_key = {ENV_KEY}

        def ask():
            return openai.chat.completions.create(model="m", messages=[])
        """, id="OAI001-module-client-configured",
        review=[]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai001(c):
    check_case(c)
