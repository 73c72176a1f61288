"""OAI009 hardcoded-urls: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import ENV_BASE, case, check_case

CASES = [
    case("OAI009", '''
        """Talks to https://api.openai.com/v1 directly."""
        import requests

        BASE = "https://api.openai.com/v1"
        URL = "https://api.openai.com/v1/chat/completions"
        r = requests.post("https://api.openai.com/v1/engines/%s/completions" % "x")
        ''', f'''
        """Talks to https://api.openai.com/v1 directly."""
        import requests
        import os

        BASE = {ENV_BASE}
        URL = {ENV_BASE} + "/chat/completions"
        r = requests.post(({ENV_BASE} + "/engines/%s/completions") % "x")
        ''', id="OAI009-urls-docstring-kept",
        review=[]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai009(c):
    check_case(c)
