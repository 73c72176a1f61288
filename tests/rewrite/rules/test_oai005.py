"""OAI005 legacy-errors: before/after cases, each with the review items it must leave, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.cases import case, check_case

CASES = [
    case("OAI005", """
        import openai
        from openai.error import RateLimitError, ServiceUnavailableError as Busy
        import openai.error

        try:
            pass
        except RateLimitError as e:
            print(e.http_status, e.json_body)
        except (openai.error.Timeout, openai.error.TryAgain, Busy):
            pass
        """, """
        import openai
        from openai import RateLimitError, InternalServerError as Busy

        try:
            pass
        except RateLimitError as e:
            print(e.status_code, e.body)
        except (openai.APITimeoutError, openai.ConflictError, Busy):
            pass
        """, id="OAI005-errors-imports-and-attributes",
        review=[]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai005(c):
    check_case(c)
