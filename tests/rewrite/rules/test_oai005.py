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
    case("OAI005", """
        import openai
        from openai import InvalidRequestError
        from openai.error import RateLimitError


        def ask(messages):
            try:
                return openai.ChatCompletion.create(model="m", messages=messages)
            except InvalidRequestError as e:
                return e.http_status
            except openai.error.Timeout:
                raise RateLimitError("slow down")


        def test_retry(mocker):
            mocker.patch("app.ask", side_effect=openai.error.APIError("boom"))
        """, """
        import openai
        # migrate: a 404 (an unknown model, say) now raises NotFoundError, not BadRequestError
        from openai import BadRequestError
        from openai import RateLimitError


        def ask(messages):
            try:
                return openai.ChatCompletion.create(model="m", messages=messages)
            except BadRequestError as e:
                return e.status_code
            except openai.APITimeoutError:
                # migrate: openai.RateLimitError(...) takes (message, response, body) in openai>=1
                raise RateLimitError("slow down")


        def test_retry(mocker):
            # migrate: openai.APIError(...) takes (message, request, body) in openai>=1
            mocker.patch("app.ask", side_effect=openai.APIError("boom"))
        """, id="OAI005-top-level-0x-names-and-constructors",
        review=[("OAI005", 4, "the current SDK raises NotFoundError for 404"),
                ("OAI005", 15, "openai.RateLimitError(...) needs response, body in openai>=1"),
                ("OAI005", 20, "openai.APIError(...) needs request, body in openai>=1")]),
    case("OAI005", """
        import httpx
        import openai
        from openai import APIError, RateLimitError

        response = httpx.Response(429, request=httpx.Request("POST", "http://test"))
        error = RateLimitError("slow down", response=response, body=None)
        timeout = openai.Timeout(10.0)
        base = openai.OpenAIError("anything goes")
        try:
            pass
        except (APIError, openai.APITimeoutError):
            pass
        """, None, id="OAI005-current-sdk-exceptions-untouched",
        review=[]),
    case("OAI005", """
        import openai


        def call(f, log):
            try:
                return f()
            except openai.error.APIError as e:
                log(e.headers, e.http_status)
            except openai.error.RateLimitError as e:
                log(e.headers, e.http_status)
        """, """
        import openai


        def call(f, log):
            try:
                return f()
            except openai.APIError as e:
                # migrate: e.response exists only on status errors (not on connection errors, timeouts)
                log(e.response.headers, getattr(e, "status_code", None))
            except openai.RateLimitError as e:
                log(e.response.headers, e.status_code)
        """, id="OAI005-http-status-of-a-handler-that-catches-connection-errors-too",
        review=[("OAI005", 10, "e.response.headers: only status errors have a response in openai>=1")]),
    case("OAI005", """
        from tenacity import retry, retry_if_exception_type


        def _retry_decorator():
            import openai

            return retry(retry=retry_if_exception_type(openai.error.Timeout) | retry_if_exception_type(openai.error.APIError))
        """, """
        from tenacity import retry, retry_if_exception_type


        def _retry_decorator():
            import openai

            return retry(retry=retry_if_exception_type(openai.APITimeoutError) | retry_if_exception_type(openai.APIError))
        """, id="OAI005-openai-imported-inside-the-function-no-module-level-import-added",
        review=[]),
    case("OAI005", """
        import openai
        from openai.error import APIError


        def code_of(call):
            try:
                return call()
            except APIError as err:
                error = err and err.json_body and isinstance(err.json_body, dict) and err.json_body.get("error")
                return error and error.get("code"), err.json_body["error"]["message"]
            except openai.error.InvalidRequestError as e:
                if "maximum context length" in e.http_body:
                    raise
                return e.json_body
        """, """
        import openai
        from openai import APIError


        def code_of(call):
            # migrate: a 404 (an unknown model, say) now raises NotFoundError, not BadRequestError
            try:
                return call()
            except APIError as err:
                error = err and err.body and isinstance(err.body, dict) and err.body
                return error and error.get("code"), err.body["message"]
            except openai.BadRequestError as e:
                # migrate: e.body is the parsed error object, not the raw text e.http_body was
                if "maximum context length" in e.body:
                    raise
                return e.body
        """, id="OAI005-json-body-error-member-is-the-current-body",
        review=[("OAI005", 13, "the current SDK raises NotFoundError for 404"),
                ("OAI005", 15, "e.http_body was the raw text of the response")]),
    case("OAI005", """
        from openai.error import OpenAIError as OriginalError, InvalidRequestError


        class ModelError(InvalidRequestError):
            def __init__(self, message, model):
                self.model = model
                super().__init__(message, f"{model}")


        class Plain(OriginalError):
            def __init__(self, message):
                super().__init__(message)


        class Detailed(OriginalError):
            def __init__(self, message, status):
                super().__init__(message=message, http_status=status, json_body=None)


        def status_of(original_exception, other):
            if isinstance(original_exception, OriginalError) and other:
                return original_exception.http_status, other.http_status, original_exception._message
            else:
                return original_exception.http_status
        """, """
        # migrate: a 404 (an unknown model, say) now raises NotFoundError, not BadRequestError
        from openai import OpenAIError as OriginalError, BadRequestError


        class ModelError(BadRequestError):
            def __init__(self, message, model):
                self.model = model
                # migrate: openai.BadRequestError(...) takes (message, response, body) in openai>=1
                super().__init__(message, f"{model}")


        class Plain(OriginalError):
            def __init__(self, message):
                super().__init__(message)


        class Detailed(OriginalError):
            def __init__(self, message, status):
                # migrate: openai>=1 errors take no http_status/json_body arguments
                super().__init__(message=message, http_status=status, json_body=None)


        def status_of(original_exception, other):
            if isinstance(original_exception, OriginalError) and other:
                return getattr(original_exception, "status_code", None), other.http_status, original_exception.message
            else:
                return original_exception.http_status
        """, id="OAI005-subclass-super-init-and-isinstance-narrowed-attributes",
        review=[("OAI005", 3, "the current SDK raises NotFoundError for 404"),
                ("OAI005", 10, "openai.BadRequestError(...) needs response, body in openai>=1"),
                ("OAI005", 21, "super().__init__(...) passes http_status=, json_body=, which the 0.x errors took")]),
    case("OAI005", """
        from openai.error import InvalidRequestError, ServiceUnavailableError, Timeout, TryAgain


        class InvalidRequestError(InvalidRequestError):
            def __init__(self, message, model):
                self.model = model
                super().__init__(message, model)


        class Busy(ServiceUnavailableError):
            pass


        Timeout = Timeout
        __all__ = ["TryAgain"]
        """, """
        # migrate: a 404 (an unknown model, say) now raises NotFoundError, not BadRequestError
        from openai import BadRequestError as InvalidRequestError, InternalServerError, APITimeoutError as Timeout, ConflictError as TryAgain


        class InvalidRequestError(InvalidRequestError):
            def __init__(self, message, model):
                self.model = model
                # migrate: openai.BadRequestError(...) takes (message, response, body) in openai>=1
                super().__init__(message, model)


        class Busy(InternalServerError):
            pass


        Timeout = Timeout
        __all__ = ["TryAgain"]
        """, id="OAI005-a-name-the-module-redefines-keeps-its-local-name",
        review=[("OAI005", 3, "the current SDK raises NotFoundError for 404"),
                ("OAI005", 10, "openai.BadRequestError(...) needs response, body in openai>=1")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai005(c):
    check_case(c)


def test_oai005_package_init_keeps_the_names_it_reexports():
    """id: OAI005-init-reexport. `from mypkg import InvalidRequestError` elsewhere must keep working."""
    from migrate.config import Config
    from migrate.rewrite.python import rewrite_source

    source = "from openai.error import InvalidRequestError, RateLimitError\n"
    result = rewrite_source(source, "mypkg/__init__.py", config=Config(), options={}, active=frozenset({"OAI005"}))
    assert result.after.endswith("\nfrom openai import BadRequestError as InvalidRequestError, RateLimitError\n")
    again = rewrite_source(result.after, "mypkg/__init__.py", config=Config(), options={}, active=frozenset({"OAI005"}))
    assert again.after == result.after
