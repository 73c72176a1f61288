"""OAI005 for JS/TS: the axios-style error reads of openai-node v3 become APIError's fields, in the catch clauses
around the calls OAI004 upgrades."""

from __future__ import annotations

import pytest

from tests.rewrite.javascript.upgrade_cases import case, check_case

CASES = [
    case("OAI004,OAI005", """\
        import { Configuration, OpenAIApi } from "openai";

        const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));

        export async function ask(prompt: string) {
          try {
            const r = await openai.createCompletion({ model: "gpt-3.5-turbo-instruct", prompt });
            return r.data.choices[0].text;
          } catch (error: any) {
            if (!error.response) throw error;
            console.error(error.response.status, error.response.data.error.message);
            return error.response.data.error.code;
          }
        }

        export async function other(url: string) {
          try {
            return await fetch(url);
          } catch (err: any) {
            return err.response?.status;
          }
        }
""", """\
        import OpenAI from "openai";

        const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

        export async function ask(prompt: string) {
          try {
            const r = await openai.completions.create({ model: "gpt-3.5-turbo-instruct", prompt });
            return r.choices[0].text;
          } catch (error: any) {
            if (!(error instanceof OpenAI.APIError)) throw error;
            // migrate: v4+'s APIError.message starts with the HTTP status ('400 ...'); the API's own message alone is its .error?.message
            console.error(error.status, error.message);
            return error.code;
          }
        }

        export async function other(url: string) {
          try {
            return await fetch(url);
          } catch (err: any) {
            return err.response?.status;
          }
        }
""", id="OAI005-error-reads-become-api-error-fields", name="errors.ts", review=[
        ('OAI005', 12, "error.response.data.error.message -> error.message: v4+'s AP"),
        ('OAI005', 21, '`err.response` reads an axios-style error: if openai-node ca'),
    ]),
]


@pytest.mark.parametrize("c", CASES)
def test_case(c, tmp_path):
    check_case(c, tmp_path)


def test_only_oai005_changes_nothing_without_oai004(tmp_path):
    """The error reads move to APIError only together with the upgrade (alone, v3's errors are still axios')."""
    from tests.rewrite.javascript.upgrade_cases import run_js

    source = CASES[0].values[0].before
    result = run_js(source, ("OAI005",), tmp_path, "errors.ts")
    assert result.failure is None and result.after == source
